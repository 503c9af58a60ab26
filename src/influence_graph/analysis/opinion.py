"""The Friedkin–Johnsen influence model that real power and the forecast share.

In the form of Parsegov, Proskurnikov, Tempo & Friedkin (IEEE TAC 62(5), 2017)::

    x* = V x₀,    V = (I − ΛW)⁻¹ (I − Λ)

``x₀`` the stances, ``Λ = diag(λ)`` the susceptibilities, and row ``i`` of ``W``
weight ``1 − λᵢ`` on person ``i`` and ``λᵢ`` spread over the people ``i`` listens
to in proportion to the listening weight (the ``deference_graph``); a person who
listens to no one keeps their stance (``λᵢ = 0``). ``V`` is row-stochastic and
non-negative: ``V[i, j]`` is the share of ``i``'s settled opinion that comes
from ``j``'s own view.

**Social power** (Friedkin 1991, "total effects centrality") is the column mean of
``V``: the share of everyone's settled opinion that comes from each person. It
sums to 1. With ``y`` solving ``(I − ΛW)ᵀ y = 1/n``, power is ``(I − Λ) y``: the
forecast's transposed solve with uniform weights. :class:`OpinionModel` builds
the system once and answers both; no inverse is ever formed.

Two solvers, one answer (within ``_RTOL``): an account of up to ``SPARSE_FROM``
people is solved with numpy alone (Jacobi iteration over the listening entries,
a dense solve where it would contract too slowly), so a command on a small
account never loads scipy, whose import costs more than the whole solve of a
1,000-person account; a larger one by scipy's sparse GMRES.
"""
from __future__ import annotations

import math
from functools import cached_property
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

from .. import graph as g

if TYPE_CHECKING:
    import scipy.sparse as sp

# A fully susceptible closed group (λ = 1, listening only to each other) makes
# I − ΛW singular; capping λ just below 1 settles such a group at a weighted
# mean of its own stances instead.
MAX_SUSCEPTIBILITY = 1.0 - 1e-6
_RTOL = 1e-12  # relative residual of the iterative solve
_RESTART, _MAX_RESTARTS = 50, 40
# Up to this many people the model is solved by numpy alone. Jacobi costs a few dozen
# listening-sized products (about 2 ms at 1,000 people, where loading scipy's solver
# costs 250 ms); its dense fallback, for a slowly contracting system, grows as n³
# (25 ms at 1,000 people, 0.2 s at 2,000).
SPARSE_FROM = 2_000
# Jacobi stops when a step changes no value by more than this (relative to the
# largest); the error left is at most q / (1 − q) times that, q the contraction.
_JACOBI_RTOL = 1e-14
_JACOBI_MAX_STEPS = 400  # beyond this (q above ~0.92) the dense solve is faster


def _sparse():
    """scipy.sparse and scipy.sparse.linalg, imported on first use (large accounts only)."""
    import scipy.sparse
    import scipy.sparse.linalg

    return scipy.sparse, scipy.sparse.linalg


