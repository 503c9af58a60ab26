"""Real power vs. formal position (DESIGN §4): influence, brokerage, formal
position, the power ranking, and hidden power holders / figureheads with reasons.
"""
from __future__ import annotations

import bisect
import math
from collections.abc import Hashable, Mapping
from fractions import Fraction

import networkx as nx

from .. import graph as g
from . import _igraph, wording

# Above this many people brokerage runs in igraph (C); below, in NetworkX.
COMPILED_THRESHOLD = 40
# Tie lengths are read as fractions with denominators up to this (strengths with up to 6 decimals).
_MAX_DENOMINATOR = 10**6
PAGERANK_DAMPING = 0.85
# A rounding step in the influence ranks, so float noise in PageRank is a tie.
_RANK_DIGITS = 12
CATEGORIES = ("hidden_power", "figurehead", "aligned", "peripheral")  # what classify_power answers
SENIOR_LEVEL = 2  # a "senior title": level 1 or 2
TOP_LEVEL, BOTTOM_LEVEL = 1, 6


def influence(deference: nx.DiGraph) -> dict[str, float]:
    """Real power: weighted PageRank over "defers to" edges (``listener -> influencer``,
    attribute ``weight``), damping 0.85. Scores sum to 1; deterministic.

    >>> d = nx.DiGraph([("a", "c"), ("b", "c")])
    >>> nx.set_edge_attributes(d, 1.0, "weight")
    >>> max(influence(d).items(), key=lambda kv: kv[1])[0]
    'c'
    """
    if len(deference) == 0:
        return {}
    return nx.pagerank(deference, alpha=PAGERANK_DAMPING, weight=g.WEIGHT)


def _exact_lengths(ties: nx.Graph) -> nx.Graph:
    """The tie graph with each length as an exact fraction: strengths people type
    are decimals (0.7), so 1/strength is read back as 10/7 and equally long paths
    add up to exactly equal lengths (in floats 1/0.15 + 1/0.5 + 1/0.75 is
    10.000000000000002, not 10)."""
    exact = nx.Graph()
    exact.add_nodes_from(ties)
    exact.add_edges_from(
        (u, v, {g.DISTANCE: Fraction(d).limit_denominator(_MAX_DENOMINATOR)}) for u, v, d in ties.edges(data=g.DISTANCE)
    )
    return exact


def brokerage(ties: nx.Graph, compiled: bool | None = None) -> dict[str, float]:
    """Brokerage: normalized betweenness over tie lengths (attribute ``distance``,
    1/strength), i.e. the share of shortest paths between other people that run
    through each person. Undirected; in [0, 1].

    ``compiled`` picks the backend: igraph (True) or NetworkX (False); by default
    igraph above ``COMPILED_THRESHOLD`` people. Both count equally long paths as
    ties although float sums differ in the last digit: NetworkX here adds exact
    fractions, igraph compares lengths with a relative tolerance of 1e-10.

    >>> kite = nx.krackhardt_kite_graph()
    >>> nx.set_edge_attributes(kite, 1.0, "distance")
    >>> max(brokerage(kite).items(), key=lambda kv: kv[1])[0]  # Heather
    7
    """
    n = len(ties)
    if ties.number_of_edges() == 0 or n < 3:
        return {node: 0.0 for node in ties}
    if compiled is None:
        compiled = n > COMPILED_THRESHOLD
    if not compiled:
        exact = nx.betweenness_centrality(_exact_lengths(ties), weight=g.DISTANCE, normalized=True)
        return {node: float(value) for node, value in exact.items()}
    # igraph counts each unordered pair once; NetworkX's normalization is per ordered pair.
    scale = 2.0 / ((n - 1) * (n - 2))
    return {node: value * scale for node, value in _igraph.betweenness(ties, g.DISTANCE).items()}


def _reports(graph: nx.MultiDiGraph) -> dict[str, str]:
    """Each person's boss."""
    return {u: v for u, v, kind in graph.edges(data=g.KIND) if kind == g.KIND_REPORTS_TO}


def _subtree_sizes(graph: nx.MultiDiGraph, people: list[str]) -> dict[str, int]:
    """How many people sit anywhere below each person in the reporting tree."""
    boss_of = _reports(graph)
    below = dict.fromkeys(people, 0)
    for person in people:
        boss, seen = boss_of.get(person), {person}
        while boss is not None and boss not in seen:  # `seen` guards against a cycle
            below[boss] += 1
            seen.add(boss)
            boss = boss_of.get(boss)
    return below


