"""Reading and writing account files: YAML or JSON in, validated :class:`Account` out.

Every problem is collected and reported together, each with the file, the item
(by id where it has one), the field and the line.
"""
from __future__ import annotations

import difflib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError

from .account import FORMAT, Account
from .checks import cross_item_problems, item_label
from .errors import AccountFileError, InfluenceGraphError, Problem

Path_ = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
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


class _Dumper(yaml.SafeDumper):
    """SafeDumper that writes multi-line text (notes) as a readable ``|`` block."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None  # the emitter falls back when a block cannot hold it
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_text)


def _line_map(node: yaml.Node, path: Path_ = (), lines: dict | None = None) -> dict[Path_, int]:
    """Map each path in the document (("people", 3, "stance")) to its 1-based line."""
    lines = {} if lines is None else lines
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[path + (key,)] = key_node.start_mark.line + 1
            _line_map(value_node, path + (key,), lines)
            lines[path + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, path + (index,), lines)
    return lines


def _duplicate_keys(node: yaml.Node | None, name: str, data: Any) -> list[Problem]:
    """A key given twice in one mapping: the parsers keep only the last, silently."""
    problems: list[Problem] = []

    def walk(current: yaml.Node, path: Path_) -> None:
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in current.value:
                key = key_node.value
                if key in seen:
                    where = item_label(data, path + (key,))
                    problems.append(Problem(name, where, f"key {key!r} is given twice; only one is allowed",
                                            key_node.start_mark.line + 1))
                seen.add(key)
                walk(value_node, path + (key,))
        elif isinstance(current, yaml.SequenceNode):
            for index, item in enumerate(current.value):
                walk(item, path + (index,))

    if node is not None:
        walk(node, ())
    return problems


def _yaml_problem(name: str, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    column = f" (column {mark.column + 1})" if mark is not None else ""
    detail = getattr(exc, "problem", None) or str(exc)
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


def _json_node(text: str) -> yaml.Node | None:
    """The document tree of a JSON file, for line numbers: valid JSON is (nearly always)
    valid YAML, so the YAML composer can locate its items; the data comes from the JSON parser."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return None


def _parse_text(text: str, name: str) -> tuple[Any, dict[Path_, int]]:
    if not text.strip():
        return None, {}  # parse_account reports the empty file, whatever its format
    if name.lower().endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise AccountFileError([Problem(name, "", f"not valid JSON (column {exc.colno}): {exc.msg}", exc.lineno)]) from None
        node = _json_node(text)
    else:
        try:
            node = yaml.compose(text, Loader=_Loader)
            data = yaml.load(text, Loader=_Loader)
        except yaml.YAMLError as exc:
            raise AccountFileError([_yaml_problem(name, exc)]) from None
    duplicates = _duplicate_keys(node, name, data)
    if duplicates:
        raise AccountFileError(duplicates)
    return data, (_line_map(node) if node is not None else {})


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


def _pydantic_message(error: dict[str, Any]) -> str:
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
        return f"unknown {_field_noun(_clean_loc(error['loc']))} {value!r}; expected {ctx.get('expected', '')}"
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return f"{value!r} is out of range (must be {words} {ctx[key]:g})"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    if kind == "string_type" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value!r} is a number here but must be text; quote it: \"{value}\""
    if kind == "model_type":
        return f"expected a mapping of keys and values, not {value!r}"
    if kind == "literal_error" and error["loc"] == ("format",):
        return f"unsupported format {error['input']!r}; expected {FORMAT!r}"
    if kind == "string_pattern_mismatch":
        return f"{error['input']!r} is not a valid id (lowercase letters, digits, '-' and '_', starting with a letter or digit)"
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type", "date_from_datetime_inexact"):
        return f"{error['input']!r} is not a date (use YYYY-MM-DD)"
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


def _structure_problems(exc: ValidationError, data: Any, name: str, lines: dict[Path_, int]) -> list[Problem]:
    problems: dict[tuple[str, str], Problem] = {}
    for error in exc.errors():
        if _wrong_branch(error):
            continue
        loc = _clean_loc(error["loc"])
        # Several union branches fail for one field; keep the first message per field.
        where = item_label(data, loc)
        line = _nearest_line(lines, loc)
        problems.setdefault((where, ""), Problem(name, where, _pydantic_message(error), line))
    return list(problems.values())


def _nearest_line(lines: dict[Path_, int], loc: Path_) -> int | None:
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in lines:
            return lines[loc[:cut]]
    return None


def parse_account(data: Any, name: str = "<account>", lines: dict[Path_, int] | None = None) -> Account:
    """Validate plain data (parsed YAML/JSON) into an :class:`Account`.

    Raises :class:`AccountFileError` listing every problem, located by item and field.

    >>> parse_account({"account": {"id": "acme", "name": "Acme"}}).name
    'Acme'
    """
    lines = lines or {}
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise AccountFileError([Problem(name, "", f"expected a mapping with 'format', 'account', 'people', …; the file is {kind}", 1)])
    problems: list[Problem] = []
    account = None
    try:
        account = Account.model_validate(data)
    except ValidationError as exc:
        problems.extend(_structure_problems(exc, data, name, lines))
    problems.extend(cross_item_problems(data, name, lambda loc: _nearest_line(lines, loc)))
    if problems:
        raise AccountFileError(problems)
    assert account is not None
    return account


def load_account(path: str | os.PathLike[str]) -> Account:
    """Read and validate an account file (``.yaml``, ``.yml`` or ``.json``)."""
    path = Path(path)
    text = _read_text(path)
    data, lines = _parse_text(text, str(path))
    return parse_account(data, str(path), lines)


def dump_account(account: Account, fmt: str = "yaml") -> str:
    """The account as file text (``yaml`` or ``json``); loading it gives an equal account."""
    data = {"format": FORMAT, **account.to_data()}
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (temp file in the same folder + rename)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InfluenceGraphError(f"{path}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
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
