"""Influence channels into each decision maker (DESIGN §4): who they listen to, and whom we can reach."""
from __future__ import annotations

import networkx as nx

from .. import graph as g
from ._shared import ZIPPER, strongest, team_ties


def influence_channels(
    graph: nx.MultiDiGraph, deference: nx.DiGraph, dmu: list[str], known: dict[str, dict[str, float]] | None = None
) -> dict[str, list[dict]]:
    """Per DMU member, the people who influence them, strongest first (ties by id).

    Each entry is ``{id, strength, kinds, reachable, reached_by}``: ``strength`` is the
    weight of the member's deference to that person (positive channels plus the
    reporting line, as in :func:`~influence_graph.graph.deference_graph`), ``kinds``
    the channel kinds (``reports_to`` for their boss). ``reachable`` means someone
    on our team has a relationship of at least zipper with the influencer, so we can
    work through them; ``reached_by`` is the team member closest to them (or None).

    >>> from influence_graph.model import parse_account
    >>> a = parse_account({"account": {"id": "x", "name": "X"}, "people": [
    ...     {"id": "ceo", "name": "Zhao"}, {"id": "li", "name": "Li", "reports_to": "ceo"},
    ...     {"id": "wu", "name": "Wu"}],
    ...     "channels": [{"from": "li", "to": "ceo", "kind": "advice", "strength": 0.8},
    ...                  {"from": "wu", "to": "ceo", "kind": "trust", "strength": 0.3}],
    ...     "team": [{"id": "m", "name": "M"}],
    ...     "relationships": [{"member": "m", "person": "li", "strength": "zipper"}]})
    >>> whole = g.account_graph(a)
    >>> [(c["id"], c["strength"], c["kinds"], c["reachable"])
    ...  for c in influence_channels(whole, g.deference_graph(whole), ["ceo"])["ceo"]]
    [('li', 0.8, ['advice'], True), ('wu', 0.3, ['trust'], False)]
    """
    known = team_ties(graph) if known is None else known
    result = {}
    for member in dmu:
        kinds = _kinds_into(graph, member)
        entries = []
        for influencer, weight in deference[member].items():
            closest, closeness = strongest(known.get(influencer, {}))
            reachable = closeness >= ZIPPER
            entries.append(
                {
                    "id": influencer,
                    "strength": round(weight[g.WEIGHT], 6),
                    "kinds": sorted(kinds.get(influencer, ())),
                    "reachable": reachable,
                    "reached_by": closest if reachable else None,
                }
            )
        result[member] = sorted(entries, key=lambda e: (-e["strength"], e["id"]))
    return result


def _kinds_into(graph: nx.MultiDiGraph, person: str) -> dict[str, set[str]]:
    """``{influencer: {kind, …}}`` over positive channels into ``person`` and their reporting line."""
    kinds: dict[str, set[str]] = {}
    for source, _, kind in graph.in_edges(person, data=g.KIND):
        if g.is_positive_channel(kind):
            kinds.setdefault(source, set()).add(kind)
    for _, boss, kind in graph.out_edges(person, data=g.KIND):
        if kind == g.KIND_REPORTS_TO:
            kinds.setdefault(boss, set()).add(kind)
    return kinds
