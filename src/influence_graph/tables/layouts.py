"""The contact exports recognised by their headers, and ``--mapping`` files for the rest.

A :class:`Layout` says which column holds which field of a contact. The fields:

- ``name`` (a full name), or ``first_name`` and ``last_name``;
- ``crm_id``, ``title``, ``department``, ``account`` (the customer company),
  ``email``, ``phone``, ``mobile``;
- ``reports_to`` (the manager's name) or ``reports_to_id`` (the manager's CRM id);
- in a mapping file also ``stance``, ``roles``, ``level``, ``notes``.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..model import AccountFileError, Problem

FIELDS = (
    "name", "first_name", "last_name", "crm_id", "title", "department", "reports_to", "reports_to_id",
    "account", "email", "phone", "mobile", "stance", "roles", "level", "notes",
)
# Fields that go into the person's `contact` mapping, under these keys.
CONTACT_KEYS = {"email": "email", "phone": "phone", "mobile": "mobile"}
# Fields a mapping may fill in directly on the person.
PERSON_FIELDS = ("title", "stance", "roles", "level", "notes")


@dataclass(frozen=True)
class Layout:
    """Where a CRM's export keeps each field: field -> the header names it uses."""

    key: str  # also names the CRM id in `contact`: contact.salesforce_id
    title: str
    what: str  # which export, for `ig import --help`
    columns: dict[str, tuple[str, ...]]
    signatures: tuple[tuple[str, ...], ...]  # headers that, all present, identify the layout
    name_columns: tuple[str, ...]  # the fields whose columns make a name (any one of them is enough)

    @property
    def crm_key(self) -> str:
        """The key under ``contact`` that keeps the CRM's id of a person."""
        return f"{self.key}_id"


SALESFORCE = Layout(
    key="salesforce",
    title="Salesforce",
    what="Contacts report (Contact ID, First Name, Last Name, Title, Department, Reports To, Account Name, "
    "Email, Phone), or a Data Loader export (Id, FirstName, LastName, ReportsToId …)",
    columns={
        "crm_id": ("Contact ID", "Id", "Contact: Contact ID"),
        "first_name": ("First Name", "FirstName"),
        "last_name": ("Last Name", "LastName"),
        "title": ("Title",),
        "department": ("Department",),
        "reports_to": ("Reports To", "Reports To: Full Name", "Reports To Name"),
        "reports_to_id": ("ReportsToId", "Reports To ID", "Reports To: Contact ID"),
        "account": ("Account Name", "Account: Account Name"),
        "email": ("Email",),
        "phone": ("Phone", "Business Phone"),
        "mobile": ("Mobile", "MobilePhone", "Mobile Phone"),
    },
    signatures=(("Contact ID", "Last Name"), ("Account Name", "Last Name"), ("FirstName", "LastName"),
                ("Contact ID", "First Name"), ("Account Name", "First Name")),
    name_columns=("first_name", "last_name"),
)
HUBSPOT = Layout(
    key="hubspot",
    title="HubSpot",
    what="contacts export (Record ID, First Name, Last Name, Job Title, Company Name, Email, Phone Number; "
    "a custom Department or Reports To property is read too)",
    columns={
        "crm_id": ("Record ID", "Contact ID"),
        "first_name": ("First Name",),
        "last_name": ("Last Name",),
        "title": ("Job Title",),
        "department": ("Department",),
        "reports_to": ("Reports To", "Manager"),
        "account": ("Company Name", "Associated Company"),
        "email": ("Email",),
        "phone": ("Phone Number",),
        "mobile": ("Mobile Phone Number",),
    },
    signatures=(("Record ID",), ("Job Title", "Company Name", "Phone Number")),
    name_columns=("first_name", "last_name"),
)
DYNAMICS = Layout(
    key="dynamics",
    title="Microsoft Dynamics 365",
    what="Export to Excel of contacts (Full Name, Job Title, Department, Manager, Company Name, Email)",
    columns={
        "crm_id": ("(Do Not Modify) Contact", "Contact"),
        "name": ("Full Name",),
        "title": ("Job Title",),
        "department": ("Department",),
        "reports_to": ("Manager", "Manager's Name"),
        "account": ("Company Name", "Account Name"),
        "email": ("Email", "E-mail"),
        "phone": ("Business Phone",),
        "mobile": ("Mobile Phone",),
    },
    signatures=(("Full Name",), ("(Do Not Modify) Contact",)),
    name_columns=("name",),
)
# In the order they are tried: the most specific signatures first.
LAYOUTS = (DYNAMICS, HUBSPOT, SALESFORCE)


def header_key(text: Any) -> str:
    """A header as compared: case and spacing do not matter ("  first  name" = "First Name")."""
    return " ".join(str(text if text is not None else "").replace("\ufeff", "").split()).casefold()


def recognise(header: list[Any]) -> Layout | None:
    """The layout whose signature the header carries, if any.

    >>> recognise(["Record ID", "First Name", "Last Name", "Email"]).title
    'HubSpot'
    >>> recognise(["Name", "E-mail"]) is None
    True
    """
    present = {header_key(cell) for cell in header}
    for layout in LAYOUTS:
        if any(all(header_key(h) in present for h in signature) for signature in layout.signatures):
            return layout
    return None


def columns_of(layout: Layout, header: list[Any]) -> dict[str, int]:
    """field -> 0-based column index, for the fields the header has a column for."""
    index = {}
    for position, cell in enumerate(header):
        index.setdefault(header_key(cell), position)
    found = {}
    for field_name, names in layout.columns.items():
        for name in names:
            if header_key(name) in index:
                found[field_name] = index[header_key(name)]
                break
    return found


def described() -> str:
    """The recognised layouts, one per line, for ``ig import --help``."""
    return "\n".join(f"{layout.title}: {layout.what}" for layout in LAYOUTS)


def read_mapping(path: str | Path) -> Layout:
    """A layout from a mapping file: YAML ``column header: field``, one per line.

    Each problem (not YAML, a field that does not exist, a field given twice, no
    name) is an :class:`AccountFileError` naming the mapping file and its line.
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AccountFileError([Problem(name, "", "no such mapping file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise AccountFileError([Problem(name, "", f"cannot be read: {reason}")]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise AccountFileError([Problem(name, "", f"not valid YAML: {getattr(exc, 'problem', exc)}",
                                        mark.line + 1 if mark else None)]) from None
    if not isinstance(node, yaml.MappingNode):
        raise AccountFileError([Problem(name, "", "expected lines of `column header: field`, e.g. `Surname: last_name`", 1)])
    columns: dict[str, tuple[str, ...]] = {}
    problems = []
    for key, value in node.value:
        line = key.start_mark.line + 1
        header, field_name = str(key.value), str(getattr(value, "value", ""))
        if field_name not in FIELDS:
            close = difflib.get_close_matches(field_name, FIELDS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; the fields are {', '.join(FIELDS)}"
            problems.append(Problem(name, header, f"unknown field {field_name!r}{hint}", line))
        elif field_name in columns:
            problems.append(Problem(name, header, f"field {field_name!r} is already given to column {columns[field_name][0]!r}", line))
        else:
            columns[field_name] = (header,)
    if not problems and not ({"name", "first_name", "last_name"} & set(columns)):
        problems.append(Problem(name, "", "no column gives the name: map one to name, or to first_name and last_name", 1))
    if problems:
        raise AccountFileError(problems)
    return Layout(key="crm", title=f"the mapping in {Path(path).name}", what="", columns=columns,
                  signatures=(), name_columns=tuple(f for f in ("name", "first_name", "last_name") if f in columns))
