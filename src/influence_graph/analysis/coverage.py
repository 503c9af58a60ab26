"""Coverage: how close our team is to each person, warm paths to the uncovered, relationship depth.

A relationship of at least zipper (2/3, familiar) counts as coverage; a clip
(1/3, transactional) is a contact, not coverage.
"""
from __future__ import annotations

import heapq
import math
import re
from collections.abc import Iterable, Mapping

import networkx as nx

from .. import graph as g
from . import wording as say
from ._shared import ZIPPER, positions, strongest, team_members, team_ties
from .power import power_ranking

# Relationship depth (DESIGN §4). Counts are over relationships of at least zipper.
PARTNER_MIN_FUNCTIONS = 2  # customer functions (department functions) we are close to
PARTNER_MIN_LEVELS = 2  # customer levels we are close to
PARTNER_MIN_MEMBERS = 2  # our people holding those relationships (not single-threaded)
STRATEGIC_FUNCTION_SHARE = 0.5  # more than this share of the customer's functions
EXECUTIVE_LEVEL = 2  # level 1-2 is executive, on both sides
EXECUTIVE_TITLE = re.compile(
    r"\b(ceo|cfo|cto|coo|cio|cmo|chief|president|vp|svp|evp|vice president|(?<!account )executive|"
    r"sponsor|general manager|managing director|founder|board)\b"
)
PURCHASING_FUNCTIONS = ("procurement", "purchasing", "sourcing", "supply")


def coverage_by_person(graph: nx.MultiDiGraph, known: dict[str, dict[str, float]] | None = None) -> dict[str, float]:
    """The strongest relationship anyone on our team has with each customer person (0 when none).

    >>> from influence_graph.model import parse_account
    >>> a = parse_account({"account": {"id": "x", "name": "X"},
    ...     "people": [{"id": "p", "name": "P"}, {"id": "q", "name": "Q"}],
    ...     "team": [{"id": "m", "name": "M"}, {"id": "n", "name": "N"}],
    ...     "relationships": [{"member": "m", "person": "p", "strength": "clip"},
    ...                       {"member": "n", "person": "p", "strength": 0.8}]})
    >>> coverage_by_person(g.account_graph(a))
    {'p': 0.8, 'q': 0.0}
    """
    ties = team_ties(graph) if known is None else known
    return {pid: strongest(ties.get(pid, {}))[1] for pid in g.customer_people(graph)}


def closest_members(graph: nx.MultiDiGraph, known: dict[str, dict[str, float]] | None = None) -> dict[str, tuple[str, float]]:
    """Each customer person's closest member of our team and that relationship's
    strength (the first member in team order on equal strength); people nobody knows are left out.

    >>> from influence_graph.model import parse_account
    >>> a = parse_account({"account": {"id": "x", "name": "X"},
    ...     "people": [{"id": "p", "name": "P"}, {"id": "q", "name": "Q"}],
    ...     "team": [{"id": "m", "name": "M"}, {"id": "n", "name": "N"}],
    ...     "relationships": [{"member": "n", "person": "p", "strength": 0.8},
    ...                       {"member": "m", "person": "p", "strength": 0.8}]})
    >>> closest_members(g.account_graph(a))
    {'p': ('m', 0.8)}
    """
    ties = team_ties(graph) if known is None else known
    order = {m: i for i, m in enumerate(team_members(graph))}
    closest = {}
    for pid in g.customer_people(graph):
        known = ties.get(pid)
        if known:
            member = min(known, key=lambda m: (-known[m], order[m]))
            closest[pid] = (member, known[member])
    return closest


# The warm graph (graph.warm_graph) or its links as plain dicts (graph.warm_links): what a walk reads.
Warm = nx.DiGraph | Mapping[str, Mapping[str, Mapping[str, float]]]


