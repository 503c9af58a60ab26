"""Sampled brokerage against exact brokerage on generated accounts of 1,000–3,000
people (sampling forced below its threshold): the error stays within the stated
bound and the top brokers are the same."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from influence_graph import graph as g
from influence_graph.analysis.power import BROKERAGE_EPSILON, brokerage, brokerage_method

ROOT = Path(__file__).resolve().parents[1]


def synthetic_ties(people: int, seed: int):
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    return g.tie_graph(g.account_graph(generate.synthetic_account(people, seed=seed)))


def top(scores: dict, count: int = 10) -> set:
    return set(sorted(scores, key=lambda p: (-scores[p], p))[:count])


@pytest.mark.parametrize("people, seed", [(1000, 0), (1000, 1), (2000, 2), (3000, 0), (3000, 1)])
def test_sampled_brokerage_is_within_the_bound_and_finds_the_same_top_brokers(people, seed):
    ties = synthetic_ties(people, seed)
    method = brokerage_method(len(ties), exact_up_to=0)
    assert method["method"] == "sampled" and method["sources"] < people and method["epsilon"] == BROKERAGE_EPSILON
    exact = brokerage(ties, method={"method": "exact"})
    sampled = brokerage(ties, method=method)
    error = max(abs(sampled[p] - exact[p]) for p in exact)
    assert error <= method["epsilon"]
    assert error > 0  # it is a sample, not the exact answer again
    assert len(top(sampled) & top(exact)) >= 9


def test_the_analysis_says_which_method_and_exact_forces_exact(monkeypatch, tmp_path):
    import importlib

    from click.testing import CliRunner

    from influence_graph.analysis import analyze
    from influence_graph.cli import cli
    from influence_graph.model import save_account

    power = importlib.import_module("influence_graph.analysis.power")
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    account = generate.synthetic_account(400, seed=0)
    assert analyze(account, as_of="2026-11-20", confidence=False).to_dict()["brokerage_method"] == {"method": "exact"}

    monkeypatch.setattr(power, "EXACT_UP_TO", 100)  # as if 400 people were a large account
    sampled = analyze(account, as_of="2026-11-20", confidence=False).to_dict()
    method = sampled["brokerage_method"]
    assert method == {"method": "sampled", "sources": power.sample_size(400), "people": 400, "epsilon": 0.02,
                      "delta": 0.1, "seed": 0}
    exact = analyze(account, as_of="2026-11-20", confidence=False, exact=True).to_dict()
    assert exact["brokerage_method"] == {"method": "exact"}
    by_id = {p["id"]: p["brokerage"] for p in exact["people"]}
    assert max(abs(p["brokerage"] - by_id[p["id"]]) for p in sampled["people"]) <= method["epsilon"]

    path = tmp_path / "big.yaml"
    save_account(account, path)
    for flags, expected in (([], "sampled"), (["--exact"], "exact")):
        run = CliRunner().invoke(cli, ["analyze", str(path), "--format", "json", "--as-of", "2026-11-20", *flags])
        assert run.exit_code == 0, run.output
        assert json.loads(run.output)["brokerage_method"]["method"] == expected
