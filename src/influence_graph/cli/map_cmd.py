"""``ig map``: the interactive influence map as one self-contained HTML file."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..sanitize import terminal_text
from ._common import ANALYSIS_MODULES, as_of_option, check_outputs, cli, force_option, load_source, run_analysis, store_option, user_errors, write_output

HTML_SUFFIXES = (".html", ".htm")


@cli.command("map")
@click.argument("source")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The map to write: FILE.html (one file, works offline).")
@force_option
@click.option("--open", "open_it", is_flag=True, help="Open the map in the browser once written.")
@as_of_option
@store_option
def map_command(source: str, output: str, force: bool, open_it: bool, as_of: dt.date | None, store: str | None) -> None:
    """Write the interactive influence map: who really decides, stances, coverage,
    coaches and channels, with search, filters and the reasons on hover."""
    if Path(output).suffix.lower() not in HTML_SUFFIXES:
        raise click.BadParameter("the file name must end in .html", param_hint="'-o' / '--output'")
    check_outputs([output], force)
    account = load_source(source, store, meanwhile=("influence_graph.viz", *ANALYSIS_MODULES))
    from ..viz import influence_map  # pyvis is slow to import: only when drawing

    with user_errors():
        result = run_analysis(account, as_of=as_of, confidence=False)  # the map does not show it
        page = influence_map(account, result).generate_html()
    write_output(output, page, force)
    click.echo(f"Wrote {output}: the influence map of {terminal_text(account.name, limit=200)} "
               f"({len(account.people)} people).")
    if open_it:
        click.launch(str(Path(output).resolve()))
