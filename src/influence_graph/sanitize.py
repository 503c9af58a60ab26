"""User strings made safe for where they are shown: a terminal, Markdown, a CSV cell.

Every name, title and note in an account file is written by someone else (or
exported from a CRM): shown raw, an ESC sequence in a name clears the reader's
screen or hides text, a bidirectional override reorders what a line appears to
say, and a cell starting with ``=`` runs as a formula in a spreadsheet. Every
renderer passes user strings through one of these functions:

- :func:`terminal_text` — the command line's messages and tables: control
  characters written out (``\\x1b``), so a message shows what the file holds;
- :func:`plain_text` — prose a person reads (the briefing, the plan, the map,
  through ``analysis.wording.clean``): control characters become spaces;
  Markdown escaping on top of it is ``report.text.md_text``;
- :func:`csv_cell` — one cell of a CSV file;
- :func:`shorten` — a long text cut to a length, for table cells.

HTML has its own escaping (``html.escape``, markupsafe) and JSON escapes control
characters itself. This module depends on nothing in the package, so every
layer can use it.
"""
from __future__ import annotations

import re
from typing import Any

ELLIPSIS = "…"
# C0 and C1 control characters, DEL, and the invisible bidirectional controls
# (marks, embeddings, overrides, isolates) and line/paragraph separators.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# OWASP's CSV-injection rule: a cell starting with one of these is read as a formula
# (the full-width forms too, which some spreadsheets fold to the ASCII ones).
_FORMULA_START = frozenset("=+-@\t\r＝＋－＠")


def shorten(text: str, limit: int | None) -> str:
    """``text`` cut to at most ``limit`` characters, the last one an ellipsis.

    >>> shorten("Zhao Ming", 6), shorten("Zhao", 6), shorten("Zhao", None)
    ('Zhao …', 'Zhao', 'Zhao')
    """
    if limit is None or len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)] + ELLIPSIS


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: Any, limit: int | None = None, keep_newlines: bool = False) -> str:
    """``text`` as a terminal may show it: every control character written out as
    an escape (``\\x1b``), so none is obeyed; a tab, and a newline unless
    ``keep_newlines``, becomes a space. ``limit`` cuts it first (:func:`shorten`),
    which keeps a table fast on a megabyte-long name.

    >>> terminal_text("Zhao\\x1b[2J Ming\\u202e")
    'Zhao\\\\x1b[2J Ming\\\\u202e'
    >>> terminal_text("two\\r\\nlines\\tand a tab"), terminal_text("a\\nb", keep_newlines=True)
    ('two lines and a tab', 'a\\nb')
    >>> terminal_text("x" * 1_000_000, limit=10)
    'xxxxxxxxx…'
    """
    text = shorten(str(text), limit).replace("\r\n", "\n")

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        if char == "\t" or (char == "\n" and not keep_newlines):
            return " "
        return char if char == "\n" else _escaped(char)

    return CONTROL.sub(replace, text)


def plain_text(text: str) -> str:
    """``text`` with every control character (escape sequences, carriage returns,
    bells, newlines, bidirectional overrides) turned into a space: for outputs a
    person reads as prose — the briefing, the plan, the map (``wording.clean``).

    >>> plain_text("Zhao\\x1b[31m Ming\\u202e\\r\\n")
    'Zhao [31m Ming   '
    """
    return CONTROL.sub(" ", text)


def csv_cell(value: Any) -> Any:
    """A value for a CSV cell that no spreadsheet runs as a formula: text starting
    with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (OWASP's list) gets a
    leading ``'``, which spreadsheets show as text. A carriage return inside becomes
    a newline, which CSV writers quote (a bare one they leave as is, and a
    spreadsheet would start a new row there, its next cell a formula again).
    Numbers and other values stay.

    >>> csv_cell("=cmd|' /C calc'!A0"), csv_cell("@SUM(A1)"), csv_cell("Zhao"), csv_cell(-1)
    ("'=cmd|' /C calc'!A0", "'@SUM(A1)", 'Zhao', -1)
    >>> csv_cell("a\\r=1")
    'a\\n=1'
    """
    if not isinstance(value, str):
        return value
    if value[:1] in _FORMULA_START:
        value = "'" + value
    return value.replace("\r\n", "\n").replace("\r", "\n")
