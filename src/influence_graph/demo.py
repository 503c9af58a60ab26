"""``ig demo``: the example account, its analysis and its map, written to a folder."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .analysis import AnalysisResult, analyze
from .model import Account, atomic_write_text, load_account
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


def write_demo(out_dir: str | Path) -> Demo:
    """Copy the example account into ``out_dir`` and write its analysis (JSON) and map (HTML) beside it."""
    from .viz import influence_map

    out = Path(out_dir)
    source = example_path()
    account = load_account(source)
    result = analyze(account, as_of=DEMO_AS_OF)
    account_file = out / source.name
    analysis_file = out / "analysis.json"
    map_file = out / "map.html"
    atomic_write_text(account_file, source.read_text(encoding="utf-8"))
    atomic_write_text(analysis_file, result.to_json() + "\n")
    influence_map(account, result).write_html(map_file)
    return Demo(account, result, account_file, analysis_file, map_file)


__all__ = ["DEMO_AS_OF", "Demo", "write_demo"]
