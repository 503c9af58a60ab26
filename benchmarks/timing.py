"""Timing shared by the benchmark scripts: whole commands and in-process calls, as medians."""
from __future__ import annotations

import io
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def best_time(run: Callable[[], object], repeats: int) -> float:
    """The fastest of ``repeats`` runs, in seconds: the least disturbed by other load."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


@dataclass
class Samples:
    """Seconds of several runs of one thing; the median is the figure to quote."""

    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def spread(self) -> float:
        """(max − min) / median: how noisy the machine was while measuring."""
        return (max(self.seconds) - min(self.seconds)) / self.median if self.median else 0.0


@dataclass(frozen=True)
class Run:
    wall: float  # seconds on the clock
    cpu: float  # user + system seconds of the command and its children (its worker processes)


def timed(run: Callable[[], object]) -> Run:
    """One in-process run: wall seconds and this process's CPU seconds."""
    cpu, start = time.process_time(), time.perf_counter()
    run()
    return Run(time.perf_counter() - start, time.process_time() - cpu)


def ig_command(*args: str) -> list[str]:
    """``ig ARGS`` from this checkout (its ``cli.py`` with its ``src/`` first), not an installed copy."""
    return [sys.executable, str(ROOT / "cli.py"), *args]


def baseline_cli(ref: str, folder: Path) -> Path:
    """The ``cli.py`` of the package at git revision ``ref``, unpacked into ``folder``
    (it puts its own ``src/`` first on the path)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "cli.py", "src"], check=True,
                             capture_output=True).stdout
    tarfile.open(fileobj=io.BytesIO(archive)).extractall(folder, filter="data")
    return folder / "cli.py"


def checkout_env() -> dict[str, str]:
    """This checkout's sources first, with Python's bytecode cache on, as an installed
    package has it (a sandbox's PYTHONDONTWRITEBYTECODE would recompile every module
    on every run: ~0.1 s of each command); the warm-up run writes it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_command(argv: Sequence[str], ok_codes: tuple[int, ...] = (0,)) -> Run:
    """One run of ``argv`` (output discarded); fails loudly on an unexpected exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=checkout_env())
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in ok_codes:
        raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode(errors='replace')[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu)


def interleaved(runs: int, contenders: dict[str, Callable[[], Run]], warmup: int = 1,
                limits: dict[str, int] | None = None) -> dict[str, Samples]:
    """Run each contender in turn (A B C A B C …) so drift in the machine's speed hits all
    alike; each callable returns the :class:`Run` it measured. ``warmup`` rounds are not
    counted; ``limits`` caps the counted runs of a slow contender (it sits out later rounds).
    Wall and CPU seconds come back as ``name`` and ``name cpu``."""
    samples: dict[str, list[float]] = {}
    limits = limits or {}
    for round_ in range(warmup + runs):
        for name, contender in contenders.items():
            if round_ >= warmup + limits.get(name, runs):
                continue
            run = contender()
            if round_ >= warmup:
                samples.setdefault(name, []).append(run.wall)
                samples.setdefault(f"{name} cpu", []).append(run.cpu)
    return {name: Samples(values) for name, values in samples.items()}


def load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"
