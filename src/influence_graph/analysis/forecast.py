"""Forecast and next best moves (DESIGN §4): where the decision unit's opinion
settles when stances spread through the influence network, and whom to win over.

The model is Friedkin–Johnsen in the form of Parsegov, Proskurnikov, Tempo &
Friedkin (IEEE TAC 62(5), 2017)::

    x* = (I − ΛW)⁻¹ (I − Λ) x₀

``x₀`` the stances in [−1, 1], ``Λ = diag(λ)`` the susceptibilities, and row
``i`` of ``W`` weight ``1 − λᵢ`` on person ``i`` and ``λᵢ`` spread over the
people ``i`` listens to in proportion to the listening weight (the
``deference_graph``); a person who listens to no one keeps their stance
(``λᵢ = 0``). ``M = (I − ΛW)⁻¹(I − Λ)`` is row-stochastic and non-negative, so
every settled opinion is a weighted mean of stances: it stays in [−1, 1] and a
unanimous room stays unanimous.

Because ``x*`` is linear in ``x₀``, the gain from winning person ``j`` over
(raising ``x₀ⱼ`` to +1) is ``(1 − x₀ⱼ) · (wᵀM)ⱼ`` with ``w`` the decision unit's
weights; one solve of the transposed system gives ``wᵀM`` for every candidate.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .. import graph as g
from . import wording

# A fully susceptible closed group (λ = 1, listening only to each other) makes
# I − ΛW singular; capping λ just below 1 settles such a group at a weighted
# mean of its own stances instead.
MAX_SUSCEPTIBILITY = 1.0 - 1e-6
NEXT_BEST_MOVES = 10  # candidates reported, best first
NAMED_LISTENERS = 2  # name the decision makers who listen when there are this few
_DIGITS = 6
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
    listening = nx.to_scipy_sparse_array(deference, nodelist=people, weight=g.WEIGHT, format="csr")
    listening = sp.csr_matrix(listening)
    lam = np.array([deference.nodes[p].get(g.SUSCEPTIBILITY, g.DEFAULT_SUSCEPTIBILITY) for p in people], dtype=float)
    lam = np.where(np.asarray(listening.sum(axis=1)).ravel() > 0, np.minimum(lam, MAX_SUSCEPTIBILITY), 0.0)
    return people, listening, lam


def opinion_system(listening: sp.csr_matrix, lam: np.ndarray) -> sp.csc_matrix:
    """``I − ΛW`` for listening matrix ``A`` and susceptibilities ``λ``, where
    ``W = diag(1 − λ) + diag(λ / rowsum(A)) A``.

    >>> opinion_system(sp.csr_matrix([[0.0, 1.0], [0.0, 0.0]]), np.array([0.5, 0.0])).toarray().tolist()
    [[0.75, -0.25], [0.0, 1.0]]
    """
    lam_w = sp.diags(lam * (1.0 - lam)) + sp.diags(_spread(listening, lam)) @ listening
    return sp.csc_matrix(sp.identity(len(lam), format="csc") - lam_w)


def _spread(listening: sp.csr_matrix, lam: np.ndarray) -> np.ndarray:
    """``λᵢ² / rowsum(A)ᵢ``: row ``i`` of ``ΛW`` off the diagonal is this times ``A[i]``."""
    row_sums = np.asarray(listening.sum(axis=1)).ravel()
    return np.divide(lam * lam, row_sums, out=np.zeros_like(lam), where=row_sums > 0)


def settle(listening: sp.csr_matrix, lam: np.ndarray, stances: np.ndarray) -> np.ndarray:
    """The settled opinions ``x* = (I − ΛW)⁻¹(I − Λ)x₀``.

    >>> A = sp.csr_matrix([[0.0, 1.0], [0.0, 0.0]])
    >>> settle(A, np.array([0.5, 0.0]), np.array([-1.0, 1.0])).round(4).tolist()
    [-0.3333, 1.0]
    """
    return solve(opinion_system(listening, lam), (1.0 - lam) * stances)


def solve(system: sp.csc_matrix, rhs: np.ndarray) -> np.ndarray:
    """``system⁻¹ rhs`` for a system ``I − ΛW``. GMRES first: the system is
    diagonally dominant, so it converges in a few dozen products, where an LU
    of a well-connected account fills in (1.5 s at 5,000 people vs 1 ms);
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


