"""The compiled loop behind :mod:`._brandes` (see there): Brandes' algorithm with a
ring of buckets ``width`` wide in place of a heap. Importing this module imports Numba.

Numba keeps the compiled loop in a cache beside this file (or in the user's cache
folder); where neither can be written, such as a read-only install, the loop is
compiled afresh in each process instead (about 1.5 s).
"""
from __future__ import annotations

import numba
import numpy as np

# igraph's IGRAPH_SHORTEST_PATH_EPSILON: two lengths this close (relative to their sum) are equal.
EPSILON = 1e-10


def _compiled(**options):
    """``numba.njit(cache=True, **options)``, or without the cache where Numba finds
    nowhere to keep it (it raises then, as the function is decorated)."""
    def decorate(function):
        try:
            return numba.njit(cache=True, **options)(function)
        except RuntimeError:  # "cannot cache function …: no locator available"
            return numba.njit(**options)(function)

    return decorate


@_compiled(inline="always")
def _equal(a: float, b: float) -> bool:
    return a == b or abs(a - b) / (abs(a) + abs(b)) < EPSILON


@_compiled(nogil=True)
def dependency_sums(indptr, indices, lengths, sources, width, slots):  # pragma: no cover (compiled)
    n = indptr.shape[0] - 1
    total = np.zeros(n)
    distance = np.empty(n)
    paths = np.empty(n)  # sigma: the number of shortest paths from the source
    dependency = np.empty(n)
    settled = np.empty(n, dtype=np.bool_)
    order = np.empty(n, dtype=np.int64)  # people in the order they were settled
    # The ring: bucket b's entries are a linked list from head[b % slots]; an entry is
    # made each time someone's distance falls, so there are at most (arcs + 1) of them.
    entry_person = np.empty(indices.shape[0] + 1, dtype=np.int64)
    entry_next = np.empty(indices.shape[0] + 1, dtype=np.int64)
    head = np.empty(slots, dtype=np.int64)
    for source in sources:
        distance[:] = np.inf
        paths[:] = 0.0
        dependency[:] = 0.0
        settled[:] = False
        head[:] = -1
        distance[source], paths[source] = 0.0, 1.0
        entry_person[0], entry_next[0], head[0] = source, -1, 0
        entries, pending, count, bucket = 1, 1, 0, 0
        while pending > 0:
            slot = bucket % slots
            entry, head[slot] = head[slot], -1
            first = count
            while entry != -1:  # everyone left in this bucket is settled: no one here can improve another
                pending -= 1
                person, entry = entry_person[entry], entry_next[entry]
                if not settled[person]:
                    settled[person] = True
                    order[count] = person
                    count += 1
            for position in range(first, count):
                person = order[position]
                here = distance[person]
                for arc in range(indptr[person], indptr[person + 1]):
                    other = indices[arc]
                    if settled[other]:
                        continue
                    via = here + lengths[arc]
                    known = distance[other]
                    if known == np.inf or (via < known and not _equal(via, known)):
                        distance[other], paths[other] = via, paths[person]
                        target = max(int(via / width), bucket + 1)  # float division may round down
                        entry_person[entries], entry_next[entries] = other, head[target % slots]
                        head[target % slots] = entries
                        entries += 1
                        pending += 1
                    elif _equal(via, known):
                        paths[other] += paths[person]
            bucket += 1
        for position in range(count - 1, 0, -1):  # Brandes' accumulation, farthest first
            person = order[position]
            here = distance[person]
            share = (1.0 + dependency[person]) / paths[person]
            for arc in range(indptr[person], indptr[person + 1]):
                other = indices[arc]
                if _equal(distance[other] + lengths[arc], here):
                    dependency[other] += paths[other] * share
            total[person] += dependency[person]
    return total
