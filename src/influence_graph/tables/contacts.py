"""A CRM's contacts export -> the people, departments and reporting lines of one account.

:func:`read_contacts` finds the header and the layout, picks the account's rows and
reads each contact; :func:`account_data` turns them into plain account data (with
every value's position in the file) for :func:`~influence_graph.model.parse_account`,
the one validation path. Problems only the importer can see (a missing column, a
manager nobody is called, a CRM id given twice) are located the same way.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import FORMAT, AccountFileError, Problem
from .layouts import CONTACT_KEYS, LAYOUTS, PERSON_FIELDS, Layout, columns_of, header_key, recognise
from .reading import SEPARATOR_NAMES, Sheet
from .slugs import slug, unique_slug

HEADER_SEARCH_ROWS = 20  # a formatted report puts its title and filters above the header
NO_ACCOUNT = "(no account)"
LIST_SEPARATORS = (",", ";", "\n")

Path_ = tuple[str | int, ...]


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a spurious ``.0`` (a phone number Excel stored
    as a number), dates as ISO, whitespace trimmed.

    >>> [cell_text(v) for v in [None, " Li ", 13812345678.0, 0.5, dt.datetime(2026, 1, 2)]]
    ['', 'Li', '13812345678', '0.5', '2026-01-02']
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _east_asian(text: str) -> bool:
    return all(unicodedata.east_asian_width(char) in "WF" for char in text if not char.isspace())


def full_name(first: str, last: str) -> str:
    """First and last name as the person is called: 张伟 (family name first, no space)
    for Chinese, Japanese and Korean names, "Anna Schmidt" otherwise.

    >>> full_name("伟", "张"), full_name("Anna", "Schmidt"), full_name("", "Müller")
    ('张伟', 'Anna Schmidt', 'Müller')
    """
    if first and last and _east_asian(first + last):
        return last + first
    return " ".join(part for part in (first, last) if part)


def name_key(name: str) -> str:
    """A name as compared: case and spacing do not matter."""
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def name_keys(name: str) -> set[str]:
    """Every form under which a name may be written: its words in any order (Li Na is
    Na Li with the family name last) and, apart, a form given in brackets.

    >>> sorted(name_keys("Li Na (李娜)"))
    ['li na', '李娜']
    """
    outside, _, inside = name.partition("(")
    keys = set()
    for part in (outside, inside.rstrip(") ")):
        words = name_key(part).split()
        if words:
            keys.add(" ".join(sorted(words)))
    return keys or {name_key(name)}


@dataclass
class Contact:
    """One row of the export: its line (or row) and the text of each field."""

    number: int
    name: str
    values: dict[str, str]


@dataclass
class Contacts:
    """The contacts of one account read from one table, with where each came from."""

    sheet: Sheet
    layout: Layout
    header: list[str]
    columns: dict[str, int]  # field -> column index
    account_name: str
    contacts: list[Contact]
    left_out: int = 0  # rows of other accounts

    @property
    def file(self) -> str:
        return self.sheet.file

    def position(self, number: int, field_name: str | None = None) -> str:
        column = self.columns.get(field_name) if field_name else None
        if field_name == "name" and column is None:  # a name made of first and last name
            column = next((self.columns[f] for f in ("last_name", "first_name") if f in self.columns), None)
        return self.sheet.position(number, column, self.header[column] if column is not None else None)

    def problem(self, contact: Contact, field_name: str | None, message: str, where: str = "") -> Problem:
        """A problem at the contact's row, in the column of ``field_name``."""
        return Problem(self.file, where, message, contact.number, self.position(contact.number, field_name))

    def column_name(self, field_name: str) -> str:
        return self.header[self.columns[field_name]]


def find_header(sheet: Sheet, layout: Layout | None) -> tuple[int, Layout] | None:
    """The index in ``sheet.rows`` of the header row and its layout."""
    for index, (_, cells) in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        if layout is not None:
            wanted = {header_key(h) for names in layout.columns.values() for h in names}
            if wanted <= {header_key(c) for c in cells}:
                return index, layout
        else:
            found = recognise(cells)
            if found is not None:
                return index, found
    return None


