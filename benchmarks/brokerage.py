"""Sampled vs exact brokerage. Run from the repo root: ``python benchmarks/brokerage.py [SIZES…]``.

For generated accounts (see generate.py) prints, per size: how many sources the
sample grew to before its bound held (ε = 0.02, δ = 0.1; sampling forced below its
5,000-person threshold) and the bound it reached, exact and sampled times in one
process and the sampled time with two worker processes (same process, interleaved),
sampled ÷ exact, the largest absolute error against the bound, and how many of the
top 10 brokers agree.

``--kernel [SIZES…]`` (default 5,000, 10,000 and 20,000 people) instead times one
process's dependency sums from the compiled bucket-queue kernel (analysis/_brandes.py)
against igraph's weighted betweenness on the same 200 sources, interleaved over
``--runs`` rounds (medians, after a first call that compiles or loads the kernel),
and prints milliseconds per source, kernel ÷ igraph, and their largest relative
difference.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import synthetic_account  # noqa: E402

from influence_graph import graph as g  # noqa: E402
from influence_graph.analysis import _brandes, _igraph  # noqa: E402
from influence_graph.analysis.brokerage import estimate_brokerage  # noqa: E402


def timed(run):
    start = time.perf_counter()
    value = run()
    return value, time.perf_counter() - start


def top(scores: dict, count: int = 10) -> set:
    return set(sorted(scores, key=lambda p: (-scores[p], p))[:count])


def kernel_against_igraph(sizes: list[int], runs: int) -> None:
    import numpy as np

    print(f"{'people':>7} {'ties':>7} {'kernel ms':>9} {'igraph ms':>9} {'ratio':>6} {'max rel diff':>12}")
    for n in sizes:
        graph, _ = _igraph.to_igraph(g.tie_graph(g.account_graph(synthetic_account(n, seed=0))), g.DISTANCE)
        arrays = _brandes.tie_arrays(graph, g.DISTANCE)
        sources = list(range(0, n, max(1, n // 200)))[:200]
        arrays.sums(sources[:1])  # compiles, or loads Numba's cache
        times: dict[str, list[float]] = {"kernel": [], "igraph": []}
        for _ in range(runs):
            ours, t_ours = timed(lambda: arrays.sums(sources))
            theirs, t_theirs = timed(lambda: graph.betweenness(weights=g.DISTANCE, directed=False, sources=sources))
            times["kernel"].append(t_ours)
            times["igraph"].append(t_theirs)
        theirs = np.asarray(theirs)
        difference = float(np.max(np.abs(ours - theirs) / np.maximum(np.abs(theirs), 1e-300)))
        kernel, igraph_ = (1000 * statistics.median(times[k]) / len(sources) for k in ("kernel", "igraph"))
        print(f"{n:>7,} {graph.ecount():>7,} {kernel:9.2f} {igraph_:9.2f} {kernel / igraph_:6.2f} {difference:12.1e}",
              flush=True)
    print(f"milliseconds per source person, medians of {runs} interleaved rounds; ratio = kernel ÷ igraph")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int)
    parser.add_argument("--seeds", type=int, default=3, help="generated accounts per size")
    parser.add_argument("--kernel", action="store_true", help="time the compiled kernel against igraph instead")
    parser.add_argument("--runs", type=int, default=5, help="with --kernel: rounds (default 5)")
    args = parser.parse_args()
    if args.kernel:
        kernel_against_igraph(args.sizes or [5000, 10000, 20000], args.runs)
        return
    args.sizes = args.sizes or [1000, 2000, 3000]
    print(f"{'people':>7} {'seed':>4} {'sources':>8} {'bound':>7} {'exact s':>8} {'sampled s':>9} {'2 jobs s':>8} "
          f"{'ratio':>6} {'max error':>10} {'top-10':>6}")
    for n in args.sizes:
        for seed in range(args.seeds):
            ties = g.tie_graph(g.account_graph(synthetic_account(n, seed=seed)))
            exact, t_exact = timed(lambda: estimate_brokerage(ties, exact=True, jobs=1))
            sampled, t_sampled = timed(lambda: estimate_brokerage(ties, exact_up_to=0, jobs=1))
            _, t_jobs = timed(lambda: estimate_brokerage(ties, exact_up_to=0, jobs=2))
            method = sampled.method
            if method["method"] != "sampled":
                print(f"{n:>7} {seed:>4}  the bound needs every source: exact")
                continue
            error = max(abs(sampled.scores[p] - exact.scores[p]) for p in exact.scores)
            print(f"{n:>7} {seed:>4} {method['sources']:>8} {method['bound']:7.4f} {t_exact:8.2f} {t_sampled:9.2f} "
                  f"{t_jobs:8.2f} {t_sampled / t_exact:6.2f} {error:10.5f} "
                  f"{len(top(sampled.scores) & top(exact.scores)):>6}", flush=True)
    print("seconds; ratio = sampled / exact, both in one process; top-10 = brokers both put in their top 10")


if __name__ == "__main__":
    main()
