"""The derived views of the account graph, built from one pass over plain dicts, are the
very graphs the straightforward edge-by-edge construction gives: the same nodes, edges,
attributes and adjacency order (the order igraph, the solvers and every tie-break see)."""
from __future__ import annotations

import importlib.util
import math
import random
from pathlib import Path

import networkx as nx
import pytest

from influence_graph import graph as g
from influence_graph.model import load_account, parse_account

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

KINDS = ["advice", "trust", "friendship", "expertise", "budget", "political", "family", "alumni", "rivalry"]


# The straightforward constructions: one add_edge per edge of the account graph's edge view.
def reference_deference(graph):
    view = nx.DiGraph()
    view.add_nodes_from((n, graph.nodes[n]) for n in g.customer_people(graph))
    for u, v, data in graph.edges(data=True):
        kind = data[g.KIND]
        if kind == g.KIND_REPORTS_TO:
            listener, influencer, weight = u, v, g.FORMAL_DEFERENCE
        elif g.is_positive_channel(kind):
            listener, influencer, weight = v, u, data[g.STRENGTH]
        else:
            continue
        if view.has_edge(listener, influencer):
            view[listener][influencer][g.WEIGHT] += weight
        else:
            view.add_edge(listener, influencer, **{g.WEIGHT: weight})
    return view


def reference_ties(graph):
    view = nx.Graph()
    view.add_nodes_from((n, graph.nodes[n]) for n in g.customer_people(graph))
    for u, v, data in graph.edges(data=True):
        kind = data[g.KIND]
        if kind != g.KIND_REPORTS_TO and not g.is_positive_channel(kind):
            continue
        strength = data[g.STRENGTH]
        if not view.has_edge(u, v) or view[u][v][g.WEIGHT] < strength:
            view.add_edge(u, v, **{g.WEIGHT: strength, g.DISTANCE: 1.0 / strength})
    return view


def reference_rivalry(graph):
    view = nx.Graph()
    view.add_nodes_from(g.customer_people(graph))
    for u, v, data in graph.edges(data=True):
        if data[g.KIND] == "rivalry" and (not view.has_edge(u, v) or view[u][v][g.WEIGHT] < data[g.STRENGTH]):
            view.add_edge(u, v, **{g.WEIGHT: data[g.STRENGTH]})
    return view


def reference_warm(graph):
    view = nx.DiGraph()
    view.add_nodes_from((n, d) for n, d in graph.nodes(data=True) if d[g.SIDE] in (g.SIDE_CUSTOMER, g.SIDE_TEAM))
    for u, v, data in graph.edges(data=True):
        kind = data[g.KIND]
        if kind == g.KIND_RELATIONSHIP:
            pairs = [(u, v)]
        elif kind == g.KIND_REPORTS_TO or g.is_positive_channel(kind):
            pairs = [(u, v), (v, u)]
        else:
            continue
        for a, b in pairs:
            strength = data[g.STRENGTH]
            if not view.has_edge(a, b) or view[a][b][g.STRENGTH] < strength:
                view.add_edge(a, b, **{g.STRENGTH: strength, g.COST: -math.log(strength)})
    return view


def tangled_account(seed: int = 0, people: int = 20, channels: int = 400):
    """Many channels between few people: the same pair again and again, both ways, of every
    kind, mutual or not, with strengths that rise and fall, on top of reporting lines."""
    rng = random.Random(seed)
    ids = [f"p{i}" for i in range(people)]
    return parse_account({
        "account": {"id": "tangle", "name": "Tangle"},
        "departments": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
        "people": [{"id": p, "name": p.upper(), "department": rng.choice("abc"),
                    **({"reports_to": ids[rng.randrange(i)]} if i else {})} for i, p in enumerate(ids)],
        "channels": [
            {"from": u, "to": v, "kind": rng.choice(KINDS), "strength": round(rng.uniform(0.05, 1.0), 2),
             "mutual": rng.random() < 0.3}
            for u, v in (rng.sample(ids, 2) for _ in range(channels))
        ],
        "team": [{"id": "m1", "name": "M1"}, {"id": "m2", "name": "M2"}],
        "relationships": [{"member": rng.choice(["m1", "m2"]), "person": rng.choice(ids),
                           "strength": round(rng.uniform(0.1, 1.0), 2)} for _ in range(25)],
        "competitors": [{"id": "rival", "name": "Rival"}],
        "competitor_relationships": [{"competitor": "rival", "person": p, "strength": "zipper"} for p in ids[:3]],
    })


