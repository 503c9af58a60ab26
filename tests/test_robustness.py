"""Bad input never crashes the CLI: seeded random mutations of the example account
through `ig validate` and `ig analyze --format json` (exit 0 or 1, never a
traceback, every error line naming the file), and the nasty files those
mutations and a hand review turned up, each with its exact message.
"""
from __future__ import annotations

import copy
import json
import random
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from influence_graph.analysis import analyze
from influence_graph.cli import cli
from influence_graph.model import AccountFileError, load_account, parse_account

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "huaxin-auto.yaml"
TEXT = EXAMPLE.read_text(encoding="utf-8")
DATA = yaml.safe_load(TEXT)  # dates become datetime.date: written back as YAML dates or JSON strings
AS_OF = "2026-11-20"
CASES, BATCHES = 300, 6

# Values of the wrong type, shape or size for any field.
ODD_VALUES = ["text", "", [1, 2], {"x": 1}, None, 10**30, -5, -0.5, 0, 1.5, True, 1e308, "2026-13-45", [], {},
              "Zhao Ming", [None], 3]
# Values that are valid (or nearly) but extreme, by field: they reach the analysis.
EXTREME_VALUES = {
    "strength": [5e-324, 1e-300, 1e-9, 1, 0.999999, "clip", "velcro"],
    "susceptibility": [0, 1, 5e-324],
    "stance": [-1, 1, 0, -0.0, 5e-324, "unknown", "champion", "opponent"],
    "level": [1, 6],
    "date": ["0001-01-01", "9999-12-31", AS_OF, "2024-02-29"],
    "since": ["0001-01-01", "9999-12-31"],
    "close_date": ["0001-01-01", "9999-12-31"],
    "mutual": [True],
}
EXTREME_TEXT = ["[bold]x[/] <script>&amp;", "a\nb|c", " ", "x" * 3000, "名字", "{{x}}", "%s %d"]
REFERENCE_FIELDS = {"reports_to", "department", "from", "to", "member", "person", "competitor", "parent", "a", "b"}
ID_SECTIONS = ["people", "departments", "team", "competitors"]
SECTIONS = ID_SECTIONS + ["channels", "department_relations", "relationships", "competitor_relationships", "touches"]
TEXT_JUNK = [":", "{", "[", "'", '"', "&a ", "*a ", "!!int ", "!!float ", "!!timestamp ", "!!binary ", "? ", "- ", "%",
             "@", "`", "\x00", "\x85", "\ufeff", "!!python/object:os.system ", "\t"]
# A Python exception leaking into the output: a traceback, or an exception's repr.
LEAK = re.compile(r"Traceback|\b[A-Z]\w*(Error|Exception)\(|<class '|object at 0x")


def _paths(node, here=()):
    yield here
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in children:
        yield from _paths(value, here + (key,))


def _mutate_data(rng: random.Random, data: dict) -> dict:
    """One random structural mutation of the parsed account (or several at once)."""
    kind = rng.choice(["extreme"] * 3 + ["delete", "odd", "rename", "duplicate", "dangling", "swap_ids", "section",
                                         "cycle", "element", "top_key", "several"])
    if kind == "several":
        for _ in range(rng.randint(2, 6)):
            data = _mutate_data(rng, data)
        return data
    path = rng.choice([p for p in _paths(data) if p])
    parent, key = data, path[-1]
    for part in path[:-1]:
        parent = parent[part]
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
    elif kind == "rename" and isinstance(parent, dict):
        parent[f"{key}{rng.choice(['s', '_x', 'X'])}"] = parent.pop(key)
    elif kind == "duplicate" and isinstance(parent, list):
        parent.insert(rng.randrange(len(parent) + 1), copy.deepcopy(parent[key]))
    elif kind == "dangling":
        references = [p for p in _paths(data) if p and p[-1] in REFERENCE_FIELDS]
        if references:
            where = rng.choice(references)
            target = data
            for part in where[:-1]:
                target = target[part]
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
        people = [p for p in data.get("people") or [] if isinstance(p, dict) and isinstance(p.get("id"), str)]
        if len(people) >= 2:
            first, second = rng.sample(people, 2)
            first["reports_to"], second["reports_to"] = second["id"], rng.choice([first["id"], second["id"]])
    elif kind == "element":
        items = data.get(rng.choice(SECTIONS))
        if isinstance(items, list):
            items.append(copy.deepcopy(rng.choice(ODD_VALUES)))
    elif kind == "top_key":
        data[rng.choice(["peoples", "Account", "notes", "x"])] = {"a": 1}
    return data


