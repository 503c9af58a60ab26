"""Reading and writing account files: YAML or JSON in, validated :class:`Account` out.

Validation runs in one order, whatever the data came from (a YAML or JSON file,
a CRM import, a notebook's dict), in :func:`parse_account`:

1. **types and limits** (:mod:`.plain`, and the readers :mod:`.yaml_reader` and
   :mod:`.json_reader` for what only the text shows: YAML tags, keys given
   twice, numbers too long to read): anything but plain JSON-like data is
   refused or converted, and every value is held to the limits of :mod:`.limits`;
2. **fields** (pydantic, :mod:`.account`) on that plain data;
3. **cross-item rules** (:mod:`.checks`: references, duplicate ids, cycles) on the
   same plain data, so they read every value exactly as pydantic did.

Every problem is collected and reported together, each with the file, the item
(by id where it has one), the field and the line — or, for data from a
spreadsheet, the position its reader gives (``positions``).
"""
from __future__ import annotations

import contextlib
import difflib
import gc
import json
import math
import os
import reprlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError

from .._fs import atomic_write_bytes, atomic_write_text, write_text
from .account import FORMAT, Account
from .checks import cross_item_problems, item_label
from .errors import AccountFileError, Problem
from .json_reader import JsonLines, JsonProblem, read_json
from .plain import Path_, plain_data
from .yaml_reader import read_yaml

__all__ = ["atomic_write_bytes", "atomic_write_text", "dump_account", "load_account", "parse_account",
           "parse_account_text", "save_account"]

# What a value is shown as in a message: short, whatever the file holds.
_SHOWN = reprlib.Repr()
_SHOWN.maxstring = _SHOWN.maxother = 60
_SHOWN.maxlist = _SHOWN.maxdict = 4
_SHOWN.maxlevel = 2


def _shown(value: Any) -> str:
    """``repr`` cut short, so a huge or deeply nested value cannot flood a message."""
    return _SHOWN.repr(value)


