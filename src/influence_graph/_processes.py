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


class ForkedCall:
    """``function(*args, **kwargs)`` computed in a forked child process (which inherits
    everything, so only the answer is sent back); :meth:`result` waits for it and
    re-raises what the child raised. Only where :func:`can_fork` and
    :func:`can_start_workers`."""

    def __init__(self, function, *args, **kwargs):
        context = multiprocessing.get_context("fork")
        self._answer, theirs = context.Pipe(duplex=False)
        self._process = context.Process(target=_answer_call, args=(theirs, function, args, kwargs), daemon=True)
        self._process.start()
        theirs.close()

    def result(self):
        try:
            ok, value = self._answer.recv()
        except EOFError:
            raise RuntimeError("the worker process stopped before answering (out of memory?)") from None
        finally:
            self._answer.close()
            self._process.join()
        if not ok:
            raise value
        return value


def _answer_call(conn, function, args, kwargs) -> None:
    try:
        answer = (True, function(*args, **kwargs))
    except BaseException as failure:  # sent to the parent, raised there
        answer = (False, failure)
    conn.send(answer)
    conn.close()
