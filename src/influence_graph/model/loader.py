"""Reading and writing account files: YAML or JSON in, validated :class:`Account` out.

Every problem is collected and reported together, each with the file, the item
(by id where it has one), the field and the line.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

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


def _yaml_problem(name: str, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    detail = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"not valid YAML: {detail}" + (f" ({context})" if context else "")
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
            [Problem(name, "", f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})", line)]
        ) from None


def _parse_text(text: str, name: str) -> tuple[Any, dict[Path_, int]]:
    if name.lower().endswith(".json"):
        try:
            return json.loads(text), {}
        except json.JSONDecodeError as exc:
            raise AccountFileError([Problem(name, "", f"not valid JSON: {exc.msg}", exc.lineno)]) from None
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise AccountFileError([_yaml_problem(name, exc)]) from None
    return data, (_line_map(node) if node is not None else {})


def _pydantic_message(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key (not part of the influence-graph/1 format)"
    if kind == "missing":
        return "required field is missing"
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        return f"unknown value {error['input']!r}; expected {expected}"
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
    skip = {"StanceLabel", "Closeness", "float", "constrained-float", "function-after[…]"}
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and (part in skip or part.startswith(("function-", "constrained-", "is-instance"))):
            continue
        out.append(part)
    return tuple(out)


def _structure_problems(exc: ValidationError, data: Any, name: str, lines: dict[Path_, int]) -> list[Problem]:
    problems: dict[tuple[str, str], Problem] = {}
    for error in exc.errors():
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
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


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
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InfluenceGraphError(f"{path}: cannot write ({exc.strerror})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_account(account: Account, path: str | os.PathLike[str]) -> None:
    """Write the account to ``path`` atomically, as JSON if the name ends in .json, else YAML."""
    fmt = "json" if str(path).lower().endswith(".json") else "yaml"
    atomic_write_text(path, dump_account(account, fmt))