def _mutate_text(rng: random.Random) -> bytes:
    """One random mutation of the file's text or bytes."""
    kind = rng.choice(["truncate", "bad_byte", "drop_line", "duplicate_line", "swap_lines", "indent", "junk"])
    raw = TEXT.encode("utf-8")
    if kind == "truncate":
        return raw[: rng.randrange(len(raw))]
    if kind == "bad_byte":
        at = rng.randrange(len(raw))
        return raw[:at] + bytes([rng.choice([0xFF, 0xC3, 0x80, 0xFE])]) + raw[at:]
    lines = TEXT.splitlines(keepends=True)
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
    else:
        column = rng.randrange(len(lines[at]) + 1)
        lines[at] = lines[at][:column] + rng.choice(TEXT_JUNK) + lines[at][column:]
    return "".join(lines).encode("utf-8")


def _case(rng: random.Random) -> tuple[str, bytes]:
    """A mutated account file: (suffix, bytes)."""
    if rng.random() < 0.35:
        return ".yaml", _mutate_text(rng)
    data = _mutate_data(rng, copy.deepcopy(DATA))
    if rng.random() < 0.3:
        return ".json", json.dumps(data, default=str, ensure_ascii=False).encode("utf-8")
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: 10x faster
    return ".yaml", yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False).encode("utf-8")


def _check_run(runner: CliRunner, path: Path, args: list[str]) -> int:
    result = runner.invoke(cli, args)
    shown = f"`ig {' '.join(args)}` on a copy of {path.name}:\n{result.output[-2000:]}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{shown}\nraised {result.exception!r}") from result.exception
    assert result.exit_code in (0, 1), shown
    assert not LEAK.search(result.output), shown
    if result.exit_code == 1:
        assert all(str(path) in line for line in result.output.splitlines() if line.strip()), shown
    elif args[0] == "analyze":
        assert json.loads(result.output)["account"]["id"], shown
    return result.exit_code


@pytest.mark.parametrize("batch", range(BATCHES))
def test_mutated_accounts_give_a_result_or_clear_messages(tmp_path, batch):
    runner = CliRunner()
    per_batch = CASES // BATCHES
    outcomes = []
    for case in range(batch * per_batch, (batch + 1) * per_batch):
        suffix, raw = _case(random.Random(case))
        path = tmp_path / f"case{case}{suffix}"
        path.write_bytes(raw)
        validated = _check_run(runner, path, ["validate", str(path)])
        analyzed = _check_run(runner, path, ["analyze", str(path), "--format", "json", "--as-of", AS_OF])
        assert validated == analyzed, f"validate and analyze disagree on case {case}"
        outcomes.append(validated)
    # The mutations must exercise both paths: files the analysis runs on, and files rejected.
    assert outcomes.count(0) >= per_batch // 10 and outcomes.count(1) >= per_batch // 4, outcomes


HEAD = "account: {id: acme, name: Acme}\n"
TWO = HEAD + "people:\n  - {id: x, name: X}\n  - {id: y, name: Y}\n"


