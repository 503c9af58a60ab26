"""Worker processes: how many this process may use and how to start them.

Shared by the analysis (brokerage over several processes), the portfolio (one
account per process) and the command line (a file loaded apart while the analysis'
libraries are imported: :class:`ForkedCall`); nothing here knows what the workers
compute.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import pickle
import signal
import threading
from collections.abc import Callable
from typing import Any


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


class ForkedCallFailed(Exception):
    """A :class:`ForkedCall` gave no answer: the call raised, the child died, or its
    answer would not pickle. The caller computes the answer itself."""


class ForkedCall:
    """``function(*args)`` computed in a forked child while this process does something
    else: :meth:`result` waits for the child and returns its answer, pickled across a
    pipe. On any failure it raises :class:`ForkedCallFailed` instead of the child's
    error (errors do not all pickle, and some carry more than their message), so the
    caller calls ``function`` itself and gets exactly the error it would have got.
    Fork only where :func:`can_fork`; ``OSError`` where no process can be had. Always
    :meth:`result` or :meth:`close` it.

    >>> if can_fork():  # where no other thread runs (a test runner's may)
    ...     assert ForkedCall(sum, [1, 2, 3]).result() == 6
    """

    def __init__(self, function: Callable[..., Any], *args: Any):
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no process to be had: no pipe left open either
            os.close(read_end)
            os.close(write_end)
            raise
        if pid == 0:
            os.close(read_end)
            _answer_and_exit(write_end, function, args)
        os.close(write_end)
        self._pid: int | None = pid
        self._read_end: int | None = read_end

    def result(self) -> Any:
        """The answer; :class:`ForkedCallFailed` if there is none."""
        if self._read_end is None:
            raise ForkedCallFailed("the answer was taken or the call closed")
        with os.fdopen(self._read_end, "rb") as pipe:
            self._read_end = None
            payload = pipe.read()
        if self._reap() != 0 or not payload:
            raise ForkedCallFailed("the forked call gave no answer")
        return pickle.loads(payload)  # from our own child: trusted

    def close(self) -> None:
        """Stop the child if it is still working and wait for it; nothing is left running."""
        if self._read_end is not None:
            os.close(self._read_end)
            self._read_end = None
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:  # already gone: it is reaped below
                pass
            self._reap()

    def _reap(self) -> int:
        pid, self._pid = self._pid, None
        if pid is None:
            return 1
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)


def _answer_and_exit(write_end: int, function: Callable[..., Any], args: tuple) -> None:
    """In the forked child: write the pickled answer and exit 0, or exit 1 without a word
    (no traceback: the caller computes it again and reports its own error). The child
    never runs its parent's exit handlers nor flushes its parent's buffered output."""
    status = 1
    try:
        payload = pickle.dumps(function(*args), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
        status = 0
    finally:
        os._exit(status)
