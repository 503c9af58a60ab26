"""What changed between two versions of an account, item by item, in plain words.

The map side of ``ig diff``, and the one-line summary every stored revision
carries. Items are matched by identity (:data:`KEYS`): people, departments, team
members and competitors by id; a channel by ``from``, ``to`` and ``kind``; a
relationship by its two ends; a touch has no id and is matched whole (an edited
touch is one removed and one added). The merge engine (:mod:`.merge`) matches
items the same way.

>>> from influence_graph.model import parse_account
>>> old = parse_account({"account": {"id": "x", "name": "X"},
...     "people": [{"id": "zhao", "name": "Zhao Ming", "title": "CEO", "stance": "neutral"}]})
>>> new = parse_account({"account": {"id": "x", "name": "X"},
...     "people": [{"id": "zhao", "name": "Zhao Ming", "title": "CEO", "stance": "supporter"},
...                {"id": "li", "name": "Li Wei"}],
...     "channels": [{"from": "li", "to": "zhao", "kind": "advice", "strength": 0.8}]})
>>> [c.message for c in diff_accounts(old, new)]
['New person: Li Wei.', 'Zhao Ming (CEO): stance neutral → supporter.', 'New channel: Li Wei → Zhao Ming (CEO) (advice, strength 0.8).']
>>> summarize(diff_accounts(old, new))
'New person: Li Wei; Zhao Ming (CEO): stance neutral → supporter; New channel: Li Wei → Zhao Ming (CEO) (advice, strength 0.8)'
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .account import Account, signed, titled

# Sections in file order; the two singletons are mappings, the rest lists of items.
SECTIONS = tuple(name for name in Account.model_fields if name != "format")
SINGLETONS = ("account", "opportunity")
# The fields that identify an item of each list section; touches are matched whole.
KEYS: dict[str, tuple[str, ...]] = {
    "departments": ("id",),
    "people": ("id",),
    "channels": ("from", "to", "kind"),
    "department_relations": ("a", "b", "kind"),
    "team": ("id",),
    "relationships": ("member", "person"),
    "competitors": ("id",),
    "competitor_relationships": ("competitor", "person"),
}
NOUNS = {
    "account": ("account", "account"),
    "departments": ("department", "departments"),
    "people": ("person", "people"),
    "channels": ("channel", "channels"),
    "department_relations": ("department relation", "department relations"),
    "team": ("team member", "team members"),
    "relationships": ("relationship", "relationships"),
    "competitors": ("competitor", "competitors"),
    "competitor_relationships": ("competitor relationship", "competitor relationships"),
    "touches": ("touch", "touches"),
    "opportunity": ("opportunity", "opportunities"),
}
# Free text: a diff says that it changed, not what it says (it can be long).
TEXT_FIELDS = frozenset({"notes", "personality", "evidence", "summary", "next_step"})
SUMMARY_LIMIT = 200  # characters in a revision's one-line summary


def item_key(section: str, item: dict[str, Any]) -> tuple:
    """The identity of an item of a list section: ``("zhao",)``, ``("li", "zhao", "advice")``;
    a touch's whole content."""
    fields = KEYS.get(section)
    if fields is None:
        return (json.dumps(item, sort_keys=True, ensure_ascii=False),)
    return tuple(item.get(name) for name in fields)


def keyed_items(section: str, items: list[dict[str, Any]]) -> dict[tuple, dict[str, Any]]:
    """The items of a section by identity, in order; a repeated identity (two equal
    touches) gets its occurrence number appended, so nothing is dropped.

    >>> list(keyed_items("touches", [{"date": "2026-01-01"}] * 2))
    [('{"date": "2026-01-01"}',), ('{"date": "2026-01-01"}', 1)]
    """
    found: dict[tuple, dict[str, Any]] = {}
    for item in items:
        base = key = item_key(section, item)
        repeat = 0
        while key in found:
            repeat += 1
            key = base + (repeat,)
        found[key] = item
    return found


@dataclass(frozen=True)
class Change:
    """One difference: an item ``added`` or ``removed``, or one field of it ``changed``.

    ``ids`` are the customer people concerned; ``key`` names the item (its identity
    fields; a touch's date).
    """

    section: str
    kind: str
    key: tuple
    field: str | None
    old: Any
    new: Any
    ids: tuple[str, ...]
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"section": self.section, "kind": self.kind, "key": list(self.key), "field": self.field,
                "old": self.old, "new": self.new, "ids": list(self.ids), "message": self.message}


