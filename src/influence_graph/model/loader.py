"""Reading and writing account files: YAML or JSON in, validated :class:`Account` out.

Every problem is collected and reported together, each with the file, the item
(by id where it has one), the field and the line.
"""
from __future__ import annotations

import difflib
import functools
import reprlib
import json
import math
import os
import re
import tempfile
from pathlib import Path
from collections.abc import Iterator, Mapping
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError

from .account import FORMAT, Account
from .checks import cross_item_problems, item_label
from .errors import AccountFileError, InfluenceGraphError, Problem

Path_ = tuple[str | int, ...]


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available: ~15x faster
    """SafeLoader that keeps dates as text (so a bad date is our message, not a
    traceback) and reads only true/false as booleans (so a person with id `no` or
    `on` stays a string), as YAML 1.2 does."""


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


@functools.lru_cache(maxsize=4096)
def _resolve(kind: type, value: str | None, implicit: bool | tuple[bool, bool]) -> str:
    return yaml.resolver.Resolver.resolve(_Loader, kind, value, implicit)  # type: ignore[arg-type]


# Resolving a plain scalar's type runs regexes in Python and was most of the load
# time of a big account; the same keys and words recur, so remember the answers.
# (Sound because _Loader has no path resolvers: resolve reads only the class's tables.)
_Loader.resolve = lambda self, kind, value, implicit: _resolve(  # type: ignore[method-assign]
    kind, value, implicit if isinstance(implicit, bool) else tuple(implicit)  # a bool for collections
)
_NOT_TEXT_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool")
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


def _walk(node: yaml.Node) -> Iterator[tuple[Path_, yaml.Node, yaml.Node | None]]:
    """Each ``(path, value node, key node)`` of the document, in document order; a
    node reached again through a YAML alias is skipped (aliases can nest exponentially)."""
    seen: set[int] = set()
    stack: list[tuple[Path_, yaml.Node, yaml.Node | None]] = [((), node, None)]
    while stack:
        path, current, key_node = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield path, current, key_node
        if isinstance(current, yaml.MappingNode):
            children = [(path + (k.value,), v, k) for k, v in current.value if isinstance(k, yaml.ScalarNode)]
        elif isinstance(current, yaml.SequenceNode):
            children = [(path + (i,), item, None) for i, item in enumerate(current.value)]
        else:
            continue
        stack.extend(reversed(children))


class _Layout:
    """What the document tree tells beyond the data, in one walk: each path's line
    (a mapping value's is its key's line); the text typed for each value YAML read
    as a number or true/false (``12:30`` is 750 in YAML 1.1, a phone ``0123`` is
    octal 83), so a message can quote it; and keys given twice in one mapping
    (the parsers silently keep only the last)."""

    def __init__(self, node: yaml.Node | None, name: str, data: Any):
        self.lines: dict[Path_, int] = {}
        self.texts: dict[Path_, str] = {}
        self.duplicates: list[Problem] = []
        for path, current, key_node in _walk(node) if node is not None else ():
            self.lines.setdefault(path, (key_node or current).start_mark.line + 1)
            if isinstance(current, yaml.ScalarNode) and current.tag in _NOT_TEXT_TAGS:
                self.texts[path] = current.value
            elif isinstance(current, yaml.MappingNode):
                self._check_keys(current, path, name, data)

    def _check_keys(self, mapping: yaml.MappingNode, path: Path_, name: str, data: Any) -> None:
        seen: set[str] = set()
        for key_node, _ in mapping.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is not None and key in seen:
                self.duplicates.append(Problem(name, item_label(data, path + (key,)),
                                               f"key {key!r} is given twice; only one is allowed",
                                               key_node.start_mark.line + 1))
            seen.add(key)


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