def settled_opinions(deference: nx.DiGraph, stances: Mapping[str, float] | None = None) -> dict[str, float]:
    """Each person's settled opinion; ``stances`` default to the node attribute ``stance_value``.

    >>> d = nx.DiGraph([("b", "a")]); d["b"]["a"]["weight"] = 1.0
    >>> settled_opinions(d, {"a": 1.0, "b": -1.0})  # b (λ = 0.5) listens to a
    {'b': -0.333333, 'a': 1.0}
    """
    people, listening, lam = listening_arrays(deference)
    x0 = _stances(deference, people, stances)
    settled = settle(listening, lam, x0)
    return {p: round(float(v), _DIGITS) for p, v in zip(people, settled)}


def support_weights(people: Sequence[str], power: Mapping[str, float], dmu: Sequence[str]) -> np.ndarray:
    """The decision unit's weights over ``people``: each member's influence, summing to 1
    (equal weights if no member has any); zero for everyone outside the unit.

    >>> support_weights(["a", "b", "c"], {"a": 0.25, "b": 0.75, "c": 0.5}, ["a", "b"]).tolist()
    [0.25, 0.75, 0.0]
    """
    index = {p: i for i, p in enumerate(people)}
    members = [index[m] for m in dict.fromkeys(dmu) if m in index]
    weights = np.zeros(len(people))
    weights[members] = [power.get(people[i], 0.0) for i in members]
    if members and weights.sum() <= 0:
        weights[members] = 1.0
    total = weights.sum()
    return weights / total if total > 0 else weights


