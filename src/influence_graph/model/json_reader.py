"""JSON text to plain data: as fast as ``json.loads``, with every problem placed.

``json.loads`` does the reading (a hook only notes keys given twice). What a JSON
file cannot show through it is found on the rare failure or on demand: a number
too long to convert is read again with a bound; nesting too deep for the parser is
located by a scan of the brackets; and the line of each value is worked out only
when a problem needs one (:class:`JsonLines`).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from .limits import MAX_DEPTH, MAX_NUMBER_TEXT, TOO_DEEP, long_number_problem
from .plain import Path_, Refused, pairs_to_dict


class JsonProblem(ValueError):
    """The text is not JSON the format can read: ``message``, at ``line`` (or None)."""

    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.message, self.line = message, line


def _bounded_int(text: str) -> int | Refused:
    return int(text) if len(text) <= MAX_NUMBER_TEXT else Refused(long_number_problem(text))


def read_json(text: str) -> Any:
    """The data in ``text``; :class:`JsonProblem` if it is not JSON.

    A key given twice makes a :class:`~.plain.KeysGivenTwice` mapping and a number
    too long to read a :class:`~.plain.Refused` value, which validation reports in
    place; nesting too deep to parse is a :class:`JsonProblem` with its line.

    >>> read_json('{"a": [1, 2.5, "x", null]}')
    {'a': [1, 2.5, 'x', None]}
    """
    try:
        return json.loads(text, object_pairs_hook=pairs_to_dict)
    except json.JSONDecodeError as exc:
        raise JsonProblem(f"not valid JSON (column {exc.colno}): {exc.msg}", exc.lineno) from None
    except RecursionError:
        line, column = _too_deep_at(text)
        raise JsonProblem(f"not readable JSON (column {column}): {TOO_DEEP}", line) from None
    except ValueError:  # a number past Python's 4,300-digit limit: read again, refusing long numbers
        return json.loads(text, object_pairs_hook=pairs_to_dict, parse_int=_bounded_int)


_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]')


def _too_deep_at(text: str) -> tuple[int, int]:
    """(line, column) of the first bracket past :data:`~.limits.MAX_DEPTH` levels."""
    depth = 0
    for match in _BRACKETS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                start = match.start()
                return text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)
        elif token in "]}":
            depth -= 1
    return 1, 1


_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')


def json_lines(text: str) -> dict[Path_, int]:
    """Each path's line in a valid JSON ``text`` (an object member's is its key's line).

    >>> json_lines('{"a": 1,\\n "b": [\\n  2]}')
    {(): 1, ('a',): 1, ('b',): 2, ('b', 0): 3}
    """
    lines: dict[Path_, int] = {}
    stack: list[list[Any]] = []  # open containers: [path, is_object, key or index, key's line]
    line, last = 1, 0
    for match in _TOKENS.finditer(text):
        token, start = match.group(), match.start()
        line += text.count("\n", last, start)
        last = start
        if token in ",:":
            if token == "," and not stack[-1][1]:
                stack[-1][2] += 1
            continue
        if token in "]}":
            stack.pop()
            continue
        top = stack[-1] if stack else None
        if top is not None and top[1] and token[0] == '"' and top[2] is None:
            top[2], top[3] = json.loads(token), line  # an object's key
            continue
        here = () if top is None else top[0] + (top[2],)
        lines.setdefault(here, top[3] if top is not None and top[1] else line)
        if top is not None and top[1]:
            top[2] = None  # the next token in this object is a key
        if token in "[{":
            stack.append([here, token == "{", None if token == "{" else 0, line])
    return lines


class JsonLines(Mapping):
    """:func:`json_lines` of ``text``, worked out on first use: a file without
    problems never needs them, and reading them costs more than the parse."""

    def __init__(self, text: str):
        self._text = text
        self._lines: dict[Path_, int] | None = None

    def _computed(self) -> dict[Path_, int]:
        if self._lines is None:
            self._lines = json_lines(self._text)
        return self._lines

    def __getitem__(self, path: Path_) -> int:
        return self._computed()[path]

    def __iter__(self) -> Iterator[Path_]:
        return iter(self._computed())

    def __len__(self) -> int:
        return len(self._computed())
