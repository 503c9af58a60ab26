"""Merging accounts, on hand-made pairs: colleagues' maps (merge_maps) and a stale
save with what was saved since (merge3)."""
from __future__ import annotations

import pytest

from influence_graph.analysis import analyze
from influence_graph.model import InfluenceGraphError, StanceLabel, parse_account
from influence_graph.model.merge import DISPUTED_STANCE_TAG, merge3, merge_maps, name_keys

ACCOUNT = {"id": "acme", "name": "Acme"}


def account(**sections):
    return parse_account({"account": ACCOUNT, **sections})


def person(pid, name=None, **fields):
    return {"id": pid, "name": name or pid.title(), **fields}


def merged(*maps, prefer=None):
    return merge_maps([account(**m) for m in maps], [f"{chr(97 + i)}.yaml" for i in range(len(maps))], prefer=prefer)


# -- colleagues' maps ----------------------------------------------------------------------


def test_disjoint_people_are_united_in_order_with_their_references():
    a = {"people": [person("zhao", title="CEO"), person("li", reports_to="zhao")],
         "team": [{"id": "jiang", "name": "Jiang"}],
         "relationships": [{"member": "jiang", "person": "li"}]}
    b = {"people": [person("wang", title="CFO"), person("sun", reports_to="wang")],
         "team": [{"id": "mei", "name": "Mei"}],
         "relationships": [{"member": "mei", "person": "wang", "strength": "velcro"}],
         "channels": [{"from": "sun", "to": "wang", "kind": "advice"}]}
    result = merged(a, b)
    assert result.conflicts == [] and result.matched == []
    acc = result.account
    assert [p.id for p in acc.people] == ["zhao", "li", "wang", "sun"]
    assert acc.person("sun").reports_to == "wang"
    assert [(r.member, r.person) for r in acc.relationships] == [("jiang", "li"), ("mei", "wang")]
    assert [m.id for m in acc.team] == ["jiang", "mei"] and len(acc.channels) == 1


def test_the_same_person_with_different_stances_is_flagged_and_the_more_cautious_kept():
    result = merged({"people": [person("zhao", title="CEO", stance="supporter", notes="Met at the expo")]},
                    {"people": [person("zhao", stance="skeptic")]})
    (conflict,) = result.conflicts
    assert (conflict.kind, conflict.ids, conflict.values) == ("stance", ("zhao",), {"a.yaml": "supporter", "b.yaml": "skeptic"})
    assert conflict.message == "Zhao (CEO): stance — supporter in a.yaml, skeptic in b.yaml; kept skeptic (the more cautious)"
    zhao = result.account.person("zhao")
    assert zhao.stance == StanceLabel.skeptic and zhao.title == "CEO"
    assert zhao.notes == ("Met at the expo\n"
                          "[merge] stance: supporter in a.yaml, skeptic in b.yaml; kept skeptic (the more cautious)")
    assert zhao.tags == [DISPUTED_STANCE_TAG]


def test_a_stance_one_map_leaves_unknown_is_no_dispute():
    result = merged({"people": [person("zhao")]}, {"people": [person("zhao", stance=0.5)]},
                    {"people": [person("zhao", stance="supporter")]})  # 0.5 is what supporter means
    assert result.conflicts == [] and result.account.person("zhao").stance == 0.5


def test_a_channel_in_both_maps_with_strengths_03_and_08_is_flagged_and_averaged():
    people = [person("li"), person("zhao")]
    result = merged({"people": people, "channels": [{"from": "li", "to": "zhao", "kind": "advice", "strength": 0.3}]},
                    {"people": people, "channels": [{"from": "li", "to": "zhao", "kind": "advice", "strength": 0.8}]})
    (conflict,) = result.conflicts
    assert (conflict.kind, conflict.field, conflict.kept) == ("strength", "strength", 0.55)
    assert conflict.message == "Li → Zhao (advice): strength — 0.3 in a.yaml, 0.8 in b.yaml; kept the mean, 0.55"
    (channel,) = result.account.channels
    assert channel.strength == 0.55
    assert channel.evidence == "[merge] strength: 0.3 in a.yaml, 0.8 in b.yaml; kept the mean, 0.55"