def _compose(text: str, construct: bool = True) -> tuple[yaml.Node | None, Any]:
    """The document's node tree (for lines) and, if ``construct``, its data: parsed once."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if construct and node is not None else None)
    finally:
        loader.dispose()


def _parse_text(text: str, name: str, as_json: bool) -> tuple[Any, _Layout]:
    if not text.strip():
        return None, _Layout(None, name, None)  # parse_account reports the empty file, whatever its format
    if as_json:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise AccountFileError([Problem(name, "", f"not valid JSON (column {exc.colno}): {exc.msg}", exc.lineno)]) from None
        except ValueError as exc:  # a number too long to convert
            raise AccountFileError([Problem(name, "", f"not valid JSON: {exc}".split(";")[0])]) from None
        try:  # valid JSON is (nearly always) valid YAML: its node tree locates items by line
            node = _compose(text, construct=False)[0]
        except (yaml.YAMLError, ValueError, TypeError, AttributeError):
            node = None
    else:
        try:
            node, data = _compose(text)
        except yaml.YAMLError as exc:
            raise AccountFileError([_yaml_problem(name, exc, text)]) from None
        except (ValueError, TypeError, AttributeError, OverflowError) as exc:
            # A value PyYAML's constructor cannot convert (`!!int abc`, a 5,000-digit
            # number) fails with a plain Python error, not a YAMLError.
            detail = str(exc).split(";")[0]
            raise AccountFileError([Problem(name, "", f"not valid YAML: a value cannot be read ({detail})")]) from None
    return data, _Layout(node, name, data)


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
    if kind == "list_type" and value is None:
        return "is empty; list the items, or write [] (or leave the key out) for none"
    if kind == "model_type":
        return f"expected a mapping of keys and values, not {_shown(value)}"
    if kind == "literal_error" and error["loc"] == ("format",):
        return f"unsupported format {_shown(value)}; expected {FORMAT!r}"
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


def _structure_problems(
    exc: ValidationError, data: Any, name: str, lines: dict[Path_, int], texts: dict[Path_, str],
    positions: Mapping[Path_, str],
) -> list[Problem]:
    problems: dict[tuple[str, str], Problem] = {}
    for error in exc.errors():
        if _wrong_branch(error):
            continue
        loc = _clean_loc(error["loc"])
        # Several union branches fail for one field; keep the first message per field.
        where = item_label(data, loc)
        line = _nearest_line(lines, loc)
        problems.setdefault((where, ""), Problem(name, where, _pydantic_message(error, texts.get(loc)), line,
                                                 _nearest_line(positions, loc)))
    return list(problems.values())


def _nearest_line(lines: Mapping[Path_, Any], loc: Path_) -> Any:
    """What ``lines`` gives for ``loc`` or, failing that, for the nearest item that holds it."""
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in lines:
            return lines[loc[:cut]]
    return None


def parse_account(
    data: Any, name: str = "<account>", lines: dict[Path_, int] | None = None, texts: dict[Path_, str] | None = None,
    positions: Mapping[Path_, str] | None = None,
) -> Account:
    """Validate plain data (parsed YAML/JSON, or read from a CSV file or a workbook) into an :class:`Account`.

    Raises :class:`AccountFileError` listing every problem, located by item and field
    (and by line, from ``lines``: path -> line; ``texts`` gives the text typed for
    values YAML read as numbers; ``positions`` gives, for data read from a table,
    where a value sits: path -> "sheet People, row 5, column C (stance)").

    >>> parse_account({"account": {"id": "acme", "name": "Acme"}}).name
    'Acme'
    >>> parse_account({"account": {"id": "acme", "name": ""}}, "acme.csv",
    ...               positions={("account", "name"): "line 2, column 1 (Account Name)"})
    Traceback (most recent call last):
    ...
    influence_graph.model.errors.AccountFileError: 1 problem in acme.csv:
      acme.csv, line 2, column 1 (Account Name): account.name: must not be empty
    """
    lines = lines or {}
    positions = positions or {}
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise AccountFileError([Problem(name, "", f"expected a mapping with 'format', 'account', 'people', …; the file is {kind}", 1)])
    problems: list[Problem] = []
    account = None
    try:
        account = Account.model_validate(data)
    except ValidationError as exc:
        problems.extend(_structure_problems(exc, data, name, lines, texts or {}, positions))
    problems.extend(cross_item_problems(data, name, lambda loc: _nearest_line(lines, loc),
                                        lambda loc: _nearest_line(positions, loc)))
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
    try:
        data, layout = _parse_text(text, name, as_json)
        try:
            account = parse_account(data, name, layout.lines, layout.texts)
        except AccountFileError as exc:  # report keys given twice along with everything else
            raise AccountFileError(layout.duplicates + exc.problems) from None
        if layout.duplicates:
            raise AccountFileError(layout.duplicates)
        return account
    except RecursionError:
        raise AccountFileError(
            [Problem(name, "", "nested too deeply to read (or a YAML alias refers to itself)")]
        ) from None


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


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` as UTF-8, whole or not at all (temp file in the same folder + rename)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: str | os.PathLike[str], content: bytes) -> None:
    """Write ``content`` to ``path`` whole or not at all (temp file in the same folder + rename)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except (FileExistsError, NotADirectoryError):
        raise InfluenceGraphError(f"{path}: cannot write (a part of the folder path is a file)") from None
    except OSError as exc:
        raise InfluenceGraphError(f"{path}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates owner-only files; a shared plan or account should get the
        # permissions any other new file would (0666 less the umask).
        os.chmod(tmp, 0o666 & ~_current_umask())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InfluenceGraphError(f"{path}: cannot write ({exc.strerror})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def save_account(account: Account, path: str | os.PathLike[str]) -> None:
    """Write the account to ``path`` atomically, as JSON if the name ends in .json, else YAML."""
    fmt = "json" if str(path).lower().endswith(".json") else "yaml"
    atomic_write_text(path, dump_account(account, fmt))
