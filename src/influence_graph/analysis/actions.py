"""Actions (DESIGN §4): the one prioritized list the briefing, the plan and the API show.

Every answer that asks for something to be done about a customer person
(an introduction to someone we cannot reach, a follow-up that is due, a coach to
test, a risk to answer, a person worth winning over) becomes a *step*; the steps
about one person merge into one action with every reason. Each action gets an
owner on our team and a by-date on the 2–3 week rhythm, spread over working days
so that nobody on our team has everything due on one day, and the list is ordered
by what the action is worth:

    worth = forecast gain (support points if they became a champion)
          + decision-unit coverage (an uncovered member's share of the unit)
          + risk removed (a weight per risk kind)
          + small weights for keeping the follow-up rhythm and testing a coach.

Introductions through the same person are asked for in one conversation: the
most valuable target's action asks for all of them, and each further target gets
a first meeting a week later.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import add_days
from .followups import OVERDUE_AFTER

# What an action is worth, in support points (the forecast's scale, -1 … +1).
COVERAGE_WORTH = 1.0  # spread over the decision unit: covering a member adds 1/len(dmu)
TOP_HOLDER_COVERAGE = 0.5  # a top power holder outside the unit counts half a member
RISK_WORTH = {
    "opponent": 0.3,
    "skeptic": 0.2,
    "competitor_tie": 0.25,
    "bottleneck": 0.15,
    "disputed_stance": 0.15,
    "single_threaded": 0.15,
    "unknown_stance": 0.1,
    "powerless_champion": 0.05,
}
FOLLOW_UP_WORTH = {"never": 0.1, "overdue": 0.1, "due": 0.05}
COACH_WORTH = 0.15
WIN_OVER_MOVES = 3  # the forecast's best moves that get an action of their own

# By-dates: days from today. Urgent steps within a week, the rest on the 2–3 week rhythm.
URGENT_DAYS = 7
RHYTHM_DAYS = 14
INTRODUCED_MEETING_DAYS = 7  # a first meeting follows the introduction by a week
# The order in which a merged action names its steps: what unblocks the rest first.
KIND_ORDER = ("introduction", "follow_up", "risk", "coach", "win_over")
_DIGITS = 6


@dataclass
class _Step:
    kind: str
    what: str
    why: list[str]
    worth: float
    days: int  # latest by-date, in days from today
    owner: str | None = None  # None: the person's usual owner
    via: str | None = None  # introductions: the person asked to introduce us
    deepen: bool = False  # an introduction to someone we have met: a follow-up says it better


@dataclass
class _Action:
    person: str
    steps: list[_Step] = field(default_factory=list)
    owner: str | None = None
    follows: _Action | None = None  # a first meeting waits for the introduction this action asks for
    by: dt.date | None = None
    what: str = ""

    @property
    def worth(self) -> float:
        return sum(step.worth for step in self.steps)

    @property
    def kinds(self) -> list[str]:
        return sorted({s.kind for s in self.steps}, key=KIND_ORDER.index)

    def latest(self) -> int:
        return min(step.days for step in self.steps)


def action_list(
    people: Mapping[str, Mapping[str, Any]],
    *,
    today: dt.date,
    close_date: dt.date | None,
    dmu: Sequence[str],
    key: Sequence[str],
    ranking: Sequence[str],
    uncovered: Sequence[Mapping[str, Any]],
    follow_ups: Sequence[Mapping[str, Any]],
    coaches: Sequence[Mapping[str, Any]],
    risks: Sequence[Mapping[str, Any]],
    moves: Sequence[Mapping[str, Any]],
    names: Mapping[str, str],
    owners: Mapping[str, str | None],
) -> list[dict[str, Any]]:
    """The action list: ``[{person, owner, what, by, why, worth, kinds}]``, best first.

    ``people`` maps customer ids to rows with ``name`` and ``in_dmu``; ``names``
    gives the name of anyone (people, our team, competitors); ``owners`` the usual
    owner of each customer person (closest member, else who touched them last,
    else our lead). The other arguments are the analysis' own answers.

    >>> a = action_list({"ana": {"name": "Ana", "in_dmu": True}}, today=dt.date(2026, 1, 5), close_date=None,
    ...     dmu=["ana"], key=["ana"], ranking=["ana"], follow_ups=[], coaches=[], risks=[], moves=[],
    ...     uncovered=[{"id": "ana", "path": [], "path_strength": 0.0}], names={"ana": "Ana", "me": "Me"},
    ...     owners={"ana": "me"})
    >>> [(x["person"], x["owner"], x["what"], x["by"].isoformat(), x["worth"]) for x in a]
    [('ana', 'me', 'Find a way in to Ana: ask our coach who Ana listens to', '2026-01-06', 1.0)]
    """
    actions: dict[str, _Action] = {}

    def add(pid: str, step: _Step) -> None:
        if pid in people:
            actions.setdefault(pid, _Action(pid)).steps.append(step)

    gains = {m["id"]: m["gain"] for m in moves}
    dmu_set, top = set(dmu), set(ranking[:5])
    met = {entry["id"] for entry in follow_ups if entry["touches"]}
    for entry in uncovered:
        add(entry["id"], _introduction(entry, names, dmu_set, top, len(dmu), entry["id"] in met))
    introduced = {entry["id"] for entry in uncovered}
    for entry in follow_ups:
        step = _follow_up(entry, names, introduced)
        if step:
            add(entry["id"], step)
    coach = _coach_test(coaches, names)
    if coach:
        add(*coach)
    for risk in risks:
        for pid, step in _risk_steps(risk, people, names):
            add(pid, step)
    for move in list(moves)[:WIN_OVER_MOVES]:
        if move["gain"] > 0:
            add(move["id"], _win_over(move, names))
    for pid, action in actions.items():  # every contact is a chance to move them
        gain = gains.get(pid, 0.0)
        if gain > 0 and "win_over" not in action.kinds:
            action.steps.append(_Step("win_over", "", [], gain, RHYTHM_DAYS))

    place = {pid: i for i, pid in enumerate(ranking)}
    ordered = sorted(actions.values(), key=lambda a: (-round(a.worth, _DIGITS), place.get(a.person, len(place)), a.person))
    for action in ordered:
        primary = min(action.steps, key=lambda s: (KIND_ORDER.index(s.kind), -s.worth))
        action.owner = primary.owner or owners.get(action.person)
        action.what = _merged_what(action)
    _ask_once_per_introducer(ordered, names)
    _schedule(ordered, today, close_date)
    return [
        {
            "person": a.person,
            "owner": a.owner,
            "what": a.what,
            "by": a.by,
            "why": [reason for step in sorted(a.steps, key=lambda s: KIND_ORDER.index(s.kind)) for reason in step.why],
            "worth": round(a.worth, _DIGITS) + 0.0,
            "kinds": a.kinds,
        }
        for a in ordered
    ]


def _introduction(entry, names, dmu, top, dmu_size, met: bool) -> _Step:
    """Reach an uncovered key person: through the warm path's first link, or, when
    we have met them already, by deepening that contact."""
    pid, path = entry["id"], entry.get("path") or []
    name = names.get(pid, pid)
    if pid in dmu:
        worth, who = COVERAGE_WORTH / max(dmu_size, 1), "in the decision unit"
    else:
        worth = TOP_HOLDER_COVERAGE * COVERAGE_WORTH / max(dmu_size, 1) if pid in top else 0.0
        who = "a top power holder" if pid in top else "a key person"
    why = [f"{name} is {who} and no one on our team is close (zipper or closer)"]
    warm = f"warm path {' → '.join(names.get(p, p) for p in path)} (strength {entry['path_strength']:.2f})"
    if met or len(path) == 2:
        why.append(f"we have met {name}, but only in passing" + (f"; {warm}" if len(path) >= 3 else ""))
        owner = path[0] if len(path) == 2 else None
        return _Step("introduction", f"Deepen the relationship with {name}: a one-to-one meeting on their priorities",
                     why, worth, RHYTHM_DAYS, owner=owner, deepen=True)
    if len(path) >= 3:
        via = f" (via {', '.join(names.get(p, p) for p in path[2:-1])})" if len(path) > 3 else ""
        what = f"Ask {names.get(path[1], path[1])} to introduce you to {name}{via}"
        return _Step("introduction", what, why + [warm], worth, RHYTHM_DAYS, owner=path[0], via=path[1])
    why.append("no warm path through anyone we know")
    return _Step("introduction", f"Find a way in to {name}: ask our coach who {name} listens to", why, worth, URGENT_DAYS)


def _follow_up(entry, names, introduced) -> _Step | None:
    pid, status, days = entry["id"], entry["status"], entry["days_since"]
    name = names.get(pid, pid)
    worth = FOLLOW_UP_WORTH.get(status, 0.0)
    promised = entry.get("next_step")
    if status == "never":
        if pid in introduced:
            return None  # the introduction is the first meeting
        return _Step("follow_up", f"First meeting with {name}", [f"no touch logged with {name} yet"], worth, URGENT_DAYS)
    follow = f"Follow up with {name}" + (f": {promised}" if promised and entry["next_step_source"] == "recorded" else "")
    if status == "overdue":
        why = f"last touch {days} days ago ({entry['last_touch']}): the 2–3 week rhythm is broken"
        return _Step("follow_up", follow, [why], worth, URGENT_DAYS)
    if status == "due":
        why = f"last touch {days} days ago: the next one keeps the 2–3 week rhythm"
        return _Step("follow_up", follow, [why], worth, max(1, OVERDUE_AFTER - int(days)))
    return None


def _coach_test(coaches, names) -> tuple[str, _Step] | None:
    """Test the strongest candidate who is not a confirmed coach yet."""
    for entry in coaches:
        if entry["confirmed"]:
            continue
        name = names.get(entry["id"], entry["id"])
        what = f"Test {name} as a coach: share our plan and ask how the decision will really be made"
        return entry["id"], _Step("coach", what, [f"best coach candidate: {'; '.join(entry['reasons'])}"], COACH_WORTH, RHYTHM_DAYS)
    return None


def _risk_steps(risk, people, names) -> list[tuple[str, _Step]]:
    kind, ids = risk["kind"], [pid for pid in risk["ids"] if pid in people]
    worth = RISK_WORTH.get(kind, 0.0)
    steps = []
    for pid in ids if kind in ("unknown_stance", "disputed_stance") else ids[:1]:
        what = _risk_what(kind, names.get(pid, pid), risk)
        if what:
            days = URGENT_DAYS if kind in ("opponent", "competitor_tie") else RHYTHM_DAYS
            steps.append((pid, _Step("risk", what, [risk["message"]], worth, days)))
    return steps


def _risk_what(kind: str, name: str, risk: Mapping[str, Any]) -> str | None:
    """What to do about one risk; None when another step already answers it."""
    return {
        "opponent": f"Find out what {name} objects to, and win over the people they listen to",
        "skeptic": f"Find out what {name} doubts, and answer it with evidence",
        "competitor_tie": f"Counter the competitor's hold on {name}: build a senior relationship of our own",
        "single_threaded": f"Bring a second person from our team to {name}",
        "bottleneck": f"Bring a second person from our team to {name}",
        "unknown_stance": f"Find out where {name} stands on our bid",
        "disputed_stance": f"Settle where {name} stands: the maps of our team disagree",
        "powerless_champion": f"Ask {name} to introduce us to the people who decide",
    }.get(kind)


def _win_over(move, names) -> _Step:
    name = names.get(move["id"], move["id"])
    why = [f"winning {name} over would raise the forecast support by {move['gain']:.2f} points"]
    return _Step("win_over", f"Win {name} over: address their concerns and show what they gain", why, move["gain"], RHYTHM_DAYS)


def _merged_what(action: _Action) -> str:
    """The primary step's words, then the next distinct one (two at most, to stay short)."""
    whats = []
    following = any(s.kind == "follow_up" for s in action.steps)
    for step in sorted(action.steps, key=lambda s: (KIND_ORDER.index(s.kind), -s.worth)):
        if step.deepen and following:
            continue
        if step.what and step.what not in whats:
            whats.append(step.what)
    if len(whats) < 2:
        return whats[0] if whats else ""
    second = whats[1]
    return f"{whats[0]}; then {second[0].lower()}{second[1:]}"