def _unrecognised(sheet: Sheet, layout: Layout | None, mapping_name: str | None) -> AccountFileError:
    number, cells = sheet.rows[0] if sheet.rows else (1, [])
    shown = ", ".join(repr(cell_text(c)) for c in cells if cell_text(c))[:300] or "none"
    if layout is not None:
        present = {header_key(c) for c in cells}
        missing = [names[0] for names in layout.columns.values() if header_key(names[0]) not in present]
        message = (f"column{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))} of {mapping_name} "
                   f"{'are' if len(missing) > 1 else 'is'} not in the file; its columns are {shown}")
    else:
        known = ", ".join(layout.title for layout in LAYOUTS)
        message = (f"these columns are not a contacts export I recognise ({known}): {shown}; "
                   "say which column holds what in a mapping file: --mapping map.yaml")
    return AccountFileError([Problem(sheet.file, "", message, number, sheet.position(number))])


def _data_rows(sheet: Sheet, start: int, width: int) -> tuple[list[tuple[int, list[Any]]], list[Problem]]:
    """The rows after the header. Trailing one-cell rows are a report's footer
    (Salesforce adds its copyright and "Generated By"); a row wider than the header
    had a separator inside an unquoted value."""
    rows = sheet.rows[start:]
    csv_text = sheet.sheet is None
    if csv_text and width > 1:
        full = [i for i, (_, cells) in enumerate(rows) if len(cells) > 1]
        rows = rows[: full[-1] + 1] if full else []
    problems = []
    kept = []
    for number, cells in rows:
        too_wide = any(cell_text(c) for c in cells[width:])
        lone = width > 1 and len(cells) == 1
        if csv_text and (too_wide or lone):
            problems.append(Problem(sheet.file, "", f"has {len(cells)} field{'s' if len(cells) != 1 else ''} but the "
                                    f"header has {width}: is there a value with a {SEPARATOR_NAMES[sheet.separator]} "
                                    "in it but no quotes around it?", number, sheet.position(number)))
            continue
        kept.append((number, list(cells[:width]) + [None] * (width - len(cells))))
    return kept, problems


def read_contacts(sheet: Sheet, mapping: Layout | None = None, account_name: str | None = None,
                  mapping_name: str | None = None, preferred: str | None = None) -> Contacts:
    """The contacts of one account in ``sheet``: by the recognised layout, or by ``mapping``.

    ``account_name`` picks an account when the export holds several; without it,
    ``preferred`` (the name of the account imported into) does, if the export has it.
    """
    found = find_header(sheet, mapping)
    if found is None:
        raise _unrecognised(sheet, mapping, mapping_name)
    index, layout = found
    header_number, header_cells = sheet.rows[index]
    header = [cell_text(c) for c in header_cells]
    columns = columns_of(layout, header)
    if not any(f in columns for f in layout.name_columns):
        wanted = " or ".join(repr(layout.columns[f][0]) for f in layout.name_columns)
        raise AccountFileError([Problem(sheet.file, "", f"no {wanted} column: a {layout.title} export needs it for "
                                        "the names", header_number, sheet.position(header_number))])
    rows, problems = _data_rows(sheet, index + 1, len(header))
    table = Contacts(sheet, layout, header, columns, "", [])
    groups = _account_groups(table, rows)
    if account_name is None and preferred is not None and len(groups) > 1:
        account_name = next((name for name in groups if name_key(name) == name_key(preferred)), None)
    chosen, problem = _choose_account(table, groups, account_name, header_number)
    if problem:
        problems.append(problem)
    seen_ids: dict[str, int] = {}
    for number, cells in groups.get(chosen, []):
        values = {f: text for f, i in columns.items() if (text := cell_text(cells[i]))}
        name = values.get("name") or full_name(values.get("first_name", ""), values.get("last_name", ""))
        contact = Contact(number, name, values)
        if not name:
            names = " and ".join(repr(table.column_name(f)) for f in layout.name_columns if f in columns)
            problems.append(table.problem(contact, "name", f"no name: {names} {'are' if ' and ' in names else 'is'} empty"))
            continue
        crm_id = values.get("crm_id")
        if crm_id is not None:
            if crm_id in seen_ids:
                problems.append(table.problem(contact, "crm_id", f"{table.column_name('crm_id')} {crm_id!r} is "
                                              f"already on {table.position(seen_ids[crm_id])}: one contact, two rows?"))
                continue
            seen_ids[crm_id] = number
        table.contacts.append(contact)
    if problems:
        raise AccountFileError(problems)
    table.account_name = chosen if chosen != NO_ACCOUNT else Path(sheet.file).stem
    table.left_out = sum(len(g) for name, g in groups.items() if name != chosen)
    return table


