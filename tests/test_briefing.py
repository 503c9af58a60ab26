"""The briefing (``ig analyze``, ``ig demo``): fits the terminal, opens with the deal,
acts first on the one action list, and leaves out only what matters least."""
from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pydantic
import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt
from rich.cells import cell_len

from influence_graph.analysis import analyze
from influence_graph.analysis import wording as say
from influence_graph.cli import cli
from influence_graph.model import load_account, parse_account
from influence_graph.report.summary import ACT_FIRST, ALWAYS_SHOWN_RISKS, BUDGET, render_markdown, render_text

from builders import textbook_account

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "huaxin-auto.yaml"
AS_OF = "2026-11-20"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def analysis():
    return analyze(load_account(EXAMPLE), as_of=AS_OF).analysis


def briefing(*args: str, columns: int = 100, env: dict | None = None) -> str:
    run = CliRunner().invoke(cli, ["analyze", str(EXAMPLE), "--as-of", AS_OF, *args],
                             env={"COLUMNS": str(columns), **(env or {})})
    assert run.exit_code == 0, run.output
    return run.output


def read(text: str) -> str:
    """The text as read, whatever the terminal wrapped."""
    return " ".join(text.split())


@pytest.mark.parametrize("columns", [80, 100, 120])
def test_no_line_is_wider_than_the_terminal(columns):
    for args in ((), ("--full",)):
        text = briefing(*args, columns=columns)
        widths = [cell_len(line) for line in text.splitlines()]  # a CJK character takes two cells
        assert max(widths) <= columns, [line for line in text.splitlines() if cell_len(line) > columns]
        assert max(widths) > columns - 15  # and it uses the width it has


def test_the_default_briefing_fits_about_a_screen_and_full_prints_everything(analysis):
    text = briefing()
    assert len(text.splitlines()) <= BUDGET
    full = briefing("--full")
    assert len(full.splitlines()) > 2 * BUDGET
    for person in analysis.people:
        assert person.name in full
    for risk in analysis.risks:
        assert read(risk.message) in read(full)
    assert not re.search(r"\(top \d+ of \d+", full)  # nothing is left out, so nothing says "top 3 of 35"


def test_it_opens_with_the_opportunity_days_to_close_forecast_and_tier(analysis):
    head = read("\n".join(briefing().splitlines()[:5]))
    opportunity = analysis.opportunity
    assert head.startswith(f"{analysis.account.name} — {opportunity.name} ")
    assert say.money(opportunity.value, opportunity.currency) in head
    assert f"closes {say.day(opportunity.close_date, analysis.as_of)} (in {opportunity.days_to_close} days)" in head
    assert f"Forecast {say.signed(analysis.forecast.support)}" in head
    assert f"relationship tier: {analysis.relationship_depth.tier}" in head


def test_act_on_these_first_is_the_top_of_the_one_action_list_with_owner_and_date(analysis):
    text = briefing()
    section = text.split("\nAct on these first")[1].split("\n\n")[0]
    items = re.split(r"\n(?=\d+\.\s)", section)[1:]
    expected = analysis.actions[:ACT_FIRST]
    assert len(items) == len(expected) and len(items) <= ACT_FIRST
    for i, (item, action) in enumerate(zip(items, expected), 1):
        owner = analysis.name_of(action.owner)
        assert read(item) == f"{i}. {say.day(action.by, analysis.as_of)}, {owner}: {read(action.what)}"
    assert f"(top {ACT_FIRST} of {len(analysis.actions)}; the account plan has all)" in section


def test_the_biggest_uncovered_people_and_risks_are_never_left_out(analysis):
    text = read(briefing(columns=80))  # the narrowest briefing leaves out the most
    uncovered = sorted(analysis.uncovered_decision_makers, key=lambda u: analysis.person(u.id).power_rank)
    for entry in uncovered[:3]:  # e.g. Ma Jun, #2 by power and never met
        assert analysis.name_of(entry.id) in text.split("Key people nobody on our team is close to")[1]
    first_of_kind = {}
    for risk in analysis.risks:
        first_of_kind.setdefault(risk.kind, risk)
    shown = [r for kind, r in first_of_kind.items() if kind in ALWAYS_SHOWN_RISKS]
    assert {"bottleneck", "skeptic", "opponent"} <= {r.kind for r in shown}  # the example has these
    for risk in shown:  # e.g. every warm path runs through Jiang Tao → Li Na
        assert f"{say.risk(risk.kind)}: {read(risk.message)}" in text


