"""Small helpers shared by the coverage, coach, channel and risk analyses."""
from __future__ import annotations

import contextlib
import math
from functools import cached_property

import networkx as nx

from .. import graph as g
from ..model import CLOSENESS_VALUES

# A relationship this close (familiar) counts as real coverage; clip (transactional) does not.
ZIPPER = CLOSENESS_VALUES["zipper"]
# From this many people on, BLAS runs on one thread while an account is analyzed (one_blas_thread).
ONE_BLAS_THREAD_FROM = 2_000


def one_blas_thread(people: int) -> contextlib.AbstractContextManager:
    """A context in which BLAS (the OpenBLAS under numpy and scipy) keeps to one thread,
    for an account of ``people`` from ``ONE_BLAS_THREAD_FROM`` on; nothing for a smaller one.

    The analysis hands BLAS only vectors (the sparse solvers' dot products, norms and
    small products with their Krylov basis), too short to gain from sharing out, and
    above ~10,000 entries OpenBLAS shares them out anyway: each call then waits for all
    its threads, and when the machine is busy (another process, brokerage's worker) a
    descheduled thread stalls it. ``benchmarks/blas_threads.py``: the solves of a
    20,000-person analysis take 2–4× as long on the default threads on an idle machine,
    5–20× with both cores busy.
    """
    if people < ONE_BLAS_THREAD_FROM:
        return contextlib.nullcontext()
    from threadpoolctl import threadpool_limits  # scans the loaded libraries: ~10 ms, worth it only here

    return threadpool_limits(limits=1, user_api="blas")


def team_members(graph: nx.MultiDiGraph) -> list[str]:
    """Our team's ids in file order."""
    return [n for n, side in graph.nodes(data=g.SIDE) if side == g.SIDE_TEAM]


def team_ties(graph: nx.MultiDiGraph) -> dict[str, dict[str, float]]:
    """``{person: {member: strength}}``: each team member's strongest relationship with each person.

    >>> from influence_graph.model import parse_account
    >>> a = parse_account({"account": {"id": "x", "name": "X"}, "people": [{"id": "p", "name": "P"}],
    ...     "team": [{"id": "m", "name": "M"}],
    ...     "relationships": [{"member": "m", "person": "p", "strength": "velcro"}]})
    >>> team_ties(g.account_graph(a))
    {'p': {'m': 1.0}}
    """
    ties: dict[str, dict[str, float]] = {}
    for member, person, data in g.edges_with_data(graph):
        if data[g.KIND] == g.KIND_RELATIONSHIP:
            known = ties.setdefault(person, {})
            known[member] = max(known.get(member, 0.0), data[g.STRENGTH])
    return ties


class AnalysisContext:
    """The graphs and look-ups of one analysis, each built once on first use and then
    shared by every measure: the account graph, its deference and tie views, the warm
    graph's links (:func:`~influence_graph.graph.warm_links`),
    our team's ties to each person, and the opinion model of power and forecast."""

    def __init__(self, whole: nx.MultiDiGraph):
        self.whole = whole

    @cached_property
    def deference(self) -> nx.DiGraph:
        return g.deference_graph(self.whole)

    @cached_property
    def ties(self) -> nx.Graph:
        return g.tie_graph(self.whole)

    @cached_property
    def warm(self) -> dict[str, dict[str, dict[str, float]]]:
        return g.warm_links(self.whole, self.ties)

    @cached_property
    def team_ties(self) -> dict[str, dict[str, float]]:
        return team_ties(self.whole)

    @cached_property
    def model(self):
        from .opinion import OpinionModel  # the analysis' numerics: loaded with the first model built

        return OpinionModel(self.deference)

    def release(self) -> None:
        """Empty the graphs of this analysis once it is done. NetworkX's cached views (edge
        and degree views hold their graph) make every graph a reference cycle, so only a
        garbage collection would free one, walking every node and edge first (a third of
        a second at 10,000 people); emptied, their contents go at once."""
        for graph in (self.whole, self.__dict__.get("deference"), self.__dict__.get("ties")):
            if graph is not None:
                graph.clear()
        self.__dict__.pop("model", None)


def strongest(ties: dict[str, float]) -> tuple[str | None, float]:
    """The member with the strongest tie (first in order on equal strength), and the strength."""
    best, value = None, 0.0
    for member, strength in ties.items():
        if strength > value:
            best, value = member, strength
    return best, value


def positions(ranking: list[str]) -> dict[str, int]:
    """Each id's 1-based place in a ranking.

    >>> positions(["b", "a"])
    {'b': 1, 'a': 2}
    """
    return {k: i for i, k in enumerate(ranking, start=1)}


def top_count(total: int, share: float) -> int:
    """How many people make the top ``share`` of ``total`` (at least one when there is anyone)."""
    return min(total, max(1, math.ceil(total * share)))


def competitor_ties(graph: nx.MultiDiGraph, person: str, at_least: float = ZIPPER) -> list[tuple[str, float]]:
    """``[(competitor, strength)]``: competitors at least this close to ``person``, strongest first."""
    ties = [
        (rival, data[g.STRENGTH])
        for rival, _, data in graph.in_edges(person, data=True)
        if data[g.KIND] == g.KIND_COMPETITOR and data[g.STRENGTH] >= at_least
    ]
    return sorted(ties, key=lambda t: (-t[1], t[0]))
