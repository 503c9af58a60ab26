"""Factions (community detection on positive ties) and department relations."""
from __future__ import annotations

import networkx as nx
import pytest

from influence_graph import graph as g
from influence_graph.analysis.factions import department_relations, factions
from influence_graph.model import parse_account


def tie_view(edges) -> nx.Graph:
    view = nx.Graph()
    for u, v, s in edges:
        view.add_edge(u, v, **{g.WEIGHT: s, g.DISTANCE: 1 / s})
    return view


def two_cliques(bridge: float = 0.1) -> nx.Graph:
    left = [(u, v, 1.0) for u, v in nx.complete_graph(["a1", "a2", "a3", "a4", "a5"]).edges]
    right = [(u, v, 1.0) for u, v in nx.complete_graph(["b1", "b2", "b3", "b4"]).edges]
    return tie_view(left + right + [("a1", "b1", bridge)])


def test_two_tight_groups_are_two_factions_biggest_first():
    assert [sorted(f) for f in factions(two_cliques())] == [["a1", "a2", "a3", "a4", "a5"], ["b1", "b2", "b3", "b4"]]


def test_people_without_ties_are_no_faction_and_no_ties_no_factions():
    view = two_cliques()
    view.add_node("loner")
    assert "loner" not in {p for f in factions(view) for p in f}
    assert factions(nx.Graph()) == []
    empty = nx.Graph()
    empty.add_nodes_from(["a", "b"])
    assert factions(empty) == []


def test_faction_lists_its_core_first():
    # In a group where c is tied strongly to everyone, c leads the list.
    view = tie_view([("c", "x", 1.0), ("c", "y", 1.0), ("c", "z", 1.0), ("x", "y", 0.3), ("y", "z", 0.3)])
    assert factions(view) == [["c", "y", "x", "z"]]


def test_factions_are_the_same_every_run():
    view = nx.connected_watts_strogatz_graph(60, 6, 0.3, seed=4)
    nx.set_edge_attributes(view, 0.5, g.WEIGHT)
    first = factions(view)
    assert first == factions(view.copy())
    assert sum(len(f) for f in first) == 60
    assert [len(f) for f in first] == sorted((len(f) for f in first), reverse=True)


def _modularity(view, parts):
    return nx.community.modularity(view, [set(p) for p in parts], weight=g.WEIGHT)


@pytest.mark.parametrize("seed", range(4))
def test_igraph_louvain_is_as_good_as_the_networkx_reference(seed):
    # NetworkX's Louvain is the reference: on weighted random graphs with planted groups the
    # compiled one finds partitions at least as modular (within 0.02) and keeps everyone tied.
    import random

    rng = random.Random(seed)
    view = nx.planted_partition_graph(6, 15, 0.4, 0.03, seed=seed)
    nx.set_edge_attributes(view, {e: round(rng.uniform(0.2, 1.0), 2) for e in view.edges}, g.WEIGHT)
    reference = nx.community.louvain_communities(view, weight=g.WEIGHT, seed=0)
    ours = factions(view)
    assert _modularity(view, ours) >= _modularity(view, reference) - 0.02
    tied = {n for n in view if view.degree(n)}
    assert {p for f in ours for p in f} == tied
    assert ours == factions(view)  # seeded: the same again
    import random as module

    state = module.getstate()
    factions(view)
    assert module.getstate() == state  # nobody else's random numbers move


def test_igraph_louvain_on_the_karate_club_matches_the_reference_split():
    club = nx.karate_club_graph()
    nx.set_edge_attributes(club, 1.0, g.WEIGHT)
    reference = nx.community.louvain_communities(club, weight=g.WEIGHT, seed=0)
    ours = factions(club)
    assert abs(_modularity(club, ours) - _modularity(club, reference)) < 0.02
    side = nx.get_node_attributes(club, "club")
    for faction in ours:  # each faction sits (almost) wholly on one side of the split
        counts = [sum(side[p] == s for p in faction) for s in ("Mr. Hi", "Officer")]
        assert max(counts) / len(faction) >= 0.9


# --- department relations ---------------------------------------------------

DEPARTMENTS = [{"id": "eng", "name": "Engineering"}, {"id": "proc", "name": "Procurement"}, {"id": "fin", "name": "Finance"}]
PEOPLE = [
    {"id": f"{d[0]}{i}", "name": f"{d.title()} {i}", "department": d} for d in ("eng", "proc", "fin") for i in (1, 2, 3)
]


def relations(channels, declared=(), people=PEOPLE):
    a = parse_account(
        {
            "account": {"id": "t", "name": "T"},
            "departments": DEPARTMENTS,
            "people": people,
            "channels": channels,
            "department_relations": list(declared),
        }
    )
    return department_relations(a, g.account_graph(a))