def test_strengths_03_apart_or_less_are_averaged_quietly():
    people = [person("li"), person("zhao")]
    result = merged({"people": people, "channels": [{"from": "li", "to": "zhao", "kind": "advice", "strength": 0.5}]},
                    {"people": people, "channels": [{"from": "li", "to": "zhao", "kind": "advice", "strength": 0.8}]})
    assert result.conflicts == [] and result.account.channels[0].strength == 0.65


def test_a_rivalry_in_one_map_and_a_friendship_in_the_other_is_flagged():
    people = [person("sun"), person("wu")]
    result = merged({"people": people, "channels": [{"from": "sun", "to": "wu", "kind": "rivalry", "mutual": True}]},
                    {"people": people, "channels": [{"from": "wu", "to": "sun", "kind": "friendship"}]})
    (conflict,) = result.conflicts
    assert conflict.kind == "rivalry" and conflict.ids == ("sun", "wu")
    assert conflict.message == "Sun and Wu: rivalry in a.yaml; friendship in b.yaml; kept both"
    assert [c.kind.value for c in result.account.channels] == ["rivalry", "friendship"]
    preferred = merged({"people": people, "channels": [{"from": "sun", "to": "wu", "kind": "rivalry"}]},
                       {"people": people, "channels": [{"from": "wu", "to": "sun", "kind": "friendship"}]}, prefer="b.yaml")
    assert [c.kind.value for c in preferred.account.channels] == ["friendship"]
    assert preferred.account.channels[0].evidence is None  # with --prefer, notes stay clean


def test_one_colleague_seeing_rivals_who_still_consult_each_other_is_no_dispute():
    people = [person("sun"), person("wu")]
    both = {"people": people, "channels": [{"from": "sun", "to": "wu", "kind": "rivalry"},
                                           {"from": "sun", "to": "wu", "kind": "advice"}]}
    assert merged(both, {"people": people}).conflicts == []


def test_different_reporting_lines_and_levels_are_listed_and_the_first_map_kept():
    a = {"people": [person("zhao"), person("wang"), person("li", reports_to="zhao", level=3)]}
    b = {"people": [person("zhao"), person("wang"), person("li", reports_to="wang", level=2)]}
    result = merged(a, b)
    assert [(c.kind, c.kept) for c in result.conflicts] == [("level", 3), ("reports_to", "zhao")]  # in file order
    assert result.conflicts[1].message == "Li: reports to — Zhao in a.yaml, Wang in b.yaml; kept Zhao (from a.yaml)"
    assert result.account.person("li").reports_to == "zhao"
    assert merged(a, b, prefer="b.yaml").account.person("li").reports_to == "wang"


def test_a_reporting_line_that_would_close_a_cycle_across_maps_is_left_out():
    result = merged({"people": [person("a"), person("b", reports_to="a")]},
                    {"people": [person("a", reports_to="b"), person("b")]})
    acc = result.account  # valid: no cycle a -> b -> a
    assert (acc.person("a").reports_to, acc.person("b").reports_to) == (None, "a")


def test_people_are_matched_by_email_then_by_name_with_cjk_names_included():
    a = {"people": [person("zhao", "赵明 Zhao Ming", contact={"email": "Zhao@Huaxin.example"}),
                    person("wang", "王芳"), person("li", "Li Wei")],
         "channels": [{"from": "li", "to": "zhao", "kind": "advice"}]}
    b = {"people": [person("zm", "Ming Zhao", contact={"email": "zhao@huaxin.example"}, title="CEO"),
                    person("wang-fang", "王 芳", title="CFO"), person("wei", "Wei Li")],
         "channels": [{"from": "wei", "to": "zm", "kind": "trust"}],
         "opportunity": {"name": "Bid", "decision_unit": ["zm", "wang-fang"]}}
    result = merged(a, b)
    assert [(m["id"], m["as"], m["reason"]) for m in result.matched] == [
        ("zm", "zhao", "the same email"),
        ("wang-fang", "wang", "the same name"),
        ("wei", "li", "the same name in another order"),
    ]
    assert result.matched[0]["message"] == "b.yaml's person 'zm' is a.yaml's 'zhao' (the same email)"
    acc = result.account
    assert [p.id for p in acc.people] == ["zhao", "wang", "li"]
    assert (acc.person("zhao").title, acc.person("wang").title) == ("CEO", "CFO")
    assert [(c.source, c.target, c.kind.value) for c in acc.channels] == [("li", "zhao", "advice"), ("li", "zhao", "trust")]
    assert acc.opportunity.decision_unit == ["zhao", "wang"]


