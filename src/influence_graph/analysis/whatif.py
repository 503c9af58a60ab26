"""What-if: assume some people's stances (``--assume zhao=champion``), re-run the
analysis on that copy of the account, and say in plain words what changed.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from ..model import Account, AssumptionError, StanceLabel
from .result import as_analysis
from .wording import rounded_change, signed, titled
from ..model.account import Stance

_LABELS = ", ".join(s.value for s in StanceLabel)
TOP_COMPARED = 5  # places of a ranking whose moves are reported
MEMBER_SHIFT = 0.05  # a decision maker's settled opinion moving less than this is not news


def parse_assumptions(pairs: Iterable[str]) -> dict[str, str | float]:
    """``["zhao=champion", "wang=-0.2"]`` -> ``{"zhao": "champion", "wang": -0.2}``.

    Checks the form only (``ID=STANCE``); :func:`apply_assumptions` checks ids and stances.

    >>> parse_assumptions(["zhao=champion", " wang = -0.2 "])
    {'zhao': 'champion', 'wang': -0.2}
    """
    assumed: dict[str, str | float] = {}
    given: dict[str, str] = {}
    for pair in pairs:
        pid, sep, stance = (part.strip() for part in pair.partition("="))
        if not sep or not pid or not stance:
            raise AssumptionError(f"assumption {pair!r}: write it as ID=STANCE, e.g. zhao=champion")
        if pid in given:
            raise AssumptionError(f"assumption {pid}={stance}: {pid!r} is already assumed ({given[pid]}); assume each person once")
        given[pid] = f"{pid}={stance}"
        try:
            assumed[pid] = float(stance)
        except ValueError:
            assumed[pid] = stance
    return assumed


def _stance(pid: str, value: str | float) -> Stance:
    where = f"assumption {pid}={value:g}" if isinstance(value, float) else f"assumption {pid}={value}"
    if isinstance(value, str):
        try:
            return StanceLabel(value.strip().lower())
        except ValueError:
            try:
                value = float(value)
            except ValueError:
                raise AssumptionError(f"{where}: unknown stance {value!r}; use {_LABELS} or a number from -1 to 1") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not -1 <= value <= 1:
        raise AssumptionError(f"{where}: a stance number must be from -1 to 1")
    return float(value)


def apply_assumptions(account: Account, assume: Mapping[str, str | float]) -> Account:
    """A copy of ``account`` with the assumed stances; ``account`` itself is unchanged.
    The copy is marked hypothetical: stores refuse to save it.

    >>> from influence_graph.model import parse_account
    >>> a = parse_account({"account": {"id": "x", "name": "X"}, "people": [{"id": "zhao", "name": "Z"}]})
    >>> apply_assumptions(a, {"zhao": "champion"}).person("zhao").stance_value, a.person("zhao").stance_value
    (1.0, 0.0)
    """
    ids = [p.id for p in account.people]
    stances = {}
    for pid, value in assume.items():
        if pid not in ids:
            close = difflib.get_close_matches(pid, ids, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise AssumptionError(f"assumption {pid}={value}: no person {pid!r} in account {account.id!r}{hint}")
        stances[pid] = _stance(pid, value)
    people = [p.model_copy(update={"stance": stances[p.id]}) if p.id in stances else p for p in account.people]
    assumed = account.model_copy(update={"people": people})
    # Marked, so no store saves it over the real account (model_copy keeps the stored revision).
    assumed._hypothetical = ", ".join(f"{pid}={value}" for pid, value in assume.items())
    return assumed


def describe_assumptions(account: Account, assume: Mapping[str, str | float]) -> list[dict[str, Any]]:
    """The assumptions as recorded in the analysis: ``[{id, stance, was}]``.

    >>> from influence_graph.model import parse_account
    >>> a = parse_account({"account": {"id": "x", "name": "X"}, "people": [{"id": "zhao", "name": "Z", "stance": "skeptic"}]})
    >>> describe_assumptions(a, {"zhao": "champion"})
    [{'id': 'zhao', 'stance': 'champion', 'was': 'skeptic'}]
    """
    def shown(stance: Stance) -> str | float:
        return stance.value if isinstance(stance, StanceLabel) else float(stance)

    return [
        {"id": pid, "stance": shown(_stance(pid, value)), "was": shown(account.person(pid).stance)}
        for pid, value in assume.items()
    ]


def compare(before: Mapping[str, Any] | Any, after: Mapping[str, Any] | Any) -> list[dict[str, Any]]:
    """What changed between two analyses (typed :class:`~.result.Analysis` or
    :class:`~.result.AnalysisResult`, or their JSON), in plain words:
    ``[{kind, ids, message}]``. Kinds: ``forecast``, ``member``, ``next_best_move``,
    ``power``, ``flag``, ``risk``, ``tier``. The what-if (``--assume``) and
    ``ig diff`` both read their changes from here.

    >>> base = {"people": [{"id": "a", "name": "Ann", "title": "CEO"}], "forecast": {"support": 0.1, "members": {}, "next_best_moves": []}}
    >>> new = {**base, "forecast": {"support": 0.35, "members": {}, "next_best_moves": []}}
    >>> [c["message"] for c in compare(base, new)]
    ['Forecast support rises from +0.10 to +0.35 (+0.25).']
    >>> old = {**base, "forecast": {"support": -0.0174, "members": {}, "next_best_moves": []}}
    >>> new = {**base, "forecast": {"support": 0.2453, "members": {}, "next_best_moves": []}}
    >>> [c["message"] for c in compare(old, new)]  # the change between the numbers shown
    ['Forecast support rises from −0.02 to +0.25 (+0.27).']
    """
    before, after = _json(before), _json(after)
    label = _labeler(after)
    return (
        _forecast_changes(before, after, label)
        + _ranking_changes(before, after, label)
        + _flag_changes(before, after, label)
        + _risk_changes(before, after)
        + _tier_changes(before, after)
    )


def _json(analysis: Any) -> Mapping[str, Any]:
    """The JSON form of an analysis, whichever form it comes in."""
    if isinstance(analysis, Mapping):
        return analysis
    return as_analysis(analysis).to_json_data()


def _tier_changes(before, after) -> list[dict[str, Any]]:
    old = (before.get("relationship_depth") or {}).get("tier")
    new = (after.get("relationship_depth") or {}).get("tier")
    if old is None or new is None or old == new:
        return []
    order = ("ordinary", "partner", "strategic")
    verb = "rises" if order.index(new) > order.index(old) else "falls"
    return [_change("tier", [], f"Relationship depth {verb} from {old} to {new}.")]


def _labeler(data: Mapping[str, Any]):
    by_id = {p["id"]: p for p in data.get("people", [])}

    def label(pid: str) -> str:
        person = by_id.get(pid, {})
        return titled(person.get("name") or pid, person.get("title"))

    return label


def _forecast_changes(before, after, label) -> list[dict[str, Any]]:
    old, new = before.get("forecast") or {}, after.get("forecast") or {}
    changes = []
    if old.get("support") is not None and new.get("support") is not None:
        delta = rounded_change(old["support"], new["support"])
        if delta:
            verb = "rises" if delta > 0 else "falls"
            changes.append(_change("forecast", [], f"Forecast support {verb} from {signed(old['support'])} "
                                                   f"to {signed(new['support'])} ({signed(delta)})."))
    for pid, value in (new.get("members") or {}).items():
        was = (old.get("members") or {}).get(pid)
        if was is not None and abs(value - was) >= MEMBER_SHIFT:
            changes.append(_change("member", [pid], f"{label(pid)} settles at {signed(value)} instead of {signed(was)}."))
    old_moves = [m["id"] for m in old.get("next_best_moves") or []]
    new_moves = [m["id"] for m in new.get("next_best_moves") or []]
    if new_moves[:1] != old_moves[:1]:
        if new_moves:
            was = f" (was {label(old_moves[0])})" if old_moves else ""
            changes.append(_change("next_best_move", [new_moves[0]], f"Next best move is now to win over {label(new_moves[0])}{was}."))
        else:
            changes.append(_change("next_best_move", [], "No next best move is left: everyone who sways the decision unit is a champion."))
    return changes


def _ranking_changes(before, after, label) -> list[dict[str, Any]]:
    old = {pid: i for i, pid in enumerate(before.get("power_ranking") or [], 1)}
    new = {pid: i for i, pid in enumerate(after.get("power_ranking") or [], 1)}
    moved = sorted(
        (pid for pid in new if pid in old and old[pid] != new[pid] and min(old[pid], new[pid]) <= TOP_COMPARED),
        key=lambda pid: (new[pid], pid),
    )
    return [_change("power", [pid], f"{label(pid)} moves from #{old[pid]} to #{new[pid]} in real power.") for pid in moved]


_FLAGS = {
    "hidden_power": "a hidden power holder",
    "figureheads": "a figurehead",
    "coach_candidates": "a coach candidate",
    "uncovered_decision_makers": "an uncovered decision maker",
}


def _flag_changes(before, after, label) -> list[dict[str, Any]]:
    changes = []
    for key, noun in _FLAGS.items():
        old = [item["id"] for item in before.get(key) or []]
        new = [item["id"] for item in after.get(key) or []]
        changes += [_change("flag", [pid], f"{label(pid)} is now {noun}.") for pid in new if pid not in old]
        changes += [_change("flag", [pid], f"{label(pid)} is no longer {noun}.") for pid in old if pid not in new]
    return changes


def _risk_changes(before, after) -> list[dict[str, Any]]:
    old = {r["message"]: r for r in before.get("risks") or []}
    new = {r["message"]: r for r in after.get("risks") or []}
    return [_change("risk", new[m]["ids"], f"New risk: {m}") for m in new if m not in old] + [
        _change("risk", old[m]["ids"], f"Risk gone: {m}") for m in old if m not in new
    ]


def _change(kind: str, ids: list[str], message: str) -> dict[str, Any]:
    return {"kind": kind, "ids": ids, "message": message}
