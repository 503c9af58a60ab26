"""YAML text to plain data in one pass over the parser's events.

One loop builds the data, and on the way notes each value's line, the text
typed for each number or true/false, every key given twice, and every value the
format cannot hold — a YAML tag such as ``!!binary``, ``!!set`` or
``!!python/…``, a ``!!int`` or ``!!float`` that is not one, a text, number or
nesting past :mod:`.limits` — each refused with its path and line, and replaced
by :data:`~.plain.REFUSED` so the later rules skip it.

Why events, not PyYAML's composer and constructor: the composer (libyaml's as
well as PyYAML's) recurses once per level, so a few ten thousand ``[`` crash the
process with a segmentation fault; the constructor fails on the first bad value
with no place, and converts ``!!binary`` to bytes that pydantic then reads as
text. The event parser is libyaml's state machine (no recursion); this loop keeps
its own stack and stops descending at :data:`~.limits.MAX_DEPTH`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from .limits import MAX_DEPTH, MAX_KEY_LENGTH, MAX_TEXT_LENGTH, TOO_DEEP, key_problem, long_number_problem, number_problem, text_problem
from .plain import REFUSED, Path_


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available: ~15x faster
    """SafeLoader's resolver that keeps dates as text (so a bad date is our message,
    not a traceback) and reads only true/false as booleans (so a person with id
    `no` or `on` stays a string), as YAML 1.2 does."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


_FIRST_CHARS = frozenset(first for first, resolvers in _Loader.yaml_implicit_resolvers.items() if resolvers)


def _resolver() -> Any:
    """The tag of a plain (unquoted) scalar, remembered per text: resolving runs
    regexes in Python, and the same keys and words recur all through a file."""
    known: dict[str, str] = {}

    def resolve(text: str) -> str:
        if text and text[0] not in _FIRST_CHARS:
            return STR  # most texts: no implicit type starts with their first character
        tag = known.get(text)
        if tag is None:
            tag = known[text] = yaml.resolver.Resolver.resolve(_Loader, yaml.ScalarNode, text, (True, False))
        return tag

    return resolve


TAG = "tag:yaml.org,2002:"
STR, NULL, BOOL, INT, FLOAT = TAG + "str", TAG + "null", TAG + "bool", TAG + "int", TAG + "float"
MERGE, MAP, SEQ = TAG + "merge", TAG + "map", TAG + "seq"
_TYPED = (INT, FLOAT, BOOL)  # values whose typed text a message may need to quote
# Tags of lists and mappings the format cannot hold, and what to write instead.
_REFUSED_CONTAINERS = {
    TAG + "set": "a set (!!set) is not allowed; write a list",
    TAG + "omap": "an ordered map (!!omap) is not allowed; write a mapping",
    TAG + "pairs": "a list of pairs (!!pairs) is not allowed; write a mapping",
}
# Explicit !!timestamp stays the text typed: a date field reads it, and says so if
# it is not a date (2026-02-30). `<<` as a value, a lone `=`, `!`, `&` or `*` are text.
_AS_TEXT = frozenset({TAG + "timestamp", MERGE, TAG + "value", TAG + "yaml"})
_CONSTRUCTOR = yaml.constructor.SafeConstructor()  # its int and float rules: 0x1F, 1_000, 12:30, .inf …


class _ValueProblem(Exception):
    """A scalar the format cannot hold; the message says why."""


def _shown_tag(tag: str) -> str:
    return "!!" + tag[len(TAG):] if tag.startswith(TAG) else tag


def _number(tag: str, text: str) -> int | float:
    problem = long_number_problem(text)
    if problem:
        raise _ValueProblem(problem)
    try:
        if tag == INT:
            # Plain decimals the quick way; YAML 1.1's own rules for the rest (0x1F, octal 0123, 1:30).
            simple = text.isdigit() and (text[0] != "0" or text == "0")
            number = int(text) if simple else _CONSTRUCTOR.construct_yaml_int(yaml.ScalarNode(tag, text))
        else:
            try:  # 0.55, -1.5e+3 and 1_000.5 read as YAML reads them
                number = float(text)
            except ValueError:  # .inf, 1:30.5, 1__0.5
                number = _CONSTRUCTOR.construct_yaml_float(yaml.ScalarNode(tag, text))
    except (ValueError, IndexError):
        what = "a whole number (!!int)" if tag == INT else "a number (!!float)"
        raise _ValueProblem(f"{text!r} is not {what}") from None
    problem = number_problem(number)
    if problem:
        raise _ValueProblem(problem)
    return number


