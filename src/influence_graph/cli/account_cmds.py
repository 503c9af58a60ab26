"""Commands on one account: demo, init, validate, schema, analyze."""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
from pathlib import Path

import click

from ..model import account_json_schema
from ..model.template import account_template
from ..sanitize import terminal_text
from ._common import (
    ANALYSIS_MODULES,
    UserError,
    as_of_option,
    check_outputs,
    cli,
    force_option,
    load_source,
    run_analysis,
    store_option,
    user_errors,
    write_output,
)


def _terminal() -> tuple[int, bool]:
    """The briefing's width and whether to style it: ``COLUMNS`` when set, else the
    terminal's width, else 80 (as click and rich read it); bold and colour only on a
    terminal and never with ``NO_COLOR`` set."""
    width = shutil.get_terminal_size((80, 24)).columns
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    return width, color


def _briefing(result, full: bool = False, styled: bool = True) -> str:
    from ..report.summary import render_text

    width, color = _terminal()
    return render_text(result, width=width, color=color and styled, full=full)


def _emit(text: str, output: str | None, force: bool) -> None:
    """Print, or write to the file the user named (atomically, by the overwrite rule)."""
    if output:
        write_output(output, text, force)
        click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(text, nl=not text.endswith("\n"))


@cli.command()
@click.option("--out", "out_dir", default="ig-demo", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write the example account, its analysis and its map into (created if missing).")
@force_option
def demo(out_dir: str, force: bool) -> None:
    """Write the example account, its analysis and its map; print the summary."""
    from ..demo import DEMO_AS_OF, write_demo

    with user_errors():  # refuses existing files (without --force) before doing any work
        written = write_demo(out_dir, replace=force)
    click.echo(_briefing(written.result), nl=False)
    click.echo(f"Example account (as of {DEMO_AS_OF}): {written.account_file}")
    click.echo(f"Analysis (JSON):  {written.analysis_file}")
    click.echo(f"Influence map:    {written.map_file}  (open it in a browser)")
    click.echo("Next: `ig init my-account` to map your own account.")


@cli.command()
@click.argument("account_id")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File to write (default ACCOUNT_ID.yaml).")
@force_option
def init(account_id: str, output: str | None, force: bool) -> None:
    """Start a new account file with comments that explain each section."""
    path = Path(output or f"{account_id}.yaml")
    with user_errors():
        text = account_template(account_id, str(path))
    write_output(path, text, force)
    click.echo(f"Wrote {path}. Fill it in, then run: ig validate {path}")


@cli.command()
@click.argument("source")
@store_option
def validate(source: str, store: str | None) -> None:
    """Check an account; exit 1 with every problem listed if it is bad."""
    account = load_source(source, store)
    counts = ", ".join(
        f"{len(getattr(account, section))} {section.replace('_', ' ')}"
        for section in ("people", "departments", "channels", "team", "relationships", "touches")
    )
    click.echo(f"OK: {terminal_text(source)} — {terminal_text(account.name, limit=200)}: {counts}; "
               f"decision unit of {len(account.decision_unit)}.")


@cli.command()
@click.option("--result", "of_result", is_flag=True,
              help="The schema of the analysis result (`ig analyze --format json`) instead of the account file.")
def schema(of_result: bool) -> None:
    """Print the JSON Schema of the account file (for editors), or of the analysis result."""
    if of_result:
        from ..analysis.result import result_json_schema

        click.echo(json.dumps(result_json_schema(), indent=2, ensure_ascii=False))
        return
    click.echo(json.dumps(account_json_schema(), indent=2))


@cli.command()
@click.argument("source", required=False)
@click.option("--all", "all_accounts", is_flag=True,
              help="Every account in the store, in parallel: a portfolio table, and with -o DIR one JSON per account.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True,
              help="table: what to act on, for reading; json: every answer, for tools; markdown: for a wiki or email.")
@as_of_option
@click.option("-o", "--output", type=click.Path(), metavar="PATH",
              help="Write to this file instead of printing; with --all, the folder for <account>.json and "
              "portfolio.csv / portfolio.md.")
@force_option
@click.option("--assume", multiple=True, metavar="ID=STANCE",
              help="What-if: assume a person's stance (champion … opponent or -1..1) and show what changes; repeatable.")
@click.option("--full", is_flag=True,
              help="Every row of every section (table, markdown); by default the briefing keeps to about 60 lines.")
@click.option("--exact", is_flag=True,
              help="Exact brokerage at any size (above 5,000 people it is sampled within a stated error by default).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Processes to use (default: the number of CPUs): with --all, accounts analyzed at once; "
              "for one account of 500 people or more, the workers computing brokerage.")
@store_option
def analyze(source: str | None, all_accounts: bool, fmt: str, as_of: dt.date | None, output: str | None,
            force: bool, assume: tuple[str, ...], full: bool, exact: bool, jobs: int | None, store: str | None) -> None:
    """Analyze an account: real power, figureheads, coaches, gaps, follow-ups, risks, forecast.

    The table is a briefing that fits the terminal's width: the deal, what to act on
    first (owner and date), the biggest risks, who nobody on our team is close to,
    who really decides.

    With --all, every account in the store, each in its own process: a portfolio
    table (account, opportunity, forecast support, tier, uncovered decision makers,
    top risk). A bad account is reported and the others are still analyzed; the
    exit code is then 1.
    """
    if all_accounts:
        if source is not None:
            raise click.UsageError("give SOURCE or --all, not both")
        if assume:
            raise click.UsageError("--assume is a what-if on one account; it does not work with --all")
        _analyze_portfolio(store, fmt, as_of, output, force, jobs, exact)
        return
    if source is None:
        raise click.UsageError("Missing argument 'SOURCE' (an account file or id; or --all for every stored account).")
    if output and Path(output).is_dir():
        raise click.BadParameter(f"{output} is a folder; name a file", param_hint="'-o' / '--output'")
    if output:
        check_outputs([output], force)
    account = load_source(source, store, meanwhile=ANALYSIS_MODULES)
    from ..analysis.whatif import parse_assumptions

    with user_errors():
        assumptions = parse_assumptions(assume) or None
    result = run_analysis(account, as_of=as_of, assume=assumptions, exact=exact, jobs=jobs)
    if fmt == "json":
        text = result.to_json() + "\n"
    elif fmt == "markdown":  # the briefing's renderers load only for it: --format json is what scripts run
        from ..report.summary import render_markdown

        text = render_markdown(result, full=full)
    else:
        text = _briefing(result, full=full, styled=output is None)
    _emit(text, output, force)


class _ProgressBar:
    """click's progress bar on stderr, started once the number of accounts is known."""

    def __init__(self) -> None:
        self._bar = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            self._bar = click.progressbar(length=total, label="Analyzing", file=sys.stderr,
                                          show_pos=True, width=30).__enter__()
        self._bar.update(done - self._bar.pos)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.render_finish()


def _analyze_portfolio(store: str | None, fmt: str, as_of: dt.date | None, output: str | None, force: bool,
                       jobs: int | None, exact: bool) -> None:
    """``ig analyze --all``: the portfolio, printed; failures on stderr and exit code 1."""
    from ..portfolio import PORTFOLIO_CSV, PORTFOLIO_MARKDOWN, analyze_all

    if output and Path(output).exists() and not Path(output).is_dir():
        raise click.BadParameter(f"{output} is a file; name a folder for the analyses", param_hint="'-o' / '--output'")
    bar = _ProgressBar() if sys.stderr.isatty() else None
    try:
        with user_errors():
            portfolio = analyze_all(store, jobs=jobs, as_of=as_of, out_dir=output, progress=bar,
                                    exact=exact, replace=force)
    finally:
        if bar is not None:
            bar.close()
    if not portfolio.rows:
        raise UserError(f"no accounts in the store {portfolio.location}; add one with `ig push FILE`, "
                        "or point --store (or INFLUENCE_GRAPH_STORE) at your store")
    if fmt == "json":
        click.echo(json.dumps(portfolio.to_json_data(), indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        click.echo(portfolio.to_markdown(failures=False), nl=False)
    else:
        width = shutil.get_terminal_size((110, 24)).columns if sys.stdout.isatty() else 110
        click.echo(portfolio.to_text(width=max(width, 80), failures=False), nl=False)
    if output:
        done = len(portfolio.rows) - len(portfolio.failures)
        click.echo(f"Wrote {done} analyses and {PORTFOLIO_CSV}, {PORTFOLIO_MARKDOWN} to {output}", err=True)
    for row in portfolio.failures:
        click.echo(f"Error: {row.account_id}: {row.error}", err=True)
    if portfolio.failures:
        raise UserError(f"{len(portfolio.failures)} of {len(portfolio.rows)} accounts could not be analyzed")
