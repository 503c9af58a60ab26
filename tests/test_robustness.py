"""Bad input never crashes the CLI: seeded random mutations of the example accounts
(tests/mutations.py, shared with the fuzz test) through `ig validate` and
`ig analyze --format json` (exit 0 or 1, never a traceback, every error line
naming the file, both commands agreeing), and the nasty files those mutations and
a hand review turned up, each with its exact message.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from influence_graph.analysis import analyze
from influence_graph.cli import cli
from influence_graph.model import AccountFileError, load_account, parse_account
from mutations import AS_OF, DATA, EXAMPLES, LEAK, case

EXAMPLE_DATA = DATA[EXAMPLES[0]]
CASES, BATCHES = 300, 6


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
    for seed in range(batch * per_batch, (batch + 1) * per_batch):
        suffix, raw = case(seed)
        path = tmp_path / f"case{seed}{suffix}"
        path.write_bytes(raw)
        validated = _check_run(runner, path, ["validate", str(path)])
        analyzed = _check_run(runner, path, ["analyze", str(path), "--format", "json", "--as-of", AS_OF])
        assert validated == analyzed, f"validate and analyze disagree on case {seed}"
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
    data = copy.deepcopy(EXAMPLE_DATA)
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
