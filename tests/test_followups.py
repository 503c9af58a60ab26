"""Follow-up status per key person, counted against an explicit "today"."""
from __future__ import annotations

import datetime as dt

from influence_graph.analysis.followups import follow_ups
from influence_graph.model import parse_account

TODAY = dt.date(2026, 11, 20)


def account(touches, people=("a", "b", "c", "d", "e")):
    return parse_account({
        "account": {"id": "acme", "name": "Acme"},
        "people": [{"id": p, "name": p.upper()} for p in people],
        "team": [{"id": "kam", "name": "Kim"}],
        "touches": touches,
    })


def days_ago(n):
    return (TODAY - dt.timedelta(days=n)).isoformat()


def test_status_boundaries_and_urgency_order():
    acc = account([
        {"date": days_ago(13), "people": ["a"]},
        {"date": days_ago(14), "people": ["b"]},
        {"date": days_ago(21), "people": ["c"]},
        {"date": days_ago(22), "people": ["d"]},
    ])
    rows = follow_ups(acc, ["a", "b", "c", "d", "e"], TODAY)
    assert [(r["id"], r["days_since"], r["status"]) for r in rows] == [
        ("e", None, "never"),
        ("d", 22, "overdue"),
        ("c", 21, "due"),
        ("b", 14, "due"),
        ("a", 13, "ok"),
    ]
    assert rows[0]["last_touch"] is None and rows[0]["touches"] == 0
    assert rows[1]["last_touch"] == days_ago(22)


def test_counts_every_past_touch_and_ignores_planned_ones():
    acc = account([
        {"date": days_ago(40), "people": ["a", "b"], "next_step": "send pricing"},
        {"date": days_ago(5), "people": ["a"], "kind": "call"},
        {"date": (TODAY + dt.timedelta(days=3)).isoformat(), "people": ["b"], "kind": "visit"},
        {"date": (TODAY + dt.timedelta(days=9)).isoformat(), "people": ["c"], "kind": "meeting"},
    ])
    rows = {r["id"]: r for r in follow_ups(acc, ["a", "b", "c"], TODAY)}
    assert (rows["a"]["touches"], rows["a"]["days_since"], rows["a"]["status"]) == (2, 5, "ok")
    assert (rows["b"]["touches"], rows["b"]["days_since"], rows["b"]["status"]) == (1, 40, "overdue")
    assert (rows["c"]["touches"], rows["c"]["status"]) == (0, "never")
    assert rows["a"]["next_step"] == "send pricing"
    assert rows["c"]["next_step"] == f"planned meeting on {(TODAY + dt.timedelta(days=9)).isoformat()}"


def test_latest_recorded_next_step_wins_and_suggestions_fill_gaps():
    acc = account([
        {"date": days_ago(30), "people": ["a"], "next_step": "old step"},
        {"date": days_ago(25), "people": ["a"], "next_step": "demo", "next_date": "2026-12-01"},
        {"date": days_ago(16), "people": ["b"]},
        {"date": days_ago(25), "people": ["c"]},
    ])
    rows = {r["id"]: r for r in follow_ups(acc, ["a", "b", "c", "d"], TODAY)}
    assert rows["a"]["next_step"] == "demo (by 2026-12-01)"
    assert rows["b"]["next_step"] == "follow up within 6 days"
    assert rows["c"]["next_step"] == "follow up now: 25 days since the last touch"
    assert rows["d"]["next_step"] == "arrange a first meeting"


def test_ties_keep_the_key_order_and_duplicates_appear_once():
    rows = follow_ups(account([]), ["c", "a", "c", "b"], TODAY)
    assert [r["id"] for r in rows] == ["c", "a", "b"]
