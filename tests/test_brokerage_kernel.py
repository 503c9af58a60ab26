"""The compiled bucket-queue kernel (analysis/_brandes.py, Numba) against known answers
(Krackhardt's kite, Padgett's Florentine families, Zachary's karate club), against
NetworkX's exact fractions where float sums of equally long paths differ in the last
digit, and against igraph's weighted betweenness on generated accounts, disconnected
graphs and subsets of sources; and how brokerage picks it."""
from __future__ import annotations

import random
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from influence_graph import graph as g
from influence_graph.analysis import _brandes, _igraph
from influence_graph.analysis import brokerage as b
from influence_graph.analysis.brokerage import brokerage, estimate_brokerage

from test_brokerage_sampling import synthetic_ties


def with_lengths(graph: nx.Graph, lengths=None) -> nx.Graph:
    """``graph`` with ``distance`` on every tie: 1.0, or ``lengths(u, v)``."""
    graph = nx.Graph(graph)
    for u, v in graph.edges():
        graph.edges[u, v][g.DISTANCE] = 1.0 if lengths is None else lengths(u, v)
    return graph


def kernel_and_igraph(ties: nx.Graph, sources: list[int] | None = None) -> tuple[dict, dict]:
    converted, nodes = _igraph.to_igraph(ties, g.DISTANCE)
    sources = list(range(len(nodes))) if sources is None else sources
    arrays = _brandes.tie_arrays(converted, g.DISTANCE)
    ours = arrays.sums(sources)
    theirs = converted.betweenness(weights=g.DISTANCE, directed=False, sources=sources)
    return dict(zip(nodes, ours.tolist())), dict(zip(nodes, theirs))


def test_the_kite_by_hand():
    # Krackhardt (1990): Heather (7) lies between the kite and its tail, Ike (8) between Heather and Jane.
    ours, _ = kernel_and_igraph(with_lengths(nx.krackhardt_kite_graph()))
    expected = {0: 5 / 6, 1: 5 / 6, 2: 0.0, 3: 11 / 3, 4: 0.0, 5: 25 / 3, 6: 25 / 3, 7: 14.0, 8: 8.0, 9: 0.0}
    assert ours == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("graph", [nx.florentine_families_graph(), nx.karate_club_graph()], ids=["florentine", "karate"])
def test_published_networks_match_networkx(graph):
    ties = with_lengths(graph)
    ours, theirs = kernel_and_igraph(ties)
    assert ours == pytest.approx(nx.betweenness_centrality(ties, weight=g.DISTANCE, normalized=False), abs=1e-9)
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-12)


def test_equally_long_paths_whose_float_sums_differ_count_as_equal():
    # s–a–b–t is 1/0.15 + 1/0.5 + 1/0.75 = 10.000000000000002 in floats, s–c–t is 5 + 5 = 10:
    # both are shortest, so each carries half of the pair (s, t), as in exact fractions.
    ties = nx.Graph()
    for u, v, length in [("s", "a", 1 / 0.15), ("a", "b", 1 / 0.5), ("b", "t", 1 / 0.75), ("s", "c", 5.0),
                         ("c", "t", 5.0), ("t", "u", 1.0)]:
        ties.add_edge(u, v, **{g.DISTANCE: length})
    assert 1 / 0.15 + 1 / 0.5 + 1 / 0.75 != 10.0
    ours, theirs = kernel_and_igraph(ties)
    n = len(ties)
    exact = {p: v * (n - 1) * (n - 2) / 2 for p, v in brokerage(ties, compiled=False).items()}
    assert ours == pytest.approx(exact, abs=1e-9) and ours == pytest.approx(theirs, abs=1e-9)
    assert ours["c"] == pytest.approx(1.0)  # half of (s, t) and half of (s, u)


def test_disconnected_people_and_subsets_of_sources_match_igraph():
    ties = nx.disjoint_union(nx.karate_club_graph(), nx.florentine_families_graph())
    ties.add_node("alone")
    rng = random.Random(7)
    ties = with_lengths(ties, lambda u, v: 1 / rng.choice([0.2, 0.25, 0.5, 0.6, 1.0]))  # many equal lengths
    for sources in (None, [0, 5, 33, 40, 48], [len(ties) - 1]):
        ours, theirs = kernel_and_igraph(ties, sources)
        assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("people, seed", [(1000, 0), (3000, 1)])
def test_generated_accounts_match_igraph(people, seed):
    ours, theirs = kernel_and_igraph(synthetic_ties(people, seed), list(range(0, people, 7)))
    assert max(theirs.values()) > 0
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-9)


def test_lengths_too_uneven_for_the_ring_fall_back_to_igraph():
    ties = with_lengths(nx.karate_club_graph(), lambda u, v: 1000.0 if (u + v) % 5 == 0 else 1.0)
    converted, _ = _igraph.to_igraph(ties, g.DISTANCE)
    assert _brandes.tie_arrays(converted, g.DISTANCE) is None  # a ratio of 1,000 > MAX_LENGTH_RATIO
    run = b.start_brokerage(ties, kernel=True)
    try:
        assert isinstance(run.ties, b._IgraphTies)
        answer = run.result()
    finally:
        run.close()
    assert answer.scores == pytest.approx(brokerage(ties, compiled=False), abs=1e-12)
    assert _brandes.tie_arrays(_igraph.to_igraph(nx.empty_graph(3), g.DISTANCE)[0], g.DISTANCE) is None


