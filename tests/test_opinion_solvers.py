"""The opinion model's two solvers — numpy alone (Jacobi, dense fallback) for accounts
of up to SPARSE_FROM people, scipy's sparse GMRES above — give the same answers: on
the published Friedkin–Johnsen example, on textbook networks, on a generated account
at the threshold; and a small account's `ig analyze` never loads scipy."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from builders import generated_account
from influence_graph import graph as g
from influence_graph.analysis import opinion
from influence_graph.analysis.confidence import _Pattern, batched_power, batched_settle, perturbed_samples
from influence_graph.analysis.opinion import SPARSE_FROM, Listening, OpinionModel, OpinionSystem
from influence_graph.model import dump_account, load_account

ROOT = Path(__file__).resolve().parents[1]
PAPER = ROOT / "tests" / "data" / "friedkin_parsegov_2017.yaml"
TOLERANCE = 1e-10


def deference_of(account) -> nx.DiGraph:
    return g.deference_graph(g.account_graph(account))


def listening_network(graph: nx.Graph, seed: int, susceptibility: float | None = None) -> nx.DiGraph:
    """A textbook network as a deference graph: each tie both ways with a seeded
    weight, seeded susceptibilities (or all ``susceptibility``)."""
    rng = np.random.default_rng(seed)
    deference = nx.DiGraph()
    for node in sorted(graph, key=str):
        lam = susceptibility if susceptibility is not None else float(rng.uniform(0.05, 0.95))
        deference.add_node(str(node), **{g.SUSCEPTIBILITY: lam})
    for u, v in sorted(graph.edges(), key=str):
        deference.add_edge(str(u), str(v), **{g.WEIGHT: float(rng.uniform(0.1, 1.0))})
        deference.add_edge(str(v), str(u), **{g.WEIGHT: float(rng.uniform(0.1, 1.0))})
    return deference


def by_definition(deference: nx.DiGraph) -> tuple[np.ndarray, np.ndarray]:
    """``I − ΛW`` and ``λ`` built densely from the model's definition, not by either solver."""
    people = list(deference)
    a = nx.to_numpy_array(deference, nodelist=people, weight=g.WEIGHT)
    rows = a.sum(axis=1)
    lam = np.array([deference.nodes[p].get(g.SUSCEPTIBILITY, g.DEFAULT_SUSCEPTIBILITY) for p in people])
    lam = np.where(rows > 0, np.minimum(lam, opinion.MAX_SUSCEPTIBILITY), 0.0)
    w = np.diag(1 - lam) + np.divide(lam, rows, out=np.zeros_like(lam), where=rows > 0)[:, None] * a
    return np.eye(len(people)) - np.diag(lam) @ w, lam


TEXTBOOK = {
    "karate club": nx.karate_club_graph(),
    "Florentine families": nx.florentine_families_graph(),
    "Krackhardt kite": nx.krackhardt_kite_graph(),
}


@pytest.mark.parametrize("sparse", [False, True], ids=["numpy", "scipy"])
def test_both_solvers_settle_the_published_example(sparse):
    # Friedkin & Parsegov et al. (2017): initial (25, 25, 75, 85) settles at (60, 60, 75, 75).
    model = OpinionModel(deference_of(load_account(PAPER)), sparse=sparse)
    settled = model.settle(np.array([25.0, 25.0, 75.0, 85.0]) / 100)
    assert [float(f"{x * 100:.3g}") for x in settled] == [60, 60, 75, 75]


@pytest.mark.parametrize("name", TEXTBOOK)
@pytest.mark.parametrize("susceptibility", [None, 0.97, 1.0], ids=["seeded", "slow", "capped"])
def test_both_solvers_agree_with_a_dense_solve_on_textbook_networks(name, susceptibility):
    # λ = 0.97 contracts too slowly for Jacobi (the numpy path solves densely); λ = 1 is capped.
    deference = listening_network(TEXTBOOK[name], seed=len(name), susceptibility=susceptibility)
    system, lam = by_definition(deference)
    n = len(lam)
    x0 = np.random.default_rng(1).uniform(-1, 1, n)
    weights = np.random.default_rng(2).dirichlet(np.ones(n))
    expected_settled = np.linalg.solve(system, (1 - lam) * x0)
    v = np.linalg.solve(system, np.diag(1 - lam))
    for sparse in (False, True):
        model = OpinionModel(deference, sparse=sparse)
        np.testing.assert_allclose(model.settle(x0), expected_settled, rtol=0, atol=TOLERANCE)
        # One transposed solve is wᵀV, and social power the column means of V.
        np.testing.assert_allclose(model.reach(weights), weights @ v, rtol=0, atol=TOLERANCE)
        np.testing.assert_allclose(model.social_power(), v.mean(axis=0), rtol=0, atol=TOLERANCE)
        assert model.social_power().sum() == pytest.approx(1.0, abs=1e-9)  # λ capped near 1: nearly singular


