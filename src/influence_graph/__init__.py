"""influence-graph: map a key account's real decision makers before a major bid.

The notebook API (DESIGN §5b)::

    import influence_graph as ig
    account = ig.load("examples/huaxin-auto.yaml")     # or an account id in a store
    result = ig.analyze(account, as_of="2026-11-20")
    result.people                                     # pandas DataFrame
    result.to_dict()                                  # the JSON of `ig analyze --format json`
    portfolio = ig.analyze_all("accounts/", jobs=2)   # every stored account; .table, .results
    ig.influence_map(account, result)                 # shows inline in Jupyter; .write_html(path)
    store = ig.open_store("accounts/")                # or neo4j://… ; .save .load .list .delete .query
    ig.write_analysis(store, account, result)         # Neo4j: the analysis onto the Person nodes
    ig.import_contacts("contacts.csv")                # a CRM export (Salesforce, HubSpot, Dynamics 365) -> Account
    ig.export(account, "acme.xlsx")                   # or .graphml / .gexf / .json for Gephi, yEd, Cytoscape

Heavy modules (pandas, networkx, pyvis) load on first use, so the command line
starts fast.
"""
from __future__ import annotations

import datetime as _dt
import os as _os
from typing import TYPE_CHECKING, Any

from .model import (
    Account,
    AccountFileError,
    AccountNotFound,
    AssumptionError,
    InfluenceGraphError,
    MergeConflict,
    StaleWriteError,
    StoreError,
    dump_account,
    load_account,
    parse_account,
    save_account,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from .analysis import AnalysisResult
    from .portfolio import Portfolio
    from .stores.base import Store


__all__ = [
    "Account",
    "AccountFileError",
    "AccountNotFound",
    "AnalysisResult",
    "AssumptionError",
    "InfluenceGraphError",
    "MergeConflict",
    "StaleWriteError",
    "StoreError",
    "__version__",
    "account_plan",
    "analyze",
    "analyze_all",
    "dump_account",
    "export",
    "import_contacts",
    "influence_map",
    "load",
    "load_account",
    "open_store",
    "parse_account",
    "save_account",
    "write_analysis",
]


def load(source: str | _os.PathLike[str], store: str | None = None) -> Account:
    """A validated :class:`Account` from a file path, or from an account id in a store.

    ``store`` is a directory or a ``neo4j://`` URL; by default ``INFLUENCE_GRAPH_STORE``
    or ``./accounts``. Bad files raise :class:`AccountFileError` naming file, item and field.

    >>> import influence_graph as ig
    >>> ig.load("no-such-file.yaml")
    Traceback (most recent call last):
    ...
    influence_graph.model.errors.AccountFileError: 1 problem in no-such-file.yaml:
      no-such-file.yaml: no such file
    """
    from .stores import load_source

    return load_source(_os.fspath(source), store)


def _account(account: Account | str | _os.PathLike[str]) -> Account:
    return account if isinstance(account, Account) else load(account)


def analyze(
    account: Account | str | _os.PathLike[str],
    as_of: str | _dt.date | None = None,
    assume: dict[str, str | float] | None = None,
    exact: bool = False,
    jobs: int | None = None,
) -> AnalysisResult:
    """Analyze an account (an :class:`Account`, a file path or a store id).

    ``as_of`` is "today" for follow-ups (default: the machine date); ``assume``
    maps person ids to stances for a what-if, e.g. ``{"zhao": "champion"}``;
    ``exact`` computes brokerage exactly at any size (sampled above 5,000 people);
    ``jobs``: worker processes for brokerage from 500 people (default one per CPU;
    the same answer for any number). The result's tables are DataFrames;
    ``result.to_dict()`` is the CLI's JSON.
    """
    from .analysis import analyze as _analyze

    return _analyze(_account(account), as_of=as_of, assume=assume, exact=exact, jobs=jobs)


def analyze_all(
    store: Store | str | _os.PathLike[str] | None = None,
    jobs: int | None = None,
    as_of: str | _dt.date | None = None,
    out_dir: str | _os.PathLike[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    exact: bool = False,
    replace: bool = True,
) -> Portfolio:
    """Analyze every account in a store (a store from :func:`open_store`, a directory
    or a Neo4j URL; default ``INFLUENCE_GRAPH_STORE`` or ``./accounts``) in ``jobs``
    worker processes (default: the number of CPUs).

    ``portfolio.table`` is one DataFrame row per account (opportunity, forecast
    support, relationship tier, uncovered decision makers, top risk; ``error`` for
    an account that could not be analyzed, naming its file and problem);
    ``portfolio.results[account_id]`` the full analysis. ``out_dir`` also writes
    ``<account_id>.json`` for each account and ``portfolio.csv`` / ``portfolio.md``.
    ``exact`` as in :func:`analyze`; ``replace=False`` refuses to replace files in ``out_dir``.
    """
    from .portfolio import analyze_all as _analyze_all

    return _analyze_all(store, jobs=jobs, as_of=as_of, out_dir=out_dir, progress=progress, exact=exact,
                        replace=replace)


def influence_map(
    account: Account | str | _os.PathLike[str],
    result: AnalysisResult | None = None,
    path: str | _os.PathLike[str] | None = None,
):
    """The interactive influence map (a pyvis ``Network``) that shows inline in
    Jupyter when it is the last line of a cell. ``path`` also writes it as a
    self-contained HTML file; ``.write_html(path)`` does the same later."""
    from .viz import influence_map as _influence_map

    account = _account(account)
    network = _influence_map(account, result if result is not None else analyze(account))
    if path is not None:
        network.write_html(_os.fspath(path))
    return network


def open_store(location: str | _os.PathLike[str] | None = None):
    """The store at ``location``: a directory (local files, no server) or a
    ``neo4j://`` / ``bolt://`` URL. Default: ``INFLUENCE_GRAPH_STORE`` or ``./accounts``."""
    from .stores import open_store as _open_store

    return _open_store(None if location is None else _os.fspath(location))


def write_analysis(store: Store, account: Account, result: AnalysisResult | None = None) -> None:
    """Write ``account``'s analysis onto its Person nodes in a Neo4j ``store``
    (``influence``, ``category``, ``coach_score``, ``faction``, ``in_decision_unit``),
    so Neo4j Browser and Bloom users can query and style by real power.

    ``account`` must have been saved to (or loaded from) ``store``: the analysis
    is written for that revision, and refused (:class:`StaleWriteError`) if the
    account was saved again since. ``result`` defaults to ``analyze(account)``.
    """
    revision = store.revision_of(account)
    if revision is None:
        raise StoreError(f"account {account.id!r} is not saved in {store.location}: save it there first")
    result = result if result is not None else analyze(account)
    if result["account"]["id"] != account.id:
        raise StoreError(f"that analysis is of account {result['account']['id']!r}, not {account.id!r}")
    store.write_analysis(account.id, result.person_properties(), revision)


def account_plan(
    account: Account | str | _os.PathLike[str],
    result: AnalysisResult | None = None,
    fmt: str = "html",
    path: str | _os.PathLike[str] | None = None,
) -> str:
    """The account plan for the bid review as HTML or Markdown text (``fmt``);
    ``path`` also writes it (atomically)."""
    from .report import render_plan

    account = _account(account)
    text = render_plan(account, result if result is not None else analyze(account), fmt=fmt)
    if path is not None:
        from .model import atomic_write_text

        atomic_write_text(path, text)
    return text


def import_contacts(
    path: str | _os.PathLike[str],
    account_name: str | None = None,
    into: Account | str | _os.PathLike[str] | None = None,
    mapping: str | _os.PathLike[str] | None = None,
) -> Account:
    """An account from a CRM's contacts export (CSV or XLSX: Salesforce, HubSpot,
    Dynamics 365 by their headers, anything else through a ``mapping`` file of
    ``column header: field`` lines), or from a workbook written by :func:`export`.

    ``account_name`` picks one account of an export that holds several; ``into`` (an
    :class:`Account`, a file or a store id) is an account to add the contacts to:
    new people are added, known ones (by CRM id, email, then name) get the export's
    title, department, reporting line and contact details, and nothing entered by
    hand is lost. Bad input raises :class:`AccountFileError`, located by row and column.
    """
    from .tables import import_table

    existing = None if into is None else _account(into)
    name = None if into is None or isinstance(into, Account) else _os.fspath(into)
    return import_table(path, account_name=account_name, mapping=mapping, into=existing, into_name=name).account


def export(
    account: Account | str | _os.PathLike[str],
    path: str | _os.PathLike[str],
    result: AnalysisResult | None = None,
) -> None:
    """Write ``account`` to ``path``: ``.xlsx`` is a workbook to edit in Excel (one
    sheet per section, drop-downs, read back by :func:`import_contacts`);
    ``.graphml``, ``.gexf`` and ``.json`` (node-link) are the analyzed graph for
    Gephi, yEd or Cytoscape (``result`` is analyzed when not given)."""
    from .graph_export import FORMATS, write_graph

    account = _account(account)
    suffix = _os.path.splitext(_os.fspath(path))[1].lower()
    if suffix == ".xlsx":
        from .tables import write_workbook

        write_workbook(account, path)
        return
    if suffix not in FORMATS:
        raise InfluenceGraphError(f"{_os.fspath(path)}: cannot export to {suffix or 'a name without a suffix'}; "
                                  f"use .xlsx, {', '.join(FORMATS)}")
    if result is None:
        from .analysis import analyze as _analyze

        result = _analyze(account, confidence=False)  # the graph carries no stability figures
    write_graph(account, result.analysis, path)


def __getattr__(name: str) -> Any:
    # AnalysisResult pulls in pandas; load it only when a notebook asks for it.
    if name == "AnalysisResult":
        from .analysis.result import AnalysisResult

        return AnalysisResult
    if name == "__version__":  # on first use: importlib.metadata costs 15 ms of every command's start-up
        globals()["__version__"] = _installed_version()
        return globals()["__version__"]
    raise AttributeError(f"module 'influence_graph' has no attribute {name!r}")


def _installed_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("influence-graph")
    except metadata.PackageNotFoundError:  # running from a checkout without installing
        return "0+unknown"