class _Dumper(yaml.SafeDumper):
    """SafeDumper that writes multi-line text (notes) as a readable ``|`` block."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None  # the emitter falls back when a block cannot hold it
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_text)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: reading builds hundreds of thousands of
    objects and none is garbage, yet each batch of them starts a collection that
    walks all the others (it more than doubled the load time of a big account)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _yaml_problem(name: str, exc: yaml.YAMLError, text: str) -> Problem:
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow, e.g. NUL
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return Problem(name, "", f"not valid YAML: character U+{code:04X} is not allowed in a YAML file", line)
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    column = f" (column {mark.column + 1})" if mark is not None else ""
    detail = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    message = f"not valid YAML{column}: {detail}" + (f" ({context})" if context else "")
    return Problem(name, "", message, line)


def _read_text(path: Path) -> str:
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise AccountFileError([Problem(name, "", "no such file")]) from None
    except IsADirectoryError:
        raise AccountFileError([Problem(name, "", "is a directory, not an account file")]) from None
    except OSError as exc:
        raise AccountFileError([Problem(name, "", f"cannot be read: {exc.strerror}")]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise AccountFileError(
            [Problem(name, "", f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save the file as UTF-8", line)]
        ) from None


class _Text:
    """What a file's text gives validation: the data, each path's line, the text typed
    for values YAML read as numbers, the problems only the text shows, and — if the
    reader made the data plain itself (the YAML reader does, in its one pass) — the
    paths of the values it refused; None if the data is still to be made plain."""

    def __init__(self, data: Any, lines: Mapping[Path_, int], texts: dict[Path_, str] | None = None,
                 problems: list[tuple[Path_, str, int]] | None = None, refused: set[Path_] | None = None):
        self.data, self.lines, self.texts, self.problems = data, lines, texts or {}, problems or []
        self.refused = refused  # None: not made plain yet


def _parse_text(text: str, name: str, as_json: bool) -> _Text:
    if not text.strip():
        return _Text(None, {})  # parse_account reports the empty file, whatever its format
    if as_json:
        try:
            return _Text(read_json(text), JsonLines(text))
        except JsonProblem as exc:
            raise AccountFileError([Problem(name, "", exc.message, exc.line)]) from None
    try:
        document = read_yaml(text)
    except yaml.YAMLError as exc:
        raise AccountFileError([_yaml_problem(name, exc, text)]) from None
    return _Text(document.data, document.lines, document.texts, document.problems, document.refused)


# Pydantic's bound checks, said as the allowed range: "1.5 is out of range (must be at most 1)".
_BOUNDS = {
    "greater_than": ("gt", "more than"),
    "greater_than_equal": ("ge", "at least"),
    "less_than": ("lt", "less than"),
    "less_than_equal": ("le", "at most"),
}


def _field_noun(loc: tuple) -> str:
    """What the value is, from its location: ("channels", 0, "kind") -> "kind", ("people", 0, "roles", 1) -> "role"."""
    names = [part for part in loc if isinstance(part, str)]
    noun = names[-1] if names else "value"
    return noun[:-1] if isinstance(loc[-1], int) and noun.endswith("s") else noun


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds: ``Person`` for ``list[Person]``, ``Opportunity`` for ``Opportunity | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _keys_at(loc: tuple) -> list[str]:
    """The keys the format allows at ``loc`` (("people", 0) -> id, name, title, …)."""
    model: type[BaseModel] | None = Account
    for part in loc:
        if isinstance(part, int):
            continue
        fields = {field.alias or name: field for name, field in model.model_fields.items()}
        model = _model_in(fields[part].annotation) if part in fields else None
        if model is None:
            return []
    return [field.alias or name for name, field in model.model_fields.items()]


def _pydantic_message(error: dict[str, Any], typed: str | None = None) -> str:
    """Pydantic's error in a seller's words; ``typed`` is the text the file holds
    for a value YAML read as a number."""
    kind = error["type"]
    value = error["input"]
    ctx = error.get("ctx", {})
    if kind == "extra_forbidden":
        message = "unknown key (not part of the influence-graph/1 format)"
        loc = _clean_loc(error["loc"])
        close = difflib.get_close_matches(str(loc[-1]), _keys_at(loc[:-1]), n=1)
        return message + (f"; did you mean {close[0]!r}?" if close else "")
    if kind == "missing":
        return "required field is missing"
    if kind == "enum":
        return f"unknown {_field_noun(_clean_loc(error['loc']))} {_shown(value)}; expected {ctx.get('expected', '')}"
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return f"{_shown(value)} is out of range (must be {words} {ctx[key]:g})"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    if kind == "string_type" and isinstance(value, (int, float)):
        what = "true/false" if isinstance(value, bool) else "a number"
        typed = typed or str(value).lower()
        return f"{typed} is read as {what} here but must be text; quote it: \"{typed}\""
    if kind == "string_type" and isinstance(value, (list, dict)):
        return f"expected text, not {_shown(value)}"
    if kind == "list_type" and value is None:
        return "is empty; list the items, or write [] (or leave the key out) for none"
    if kind == "model_type":
        return f"expected a mapping of keys and values, not {_shown(value)}"
    if kind == "literal_error" and error["loc"] == ("format",):
        return f"unsupported format {_shown(value)}; expected {FORMAT!r}"
    if kind == "finite_number":
        return f"{_shown(value)} is not a number (numbers must be finite)"
    if kind == "string_too_long":  # only ids have a maximum: they name files
        return f"an id of {len(value):,} characters is too long (at most {ctx['max_length']})"
    if kind == "string_pattern_mismatch":
        return f"{_shown(value)} is not a valid id (lowercase letters, digits, '-' and '_', starting with a letter or digit)"
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type", "date_from_datetime_inexact"):
        return f"{_shown(value)} is not a date (use YYYY-MM-DD)"
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    return message[0].lower() + message[1:]


def _clean_loc(loc: tuple) -> Path_:
    """Drop pydantic's union-branch markers so the location is a path in the file."""
    return tuple(part for part in loc if not _is_union_branch(part))


def _is_union_branch(part: str | int) -> bool:
    skip = {"StanceLabel", "Closeness", "float", "constrained-float"}
    return isinstance(part, str) and (
        part in skip or part.startswith(("function-", "constrained-", "is-instance", "str-enum["))
    )


def _wrong_branch(error: dict[str, Any]) -> bool:
    """A label-or-number field given a non-text value fails the label branch too;
    only the number branch's message ("1.5 is out of range") says what is wrong."""
    return error["type"] == "enum" and not isinstance(error["input"], str) and any(
        isinstance(part, str) and part.startswith("str-enum[") for part in error["loc"]
    )


class _Places:
    """Where a path in the data is, for a message: the item label, the line, and the
    source's own position (a spreadsheet cell) where a reader gave one."""

    def __init__(self, name: str, data: Any, lines: Mapping[Path_, int] | None,
                 positions: Mapping[Path_, str] | None):
        self.name, self.data = name, data
        # `is None`, not `or`: asking a lazy line map whether it is empty would work it out.
        self.lines: Mapping[Path_, int] = lines if lines is not None else {}
        self.positions: Mapping[Path_, str] = positions if positions is not None else {}

    def problem(self, loc: Path_, message: str, line: int | None = None) -> Problem:
        return Problem(self.name, item_label(self.data, loc), message,
                       line or _nearest(self.lines, loc), _nearest(self.positions, loc))


def _nearest(places: Mapping[Path_, Any], loc: Path_) -> Any:
    """The place of ``loc``, else of the nearest item or section holding it."""
    for cut in range(len(loc), -1, -1):
        place = places.get(loc[:cut])
        if place is not None:
            return place
    return None


def _under(loc: Path_, refused: set[Path_]) -> bool:
    return any(loc[:cut] in refused for cut in range(len(loc) + 1))


