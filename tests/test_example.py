"""The shipped examples: they load, and the real analysis finds in the Huaxin
account what the file was written to show (DESIGN §4, the JSON of §5).

The expected answers follow from the file by hand: follow-up days are counted
from the touches to 2026-11-20; warm-path strengths are products of the
relationship and channel strengths along the path.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from influence_graph.analysis import analyze
from influence_graph.model import Role, load_account

ROOT = Path(__file__).resolve().parents[1]
HUAXIN = ROOT / "examples" / "huaxin-auto.yaml"
MINIMAL = ROOT / "examples" / "minimal.yaml"
AS_OF = "2026-11-20"


@pytest.fixture(scope="module")
def account():
    return load_account(HUAXIN)


@pytest.fixture(scope="module")
def result(account):
    return analyze(account, as_of=AS_OF).to_dict()


def _by_id(records: list[dict]) -> dict[str, dict]:
    return {record["id"]: record for record in records}


def _risks(result: dict, kind: str, pid: str) -> list[str]:
    """Messages of the risks of ``kind`` concerning person ``pid``."""
    return [risk["message"] for risk in result["risks"] if risk["kind"] == kind and pid in risk["ids"]]


# --- the file itself ----------------------------------------------------------


def test_huaxin_is_a_realistic_account(account):
    assert account.id == "huaxin-auto"
    assert 30 <= len(account.people) <= 40
    assert 4 <= len(account.team) <= 6
    assert 5 <= len(account.decision_unit) <= 7
    assert {p.id for p in account.people} >= {"zhao", "li", "wang"}
    assert set(account.levels().values()) == {1, 2, 3, 4, 5, 6}
    assert any(d.parent for d in account.departments)
    assert len(account.competitors) == 2
    assert account.opportunity.currency == "CNY"
    assert str(account.opportunity.close_date) == "2027-03-31"
    assert [p.id for p in account.people if Role.coach in p.roles] == ["lin"]
    assert account.person("zhao").name == "Zhao Ming (赵明)"
    assert "\n" in account.person("li").notes.strip()


def test_levels_left_out_are_derived_from_the_reporting_line(account):
    levels = account.levels()
    assert account.person("tang").level is None
    assert levels["fang"] == 5 and levels["tang"] == 6  # he (4) -> fang -> tang


def test_minimal_example_is_small_and_complete():
    minimal = load_account(MINIMAL)
    assert 5 <= len(minimal.people) <= 8
    assert minimal.decision_unit == ["berg", "haas", "lang"]  # default: decision makers and economic buyers
    assert minimal.team and minimal.relationships and minimal.touches and minimal.opportunity


# --- the analysis finds what the account was written to show -------------------


def test_every_section_finds_something(result):
    for section in (
        "people",
        "power_ranking",
        "hidden_power",
        "figureheads",
        "coach_candidates",
        "uncovered_decision_makers",
        "influence_channels",
        "factions",
        "department_relations",
        "follow_ups",
        "risks",
    ):
        assert result[section], f"{section} is empty"
    assert result["relationship_depth"]["coverage"]
    assert result["relationship_depth"]["reasons"]


def test_every_flagged_person_has_reasons_in_words(result):
    for section in ("hidden_power", "figureheads", "coach_candidates"):
        for record in result[section]:
            assert record["reasons"] and all(isinstance(r, str) and r for r in record["reasons"])


def test_the_deputy_chief_engineer_is_the_hidden_power_holder(result):
    assert [h["id"] for h in result["hidden_power"]] == ["li"]
    # Social power keeps the CEO on top, with Li Na next to him; her boss Ma Jun, whom
    # only Li Na and Shi consult, no longer inherits her standing (PageRank had him #2).
    assert result["power_ranking"][:2] == ["zhao", "li"]
    assert result["power_ranking"].index("ma") > result["power_ranking"].index("zhao") + 10
    li = _by_id(result["people"])["li"]
    assert li["level"] == 4 and li["category"] == "hidden_power"
    assert "Zhao Ming" in " ".join(result["hidden_power"][0]["reasons"])  # the CEO consults her


def test_the_vp_nobody_consults_is_the_figurehead(result):
    assert [f["id"] for f in result["figureheads"]] == ["huang"]
    huang = _by_id(result["people"])["huang"]
    assert huang["level"] == 2 and huang["category"] == "figurehead"
    # Huang ties on influence with the people ranked 30-35; the reasons cite the
    # place the power table shows, not a shared rank.
    place = result["power_ranking"].index("huang") + 1
    assert place == 35
    peers = sorted(result["power_ranking"].index(p["id"]) + 1 for p in result["people"] if p["level"] == 2 and p["id"] != "huang")
    assert result["figureheads"][0]["reasons"] == [
        "level 2 (VP Strategy & Planning) but ranked #35 of 35 by real influence",
        "reports to Zhao Ming (赵明, CEO) but no one turns to them",
        "the other level-2 people rank " + ", ".join(f"#{r}" for r in peers[:-1]) + f" and #{peers[-1]}",
    ]


def test_senior_titles_the_top_power_holders_consult_are_no_figureheads(result):
    # The CTO (susceptibility 0.6: "will not overrule his architects") and the VP Purchasing
    # rank in the bottom half, but the CEO consults the CTO and the CFO consults the VP.
    people = _by_id(result["people"])
    place = {pid: i for i, pid in enumerate(result["power_ranking"], start=1)}
    assert place["chen"] > 17 and place["liu"] > 17 and {place["zhao"], place["wang"]} <= set(range(1, 6))
    assert people["chen"]["category"] == people["liu"]["category"] == "peripheral"


def test_every_place_cited_in_reasons_is_the_place_in_the_power_ranking(result):
    place = {pid: i for i, pid in enumerate(result["power_ranking"], start=1)}
    people = _by_id(result["people"])
    for record in result["hidden_power"] + result["figureheads"]:
        assert f"ranked #{place[record['id']]} of {len(place)} by real influence" in record["reasons"][0]
    for record in result["uncovered_decision_makers"]:
        rank = place[record["id"]]
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(rank if rank < 20 else rank % 10, "th")
        assert f"{rank}{suffix} of {len(place)} by influence" in record["reasons"], (people[record["id"]], record)


def test_the_confirmed_coach_comes_first_then_likely_coaches(result):
    candidates = [c["id"] for c in result["coach_candidates"]]
    assert candidates[0] == "lin"
    assert {"li", "he"} <= set(candidates[1:])
    # Opponents are no coaches.
    assert not {"xu", "wang"} & set(candidates)


def test_uncovered_decision_makers_and_their_warm_paths(result):
    uncovered = _by_id(result["uncovered_decision_makers"])
    assert {"zhao", "wang", "chen", "xu", "xiao"} <= set(uncovered)
    # Covered at zipper or closer: Jiang Tao knows Liu (zipper) and Li (velcro).
    assert not {"liu", "li"} & set(uncovered)
    # Jiang -(velcro 1)-> Li -(advice 0.9)-> Chen: 1 x 0.9.
    assert uncovered["chen"]["path"] == ["jiang", "li", "chen"]
    assert uncovered["chen"]["path_strength"] == pytest.approx(0.9)
    # The CEO is known only at clip strength; the best way in is through Li (advice 0.8).
    assert uncovered["zhao"]["path"] == ["jiang", "li", "zhao"]
    assert uncovered["zhao"]["path_strength"] == pytest.approx(0.8)
    # The parent group's director has no positive tie to anyone: no warm path at all.
    assert uncovered["xiao"]["path"] == []
    assert uncovered["xiao"]["path_strength"] == 0


def test_influence_channels_into_the_ceo(result):
    into_ceo = _by_id(result["influence_channels"]["zhao"])
    assert into_ceo["li"]["strength"] == pytest.approx(0.8)
    assert into_ceo["li"]["reachable"] is True
    assert into_ceo["xu"]["reachable"] is False  # nobody on our team knows the CIO
    assert set(result["influence_channels"]) == set(result["decision_unit"])


def test_factions_separate_the_engineering_camp_from_the_cio(result):
    factions = result["factions"]
    # Five coalitions: engineering, sales and manufacturing, IT and purchasing, finance, and
    # the CEO's office (the most modular of the seeded Louvain runs, 0.50).
    assert 2 <= len(factions) <= 5
    camp = {person: index for index, faction in enumerate(factions) for person in faction}
    assert camp["li"] == camp["chen"] == camp["gao"]
    assert camp["li"] != camp["xu"]


def test_department_relations_declared_and_inferred(result):
    relations = {(r["a"], r["b"], r["kind"], r["source"]) for r in result["department_relations"]}
    assert ("eng", "proc", "rivalry", "declared") in relations
    assert ("eng", "rnd", "alliance", "declared") in relations
    # From person-level rivalries across departments: Xu (IT) vs Gao (R&D), Sun (Legal) vs Wu (Sales).
    assert ("it", "rnd", "rivalry", "inferred") in relations
    assert ("legal", "sales", "rivalry", "inferred") in relations


def test_relationship_depth_is_partner(result):
    depth = result["relationship_depth"]
    # Several functions and levels covered by several of us, but no executive-to-executive tie.
    assert depth["tier"] == "partner"
    assert depth["coverage"]["jiang"]["li"] == pytest.approx(1.0)
    assert depth["coverage"]["qin"]["zhao"] == pytest.approx(1 / 3, abs=1e-6)


def test_follow_ups_show_every_status(result):
    follow_ups = _by_id(result["follow_ups"])
    expected = {
        "xu": ("never", None),
        "xiao": ("never", None),
        "wang": ("overdue", 49),  # last touched 2026-10-02
        "chen": ("overdue", 31),  # 2026-10-20
        "zhao": ("due", 17),  # 2026-11-03
        "liu": ("ok", 8),  # 2026-11-12
        "li": ("ok", 6),  # 2026-11-14
    }
    for pid, (status, days) in expected.items():
        assert (follow_ups[pid]["status"], follow_ups[pid]["days_since"]) == (status, days), pid
    assert follow_ups["li"]["touches"] == 4
    assert {f["status"] for f in result["follow_ups"]} == {"never", "overdue", "due", "ok"}


def test_risks_name_the_competitor_ties_opponent_skeptic_and_powerless_champion(result):
    assert any("RivalCo" in m for m in _risks(result, "competitor_tie", "wang")), "CFO's velcro tie to RivalCo"
    assert any("CloudNova" in m for m in _risks(result, "competitor_tie", "xu")), "CIO's velcro tie to CloudNova"
    assert _risks(result, "opponent", "xu") and _risks(result, "skeptic", "wang")  # Wang Fang is a skeptic, not an opponent
    assert not _risks(result, "opponent", "wang")
    assert _risks(result, "powerless_champion", "tang")
    assert not _risks(result, "powerless_champion", "lin")  # a champion with influence


def test_minimal_example_analysis_finds_the_engineer_the_boss_asks():
    result = analyze(load_account(MINIMAL), as_of=AS_OF).to_dict()
    assert [h["id"] for h in result["hidden_power"]] == ["vogel"]
    # Both level-2 titles with little say: Lang the CFO, who has no team mapped below
    # him but is still senior by level, the larger gap; and Haas, whom nobody consults.
    assert [f["id"] for f in result["figureheads"]] == ["lang", "haas"]
    assert result["figureheads"][0]["reasons"][1] == (
        "reports to Anna Berg (Managing Director) but only Tim Haas (Purchasing Manager) consults them")
    assert any("PumpCo" in m for m in _risks(result, "competitor_tie", "haas"))


def test_the_untouched_init_starter_flags_nothing_and_names_its_path_clearly(tmp_path):
    from influence_graph.model.template import account_template

    path = tmp_path / "x.yaml"
    path.write_text(account_template("x", str(path)), encoding="utf-8")
    result = analyze(load_account(path), as_of=AS_OF).to_dict()
    assert result["hidden_power"] == [] and result["figureheads"] == []  # 2 people: nothing to compare
    assert {p["category"] for p in result["people"]} <= {"aligned", "peripheral"}
    (ceo,) = result["uncovered_decision_makers"]
    assert ceo["path"] == ["kam", "buyer", "ceo"] and "ceo" not in ceo["path"][:-1]
    assert ("best introduction: Your Name → Buyer Name → CEO Name (strength 0.40)"
            in ceo["reasons"])


def test_key_people_are_the_unit_the_top_holders_coaches_gatekeepers_and_open_next_steps(result):
    # DMU (7), then top-5 holders not in it (Zheng), the confirmed coach (Lin) and the best
    # three other candidates (Li is in the DMU already: Gao, He), the gatekeepers (Ye; Liu and
    # Zheng are in already), and open next steps (Deng: we owe him and the CFO the five-year TCO).
    assert result["key_people"] == ["zhao", "wang", "chen", "xu", "liu", "li", "xiao", "zheng", "lin", "gao", "he",
                                    "ye", "deng"]
    assert sorted(f["id"] for f in result["follow_ups"]) == sorted(result["key_people"])
    uncovered = _by_id(result["uncovered_decision_makers"])
    assert "a gatekeeper" in uncovered["ye"]["reasons"] and "has an open next step" in uncovered["deng"]["reasons"]
    assert set(uncovered) <= set(result["key_people"])
