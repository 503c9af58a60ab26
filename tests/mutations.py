"""Seeded mutations of the example accounts: the fuzz cases of the test suite and of
``benchmarks/fuzz.py``, and the check every case must pass.

A case is a whole account file (YAML or JSON bytes) made from one of the example
accounts by one or more mutations: of the parsed data (a value of the wrong type,
shape or size; a YAML-tagged value such as bytes or a set; a reference to no one;
a cycle; a duplicate; a value past a limit) or of the text (cut, a bad byte, a line
dropped or repeated, junk or a YAML tag typed in, a self-referring alias, deep
nesting). :func:`outcome` loads it as the CLI does and either finds it refused
with every problem placed, or analyzes it and renders every text output; anything
else is "unexpected".
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import random
import re
import traceback
from pathlib import Path

import yaml

from influence_graph.analysis import analyze
from influence_graph.model import AccountFileError, load_account
from influence_graph.model.limits import MAX_ID_LENGTH, MAX_TEXT_LENGTH
from influence_graph.report import render_plan
from influence_graph.report.summary import render_markdown, render_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [ROOT / "examples" / name for name in ("huaxin-auto.yaml", "nordhafen-logistics.yaml", "minimal.yaml")]
TEXTS = {path: path.read_text(encoding="utf-8") for path in EXAMPLES}
DATA = {path: yaml.safe_load(text) for path, text in TEXTS.items()}  # dates as datetime.date
AS_OF = "2026-11-20"

# Values of the wrong type, shape or size for any field.
ODD_VALUES = ["text", "", [1, 2], {"x": 1}, None, 10**30, -5, -0.5, 0, 1.5, True, 1e308, "2026-13-45", [], {},
              "Zhao Ming", [None], 3]
# Values the YAML dumper writes with a tag (!!binary, !!set, a timestamp) or as .inf / .nan.
TAGGED_VALUES = [b"zhao", b"\x00\xff", {"zhao", "ghost"}, dt.datetime(2026, 1, 1, 12, 30), dt.date(2026, 2, 28),
                 float("inf"), float("-inf"), float("nan")]
# Values at or just past the limits.


def _nested(depth: int) -> list:
    value: list = ["deep"]
    for _ in range(depth - 1):
        value = [value]
    return value


OVERSIZED_VALUES = ["x" * (MAX_TEXT_LENGTH + 1), "a" * (MAX_ID_LENGTH + 1), "a" * MAX_ID_LENGTH, 10**19, -1e300,
                    _nested(40)]
# Values that are valid (or nearly) but extreme, by field: they reach the analysis.
EXTREME_VALUES = {
    "strength": [5e-324, 1e-300, 1e-9, 1, 0.999999, "clip", "velcro"],
    "susceptibility": [0, 1, 5e-324],
    "stance": [-1, 1, 0, -0.0, 5e-324, "unknown", "champion", "opponent"],
    "level": [1, 6],
    "date": ["0001-01-01", "9999-12-31", AS_OF, "2024-02-29"],
    "since": ["0001-01-01", "9999-12-31"],
    "close_date": ["0001-01-01", "9999-12-31", "9999-12-25"],
    "next_date": ["0001-01-01", "9999-12-31"],
    "mutual": [True],
    "id": ["a" * MAX_ID_LENGTH],
}
EXTREME_TEXT = ["[bold]x[/] <script>&amp;", "a\nb|c", " ", "x" * 3000, "名字", "{{x}}", "%s %d",
                "\x1b[2J\x1b]0;pwned\x07", "\u202eevil", "=cmd|' /C calc'!A0", "x" * MAX_TEXT_LENGTH]
REFERENCE_FIELDS = {"reports_to", "department", "from", "to", "member", "person", "competitor", "parent", "a", "b"}
ID_SECTIONS = ["people", "departments", "team", "competitors"]
SECTIONS = ID_SECTIONS + ["channels", "department_relations", "relationships", "competitor_relationships", "touches"]
TEXT_JUNK = [":", "{", "[", "'", '"', "&a ", "*a ", "!!int ", "!!float ", "!!timestamp ", "!!binary ", "? ", "- ", "%",
             "@", "`", "\x00", "\x85", "\ufeff", "!!python/object:os.system ", "\t", "!!set ", "!!omap ", "!!bool ",
             "!!str ", "!!null ", "!custom ", "<<: ", "*nope ", "!!merge ", "\x1b"]
# A tag typed in front of a value ("key: !!binary value").
VALUE_TAGS = ["!!int ", "!!float ", "!!bool ", "!!binary ", "!!timestamp ", "!!set ", "!!str ", "!!null ", "!!seq ",
              "!!map ", "!!omap ", "!!python/object/apply:os.system ", "!local "]
# A Python exception leaking into a message: a traceback, or an exception's repr.
LEAK = re.compile(r"Traceback|\b[A-Z]\w*(Error|Exception)\(|<class '|object at 0x")


def _paths(node, here=()):
    yield here
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in children:
        yield from _paths(value, here + (key,))


def _at(data, path):
    for part in path:
        data = data[part]
    return data


def _with_ids(data, section: str = "people") -> list[dict]:
    """The items of ``section`` that still are mappings with a text id (earlier mutations may have broken some)."""
    items = data.get(section)
    return [i for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)] if isinstance(items, list) else []


def _long_chain(rng: random.Random, data: dict) -> None:
    """Issue 13's deep reporting line: hundreds of people, listed subordinate-first, no levels."""
    depth = rng.choice([300, 1200])
    chain = [{"id": f"c{i}", "name": f"C {i}", "reports_to": f"c{i + 1}"} for i in range(depth)]
    chain.append({"id": f"c{depth}", "name": "Chain top"})
    data["people"] = _with_ids(data) + chain


