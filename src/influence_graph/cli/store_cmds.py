"""``ig push`` / ``ig pull`` / ``ig history`` / ``ig accounts`` / ``ig query``: accounts in a store."""
from __future__ import annotations

import json
from typing import Any

import click

from ..sanitize import csv_cell, terminal_text
from ..stores import open_store
from ..stores.cypher import named_queries
from ._common import check_outputs, cli, force_option, run_analysis, store_option, user_errors

CELL = 80  # characters of a table cell shown in the terminal; the JSON output has everything

FORMATS = click.Choice(["table", "json", "csv"])


def _param_value(text: str) -> Any:
    """A --param value: JSON if it parses (10, 0.5, true, null, ["a","b"], "007"), else the text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _params(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, Any]:
    params = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", ctx=ctx, param=param)
        params[name.strip()] = _param_value(value)
    return params


@cli.command()
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite even if someone saved the account since you pulled it.")
@click.option("--merge", is_flag=True,
              help="If someone saved since you pulled, merge three ways against the revision you pulled: "
                   "changes to different fields combine (and the file gets the result); changes to the same "
                   "field are listed and nothing is saved.")
@click.option("--prefer", type=click.Choice(["mine", "theirs"]),
              help="With --merge: settle changes to the same field in favour of your file or of the stored account.")
@click.option("--with-analysis", is_flag=True,
              help="Also write the analysis onto the Person nodes (influence, category, coach_score, "
                   "faction, in_decision_unit), to query and style by in Neo4j Browser and Bloom.")
@store_option
def push(sources: tuple[str, ...], force: bool, merge: bool, prefer: str | None, with_analysis: bool,
         store: str | None) -> None:
    """Save account files to the store, refusing to overwrite newer work.

    A file from `ig pull` remembers the revision it was pulled at; if the stored
    account has changed since, the push is refused and nothing is lost — or, with
    --merge, your changes and theirs are merged three ways.
    """
    if force and merge:
        raise click.UsageError("--force overwrites and --merge combines: choose one")
    if prefer and not merge:
        raise click.UsageError("--prefer settles a merge: use it with --merge")
    with user_errors(), open_store(store) as opened:
        if with_analysis and not opened.holds_analysis:
            raise click.UsageError(f"--with-analysis needs a Neo4j store; {opened.location} is a local directory")
        for source in sources:
            pushed = opened.push(source, force=force, merge=merge, prefer=prefer)
            if pushed.merge is not None:
                _echo_merged(source, pushed.merge)
            if with_analysis:
                properties = run_analysis(pushed.account).person_properties()
                opened.write_analysis(pushed.account.id, properties, pushed.revision)
            analysis = ", with its analysis" if with_analysis else ""
            click.echo(f"Pushed {pushed.account.id} ({terminal_text(pushed.account.name, limit=CELL)}) to "
                       f"{opened.location}, revision {pushed.revision}{analysis}.")


def _echo_merged(source: str, merged) -> None:
    from ..model.diff import summarize

    theirs, mine = merged.theirs, merged.mine
    click.echo(f"Merged {source}: your {_changes(len(mine))} with {_changes(len(theirs))} saved since you pulled it "
               f"({summarize(theirs)}).")
    for conflict in merged.conflicts:
        click.echo(f"  {terminal_text(conflict.message)}")
    click.echo(f"{source} now holds the merged account.")


def _changes(count: int) -> str:
    return f"{count} change" if count == 1 else f"{count} changes"


@cli.command()
@click.argument("account_id")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File to write (default ACCOUNT_ID.yaml; .json for JSON).")
@click.option("--revision", "-r", metavar="R",
              help="An earlier revision: its number (see `ig history`), -1 for the one before the latest, or its id.")
@force_option
@store_option
def pull(account_id: str, output: str | None, revision: str | None, force: bool, store: str | None) -> None:
    """Write an account from the store to a file, to edit and push back.

    ACCOUNT_ID@R (e.g. huaxin-auto@3) pulls revision R, like --revision R.
    """
    path = output or f"{account_id.partition('@')[0]}.yaml"
    check_outputs([path], force)
    with user_errors(), open_store(store) as opened:
        account = opened.pull(account_id, path, overwrite=force, revision=revision)
    click.echo(f"Pulled {account.id} ({terminal_text(account.name, limit=CELL)}), revision {opened.revision_of(account)}, "
               f"to {path}.")


@cli.command()
@click.argument("account_id")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@store_option
def history(account_id: str, fmt: str, store: str | None) -> None:
    """The saved revisions of an account, oldest first: when, who, what changed.

    Use a number with ACCOUNT_ID@N anywhere an account id goes (`ig analyze huaxin-auto@2`,
    `ig diff huaxin-auto@-1 huaxin-auto`, `ig pull huaxin-auto --revision 2`).
    """
    with user_errors(), open_store(store) as opened:
        revisions = opened.history(account_id)
    if fmt == "json":
        click.echo(json.dumps([r.to_dict() for r in revisions], indent=2, ensure_ascii=False))
        return
    rows = [[str(r.number), r.revision, r.saved_at.replace("T", " ").replace("Z", " UTC"), r.by or "unknown", r.summary]
            for r in revisions]
    _echo_table(["#", "revision", "saved", "by", "what changed"], rows)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@store_option
def accounts(fmt: str, store: str | None) -> None:
    """List the accounts in the store."""
    with user_errors(), open_store(store) as opened:
        summaries = opened.list()
    if fmt == "json":
        click.echo(json.dumps([vars(s) for s in summaries], indent=2, ensure_ascii=False))
        return
    good = [s for s in summaries if s.problem is None]
    if good:
        _echo_table(["id", "name", "revision"], [[s.id, s.name, s.revision] for s in good])
    elif not summaries:
        click.echo(f"No accounts in {opened.location} yet; add one with `ig push FILE`.")
    for summary in summaries:
        if summary.problem is not None:
            click.echo(f"Cannot use {summary.problem}", err=True)


@cli.command()
@click.argument("query", required=False, metavar="NAME_OR_CYPHER")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", callback=_params,
              help="A query parameter, e.g. --param account=huaxin-auto (repeatable; JSON values allowed).")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@store_option
def query(query: str | None, params: dict[str, Any], fmt: str, store: str | None) -> None:
    """Run a named query (cypher/NAME.cypher) or raw Cypher against Neo4j, read-only.

    Without NAME_OR_CYPHER, list the named queries.
    """
    if query is None:
        with user_errors():
            queries = named_queries()
        _echo_table(["name", "parameters", "what it finds"],
                    [[q.name, " ".join(q.parameters), q.description] for q in queries.values()])
        return
    with user_errors(), open_store(store) as opened:
        frame = opened.query(query, **params)
    if fmt == "csv":  # a cell starting with = + - @ would run as a formula in a spreadsheet
        click.echo(frame.map(csv_cell).rename(columns=csv_cell).to_csv(index=False), nl=False)
    elif fmt == "json":
        records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
        click.echo(json.dumps(records, indent=2, ensure_ascii=False, default=str))
    elif frame.empty:
        click.echo("(no rows)")
    else:
        click.echo(frame.map(lambda cell: terminal_text(cell, limit=CELL) if isinstance(cell, str) else cell)
                   .to_string(index=False))


def _echo_table(header: list[str], rows: list[list[str]]) -> None:
    rows = [[terminal_text(cell, limit=CELL) for cell in row] for row in rows]
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    for row in [header, *rows]:
        click.echo("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())
