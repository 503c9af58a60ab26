"""Brandes' dependency sums over tie lengths, compiled with Numba, for large accounts.

igraph's weighted betweenness keeps the people yet to be reached in a binary heap.
Every tie here is at least as long as the shortest one (``width``), so no one whose
distance lies in ``[k·width, (k + 1)·width)`` can be reached more cheaply through
anyone else in that band: a whole band is settled at once, and a ring of buckets
replaces the heap (Dial 1969; Dinitz 1978). That takes 1.4 ms per source person
instead of igraph's 2.7 ms at 10,000 people, 3.2 ms instead of 6.9 ms at 20,000
(``benchmarks/brokerage.py --kernel``). Equally long paths are told apart as igraph
does it (a relative tolerance of 1e-10), so the sums are igraph's (tested).

The loop itself is in :mod:`._bucket_kernel`, imported on first use: Numba compiles
it then, or loads it from its cache next to that file (~0.5 s with Numba's import), so
a process that only builds the arrays, such as the one that forks the workers, never
pays for it.
"""
from __future__ import annotations

from typing import NamedTuple

import igraph
import numpy as np

# The ring holds longest/shortest tie + 2 buckets, and a source's walk visits every bucket up
# to its farthest person; above this ratio of lengths igraph's heap is the better tool.
MAX_LENGTH_RATIO = 64.0


class TieArrays(NamedTuple):
    """An undirected graph with positive edge lengths, as the kernel reads it: each
    person's ties (both directions) in compressed sparse rows, and the bucket ring."""
    indptr: np.ndarray  # int64, people + 1
    indices: np.ndarray  # int32, 2 × ties
    lengths: np.ndarray  # float64, 2 × ties
    width: float  # the shortest tie
    slots: int  # buckets in the ring

    def sums(self, sources) -> np.ndarray:
        """Each person's summed dependency over the shortest paths from ``sources``,
        halved (each unordered pair once), as igraph's ``betweenness(sources=…)``."""
        return dependency_sums(self, sources)


def tie_arrays(graph: igraph.Graph, weight: str) -> TieArrays | None:
    """``graph`` (undirected, lengths in edge attribute ``weight``) as :class:`TieArrays`,
    or ``None`` when it has no ties or its lengths are too uneven for the ring
    (:data:`MAX_LENGTH_RATIO`).

    >>> arrays = tie_arrays(igraph.Graph([(0, 1), (1, 2)]), "weight")
    >>> arrays.indptr.tolist(), arrays.indices.tolist(), arrays.width, arrays.slots
    ([0, 1, 3, 4], [1, 2, 0, 1], 1.0, 3)
    """
    if graph.ecount() == 0:
        return None
    edges = np.asarray(graph.get_edgelist(), dtype=np.int64)
    lengths = np.asarray(graph.es[weight] if weight in graph.es.attributes() else [1.0] * len(edges), dtype=float)
    width, longest = float(lengths.min()), float(lengths.max())
    if not width > 0 or longest / width > MAX_LENGTH_RATIO:
        return None
    tails = np.concatenate([edges[:, 0], edges[:, 1]])
    heads = np.concatenate([edges[:, 1], edges[:, 0]])
    order = np.argsort(tails, kind="stable")  # stable: the same arcs in the same order every run
    indptr = np.zeros(graph.vcount() + 1, dtype=np.int64)
    np.cumsum(np.bincount(tails, minlength=graph.vcount()), out=indptr[1:])
    return TieArrays(indptr, heads[order].astype(np.int32), np.concatenate([lengths, lengths])[order],
                     width, int(np.ceil(longest / width)) + 2)


def dependency_sums(arrays: TieArrays, sources) -> np.ndarray:
    """Brandes' dependencies of every person on the shortest paths from each of
    ``sources`` (person positions), summed and halved: igraph's undirected weighted
    ``betweenness(sources=sources)``.

    >>> dependency_sums(tie_arrays(igraph.Graph([(0, 1), (1, 2)]), "weight"), [0, 1, 2]).tolist()
    [0.0, 1.0, 0.0]
    >>> dependency_sums(tie_arrays(igraph.Graph([(0, 1), (1, 2)]), "weight"), [0]).tolist()
    [0.0, 0.5, 0.0]
    """
    from ._bucket_kernel import dependency_sums as compiled

    chosen = np.asarray(sources, dtype=np.int64)
    if chosen.size and (chosen.min() < 0 or chosen.max() >= len(arrays.indptr) - 1):
        raise IndexError(f"a source outside the graph's {len(arrays.indptr) - 1} people")
    return compiled(arrays.indptr, arrays.indices, arrays.lengths, chosen, arrays.width, arrays.slots) / 2
