"""The account as an Excel workbook, and back: one sheet per section, one row per item.

Headers are the file format's keys (``id``, ``name``, ``reports_to`` …; a
person's contact details are ``contact.email``, ``contact.phone`` …). Lists of
ids (roles, the people of a touch, the decision unit) are written comma-separated;
lists of free text (interests, tags) one item per line of the cell. Stance,
channel kind, roles and relationship strength get drop-down lists, id columns
drop-downs of the ids on their sheet; header rows are frozen.

Reading gives plain data with each value's cell, for ``parse_account``.
"""
from __future__ import annotations

import datetime as dt
import difflib
import io
import os
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ..model import FORMAT, Account, Problem, atomic_write_bytes
from ..model.account import (
    AccountInfo, Channel, ChannelKind, Closeness, Competitor, CompetitorRelationship, Department,
    DepartmentRelation, DepartmentRelationKind, Opportunity, Person, Relationship, Role, StanceLabel,
    TeamMember, Touch,
)
from .contacts import Located, cell_text, list_value
from .layouts import header_key
from .reading import Sheet, column_letter, sheet_rows, visible_sheets

CONTACT_PREFIX = "contact."
DEFAULT_CONTACT_KEYS = ("email", "phone")  # columns offered even when nobody has one yet
ID_LISTS = {"roles", "people", "decision_unit"}  # written "a, b"; read split on commas too
TEXT_LISTS = {"interests", "tags"}  # free text may hold commas: one item per line
LAST_ROW = 1048576  # Excel's last row: validations cover rows a seller adds later
MAX_WIDTH = 60


@dataclass(frozen=True)
class Section:
    title: str  # the sheet's name
    key: str  # the section in the file
    model: type[BaseModel]
    single: bool = False  # account and opportunity: one row


SECTIONS = (
    Section("Account", "account", AccountInfo, single=True),
    Section("People", "people", Person),
    Section("Departments", "departments", Department),
    Section("Channels", "channels", Channel),
    Section("Department relations", "department_relations", DepartmentRelation),
    Section("Team", "team", TeamMember),
    Section("Relationships", "relationships", Relationship),
    Section("Competitors", "competitors", Competitor),
    Section("Competitor relationships", "competitor_relationships", CompetitorRelationship),
    Section("Touches", "touches", Touch),
    Section("Opportunity", "opportunity", Opportunity, single=True),
)
SHEET_NAMES = {section.title.casefold(): section for section in SECTIONS}

# Drop-downs: (sheet, column) -> (choices, whether other values are refused).
# Stance and strength also take a number, a person several roles: those only warn.
CHOICES = {
    ("People", "stance"): ([s.value for s in StanceLabel], False, "a label, or a number from -1 (against us) to 1 (for us)"),
    ("People", "roles"): ([r.value for r in Role], False, "one role, or several separated by commas"),
    ("Channels", "kind"): ([k.value for k in ChannelKind], True, "the kind of influence: from influences to"),
    ("Department relations", "kind"): ([k.value for k in DepartmentRelationKind], True, "alliance or rivalry"),
    ("Relationships", "strength"): ([c.value for c in Closeness], False, "clip ⅓, zipper ⅔, velcro 1, or a number in (0, 1]"),
    ("Competitor relationships", "strength"): ([c.value for c in Closeness], False, "clip ⅓, zipper ⅔, velcro 1, or a number in (0, 1]"),
}
# Columns holding an id from another sheet: a drop-down of that sheet's ids.
REFERENCES = {
    ("People", "department"): "Departments", ("People", "reports_to"): "People",
    ("Departments", "parent"): "Departments",
    ("Channels", "from"): "People", ("Channels", "to"): "People",
    ("Department relations", "a"): "Departments", ("Department relations", "b"): "Departments",
    ("Relationships", "member"): "Team", ("Relationships", "person"): "People",
    ("Competitor relationships", "competitor"): "Competitors", ("Competitor relationships", "person"): "People",
    ("Touches", "member"): "Team",
}


def _fields(model: type[BaseModel]) -> dict[str, Any]:
    """key in the file (``from`` for ``source``) -> the field's annotation."""
    return {field.alias or name: field.annotation for name, field in model.model_fields.items()}


