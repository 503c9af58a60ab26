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
    ranked, scores = coach_candidates(graph, POWER, BROKER, ["ceo", "cfo"])
    # li: favour 1, relationship 1, access 0.75 * 1/2 + 0.25 * 0.5/0.5 = 0.625, credibility 0.2/0.4
    assert scores["li"] == pytest.approx(0.35 + 0.25 + 0.25 * 0.625 + 0.15 * 0.5)
    # ma: favour 0, relationship 2/3, access 0.75 * 1/2, credibility 0.05/0.4
    assert scores["ma"] == pytest.approx(0.25 * 2 / 3 + 0.25 * 0.375 + 0.15 * 0.125)
    assert [c["id"] for c in ranked] == ["li", "ma"]
    assert scores["wu"] == scores["zz"] == scores["ne"] == scores["ceo"] == 0.0
    assert set(scores) == set(POWER)


def test_reasons_say_stance_relationship_access_and_credibility(graph):
    ranked, _ = coach_candidates(graph, POWER, BROKER, ["ceo", "cfo"])
    assert ranked[0]["reasons"] == [
        "champion",
        "Jiang knows them (velcro)",
        "advises 1 of 2 decision makers",
        "a broker between groups (top 10% by brokerage)",
        "top quarter by influence",
    ]
    assert ranked[1]["reasons"] == ["neutral", "Jiang knows them (zipper)", "connected to 1 of 2 decision makers"]
    assert ranked[0]["confirmed"] is False


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
    ranked, scores = coach_candidates(graph, {"ceo": 0.5, "li": 0.3, "ko": 0.2}, {}, ["ceo"])
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
    ranked, _ = coach_candidates(g.account_graph(parse_account(data)), {"ceo": 0.5, "li": 0.5}, {}, ["ceo"])
    assert "but close to RivalCo (zipper)" in ranked[0]["reasons"]


def test_the_list_is_capped_but_every_candidate_keeps_a_score():
    helpers = [person(f"s{i:02d}", stance="supporter") for i in range(MAX_CANDIDATES + 3)]
    graph = account(
        [person("ceo", roles=["decision_maker"])] + helpers,
        channels=[{"from": h["id"], "to": "ceo", "kind": "advice", "strength": 0.5} for h in helpers],
    )
    power = {h["id"]: 0.01 for h in helpers} | {"ceo": 0.87}
    ranked, scores = coach_candidates(graph, power, {}, ["ceo"])
    assert len(ranked) == MAX_CANDIDATES
    assert [c["id"] for c in ranked] == [f"s{i:02d}" for i in range(MAX_CANDIDATES)]  # equal scores: by id
    assert all(scores[h["id"]] > 0 for h in helpers)
