"""The terminal briefing with a huge name, against the same briefing with the example's names.

    python3 benchmarks/briefing.py [CHARACTERS]       # default: 1,000,000

Renders the briefing (``ig analyze``'s default table) of the example account as
is, and again with its top power holder's name CHARACTERS long (past what a file
may hold, as an account built in code can have it), and prints the medians of
REPEATS runs and their ratio. User text is cut before rich lays it out, so the
huge name costs about nothing; uncut, rich took 43–74 s on this briefing.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from influence_graph.analysis import analyze  # noqa: E402
from influence_graph.model import load_account  # noqa: E402
from influence_graph.report.summary import render_text  # noqa: E402

REPEATS = 5


def median_seconds(run) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(characters: int) -> None:
    account = load_account(ROOT / "examples" / "huaxin-auto.yaml")
    plain_result = analyze(account, as_of="2026-11-20", confidence=False)
    account.person(plain_result.to_dict()["power_ranking"][0]).name = "Z" * characters
    huge_result = analyze(account, as_of="2026-11-20", confidence=False)
    plain = median_seconds(lambda: render_text(plain_result))
    long = median_seconds(lambda: render_text(huge_result))
    print(f"median of {REPEATS}: briefing {plain:.3f} s; with a {characters:,}-character name {long:.3f} s; "
          f"ratio {long / plain:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