class _Names:
    """How items are named in messages, from both versions (the newer wins)."""

    def __init__(self, *datas: dict[str, Any]):
        self.people: dict[str, str] = {}
        self.others: dict[str, str] = {}
        for data in datas:
            for p in data.get("people", []):
                self.people[p["id"]] = titled(p.get("name") or p["id"], p.get("title"))
            for section in ("team", "competitors", "departments"):
                for item in data.get(section, []):
                    self.others[item["id"]] = item.get("name") or item["id"]

    def person(self, pid: str | None) -> str:
        return self.people.get(pid, pid) if pid else "no one"

    def other(self, item_id: str | None) -> str:
        return self.others.get(item_id, item_id) if item_id else "no one"

    def item(self, section: str, item: dict[str, Any]) -> str:
        """``Zhao Ming (CEO)``, ``Li Wei → Zhao Ming (advice)``, ``Jiang Tao – Li Wei``, …"""
        if section == "people":
            return self.person(item["id"])
        if section == "channels":
            arrow = "↔" if item.get("mutual") else "→"
            return f"{self.person(item['from'])} {arrow} {self.person(item['to'])} ({item['kind']})"
        if section == "relationships":
            return f"{self.other(item['member'])} – {self.person(item['person'])}"
        if section == "competitor_relationships":
            return f"{self.other(item['competitor'])} – {self.person(item['person'])}"
        if section == "department_relations":
            return f"{self.other(item['a'])} – {self.other(item['b'])} ({item['kind']})"
        if section == "touches":
            return _touch_text(item, self)
        if section == "opportunity":
            return f"Opportunity {item.get('name', '')}".rstrip()
        if section == "account":
            return "Account"
        return self.other(item["id"])


def _touch_text(touch: dict[str, Any], names: _Names) -> str:
    text = f"on {touch['date']}" + (f" ({touch['kind']})" if touch.get("kind") else "")
    if touch.get("member"):
        text += f" by {names.other(touch['member'])}"
    if touch.get("people"):
        text += " with " + _join([names.person(p) for p in touch["people"]])
    return text


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1] if words else ""


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _stance(value: Any) -> str:
    if value is None:
        return "unknown"
    return signed(value) if isinstance(value, (int, float)) else str(value)


def people_of(section: str, item: dict[str, Any]) -> tuple[str, ...]:
    """The customer people an item is about."""
    if section == "people":
        return (item["id"],)
    if section == "channels":
        return (item["from"], item["to"])
    if section in ("relationships", "competitor_relationships"):
        return (item["person"],)
    if section == "touches":
        return tuple(item.get("people", []))
    if section == "opportunity":
        return tuple(item.get("decision_unit") or [])
    return ()


def _added(section: str, item: dict[str, Any], names: _Names) -> str:
    """A new item as said in a message: with a person's stance, a channel's strength."""
    name = names.item(section, item)
    if section == "people" and "stance" in item:
        return f"{name}, {_stance(item['stance'])}"
    if section in ("channels", "department_relations"):
        return f"{name[:-1]}, strength {_number(item.get('strength', 0.5))})"
    if section in ("relationships", "competitor_relationships"):
        return f"{name} ({_number(item.get('strength', 'zipper'))})"
    if section == "opportunity":
        return item.get("name", "")
    return name


def _field_message(section: str, name: str, field: str, old: Any, new: Any, names: _Names) -> str:
    if field == "stance":
        return f"{name}: stance {_stance(old)} → {_stance(new)}."
    if field == "reports_to":
        if new is None:
            return f"{name} no longer reports to anyone (was {names.person(old)})."
        was = f" (was {names.person(old)})" if old else ""
        return f"{name} now reports to {names.person(new)}{was}."
    if field in TEXT_FIELDS:
        return f"{name}: {field.replace('_', ' ')} changed."
    if field == "contact":
        keys = sorted(set(old or {}) ^ set(new or {}) | {k for k in set(old or {}) & set(new or {}) if old[k] != new[k]})
        return f"{name}: contact details changed ({', '.join(keys)})."
    if isinstance(old, list) or isinstance(new, list):
        show = names.person if field in ("people", "decision_unit") else str
        gained = [show(v) for v in new or [] if v not in (old or [])]
        lost = [show(v) for v in old or [] if v not in (new or [])]
        parts = ([f"+ {', '.join(gained)}"] if gained else []) + ([f"− {', '.join(lost)}"] if lost else [])
        return f"{name}: {field.replace('_', ' ')} {'; '.join(parts) or 'reordered'}."
    show = names.other if field in ("department", "parent", "member") else _number
    was = "none" if old is None else show(old)
    now = "none" if new is None else show(new)
    return f"{name}: {field.replace('_', ' ')} {was} → {now}."