def _scalar(tag: str, text: str) -> Any:
    """The value of a scalar of ``tag``; :class:`_ValueProblem` if the format cannot hold it."""
    if tag == STR or tag in _AS_TEXT:
        problem = text_problem(text)
        if problem:
            raise _ValueProblem(problem)
        return text
    if tag == NULL:
        return None
    if tag == INT or tag == FLOAT:
        return _number(tag, text)
    if tag == BOOL:
        value = _CONSTRUCTOR.bool_values.get(text.lower())
        if value is None:
            raise _ValueProblem(f"{text!r} is not true or false (!!bool)")
        return value
    if tag == TAG + "binary":
        raise _ValueProblem("binary data (!!binary) is not allowed; write text")
    raise _ValueProblem(f"the YAML tag {_shown_tag(tag)} is not allowed here")


_NO_KEY = object()  # a mapping waiting for its next key
_BAD_KEY = object()  # the key was refused: its value is skipped
_MERGE_KEY = object()  # `<<`: the value's keys are merged in


@dataclass
class YamlDocument:
    """What :func:`read_yaml` found: the data, each path's line (a mapping value's
    is its key's line), the text typed for each number or true/false (by path),
    the problems as (path, message, line), and the paths of the values refused."""

    data: Any = None
    lines: dict[Path_, int] = field(default_factory=dict)
    texts: dict[Path_, str] = field(default_factory=dict)
    problems: list[tuple[Path_, str, int]] = field(default_factory=list)
    refused: set[Path_] = field(default_factory=set)


def _skip(get: Any, start: Any) -> None:
    """Read past the rest of a list or mapping whose start event was ``start``."""
    if not isinstance(start, (MappingStartEvent, SequenceStartEvent)):
        return
    depth = 1
    while depth:
        event = get()
        if isinstance(event, (MappingStartEvent, SequenceStartEvent)):
            depth += 1
        elif isinstance(event, (MappingEndEvent, SequenceEndEvent)):
            depth -= 1


def _key(event: Any, resolve: Any) -> tuple[Any, str | None]:
    """A mapping's key: (text, None), (_MERGE_KEY, None) for `<<`, or (_BAD_KEY, why)."""
    if not isinstance(event, ScalarEvent):
        return _BAD_KEY, "a key must be text, not a list or mapping"
    tag = event.tag
    plain = tag is None or tag == "!"
    if plain:
        tag = resolve(event.value) if event.implicit[0] else STR
        if tag == MERGE:
            return _MERGE_KEY, None
    try:
        key = _scalar(tag, event.value)
    except _ValueProblem as exc:
        return _BAD_KEY, str(exc)
    problem = key_problem(key)
    return (_BAD_KEY, problem) if problem else (key, None)


def _container_problem(event: Any, depth: int) -> str | None:
    if depth >= MAX_DEPTH:
        return TOO_DEEP
    tag = event.tag
    if tag is None or tag == "!" or tag == MAP or tag == SEQ:
        return None
    return _REFUSED_CONTAINERS.get(tag) or f"the YAML tag {_shown_tag(tag)} is not allowed here"


def _merge(mapping: dict, merges: list[tuple[Any, int]], path: Path_, doc: YamlDocument) -> None:
    """YAML's `<<: *base` (or `<<: [*a, *b]`): keys the mapping does not give itself
    come from the merged mappings, earlier ones first."""
    for value, line in merges:
        sources = value if isinstance(value, list) else [value]
        if not all(isinstance(source, dict) for source in sources):
            doc.problems.append((path, "a merge (<<) must name a mapping or a list of mappings", line))
            continue
        for source in sources:
            for key, item in source.items():
                if key not in mapping:
                    mapping[key] = item
                    doc.lines.setdefault(path + (key,), line)


