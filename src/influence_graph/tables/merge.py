"""Contacts into an existing account: new people added, known ones brought up to date.

A contact is the person whose ``contact`` holds the same CRM id, else the same
email, else the same name. For a known person only what the export says is
updated (title, department, reporting line, contact details, and what a mapping
adds); everything entered by hand (stances, roles, channels, relationships,
touches, notes) stays as it was.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..model import Account
from .contacts import Contact, Contacts, Departments, Directory, Located, locate_person, name_keys, person_values
from .slugs import unique_slug


@dataclass
class Change:
    """One field of a known person that the import changed."""

    field: str
    old: Any
    new: Any

    def __str__(self) -> str:
        return f"{self.field} {_shown(self.old)} -> {_shown(self.new)}"


def _shown(value: Any) -> str:
    return "(none)" if value in (None, "", []) else repr(value)


@dataclass
class MergeReport:
    """What an import into an existing account did, person by person."""

    added: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    changed: list[tuple[str, str, list[Change]]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # in the file, nothing new
    not_in_file: list[str] = field(default_factory=list)
    departments_added: list[str] = field(default_factory=list)


class _Index:
    """The account's people by CRM id, email and name."""

    def __init__(self, people: list[dict], crm_key: str):
        self.by_crm: dict[str, int] = {}
        self.by_email: dict[str, list[int]] = defaultdict(list)
        self.by_name: dict[str, list[int]] = defaultdict(list)
        for index, person in enumerate(people):
            contact = person.get("contact") or {}
            if contact.get(crm_key):
                self.by_crm.setdefault(contact[crm_key], index)
            if contact.get("email"):
                self.by_email[contact["email"].casefold()].append(index)
            for key in name_keys(person["name"]):
                self.by_name[key].append(index)

    def match(self, contact: Contact) -> tuple[list[int], str]:
        """The people the contact may be, and by what it matched."""
        values = contact.values
        if values.get("crm_id") in self.by_crm:
            return [self.by_crm[values["crm_id"]]], "CRM id"
        email = values.get("email", "").casefold()
        if email and self.by_email.get(email):
            return self.by_email[email], "email"
        return sorted({i for key in name_keys(contact.name) for i in self.by_name.get(key, [])}), "name"


def merge_into(existing: Account, table: Contacts, into_name: str) -> tuple[Located, MergeReport]:
    """``existing`` with the contacts of ``table`` merged in, and what changed."""
    located = Located(existing.to_data() | {"format": existing.format})
    data = located.data
    people: list[dict[str, Any]] = data.setdefault("people", [])
    known_departments = len(data.get("departments", []))
    departments = Departments(located, list(data.get("departments", [])))  # new ones go after the known ones
    index = _Index(people, table.layout.crm_key)
    report = MergeReport()
    directory = Directory(table, into_name)
    for person in people:
        directory.add(person["id"], person["name"], (person.get("contact") or {}).get(table.layout.crm_key),
                      f"{into_name} people[{person['id']}]")
    taken = {p["id"] for p in people}
    known_people = len(people)
    rows: list[tuple[Contact, int, bool]] = []  # (contact, index in people, new?)
    claimed: dict[int, Contact] = {}
    for contact in table.contacts:
        matches, how = index.match(contact)
        if len(matches) > 1:
            ids = ", ".join(people[i]["id"] for i in matches)
            located.problems.append(table.problem(contact, "email" if how == "email" else "name",
                                                  f"matches {len(matches)} people in {into_name} by {how} ({ids}); "
                                                  f"add the CRM id to the right one's contact ({table.layout.crm_key})"))
            continue
        if matches and matches[0] in claimed:
            first = claimed[matches[0]]
            located.problems.append(table.problem(contact, "name", f"is the same person as on "
                                                  f"{table.position(first.number)} (people[{people[matches[0]]['id']}], by {how})"))
            continue
        if matches:
            claimed[matches[0]] = contact
            rows.append((contact, matches[0], False))
            directory.add(people[matches[0]]["id"], contact.name, contact.values.get("crm_id"), table.position(contact.number))
        else:
            person_id = unique_slug(contact.name, taken)
            taken.add(person_id)
            people.append({"id": person_id, "name": contact.name})
            rows.append((contact, len(people) - 1, True))
            directory.add(person_id, contact.name, contact.values.get("crm_id"), table.position(contact.number))
    for contact, at, new in rows:
        person = people[at]
        update = person_values(table, contact)
        if "department" in contact.values:
            update["department"] = departments.id_of(contact.values["department"], table, contact)
        manager, problem = directory.manager(contact, person["id"])
        if problem:
            located.problems.append(problem)
        elif manager:
            update["reports_to"] = manager
        changes = _apply(person, update)
        locate_person(located, table, contact, at, update)
        if new:
            report.added.append((person["id"], person["name"]))
        elif changes:
            report.changed.append((person["id"], person["name"], changes))
        else:
            report.unchanged.append(person["id"])
    report.not_in_file = [people[i]["id"] for i in range(known_people) if i not in claimed]
    report.departments_added = [d["id"] for d in departments.items[known_departments:]]
    if not data["departments"]:
        del data["departments"]
    return located, report


def _apply(person: dict[str, Any], update: dict[str, Any]) -> list[Change]:
    """Set what the export says on ``person``; the fields that really changed."""
    changes = []
    for name, value in update.items():
        if name == "contact":
            details = person.setdefault("contact", {})
            for key, text in value.items():
                if details.get(key) != text:
                    changes.append(Change(f"contact.{key}", details.get(key), text))
                    details[key] = text
            continue
        old = person.get(name)
        if _differs(old, value):
            changes.append(Change(name, old, value))
            person[name] = value
    return changes


def _differs(old: Any, new: Any) -> bool:
    """Whether the export's text says something else than the file (3 and "3" agree)."""
    if isinstance(old, list) or isinstance(new, list):
        return [str(v) for v in old or []] != [str(v) for v in new or []]
    return old is None or str(old) != str(new)

