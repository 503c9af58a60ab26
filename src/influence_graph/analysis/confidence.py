"""How far to trust the key answers: the account's channel strengths and stances
are a seller's estimates, so re-draw them a few hundred times (seeded) and count
how often each answer survives.

Every sample keeps the network's shape and perturbs the numbers: each listening
weight is scaled by a factor drawn from [1 − STRENGTH_SPREAD, 1 + STRENGTH_SPREAD],
each stance moves by up to ±STANCE_SPREAD (±UNKNOWN_STANCE_SPREAD when unknown),
clipped to [−1, 1]. Every sample is re-answered by the same model as the analysis:
real power (social power in the Friedkin–Johnsen model) and the forecast by
batched Jacobi iteration on ``(people, samples)`` arrays, computed in blocks of
samples sized to the account; the top coach by the coach module's own formula
(:func:`~influence_graph.analysis.coaches.coach_scores`) on re-drawn influence
and stances. Brokerage, access to the decision unit and our relationships are
held fixed (betweenness per sample would cost a full shortest-path run each).
"""
from __future__ import annotations

import copy
import math
import sys
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import networkx as nx
import numpy as np

from .. import graph as g
from .coaches import CoachParts, coach_scores, customer_credibility
from .forecast import support_weights
from .opinion import SPARSE_FROM, Listening, OpinionModel, OpinionSystem, summed

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
    """The listening matrix's fixed sparsity pattern with one weight column per
    sample: products for every sample at once are a gather, a multiply and one
    scatter-add: scipy's sparse product (3–5x faster) above ``SPARSE_FROM`` people
    or when scipy is loaded already (a portfolio loads it once for all its
    accounts), numpy's ``bincount`` otherwise, so a small account does not load
    scipy. Both add the same entries in the same order: the same bits."""

    def __init__(self, listening, weights: np.ndarray, sparse: bool | None = None):
        self.listening = Listening.of(listening)
        self.n, self.rows, self.cols = self.listening.n, self.listening.rows, self.listening.indices
        self.weights = weights  # (nnz, samples)
        if sparse is None:
            sparse = self.n > SPARSE_FROM or "scipy.sparse" in sys.modules
        self._sums = _SparseSums(self) if sparse else _NumpySums(self)
        self.row_sums = self.to_rows(weights)

    def to_rows(self, values: np.ndarray) -> np.ndarray:
        """Per person, the sum of ``values`` (nnz, samples) over the entries of their row."""
        return self._sums.to_rows(values)

    def to_cols(self, values: np.ndarray) -> np.ndarray:
        """Per person, the sum of ``values`` (nnz, samples) over the entries of their column."""
        return self._sums.to_cols(values)

    def matrix(self, sample: int) -> Listening:
        """One sample's listening matrix."""
        return self.listening.with_data(self.weights[:, sample])

    def blocks(self) -> list[tuple[slice, _Pattern]]:
        """The samples in blocks of :func:`block_size` columns, each as a pattern of its own."""
        out = []
        size = block_size(len(self.rows), self.weights.shape[1])
        for start in range(0, self.weights.shape[1], size):
            part = slice(start, start + size)
            block = copy.copy(self)
            block.weights, block.row_sums = self.weights[:, part], self.row_sums[:, part]
            out.append((part, block))
        return out


class _NumpySums:
    """Row and column sums of (nnz, samples) values by one ``bincount`` each over
    flattened (person, sample) bins."""

    def __init__(self, pattern: _Pattern):
        self.n, self.rows, self.cols, self._bins = pattern.n, pattern.rows, pattern.cols, {}

    def _flat(self, people: np.ndarray, samples: int) -> np.ndarray:
        key = (people is self.rows, samples)
        if key not in self._bins:
            self._bins[key] = (people[:, None] * samples + np.arange(samples)).ravel()
        return self._bins[key]

    def _sum(self, people: np.ndarray, values: np.ndarray) -> np.ndarray:
        samples = values.shape[1]
        return summed(self._flat(people, samples), values.ravel(), self.n * samples).reshape(self.n, samples)

    def to_rows(self, values: np.ndarray) -> np.ndarray:
        return self._sum(self.rows, values)

    def to_cols(self, values: np.ndarray) -> np.ndarray:
        return self._sum(self.cols, values)


