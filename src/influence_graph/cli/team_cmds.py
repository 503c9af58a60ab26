"""``ig merge`` (and ``ig diff``): working on one account as a team."""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..model import save_account
from ._common import cli, load_source, store_option, user_errors


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
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
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
    if Path(output).exists() and not force:
        raise click.UsageError(f"{output} already exists; choose another file or overwrite it with --force")
    accounts = [load_source(source, store) for source in sources]
    with user_errors():
        result = merge_maps(accounts, list(sources), prefer=prefer)
        save_account(result.account, output)
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
