"""Coach candidates (DESIGN §4): insiders likely to guide us through the decision.

A coach needs three things at once (the sales methodologies that coined the word):

- **credibility with the customer** (``customer``): access to the decision unit
  times their own standing. Access is 1 inside the unit, else
  ``1 − ∏(1 − s)`` over their positive ties of strength ``s`` to its members
  (by brokerage alone when no unit is recorded); standing is the larger of their
  influence and brokerage percentiles; ``customer = access · (1 + standing) / 2``;
- **credibility with us** (``us``): the strongest relationship anyone on our
  team has with them (clip 1/3, zipper 2/3, velcro 1), ``UNKNOWN_TO_US`` with none;
- **wanting us to win** (``favour``): their stance clipped at 0 (champion 1,
  supporter 0.5; neutral, unknown or against us 0).

The score is the geometric mean of the three parts, ``(customer · us · favour)^⅓``:
a conjunction, so a friendly junior with no access to the decision unit, or a
well-placed insider who is against us, scores 0 however strong the rest. The
reasons name the weakest part. :func:`coach_scores` is the formula on arrays,
which the confidence analysis re-runs on re-drawn stances and power.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

import networkx as nx
import numpy as np

from .. import graph as g
from . import wording as say
from ._shared import ZIPPER, competitor_ties, positions, strongest, team_ties, top_count
from .power import power_ranking, share_outranked, tie_levels

UNKNOWN_TO_US = 0.2  # "credibility with us" with no relationship yet: below a clip (1/3)
TOP_SHARE = 0.10  # "top 10% by influence / brokerage"
QUARTER = 0.25
MAX_CANDIDATES = 10  # unconfirmed candidates listed (confirmed coaches always are)
PARTS = ("customer", "us", "favour")  # the three conditions, in the order reasons weigh ties
_DIGITS = 6


@dataclass(frozen=True)
class CoachParts:
    """What every customer person's coach score is made of, as arrays over ``people``:
    the parts the confidence analysis holds fixed (``access``, ``broker_standing``,
    ``us``, ``confirmed``) and the ones it re-draws (from influence and stance)."""

    people: list[str]
    access: np.ndarray
    influence_standing: np.ndarray
    broker_standing: np.ndarray
    us: np.ndarray
    favour: np.ndarray
    confirmed: np.ndarray

    @property
    def customer(self) -> np.ndarray:
        return customer_credibility(self.access, self.influence_standing, self.broker_standing)

    @property
    def scores(self) -> np.ndarray:
        return coach_scores(self.customer, self.us, self.favour)


class CoachAnswer(NamedTuple):
    """``candidates``: ``[{id, score, reasons, confirmed, parts}]`` best first (confirmed
    coaches first); ``scores``: ``{person: coach_score}``; ``parts``: :class:`CoachParts`."""

    candidates: list[dict]
    scores: dict[str, float]
    parts: CoachParts


def customer_credibility(access, influence_standing, broker_standing):
    """``access · (1 + max(influence, brokerage standing)) / 2`` (arrays broadcast).

    >>> float(customer_credibility(1.0, 0.5, 0.9)), float(customer_credibility(0.0, 1.0, 1.0))
    (0.95, 0.0)
    """
    return np.asarray(access) * (1.0 + np.maximum(influence_standing, broker_standing)) / 2.0


def coach_scores(customer, us, favour):
    """The conjunction: the geometric mean of the three parts (arrays broadcast).

    >>> [round(float(s), 4) for s in coach_scores(np.array([1.0, 0.9, 0.9]), np.array([1.0, 1.0, 1.0]),
    ...                                           np.array([1.0, 0.5, 0.0]))]
    [1.0, 0.7663, 0.0]
    """
    return np.cbrt(np.asarray(customer) * np.asarray(us) * np.asarray(favour))


def standing(values: dict[str, float], people: list[str]) -> np.ndarray:
    """Each person's percentile (1 − the share of the others ranked above, mid-ranks)."""
    share = share_outranked(tie_levels({p: values.get(p, 0.0) for p in people}))
    return np.array([1.0 - share[p] for p in people])


