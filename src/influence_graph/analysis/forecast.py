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
The model lives in :mod:`~influence_graph.analysis.opinion`, which also gives
real power (``M``'s column means), so the unit is weighted by the same model.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from .. import graph as g
from . import wording
from .opinion import MAX_SUSCEPTIBILITY, OpinionModel, listening_arrays, opinion_system, solve

if TYPE_CHECKING:
    import scipy.sparse as sp

__all__ = [
    "MAX_SUSCEPTIBILITY", "forecast", "listening_arrays", "opinion_system", "settle", "settled_opinions", "solve",
    "support_reach", "support_weights",
]

NEXT_BEST_MOVES = 10  # candidates reported, best first
NAMED_LISTENERS = 2  # name the decision makers who listen when there are this few
_DIGITS = 6


def settle(listening: sp.csr_matrix, lam: np.ndarray, stances: np.ndarray) -> np.ndarray:
    """The settled opinions ``x* = (I − ΛW)⁻¹(I − Λ)x₀``.

    >>> import scipy.sparse as sp
    >>> A = sp.csr_matrix([[0.0, 1.0], [0.0, 0.0]])
    >>> settle(A, np.array([0.5, 0.0]), np.array([-1.0, 1.0])).round(4).tolist()
    [-0.3333, 1.0]
    """
    return solve(opinion_system(listening, lam), (1.0 - lam) * stances)


def settled_opinions(deference: nx.DiGraph, stances: Mapping[str, float] | None = None) -> dict[str, float]:
    """Each person's settled opinion; ``stances`` default to the node attribute ``stance_value``.

    >>> d = nx.DiGraph([("b", "a")]); d["b"]["a"]["weight"] = 1.0
    >>> settled_opinions(d, {"a": 1.0, "b": -1.0})  # b (λ = 0.5) listens to a
    {'b': -0.333333, 'a': 1.0}
    """
    model = OpinionModel(deference)
    settled = model.settle(_stances(deference, model.people, stances))
    return {p: round(float(v), _DIGITS) for p, v in zip(model.people, settled)}


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

    >>> import scipy.sparse as sp
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
    model: OpinionModel | None = None,
) -> dict[str, Any]:
    """Where the decision unit lands, and the people whose win-over raises it most.

    Returns ``{support, initial_support, members: {id: settled}, next_best_moves:
    [{id, gain, reasons}]}``: ``support`` is the unit's settled opinion weighted by
    ``power``, ``initial_support`` the same weighting of today's stances (``None``
    both without a decision unit); the moves rank customer people not yet at
    champion by how much ``support`` would rise if they became one. ``model`` is
    the :class:`~influence_graph.analysis.opinion.OpinionModel` of ``deference``
    when the caller has it already (real power is solved on the same system).

    >>> d = nx.DiGraph(); d.add_node("boss", stance_value=-0.5, name="Boss", title="CEO")
    >>> d.add_node("aide", stance_value=0.5, name="Aide", title=None)
    >>> d.add_edge("boss", "aide", weight=1.0)
    >>> f = forecast(d, {"boss": 0.6, "aide": 0.4}, ["boss"])
    >>> f["support"], [(m["id"], m["gain"]) for m in f["next_best_moves"]]
    (-0.166667, [('boss', 1.0), ('aide', 0.166667)])
    """
    model = model or OpinionModel(deference)
    people = model.people
    x0 = _stances(deference, people)
    weights = support_weights(people, power, dmu)
    members = [p for p in dict.fromkeys(dmu) if p in deference]
    if not members:
        return {"support": None, "initial_support": None, "members": {}, "next_best_moves": []}
    settled = model.settle(x0)
    reach = model.reach(weights)
    gains = (1.0 - x0) * reach
    index = model.index
    order = sorted(
        (i for i in range(len(people)) if round(gains[i], _DIGITS) > 0),
        key=lambda i: (-round(gains[i], _DIGITS), people[i]),
    )
    context = _Context(model, set(members), weights, reach)
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

    def __init__(self, model: OpinionModel, members, weights, reach):
        self.deference, self.members, self.weights, self.index = model.deference, members, weights, model.index
        # (ΛW)[i, j] = spread_i · A[i, j] for i ≠ j; with y = reach / (1 − λ) the
        # transposed solve, listener i passes on y_i · (ΛW)[i, j] of j's pull on support.
        self.spread = model.spread
        self.carry = reach / (1.0 - model.lam)

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
