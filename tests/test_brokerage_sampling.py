"""Sampled brokerage against exact brokerage: the stated bound (its formula, checked by
hand), generated accounts of 1,000–3,000 people with sampling forced below its
threshold (the error stays within the bound the sample reached, the top brokers are
the same), the worker processes (the same answer for any number of them), and what
the analysis and `ig analyze` say about the method."""
from __future__ import annotations

import json
import math

import networkx as nx
import pytest

from builders import generated_account
from influence_graph import graph as g
from influence_graph.analysis import brokerage as b
from influence_graph.analysis.brokerage import BROKERAGE_EPSILON, brokerage, error_bound, estimate_brokerage


def synthetic_ties(people: int, seed: int):
    return g.tie_graph(g.account_graph(generated_account(people, seed=seed)))


def top(scores: dict, count: int = 10) -> set:
    return set(sorted(scores, key=lambda p: (-scores[p], p))[:count])


def test_the_bound_by_hand():
    # n = 20,000: steps of 256, 78 looks below n, L = ln(4·n·78/δ); R = n/(n − 1).
    n, k, x = 20_000, 4096, 0.04
    spread, log_term = n / (n - 1), math.log(4 * n * 78 / 0.1)
    hoeffding = spread * math.sqrt(log_term * (1 - (k - 1) / n) / (2 * k))
    a, c = spread * log_term / (3 * k), 2 * spread * log_term / k
    y = x  # the largest brokerage the sample allows: the fixed point of y = x + a + sqrt(a² + c·y)
    for _ in range(200):
        y = x + a + math.sqrt(a * a + c * y)
    bernstein = a + math.sqrt(a * a + c * y)
    assert bernstein < hoeffding  # a large account: Bernstein decides
    assert error_bound(k, n, x) == pytest.approx(bernstein, rel=1e-12)
    # most of a small account: Hoeffding–Serfling decides
    n, k, x = 1_000, 960, 0.08
    log_term = math.log(4 * n * 62 / 0.1)  # steps of 16: 62 looks below n
    assert error_bound(k, n, x) == pytest.approx((n / (n - 1)) * math.sqrt(log_term * (1 - (k - 1) / n) / (2 * k)))
    # the bound grows with the largest estimate and shrinks with the sample
    assert error_bound(4096, 20_000, 0.01) < error_bound(4096, 20_000, 0.04) < error_bound(2048, 20_000, 0.04)


@pytest.mark.parametrize("people, seed", [(1000, 0), (1000, 1), (2000, 2), (3000, 0), (3000, 1)])
def test_sampled_brokerage_is_within_the_bound_and_finds_the_same_top_brokers(people, seed):
    ties = synthetic_ties(people, seed)
    exact = estimate_brokerage(ties, exact=True)
    sampled = estimate_brokerage(ties, exact_up_to=0, jobs=1)
    method = sampled.method
    assert exact.method == {"method": "exact"}
    assert method["method"] == "sampled" and method["sources"] < people and method["epsilon"] == BROKERAGE_EPSILON
    assert method["sources"] % b.sampling_step(people) == 0 and method["bound"] <= method["epsilon"]
    error = max(abs(sampled.scores[p] - exact.scores[p]) for p in exact.scores)
    assert 0 < error <= method["bound"]  # a sample, not the exact answer again, and within its bound
    assert len(top(sampled.scores) & top(exact.scores)) >= 9


def test_a_bound_the_sample_cannot_reach_uses_every_source():
    ties = synthetic_ties(1000, 0)
    strict = estimate_brokerage(ties, exact_up_to=0, epsilon=0.001)
    assert strict.method == {"method": "exact"}
    assert strict.scores == pytest.approx(estimate_brokerage(ties).scores, abs=1e-12)


def test_one_worker_below_two_workers_from_people():
    ties = synthetic_ties(1000, 3)
    for people, jobs, workers in ((1000, 1, 0), (1000, 2, 1), (1000, 3, 1), (1500, 3, 3)):
        run = b.start_brokerage(ties if people == 1000 else synthetic_ties(people, 0), jobs=jobs)
        try:
            assert len(run._workers) == workers
        finally:
            run.close()
    assert b.TWO_WORKERS_FROM == 1500


def test_a_run_closed_before_its_result_leaves_nothing_running():
    import multiprocessing
    import threading

    run = b.start_brokerage(synthetic_ties(1000, 3), jobs=2)
    assert len(run._workers) == 1 and threading.active_count() == 2  # the worker and its collecting thread
    run.close()  # as when the analysis fails before it needs brokerage
    assert threading.active_count() == 1 and not multiprocessing.active_children()
    assert run._answer is None  # the parts it had were not taken for an answer


def test_workers_give_the_same_answer_as_one_process(monkeypatch):
    monkeypatch.setattr(b, "TWO_WORKERS_FROM", 500)  # as many workers as jobs from 500 people
    ties = synthetic_ties(1000, 3)
    alone = estimate_brokerage(ties, jobs=1)
    run = b.start_brokerage(ties, jobs=2)
    assert len(run._workers) == 2  # the parts below really are computed by two processes
    run.close()
    assert estimate_brokerage(ties, jobs=2) == alone  # exact, split in parts: bit for bit
    assert estimate_brokerage(ties, jobs=3) == alone
    sampled = estimate_brokerage(ties, exact_up_to=0, jobs=1)
    assert estimate_brokerage(ties, exact_up_to=0, jobs=2) == sampled
    # and exact in parts equals one igraph call, and NetworkX's exact fractions
    assert alone.scores == pytest.approx(brokerage(ties, compiled=False), abs=1e-12)


