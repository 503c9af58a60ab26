"""Real power vs. formal position (DESIGN §4): influence, brokerage, formal
position, the power ranking, and hidden power holders / figureheads with reasons.

Influence is social power in the forecast's own Friedkin–Johnsen model
(:mod:`~influence_graph.analysis.opinion`); :func:`pagerank` is kept as the
reference it is compared with (README, "Influence: social power vs PageRank").
"""
from __future__ import annotations

import bisect
import math
from collections.abc import Hashable, Mapping

import networkx as nx

from .. import graph as g
from . import wording
from .opinion import OpinionModel

PAGERANK_DAMPING = 0.85  # the reference measure's damping (pagerank)
# Power comes from an iterative solve (relative residual 1e-12): scores this close
# (relative) are equal, so noise in the last digits never decides a rank.
_TIE_RTOL = 1e-9
_TIE_ATOL = 1e-15
CATEGORIES = ("hidden_power", "figurehead", "aligned", "peripheral")  # what classify_power answers
SENIOR_LEVEL = 2  # a "senior title": level 1 or 2
TOP_LEVEL, BOTTOM_LEVEL = 1, 6
TOP_POWER_HOLDERS = 5  # "the top power holders": key people, and consulting one is power
MIN_PEOPLE = 5  # fewer people than this: no hidden power or figureheads (nothing to compare with)
FLAG_SHARE, FLAG_MIN = 0.02, 3  # at most max(FLAG_MIN, FLAG_SHARE of the people) of each flag


def influence(deference: nx.DiGraph, model: OpinionModel | None = None) -> dict[str, float]:
    """Real power: each person's social power in the forecast's Friedkin–Johnsen
    model (the column means of ``V = (I − ΛW)⁻¹(I − Λ)``) over "defers to" edges
    (``listener -> influencer``, attribute ``weight``). Scores sum to 1; deterministic.
    ``model`` is the :class:`OpinionModel` of ``deference`` when the caller has it.

    Each listener keeps ``1 − λ`` of their own view, so power does not pass
    wholesale up a reporting line: three people consult the deputy, who reports
    to a boss who reports to the CEO. PageRank hands the deputy's standing to the
    boss; social power leaves it with the deputy.

    >>> d = nx.DiGraph([("a", "deputy"), ("b", "deputy"), ("c", "deputy"), ("x", "ceo"), ("y", "ceo")])
    >>> nx.set_edge_attributes(d, 1.0, "weight")
    >>> d.add_weighted_edges_from([("deputy", "boss", 0.5), ("boss", "ceo", 0.5)])
    >>> def top3(scores): return sorted(scores, key=scores.get, reverse=True)[:3]
    >>> top3(influence(d)), top3(pagerank(d))
    (['ceo', 'deputy', 'boss'], ['ceo', 'boss', 'deputy'])
    """
    model = model or OpinionModel(deference)
    return dict(zip(model.people, (float(v) for v in model.social_power())))


def pagerank(deference: nx.DiGraph) -> dict[str, float]:
    """Weighted PageRank over the same "defers to" edges, damping 0.85: the measure
    real power used to be, kept as the reference it is compared with. Sums to 1."""
    if len(deference) == 0:
        return {}
    return nx.pagerank(deference, alpha=PAGERANK_DAMPING, weight=g.WEIGHT)


def tie_levels(values: Mapping[Hashable, float]) -> dict[Hashable, float]:
    """Each value replaced by the top of its run of near-equal values (relative
    ``_TIE_RTOL``), so equal scores from a solver compare equal.

    >>> tie_levels({"a": 0.3, "b": 0.3 + 1e-14, "c": 0.2})
    {'b': 0.30000000000001, 'a': 0.30000000000001, 'c': 0.2}
    """
    level, previous, out = 0.0, None, {}
    for key in sorted(values, key=values.__getitem__, reverse=True):
        value = values[key]
        if previous is None or not math.isclose(value, previous, rel_tol=_TIE_RTOL, abs_tol=_TIE_ATOL):
            level = value
        out[key], previous = level, value
    return out