def warm_paths(warm: Warm, sources: Iterable[str], targets: Iterable[str]) -> dict[str, list[str]]:
    """Best path from any source to each reachable target: the largest product of strengths.

    One Dijkstra from all sources at once on ``cost = -ln(strength)``. Equal products
    (to 1e-12) prefer fewer hops, then the alphabetically first path, so the answer
    does not depend on edge order.

    >>> w = nx.DiGraph()
    >>> for u, v, s in [("m", "a", 1.0), ("a", "t", 0.5), ("m", "t", 0.4)]:
    ...     w.add_edge(u, v, strength=s, cost=-math.log(s))
    >>> warm_paths(w, ["m"], ["t"])
    {'t': ['m', 'a', 't']}
    """
    wanted = set(targets)
    heap = [(0.0, 0, (s,)) for s in sorted(set(sources))]
    heapq.heapify(heap)
    done: dict[str, tuple[str, ...]] = {}
    left = len(wanted)
    while heap and left:
        cost, hops, path = heapq.heappop(heap)
        node = path[-1]
        if node in done:
            continue
        done[node] = path
        left -= node in wanted
        for nxt, data in warm[node].items():
            if nxt not in done:
                heapq.heappush(heap, (round(cost + data[g.COST], 12), hops + 1, path + (nxt,)))
    return {t: list(done[t]) for t in wanted & done.keys() if len(done[t]) > 1}


def path_strength(warm: Warm, path: list[str]) -> float:
    """Product of the strengths along ``path`` (0 for no path)."""
    if len(path) < 2:
        return 0.0
    return math.prod(warm[u][v][g.STRENGTH] for u, v in zip(path, path[1:]))


# How the reasons say why someone outside the decision unit is a key person.
KEY_WORDING = {
    "top power holder": "one of the top power holders",
    "confirmed coach": "our confirmed coach",
    "coach candidate": "a coach candidate",
    "gatekeeper": "a gatekeeper",
    "open next step": "has an open next step",
}


def uncovered_decision_makers(
    graph: nx.MultiDiGraph,
    key: list[str],
    power: dict[str, float],
    ranking: list[str] | None = None,
    why_key: dict[str, list[str]] | None = None,
    known: dict[str, dict[str, float]] | None = None,
    warm: Warm | None = None,
) -> list[dict]:
    """Key people no one on our team is close to (no relationship of at least zipper),
    each with the best warm introduction path from a team member; ``why_key`` (from
    :func:`~influence_graph.analysis.key_people`) says in the reasons why each one outside
    the decision unit matters. A path never runs through the person it leads to.

    ``path`` runs ``[member, …, person]`` through :func:`~influence_graph.graph.warm_graph`
    (our relationships, positive channels and reporting lines) and maximizes the
    product of strengths, ``path_strength``; ``[]`` and 0 when there is none.
    Order: decision-unit members first, then by influence (most important to fix
    first), then as in ``key``. Reasons cite places in ``ranking`` (the power ranking;
    by default by influence alone).

    >>> from influence_graph.model import parse_account
    >>> a = parse_account({"account": {"id": "x", "name": "X"},
    ...     "people": [{"id": "ceo", "name": "Zhao"}, {"id": "li", "name": "Li", "reports_to": "ceo"}],
    ...     "opportunity": {"name": "Bid", "decision_unit": ["ceo"]},
    ...     "team": [{"id": "m", "name": "M"}],
    ...     "relationships": [{"member": "m", "person": "li", "strength": "velcro"}]})
    >>> [(u["id"], u["path"], u["path_strength"]) for u in
    ...     uncovered_decision_makers(g.account_graph(a), ["ceo", "li"], {"ceo": 0.6, "li": 0.4})]
    [('ceo', ['m', 'li', 'ceo'], 0.5)]
    """
    ties = team_ties(graph) if known is None else known
    uncovered = [pid for pid in dict.fromkeys(key) if strongest(ties.get(pid, {}))[1] < ZIPPER]
    warm = g.warm_graph(graph) if warm is None else warm
    paths = warm_paths(warm, team_members(graph), uncovered)
    rank = positions(ranking or power_ranking(power, {}))
    # list.sort is stable: equally important people stay in the order of ``key``.
    uncovered.sort(key=lambda pid: (not graph.nodes[pid][g.IN_DMU], -power.get(pid, 0.0)))
    result = []
    for pid in uncovered:
        path = paths.get(pid, [])
        strength = path_strength(warm, path)
        result.append(
            {
                "id": pid,
                "path": path,
                "path_strength": round(strength, 6),
                "reasons": _uncovered_reasons(graph, pid, rank, ties.get(pid, {}), path, strength,
                                              (why_key or {}).get(pid, [])),
            }
        )
    return result


