"""The one interface both stores implement, and what they share.

Every stored account carries a revision. An account remembers the revision it
was loaded (or last saved) at; saving it over a store that has moved on since
raises :class:`StaleWriteError` and changes nothing, unless ``force=True``.
A file written by :meth:`Store.pull` records the revision in a YAML comment, so
``ig pull`` → edit → ``ig push`` is checked the same way.
"""
from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model import (
    Account,
    AccountNotFound,
    InfluenceGraphError,
    StaleWriteError,
    StoreError,
    atomic_write_text,
    dump_account,
    load_account,
    parse_account,
)

if TYPE_CHECKING:
    import pandas as pd

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_PULLED = re.compile(r"^# revision: (?P<revision>\S+) @ (?P<location>.+)$")
_HEADER_LINES = 5


@dataclass(frozen=True, order=True)
class AccountSummary:
    """One stored account, as ``Store.list()`` reports it."""

    id: str
    name: str
    revision: str


def check_account_id(account_id: str) -> str:
    """``account_id`` if it is a valid id (a slug); :class:`AccountNotFound` otherwise."""
    if not isinstance(account_id, str) or not _SLUG.match(account_id):
        raise AccountNotFound(
            f"{account_id!r} is not an account id (lowercase letters, digits, '-' and '_')"
        )
    return account_id


