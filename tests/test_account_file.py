"""The account file format (DESIGN §3) through ``load_account`` on real files in
tests/data/: every rule, each problem's exact message, place and line, all the
problems of a file reported together; and the happy paths (YAML = JSON,
dump round-trips, labels to numbers, defaults, the JSON Schema).
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from influence_graph.model import (
    AccountFileError,
    InfluenceGraphError,
    account_json_schema,
    dump_account,
    load_account,
    parse_account,
)

DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NOT_AN_ID = "is not a valid id (lowercase letters, digits, '-' and '_', starting with a letter or digit)"
UNKNOWN_KEY = "unknown key (not part of the influence-graph/1 format)"
NOT_A_DATE = "is not a date (use YYYY-MM-DD)"
EMPTY = "expected a mapping with 'format', 'account', 'people', …; the file is empty"


def problems_of(path: Path) -> list[tuple[str, str, int | None]]:
    """Every problem ``load_account`` reports for ``path``, as (where, message, line)."""
    with pytest.raises(AccountFileError) as caught:
        load_account(path)
    assert all(problem.file == str(path) for problem in caught.value.problems)
    return [(p.where, p.message, p.line) for p in caught.value.problems]


# --- one file per rule; each file breaks the rule several ways --------------------

EXPECTED = {
    "dangling.yaml": [  # every reference field
        ("departments[eng].parent", "refers to unknown department 'board'", 6),
        ("people[li].department", "refers to unknown department 'rnd'", 9),
        ("people[li].reports_to", "refers to unknown person 'ma'", 9),
        ("channels[0].from", "refers to unknown person 'ghost'", 11),
        ("channels[1].to", "refers to unknown person 'nobody'", 12),
        ("department_relations[0].b", "refers to unknown department 'proc'", 14),
        ("department_relations[1].a", "refers to unknown department 'hr'", 15),
        ("relationships[0].member", "refers to unknown team member 'kam'", 19),
        ("relationships[1].person", "refers to unknown person 'wang'", 20),
        ("competitor_relationships[0].competitor", "refers to unknown competitor 'otherco'", 24),
        ("competitor_relationships[1].person", "refers to unknown person 'sun'", 25),
        ("touches[0].member", "refers to unknown team member 'tian'", 27),
        ("touches[0].people[1]", "refers to unknown person 'zhou'", 27),
        ("opportunity.decision_unit[1]", "refers to unknown person 'wang'", 30),
    ],
    "duplicates.yaml": [
        ("departments[eng].id", "duplicate department id 'eng'", 6),
        ("people[zhao].id", "duplicate person id 'zhao'", 10),
        ("team[li].id", "id 'li' is already used in people; people, team members and competitors need distinct ids", 12),
        ("competitors[rivalco].id", "duplicate competitor id 'rivalco'", 15),
    ],
    "cycles.yaml": [  # reported once per cycle, at its alphabetically first member
        ("departments[eng].parent", "department parent cycle: eng -> exec -> eng", 6),
        ("people[li].reports_to", "reporting line cycle: li -> zhao -> wang -> li", 14),
    ],
    "self_loops.yaml": [
        ("departments[eng].parent", "a department cannot be its own parent", 6),
        ("people[zhao].reports_to", "a person cannot report to themselves", 8),
        ("channels[0].to", "a channel cannot run from a person to themselves", 11),
        ("department_relations[0].b", "a department cannot have a relation with itself", 13),
    ],
    "out_of_range.yaml": [
        ("people[zhao].stance", "1.5 is out of range (must be at most 1)", 7),
        ("people[zhao].susceptibility", "1.2 is out of range (must be at most 1)", 8),
        ("people[li].stance", "-2 is out of range (must be at least -1)", 11),
        ("people[li].susceptibility", "-0.1 is out of range (must be at least 0)", 12),
        ("channels[0].strength", "1.3 is out of range (must be at most 1)", 14),
        ("channels[1].strength", "0 is out of range (must be more than 0)", 15),
        ("department_relations[0].a", "refers to unknown department 'x'", 17),
        ("department_relations[0].b", "refers to unknown department 'y'", 17),
        ("department_relations[0].strength", "2 is out of range (must be at most 1)", 17),
        ("relationships[0].strength", "1.5 is out of range (must be at most 1)", 21),
        ("relationships[1].strength", "0 is out of range (must be more than 0)", 22),
        ("competitor_relationships[0].strength", "-0.5 is out of range (must be more than 0)", 26),
    ],
    "unknown_keys.yaml": [  # top level and nested; a close match is suggested
        ("account.industy", f"{UNKNOWN_KEY}; did you mean 'industry'?", 3),
        ("peoples", f"{UNKNOWN_KEY}; did you mean 'people'?", 4),
        ("people[zhao].stnace", f"{UNKNOWN_KEY}; did you mean 'stance'?", 8),
        ("channels[0].to", "refers to unknown person 'zhao2'", 11),
        ("channels[0].weight", UNKNOWN_KEY, 11),
        ("opportunity.amount", UNKNOWN_KEY, 14),
    ],
    "unknown_enums.yaml": [
        (
            "people[zhao].roles[1]",
            "unknown role 'boss'; expected 'decision_maker', 'economic_buyer', 'technical_buyer', "
            "'user_buyer', 'influencer', 'gatekeeper' or 'coach'",
            10,
        ),
        (
            "people[zhao].stance",
            "unknown stance 'enthusiastic'; use one of champion, supporter, neutral, skeptic, opponent, "
            "unknown or a number from -1 to 1",
            11,
        ),
        (
            "channels[0].kind",
            "unknown kind 'advise'; expected 'advice', 'trust', 'friendship', 'expertise', 'budget', "
            "'political', 'family', 'alumni' or 'rivalry'",
            14,
        ),
        ("department_relations[0].kind", "unknown kind 'feud'; expected 'alliance' or 'rivalry'", 16),
        ("relationships[0].strength", "unknown strength 'velvet'; use clip, zipper, velcro or a number in (0, 1]", 20),
    ],
    "bad_dates.yaml": [
        ("relationships[0].since", f"'2025-13-01' {NOT_A_DATE}", 9),
        ("touches[0].date", f"'yesterday' {NOT_A_DATE}", 11),
        ("touches[1].date", f"'2026-02-30' {NOT_A_DATE}", 12),
        ("touches[1].next_date", f"'12/01/2026' {NOT_A_DATE}", 12),
        ("opportunity.close_date", f"'2027-03-31T12:00:00' {NOT_A_DATE}", 15),
    ],
    "bad_ids.yaml": [
        ("account.id", f"'Huaxin Auto' {NOT_AN_ID}", 3),
        ("departments[R&D].id", f"'R&D' {NOT_AN_ID}", 5),
        ("people[zhao].reports_to", f"'Li' {NOT_AN_ID}", 7),
        ("people[zhao].reports_to", "refers to unknown person 'Li'", 7),
        ("people[_li].id", f"'_li' {NOT_AN_ID}", 8),
        ("people[wang fang].id", f"'wang fang' {NOT_AN_ID}", 9),
        ("people[3].id", '42 is read as a number here but must be text; quote it: "42"', 10),
    ],
    "missing_fields.yaml": [
        ("account.name", "required field is missing", 3),
        ("people[zhao].name", "required field is missing", 5),
        ("people[1].id", "required field is missing", 6),
        ("people[wang].name", "must not be empty", 7),
        ("channels[0].to", "required field is missing", 9),
        ("team[jiang].name", "required field is missing", 11),
        ("opportunity.name", "required field is missing", 12),
    ],
    "wrong_format.yaml": [
        ("format", "unsupported format 'influence-graph/2'; expected 'influence-graph/1'", 1),
    ],
    "invalid.json": [  # JSON files are located by line too
        (
            "people[zhao].stance",
            "unknown stance 'fan'; use one of champion, supporter, neutral, skeptic, opponent, "
            "unknown or a number from -1 to 1",
            5,
        ),
        ("people[li].reports_to", "refers to unknown person 'ma'", 9),
        ("people[li].colour", UNKNOWN_KEY, 10),
    ],
    # The wording of YAML syntax errors is libyaml's (PyYAML's own parser words them differently).
    "yaml_syntax.yaml": [
        ("", "not valid YAML (column 4): did not find expected '-' indicator (while parsing a block collection)", 7),
    ],
    "yaml_unclosed.yaml": [
        ("", "not valid YAML (column 7): did not find expected ',' or '}' (while parsing a flow mapping)", 3),
    ],
    "json_syntax.json": [("", "not valid JSON (column 3): Expecting value", 6)],  # trailing comma
    "empty.yaml": [("", EMPTY, 1)],
    "empty.json": [("", EMPTY, 1)],
    "comment_only.yaml": [("", EMPTY, 1)],
    "not_mapping.yaml": [("", "expected a mapping with 'format', 'account', 'people', …; the file is a list", 1)],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_problem_is_reported_with_place_and_line(name):
    if name.startswith("yaml_") and not yaml.__with_libyaml__:
        pytest.skip("YAML syntax messages are libyaml's; this PyYAML was built without it")
    assert problems_of(DATA / name) == EXPECTED[name]


def test_the_error_lists_every_problem_as_file_line_place_message():
    path = DATA / "self_loops.yaml"
    with pytest.raises(AccountFileError) as caught:
        load_account(path)
    assert str(caught.value).splitlines() == [
        f"4 problems in {path}:",
        f"  {path}:6: departments[eng].parent: a department cannot be its own parent",
        f"  {path}:8: people[zhao].reports_to: a person cannot report to themselves",
        f"  {path}:11: channels[0].to: a channel cannot run from a person to themselves",
        f"  {path}:13: department_relations[0].b: a department cannot have a relation with itself",
    ]
    assert isinstance(caught.value, InfluenceGraphError)


def test_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("format: influence-graph/1\naccount: {id: acme, name: Acme}\n# M\xfcller\n".encode("latin-1"))
    # 26 + 32 bytes of the first two lines, then "# M": the ü is byte 61, on line 3.
    assert problems_of(path) == [("", "not UTF-8 text (byte 0xfc at offset 61); save the file as UTF-8", 3)]


@pytest.mark.parametrize(
    "file_name, text, line",
    [
        ("twice.yaml", "account: {id: acme, name: Acme}\npeople:\n  - id: zhao\n    name: Zhao\n    name: Zhao Ming\n", 5),
        ("twice.json", '{"account": {"id": "acme", "name": "Acme"},\n "people": [{"id": "zhao", "name": "Zhao", "name": "Z"}]}', 2),
    ],
)
def test_a_key_given_twice_is_an_error_not_silently_dropped(tmp_path, file_name, text, line):
    path = tmp_path / file_name
    path.write_text(text, encoding="utf-8")
    assert problems_of(path) == [("people[zhao].name", "key 'name' is given twice; only one is allowed", line)]


def test_a_key_given_twice_is_reported_with_the_other_problems(tmp_path):
    path = tmp_path / "twice.yaml"
    path.write_text("account: {id: acme, name: Acme}\npeople:\n  - {id: zhao, name: Zhao, stance: hostile}\n"
                    "  - {id: li, name: Li, reports_to: ghost, reports_to: zhao}\n", encoding="utf-8")
    assert problems_of(path) == [
        ("people[zhao].stance", "unknown stance 'hostile'; use one of champion, supporter, neutral, skeptic, "
                                "opponent, unknown or a number from -1 to 1", 3),
        ("people[li].reports_to", "key 'reports_to' is given twice; only one is allowed", 4),
    ]


def test_a_utf8_file_with_a_byte_order_mark_loads(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + "account: {id: acme, name: Acme \u00e9}\n".encode("utf-8"))
    assert load_account(path).name == "Acme \u00e9"


def test_a_missing_file_and_a_directory(tmp_path):
    assert problems_of(tmp_path / "nope.yaml") == [("", "no such file", None)]
    assert problems_of(tmp_path) == [("", "is a directory, not an account file", None)]


# --- happy paths ----------------------------------------------------------------


def test_yaml_and_json_of_the_same_account_load_equal():
    from_yaml, from_json = load_account(DATA / "valid.yaml"), load_account(DATA / "valid.json")
    assert from_yaml == from_json
    assert from_yaml.relationships[0].since == dt.date(2025, 6, 1)


@pytest.mark.parametrize("source", [DATA / "valid.yaml", DATA / "yaml_ids.yaml", EXAMPLES / "huaxin-auto.yaml"])
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_dump_round_trips(tmp_path, source, fmt):
    account = load_account(source)
    path = tmp_path / f"again.{fmt}"
    path.write_text(dump_account(account, fmt), encoding="utf-8")
    assert load_account(path) == account


def test_dump_keeps_unicode_and_multi_line_notes_readable():
    account = load_account(DATA / "valid.yaml")
    notes = "Consulted by the CEO before every tech contract.\nSecond line: “quotes” and ünïcödé survive.\n"
    assert account.person("li").notes == notes
    text = dump_account(account)
    assert "name: Li Na (李娜)" in text  # not \u escapes
    assert "  notes: |\n    Consulted by the CEO" in text  # a block, as a person would write it
    assert "李娜" in dump_account(account, "json")


def test_stance_labels_map_to_numbers():
    account = load_account(DATA / "valid.yaml")
    values = {p.id: p.stance_value for p in account.people}
    assert values == {"zhao": 0.0, "wang": -0.5, "li": 1.0, "chen": 0.5, "sun": -1.0, "wu": 0.25, "xu": 0.0}
    assert account.person("zhao").stance_known and not account.person("xu").stance_known  # xu: unknown (default)


def test_relationship_labels_map_to_thirds():
    account = load_account(DATA / "valid.yaml")
    values = {r.person: r.value for r in account.relationships}
    assert values == pytest.approx({"li": 1.0, "wang": 2 / 3, "chen": 1 / 3, "zhao": 0.4})
    assert account.competitor_relationships[0].value == 1.0


def test_defaults_of_optional_fields():
    account = load_account(DATA / "valid.yaml")
    budget = account.channels[2]
    assert (budget.strength, budget.mutual) == (0.5, False)
    assert account.person("xu").susceptibility is None  # the analysis applies 0.5


def test_level_is_derived_from_reporting_depth_when_absent():
    account = load_account(DATA / "valid.yaml")
    # zhao is given level 1; chen reports to zhao, li to chen, xu to li; wu reports to no one.
    assert account.levels() == {"zhao": 1, "wang": 2, "li": 3, "chen": 2, "sun": 3, "wu": 1, "xu": 4}


def test_level_derivation_stops_at_the_bottom_level():
    people = [{"id": f"p{i}", "name": f"P{i}", "reports_to": f"p{i - 1}" if i else None} for i in range(8)]
    account = parse_account({"account": {"id": "deep", "name": "Deep"}, "people": people})
    assert [account.levels()[f"p{i}"] for i in range(8)] == [1, 2, 3, 4, 5, 6, 6, 6]


def test_decision_unit_defaults_to_decision_makers_and_economic_buyers():
    account = load_account(DATA / "valid.yaml")
    assert account.opportunity.decision_unit is None
    assert account.decision_unit == ["zhao", "wang"]
    assert load_account(EXAMPLES / "huaxin-auto.yaml").decision_unit == ["zhao", "wang", "chen", "xu", "liu", "li", "xiao"]


def test_yaml_no_and_on_stay_strings_as_ids():
    account = load_account(DATA / "yaml_ids.yaml")
    assert account.id == "on"
    assert [p.id for p in account.people] == ["no", "yes", "y", "on"]
    assert account.person("yes").reports_to == "no"
    assert account.person("no").department == "off"
    assert (account.channels[0].source, account.channels[0].mutual) == ("on", True)  # mutual: yes is still true


# --- the JSON Schema ----------------------------------------------------------------


def _file_data(path: Path):
    """The file as plain JSON data (YAML dates as the ISO text they are in the file)."""
    text = path.read_text(encoding="utf-8")
    data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    return json.loads(json.dumps(data, default=str))


@pytest.fixture(scope="module")
def validator():
    schema = account_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize(
    "path", [EXAMPLES / "huaxin-auto.yaml", EXAMPLES / "minimal.yaml", DATA / "valid.yaml", DATA / "valid.json"]
)
def test_json_schema_accepts_the_example_files(validator, path):
    assert [error.message for error in validator.iter_errors(_file_data(path))] == []


def test_json_schema_rejects_unknown_keys_and_bad_values(validator):
    data = _file_data(DATA / "valid.json")
    data["peoples"] = []
    data["people"][0]["stnace"] = "neutral"
    data["channels"][0]["strength"] = 2
    data["channels"][1]["strength"] = 0
    data["people"][1]["level"] = True
    messages = sorted(error.message for error in validator.iter_errors(data))
    assert messages == [
        "0 is less than or equal to the minimum of 0",
        "2 is greater than the maximum of 1",
        "Additional properties are not allowed ('peoples' was unexpected)",
        "Additional properties are not allowed ('stnace' was unexpected)",
        "True is not valid under any of the given schemas",
    ]


def test_written_files_get_the_usual_permissions(tmp_path):
    import os
    import stat

    from influence_graph.model import atomic_write_text

    old = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "plan.md", "# plan\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "plan.md").stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["plan.md"]
