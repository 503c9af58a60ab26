"""Fuzzing the whole path from file to outputs: seeded mutations of the example
accounts (tests/mutations.py: YAML-tagged values, dangling references, cycles,
duplicates, values past the limits, broken text), each either refused with every
problem placed or analyzed with every text output rendered — never an exception.

Bounded to about 30 s of work in the suite (1,600 cases); ``benchmarks/fuzz.py --cases 5000``
runs the same check on as many cases as asked and prints the figures.
"""
from __future__ import annotations

from collections import Counter

import pytest

from mutations import case, outcome

FIRST_SEED = 100_000  # apart from the seeds tests/test_robustness.py runs through the CLI
CASES, BATCHES = 1600, 16  # about 25 s of work on one core


@pytest.mark.parametrize("batch", range(BATCHES))
def test_every_mutated_account_is_refused_in_place_or_analyzed(tmp_path, batch):
    per_batch = CASES // BATCHES
    outcomes: Counter[str] = Counter()
    unexpected = []
    for seed in range(FIRST_SEED + batch * per_batch, FIRST_SEED + (batch + 1) * per_batch):
        suffix, raw = case(seed)
        path = tmp_path / f"case{seed}{suffix}"
        path.write_bytes(raw)
        kind, detail = outcome(path)
        outcomes[kind] += 1
        if kind == "unexpected":
            unexpected.append(f"case {seed} ({suffix}): {detail}")
        path.unlink()
    assert unexpected == []
    # The mutations must exercise both paths: files the analysis runs on, and files refused.
    assert outcomes["accepted"] >= per_batch // 10 and outcomes["refused"] >= per_batch // 3, outcomes