def _reports(graph: nx.MultiDiGraph) -> dict[str, str]:
    """Each person's boss."""
    return {u: v for u, v, data in g.edges_with_data(graph) if data[g.KIND] == g.KIND_REPORTS_TO}


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
    """People by real influence, strongest first; ties (:func:`tie_levels`) by
    brokerage, then id.

    >>> power_ranking({"a": 0.2, "b": 0.4, "c": 0.2 * (1 + 1e-12)}, {"a": 0.0, "b": 0.0, "c": 0.1})
    ['b', 'c', 'a']
    """
    level, broker_level = tie_levels(power), tie_levels(broker)
    return sorted(power, key=lambda p: (-level[p], -broker_level.get(p, 0.0), p))


def share_outranked(values: Mapping[Hashable, float]) -> dict[Hashable, float]:
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
    for u, v, data in g.edges_with_data(graph):
        if g.is_positive_channel(data[g.KIND]) and u in turn_to and v in turn_to:
            turn_to[u].add(v)
    return turn_to


def top_power_holders(people: int) -> int:
    """How many of the power ranking count as "the top power holders" when judging
    who else has power through them: ``TOP_POWER_HOLDERS``, or the top quarter of a
    small account (of six people, two: not five).

    >>> [top_power_holders(n) for n in (6, 12, 35, 1000)]
    [2, 3, 5, 5]
    """
    return min(TOP_POWER_HOLDERS, math.ceil(people / 4))


def flag_limit(people: int) -> int:
    """How many hidden power holders (and, separately, figureheads) an account of
    this size may flag: ``max(3, 2 % of the people)``.

    >>> [flag_limit(n) for n in (12, 150, 1000)]
    [3, 3, 20]
    """
    return max(FLAG_MIN, math.floor(FLAG_SHARE * people))


def _turning(count: int, colleagues: int) -> str:
    if count == 0:
        return "no one turns to them"
    verb = "turns" if count == 1 else "turn"
    return f"{count} of {colleagues} colleagues {verb} to them"


class _Standing:
    """What the rules and reasons use about the people of one account: influence
    levels and shares, places in the power ranking, levels, followers, bosses."""

    def __init__(self, graph: nx.MultiDiGraph, power: Mapping[str, float], ranking: list[str]):
        self.graph = graph
        self.people = g.customer_people(graph)
        levels = tie_levels({p: power[p] for p in self.people})
        ordered = sorted(levels.values())
        # Rank 1 + the number strictly more influential, so equal scores share a rank (for the rules) …
        self.rank = {p: len(ordered) - bisect.bisect_right(ordered, levels[p]) + 1 for p in self.people}
        self.influence_share = share_outranked(levels)
        # … while the reasons cite the place in the power ranking, as every table shows it.
        self.place = {p: i for i, p in enumerate(ranking, start=1)}
        self.top_holders = set(ranking[: top_power_holders(len(ranking))])
        self.level = {p: graph.nodes[p][g.LEVEL] for p in self.people}
        self.followers = followers(graph)
        self.boss = _reports(graph)

    def by_place(self, people) -> list[str]:
        return sorted(people, key=lambda p: self.place.get(p, len(self.place) + 1))

    def ranked(self, person: str) -> str:
        return f"ranked #{self.place[person]} of {len(self.people)} by real influence"

    def level_text(self, person: str) -> str:
        title = self.graph.nodes[person].get(g.TITLE)
        return f"level {self.level[person]}" + (f" ({title})" if title else "")

    def turning(self, person: str) -> str:
        return _turning(len(self.followers[person]), len(self.people) - 1)

    def consulted_by_top(self, person: str) -> list[str]:
        """The top power holders who consult ``person``, strongest first."""
        return self.by_place(self.followers[person] & self.top_holders)

    def hidden_power_reasons(self, person: str) -> list[str]:
        seniors = sorted((p for p in self.followers[person] if self.level[p] < self.level[person]), key=lambda p: (self.level[p], p))
        reasons = [f"{self.ranked(person)} but {self.level_text(person)}"]
        reasons += [f"consulted by {wording.labels(self.graph, seniors, limit=3)}"] if seniors else []
        return reasons + [self.turning(person)]

    def consulting(self, person: str) -> str:
        """Who turns to ``person``, by name: "only Zhou Jie (Engineering Manager) consults them"."""
        turn_to = self.by_place(self.followers[person])
        if not turn_to:
            return "no one turns to them"
        verb = "consults" if len(turn_to) == 1 else "consult"
        if len(turn_to) <= 3:
            return f"only {wording.labels(self.graph, turn_to)} {verb} them"
        return f"only {len(turn_to)} of {len(self.people) - 1} colleagues consult them: {wording.labels(self.graph, turn_to, limit=3)}"

    def figurehead_reasons(self, person: str) -> list[str]:
        consulting = self.consulting(person)
        if person in self.boss:
            consulting = f"reports to {wording.label(self.graph, self.boss[person])} but {consulting}"
        reasons = [f"{self.level_text(person)} but {self.ranked(person)}", consulting]
        peer_ranks = sorted(self.place[p] for p in self.people if self.level[p] == self.level[person] and p != person)
        if peer_ranks and peer_ranks[0] < self.place[person]:
            reasons.append(f"the other level-{self.level[person]} people rank {wording.join(f'#{r}' for r in peer_ranks)}")
        return reasons

    def plain_reasons(self, person: str) -> list[str]:
        return [f"{self.ranked(person)}, {self.level_text(person)}", self.turning(person)]

    def advises_the_top(self, person: str) -> str:
        """Why a senior title with little power of their own is no figurehead."""
        top = self.consulted_by_top(person)
        holder = "one of the top power holders" if len(top) == 1 else "top power holders"
        return f"but consulted by {wording.labels(self.graph, top, limit=3)}, {holder}: their word carries weight"