def test_jacobi_hands_a_slowly_contracting_system_to_the_dense_solve():
    slow = OpinionModel(listening_network(TEXTBOOK["Krackhardt kite"], 0, susceptibility=0.97))
    fast = OpinionModel(listening_network(TEXTBOOK["Krackhardt kite"], 0, susceptibility=0.5))
    assert not slow.sparse and not fast.sparse
    rhs = np.ones(len(slow.people))
    assert slow._jacobi(rhs, transposed=False) is None
    np.testing.assert_allclose(slow.solve(rhs, transposed=False), np.linalg.solve(slow._dense_system, rhs),
                               rtol=0, atol=1e-12)
    np.testing.assert_allclose(fast._jacobi(rhs, transposed=True), np.linalg.solve(fast._dense_system.T, rhs),
                               rtol=0, atol=1e-12)


def test_the_solver_is_chosen_by_size():
    account = generated_account(SPARSE_FROM)
    deference = deference_of(account)
    at_threshold = OpinionModel(deference)
    assert len(at_threshold.people) == SPARSE_FROM and not at_threshold.sparse
    deference.add_node("one-more")
    assert OpinionModel(deference).sparse


def test_both_solvers_agree_on_a_generated_account_at_the_threshold():
    deference = deference_of(generated_account(SPARSE_FROM, seed=3))
    numpy_model, scipy_model = OpinionModel(deference, sparse=False), OpinionModel(deference, sparse=True)
    x0 = np.array([deference.nodes[p].get(g.STANCE_VALUE, 0.0) for p in numpy_model.people])
    np.testing.assert_allclose(numpy_model.social_power(), scipy_model.social_power(), rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(numpy_model.settle(x0), scipy_model.settle(x0), rtol=0, atol=TOLERANCE)


def test_a_graph_nobody_listens_in_keeps_every_stance():
    deference = nx.DiGraph()
    deference.add_nodes_from(["a", "b", "c"])
    for sparse in (False, True):
        model = OpinionModel(deference, sparse=sparse)
        np.testing.assert_allclose(model.settle(np.array([0.5, -1.0, 0.0])), [0.5, -1.0, 0.0], rtol=0, atol=1e-15)
        np.testing.assert_allclose(model.social_power(), [1 / 3] * 3, rtol=0, atol=1e-15)
    assert OpinionModel(nx.DiGraph()).social_power().tolist() == []


def test_listening_from_a_graph_equals_the_scipy_matrix():
    deference = listening_network(TEXTBOOK["Florentine families"], 4)
    people = list(deference)
    ours = Listening.of_graph(deference, people)
    np.testing.assert_array_equal(ours.toarray(), nx.to_numpy_array(deference, nodelist=people, weight=g.WEIGHT))
    again = Listening.of(ours.tocsr())
    assert (again.indptr.tolist(), again.indices.tolist(), again.data.tolist()) == (
        ours.indptr.tolist(), ours.indices.tolist(), ours.data.tolist())


@pytest.mark.parametrize("path", [PAPER, ROOT / "examples" / "huaxin-auto.yaml"])
def test_confidence_sums_by_numpy_and_by_scipy_are_the_same_bits(path):
    model = OpinionModel(deference_of(load_account(path)))
    stances = np.linspace(-1, 1, len(model.people))
    weights, drawn = perturbed_samples(model.listening, stances, np.ones(len(stances), bool), samples=40)
    by_numpy, by_scipy = _Pattern(model.listening, weights, sparse=False), _Pattern(model.listening, weights, sparse=True)
    np.testing.assert_array_equal(batched_power(by_numpy, model.lam), batched_power(by_scipy, model.lam))
    np.testing.assert_array_equal(batched_settle(by_numpy, model.lam, drawn), batched_settle(by_scipy, model.lam, drawn))
    # A sample's own solve (the fallback) is the batched answer.
    one = OpinionSystem(by_numpy.matrix(7), model.lam)
    np.testing.assert_allclose(batched_power(by_numpy, model.lam)[:, 7], one.social_power(), rtol=0, atol=1e-9)


NOT_AT_ANALYZE_TIME = ["scipy", "pandas", "pyvis", "IPython", "jinja2", "influence_graph.model.merge"]


def test_analyzing_a_small_account_loads_neither_scipy_nor_notebook_or_map_libraries(tmp_path):
    account_file = tmp_path / "account.yaml"
    account_file.write_text(dump_account(generated_account(300, seed=1)), encoding="utf-8")
    out = tmp_path / "analysis.json"
    script = (
        "import atexit, json, sys\n"
        "from influence_graph.cli import main\n"
        f"atexit.register(lambda: print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{NOT_AT_ANALYZE_TIME!r} or m in {NOT_AT_ANALYZE_TIME!r}))))\n"  # main() ends the process
        f"sys.argv = {['ig', 'analyze', str(account_file), '--as-of', '2026-11-20', '--format', 'json', '-o', str(out)]!r}\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    assert json.loads(done.stdout.splitlines()[-1]) == []
    assert json.loads(out.read_text(encoding="utf-8"))["account"]["id"]
