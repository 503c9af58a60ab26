"""Why a big analysis keeps BLAS to one thread. Run from the repo root:

    python benchmarks/blas_threads.py                  # 20,000 people, idle machine
    python benchmarks/blas_threads.py --busy 2         # with two busy-looping processes beside it

Times the sparse solves of one analysis (social power, the forecast's settle and reach,
and the confidence analysis' baseline settle) on a synthetic account (generate.py,
seed 0), with BLAS on its default threads and inside the analysis' own limit
(``one_blas_thread``), interleaved, medians of ``--runs``. ``--busy N`` starts N
processes that spin for the whole measurement, as brokerage's worker or another
program would keep a core busy.
"""
from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from generate import synthetic_account  # noqa: E402
from timing import load_average  # noqa: E402

from influence_graph import graph as g  # noqa: E402
from influence_graph.analysis._shared import one_blas_thread  # noqa: E402
from influence_graph.analysis.opinion import OpinionModel  # noqa: E402


def solves(model: OpinionModel) -> float:
    """Seconds for the four solves an analysis makes."""
    n = len(model.people)
    stances = np.linspace(-1.0, 1.0, n)
    start = time.perf_counter()
    model.social_power()
    model.settle(stances)
    model.reach(np.full(n, 1.0 / n))
    model.settle(-stances)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("people", nargs="?", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--busy", type=int, default=0, help="busy-looping processes beside the measurement")
    args = parser.parse_args()
    model = OpinionModel(g.deference_graph(g.account_graph(synthetic_account(args.people, seed=0))))
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)]
    try:
        time.sleep(0.5 if spinners else 0)
        samples: dict[str, list[float]] = {"default threads": [], "one thread": []}
        for _ in range(args.runs + 1):  # the first round warms up
            for label, limit in (("default threads", contextlib.nullcontext), ("one thread", one_blas_thread)):
                with limit() if label == "default threads" else limit(args.people):
                    samples[label].append(solves(model))
    finally:
        for spinner in spinners:
            spinner.kill()
    print(f"{args.people:,} people, {args.busy} busy process(es) beside; load average {load_average()}")
    for label, seconds in samples.items():
        counted = seconds[1:]
        print(f"{label:<16} {statistics.median(counted):7.3f} s  (min {min(counted):.3f}, max {max(counted):.3f})")
    print(f"medians of {args.runs} interleaved runs of the four solves of one analysis")


if __name__ == "__main__":
    main()