def test_names_match_across_width_spacing_and_script():
    assert name_keys("赵 明")[0] == name_keys("赵明")[0]
    assert name_keys("ＬＩ Ｗｅｉ")[0] == name_keys("li wei")[0]
    assert name_keys("Zhao Ming (赵明)")[2] == name_keys("赵明")[2] == "赵明"


def test_a_new_person_whose_id_is_taken_by_someone_else_gets_a_new_id():
    result = merged({"people": [person("li", "Li Wei")]}, {"people": [person("li", "Li Na", contact={"email": "na@x"})]})
    # same id, so the same person: ids come first (the name differs: a disagreement)
    assert [p.id for p in result.account.people] == ["li"]
    assert [c.field for c in result.conflicts] == ["name"]
    clash = merged({"people": [person("li")], "team": [{"id": "mei", "name": "Mei"}]},
                   {"people": [person("mei", "Mei Ling")]})
    assert [p.id for p in clash.account.people] == ["li", "mei-2"]


def test_relationships_keep_the_weaker_and_competitors_the_stronger():
    base = {"people": [person("zhao")], "team": [{"id": "kam", "name": "Kim"}],
            "competitors": [{"id": "rival", "name": "RivalCo"}]}
    result = merged({**base, "relationships": [{"member": "kam", "person": "zhao", "strength": "velcro"}],
                     "competitor_relationships": [{"competitor": "rival", "person": "zhao", "strength": "clip"}]},
                    {**base, "relationships": [{"member": "kam", "person": "zhao", "strength": "clip"}],
                     "competitor_relationships": [{"competitor": "rival", "person": "zhao", "strength": "velcro"}]})
    assert result.account.relationships[0].strength.value == "clip"
    assert result.account.competitor_relationships[0].strength.value == "velcro"
    assert [c.message for c in result.conflicts] == [
        "Kim – Zhao: strength — velcro in a.yaml, clip in b.yaml; kept the weaker (the more cautious)",
        "RivalCo – Zhao: strength — clip in a.yaml, velcro in b.yaml; kept the stronger (the more cautious)",
    ]


def test_three_maps_touches_once_and_text_from_each():
    touch = {"date": "2026-10-01", "people": ["zhao"], "summary": "Lunch"}
    result = merged({"people": [person("zhao", notes="Likes golf")], "touches": [touch]},
                    {"people": [person("zhao", notes="Plays golf on Fridays")], "touches": [touch]},
                    {"people": [person("zhao", stance="opponent")],
                     "touches": [touch, {"date": "2026-10-09", "people": ["zhao"]}]})
    zhao = result.account.person("zhao")
    assert zhao.notes == "Likes golf\n[b.yaml] Plays golf on Fridays" and zhao.stance == StanceLabel.opponent
    assert [str(t.date) for t in result.account.touches] == ["2026-10-01", "2026-10-09"]
    assert result.conflicts == []


def test_prefer_settles_every_disagreement_with_that_map_and_leaves_notes_alone():
    result = merged({"people": [person("zhao", stance="supporter", title="CEO")]},
                    {"people": [person("zhao", stance="skeptic", title="Chairman")]}, prefer="a.yaml")
    zhao = result.account.person("zhao")
    assert (zhao.stance, zhao.title, zhao.notes, zhao.tags) == (StanceLabel.supporter, "CEO", None, [])
    assert [c.message for c in result.conflicts] == [
        "Zhao (CEO): title — CEO in a.yaml, Chairman in b.yaml; kept a.yaml's",
        "Zhao (CEO): stance — supporter in a.yaml, skeptic in b.yaml; kept a.yaml's",
    ]


def test_maps_of_different_accounts_or_a_wrong_prefer_are_refused():
    other = parse_account({"account": {"id": "other", "name": "Other"}})
    with pytest.raises(InfluenceGraphError, match=r"different accounts \(a.yaml is 'acme', b.yaml is 'other'\)"):
        merge_maps([account(), other], ["a.yaml", "b.yaml"])
    with pytest.raises(InfluenceGraphError, match=r"--prefer c.yaml: not one of the maps being merged \(a.yaml, b.yaml\)"):
        merge_maps([account(), account()], ["a.yaml", "b.yaml"], prefer="c.yaml")


