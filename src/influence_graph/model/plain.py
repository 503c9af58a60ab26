"""The first step of validation: data of any origin made plain, or refused.

The rules after this step (pydantic's fields, then the cross-item checks) read
the data as JSON would give it: mappings with text keys, lists, text, numbers,
true/false, null (and dates, which only date fields accept). Anything else is
refused here, with its place, before any rule sees it — so no rule can read a
value differently from another: pydantic would turn bytes into text and a set
into a list *after* the cross-item checks had skipped them as not-text, which let
a dangling reference through to the analysis.

Some values are converted instead, because they mean plain data in Python
(a tuple, an enum member, a numpy number). Every value is also held to the
limits of :mod:`.limits`.
"""
from __future__ import annotations

import datetime as dt
import enum
import numbers
from typing import Any

from .limits import MAX_DEPTH, MAX_KEY_LENGTH, MAX_NUMBER, MAX_TEXT_LENGTH, TOO_DEEP, key_problem, number_problem, text_problem

Path_ = tuple[str | int, ...]


class Refused:
    """Stands in the data for a value a reader refused: ``why`` says why, or is
    None when the reader has reported it already (with its line).

    The later rules skip it: pydantic's complaint about it is dropped, and the
    cross-item checks read it as not-an-id.
    """

    __slots__ = ("why",)

    def __init__(self, why: str | None = None):
        self.why = why

    def __repr__(self) -> str:
        return "<refused>"


REFUSED = Refused()


class KeysGivenTwice(dict):
    """A mapping whose source gave some keys twice (a JSON object read with
    :func:`pairs_to_dict`); ``twice`` names them. Only the last value is kept."""

    twice: list[str]


def pairs_to_dict(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json.loads``'s ``object_pairs_hook``: a dict, remembering keys given twice.

    >>> import json
    >>> json.loads('{"a": 1, "a": 2}', object_pairs_hook=pairs_to_dict).twice
    ['a']
    """
    mapping = dict(pairs)
    if len(mapping) == len(pairs):
        return mapping
    twice = KeysGivenTwice(mapping)
    seen: set[str] = set()
    twice.twice = list(dict.fromkeys(key for key, _ in pairs if key in seen or seen.add(key)))  # type: ignore[func-returns-value]
    return twice


_REFUSED_TYPES = {
    bytes: "binary data is not allowed here; write text",
    bytearray: "binary data is not allowed here; write text",
    set: "a set is not allowed here; write a list",
    frozenset: "a set is not allowed here; write a list",
}


def _converted(value: Any) -> tuple[Any, str | None]:
    """(plain value, None) for a value that means plain data; (REFUSED, problem) otherwise."""
    if isinstance(value, enum.Enum):
        return value.value, None
    if isinstance(value, str):
        return str.__str__(value), None
    if isinstance(value, numbers.Integral):
        return int(value), None
    if isinstance(value, numbers.Real):
        return float(value), None
    return REFUSED, _REFUSED_TYPES.get(type(value)) or f"a {type(value).__name__} value is not allowed here"


def plain_data(data: Any) -> tuple[Any, list[tuple[Path_, str]], set[Path_]]:
    """``data`` made plain: (the data, its problems as (path, message), the refused paths).

    The data is returned as given when nothing needed converting (the usual case:
    no copy); otherwise a copy with the converted values, and :data:`REFUSED` in
    place of each refused one. Walks iteratively, each shared object once (YAML
    aliases, Python references), so neither depth nor sharing can blow it up.

    >>> plain_data({"people": [{"id": b"x"}]})[1]
    [(('people', 0, 'id'), 'binary data is not allowed here; write text')]
    >>> plain_data({"tags": ("a", "b")})[0]
    {'tags': ['a', 'b']}
    """
    problems: list[tuple[Path_, str]] = []
    refused: set[Path_] = set()
    changes: dict[Path_, Any] = {}  # path -> its plain value (a container: copied as a plain dict or list)
    seen: set[int] = set()
    stack: list[tuple[Path_, Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        kind = type(value)
        if kind is str:
            problem = text_problem(value)
        elif kind is int or kind is float:
            problem = number_problem(value)
        elif kind is bool or value is None or kind is dt.date or kind is dt.datetime:
            continue
        elif kind is Refused:
            refused.add(path)
            if value.why:
                problems.append((path, value.why))
            continue
        elif isinstance(value, (dict, list, tuple)):
            if id(value) in seen:
                continue
            seen.add(id(value))
            if len(path) >= MAX_DEPTH:
                problem = TOO_DEEP
            else:
                stack.extend(_children(value, path, problems, changes))
                continue
        else:
            value, problem = _converted(value)
            if problem is None:
                changes[path] = value
                stack.append((path, value))
                continue
        if problem is not None:
            problems.append((path, problem))
            refused.add(path)
            changes[path] = REFUSED
    return (_with_changes(data, changes) if changes else data), problems, refused


def _children(value: Any, path: Path_, problems: list, changes: dict) -> list[tuple[Path_, Any]]:
    """The items of a list or mapping still to check: text, numbers, true/false and
    null within the limits are passed here, in the loop (most of a file, and the
    reason this walk is fast). A key that breaks the rules is reported and left out,
    so the rest of its mapping is still checked."""
    if isinstance(value, dict):
        for key in getattr(value, "twice", ()):
            problems.append((path + (key,), f"key {key!r} is given twice; only one is allowed"))
        if type(value) is not dict or not all(type(key) is str and len(key) <= MAX_KEY_LENGTH for key in value):
            problems.extend((path, problem) for key in value if (problem := key_problem(key)) is not None)
            changes[path] = value = {key: item for key, item in value.items() if key_problem(key) is None}
        items: Any = value.items()
    else:
        if type(value) is not list:
            changes[path] = value  # a tuple: copied as a list
        items = enumerate(value)
    pending = []
    for key, item in items:
        kind = type(item)
        if kind is str:
            if len(item) <= MAX_TEXT_LENGTH:
                continue
        elif kind is int or kind is float:
            if -MAX_NUMBER <= item <= MAX_NUMBER:  # False for nan: checked below
                continue
        elif kind is bool or item is None:
            continue
        pending.append((path + (key,), item))
    return pending


def _with_changes(data: Any, changes: dict[Path_, Any]) -> Any:
    """A copy of ``data`` with the value at each path of ``changes`` put in; only the
    containers on the way to a change are copied, the rest is shared."""
    copies: dict[Path_, Any] = {}

    def copied(path: Path_, original: Any) -> Any:
        if path not in copies:
            copies[path] = dict(original) if isinstance(original, dict) else list(original)
        return copies[path]

    if not isinstance(changes.get((), data), (dict, list, tuple)):
        return changes[()]  # the whole document refused
    root = copied((), changes.get((), data))
    for path in sorted(changes, key=len):
        parent = root
        for depth in range(1, len(path)):
            child = parent[path[depth - 1]]
            if not isinstance(child, (dict, list, tuple)):
                break  # under a refused value
            parent[path[depth - 1]] = parent = copied(path[:depth], child)
        else:
            if path:
                change = changes[path]
                parent[path[-1]] = copied(path, change) if isinstance(change, (dict, list, tuple)) else change
    return root