class PowerCategories(dict):
    """``{person: (category, reasons)}``, with the flagged people in order:
    ``hidden`` and ``figureheads``, largest gap between power and position first."""

    hidden: list[str]
    figureheads: list[str]


def classify_power(
    graph: nx.MultiDiGraph,
    power: Mapping[str, float],
    formal: Mapping[str, float],
    ranking: list[str] | None = None,
) -> PowerCategories:
    """Each customer person's category with reasons a seller can check; the reasons
    cite places in ``ranking`` (:func:`power_ranking`; by default by influence alone).

    - ``hidden_power``: top quarter by influence (fewer than a quarter of the people
      are more influential) while in the bottom half by formal position;
    - ``figurehead``: a senior title (level <= 2) in the top half by level or by
      formal position, but the bottom half by influence, and consulted by none of
      the top power holders (:func:`top_power_holders`: being their adviser is power);
    - ``peripheral``: otherwise in the bottom half by influence; ``aligned``: the rest.

    Each flag keeps only the largest gaps between influence and formal position
    (shares of the others ranked above: 0 top, 1 bottom), at most :func:`flag_limit`
    people, so a large account flags a handful, not dozens; the rest fall back to
    ``aligned`` / ``peripheral``. Accounts under ``MIN_PEOPLE`` people get no flags.

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
    influence_share = standing.influence_share
    formal_share = share_outranked(tie_levels({p: formal[p] for p in people}))
    level_share = share_outranked({p: -standing.level[p] for p in people})
    hidden, figureheads, advisers = [], [], set()
    if len(people) >= MIN_PEOPLE:
        for person in people:
            position = min(level_share[person], formal_share[person])
            if standing.rank[person] - 1 < len(people) / 4 and formal_share[person] > 0.5:
                hidden.append((influence_share[person] - formal_share[person], person))
            elif standing.level[person] <= SENIOR_LEVEL and position < 0.5 and influence_share[person] > 0.5:
                if standing.consulted_by_top(person):
                    advisers.add(person)
                else:
                    figureheads.append((position - influence_share[person], person))
    limit = flag_limit(len(people))
    # Largest gap first (most negative difference); equal gaps by place in the ranking.
    out = PowerCategories()
    out.hidden = [p for _, p in sorted(hidden, key=lambda t: (t[0], standing.place[t[1]]))[:limit]]
    out.figureheads = [p for _, p in sorted(figureheads, key=lambda t: (t[0], -standing.place[t[1]]))[:limit]]
    flagged = dict.fromkeys(out.hidden, "hidden_power") | dict.fromkeys(out.figureheads, "figurehead")
    for person in people:
        category = flagged.get(person)
        if category == "hidden_power":
            out[person] = (category, standing.hidden_power_reasons(person))
        elif category == "figurehead":
            out[person] = (category, standing.figurehead_reasons(person))
        else:
            category = "peripheral" if influence_share[person] > 0.5 else "aligned"
            reasons = standing.plain_reasons(person)
            if person in advisers:
                reasons.append(standing.advises_the_top(person))
            if len(people) < MIN_PEOPLE:
                reasons.append(f"too few people mapped to compare power with position (under {MIN_PEOPLE})")
            out[person] = (category, reasons)
    return out
