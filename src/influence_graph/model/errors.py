"""The package's errors. Every user mistake becomes one of these, never a traceback."""
from __future__ import annotations

from dataclasses import dataclass


class InfluenceGraphError(Exception):
    """Base of every error influence-graph raises on purpose."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in an account file, located as precisely as the parser knows:
    the item and field (``where``), and the line in a text file or, for a source
    that is not YAML (a CSV file, a workbook), the ``position`` that holds the value
    ("sheet People, row 5, column C (stance)"), printed in place of the line.

    >>> print(Problem("acme.yaml", "people[zhao].stance", "unknown stance 'fan'", 7))
    acme.yaml:7: people[zhao].stance: unknown stance 'fan'
    >>> print(Problem("contacts.csv", "people[li].title", "must not be empty", 7, "line 7, column 3 (Title)"))
    contacts.csv, line 7, column 3 (Title): people[li].title: must not be empty
    """

    file: str
    where: str  # e.g. "people[zhao].stance" or "channels[3]"
    message: str
    line: int | None = None
    position: str | None = None  # e.g. "sheet People, row 5, column C"; printed in place of the line

    def __str__(self) -> str:
        if self.position:
            location = f"{self.file}, {self.position}"
        else:
            location = f"{self.file}:{self.line}" if self.line else self.file
        where = f" {self.where}:" if self.where else ""
        return f"{location}:{where} {self.message}"


class AccountFileError(InfluenceGraphError):
    """An account file (or data) that breaks the format; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.line or 0, p.position or "", p.where, p.message))
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.problems)
        # Name the file in the header too, so every line of the message says where.
        files = {p.file for p in self.problems}
        source = files.pop() if len(files) == 1 else "the account"
        head = f"{count} problem{'s' if count != 1 else ''} in {source}:"
        return "\n".join([head] + [f"  {p}" for p in self.problems])


class FileWriteError(InfluenceGraphError):
    """A file could not be written, or would have replaced something it must not
    (a symbolic link, a device, a folder); nothing was changed."""

    def __init__(self, path: str, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"{path}: cannot write ({reason})")


class OutputExists(FileWriteError):
    """The file exists and the caller did not allow replacing it (``--force``)."""


class StoreError(InfluenceGraphError):
    """A store could not do what was asked (unreachable, not writable, bad credentials)."""


class AccountNotFound(StoreError):
    """No account with that id in the store."""


class StaleWriteError(StoreError):
    """Someone saved the account since it was loaded; saving would lose their work."""


class MergeConflict(StaleWriteError):
    """A stale save could not be merged: both sides changed the same fields.
    ``conflicts`` lists them (:class:`influence_graph.model.merge.Conflict`); nothing was saved."""

    def __init__(self, conflicts: list, headline: str):
        self.conflicts = list(conflicts)
        self.headline = headline
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.conflicts)
        lines = [f"{self.headline} ({count} conflict{'s' if count != 1 else ''}; nothing was saved):"]
        lines += [f"  {c.message}" for c in self.conflicts]
        lines.append("Edit your copy so the two sides agree and merge again, or choose a side with "
                     "--prefer mine|theirs (prefer='mine'|'theirs' in Python).")
        return "\n".join(lines)


class AssumptionError(InfluenceGraphError):
    """A what-if assumption (``--assume ID=STANCE``) naming no person or no valid stance."""