def _account_groups(table: Contacts, rows: list[tuple[int, list[Any]]]) -> dict[str, list[tuple[int, list[Any]]]]:
    """The rows by account name, in file order (one group when there is no account column)."""
    groups: dict[str, list[tuple[int, list[Any]]]] = defaultdict(list)
    column = table.columns.get("account")
    for number, cells in rows:
        name = cell_text(cells[column]) if column is not None else ""
        groups[name or NO_ACCOUNT].append((number, cells))
    return dict(groups)


def _choose_account(table: Contacts, groups: dict, wanted: str | None, header_number: int) -> tuple[str, Problem | None]:
    listed = ", ".join(f"{name} ({len(rows)})" for name, rows in sorted(groups.items(), key=lambda g: (-len(g[1]), g[0])))
    where = table.sheet.position(header_number, table.columns.get("account"),
                                 table.column_name("account") if "account" in table.columns else None)
    if wanted is not None:
        by_key = {name_key(name): name for name in groups}
        if name_key(wanted) in by_key:
            return by_key[name_key(wanted)], None
        if "account" not in table.columns:
            return NO_ACCOUNT, None  # an export with no account column holds only the one account
        return "", Problem(table.file, "", f"no contacts of account {wanted!r}; the file holds: {listed}", header_number, where)
    if len(groups) > 1:
        return "", Problem(table.file, "", f"the file holds contacts of {len(groups)} accounts: {listed}; "
                           "pick one with --account NAME", header_number, where)
    return next(iter(groups), NO_ACCOUNT), None


class Positions(Mapping):
    """path -> position text ("line 7, column 3 (Title)"), written out only when a
    message asks for it: an import records tens of thousands and most never show."""

    def __init__(self) -> None:
        self._places: dict[Path_, str | tuple] = {}

    def __setitem__(self, path: Path_, place: str | tuple) -> None:
        """``place`` is the text, or ``(function, *arguments)`` that makes it."""
        self._places[path] = place

    def __getitem__(self, path: Path_) -> str:
        place = self._places[path]
        return place if isinstance(place, str) else place[0](*place[1:])

    def __contains__(self, path: object) -> bool:
        return path in self._places

    def __iter__(self) -> Iterator[Path_]:
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)


