"""The click group, shared options and the one place library errors become click errors."""
from __future__ import annotations

import atexit
import contextlib
import gc
import datetime as dt
import importlib
import os
import sys
import threading
from collections.abc import Iterable, Iterator
from typing import NoReturn

import click

from .._fs import check_target, write_text
from ..model import InfluenceGraphError, OutputExists
from ..sanitize import terminal_text

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class UserError(click.ClickException):
    """A user mistake: the message and exit code 1, no traceback."""

    exit_code = 1

    def show(self, file=None) -> None:
        # Messages quote the user's files (names, keys): shown, never obeyed by the terminal.
        click.echo(f"Error: {terminal_text(self.format_message(), keep_newlines=True)}", err=True)


def _exists_message(path: str | os.PathLike[str]) -> str:
    return f"{os.fspath(path)} already exists; add --force to replace it"


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn the package's own errors into a clean message and exit code 1."""
    try:
        yield
    except OutputExists as exc:
        raise UserError(_exists_message(exc.path)) from None
    except InfluenceGraphError as exc:
        raise UserError(str(exc)) from None


# --- the one rule for files a command writes ------------------------------------------
# A command never replaces an existing file unless --force is given; it checks every
# file it will write before doing any work, and writes each whole or not at all
# (influence_graph._fs: permissions kept, only regular files replaced, no folder created).

force_option = click.option("--force", is_flag=True, help="Replace the output file if it exists.")


def check_outputs(paths: Iterable[str | os.PathLike[str]], force: bool) -> None:
    """Refuse, before any work, if a file the command will write exists (without
    ``--force``) or cannot be written there (a link, a folder, a missing folder)."""
    with user_errors():
        for path in paths:
            check_target(path, replace=force)


def write_output(path: str | os.PathLike[str], text: str, force: bool) -> None:
    """Write a command's output file by the rule above."""
    with user_errors():
        write_text(path, text, replace=force)


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="influence-graph", prog_name="influence-graph")
def cli() -> None:
    """Map a key account's real decision makers before a major bid.

    Start with `ig demo`, then `ig init ACCOUNT_ID` to map your own account.
    """


GC_EVERY = 200_000  # new objects between collections of the youngest generation, in a command


def main() -> None:
    # OpenBLAS starts a thread pool when numpy loads (60 ms of CPU on two cores) that the
    # analysis gains nothing from: its BLAS calls are on vectors (the large solver's dot
    # products and norms), which shared out stall on a busy machine (a large analysis
    # also limits BLAS itself, for notebooks). One thread for the command and its
    # brokerage workers, unless the user chose otherwise.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # A command builds its account's graphs once and exits, and almost nothing it makes
    # is garbage: collecting every 700 new objects (Python's default) cost 0.14 s of
    # `ig analyze` at 1,000 people, every 50,000 still 35 ms; every 200,000 leaves the
    # analysis of 1,000 people uncollected and raised the peak memory at 5,000 by 1 %.
    gc.set_threshold(GC_EVERY, *gc.get_threshold()[1:])
    try:
        cli(prog_name="ig" if sys.argv and sys.argv[0].endswith("ig") else "influence-graph")
    except SystemExit as done:  # click ends every command, success or not, with SystemExit
        exit_now(done.code)


def exit_code(code: object) -> int:
    """The process exit code ``sys.exit(code)`` gives (a message is printed first, as Python does).

    >>> exit_code(None), exit_code(0), exit_code(2)
    (0, 0, 2)
    """
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def exit_now(code: object) -> NoReturn:
    """End the command as a normal exit would (threading's exit callbacks run and
    non-daemon threads joined, then the ``atexit`` handlers: multiprocessing's,
    logging's, coverage's; output flushed), but without its last step: freeing every
    module and object one by one, which the operating system does at once anyway.
    For the modules `ig analyze` loads (numpy, pydantic, NetworkX, igraph) that step
    alone took 88–126 ms (``benchmarks/startup.py``). mypy's console script ends the
    same way."""
    status = exit_code(code)
    # The interpreter's own first two steps at exit, in its order: threading's exit
    # callbacks (concurrent.futures') and waiting for every non-daemon thread; then the
    # atexit handlers.
    shutdown = getattr(threading, "_shutdown", None)
    if shutdown is not None:
        shutdown()
    else:  # a Python without it: wait for the threads ourselves
        for thread in threading.enumerate():
            if thread is not threading.current_thread() and not thread.daemon:
                thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away (`| head`), a closed stream: nothing to add
            pass
    os._exit(status)


