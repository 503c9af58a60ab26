"""Synthetic accounts of any size, shaped like real ones, for the benchmarks.

    from generate import synthetic_account      # with benchmarks/ on sys.path
    account = synthetic_account(1000, seed=0)

The shape: an executive office and ~25 people per department; a reporting tree
(the CEO, C-level heads in the executive office, department heads under them,
then teams of 3–8 down to level 6); 4 informal channels per person (mostly
inside their department, advice-heavy, a few strong "go-to experts" whom people
far above consult, ~7% rivalries); a decision unit of 6; a team of four with
relationships; touches over the last months; one competitor. Built through
``parse_account``, so it is a valid account file.
"""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from influence_graph.model import Account, dump_account, parse_account

FUNCTIONS = ["engineering", "procurement", "finance", "it", "operations", "quality", "sales", "legal", "hr", "logistics"]
C_TITLES = ["CFO", "CTO", "COO", "CIO", "CPO"]
# Channel kinds and how often each appears.
KIND_WEIGHTS = {
    "advice": 30, "trust": 14, "friendship": 14, "expertise": 14, "budget": 5,
    "political": 8, "alumni": 5, "family": 1, "rivalry": 7,
}
STANCES = ["champion", "supporter", "neutral", "neutral", "skeptic", "opponent", "unknown", "unknown"]
CHANNELS_PER_PERSON = 4
PEOPLE_PER_DEPARTMENT = 25


