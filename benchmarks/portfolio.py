"""How fast is ``ig analyze --all``? Run from the repo root: ``python benchmarks/portfolio.py``.

A local store of ``--accounts`` synthetic accounts (default 200) of ``--people``
people each (default 100; generate.py, one seed per account) is analyzed by the
whole command, ``ig analyze --all --store DIR -o OUT``, with ``--jobs 1`` (one
account after another, in one process) and ``--jobs 2`` (two worker processes),
in turn, medians of ``--runs`` rounds after a warm-up. The ratio serial ÷ jobs 2
is the speed-up from the pool; on a 2-core machine that also runs other work it
cannot reach 2.

``--baseline REF`` (e.g. ``main``) instead runs ``--jobs`` both with this checkout
and with the package at that git revision (its ``cli.py`` and ``src/`` from ``git
archive``), in turn, and prints ours ÷ baseline: a comparison that holds when the
machine is shared, where the absolute seconds do not.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import synthetic_account  # noqa: E402
from timing import baseline_cli, ig_command, interleaved, load_average, run_command  # noqa: E402

from influence_graph.stores import open_store  # noqa: E402

AS_OF = "2026-11-20"


def fill_store(folder: Path, accounts: int, people: int) -> None:
    store = open_store(folder)
    existing = set(store.ids())
    for seed in range(accounts):
        account = synthetic_account(people, seed=seed)
        if account.id not in existing:
            store.save(account)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2, help="the parallel run's --jobs (default 2)")
    parser.add_argument("--keep", type=Path, help="keep the generated store here (and reuse it)")
    parser.add_argument("--baseline", metavar="REF", help="instead: --jobs with ours vs this git revision")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = args.keep or Path(tmp) / "accounts"
        fill_store(store, args.accounts, args.people)
        out = Path(tmp) / "out"

        def whole(jobs: int, cli: Path | None = None):
            args_ = ("analyze", "--all", "--store", str(store), "-o", str(out), "--as-of", AS_OF, "--jobs", str(jobs),
                     "--force")
            command = ig_command(*args_) if cli is None else [sys.executable, str(cli), *args_]
            return lambda: run_command(command)

        if args.baseline:
            compare(args, whole, Path(tmp))
            return
        print(f"{args.accounts} accounts × {args.people} people; medians of {args.runs} runs after a warm-up; "
              f"load average at start {load_average()}")
        samples = interleaved(args.runs, {"serial": whole(1), f"jobs {args.jobs}": whole(args.jobs)})
        serial, parallel = samples["serial"], samples[f"jobs {args.jobs}"]
        print(f"{'':<10} {'wall s':>8} {'per account':>12} {'spread':>7} {'cpu s':>8}")
        for name in ("serial", f"jobs {args.jobs}"):
            s, cpu = samples[name], samples[f"{name} cpu"]
            print(f"{name:<10} {s.median:>8.2f} {s.median / args.accounts * 1000:>9.1f} ms {s.spread:>7.0%} {cpu.median:>8.2f}")
        print(f"speed-up serial ÷ jobs {args.jobs}: {serial.median / parallel.median:.2f}; "
              f"load average at end {load_average()}")


def compare(args, whole, tmp: Path) -> None:
    theirs = whole(args.jobs, baseline_cli(args.baseline, tmp / "baseline"))
    print(f"{args.accounts} accounts × {args.people} people, --jobs {args.jobs}, ours vs {args.baseline}; medians of "
          f"{args.runs} interleaved runs after a warm-up; load average at start {load_average()}")
    samples = interleaved(args.runs, {"ours": whole(args.jobs), args.baseline: theirs})
    print(f"{'':<10} {'wall s':>8} {'spread':>7} {'cpu s':>8}")
    for name in ("ours", args.baseline):
        print(f"{name:<10} {samples[name].median:>8.2f} {samples[name].spread:>7.0%} {samples[name + ' cpu'].median:>8.2f}")
    print(f"ours ÷ {args.baseline}: wall {samples['ours'].median / samples[args.baseline].median:.2f}, "
          f"cpu {samples['ours cpu'].median / samples[args.baseline + ' cpu'].median:.2f}; "
          f"load average at end {load_average()}")


if __name__ == "__main__":
    main()