def _uncovered_reasons(graph, pid, rank, known, path, strength, why_key) -> list[str]:
    reasons = []
    if graph.nodes[pid][g.IN_DMU]:
        reasons.append("in the decision unit")
    reasons += [KEY_WORDING[why] for why in why_key if why in KEY_WORDING]
    if pid in rank:
        reasons.append(f"{say.ordinal(rank[pid])} of {len(rank)} by influence")
    member, coverage = strongest(known)
    if member:
        reasons.append(f"only a {say.closeness(coverage)} relationship ({say.name(graph, member)})")
    else:
        reasons.append("no one on our team knows them")
    if path:
        steps = say.path(graph, path)
        reasons.append(f"best introduction: {steps} (strength {strength:.2f})")
        against = [n for n in path[1:-1] if graph.nodes[n][g.STANCE_VALUE] < 0]
        if against:
            verb = "is" if len(against) == 1 else "are"
            reasons.append(f"the path goes through {say.names(graph, against)}, who {verb} not on our side: handle with care")
    else:
        reasons.append("no warm path: no one we know is connected to them")
    return reasons


def coverage_matrix(graph: nx.MultiDiGraph, dmu: list[str], known: dict[str, dict[str, float]] | None = None) -> dict[str, dict[str, float]]:
    """``{member: {dmu_member: strength}}`` for every team member × DMU member, 0 where none."""
    ties = team_ties(graph) if known is None else known
    return {m: {d: round(ties.get(d, {}).get(m, 0.0), 6) for d in dmu} for m in team_members(graph)}


def is_executive(graph: nx.MultiDiGraph, node: str) -> bool:
    """Level 1-2, or (our team, often without a level) an executive title or role."""
    data = graph.nodes[node]
    if data.get(g.LEVEL) is not None:
        return data[g.LEVEL] <= EXECUTIVE_LEVEL
    title = (data.get(g.TITLE) or "").lower().replace("_", " ")
    return bool(EXECUTIVE_TITLE.search(title))


def relationship_depth(graph: nx.MultiDiGraph, dmu: list[str], known: dict[str, dict[str, float]] | None = None) -> dict:
    """How deep our relationship with the account is: ``ordinary``, ``partner`` or ``strategic``.

    Counting only relationships of at least zipper:

    - **partner**: at least ``PARTNER_MIN_FUNCTIONS`` customer functions and
      ``PARTNER_MIN_LEVELS`` customer levels, held by at least ``PARTNER_MIN_MEMBERS``
      of our team (several functions and levels on both sides);
    - **strategic**: partner, plus an executive-to-executive relationship (level ≤ 2,
      or an executive title on our side), more than half of the customer's functions,
      and every DMU member covered;
    - **ordinary** otherwise (single-threaded, mostly one function or level).

    Returns ``{tier, reasons, coverage}``; ``reasons`` say why, and what would lift the
    tier. ``coverage`` is the matrix of our team × the DMU (:func:`coverage_matrix`).

    >>> from influence_graph.model import parse_account
    >>> a = parse_account({"account": {"id": "x", "name": "X"},
    ...     "people": [{"id": "p", "name": "P"}], "team": [{"id": "m", "name": "M"}],
    ...     "relationships": [{"member": "m", "person": "p", "strength": "velcro"}]})
    >>> d = relationship_depth(g.account_graph(a), ["p"])
    >>> d["tier"], d["coverage"]
    ('ordinary', {'m': {'p': 1.0}})
    """
    known = team_ties(graph) if known is None else known
    reach = _close_reach(graph, known)
    partner_gaps = _partner_gaps(reach)
    strategic_gaps = _strategic_gaps(graph, reach, dmu)
    reasons = [_depth_facts(graph, reach)]
    if partner_gaps:
        tier = "ordinary"
        reasons += _ordinary_why(graph, reach)
        reasons.append("to reach partner: " + "; ".join(partner_gaps))
    elif strategic_gaps:
        tier = "partner"
        reasons.append("several functions and levels covered by several of our people")
        reasons.append("to reach strategic: " + "; ".join(strategic_gaps))
    else:
        tier = "strategic"
        m, p = reach["executive"][0]
        reasons.append(
            f"executive to executive ({say.label(graph, m)} with {say.label(graph, p)}), "
            "most functions and the whole decision unit covered"
        )
    return {"tier": tier, "reasons": reasons, "coverage": coverage_matrix(graph, dmu, known)}


