"""Commands on one account: demo, init, validate, schema, analyze."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from ..model import account_json_schema, atomic_write_text
from ..model.template import account_template
from ._common import as_of_option, cli, load_source, run_analysis, store_option, user_errors


def _team_names(account) -> dict[str, str]:
    return {m.id: m.name for m in account.team}


def _emit(text: str, output: str | None) -> None:
    """Print, or write to the file the user named (atomically)."""
    if output:
        with user_errors():
            atomic_write_text(output, text)
        click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(text, nl=not text.endswith("\n"))


@cli.command()
@click.option("--out", "out_dir", default="ig-demo", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write the example account, its analysis and its map into.")
def demo(out_dir: str) -> None:
    """Write the example account, its analysis and its map; print the summary."""
    from ..demo import DEMO_AS_OF, write_demo
    from ..report.summary import render_text

    with user_errors():
        written = write_demo(out_dir)
    data = written.result.to_dict()
    click.echo(render_text(data, _team_names(written.account)))
    click.echo(f"Example account (as of {DEMO_AS_OF}): {written.account_file}")
    click.echo(f"Analysis (JSON):  {written.analysis_file}")
    click.echo(f"Influence map:    {written.map_file}  (open it in a browser)")
    click.echo("Next: `ig init my-account` to map your own account.")


@cli.command()
@click.argument("account_id")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File to write (default ACCOUNT_ID.yaml).")
@click.option("--force", is_flag=True, help="Overwrite the file if it exists.")
def init(account_id: str, output: str | None, force: bool) -> None:
    """Start a new account file with comments that explain each section."""
    path = Path(output or f"{account_id}.yaml")
    if path.exists() and not force:
        raise click.ClickException(f"{path} already exists; use --force to overwrite it")
    with user_errors():
        atomic_write_text(path, account_template(account_id, str(path)))
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
    click.echo(f"OK: {source} — {account.name}: {counts}; decision unit of {len(account.decision_unit)}.")


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
@click.argument("source")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True,
              help="table: what to act on, for reading; json: every answer, for tools; markdown: for a wiki or email.")
@as_of_option
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of printing.")
@click.option("--assume", multiple=True, metavar="ID=STANCE",
              help="What-if: assume a person's stance (champion … opponent or -1..1) and show what changes; repeatable.")
@click.option("--exact", is_flag=True,
              help="Exact brokerage at any size (above 5,000 people it is sampled within a stated error by default).")
@store_option
def analyze(source: str, fmt: str, as_of: dt.date | None, output: str | None, assume: tuple[str, ...],
            exact: bool, store: str | None) -> None:
    """Analyze an account: real power, figureheads, coaches, gaps, follow-ups, risks, forecast."""
    from ..analysis.whatif import parse_assumptions
    from ..report.summary import render_markdown, render_text

    account = load_source(source, store)
    with user_errors():
        assumptions = parse_assumptions(assume) or None
    result = run_analysis(account, as_of=as_of, assume=assumptions, exact=exact)
    data = result.to_dict()
    if fmt == "json":
        text = result.to_json() + "\n"
    elif fmt == "markdown":
        text = render_markdown(data, _team_names(account))
    else:
        text = render_text(data, _team_names(account))
    _emit(text, output)