def _hierarchy(rng: random.Random, n_people: int) -> tuple[list[dict], list[dict]]:
    """Departments and people with titles and reporting lines (levels derived from depth)."""
    n_departments = max(2, n_people // PEOPLE_PER_DEPARTMENT)
    departments = [{"id": "exec", "name": "Executive Office", "function": "executive"}]
    people = [{"id": "p0", "name": "Person 0", "title": "CEO", "department": "exec"}]
    chiefs = []
    for i, title in enumerate(C_TITLES[: max(1, min(len(C_TITLES), n_people // 20))]):
        chiefs.append(f"p{len(people)}")
        people.append({"id": chiefs[-1], "name": f"Person {len(people)}", "title": title, "department": "exec", "reports_to": "p0"})
    members: dict[str, list[str]] = {}
    for d in range(n_departments):
        function = FUNCTIONS[d % len(FUNCTIONS)]
        dept = f"d{d}"
        departments.append({"id": dept, "name": f"{function.title()} {d}", "function": function, "parent": "exec"})
        head = f"p{len(people)}"
        people.append({"id": head, "name": f"Person {len(people)}", "title": f"Head of {function.title()} {d}", "department": dept, "reports_to": rng.choice(chiefs)})
        members[dept] = [head]
    depth = {p["id"]: (1 if p["id"] == "p0" else 2 if p["department"] == "exec" else 3) for p in people}
    reports: dict[str, int] = {p["id"]: 0 for p in people}
    span = {}
    while len(people) < n_people:
        dept = f"d{rng.randrange(n_departments)}"
        open_bosses = [m for m in members[dept] if depth[m] < 6 and reports[m] < span.setdefault(m, rng.randint(3, 8))]
        boss = rng.choice(open_bosses or members[dept])
        pid = f"p{len(people)}"
        depth[pid], reports[pid] = min(6, depth[boss] + 1), 0
        reports[boss] += 1
        title = "Manager" if depth[pid] <= 4 else ("Engineer" if rng.random() < 0.5 else "Specialist")
        people.append({"id": pid, "name": f"Person {len(people)}", "title": title, "department": dept, "reports_to": boss})
        members[dept].append(pid)
    return departments, people


def _channels(rng: random.Random, people: list[dict]) -> tuple[list[dict], list[str]]:
    """4 channels per person; returns them and the go-to experts (hidden power)."""
    ids = [p["id"] for p in people]
    by_dept: dict[str, list[str]] = {}
    for p in people:
        by_dept.setdefault(p["department"], []).append(p["id"])
    dept_of = {p["id"]: p["department"] for p in people}
    experts = rng.sample(ids[len(ids) // 3:], k=max(1, len(ids) // 50))
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    channels = []
    for listener in ids:
        for _ in range(CHANNELS_PER_PERSON):
            roll = rng.random()
            if roll < 0.15:
                source = rng.choice(experts)
            elif roll < 0.75:
                source = rng.choice(by_dept[dept_of[listener]])
            else:
                source = rng.choice(ids)
            if source == listener:
                continue
            kind = rng.choices(kinds, weights)[0]
            channel = {"from": source, "to": listener, "kind": kind, "strength": round(rng.uniform(0.2, 1.0), 2)}
            if kind in ("friendship", "rivalry", "alumni", "family") and rng.random() < 0.5:
                channel["mutual"] = True
            channels.append(channel)
    return channels, experts


def synthetic_account(n_people: int, seed: int = 0) -> Account:
    """A random account of ``n_people`` people (at least 10), the same for the same seed."""
    if n_people < 10:
        raise ValueError("a synthetic account needs at least 10 people")
    rng = random.Random(seed)
    departments, people = _hierarchy(rng, n_people)
    channels, experts = _channels(rng, people)
    dmu = ["p0", "p1"] + [p["id"] for p in people if p["title"].startswith("Head of")][:3] + experts[:1]
    dmu = list(dict.fromkeys(dmu))
    for p in people:
        p["stance"] = rng.choice(STANCES)
        p["roles"] = ["decision_maker"] if p["id"] in dmu else rng.choices([[], ["influencer"], ["user_buyer"], ["gatekeeper"]], [6, 2, 2, 1])[0]
    people[1]["roles"] = ["economic_buyer"]
    team = [
        {"id": "kam", "name": "Key Account Manager", "role": "key_account_manager"},
        {"id": "sa", "name": "Solution Architect", "role": "solution_architect"},
        {"id": "sponsor", "name": "Executive Sponsor", "role": "executive_sponsor", "level": 1},
        {"id": "svc", "name": "Service Lead", "role": "service"},
    ]
    contacts = rng.sample([p["id"] for p in people], k=min(len(people), 12))
    relationships = [
        {"member": rng.choice([m["id"] for m in team]), "person": pid, "strength": rng.choice(["clip", "zipper", "velcro"])}
        for pid in contacts
    ]
    today = dt.date(2026, 11, 20)
    touches = [
        {
            "date": (today - dt.timedelta(days=rng.randint(1, 120))).isoformat(),
            "member": rng.choice([m["id"] for m in team]),
            "people": rng.sample(contacts, k=2),
            "kind": rng.choice(["meeting", "call", "visit", "email"]),
            "summary": "follow-up",
        }
        for _ in range(max(6, len(contacts)))
    ]
    dept_ids = [d["id"] for d in departments[1:]]
    department_relations = [{"a": dept_ids[0], "b": dept_ids[1], "kind": "rivalry", "strength": 0.6}]
    data: dict[str, Any] = {
        "format": "influence-graph/1",
        "account": {"id": f"synthetic-{n_people}-{seed}", "name": f"Synthetic {n_people} (seed {seed})", "industry": "Manufacturing"},
        "departments": departments,
        "people": people,
        "channels": channels,
        "department_relations": department_relations,
        "team": team,
        "relationships": relationships,
        "competitors": [{"id": "rivalco", "name": "RivalCo"}],
        "competitor_relationships": [{"competitor": "rivalco", "person": pid, "strength": "zipper"} for pid in rng.sample(dmu, k=2)],
        "touches": touches,
        "opportunity": {"name": "Platform renewal", "value": 5_000_000, "currency": "EUR", "close_date": "2027-03-31", "decision_unit": dmu},
    }
    return parse_account(data, name=f"<synthetic {n_people}>")


def write_account(people: int, folder: Path) -> Path:
    """``folder/synthetic-PEOPLE.yaml``: the account of ``people`` (seed 0) as a file, written if missing."""
    path = folder / f"synthetic-{people}.yaml"
    if not path.exists():
        path.write_text(dump_account(synthetic_account(people, seed=0)), encoding="utf-8")
    return path
