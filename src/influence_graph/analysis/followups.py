"""Follow-up gaps (DESIGN §4): per key person, touches so far and how long since the last.

Big deals close after many follow-ups at a 2–3 week rhythm, so a key person last
touched more than ``OVERDUE_AFTER`` days ago is overdue, from ``DUE_FROM`` days due.
"""
from __future__ import annotations

import datetime as dt

from ..model import Account, Touch

DUE_FROM = 14  # days since the last touch: due from here …
OVERDUE_AFTER = 21  # … overdue above this
STATUS_ORDER = ("never", "overdue", "due", "ok")


def status_for(days_since: int | None) -> str:
    """``never`` (no touch), ``overdue`` (> 21 days), ``due`` (14–21), ``ok`` (< 14).

    >>> [status_for(d) for d in (None, 22, 21, 14, 13)]
    ['never', 'overdue', 'due', 'due', 'ok']
    """
    if days_since is None:
        return "never"
    if days_since > OVERDUE_AFTER:
        return "overdue"
    return "due" if days_since >= DUE_FROM else "ok"


def follow_ups(account: Account, key: list[str], today: dt.date) -> list[dict]:
    """Per key person: ``{id, touches, last_touch, days_since, status, next_step, next_step_source}``.

    Touches dated after ``today`` are plans, not done: they are not counted, but the
    earliest one is offered as the next step when no touch recorded a ``next_step``.
    Otherwise ``next_step`` is the latest recorded next step with that person, or a
    suggestion for the status; ``next_step_source`` says which: ``recorded``,
    ``planned`` or ``suggested`` (None when there is nothing to do). Most urgent first: never, overdue, due, ok; within a
    status the longest gap first; then in the order of ``key``.

    >>> import datetime as dt
    >>> from influence_graph.model import parse_account
    >>> a = parse_account({"account": {"id": "x", "name": "X"},
    ...     "people": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
    ...     "touches": [{"date": "2026-10-01", "people": ["a"]}]})
    >>> [(f["id"], f["touches"], f["days_since"], f["status"])
    ...  for f in follow_ups(a, ["a", "b"], dt.date(2026, 10, 31))]
    [('b', 0, None, 'never'), ('a', 1, 30, 'overdue')]
    """
    done, planned = _touches_by_person(account, today)
    rows = []
    for pid in dict.fromkeys(key):
        past = done.get(pid, [])
        last = max((t.date for t in past), default=None)
        days = (today - last).days if last else None
        status = status_for(days)
        rows.append(
            {
                "id": pid,
                "touches": len(past),
                "last_touch": last.isoformat() if last else None,
                "days_since": days,
                "status": status,
                **_next_step(past, planned.get(pid, []), status, days),
            }
        )
    # sorted() is stable, so equally urgent people stay in the order of ``key``.
    return sorted(rows, key=lambda r: (STATUS_ORDER.index(r["status"]), -(r["days_since"] or 0)))


def open_next_steps(account: Account, today: dt.date) -> list[str]:
    """People with an open next step, in file order: their latest touch so far recorded
    a ``next_step``, or a touch with them is planned after ``today``.

    >>> import datetime as dt
    >>> from influence_graph.model import parse_account
    >>> a = parse_account({"account": {"id": "x", "name": "X"},
    ...     "people": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}, {"id": "c", "name": "C"}],
    ...     "touches": [{"date": "2026-10-01", "people": ["a", "b"], "next_step": "send the TCO model"},
    ...                 {"date": "2026-10-20", "people": ["b"]},
    ...                 {"date": "2026-12-01", "people": ["c"]}]})
    >>> open_next_steps(a, dt.date(2026, 10, 31))
    ['a', 'c']
    """
    done, planned = _touches_by_person(account, today)
    open_ = set(planned)
    for pid, touches in done.items():
        latest = max(enumerate(touches), key=lambda it: (it[1].date, it[0]))[1]
        if latest.next_step:
            open_.add(pid)
    return [p.id for p in account.people if p.id in open_]


def _touches_by_person(account: Account, today: dt.date) -> tuple[dict[str, list[Touch]], dict[str, list[Touch]]]:
    """Touches per person, split into done (on or before today) and planned; file order kept."""
    done: dict[str, list[Touch]] = {}
    planned: dict[str, list[Touch]] = {}
    for touch in account.touches:
        bucket = done if touch.date <= today else planned
        for pid in dict.fromkeys(touch.people):
            bucket.setdefault(pid, []).append(touch)
    return done, planned


def _next_step(past: list[Touch], planned: list[Touch], status: str, days: int | None) -> dict[str, str | None]:
    recorded = [t for t in past if t.next_step]
    if recorded:
        # The latest touch wins; on the same day the later entry in the file.
        latest = max(enumerate(recorded), key=lambda it: (it[1].date, it[0]))[1]
        when = f" (by {latest.next_date.isoformat()})" if latest.next_date else ""
        return _step(latest.next_step + when, "recorded")
    if planned:
        soonest = min(planned, key=lambda t: t.date)
        return _step(f"planned {soonest.kind or 'touch'} on {soonest.date.isoformat()}", "planned")
    if status == "never":
        return _step("arrange a first meeting", "suggested")
    if status == "overdue":
        return _step(f"follow up now: {days} days since the last touch", "suggested")
    if status == "due":
        return _step(f"follow up within {OVERDUE_AFTER - days + 1} days", "suggested")
    return _step(None, None)


def _step(text: str | None, source: str | None) -> dict[str, str | None]:
    return {"next_step": text, "next_step_source": source}
