"""`ig import`: CRM contacts exports made with the CRMs' own headers (tests/data/crm,
see generate.py there), imported through the real command and the library."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from influence_graph.analysis import analyze
from influence_graph.cli import cli
from influence_graph.model import AccountFileError, dump_account, load_account
from influence_graph.tables import import_table, slug

CRM = Path(__file__).resolve().parent / "data" / "crm"
HUAXIN_CSV = CRM / "salesforce-huaxin.csv"


def _run(*args: str):
    return CliRunner().invoke(cli, ["import", *map(str, args)])


def _reports_to_cells(path: Path, column: str, encoding: str = "utf-8-sig", delimiter: str = ",") -> int:
    """How many rows of an export name a manager, read with nothing but the csv module."""
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode(encoding)), delimiter=delimiter))
    return sum(1 for row in rows if (row.get(column) or "").strip() and row.get("Last Name", "x"))


# (file, --account, the column naming the manager, how to read it independently)
EXPORTS = [
    ("salesforce-huaxin.csv", None, "Reports To", "utf-8-sig", ","),
    ("salesforce-huaxin-gb18030.csv", None, "Reports To", "gb18030", ","),
    ("salesforce-huaxin-utf16.txt", None, "Reports To", "utf-16", "\t"),
    ("salesforce-rheinwerk.csv", None, "ReportsToId", "cp1252", ";"),
    ("hubspot-contacts.csv", "Meridian Foods", "Reports To", "utf-8", ","),
]


@pytest.mark.parametrize("name, account, column, encoding, delimiter", EXPORTS, ids=[e[0] for e in EXPORTS])
def test_each_export_imports_validates_and_analyzes(tmp_path, name, account, column, encoding, delimiter):
    out = tmp_path / "out.yaml"
    result = _run(CRM / name, "-o", out, *(["--account", account] if account else []))
    assert result.exit_code == 0, result.output
    imported = load_account(out)  # the written file validates
    rows = list(csv.DictReader(io.StringIO((CRM / name).read_bytes().decode(encoding)), delimiter=delimiter))
    rows = [r for r in rows if not account or r.get("Company Name") == account]
    rows = [r for r in rows if (r.get("Last Name") or "").strip()]  # the report's footer has no names
    assert len(imported.people) == len(rows)
    assert sum(1 for p in imported.people if p.reports_to) == sum(1 for r in rows if r[column].strip())
    assert analyze(imported, as_of="2026-11-20", confidence=False).to_dict()["power_ranking"]


def test_dynamics_workbook_export(tmp_path):
    imported = import_table(CRM / "dynamics-contacts.xlsx")
    sheet = load_workbook(CRM / "dynamics-contacts.xlsx", read_only=True)["My Active Contacts"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert imported.source == "Microsoft Dynamics 365 contacts export (sheet My Active Contacts)"
    assert len(imported.account.people) == len(rows) == 24
    assert imported.reporting_lines == sum(1 for r in rows if r[6]) == 23
    oystein = imported.account.person("oystein-bo")
    assert oystein.name == "Øystein Bø" and oystein.title == "CEO" and oystein.reports_to is None
    assert oystein.contact["dynamics_id"] == rows[0][0]
    assert oystein.contact["phone"] == str(rows[0][9])  # Excel's number, as text and without ".0"
    anna = next(r for r in rows if r[3] == "Анна Иванова")
    assert imported.account.person(imported.account.person("anna-ivanova").reports_to).name == anna[6] == "Jón Guðmundsson"
    assert {p.id for p in imported.account.people} >= {"anna-ivanova", "petr-smirnov", "sigrun-thorsdottir"}


def test_one_report_in_three_encodings_is_one_account():
    accounts = [import_table(CRM / name).account for name in
                ("salesforce-huaxin.csv", "salesforce-huaxin-gb18030.csv", "salesforce-huaxin-utf16.txt")]
    assert accounts[0] == accounts[1] == accounts[2]
    account = accounts[0]
    assert account.name == "华信汽车集团" and account.id == "hua-xin-qi-che-ji-tuan"
    ceo = account.people[0]
    assert (ceo.id, ceo.name, ceo.title, ceo.department) == ("pan-zi-han", "潘子涵", "总经理", "zong-jing-ban")
    assert ceo.contact == {"email": "zihan.pan1@huaxin-auto.com.cn", "salesforce_id": "0035g00000NtswSBcb"}
    assert account.people[1].reports_to == "pan-zi-han"
    # two staff called 王芳: one name, two people, two ids
    assert [p.id for p in account.people if p.name == "王芳"] == ["wang-fang", "wang-fang-2"]
    assert len({p.id for p in account.people}) == 200


def test_the_summary_says_what_was_read_and_written(tmp_path):
    out = tmp_path / "huaxin.yaml"
    result = _run(CRM / "salesforce-huaxin-gb18030.csv", "-o", out)
    assert result.output == (
        f"Read {CRM / 'salesforce-huaxin-gb18030.csv'}: Salesforce contacts export (GB18030, comma-separated), "
        "200 contacts of 华信汽车集团.\n"
        f"Wrote {out}: 200 people in 10 departments, 199 reporting lines. "
        f"Next: add roles, stances and channels, then `ig analyze {out}`.\n"
    )


def test_several_accounts_pick_one_and_default_file_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _run(CRM / "hubspot-contacts.csv", "--account", "kestrel aerospace")
    assert result.exit_code == 0, result.output
    assert "8 contacts of Kestrel Aerospace (23 contacts of other accounts left out)" in result.output
    account = load_account(tmp_path / "kestrel-aerospace.yaml")
    assert account.person("olivia-turner").contact["hubspot_id"].isdigit()
    assert account.person("james-hughes").reports_to == "olivia-turner"


def test_dry_run_and_an_existing_file_write_nothing(tmp_path):
    out = tmp_path / "out.yaml"
    result = _run(HUAXIN_CSV, "-o", out, "--dry-run")
    assert result.exit_code == 0
    assert result.output.endswith(f"Dry run: would write {out} (200 people in 10 departments, 199 reporting lines); nothing written.\n")
    assert not out.exists()
    out.write_text("mine", encoding="utf-8")
    result = _run(HUAXIN_CSV, "-o", out)
    assert result.exit_code == 1 and result.output == f"Error: {out} already exists; add --force to replace it\n"
    assert out.read_text(encoding="utf-8") == "mine"
    assert _run(HUAXIN_CSV, "-o", out, "--force").exit_code == 0
    assert len(load_account(out).people) == 200


def test_slugs_in_any_script():
    assert [slug(n) for n in ["张伟", "Müller", "Jón Guðmundsson", "Пётр Смирнов", "O'Brien"]] == [
        "zhang-wei", "muller", "jon-gudmundsson", "petr-smirnov", "o-brien"]


def test_a_mapping_file_reads_any_layout(tmp_path):
    export = tmp_path / "hr.csv"
    export.write_text("Employee No,Given name,Surname,Position,Division,Line manager no,Attitude\n"
                      "E1,Mia,Berg,CEO,Board,,supporter\n"
                      "E2,Ola,Lie,CFO,Finance,E1,skeptic\n", encoding="utf-8")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("Employee No: crm_id\nGiven name: first_name\nSurname: last_name\nPosition: title\n"
                       "Division: department\nLine manager no: reports_to_id\nAttitude: stance\n", encoding="utf-8")
    out = tmp_path / "hr.yaml"
    result = _run(export, "--mapping", mapping, "-o", out)
    assert result.exit_code == 0, result.output
    assert "contacts by the mapping in map.yaml (UTF-8, comma-separated), 2 contacts of hr." in result.output
    account = load_account(out)
    ola = account.person("ola-lie")
    assert (ola.reports_to, ola.stance.value, ola.department, ola.contact) == ("mia-berg", "skeptic", "finance", {"crm_id": "E2"})


# --- bad input: the exact located message, exit 1, nothing written ---------------------------

SALESFORCE_HEAD = "Contact ID,First Name,Last Name,Title,Department,Reports To,Account Name,Email\n"


def _bad(tmp_path, text: str | bytes, *args: str, name: str = "contacts.csv") -> str:
    export = tmp_path / name
    if isinstance(text, bytes):
        export.write_bytes(text)
    else:
        export.write_text(text, encoding="utf-8")
    out = tmp_path / "out.yaml"
    result = _run(export, "-o", out, *args)
    assert result.exit_code == 1, result.output
    assert not out.exists()
    assert "Traceback" not in result.output
    return result.output.replace(str(export), export.name)


def test_missing_required_column(tmp_path):
    assert _bad(tmp_path, "Record ID,Email,Job Title\n1,li@acme.cn,CEO\n") == (
        "Error: 1 problem in contacts.csv:\n"
        "  contacts.csv, line 1: no 'First Name' or 'Last Name' column: a HubSpot export needs it for the names\n"
    )


def test_a_layout_not_recognised(tmp_path):
    assert _bad(tmp_path, "Name,E-mail\nLi Na,li@x.cn\n") == (
        "Error: 1 problem in contacts.csv:\n"
        "  contacts.csv, line 1: these columns are not a contacts export I recognise (Microsoft Dynamics 365, "
        "HubSpot, Salesforce): 'Name', 'E-mail'; say which column holds what in a mapping file: --mapping map.yaml\n"
    )


def test_reports_to_nobody_in_the_file(tmp_path):
    text = SALESFORCE_HEAD + "1,Na,Li,CEO,Exec,,Acme,\n2,Wei,Zhang,CTO,Eng,Li Qiang,Acme,\n"
    assert _bad(tmp_path, text) == (
        "Error: 1 problem in contacts.csv:\n"
        "  contacts.csv, line 3, column 6 (Reports To): people[wei-zhang].reports_to: reports to 'Li Qiang', "
        "who is not in the file\n"
    )


def test_reports_to_several_people(tmp_path):
    text = SALESFORCE_HEAD + "1,Fang,Wang,CEO,Exec,,Acme,\n2,Fang,Wang,Buyer,Proc,,Acme,\n3,Wei,Zhang,CTO,Eng,fang  WANG,Acme,\n"
    assert _bad(tmp_path, text) == (
        "Error: 1 problem in contacts.csv:\n"
        "  contacts.csv, line 4, column 6 (Reports To): people[wei-zhang].reports_to: reports to 'fang  WANG', "
        "but 2 people have that name: line 2 (fang-wang), line 3 (fang-wang-2); give the manager's CRM id in a "
        "Reports To ID column, or tell the names apart in the CRM\n"
    )


def test_reports_to_id_of_no_one(tmp_path):
    text = "Id;FirstName;LastName;ReportsToId\n0031;Anna;Berg;\n0032;Ola;Lie;0039\n"
    assert _bad(tmp_path, text) == (
        "Error: 1 problem in contacts.csv:\n"
        "  contacts.csv, line 3, column 4 (ReportsToId): people[ola-lie].reports_to: '0039' is the 'Id' of no one "
        "in the file\n"
    )


def test_duplicate_crm_id(tmp_path):
    text = SALESFORCE_HEAD + "0031,Na,Li,CEO,Exec,,Acme,\n0032,Wei,Zhang,CTO,Eng,Na Li,Acme,\n0031,Fang,Wang,CFO,Fin,Na Li,Acme,\n"
    assert _bad(tmp_path, text) == (
        "Error: 1 problem in contacts.csv:\n"
        "  contacts.csv, line 4, column 1 (Contact ID): Contact ID '0031' is already on line 2: one contact, two rows?\n"
    )


def test_a_reporting_cycle_is_the_models_check_at_the_rows(tmp_path):
    text = SALESFORCE_HEAD + "1,Na,Li,CEO,Exec,Wei Zhang,Acme,\n2,Wei,Zhang,CTO,Eng,Na Li,Acme,\n"
    assert _bad(tmp_path, text) == (
        "Error: 1 problem in contacts.csv:\n"
        "  contacts.csv, line 2, column 6 (Reports To): people[na-li].reports_to: reporting line cycle: "
        "na-li -> wei-zhang -> na-li\n"
    )


def test_a_stance_not_in_the_list_through_a_mapping(tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text("Full name: name\nMood: stance\n", encoding="utf-8")
    assert _bad(tmp_path, "Full name,Mood\nLi Na,happy\n", "--mapping", str(mapping)) == (
        "Error: 1 problem in contacts.csv:\n"
        "  contacts.csv, line 2, column 2 (Mood): people[li-na].stance: unknown stance 'happy'; use one of "
        "champion, supporter, neutral, skeptic, opponent, unknown or a number from -1 to 1\n"
    )


def test_several_accounts_without_account(tmp_path):
    text = SALESFORCE_HEAD + "1,Na,Li,CEO,Exec,,Acme,\n2,Wei,Zhang,CTO,Eng,,Beta,\n3,Fang,Wang,CFO,Fin,,Acme,\n"
    assert _bad(tmp_path, text) == (
        "Error: 1 problem in contacts.csv:\n"
        "  contacts.csv, line 1, column 7 (Account Name): the file holds contacts of 2 accounts: Acme (2), Beta (1); "
        "pick one with --account NAME\n"
    )
    assert _bad(tmp_path, text, "--account", "Gamma") == (
        "Error: 1 problem in contacts.csv:\n"
        "  contacts.csv, line 1, column 7 (Account Name): no contacts of account 'Gamma'; the file holds: "
        "Acme (2), Beta (1)\n"
    )


def test_a_row_with_an_unquoted_separator(tmp_path):
    text = SALESFORCE_HEAD + "1,Na,Li,CEO,Sales, Marketing,,Acme,li@acme.cn\n"
    assert _bad(tmp_path, text) == (
        "Error: 1 problem in contacts.csv:\n"
        "  contacts.csv, line 2: has 9 fields but the header has 8: is there a value with a comma in it but no "
        "quotes around it?\n"
    )


def test_a_row_without_a_name(tmp_path):
    assert _bad(tmp_path, SALESFORCE_HEAD + "1,,,CEO,Exec,,Acme,\n") == (
        "Error: 1 problem in contacts.csv:\n"
        "  contacts.csv, line 2, column 3 (Last Name): no name: 'First Name' and 'Last Name' are empty\n"
    )


@pytest.mark.parametrize("content, name, message", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "contacts.xls",
     "contacts.xls: is an Excel 97-2003 workbook (.xls), which cannot be read: open it in Excel and save it as an "
     "Excel Workbook (.xlsx) or as 'CSV UTF-8 (Comma delimited)'"),
    (b"PK\x03\x04 not really a zip", "contacts.xlsx",
     "contacts.xlsx: is not a readable Excel workbook (.xlsx): File is not a zip file"),
    (b"Name,Title\n\x00\x01\x02\xff\xfe\x00binary", "contacts.csv",
     "contacts.csv: is not text (it holds NUL bytes): not a CSV export; in Excel use File › Save As › "
     "'CSV UTF-8 (Comma delimited) (*.csv)', or save it as .xlsx"),
    (b"Name,Title\n" + bytes(range(128, 256)) * 8, "contacts.csv",
     "contacts.csv: is not UTF-8 and its text encoding cannot be told; in Excel use File › Save As › "
     "'CSV UTF-8 (Comma delimited) (*.csv)', or save it as .xlsx"),
], ids=["xls", "broken-xlsx", "binary", "unknown-encoding"])
def test_an_unreadable_file(tmp_path, content, name, message):
    assert _bad(tmp_path, content, name=name) == f"Error: 1 problem in {name}:\n  {message}\n"


def test_a_mapping_with_mistakes(tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text("Full name: name\nJob: titel\nBoss: name\n", encoding="utf-8")
    output = _bad(tmp_path, "Full name,Job\nLi Na,CEO\n", "--mapping", str(mapping))
    assert output.replace(str(mapping), "map.yaml") == (
        "Error: 2 problems in map.yaml:\n"
        "  map.yaml:2: Job: unknown field 'titel'; did you mean 'title'?\n"
        "  map.yaml:3: Boss: field 'name' is already given to column 'Full name'\n"
    )
    mapping.write_text("Full name: name\nSurname: last_name\n", encoding="utf-8")
    assert _bad(tmp_path, "Full name,Job\nLi Na,CEO\n", "--mapping", str(mapping)) == (
        "Error: 1 problem in contacts.csv:\n"
        "  contacts.csv, line 1: column 'Surname' of " + str(mapping) + " is not in the file; its columns are "
        "'Full name', 'Job'\n"
    )


def test_library_errors_are_account_file_errors(tmp_path):
    with pytest.raises(AccountFileError, match=r"no such file"):
        import_table(tmp_path / "missing.csv")


# --- into an existing account --------------------------------------------------------------

def _huaxin_account(tmp_path) -> Path:
    """The first contacts of the Salesforce report as an account file with hand-entered data."""
    path = tmp_path / "huaxin.yaml"
    account = import_table(HUAXIN_CSV).account
    data = account.to_data()
    data["people"] = data["people"][:5]  # the CEO, then four who report to the CEO
    for person in data["people"][2:]:
        del person["reports_to"]  # not entered yet: the import fills them in
    data["people"][0].update(stance="champion", roles=["decision_maker"], notes="met at Auto Shanghai")
    data["people"][2]["title"] = "VP (old title)"
    data["people"][3]["contact"].pop("salesforce_id")  # matched by email instead
    data["people"][4]["contact"] = {}  # matched by name
    data["people"].append({"id": "hand-made", "name": "Somebody Else", "stance": "opponent"})
    data["channels"] = [{"from": data["people"][1]["id"], "to": data["people"][0]["id"], "kind": "advice"}]
    data["team"] = [{"id": "jiang", "name": "Jiang Tao"}]
    data["relationships"] = [{"member": "jiang", "person": data["people"][0]["id"], "strength": "velcro"}]
    path.write_text(dump_account(load_account_from(data)), encoding="utf-8")
    return path


def load_account_from(data):
    from influence_graph.model import parse_account

    return parse_account({"format": "influence-graph/1", **data})


def test_into_adds_updates_and_keeps_what_was_entered_by_hand(tmp_path):
    path = _huaxin_account(tmp_path)
    before = load_account(path)
    result = CliRunner().invoke(cli, ["import", str(HUAXIN_CSV), "--into", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1] == f"{path}: 195 added, 3 changed, 3 left alone (2 in the file with nothing new, 1 not in the file)."
    after = load_account(path)
    assert len(after.people) == 201
    ceo = after.person("pan-zi-han")
    assert (ceo.stance.value, [r.value for r in ceo.roles], ceo.notes) == ("champion", ["decision_maker"], "met at Auto Shanghai")
    assert ceo.reports_to is None
    assert after.person(before.people[2].id).title == "副总经理"
    assert f"  Changed {before.people[2].id} ({before.people[2].name}): title 'VP (old title)' -> '副总经理'; " \
           f"reports_to (none) -> 'pan-zi-han'" in lines
    assert after.person(before.people[3].id).contact["salesforce_id"]  # matched by email, id filled in
    assert after.person(before.people[4].id).contact["email"]  # matched by name
    assert after.channels == before.channels and after.relationships == before.relationships and after.team == before.team
    assert after.person("hand-made").stance.value == "opponent"
    assert sum(1 for p in after.people if p.reports_to) == 199
    # again: nothing new
    again = CliRunner().invoke(cli, ["import", str(HUAXIN_CSV), "--into", str(path), "--dry-run"])
    assert again.output.splitlines()[1] == f"{path}: 0 added, 0 changed, 201 left alone (200 in the file with nothing new, 1 not in the file)."


def test_into_dry_run_changes_nothing(tmp_path):
    path = _huaxin_account(tmp_path)
    text = path.read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(HUAXIN_CSV), "--into", str(path), "--dry-run"])
    assert result.exit_code == 0 and "Dry run: would write" in result.output
    assert path.read_text(encoding="utf-8") == text


def test_into_refuses_an_ambiguous_match(tmp_path):
    path = tmp_path / "acme.yaml"
    path.write_text("account: {id: acme, name: Acme}\npeople:\n  - {id: li-1, name: Na Li}\n  - {id: li-2, name: Na Li}\n",
                    encoding="utf-8")
    export = tmp_path / "contacts.csv"
    export.write_text(SALESFORCE_HEAD + "1,Na,Li,CEO,Exec,,Acme,\n", encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(export), "--into", str(path)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: 1 problem in {export}:\n"
        f"  {export}, line 2, column 3 (Last Name): matches 2 people in {path} by name (li-1, li-2); "
        "add the CRM id to the right one's contact (salesforce_id)\n"
    )
    assert path.read_text(encoding="utf-8") == text


def test_a_workbook_cannot_go_into_an_account(tmp_path):
    path = tmp_path / "acme.yaml"
    path.write_text("account: {id: acme, name: Acme}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(CRM / "huaxin-auto.xlsx"), "--into", str(path)])
    assert result.exit_code == 1
    assert result.output == (f"Error: 1 problem in {CRM / 'huaxin-auto.xlsx'}:\n  {CRM / 'huaxin-auto.xlsx'}: is a whole "
                             "account workbook, not a contacts export: import it without --into\n")


def test_excel_sep_line_and_a_title_row_above_the_header(tmp_path):
    export = tmp_path / "contacts.csv"
    export.write_text("sep=|\nContacts of Acme (report)\nFull Name|Job Title|Manager|Company Name\n"
                      "Ana Ribeiro|CEO||Acme\nLeo Dunn|CTO|Ana Ribeiro|Acme\n", encoding="utf-8")
    imported = import_table(export)
    assert imported.source == "Microsoft Dynamics 365 contacts export (UTF-8, pipe-separated)"
    assert [(p.id, p.reports_to) for p in imported.account.people] == [("ana-ribeiro", None), ("leo-dunn", "ana-ribeiro")]


def test_into_an_account_in_the_store(tmp_path):
    store = tmp_path / "accounts"
    runner = CliRunner()
    assert runner.invoke(cli, ["import", str(CRM / "salesforce-rheinwerk.csv"), "-o", str(tmp_path / "r.yaml")]).exit_code == 0
    assert runner.invoke(cli, ["push", str(tmp_path / "r.yaml"), "--store", str(store)]).exit_code == 0
    export = tmp_path / "more.csv"
    export.write_text("Contact ID;First Name;Last Name;Title;ReportsToId;Account Name\n"
                      "NEW1;Ida;Engel;Werkstudentin;;Rheinwerk Maschinenbau AG\n", encoding="utf-8")
    result = runner.invoke(cli, ["import", str(export), "--into", "rheinwerk-maschinenbau-ag", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == ("rheinwerk-maschinenbau-ag (in the store): 1 added, 0 changed, 48 left alone "
                                             "(0 in the file with nothing new, 48 not in the file).")
    assert result.output.splitlines()[-1].startswith("Saved rheinwerk-maschinenbau-ag in the store (revision ")
    from influence_graph.stores import open_store

    with open_store(str(store)) as opened:
        assert opened.load("rheinwerk-maschinenbau-ag").person("ida-engel").title == "Werkstudentin"


def test_into_takes_the_accounts_own_rows_from_a_multi_account_export(tmp_path):
    path = tmp_path / "kestrel.yaml"
    path.write_text("account: {id: kestrel, name: Kestrel Aerospace}\npeople:\n  - {id: olivia, name: Olivia Turner, stance: champion}\n",
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(CRM / "hubspot-contacts.csv"), "--into", str(path)])
    assert result.exit_code == 0, result.output
    assert "8 contacts of Kestrel Aerospace (23 contacts of other accounts left out)" in result.output
    account = load_account(path)
    assert len(account.people) == 8 and account.person("olivia").stance.value == "champion"
    assert account.person("james-hughes").reports_to == "olivia"