def coach_candidates(
    graph: nx.MultiDiGraph, power: dict[str, float], broker: dict[str, float], dmu: list[str],
    ties: nx.Graph | None = None, known: dict[str, dict[str, float]] | None = None,
) -> CoachAnswer:
    """People likely to guide us, ranked, with every customer person's ``coach_score``
    and its parts (the module docstring gives the formula).

    A candidate scores above 0 (or is a confirmed coach: role ``coach``, always listed,
    first). The list holds the confirmed coaches and the best ``MAX_CANDIDATES`` others,
    best first; each carries its ``parts`` (``customer``, ``us``, ``favour``) and
    reasons that end with the weakest part. Closeness to a competitor is named.
    ``ties`` (the tie graph) and ``known`` (:func:`~._shared.team_ties`) are
    taken when the caller has them.

    >>> from influence_graph.model import parse_account
    >>> a = parse_account({"account": {"id": "x", "name": "X"}, "people": [
    ...     {"id": "ceo", "name": "Zhao", "roles": ["decision_maker"]},
    ...     {"id": "li", "name": "Li", "stance": "champion"}],
    ...     "channels": [{"from": "li", "to": "ceo", "kind": "advice"}]})
    >>> answer = coach_candidates(g.account_graph(a), {"ceo": 0.6, "li": 0.4}, {}, ["ceo"])
    >>> answer.candidates[0]["id"], answer.candidates[0]["parts"], answer.scores["ceo"]
    ('li', {'customer': 0.375, 'us': 0.2, 'favour': 1.0}, 0.0)
    >>> answer.candidates[0]["reasons"]
    ['champion', 'no relationship with our team yet', 'advises 1 of 1 decision maker', 'weakest: no relationship with our team yet']
    """
    ties = g.tie_graph(graph) if ties is None else ties
    known = team_ties(graph) if known is None else known
    adjacency = dict(ties.adjacency())  # the plain dicts: no view per look-up
    people = g.customer_people(graph)
    members = set(dmu)
    top_broker = max(broker.values(), default=0.0) or 1.0
    parts = CoachParts(
        people=people,
        access=np.array([_access(adjacency[pid], pid, members, broker.get(pid, 0.0) / top_broker) for pid in people]),
        influence_standing=standing(power, people),
        broker_standing=standing(broker, people),
        us=np.array([strongest(known.get(pid, {}))[1] or UNKNOWN_TO_US for pid in people]),
        favour=np.array([max(graph.nodes[pid][g.STANCE_VALUE], 0.0) for pid in people]),
        confirmed=np.array([g.has_role(graph, pid, "coach") for pid in people], dtype=bool),
    )
    customer, scores = parts.customer, parts.scores
    context = {
        "dmu": members,
        "power_rank": positions(power_ranking(power, broker)),
        "broker_rank": positions(power_ranking(broker, power)),
    }
    found = []
    for i, pid in enumerate(people):
        if scores[i] <= 0 and not parts.confirmed[i]:
            continue
        values = {"customer": float(customer[i]), "us": float(parts.us[i]), "favour": float(parts.favour[i])}
        facts = _facts(graph, ties, known.get(pid, {}), pid, broker, context)
        found.append({
            "id": pid,
            "score": round(float(scores[i]), _DIGITS),
            "reasons": _reasons(graph, facts, context, values, parts.access[i]),
            "confirmed": bool(parts.confirmed[i]),
            "parts": {k: round(v, _DIGITS) for k, v in values.items()},
        })
    found.sort(key=lambda c: (not c["confirmed"], -c["score"], c["id"]))
    confirmed = [c for c in found if c["confirmed"]]
    ranked = confirmed + [c for c in found if not c["confirmed"]][:MAX_CANDIDATES]
    return CoachAnswer(ranked, {pid: float(scores[i]) for i, pid in enumerate(people)}, parts)