def _leaves(annotation: Any) -> set[Any]:
    """The plain types a field annotation is made of (``list`` for any list)."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _leaves(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) is list:
        return {list}
    args = typing.get_args(annotation)
    if not args:
        return {annotation}
    return set().union(*(_leaves(arg) for arg in args))


def _kinds(model: type[BaseModel]) -> dict[str, str]:
    """key -> "list", "date", "number", "bool" or "text", for reading cells back."""
    kinds = {}
    for key, annotation in _fields(model).items():
        leaves = _leaves(annotation)
        if list in leaves:
            kinds[key] = "list"
        elif dt.date in leaves:
            kinds[key] = "date"
        elif leaves & {int, float}:
            kinds[key] = "number"
        elif bool in leaves:
            kinds[key] = "bool"
        else:
            kinds[key] = "text"
    return kinds


def _columns(section: Section, items: list[dict[str, Any]]) -> list[str]:
    """The sheet's headers: the model's keys, ``contact`` spread over ``contact.KEY`` columns."""
    columns = []
    for key in _fields(section.model):
        if key == "contact":
            used = dict.fromkeys(DEFAULT_CONTACT_KEYS)
            for item in items:
                used.update(dict.fromkeys(item.get("contact", {})))
            columns += [CONTACT_PREFIX + name for name in used]
        else:
            columns.append(key)
    return columns


def _cell_value(key: str, value: Any, kind: str) -> Any:
    if isinstance(value, list):
        return ", ".join(map(str, value)) if key in ID_LISTS else "\n".join(map(str, value))
    if kind == "date" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def _write_sheet(workbook, section: Section, items: list[dict[str, Any]]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet = workbook.create_sheet(section.title)
    columns = _columns(section, items)
    kinds = _kinds(section.model)
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
    widths = [len(c) + 2 for c in columns]
    for row, item in enumerate(items, start=2):
        for column, key in enumerate(columns):
            value = item.get("contact", {}).get(key[len(CONTACT_PREFIX):]) if key.startswith(CONTACT_PREFIX) else item.get(key)
            if value is None:
                continue
            cell = sheet.cell(row=row, column=column + 1, value=_cell_value(key, value, kinds.get(key, "text")))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text that starts with "=" stays text, never a formula
                if "\n" in cell.value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            longest = max((len(line) for line in str(cell.value).splitlines()), default=0)
            widths[column] = min(MAX_WIDTH, max(widths[column], longest + 2))
    for column, width in enumerate(widths):
        sheet.column_dimensions[column_letter(column)].width = width
    sheet.freeze_panes = "C2" if section.key == "people" else "A2"
    _add_validations(sheet, section, columns)


def _add_validations(sheet, section: Section, columns: list[str]) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    for column, key in enumerate(columns):
        letter = column_letter(column)
        choice = CHOICES.get((section.title, key))
        target = REFERENCES.get((section.title, key))
        if choice:
            values, strict, hint = choice
            formula = '"' + ",".join(values) + '"'
        elif target:
            strict, hint = False, f"an id from the {target} sheet"
            formula = f"'{target}'!$A$2:$A${LAST_ROW}"
        else:
            continue
        validation = DataValidation(
            type="list", formula1=formula, allow_blank=True, showErrorMessage=True, showInputMessage=True,
            errorStyle="stop" if strict else "warning", errorTitle=key, error=f"{key}: {hint}", promptTitle=key,
            prompt=hint,
        )
        validation.add(f"{letter}2:{letter}{LAST_ROW}")
        sheet.add_data_validation(validation)


def write_workbook(account: Account, path: str | os.PathLike[str]) -> None:
    """Write ``account`` as a workbook at ``path``, whole or not at all."""
    from openpyxl import Workbook

    data = account.to_data()
    workbook = Workbook()
    workbook.remove(workbook.active)
    for section in SECTIONS:
        value = data.get(section.key)
        items = [value] if section.single and value else ([] if section.single else value or [])
        _write_sheet(workbook, section, items)
    buffer = io.BytesIO()
    workbook.save(buffer)
    atomic_write_bytes(path, buffer.getvalue())


def is_account_workbook(workbook) -> bool:
    """Whether a workbook is one of ours (an Account and a People sheet), not a CRM's export."""
    titles = {ws.title.casefold() for ws in workbook.worksheets}
    return {"account", "people"} <= titles


def _value(key: str, value: Any, kind: str) -> Any:
    """A cell as the file format wants it: text where text is meant (an id or a phone
    number Excel stored as a number), ISO dates, lists split."""
    if kind == "list":
        text = cell_text(value)
        return list_value(text) if key in ID_LISTS else [line.strip() for line in text.splitlines() if line.strip()]
    if kind == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if kind == "bool" and isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip() if kind != "text" else value
    return cell_text(value)


def _sheet_items(sheet: Sheet, section: Section, located: Located) -> list[dict[str, Any]]:
    """The sheet's rows as items, each value's cell recorded under its path."""
    if not sheet.rows:
        return []
    _, header_cells = sheet.rows[0]
    header = [cell_text(c) for c in header_cells]
    kinds = _kinds(section.model)
    known = {header_key(key): key for key in kinds if key != "contact"}
    keys = [known.get(header_key(h), h) for h in header]
    items = []
    for number, cells in sheet.rows[1:]:
        base: tuple = (section.key,) if section.single else (section.key, len(items))
        item: dict[str, Any] = {}
        for column, value in enumerate(cells):
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            key = keys[column] if column < len(keys) else ""
            position = sheet.position(number, column, header[column] if column < len(header) else None)
            if not key:
                located.problems.append(Problem(sheet.file, "", "a value in a column with no header: name the "
                                                "column or clear the cell", number, position))
            elif key.lower().startswith(CONTACT_PREFIX):
                name = key[len(CONTACT_PREFIX):]
                item.setdefault("contact", {})[name] = cell_text(value)
                located.positions[base + ("contact", name)] = position
            else:
                item[key] = _value(key, value, kinds.get(key, "text"))
                located.positions[base + (key,)] = position
        if item:
            located.positions[base] = sheet.position(number)
            items.append(item)
    return items


def read_workbook(workbook, name: str) -> Located:
    """Account data from one of our workbooks, every value located by sheet, row and column."""
    located = Located({"format": FORMAT})
    for worksheet in visible_sheets(workbook):
        section = SHEET_NAMES.get(worksheet.title.casefold())
        if section is None:
            close = difflib.get_close_matches(worksheet.title, [s.title for s in SECTIONS], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; the sheets are {', '.join(s.title for s in SECTIONS)}"
            located.problems.append(Problem(name, "", f"sheet {worksheet.title!r} is not part of an account workbook{hint}",
                                            None, f"sheet {worksheet.title}"))
            continue
        sheet = sheet_rows(worksheet, name)
        items = _sheet_items(sheet, section, located)
        if section.single:
            if len(items) > 1:
                number = sheet.rows[2][0]
                located.problems.append(Problem(name, section.key, f"only one row: a workbook holds one {section.key}",
                                                number, sheet.position(number)))
            if items:
                located.data[section.key] = items[0]
        elif items:
            located.data[section.key] = items
    return located