def _ask_once_per_introducer(ordered: list[_Action], names: Mapping[str, str]) -> None:
    """One introducer is asked once: the first (most valuable) action through them asks
    for every introduction, the others become first meetings after it."""
    first: dict[str, _Action] = {}
    others: dict[str, list[_Action]] = {}
    for action in ordered:
        via = next((s.via for s in action.steps if s.via), None)
        if via is None:
            continue
        if via not in first:
            first[via] = action
        else:
            others.setdefault(via, []).append(action)
    for via, asked in first.items():
        later = others.get(via, [])
        if not later:
            continue
        targets = [names.get(a.person, a.person) for a in later]
        shown = targets[:3] + ([f"{len(targets) - 3} more"] if len(targets) > 3 else [])
        also = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
        ask = next(s for s in asked.steps if s.via == via)
        ask.what += f", and to {also} in the same conversation"
        asked.what = _merged_what(asked)
        for action in later:
            intro = next(s for s in action.steps if s.via == via)
            intro.what = f"First meeting with {names.get(action.person, action.person)}, once {names.get(via, via)} has introduced you"
            action.what = _merged_what(action)
            action.follows = asked


def _working_days(start: dt.date, end: dt.date) -> list[dt.date]:
    days, day = [], start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        if day == dt.date.max:
            break
        day = add_days(day, 1)
    return days or [start]


def _schedule(ordered: list[_Action], today: dt.date, close_date: dt.date | None) -> None:
    """Give each action a by-date: the working day in its window on which its owner
    has the fewest actions so far (earliest on a tie), best actions first, and never
    after a close date still ahead. A meeting that follows an introduction comes at
    least a week after it."""
    load: dict[tuple[str | None, dt.date], int] = {}
    closing = close_date if close_date and close_date > today else None
    # Meetings after an introduction are placed once the asks they wait for have a date.
    for action in [a for a in ordered if a.follows is None] + [a for a in ordered if a.follows is not None]:
        start = add_days(today, 1)
        if action.follows is not None:
            start = max(start, add_days(action.follows.by, INTRODUCED_MEETING_DAYS))
        end = max(start, add_days(today, action.latest()))
        if action.follows is not None:
            end = max(end, add_days(start, RHYTHM_DAYS - INTRODUCED_MEETING_DAYS))
        if closing:
            start, end = min(start, closing), min(end, closing)
        day = min(_working_days(start, end), key=lambda d: (load.get((action.owner, d), 0), d))
        load[(action.owner, day)] = load.get((action.owner, day), 0) + 1
        action.by = day