class _SparseSums:
    """Row and column sums of (nnz, samples) values as scipy sparse products; and a
    block's Jacobi steps as one product with a block-diagonal matrix (:meth:`stacked`)."""

    def __init__(self, pattern: _Pattern):
        import scipy.sparse as sp  # large accounts only: a small one never loads scipy

        n, nnz, entries = pattern.n, len(pattern.rows), np.arange(len(pattern.rows))
        self._sp, self.n, self.nnz = sp, n, nnz
        self._rows = sp.csr_matrix((np.ones(nnz), (pattern.rows, entries)), shape=(n, nnz))
        self._cols = sp.csr_matrix((np.ones(nnz), (pattern.cols, entries)), shape=(n, nnz))
        # The rows' entries, and the columns' (in row order within a column: the transposed pattern).
        self._row_pattern = (self._rows.indptr, pattern.cols)
        self._col_pattern = (self._cols.indptr, pattern.rows[self._cols.indices])
        self._by_column = self._cols.indices
        self._structures: dict[tuple[int, bool], tuple[np.ndarray, np.ndarray]] = {}

    def stacked(self, values: np.ndarray, transposed: bool) -> object:
        """The ``k`` samples' matrices with entry ``values`` ``(nnz, k)`` (or their transposes)
        as one ``(n·k, n·k)`` block-diagonal matrix, samples one after another: its product
        with the samples' vectors end to end is every sample's step at once, each row adding
        its entries in the order :meth:`to_rows` (:meth:`to_cols`) does: the same bits."""
        k = values.shape[1]
        indptr, indices = self._structure(k, transposed)
        data = np.take(values, self._by_column, axis=0) if transposed else values
        return self._sp.csr_matrix((data.T.ravel(), indices, indptr), shape=(self.n * k, self.n * k))

    def _structure(self, k: int, transposed: bool) -> tuple[np.ndarray, np.ndarray]:
        if (k, transposed) not in self._structures:
            pointers, columns = self._col_pattern if transposed else self._row_pattern
            dtype = np.int32 if max(self.nnz, self.n) * k < np.iinfo(np.int32).max else np.int64
            offsets = np.arange(k, dtype=dtype)[:, None]
            indptr = np.append((pointers[:-1].astype(dtype)[None, :] + self.nnz * offsets).ravel(),
                               dtype(self.nnz * k))
            indices = (columns.astype(dtype)[None, :] + self.n * offsets).ravel()
            self._structures[(k, transposed)] = indptr, indices
        return self._structures[(k, transposed)]

    def to_rows(self, values: np.ndarray) -> np.ndarray:
        return self._rows @ values

    def to_cols(self, values: np.ndarray) -> np.ndarray:
        return self._cols @ values


def perturbed_samples(
    listening, stances: np.ndarray, known: np.ndarray, samples: int = SAMPLES, seed: int = SEED
) -> tuple[np.ndarray, np.ndarray]:
    """Per-sample listening weights ``(nnz, samples)`` (in ``listening``'s sorted
    CSR order; a :class:`~.opinion.Listening` or a scipy matrix) and stances
    ``(people, samples)``; the same for the same seed.

    >>> import scipy.sparse as sp
    >>> w, x = perturbed_samples(sp.csr_matrix([[0, 1.0], [0, 0]]), np.array([1.0, 0.0]), np.array([True, False]), 3)
    >>> w.shape, x.shape, bool((w >= 0.5).all() and (w <= 1.5).all()), bool((x <= 1).all())
    ((1, 3), (2, 3), True, True)
    """
    listening = Listening.of(listening)
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1.0 - STRENGTH_SPREAD, 1.0 + STRENGTH_SPREAD, size=(listening.nnz, samples))
    spread = np.where(known, STANCE_SPREAD, UNKNOWN_STANCE_SPREAD)[:, None]
    noise = rng.uniform(-1.0, 1.0, size=(len(stances), samples)) * spread
    factors *= listening.data[:, None]  # in place: 150 MB at 20,000 people
    return factors, np.clip(stances[:, None] + noise, -1.0, 1.0)


def batched_power(pattern: _Pattern, lam: np.ndarray) -> np.ndarray:
    """Social power of every sample's listening weights, ``(people, samples)``: the
    transposed system ``(I − ΛW)ᵀ y = 1/n`` by batched Jacobi iteration (it contracts
    as fast as the forecast's), then ``(I − Λ) y``; a sample that has not converged
    after ``_MAX_ITER`` steps is solved on its own."""
    power = np.empty((pattern.n, pattern.weights.shape[1]))
    for part, block in pattern.blocks():
        power[:, part] = _power_block(block, lam)
    return power


def _power_block(pattern: _Pattern, lam: np.ndarray) -> np.ndarray:
    coupling, diagonal = _coupling(pattern, lam)
    rhs = np.full((pattern.n, pattern.weights.shape[1]), 1.0 / pattern.n)
    tolerance = _TOL / pattern.n  # y is about 1/n: the same relative accuracy as the forecast's
    carry, change = _jacobi(pattern, coupling, rhs, diagonal, rhs / diagonal, tolerance, transposed=True)
    power = (1.0 - lam)[:, None] * carry
    for sample in np.flatnonzero(change >= tolerance):
        power[:, sample] = OpinionSystem(pattern.matrix(sample), lam).social_power()
    return power