def test_rivalries_between_people_make_a_department_rivalry():
    got = relations(
        [
            {"from": "e1", "to": "p1", "kind": "rivalry", "strength": 0.5},
            {"from": "p2", "to": "e2", "kind": "rivalry", "strength": 0.6, "mutual": True},
            {"from": "e1", "to": "e2", "kind": "rivalry", "strength": 0.9},  # inside Engineering: not departmental
        ]
    )
    assert len(got) == 1
    rivalry = got[0]
    # Two feuds combine as 1 - (1 - 0.5)(1 - 0.6) = 0.8; the mutual one counts once.
    assert {k: rivalry[k] for k in ("a", "b", "kind", "source")} == {"a": "eng", "b": "proc", "kind": "rivalry", "source": "inferred"}
    assert rivalry["strength"] == pytest.approx(0.8)
    assert rivalry["evidence"] == "2 rivalries between their people: Eng 2 – Proc 2 and Eng 1 – Proc 1"


def test_declared_relations_come_first_and_are_not_inferred_again():
    declared = [
        {"a": "proc", "b": "eng", "kind": "rivalry", "strength": 0.7, "evidence": "budget fight"},
        {"a": "fin", "b": "eng", "kind": "alliance", "strength": 0.4},
    ]
    got = relations(
        [
            {"from": "e1", "to": "p1", "kind": "rivalry", "strength": 0.9},
            {"from": "f1", "to": "e3", "kind": "rivalry", "strength": 0.3},
        ],
        declared,
    )
    assert [(r["a"], r["b"], r["kind"], r["strength"], r["source"]) for r in got] == [
        ("proc", "eng", "rivalry", 0.7, "declared"),
        ("fin", "eng", "alliance", 0.4, "declared"),
        # A rivalry under a declared alliance is still news; the declared rivalry is not repeated.
        ("eng", "fin", "rivalry", 0.3, "inferred"),
    ]
    assert got[0]["evidence"] == "budget fight"


ALLIED = [
    {"from": "e1", "to": "p1", "kind": "advice", "strength": 0.6},
    {"from": "p2", "to": "e2", "kind": "trust", "strength": 0.8},
    {"from": "e3", "to": "p3", "kind": "friendship", "strength": 0.7, "mutual": True},
    {"from": "f1", "to": "e1", "kind": "advice", "strength": 0.5},
]


def test_dense_positive_ties_between_two_departments_make_an_alliance():
    # Cross-department pairs: 3 x 9 = 27, with 4 ties: usual density 4/27. Engineering and
    # Procurement have 3 of 9 (2.25x the usual): an alliance of mean strength 0.7.
    # Finance and Engineering have one tie: nothing.
    got = relations(ALLIED)
    assert [(r["a"], r["b"], r["kind"], r["source"]) for r in got] == [("eng", "proc", "alliance", "inferred")]
    assert got[0]["strength"] == pytest.approx(0.7)
    assert got[0]["evidence"].startswith("3 channels between their people")


def test_no_alliance_where_their_people_feud_or_with_too_few_ties():
    feud = relations(ALLIED + [{"from": "e1", "to": "p3", "kind": "rivalry", "strength": 0.4}])
    assert [(r["kind"], r["strength"]) for r in feud] == [("rivalry", 0.4)]
    assert relations(ALLIED[:2]) == []


def test_reporting_lines_across_departments_are_no_alliance():
    people = [dict(p) for p in PEOPLE]
    for p in people:
        if p["department"] == "proc":
            p["reports_to"] = "e1"
    assert relations([], people=people) == []


def test_inferred_relations_are_ordered_strongest_first():
    got = relations(
        [
            {"from": "e1", "to": "p1", "kind": "rivalry", "strength": 0.3},
            {"from": "f1", "to": "p1", "kind": "rivalry", "strength": 0.9},
            {"from": "f2", "to": "e1", "kind": "rivalry", "strength": 0.3},
        ]
    )
    assert [(r["a"], r["b"], r["strength"]) for r in got] == [("fin", "proc", 0.9), ("eng", "fin", 0.3), ("eng", "proc", 0.3)]


def _generated_ties(people: int, seed: int):
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("generate", Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    return g.tie_graph(g.account_graph(generate.synthetic_account(people, seed=seed)))


def _weighted_karate():
    karate = nx.karate_club_graph()  # its "weight" is the number of contexts the two met in
    karate.add_edge(0, 0, weight=2.0)  # and a tie to oneself, which a degree counts twice
    return karate


@pytest.mark.parametrize("ties", [_weighted_karate(), two_cliques(0.3), _generated_ties(800, 1)],
                         ids=["karate", "cliques", "synthetic-800"])
def test_inner_strength_is_the_weighted_degree_inside_the_faction(ties):
    """Each faction's core order comes from the weighted degree in the faction's own
    subgraph, read off the tie graph directly: the same numbers to the last bit."""
    from influence_graph.analysis import _igraph
    from influence_graph.analysis.factions import inner_strength

    communities = _igraph.communities(ties, g.WEIGHT, seed=0)
    assert len(communities) >= 2
    for members in communities:
        inner = ties.subgraph(members)
        assert {p: inner_strength(ties.adj[p], p, members) for p in members} == dict(inner.degree(weight=g.WEIGHT))
