"""The Excel round trip: `ig export acme.yaml -o acme.xlsx`, edit, `ig import acme.xlsx`."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from influence_graph.cli import cli
from influence_graph.model import load_account, parse_account
from influence_graph.tables import import_table, write_workbook

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SHEETS = ["Account", "People", "Departments", "Channels", "Department relations", "Team", "Relationships",
          "Competitors", "Competitor relationships", "Touches", "Opportunity"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_yaml_to_xlsx_to_yaml_is_the_same_account(tmp_path, example):
    runner = CliRunner()
    workbook, back = tmp_path / "account.xlsx", tmp_path / "back.yaml"
    exported = runner.invoke(cli, ["export", str(example), "-o", str(workbook)])
    assert exported.exit_code == 0, exported.output
    imported = runner.invoke(cli, ["import", str(workbook), "-o", str(back)])
    assert imported.exit_code == 0, imported.output
    assert load_account(back) == load_account(example)


def test_one_sheet_per_section_with_frozen_headers_and_drop_downs(tmp_path):
    path = tmp_path / "huaxin.xlsx"
    write_workbook(load_account(ROOT / "examples" / "huaxin-auto.yaml"), path)
    workbook = load_workbook(path)
    assert workbook.sheetnames == SHEETS
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes in ("A2", "C2"), sheet.title
    people = workbook["People"]
    header = [c.value for c in people[1]]
    assert header[:6] == ["id", "name", "title", "department", "level", "reports_to"]
    assert "contact.email" in header and "contact" not in header

    def validation(sheet, key):
        column = [c.value for c in sheet[1]].index(key)
        letter = sheet.cell(row=1, column=column + 1).column_letter
        found = [v for v in sheet.data_validations.dataValidation if str(v.sqref) == f"{letter}2:{letter}1048576"]
        assert len(found) == 1, key
        return found[0]

    stance = validation(people, "stance")
    assert stance.formula1 == '"champion,supporter,neutral,skeptic,opponent,unknown"'
    assert stance.errorStyle == "warning"  # a number from -1 to 1 is a stance too
    assert validation(people, "roles").formula1.startswith('"decision_maker,economic_buyer,')
    kind = validation(workbook["Channels"], "kind")
    assert kind.errorStyle == "stop" and "rivalry" in kind.formula1
    assert validation(workbook["Relationships"], "strength").formula1 == '"clip,zipper,velcro"'
    assert validation(people, "reports_to").formula1 == "'People'!$A$2:$A$1048576"
    li = next(row for row in people.iter_rows(min_row=2, values_only=True) if row[0] == "li")
    assert li[header.index("roles")] == "technical_buyer, influencer"


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    evil = '=HYPERLINK("http://evil.example","click")'
    account = parse_account({"account": {"id": "x", "name": "X"},
                             "people": [{"id": "a", "name": "A", "notes": evil, "interests": ["golf, wine", "=1+1"]}]})
    path = tmp_path / "x.xlsx"
    write_workbook(account, path)
    cell = load_workbook(path)["People"]["A2"].offset(column=[c.value for c in load_workbook(path)["People"][1]].index("notes"))
    assert cell.data_type == "s" and cell.value == evil
    assert import_table(path).account == account


def test_an_edited_workbook_imports_with_the_edits():
    edited = import_table(ROOT / "tests" / "data" / "crm" / "huaxin-auto.xlsx").account
    original = load_account(ROOT / "examples" / "huaxin-auto.yaml")
    assert edited.person("xu").stance.value == "neutral" != original.person("xu").stance.value
    gao = edited.person("gao-yan")
    assert (gao.reports_to, [r.value for r in gao.roles]) == ("li", ["influencer", "technical_buyer"])
    assert len(edited.channels) == len(original.channels) + 1 and edited.channels[-1].source == "gao-yan"


def _bad_workbook(tmp_path, edit) -> str:
    path = tmp_path / "acme.xlsx"
    write_workbook(load_account(ROOT / "examples" / "huaxin-auto.yaml"), path)
    workbook = load_workbook(path)
    edit(workbook)
    workbook.save(path)
    out = tmp_path / "out.yaml"
    result = CliRunner().invoke(cli, ["import", str(path), "-o", str(out)])
    assert result.exit_code == 1 and not out.exists()
    return result.output.replace(str(path), "acme.xlsx")


def _set(sheet_name: str, person_row: int, key: str, value):
    def edit(workbook):
        sheet = workbook[sheet_name]
        column = [c.value for c in sheet[1]].index(key) + 1
        sheet.cell(row=person_row, column=column, value=value)
    return edit


def test_a_stance_not_in_the_list_names_the_cell(tmp_path):
    assert _bad_workbook(tmp_path, _set("People", 4, "stance", "happy")) == (
        "Error: 1 problem in acme.xlsx:\n"
        "  acme.xlsx, sheet People, row 4, column H (stance): people[huang].stance: unknown stance 'happy'; use one "
        "of champion, supporter, neutral, skeptic, opponent, unknown or a number from -1 to 1\n"
    )


def test_a_dangling_reference_and_an_unknown_column(tmp_path):
    def edit(workbook):
        _set("Channels", 2, "to", "nobody")(workbook)
        workbook["Team"].cell(row=1, column=8, value="phone")
        workbook["Team"].cell(row=2, column=8, value="123")
    assert _bad_workbook(tmp_path, edit) == (
        "Error: 2 problems in acme.xlsx:\n"
        "  acme.xlsx, sheet Channels, row 2, column B (to): channels[0].to: refers to unknown person 'nobody'\n"
        "  acme.xlsx, sheet Team, row 2, column H (phone): team[jiang].phone: unknown key (not part of the "
        "influence-graph/1 format)\n"
    )


def test_a_sheet_that_is_not_a_section(tmp_path):
    assert _bad_workbook(tmp_path, lambda wb: setattr(wb["Touches"], "title", "Touchs")) == (
        "Error: 1 problem in acme.xlsx:\n"
        "  acme.xlsx, sheet Touchs: sheet 'Touchs' is not part of an account workbook; did you mean 'Touches'?\n"
    )
