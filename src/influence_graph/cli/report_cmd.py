"""``ig report``: the account plan for the bid review."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..model import atomic_write_text
from ._common import as_of_option, cli, load_source, run_analysis, store_option, user_errors

FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}


@cli.command()
@click.argument("source")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The plan to write: FILE.html (printable, with the map) or FILE.md.")
@as_of_option
@store_option
def report(source: str, output: str, as_of: dt.date | None, store: str | None) -> None:
    """Write the account plan for the bid review: summary, decision unit, power versus
    title, coaches, warm paths, factions, follow-ups, risks and an action list."""
    fmt = FORMATS.get(Path(output).suffix.lower())
    if fmt is None:
        raise click.BadParameter("the file name must end in .html or .md", param_hint="'-o' / '--output'")
    account = load_source(source, store)
    from ..report import render_plan  # imports the analysis: only when writing a plan

    with user_errors():
        result = run_analysis(account, as_of=as_of)
        atomic_write_text(output, render_plan(account, result, fmt=fmt))
    click.echo(f"Wrote {output}: the account plan for {account.name}.")