def support_reach(listening: sp.csr_matrix, lam: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``wᵀM``: how much of each person's stance ends up in ``support``, from one
    solve of the transposed system.

    >>> A = sp.csr_matrix([[0.0, 1.0], [0.0, 0.0]])
    >>> support_reach(A, np.array([0.5, 0.0]), np.array([1.0, 0.0])).round(4).tolist()
    [0.6667, 0.3333]
    """
    # (I − ΛW)ᵀ y = w, then wᵀM = yᵀ(I − Λ).
    return solve(opinion_system(listening, lam).T.tocsc(), weights) * (1.0 - lam)


def forecast(
    deference: nx.DiGraph,
    power: Mapping[str, float],
    dmu: Sequence[str],
    top: int = NEXT_BEST_MOVES,
) -> dict[str, Any]:
    """Where the decision unit lands, and the people whose win-over raises it most.

    Returns ``{support, initial_support, members: {id: settled}, next_best_moves:
    [{id, gain, reasons}]}``: ``support`` is the unit's settled opinion weighted by
    ``power``, ``initial_support`` the same weighting of today's stances (``None``
    both without a decision unit); the moves rank customer people not yet at
    champion by how much ``support`` would rise if they became one.

    >>> d = nx.DiGraph(); d.add_node("boss", stance_value=-0.5, name="Boss", title="CEO")
    >>> d.add_node("aide", stance_value=0.5, name="Aide", title=None)
    >>> d.add_edge("boss", "aide", weight=1.0)
    >>> f = forecast(d, {"boss": 0.6, "aide": 0.4}, ["boss"])
    >>> f["support"], [(m["id"], m["gain"]) for m in f["next_best_moves"]]
    (-0.166667, [('boss', 1.0), ('aide', 0.166667)])
    """
    people, listening, lam = listening_arrays(deference)
    x0 = _stances(deference, people)
    weights = support_weights(people, power, dmu)
    members = [p for p in dict.fromkeys(dmu) if p in deference]
    if not members:
        return {"support": None, "initial_support": None, "members": {}, "next_best_moves": []}
    settled = settle(listening, lam, x0)
    reach = support_reach(listening, lam, weights)
    gains = (1.0 - x0) * reach
    index = {p: i for i, p in enumerate(people)}
    order = sorted(
        (i for i in range(len(people)) if round(gains[i], _DIGITS) > 0),
        key=lambda i: (-round(gains[i], _DIGITS), people[i]),
    )
    context = _Context(deference, set(members), weights, index, listening, lam, reach)
    return {
        "support": _round(weights @ settled),
        "initial_support": _round(weights @ x0),
        "members": {p: _round(settled[index[p]]) for p in members},
        "next_best_moves": [
            {"id": people[i], "gain": _round(gains[i]), "reasons": context.reasons(people[i])} for i in order[:top]
        ],
    }


def _round(value: float) -> float:
    return round(float(value), _DIGITS) + 0.0  # + 0.0 turns -0.0 into 0.0


def _stances(deference: nx.DiGraph, people: Sequence[str], stances: Mapping[str, float] | None = None) -> np.ndarray:
    if stances is None:
        stances = {p: deference.nodes[p].get(g.STANCE_VALUE, 0.0) for p in people}
    return np.array([float(stances.get(p, 0.0)) for p in people])


class _Context:
    """What a move's reasons are made of: who listens to whom, and who carries weight."""

    def __init__(self, deference, members, weights, index, listening, lam, reach):
        self.deference, self.members, self.weights, self.index = deference, members, weights, index
        # (ΛW)[i, j] = spread_i · A[i, j] for i ≠ j; with y = reach / (1 − λ) the
        # transposed solve, listener i passes on y_i · (ΛW)[i, j] of j's pull on support.
        self.spread = _spread(listening, lam)
        self.carry = reach / (1.0 - lam)

    def listened_by_dmu(self, pid: str) -> str | None:
        listeners = sorted(i for i in self.deference.predecessors(pid) if i in self.members)
        if not listeners:
            return None
        # A member is counted against the others: nobody listens to themselves.
        others = len(self.members) - (pid in self.members)
        of = f"of the {others} other" if pid in self.members else f"of {others}"
        text = f"listened to by {len(listeners)} {of} {'decision maker' if others == 1 else 'decision makers'}"
        if len(listeners) <= NAMED_LISTENERS:
            text += f" ({wording.names(self.deference, listeners)})"
        return text

    def through(self, pid: str) -> str | None:
        """The listener outside the unit who carries most of ``pid``'s view into it."""
        best, best_value = None, 0.0
        for listener in sorted(self.deference.predecessors(pid)):
            i = self.index[listener]
            value = self.carry[i] * self.spread[i] * self.deference[listener][pid][g.WEIGHT]
            if listener not in self.members and value > best_value:
                best, best_value = listener, value
        if best is None:
            return None
        onward = self.listened_by_dmu(best)
        tail = f"who is {onward}" if onward else "who passes it on toward the decision unit"
        return f"{wording.label(self.deference, best)} listens to them, {tail}"

    def reasons(self, pid: str) -> list[str]:
        reasons = []
        if pid in self.members:
            share = self.weights[self.index[pid]]
            reasons.append(f"a decision maker: their own view makes up {wording.percent(share, 0)} "
                           "of the decision unit's verdict")
        direct = self.listened_by_dmu(pid)
        indirect = None if direct or pid in self.members else self.through(pid)
        reasons += [r for r in (direct, indirect) if r]
        stance = wording.stance(self.deference, pid)
        known = self.deference.nodes[pid].get(g.STANCE_KNOWN)
        reasons.append(f"today: {stance}" if known else f"{stance}: find out where they stand")
        return reasons
