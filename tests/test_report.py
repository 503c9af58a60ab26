"""The account plan (``ig report``): contents, action list, escaping, offline, printable."""
from __future__ import annotations

import copy
import datetime as dt
import html
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from influence_graph.analysis import analyze
from influence_graph.cli import cli
from influence_graph.model import InfluenceGraphError, load_account, parse_account
from influence_graph.report import render_plan
from influence_graph.report.plan import md_text

from builders import textbook_account

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "huaxin-auto.yaml"
AS_OF = "2026-11-20"
SECTION_TITLES = [
    "Summary", "Decision unit and coverage", "Power versus title", "Coach candidates",
    "Uncovered decision makers", "Factions and department dynamics", "Follow-ups due", "Risks", "Action list",
]
# Anything that would make a browser fetch from the network.
NETWORK_LOAD = re.compile(r"""(?:\b(?:src|href|action|poster)\s*=\s*["']?\s*(?:https?:)?//)|url\(\s*["']?\s*(?:https?:)?//|@import""", re.I)
SRCDOC = re.compile(r'srcdoc="([^"]*)"')


@pytest.fixture(scope="module")
def example():
    account = load_account(EXAMPLE)
    return account, analyze(account, as_of=AS_OF)


@pytest.fixture(scope="module")
def example_html(example):
    return render_plan(*example, fmt="html")


def _plan_parts(page: str) -> tuple[str, str]:
    """(the report around the map, the map page inside the srcdoc iframe)."""
    match = SRCDOC.search(page)
    assert match, "the HTML report embeds the map in an iframe srcdoc"
    return page[: match.start()] + page[match.end():], html.unescape(match.group(1))


# --- HTML ----------------------------------------------------------------------------------


def test_html_report_has_every_section_and_the_map(example, example_html):
    account, result = example
    outside, inside = _plan_parts(example_html)
    for title in SECTION_TITLES:
        assert f"<h2>{html.escape(title)}</h2>" in outside
    assert "<h2>Influence map</h2>" in outside
    assert "vis.Network" in inside or "vis-network" in inside  # the interactive map itself
    data = result.to_dict()
    hidden = account.person(data["hidden_power"][0]["id"]).name
    assert html.escape(hidden) in outside
    assert outside.count("<tr>") > 30
    action_rows = outside.split('<section id="actions">')[1].split("</section>")[0]
    assert action_rows.count("<tr>") == len(result.analysis.actions) + 1  # header + one row per action


def test_html_report_loads_nothing_from_the_network(example_html):
    outside, inside = _plan_parts(example_html)
    assert NETWORK_LOAD.findall(outside) == []
    assert NETWORK_LOAD.findall(inside) == []
    assert "<script" not in outside  # the report itself needs no script; only the sandboxed map has one
    assert not re.search(r"<script[^>]*\bsrc=", inside)
    assert not re.search(r"<link[^>]*\bhref=", inside)


def test_html_report_is_printable(example_html):
    outside, _ = _plan_parts(example_html)
    css = outside.split("<style>")[1].split("</style>")[0]
    print_css = css.split("@media print")[1]
    assert "page-break-before: always" in print_css and "break-inside: avoid" in print_css
    assert "background: #fff" in print_css and "nav { display: none; }" in print_css


def test_every_user_string_is_escaped_in_html():
    evil = "<script>alert(1)</script>"
    data = textbook_account()
    data["account"]["name"] = f"Acme {evil}"
    data["people"][0]["name"] = evil
    data["people"][0]["title"] = '"><img src=x onerror=alert(2)>'
    data["team"][0]["name"] = f"<b>{evil}</b>"
    data["touches"][0]["next_step"] = "<i>send</i> & sign"
    account = parse_account(data)
    page = render_plan(account, analyze(account, as_of=AS_OF), fmt="html")
    outside, inside = _plan_parts(page)
    assert "<script" not in outside and "<img" not in outside and "<b>" not in outside
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in outside
    assert "&lt;i&gt;send&lt;/i&gt; &amp; sign" in outside
    assert "<script>alert(1)</script>" not in inside and "<img src=x" not in inside


# --- Markdown --------------------------------------------------------------------------------


def _table_rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("|")]