def test_a_source_outside_the_graph_is_refused():
    arrays = _brandes.tie_arrays(_igraph.to_igraph(with_lengths(nx.path_graph(3)), g.DISTANCE)[0], g.DISTANCE)
    for sources in ([3], [-1]):
        with pytest.raises(IndexError, match="source"):
            arrays.sums(sources)  # the compiled loop would read past its arrays


def test_brokerage_in_workers_with_the_kernel_is_igraphs(monkeypatch):
    monkeypatch.setattr(b, "TWO_WORKERS_FROM", 500)
    ties = synthetic_ties(1000, 3)
    with_igraph = estimate_brokerage(ties, kernel=False, jobs=1)
    run = b.start_brokerage(ties, kernel=True, jobs=2)
    try:
        assert isinstance(run.ties, b._KernelTies) and len(run._workers) == 2
        compiled = run.result()
    finally:
        run.close()
    assert compiled.method == with_igraph.method == {"method": "exact"}
    assert compiled.scores == pytest.approx(with_igraph.scores, rel=1e-12, abs=1e-15)
    sampled = estimate_brokerage(ties, kernel=True, exact_up_to=0, jobs=2)
    assert sampled.method == estimate_brokerage(ties, kernel=False, exact_up_to=0, jobs=1).method  # same sources


def test_the_kernel_is_chosen_from_kernel_from_people(monkeypatch):
    ties = synthetic_ties(600, 1)
    for threshold, chosen in ((601, b._IgraphTies), (600, b._KernelTies)):
        monkeypatch.setattr(b, "KERNEL_FROM", threshold)
        run = b.start_brokerage(ties)
        run.close()
        assert isinstance(run.ties, chosen)
    assert np.all(np.diff(run.ties.arrays.indptr) >= 1)  # everyone here has a tie


def test_without_anywhere_to_keep_numbas_cache_the_kernel_compiles_each_time():
    # Numba's zip-file locator applies to no file here: as if the package were read-only.
    import os
    import subprocess
    import sys

    code = ("import networkx as nx; from influence_graph.analysis import _brandes, _igraph; "
            "g, _ = _igraph.to_igraph(nx.path_graph(3), 'distance'); "
            "print(_brandes.tie_arrays(g, 'distance').sums([0, 1, 2]).tolist())")
    env = {**os.environ, "NUMBA_CACHE_LOCATOR_CLASSES": "numba.core.caching.ZipCacheLocator"}
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[0.0, 1.0, 0.0]"


def test_where_numba_is_installed_but_cannot_be_imported_igraph_computes_it():
    # As when NumPy is newer than Numba supports: `import numba` raises ImportError.
    import os
    import subprocess
    import sys

    code = ("import importlib.abc, importlib.machinery, sys\n"
            "class Refusing(importlib.abc.Loader):\n"
            "    def create_module(self, spec): return None\n"
            "    def exec_module(self, module): raise ImportError('Numba needs NumPy 2.3 or less')\n"
            "class Finder(importlib.abc.MetaPathFinder):\n"
            "    def find_spec(self, name, path, target=None):\n"
            "        return importlib.machinery.ModuleSpec(name, Refusing()) if name == 'numba' else None\n"
            "sys.meta_path.insert(0, Finder())\n"
            "from influence_graph.analysis import brokerage as b\n"
            "assert b._kernel_installed()\n"
            "from test_brokerage_sampling import synthetic_ties\n"
            "ties = synthetic_ties(600, 1)\n"
            "with_kernel = b.estimate_brokerage(ties, kernel=True, jobs=2)\n"
            "assert with_kernel == b.estimate_brokerage(ties, kernel=False, jobs=1)\n"
            "run = b.start_brokerage(ties, kernel=True); run.close()\n"
            "assert isinstance(run.ties, b._KernelTies) and 'numba' not in sys.modules\n"
            "print('same')")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "same"


def test_fresh_workers_without_fork_compute_with_the_kernel(monkeypatch):
    # As in a notebook: forkserver workers get the arrays pickled and import Numba themselves.
    monkeypatch.setattr(b._processes, "can_fork", lambda: False)
    monkeypatch.setattr(b, "EXACT_UP_TO", 500)
    monkeypatch.setattr(b, "TWO_WORKERS_FROM", 500)
    ties = synthetic_ties(600, 2)
    run = b.start_brokerage(ties, jobs=2, kernel=True)
    try:
        assert isinstance(run.ties, b._KernelTies) and len(run._workers) == 2
        answer = run.result()
    finally:
        run.close()
    alone = estimate_brokerage(ties, jobs=1, kernel=False)
    assert answer.method == alone.method
    assert answer.scores == pytest.approx(alone.scores, rel=1e-12, abs=1e-15)
