"""``ig merge`` (and ``ig diff``): working on one account as a team."""
from __future__ import annotations

import json

import click

from ..model import parse_account_text, save_account
from ._common import as_of_option, check_outputs, cli, force_option, load_source, store_option, user_errors


def _count(n: int, section: str) -> str:
    from ..model.diff import NOUNS

    singular, plural = NOUNS[section]
    return f"{n} {singular if n == 1 else plural}"


@cli.command()
@click.argument("sources", nargs=-1, required=True, metavar="A B [C ...]")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The merged account file to write.")
@click.option("--prefer", metavar="SOURCE", help="Settle every disagreement with this map's value (one of the SOURCEs).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table: the report for reading; json: matches and disagreements, for tools.")
@force_option
@store_option
def merge(sources: tuple[str, ...], output: str, prefer: str | None, fmt: str, force: bool, store: str | None) -> None:
    """Merge colleagues' maps of one account into one, listing every disagreement.

    People are matched by id, then email, then name. Channels, relationships and
    touches are united; a channel's strength is the mean of the maps'. Without
    --prefer, a disputed stance keeps the more cautious one, other fields keep the
    first map's value, and each disagreement is written into the item's notes.
    """
    from ..model.merge import merge_maps

    if len(sources) < 2:
        raise click.UsageError("give at least two maps to merge")
    check_outputs([output], force)
    accounts = [load_source(source, store) for source in sources]
    with user_errors():
        result = merge_maps(accounts, list(sources), prefer=prefer)
        save_account(result.account, output, replace=force)
    account = result.account
    if fmt == "json":
        report = {"output": output, "account": {"id": account.id, "name": account.name}, **result.to_dict()}
        for key in ("mine", "theirs"):
            report.pop(key)
        click.echo(json.dumps(report, indent=2, ensure_ascii=False, default=str))
        return
    counts = ", ".join(_count(len(getattr(account, s)), s) for s in ("people", "channels", "relationships", "touches")
                       if getattr(account, s))
    click.echo(f"Merged {len(sources)} maps of {account.name} into {output}: {counts or 'no people yet'}.")
    if result.matched:
        click.echo("Taken to be the same:")
        for match in result.matched:
            click.echo(f"  {match['message']}")
    if not result.conflicts:
        click.echo("No disagreements.")
        return
    where = f"settled in favour of {prefer}" if prefer else f"each written into {output} as a [merge] note"
    click.echo(f"{len(result.conflicts)} disagreement{'s' if len(result.conflicts) != 1 else ''} ({where}):")
    for conflict in result.conflicts:
        click.echo(f"  {conflict.message}")


@cli.command()
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option("--format", "fmt", type=click.Choice(["table", "markdown", "json"]), default="table", show_default=True,
              help="table: for reading; markdown: for a wiki or email; json: for tools.")
@as_of_option
@store_option
def diff(old: str, new: str, fmt: str, as_of, store: str | None) -> None:
    """What changed from OLD to NEW: in the map, and in what the analysis concludes.

    OLD and NEW are account files, account ids in the store, or ID@REVISION
    (huaxin-auto@3; huaxin-auto@-1 is the one before the latest); - reads one from
    standard input, e.g. `git show HEAD~1:huaxin.yaml | ig diff - huaxin.yaml`.
    """
    from ..report.diff import diff as compare_versions, render_markdown, render_text

    if old == "-" and new == "-":
        raise click.UsageError("only one of OLD and NEW can be read from standard input")
    before, after = (_source(source, store) for source in (old, new))
    with user_errors():
        changes = compare_versions(before, after, old, new, as_of=as_of)
    if fmt == "json":
        click.echo(json.dumps(changes.to_dict(), indent=2, ensure_ascii=False, default=str))
    else:
        click.echo(render_markdown(changes) if fmt == "markdown" else render_text(changes), nl=False)


def _source(source: str, store: str | None):
    if source != "-":
        return load_source(source, store)
    text = click.get_text_stream("stdin").read()
    with user_errors():
        return parse_account_text(text, "<stdin>", "json" if text.lstrip().startswith("{") else "yaml")
