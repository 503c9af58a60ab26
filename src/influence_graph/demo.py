"""``ig demo``: the example account, its analysis and its map, written to a folder."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ._fs import check_target, write_text
from .analysis import AnalysisResult, analyze
from .model import Account, FileWriteError, load_account
from .resources import example_path

# The example's touches were logged up to this day; analyzing it later would
# only show every follow-up as overdue, so the demo is dated.
DEMO_AS_OF = dt.date(2026, 11, 20)


@dataclass(frozen=True)
class Demo:
    account: Account
    result: AnalysisResult
    account_file: Path
    analysis_file: Path
    map_file: Path


def demo_files(out_dir: str | Path) -> list[Path]:
    """The files :func:`write_demo` writes into ``out_dir``: account, analysis, map."""
    out = Path(out_dir)
    return [out / example_path().name, out / "analysis.json", out / "map.html"]


def write_demo(out_dir: str | Path, replace: bool = True) -> Demo:
    """Copy the example account into ``out_dir`` and write its analysis (JSON) and map
    (HTML) beside it. The folder is created if missing (its parent must exist);
    with ``replace=False`` an existing file there is refused before anything is written."""
    from .viz import influence_map

    out = Path(out_dir)
    account_file, analysis_file, map_file = files = demo_files(out)
    if out.is_dir():
        for path in files:
            check_target(path, replace)
    source = example_path()
    account = load_account(source)
    result = analyze(account, as_of=DEMO_AS_OF)
    try:
        out.mkdir(exist_ok=True)
    except OSError as exc:
        raise FileWriteError(str(out), f"cannot create the folder: {exc.strerror or exc}") from None
    write_text(account_file, source.read_text(encoding="utf-8"), replace)
    write_text(analysis_file, result.to_json() + "\n", replace)
    write_text(map_file, influence_map(account, result).generate_html(), replace)
    return Demo(account, result, account_file, analysis_file, map_file)


__all__ = ["DEMO_AS_OF", "Demo", "demo_files", "write_demo"]
