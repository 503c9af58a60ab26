"""One validation order that cannot be bypassed (types and limits, then fields, then
the rules across items), on real files through the real commands: every input of
issue 13 that passed `ig validate` and then crashed `ig analyze` (or was analyzed
wrongly) is refused with its place, each reproducer its own test; the limits; the
places of the messages that had none; and the same order for data from code.
"""
from __future__ import annotations

import base64
import datetime as dt
import enum
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from influence_graph.analysis import analyze
from influence_graph.cli import cli
from influence_graph.model import AccountFileError, Problem, load_account, parse_account
from influence_graph.model.limits import MAX_DEPTH, MAX_ID_LENGTH, MAX_KEY_LENGTH, MAX_TEXT_LENGTH

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "huaxin-auto.yaml"
AS_OF = "2026-11-20"
HEAD = "format: influence-graph/1\naccount: {id: a, name: A}\n"
P = base64.b64encode(b"p").decode()  # !!binary of the id "p": pydantic used to read it as the text "p"
GHOST = base64.b64encode(b"ghost").decode()


@pytest.fixture
def runner():
    return CliRunner()


def problems_of(path: Path) -> list[tuple[str, str, int | None]]:
    with pytest.raises(AccountFileError) as caught:
        load_account(path)
    return [(p.where, p.message, p.line) for p in caught.value.problems]