def formal_position(graph: nx.MultiDiGraph) -> dict[str, float]:
    """Formal position in [0, 1] from the hierarchy alone: the mean of the level
    score ((6 - level) / 5: level 1 is 1, level 6 is 0) and the span score
    (log(1 + people below) / log(people in the account): 1 for whoever has
    everyone below them, 0 with no one below).

    >>> from influence_graph.model import parse_account
    >>> a = parse_account({"account": {"id": "x", "name": "X"}, "people": [
    ...     {"id": "ceo", "name": "C"}, {"id": "vp", "name": "V", "reports_to": "ceo"},
    ...     {"id": "ic", "name": "I", "reports_to": "vp"}]})
    >>> {k: round(v, 3) for k, v in formal_position(g.account_graph(a)).items()}
    {'ceo': 1.0, 'vp': 0.715, 'ic': 0.3}
    """
    people = g.customer_people(graph)
    below = _subtree_sizes(graph, people)
    span_scale = math.log(len(people)) if len(people) > 1 else 1.0
    scores = {}
    for person in people:
        level_score = (BOTTOM_LEVEL - graph.nodes[person][g.LEVEL]) / (BOTTOM_LEVEL - TOP_LEVEL)
        scores[person] = (level_score + math.log1p(below[person]) / span_scale) / 2
    return scores


def power_ranking(power: Mapping[str, float], broker: Mapping[str, float]) -> list[str]:
    """People by real influence, strongest first; ties by brokerage, then id.

    >>> power_ranking({"a": 0.2, "b": 0.4, "c": 0.2}, {"a": 0.0, "b": 0.0, "c": 0.1})
    ['b', 'c', 'a']
    """
    return sorted(power, key=lambda p: (-round(power[p], _RANK_DIGITS), -broker.get(p, 0.0), p))


def _share_outranked(values: Mapping[Hashable, float]) -> dict[Hashable, float]:
    """For each item, the share of the others that score strictly higher, counting
    equal scores as half (mid-rank): 0 for the top, 1 for the bottom, 0.5 for
    everyone when all are equal, so a level most people share is neither half."""
    ordered = sorted(values.values())
    count = len(ordered)
    if count < 2:
        return dict.fromkeys(values, 0.0)
    out = {}
    for key, value in values.items():
        lower = bisect.bisect_left(ordered, value)
        equal = bisect.bisect_right(ordered, value) - lower
        higher = count - lower - equal
        out[key] = (higher + 0.5 * (equal - 1)) / (count - 1)
    return out


def followers(graph: nx.MultiDiGraph) -> dict[str, set[str]]:
    """For each customer person, the people who turn to them: who they influence
    through a positive channel (reporting lines excluded)."""
    people = g.customer_people(graph)
    turn_to: dict[str, set[str]] = {p: set() for p in people}
    for u, v, kind in graph.edges(data=g.KIND):
        if g.is_positive_channel(kind) and u in turn_to and v in turn_to:
            turn_to[u].add(v)
    return turn_to


def _turning(count: int, colleagues: int, only: bool = False) -> str:
    if count == 0:
        return "no one turns to them"
    verb = "turns" if count == 1 else "turn"
    return f"{'only ' if only else ''}{count} of {colleagues} colleagues {verb} to them"