def test_small_and_empty_graphs():
    path = nx.path_graph(3)
    nx.set_edge_attributes(path, 1.0, g.DISTANCE)
    assert estimate_brokerage(path) == ({0: 0.0, 1: 1.0, 2: 0.0}, {"method": "exact"})
    assert estimate_brokerage(nx.Graph()) == ({}, {"method": "exact"})
    assert estimate_brokerage(nx.empty_graph(5), exact_up_to=0).method == {"method": "exact"}


def test_the_analysis_says_which_method_and_exact_forces_exact(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from influence_graph.analysis import analyze
    from influence_graph.cli import cli
    from influence_graph.model import save_account

    account = generated_account(1000, seed=0)
    assert analyze(account, as_of="2026-11-20", confidence=False).to_dict()["brokerage_method"] == {"method": "exact"}

    monkeypatch.setattr(b, "EXACT_UP_TO", 100)  # as if 1,000 people were a large account
    sampled = analyze(account, as_of="2026-11-20", confidence=False).to_dict()
    method = sampled["brokerage_method"]
    assert method["method"] == "sampled" and method["people"] == 1000 and method["sources"] < 1000
    assert (method["epsilon"], method["delta"], method["seed"]) == (0.02, 0.1, 0) and method["bound"] <= 0.02
    exact = analyze(account, as_of="2026-11-20", confidence=False, exact=True).to_dict()
    assert exact["brokerage_method"] == {"method": "exact"}
    by_id = {p["id"]: p["brokerage"] for p in exact["people"]}
    assert max(abs(p["brokerage"] - by_id[p["id"]]) for p in sampled["people"]) <= method["bound"] + 1e-6

    path = tmp_path / "big.yaml"
    save_account(account, path)
    for flags, expected in (([], "sampled"), (["--exact"], "exact")):
        run = CliRunner().invoke(cli, ["analyze", str(path), "--format", "json", "--as-of", "2026-11-20", *flags])
        assert run.exit_code == 0, run.output
        assert json.loads(run.output)["brokerage_method"]["method"] == expected


def test_without_fork_the_workers_start_fresh_and_agree(monkeypatch):
    import multiprocessing

    monkeypatch.setattr(b._processes, "can_fork", lambda: False)  # as in a notebook, where threads run
    monkeypatch.setattr(b, "EXACT_UP_TO", 500)  # a "large" account: fresh workers are worth starting
    monkeypatch.setattr(b, "TWO_WORKERS_FROM", 500)
    ties = synthetic_ties(600, 1)
    run = b.start_brokerage(ties, jobs=2)
    try:
        assert len(run._workers) == 2
        answer = run.result()
    finally:
        run.close()
    assert not multiprocessing.active_children()  # closed: no worker left behind
    assert answer == estimate_brokerage(ties, jobs=1)


def _brokerage_in_a_pool_worker(people: int) -> dict:
    return estimate_brokerage(synthetic_ties(people, 2), jobs=2).scores


def test_inside_a_daemonic_pool_worker_it_computes_alone():
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(1) as pool:  # its workers may not have children
        inside = pool.apply(_brokerage_in_a_pool_worker, (600,))
    assert inside == estimate_brokerage(synthetic_ties(600, 2), jobs=1).scores


def test_an_analysis_in_worker_processes_is_the_one_computed_alone(monkeypatch):
    import influence_graph.analysis as analysis

    started = []
    real_start = analysis.start_brokerage
    def start(*args, **kwargs):
        run = real_start(*args, **kwargs)
        started.append(len(run._workers))  # how many processes it started
        return run

    monkeypatch.setattr(analysis, "start_brokerage", start)
    monkeypatch.setattr(b, "TWO_WORKERS_FROM", 500)
    account = generated_account(700, seed=4)
    apart = analysis.analyze(account, as_of="2026-11-20", jobs=2).to_json()
    assert started == [2]  # it really ran apart
    assert apart == analysis.analyze(account, as_of="2026-11-20", jobs=1).to_json()
    assert started == [2, 0]  # and alone


def test_workers_run_at_a_lower_priority_than_the_analysis(monkeypatch):
    import os
    import time

    from influence_graph._processes import WORKER_NICENESS

    ours = os.getpriority(os.PRIO_PROCESS, 0)
    expected = min(19, ours + WORKER_NICENESS)  # the analysis keeps a core to itself when cores are short
    monkeypatch.setattr(b, "TWO_WORKERS_FROM", 500)
    run = b.start_brokerage(synthetic_ties(600, 1), jobs=2)
    try:
        deadline = time.monotonic() + 10
        pids = [process.pid for process, _ in run._workers]
        while any(os.getpriority(os.PRIO_PROCESS, pid) != expected for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.01)  # a worker lowers its own priority as it starts
        assert [os.getpriority(os.PRIO_PROCESS, pid) for pid in pids] == [expected, expected]
        run.result()
    finally:
        run.close()
    assert os.getpriority(os.PRIO_PROCESS, 0) == ours


def test_parts_of_workers_that_die_are_computed_here(monkeypatch):
    monkeypatch.setattr(b, "TWO_WORKERS_FROM", 500)
    ties = synthetic_ties(1000, 5)
    run = b.start_brokerage(ties, jobs=2)
    try:
        for process, _ in run._workers:
            process.kill()  # as the out-of-memory killer would
        answer = run.result()
    finally:
        run.close()
    assert answer == estimate_brokerage(ties, jobs=1)
