"""Risks on a small account where each risk is planted by hand."""
from __future__ import annotations

from influence_graph import graph as g
from influence_graph.analysis.coverage import coverage_by_person
from influence_graph.analysis.risks import risks
from influence_graph.model import parse_account

RANKING = ["ceo", "boss", "li", "cfo", "cto", "eng", "tang"]
POWER = dict(zip(RANKING, [0.3, 0.2, 0.15, 0.12, 0.1, 0.08, 0.05]))
DMU = ["ceo", "cfo", "cto"]


def build(relationships, competitor_relationships=(), stances=None):
    stances = {"ceo": "neutral", "cfo": "opponent", "cto": "unknown", "boss": "skeptic",
               "eng": "skeptic", "li": "champion", "tang": "champion"} | (stances or {})
    data = {
        "account": {"id": "acme", "name": "Acme"},
        "people": [
            {"id": pid, "name": pid.title(), "title": pid.upper() if pid in DMU else None, "stance": stances[pid]}
            for pid in RANKING
        ],
        "team": [{"id": "kam", "name": "Kim"}, {"id": "se", "name": "Sam"}],
        "relationships": list(relationships),
        "competitors": [{"id": "rival", "name": "RivalCo"}],
        "competitor_relationships": list(competitor_relationships),
        "opportunity": {"name": "Bid", "decision_unit": DMU},
    }
    return g.account_graph(parse_account(data))


def run(graph):
    return risks(graph, POWER, coverage_by_person(graph), DMU, RANKING)


def test_each_planted_risk_is_found_in_severity_order():
    graph = build(
        [{"member": "kam", "person": "ceo", "strength": "velcro"},
         {"member": "kam", "person": "cfo", "strength": "clip"}],
        [{"competitor": "rival", "person": "cfo", "strength": "velcro"},
         {"competitor": "rival", "person": "ceo", "strength": "clip"}],  # clip: not close
    )
    assert [(r["kind"], r["ids"]) for r in run(graph)] == [
        ("opponent", ["cfo"]),  # in the DMU
        ("skeptic", ["boss"]),  # top quarter by influence; eng (6th, outside the DMU) is not flagged
        ("competitor_tie", ["cfo"]),
        ("single_threaded", ["ceo", "cfo"]),
        ("uncovered", ["cto"]),
        ("no_support", ["ceo", "cfo", "cto"]),
        ("unknown_stance", ["cto"]),
        ("powerless_champion", ["tang"]),  # li ranks 3rd of 7: not powerless
    ]


def test_messages_are_sentences_with_names():
    graph = build([{"member": "kam", "person": "ceo", "strength": "velcro"}],
                  [{"competitor": "rival", "person": "cfo", "strength": "zipper"}])
    messages = {r["kind"]: r["message"] for r in reversed(run(graph))}
    assert messages["opponent"] == (
        "Cfo (CFO) is against us (opponent), ranks 4th of 7 by influence and sits in the decision unit."
    )
    assert messages["competitor_tie"] == "Cfo (CFO) is close to RivalCo (zipper)."
    assert messages["single_threaded"] == (
        "Kim holds every relationship we have in the decision unit (Ceo (CEO)); "
        "if Kim is unavailable we lose that access."
    )
    assert messages["uncovered"] == (
        "No one on our team has any relationship with 2 of the 3 decision makers: Cfo (CFO) and Cto (CTO)."
    )
    assert messages["unknown_stance"] == "We do not know where Cto (CTO) stands."
    assert messages["powerless_champion"].startswith("Our champion Tang ranks 7th of 7 by influence")


def test_single_contacts_are_flagged_per_decision_maker_when_several_of_us_are_involved():
    graph = build(
        [{"member": "kam", "person": "ceo", "strength": "velcro"},
         {"member": "se", "person": "cfo", "strength": "zipper"},
         {"member": "kam", "person": "cto", "strength": "zipper"},
         {"member": "se", "person": "cto", "strength": "clip"}],  # the CTO has two of us
        stances={"ceo": "supporter", "cto": "neutral"},
    )
    found = [(r["kind"], r["ids"]) for r in run(graph)]
    assert [ids for kind, ids in found if kind == "single_threaded"] == [["ceo"], ["cfo"]]  # by influence
    assert not {"no_support", "unknown_stance", "uncovered"} & {k for k, _ in found}


def test_a_decision_unit_nobody_knows_is_said_plainly():
    graph = build([])
    (uncovered,) = [r for r in run(graph) if r["kind"] == "uncovered"]
    assert uncovered["ids"] == ["ceo", "cfo", "cto"]
    assert uncovered["message"].startswith("No one on our team has any relationship with any of the 3 decision makers: ")


def test_a_skeptic_is_not_called_an_opponent():
    graph = build([], stances={"cfo": -0.6, "boss": -0.75})
    kinds = {r["ids"][0]: (r["kind"], r["message"]) for r in run(graph) if r["kind"] in ("opponent", "skeptic")}
    assert kinds["boss"][0] == "opponent"  # −0.75 is as hostile as an opponent gets called
    assert kinds["cfo"] == ("skeptic", "Cfo (CFO) doubts our bid (stance −0.60), ranks 4th of 7 by influence "
                                       "and sits in the decision unit.")


def _uncovered(*paths):
    return [{"id": path[-1] if path else pid, "path": list(path), "path_strength": 0.5}
            for pid, path in zip("xyz", paths)]


def test_warm_paths_through_one_contact_are_a_single_point_of_failure():
    graph = build([{"member": "kam", "person": "li", "strength": "velcro"}])
    through_li = _uncovered(["kam", "li", "ceo"], ["kam", "li", "ceo", "cfo"], [])
    (risk,) = [r for r in risks(graph, POWER, coverage_by_person(graph), DMU, RANKING, uncovered=through_li)
               if r["kind"] == "bottleneck"]
    assert risk["ids"] == ["li"]
    assert risk["message"] == ("All 2 warm paths we have to key people no one on our team knows (Ceo and Cfo) "
                               "run through Kim → Li: if that relationship cools, we lose every introduction.")
    # Two ways in, a single path, only direct contacts, or someone we know already: no single point of failure.
    known_cfo = build([{"member": "kam", "person": "li", "strength": "velcro"},
                       {"member": "se", "person": "cfo", "strength": "clip"}])
    for graph, uncovered in ((graph, _uncovered(["kam", "li", "ceo"], ["se", "li", "cfo"])),
                             (graph, _uncovered(["kam", "li", "ceo"])),
                             (graph, _uncovered(["kam", "ceo"], ["kam", "cfo"])),
                             (known_cfo, through_li)):
        found = risks(graph, POWER, coverage_by_person(graph), DMU, RANKING, uncovered=uncovered)
        assert "bottleneck" not in {r["kind"] for r in found}, uncovered
