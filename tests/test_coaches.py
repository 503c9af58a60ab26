"""Coach candidates on a small account with hand-computed scores."""
from __future__ import annotations

import pytest

from influence_graph import graph as g
from influence_graph.analysis.coaches import MAX_CANDIDATES, coach_candidates


from builders import account_graph_of as account, person  # noqa: E402
from influence_graph.model import parse_account


@pytest.fixture
def graph():
    """DMU = ceo, cfo. li (champion) advises the CEO and Jiang knows li well; wu is an
    opponent who advises the CEO; zz is a supporter with no tie to the DMU; ma is a
    neutral the team knows (zipper) who is tied to the CFO; ne is neutral and only clipped."""
    return account(
        [
            person("ceo", roles=["decision_maker"]),
            person("cfo", roles=["economic_buyer"], reports_to="ceo"),
            person("li", stance="champion"),
            person("wu", stance="opponent"),
            person("zz", stance="supporter"),
            person("ma", stance="neutral"),
            person("ne", stance="neutral"),
        ],
        channels=[
            {"from": "li", "to": "ceo", "kind": "advice", "strength": 0.8},
            {"from": "wu", "to": "ceo", "kind": "advice", "strength": 0.8},
            {"from": "cfo", "to": "ma", "kind": "trust"},
            {"from": "ne", "to": "cfo", "kind": "friendship"},
        ],
        team=[{"id": "jiang", "name": "Jiang"}],
        relationships=[
            {"member": "jiang", "person": "li", "strength": "velcro"},
            {"member": "jiang", "person": "ma", "strength": "zipper"},
            {"member": "jiang", "person": "wu", "strength": "velcro"},
            {"member": "jiang", "person": "ne", "strength": "clip"},
        ],
    )


POWER = {"ceo": 0.4, "cfo": 0.2, "li": 0.2, "wu": 0.05, "zz": 0.05, "ma": 0.05, "ne": 0.05}
BROKER = {"li": 0.5, "ceo": 0.2}


def test_scores_follow_the_documented_formula(graph):
    answer = coach_candidates(graph, POWER, BROKER, ["ceo", "cfo"])
    # li: access 1 − (1 − 0.8) = 0.8 (advises the CEO); standing max(influence 0.75, brokerage 1) = 1
    # (influence: 1 above, 1 equal of 6 others: 1 − (1 + 0.5) / 6); customer 0.8 · (1 + 1) / 2 = 0.8;
    # us 1 (velcro); favour 1 (champion): score (0.8 · 1 · 1)^⅓.
    assert answer.scores["li"] == pytest.approx(0.8 ** (1 / 3))
    assert answer.candidates[0]["parts"] == {"customer": 0.8, "us": 1.0, "favour": 1.0}
    # The conjunction: ma is tied to the CFO and known (zipper) but neutral; zz is a supporter
    # with no tie to the unit; wu advises the CEO and is known (velcro) but against us.
    assert answer.scores["ma"] == answer.scores["zz"] == answer.scores["wu"] == 0.0
    assert [c["id"] for c in answer.candidates] == ["li"]
    assert set(answer.scores) == set(POWER)
    parts = dict(zip(answer.parts.people, answer.parts.access))
    assert parts["ma"] == pytest.approx(0.5) and parts["zz"] == 0.0 and parts["ceo"] == 1.0


def test_reasons_say_stance_relationship_access_credibility_and_the_weakest_part(graph):
    answer = coach_candidates(graph, POWER, BROKER, ["ceo", "cfo"])
    assert answer.candidates[0]["reasons"] == [
        "champion",
        "Jiang knows them (velcro)",
        "advises 1 of 2 decision makers",
        "a broker between groups (top 10% by brokerage)",
        "top quarter by influence",
        "weakest: only a weak tie to the decision unit",
    ]
    assert answer.candidates[0]["confirmed"] is False


