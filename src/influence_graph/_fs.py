"""Writing files the way careful tools do. Every file the package writes goes through here.

:func:`write_text` (and :func:`atomic_write_text`, its name for existing callers):

- **whole or not at all:** the text goes to a temp file in the same folder
  (``.<name>.<random>.tmp``), is flushed to disk (``fsync``), then renamed over the
  target in one step; a crash leaves the old file or the new one, never half of one
  (at worst a stray temp file, which :func:`stale_temp_files` finds);
- **permissions kept:** a file that exists keeps its mode (a ``0600`` account file
  holding contact details stays ``0600``), and its owner and group where the
  process may set them; a new file gets ``0666`` less the umask, applied by the
  kernel when the temp file is created — the process umask is never changed (that
  would race with other threads). The temp file is never more open than the result;
- **only regular files are replaced:** a symbolic link, a folder, a named pipe, a
  device or a socket at the target is refused with a message, never replaced (as
  root, ``-o /dev/stdout`` would otherwise replace ``/dev/stdout``);
- **hard links:** the target is *replaced*, not written in place, so it gets a new
  inode: other hard links to the old file keep the old content. Writing in place
  would keep them in step but give up "whole or not at all";
- **no folder is created:** a missing folder is an error that names it (a typo in
  ``-o reprots/plan.html`` must not create ``reprots/``), and so is a path that
  ends in a separator (``-o newdir/``);
- **no clobbering unless asked:** with ``replace=False`` an existing file is refused
  (:class:`~influence_graph.model.errors.OutputExists`), checked again at the
  rename itself (a hard link, which fails if the name exists), so a file that
  appears meanwhile is not lost either.

Errors are :class:`~influence_graph.model.errors.FileWriteError` (an
``InfluenceGraphError``): a clear message, nothing changed.
"""
from __future__ import annotations

import glob
import os
import secrets
import stat
from pathlib import Path

TEMP_SUFFIX = ".tmp"
# Kept short so the temp file's name fits where the target's does (255 bytes).
_TEMP_NAME_PART = 200
_WRITE_FLAGS = (
    os.O_WRONLY | os.O_CREAT | os.O_EXCL
    | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
)
_NOT_REGULAR = [
    (stat.S_ISLNK, "it is a symbolic link; name the file it points to, or remove the link"),
    (stat.S_ISDIR, "it is a folder; name a file inside it"),
    (stat.S_ISFIFO, "it is a named pipe (FIFO), not a regular file"),
    (stat.S_ISCHR, "it is a device, not a regular file"),
    (stat.S_ISBLK, "it is a device, not a regular file"),
    (stat.S_ISSOCK, "it is a socket, not a regular file"),
]


def _error(path: str | os.PathLike[str], reason: str, exists: bool = False) -> Exception:
    # The package's errors live in the model, which imports this module: imported here, late.
    from .model.errors import FileWriteError, OutputExists

    return (OutputExists if exists else FileWriteError)(os.fspath(path), reason)


def check_target(path: str | os.PathLike[str], replace: bool = True) -> os.stat_result | None:
    """Raise the error :func:`write_text` would raise for ``path`` before writing a
    byte; else the ``lstat`` of the regular file there (None if there is none).

    Lets a command refuse before it does any work (``ig map`` runs the analysis
    first), with the same message the write gives.
    """
    raw = os.fspath(path)
    if raw.endswith(("/", os.sep) + ((os.altsep,) if os.altsep else ())):
        raise _error(raw, "the name ends in a folder separator; name a file")
    target = Path(raw)
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    except NotADirectoryError:
        raise _error(raw, "a part of the folder path is a file") from None
    except OSError as exc:
        raise _error(raw, exc.strerror or str(exc)) from None
    if info is not None:
        for test, reason in _NOT_REGULAR:
            if test(info.st_mode):
                raise _error(raw, reason)
        if not replace:
            raise _error(raw, "the file already exists", exists=True)
        return info
    folder = target.parent
    if not folder.is_dir():
        if folder.exists() or any(p.exists() and not p.is_dir() for p in folder.parents):
            raise _error(raw, "a part of the folder path is a file")
        raise _error(raw, f"the folder {folder} does not exist; create it first")
    return None


