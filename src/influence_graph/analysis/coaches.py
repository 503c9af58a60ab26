"""Coach candidates (DESIGN §4): insiders likely to guide us through the decision."""
from __future__ import annotations

import networkx as nx

from .. import graph as g
from . import wording as say
from ._shared import ZIPPER, competitor_ties, positions, strongest, team_ties, top_count
from .power import power_ranking

# score = FAVOUR·favour + RELATIONSHIP·relationship + ACCESS·access + CREDIBILITY·credibility
FAVOUR_WEIGHT = 0.35
RELATIONSHIP_WEIGHT = 0.25
ACCESS_WEIGHT = 0.25
CREDIBILITY_WEIGHT = 0.15
# access = ACCESS_TIES·(share of the other DMU members tied to them) + ACCESS_BROKERAGE·(relative brokerage)
ACCESS_TIES = 0.75
ACCESS_BROKERAGE = 0.25
TOP_SHARE = 0.10  # "top 10% by influence / brokerage"
QUARTER = 0.25
MAX_CANDIDATES = 10  # unconfirmed candidates listed (confirmed coaches always are)


def coach_candidates(
    graph: nx.MultiDiGraph, power: dict[str, float], broker: dict[str, float], dmu: list[str]
) -> tuple[list[dict], dict[str, float]]:
    """People likely to guide us, ranked, and a ``coach_score`` per customer person.

    For each person, with every part in [0, 1]:

    - favour = their stance clipped at 0 (champion 1, supporter 0.5, neutral or unknown 0);
    - relationship = the strongest relationship anyone on our team has with them;
    - access = 0.75 × share of the other DMU members they share a positive tie with
      (channel or reporting line, either way) + 0.25 × brokerage / the highest brokerage;
    - credibility = influence / the highest influence;

    ``score = 0.35 favour + 0.25 relationship + 0.25 access + 0.15 credibility``.

    A candidate has a favourable stance or a relationship of at least zipper with
    us, is not a skeptic or opponent (negative stance), and has access: sits in the
    DMU or is tied to a member of it (by brokerage alone when no DMU is recorded).
    Everyone else scores 0. Closeness to a competitor is named in the reasons.
    People with the role ``coach`` are confirmed coaches: always listed, first.
    Returns ``([{id, score, reasons, confirmed}], {person: coach_score})``; the list
    holds the confirmed coaches and the best ``MAX_CANDIDATES`` others, best first.

    >>> from influence_graph.model import parse_account
    >>> a = parse_account({"account": {"id": "x", "name": "X"}, "people": [
    ...     {"id": "ceo", "name": "Zhao", "roles": ["decision_maker"]},
    ...     {"id": "li", "name": "Li", "stance": "champion"}],
    ...     "channels": [{"from": "li", "to": "ceo", "kind": "advice"}]})
    >>> ranked, scores = coach_candidates(g.account_graph(a), {"ceo": 0.6, "li": 0.4}, {}, ["ceo"])
    >>> ranked[0]["id"], ranked[0]["reasons"], scores["ceo"]
    ('li', ['champion', 'no relationship with our team yet', 'advises 1 of 1 decision maker'], 0.0)
    """
    ties = g.tie_graph(graph)
    known = team_ties(graph)
    context = {
        "dmu": set(dmu),
        "top_power": max(power.values(), default=0.0) or 1.0,
        "top_broker": max(broker.values(), default=0.0) or 1.0,
        "power_rank": positions(power_ranking(power, broker)),
        "broker_rank": positions(power_ranking(broker, power)),
    }
    scores, found = {}, []
    for pid in g.customer_people(graph):
        facts = _facts(graph, ties, known.get(pid, {}), pid, power, broker, context)
        scores[pid] = _score(facts) if facts["eligible"] else 0.0
        if facts["eligible"]:
            found.append({"id": pid, "score": round(scores[pid], 6), "reasons": _reasons(graph, facts, context),
                          "confirmed": facts["confirmed"]})
    found.sort(key=lambda c: (not c["confirmed"], -c["score"], c["id"]))
    confirmed = [c for c in found if c["confirmed"]]
    return confirmed + [c for c in found if not c["confirmed"]][:MAX_CANDIDATES], scores


def _facts(graph, ties, known, pid, power, broker, context) -> dict:
    dmu = context["dmu"]
    node = graph.nodes[pid]
    others = dmu - {pid}
    tied = [n for n in ties[pid] if n in others]
    advises = {v for _, v, kind in graph.out_edges(pid, data=g.KIND)
               if v in others and g.is_positive_channel(kind)}
    member, closeness = strongest(known)
    in_dmu = pid in dmu
    access_ok = in_dmu or bool(tied) or (not dmu and broker.get(pid, 0.0) > 0)
    favour = max(node[g.STANCE_VALUE], 0.0)
    confirmed = g.has_role(graph, pid, "coach")
    return {
        "id": pid,
        "confirmed": confirmed,
        "eligible": confirmed or (node[g.STANCE_VALUE] >= 0 and (favour > 0 or closeness >= ZIPPER) and access_ok),
        "rivals": competitor_ties(graph, pid),  # a coach's loyalty to check
        "favour": favour,
        "member": member,
        "relationship": closeness,
        "in_dmu": in_dmu,
        "others": len(others),
        "tied": len(tied),
        "advises": len(advises),
        "access": ACCESS_TIES * (len(tied) / len(others) if others else 0.0)
        + ACCESS_BROKERAGE * broker.get(pid, 0.0) / context["top_broker"],
        "credibility": power.get(pid, 0.0) / context["top_power"],
        "broker": broker.get(pid, 0.0),
    }


def _score(facts: dict) -> float:
    return (
        FAVOUR_WEIGHT * facts["favour"]
        + RELATIONSHIP_WEIGHT * facts["relationship"]
        + ACCESS_WEIGHT * facts["access"]
        + CREDIBILITY_WEIGHT * facts["credibility"]
    )


def _reasons(graph: nx.MultiDiGraph, facts: dict, context: dict) -> list[str]:
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
    return reasons
