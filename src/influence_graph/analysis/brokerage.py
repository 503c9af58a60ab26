"""Brokerage (DESIGN §4): the share of shortest paths between other people that run
through each person, exact or, in large accounts, estimated from a growing random
sample of source people until a stated error bound holds; computed in worker
processes while the rest of the analysis goes on (:func:`start_brokerage`), by
igraph or, from ``KERNEL_FROM`` people, by the compiled kernel of :mod:`._brandes`.
"""
from __future__ import annotations

import importlib.util
import math
import threading
from collections.abc import Hashable
from fractions import Fraction
from multiprocessing.connection import Connection, wait
from typing import Any, NamedTuple

import networkx as nx
import numpy as np

from .. import _processes
from .. import graph as g
from . import _igraph

# Above this many people brokerage runs in igraph (C); below, in NetworkX with exact fractions.
COMPILED_THRESHOLD = 40
# Brokerage is exact up to this many people; above, sampled until every person's estimate is
# within EPSILON of the exact value with probability at least 1 − DELTA (:func:`error_bound`).
EXACT_UP_TO = 5_000
BROKERAGE_EPSILON, BROKERAGE_DELTA, BROKERAGE_SEED = 0.02, 0.1, 0
# From this many people the sources are split over worker processes (forked: they start in
# milliseconds); without fork, only above EXACT_UP_TO, where a fresh interpreter's start is noise.
PARALLEL_FROM = 500
# Below this many people one worker is done with brokerage before the analysis is done with
# the rest (at 1,000 people 0.17 s against 0.3 s), and a second one only takes a share of
# the analysis' core and memory: the analysis took 0.86× as long with one at 700 people,
# 0.91× at 1,000 and the same at 1,500 (benchmarks/analyze.py --baseline, 15 runs).
TWO_WORKERS_FROM = 1_500
EXACT_CHUNKS = 16  # an exact computation in this many parts, whatever the number of workers
# From this many people the sums come from the compiled bucket-queue kernel (_brandes, Numba)
# when it is installed: below, loading it (~0.5 s) costs more than it saves.
KERNEL_FROM = 4_000
# Tie lengths are read as fractions with denominators up to this (strengths with up to 6 decimals).
_MAX_DENOMINATOR = 10**6


class Brokerage(NamedTuple):
    scores: dict[Hashable, float]
    method: dict[str, Any]  # {"method": "exact"} or the sample and its bound (:meth:`BrokerageRun.result`)