def _temp_path(target: Path) -> Path:
    return target.with_name(f".{target.name[:_TEMP_NAME_PART]}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


def stale_temp_files(path: str | os.PathLike[str]) -> list[Path]:
    """The temp files a killed write of ``path`` may have left behind (oldest name
    first); removing them is safe when no other write of ``path`` is running.

    >>> import tempfile; folder = Path(tempfile.mkdtemp())
    >>> write_text(folder / "acme.yaml", "x")
    >>> stale_temp_files(folder / "acme.yaml")
    []
    """
    target = Path(path)
    pattern = f".{glob.escape(target.name[:_TEMP_NAME_PART])}.*{TEMP_SUFFIX}"
    return sorted(target.parent.glob(pattern))


def _keep_owner(fd: int, info: os.stat_result) -> None:
    """Give the temp file the replaced file's owner and group where allowed (root
    may; a user may keep a group they belong to); else it stays the writer's."""
    if not hasattr(os, "fchown"):
        return
    mine = os.fstat(fd)
    if (mine.st_uid, mine.st_gid) == (info.st_uid, info.st_gid):
        return
    for uid in (info.st_uid, -1):
        try:
            os.fchown(fd, uid, info.st_gid)
            return
        except OSError:
            continue


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.fsync(fd)


def _put_in_place(temp: Path, target: Path, replace: bool) -> None:
    if replace:
        os.replace(temp, target)
        return
    try:
        os.link(temp, target)  # fails if the name exists, even if it appeared just now
    except FileExistsError:
        raise _error(target, "the file already exists", exists=True) from None
    except OSError:  # a file system without hard links: the best a rename can do
        if os.path.lexists(target):
            raise _error(target, "the file already exists", exists=True) from None
        os.replace(temp, target)
        return
    temp.unlink()


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); not every system can open a folder."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_bytes(path: str | os.PathLike[str], data: bytes, replace: bool = True) -> None:
    """Write ``data`` to ``path`` by the rules in this module's docstring."""
    info = check_target(path, replace)
    target = Path(os.fspath(path))
    temp = _temp_path(target)
    mode = (info.st_mode & 0o777) if info is not None else 0o666
    try:
        fd = os.open(temp, _WRITE_FLAGS, mode)  # the kernel takes the umask off a new file's 0666
    except OSError as exc:
        raise _error(path, exc.strerror or str(exc)) from None
    try:
        try:
            if info is not None:
                if hasattr(os, "fchmod"):
                    os.fchmod(fd, mode)  # exactly the old mode, whatever the umask took off
                _keep_owner(fd, info)
            _write_all(fd, data)
        finally:
            os.close(fd)
        _put_in_place(temp, target, replace)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise _error(path, exc.strerror or str(exc)) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)


def write_text(path: str | os.PathLike[str], text: str, replace: bool = True) -> None:
    """Write ``text`` (UTF-8, newlines as given) to ``path`` by the rules in this
    module's docstring. ``replace=False`` refuses to replace an existing file.

    >>> import tempfile; folder = Path(tempfile.mkdtemp())
    >>> write_text(folder / "plan.md", "# Plan\\n")
    >>> write_text(folder / "plan.md", "# Plan\\n", replace=False)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    influence_graph.model.errors.OutputExists: .../plan.md: cannot write (the file already exists)
    >>> write_text(folder / "missing" / "plan.md", "")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    influence_graph.model.errors.FileWriteError: .../plan.md: cannot write (the folder .../missing does not exist; create it first)
    """
    write_bytes(path, text.encode("utf-8"), replace)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all, replacing a regular file there
    (the name the stores and older callers use; see :func:`write_text`)."""
    write_text(path, text)


def atomic_write_bytes(path: str | os.PathLike[str], content: bytes) -> None:
    """Write ``content`` to ``path`` whole or not at all, replacing a regular file
    there (a workbook, say; see :func:`write_bytes`)."""
    write_bytes(path, content)
