"""How fast is the analysis? Run from the repo root: ``python benchmarks/analyze.py``.

For synthetic accounts of 100, 1,000 and 5,000 people (see generate.py) prints
our ``brokerage`` and ``influence`` times, the whole ``analyze``, and raw
igraph doing the same measures (weighted betweenness, weighted PageRank) on the
same graphs, with the ratio ours / raw. Times are the best of a few runs.

``--baseline REF`` (e.g. ``main``) also loads the package as it is at that git
revision into this process and times its whole ``analyze`` on the same account,
interleaved with ours, printing ours / baseline.
"""
from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import synthetic_account  # noqa: E402
from timing import best_time  # noqa: E402

from influence_graph import graph as g  # noqa: E402
from influence_graph.analysis import _igraph  # noqa: E402
from influence_graph.analysis.power import brokerage, influence  # noqa: E402

try:
    from influence_graph.analysis import analyze
except ImportError as exc:  # another part of the analysis is missing: time our measures only
    analyze, MISSING = None, exc
else:
    MISSING = None


ROOT = Path(__file__).resolve().parents[1]


def load_baseline(ref: str):
    """``(analyze, parse_account)`` of the package at git revision ``ref``, imported
    under the same name from a temporary copy; the current package is left in place."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "src"], check=True, capture_output=True).stdout
    folder = tempfile.mkdtemp(prefix="ig-baseline-")
    tarfile.open(fileobj=io.BytesIO(archive)).extractall(folder, filter="data")
    ours = {name: sys.modules.pop(name) for name in list(sys.modules) if name.split(".")[0] == "influence_graph"}
    sys.path.insert(0, str(Path(folder) / "src"))
    try:
        from influence_graph.analysis import analyze as old_analyze
        from influence_graph.model import parse_account as old_parse
    finally:
        sys.path.pop(0)
        for name in [n for n in sys.modules if n.split(".")[0] == "influence_graph"]:
            del sys.modules[name]
        sys.modules.update(ours)
    return old_analyze, old_parse


def compare(n_people: int, ref: str, repeats: int) -> tuple[float, float]:
    """Best whole-``analyze`` times, ours and the baseline's, interleaved run by run."""
    import yaml

    from influence_graph.model import dump_account

    old_analyze, old_parse = load_baseline(ref)
    account = synthetic_account(n_people, seed=0)
    old_account = old_parse(yaml.safe_load(dump_account(account)))
    ours = baseline = float("inf")
    for _ in range(repeats):
        ours = min(ours, best_time(lambda: analyze(account, as_of="2026-11-20"), 1))
        baseline = min(baseline, best_time(lambda: old_analyze(old_account, as_of="2026-11-20"), 1))
    return ours, baseline


def measure(n_people: int, repeats: int) -> dict[str, float]:
    account = synthetic_account(n_people, seed=0)
    whole = g.account_graph(account)
    ties, deference = g.tie_graph(whole), g.deference_graph(whole)
    raw_ties, _ = _igraph.to_igraph(ties, g.DISTANCE)
    raw_deference, _ = _igraph.to_igraph(deference, g.WEIGHT)
    times = {
        "people": n_people,
        "ties": ties.number_of_edges(),
        "brokerage": best_time(lambda: brokerage(ties), repeats),
        "raw betweenness": best_time(lambda: raw_ties.betweenness(weights=g.DISTANCE, directed=False), repeats),
        "influence": best_time(lambda: influence(deference), repeats),
        "raw pagerank": best_time(lambda: raw_deference.pagerank(weights=g.WEIGHT, directed=True), repeats),
    }
    if analyze is not None:
        times["analyze"] = best_time(lambda: analyze(account, as_of="2026-11-20"), repeats)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000, 5000])
    parser.add_argument("--baseline", metavar="REF", help="also time analyze at this git revision, same process")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved runs for --baseline")
    args = parser.parse_args()
    if args.baseline:
        print(f"{'people':>7} {'analyze':>9} {args.baseline + ' analyze':>18} {'ratio':>6}")
        for n in args.sizes:
            ours, baseline = compare(n, args.baseline, args.repeats)
            print(f"{n:>7} {ours:9.3f} {baseline:18.3f} {ours / baseline:6.2f}", flush=True)
        print(f"seconds, best of {args.repeats} interleaved runs; ratio = ours / {args.baseline}")
        return
    if MISSING is not None:
        print(f"analyze is not importable ({MISSING}); timing brokerage and influence only")
    influence(g.deference_graph(g.account_graph(synthetic_account(20))))  # import scipy before timing
    header = f"{'people':>7} {'ties':>7} {'brokerage':>10} {'raw btw':>9} {'ratio':>6} {'influence':>10} {'raw pr':>8} {'ratio':>6} {'analyze':>9}"
    print(header)
    for n in args.sizes:
        t = measure(n, repeats=3 if n <= 1000 else 1)
        whole = f"{t['analyze']:9.3f}" if "analyze" in t else f"{'-':>9}"
        print(
            f"{t['people']:>7} {t['ties']:>7} {t['brokerage']:10.3f} {t['raw betweenness']:9.3f} "
            f"{t['brokerage'] / t['raw betweenness']:6.2f} {t['influence']:10.4f} {t['raw pagerank']:8.4f} "
            f"{t['influence'] / t['raw pagerank']:6.2f} {whole}",
            flush=True,
        )
    print("seconds; ratio = ours / raw igraph on the same graph")


if __name__ == "__main__":
    main()
