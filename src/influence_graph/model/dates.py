"""Date arithmetic that cannot overflow: the calendar ends at 9999-12-31."""
from __future__ import annotations

import datetime as dt


def add_days(day: dt.date, days: int) -> dt.date:
    """``day`` moved by ``days``, clamped to the calendar's first and last day
    (``date + timedelta`` raises OverflowError past them: an ``--as-of`` in the
    last weeks of 9999 must still give a deadline).

    >>> add_days(dt.date(2026, 11, 20), 14)
    datetime.date(2026, 12, 4)
    >>> add_days(dt.date(9999, 12, 25), 14), add_days(dt.date(1, 1, 2), -7)
    (datetime.date(9999, 12, 31), datetime.date(1, 1, 1))
    """
    ordinal = day.toordinal() + days
    return dt.date.fromordinal(min(max(ordinal, dt.date.min.toordinal()), dt.date.max.toordinal()))
