"""The one interface both stores implement, and what they share.

Every save is kept as a revision: the content, when (UTC), who
(``INFLUENCE_GRAPH_USER``, else the OS user) and a one-line summary of the change
(from the account diff). :meth:`Store.history` lists them, numbered from 1, oldest
first; :meth:`Store.load` takes ``revision=`` or the syntax ``acme@3`` (revision 3),
``acme@-1`` (the one before the latest) or ``acme@<revision id>``.

A revision is also the stale-write token: an account remembers the revision it
was loaded (or last saved) at; saving it over a store that has moved on since
raises :class:`StaleWriteError` and changes nothing, unless ``force=True`` — or
``merge=True``, which merges three ways against the revision it was loaded at
(:func:`influence_graph.model.merge.merge3`) and saves only when no change of
ours and theirs touches the same field. A file written by :meth:`Store.pull`
records the revision in a YAML comment, so ``ig pull`` → edit → ``ig push`` is
checked (and merged) the same way.
"""
from __future__ import annotations

import datetime as dt
import getpass
import os
import re
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

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
from ..model.diff import describe_new, diff_accounts, summarize
from ..model.errors import MergeConflict
from ..model.merge import MergeResult, merge3
from ..model.limits import MAX_ID_LENGTH

if TYPE_CHECKING:
    import pandas as pd

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_PULLED = re.compile(r"^# revision: (?P<revision>\S+) @ (?P<location>.+)$")
_HEADER_LINES = 5
USER_ENV = "INFLUENCE_GRAPH_USER"
# A revision given by number: 3 (the third), -1 (the one before the latest). Longer
# digit strings are revision ids (a 12-digit hex id can be all digits).
_NUMBER = re.compile(r"^-?\d{1,9}$")
MERGE_ATTEMPTS = 3  # a merge is redone if someone saves while it runs


@dataclass(frozen=True, order=True)
class AccountSummary:
    """One stored account, as ``Store.list()`` reports it. ``problem`` says why a
    file in a local store that should hold an account cannot be read (the account
    is then not usable until fixed); None for a good account."""

    id: str
    name: str
    revision: str
    problem: str | None = None


@dataclass(frozen=True)
class Revision:
    """One saved version of an account: ``number`` counts from 1 (oldest);
    ``revision`` is its id (the stale-write token); ``saved_at`` is UTC ISO 8601;
    ``by`` is None when no one is known (a file edited by hand)."""

    number: int
    revision: str
    saved_at: str
    by: str | None
    summary: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Pushed(NamedTuple):
    """What :meth:`Store.push` did: the account as saved, its new revision, and the
    merge it took (None when the push needed no merge)."""

    account: Account
    revision: str
    merge: MergeResult | None


def current_user() -> str:
    """Who is saving: ``$INFLUENCE_GRAPH_USER``, else the OS user, else ``unknown``."""
    named = os.environ.get(USER_ENV, "").strip()
    if named:
        return named
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name and no passwd entry (some containers)
        return "unknown"


def utc_now() -> str:
    """Now, as ``2026-11-20T09:14:03Z``."""
    return utc_text(dt.datetime.now(dt.timezone.utc))


def utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def change_summary(previous: Account | None, account: Account) -> str:
    """The one-line summary of a revision: what changed since ``previous``."""
    return describe_new(account) if previous is None else summarize(diff_accounts(previous, account))


def split_revision(source: str, revision: str | int | None = None) -> tuple[str, str | None]:
    """``"acme@3"`` -> ``("acme", "3")``; a ``revision`` given apart goes with a bare id.

    >>> split_revision("acme@-1"), split_revision("acme", 2), split_revision("acme")
    (('acme', '-1'), ('acme', '2'), ('acme', None))
    """
    account_id, at, given = source.partition("@") if isinstance(source, str) else (source, "", "")
    if at and revision is not None:
        raise StoreError(f"{source!r} names a revision already; do not also give revision={revision!r}")
    if at and not given:
        raise StoreError(f"{source!r}: name the revision after '@' (a number, -1 for the one before the latest, or a revision id)")
    return account_id, given if at else (None if revision is None else str(revision))


def pick_revision(history: list[Revision], wanted: str, account_id: str, location: str) -> Revision:
    """The revision ``wanted`` names: a number from 1, a negative number counting back
    from the latest (-1 is the one before it), or a revision id."""
    count = len(history)
    if _NUMBER.match(wanted):
        number = int(wanted)
        index = number - 1 if number > 0 else count - 1 + number
        if number == 0 or not 0 <= index < count:
            latest = f"revisions 1 to {count}" if count > 1 else "only revision 1"
            back = f", or -1 to -{count - 1} counting back from the latest" if count > 1 else ""
            raise AccountNotFound(f"account {account_id!r} in {location} has no revision {wanted}: it has {latest}{back}")
        return history[index]
    for entry in history:
        if entry.revision == wanted:
            return entry
    raise AccountNotFound(f"account {account_id!r} in {location} has no revision {wanted!r} (see `ig history {account_id}`)")


