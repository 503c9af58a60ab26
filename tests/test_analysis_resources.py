"""What an analysis leaves behind: the collector paused while it runs and restored after
(also when it fails), and no graph left for the collector to find afterwards."""
from __future__ import annotations

import gc
from pathlib import Path

import pytest

from builders import generated_account
from influence_graph.analysis import analyze
from influence_graph.model import InfluenceGraphError, load_account

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "huaxin-auto.yaml"


@pytest.fixture
def collector_off():
    """The collector off and empty, so what an analysis leaves is what the next collection finds."""
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    yield
    if was:
        gc.enable()


def test_analysis_frees_its_graphs_without_the_collector(collector_off):
    account = load_account(EXAMPLE)
    gc.collect()
    analyze(account, as_of="2026-11-20")
    # The graphs (their nodes, edges and attribute dicts: thousands of objects for this
    # account) are emptied when the analysis ends; what a collection still finds is a
    # few dozen shells of graphs and views.
    assert gc.collect() < 100


def test_the_collector_is_paused_during_an_analysis_and_restored(monkeypatch):
    import influence_graph.analysis as analysis

    seen = []
    real = analysis.formal_position
    monkeypatch.setattr(analysis, "formal_position", lambda graph: seen.append(gc.isenabled()) or real(graph))
    account = load_account(EXAMPLE)
    assert gc.isenabled()
    analyze(account, as_of="2026-11-20")
    assert seen == [False] and gc.isenabled()
    with pytest.raises(InfluenceGraphError):
        analyze(account, as_of="not a date")
    assert gc.isenabled()


def _blas_threads() -> list[int]:
    from threadpoolctl import threadpool_info

    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def test_a_big_account_keeps_blas_to_one_thread_and_restores_it(monkeypatch):
    import influence_graph.analysis as analysis
    from influence_graph.analysis._shared import ONE_BLAS_THREAD_FROM

    before = _blas_threads()
    seen = []
    real = analysis.formal_position
    monkeypatch.setattr(analysis, "formal_position", lambda graph: seen.append(_blas_threads()) or real(graph))
    analyze(load_account(EXAMPLE), as_of="2026-11-20", confidence=False)
    analyze(generated_account(ONE_BLAS_THREAD_FROM, seed=0), as_of="2026-11-20", confidence=False)
    assert seen[0] == before  # a small account: left as it is
    assert seen[1] and set(seen[1]) == {1}
    assert _blas_threads() == before