def write(tmp_path: Path, text: str, name: str = "account.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused_by_validate_and_analyze(runner, path: Path) -> str:
    """Both commands refuse with the same message (exit 1, no traceback); the message."""
    validated = runner.invoke(cli, ["validate", str(path)])
    analyzed = runner.invoke(cli, ["analyze", str(path), "--as-of", AS_OF])
    assert validated.exit_code == analyzed.exit_code == 1, validated.output + analyzed.output
    assert validated.exception is None or isinstance(validated.exception, SystemExit)
    assert analyzed.output == validated.output and "Traceback" not in validated.output
    return validated.output


# --- issue 13: inputs that passed `ig validate` and then crashed `ig analyze` -------------------

BINARY_MEMBER = HEAD + ("people: [{id: p, name: P}]\nteam: [{id: me, name: Me}]\n"
                        "relationships: [{member: !!binary aGVsbG8=, person: p}]\n")


def test_binary_relationship_member_is_refused_not_a_keyerror_in_analyze(runner, tmp_path):
    output = refused_by_validate_and_analyze(runner, write(tmp_path, BINARY_MEMBER))
    assert output == (f"Error: 1 problem in {tmp_path / 'account.yaml'}:\n"
                      f"  {tmp_path / 'account.yaml'}:5: relationships[0].member: "
                      "binary data (!!binary) is not allowed; write text\n")


# Each of issue 13's bypasses of the reference checks: (the file's sections, where, line).
BYPASSES = {
    "channel to": (f"people: [{{id: p, name: P}}, {{id: q, name: Q}}]\n"
                   f"channels: [{{from: q, to: !!binary {GHOST}, kind: advice}}]\n", "channels[0].to", 4),
    "relationship member": ("people: [{id: p, name: P}]\nteam: [{id: me, name: Me}]\n"
                            f"relationships: [{{member: !!binary {GHOST}, person: p}}]\n", "relationships[0].member", 5),
    "competitor of a relationship": ("people: [{id: p, name: P}]\ncompetitors: [{id: rival, name: R}]\n"
                                     f"competitor_relationships: [{{competitor: !!binary {GHOST}, person: p}}]\n",
                                     "competitor_relationships[0].competitor", 5),
    "decision unit": ("people: [{id: p, name: P}]\nopportunity: {name: Bid, decision_unit: !!set {p, ghost}}\n",
                      "opportunity.decision_unit", 4),
    "reports to": (f"people: [{{id: p, name: P, reports_to: !!binary {GHOST}}}]\n", "people[p].reports_to", 3),
    # The same bypass made wrong analyses silently: two people merged, a cycle, a self-loop …
    "duplicate person id": (f"people: [{{id: p, name: P}}, {{id: !!binary {P}, name: Also P}}]\n", "people[1].id", 3),
    "reporting cycle": (f"people: [{{id: p, name: P, reports_to: q}}, {{id: q, name: Q, reports_to: !!binary {P}}}]\n",
                        "people[q].reports_to", 3),
    "self-loop": (f"people: [{{id: p, name: P, reports_to: !!binary {P}}}]\n", "people[p].reports_to", 3),
    "department cycle": (f"departments: [{{id: d, parent: e}}, {{id: e, parent: !!binary {base64.b64encode(b'd').decode()}}}]\n",
                         "departments[e].parent", 3),
    "unknown person in touches": ("people: [{id: p, name: P}]\n"
                                  "touches: [{date: 2026-10-01, people: !!set {p, ghost}}]\n", "touches[0].people", 4),
}


@pytest.mark.parametrize("name", sorted(BYPASSES))
def test_a_yaml_tag_cannot_smuggle_a_reference_past_the_checks(runner, tmp_path, name):
    sections, where, line = BYPASSES[name]
    path = write(tmp_path, HEAD + sections)
    message = "a set (!!set) is not allowed; write a list" if "!!set" in sections else \
        "binary data (!!binary) is not allowed; write text"
    assert problems_of(path) == [(where, message, line)]
    refused_by_validate_and_analyze(runner, path)


def test_a_very_long_account_id_is_refused_not_a_file_name_too_long(runner, tmp_path):
    path = write(tmp_path, f"account: {{id: {'a' * 251}, name: A}}\n")
    assert problems_of(path) == [("account.id", "an id of 251 characters is too long (at most 100)", 1)]
    pushed = runner.invoke(cli, ["push", str(path), "--store", str(tmp_path / "store")])
    assert pushed.exit_code == 1 and "account.id: an id of 251 characters is too long" in pushed.output
    assert not (tmp_path / "store").exists()


def test_an_id_of_the_longest_length_is_stored_and_pulled(runner, tmp_path):
    long_id = "a" * MAX_ID_LENGTH
    path = write(tmp_path, f"account: {{id: {long_id}, name: A}}\n")
    assert runner.invoke(cli, ["push", str(path), "--store", str(tmp_path / "store")]).exit_code == 0
    pulled = runner.invoke(cli, ["pull", long_id, "-o", str(tmp_path / "back.yaml"), "--store", str(tmp_path / "store")])
    assert pulled.exit_code == 0, pulled.output
    assert load_account(tmp_path / "back.yaml").id == long_id


@pytest.mark.parametrize("command", [["validate"], ["analyze"], ["map", "-o", "m.html"], ["report", "-o", "r.md"]])
def test_a_source_argument_too_long_for_a_file_name_is_a_message(runner, tmp_path, command):
    with runner.isolated_filesystem(temp_dir=tmp_path):
        result = runner.invoke(cli, [command[0], "x" * 300, *command[1:], "--store", "store"])
        assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
        assert result.output == (f"Error: {'x' * 59 + '…'!r} is not an account id (lowercase letters, digits, "
                                 "'-' and '_'; at most 100 characters)\n")


def _deep_chain(depth: int) -> str:
    """Issue 13's reproducer: a reporting chain listed subordinate-first, no levels given."""
    people = [f"  - {{id: p{i}, name: P{i}, reports_to: p{i + 1}}}" for i in range(depth)]
    return HEAD + "people:\n" + "\n".join(people) + f"\n  - {{id: p{depth}, name: Top}}\n"


def test_a_reporting_chain_990_deep_is_analyzed_mapped_and_reported(runner, tmp_path):
    path = write(tmp_path, _deep_chain(990))
    account = load_account(path)
    levels = account.levels()
    assert (levels["p990"], levels["p989"], levels["p985"], levels["p0"]) == (1, 2, 6, 6)
    assert runner.invoke(cli, ["validate", str(path)]).exit_code == 0
    for args in (["analyze", "--format", "json"], ["map", "-o", str(tmp_path / "m.html")],
                 ["report", "-o", str(tmp_path / "r.md")]):
        result = runner.invoke(cli, [args[0], str(path), *args[1:], "--as-of", AS_OF])
        assert result.exit_code == 0, result.output


def test_levels_of_an_account_built_in_code_with_a_cycle_stay_defined():
    # Validation refuses a cycle; an account put together in code may still hold one.
    account = parse_account({"account": {"id": "a", "name": "A"},
                             "people": [{"id": "x", "name": "X"}, {"id": "y", "name": "Y", "reports_to": "x"}]})
    account.people[0].reports_to = "y"
    assert account.levels() == {"x": 2, "y": 1} or account.levels() == {"x": 1, "y": 2}


def test_report_near_the_end_of_the_calendar_clamps_its_dates(runner, tmp_path):
    result = runner.invoke(cli, ["report", str(EXAMPLE), "-o", str(tmp_path / "plan.md"), "--as-of", "9999-12-25"])
    assert result.exit_code == 0, result.output
    plan = (tmp_path / "plan.md").read_text(encoding="utf-8")
    assert "31 Dec" in plan and "10000" not in plan
    analyzed = runner.invoke(cli, ["analyze", str(EXAMPLE), "--format", "json", "--as-of", "9999-12-25"])
    assert max(action["by"] for action in json.loads(analyzed.output)["actions"]) == "9999-12-31"


def test_json_keys_given_twice_are_found_whatever_else_the_file_holds(tmp_path):
    # The line map came from reading the JSON as YAML, which gives up on a key over 1,024
    # characters: the key given twice was then accepted, the last value winning.
    long_key = "k" * 1100
    path = write(tmp_path, '{"account": {"id": "a", "name": "A", "name": "B"},\n'
                           f' "people": [{{"id": "p", "name": "P", "contact": {{"{long_key}": "x"}}}}]}}', name="twice.json")
    assert problems_of(path) == [
        ("account.name", "key 'name' is given twice; only one is allowed", 1),
        ("people[p].contact", f"a key of 1,100 characters is too long (at most {MAX_KEY_LENGTH:,})", 2),
    ]


# --- the messages that had no place -----------------------------------------------------------

DEEP = "opportunity.notes" + "[0]" * (MAX_DEPTH - 2)
TOO_DEEP = f"nested too deeply (more than {MAX_DEPTH} levels of lists and mappings)"
PLACED = [  # (file name, text, where, message, line)
    ("timestamp.yaml", HEAD + "touches:\n  - {date: !!timestamp 2026-02-30}\n",
     "touches[0].date", "'2026-02-30' is not a date (use YYYY-MM-DD)", 4),
    ("float.yaml", HEAD + "people:\n  - {id: x, name: X, susceptibility: !!float xyz}\n",
     "people[x].susceptibility", "'xyz' is not a number (!!float)", 4),
    ("int.yaml", HEAD + "people:\n  - {id: x, name: X, level: !!int abc}\n",
     "people[x].level", "'abc' is not a whole number (!!int)", 4),
    ("digits.yaml", HEAD + "opportunity: {name: Bid, value: " + "9" * 5001 + "}\n",
     "opportunity.value", "a number of 5,001 characters is too long (at most 100); if it is text, quote it", 3),
    ("digits.json", '{"account": {"id": "a", "name": "A"},\n "opportunity": {"name": "B", "value": ' + "9" * 5001 + "}}",
     "opportunity.value", "a number of 5,001 characters is too long (at most 100); if it is text, quote it", 2),
    ("deep.yaml", HEAD + "opportunity:\n  name: Bid\n  notes: " + "[" * 40 + "]" * 40 + "\n", DEEP, TOO_DEEP, 5),
    ("deep_flow.yaml", HEAD + "opportunity: {name: Bid, notes: " + "[" * 60_000 + "]" * 60_000 + "}\n",
     "", f"{TOO_DEEP} (column 1032)", 3),  # libyaml's flow parsing would take 25 s
    ("deep_block.yaml", HEAD + "opportunity:\n  name: Bid\n  notes:\n    " + "- " * 30_000 + "x\n",
     DEEP, TOO_DEEP, 6),  # libyaml's composer would crash the process (a segmentation fault)
    ("deep.json", '{"account": {"id": "a", "name": "A"},\n "opportunity": {"name": "B", "notes": '
     + "[" * 40 + "]" * 40 + "}}", DEEP, TOO_DEEP, 2),
    ("too_deep_to_parse.json", '{"account": {"id": "a", "name": "A"},\n "opportunity": {"name": "B", "notes": '
     + "[" * 100_000 + "]" * 100_000 + "}}", "", f"not readable JSON (column 70): {TOO_DEEP}", 2),
    ("python_tag.yaml", HEAD + "notes: !!python/object/apply:os.system [echo]\n",
     "notes", "the YAML tag !!python/object/apply:os.system is not allowed here", 3),
    ("alias.yaml", HEAD + "notes: *nowhere\n", "notes", "*nowhere refers to no anchor &nowhere before it", 3),
    ("two_documents.yaml", HEAD + "---\naccount: {id: b, name: B}\n",
     "", "not valid YAML (column 1): expected a single document in the file, but found another one", 3),
    ("infinite.yaml", HEAD + "opportunity: {name: Bid, value: .inf}\n",
     "opportunity.value", "inf is not a number (numbers must be finite)", 3),
    ("nan.json", '{"account": {"id": "a", "name": "A"}, "people": [{"id": "x", "name": "X", "stance": NaN}]}',
     "people[x].stance", "nan is not a number (numbers must be finite)", 1),
    ("huge.yaml", HEAD + "opportunity: {name: Bid, value: 1.0e+30}\n",
     "opportunity.value", "1e+30 is too large (at most 10^18); if it is text, quote it", 3),
    ("huge_text.yaml", HEAD + "opportunity: {name: Bid, value: '1e30'}\n",  # read as a number by the field
     "opportunity.value", "'1e30' is out of range (must be at most 1e+18)", 3),
    ("infinite_text.yaml", HEAD + "opportunity: {name: Bid, value: 'inf'}\n",
     "opportunity.value", "'inf' is not a number (numbers must be finite)", 3),
    ("long_text.yaml", HEAD + "people:\n  - {id: x, name: " + "n" * (MAX_TEXT_LENGTH + 1) + "}\n",
     "people[x].name", "a text of 100,001 characters is too long (at most 100,000)", 4),
    ("number_key.yaml", HEAD + "people:\n  - {id: x, name: X, contact: {1: one}}\n",
     "people[x].contact", 'the key 1 must be text; quote it: "1"', 4),
]


@pytest.mark.parametrize("file_name, text, where, message, line", PLACED, ids=[case[0] for case in PLACED])
def test_every_refusal_has_a_place(tmp_path, file_name, text, where, message, line):
    problems = problems_of(write(tmp_path, text, file_name))
    if where == DEEP:  # the notes field, a text, holds a list: said too
        assert problems[0] == ("opportunity.notes", "expected text, not [[[...]]]", problems[0][2])
        problems = problems[1:]
    assert problems == [(where, message, line)]


def test_a_person_listed_twice_in_the_decision_unit_or_a_touch_is_refused(tmp_path):
    # Counted twice, they would weigh twice in the decision unit's forecast.
    path = write(tmp_path, HEAD + "people: [{id: p, name: P}, {id: q, name: Q}]\n"
                                  "touches: [{date: 2026-10-01, people: [p, q, p]}]\n"
                                  "opportunity: {name: Bid, decision_unit: [q, p, q]}\n")
    assert problems_of(path) == [("touches[0].people[2]", "person 'p' is listed twice", 4),
                                 ("opportunity.decision_unit[2]", "person 'q' is listed twice", 5)]


def test_problems_of_every_stage_are_reported_together(tmp_path):
    path = write(tmp_path, HEAD + "people:\n  - {id: x, name: !!binary eA==, stance: fan}\n"
                                  "  - {id: y, name: Y, reports_to: ghost}\n")
    assert problems_of(path) == [
        ("people[x].name", "binary data (!!binary) is not allowed; write text", 4),
        ("people[x].stance", "unknown stance 'fan'; use one of champion, supporter, neutral, skeptic, opponent, "
                             "unknown or a number from -1 to 1", 4),
        ("people[y].reports_to", "refers to unknown person 'ghost'", 5),
    ]


def test_yaml_merge_keys_and_anchors_still_work(tmp_path):
    path = write(tmp_path, HEAD + "people:\n  - &base {id: x, name: X, stance: champion, department: d}\n"
                                  "  - {<<: *base, id: y, name: Y}\ndepartments: [{id: d}]\n")
    account = load_account(path)
    assert [(p.id, p.name, p.stance.value, p.department) for p in account.people] == [
        ("x", "X", "champion", "d"), ("y", "Y", "champion", "d")]


def test_an_explicit_valid_timestamp_is_read_as_the_date_it_spells(tmp_path):
    path = write(tmp_path, HEAD + "touches:\n  - {date: !!timestamp 2026-02-28}\n")
    assert load_account(path).touches[0].date == dt.date(2026, 2, 28)


def test_the_garbage_collector_is_paused_while_loading_and_restored_after(tmp_path, monkeypatch):
    import gc

    from influence_graph.model import loader

    seen = []  # whether the collector ran while the data was validated
    real_plain_data = loader.plain_data
    monkeypatch.setattr(loader, "plain_data", lambda data: seen.append(gc.isenabled()) or real_plain_data(data))
    good = write(tmp_path, '{"account": {"id": "a", "name": "A"}}', "good.json")
    bad = write(tmp_path, '{"account": {"id": "a"}}', "bad.json")
    assert load_account(good).id == "a" and gc.isenabled()
    with pytest.raises(AccountFileError):
        load_account(bad)
    assert gc.isenabled() and seen == [False, False]
    gc.disable()
    try:  # a caller's own pause is left as it was
        load_account(good)
        assert not gc.isenabled()
    finally:
        gc.enable()


# --- the same order for data from code (a notebook, a CRM import) ------------------------------


class Stance(str, enum.Enum):
    champion = "champion"


def test_data_from_code_is_made_plain_before_the_checks():
    data = {"account": {"id": "a", "name": "A"},
            "people": ({"id": "p", "name": "P", "stance": Stance.champion},),  # a tuple, an enum member
            "touches": [{"date": dt.date(2026, 1, 5), "people": ("p",)}]}
    account = parse_account(data)
    assert (account.people[0].stance.value, account.touches[0].people) == ("champion", ["p"])
    assert isinstance(data["people"], tuple)  # the caller's data is not changed


def test_a_tuple_of_ids_from_code_is_checked_like_a_list():
    data = {"account": {"id": "a", "name": "A"}, "people": [{"id": "p", "name": "P"}],
            "touches": [{"date": "2026-01-05", "people": ("p", "ghost")}]}
    with pytest.raises(AccountFileError) as caught:
        parse_account(data)
    assert [(p.where, p.message) for p in caught.value.problems] == [
        ("touches[0].people[1]", "refers to unknown person 'ghost'")]


@pytest.mark.parametrize("value, message", [
    (b"p", "binary data is not allowed here; write text"),
    ({"p"}, "a set is not allowed here; write a list"),
    (object(), "a object value is not allowed here"),
])
def test_data_from_code_that_is_not_plain_is_refused_in_place(value, message):
    data = {"account": {"id": "a", "name": "A"}, "people": [{"id": "p", "name": "P"}],
            "relationships": [{"member": value, "person": "p"}], "team": [{"id": "me", "name": "Me"}]}
    with pytest.raises(AccountFileError) as caught:
        parse_account(data)
    assert [(p.where, p.message) for p in caught.value.problems] == [("relationships[0].member", message)]


def test_positions_from_a_spreadsheet_are_shown_in_place_of_lines():
    data = {"account": {"id": "a", "name": "A"}, "people": [{"id": "p", "name": ""}, {"id": "q", "name": "Q"}]}
    positions = {("people", 0): "sheet People, row 2", ("people", 0, "name"): "sheet People, row 2, column B"}
    with pytest.raises(AccountFileError) as caught:
        parse_account(data, "crm.xlsx", positions=positions)
    assert caught.value.problems == [
        Problem("crm.xlsx", "people[p].name", "must not be empty", None, "sheet People, row 2, column B")]
    assert str(caught.value).splitlines()[1] == "  crm.xlsx, sheet People, row 2, column B: people[p].name: must not be empty"


def test_an_accepted_account_is_one_the_analysis_runs_on(tmp_path):
    # The limits' edges are inside: the longest id and text, the deepest nesting the format allows.
    data = json.loads(json.dumps({
        "account": {"id": "a" * MAX_ID_LENGTH, "name": "n" * MAX_TEXT_LENGTH},
        "people": [{"id": "p", "name": "P", "contact": {"k" * MAX_KEY_LENGTH: "x"}, "roles": ["decision_maker"]}],
    }))
    result = analyze(parse_account(data), as_of=AS_OF).to_dict()
    assert result["people"][0]["id"] == "p"