def mutate_data(rng: random.Random, data: dict) -> dict:
    """One random structural mutation of the parsed account (or several at once)."""
    kind = rng.choice(["extreme"] * 3 + ["delete", "odd", "rename", "duplicate", "dangling", "swap_ids", "section",
                                         "cycle", "element", "top_key", "several", "tagged", "tagged",
                                         "tagged_reference", "oversized", "department_cycle", "self_loop"]
                      + ["chain"] * (rng.random() < 0.1))
    if kind == "several":
        for _ in range(rng.randint(2, 6)):
            data = mutate_data(rng, data)
        return data
    if kind == "chain":
        _long_chain(rng, data)
        return data
    path = rng.choice([p for p in _paths(data) if p])
    parent, key = _at(data, path[:-1]), path[-1]
    field = key if isinstance(key, str) else None
    if kind == "extreme":
        if field in EXTREME_VALUES:
            parent[key] = rng.choice(EXTREME_VALUES[field])
        elif isinstance(parent[key], list):
            parent[key].clear() if rng.random() < 0.5 else rng.shuffle(parent[key])
        elif isinstance(parent[key], str) and field not in REFERENCE_FIELDS | {"id", "kind", "format"}:
            parent[key] = rng.choice(EXTREME_TEXT)
    elif kind == "delete":
        del parent[key]
    elif kind == "odd":
        parent[key] = copy.deepcopy(rng.choice(ODD_VALUES))
    elif kind == "tagged":
        parent[key] = copy.deepcopy(rng.choice(TAGGED_VALUES))
    elif kind == "oversized":
        parent[key] = copy.deepcopy(rng.choice(OVERSIZED_VALUES))
    elif kind == "tagged_reference":  # issue 13's bypass: an id as bytes, a list of ids as a set
        references = [p for p in _paths(data) if p and p[-1] in REFERENCE_FIELDS | {"people", "decision_unit"}
                      and isinstance(_at(data, p), (str, list))]
        if references:
            where = rng.choice(references)
            value = _at(data, where)
            _at(data, where[:-1])[where[-1]] = (
                value.encode() if isinstance(value, str) else {*map(str, value), "ghost"})
    elif kind == "rename" and isinstance(parent, dict):
        parent[f"{key}{rng.choice(['s', '_x', 'X'])}"] = parent.pop(key)
    elif kind == "duplicate" and isinstance(parent, list):
        parent.insert(rng.randrange(len(parent) + 1), copy.deepcopy(parent[key]))
    elif kind == "dangling":
        references = [p for p in _paths(data) if p and p[-1] in REFERENCE_FIELDS]
        if references:
            where = rng.choice(references)
            target = _at(data, where[:-1])
            if isinstance(target, dict):
                target[where[-1]] = rng.choice(["ghost", "zhao", "jiang", "exec", "rivalco"])
    elif kind == "swap_ids":
        items = data.get(rng.choice(ID_SECTIONS))
        if isinstance(items, list) and len(items) >= 2:
            first, second = rng.sample(items, 2)
            if isinstance(first, dict) and isinstance(second, dict) and "id" in first and "id" in second:
                first["id"], second["id"] = second["id"], first["id"]
    elif kind == "section":
        data[rng.choice(SECTIONS + ["account", "opportunity", "format"])] = copy.deepcopy(rng.choice(ODD_VALUES))
    elif kind == "cycle":
        people = _with_ids(data)
        if len(people) >= 2:
            first, second = rng.sample(people, 2)
            first["reports_to"], second["reports_to"] = second["id"], rng.choice([first["id"], second["id"]])
    elif kind == "department_cycle":
        departments = _with_ids(data, "departments")
        if len(departments) >= 2:
            first, second = rng.sample(departments, 2)
            first["parent"], second["parent"] = second["id"], first["id"]
    elif kind == "self_loop":
        people = _with_ids(data)
        if people:
            person = rng.choice(people)
            person["reports_to"] = person["id"]
    elif kind == "element":
        items = data.get(rng.choice(SECTIONS))
        if isinstance(items, list):
            items.append(copy.deepcopy(rng.choice(ODD_VALUES + TAGGED_VALUES)))
    elif kind == "top_key":
        data[rng.choice(["peoples", "Account", "notes", "x"])] = {"a": 1}
    return data