def _close_reach(graph: nx.MultiDiGraph, known: dict[str, dict[str, float]]) -> dict:
    """Who and what our relationships of at least zipper reach, on both sides."""
    nodes = graph.nodes
    close = [(m, p) for p, members in known.items() for m, s in members.items() if s >= ZIPPER]
    people = sorted({p for _, p in close})
    holders = {m for m, _ in close}
    return {
        "people": people,
        "members": [m for m in team_members(graph) if m in holders],
        "functions": sorted({nodes[p][g.FUNCTION] for p in people if nodes[p].get(g.FUNCTION)}),
        "all_functions": sorted({nodes[p].get(g.FUNCTION) for p in g.customer_people(graph)} - {None}),
        "levels": sorted({nodes[p][g.LEVEL] for p in people}),
        "executive": sorted(
            (m, p) for m, p in close if is_executive(graph, m) and nodes[p][g.LEVEL] <= EXECUTIVE_LEVEL
        ),
    }


def _partner_gaps(reach: dict) -> list[str]:
    gaps = []
    if len(reach["functions"]) < PARTNER_MIN_FUNCTIONS:
        now = len(reach["functions"])
        gaps.append(f"close relationships in at least {PARTNER_MIN_FUNCTIONS} functions (now {now})")
    if len(reach["levels"]) < PARTNER_MIN_LEVELS:
        gaps.append(f"at {PARTNER_MIN_LEVELS} or more levels (now {len(reach['levels'])})")
    if len(reach["members"]) < PARTNER_MIN_MEMBERS:
        gaps.append(f"held by at least {PARTNER_MIN_MEMBERS} of our team (now {len(reach['members'])})")
    return gaps


def _strategic_gaps(graph: nx.MultiDiGraph, reach: dict, dmu: list[str]) -> list[str]:
    gaps = []
    if not reach["executive"]:
        gaps.append("an executive-to-executive relationship")
    covered, total = len(reach["functions"]), len(reach["all_functions"])
    if not total or covered <= STRATEGIC_FUNCTION_SHARE * total:
        gaps.append(f"more than half of the {total} functions (now {covered})")
    covered = set(reach["people"])
    missing = [d for d in dmu if d not in covered]
    if missing or not dmu:
        who = say.labels(graph, missing) if missing else "no decision unit is recorded"
        gaps.append(f"every decision maker covered (missing: {who})")
    return gaps


def _depth_facts(graph: nx.MultiDiGraph, reach: dict) -> str:
    if not reach["people"]:
        return "no one on our team has a relationship of zipper strength or closer"
    functions = reach["functions"]
    where = f"{len(functions)} of {len(reach['all_functions'])} functions"
    where += f" ({', '.join(functions)})" if functions else ""
    return (
        f"close relationships (zipper or closer) with {say.count(len(reach['people']), 'person', 'people')} "
        f"in {where}, at level{'s' if len(reach['levels']) > 1 else ''} {say.join(map(str, reach['levels']))}, "
        f"held by {say.names(graph, reach['members'])}"
    )


def _ordinary_why(graph: nx.MultiDiGraph, reach: dict) -> list[str]:
    people, members = reach["people"], reach["members"]
    why = []
    if len(members) == 1:
        why.append(f"single-threaded: only {say.name(graph, members[0])} holds our close relationships")
    functions = [graph.nodes[p].get(g.FUNCTION) or "" for p in people]
    purchasing = [f for f in functions if any(word in f.lower() for word in PURCHASING_FUNCTIONS)]
    if people and 2 * len(purchasing) > len(people):
        why.append("mostly at the purchasing level")
    return why