class Store(ABC):
    """Where accounts live. ``save`` / ``load`` / ``list`` / ``delete`` / ``query``.

    ``location`` names the store in messages and in pulled files. Use a store as a
    context manager (or call ``close()``) to release its connections.
    """

    location: str

    # -- what each store implements ------------------------------------------------
    @abstractmethod
    def _load(self, account_id: str) -> tuple[Account, str]:
        """The stored account and its revision; AccountNotFound if absent."""

    @abstractmethod
    def _save(self, account: Account, expected: str | None, force: bool) -> str:
        """Replace the stored account atomically, after :meth:`_refuse_stale`; the new revision."""

    @abstractmethod
    def list(self) -> list[AccountSummary]:
        """Every stored account, sorted by id."""

    @abstractmethod
    def delete(self, account_id: str) -> None:
        """Remove the account; :class:`AccountNotFound` if there is none."""

    def query(self, cypher_or_name: str, **params: Any) -> pd.DataFrame:
        """Run a named query (``cypher/<name>.cypher``) or raw Cypher; one row per record."""
        raise StoreError(
            f"queries need a Neo4j store; {self.location} is a local directory "
            "(use --store neo4j://… or set INFLUENCE_GRAPH_STORE)"
        )

    #: Whether :meth:`write_analysis` keeps an analysis beside the account (Neo4j: node properties).
    holds_analysis = False

    def write_analysis(self, account_id: str, properties: dict[str, dict[str, Any]], revision: str) -> None:
        """Keep the analysis of revision ``revision`` beside the stored account: ``properties``
        maps person ids to plain values (influence, category, …). Only a Neo4j store does."""
        raise StoreError(
            f"writing the analysis into the store needs a Neo4j store; {self.location} is a local "
            "directory, where an account file holds no analysis (use --store neo4j://… or set INFLUENCE_GRAPH_STORE)"
        )

    def close(self) -> None:
        """Release connections (nothing to release for a local store)."""

    # -- shared behaviour ------------------------------------------------------------
    def load(self, account_id: str) -> Account:
        """The stored account, remembering the revision it was loaded at."""
        account, revision = self._load(check_account_id(account_id))
        account._stored_revision = (self.location, revision)
        return account

    def save(self, account: Account, force: bool = False) -> str:
        """Store ``account`` (replacing the stored one whole); returns the new revision.

        Raises :class:`StaleWriteError`, changing nothing, if the stored account is
        not the revision ``account`` was loaded at (or ``account`` was never loaded
        from this store and one is stored already), unless ``force``. Raises
        :class:`AccountFileError`, changing nothing, if ``account`` breaks the
        file's rules (e.g. a reference to no one, after an edit in a notebook).
        """
        # Pydantic checks fields one by one; the rules across items (dangling
        # references, cycles) live in parse_account. A store must never hold an
        # account it cannot load back, and Neo4j would silently drop a dangling link.
        parse_account(account.to_data(), f"account {account.id!r}")
        revision = self._save(account, self.revision_of(account), force)
        account._stored_revision = (self.location, revision)
        return revision

    def revision_of(self, account: Account) -> str | None:
        """The revision ``account`` was loaded or saved at in this store, else None."""
        stored = account._stored_revision
        return stored[1] if stored and stored[0] == self.location else None

    def _refuse_stale(self, account_id: str, stored: str | None, expected: str | None, force: bool) -> None:
        """Raise StaleWriteError unless saving over revision ``stored`` loses nothing."""
        if force or stored is None or stored == expected:
            return
        if expected is None:
            raise StaleWriteError(
                f"account {account_id!r} already exists in {self.location} (revision {stored}) and this "
                "copy was not loaded from there; pull it and merge your changes, or overwrite with --force"
            )
        raise StaleWriteError(
            f"account {account_id!r} was changed in {self.location} since you loaded it "
            f"(stored revision {stored}, yours {expected}); pull it and redo your edits, "
            "or overwrite with --force"
        )

    def push(self, path: str | Path, force: bool = False) -> tuple[Account, str]:
        """Save the account file at ``path``; returns the account and its new revision.

        A file written by :meth:`pull` from this store carries the revision it was
        pulled at, so pushing it is refused if someone saved since; after the push
        it carries the new revision.
        """
        account = load_account(path)
        pulled = pulled_revision(path)
        if pulled and pulled[0] == self.location:
            account._stored_revision = pulled
        revision = self.save(account, force=force)
        if pulled and pulled[0] == self.location:
            # The file now is that revision: edit and push it again without pulling first.
            _record_revision(path, pulled[1], revision)
        return account, revision

    def pull(self, account_id: str, path: str | Path, overwrite: bool = False) -> Account:
        """Write the stored account to ``path`` (YAML, or JSON if it ends in .json).

        A YAML file starts with a comment recording the revision, which :meth:`push`
        reads back. An existing file is kept unless ``overwrite``.
        """
        path = Path(path)
        if path.exists() and not overwrite:
            raise StoreError(f"{path} already exists; choose another file or overwrite it with --force")
        account = self.load(account_id)
        if path.suffix.lower() == ".json":
            text = dump_account(account, "json")
        else:
            location, revision = account._stored_revision  # type: ignore[misc]
            text = (
                "# Pulled with `ig pull`. Keep the next line: `ig push` uses it to refuse\n"
                "# overwriting changes someone else saved since, and moves it on.\n"
                f"# revision: {revision} @ {location}\n" + dump_account(account)
            )
        try:
            atomic_write_text(path, text)
        except InfluenceGraphError as exc:
            raise StoreError(str(exc)) from None
        return account

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.location}>"


def pulled_revision(path: str | Path) -> tuple[str, str] | None:
    """(location, revision) recorded at the top of a pulled YAML file, if any."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            head = [handle.readline().rstrip("\n") for _ in range(_HEADER_LINES)]
    except (OSError, UnicodeDecodeError):
        return None
    for line in head:
        match = _PULLED.match(line)
        if match:
            return match["location"], match["revision"]
    return None


def _record_revision(path: str | Path, old: str, new: str) -> None:
    """Move the revision line at the top of a pulled file from ``old`` to ``new``.

    Best effort: if the file cannot be rewritten, the next push is refused as
    stale, which loses nothing.
    """
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            lines = handle.readlines()
        for i, line in enumerate(lines[:_HEADER_LINES]):
            match = _PULLED.match(line.rstrip("\r\n"))
            if match and match["revision"] == old:
                lines[i] = line.replace(f"# revision: {old} @", f"# revision: {new} @", 1)
                atomic_write_text(path, "".join(lines))
                return
    except (OSError, UnicodeDecodeError, InfluenceGraphError):
        return
