"""Account → NetworkX graphs. The one place node and edge attribute names are defined.

:func:`account_graph` is the whole account as one ``MultiDiGraph`` (people, our
team, competitors; every line, channel and relationship as an edge). The
analyses read derived views of it, each built here:

- :func:`deference_graph`: customer people, edge ``listener -> influencer``
  (who defers to whom), weight summed over positive channels and formal lines.
- :func:`tie_graph`: customer people, undirected positive ties, for brokerage
  and factions; ``distance = 1 / strength`` so strong ties are short.
- :func:`warm_graph`: our team + customer people, directed edges along which an
  introduction can travel, ``strength`` in (0, 1] and ``cost = -ln(strength)``,
  so the shortest path by cost is the path with the largest product of strengths.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

import networkx as nx

from .model import Account, Role

# Node attributes
SIDE = "side"  # one of the SIDE_* values
SIDE_CUSTOMER = "customer"
SIDE_TEAM = "team"
SIDE_COMPETITOR = "competitor"
NAME = "name"
TITLE = "title"
DEPARTMENT = "department"
FUNCTION = "function"  # the department's function, else the department id; None without a department
LEVEL = "level"
ROLES = "roles"
STANCE = "stance"  # label (str) or number as given
STANCE_VALUE = "stance_value"  # number in [-1, 1]; unknown -> 0
STANCE_KNOWN = "stance_known"
SUSCEPTIBILITY = "susceptibility"
IN_DMU = "in_dmu"
TAGS = "tags"  # the person's tags, as given (e.g. disputed-stance from `ig merge`)
# Set on the graph of an analyzed account (exports for Gephi, yEd, Cytoscape):
# the answers of the analysis, under the keys of its JSON.
LABEL = "label"  # what Gephi shows: the name
INFLUENCE = "influence"
BROKERAGE = "brokerage"
FORMAL = "formal"
CATEGORY = "category"
COACH_SCORE = "coach_score"
COVERAGE = "coverage"
FACTION = "faction"  # 1 for the first faction of the analysis, 2 for the second …

# Edge attributes
KIND = "kind"  # a channel kind, or one of the KIND_* values
KIND_REPORTS_TO = "reports_to"
KIND_RELATIONSHIP = "relationship"
KIND_COMPETITOR = "competitor"
STRENGTH = "strength"
WEIGHT = "weight"
DISTANCE = "distance"
COST = "cost"
EVIDENCE = "evidence"
SINCE = "since"

# How much a subordinate defers to the boss, on the channel-strength scale:
# the formal line counts as a medium channel, so strong informal advice can outweigh it.
FORMAL_DEFERENCE = 0.5
# A reporting line as a tie (factions, brokerage) and as a path for an introduction.
FORMAL_TIE = 0.5
DEFAULT_SUSCEPTIBILITY = 0.5
# The weakest strength the analyses work with: a file may give any number in (0, 1],
# but below this it is noise, and a subnormal one (5e-324) would overflow 1/strength
# in PageRank and in tie lengths. Weaker strengths count as this.
MIN_STRENGTH = 1e-6


def _strength(value: float) -> float:
    return max(value, MIN_STRENGTH)


def account_graph(account: Account) -> nx.MultiDiGraph:
    """The whole account as one graph: every person, team member and competitor a node.

    Edges: ``person -> boss`` (kind ``reports_to``); each channel ``from -> to``
    (both ways when mutual); ``member -> person`` (``relationship``);
    ``competitor -> person`` (``competitor``).

    >>> from influence_graph.model import parse_account
    >>> a = parse_account({"account": {"id": "x", "name": "X"},
    ...     "people": [{"id": "a", "name": "A"}, {"id": "b", "name": "B", "reports_to": "a"}]})
    >>> sorted(account_graph(a).edges(keys=True, data=KIND))
    [('b', 'a', 0, 'reports_to')]
    """
    graph = nx.MultiDiGraph(account=account.id, name=account.name)
    levels = account.levels()
    dmu = set(account.decision_unit)
    functions = {d.id: d.function or d.id for d in account.departments}
    for p in account.people:
        graph.add_node(
            p.id,
            **{
                SIDE: SIDE_CUSTOMER,
                NAME: p.name,
                TITLE: p.title,
                DEPARTMENT: p.department,
                FUNCTION: functions.get(p.department, p.department),
                LEVEL: levels[p.id],
                ROLES: [r.value for r in p.roles],
                STANCE: p.stance.value if hasattr(p.stance, "value") else p.stance,
                STANCE_VALUE: p.stance_value,
                STANCE_KNOWN: p.stance_known,
                SUSCEPTIBILITY: p.susceptibility if p.susceptibility is not None else DEFAULT_SUSCEPTIBILITY,
                IN_DMU: p.id in dmu,
                TAGS: list(p.tags),
            },
        )
    for m in account.team:
        graph.add_node(m.id, **{SIDE: SIDE_TEAM, NAME: m.name, TITLE: m.title or m.role, LEVEL: m.level})
    for c in account.competitors:
        graph.add_node(c.id, **{SIDE: SIDE_COMPETITOR, NAME: c.name})
    for p in account.people:
        if p.reports_to:
            graph.add_edge(p.id, p.reports_to, **{KIND: KIND_REPORTS_TO, STRENGTH: FORMAL_TIE})
    for ch in account.channels:
        pairs = [(ch.source, ch.target)] + ([(ch.target, ch.source)] if ch.mutual else [])
        for u, v in pairs:
            graph.add_edge(u, v, **{KIND: ch.kind.value, STRENGTH: _strength(ch.strength), EVIDENCE: ch.evidence})
    for r in account.relationships:
        graph.add_edge(r.member, r.person, **{KIND: KIND_RELATIONSHIP, STRENGTH: _strength(r.value), SINCE: r.since})
    for cr in account.competitor_relationships:
        graph.add_edge(cr.competitor, cr.person, **{KIND: KIND_COMPETITOR, STRENGTH: _strength(cr.value)})
    return graph


def is_positive_channel(kind: str) -> bool:
    """Every channel kind but rivalry carries positive influence."""
    return kind not in ("rivalry", KIND_REPORTS_TO, KIND_RELATIONSHIP, KIND_COMPETITOR)


def customer_people(graph: nx.MultiDiGraph) -> list[str]:
    """Customer person ids in file order."""
    return [n for n, side in graph.nodes(data=SIDE) if side == SIDE_CUSTOMER]


def edges_with_data(graph: nx.MultiDiGraph) -> Iterator[tuple[str, str, dict]]:
    """Every edge ``(u, v, data)`` of the account graph, in graph order: what
    ``graph.edges(data=True)`` yields, read straight from the adjacency dicts. The
    analyses scan every edge several times, and NetworkX's edge views cost about
    5 µs an edge (a quarter of a second per scan at 10,000 people; this, a twentieth).

    >>> from influence_graph.model import parse_account
    >>> a = parse_account({"account": {"id": "x", "name": "X"},
    ...     "people": [{"id": "a", "name": "A"}, {"id": "b", "name": "B", "reports_to": "a"}]})
    >>> [(u, v, d[KIND]) for u, v, d in edges_with_data(account_graph(a))]
    [('b', 'a', 'reports_to')]
    """
    return ((u, v, data) for u, nbrs in graph.adjacency() for v, keyed in nbrs.items() for data in keyed.values())


def _strongest_pairs(pairs: Iterable[tuple[str, str, float]], undirected: bool = False) -> dict[tuple[str, str], float]:
    """The largest value per pair, pairs in the order first seen (an undirected pair keyed as
    first seen): a view built from it adds its edges in the order edge-by-edge updates would."""
    best: dict[tuple[str, str], float] = {}
    for u, v, value in pairs:
        pair = (v, u) if undirected and (v, u) in best else (u, v)
        if pair not in best or best[pair] < value:
            best[pair] = value
    return best


def deference_graph(graph: nx.MultiDiGraph) -> nx.DiGraph:
    """Who defers to whom: edge ``listener -> influencer``, ``weight`` summed.

    A positive channel ``a -> b`` (a influences b) gives ``b -> a`` with its
    strength; a reporting line ``s -> boss`` gives ``s -> boss`` with
    ``FORMAL_DEFERENCE``. Rivalry gives nothing. PageRank on this graph is real power.
    """
    people = customer_people(graph)
    view = nx.DiGraph()
    view.add_nodes_from((n, graph.nodes[n]) for n in people)
    weights: dict[tuple[str, str], float] = {}  # summed in edge order, added in the order first seen
    for u, v, data in edges_with_data(graph):
        kind = data[KIND]
        if kind == KIND_REPORTS_TO:
            pair, weight = (u, v), FORMAL_DEFERENCE
        elif is_positive_channel(kind):
            pair, weight = (v, u), data[STRENGTH]
        else:
            continue
        weights[pair] = weights[pair] + weight if pair in weights else weight
    view.add_edges_from((listener, influencer, {WEIGHT: weight}) for (listener, influencer), weight in weights.items())
    return view


def tie_graph(graph: nx.MultiDiGraph) -> nx.Graph:
    """Undirected positive ties between customer people: channels and reporting lines.

    ``weight`` is the strongest tie between the pair, ``distance`` its inverse.
    """
    people = customer_people(graph)
    view = nx.Graph()
    view.add_nodes_from((n, graph.nodes[n]) for n in people)
    strongest = _strongest_pairs(
        ((u, v, data[STRENGTH]) for u, v, data in edges_with_data(graph)
         if data[KIND] == KIND_REPORTS_TO or is_positive_channel(data[KIND])),
        undirected=True,
    )
    view.add_edges_from((u, v, {WEIGHT: s, DISTANCE: 1.0 / s}) for (u, v), s in strongest.items())
    return view


def rivalry_graph(graph: nx.MultiDiGraph) -> nx.Graph:
    """Undirected rivalries between customer people, ``weight`` the strongest."""
    view = nx.Graph()
    view.add_nodes_from(customer_people(graph))
    strongest = _strongest_pairs(
        ((u, v, data[STRENGTH]) for u, v, data in edges_with_data(graph) if data[KIND] == "rivalry"), undirected=True
    )
    view.add_edges_from((u, v, {WEIGHT: s}) for (u, v), s in strongest.items())
    return view


def warm_graph(graph: nx.MultiDiGraph) -> nx.DiGraph:
    """Paths an introduction can travel: team member -> person (our relationships),
    person <-> person (positive channels and reporting lines, both ways: people who
    talk can introduce each other). ``strength`` is the strongest link, ``cost`` its -ln.
    """
    view = nx.DiGraph()
    view.add_nodes_from((n, d) for n, d in graph.nodes(data=True) if d[SIDE] in (SIDE_CUSTOMER, SIDE_TEAM))

    def links():
        for u, v, data in edges_with_data(graph):
            kind = data[KIND]
            if kind == KIND_RELATIONSHIP:
                yield u, v, data[STRENGTH]
            elif kind == KIND_REPORTS_TO or is_positive_channel(kind):
                yield u, v, data[STRENGTH]
                yield v, u, data[STRENGTH]

    view.add_edges_from((u, v, {STRENGTH: s, COST: -math.log(s)}) for (u, v), s in _strongest_pairs(links()).items())
    return view


def warm_links(graph: nx.MultiDiGraph, ties: nx.Graph | None = None) -> dict[str, dict[str, dict[str, float]]]:
    """:func:`warm_graph`'s links as plain adjacency dicts, ``{a: {b: {strength, cost}}}``:
    the same nodes, neighbours in the same order and the same numbers, without building a
    graph (a third of the time at 10,000 people). Its links between people are the tie
    graph's pairs both ways (:func:`tie_graph`, or ``ties`` when the caller has it: the same
    strongest channel or line either way); our team's come from their relationships.
    """
    ties = tie_graph(graph) if ties is None else ties
    adjacency = dict(ties.adjacency())
    links: dict[str, dict[str, dict[str, float]]] = {}
    for node, side in graph.nodes(data=SIDE):
        if side == SIDE_CUSTOMER:
            links[node] = {b: {STRENGTH: d[WEIGHT], COST: -math.log(d[WEIGHT])} for b, d in adjacency[node].items()}
        elif side == SIDE_TEAM:
            strongest = _strongest_pairs((node, person, data[STRENGTH]) for person, keyed in graph.adj[node].items()
                                         for data in keyed.values() if data[KIND] == KIND_RELATIONSHIP)
            links[node] = {person: {STRENGTH: s, COST: -math.log(s)} for (_, person), s in strongest.items()}
    return links


def has_role(graph: nx.MultiDiGraph, node: str, role: Role | str) -> bool:
    value = role.value if isinstance(role, Role) else role
    return value in (graph.nodes[node].get(ROLES) or [])
