"""Worker processes: how many this process may use and how to start them.

Shared by the analysis (brokerage over several processes) and the portfolio (one
account per process); nothing here knows what the workers compute.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import threading


def default_jobs() -> int:
    """The number of CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_start_workers() -> bool:
    """Whether this process may start worker processes: not inside a daemonic one (a
    ``multiprocessing.Pool`` worker), which Python forbids to have children."""
    return not multiprocessing.current_process().daemon


def can_fork() -> bool:
    """Whether workers can be forked safely: the platform forks and no other thread
    runs here (a thread holding a lock at the fork would leave it held in the child)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def start_context(preload: list[str]) -> multiprocessing.context.BaseContext:
    """fork when it is safe (:func:`can_fork`: the command line), so workers start with
    everything already imported; otherwise forkserver with ``preload`` imported once,
    or spawn where neither exists."""
    if can_fork():
        return multiprocessing.get_context("fork")
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(preload)
        return context
    return multiprocessing.get_context("spawn")


# Workers run at this much lower priority than the process that waits for them: it has
# the rest of the analysis to do, and it is what the user waits for.
WORKER_NICENESS = 10


def yield_to_parent() -> None:
    """Lower this (worker) process's priority by :data:`WORKER_NICENESS`: where workers
    and their parent share too few cores, the parent, which has the rest of the work,
    keeps one to itself instead of a share."""
    try:
        os.nice(WORKER_NICENESS)
    except (AttributeError, OSError):  # no nice() here, or not allowed: the same answer, later
        pass
