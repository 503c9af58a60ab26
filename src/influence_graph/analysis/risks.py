"""Risks to the deal (DESIGN §4), each ``{kind, ids, message}`` in plain sentences;
``ids`` are the customer people concerned (team members and competitors are named
in the message).

Kinds, most severe first (``SEVERITY``):

- ``opponent``: an opponent (stance −0.75 or below) with high influence (top quarter)
  or in the DMU;
- ``skeptic``: the same for a skeptic (a stance below 0 but above −0.75);
- ``competitor_tie``: a DMU member close to a competitor (relationship >= zipper);
- ``bottleneck``: every warm path to the key people no one on our team has any
  relationship with (two or more paths) starts with the same two people — one of us
  and the contact who introduces us: a single point of failure;
- ``single_threaded``: one team member holds all our DMU relationships, or else a DMU
  member is reached through a single person;
- ``uncovered``: DMU members no one on our team has any relationship with;
- ``no_support``: no one in the DMU is favourable to us;
- ``unknown_stance``: DMU members whose stance we do not know;
- ``disputed_stance``: people whose stance colleagues' maps disagree on (``ig merge``
  tags them ``disputed-stance`` and keeps the more cautious stance);
- ``powerless_champion``: a champion outside the DMU in the bottom half by influence.
"""
from __future__ import annotations

import networkx as nx

from .. import graph as g
from ..model.account import DISPUTED_STANCE_TAG  # not from merge: loading it costs 15 ms
from . import wording as say
from ._shared import competitor_ties, positions, team_members, team_ties, top_count

SEVERITY = (
    "opponent",
    "skeptic",
    "competitor_tie",
    "bottleneck",
    "single_threaded",
    "uncovered",
    "no_support",
    "unknown_stance",
    "disputed_stance",
    "powerless_champion",
)
HIGH_INFLUENCE_SHARE = 0.25  # top quarter of the power ranking
CHAMPION_STANCE = 0.75  # a stance this favourable counts as a champion
OPPONENT_STANCE = -0.75  # a stance this hostile counts as an opponent; above it, a skeptic
BOTTLENECK_PATHS = 2  # warm paths through one contact that make a single point of failure


def risks(
    graph: nx.MultiDiGraph,
    power: dict[str, float],
    coverage: dict[str, float],
    dmu: list[str],
    ranking: list[str],
    known: dict[str, dict[str, float]] | None = None,
    uncovered: list[dict] | None = None,
) -> list[dict]:
    """Everything a KAM should worry about, most severe kind first (see ``SEVERITY``);
    within a kind, the most influential people first.

    ``coverage`` is :func:`~influence_graph.analysis.coverage.coverage_by_person`,
    ``ranking`` the power ranking (strongest first), ``known`` our team's ties (as
    :func:`~influence_graph.analysis._shared.team_ties` gives them), ``uncovered``
    :func:`~influence_graph.analysis.coverage.uncovered_decision_makers` (for the
    warm paths' single point of failure).

    >>> from influence_graph.model import parse_account
    >>> a = parse_account({"account": {"id": "x", "name": "X"}, "people": [
    ...     {"id": "wang", "name": "Wang Fang", "title": "CFO", "stance": "opponent",
    ...      "roles": ["economic_buyer"]}]})
    >>> [r["kind"] for r in risks(g.account_graph(a), {"wang": 1.0}, {"wang": 0.0}, ["wang"], ["wang"])]
    ['opponent', 'uncovered', 'no_support']
    """
    place = positions(ranking)
    found = (
        _opponents(graph, dmu, ranking, place)
        + _competitor_ties(graph, dmu, power)
        + _bottleneck(graph, uncovered or [], coverage)
        + _single_threaded(graph, dmu, power, team_ties(graph) if known is None else known)
        + _uncovered(graph, dmu, coverage, power)
        + _no_support(graph, dmu)
        + _unknown_stances(graph, dmu, power)
        + _disputed_stances(graph, power)
        + _powerless_champions(graph, dmu, ranking, place)
    )
    return sorted(found, key=lambda r: SEVERITY.index(r["kind"]))  # stable: keeps each kind's order


def _risk(kind: str, ids: list[str], message: str) -> dict:
    return {"kind": kind, "ids": ids, "message": message}


def _by_influence(people, power) -> list[str]:
    return sorted(people, key=lambda p: (-power.get(p, 0.0), p))


def _opponents(graph, dmu, ranking, place) -> list[dict]:
    high = set(ranking[: top_count(len(ranking), HIGH_INFLUENCE_SHARE)])
    members = set(dmu)
    against = [p for p in ranking if graph.nodes[p][g.STANCE_VALUE] < 0 and (p in high or p in members)]
    against.sort(key=lambda p: graph.nodes[p][g.STANCE_VALUE])  # opponents before skeptics, stable by power
    found = []
    for p in against:
        where = [f"ranks {say.ordinal(place[p])} of {len(ranking)} by influence"]
        if p in members:
            where.append("sits in the decision unit")
        opponent = graph.nodes[p][g.STANCE_VALUE] <= OPPONENT_STANCE
        doubts = "is against us" if opponent else "doubts our bid"
        found.append(_risk("opponent" if opponent else "skeptic", [p],
                           f"{say.label(graph, p)} {doubts} ({say.stance(graph, p)}), {say.join(where)}."))
    return found


