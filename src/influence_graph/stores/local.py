"""The local store: a directory of account files, no server (the default).

Each account is ``<dir>/<account_id>.yaml`` (an existing ``.yml`` or ``.json``
file is read and rewritten in its own format), a normal account file you can
open, diff and version. Writes are atomic (temp file + rename). A lock file,
``<dir>/.influence-graph.lock`` (``flock``), serializes writers against each other
and against readers, so two processes never interleave a check-and-write.

The revision of an account is the start of the SHA-256 of its file: it needs no
extra key in the file (whose format refuses unknown keys) and no sidecar that
could drift from it, and a hand edit of the file counts as a new revision too.
Files that are not account files are ignored.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from ..model import Account, AccountNotFound, InfluenceGraphError, StoreError, atomic_write_text, dump_account, load_account
from . import ACCOUNT_SUFFIXES
from .base import AccountSummary, Store, check_account_id, is_account_id

LOCK_FILE = ".influence-graph.lock"


def file_revision(content: bytes) -> str:
    """The revision of an account file: the first 12 hex digits of its SHA-256."""
    return hashlib.sha256(content).hexdigest()[:12]


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror})") from None


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
        """Hold the directory's lock: exclusive to write, shared to read."""
        try:
            if exclusive:
                self.directory.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            if exclusive:
                raise self._not_writable(exc) from None
            yield  # a read-only directory: nobody can write there, nothing to lock against
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _file(self, account_id: str) -> Path | None:
        for suffix in ACCOUNT_SUFFIXES:
            path = self.directory / f"{account_id}{suffix}"
            if path.is_file():
                return path
        return None

    def _read(self, account_id: str) -> tuple[Account, str]:
        path = self._file(account_id)
        if path is None:
            raise AccountNotFound(f"no account {account_id!r} in {self.location}")
        content = _read_bytes(path)
        account = load_account(path)
        if account.id != account_id:
            raise StoreError(f"{path} holds account {account.id!r}, not {account_id!r}; rename the file or fix account.id")
        return account, file_revision(content)

    def _load(self, account_id: str) -> tuple[Account, str]:
        with self._locked(exclusive=False):
            return self._read(account_id)

    def _save(self, account: Account, expected: str | None, force: bool) -> str:
        account_id = check_account_id(account.id)
        with self._locked(exclusive=True):
            path = self._file(account_id) or self.directory / f"{account_id}.yaml"
            stored = file_revision(_read_bytes(path)) if path.exists() else None
            self._refuse_stale(account_id, stored, expected, force)
            text = dump_account(account, "json" if path.suffix == ".json" else "yaml")
            try:
                atomic_write_text(path, text)
            except InfluenceGraphError as exc:  # "<path>: cannot write (<reason>)"
                raise StoreError(str(exc)) from None
            return file_revision(text.encode("utf-8"))

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
        summaries = []
        with self._locked(exclusive=False):
            for stem in self.ids():
                try:
                    account, revision = self._read(stem)
                except InfluenceGraphError:
                    continue  # not an account file of this store: ignored, not fatal
                summaries.append(AccountSummary(account.id, account.name, revision))
        return summaries

    def delete(self, account_id: str) -> None:
        check_account_id(account_id)
        with self._locked(exclusive=True):
            path = self._file(account_id)
            if path is None:
                raise AccountNotFound(f"no account {account_id!r} in {self.location}")
            try:
                path.unlink()
            except OSError as exc:
                raise self._not_writable(exc) from None
