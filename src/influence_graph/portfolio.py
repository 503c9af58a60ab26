"""Every stored account at once: ``ig analyze --all`` and ``ig.analyze_all``.

Accounts are analyzed in a pool of worker processes: the analysis is CPU-bound
Python, and threads measured slower than one account after another. A worker is
sent an account id only; it opens the store once, loads the account itself and
sends back a :class:`PortfolioRow` (plus the analysis JSON when the caller keeps
results in memory). Accounts never travel between processes pickled, and with an
output folder each worker writes its own ``<account_id>.json``.

A bad account (a hand-edited file that no longer loads, an id that does not match
its file) becomes a row with ``error`` set — the message names the file and the
problem — and the other accounts are analyzed as usual. Rows come back in the
store's order (sorted by id) however the workers finish, so the same store gives
the same portfolio.
"""
from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import gc
import io
import os
import signal
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._fs import check_target, write_text
from ._processes import default_jobs, start_context
from .model import FileWriteError, InfluenceGraphError
from .model.account import signed
from .analysis.wording import clean
from .report.text import md_text
from .sanitize import csv_cell
from .stores import open_store
from .stores.base import Store

if TYPE_CHECKING:
    import pandas as pd

    from .analysis import Analysis, AnalysisResult

PORTFOLIO_CSV = "portfolio.csv"
PORTFOLIO_MARKDOWN = "portfolio.md"
NAMES_SHOWN = 3  # uncovered decision makers named in a table cell; the rest counted
COLUMNS = ["Account", "Opportunity", "Forecast support", "Tier", "Uncovered decision makers", "Top risk"]
_COLUMN_SHARES = [4, 3, None, None, 4, 6]  # of a terminal's width (None: as wide as its text)
CSV_COLUMNS = [
    "account_id", "account", "opportunity", "close_date", "forecast_support", "tier",
    "decision_unit", "uncovered_decision_makers", "uncovered_names", "top_risk", "analysis_file", "error",
]


@dataclasses.dataclass(frozen=True)
class PortfolioRow:
    """One account's line in the portfolio: the headline answers, or why it failed."""

    account_id: str
    name: str | None = None
    opportunity: str | None = None
    close_date: dt.date | None = None
    support: float | None = None  # the forecast: where the decision unit settles, -1..1
    tier: str | None = None
    decision_unit: int = 0
    uncovered: tuple[str, ...] = ()  # names of the decision-unit members no one on our team is close to
    top_risk: str | None = None
    analysis_file: str | None = None
    error: str | None = None  # set when the account could not be analyzed; names the file and the problem

    @property
    def ok(self) -> bool:
        return self.error is None

    def cells(self) -> list[str]:
        """The row as the printed table shows it (``COLUMNS``).

        >>> PortfolioRow("x", "X", "Bid", support=0.25, tier="partner", decision_unit=4,
        ...              uncovered=("A", "B", "C", "D"), top_risk="no champion").cells()
        ['X', 'Bid', '+0.25', 'partner', '4 of 4: A, B, C and 1 more', 'no champion']
        """
        return [
            self.name or self.account_id,
            self.opportunity or "—",
            "n/a" if self.support is None else signed(self.support),
            self.tier or "—",
            self._uncovered_text(),
            self.top_risk or "none",
        ]

    def _uncovered_text(self) -> str:
        if not self.decision_unit:
            return "no decision unit"
        if not self.uncovered:
            return f"0 of {self.decision_unit}"
        shown = ", ".join(self.uncovered[:NAMES_SHOWN])
        more = len(self.uncovered) - NAMES_SHOWN
        return f"{len(self.uncovered)} of {self.decision_unit}: {shown}" + (f" and {more} more" if more > 0 else "")

    def record(self) -> list[Any]:
        """The row's values in ``CSV_COLUMNS`` order (``analysis_file`` as a name beside ``portfolio.csv``)."""
        return [
            self.account_id, self.name, self.opportunity, self.close_date, self.support, self.tier,
            self.decision_unit if self.ok else None, len(self.uncovered) if self.ok else None,
            "; ".join(self.uncovered) if self.ok else None, self.top_risk,
            Path(self.analysis_file).name if self.analysis_file else None,
            self.error,
        ]

    def csv_record(self) -> list[Any]:
        """The row for ``portfolio.csv``, text cells neutralized against formulas."""
        return [csv_cell(value) for value in self.record()]


