"""How fast is `ig import`? Run from the repo root: ``python benchmarks/import.py [N]``.

Writes an N-contact Salesforce report (default 5,000; Chinese names, reporting
lines by name, the generator of tests/data/crm) as UTF-8 with BOM, as GB18030
and as an Excel workbook, then times the whole import (decode, layout, ids,
reporting lines, validation into an Account) next to plain pandas reading the
same file (``read_csv``, ``read_excel``) in the same run. Times are the best of
a few runs; the target is under 5 s for 5,000 contacts.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tests" / "data" / "crm"))

import pandas as pd  # noqa: E402
from generate import SALESFORCE_HEADER, csv_text, salesforce_rows  # noqa: E402
from timing import best_time  # noqa: E402

from influence_graph.tables import import_table  # noqa: E402


def write_exports(folder: Path, n: int) -> dict[str, Path]:
    rows = [SALESFORCE_HEADER] + salesforce_rows(n)
    text = csv_text(rows)
    paths = {"CSV, UTF-8 with BOM": folder / "utf8.csv", "CSV, GB18030": folder / "gb18030.csv", "XLSX": folder / "contacts.xlsx"}
    paths["CSV, UTF-8 with BOM"].write_bytes(text.encode("utf-8-sig"))
    paths["CSV, GB18030"].write_bytes(text.encode("gb18030"))
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Contacts")
    for row in rows:
        sheet.append(row)
    workbook.save(paths["XLSX"])
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("contacts", nargs="?", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        paths = write_exports(Path(folder), args.contacts)
        import_table(paths["CSV, UTF-8 with BOM"])  # load the libraries before timing
        print(f"{args.contacts} contacts            ig import   pandas   ratio")
        for label, path in paths.items():
            imported = import_table(path)
            assert len(imported.account.people) == args.contacts and imported.reporting_lines == args.contacts - 1
            ours = best_time(lambda: import_table(path), args.repeats)
            if label == "XLSX":
                baseline = best_time(lambda: pd.read_excel(path, engine="openpyxl"), args.repeats)
            else:
                encoding = "gb18030" if "GB18030" in label else "utf-8-sig"
                baseline = best_time(lambda: pd.read_csv(path, encoding=encoding, dtype=str), args.repeats)
            print(f"{label:<24} {ours:8.3f} s {baseline:7.3f} s {ours / baseline:6.1f}x")


if __name__ == "__main__":
    main()