def accounts():
    yield "tangled", tangled_account()
    yield "tangled-1", tangled_account(seed=1, people=12, channels=150)
    yield "synthetic-600", generate.synthetic_account(600, seed=3)
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        yield path.stem, load_account(path)


def same_graph(built, expected) -> None:
    assert type(built) is type(expected)
    assert list(built.nodes(data=True)) == list(expected.nodes(data=True))
    assert list(built.edges(data=True)) == list(expected.edges(data=True))
    # The order each node's neighbours come in, both ways for a directed view.
    assert {n: list(nbrs) for n, nbrs in built.adjacency()} == {n: list(nbrs) for n, nbrs in expected.adjacency()}
    if built.is_directed():
        assert {n: list(built.pred[n]) for n in built} == {n: list(expected.pred[n]) for n in expected}
    for u, v, data in built.edges(data=True):  # the exact floats, not merely close
        assert all(value == expected[u][v][key] and type(value) is type(expected[u][v][key]) for key, value in data.items())


@pytest.mark.parametrize("name, account", list(accounts()), ids=lambda x: x if isinstance(x, str) else "")
@pytest.mark.parametrize("view, reference", [
    (g.deference_graph, reference_deference), (g.tie_graph, reference_ties),
    (g.rivalry_graph, reference_rivalry), (g.warm_graph, reference_warm),
], ids=["deference", "ties", "rivalry", "warm"])
def test_view_is_the_edge_by_edge_construction(name, account, view, reference):
    whole = g.account_graph(account)
    expected = reference(whole)
    assert expected.number_of_edges() > 0 or view is g.rivalry_graph
    same_graph(view(whole), expected)


def test_the_tangled_account_repeats_pairs():
    """The test account really has what the one-pass construction must get right."""
    whole = g.account_graph(tangled_account())
    pairs = [(u, v) for u, v, d in whole.edges(data=True) if d[g.KIND] in KINDS]
    assert len(pairs) > 1.5 * len(set(pairs))  # the same directed pair again and again
    assert any((v, u) in set(pairs) for u, v in pairs)  # and both ways


@pytest.mark.parametrize("name, account", list(accounts()), ids=lambda x: x if isinstance(x, str) else "")
def test_edges_with_data_is_the_edge_view(name, account):
    whole = g.account_graph(account)
    fast, view = list(g.edges_with_data(whole)), list(whole.edges(data=True))
    assert fast == view
    assert all(a[2] is b[2] for a, b in zip(fast, view))  # the graph's own data dicts


@pytest.mark.parametrize("name, account", list(accounts()), ids=lambda x: x if isinstance(x, str) else "")
def test_warm_links_are_the_warm_graph(name, account):
    """The analysis walks the warm graph's links as plain dicts built from the tie graph:
    the same nodes, the same neighbours in the same order, the same strengths and costs."""
    whole = g.account_graph(account)
    warm = g.warm_graph(whole)
    expected = {node: {b: dict(data) for b, data in nbrs.items()} for node, nbrs in warm.adjacency()}
    for links in (g.warm_links(whole), g.warm_links(whole, g.tie_graph(whole))):
        assert list(links) == list(expected)
        assert {node: list(nbrs) for node, nbrs in links.items()} == {node: list(nbrs) for node, nbrs in expected.items()}
        assert links == expected
