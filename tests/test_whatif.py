"""What-if assumptions: parsing, applying, comparing, and `ig analyze --assume`."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from influence_graph.analysis import analyze
from influence_graph.analysis.whatif import apply_assumptions, compare, describe_assumptions, parse_assumptions
from influence_graph.cli import cli
from influence_graph.model import AssumptionError, StanceLabel, load_account, parse_account

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "huaxin-auto.yaml"
AS_OF = "2026-11-20"


@pytest.fixture
def account():
    """The CEO decides and listens to Li; Wu is a skeptic who advises the CEO."""
    return parse_account({
        "account": {"id": "acme", "name": "Acme"},
        "people": [
            {"id": "ceo", "name": "Zhao Ming", "title": "CEO", "stance": "neutral", "roles": ["decision_maker"]},
            {"id": "li", "name": "Li Wei", "title": "Engineer", "stance": "supporter"},
            {"id": "wu", "name": "Wu Gang", "stance": "skeptic"},
        ],
        "channels": [{"from": "li", "to": "ceo", "kind": "advice", "strength": 0.8},
                     {"from": "wu", "to": "ceo", "kind": "trust", "strength": 0.6}],
    })


def test_parse_assumptions_reads_labels_and_numbers():
    assert parse_assumptions(["zhao=champion", "wang = -0.25", "li=1"]) == {"zhao": "champion", "wang": -0.25, "li": 1.0}
    assert parse_assumptions([]) == {}


@pytest.mark.parametrize("pair", ["zhao", "=champion", "zhao=", "zhao:champion"])
def test_parse_assumptions_rejects_malformed_pairs(pair):
    with pytest.raises(AssumptionError, match="write it as ID=STANCE"):
        parse_assumptions([pair])


def test_apply_assumptions_copies_and_leaves_the_original(account):
    assumed = apply_assumptions(account, {"wu": "champion", "li": -0.2})
    assert assumed.person("wu").stance == StanceLabel.champion
    assert assumed.person("li").stance_value == -0.2
    assert account.person("wu").stance == StanceLabel.skeptic
    assert account.person("li").stance == StanceLabel.supporter


@pytest.mark.parametrize(
    "assume, message",
    [
        ({"wuu": "champion"}, "assumption wuu=champion: no person 'wuu' in account 'acme' (did you mean 'wu'?)"),
        ({"zz": "champion"}, "assumption zz=champion: no person 'zz' in account 'acme'"),
        ({"wu": "great"}, "assumption wu=great: unknown stance 'great'; use champion, supporter, neutral, skeptic, "
                          "opponent, unknown or a number from -1 to 1"),
        ({"wu": 1.5}, "assumption wu=1.5: a stance number must be from -1 to 1"),
    ],
)
def test_bad_assumptions_are_named(account, assume, message):
    with pytest.raises(AssumptionError) as caught:
        apply_assumptions(account, assume)
    assert str(caught.value) == message


def test_describe_assumptions(account):
    assert describe_assumptions(account, {"wu": "champion", "li": 0.2}) == [
        {"id": "wu", "stance": "champion", "was": "skeptic"},
        {"id": "li", "stance": 0.2, "was": "supporter"},
    ]


def test_analyze_under_assumptions_recomputes_everything(account):
    base = analyze(account, as_of=AS_OF).to_dict()
    what_if = analyze(account, as_of=AS_OF, assume={"wu": "champion"}).to_dict()
    direct = analyze(apply_assumptions(account, {"wu": "champion"}), as_of=AS_OF).to_dict()
    assert what_if["forecast"] == direct["forecast"]
    assert what_if["people"] == direct["people"]
    assert what_if["forecast"]["support"] > base["forecast"]["support"]
    assert what_if["assumptions"] == [{"id": "wu", "stance": "champion", "was": "skeptic"}]
    assert "assumptions" not in base and "changes" not in base
    old, new = round(base["forecast"]["support"], 2), round(what_if["forecast"]["support"], 2)
    first = what_if["changes"][0]
    assert first["kind"] == "forecast"
    # The numbers as shown, with one minus sign, and the change between them as a reader computes it.
    shown = [f"{v:+.2f}".replace("-", "\u2212") for v in (old, new, new - old)]
    assert first["message"] == f"Forecast support rises from {shown[0]} to {shown[1]} ({shown[2]})."
    # Wu was a skeptic advising the CEO; as a champion he leaves the next best moves.
    assert "wu" in [m["id"] for m in base["forecast"]["next_best_moves"]]
    assert "wu" not in [m["id"] for m in what_if["forecast"]["next_best_moves"]]


def test_win_over_gain_matches_the_what_if(account):
    base = analyze(account, as_of=AS_OF, confidence=False).to_dict()
    gain = {m["id"]: m["gain"] for m in base["forecast"]["next_best_moves"]}["li"]
    what_if = analyze(account, as_of=AS_OF, assume={"li": "champion"}, confidence=False).to_dict()
    assert what_if["forecast"]["support"] - base["forecast"]["support"] == pytest.approx(gain, abs=2e-6)


def _data(**sections):
    people = [{"id": p, "name": p.title(), "title": None} for p in ("ann", "bob", "cy")]
    base = {"people": people, "power_ranking": ["ann", "bob", "cy"], "hidden_power": [], "figureheads": [],
            "coach_candidates": [], "uncovered_decision_makers": [], "risks": [],
            "forecast": {"support": 0.1, "members": {"ann": 0.1}, "next_best_moves": [{"id": "bob", "gain": 0.2}]}}
    return {**base, **sections}


def test_compare_reports_rank_moves_flags_risks_and_moves():
    before = _data(risks=[{"kind": "x", "ids": ["cy"], "message": "Cy is against us."}])
    after = _data(
        power_ranking=["bob", "ann", "cy"],
        coach_candidates=[{"id": "cy"}],
        risks=[],
        forecast={"support": 0.1, "members": {"ann": 0.4}, "next_best_moves": [{"id": "cy", "gain": 0.1}]},
    )
    after["people"] = [{**p, "title": "CEO"} if p["id"] == "ann" else p for p in after["people"]]
    after["people"].append({"id": "dee", "name": "Dee Wu (吴迪)", "title": "CFO"})
    after["forecast"]["members"]["dee"] = -0.5
    before["forecast"]["members"]["dee"] = 0.0
    assert [c["message"] for c in compare(before, after)] == [
        "Ann (CEO) settles at +0.40 instead of +0.10.",
        "Dee Wu (吴迪, CFO) settles at −0.50 instead of 0.00.",
        "Next best move is now to win over Cy (was Bob).",
        "Bob moves from #2 to #1 in real power.",
        "Ann (CEO) moves from #1 to #2 in real power.",
        "Cy is now a coach candidate.",
        "Risk gone: Cy is against us.",
    ]
    assert compare(before, before) == []


def test_cli_assume_shows_the_changes(tmp_path):
    result = CliRunner().invoke(
        cli, ["analyze", str(EXAMPLE), "--as-of", AS_OF, "--assume", "zhao=champion", "--assume", "wang=supporter"])
    assert result.exit_code == 0, result.output
    assert "What if" in result.output
    assert "Forecast support rises from" in result.output
    out = tmp_path / "a.json"
    result = CliRunner().invoke(cli, ["analyze", str(EXAMPLE), "--as-of", AS_OF, "--format", "json",
                                      "--assume", "zhao=champion", "-o", str(out)])
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["assumptions"][0]["id"] == "zhao" and data["assumptions"][0]["stance"] == "champion"
    expected = analyze(apply_assumptions(load_account(EXAMPLE), {"zhao": "champion"}), as_of=AS_OF).to_dict()
    assert data["forecast"] == expected["forecast"]


@pytest.mark.parametrize(
    "pair, message",
    [
        ("zhaox=champion", "Error: assumption zhaox=champion: no person 'zhaox' in account 'huaxin-auto' (did you mean 'zhao'?)\n"),
        ("zhao=great", "Error: assumption zhao=great: unknown stance 'great'; use champion, supporter, neutral, "
                       "skeptic, opponent, unknown or a number from -1 to 1\n"),
        ("zhao", "Error: assumption 'zhao': write it as ID=STANCE, e.g. zhao=champion\n"),
        ("zhao=", "Error: assumption 'zhao=': write it as ID=STANCE, e.g. zhao=champion\n"),
        ("=champion", "Error: assumption '=champion': write it as ID=STANCE, e.g. zhao=champion\n"),
        ("zhao=2", "Error: assumption zhao=2: a stance number must be from -1 to 1\n"),
        ("zhao=-1.5", "Error: assumption zhao=-1.5: a stance number must be from -1 to 1\n"),
        ("zhao=nan", "Error: assumption zhao=nan: a stance number must be from -1 to 1\n"),
    ],
)
def test_cli_bad_assumption_is_one_line_and_exit_1(pair, message):
    result = CliRunner().invoke(cli, ["analyze", str(EXAMPLE), "--assume", pair])
    assert result.exit_code == 1
    assert result.output == message


def test_cli_assuming_a_person_twice_is_refused():
    result = CliRunner().invoke(cli, ["analyze", str(EXAMPLE), "--assume", "zhao=champion", "--assume", "zhao = opponent"])
    assert result.exit_code == 1
    assert result.output == "Error: assumption zhao=opponent: 'zhao' is already assumed (zhao=champion); assume each person once\n"


def test_api_what_if_is_the_cli_what_if():
    import json

    import influence_graph as ig

    result = ig.analyze(EXAMPLE, as_of=AS_OF, assume={"zhao": "champion", "wang": 0.5})
    cli_json = CliRunner().invoke(cli, ["analyze", str(EXAMPLE), "--as-of", AS_OF, "--format", "json",
                                        "--assume", "zhao=champion", "--assume", "wang=0.5"]).output
    assert result.to_dict() == json.loads(cli_json)
    assert [a.model_dump() for a in result.assumptions] == [{"id": "zhao", "stance": "champion", "was": "neutral"},
                                  {"id": "wang", "stance": 0.5, "was": "skeptic"}]
    assert any(c.message.startswith("Forecast support rises") for c in result.changes)
    with pytest.raises(AssumptionError, match="no person 'zhaoo'"):
        ig.analyze(EXAMPLE, as_of=AS_OF, assume={"zhaoo": "champion"})
