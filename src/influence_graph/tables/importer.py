"""``ig import``: a contacts export or one of our workbooks -> a validated account."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..model import Account, AccountFileError, Problem, parse_account
from .contacts import Located, account_data, find_header, read_contacts
from .layouts import read_mapping
from .merge import MergeReport, merge_into
from .reading import SEPARATOR_NAMES, Sheet, kind_of, open_workbook, read_bytes, read_csv, sheet_rows, visible_sheets
from .workbook import is_account_workbook, read_workbook

XLS_MESSAGE = ("is an Excel 97-2003 workbook (.xls), which cannot be read: open it in Excel and save it "
               "as an Excel Workbook (.xlsx) or as 'CSV UTF-8 (Comma delimited)'")


@dataclass
class Imported:
    """A validated account and what the import read to make it."""

    account: Account
    source: str  # what the file was, in words: "Salesforce contacts export (UTF-8, comma-separated)"
    contacts: int  # rows imported (people, for a workbook)
    left_out: int = 0  # contacts of other accounts in the same export
    merge: MergeReport | None = None  # set when imported into an existing account

    @property
    def noun(self) -> str:
        """What was read: "contacts" from an export, "people" from a workbook."""
        return "people" if self.source.startswith("influence-graph") else "contacts"

    @property
    def reporting_lines(self) -> int:
        return sum(1 for person in self.account.people if person.reports_to)


def import_table(
    path: str | os.PathLike[str],
    account_name: str | None = None,
    mapping: str | os.PathLike[str] | None = None,
    into: Account | None = None,
    into_name: str | None = None,
) -> Imported:
    """Read a contacts export (CSV or XLSX) or an account workbook (XLSX) at ``path``.

    ``account_name`` picks one account of an export that holds several; ``mapping``
    is a mapping file (column header -> field) for an export of no recognised layout;
    ``into`` an account to merge the contacts into (``into_name`` names it in messages).
    Raises :class:`AccountFileError` with every problem, located in the file.
    """
    path = Path(path)
    name = str(path)
    layout = read_mapping(mapping) if mapping is not None else None
    mapping_name = str(mapping) if mapping is not None else None
    raw = read_bytes(path)
    kind = kind_of(raw)
    if kind == "xls":
        raise AccountFileError([Problem(name, "", XLS_MESSAGE)])
    if kind == "xlsx":
        workbook = open_workbook(path)
        try:
            if is_account_workbook(workbook) and layout is None:
                if into is not None:
                    raise AccountFileError([Problem(name, "", "is a whole account workbook, not a contacts export: "
                                                    "import it without --into")])
                located = read_workbook(workbook, name)
                account = _validated(located, name)
                return Imported(account, "influence-graph account workbook", len(account.people))
            sheet = _contacts_sheet(workbook, name, layout)
        finally:
            workbook.close()
        described = f"sheet {sheet.sheet}"
    else:
        sheet = read_csv(raw, name)
        described = f"{sheet.encoding}, {SEPARATOR_NAMES[sheet.separator]}-separated"
    table = read_contacts(sheet, layout, account_name, mapping_name, preferred=into.name if into is not None else None)
    source = f"{table.layout.title} contacts export ({described})" if layout is None else f"contacts by {table.layout.title} ({described})"
    if into is not None:
        located, report = merge_into(into, table, into_name or into.id)
        return Imported(_validated(located, name), source, len(table.contacts), table.left_out, report)
    return Imported(_validated(account_data(table), name), source, len(table.contacts), table.left_out)


def _contacts_sheet(workbook, name: str, layout) -> Sheet:
    """The first visible sheet whose header a layout (or the mapping) recognises, else the first one."""
    sheets = [sheet_rows(ws, name) for ws in visible_sheets(workbook)]
    if not sheets:
        raise AccountFileError([Problem(name, "", "has no visible sheet")])
    return next((sheet for sheet in sheets if find_header(sheet, layout) is not None), sheets[0])


def _validated(located: Located, name: str) -> Account:
    """The one validation path: the importer's own problems and the model's, together."""
    try:
        account = parse_account(located.data, name, located.lines, positions=located.positions)
    except AccountFileError as exc:
        raise AccountFileError(located.problems + exc.problems) from None
    if located.problems:
        raise AccountFileError(located.problems)
    return account