def test_the_analysis_of_a_merged_map_flags_the_disputed_stance():
    people = [person("zhao", title="CEO", roles=["decision_maker"], stance="supporter"), person("li")]
    result = merged({"people": people}, {"people": [{**people[0], "stance": "opponent"}, people[1]]})
    risks = [r for r in analyze(result.account, as_of="2026-11-20").to_dict()["risks"] if r["kind"] == "disputed_stance"]
    assert risks == [{"kind": "disputed_stance", "ids": ["zhao"], "message":
                      "Our team's maps disagree on where Zhao (CEO) stands; the map keeps the more cautious "
                      "opponent until someone finds out (see their notes)."}]


# -- three ways ---------------------------------------------------------------------------


BASE = {"people": [person("zhao", stance="neutral"), person("li"), person("wang")],
        "channels": [{"from": "li", "to": "zhao", "kind": "advice"}]}


def three(mine, theirs, prefer=None):
    return merge3(account(**BASE), account(**mine), account(**theirs), prefer=prefer)


def test_three_way_changes_to_different_people_combine():
    mine = {**BASE, "people": [person("zhao", stance="supporter"), person("li"), person("wang"), person("sun")]}
    theirs = {**BASE, "people": [person("zhao", stance="neutral"), person("li", title="CTO"), person("wang")],
              "channels": []}
    result = three(mine, theirs)
    assert result.conflicts == []
    acc = result.account
    assert [p.id for p in acc.people] == ["zhao", "li", "wang", "sun"]
    assert (acc.person("zhao").stance, acc.person("li").title, acc.channels) == (StanceLabel.supporter, "CTO", [])
    assert [c.message for c in result.mine] == ["New person: Sun.", "Zhao: stance neutral → supporter."]
    assert [c.message for c in result.theirs] == ["Li (CTO): title none → CTO.", "Removed channel: Li (CTO) → Zhao (advice)."]


def test_three_way_the_same_stance_changed_differently_is_a_conflict():
    result = three({**BASE, "people": [person("zhao", stance="champion"), person("li"), person("wang")]},
                   {**BASE, "people": [person("zhao", stance="opponent"), person("li"), person("wang")]})
    assert result.account is None
    assert [c.message for c in result.unresolved] == ["Zhao: stance — yours champion, theirs opponent (was neutral)"]
    settled = three({**BASE, "people": [person("zhao", stance="champion"), person("li"), person("wang")]},
                    {**BASE, "people": [person("zhao", stance="opponent"), person("li"), person("wang")]}, prefer="theirs")
    assert settled.unresolved == [] and settled.account.person("zhao").stance == StanceLabel.opponent


def test_three_way_a_person_deleted_on_one_side_and_edited_on_the_other_is_a_conflict():
    result = three({**BASE, "people": [person("zhao", stance="neutral"), person("li", title="CTO"), person("wang")]},
                   {**BASE, "people": [person("zhao", stance="neutral"), person("wang")], "channels": []})
    assert [(c.kind, c.message) for c in result.unresolved] == [("deleted", "Li (CTO): you edited it and they deleted it")]
    kept = three({**BASE, "people": [person("zhao", stance="neutral"), person("li", title="CTO"), person("wang")]},
                 {**BASE, "people": [person("zhao", stance="neutral"), person("wang")], "channels": []}, prefer="mine")
    assert kept.unresolved == [] and kept.account.person("li").title == "CTO"
    assert kept.account.channels == []  # their removal of li's channel, which we left alone, stands


def test_three_way_lists_merge_element_by_element():
    result = three({**BASE, "people": [person("zhao", stance="neutral", roles=["decision_maker", "coach"]),
                                       person("li"), person("wang")]},
                   {**BASE, "people": [person("zhao", stance="neutral", roles=["decision_maker", "economic_buyer"]),
                                       person("li"), person("wang")]})
    assert [r.value for r in result.account.person("zhao").roles] == ["decision_maker", "economic_buyer", "coach"]


def test_three_way_a_combination_that_breaks_a_rule_is_a_conflict():
    # theirs removed wang; we added a channel to wang: each fine alone, dangling together
    result = three({**BASE, "channels": [*BASE["channels"], {"from": "wang", "to": "zhao", "kind": "budget"}]},
                   {**BASE, "people": [person("zhao", stance="neutral"), person("li")]})
    assert result.account is None
    assert [c.kind for c in result.unresolved] == ["invalid"]
    assert "refers to unknown person 'wang' once both sides' changes are combined" in result.unresolved[0].message
