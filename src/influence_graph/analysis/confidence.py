"""How far to trust the key answers: the account's channel strengths and stances
are a seller's estimates, so re-draw them a few hundred times (seeded) and count
how often each answer survives.

Every sample keeps the network's shape and perturbs the numbers: each listening
weight is scaled by a factor drawn from [1 − STRENGTH_SPREAD, 1 + STRENGTH_SPREAD],
each stance moves by up to ±STANCE_SPREAD (±UNKNOWN_STANCE_SPREAD when unknown),
clipped to [−1, 1]. All samples are computed at once on ``(people, samples)``
arrays: PageRank by batched power iteration, the forecast by batched Jacobi
iteration, coach scores by the coach formula's linear parts. Brokerage and our
relationships are held fixed (betweenness per sample would cost a full
shortest-path run each).
"""
from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp

from .. import graph as g
from .coaches import CREDIBILITY_WEIGHT, FAVOUR_WEIGHT
from .forecast import listening_arrays, settle, support_weights
from .power import PAGERANK_DAMPING

SAMPLES = 200
SEED = 0
STRENGTH_SPREAD = 0.5
STANCE_SPREAD = 0.25
UNKNOWN_STANCE_SPREAD = 0.5  # an unknown stance is a guess of 0: wider
_TOL = 1e-10  # largest change per person between iterations, at convergence
_MAX_ITER = 1000
_DIGITS = 3
# Samples computed together: a block's (edges × samples) arrays stay in cache,
# 2–4x faster than all samples at once at 1,000–5,000 people.
_BLOCK = 25


class _Pattern:
    """The listening matrix's fixed sparsity pattern with one weight column per
    sample: products for every sample at once are a gather, a multiply and one
    sparse scatter-add."""

    def __init__(self, listening: sp.csr_matrix, weights: np.ndarray):
        listening = sp.csr_matrix(listening)
        listening.sort_indices()
        n, nnz = listening.shape[0], listening.nnz
        self.n, self.indptr, self.indices = n, listening.indptr, listening.indices
        self.rows = np.repeat(np.arange(n), np.diff(listening.indptr))
        self.cols = listening.indices
        self.weights = weights  # (nnz, samples)
        self.to_rows = sp.csr_matrix((np.ones(nnz), (self.rows, np.arange(nnz))), shape=(n, nnz))
        self.to_cols = sp.csr_matrix((np.ones(nnz), (self.cols, np.arange(nnz))), shape=(n, nnz))
        self.row_sums = self.to_rows @ weights

    def matrix(self, sample: int) -> sp.csr_matrix:
        return sp.csr_matrix((self.weights[:, sample], self.indices, self.indptr), shape=(self.n, self.n))

    def blocks(self) -> list[tuple[slice, _Pattern]]:
        """The samples in blocks of ``_BLOCK`` columns, each as a pattern of its own."""
        out = []
        for start in range(0, self.weights.shape[1], _BLOCK):
            part = slice(start, start + _BLOCK)
            block = copy.copy(self)
            block.weights, block.row_sums = self.weights[:, part], self.row_sums[:, part]
            out.append((part, block))
        return out


def perturbed_samples(
    listening: sp.csr_matrix, stances: np.ndarray, known: np.ndarray, samples: int = SAMPLES, seed: int = SEED
) -> tuple[np.ndarray, np.ndarray]:
    """Per-sample listening weights ``(nnz, samples)`` (in ``listening``'s sorted
    CSR order) and stances ``(people, samples)``; the same for the same seed.

    >>> w, x = perturbed_samples(sp.csr_matrix([[0, 1.0], [0, 0]]), np.array([1.0, 0.0]), np.array([True, False]), 3)
    >>> w.shape, x.shape, bool((w >= 0.5).all() and (w <= 1.5).all()), bool((x <= 1).all())
    ((1, 3), (2, 3), True, True)
    """
    listening = sp.csr_matrix(listening)
    listening.sort_indices()
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1.0 - STRENGTH_SPREAD, 1.0 + STRENGTH_SPREAD, size=(listening.nnz, samples))
    spread = np.where(known, STANCE_SPREAD, UNKNOWN_STANCE_SPREAD)[:, None]
    noise = rng.uniform(-1.0, 1.0, size=(len(stances), samples)) * spread
    return listening.data[:, None] * factors, np.clip(stances[:, None] + noise, -1.0, 1.0)