def _bottleneck(graph, uncovered, coverage) -> list[dict]:
    """Every way in to the key people we have no relationship with runs through the
    same first link (one of us, then one contact)."""
    paths = [u["path"] for u in uncovered
             if len(u.get("path") or []) >= 3 and coverage.get(u["id"], 0.0) == 0]
    links = {tuple(path[:2]) for path in paths}
    if len(paths) < BOTTLENECK_PATHS or len(links) != 1:
        return []
    ((member, contact),) = links
    targets = [path[-1] for path in paths]
    return [_risk("bottleneck", [contact],
                  f"All {len(paths)} warm paths we have to key people no one on our team knows "
                  f"({say.names(graph, targets, limit=len(targets))}) run through {say.name(graph, member)} → "
                  f"{say.name(graph, contact)}: if that relationship cools, we lose every introduction.")]


def _competitor_ties(graph, dmu, power) -> list[dict]:
    ties = [(d, rival, strength) for d in dmu for rival, strength in competitor_ties(graph, d)]
    ties.sort(key=lambda t: (-t[2], -power.get(t[0], 0.0), t[0], t[1]))
    return [
        _risk("competitor_tie", [d],
              f"{say.label(graph, d)} is close to {say.name(graph, rival)} ({say.closeness(s)}).")
        for d, rival, s in ties
    ]


def _single_threaded(graph, dmu, power, known) -> list[dict]:
    reached = [d for d in dmu if known.get(d)]
    holders = {m for d in reached for m in known[d]}
    if len(holders) == 1 and reached:
        (member,) = holders
        who = say.name(graph, member)
        return [_risk("single_threaded", reached,
                      f"{who} holds every relationship we have in the decision unit "
                      f"({say.labels(graph, reached)}); if {who} is unavailable we lose that access.")]
    single = _by_influence([d for d in reached if len(known[d]) == 1], power)
    return [
        _risk("single_threaded", [d],
              f"{say.label(graph, d)} is reached only through {say.name(graph, member)}.")
        for d in single
        for member in known[d]
    ]


def _uncovered(graph, dmu, coverage, power) -> list[dict]:
    nobody = _by_influence([d for d in dmu if coverage.get(d, 0.0) == 0], power)
    if not nobody:
        return []
    team = "No one on our team" if team_members(graph) else "We have no team recorded, so no one"
    if len(nobody) < len(dmu):
        which = f"{len(nobody)} of the {len(dmu)} decision makers"
    else:
        which = "the decision maker" if len(dmu) == 1 else f"any of the {len(dmu)} decision makers"
    return [_risk("uncovered", nobody, f"{team} has any relationship with {which}: {say.labels(graph, nobody)}.")]


def _no_support(graph, dmu) -> list[dict]:
    if not dmu or any(graph.nodes[d][g.STANCE_VALUE] > 0 for d in dmu):
        return []
    return [_risk("no_support", list(dmu), "No one in the decision unit is favourable to us yet.")]


def _unknown_stances(graph, dmu, power) -> list[dict]:
    unknown = _by_influence([d for d in dmu if not graph.nodes[d][g.STANCE_KNOWN]], power)
    if not unknown:
        return []
    return [_risk("unknown_stance", unknown, f"We do not know where {say.labels(graph, unknown)} "
                  f"{'stands' if len(unknown) == 1 else 'stand'}.")]


def _disputed_stances(graph, power) -> list[dict]:
    disputed = _by_influence([p for p in g.customer_people(graph) if DISPUTED_STANCE_TAG in graph.nodes[p][g.TAGS]],
                             power)
    return [
        _risk("disputed_stance", [p],
              f"Our team's maps disagree on where {say.label(graph, p)} stands; the map keeps the more cautious "
              f"{say.stance(graph, p)} until someone finds out (see their notes).")
        for p in disputed
    ]


def _powerless_champions(graph, dmu, ranking, place) -> list[dict]:
    members = set(dmu)
    half = len(ranking) / 2
    weak = [p for p in ranking if graph.nodes[p][g.STANCE_VALUE] >= CHAMPION_STANCE
            and p not in members and place[p] > half]
    return [
        _risk("powerless_champion", [p],
              f"Our champion {say.label(graph, p)} ranks {say.ordinal(place[p])} of {len(ranking)} by influence "
              "and is outside the decision unit; their support alone will not carry the decision.")
        for p in weak
    ]
