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
the sparse system once and answers both; no inverse is ever formed.
"""
from __future__ import annotations

from functools import cached_property

import networkx as nx
import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .. import graph as g

# A fully susceptible closed group (λ = 1, listening only to each other) makes
# I − ΛW singular; capping λ just below 1 settles such a group at a weighted
# mean of its own stances instead.
MAX_SUSCEPTIBILITY = 1.0 - 1e-6
_RTOL = 1e-12  # relative residual of the iterative solve
_RESTART, _MAX_RESTARTS = 50, 40


def listening_arrays(deference: nx.DiGraph) -> tuple[list[str], sp.csr_matrix, np.ndarray]:
    """People (graph order), the listening matrix ``A`` (``A[i, j]``: how much
    ``i`` listens to ``j``, the ``weight`` of edge ``i -> j``) and the effective
    susceptibilities ``λ`` (0 for anyone who listens to no one).

    >>> d = nx.DiGraph(); d.add_node("a", susceptibility=0.5)
    >>> d.add_edge("b", "a", weight=0.8); d.nodes["b"]["susceptibility"] = 0.3
    >>> people, A, lam = listening_arrays(d)
    >>> people, A.toarray().tolist(), lam.tolist()
    (['a', 'b'], [[0.0, 0.0], [0.8, 0.0]], [0.0, 0.3])
    """
    people = list(deference)
    if not people:
        return [], sp.csr_matrix((0, 0)), np.zeros(0)
    listening = sp.csr_matrix(nx.to_scipy_sparse_array(deference, nodelist=people, weight=g.WEIGHT, format="csr"))
    lam = np.array([deference.nodes[p].get(g.SUSCEPTIBILITY, g.DEFAULT_SUSCEPTIBILITY) for p in people], dtype=float)
    lam = np.where(np.asarray(listening.sum(axis=1)).ravel() > 0, np.minimum(lam, MAX_SUSCEPTIBILITY), 0.0)
    return people, listening, lam


def influence_matrix(listening: sp.csr_matrix, lam: np.ndarray) -> sp.csr_matrix:
    """``W = diag(1 − λ) + diag(λ / rowsum(A)) A``: row-stochastic where anyone listens.

    >>> influence_matrix(sp.csr_matrix([[0.0, 2.0], [0.0, 0.0]]), np.array([0.5, 0.0])).toarray().tolist()
    [[0.5, 0.5], [0.0, 1.0]]
    """
    row_sums = np.asarray(listening.sum(axis=1)).ravel()
    spread = np.divide(lam, row_sums, out=np.zeros_like(lam), where=row_sums > 0)
    return sp.csr_matrix(sp.diags(1.0 - lam) + sp.diags(spread) @ listening)


def opinion_system(listening: sp.csr_matrix, lam: np.ndarray) -> sp.csc_matrix:
    """``I − ΛW`` for listening matrix ``A`` and susceptibilities ``λ`` (``W`` as
    :func:`influence_matrix` builds it).

    >>> opinion_system(sp.csr_matrix([[0.0, 1.0], [0.0, 0.0]]), np.array([0.5, 0.0])).toarray().tolist()
    [[0.75, -0.25], [0.0, 1.0]]
    """
    return system_of(influence_matrix(listening, lam), lam)


def system_of(weights: sp.spmatrix, lam: np.ndarray) -> sp.csc_matrix:
    """``I − ΛW`` for any influence matrix ``W``."""
    return sp.csc_matrix(sp.identity(len(lam), format="csc") - sp.diags(lam) @ weights)


def spread(listening: sp.csr_matrix, lam: np.ndarray) -> np.ndarray:
    """``λᵢ² / rowsum(A)ᵢ``: row ``i`` of ``ΛW`` off the diagonal is this times ``A[i]``."""
    row_sums = np.asarray(listening.sum(axis=1)).ravel()
    return np.divide(lam * lam, row_sums, out=np.zeros_like(lam), where=row_sums > 0)


def solve(system: sp.csc_matrix, rhs: np.ndarray) -> np.ndarray:
    """``system⁻¹ rhs`` for a system ``I − ΛW`` or its transpose. GMRES first: the
    system is diagonally dominant, so it converges in a few dozen products, where
    an LU of a well-connected account fills in (1.5 s at 5,000 people vs 1 ms);
    the LU is the fallback when GMRES does not reach the tolerance.

    >>> solve(sp.csc_matrix([[2.0, 0.0], [1.0, 1.0]]), np.array([2.0, 3.0])).round(12).tolist()
    [1.0, 2.0]
    """
    rhs = np.asarray(rhs, dtype=float)
    if rhs.size == 0 or not rhs.any():
        return np.zeros_like(rhs)
    solution, info = spla.gmres(system, rhs, rtol=_RTOL, atol=0.0, restart=_RESTART, maxiter=_MAX_RESTARTS)
    if info != 0:
        solution = spla.splu(sp.csc_matrix(system)).solve(rhs)
    return solution


def total_effects(weights: sp.spmatrix, lam: np.ndarray) -> np.ndarray:
    """Social power for any influence matrix ``W`` and susceptibilities ``λ``: the
    column means of ``V = (I − ΛW)⁻¹(I − Λ)``, from one transposed solve.

    >>> W = sp.csr_matrix([[0.5, 0.5], [0.0, 1.0]])  # 0 listens to 1; 1 listens to no one
    >>> total_effects(W, np.array([0.5, 0.0])).round(4).tolist()
    [0.3333, 0.6667]
    """
    n = len(lam)
    if n == 0:
        return np.zeros(0)
    return solve(system_of(weights, lam).T.tocsc(), np.full(n, 1.0 / n)) * (1.0 - lam)


class OpinionModel:
    """The model of one deference graph, built once: people, ``A``, ``λ`` and the
    sparse system ``I − ΛW`` with its transpose, for power and the forecast.

    >>> d = nx.DiGraph([("b", "a")]); d["b"]["a"]["weight"] = 1.0
    >>> model = OpinionModel(d)
    >>> model.people, model.social_power().round(4).tolist()
    (['b', 'a'], [0.3333, 0.6667])
    >>> model.settle(np.array([-1.0, 1.0])).round(4).tolist()  # b (λ = 0.5) listens to a
    [-0.3333, 1.0]
    """

    def __init__(self, deference: nx.DiGraph):
        self.deference = deference
        self.people, self.listening, self.lam = listening_arrays(deference)
        self.index = {p: i for i, p in enumerate(self.people)}

    @cached_property
    def system(self) -> sp.csc_matrix:
        return opinion_system(self.listening, self.lam)

    @cached_property
    def transposed(self) -> sp.csc_matrix:
        return self.system.T.tocsc()

    @cached_property
    def spread(self) -> np.ndarray:
        return spread(self.listening, self.lam)

    def settle(self, stances: np.ndarray) -> np.ndarray:
        """The settled opinions ``x* = (I − ΛW)⁻¹(I − Λ)x₀``."""
        return solve(self.system, (1.0 - self.lam) * stances)

    def reach(self, weights: np.ndarray) -> np.ndarray:
        """``wᵀV``: how much of each person's stance ends up in ``w``'s weighted mean
        of settled opinions, from one solve of the transposed system."""
        return solve(self.transposed, weights) * (1.0 - self.lam)

    def social_power(self) -> np.ndarray:
        """Column means of ``V``: each person's share of everyone's settled opinion."""
        n = len(self.people)
        return self.reach(np.full(n, 1.0 / n)) if n else np.zeros(0)