def summarize(account_id: str, analysis: Analysis, analysis_file: str | None = None) -> PortfolioRow:
    """The portfolio row of one analyzed account."""
    opportunity = analysis.opportunity
    uncovered = [u.id for u in analysis.uncovered_decision_makers if analysis.person(u.id).in_dmu]
    return PortfolioRow(
        account_id=account_id,
        name=analysis.account.name,
        opportunity=opportunity.name if opportunity else None,
        close_date=opportunity.close_date if opportunity else None,
        support=None if analysis.forecast.support is None else round(analysis.forecast.support, 4),
        tier=analysis.relationship_depth.tier,
        decision_unit=len(analysis.decision_unit),
        uncovered=tuple(analysis.name_of(pid) for pid in uncovered),
        top_risk=analysis.risks[0].message if analysis.risks else None,
        analysis_file=analysis_file,
    )


@dataclasses.dataclass
class Portfolio:
    """Every account's row (sorted by account id), and each analysis on demand."""

    location: str  # the store's
    as_of: dt.date
    rows: list[PortfolioRow]
    out_dir: Path | None = None
    _json: dict[str, str] = dataclasses.field(default_factory=dict, repr=False)

    @property
    def failures(self) -> list[PortfolioRow]:
        return [row for row in self.rows if not row.ok]

    def result(self, account_id: str) -> AnalysisResult:
        """The full analysis of one account (the JSON of ``ig analyze --format json``, typed)."""
        from .analysis import Analysis, AnalysisResult

        row = next((r for r in self.rows if r.account_id == account_id), None)
        if row is None or not row.ok:
            reason = "it is not in the portfolio" if row is None else row.error
            raise InfluenceGraphError(f"no analysis of {account_id!r}: {reason}")
        if account_id in self._json:
            text = self._json[account_id]
        else:
            text = Path(row.analysis_file).read_text(encoding="utf-8")  # type: ignore[arg-type]
        return AnalysisResult(Analysis.model_validate_json(text))

    @property
    def results(self) -> Mapping[str, AnalysisResult]:
        """Each analyzed account's :class:`AnalysisResult` by id, read when first asked for."""
        return _Results(self)

    @property
    def table(self) -> pd.DataFrame:
        """The portfolio as a DataFrame, one row per account (failed ones with ``error``)."""
        import pandas as pd

        frame = pd.DataFrame([row.record() for row in self.rows], columns=CSV_COLUMNS)
        return frame.set_index("account_id", drop=False)

    def title(self) -> str:
        failed = len(self.failures)
        done = len(self.rows) - failed
        note = f", {failed} failed" if failed else ""
        return f"Portfolio — {done} account{'s' if done != 1 else ''} analyzed as of {self.as_of.isoformat()}{note}"

    def _failure_lines(self) -> list[str]:
        return [f"{row.account_id}: {row.error}" for row in self.failures]

    def to_text(self, width: int = 110, failures: bool = True) -> str:
        """The portfolio as terminal text: a table (rich), then (with ``failures``) the
        accounts that could not be analyzed. No control character of a name reaches the terminal."""
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        buffer = io.StringIO()
        console = Console(file=buffer, width=width, no_color=True, highlight=False, emoji=False)
        console.print(Text(self.title()))
        table = Table(box=None, pad_edge=False, padding=(0, 1), header_style="", expand=True)
        for column, share in zip(COLUMNS, _COLUMN_SHARES):
            table.add_column(column, overflow="fold", ratio=share, no_wrap=share is None)
        for row in self.rows:
            if row.ok:
                table.add_row(*(Text(clean(cell)) for cell in row.cells()))
        console.print(table)
        if failures and self.failures:
            console.print(Text("\nCould not analyze"))
            for line in self._failure_lines():
                console.print(Text(clean(line)))
        return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"

    def to_markdown(self, failures: bool = True) -> str:
        """The portfolio as Markdown (what ``portfolio.md`` holds): every cell escaped."""
        out = [f"# {md_text(self.title())}", "", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
        out += ["| " + " | ".join(md_text(cell) for cell in row.cells()) + " |" for row in self.rows if row.ok]
        if failures and self.failures:
            out += ["", "## Could not analyze", ""] + [f"- {md_text(line)}" for line in self._failure_lines()]
        return "\n".join(out) + "\n"

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(row.csv_record() for row in self.rows)
        return buffer.getvalue()

    def to_json_data(self) -> list[dict[str, Any]]:
        """The rows as JSON-ready dicts (dates as ISO text)."""
        return [
            {**dataclasses.asdict(row), "uncovered": list(row.uncovered),
             "close_date": row.close_date.isoformat() if row.close_date else None}
            for row in self.rows
        ]

    def write(self, out_dir: str | os.PathLike[str], replace: bool = True) -> tuple[Path, Path]:
        """Write ``portfolio.csv`` and ``portfolio.md`` into ``out_dir`` (each whole or not at all;
        ``replace=False`` refuses to replace an existing one)."""
        folder = Path(out_dir)
        paths = folder / PORTFOLIO_CSV, folder / PORTFOLIO_MARKDOWN
        write_text(paths[0], self.to_csv(), replace)
        write_text(paths[1], self.to_markdown(), replace)
        return paths


class _Results(Mapping):
    def __init__(self, portfolio: Portfolio):
        self._portfolio = portfolio
        self._ids = [row.account_id for row in portfolio.rows if row.ok]

    def __getitem__(self, account_id: str) -> AnalysisResult:
        if account_id not in self._ids:
            raise KeyError(account_id)
        return self._portfolio.result(account_id)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def analyze_all(
    store: Store | str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    as_of: str | dt.date | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    exact: bool = False,
    replace: bool = True,
) -> Portfolio:
    """Analyze every account in ``store`` (a :class:`Store`, a directory or a Neo4j URL;
    default ``$INFLUENCE_GRAPH_STORE`` or ``./accounts``) in ``jobs`` processes
    (default: the number of CPUs; 1 analyzes in this process).

    With ``out_dir``, each analysis is written as ``out_dir/<account_id>.json`` (the
    JSON of ``ig analyze --format json``) and the portfolio as ``portfolio.csv`` and
    ``portfolio.md`` (the folder is created if missing, its parent must exist; with
    ``replace=False`` an existing file of those is refused before any account is
    analyzed); without it the analyses are kept in memory
    (``portfolio.results``). ``progress(done, total)`` is called before the first
    account and after each one; ``exact`` as in :func:`~influence_graph.analysis.analyze`.
    Worker processes reopen the store from its location (a Neo4j store with the
    credentials in the environment, as ``open_store`` reads them).
    """
    from .analysis import _as_date  # also loads the analysis here once, before workers fork

    today = _as_date(as_of)
    opened = store if isinstance(store, Store) else open_store(store)
    try:
        ids = opened.ids()
        preload = len(ids) >= PRELOAD_SCIPY_FROM
        if preload:
            _load_sparse_products()
        folder = Path(out_dir) if out_dir is not None else None
        if folder is not None and ids:
            _prepare(folder, ids, replace)
        jobs = max(1, min(jobs or default_jobs(), len(ids)))
        task = _Task(today, None if folder is None else str(folder), exact, replace, 1 if jobs > 1 else None)
        if progress:
            progress(0, len(ids))
        if jobs == 1:
            outcomes = _serially(opened, ids, task, progress)
        else:
            outcomes = _in_pool(_location(opened), ids, task, jobs, progress, preload)
    finally:
        if opened is not store:
            opened.close()
    kept = {row.account_id: text for row, text in outcomes if text}
    portfolio = Portfolio(opened.location, today, [row for row, _ in outcomes], folder, kept)
    if folder is not None and ids:
        portfolio.write(folder, replace)
    return portfolio


def _prepare(folder: Path, ids: list[str], replace: bool) -> None:
    """The output folder, made if missing; every file to be written checked first."""
    if folder.is_dir():
        for name in [f"{account_id}.json" for account_id in ids] + [PORTFOLIO_CSV, PORTFOLIO_MARKDOWN]:
            check_target(folder / name, replace)
    elif folder.exists():
        raise FileWriteError(str(folder), "it is a file; name a folder for the analyses")
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise FileWriteError(str(folder), f"cannot create the folder: {exc.strerror or exc}") from None


@dataclasses.dataclass(frozen=True)
class _Task:
    """What every worker needs besides the account id (small, so cheap to send)."""

    as_of: dt.date
    out_dir: str | None  # write <id>.json here; None: send the JSON back
    exact: bool = False  # exact brokerage at any size
    replace: bool = True  # replace an existing <id>.json
    # brokerage workers per account: one (this process) when accounts already run side by side
    brokerage_jobs: int | None = None


Outcome = tuple[PortfolioRow, "str | None"]


def analyze_stored(store: Store, account_id: str, task: _Task) -> Outcome:
    """Load and analyze one stored account: its row, and its JSON unless written to a file.
    A user error (or a bug) becomes a row with ``error``, never an exception."""
    from .analysis import analyze

    try:
        result = analyze(store.load(account_id), as_of=task.as_of, exact=task.exact, jobs=task.brokerage_jobs)
        text = result.to_json() + "\n"
        if task.out_dir is None:
            return summarize(account_id, result.analysis), text
        path = Path(task.out_dir) / f"{account_id}.json"
        write_text(path, text, task.replace)
        return summarize(account_id, result.analysis, str(path)), None
    except InfluenceGraphError as exc:
        return PortfolioRow(account_id, error=str(exc)), None
    except Exception as exc:  # a bug: report it with the account, keep analyzing the others
        return PortfolioRow(account_id, error=f"unexpected error, please report it: {type(exc).__name__}: {exc}"), None


@contextlib.contextmanager
def _long_lived_objects_frozen() -> Iterator[None]:
    """Keep the garbage collector off everything that exists now (modules, the store) while
    many accounts are analyzed: each full collection would walk it again. 10–15 % of a
    100-person account's time."""
    if gc.get_freeze_count():  # someone froze already: theirs to undo
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _serially(store: Store, ids: list[str], task: _Task, progress) -> list[Outcome]:
    outcomes = []
    with _long_lived_objects_frozen():
        for account_id in ids:
            outcomes.append(analyze_stored(store, account_id, task))
            if progress:
                progress(len(outcomes), len(ids))
    return outcomes


def _location(store: Store) -> str:
    """Where a worker process reopens ``store``: its directory or its Neo4j URI."""
    return str(getattr(store, "directory", None) or getattr(store, "uri", None) or store.location)


# The store each worker process opened once (see _open_worker_store).
_worker_store: Store | None = None
# From this many accounts scipy is loaded once for all of them (0.13 s): its sparse
# products make each small account's confidence samples 3–4 ms faster, with the same
# bits as numpy's (a single small account is analyzed without scipy).
PRELOAD_SCIPY_FROM = 40


def _load_sparse_products() -> None:
    import scipy.sparse  # noqa: F401  (see PRELOAD_SCIPY_FROM)


def _open_worker_store(location: str, preload: bool = False) -> None:
    global _worker_store
    # Ctrl-C is the parent's to handle (it stops the workers): no traceback from each worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import influence_graph.analysis  # noqa: F401  (already there after a fork; loaded once otherwise)

    if preload:  # already there after a fork
        _load_sparse_products()

    _worker_store = open_store(location)
    gc.freeze()  # the worker's lifetime: see _long_lived_objects_frozen


def _in_worker(account_id: str, task: _Task) -> Outcome:
    assert _worker_store is not None, "the pool initializer opens the store"
    return analyze_stored(_worker_store, account_id, task)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14+
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()


def _in_pool(location: str, ids: list[str], task: _Task, jobs: int, progress, preload: bool) -> list[Outcome]:
    outcomes: dict[str, Outcome] = {}
    with ProcessPoolExecutor(jobs, mp_context=start_context(["influence_graph.portfolio", "influence_graph.analysis"]), initializer=_open_worker_store,
                             initargs=(location, preload)) as pool:
        try:
            futures = {pool.submit(_in_worker, account_id, task): account_id for account_id in ids}
            for future in as_completed(futures):
                account_id = futures[future]
                try:
                    outcomes[account_id] = future.result()
                except BrokenProcessPool:
                    outcomes[account_id] = PortfolioRow(
                        account_id, error="the worker process analyzing it stopped (out of memory?)"), None
                if progress:
                    progress(len(outcomes), len(ids))
        except BaseException:  # Ctrl-C: stop now, not after the accounts being analyzed
            _stop_workers(pool)  # before shutdown(), which forgets the processes
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return [outcomes[account_id] for account_id in ids]