NASTY_FILES = [  # (file name, text, the one problem expected: where, message, line)
    # PyYAML's constructor failed on these with plain Python errors, placed nowhere; each has its place now.
    ("int_tag.yaml", HEAD + "people:\n  - {id: x, name: X, level: !!int abc}\n",
     ("people[x].level", "'abc' is not a whole number (!!int)", 3)),
    ("timestamp_tag.yaml", HEAD + "touches:\n  - {date: !!timestamp soon}\n",
     ("touches[0].date", "'soon' is not a date (use YYYY-MM-DD)", 3)),
    ("long_number.yaml", HEAD + "people:\n  - {id: x, name: X, level: " + "9" * 5000 + "}\n",
     ("people[x].level", "a number of 5,000 characters is too long (at most 100); if it is text, quote it", 3)),
    ("long_number.json", '{"account": {"id": "a", "name": "A", "notes": ' + "9" * 5000 + "}}",
     ("account.notes", "a number of 5,000 characters is too long (at most 100); if it is text, quote it", 1)),
    ("nul.yaml", HEAD + "# a\x00b\n", ("", "not valid YAML: character U+0000 is not allowed in a YAML file", 2)),
    ("self_alias.yaml", HEAD + "people: &a\n  - *a\n",
     ("people[0]", "expected a mapping of keys and values, not [[[...]]]", 3)),
    ("deep.json", '{"account": {"id": "a", "name": "A"}, "notes": ' + "[" * 100_000 + "]" * 100_000 + "}",
     ("", "not readable JSON (column 79): nested too deeply (more than 32 levels of lists and mappings)", 1)),
    # true is not a number, though Python (and pydantic) read it as 1.
    ("bool_level.yaml", HEAD + "people:\n  - {id: x, name: X, level: true}\n",
     ("people[x].level", "expected a number, not true", 3)),
    ("bool_strength.yaml", TWO + "channels:\n  - {from: x, to: y, kind: advice, strength: true}\n",
     ("channels[0].strength", "expected a number, not true", 6)),
    # YAML 1.1 reads 12:30:00 as 45000 and 0123 as octal 83: quote what was typed.
    ("sexagesimal.yaml", HEAD + "people:\n  - {id: x, name: X, title: 12:30:00}\n",
     ("people[x].title", '12:30:00 is read as a number here but must be text; quote it: "12:30:00"', 3)),
    ("octal.yaml", HEAD + "people:\n  - id: x\n    name: X\n    contact: {phone: 0123}\n",
     ("people[x].contact.phone", '0123 is read as a number here but must be text; quote it: "0123"', 5)),
    ("bool_name.yaml", HEAD + "people:\n  - {id: x, name: true}\n",
     ("people[x].name", 'true is read as true/false here but must be text; quote it: "true"', 3)),
    ("empty_section.yaml", HEAD + "people:\n",
     ("people", "is empty; list the items, or write [] (or leave the key out) for none", 2)),
    # A huge value is cut short in the message.
    ("huge_value.yaml", HEAD + "people:\n  - [" + ", ".join(["word"] * 1000) + "]\n",
     ("people[0]", "expected a mapping of keys and values, not ['word', 'word', 'word', 'word', ...]", 3)),
]


@pytest.mark.parametrize("file_name, text, expected", NASTY_FILES, ids=[case[0] for case in NASTY_FILES])
def test_nasty_files_get_one_clear_problem(tmp_path, file_name, text, expected):
    path = tmp_path / file_name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AccountFileError) as caught:
        load_account(path)
    assert [(p.where, p.message, p.line) for p in caught.value.problems] == [expected]
    assert str(caught.value).splitlines()[0] == f"1 problem in {path}:"


def test_exponential_aliases_are_read_in_linear_time(tmp_path):
    # 9**12 strings if expanded: the line map and the key checks must not walk each copy.
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 13)]
    path = tmp_path / "laughs.yaml"
    path.write_text(HEAD + "\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(AccountFileError) as caught:
        load_account(path)
    assert [(p.where, p.line) for p in caught.value.problems] == [(f"a{i}", i + 2) for i in range(13)]


def test_subnormal_strengths_are_analyzed_as_the_weakest_tie():
    data = copy.deepcopy(DATA)
    for channel in data["channels"]:
        channel["strength"] = 5e-324  # 1/strength overflows to inf
    for relationship in data["relationships"]:
        relationship["strength"] = 5e-324
    result = analyze(parse_account(data), as_of=AS_OF, confidence=False).to_dict()
    influence = [p["influence"] for p in result["people"]]
    assert abs(sum(influence) - 1) < 1e-3 and all(0 <= value <= 1 for value in influence)
    # With every channel negligible, real power is the org chart's: the CEO first.
    assert result["power_ranking"][0] == "zhao"
    assert all(u["path_strength"] < 1e-5 for u in result["uncovered_decision_makers"] if u["path"])