def _access(neighbours: Mapping[str, dict], pid: str, members: set[str], relative_brokerage: float) -> float:
    """1 inside the decision unit; else ``1 − ∏(1 − s)`` over ties to its members
    (``neighbours``: the person's ties, as the tie graph's adjacency holds them);
    with no unit recorded, the relative brokerage."""
    if not members:
        return relative_brokerage
    if pid in members:
        return 1.0
    return 1.0 - math.prod(1.0 - tie[g.WEIGHT] for m, tie in neighbours.items() if m in members)


def _facts(graph, ties, known, pid, broker, context) -> dict:
    others = context["dmu"] - {pid}
    advises = {v for _, v, kind in graph.out_edges(pid, data=g.KIND) if v in others and g.is_positive_channel(kind)}
    member, closeness = strongest(known)
    return {
        "id": pid,
        "confirmed": g.has_role(graph, pid, "coach"),
        "rivals": competitor_ties(graph, pid),  # a coach's loyalty to check
        "member": member,
        "relationship": closeness,
        "in_dmu": pid in context["dmu"],
        "others": len(others),
        "tied": sum(1 for n in ties[pid] if n in others),
        "advises": len(advises),
        "broker": broker.get(pid, 0.0),
    }


def _reasons(graph: nx.MultiDiGraph, facts: dict, context: dict, parts: dict[str, float], access: float) -> list[str]:
    pid = facts["id"]
    reasons = ["marked as coach"] if facts["confirmed"] else []
    reasons.append(say.stance(graph, pid))
    if facts["member"]:
        reasons.append(f"{say.name(graph, facts['member'])} knows them ({say.closeness(facts['relationship'])})")
    else:
        reasons.append("no relationship with our team yet")
    if facts["in_dmu"]:
        reasons.append("in the decision unit")
    of = f"of the {facts['others']} other" if facts["in_dmu"] else f"of {facts['others']}"
    makers = "decision maker" if facts["others"] == 1 else "decision makers"
    if facts["advises"]:
        reasons.append(f"advises {facts['advises']} {of} {makers}")
    if facts["tied"] > facts["advises"]:
        reasons.append(f"connected to {facts['tied']} {of} {makers}")
    total = len(context["power_rank"])
    if facts["broker"] > 0 and context["broker_rank"][pid] <= top_count(total, TOP_SHARE):
        reasons.append("a broker between groups (top 10% by brokerage)")
    for rival, strength in facts["rivals"]:
        reasons.append(f"but close to {say.name(graph, rival)} ({say.closeness(strength)})")
    place = context["power_rank"].get(pid, total)
    if place <= top_count(total, TOP_SHARE):
        reasons.append("top 10% by influence")
    elif place <= top_count(total, QUARTER):
        reasons.append("top quarter by influence")
    weakest = _weakest(graph, facts, parts, access, place, total)
    return reasons + ([f"weakest: {weakest}"] if weakest else [])


def _weakest(graph, facts, parts: dict[str, float], access: float, place: int, total: int) -> str | None:
    """The condition that holds the score down, in words; None when all three are full."""
    part = min(PARTS, key=lambda name: parts[name])
    if parts[part] >= 1.0:
        return None
    if part == "customer":
        if access <= 0:
            return "no tie to the decision unit"
        if access < parts["customer"] / access:  # access is the smaller factor of the two
            return "only a weak tie to the decision unit"
        return f"little standing of their own (#{place} of {total} by influence)"
    if part == "us":
        if not facts["member"]:
            return "no relationship with our team yet"
        return f"our relationship is only {say.closeness(facts['relationship'])}"
    stance = graph.nodes[facts["id"]][g.STANCE_VALUE]
    if stance < 0:
        return "against us"
    if not graph.nodes[facts["id"]][g.STANCE_KNOWN]:
        return "stance unknown: find out whether they want us to win"
    if stance == 0:
        return "neutral: does not yet want us to win"
    return "a supporter, not yet a champion" if stance == 0.5 else f"only lukewarm ({say.stance(graph, facts['id'])})"