def _read(get: Any) -> YamlDocument:
    """The event loop: the hot path (plain text keys and values) inline, the rest in helpers."""
    doc = YamlDocument()
    lines, texts, problems = doc.lines, doc.texts, doc.problems
    resolve = _resolver()
    first_chars = _FIRST_CHARS
    anchors: dict[str, Any] = {}
    # The open containers; the innermost one is unpacked into locals.
    stack: list[tuple[Any, Path_, bool, Any, int, list]] = []
    container: Any = None
    path: Path_ = ()
    in_mapping = False
    key: Any = None
    key_line = 0
    merges: list[tuple[Any, int]] = []
    while True:
        event = get()
        kind = type(event)
        line = event.start_mark.line + 1
        if in_mapping:
            if key is _NO_KEY:
                if kind is MappingEndEvent:
                    pass  # the mapping is complete: handled below
                elif (kind is ScalarEvent and event.tag is None and len(event.value) <= MAX_KEY_LENGTH
                      and (not event.implicit[0] or (event.value[:1] or "~") not in first_chars
                           or resolve(event.value) == STR)):
                    key, key_line = event.value, line  # a plain text key, the usual case
                    if event.anchor is not None:
                        anchors[event.anchor] = key
                    continue
                else:
                    key_line = line
                    key, problem = _key(event, resolve)
                    if problem:
                        problems.append((path, problem, line))
                        _skip(get, event)
                    elif event.anchor is not None:
                        anchors[event.anchor] = key
                    continue
            elif key is _BAD_KEY:
                key = _NO_KEY
                _skip(get, event)
                continue
            here = path + ((key if key is not _MERGE_KEY else "<<"),)
            at = key_line
        else:
            here = path + (len(container),) if container is not None else ()
            at = line
        if kind is ScalarEvent:
            text = event.value
            tag = event.tag
            if tag is None or tag == "!":
                # Inline for the usual case: no implicit type starts with the text's first character.
                tag = resolve(text) if event.implicit[0] and (text[:1] or "~") in first_chars else STR
                if tag != STR and tag in _TYPED:
                    texts[here] = text
            if tag == STR and len(text) <= MAX_TEXT_LENGTH:
                value: Any = text
            else:
                try:
                    value = _scalar(tag, text)
                except _ValueProblem as exc:
                    problems.append((here, str(exc), line))
                    value = REFUSED
            if event.anchor is not None:
                anchors[event.anchor] = value
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            problem = _container_problem(event, len(here))
            if problem is None:
                lines.setdefault(here, at)
                if container is not None:
                    stack.append((container, path, in_mapping, key, key_line, merges))
                container, path, in_mapping, key, merges = (
                    ({}, here, True, _NO_KEY, []) if kind is MappingStartEvent else ([], here, False, None, [])
                )
                if event.anchor is not None:
                    anchors[event.anchor] = container  # before its items: an item may refer back to it
                continue
            problems.append((here, problem, line))
            _skip(get, event)
            value = REFUSED
            if event.anchor is not None:
                anchors[event.anchor] = value
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            value = container
            if merges:
                _merge(value, merges, path, doc)
            if not stack:
                doc.data = value
                lines.setdefault((), 1)
                container, in_mapping = None, False
                continue
            container, path, in_mapping, key, key_line, merges = stack.pop()
            if in_mapping:
                here, at = path + ((key if key is not _MERGE_KEY else "<<"),), key_line
            else:
                here, at = path + (len(container),), line
        elif kind is AliasEvent:
            value = anchors.get(event.anchor, REFUSED)
            if value is REFUSED and event.anchor not in anchors:
                problems.append((here, f"*{event.anchor} refers to no anchor &{event.anchor} before it", line))
        elif kind is DocumentEndEvent:
            return doc
        elif kind is StreamEndEvent:
            return doc  # nothing but comments: no document
        else:
            continue  # the stream's or the document's start
        # A finished value: into its list or mapping, or it is the whole document.
        if value is REFUSED:
            doc.refused.add(here)
        if container is None:
            doc.data = value
            lines.setdefault((), at)
        elif in_mapping:
            if key is _MERGE_KEY:
                merges.append((value, key_line))
            else:
                if key in container:
                    problems.append((here, f"key {key!r} is given twice; only one is allowed", key_line))
                container[key] = value
                lines[here] = key_line
            key = _NO_KEY
        else:
            container.append(value)
            lines.setdefault(here, line)


# libyaml's flow parsing slows down with the square of the nesting ([[[…: 5,000 levels
# take 0.2 s, 60,000 take 25 s), so brackets nested past this are refused before parsing.
# Counted without regard to quotes: a real file never comes near it either way.
FLOW_NESTING_GUARD = 1000
_BRACKETS = re.compile(r"[\[\]{}]")


def _flow_nesting_past_guard(text: str) -> tuple[int, int] | None:
    """(line, column) where brackets first nest past :data:`FLOW_NESTING_GUARD`, or None."""
    if text.count("[") + text.count("{") <= FLOW_NESTING_GUARD:
        return None  # too few brackets to nest that deep: the usual case, at the speed of str.count
    depth = 0
    for match in _BRACKETS.finditer(text):
        if match.group() in "[{":
            depth += 1
            if depth > FLOW_NESTING_GUARD:
                start = match.start()
                return text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)
        elif depth:
            depth -= 1
    return None


def read_yaml(text: str) -> YamlDocument:
    """The document in ``text``, read in one pass (see the module's docstring).

    A syntax error is raised as PyYAML's :class:`yaml.YAMLError`, with its mark;
    every other problem is in the result's ``problems``.

    >>> document = read_yaml("people:\\n  - {id: x, level: !!int abc}\\n")
    >>> document.data, document.problems
    ({'people': [{'id': 'x', 'level': <refused>}]}, [(('people', 0, 'level'), "'abc' is not a whole number (!!int)", 2)])
    """
    too_deep = _flow_nesting_past_guard(text)
    if too_deep:
        line, column = too_deep
        return YamlDocument(data=REFUSED, problems=[((), f"{TOO_DEEP} (column {column})", line)], refused={()})
    parser = _Loader(text)
    try:
        doc = _read(parser.get_event)
        if parser.check_event(DocumentStartEvent):
            raise yaml.composer.ComposerError(
                None, None, "expected a single document in the file, but found another one", parser.peek_event().start_mark
            )
        return doc
    finally:
        parser.dispose()