store_option = click.option(
    "--store",
    envvar="INFLUENCE_GRAPH_STORE",
    default=None,
    metavar="DIR_OR_URL",
    help="Where accounts live: a directory (default ./accounts) or neo4j://… / bolt://… "
    "[env INFLUENCE_GRAPH_STORE].",
)


# A file of this size is loaded in a forked process while the command imports what it
# needs next (the analysis: 0.2 s). `benchmarks/load.py`: 1,000 people (0.34 MB of
# YAML) load in 0.10 s and are handed over (pickled there, unpickled here) in 0.01 s
# each way; 5,000 (1.8 MB) load in 0.64 s and take 0.12 s and 0.16 s to hand over, so
# from 1–2 MB on the command would wait longer for the child than it saves. Below
# 100 kB (300 people, a load of 0.03 s) the load is about what the fork costs the
# command (every page it writes to afterwards is copied first).
LOAD_APART_FROM = 100_000  # bytes
LOAD_APART_UP_TO = 1_000_000


def load_source(source: str, store: str | None, meanwhile: Iterable[str] = ()):
    """SOURCE as an Account: a file path, or an account id in the store.

    ``meanwhile``: modules the command imports next (the analysis: numpy, NetworkX,
    igraph). Where it pays and is safe (a file of ``LOAD_APART_FROM`` to
    ``LOAD_APART_UP_TO`` bytes, a second CPU, no other thread running), the file is
    loaded in a forked process while this one imports them. If that process gives no
    account (a bad file, say), the file is loaded here, so every message is the one
    loading gives."""
    from ..stores import load_source as _load_source

    apart = _loading_apart(source) if meanwhile else None
    if apart is not None:
        try:
            for module in meanwhile:
                importlib.import_module(module)
            account = _answer(apart)
        finally:
            apart.close()
        if account is not None:
            return account
    with user_errors():
        return _load_source(source, store)


def _answer(call):
    """The answer of a forked call, or None when it gave none."""
    from .._processes import ForkedCallFailed

    try:
        return call.result()
    except ForkedCallFailed:
        return None


def _loading_apart(source: str):
    """A :class:`~influence_graph._processes.ForkedCall` loading the file SOURCE, or
    None where it would not pay (a store id, a small or a large file, one CPU) or is not
    safe."""
    from .._processes import ForkedCall, can_fork, default_jobs
    from ..model import load_account
    from ..stores import looks_like_file

    try:
        worth_it = looks_like_file(source) and LOAD_APART_FROM <= os.path.getsize(source) <= LOAD_APART_UP_TO
    except OSError:  # no such file (yet): loading here says so
        return None
    if not worth_it or default_jobs() < 2 or not can_fork():
        return None
    try:
        return ForkedCall(load_account, source)
    except OSError:  # no process or pipe to be had (a limit): load here
        return None


class IsoDate(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date (use YYYY-MM-DD)", param, ctx)


as_of_option = click.option(
    "--as-of", type=IsoDate(), default=None,
    help="The day to count follow-ups and deadlines from (default today).",
)


ANALYSIS_MODULES = ("influence_graph.analysis",)  # what a command that analyzes imports next


def run_analysis(account, **options):
    """``influence_graph.analysis.analyze``, imported on first use: numpy, networkx and
    igraph cost a quarter of a second, which `ig validate` or `ig --help` should not pay."""
    from ..analysis import analyze

    with user_errors():
        return analyze(account, **options)