def _structure_problems(exc: ValidationError, places: _Places, texts: dict[Path_, str],
                        refused: set[Path_]) -> list[Problem]:
    problems: dict[str, Problem] = {}
    for error in exc.errors():
        if _wrong_branch(error):
            continue
        loc = _clean_loc(error["loc"])
        if refused and _under(loc, refused):
            continue  # reported already, as what it is (a YAML tag, a value too long …)
        # Several union branches fail for one field; keep the first message per field.
        problem = places.problem(loc, _pydantic_message(error, texts.get(loc)))
        problems.setdefault(problem.where, problem)
    return list(problems.values())


def parse_account(
    data: Any,
    name: str = "<account>",
    lines: Mapping[Path_, int] | None = None,
    texts: dict[Path_, str] | None = None,
    positions: Mapping[Path_, str] | None = None,
) -> Account:
    """Validate plain data (parsed YAML/JSON, or read from a CSV file or a workbook)
    into an :class:`Account`: types and limits, then fields, then the rules across
    items (the module's docstring says why in that order).

    Raises :class:`AccountFileError` listing every problem, located by item and
    field, and by line (``lines``: path -> line) or by the source's own position
    (``positions``: path -> text such as "sheet People, row 5, column C"), the
    nearest given for the path or an item holding it. ``texts`` gives the text
    typed for values YAML read as numbers.

    >>> parse_account({"account": {"id": "acme", "name": "Acme"}}).name
    'Acme'
    >>> parse_account({"account": {"id": "acme", "name": ""}}, "acme.csv",
    ...               positions={("account", "name"): "line 2, column 1 (Account Name)"})
    Traceback (most recent call last):
    ...
    influence_graph.model.errors.AccountFileError: 1 problem in acme.csv:
      acme.csv, line 2, column 1 (Account Name): account.name: must not be empty
    """
    return _validated(data, name, lines, texts, positions)


def _validated(data: Any, name: str, lines: Mapping[Path_, int] | None, texts: dict[Path_, str] | None,
               positions: Mapping[Path_, str] | None, read: _Text | None = None) -> Account:
    """:func:`parse_account`'s three steps; ``read``: what a file reader found already."""
    read_problems = read.problems if read is not None else []
    with _gc_paused():
        if read is not None and read.refused is not None:  # held to the same rules while it was read
            plain_problems: list[tuple[Path_, str]] = []
            refused = read.refused
        else:
            data, plain_problems, refused = plain_data(data)
        places = _Places(name, data, lines, positions)
        problems = [places.problem(loc, message, line) for loc, message, line in read_problems]
        problems += [places.problem(loc, message) for loc, message in plain_problems]
        if not isinstance(data, dict):
            if not problems:
                kind = "empty" if data is None else f"a {type(data).__name__}"
                problems.append(Problem(name, "", f"expected a mapping with 'format', 'account', 'people', …; the file is {kind}", 1))
            raise AccountFileError(problems)
        account = None
        try:
            account = Account.model_validate(data)
        except ValidationError as exc:
            problems += _structure_problems(exc, places, texts or {}, refused)
        problems += cross_item_problems(data, places.problem)
        if problems:
            raise AccountFileError(problems)
        assert account is not None
        return account


def load_account(path: str | os.PathLike[str]) -> Account:
    """Read and validate an account file (``.yaml``, ``.yml`` or ``.json``)."""
    path = Path(path)
    return parse_account_text(_read_text(path), str(path))


def parse_account_text(text: str, name: str, fmt: str | None = None) -> Account:
    """Validate the text of an account file; ``name`` (a file name) locates problems.
    ``fmt`` is ``json`` or ``yaml``; by default JSON when ``name`` ends in ``.json``.

    >>> parse_account_text("account: {id: acme, name: Acme}", "acme.yaml").id
    'acme'
    """
    as_json = fmt == "json" if fmt else name.lower().endswith(".json")
    with _gc_paused():
        try:
            read = _parse_text(text, name, as_json)
            return _validated(read.data, name, read.lines, read.texts, None, read)
        except RecursionError:  # not expected (the readers keep their own stacks): a message, never a traceback
            raise AccountFileError([Problem(name, "", "nested too deeply to read")]) from None


def dump_account(account: Account, fmt: str = "yaml") -> str:
    """The account as file text (``yaml`` or ``json``); loading it gives an equal account.

    The text is canonical, so a version-control diff of it is readable: keys in the
    format's order, lists in the file's order (the order of people and channels is
    the user's, and the analysis breaks ties by it), one item or value per line
    (no folding of long text; multi-line text as a ``|`` block).
    """
    data = {"format": FORMAT, **account.to_data()}
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=math.inf)


def save_account(account: Account, path: str | os.PathLike[str], replace: bool = True) -> None:
    """Write the account to ``path`` atomically, as JSON if the name ends in .json, else YAML;
    ``replace=False`` refuses to replace an existing file (see :mod:`influence_graph._fs`)."""
    fmt = "json" if str(path).lower().endswith(".json") else "yaml"
    write_text(path, dump_account(account, fmt), replace)
