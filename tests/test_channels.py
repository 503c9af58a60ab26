"""Influence channels into each decision maker."""
from __future__ import annotations

import pytest

from influence_graph import graph as g
from influence_graph.analysis.channels import influence_channels


from builders import account_graph_of, person  # noqa: E402


def channels_of(people, dmu, **sections):
    whole = account_graph_of(people, **sections)
    return influence_channels(whole, g.deference_graph(whole), dmu)


def test_influencers_strongest_first_with_kinds_and_reachability():
    result = channels_of(
        [
            person("ceo"),
            person("cto", reports_to="ceo"),
            person("li", reports_to="cto"),
            person("wu"),
            person("xu"),
        ],
        ["cto", "ceo"],
        channels=[
            {"from": "li", "to": "cto", "kind": "advice", "strength": 0.4},
            {"from": "li", "to": "cto", "kind": "trust", "strength": 0.3},  # summed with advice: 0.7
            {"from": "wu", "to": "cto", "kind": "friendship", "strength": 0.5},
            {"from": "xu", "to": "cto", "kind": "rivalry", "strength": 0.9},  # rivalry is not influence
            {"from": "cto", "to": "ceo", "kind": "expertise", "strength": 0.6, "mutual": True},
        ],
        team=[{"id": "kam", "name": "Kim"}, {"id": "se", "name": "Sam"}],
        relationships=[
            {"member": "se", "person": "li", "strength": "zipper"},
            {"member": "kam", "person": "li", "strength": "velcro"},
            {"member": "kam", "person": "wu", "strength": "clip"},  # too weak to count as reachable
        ],
    )
    assert list(result) == ["cto", "ceo"]
    # The CEO is the boss (0.5) and an expert the CTO consults (0.6): 1.1.
    assert [(c["id"], c["strength"], c["kinds"], c["reachable"], c["reached_by"]) for c in result["cto"]] == [
        ("ceo", pytest.approx(1.1), ["expertise", "reports_to"], False, None),
        ("li", pytest.approx(0.7), ["advice", "trust"], True, "kam"),
        ("wu", 0.5, ["friendship"], False, None),
    ]
    assert [(c["id"], c["kinds"]) for c in result["ceo"]] == [("cto", ["expertise"])]


def test_a_decision_maker_nobody_influences_has_no_channels():
    assert channels_of([person("ceo"), person("x")], ["ceo"]) == {"ceo": []}


def test_equal_strengths_are_listed_by_id_whatever_the_file_order():
    result = channels_of(
        [person("ceo"), person("zed"), person("amy")],
        ["ceo"],
        channels=[
            {"from": "zed", "to": "ceo", "kind": "advice", "strength": 0.5},
            {"from": "amy", "to": "ceo", "kind": "budget", "strength": 0.5},
        ],
    )
    assert [c["id"] for c in result["ceo"]] == ["amy", "zed"]
