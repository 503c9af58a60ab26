"""Rows out of a file, whatever a CRM or Excel saved: CSV text in any common
encoding and separator, or an Excel workbook.

A :class:`Sheet` keeps each row's number in the file (the CSV line a record
starts on, or the worksheet row), so every message can point at the cell.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import AccountFileError, Problem

# Separators a CSV export uses: "," by default, ";" where the decimal mark is a comma
# (most of Europe), tab in Excel's "Unicode Text", "|" from some data tools.
SEPARATORS = (",", ";", "\t", "|")
SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls (and other old Office files)
SAVE_AS_UTF8 = "in Excel use File › Save As › 'CSV UTF-8 (Comma delimited) (*.csv)', or save it as .xlsx"
# Among code pages equally likely, the ones Excel saves by default in the West and in China.
PREFERRED_ENCODINGS = ("cp1252", "gb18030")
# Encoding names as Excel's and Windows' save dialogs show them.
ENCODING_NAMES = {
    "utf_8": "UTF-8", "utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "utf-16": "UTF-16", "utf-32": "UTF-32",
    "gb18030": "GB18030", "gbk": "GBK", "gb2312": "GB2312", "big5": "Big5", "cp1252": "Windows-1252",
    "cp1250": "Windows-1250", "cp1251": "Windows-1251", "shift_jis": "Shift JIS", "cp932": "Shift JIS (cp932)",
    "euc_kr": "EUC-KR", "latin_1": "ISO-8859-1",
}


@dataclass
class Sheet:
    """The rows of one table. ``sheet`` is the worksheet's name, None for CSV text."""

    file: str
    sheet: str | None
    rows: list[tuple[int, list[Any]]]  # (line or row number, cell values), blank rows left out
    encoding: str | None = None  # how CSV text was decoded, as people name it
    separator: str | None = None

    def position(self, number: int, column: int | None = None, header: str | None = None) -> str:
        """Where a row (or one of its cells, 0-based ``column``) is, as the user sees the file.

        >>> Sheet("c.csv", None, []).position(7, 2, "Title")
        'line 7, column 3 (Title)'
        >>> Sheet("c.xlsx", "People", []).position(5, 2, "stance")
        'sheet People, row 5, column C (stance)'
        """
        if self.sheet is None:
            text = f"line {number}"
            cell = None if column is None else str(column + 1)
        else:
            text = f"sheet {self.sheet}, row {number}"
            cell = None if column is None else column_letter(column)
        if cell is None:
            return text
        return f"{text}, column {cell}" + (f" ({header})" if header else "")


def column_letter(index: int) -> str:
    """Excel's name of a 0-based column: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _problem(name: str, message: str, position: str | None = None, line: int | None = None) -> AccountFileError:
    return AccountFileError([Problem(name, "", message, line, position)])


def read_bytes(path: Path) -> bytes:
    name = str(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise _problem(name, "no such file") from None
    except IsADirectoryError:
        raise _problem(name, "is a directory, not a file to import") from None
    except OSError as exc:
        raise _problem(name, f"cannot be read: {exc.strerror}") from None


def kind_of(raw: bytes) -> str:
    """"xlsx", "xls" or "text", from the bytes (a CRM's file name is not to be trusted)."""
    if raw.startswith(ZIP_MAGIC):
        return "xlsx"
    if raw.startswith(OLE2_MAGIC):
        return "xls"
    return "text"


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """The text and the name of its encoding: a BOM says it; else UTF-8 if the bytes
    are valid UTF-8; else what charset detection finds (GB18030, Windows-1252 …)."""
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding), ENCODING_NAMES[encoding]
            except UnicodeDecodeError as exc:
                raise _problem(name, f"starts like {ENCODING_NAMES[encoding]} text but byte {exc.start} is not; {SAVE_AS_UTF8}") from None
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in raw[:4096]:
        raise _problem(name, f"is not text (it holds NUL bytes): not a CSV export; {SAVE_AS_UTF8}")
    from charset_normalizer import from_bytes  # ~50 ms to import: only for files that are not UTF-8

    matches = from_bytes(raw)
    best = matches.best()
    if best is None:
        raise _problem(name, f"is not UTF-8 and its text encoding cannot be told; {SAVE_AS_UTF8}")
    # Code pages the detector finds equally likely (German text reads as cleanly in
    # Windows-1250 as in 1252, but "è" becomes "č"): take the one Excel writes most.
    ties = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    for preferred in PREFERRED_ENCODINGS:
        chosen = next((m for m in ties if preferred in m.could_be_from_charset), None)
        if chosen is not None:
            return str(chosen), ENCODING_NAMES.get(preferred, preferred)
    return str(best), ENCODING_NAMES.get(best.encoding, best.encoding)


def _separator(first_line: str) -> str:
    """The separator that splits the header into the most fields (ties: the usual one)."""
    counts = [(len(next(csv.reader([first_line], delimiter=sep), [])), -i, sep) for i, sep in enumerate(SEPARATORS)]
    return max(counts)[2]


def _csv_records(text: str, separator: str, first_line: int) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on (a quoted field may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    start = 1
    for record in reader:
        yield start + first_line - 1, record
        start = reader.line_num + 1


def read_csv(raw: bytes, name: str) -> Sheet:
    """The rows of CSV (or tab-separated) text, decoded and split as the file needs."""
    text, encoding = decode(raw, name)
    text = text.lstrip("\ufeff")
    first_line = 1
    declared = re.match(r"sep=(.)\r?\n", text)  # Excel's own way to name the separator on line 1
    if declared:
        separator = declared.group(1)
        text = text[declared.end():]
        first_line = 2
    else:
        header = next((line for line in text.splitlines() if line.strip()), "")
        separator = _separator(header)
    try:
        rows = [(number, record) for number, record in _csv_records(text, separator, first_line)
                if any(cell.strip() for cell in record)]
    except csv.Error as exc:  # e.g. a NUL inside the text
        raise _problem(name, f"is not readable as CSV ({exc}); {SAVE_AS_UTF8}") from None
    return Sheet(name, None, rows, encoding=encoding, separator=separator)


def open_workbook(path: Path):
    """The workbook at ``path`` (values, not formulas), or a message that it is not one."""
    import zipfile

    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        detail = str(exc).split("\n")[0]
        raise _problem(str(path), f"is not a readable Excel workbook (.xlsx): {detail}") from None


def visible_sheets(workbook) -> list:
    """The worksheets a user sees (Dynamics 365 hides a sheet of its own in exports)."""
    return [ws for ws in workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]


def sheet_rows(worksheet, name: str) -> Sheet:
    """The non-blank rows of a worksheet, with their row numbers."""
    rows = []
    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        cells = list(values)
        if any(value is not None and str(value).strip() for value in cells):
            rows.append((number, cells))
    return Sheet(name, worksheet.title, rows)