def batched_pagerank(pattern: _Pattern, alpha: float = PAGERANK_DAMPING) -> np.ndarray:
    """PageRank of every sample's listening weights, as ``nx.pagerank`` defines
    it (uniform teleport; people who listen to no one spread evenly): ``(people, samples)``."""
    return np.hstack([_pagerank_block(block, alpha) for _, block in pattern.blocks()])


def _pagerank_block(pattern: _Pattern, alpha: float) -> np.ndarray:
    n, samples = pattern.n, pattern.weights.shape[1]
    transition = np.divide(pattern.weights, pattern.row_sums[pattern.rows])
    dangling = np.asarray(pattern.to_rows.sum(axis=1)).ravel() == 0
    ranks = np.full((n, samples), 1.0 / n)
    for _ in range(_MAX_ITER):
        previous = ranks
        flow = pattern.to_cols @ (np.take(ranks, pattern.rows, axis=0) * transition)
        ranks = alpha * (flow + ranks[dangling].sum(axis=0) / n) + (1.0 - alpha) / n
        if np.abs(ranks - previous).max() < _TOL:
            break
    return ranks / ranks.sum(axis=0)


def batched_settle(pattern: _Pattern, lam: np.ndarray, stances: np.ndarray) -> np.ndarray:
    """The forecast ``x*`` of every sample, ``(people, samples)``, by Jacobi
    iteration on ``(I − ΛW)x = (I − Λ)x₀`` (it contracts by at most
    ``max λ²/(1 − λ + λ²)`` per step: a third at the default λ = 0.5); a sample
    that has not converged after ``_MAX_ITER`` steps is solved on its own."""
    settled = np.empty_like(stances, dtype=float)
    for part, block in pattern.blocks():
        settled[:, part] = _settle_block(block, lam, stances[:, part])
    return settled


def _settle_block(pattern: _Pattern, lam: np.ndarray, stances: np.ndarray) -> np.ndarray:
    spread = np.divide((lam * lam)[:, None], pattern.row_sums, out=np.zeros_like(pattern.row_sums),
                       where=pattern.row_sums > 0)
    coupling = spread[pattern.rows] * pattern.weights  # (ΛW)[i, j] per sample, off the diagonal
    diagonal = (1.0 - lam * (1.0 - lam))[:, None]
    rhs = (1.0 - lam)[:, None] * stances
    settled = stances.copy()
    for _ in range(_MAX_ITER):
        previous = settled
        settled = (rhs + pattern.to_rows @ (coupling * np.take(settled, pattern.cols, axis=0))) / diagonal
        change = np.abs(settled - previous).max(axis=0)
        if change.max() < _TOL:
            break
    for sample in np.flatnonzero(change >= _TOL):
        settled[:, sample] = settle(pattern.matrix(sample), lam, stances[:, sample])
    return settled


def confidence(
    deference: nx.DiGraph,
    power: Mapping[str, float],
    ranking: Sequence[str],
    coaches: Sequence[Mapping[str, Any]],
    coach_scores: Mapping[str, float],
    dmu: Sequence[str],
    samples: int = SAMPLES,
    seed: int = SEED,
    top: int = 5,
) -> dict[str, Any]:
    """How stable the key answers are when strengths and stances are re-drawn.

    Returns ``{samples, seed, perturbation, top_power_holders: [{id, share}], top_coach: {id,
    share, alternatives: [{id, share}]} | None, forecast_sign: {sign, share,
    support_range: [p10, p90]} | None}``: ``share`` is the fraction of samples in
    which the answer holds (a top holder stays in the top ``top``; the top coach
    stays first; the forecast keeps its sign: ``positive``, ``negative`` or ``zero``).
    ``ranking``, ``coaches`` and ``coach_scores`` are the unperturbed answers.

    >>> d = nx.DiGraph(); d.add_nodes_from([("a", {"stance_value": 0.5, "stance_known": True}),
    ...     ("b", {"stance_value": 1.0, "stance_known": True})])
    >>> d.add_edge("b", "a", weight=1.0)  # b listens to a: a holds the power
    >>> c = confidence(d, {"a": 0.65, "b": 0.35}, ["a", "b"], [], {}, ["a"], samples=50, top=1)
    >>> c["top_power_holders"], c["forecast_sign"]["sign"], c["forecast_sign"]["share"]
    ([{'id': 'a', 'share': 1.0}], 'positive', 1.0)
    """
    people, listening, lam = listening_arrays(deference)
    noise = {"strength": STRENGTH_SPREAD, "stance": STANCE_SPREAD, "unknown_stance": UNKNOWN_STANCE_SPREAD}
    if not people:
        return {"samples": 0, "seed": seed, "perturbation": noise, "top_power_holders": [], "top_coach": None,
                "forecast_sign": None}
    index = {p: i for i, p in enumerate(people)}
    nodes = [deference.nodes[p] for p in people]
    x0 = np.array([node.get(g.STANCE_VALUE, 0.0) for node in nodes])
    known = np.array([bool(node.get(g.STANCE_KNOWN, False)) for node in nodes])
    weights, stances = perturbed_samples(listening, x0, known, samples, seed)
    pattern = _Pattern(listening, weights)
    ranks = batched_pagerank(pattern)
    return {
        "samples": samples,
        "seed": seed,
        "perturbation": noise,
        "top_power_holders": _top_holders(ranks, [index[p] for p in ranking[:top]], people),
        "top_coach": _top_coach(ranks, stances, x0, power, coaches, coach_scores, index),
        "forecast_sign": _forecast_sign(pattern, lam, ranks, stances, x0, listening, power, dmu, people),
    }


