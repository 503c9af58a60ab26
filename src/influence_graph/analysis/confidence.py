"""How far to trust the key answers: the account's channel strengths and stances
are a seller's estimates, so re-draw them a few hundred times (seeded) and count
how often each answer survives.

Every sample keeps the network's shape and perturbs the numbers: each listening
weight is scaled by a factor drawn from [1 − STRENGTH_SPREAD, 1 + STRENGTH_SPREAD],
each stance moves by up to ±STANCE_SPREAD (±UNKNOWN_STANCE_SPREAD when unknown),
clipped to [−1, 1]. Every sample is re-answered by the same model as the analysis:
real power (social power in the Friedkin–Johnsen model) and the forecast by
batched Jacobi iteration, computed in blocks of samples sized to the account,
each block's samples stacked into one block-diagonal sparse system; the top coach by the coach module's own formula
(:func:`~influence_graph.analysis.coaches.coach_scores`) on re-drawn influence
and stances. Brokerage, access to the decision unit and our relationships are
held fixed (betweenness per sample would cost a full shortest-path run each).
"""
from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp

from .. import graph as g
from .coaches import CoachParts, coach_scores, customer_credibility
from .forecast import support_weights
from .opinion import OpinionModel, influence_matrix, opinion_system, solve, total_effects

SAMPLES = 200
SEED = 0
STRENGTH_SPREAD = 0.5
STANCE_SPREAD = 0.25
UNKNOWN_STANCE_SPREAD = 0.5  # an unknown stance is a guess of 0: wider
_TOL = 1e-10  # largest change per person between iterations, at convergence
_MAX_ITER = 1000
_DIGITS = 3
# Samples computed together: a block's (edges × samples) arrays stay in cache, 2–4x
# faster than all samples at once at 1,000–5,000 people. A block holds about this many
# (edge, sample) values: all 200 samples for a 35-person account, ~25 at 1,000 people.
_BLOCK_VALUES = 125_000
_MIN_BLOCK = 4


