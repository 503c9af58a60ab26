"""What an analysis leaves behind: the collector paused while it runs and restored after
(also when it fails), and no graph left for the collector to find afterwards."""
from __future__ import annotations

import gc
from pathlib import Path

import pytest

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