@dataclass
class Located:
    """Account data on its way to ``parse_account``, with every value's place in the file."""

    data: dict[str, Any]
    positions: Positions = field(default_factory=Positions)
    lines: dict[Path_, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def locate(self, path: Path_, table: Contacts, contact: Contact, field_name: str | None = None) -> None:
        self.positions[path] = (table.position, contact.number, field_name)
        self.lines[path] = contact.number


class Directory:
    """Whom a "reports to" value can name: people by CRM id and by name."""

    def __init__(self, table: Contacts, elsewhere: str | None = None):
        self.table = table
        self.elsewhere = elsewhere  # the account file also searched, for the messages
        self.by_id: dict[str, str] = {}
        self.by_name: dict[str, list[tuple[str, str]]] = defaultdict(list)  # name -> [(person id, where)]

    def add(self, person_id: str, name: str, crm_id: str | None, where: str) -> None:
        if crm_id:
            self.by_id.setdefault(crm_id, person_id)
        for key in name_keys(name):
            named = self.by_name[key]
            if all(known != person_id for known, _ in named):  # a known person seen again in the export
                named.append((person_id, where))

    def manager(self, contact: Contact, person_id: str) -> tuple[str | None, Problem | None]:
        """The id of the person ``contact`` reports to (None if the row names no one)."""
        table, values = self.table, contact.values
        scope = "the file" + (f" or in {self.elsewhere}" if self.elsewhere else "")
        if values.get("reports_to_id"):
            value = values["reports_to_id"]
            if value in self.by_id:
                return self.by_id[value], None
            id_column = repr(table.column_name("crm_id")) if "crm_id" in table.columns else "CRM id"
            return None, table.problem(contact, "reports_to_id", f"{value!r} is the {id_column} of no one in {scope}",
                                       f"people[{person_id}].reports_to")
        value = values.get("reports_to")
        if not value:
            return None, None
        matches = list({pid: (pid, place) for key in name_keys(value) for pid, place in self.by_name.get(key, [])}.values())
        if len(matches) == 1:
            return matches[0][0], None
        where = f"people[{person_id}].reports_to"
        if not matches:
            return None, table.problem(contact, "reports_to", f"reports to {value!r}, who is not in {scope}", where)
        listed = ", ".join(f"{place} ({pid})" for pid, place in matches)
        return None, table.problem(contact, "reports_to", f"reports to {value!r}, but {len(matches)} people have that "
                                   f"name: {listed}; give the manager's CRM id in a Reports To ID column, or tell the "
                                   "names apart in the CRM", where)


def list_value(text: str) -> list[str]:
    """A cell holding several values (roles "decision_maker, coach").

    >>> list_value("decision_maker, coach")
    ['decision_maker', 'coach']
    """
    for separator in LIST_SEPARATORS[1:]:
        text = text.replace(separator, LIST_SEPARATORS[0])
    return [part.strip() for part in text.split(LIST_SEPARATORS[0]) if part.strip()]


def person_values(table: Contacts, contact: Contact) -> dict[str, Any]:
    """The person fields a row gives directly (not department and reports_to, which
    need ids): title, the contact details with the CRM id, and what a mapping adds."""
    values = contact.values
    person: dict[str, Any] = {}
    for name in PERSON_FIELDS:
        if name in values:
            person[name] = list_value(values[name]) if name == "roles" else values[name]
    details = {key: values[f] for f, key in CONTACT_KEYS.items() if f in values}
    if "crm_id" in values:
        details[table.layout.crm_key] = values["crm_id"]
    if details:
        person["contact"] = details
    return person


# The contact field whose column holds a person field: the id is made from the name.
COLUMN_OF_FIELD = {"id": "name"}


class Departments:
    """Department ids by name, for the names the export uses."""

    def __init__(self, located: Located, existing: list[dict] | None = None):
        self.located = located
        self.items = located.data.setdefault("departments", [])
        self.by_name = {name_key(d.get("name") or d["id"]): d["id"] for d in existing or []}
        self.by_name.update({d["id"]: d["id"] for d in existing or []})
        self.taken = {d["id"] for d in existing or []}

    def id_of(self, name: str, table: Contacts, contact: Contact) -> str:
        key = name_key(name)
        if key not in self.by_name:
            dept_id = unique_slug(name, self.taken, fallback="department")
            self.taken.add(dept_id)
            self.by_name[key] = dept_id
            index = len(self.items)
            self.items.append({"id": dept_id, "name": name})
            for path in (("departments", index), ("departments", index, "id"), ("departments", index, "name")):
                self.located.locate(path, table, contact, "department")
        return self.by_name[key]


def account_data(table: Contacts) -> Located:
    """A new account from the contacts: each person, their department, their manager."""
    account_id = slug(table.account_name, fallback="account")
    located = Located({"format": FORMAT, "account": {"id": account_id, "name": table.account_name}})
    if "account" in table.columns and table.contacts:
        for path in (("account",), ("account", "id"), ("account", "name")):
            located.locate(path, table, table.contacts[0], "account")
    departments = Departments(located)
    people: list[dict[str, Any]] = []
    directory = Directory(table)
    taken: set[str] = set()
    for contact in table.contacts:
        person_id = unique_slug(contact.name, taken)
        taken.add(person_id)
        person = {"id": person_id, "name": contact.name, **person_values(table, contact)}
        if "department" in contact.values:
            person["department"] = departments.id_of(contact.values["department"], table, contact)
        people.append(person)
        directory.add(person_id, contact.name, contact.values.get("crm_id"), table.position(contact.number))
    for index, (contact, person) in enumerate(zip(table.contacts, people)):
        manager, problem = directory.manager(contact, person["id"])
        if problem:
            located.problems.append(problem)
        elif manager:
            person["reports_to"] = manager
        locate_person(located, table, contact, index, person)
    if not departments.items:
        del located.data["departments"]
    located.data["people"] = people
    return located


def locate_person(located: Located, table: Contacts, contact: Contact, index: int, person: dict[str, Any]) -> None:
    """Record where each of a person's fields (and the person) came from in the file."""
    located.locate(("people", index), table, contact)
    for name in person:
        column = COLUMN_OF_FIELD.get(name, name)
        if name == "reports_to" and "reports_to_id" in contact.values:
            column = "reports_to_id"
        if name == "contact":
            for key in person[name]:
                source = next((f for f, k in CONTACT_KEYS.items() if k == key), "crm_id")
                located.locate(("people", index, "contact", key), table, contact, source)
        located.locate(("people", index, name), table, contact, column)