def block_size(edges: int, samples: int) -> int:
    """Samples per block for a listening matrix with ``edges`` entries.

    >>> block_size(100, 200), block_size(5_000, 200), block_size(100_000, 200)
    (200, 25, 4)
    """
    return max(_MIN_BLOCK, min(samples, _BLOCK_VALUES // max(edges, 1)))


class _Pattern:
    """The listening matrix's fixed sparsity pattern with the listening weights of every
    sample, one row per sample (``weights``: ``(samples, nnz)``, each sample's values in
    ``listening``'s sorted CSR order). A block of samples runs its Jacobi steps on one
    block-diagonal matrix (:meth:`stacked`): a step for every sample at once is one
    sparse product."""

    def __init__(self, listening: sp.csr_matrix, weights: np.ndarray):
        """``weights`` as :func:`perturbed_samples` draws them, ``(nnz, samples)``."""
        listening = sp.csr_matrix(listening)
        listening.sort_indices()
        n, nnz = listening.shape[0], listening.nnz
        self.n, self.indptr, self.indices = n, listening.indptr, listening.indices
        self.rows = np.repeat(np.arange(n), np.diff(listening.indptr))
        self.cols = listening.indices
        to_rows = sp.csr_matrix((np.ones(nnz), (self.rows, np.arange(nnz))), shape=(n, nnz))
        self.row_sums = np.ascontiguousarray((to_rows @ weights).T)  # (samples, n)
        # A sample's values side by side: a block of samples is a slice of rows, read in one sweep.
        self.weights = np.ascontiguousarray(weights.T)
        # The entries by column, in listening order within a column: the transposed pattern.
        self.by_column = np.argsort(self.cols, kind="stable")
        self.column_ptr = np.concatenate(([0], np.cumsum(np.bincount(self.cols, minlength=n))))
        self._structures: dict[tuple[int, bool], tuple[np.ndarray, np.ndarray]] = {}  # shared by the blocks

    @property
    def samples(self) -> int:
        return self.weights.shape[0]

    def matrix(self, sample: int) -> sp.csr_matrix:
        return sp.csr_matrix((self.weights[sample], self.indices, self.indptr), shape=(self.n, self.n))

    def blocks(self) -> list[tuple[slice, _Pattern]]:
        """The samples in blocks of :func:`block_size` samples, each as a pattern of its own."""
        out = []
        size = block_size(len(self.rows), self.samples)
        for start in range(0, self.samples, size):
            part = slice(start, start + size)
            block = copy.copy(self)
            block.weights, block.row_sums = self.weights[part], self.row_sums[part]
            out.append((part, block))
        return out

    def stacked(self, values: np.ndarray, transposed: bool = False) -> sp.csr_matrix:
        """One ``(n·k, n·k)`` block-diagonal matrix of the ``k`` samples' matrices with these
        entry ``values`` ``(k, nnz)`` (or of their transposes), samples one after another:
        vectors over it hold sample 0's people, then sample 1's, … Each row adds its entries
        in the order of the pattern (by column, transposed), as a scatter-add would."""
        k, nnz = values.shape
        indptr, indices = self._structure(k, transposed)
        data = np.take(values, self.by_column, axis=1) if transposed else values
        return sp.csr_matrix((data.ravel(), indices, indptr), shape=(self.n * k, self.n * k))

    def _structure(self, k: int, transposed: bool) -> tuple[np.ndarray, np.ndarray]:
        """The block-diagonal matrix's ``indptr`` and ``indices`` for ``k`` samples."""
        key = (k, transposed)
        if key not in self._structures:
            nnz = len(self.rows)
            pointers, columns = (self.column_ptr, self.rows[self.by_column]) if transposed else (self.indptr, self.cols)
            dtype = np.int32 if max(nnz, self.n) * k < np.iinfo(np.int32).max else np.int64
            offsets = np.arange(k, dtype=dtype)[:, None]
            indptr = np.append((pointers[:-1].astype(dtype)[None, :] + nnz * offsets).ravel(), dtype(nnz * k))
            indices = (columns.astype(dtype)[None, :] + self.n * offsets).ravel()
            self._structures[key] = indptr, indices
        return self._structures[key]


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
    weights = rng.uniform(1.0 - STRENGTH_SPREAD, 1.0 + STRENGTH_SPREAD, size=(listening.nnz, samples))
    weights *= listening.data[:, None]  # in place: at 20,000 people this array is 150 MB
    spread = np.where(known, STANCE_SPREAD, UNKNOWN_STANCE_SPREAD)[:, None]
    noise = rng.uniform(-1.0, 1.0, size=(len(stances), samples)) * spread
    return weights, np.clip(stances[:, None] + noise, -1.0, 1.0)


def batched_power(pattern: _Pattern, lam: np.ndarray) -> np.ndarray:
    """Social power of every sample's listening weights, ``(people, samples)``: the
    transposed system ``(I − ΛW)ᵀ y = 1/n`` by batched Jacobi iteration (it contracts
    as fast as the forecast's), then ``(I − Λ) y``; a sample that has not converged
    after ``_MAX_ITER`` steps is solved on its own."""
    power = np.empty((pattern.n, pattern.samples))
    for part, block in pattern.blocks():
        power[:, part] = _power_block(block, lam)
    return power


def _jacobi(system: sp.csr_matrix, rhs: np.ndarray, diagonal: np.ndarray, start: np.ndarray,
            tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """Jacobi steps ``x ← (rhs + system·x) / diagonal`` on ``(k, n)`` stacked samples
    (:meth:`_Pattern.stacked`) until no value moves by ``tolerance`` (at most ``_MAX_ITER``):
    the result ``(k, n)`` and each sample's last largest move. The stop is decided over the
    whole block, so every sample of a block takes the same steps."""
    k, n = rhs.shape
    rhs, diagonal = rhs.ravel(), np.ascontiguousarray(diagonal).ravel()
    current = previous = np.ascontiguousarray(start).ravel()
    moved = np.empty_like(current)
    for _ in range(_MAX_ITER):
        previous = current
        current = system @ current
        current += rhs
        current /= diagonal
        np.subtract(current, previous, out=moved)
        if np.abs(moved, out=moved).max() < tolerance:
            break
    change = np.abs(current - previous).reshape(k, n).max(axis=1)
    return current.reshape(k, n), change


def _power_block(pattern: _Pattern, lam: np.ndarray) -> np.ndarray:
    coupling, diagonal = _coupling(pattern, lam)
    rhs = np.full((pattern.samples, pattern.n), 1.0 / pattern.n)
    diagonal = np.broadcast_to(diagonal, rhs.shape)
    tolerance = _TOL / pattern.n  # y is about 1/n: the same relative accuracy as the forecast's
    carry, change = _jacobi(pattern.stacked(coupling, transposed=True), rhs, diagonal, rhs / diagonal, tolerance)
    power = (1.0 - lam)[:, None] * carry.T
    for sample in np.flatnonzero(change >= tolerance):
        power[:, sample] = total_effects(influence_matrix(pattern.matrix(sample), lam), lam)
    return power


def _coupling(pattern: _Pattern, lam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per sample, ``(ΛW)[i, j]`` off the diagonal for each listening entry ``(samples, nnz)``,
    and the diagonal of ``I − ΛW`` ``(n,)``."""
    row_sums = pattern.row_sums
    spread = np.divide((lam * lam)[None, :], row_sums, out=np.zeros_like(row_sums), where=row_sums > 0)
    return np.take(spread, pattern.rows, axis=1) * pattern.weights, 1.0 - lam * (1.0 - lam)


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
    coupling, diagonal = _coupling(pattern, lam)
    rhs = ((1.0 - lam)[:, None] * stances).T
    diagonal = np.broadcast_to(diagonal, rhs.shape)
    settled, change = _jacobi(pattern.stacked(coupling), rhs, diagonal, stances.T, _TOL)
    settled = settled.T.copy()
    for sample in np.flatnonzero(change >= _TOL):
        settled[:, sample] = solve(opinion_system(pattern.matrix(sample), lam), (1.0 - lam) * stances[:, sample])
    return settled


def confidence(
    deference: nx.DiGraph,
    power: Mapping[str, float],
    ranking: Sequence[str],
    coaches: Sequence[Mapping[str, Any]],
    coach_parts: CoachParts | None,
    dmu: Sequence[str],
    samples: int = SAMPLES,
    seed: int = SEED,
    top: int = 5,
    model: OpinionModel | None = None,
) -> dict[str, Any]:
    """How stable the key answers are when strengths and stances are re-drawn.

    Returns ``{samples, seed, perturbation, top_power_holders: [{id, share}], top_coach: {id,
    share, alternatives: [{id, share}]} | None, forecast_sign: {sign, share,
    support_range: [p10, p90]} | None}``: ``share`` is the fraction of samples in
    which the answer holds (a top holder stays in the top ``top``; the top coach
    stays first; the forecast keeps its sign: ``positive``, ``negative`` or ``zero``).
    ``ranking``, ``coaches`` and ``coach_parts`` (:class:`~.coaches.CoachParts`) are
    the unperturbed answers; ``model`` the deference graph's opinion model, if built.

    >>> d = nx.DiGraph(); d.add_nodes_from([("a", {"stance_value": 0.5, "stance_known": True}),
    ...     ("b", {"stance_value": 1.0, "stance_known": True})])
    >>> d.add_edge("b", "a", weight=1.0)  # b listens to a: a holds the power
    >>> c = confidence(d, {"a": 2 / 3, "b": 1 / 3}, ["a", "b"], [], None, ["a"], samples=50, top=1)
    >>> c["top_power_holders"], c["forecast_sign"]["sign"], c["forecast_sign"]["share"]
    ([{'id': 'a', 'share': 1.0}], 'positive', 1.0)
    """
    model = model or OpinionModel(deference)
    people, listening, lam = model.people, model.listening, model.lam
    noise = {"strength": STRENGTH_SPREAD, "stance": STANCE_SPREAD, "unknown_stance": UNKNOWN_STANCE_SPREAD}
    if not people:
        return {"samples": 0, "seed": seed, "perturbation": noise, "top_power_holders": [], "top_coach": None,
                "forecast_sign": None}
    index = model.index
    nodes = [deference.nodes[p] for p in people]
    x0 = np.array([node.get(g.STANCE_VALUE, 0.0) for node in nodes])
    known = np.array([bool(node.get(g.STANCE_KNOWN, False)) for node in nodes])
    weights, stances = perturbed_samples(listening, x0, known, samples, seed)
    pattern = _Pattern(listening, weights)
    del weights  # the pattern keeps its own copy, sample by sample
    sampled_power = batched_power(pattern, lam)
    return {
        "samples": samples,
        "seed": seed,
        "perturbation": noise,
        "top_power_holders": _top_holders(sampled_power, [index[p] for p in ranking[:top]], people),
        "top_coach": _top_coach(sampled_power, stances, coaches, coach_parts, index),
        "forecast_sign": _forecast_sign(pattern, lam, sampled_power, stances, x0, model, power, dmu),
    }


def _share(hits: np.ndarray) -> float:
    return round(float(np.mean(hits)), _DIGITS)


def _top_holders(power: np.ndarray, holders: list[int], people: list[str]) -> list[dict[str, Any]]:
    top = len(holders)
    if top == 0:
        return []
    cutoff = np.partition(power, len(power) - top, axis=0)[len(power) - top]  # the top-th largest per sample
    return [{"id": people[i], "share": _share(power[i] >= cutoff)} for i in holders]


def sampled_standing(power: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For the people at ``rows``, their influence percentile in each sample (as
    :func:`~.coaches.standing`: 1 − the share of the others ranked above, mid-ranks).

    >>> sampled_standing(np.array([[0.5, 0.1], [0.3, 0.3], [0.2, 0.6]]), np.array([0, 2])).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    n = power.shape[0]
    if n < 2:
        return np.ones((len(rows), power.shape[1]))
    ordered = np.sort(power, axis=0)
    out = np.empty((len(rows), power.shape[1]))
    for sample in range(power.shape[1]):
        values = power[rows, sample]
        lower = np.searchsorted(ordered[:, sample], values, side="left")
        equal = np.searchsorted(ordered[:, sample], values, side="right") - lower
        out[:, sample] = 1.0 - (n - lower - equal + 0.5 * (equal - 1)) / (n - 1)
    return out


def _top_coach(power, stances, coaches, parts: CoachParts | None, index) -> dict[str, Any] | None:
    if not coaches or parts is None:
        return None
    confirmed = {c["id"] for c in coaches if c.get("confirmed")}
    scores = dict(zip(parts.people, parts.scores))
    # Today's candidates, in id order so ties go to the first id, as in coach_candidates.
    candidates = sorted({p for p, s in scores.items() if s > 0} | confirmed | {coaches[0]["id"]})
    rows = np.array([index[p] for p in candidates])
    where = {p: i for i, p in enumerate(parts.people)}
    at = np.array([where[p] for p in candidates])  # the same people in the coach parts' order
    # The coach formula itself, on re-drawn influence and stances; access, brokerage and our ties fixed.
    customer = customer_credibility(parts.access[at, None], sampled_standing(power, rows), parts.broker_standing[at, None])
    sampled = coach_scores(customer, parts.us[at, None], np.maximum(stances[rows], 0.0))
    is_confirmed = parts.confirmed[at][:, None]
    keys = np.where(is_confirmed, sampled + 10.0, sampled)  # confirmed coaches rank first
    winners = np.asarray(keys.argmax(axis=0))
    counts = np.bincount(winners, minlength=len(candidates)) / keys.shape[1]
    baseline = candidates.index(coaches[0]["id"])
    others = sorted((i for i in range(len(candidates)) if i != baseline and counts[i] > 0), key=lambda i: (-counts[i], candidates[i]))
    return {
        "id": candidates[baseline],
        "share": round(float(counts[baseline]), _DIGITS),
        "alternatives": [{"id": candidates[i], "share": round(float(counts[i]), _DIGITS)} for i in others[:2]],
    }


def _forecast_sign(pattern, lam, power, stances, x0, model, baseline_power, dmu) -> dict[str, Any] | None:
    people = model.people
    members = [i for i, p in enumerate(people) if p in set(dmu)]
    if not members:
        return None
    settled = batched_settle(pattern, lam, stances)
    dmu_power = np.zeros_like(power)
    dmu_power[members] = power[members]
    support = (dmu_power * settled).sum(axis=0) / dmu_power.sum(axis=0)
    baseline = support_weights(people, baseline_power, dmu) @ model.settle(x0)
    sign = np.sign(np.round(support, 9))
    expected = float(np.sign(round(float(baseline), 9)))
    low, high = np.percentile(support, [10, 90])
    return {
        "sign": {1.0: "positive", -1.0: "negative", 0.0: "zero"}[expected],
        "share": _share(sign == expected),
        "support_range": [round(float(low), _DIGITS), round(float(high), _DIGITS)],
    }