def test_what_is_left_out_is_what_matters_least(analysis):
    text = briefing()
    assert "Factions and departments" not in text and "How sure we are" not in text
    assert "Factions and departments" in briefing("--full")
    power = text.split("\nWho really decides")[1].split("\n\n")[0]
    assert f"of {len(analysis.people)}; --full for all)" in power.splitlines()[0]
    top = [analysis.person(pid) for pid in analysis.power_ranking[:3]]
    assert all(p.name in power for p in top)


def test_it_never_sends_the_reader_to_json():
    for args in ((), ("--full",), ("--format", "markdown")):
        assert "json" not in briefing(*args).lower()


def test_no_name_is_broken_across_lines(analysis):
    names = [p.name for p in analysis.people] + [m.name for m in analysis.team]
    for columns in (80, 100):
        lines = briefing("--full", columns=columns).splitlines()
        joined = " ".join(lines)
        for name in names:
            assert joined.count(name) == sum(line.count(name) for line in lines), (columns, name)


def test_bold_and_colour_on_a_terminal_none_when_piped_or_with_no_color(analysis):
    styled = render_text(analysis, width=100, color=True)
    assert "\x1b[1m" in styled and re.search(r"\x1b\[[0-9;]*3[1-6]m", styled)
    assert ANSI.sub("", styled) == render_text(analysis, width=100)  # the same text, styled
    assert "\x1b" not in briefing()  # CliRunner's output is a pipe

    def on_a_terminal(env: dict) -> str:
        leader, follower = pty.openpty()
        argv = [sys.executable, str(ROOT / "cli.py"), "analyze", str(EXAMPLE), "--as-of", AS_OF]
        base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
        process = subprocess.Popen(argv, stdout=follower, stderr=subprocess.PIPE,
                                   env={**base, "COLUMNS": "100", "TERM": "xterm-256color", **env})
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closes when the process ends
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        assert process.wait(timeout=60) == 0, process.stderr.read()
        return b"".join(chunks).decode()

    terminal = on_a_terminal({})
    assert "\x1b[1m" in terminal and re.search(r"\x1b\[[0-9;]*3[1-6]m", terminal)
    assert "\x1b" not in on_a_terminal({"NO_COLOR": "1"})


def test_markdown_has_the_same_rows_and_keeps_tables_whole(analysis):
    text = render_markdown(analysis)
    assert text.startswith(f"# {analysis.account.name} — ")
    items = [line for line in text.split("## Act on these first")[1].split("\n## ")[0].splitlines() if line[:1].isdigit()]
    assert len(items) == min(ACT_FIRST, len(analysis.actions))
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert html.count("<table>") >= 2 and "<ol>" in html
    for block in text.split("\n\n"):
        rows = [line for line in block.splitlines() if line.startswith("|")]
        if rows:
            assert len({len(re.findall(r"(?<!\\)\|", r)) for r in rows}) == 1, block
    full = render_markdown(analysis, full=True)
    assert all(f"{i}. " in full for i in range(1, len(analysis.actions) + 1))


def test_a_renamed_or_missing_field_is_an_error_not_a_blank(analysis):
    data = analysis.to_json_data()
    renamed = json.loads(json.dumps(data))
    renamed["risks"][0]["text"] = renamed["risks"][0].pop("message")
    missing = json.loads(json.dumps(data))
    del missing["people"][0]["stance_word"]
    for broken in (renamed, missing):
        with pytest.raises(pydantic.ValidationError):
            render_text(broken)
        with pytest.raises(pydantic.ValidationError):
            render_markdown(broken)
    assert render_text(data) == render_text(analysis)  # the JSON itself renders the same


def test_control_characters_in_names_never_reach_the_terminal():
    data = textbook_account()
    data["people"][0]["name"] = "Zhao \x1b[31mMing\x07\x1b]0;pwned\x07"
    data["team"][0]["name"] = "Jiang\rTao\x9b2J"
    account = parse_account(data)
    result = analyze(account, as_of=AS_OF)
    for text in (render_text(result, width=80), render_text(result, width=80, color=True), render_markdown(result)):
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", ANSI.sub("", text))
        assert "Zhao" in text and "Ming" in text


def test_an_empty_account_and_an_account_without_opportunity_read_plainly(tmp_path):
    empty = analyze(parse_account({"account": {"id": "x", "name": "Blank"}}), as_of=AS_OF)
    text = render_text(empty, width=80)
    assert text.startswith("Blank\nas of Fri 20 Nov 2026\n")
    assert "No decision unit recorded" in text and "No people in the account yet." in text
    assert "Nothing urgent" in text


def test_demo_prints_the_briefing(tmp_path):
    run = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path / "demo")], env={"COLUMNS": "100"})
    assert run.exit_code == 0, run.output
    briefing_part = run.output.split("\nExample account")[0]
    assert briefing_part == briefing().rstrip("\n")
    assert max(cell_len(line) for line in briefing_part.splitlines()) <= 100