def sampling_step(people: int) -> int:
    """How many sources the sample grows by between two looks at the bound: 1/64 of
    the people, at least 16 and at most 256.

    >>> sampling_step(1000), sampling_step(3000), sampling_step(20_000)
    (16, 46, 256)
    """
    return max(16, min(256, people // 64))


def error_bound(sources: int, people: int, largest: float, delta: float = BROKERAGE_DELTA) -> float:
    """The largest error of any person's sampled brokerage after ``sources`` of the
    ``people`` (a uniform sample without replacement), with probability at least
    ``1 − delta`` over the whole sequential procedure; ``largest`` is the largest
    estimate in the sample.

    Brokerage is the mean over all sources ``s`` of ``X_s = n·δ_s(v) / ((n − 1)(n − 2))``
    in ``[0, R]``, ``R = n/(n − 1)``; the estimate is the sample mean. The sample
    grows :func:`sampling_step` sources at a time and the bound is checked at each
    of the ``m`` steps below ``n``, so ``δ`` is shared by ``2·n·m`` events (two
    inequalities, every person, every step): ``L = ln(4nm/δ)``. The bound is the
    smaller of

    - Hoeffding–Serfling: ``R·√(L(1 − (k − 1)/n) / (2k))``, strong when the sample
      is most of the account;
    - Bernstein with the variance bounded by the mean (``Var X_s ≤ R·b``, since
      ``X_s ≤ R``): ``|X̄ − b| ≤ a + √(a² + c·b)`` with ``a = RL/(3k)``,
      ``c = 2RL/k``; with the largest estimate ``x`` every ``b`` is at most the
      root ``y`` of ``y − x = a + √(a² + c·y)``, so the bound is ``a + √(a² + c·y)``.
      Brokerage is small for nearly everyone, so this needs far fewer sources.

    Both hold for sampling without replacement (Hoeffding 1963, §6; Serfling 1974).

    >>> round(error_bound(2048, 20_000, 0.04), 4), round(error_bound(6144, 20_000, 0.04), 4)
    (0.0406, 0.0197)
    >>> round(error_bound(960, 1000, 0.08), 4)  # nearly everyone: Hoeffding–Serfling
    0.0177
    """
    n, k = people, sources
    spread = n / (n - 1)
    steps = max(1, math.ceil(n / sampling_step(n)) - 1)
    log_term = math.log(4 * n * steps / delta)
    hoeffding = spread * math.sqrt(log_term * max(0.0, 1 - (k - 1) / n) / (2 * k))
    a, c = spread * log_term / (3 * k), 2 * spread * log_term / k
    shifted = largest + a
    linear = 2 * shifted + c
    ceiling = min(1.0, (linear + math.sqrt(linear * linear - 4 * (shifted * shifted - a * a))) / 2)
    bernstein = a + math.sqrt(a * a + c * ceiling)
    return min(hoeffding, bernstein)


def _exact_lengths(ties: nx.Graph) -> nx.Graph:
    """The tie graph with each length as an exact fraction: strengths people type
    are decimals (0.7), so 1/strength is read back as 10/7 and equally long paths
    add up to exactly equal lengths (in floats 1/0.15 + 1/0.5 + 1/0.75 is
    10.000000000000002, not 10)."""
    exact = nx.Graph()
    exact.add_nodes_from(ties)
    exact.add_edges_from(
        (u, v, {g.DISTANCE: Fraction(d).limit_denominator(_MAX_DENOMINATOR)}) for u, v, d in ties.edges(data=g.DISTANCE)
    )
    return exact


class _IgraphTies:
    """igraph's weighted betweenness as a source of dependency sums (the kernel's twin)."""

    def __init__(self, graph):
        self.graph = graph

    def sums(self, sources: list[int]) -> np.ndarray:
        return np.asarray(self.graph.betweenness(weights=g.DISTANCE, directed=False, sources=sources), dtype=float)


class _KernelTies:
    """The compiled kernel's dependency sums (:mod:`._brandes`); igraph's in a process
    where Numba is installed but cannot be imported (it refuses a NumPy newer than it
    supports): the same sums either way."""

    def __init__(self, arrays, graph):
        self.arrays, self.fallback = arrays, _IgraphTies(graph)

    def sums(self, sources: list[int]) -> np.ndarray:
        try:
            return self.arrays.sums(sources)
        except ImportError:
            return self.fallback.sums(sources)


def _kernel_installed() -> bool:
    return importlib.util.find_spec("numba") is not None


def _serve(conn: Connection, ties, order: list[int]) -> None:
    """A worker: sums of dependencies for each ``(part, start, stop)`` slice of
    ``order`` it is sent, until it is sent ``None``."""
    _processes.yield_to_parent()
    while (task := conn.recv()) is not None:
        part, start, stop = task
        conn.send((part, ties.sums(order[start:stop])))


class BrokerageRun:
    """One brokerage computation over the tie graph (edge attribute ``distance``,
    1/strength), started on creation: in worker processes when the account has
    ``PARALLEL_FROM`` people or more and ``jobs > 1`` (one worker below
    ``TWO_WORKERS_FROM`` people, else up to ``jobs``), else in :meth:`result`. Always
    :meth:`close` it.

    The sources are taken in parts fixed by the number of people alone (a seeded
    order when sampled), and the parts' sums are added in order, so the answer is the
    same whatever the number of workers. Sampled, the sample grows until
    :func:`error_bound` is at most ``epsilon``; if it never is, every source is used
    and the answer is exact.
    """

    def __init__(self, ties: nx.Graph, *, exact: bool = False, exact_up_to: int | None = None, jobs: int = 1,
                 epsilon: float = BROKERAGE_EPSILON, delta: float = BROKERAGE_DELTA, seed: int = BROKERAGE_SEED,
                 kernel: bool | None = None):
        self.nodes = list(ties)
        self.people = n = len(self.nodes)
        self.sampled = not exact and n > (EXACT_UP_TO if exact_up_to is None else exact_up_to)
        self.epsilon, self.delta, self.seed = epsilon, delta, seed
        self._workers: list[tuple[Any, Connection]] = []
        self._thread: threading.Thread | None = None
        self._answer: Brokerage | None = None
        self._failure: BaseException | None = None
        self._closing = False
        if ties.number_of_edges() == 0 or n < 3:
            self._answer = Brokerage(dict.fromkeys(ties, 0.0), {"method": "exact"})
            return
        self.ties = self._sums_source(ties, n >= KERNEL_FROM if kernel is None else kernel)
        if self.sampled:
            self.order = np.random.default_rng(seed).permutation(n).tolist()
            step = sampling_step(n)
        else:
            self.order = list(range(n))
            step = n if n < PARALLEL_FROM else math.ceil(n / EXACT_CHUNKS)
        self.parts = [(start, min(n, start + step)) for start in range(0, n, step)]
        workers = min(jobs, len(self.parts), 1 if n < TWO_WORKERS_FROM else jobs)
        may_start = _processes.can_start_workers() and (_processes.can_fork() or n > EXACT_UP_TO)
        if jobs > 1 and n >= PARALLEL_FROM and may_start:
            try:
                self._start(workers)
            except OSError:  # no processes to be had here (a sandbox, a limit): compute in result()
                self.close()
                self._thread, self._closing = None, False

    def _sums_source(self, ties: nx.Graph, kernel: bool):
        """Where the parts' sums come from: the compiled kernel when ``kernel`` is asked
        for and usable (Numba installed, tie lengths even enough), else igraph."""
        graph, _ = _igraph.to_igraph(ties, g.DISTANCE)
        if kernel and _kernel_installed():
            from . import _brandes

            arrays = _brandes.tie_arrays(graph, g.DISTANCE)
            if arrays is not None:
                return _KernelTies(arrays, graph)
        return _IgraphTies(graph)

    def _start(self, workers: int) -> None:
        preload = ["influence_graph.analysis.brokerage"]
        if isinstance(self.ties, _KernelTies):
            preload.append("influence_graph.analysis._bucket_kernel")  # a forkserver imports Numba once
        context = _processes.start_context(preload)
        for _ in range(workers):
            ours, theirs = context.Pipe()
            process = context.Process(target=_serve, args=(theirs, self.ties, self.order), daemon=True)
            process.start()
            theirs.close()
            self._workers.append((process, ours))
        # Started after the forks: no thread of ours is running while a child is forked.
        self._thread = threading.Thread(target=self._collect_guarded, name="brokerage", daemon=True)
        self._thread.start()

    def _collect_guarded(self) -> None:
        try:
            answer = self._collect(self._parallel_parts())
            if not self._closing:  # stopped by close(), the sums are partial
                self._answer = answer
        except BaseException as failure:  # re-raised in result(), in the caller's thread
            self._failure = failure

    def _part_sums(self, part: int) -> np.ndarray:
        """One part's sums of dependencies, computed in this process."""
        start, stop = self.parts[part]
        return self.ties.sums(self.order[start:stop])

    def _local_parts(self):
        for part in range(len(self.parts)):
            yield part, self._part_sums(part)

    def _parallel_parts(self):
        """Each part's sums as the workers finish them (in any order); a worker that
        dies has its part computed here instead."""
        queue = list(range(len(self.parts)))
        busy: dict[Connection, int] = {}

        def hand_out(conn: Connection) -> None:
            if queue:
                part = queue.pop(0)
                try:
                    conn.send((part, *self.parts[part]))
                except OSError:  # that worker is gone (BrokenPipeError): the part waits for another
                    queue.insert(0, part)
                    return
                busy[conn] = part

        for _, conn in self._workers:
            hand_out(conn)
        while busy:
            for conn in wait(list(busy)):
                try:
                    part, values = conn.recv()
                except (EOFError, OSError):
                    if self._closing:  # stopped by close(): nobody wants the answer
                        return
                    queue.append(busy.pop(conn))
                    continue
                del busy[conn]
                yield part, values
                hand_out(conn)
        for part in sorted(queue):  # every worker died
            if self._closing:
                return
            yield part, self._part_sums(part)

    def _collect(self, finished) -> Brokerage:
        """Add the parts in order and stop at the first step where the bound holds."""
        n = self.people
        pair_scale = 2.0 / ((n - 1) * (n - 2))  # igraph counts each unordered pair once
        total, waiting, added, used = np.zeros(n), {}, 0, 0
        for part, values in finished:
            waiting[part] = values
            while added in waiting:
                total += waiting.pop(added)
                used = self.parts[added][1]
                added += 1
                if self.sampled and used < n:
                    estimate = total * (pair_scale * n / used)
                    bound = error_bound(used, n, float(estimate.max()), self.delta)
                    if bound <= self.epsilon:
                        return Brokerage(dict(zip(self.nodes, estimate.tolist())), {
                            "method": "sampled", "sources": used, "people": n, "epsilon": self.epsilon,
                            "delta": self.delta, "seed": self.seed, "bound": round(bound, 6)})
        return Brokerage(dict(zip(self.nodes, (total * pair_scale).tolist())), {"method": "exact"})

    def result(self) -> Brokerage:
        """The scores and how they were computed; waits for the workers."""
        if self._answer is None and self._thread is None:
            self._answer = self._collect(self._local_parts())
        if self._thread is not None:
            self._thread.join()
        if self._failure is not None:
            raise self._failure
        assert self._answer is not None
        return self._answer

    def close(self) -> None:
        """Stop the workers (a sampled run stops them mid-part: their rest is not needed)
        and the thread collecting their answers, so that nothing of this run is left
        running (a thread still running would keep the next analysis from forking)."""
        self._closing = True
        for process, _ in self._workers:
            process.terminate()
        for process, _ in self._workers:
            process.join()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()  # it sees the workers gone and stops, computing nothing itself
        for _, conn in self._workers:
            conn.close()
        self._workers = []


def start_brokerage(ties: nx.Graph, **options: Any) -> BrokerageRun:
    """A :class:`BrokerageRun` of ``ties``, already working; ``options`` as its."""
    return BrokerageRun(ties, **options)


def estimate_brokerage(ties: nx.Graph, **options: Any) -> Brokerage:
    """Brokerage and how it was computed (exact, or the sample and its bound):
    :class:`BrokerageRun` run to the end. ``options``: ``exact``, ``exact_up_to``,
    ``jobs``, ``epsilon``, ``delta``, ``seed``, ``kernel`` (the compiled kernel: True,
    False, or by default from ``KERNEL_FROM`` people)."""
    run = BrokerageRun(ties, **options)
    try:
        return run.result()
    finally:
        run.close()


def brokerage(ties: nx.Graph, compiled: bool | None = None, **options: Any) -> dict[Hashable, float]:
    """Brokerage: normalized betweenness over tie lengths (attribute ``distance``,
    1/strength), i.e. the share of shortest paths between other people that run
    through each person. Undirected; in [0, 1].

    ``compiled`` picks the backend: igraph (True) or NetworkX (False); by default
    igraph above ``COMPILED_THRESHOLD`` people. Both count equally long paths as
    ties although float sums differ in the last digit: NetworkX here adds exact
    fractions, igraph compares lengths with a relative tolerance of 1e-10. Above
    ``EXACT_UP_TO`` people (``options`` as :func:`estimate_brokerage`'s) the scores
    are estimated from a sample of source people within a stated bound.

    >>> kite = nx.krackhardt_kite_graph()
    >>> nx.set_edge_attributes(kite, 1.0, "distance")
    >>> max(brokerage(kite).items(), key=lambda kv: kv[1])[0]  # Heather
    7
    """
    n = len(ties)
    if compiled is False or (compiled is None and 3 <= n <= COMPILED_THRESHOLD and ties.number_of_edges()):
        exact = nx.betweenness_centrality(_exact_lengths(ties), weight=g.DISTANCE, normalized=True)
        return {node: float(value) for node, value in exact.items()}
    return estimate_brokerage(ties, **options).scores
