"""What changed between two versions of an account: in the map, and in what the
analysis concludes (``ig diff``, and the plan's "Since the last review").

The map side is :func:`influence_graph.model.diff.diff_accounts` (people, titles,
reporting lines, stances, channels, relationships, touches …); the analysis side
is :func:`influence_graph.analysis.whatif.compare` on the two typed analyses, run
on the same day so only the map's changes show (power-rank moves, flags gained or
lost, uncovered decision makers, risks, relationship tier, forecast support and
the next best move).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..analysis import analyze
from ..analysis.result import Analysis
from ..analysis.whatif import compare
from ..model import Account
from ..model.diff import Change, diff_accounts
from .text import md_text

SHOWN = 12  # changes listed per part in the plan's section; the rest are counted


@dataclass
class AccountDiff:
    """Two versions of an account compared. ``old_label``/``new_label`` name them
    (a file, ``acme@3``); ``map`` and ``analysis`` are the changes, in plain words."""

    old_label: str
    new_label: str
    account: dict[str, str]
    as_of: dt.date
    map: list[Change]
    analysis: list[dict[str, Any]]
    old: Analysis
    new: Analysis

    @property
    def empty(self) -> bool:
        return not self.map and not self.analysis

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``ig diff --format json``."""
        return {
            "old": self.old_label,
            "new": self.new_label,
            "account": self.account,
            "as_of": self.as_of.isoformat(),
            "map": [c.to_dict() for c in self.map],
            "analysis": self.analysis,
        }


def diff(old: Account, new: Account, old_label: str = "old", new_label: str = "new",
         as_of: str | dt.date | None = None) -> AccountDiff:
    """Compare two versions of an account, map and analysis (both analysed as of the same day).

    >>> from influence_graph.model import parse_account
    >>> people = [{"id": "a", "name": "Ann", "roles": ["decision_maker"]}, {"id": "b", "name": "Bo"}]
    >>> old = parse_account({"account": {"id": "x", "name": "X"}, "people": people})
    >>> new = parse_account({"account": {"id": "x", "name": "X"}, "people": [{**people[0], "stance": "supporter"}, people[1]]})
    >>> d = diff(old, new, as_of="2026-11-20")
    >>> [c.message for c in d.map]
    ['Ann: stance unknown → supporter.']
    >>> for change in d.analysis: print(change["message"])
    Forecast support rises from 0.00 to +0.50 (+0.50).
    Ann settles at +0.50 instead of 0.00.
    Ann is now a coach candidate.
    Risk gone: No one in the decision unit is favourable to us yet.
    Risk gone: We do not know where Ann stands.
    """
    before = analyze(old, as_of=as_of, confidence=False).analysis
    after = analyze(new, as_of=before.as_of, confidence=False).analysis
    return AccountDiff(old_label, new_label, {"id": new.id, "name": new.name}, after.as_of,
                       diff_accounts(old, new), compare(before, after), before, after)


def _parts(changes: AccountDiff) -> list[tuple[str, list[str]]]:
    return [("In the map", [c.message for c in changes.map]),
            ("In the analysis", [c["message"] for c in changes.analysis])]


def render_text(changes: AccountDiff) -> str:
    """The comparison for the terminal."""
    head = f"What changed from {changes.old_label} to {changes.new_label} ({changes.account['name']}):"
    if changes.empty:
        return f"No change from {changes.old_label} to {changes.new_label} ({changes.account['name']}).\n"
    lines = [head]
    for title, items in _parts(changes):
        lines.append("")
        lines.append(f"{title} ({len(items)}):" if items else f"{title}: nothing changed.")
        lines += [f"  {item}" for item in items]
    return "\n".join(lines) + "\n"


def render_markdown(changes: AccountDiff) -> str:
    """The comparison as Markdown, every user string escaped."""
    lines = [f"## What changed from {md_text(changes.old_label)} to {md_text(changes.new_label)}",
             "", f"{md_text(changes.account['name'])}, analysed as of {changes.as_of.isoformat()}."]
    for title, items in _parts(changes):
        lines += ["", f"### {title}", ""]
        lines += [f"- {md_text(item)}" for item in items] or ["Nothing changed."]
    return "\n".join(lines) + "\n"


def review_section(changes: AccountDiff, since: str) -> dict[str, Any]:
    """The content of the plan's "Since the last review" section: ``{title, intro,
    parts: [(heading, [line, …])]}``, each part cut to :data:`SHOWN` lines. ``since``
    says what the plan is compared with, e.g. ``revision 3 (2026-11-02, by alice)``."""
    if changes.empty:
        return {"title": "Since the last review", "intro": f"Nothing has changed since {since}.", "parts": []}
    parts = []
    for title, items in _parts(changes):
        if not items:
            continue
        shown = items[:SHOWN]
        if len(items) > SHOWN:
            shown.append(f"… and {len(items) - SHOWN} more (ig diff shows them all).")
        parts.append((title, shown))
    return {"title": "Since the last review", "intro": f"Compared with {since}.", "parts": parts}