def _item_changes(section: str, key: tuple, old: dict, new: dict, names: _Names) -> list[Change]:
    name = names.item(section, new)
    ids = people_of(section, new)
    changes = []
    for field in list(dict.fromkeys([*new, *old])):
        before, after = old.get(field), new.get(field)
        if before == after:
            continue
        field_ids = ids
        if field in ("decision_unit", "people"):
            field_ids = tuple(sorted(set(before or []) ^ set(after or [])))
        changes.append(Change(section, "changed", key, field, before, after, field_ids,
                              _field_message(section, name, field, before, after, names)))
    return changes


def _display_key(section: str, key: tuple, item: dict[str, Any]) -> tuple:
    if section == "touches":
        return (item["date"],)
    return key


def diff_data(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """:func:`diff_accounts` on plain account data (``Account.to_data()``)."""
    names = _Names(old, new)
    changes: list[Change] = []
    for section in SECTIONS:
        noun = NOUNS[section][0]
        if section in SINGLETONS:
            before, after = old.get(section), new.get(section)
            if before == after:
                continue
            key = (section,)
            if before is None:
                changes.append(Change(section, "added", key, None, None, after, people_of(section, after),
                                      f"New {noun}: {_added(section, after, names)}."))
            elif after is None:
                changes.append(Change(section, "removed", key, None, before, None, people_of(section, before),
                                      f"Removed the {noun}: {before.get('name', '')}."))
            else:
                changes += _item_changes(section, key, before, after, names)
            continue
        before = keyed_items(section, old.get(section, []))
        after = keyed_items(section, new.get(section, []))
        for key, item in after.items():
            shown = _display_key(section, key, item)
            if key not in before:
                changes.append(Change(section, "added", shown, None, None, item, people_of(section, item),
                                      f"New {noun}{_colon(section)}{_added(section, item, names)}."))
            elif before[key] != item:
                changes += _item_changes(section, shown, before[key], item, names)
        for key, item in before.items():
            if key not in after:
                changes.append(Change(section, "removed", _display_key(section, key, item), None, item, None,
                                      people_of(section, item),
                                      f"Removed {noun}{_colon(section)}{names.item(section, item)}."))
    return _in_section_order(changes)


def _colon(section: str) -> str:
    return " " if section == "touches" else ": "  # "New touch on 2026-10-12", "New person: Li Wei"


def _in_section_order(changes: list[Change]) -> list[Change]:
    """Within a section: added, then changed, then removed (stable)."""
    order = {"added": 0, "changed": 1, "removed": 2}
    return sorted(changes, key=lambda c: (SECTIONS.index(c.section), order[c.kind]))


def diff_accounts(old: Account | None, new: Account) -> list[Change]:
    """Every difference from ``old`` to ``new``, section by section in file order
    (within a section: added, changed, removed). ``old=None`` means everything is new."""
    return diff_data(old.to_data() if old is not None else {}, new.to_data())


def summarize(changes: list[Change], limit: int = SUMMARY_LIMIT) -> str:
    """The changes in one line: up to three spelled out; more are counted, stances
    always named first (they move the forecast).

    >>> summarize([])
    'no change to the map'
    """
    if not changes:
        return "no change to the map"
    if len(changes) <= 3:
        text = "; ".join(c.message.rstrip(".") for c in changes)
    else:
        stances = [c for c in changes if c.field == "stance"]
        parts = [c.message.rstrip(".") for c in stances] if len(stances) <= 2 else [f"{len(stances)} stances changed"]
        counts = Counter((c.section, c.kind) for c in changes if c.field != "stance" or c.section != "people")
        for (section, kind), n in counts.items():
            if section == "people" and kind == "changed":
                n = len({c.key for c in changes if c.section == "people" and c.kind == "changed" and c.field != "stance"})
                if not n:
                    continue
            singular, plural = NOUNS[section]
            parts.append(f"{n} {singular if n == 1 else plural} {kind}")
        text = "; ".join(parts)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def describe_new(account: Account) -> str:
    """The summary of an account's first revision: what it holds.

    >>> from influence_graph.model import parse_account
    >>> describe_new(parse_account({"account": {"id": "x", "name": "X"}, "people": [{"id": "a", "name": "A"}]}))
    'created with 1 person'
    """
    counts = [(len(account.people), "person", "people"), (len(account.channels), "channel", "channels"),
              (len(account.team), "team member", "team members"), (len(account.touches), "touch", "touches")]
    parts = [f"{n} {one if n == 1 else many}" for n, one, many in counts if n]
    return "created with " + (", ".join(parts) if parts else "no people yet")