def mutate_text(rng: random.Random, text: str) -> bytes:
    """One random mutation of the file's text or bytes."""
    kind = rng.choice(["truncate", "bad_byte", "drop_line", "duplicate_line", "swap_lines", "indent", "junk", "junk",
                       "tag", "tag", "self_alias", "deep", "long_number", "long_key"])
    raw = text.encode("utf-8")
    if kind == "truncate":
        return raw[: rng.randrange(len(raw))]
    if kind == "bad_byte":
        at = rng.randrange(len(raw))
        return raw[:at] + bytes([rng.choice([0xFF, 0xC3, 0x80, 0xFE])]) + raw[at:]
    lines = text.splitlines(keepends=True)
    at = rng.randrange(len(lines))
    if kind == "drop_line":
        del lines[at]
    elif kind == "duplicate_line":
        lines.insert(at, lines[at])
    elif kind == "swap_lines":
        other = rng.randrange(len(lines))
        lines[at], lines[other] = lines[other], lines[at]
    elif kind == "indent":
        lines[at] = rng.choice([" ", "   ", "\t"]) + lines[at]
    elif kind == "tag":  # before a value: "key: !!binary value", "- !!set item"
        values = [i for i, line in enumerate(lines) if re.search(r"(: |- )\S", line) and not line.lstrip().startswith("#")]
        if values:
            at = rng.choice(values)
            match = rng.choice(list(re.finditer(r"(?:: |- )(?=\S)", lines[at])))
            lines[at] = lines[at][: match.end()] + rng.choice(VALUE_TAGS) + lines[at][match.end():]
    elif kind == "self_alias":
        lines.append(rng.choice(["notes: &n [*n]\n", "people: &p\n  - *p\n", "x: &x {a: *x}\n"]))
    elif kind == "deep":
        depth = rng.choice([40, 1000, 60_000])
        lines.append(f"notes: {'[' * depth}{']' * depth}\n")
    elif kind == "long_number":
        lines.append(f"notes: {'9' * rng.choice([101, 5001])}\n")
    elif kind == "long_key":
        lines.append(f"{'k' * rng.choice([1001, 1100])}: x\n")
    else:
        column = rng.randrange(len(lines[at]) + 1)
        lines[at] = lines[at][:column] + rng.choice(TEXT_JUNK) + lines[at][column:]
    return "".join(lines).encode("utf-8")


def case(seed: int) -> tuple[str, bytes]:
    """Fuzz case ``seed``: (file suffix, file bytes); the same for the same seed."""
    rng = random.Random(seed)
    example = rng.choice(EXAMPLES)
    if rng.random() < 0.35:
        return ".yaml", mutate_text(rng, TEXTS[example])
    data = mutate_data(rng, copy.deepcopy(DATA[example]))
    if rng.random() < 0.3:
        return ".json", json.dumps(data, default=str, ensure_ascii=False).encode("utf-8")
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: 10x faster
    return ".yaml", yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False).encode("utf-8")


def outcome(path: Path) -> tuple[str, str]:
    """("refused" | "accepted" | "unexpected", what was unexpected) for the account file at ``path``.

    Refused: :class:`AccountFileError` with every problem placed (an item and field,
    or a line) and no Python internals in the message. Accepted: it analyzes, and
    the JSON, the terminal and Markdown briefings and the Markdown plan all render.
    """
    try:
        account = load_account(path)
    except AccountFileError as exc:
        unplaced = [str(p) for p in exc.problems if not (p.where or p.line or p.position)]
        if unplaced:
            return "unexpected", f"refused without a place: {unplaced[0]}"
        if LEAK.search(str(exc)) or "\x1b" in str(exc):
            return "unexpected", f"the message leaks internals or control characters: {str(exc)[:500]}"
        return "refused", ""
    except Exception:  # noqa: BLE001 — any other exception is the finding
        return "unexpected", traceback.format_exc(limit=-6)
    try:
        result = analyze(account, as_of=AS_OF)
        json.dumps(result.to_dict())
        for text in (render_text(result), render_markdown(result, full=True), render_plan(account, result, fmt="md")):
            if "\x1b" in text:
                return "unexpected", "an escape character reached the briefing or the plan"
    except Exception:  # noqa: BLE001
        return "unexpected", traceback.format_exc(limit=-6)
    return "accepted", ""
