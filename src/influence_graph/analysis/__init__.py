"""Analysis: one module per question (DESIGN §4); :func:`analyze` runs them all.

Each measure is a function of graphs (from :mod:`influence_graph.graph`) and
plain dicts, returning plain dicts/lists, with no I/O. ``analyze`` assembles
their answers into the JSON of ``ig analyze --format json``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from .. import graph as g
from .._processes import default_jobs
from ..model import Account, InfluenceGraphError
from ..model.loader import _gc_paused
from . import wording
from ._shared import AnalysisContext, one_blas_thread, team_members
from .actions import action_list
from .channels import influence_channels
from .coaches import coach_candidates
from .confidence import confidence as answer_stability
from .confidence import resample
from .coverage import (
    EXECUTIVE_LEVEL,
    closest_members,
    coverage_by_person,
    is_executive,
    relationship_depth,
    uncovered_decision_makers,
)
from .factions import department_relations, factions
from .followups import follow_ups, open_next_steps
from .forecast import forecast
from .brokerage import start_brokerage
from .power import (
    TOP_POWER_HOLDERS,
    classify_power,
    formal_position,
    influence,
    power_ranking,
)
from .result import Analysis, AnalysisResult, result_json_schema
from .risks import risks
from .whatif import apply_assumptions, compare, describe_assumptions

__all__ = ["analyze", "account_lead", "Analysis", "AnalysisResult", "key_people", "result_json_schema",
           "BEST_COACHES", "TOP_POWER_HOLDERS"]


# The best unconfirmed coach candidates count as key people (confirmed coaches always do).
BEST_COACHES = 3
LIKELY_COACH_SCORE = 0.4  # a candidate scoring below this is a possibility, not a likely coach


def key_people(
    dmu: Sequence[str],
    ranking: Sequence[str],
    coaches: Sequence[Mapping[str, Any]] = (),
    gatekeepers: Sequence[str] = (),
    next_steps: Sequence[str] = (),
    top: int = TOP_POWER_HOLDERS,
) -> dict[str, list[str]]:
    """The people coverage, follow-ups and actions are about (DESIGN §4), each with why:
    the DMU, the top ``top`` power holders, confirmed coaches and the best
    other coach candidates (the ``likely`` ones, :func:`mark_likely_coaches`), gatekeepers,
    and anyone with an open next step; in that order, each once.

    >>> key_people(["a", "b"], ["c", "a", "d", "b"], [{"id": "e", "confirmed": True, "likely": False}], ["d"], top=2)
    {'a': ['decision unit', 'top power holder'], 'b': ['decision unit'], 'c': ['top power holder'], 'e': ['confirmed coach'], 'd': ['gatekeeper']}
    """
    unconfirmed = [c["id"] for c in coaches if c.get("likely")]
    groups = [
        ("decision unit", dmu),
        ("top power holder", ranking[:top]),
        ("confirmed coach", [c["id"] for c in coaches if c.get("confirmed")]),
        ("coach candidate", unconfirmed),
        ("gatekeeper", gatekeepers),
        ("open next step", next_steps),
    ]
    chosen: dict[str, list[str]] = {}
    for why, people in groups:
        for pid in people:
            reasons = chosen.setdefault(pid, [])
            if why not in reasons:
                reasons.append(why)
    return chosen


def mark_likely_coaches(coaches: Sequence[dict[str, Any]], figureheads: Sequence[str]) -> None:
    """Mark ``likely`` the best ``BEST_COACHES`` unconfirmed candidates that score at least
    ``LIKELY_COACH_SCORE`` and are no figurehead: key people, and the ones the map marks.

    >>> found = [{"id": "a", "score": 0.7, "confirmed": False}, {"id": "b", "score": 0.3, "confirmed": False}]
    >>> mark_likely_coaches(found, []); [c["likely"] for c in found]
    [True, False]
    """
    chosen = [c["id"] for c in coaches if not c["confirmed"] and c["score"] >= LIKELY_COACH_SCORE
              and c["id"] not in figureheads][:BEST_COACHES]
    for candidate in coaches:
        candidate["likely"] = candidate["id"] in chosen


def _as_date(as_of: str | dt.date | None) -> dt.date:
    if as_of is None:
        return dt.date.today()
    if isinstance(as_of, dt.date):
        return as_of
    try:
        return dt.date.fromisoformat(as_of)
    except (TypeError, ValueError):
        raise InfluenceGraphError(f"as_of {as_of!r} is not a date (use YYYY-MM-DD)") from None


def _stance_out(stance: Any) -> Any:
    return stance if isinstance(stance, (int, float)) else str(stance)


def _people_rows(whole, power, broker, formal, categories, coach_scores, coverage, ranking, key, closest) -> list[dict[str, Any]]:
    """One row per customer person, in file order: the ``people`` key of the JSON."""
    place = {pid: i for i, pid in enumerate(ranking, start=1)}
    key_set = set(key)
    rows = []
    for pid in g.customer_people(whole):
        node = whole.nodes[pid]
        member = closest.get(pid)
        rows.append(
            {
                "id": pid,
                "name": node[g.NAME],
                "title": node[g.TITLE],
                "label": wording.label(whole, pid),
                "department": node[g.DEPARTMENT],
                "level": node[g.LEVEL],
                "roles": node[g.ROLES],
                "in_dmu": node[g.IN_DMU],
                "key": pid in key_set,
                "influence": round(power[pid], 6),
                "brokerage": round(broker[pid], 6),
                "formal": round(formal[pid], 6),
                "category": categories[pid][0],
                "power_rank": place[pid],
                "coach_score": round(coach_scores.get(pid, 0.0), 6),
                "coverage": round(coverage.get(pid, 0.0), 6),
                "closest_member": None if member is None else {
                    "id": member[0], "name": wording.name(whole, member[0]),
                    "strength": round(member[1], 6), "closeness": wording.closeness(member[1]),
                },
                "stance": _stance_out(node[g.STANCE]),
                "stance_value": node[g.STANCE_VALUE],
                "stance_known": node[g.STANCE_KNOWN],
                "stance_word": wording.stance(whole, pid),
            }
        )
    return rows


def account_lead(account: Account) -> str | None:
    """Our account lead: the key account manager by role or title, else the first team member.

    >>> from influence_graph.model import parse_account
    >>> lead = lambda team: account_lead(parse_account({"account": {"id": "x", "name": "X"}, "team": team}))
    >>> lead([{"id": "se", "name": "S", "role": "solution_engineer"}, {"id": "k", "name": "K", "role": "key_account_manager"}])
    'k'
    >>> lead([{"id": "se", "name": "S"}]), lead([])
    ('se', None)
    """
    for member in account.team:
        words = f"{member.role or ''} {member.title or ''}".lower().replace("_", " ")
        if "key account" in words or "kam" in words.split():
            return member.id
    return account.team[0].id if account.team else None


def _usual_owners(account: Account, whole, closest: dict[str, tuple[str, float]], today: dt.date) -> dict[str, str | None]:
    """Who on our team acts on each customer person: the closest member, else whoever
    touched them last, else one of our executives for a customer executive, else our lead."""
    toucher: dict[str, str] = {}
    for touch in sorted((t for t in account.touches if t.date <= today and t.member), key=lambda t: t.date):
        for pid in touch.people:
            toucher[pid] = touch.member  # type: ignore[assignment]
    executives = [m for m in team_members(whole) if is_executive(whole, m)]
    lead = account_lead(account)
    owners = {}
    for pid in g.customer_people(whole):
        senior = whole.nodes[pid][g.LEVEL] <= EXECUTIVE_LEVEL
        fallback = executives[0] if senior and executives else lead
        owners[pid] = closest[pid][0] if pid in closest else toucher.get(pid, fallback)
    return owners


def _opportunity(account: Account, today: dt.date) -> dict[str, Any] | None:
    opportunity = account.opportunity
    if opportunity is None:
        return None
    close = opportunity.close_date
    return {
        "name": opportunity.name,
        "value": opportunity.value,
        "currency": opportunity.currency,
        "stage": opportunity.stage,
        "close_date": close,
        "days_to_close": (close - today).days if close else None,
    }


def analyze(
    account: Account,
    as_of: str | dt.date | None = None,
    assume: dict[str, str | float] | None = None,
    confidence: bool = True,
    exact: bool = False,
    jobs: int | None = None,
) -> AnalysisResult:
    """Run every analysis of DESIGN §4 on ``account``; ``as_of`` is "today" for follow-ups.

    Brokerage is exact up to ``EXACT_UP_TO`` people and sampled within a stated bound
    above (``brokerage_method`` in the result says which); ``exact`` forces exact. From
    500 people it runs in ``jobs`` worker processes (default: every CPU this process
    may use) while the measures that do not need it are computed; the answer is the
    same for any ``jobs``.

    ``assume`` maps person ids to stances to assume (what-if), e.g. ``{"zhao": "champion"}``:
    everything is computed under them, and the result adds ``assumptions`` and the
    ``changes`` against the analysis without them. ``confidence`` adds how stable the
    key answers are when strengths and stances are re-drawn (~0.2 s at 1,000 people).
    """
    # An analysis builds millions of objects that nearly all live until it ends; each
    # collection meanwhile would walk them all again (a seventh of the time at 10,000
    # people). What is left in cycles is collected once it is done.
    with _gc_paused(), one_blas_thread(len(account.people)):
        return _analyze(account, as_of, assume, confidence, exact, jobs)


def _analyze(account: Account, as_of, assume, confidence: bool, exact: bool, jobs: int | None) -> AnalysisResult:
    if assume:
        baseline = analyze(account, as_of, confidence=False, exact=exact, jobs=jobs).to_dict()
        assumed = analyze(apply_assumptions(account, assume), as_of, confidence=confidence, exact=exact,
                          jobs=jobs).to_dict()
        assumed["assumptions"] = describe_assumptions(account, assume)
        assumed["changes"] = compare(baseline, assumed)
        return AnalysisResult(Analysis.model_validate(assumed))
    today = _as_date(as_of)
    shared = AnalysisContext(g.account_graph(account))  # every graph and look-up built once
    whole, ties = shared.whole, shared.ties
    workers = default_jobs() if jobs is None else jobs
    # From 500 people brokerage runs in worker processes while everything else is built.
    brokerage_run = start_brokerage(ties, exact=exact, jobs=workers)
    try:
        deference, known = shared.deference, shared.team_ties
        # What does not need brokerage, while the workers compute it.
        dmu = account.decision_unit
        power = influence(deference, shared.model)
        formal = formal_position(whole)
        coverage = coverage_by_person(whole, known)
        depth = relationship_depth(whole, dmu, known)
        closest = closest_members(whole, known)
        channels = influence_channels(whole, deference, dmu, known)
        groups = factions(ties)
        relations = department_relations(account, whole)
        prediction = forecast(deference, power, dmu, model=shared.model)
        resampled = resample(deference, dmu, model=shared.model) if confidence else None
        broker, method = brokerage_run.result()
    finally:
        brokerage_run.close()
    ranking = power_ranking(power, broker)
    categories = classify_power(whole, power, formal, ranking)
    coach_answer = coach_candidates(whole, power, broker, dmu, ties=ties, known=known)
    coaches, coach_scores = coach_answer.candidates, coach_answer.scores
    mark_likely_coaches(coaches, categories.figureheads)
    gatekeepers = [p for p in g.customer_people(whole) if g.has_role(whole, p, "gatekeeper")]
    why_key = key_people(dmu, ranking, coaches, gatekeepers, open_next_steps(account, today))
    key = list(why_key)
    uncovered = uncovered_decision_makers(whole, key, power, ranking, why_key, known=known, warm=shared.warm)
    followups = follow_ups(account, key, today)
    risk_list = risks(whole, power, coverage, dmu, ranking, known, uncovered)

    people = _people_rows(whole, power, broker, formal, categories, coach_scores, coverage, ranking, key, closest)
    lead = account_lead(account)
    data = {
        "account": {"id": account.id, "name": account.name},
        "as_of": today,
        "opportunity": _opportunity(account, today),
        "decision_unit": dmu,
        "departments": [{"id": d.id, "name": d.name or d.id} for d in account.departments],
        "team": [{"id": m.id, "name": m.name, "role": m.role, "title": m.title, "lead": m.id == lead} for m in account.team],
        "competitors": [{"id": c.id, "name": c.name} for c in account.competitors],
        "people": people,
        "power_ranking": ranking,
        "hidden_power": [{"id": pid, "reasons": categories[pid][1]} for pid in categories.hidden],
        "figureheads": [{"id": pid, "reasons": categories[pid][1]} for pid in categories.figureheads],
        "coach_candidates": coaches,
        "uncovered_decision_makers": uncovered,
        "influence_channels": channels,
        "factions": groups,
        "department_relations": relations,
        "relationship_depth": depth,
        "follow_ups": followups,
        "risks": risk_list,
        "forecast": prediction,
        "key_people": key,
        "brokerage_method": method,
        "actions": action_list(
            {row["id"]: row for row in people},
            today=today,
            close_date=account.opportunity.close_date if account.opportunity else None,
            dmu=dmu,
            key=key,
            ranking=ranking,
            uncovered=uncovered,
            follow_ups=followups,
            coaches=coaches,
            risks=risk_list,
            moves=prediction["next_best_moves"],
            names={n: wording.name(whole, n) for n in whole},
            owners=_usual_owners(account, whole, closest, today),
        ),
    }
    if confidence:
        data["confidence"] = answer_stability(deference, power, ranking, coaches, coach_answer.parts, dmu,
                                              top=TOP_POWER_HOLDERS, model=shared.model, resampled=resampled)
    result = AnalysisResult(Analysis.model_validate(data))
    shared.release()
    return result
