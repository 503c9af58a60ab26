"""Coverage, warm introduction paths and relationship depth, on small hand-computed accounts."""
from __future__ import annotations

import itertools
import math
import random

import networkx as nx
import pytest

from influence_graph import graph as g
from influence_graph.analysis.coverage import (
    coverage_by_person,
    relationship_depth,
    uncovered_decision_makers,
    warm_paths,
)


from builders import account_graph_of as account, person  # noqa: E402


@pytest.fixture
def warm_account():
    """ceo and cto decide; m1 knows eng (velcro) and cto (zipper); m2 only clips buyer.

    Warm paths: ceo via m1 -> eng -> ceo = 1 * 0.8 = 0.8 (better than m2 -> buyer -> ceo
    = 1/3 * 0.9 = 0.3); buyer via m1 -> eng -> ceo -> buyer = 0.8 * 0.9 = 0.72, better
    than m2's own clip (1/3); loner has no path.
    """
    return account(
        [
            person("ceo", roles=["decision_maker"]),
            person("cto", roles=["decision_maker"]),
            person("eng", stance="skeptic"),
            person("buyer"),
            person("loner", roles=["economic_buyer"]),
        ],
        channels=[
            {"from": "eng", "to": "ceo", "kind": "advice", "strength": 0.8},
            {"from": "buyer", "to": "ceo", "kind": "trust", "strength": 0.9},
            {"from": "loner", "to": "ceo", "kind": "rivalry", "strength": 0.9},
        ],
        team=[{"id": "m2", "name": "Mia"}, {"id": "m1", "name": "Max"}],
        relationships=[
            {"member": "m1", "person": "eng", "strength": "velcro"},
            {"member": "m1", "person": "cto", "strength": "zipper"},
            {"member": "m2", "person": "buyer", "strength": "clip"},
            {"member": "m2", "person": "eng", "strength": 0.5},
        ],
    )


def test_coverage_is_the_strongest_relationship_and_zero_without_one(warm_account):
    assert coverage_by_person(warm_account) == {
        "ceo": 0.0, "cto": pytest.approx(2 / 3), "eng": 1.0, "buyer": pytest.approx(1 / 3), "loner": 0.0,
    }


def test_uncovered_lists_key_people_below_zipper_with_best_warm_path(warm_account):
    power = {"ceo": 0.4, "cto": 0.2, "eng": 0.1, "buyer": 0.2, "loner": 0.1}
    found = uncovered_decision_makers(warm_account, ["ceo", "cto", "loner", "buyer"], power)
    assert [u["id"] for u in found] == ["ceo", "loner", "buyer"]  # DMU first, then by influence
    ceo, loner, buyer = found
    assert ceo["path"] == ["m1", "eng", "ceo"] and ceo["path_strength"] == pytest.approx(0.8)
    assert buyer["path"] == ["m1", "eng", "ceo", "buyer"] and buyer["path_strength"] == pytest.approx(0.72)
    assert loner["path"] == [] and loner["path_strength"] == 0.0  # rivalry is no way in
    assert "best introduction: Max → Eng → Ceo (strength 0.80)" in ceo["reasons"]
    assert "only a clip relationship (Mia)" in buyer["reasons"]
    assert "the path goes through Eng, who is not on our side: handle with care" in ceo["reasons"]
    assert "no warm path: no one we know is connected to them" in loner["reasons"]


def test_equal_paths_prefer_fewer_hops_then_the_first_alphabetically():
    graph = account(
        [person("t", roles=["decision_maker"]), person("a"), person("b"), person("c")],
        channels=[
            {"from": "b", "to": "t", "kind": "advice", "strength": 0.5},
            {"from": "a", "to": "t", "kind": "advice", "strength": 0.5},
        ],
        team=[{"id": "z", "name": "Z"}, {"id": "y", "name": "Y"}],
        relationships=[
            {"member": "z", "person": "b", "strength": "velcro"},
            {"member": "y", "person": "a", "strength": "velcro"},
        ],
    )
    (found,) = uncovered_decision_makers(graph, ["t"], {"t": 1.0})
    assert found["path"] == ["y", "a", "t"]
    direct = account(
        [person("t"), person("a")],
        channels=[{"from": "a", "to": "t", "kind": "advice", "strength": 0.5}],
        team=[{"id": "m", "name": "M"}],
        relationships=[
            {"member": "m", "person": "a", "strength": "velcro"},
            {"member": "m", "person": "t", "strength": 0.5},
        ],
    )
    (found,) = uncovered_decision_makers(direct, ["t"], {"t": 0.5, "a": 0.5})
    assert found["path"] == ["m", "t"]


