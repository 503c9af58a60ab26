"""How fast is the influence map, and how big? Run from the repo root: ``python benchmarks/map.py``.

For synthetic accounts (see generate.py; default 200, 1,000 and 2,000 people)
prints the time to lay out and build the map (``influence_map``), to write the
HTML, the file size, and, when headless chromium is installed, how long the page
takes to load and draw offline (``--dump-dom`` with a virtual time budget, so
this is an upper bound that includes starting the browser). Times are the best
of a few runs; the analysis itself is timed once and not counted.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import synthetic_account  # noqa: E402
from timing import best_time  # noqa: E402

from influence_graph.analysis import analyze  # noqa: E402
from influence_graph.viz import influence_map  # noqa: E402

AS_OF = "2026-11-20"


def browser_seconds(page: Path, expected_nodes: int) -> float | None:
    """Seconds for headless chromium to open the page and draw it, or None without chromium."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return None
    with tempfile.TemporaryDirectory() as profile:
        start = time.perf_counter()
        dom = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--host-resolver-rules=MAP * ~NOTFOUND",
             f"--user-data-dir={profile}", "--virtual-time-budget=10000", "--dump-dom", page.as_uri()],
            capture_output=True, text=True, timeout=300,
        ).stdout
        elapsed = time.perf_counter() - start
    drawn = re.search(r'data-drawn="(\d*)"', dom)
    if not drawn or drawn.group(1) != str(expected_nodes):
        raise RuntimeError(f"{page}: the browser did not draw all {expected_nodes} nodes")
    return elapsed


def measure(n_people: int, repeats: int, folder: Path) -> dict[str, float | None]:
    account = synthetic_account(n_people, seed=0)
    result = analyze(account, as_of=AS_OF)
    network = influence_map(account, result)
    page = folder / f"map-{n_people}.html"
    build = best_time(lambda: influence_map(account, result), repeats)
    write = best_time(lambda: network.write_html(page), repeats)
    return {
        "people": n_people,
        "nodes": len(network.nodes),
        "edges": len(network.edges),
        "build_s": build,
        "write_s": write,
        "size_mb": page.stat().st_size / 1e6,
        "browser_s": browser_seconds(page, len(network.nodes)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[200, 1000, 2000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"{'people':>7} {'nodes':>6} {'edges':>6} {'build s':>8} {'write s':>8} {'MB':>6} {'browser s':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            row = measure(n, args.repeats, Path(tmp))
            browser = "-" if row["browser_s"] is None else f"{row['browser_s']:.2f}"
            print(f"{row['people']:>7} {row['nodes']:>6} {row['edges']:>6} {row['build_s']:>8.2f} "
                  f"{row['write_s']:>8.2f} {row['size_mb']:>6.2f} {browser:>10}")


if __name__ == "__main__":
    main()