def _jacobi(pattern: _Pattern, coupling: np.ndarray, rhs: np.ndarray, diagonal: np.ndarray, start: np.ndarray,
            tolerance: float, transposed: bool) -> tuple[np.ndarray, np.ndarray]:
    """Jacobi steps ``x ← (rhs + C·x) / diagonal`` on a block's ``(people, samples)``
    arrays, ``C`` the samples' ``coupling`` matrices (transposed, for power) until no
    value moves by ``tolerance`` (at most ``_MAX_ITER`` steps): the result and each
    sample's last largest change. With scipy, one block-diagonal product a step
    (:func:`_stacked_jacobi`); else a gather, a multiply and a scatter-add: the same bits."""
    if isinstance(pattern._sums, _SparseSums):
        return _stacked_jacobi(pattern._sums.stacked(coupling, transposed), rhs, diagonal, start, tolerance)
    gather, scatter = (pattern.rows, pattern.to_cols) if transposed else (pattern.cols, pattern.to_rows)
    current = previous = start
    for _ in range(_MAX_ITER):
        previous = current
        current = (rhs + scatter(coupling * np.take(current, gather, axis=0))) / diagonal
        if _largest_move(current, previous) < tolerance:
            break
    return current, np.abs(current - previous).max(axis=0)


def _stacked_jacobi(system, rhs: np.ndarray, diagonal: np.ndarray, start: np.ndarray,
                    tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """The Jacobi steps ``x ← (rhs + S·x) / diagonal`` of a block's ``(people, samples)``
    arrays with ``system`` = :meth:`_SparseSums.stacked` (the samples end to end), until no
    value moves by ``tolerance`` (at most ``_MAX_ITER`` steps): the result ``(people,
    samples)`` and each sample's last largest change. One product a step instead of a
    gather, a multiply and a scatter-add (twice as fast at 10,000 people), the same bits."""
    n, k = rhs.shape
    flat_rhs = np.ascontiguousarray(rhs.T).ravel()
    flat_diagonal = np.ascontiguousarray(np.broadcast_to(diagonal, rhs.shape).T).ravel()
    current = previous = np.ascontiguousarray(start.T).ravel()
    for _ in range(_MAX_ITER):
        previous = current
        current = system @ current
        current += flat_rhs
        current /= flat_diagonal
        if _largest_move(current, previous) < tolerance:
            break
    change = np.abs(current - previous).reshape(k, n).max(axis=1)
    return current.reshape(k, n).T.copy(), change


def _largest_move(current: np.ndarray, previous: np.ndarray) -> float:
    """The largest change of any value in a block, deciding the block's stop: over the
    whole array, not sample by sample (a maximum along the short axis of a (people,
    samples) array costs ten times as much; each sample's own change is taken once, at the end)."""
    return float(np.abs(current - previous).max())


def _coupling(pattern: _Pattern, lam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per sample, ``(ΛW)[i, j]`` off the diagonal for each listening entry, and the diagonal of ``I − ΛW``."""
    spread = np.divide((lam * lam)[:, None], pattern.row_sums, out=np.zeros_like(pattern.row_sums),
                       where=pattern.row_sums > 0)
    return spread[pattern.rows] * pattern.weights, (1.0 - lam * (1.0 - lam))[:, None]


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
    rhs = (1.0 - lam)[:, None] * stances
    settled, change = _jacobi(pattern, coupling, rhs, diagonal, stances.copy(), _TOL, transposed=False)
    for sample in np.flatnonzero(change >= _TOL):
        settled[:, sample] = OpinionSystem(pattern.matrix(sample), lam).settle(stances[:, sample])
    return settled


class Resampled(NamedTuple):
    """Every re-drawn sample's stances, power and forecast, ``(people, samples)``
    arrays in the opinion model's order: what confidence computes before it compares
    anything with the analysis' answers (so it can run while brokerage does)."""

    samples: int
    seed: int
    stances: np.ndarray
    power: np.ndarray
    settled: np.ndarray | None  # None without a decision unit: no forecast to re-draw
    x0: np.ndarray


def resample(
    deference: nx.DiGraph, dmu: Sequence[str], samples: int = SAMPLES, seed: int = SEED,
    model: OpinionModel | None = None,
) -> Resampled:
    """Re-draw strengths and stances ``samples`` times (seeded) and solve each sample:
    its social power and, when someone of ``dmu`` is in the graph, its forecast."""
    model = model or OpinionModel(deference)
    if not model.people:
        nothing = np.zeros((0, samples))
        return Resampled(samples, seed, nothing, nothing, None, np.zeros(0))
    nodes = [deference.nodes[p] for p in model.people]
    x0 = np.array([node.get(g.STANCE_VALUE, 0.0) for node in nodes])
    known = np.array([bool(node.get(g.STANCE_KNOWN, False)) for node in nodes])
    weights, stances = perturbed_samples(model.listening, x0, known, samples, seed)
    pattern = _Pattern(model.listening, weights)
    members = set(dmu)
    settled = batched_settle(pattern, model.lam, stances) if any(p in members for p in model.people) else None
    return Resampled(samples, seed, stances, batched_power(pattern, model.lam), settled, x0)


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
    resampled: Resampled | None = None,
) -> dict[str, Any]:
    """How stable the key answers are when strengths and stances are re-drawn.

    Returns ``{samples, seed, perturbation, top_power_holders: [{id, share}], top_coach: {id,
    share, alternatives: [{id, share}]} | None, forecast_sign: {sign, share,
    support_range: [p10, p90]} | None}``: ``share`` is the fraction of samples in
    which the answer holds (a top holder stays in the top ``top``; the top coach
    stays first; the forecast keeps its sign: ``positive``, ``negative`` or ``zero``).
    ``ranking``, ``coaches`` and ``coach_parts`` (:class:`~.coaches.CoachParts`) are
    the unperturbed answers; ``model`` the deference graph's opinion model, if built;
    ``resampled`` the samples (:func:`resample` of the same graph, ``dmu``, ``samples``
    and ``seed``) if already drawn.

    >>> d = nx.DiGraph(); d.add_nodes_from([("a", {"stance_value": 0.5, "stance_known": True}),
    ...     ("b", {"stance_value": 1.0, "stance_known": True})])
    >>> d.add_edge("b", "a", weight=1.0)  # b listens to a: a holds the power
    >>> c = confidence(d, {"a": 2 / 3, "b": 1 / 3}, ["a", "b"], [], None, ["a"], samples=50, top=1)
    >>> c["top_power_holders"], c["forecast_sign"]["sign"], c["forecast_sign"]["share"]
    ([{'id': 'a', 'share': 1.0}], 'positive', 1.0)
    """
    model = model or OpinionModel(deference)
    people = model.people
    noise = {"strength": STRENGTH_SPREAD, "stance": STANCE_SPREAD, "unknown_stance": UNKNOWN_STANCE_SPREAD}
    if not people:
        return {"samples": 0, "seed": seed, "perturbation": noise, "top_power_holders": [], "top_coach": None,
                "forecast_sign": None}
    drawn = resampled or resample(deference, dmu, samples, seed, model)
    index = model.index
    return {
        "samples": drawn.samples,
        "seed": drawn.seed,
        "perturbation": noise,
        "top_power_holders": _top_holders(drawn.power, [index[p] for p in ranking[:top]], people),
        "top_coach": _top_coach(drawn.power, drawn.stances, coaches, coach_parts, index),
        "forecast_sign": _forecast_sign(drawn, model, power, dmu),
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


def percentiles(values: np.ndarray, at: Sequence[float]) -> list[float]:
    """``np.percentile(values, at)`` (linear interpolation, the same bits) without the
    ``np.unique`` inside it, which loads ``numpy.ma`` (13 ms of a command's start-up).

    >>> percentiles(np.array([3.0, 1.0, 2.0, 4.0]), (10, 50, 90))
    [1.3, 2.5, 3.7]
    """
    ordered = np.sort(values)
    out = []
    for q in at:
        virtual = (len(ordered) - 1) * (q / 100)
        below = math.floor(virtual)
        above, t = min(below + 1, len(ordered) - 1), virtual - below
        a, b = ordered[below], ordered[above]
        # numpy's lerp: from the nearer end, so the result is exact at both ends.
        out.append(float(b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t))
    return out


def _forecast_sign(drawn: Resampled, model: OpinionModel, baseline_power, dmu) -> dict[str, Any] | None:
    people = model.people
    members = [i for i, p in enumerate(people) if p in set(dmu)]
    if not members or drawn.settled is None:
        return None
    power = drawn.power
    dmu_power = np.zeros_like(power)
    dmu_power[members] = power[members]
    support = (dmu_power * drawn.settled).sum(axis=0) / dmu_power.sum(axis=0)
    baseline = support_weights(people, baseline_power, dmu) @ model.settle(drawn.x0)
    sign = np.sign(np.round(support, 9))
    expected = float(np.sign(round(float(baseline), 9)))
    low, high = percentiles(support, (10, 90))
    return {
        "sign": {1.0: "positive", -1.0: "negative", 0.0: "zero"}[expected],
        "share": _share(sign == expected),
        "support_range": [round(float(low), _DIGITS), round(float(high), _DIGITS)],
    }