def _share(hits: np.ndarray) -> float:
    return round(float(np.mean(hits)), _DIGITS)


def _top_holders(ranks: np.ndarray, holders: list[int], people: list[str]) -> list[dict[str, Any]]:
    top = len(holders)
    if top == 0:
        return []
    cutoff = np.partition(ranks, len(ranks) - top, axis=0)[len(ranks) - top]  # the top-th largest per sample
    return [{"id": people[i], "share": _share(ranks[i] >= cutoff)} for i in holders]


def _top_coach(ranks, stances, x0, power, coaches, coach_scores, index) -> dict[str, Any] | None:
    if not coaches:
        return None
    confirmed = {c["id"] for c in coaches if c.get("confirmed")}
    # Today's candidates, in id order so ties go to the first id, as in coach_candidates.
    candidates = sorted({p for p, s in coach_scores.items() if s > 0} | confirmed | {coaches[0]["id"]})
    rows = np.array([index[p] for p in candidates])
    top_power = max(power.values(), default=0.0) or 1.0
    # The parts of the score that our perturbation does not touch: relationship and access.
    fixed = np.array([coach_scores.get(p, 0.0) for p in candidates]) - FAVOUR_WEIGHT * np.maximum(x0[rows], 0.0) \
        - CREDIBILITY_WEIGHT * np.array([power.get(p, 0.0) for p in candidates]) / top_power
    scores = fixed[:, None] + FAVOUR_WEIGHT * np.maximum(stances[rows], 0.0) \
        + CREDIBILITY_WEIGHT * ranks[rows] / ranks.max(axis=0)
    is_confirmed = np.array([p in confirmed for p in candidates])[:, None]
    # Confirmed coaches rank first; anyone else drops out with a negative stance.
    keys = np.where(is_confirmed, scores + 10.0, np.where(stances[rows] >= 0, scores, -np.inf))
    winners = np.asarray(keys.argmax(axis=0))
    counts = np.bincount(winners, minlength=len(candidates)) / keys.shape[1]
    baseline = candidates.index(coaches[0]["id"])
    others = sorted((i for i in range(len(candidates)) if i != baseline and counts[i] > 0), key=lambda i: (-counts[i], candidates[i]))
    return {
        "id": candidates[baseline],
        "share": round(float(counts[baseline]), _DIGITS),
        "alternatives": [{"id": candidates[i], "share": round(float(counts[i]), _DIGITS)} for i in others[:2]],
    }


def _forecast_sign(pattern, lam, ranks, stances, x0, listening, power, dmu, people) -> dict[str, Any] | None:
    members = [i for i, p in enumerate(people) if p in set(dmu)]
    if not members:
        return None
    settled = batched_settle(pattern, lam, stances)
    dmu_ranks = np.zeros_like(ranks)
    dmu_ranks[members] = ranks[members]
    support = (dmu_ranks * settled).sum(axis=0) / dmu_ranks.sum(axis=0)
    baseline = support_weights(people, power, dmu) @ settle(listening, lam, x0)
    sign = np.sign(np.round(support, 9))
    expected = float(np.sign(round(float(baseline), 9)))
    low, high = np.percentile(support, [10, 90])
    return {
        "sign": {1.0: "positive", -1.0: "negative", 0.0: "zero"}[expected],
        "share": _share(sign == expected),
        "support_range": [round(float(low), _DIGITS), round(float(high), _DIGITS)],
    }
