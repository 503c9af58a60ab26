"""Factions and department dynamics (DESIGN §4): coalitions from community
detection on positive ties; alliances and rivalries between departments,
declared in the account or inferred from what its people do.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping

import networkx as nx

from .. import graph as g
from ..model import Account
from . import _igraph, wording

FACTION_SEED = 0
FACTION_RUNS = 5  # Louvain runs, the most modular kept: 5 ms each at 1,000 people
# A faction is a coalition: one person alone is not reported.
MIN_FACTION_SIZE = 2
# An inferred alliance needs this many cross-department channels between distinct
# pairs of people, at least this many times denser than the account's average
# between two departments, and no rivalry between the two departments' people.
ALLIANCE_MIN_TIES = 3
ALLIANCE_DENSITY_FACTOR = 2.0
_DIGITS = 6


def factions(ties: nx.Graph) -> list[list[str]]:
    """Coalitions: Louvain communities of the positive-tie graph, weighted by tie
    strength (attribute ``weight``), seeded so the answer is the same every run.
    igraph's ``community_multilevel`` finds them, the most modular of
    ``FACTION_RUNS`` seeded runs (one run is 20–30× faster than NetworkX's
    ``louvain_communities``, which the tests keep as the reference).

    People in no coalition (a community of one, e.g. nobody's tie) are left out.
    Factions come biggest first (then by total tie strength inside, then first
    member id); inside a faction, its core first: most tie strength to fellow
    members, then id.

    >>> ties = nx.barbell_graph(4, 0)  # two tight groups of four joined by one edge
    >>> nx.set_edge_attributes(ties, 1.0, "weight")
    >>> factions(ties)
    [[0, 1, 2, 3], [4, 5, 6, 7]]
    """
    if ties.number_of_edges() == 0:
        return []
    communities = _igraph.communities(ties, g.WEIGHT, seed=FACTION_SEED, runs=FACTION_RUNS)
    adjacency = dict(ties.adjacency())  # the plain dicts: no view per look-up
    ranked = []
    for members in communities:
        if len(members) < MIN_FACTION_SIZE:
            continue
        core = {p: inner_strength(adjacency[p], p, members) for p in members}
        ordered = sorted(members, key=lambda p: (-core[p], str(p)))
        # Each tie inside counted from both ends; fsum: the same total whatever the order.
        inside = math.fsum(core.values()) / 2
        ranked.append((-len(members), -inside, str(min(members, key=str)), ordered))
    ranked.sort(key=lambda item: item[:3])
    return [ordered for *_, ordered in ranked]


def inner_strength(neighbours: Mapping, person, members: set) -> float:
    """The total ``weight`` of ``person``'s ties to ``members`` (``neighbours``: their
    adjacency in the tie graph): their weighted degree inside the faction (a tie to
    themselves counted twice, as NetworkX's degree counts it), added in the order of
    their ties, without a subgraph view over the whole graph.

    >>> ties = nx.Graph([(1, 2, {"weight": 0.5}), (1, 3, {"weight": 0.25}), (1, 4, {"weight": 1.0})])
    >>> inner_strength(ties.adj[1], 1, {1, 2, 3})
    0.75
    """
    loop = neighbours[person].get(g.WEIGHT, 1) if person in neighbours else 0
    return sum(data.get(g.WEIGHT, 1) for other, data in neighbours.items() if other in members) + loop


CrossTies = dict[tuple[str, str], dict[tuple[str, str], float]]


def cross_department_ties(graph: nx.MultiDiGraph) -> tuple[CrossTies, CrossTies]:
    """Channels between people of different departments, ``(positive, rivalry)``: each by
    department pair (ids sorted), for each pair of people the strongest channel of that sign."""
    department = {p: graph.nodes[p][g.DEPARTMENT] for p in g.customer_people(graph)}
    positive: CrossTies = defaultdict(dict)
    rivalry: CrossTies = defaultdict(dict)
    for u, v, data in g.edges_with_data(graph):
        kind = data[g.KIND]
        if kind == "rivalry":
            found = rivalry
        elif g.is_positive_channel(kind):
            found = positive
        else:
            continue
        a, b = department.get(u), department.get(v)
        if a is None or b is None or a == b:
            continue
        (a, u), (b, v) = sorted([(a, u), (b, v)])
        people = found[(a, b)]
        people[(u, v)] = max(people.get((u, v), 0.0), data[g.STRENGTH])
    return positive, rivalry


def _pair_list(graph: nx.MultiDiGraph, pairs: dict[tuple[str, str], float], limit: int = 3) -> str:
    """The strongest pairs, e.g. "Sun Wei – Wu Lei, Li Na – Ma Lin and 2 more"."""
    ordered = sorted(pairs, key=lambda pair: (-pairs[pair], pair))
    shown = [f"{wording.name(graph, u)} – {wording.name(graph, v)}" for u, v in ordered[:limit]]
    return wording.join(shown + ([f"{len(ordered) - limit} more"] if len(ordered) > limit else []))


def inferred_rivalries(graph: nx.MultiDiGraph, cross: tuple[CrossTies, CrossTies] | None = None) -> list[dict]:
    """Department rivalries read from person-level rivalry channels across
    departments. Strength combines the feuds like independent signals,
    1 − ∏(1 − sᵢ) over distinct pairs of people: the strongest feud at least,
    more when there are several; in (0, 1]. ``cross``: :func:`cross_department_ties`, if at hand."""
    out = []
    _, rivalry = cross or cross_department_ties(graph)
    for (a, b), pairs in rivalry.items():
        strength = 1.0 - math.prod(1.0 - s for s in pairs.values())
        noun = "rivalry" if len(pairs) == 1 else "rivalries"
        evidence = f"{len(pairs)} {noun} between their people: {_pair_list(graph, pairs)}"
        out.append({"a": a, "b": b, "kind": "rivalry", "strength": round(strength, _DIGITS), "source": "inferred", "evidence": evidence})
    return out


def inferred_alliances(graph: nx.MultiDiGraph, cross: tuple[CrossTies, CrossTies] | None = None) -> list[dict]:
    """Department alliances read from unusually dense positive channels between
    two departments' people (see ``ALLIANCE_*``). Strength is the mean strength
    of those channels, in (0, 1]. ``cross``: :func:`cross_department_ties`, if at hand."""
    size: dict[str, int] = defaultdict(int)
    for person in g.customer_people(graph):
        if graph.nodes[person][g.DEPARTMENT] is not None:
            size[graph.nodes[person][g.DEPARTMENT]] += 1
    positive, rivalry = cross or cross_department_ties(graph)
    feuding = set(rivalry)
    # Pairs of people in two different departments: the sum of size(a)·size(b) over every
    # pair of departments, without listing the pairs (800 departments make 320,000).
    people = sum(size.values())
    total_possible = (people * people - sum(n * n for n in size.values())) // 2
    if not total_possible:
        return []
    usual = sum(len(pairs) for pairs in positive.values()) / total_possible
    out = []
    for (a, b), pairs in positive.items():
        ratio = len(pairs) / (size[a] * size[b]) / usual
        if len(pairs) < ALLIANCE_MIN_TIES or ratio < ALLIANCE_DENSITY_FACTOR or (a, b) in feuding:
            continue
        strength = sum(pairs.values()) / len(pairs)
        evidence = f"{len(pairs)} channels between their people ({ratio:.1f}× the usual between departments): {_pair_list(graph, pairs)}"
        out.append({"a": a, "b": b, "kind": "alliance", "strength": round(strength, _DIGITS), "source": "inferred", "evidence": evidence})
    return out


def department_relations(account: Account, graph: nx.MultiDiGraph) -> list[dict]:
    """Alliances and rivalries between departments: ``{a, b, kind, strength,
    source, evidence}``. Declared ones (``account.department_relations``) first, in
    file order; then inferred ones (:func:`inferred_rivalries`,
    :func:`inferred_alliances`), strongest first, then by ``a``, ``b``, kind. A
    relation is not inferred for a pair already declared with the same kind (a
    declared alliance can still show an inferred rivalry underneath).

    >>> from influence_graph.model import parse_account
    >>> a = parse_account({"account": {"id": "x", "name": "X"},
    ...     "departments": [{"id": "eng"}, {"id": "proc"}],
    ...     "people": [{"id": "e", "name": "E", "department": "eng"}, {"id": "p", "name": "P", "department": "proc"}],
    ...     "channels": [{"from": "e", "to": "p", "kind": "rivalry", "strength": 0.6}]})
    >>> [(r["a"], r["b"], r["kind"], r["strength"], r["source"]) for r in department_relations(a, g.account_graph(a))]
    [('eng', 'proc', 'rivalry', 0.6, 'inferred')]
    """
    declared = [
        {"a": r.a, "b": r.b, "kind": r.kind.value, "strength": r.strength, "source": "declared", "evidence": r.evidence}
        for r in account.department_relations
    ]
    taken = {(frozenset((r.a, r.b)), r.kind.value) for r in account.department_relations}
    cross = cross_department_ties(graph)
    inferred = [
        rel
        for rel in inferred_rivalries(graph, cross) + inferred_alliances(graph, cross)
        if (frozenset((rel["a"], rel["b"])), rel["kind"]) not in taken
    ]
    inferred.sort(key=lambda r: (-r["strength"], r["a"], r["b"], r["kind"]))
    return declared + inferred
