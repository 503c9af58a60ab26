"""Fuzz the account file path at scale: how many mutated accounts are refused with
every problem placed, how many analyze (with every text output rendered), and how
many do anything else ("unexpected": an exception, or a problem with no place).

    python3 benchmarks/fuzz.py --cases 5000 [--first-seed 0] [--keep DIR]

The cases and the check are the test suite's (tests/mutations.py, run on 1,600
cases by tests/test_fuzz.py). Exits 1 if any case was unexpected, printing the
first ones; ``--keep DIR`` saves those files to reproduce them.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from mutations import case, outcome  # noqa: E402  (after the path is set)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="folder to save the unexpected cases in")
    args = parser.parse_args()
    counts: Counter[str] = Counter()
    unexpected: list[tuple[int, str, bytes, str]] = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for seed in range(args.first_seed, args.first_seed + args.cases):
            suffix, raw = case(seed)
            path = Path(folder) / f"case{seed}{suffix}"
            path.write_bytes(raw)
            kind, detail = outcome(path)
            counts[kind] += 1
            if kind == "unexpected":
                unexpected.append((seed, suffix, raw, detail))
            path.unlink()
    seconds = time.perf_counter() - start
    print(f"cases {args.cases}  refused {counts['refused']}  accepted {counts['accepted']}  "
          f"unexpected {counts['unexpected']}  ({seconds:.0f} s, seeds {args.first_seed}–{args.first_seed + args.cases - 1})")
    for seed, suffix, raw, detail in unexpected[:10]:
        print(f"--- case {seed}{suffix}\n{detail}")
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / f"case{seed}{suffix}").write_bytes(raw)
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
