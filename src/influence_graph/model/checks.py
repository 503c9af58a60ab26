"""Rules that look across items: duplicate ids, dangling references, self-loops,
reporting and department cycles.

They run on the parsed data after it was made plain (:mod:`.plain`: only
mappings, lists, text, numbers, true/false and null are left), not on the
pydantic model, so they still find problems in a file whose structure is broken
elsewhere: every problem is reported in one go. Because the data is plain, a
value these rules skip as not-an-id is one pydantic refuses too: no reference
can reach the analysis unchecked.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..sanitize import terminal_text
from .errors import Problem
from .limits import MAX_ID_LENGTH

ProblemAt = Callable[[tuple, str], Problem]
SHOWN_KEY = 60  # characters of a key shown in a location: enough to recognize it

ID_SECTIONS = ("departments", "people", "team", "competitors")
SECTION_NOUN = {
    "departments": "department",
    "people": "person",
    "team": "team member",
    "competitors": "competitor",
}
# (section, field, section the field refers to, many values?)
REFERENCES = [
    ("departments", "parent", "departments", False),
    ("people", "department", "departments", False),
    ("people", "reports_to", "people", False),
    ("channels", "from", "people", False),
    ("channels", "to", "people", False),
    ("department_relations", "a", "departments", False),
    ("department_relations", "b", "departments", False),
    ("relationships", "member", "team", False),
    ("relationships", "person", "people", False),
    ("competitor_relationships", "competitor", "competitors", False),
    ("competitor_relationships", "person", "people", False),
    ("touches", "member", "team", False),
    ("touches", "people", "people", True),
]
SELF_LOOPS = [
    ("departments", "id", "parent", "a department cannot be its own parent"),
    ("people", "id", "reports_to", "a person cannot report to themselves"),
    ("channels", "from", "to", "a channel cannot run from a person to themselves"),
    ("department_relations", "a", "b", "a department cannot have a relation with itself"),
]


def _items(data: dict, section: str) -> Iterator[tuple[int, dict]]:
    items = data.get(section)
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield index, item


def _shown_id(item: Any) -> str | None:
    """An item's id as a label, if it has one fit to show (short, printable)."""
    item_id = item.get("id") if isinstance(item, dict) else None
    if isinstance(item_id, str) and item_id and len(item_id) <= MAX_ID_LENGTH and item_id.isprintable():
        return item_id
    return None


def item_label(data: Any, loc: tuple) -> str:
    """Readable location: ("people", 3, "stance") -> "people[zhao].stance" (by id where known).

    >>> item_label({"people": [{"id": "zhao"}]}, ("people", 0, "stance"))
    'people[zhao].stance'
    >>> item_label({}, ("people", 0, "x\x1b[2J"))
    'people[0].x\\\\x1b[2J'
    """
    text = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            label = str(part)
            if isinstance(node, list) and 0 <= part < len(node):
                node = node[part]
                label = _shown_id(node) or label
            else:
                node = None
            text += f"[{label}]"
        else:
            key = terminal_text(str(part), limit=SHOWN_KEY)  # whatever the file holds: shown, never obeyed
            text += f".{key}" if text else key
            node = node.get(part) if isinstance(node, dict) else None
    return text


def _ids(data: dict, section: str) -> set[str]:
    return {item["id"] for _, item in _items(data, section) if isinstance(item.get("id"), str)}


def cross_item_problems(data: dict, problem_at: ProblemAt) -> list[Problem]:
    """Every cross-item problem in plain ``data``; ``problem_at(path, message)`` locates each."""
    problems: list[Problem] = []

    def add(loc: tuple, message: str) -> None:
        problems.append(problem_at(loc, message))

    owner: dict[str, str] = {}
    for section in ID_SECTIONS:
        seen: set[str] = set()
        for index, item in _items(data, section):
            item_id = item.get("id")
            if not isinstance(item_id, str):
                continue
            if item_id in seen:
                add((section, index, "id"), f"duplicate {SECTION_NOUN[section]} id {item_id!r}")
            elif item_id in owner and section != "departments" and owner[item_id] != "departments":
                add((section, index, "id"), f"id {item_id!r} is already used in {owner[item_id]}; people, team members and competitors need distinct ids")
            seen.add(item_id)
            owner.setdefault(item_id, section)

    known = {section: _ids(data, section) for section in ID_SECTIONS}
    for section, field, target, many in REFERENCES:
        for index, item in _items(data, section):
            values = item.get(field)
            # A list field is located by element (touches[0].people[1]), a single one by field.
            if many and isinstance(values, list):
                located = [((section, index, field, i), value) for i, value in enumerate(values)]
            else:
                located = [((section, index, field), values)]
            for loc, value in located:
                if isinstance(value, str) and value not in known[target]:
                    add(loc, f"refers to unknown {SECTION_NOUN[target]} {value!r}")

    opportunity = data.get("opportunity")
    lists_of_people = [(("touches", index, "people"), item.get("people")) for index, item in _items(data, "touches")]
    if isinstance(opportunity, dict) and isinstance(opportunity.get("decision_unit"), list):
        for index, value in enumerate(opportunity["decision_unit"]):
            if isinstance(value, str) and value not in known["people"]:
                add(("opportunity", "decision_unit", index), f"refers to unknown person {value!r}")
        lists_of_people.append((("opportunity", "decision_unit"), opportunity["decision_unit"]))
    for loc, values in lists_of_people:  # a person counted twice would weigh twice in the forecast
        listed: set[str] = set()
        for index, value in enumerate(values if isinstance(values, list) else []):
            if not isinstance(value, str):
                continue
            if value in listed:
                add(loc + (index,), f"person {value!r} is listed twice")
            listed.add(value)

    for section, field_a, field_b, message in SELF_LOOPS:
        for index, item in _items(data, section):
            if isinstance(item.get(field_a), str) and item.get(field_a) == item.get(field_b):
                add((section, index, field_b), message)

    for section, field, noun in (("people", "reports_to", "reporting line"), ("departments", "parent", "department parent")):
        for loc, cycle in _cycles(data, section, field):
            add(loc, f"{noun} cycle: {' -> '.join(cycle)}")
    return problems


def _cycles(data: dict, section: str, field: str) -> list[tuple[tuple, list[str]]]:
    """Each cycle of ``field`` links (ignoring self-loops, reported apart), once."""
    parent: dict[str, str] = {}
    index_of: dict[str, int] = {}
    for index, item in _items(data, section):
        item_id, up = item.get("id"), item.get(field)
        if isinstance(item_id, str) and isinstance(up, str) and up != item_id:
            parent.setdefault(item_id, up)
            index_of.setdefault(item_id, index)
    reported: set[str] = set()
    cycles = []
    for start in sorted(parent):
        path, node = [], start
        position: dict[str, int] = {}
        while node in parent and node not in position and node not in reported:
            position[node] = len(path)
            path.append(node)
            node = parent[node]
        if node in position:
            cycle = path[position[node]:]
            reported.update(cycle)
            first = min(cycle)
            rotated = cycle[cycle.index(first):] + cycle[: cycle.index(first)]
            cycles.append(((section, index_of[first], field), rotated + [first]))
        reported.update(path)
    return cycles
