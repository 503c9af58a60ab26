"""The local store: a directory of account files, no server (the default).

Each account is ``<dir>/<account_id>.yaml`` (an existing ``.yml`` or ``.json``
file is read and rewritten in its own format), a normal account file you can
open, diff and version. Writes are atomic (temp file + rename). A lock file,
``<dir>/.influence-graph.lock`` (``filelock``: ``flock`` on POSIX, ``msvcrt`` on
Windows), serializes every access, so two processes never interleave a
check-and-write, and a reader never sees half a save.

The revision id of an account is the start of the SHA-256 of its file: it needs
no extra key in the file (whose format refuses unknown keys), and a hand edit of
the file counts as a new revision too.

Revisions live beside the accounts, one record per revision:
``<dir>/.history/<account_id>/000003.jsonl`` holds revision 3 in two JSON lines —
its number, id, time, author and summary, then the account (its data, for a save
through influence-graph, whose file is that data's canonical YAML; the exact file
text for a file edited by hand). Listing the history reads first lines only. A
save is atomic with its record in two steps under the lock: the record is written
as ``….jsonl.pending``, the account file is replaced (the commit point), then the
record is renamed to ``….jsonl``. A save killed in between is settled by the next write: a pending
record whose id is the file's is completed, any other is dropped (that save
never happened); temp files a killed save left are removed too. A file that no
record matches (edited by hand, or stored before revisions were kept) is listed
as the latest revision, written by no one known; the next save records it first,
so nothing typed into the file is lost.
"""
from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from filelock import FileLock

from ..model import (
    FORMAT,
    Account,
    AccountFileError,
    AccountNotFound,
    InfluenceGraphError,
    Problem,
    StoreError,
    atomic_write_text,
    dump_account,
    parse_account,
    parse_account_text,
)
from .._fs import stale_temp_files
from ..model.diff import diff_data, summarize
from . import ACCOUNT_SUFFIXES
from .base import (
    AccountSummary,
    Revision,
    Store,
    change_summary,
    check_account_id,
    current_user,
    is_account_id,
    utc_now,
    utc_text,
)

LOCK_FILE = ".influence-graph.lock"
HISTORY_DIR = ".history"
RECORD = ".jsonl"
PENDING = ".pending"
EDITED = "edited outside influence-graph"


def file_revision(content: bytes) -> str:
    """The revision of an account file: the first 12 hex digits of its SHA-256."""
    return hashlib.sha256(content).hexdigest()[:12]


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror})") from None


class _Record:
    """One revision as kept on disk: the metadata line, and the account (read on demand)."""

    def __init__(self, meta: dict[str, Any], path: Path | None, payload: dict[str, Any] | None = None):
        self.meta, self.path, self._payload = meta, path, payload

    @property
    def revision(self) -> Revision:
        m = self.meta
        return Revision(m["number"], m["revision"], m["saved_at"], m.get("by"), m["summary"])

    @property
    def token(self) -> str:
        return self.meta["revision"]

    @property
    def payload(self) -> dict[str, Any]:
        if self._payload is None:
            assert self.path is not None
            with open(self.path, encoding="utf-8") as handle:
                handle.readline()
                self._payload = json.loads(handle.readline())
        return self._payload

    def account(self, name: str) -> Account:
        """The account this revision holds; ``name`` locates problems."""
        payload = self.payload
        if "account" in payload:
            return parse_account(payload["account"], name)
        if "content_base64" in payload:  # a hand-edited file that is not UTF-8: kept byte for byte
            content = base64.b64decode(payload["content_base64"])
        else:
            content = payload["content"].encode("utf-8")
        return LocalStore._parse(content, name, "json" if self.meta["file"].endswith(".json") else "yaml")

    def data(self, name: str) -> dict[str, Any] | None:
        """The account's plain data (as ``Account.to_data()``), or None if it does not load."""
        if "account" in self.payload:
            return {k: v for k, v in self.payload["account"].items() if k != "format"}
        try:
            return self.account(name).to_data()
        except InfluenceGraphError:
            return None

    def text(self) -> str:
        return json.dumps(self.meta, ensure_ascii=False) + "\n" + json.dumps(self.payload, ensure_ascii=False) + "\n"

    @staticmethod
    def read(path: Path) -> _Record:
        try:
            with open(path, encoding="utf-8") as handle:
                record = _Record(json.loads(handle.readline()), path)
            record.revision  # noqa: B018  (every key is there)
            return record
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"{path}: a revision record that cannot be read ({exc}); "
                             "move it out of the way to use the account") from None

    @staticmethod
    def of(number: int, token: str, file_name: str, saved_at: str, by: str | None, summary: str,
           payload: dict[str, Any]) -> _Record:
        meta = {"number": number, "revision": token, "saved_at": saved_at, "by": by, "summary": summary,
                "file": file_name}
        return _Record(meta, None, payload)

    @staticmethod
    def of_file(number: int, content: bytes, file_name: str, saved_at: str, summary: str) -> _Record:
        """A record of a file as it is (edited by hand): its exact bytes, by no one known."""
        try:
            payload = {"content": content.decode("utf-8")}
        except UnicodeDecodeError:
            payload = {"content_base64": base64.b64encode(content).decode("ascii")}
        return _Record.of(number, file_revision(content), file_name, saved_at, None, summary, payload)


