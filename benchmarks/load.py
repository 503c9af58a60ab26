"""Loading an account file (read, parse, validate) against the bare parsers, in the same process.

    python3 benchmarks/load.py [PEOPLE ...]        # default: 1000 5000

For each size, a synthetic account (benchmarks/generate.py) written as YAML and as
JSON; each load is timed REPEATS times, alternating with its baseline, and the
medians are printed with their ratio:

- YAML: ``load_account`` next to ``yaml.load(text, Loader=yaml.CSafeLoader)``
  (libyaml, the garbage collector left on, as a plain call runs it): the parse
  alone, with no validation, no line numbers, no duplicate-key check;
- JSON: ``load_account`` next to ``json.loads(text)``.

And the hand-over when a command loads a small file in a forked process (while it
imports the analysis): the loaded account pickled in the child (``dumps``) and
unpickled by the command (``loads``, all it waits for once the child is done).

Issue 14's target: a 5,000-person YAML account loads in at most 1.5 s.
"""
from __future__ import annotations

import json
import pickle
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import synthetic_account  # noqa: E402

from influence_graph.model import dump_account, load_account  # noqa: E402

REPEATS = 5


def _seconds(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def medians(ours, baseline, repeats: int = REPEATS) -> tuple[float, float]:
    """Median seconds of ``ours`` and of ``baseline``, run alternately."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        times[0].append(_seconds(ours))
        times[1].append(_seconds(baseline))
    return statistics.median(times[0]), statistics.median(times[1])


def main(sizes: list[int]) -> None:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    print(f"median of {REPEATS} runs; baseline: yaml.load with {loader.__name__} / json.loads, same process")
    print(f"{'people':>7}  {'format':<6} {'file MB':>7}  {'load_account':>12}  {'baseline':>8}  {'ratio':>5}"
          f"  {'dumps':>6}  {'loads':>6}")
    with tempfile.TemporaryDirectory() as folder:
        for people in sizes:
            account = synthetic_account(people, seed=0)
            for fmt in ("yaml", "json"):
                path = Path(folder) / f"synthetic-{people}.{fmt}"
                path.write_text(dump_account(account, fmt), encoding="utf-8")
                if fmt == "yaml":
                    def parse(path=path):
                        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
                else:
                    def parse(path=path):
                        return json.loads(path.read_text(encoding="utf-8"))
                assert load_account(path) == account
                ours, baseline = medians(lambda path=path: load_account(path), parse)
                size = path.stat().st_size / 1e6
                pickled = pickle.dumps(account, protocol=pickle.HIGHEST_PROTOCOL)
                dumps, loads = medians(lambda: pickle.dumps(account, protocol=pickle.HIGHEST_PROTOCOL),
                                       lambda: pickle.loads(pickled))
                print(f"{people:>7,}  {fmt:<6} {size:>7.2f}  {ours:>11.3f}s  {baseline:>7.3f}s  {ours / baseline:>5.2f}"
                      f"  {dumps:>5.3f}s  {loads:>5.3f}s")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1000, 5000])