def summed(bins: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """``out[k]``: the sum of ``values`` over the entries where ``bins`` is ``k``, as floats.

    >>> summed(np.array([0, 2, 0]), np.array([1.0, 2.0, 3.0]), 3).tolist(), summed(np.array([], int), np.array([]), 2).tolist()
    ([4.0, 0.0, 2.0], [0.0, 0.0])
    """
    return np.bincount(bins, weights=values, minlength=size).astype(float, copy=False)  # int when nothing to sum


class Listening:
    """The listening matrix ``A`` in compressed rows (numpy arrays, each row's
    columns in order): what both solvers and the confidence samples are built from.

    >>> A = Listening.of_graph(nx.DiGraph([("b", "a")]), ["a", "b"])
    >>> A.toarray().tolist(), A.rows.tolist(), A.indices.tolist(), A.row_sums().tolist()
    ([[0.0, 0.0], [1.0, 0.0]], [1], [0], [0.0, 1.0])
    """

    def __init__(self, n: int, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray):
        self.n, self.shape, self.nnz = n, (n, n), len(data)
        self.indptr, self.indices, self.data = indptr, indices, data
        self.rows = np.repeat(np.arange(n), np.diff(indptr))

    @classmethod
    def of_graph(cls, deference: nx.DiGraph, people: list[str]) -> Listening:
        """``A[i, j]``: the ``weight`` (default 1) of edge ``people[i] -> people[j]``."""
        index = {p: i for i, p in enumerate(people)}
        indptr, indices, data = [0], [], []
        adjacency = deference.adj
        for person in people:
            row = sorted((index[other], attrs.get(g.WEIGHT, 1)) for other, attrs in adjacency[person].items())
            indices += [j for j, _ in row]
            data += [w for _, w in row]
            indptr.append(len(indices))
        return cls(len(people), np.array(indptr), np.array(indices, dtype=np.intp), np.array(data, dtype=float))

    @classmethod
    def of(cls, matrix) -> Listening:
        """``matrix`` (a :class:`Listening` or a scipy sparse matrix) as a :class:`Listening`."""
        if isinstance(matrix, Listening):
            return matrix
        csr = matrix.tocsr(copy=True)
        csr.sum_duplicates()
        csr.sort_indices()
        return cls(csr.shape[0], csr.indptr.astype(np.intp), csr.indices.astype(np.intp), csr.data.astype(float))

    def with_data(self, data: np.ndarray) -> Listening:
        """The same pattern with other weights (in this matrix's entry order)."""
        return Listening(self.n, self.indptr, self.indices, np.asarray(data, dtype=float))

    def row_sums(self) -> np.ndarray:
        return summed(self.rows, self.data, self.n)

    def toarray(self) -> np.ndarray:
        dense = np.zeros(self.shape)
        np.add.at(dense, (self.rows, self.indices), self.data)
        return dense

    def tocsr(self) -> sp.csr_matrix:
        sparse, _ = _sparse()
        return sparse.csr_matrix((self.data, self.indices, self.indptr), shape=self.shape)


def susceptibilities(deference: nx.DiGraph, people: list[str], row_sums: np.ndarray) -> np.ndarray:
    """The effective ``λ``: each person's susceptibility, capped below 1, and 0 for
    anyone who listens to no one."""
    lam = np.array([deference.nodes[p].get(g.SUSCEPTIBILITY, g.DEFAULT_SUSCEPTIBILITY) for p in people], dtype=float)
    return np.where(row_sums > 0, np.minimum(lam, MAX_SUSCEPTIBILITY), 0.0)




def listening_arrays(deference: nx.DiGraph) -> tuple[list[str], sp.csr_matrix, np.ndarray]:
    """People (graph order), the listening matrix ``A`` (``A[i, j]``: how much
    ``i`` listens to ``j``, the ``weight`` of edge ``i -> j``) as a scipy matrix,
    and the effective susceptibilities ``λ`` (0 for anyone who listens to no one).

    >>> d = nx.DiGraph(); d.add_node("a", susceptibility=0.5)
    >>> d.add_edge("b", "a", weight=0.8); d.nodes["b"]["susceptibility"] = 0.3
    >>> people, A, lam = listening_arrays(d)
    >>> people, A.toarray().tolist(), lam.tolist()
    (['a', 'b'], [[0.0, 0.0], [0.8, 0.0]], [0.0, 0.3])
    """
    people = list(deference)
    listening = Listening.of_graph(deference, people)
    return people, listening.tocsr(), susceptibilities(deference, people, listening.row_sums())


def influence_matrix(listening: sp.csr_matrix | Listening, lam: np.ndarray) -> sp.csr_matrix:
    """``W = diag(1 − λ) + diag(λ / rowsum(A)) A``: row-stochastic where anyone listens.

    >>> import scipy.sparse as sp
    >>> influence_matrix(sp.csr_matrix([[0.0, 2.0], [0.0, 0.0]]), np.array([0.5, 0.0])).toarray().tolist()
    [[0.5, 0.5], [0.0, 1.0]]
    """
    sparse, _ = _sparse()
    if isinstance(listening, Listening):
        listening = listening.tocsr()
    row_sums = np.asarray(listening.sum(axis=1)).ravel()
    spread = np.divide(lam, row_sums, out=np.zeros_like(lam), where=row_sums > 0)
    return sparse.csr_matrix(sparse.diags(1.0 - lam) + sparse.diags(spread) @ listening)


def opinion_system(listening: sp.csr_matrix | Listening, lam: np.ndarray) -> sp.csc_matrix:
    """``I − ΛW`` for listening matrix ``A`` and susceptibilities ``λ`` (``W`` as
    :func:`influence_matrix` builds it).

    >>> import scipy.sparse as sp
    >>> opinion_system(sp.csr_matrix([[0.0, 1.0], [0.0, 0.0]]), np.array([0.5, 0.0])).toarray().tolist()
    [[0.75, -0.25], [0.0, 1.0]]
    """
    return system_of(influence_matrix(listening, lam), lam)


def system_of(weights: sp.spmatrix, lam: np.ndarray) -> sp.csc_matrix:
    """``I − ΛW`` for any influence matrix ``W``."""
    sparse, _ = _sparse()
    return sparse.csc_matrix(sparse.identity(len(lam), format="csc") - sparse.diags(lam) @ weights)


def spread(row_sums: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """``λᵢ² / rowsum(A)ᵢ``: row ``i`` of ``ΛW`` off the diagonal is this times ``A[i]``."""
    return np.divide(lam * lam, row_sums, out=np.zeros_like(lam), where=row_sums > 0)


def solve(system: sp.csc_matrix, rhs: np.ndarray) -> np.ndarray:
    """``system⁻¹ rhs`` for a sparse system ``I − ΛW`` or its transpose. GMRES first:
    the system is diagonally dominant, so it converges in a few dozen products, where
    an LU of a well-connected account fills in (1.5 s at 5,000 people vs 1 ms);
    the LU is the fallback when GMRES does not reach the tolerance.

    >>> import scipy.sparse as sp
    >>> solve(sp.csc_matrix([[2.0, 0.0], [1.0, 1.0]]), np.array([2.0, 3.0])).round(12).tolist()
    [1.0, 2.0]
    """
    rhs = np.asarray(rhs, dtype=float)
    if rhs.size == 0 or not rhs.any():
        return np.zeros_like(rhs)
    sparse, linalg = _sparse()
    solution, info = linalg.gmres(system, rhs, rtol=_RTOL, atol=0.0, restart=_RESTART, maxiter=_MAX_RESTARTS)
    if info != 0:
        solution = linalg.splu(sparse.csc_matrix(system)).solve(rhs)
    return solution


def total_effects(weights: sp.spmatrix, lam: np.ndarray) -> np.ndarray:
    """Social power for any influence matrix ``W`` and susceptibilities ``λ``: the
    column means of ``V = (I − ΛW)⁻¹(I − Λ)``, from one transposed solve.

    >>> import scipy.sparse as sp
    >>> W = sp.csr_matrix([[0.5, 0.5], [0.0, 1.0]])  # 0 listens to 1; 1 listens to no one
    >>> total_effects(W, np.array([0.5, 0.0])).round(4).tolist()
    [0.3333, 0.6667]
    """
    n = len(lam)
    if n == 0:
        return np.zeros(0)
    return solve(system_of(weights, lam).T.tocsc(), np.full(n, 1.0 / n)) * (1.0 - lam)


class OpinionSystem:
    """``I − ΛW`` for one listening matrix and ``λ``, solved for the forecast
    (:meth:`settle`) and for social power (:meth:`reach`, one transposed solve):
    by numpy up to ``SPARSE_FROM`` people, by scipy's GMRES above (or when
    ``sparse`` says so).

    >>> A = Listening.of_graph(nx.DiGraph([("b", "a")]), ["b", "a"])  # b listens to a
    >>> system = OpinionSystem(A, np.array([0.5, 0.0]))
    >>> system.settle(np.array([-1.0, 1.0])).round(4).tolist(), system.social_power().round(4).tolist()
    ([-0.3333, 1.0], [0.3333, 0.6667])
    """

    def __init__(self, listening: Listening, lam: np.ndarray, sparse: bool | None = None):
        self.listening, self.lam = listening, lam
        self.sparse = listening.n > SPARSE_FROM if sparse is None else sparse
        self.spread = spread(listening.row_sums(), lam)
        # Jacobi splits I − ΛW into its diagonal from W's own-opinion weight and the
        # listening part (ΛW)[i, j] = spread_i A[i, j], which contracts by q per step.
        self.diagonal = 1.0 - lam * (1.0 - lam)
        self.coupling = self.spread[listening.rows] * listening.data
        self.contraction = float(np.max(lam * lam / self.diagonal, initial=0.0))

    @cached_property
    def _sparse_system(self) -> sp.csc_matrix:
        return opinion_system(self.listening.tocsr(), self.lam)

    @cached_property
    def _dense_system(self) -> np.ndarray:
        system = np.diag(self.diagonal)
        np.add.at(system, (self.listening.rows, self.listening.indices), -self.coupling)
        return system

    def settle(self, stances: np.ndarray) -> np.ndarray:
        """The settled opinions ``x* = (I − ΛW)⁻¹(I − Λ)x₀``."""
        return self.solve((1.0 - self.lam) * stances, transposed=False)

    def reach(self, weights: np.ndarray) -> np.ndarray:
        """``wᵀV``: how much of each person's stance ends up in ``w``'s weighted mean
        of settled opinions, from one solve of the transposed system."""
        return self.solve(weights, transposed=True) * (1.0 - self.lam)

    def social_power(self) -> np.ndarray:
        """Column means of ``V``: each person's share of everyone's settled opinion."""
        n = self.listening.n
        return self.reach(np.full(n, 1.0 / n)) if n else np.zeros(0)

    def solve(self, rhs: np.ndarray, transposed: bool) -> np.ndarray:
        """``(I − ΛW)⁻¹ rhs``, or ``(I − ΛW)⁻ᵀ rhs`` when ``transposed``."""
        rhs = np.asarray(rhs, dtype=float)
        if rhs.size == 0 or not rhs.any():
            return np.zeros_like(rhs)
        if self.sparse:
            system = self._sparse_system
            return solve(system.T.tocsc() if transposed else system, rhs)
        solution = self._jacobi(rhs, transposed)
        if solution is None:
            system = self._dense_system
            solution = np.linalg.solve(system.T if transposed else system, rhs)
        return solution

    def _jacobi(self, rhs: np.ndarray, transposed: bool) -> np.ndarray | None:
        """Jacobi iteration, or ``None`` when it would take over ``_JACOBI_MAX_STEPS`` steps."""
        q = self.contraction
        if q > 0 and math.log(_JACOBI_RTOL) / math.log(q) > _JACOBI_MAX_STEPS:
            return None
        A, coupling, diagonal = self.listening, self.coupling, self.diagonal
        # Stop once the error bound q / (1 − q) · step is below the tolerance.
        tolerance = _JACOBI_RTOL * (1.0 - q) / max(q, _JACOBI_RTOL)
        x = rhs / diagonal
        for _ in range(_JACOBI_MAX_STEPS):
            if transposed:  # (ΛW)ᵀ x: each listener passes their share of x on to whom they listen to
                pulled = summed(A.indices, coupling * x[A.rows], A.n)
            else:
                pulled = summed(A.rows, coupling * x[A.indices], A.n)
            previous, x = x, (rhs + pulled) / diagonal
            if np.abs(x - previous).max() <= tolerance * np.abs(x).max():
                return x
        return None


class OpinionModel(OpinionSystem):
    """The model of one deference graph, built once: people, ``A``, ``λ`` and the
    system ``I − ΛW``, for power and the forecast.

    >>> d = nx.DiGraph([("b", "a")]); d["b"]["a"]["weight"] = 1.0
    >>> model = OpinionModel(d)
    >>> model.people, model.social_power().round(4).tolist()
    (['b', 'a'], [0.3333, 0.6667])
    >>> model.settle(np.array([-1.0, 1.0])).round(4).tolist()  # b (λ = 0.5) listens to a
    [-0.3333, 1.0]
    """

    def __init__(self, deference: nx.DiGraph, sparse: bool | None = None):
        self.deference = deference
        self.people = list(deference)
        self.index = {p: i for i, p in enumerate(self.people)}
        listening = Listening.of_graph(deference, self.people)
        super().__init__(listening, susceptibilities(deference, self.people, listening.row_sums()), sparse)