class LocalStore(Store):
    """Accounts as files in ``directory`` (created on the first save)."""

    def __init__(self, directory: str | os.PathLike[str]):
        self.directory = Path(directory).expanduser()
        if self.directory.exists() and not self.directory.is_dir():
            raise StoreError(f"{self.directory} is a file, not a store directory")
        self.location = str(self.directory.resolve())

    def _not_writable(self, exc: OSError) -> StoreError:
        return StoreError(f"cannot write to the store directory {self.directory} ({exc.strerror or exc})")

    @contextlib.contextmanager
    def _locked(self, exclusive: bool) -> Iterator[None]:
        """Hold the directory's lock (``exclusive``: for a write, which may create the directory).

        A reader of a directory it cannot lock (read-only, or not there yet) reads
        without the lock: no one can write there either.
        """
        lock = None
        if exclusive or self.directory.is_dir():
            try:
                if exclusive:
                    self.directory.mkdir(parents=True, exist_ok=True)
                lock = FileLock(self.directory / LOCK_FILE)
                lock.acquire()
            except OSError as exc:
                if exclusive:
                    raise self._not_writable(exc) from None
                lock = None
        try:
            yield
        finally:
            if lock is not None:
                lock.release()

    def _file(self, account_id: str) -> Path | None:
        for suffix in ACCOUNT_SUFFIXES:
            path = self.directory / f"{account_id}{suffix}"
            if path.is_file():
                return path
        return None

    def _history_dir(self, account_id: str) -> Path:
        return self.directory / HISTORY_DIR / account_id

    def _read(self, account_id: str) -> tuple[Account, str]:
        return self._account_of(account_id, *self._read_file(account_id))

    def _read_file(self, account_id: str) -> tuple[Path, bytes]:
        path = self._file(account_id)
        if path is None:
            raise AccountNotFound(f"no account {account_id!r} in {self.location}")
        return path, _read_bytes(path)

    def _account_of(self, account_id: str, path: Path, content: bytes) -> tuple[Account, str]:
        account = self._parse(content, str(path))
        if account.id != account_id:
            raise StoreError(f"{path} holds account {account.id!r}, not {account_id!r}; rename the file or fix account.id")
        return account, file_revision(content)

    @staticmethod
    def _parse(content: bytes, name: str, fmt: str | None = None) -> Account:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = content[: exc.start].count(b"\n") + 1
            raise AccountFileError([Problem(name, "", f"not UTF-8 text (byte 0x{content[exc.start]:02x} at offset "
                                                      f"{exc.start}); save the file as UTF-8", line)]) from None
        return parse_account_text(text, name, fmt)

    def _load(self, account_id: str) -> tuple[Account, str]:
        # The lock (exclusive: filelock has no shared mode) covers reading the bytes only;
        # parsing them needs no lock, so readers in parallel (ig analyze --all) do not queue.
        with self._locked(exclusive=False):
            path, content = self._read_file(account_id)
        return self._account_of(account_id, path, content)

    # -- revisions ----------------------------------------------------------------------
    def _records(self, account_id: str, current: bytes | None) -> list[_Record]:
        """The committed revision records, oldest first. A pending record counts only
        if the account file holds its content (the save got past its commit point)."""
        folder = self._history_dir(account_id)
        if not folder.is_dir():
            return []
        token = file_revision(current) if current is not None else None
        records = []
        for path in sorted(folder.glob(f"*{RECORD}*")):
            if path.name.startswith(".") or not path.name.endswith((RECORD, RECORD + PENDING)):
                continue
            record = _Record.read(path)
            if path.name.endswith(PENDING) and record.token != token:
                continue
            records.append(record)
        return records

    def _unrecorded(self, path: Path, content: bytes, records: list[_Record]) -> _Record | None:
        """The account file as a revision of its own, when no record holds it (edited by hand)."""
        if records and records[-1].token == file_revision(content):
            return None
        when = utc_text(dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc))
        if not records:
            summary = f"{EDITED} or stored before revisions were kept"
        else:
            previous = records[-1].data(path.name)
            try:
                now = self._parse(content, str(path)).to_data()
            except InfluenceGraphError:
                now = None
            if previous is None or now is None:
                summary = f"{EDITED} (the file does not load as an account)"
            else:
                summary = f"{EDITED}: {summarize(diff_data(previous, now))}"
        return _Record.of_file(len(records) + 1, content, path.name, when, summary)

    def _full_history(self, account_id: str) -> tuple[list[_Record], Path]:
        path = self._file(account_id)
        if path is None:
            raise AccountNotFound(f"no account {account_id!r} in {self.location}")
        content = _read_bytes(path)
        records = self._records(account_id, content)
        extra = self._unrecorded(path, content, records)
        return records + ([extra] if extra else []), path

    def _history(self, account_id: str) -> list[Revision]:
        with self._locked(exclusive=False):
            return [record.revision for record in self._full_history(account_id)[0]]

    def _load_revision(self, account_id: str, revision: Revision) -> Account:
        with self._locked(exclusive=False):
            records, _ = self._full_history(account_id)
            record = records[revision.number - 1]
            return record.account(f"revision {revision.number} of {record.meta['file']}")

    def _write_record(self, record: _Record, account_id: str, pending: bool, mode_of: Path | None) -> Path:
        folder = self._history_dir(account_id)
        path = folder / f"{record.meta['number']:06d}{RECORD}{PENDING if pending else ''}"
        self._write(path, record.text())
        if mode_of is not None and mode_of.exists():
            # The record holds what the account file holds (contact details): no wider access.
            os.chmod(path, mode_of.stat().st_mode & 0o777)
        return path

    def _write(self, path: Path, text: str) -> None:
        try:
            # The store lays out its own folders (the writer creates none: a typo in -o must not make one).
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._not_writable(exc) from None
        try:
            atomic_write_text(path, text)
        except InfluenceGraphError as exc:  # "<path>: cannot write (<reason>)"
            raise StoreError(str(exc)) from None

    def _settle(self, account_id: str, path: Path) -> None:
        """Finish or drop what a killed save left: pending records, temp files."""
        folder = self._history_dir(account_id)
        token = file_revision(path.read_bytes()) if path.exists() else None
        for pending in sorted(folder.glob(f"*{RECORD}{PENDING}")) if folder.is_dir() else []:
            try:
                committed = _Record.read(pending).token == token
            except StoreError:
                committed = False
            if committed:
                pending.replace(pending.with_name(pending.name[: -len(PENDING)]))
            else:
                pending.unlink(missing_ok=True)
        leftovers = [t for suffix in ACCOUNT_SUFFIXES for t in stale_temp_files(self.directory / f"{account_id}{suffix}")]
        leftovers += sorted(folder.glob(".*.tmp")) if folder.is_dir() else []
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)

    # -- the Store interface ----------------------------------------------------------------
    def _save(self, account: Account, expected: str | None, force: bool) -> str:
        account_id = check_account_id(account.id)
        with self._locked(exclusive=True):
            path = self._file(account_id) or self.directory / f"{account_id}.yaml"
            try:
                self._settle(account_id, path)
            except OSError as exc:
                raise self._not_writable(exc) from None
            current = _read_bytes(path) if path.exists() else None
            stored = file_revision(current) if current is not None else None
            self._refuse_stale(account_id, stored, expected, force)
            text = dump_account(account, "json" if path.suffix == ".json" else "yaml")
            content = text.encode("utf-8")
            if content == current:
                return stored  # nothing changed: no new revision
            records = self._records(account_id, current)
            data = {"format": FORMAT, **account.to_data()}
            if current is None:
                summary = change_summary(None, account)
            else:
                unrecorded = self._unrecorded(path, current, records)
                if unrecorded is not None:  # a hand edit is kept as its own revision before it is replaced
                    self._write_record(unrecorded, account_id, pending=False, mode_of=path)
                    records.append(unrecorded)
                previous = records[-1].data(path.name)
                summary = "replaced a file that did not load as an account" if previous is None else \
                    summarize(diff_data(previous, account.to_data()))
            record = _Record.of(len(records) + 1, file_revision(content), path.name, utc_now(), current_user(),
                                summary, {"account": data})
            pending = self._write_record(record, account_id, pending=True, mode_of=path)
            self._write(path, text)  # the commit point
            try:
                pending.replace(pending.with_name(pending.name[: -len(PENDING)]))
            except OSError as exc:
                raise StoreError(f"saved {path}, but its revision record {pending} could not be completed "
                                 f"({exc.strerror}); the next save completes it") from None
            return record.token

    def ids(self) -> list[str]:
        """The id of every account file (``<id>.yaml|.yml|.json``), sorted, even one that does not load.

        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> for name in ("b.yaml", "a.json", "notes.txt", "Not An Id.yaml"):
        ...     _ = (folder / name).write_text("{}")
        >>> LocalStore(folder).ids()
        ['a', 'b']
        """
        if not self.directory.is_dir():
            return []
        stems = {p.stem for p in self.directory.iterdir() if p.suffix in ACCOUNT_SUFFIXES and p.is_file()}
        return sorted(stem for stem in stems if is_account_id(stem))

    def list(self) -> list[AccountSummary]:
        if not self.directory.is_dir():
            return []
        files = sorted(p for p in self.directory.iterdir()
                       if p.suffix in ACCOUNT_SUFFIXES and not p.name.startswith(".") and p.is_file())
        with self._locked(exclusive=False):
            summaries = [self._summary(path) for path in files]
        return sorted(summaries, key=lambda s: (s.id, s.problem is not None, s.problem or ""))

    def _summary(self, path: Path) -> AccountSummary:
        """The account a file holds, or why it cannot be used as one."""
        try:
            account, revision = self._read(check_account_id(path.stem))
            if self._file(path.stem) != path:
                raise StoreError(f"{path.name}: {self._file(path.stem).name} holds account {path.stem!r} already; "
                                 "keep one file per account")
            return AccountSummary(account.id, account.name, revision)
        except AccountFileError as exc:
            problem = f"{path.name}: {exc.problems[0].message}" + (
                f" (and {len(exc.problems) - 1} more problems)" if len(exc.problems) > 1 else "")
        except AccountNotFound:  # the file name is no account id
            problem = (f"{path.name}: {path.stem!r} is not an account id (lowercase letters, digits, '-' and '_'); "
                       "rename the file")
        except StoreError as exc:
            problem = str(exc).replace(f"{path} ", f"{path.name}: ", 1).replace(f"{path}: ", f"{path.name}: ", 1)
        return AccountSummary(path.stem, "", "", problem)

    def delete(self, account_id: str) -> int:
        check_account_id(account_id)
        with self._locked(exclusive=True):
            path = self._file(account_id)
            if path is None:
                raise AccountNotFound(f"no account {account_id!r} in {self.location}")
            try:
                count = len(self._full_history(account_id)[0])
            except StoreError:
                count = 1  # unreadable records still go with the account
            history = self._history_dir(account_id)
            try:
                path.unlink()
                if history.exists():
                    shutil.rmtree(history)
                if not any(history.parent.iterdir()):
                    history.parent.rmdir()
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise self._not_writable(exc) from None
            return count
