"""``ig import`` (CRM contacts exports, our workbook) and ``ig export`` (the workbook,
graph files for Gephi, yEd and Cytoscape)."""
from __future__ import annotations

from pathlib import Path

import click

from ..model import save_account
from ..tables import described
from ._common import check_outputs, cli, force_option, load_source, run_analysis, store_option, user_errors

GRAPH_SUFFIXES = (".graphml", ".gexf", ".json")
EXPORT_SUFFIXES = (".xlsx",) + GRAPH_SUFFIXES
SHOWN_NAMES = 10  # people listed by name in the import summary; the rest counted


def _names(items: list[tuple[str, str]]) -> str:
    shown = ", ".join(f"{pid} ({name})" for pid, name in items[:SHOWN_NAMES])
    more = len(items) - SHOWN_NAMES
    return shown + (f" and {more} more" if more > 0 else "")


def _merge_summary(report, target: str) -> list[str]:
    left_alone = len(report.unchanged) + len(report.not_in_file)
    lines = [f"{target}: {len(report.added)} added, {len(report.changed)} changed, {left_alone} left alone "
             f"({len(report.unchanged)} in the file with nothing new, {len(report.not_in_file)} not in the file)."]
    if report.added:
        lines.append(f"  Added: {_names(report.added)}")
    for pid, name, changes in report.changed[:SHOWN_NAMES]:
        lines.append(f"  Changed {pid} ({name}): " + "; ".join(map(str, changes)))
    if len(report.changed) > SHOWN_NAMES:
        lines.append(f"  … and {len(report.changed) - SHOWN_NAMES} more changed")
    if report.departments_added:
        lines.append(f"  New departments: {', '.join(report.departments_added)}")
    lines.append("  Left alone: everything entered by hand (stances, roles, channels, relationships, touches, notes).")
    return lines


def _import_epilog() -> str:
    """The recognised layouts and the mapping fields, kept as lines (click's \\b)."""
    import textwrap

    def block(text: str) -> str:
        return "\b\n" + "\n".join(textwrap.wrap(text, 94, initial_indent="  ", subsequent_indent="      "))

    layouts = "\n".join(block(line) for line in described().splitlines())
    mapping = block("Anything else: --mapping map.yaml, one `column header: field` per line. Fields: name (or "
                    "first_name and last_name), crm_id, title, department, reports_to (the manager's name), "
                    "reports_to_id (the manager's CRM id), account, email, phone, mobile, stance, roles, level, notes.")
    return "Recognised by their headers, no mapping needed:\n\n" + layouts + "\n\n" + mapping


@cli.command("import", epilog=_import_epilog())
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="The account file to write (default ACCOUNT_ID.yaml; .json for JSON).")
@click.option("--into", "into", metavar="ACCOUNT",
              help="Add the contacts to this account (a file, or an id in the store) instead of starting a new one.")
@click.option("--account", "account_name", metavar="NAME", help="The account to take when the export holds several.")
@click.option("--mapping", type=click.Path(dir_okay=False), help="Which column holds what, for other layouts.")
@click.option("--dry-run", is_flag=True, help="Only say what the import would do; write nothing.")
@force_option
@store_option
def import_command(file: str, output: str | None, into: str | None, account_name: str | None, mapping: str | None,
                   dry_run: bool, force: bool, store: str | None) -> None:
    """Contacts exported from a CRM (CSV or XLSX), or a workbook from `ig export`, into an account file."""
    from ..stores import looks_like_file, open_store
    from ..tables import import_table

    if output:
        check_outputs([output], force)
    existing = load_source(into, store) if into else None
    with user_errors():
        imported = import_table(file, account_name=account_name, mapping=mapping, into=existing, into_name=into)
    account = imported.account
    other = f" ({imported.left_out} contacts of other accounts left out)" if imported.left_out else ""
    click.echo(f"Read {file}: {imported.source}, {imported.contacts} {imported.noun} of {account.name}{other}.")
    in_place = into is not None and output is None  # --into without -o updates that account
    in_store = in_place and not looks_like_file(into)
    target = output or into or f"{account.id}.yaml"
    if imported.merge is not None:
        for line in _merge_summary(imported.merge, f"{into} (in the store)" if in_store else target):
            click.echo(line)
    if not in_place:
        check_outputs([target], force)
    counts = (f"{len(account.people)} people in {len(account.departments)} departments, "
              f"{imported.reporting_lines} reporting lines")
    if dry_run:
        click.echo(f"Dry run: would write {target} ({counts}); nothing written.")
        return
    with user_errors():
        if in_store:
            with open_store(store) as opened:
                account._stored_revision = existing._stored_revision
                revision = opened.save(account)
            click.echo(f"Saved {into} in the store (revision {revision}): {counts}.")
            return
        save_account(account, target, replace=force or in_place)  # --into FILE updates that file
    click.echo(f"Wrote {target}: {counts}. Next: add roles, stances and channels, then `ig analyze {target}`.")


@cli.command("export")
@click.argument("source")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="FILE.xlsx (a workbook to edit in Excel and `ig import` back), or the analyzed graph: "
              "FILE.graphml (yEd, Cytoscape, Gephi), FILE.gexf (Gephi), FILE.json (node-link JSON).")
@force_option
@store_option
def export_command(source: str, output: str, force: bool, store: str | None) -> None:
    """Write an account as a workbook to edit in Excel, or its analyzed graph for Gephi, yEd or Cytoscape."""
    suffix = Path(output).suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise click.BadParameter(f"the file name must end in {', '.join(EXPORT_SUFFIXES)}", param_hint="'-o' / '--output'")
    check_outputs([output], force)
    account = load_source(source, store)
    if suffix == ".xlsx":
        from ..tables import write_workbook

        with user_errors():
            write_workbook(account, output)
        click.echo(f"Wrote {output}: {account.name}, one sheet per section. Edit it, then `ig import {output} -o FILE.yaml`.")
        return
    from ..graph_export import FORMATS, write_graph

    result = run_analysis(account, confidence=False)
    with user_errors():
        write_graph(account, result.analysis, output)
    click.echo(f"Wrote {output}: the analyzed graph of {account.name} as {FORMATS[suffix]} "
               f"({len(account.people)} people, with influence, category, coach score and faction on each).")