class _Standing:
    """What the reasons cite about the people of one account: influence ranks,
    places in the power ranking, levels, followers, bosses."""

    def __init__(self, graph: nx.MultiDiGraph, power: Mapping[str, float], ranking: list[str]):
        self.graph = graph
        self.people = g.customer_people(graph)
        rounded = {p: round(power[p], _RANK_DIGITS) for p in self.people}
        ordered = sorted(rounded.values())
        # Rank 1 + the number strictly more influential, so equal scores share a rank (for the rules) …
        self.rank = {p: len(ordered) - bisect.bisect_right(ordered, rounded[p]) + 1 for p in self.people}
        # … while the reasons cite the place in the power ranking, as every table shows it.
        self.place = {p: i for i, p in enumerate(ranking, start=1)}
        self.level = {p: graph.nodes[p][g.LEVEL] for p in self.people}
        self.followers = followers(graph)
        self.boss = _reports(graph)

    def ranked(self, person: str) -> str:
        return f"ranked #{self.place[person]} of {len(self.people)} by real influence"

    def level_text(self, person: str) -> str:
        title = self.graph.nodes[person].get(g.TITLE)
        return f"level {self.level[person]}" + (f" ({title})" if title else "")

    def turning(self, person: str, only: bool = False) -> str:
        return _turning(len(self.followers[person]), len(self.people) - 1, only)

    def hidden_power_reasons(self, person: str) -> list[str]:
        seniors = sorted((p for p in self.followers[person] if self.level[p] < self.level[person]), key=lambda p: (self.level[p], p))
        reasons = [f"{self.ranked(person)} but {self.level_text(person)}"]
        reasons += [f"consulted by {wording.labels(self.graph, seniors, limit=3)}"] if seniors else []
        return reasons + [self.turning(person)]

    def figurehead_reasons(self, person: str) -> list[str]:
        turning = self.turning(person, only=True)
        if person in self.boss:
            turning = f"reports to {wording.label(self.graph, self.boss[person])} but {turning}"
        reasons = [f"{self.level_text(person)} but {self.ranked(person)}", turning]
        peer_ranks = sorted(self.place[p] for p in self.people if self.level[p] == self.level[person] and p != person)
        if peer_ranks and peer_ranks[0] < self.place[person]:
            reasons.append(f"the other level-{self.level[person]} people rank {wording.join(f'#{r}' for r in peer_ranks)}")
        return reasons

    def plain_reasons(self, person: str) -> list[str]:
        return [f"{self.ranked(person)}, {self.level_text(person)}", self.turning(person)]


def classify_power(
    graph: nx.MultiDiGraph,
    power: Mapping[str, float],
    formal: Mapping[str, float],
    ranking: list[str] | None = None,
) -> dict[str, tuple[str, list[str]]]:
    """Each customer person's category with reasons a seller can check; the reasons
    cite places in ``ranking`` (:func:`power_ranking`; by default by influence alone).

    - ``hidden_power``: top quarter by influence (fewer than a quarter of the people
      are more influential) while in the bottom half by formal position.
    - ``figurehead``: a senior title (level <= 2) in the top half by level or by
      formal position, but the bottom half by influence.
    - ``peripheral``: otherwise in the bottom half by influence; ``aligned``: the rest.

    "By level" is read as by formal position (level, refined by the size of the
    reporting subtree), and halves use mid-ranks: equal scores count half above
    and half below. So a level most people share is in neither half, and a flat
    or unknown hierarchy yields no hidden power and no figureheads, rather than
    everyone.

    >>> from influence_graph.model import parse_account
    >>> a = parse_account({"account": {"id": "x", "name": "X"}, "people": [
    ...     {"id": "ceo", "name": "Ceo"}, {"id": "vp", "name": "Vp", "reports_to": "ceo"},
    ...     {"id": "m1", "name": "M1", "reports_to": "vp"}, {"id": "m2", "name": "M2", "reports_to": "vp"},
    ...     {"id": "m3", "name": "M3", "reports_to": "vp"}],
    ...     "channels": [{"from": "m1", "to": p, "kind": "advice", "strength": 1} for p in ("ceo", "m2", "m3")]})
    >>> whole = g.account_graph(a)
    >>> result = classify_power(whole, influence(g.deference_graph(whole)), formal_position(whole))
    >>> result["m1"]
    ('hidden_power', ['ranked #1 of 5 by real influence but level 3', 'consulted by Ceo', '3 of 4 colleagues turn to them'])
    """
    standing = _Standing(graph, power, ranking or power_ranking(power, {}))
    people = standing.people
    influence_share = _share_outranked({p: round(power[p], _RANK_DIGITS) for p in people})
    formal_share = _share_outranked({p: round(formal[p], _RANK_DIGITS) for p in people})
    level_share = _share_outranked({p: -standing.level[p] for p in people})
    out = {}
    for person in people:
        if standing.rank[person] - 1 < len(people) / 4 and formal_share[person] > 0.5:
            out[person] = ("hidden_power", standing.hidden_power_reasons(person))
        elif (
            standing.level[person] <= SENIOR_LEVEL
            and min(level_share[person], formal_share[person]) < 0.5
            and influence_share[person] > 0.5
        ):
            out[person] = ("figurehead", standing.figurehead_reasons(person))
        else:
            category = "peripheral" if influence_share[person] > 0.5 else "aligned"
            out[person] = (category, standing.plain_reasons(person))
    return out