def test_each_weak_condition_is_named_for_a_confirmed_coach():
    def weakest(**fields):
        graph = account(
            [person("ceo", roles=["decision_maker"]), person("ko", roles=["coach"], **fields)],
            channels=[{"from": "ko", "to": "ceo", "kind": "advice", "strength": 1.0}] if fields.pop("tied", True) else [],
            team=[{"id": "m", "name": "M"}],
            relationships=[{"member": "m", "person": "ko", "strength": fields.pop("closeness", "velcro")}],
        )
        return coach_candidates(graph, {"ceo": 0.6, "ko": 0.4}, {}, ["ceo"]).candidates[0]["reasons"][-1]

    assert weakest(stance="opponent") == "weakest: against us"
    assert weakest(stance="neutral") == "weakest: neutral: does not yet want us to win"
    assert weakest(stance="unknown") == "weakest: stance unknown: find out whether they want us to win"


def test_the_score_is_a_conjunction_not_a_sum():
    # A champion we know at velcro but with no tie to the unit scores 0; the same
    # person with a weak tie beats nobody's sum of strengths: every part multiplies.
    def score(strength):
        channels = [{"from": "zz", "to": "ceo", "kind": "advice", "strength": strength}] if strength else []
        graph = account(
            [person("ceo", roles=["decision_maker"]), person("zz", stance="champion")],
            channels=channels, team=[{"id": "m", "name": "M"}],
            relationships=[{"member": "m", "person": "zz", "strength": "velcro"}],
        )
        return coach_candidates(graph, {"ceo": 0.6, "zz": 0.4}, {}, ["ceo"]).scores["zz"]

    assert score(None) == 0.0
    # zz: influence standing 0 (below the CEO), brokerage standing 0.5 (both at 0): (s · 0.75 · 1 · 1)^⅓.
    assert score(0.2) == pytest.approx((0.2 * 0.75) ** (1 / 3))
    assert score(0.8) == pytest.approx((0.8 * 0.75) ** (1 / 3))


def test_a_person_marked_coach_is_confirmed_and_listed_first():
    graph = account(
        [
            person("ceo", roles=["decision_maker"]),
            person("li", stance="champion"),
            person("ko", roles=["coach"], stance="neutral"),
        ],
        channels=[{"from": "li", "to": "ceo", "kind": "advice"}],
        team=[{"id": "m", "name": "M"}],
        relationships=[{"member": "m", "person": "li", "strength": "velcro"}],
    )
    ranked, scores, _ = coach_candidates(graph, {"ceo": 0.5, "li": 0.3, "ko": 0.2}, {}, ["ceo"])
    assert [(c["id"], c["confirmed"]) for c in ranked] == [("ko", True), ("li", False)]
    assert scores["ko"] < scores["li"]
    assert ranked[0]["reasons"][0] == "marked as coach"


def test_closeness_to_a_competitor_is_named(graph):
    data = {
        "account": {"id": "acme", "name": "Acme"},
        "people": [person("ceo", roles=["decision_maker"]), person("li", stance="supporter")],
        "channels": [{"from": "li", "to": "ceo", "kind": "advice"}],
        "competitors": [{"id": "rival", "name": "RivalCo"}],
        "competitor_relationships": [{"competitor": "rival", "person": "li", "strength": "zipper"}],
    }
    ranked, _, _ = coach_candidates(g.account_graph(parse_account(data)), {"ceo": 0.5, "li": 0.5}, {}, ["ceo"])
    assert "but close to RivalCo (zipper)" in ranked[0]["reasons"]


def test_the_list_is_capped_but_every_candidate_keeps_a_score():
    helpers = [person(f"s{i:02d}", stance="supporter") for i in range(MAX_CANDIDATES + 3)]
    graph = account(
        [person("ceo", roles=["decision_maker"])] + helpers,
        channels=[{"from": h["id"], "to": "ceo", "kind": "advice", "strength": 0.5} for h in helpers],
    )
    power = {h["id"]: 0.01 for h in helpers} | {"ceo": 0.87}
    ranked, scores, _ = coach_candidates(graph, power, {}, ["ceo"])
    assert len(ranked) == MAX_CANDIDATES
    assert [c["id"] for c in ranked] == [f"s{i:02d}" for i in range(MAX_CANDIDATES)]  # equal scores: by id
    assert all(scores[h["id"]] > 0 for h in helpers)
