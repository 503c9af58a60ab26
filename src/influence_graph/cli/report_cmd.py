"""``ig report``: the account plan for the bid review."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..sanitize import terminal_text
from ._common import ANALYSIS_MODULES, as_of_option, check_outputs, cli, force_option, load_source, run_analysis, store_option, user_errors, write_output

FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}


@cli.command()
@click.argument("source")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The plan to write: FILE.html (printable, with the map) or FILE.md.")
@click.option("--since", metavar="REV",
              help="Add \"Since the last review\": what changed since revision REV of the account in the store "
                   "(or since another SOURCE). By default a stored account is compared with its previous revision.")
@force_option
@as_of_option
@store_option
def report(source: str, output: str, since: str | None, force: bool, as_of: dt.date | None, store: str | None) -> None:
    """Write the account plan for the bid review: summary, what changed since the last
    review, decision unit, power versus title, coaches, warm paths, factions,
    follow-ups, risks and an action list."""
    fmt = FORMATS.get(Path(output).suffix.lower())
    if fmt is None:
        raise click.BadParameter("the file name must end in .html or .md", param_hint="'-o' / '--output'")
    check_outputs([output], force)
    account = load_source(source, store, meanwhile=("influence_graph.report", *ANALYSIS_MODULES))
    from ..report import render_plan  # imports the analysis: only when writing a plan

    from ..report.diff import diff, review_section
    from ..stores import earlier_version

    with user_errors():
        result = run_analysis(account, as_of=as_of)
        earlier = earlier_version(source, account, since, store)
        review = review_section(diff(earlier[0], account, as_of=result.analysis.as_of), earlier[1]) if earlier else None
        plan = render_plan(account, result, fmt=fmt, since=review)
    write_output(output, plan, force)
    click.echo(f"Wrote {output}: the account plan for {terminal_text(account.name, limit=200)}.")