def test_warm_paths_find_the_largest_product_of_strengths():
    rng = random.Random(7)
    for _ in range(20):
        warm = nx.DiGraph()
        nodes = ["m1", "m2"] + [f"p{i}" for i in range(7)]
        for u, v in itertools.permutations(nodes, 2):
            if not v.startswith("m") and rng.random() < 0.3:
                s = rng.choice([0.2, 0.4, 0.5, 0.8, 1.0])
                warm.add_edge(u, v, strength=s, cost=-math.log(s))
        warm.add_nodes_from(nodes)
        found = warm_paths(warm, ["m1", "m2"], nodes[2:])
        for target in nodes[2:]:
            products = [
                math.prod(warm[a][b]["strength"] for a, b in zip(path, path[1:]))
                for source in ("m1", "m2")
                for path in nx.all_simple_paths(warm, source, target)
            ]
            if not products:
                assert target not in found
                continue
            path = found[target]
            got = math.prod(warm[a][b]["strength"] for a, b in zip(path, path[1:]))
            assert got == pytest.approx(max(products))


def _depth_account(relationships, team=None, dmu=("ceo",)):
    return account(
        [
            person("ceo", level=1, department="exec", roles=["decision_maker"]),
            person("cfo", level=2, department="fin"),
            person("eng", level=3, department="eng"),
            person("buyer", level=4, department="proc"),
            person("clerk", level=5, department="proc"),
        ],
        departments=[
            {"id": "exec", "function": "executive"},
            {"id": "fin", "function": "finance"},
            {"id": "eng"},  # no function: the department id stands for it
            {"id": "proc", "function": "procurement"},
        ],
        team=team or [{"id": "kam", "name": "Kim", "role": "key_account_manager", "level": 4},
                      {"id": "se", "name": "Sam", "role": "solution_engineer", "level": 5},
                      {"id": "vp", "name": "Val", "title": "VP Sales"}],
        relationships=relationships,
        opportunity={"name": "Bid", "decision_unit": list(dmu)},
    )


def test_ordinary_when_one_of_us_knows_only_purchasing():
    graph = _depth_account([
        {"member": "kam", "person": "buyer", "strength": "velcro"},
        {"member": "kam", "person": "clerk", "strength": "zipper"},
        {"member": "se", "person": "eng", "strength": "clip"},  # clip does not count
    ])
    depth = relationship_depth(graph, ["ceo"])
    assert depth["tier"] == "ordinary"
    assert "single-threaded: only Kim holds our close relationships" in depth["reasons"]
    assert "mostly at the purchasing level" in depth["reasons"]
    assert depth["reasons"][-1] == (
        "to reach partner: close relationships in at least 2 functions (now 1); held by at least 2 of our team (now 1)"
    )
    assert depth["coverage"] == {"kam": {"ceo": 0.0}, "se": {"ceo": 0.0}, "vp": {"ceo": 0.0}}


def test_partner_with_two_functions_levels_and_members_but_no_executive_line():
    graph = _depth_account([
        {"member": "kam", "person": "buyer", "strength": "velcro"},
        {"member": "se", "person": "eng", "strength": "zipper"},
        {"member": "kam", "person": "ceo", "strength": "zipper"},
    ])
    depth = relationship_depth(graph, ["ceo"])
    assert depth["tier"] == "partner"
    assert depth["reasons"][-1] == "to reach strategic: an executive-to-executive relationship"
    assert depth["coverage"]["kam"] == {"ceo": pytest.approx(2 / 3)}


def test_strategic_needs_executives_most_functions_and_the_whole_dmu():
    rels = [
        {"member": "vp", "person": "ceo", "strength": "velcro"},  # VP title: executive on our side
        {"member": "kam", "person": "buyer", "strength": "zipper"},
        {"member": "se", "person": "eng", "strength": "zipper"},
    ]
    graph = _depth_account(rels, dmu=("ceo", "cfo"))
    depth = relationship_depth(graph, ["ceo", "cfo"])
    assert depth["tier"] == "partner"  # 3 of 4 functions, but the CFO is not covered
    assert depth["reasons"][-1] == "to reach strategic: every decision maker covered (missing: Cfo)"
    graph = _depth_account(rels + [{"member": "kam", "person": "cfo", "strength": "zipper"}], dmu=("ceo", "cfo"))
    assert relationship_depth(graph, ["ceo", "cfo"])["tier"] == "strategic"


def test_no_relationships_at_all_is_ordinary_with_a_reason():
    depth = relationship_depth(_depth_account([]), ["ceo"])
    assert depth["tier"] == "ordinary"
    assert depth["reasons"][0] == "no one on our team has a relationship of zipper strength or closer"