def _cells(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", row)) - 1


def test_markdown_report_has_every_section(example):
    text = render_plan(*example, fmt="md")
    for title in SECTION_TITLES:
        assert f"\n## {title}\n" in text
    assert text.startswith("# Account plan: Huaxin Automotive\n")
    assert "srcdoc" not in text and "<iframe" not in text


def test_markdown_cells_cannot_break_tables_or_inject_html():
    data = textbook_account()
    data["people"][0]["name"] = "Zhao | Ming\nsecond line <script>x</script>"
    data["people"][0]["title"] = "CEO *and* [chair](http://x)"
    account = parse_account(data)
    text = render_plan(account, analyze(account, as_of=AS_OF), fmt="md")
    assert "Zhao \\| Ming second line &lt;script\\>x&lt;/script\\>" in text
    assert "CEO \\*and\\* \\[chair\\](http://x)" in text
    assert "<" not in text  # no tag can start, whatever the Markdown flavour
    # every table keeps its shape: the header's cell count on every row
    blocks = text.split("\n\n")
    for block in blocks:
        rows = _table_rows(block)
        if rows:
            assert len({_cells(r) for r in rows if not r.startswith("|---")}) == 1, block


def test_unknown_format_is_a_clear_error(example):
    with pytest.raises(InfluenceGraphError, match="use 'html' or 'md'"):
        render_plan(*example, fmt="pdf")


def test_report_renders_from_the_json_dict_as_well(example):
    account, result = example
    assert render_plan(account, result.to_dict(), fmt="md") == render_plan(account, result, fmt="md")


def test_forecast_section_shows_support_and_next_best_moves(example):
    account, result = example
    data = result.to_dict()
    text = render_plan(account, data, fmt="md")
    assert "\n## Forecast\n" in text and f"settles at {data['forecast']['support']:+.2f}" in text
    first_move = account.person(data["forecast"]["next_best_moves"][0]["id"]).name
    assert f"| {md_text(first_move)} |" in text.split("## Forecast")[1]
    data["forecast"] = {"support": None, "initial_support": None, "members": {}, "next_best_moves": []}
    # an analysis without a forecast (no decision unit) leaves the section out, not empty
    assert "## Forecast" not in render_plan(account, data, fmt="md")


def test_report_is_deterministic(example):
    account, result = example
    assert render_plan(account, result) == render_plan(account, copy.deepcopy(result.to_dict()))


# --- ig report ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["plan.html", "plan.md"])
def test_cli_writes_the_plan(tmp_path, name):
    out = tmp_path / name
    run = CliRunner().invoke(cli, ["report", str(EXAMPLE), "-o", str(out), "--as-of", AS_OF])
    assert run.exit_code == 0, run.output
    text = out.read_text(encoding="utf-8")
    assert "Account plan: Huaxin Automotive" in text
    assert "as of 2026-11-20" in text
    assert ("<!DOCTYPE html>" in text) == name.endswith(".html")
    assert str(out) in run.output


def test_cli_rejects_other_suffixes_as_a_usage_error(tmp_path):
    run = CliRunner().invoke(cli, ["report", str(EXAMPLE), "-o", str(tmp_path / "plan.pdf")])
    assert run.exit_code == 2
    assert ".html or .md" in run.output
    assert not (tmp_path / "plan.pdf").exists()


def test_cli_bad_account_exits_1_without_writing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"account": {"id": "x", "name": "X"}, "people": [{"id": "a"}]}), encoding="utf-8")
    out = tmp_path / "plan.html"
    run = CliRunner().invoke(cli, ["report", str(bad), "-o", str(out)])
    assert run.exit_code == 1
    assert "bad.yaml" in run.output and "Traceback" not in run.output
    assert not out.exists()


def test_cli_bad_date_is_a_usage_error(tmp_path):
    run = CliRunner().invoke(cli, ["report", str(EXAMPLE), "-o", str(tmp_path / "p.md"), "--as-of", "2026-13-01"])
    assert run.exit_code == 2
    assert "YYYY-MM-DD" in run.output


def test_cli_default_as_of_is_today(tmp_path):
    out = tmp_path / "plan.md"
    run = CliRunner().invoke(cli, ["report", str(EXAMPLE), "-o", str(out)])
    assert run.exit_code == 0, run.output
    assert f"as of {dt.date.today().isoformat()}" in out.read_text(encoding="utf-8")


def test_cli_reports_an_account_from_the_store(tmp_path):
    from influence_graph.stores import open_store

    open_store(tmp_path / "accounts").save(load_account(EXAMPLE))
    out = tmp_path / "plan.md"
    run = CliRunner().invoke(cli, ["report", "huaxin-auto", "--store", str(tmp_path / "accounts"), "-o", str(out), "--as-of", AS_OF])
    assert run.exit_code == 0, run.output
    assert out.read_text(encoding="utf-8").startswith("# Account plan: Huaxin Automotive")