def is_account_id(text: str) -> bool:
    """True when ``text`` is a valid account id (a slug of at most ``MAX_ID_LENGTH`` characters)."""
    return isinstance(text, str) and bool(_SLUG.match(text)) and len(text) <= MAX_ID_LENGTH


def check_account_id(account_id: str) -> str:
    """``account_id`` if it is a valid id (a slug of at most MAX_ID_LENGTH characters,
    so that its file name fits); :class:`AccountNotFound` otherwise."""
    if not is_account_id(account_id):
        shown = account_id if not isinstance(account_id, str) or len(account_id) <= 60 else account_id[:59] + "…"
        raise AccountNotFound(
            f"{shown!r} is not an account id (lowercase letters, digits, '-' and '_'; at most {MAX_ID_LENGTH} characters)"
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
    def _history(self, account_id: str) -> list[Revision]:
        """Every revision, oldest first; AccountNotFound if the account is absent."""

    @abstractmethod
    def _load_revision(self, account_id: str, revision: Revision) -> Account:
        """The account as it was at ``revision`` (one of ``_history``)."""

    @abstractmethod
    def list(self) -> list[AccountSummary]:
        """Every stored account, sorted by id."""

    @abstractmethod
    def delete(self, account_id: str) -> int:
        """Remove the account and all its revisions; how many revisions went.
        :class:`AccountNotFound` if there is none."""

    def ids(self) -> list[str]:
        """The id of every stored account, sorted, without reading the accounts (cheaper
        than :meth:`list`). An account that no longer loads (a hand-edited file in a
        local store) is listed too: :func:`~influence_graph.portfolio.analyze_all`
        reports it instead of skipping it."""
        return [summary.id for summary in self.list()]

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
    def load(self, account_id: str, revision: str | int | None = None) -> Account:
        """The stored account, remembering the revision it was loaded at.

        ``revision`` (or ``account_id`` written ``acme@R``) loads an earlier one: a
        number from 1, -1 for the one before the latest (-2 before that …), or a
        revision id. An old revision saved back is refused as stale unless merged
        (``merge=True``) or forced.
        """
        account_id, wanted = split_revision(account_id, revision)
        account_id = check_account_id(account_id)
        if wanted is None:
            account, token = self._load(account_id)
        else:
            history = self._history(account_id)
            chosen = pick_revision(history, wanted, account_id, self.location)
            if chosen is history[-1]:
                account, token = self._load(account_id)
            else:
                account, token = self._load_revision(account_id, chosen), chosen.revision
        account._stored_revision = (self.location, token)
        return account

    def history(self, account_id: str) -> list[Revision]:
        """Every saved revision of the account, oldest first (numbered from 1)."""
        return self._history(check_account_id(account_id))

    def save(self, account: Account, force: bool = False, merge: bool = False, prefer: str | None = None) -> str:
        """Store ``account`` (replacing the stored one whole) as a new revision; returns it.

        Raises :class:`StaleWriteError`, changing nothing, if the stored account is
        not the revision ``account`` was loaded at (or ``account`` was never loaded
        from this store and one is stored already), unless ``force``. With ``merge``,
        a stale save is merged three ways instead (base: the revision ``account``
        was loaded at; ours: ``account``; theirs: the stored one): changes that do
        not touch the same field combine, and ``account`` is updated in place to
        the merged account that was saved. Changes to the same field raise
        :class:`MergeConflict` listing them, saving nothing, unless ``prefer`` is
        ``"mine"`` or ``"theirs"``. A save that changes nothing makes no revision.

        Raises :class:`AccountFileError`, changing nothing, if ``account`` breaks the
        file's rules (e.g. a reference to no one, after an edit in a notebook), and
        :class:`StoreError` for a what-if copy (``apply_assumptions``): its assumed
        stances must never replace the real ones.
        """
        if account._hypothetical:
            raise StoreError(
                f"account {account.id!r} is a what-if copy (assuming {account._hypothetical}) and is never "
                "saved, so the stored account keeps the stances you recorded; save the account you loaded instead"
            )
        # Pydantic checks fields one by one; the rules across items (dangling
        # references, cycles) live in parse_account. A store must never hold an
        # account it cannot load back, and Neo4j would silently drop a dangling link.
        parse_account(account.to_data(), f"account {account.id!r}")
        if merge and not force:
            return self._save_merged(account, prefer)[0]
        revision = self._save(account, self.revision_of(account), force)
        account._stored_revision = (self.location, revision)
        return revision

    def _save_merged(self, account: Account, prefer: str | None) -> tuple[str, MergeResult | None]:
        """Save, merging three ways if the store moved on; the revision and the merge taken."""
        for _ in range(MERGE_ATTEMPTS):
            base_token = self.revision_of(account)
            try:
                theirs = self.load(account.id)
            except AccountNotFound:
                theirs = None
            if theirs is None or self.revision_of(theirs) == base_token:
                return self.save(account), None
            if base_token is None:
                raise StaleWriteError(
                    f"account {account.id!r} already exists in {self.location} and this copy was not loaded "
                    "from there, so there is no common revision to merge against; pull it and redo your "
                    "edits, combine the two with `ig merge`, or overwrite with --force"
                )
            base = self.load(account.id, revision=base_token)
            result = merge3(base, account, theirs, prefer=prefer)
            if result.unresolved:
                raise MergeConflict(result.conflicts, f"account {account.id!r}: "
                                    f"your changes and those saved since (revision {self.revision_of(theirs)}) "
                                    "touch the same fields")
            merged = result.account
            merged._stored_revision = theirs._stored_revision
            try:
                revision = self.save(merged)
            except StaleWriteError:
                continue  # someone saved while we merged: merge again against theirs
            for name in type(account).model_fields:
                setattr(account, name, getattr(merged, name))
            account._stored_revision = merged._stored_revision
            return revision, result
        raise StaleWriteError(f"account {account.id!r} kept changing in {self.location} while merging; try again")

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

    def push(self, path: str | Path, force: bool = False, merge: bool = False, prefer: str | None = None) -> Pushed:
        """Save the account file at ``path``; returns the account, its new revision
        and the merge taken.

        A file written by :meth:`pull` from this store carries the revision it was
        pulled at, so pushing it is refused if someone saved since — or, with
        ``merge``, merged three ways against that revision, and the file is
        rewritten with the merged account. After the push the file carries the new
        revision.
        """
        account = load_account(path)
        pulled = pulled_revision(path)
        here = bool(pulled and pulled[0] == self.location)
        if here:
            account._stored_revision = pulled
        merged = None
        if merge and not force and here:
            revision, merged = self._save_merged(account, prefer)
        else:
            try:
                revision = self.save(account, force=force)
            except StaleWriteError:
                if not merge:
                    raise
                raise StaleWriteError(
                    f"{path} does not record a revision of {self.location} (files from `ig pull` to a .yaml "
                    "file do), so there is nothing to merge against; combine it with the stored account with "
                    f"`ig pull {account.id} -o stored.yaml` and `ig merge {path} stored.yaml -o merged.yaml`"
                ) from None
        if merged is not None:
            # The file must now hold what was saved, or its next push would undo their changes.
            self._write_pulled(account, path, revision)
        elif here:
            # The file now is that revision: edit and push it again without pulling first.
            _record_revision(path, pulled[1], revision, self.location)
        return Pushed(account, revision, merged)

    def pull(self, account_id: str, path: str | Path, overwrite: bool = False, revision: str | int | None = None) -> Account:
        """Write the stored account (or an earlier ``revision``) to ``path`` (YAML, or
        JSON if it ends in .json).

        A YAML file starts with a comment recording the revision, which :meth:`push`
        reads back. An existing file is kept unless ``overwrite``.
        """
        path = Path(path)
        if path.exists() and not overwrite:
            raise StoreError(f"{path} already exists; choose another file or overwrite it with --force")
        account = self.load(account_id, revision=revision)
        self._write_pulled(account, path, self.revision_of(account))
        return account

    def _write_pulled(self, account: Account, path: str | Path, revision: str | None) -> None:
        if Path(path).suffix.lower() == ".json":
            text = dump_account(account, "json")
        else:
            text = (
                "# Pulled with `ig pull`. Keep the next line: `ig push` uses it to refuse\n"
                "# overwriting changes someone else saved since, and moves it on.\n"
                f"# revision: {revision} @ {self.location}\n" + dump_account(account)
            )
        try:
            atomic_write_text(path, text)
        except InfluenceGraphError as exc:
            raise StoreError(str(exc)) from None

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


def _record_revision(path: str | Path, old: str, new: str, location: str) -> None:
    """Move the revision line at the top of a pulled file from ``old`` to ``new``.

    The account is saved by then; if the file cannot be rewritten, its next push
    would be refused as stale (or merged for nothing), so say so.
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
        problem = "its revision line is gone"
    except OSError as exc:
        problem = exc.strerror or str(exc)
    except (UnicodeDecodeError, InfluenceGraphError) as exc:
        problem = str(exc)
    raise StoreError(
        f"saved as revision {new} in {location}, but {path} could not be updated to record it ({problem}); "
        f"change its line '# revision: {old} @ {location}' to '# revision: {new} @ {location}' before pushing it again"
    )
