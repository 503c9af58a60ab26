"""`ig analyze --all` and `ig.analyze_all`: every stored account, in worker processes."""
from __future__ import annotations

import csv
import io
import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import influence_graph as ig
from influence_graph.cli import cli
from influence_graph.model import parse_account
from influence_graph.model.account import signed
from influence_graph.report.text import md_text

from _store_accounts import rich_data

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "huaxin-auto.yaml"
AS_OF = "2026-11-20"
FORMULA = "=HYPERLINK(\"http://evil.example\",\"click\")"
BROKEN = "account: {id: broken, name: Broken}\npeople:\n  - {id: a, name: A, stance: happy}\n"


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """Four accounts (one with no opportunity, one named like a spreadsheet formula) and a broken file."""
    folder = tmp_path_factory.mktemp("accounts")
    shutil.copy(EXAMPLE, folder / "huaxin-auto.yaml")
    opened = ig.open_store(folder)
    opened.save(parse_account(rich_data("acme", "Acme Motors")))
    opened.save(parse_account(rich_data("formula", FORMULA)))
    opened.save(parse_account({"account": {"id": "empty", "name": "Nobody Yet"}}))
    (folder / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    return folder


GOOD = ["acme", "empty", "formula", "huaxin-auto"]


def _all(store: Path, out: Path | None, *extra: str):
    args = ["analyze", "--all", "--store", str(store), "--as-of", AS_OF, *extra]
    return CliRunner().invoke(cli, args + (["-o", str(out)] if out else []))


@pytest.fixture(scope="module")
def written(store, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "portfolio"
    return _all(store, out, "--jobs", "2"), out


def test_every_account_is_written_as_its_own_analysis(store, written):
    run, out = written
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{i}.json" for i in GOOD] + ["portfolio.csv", "portfolio.md"])
    for account_id in GOOD:
        single = CliRunner().invoke(cli, ["analyze", account_id, "--store", str(store), "--format", "json", "--as-of", AS_OF])
        assert single.exit_code == 0, single.output
        assert (out / f"{account_id}.json").read_text(encoding="utf-8") == single.stdout, account_id


def test_a_bad_account_is_reported_with_its_file_and_the_rest_still_run(store, written):
    run, out = written
    assert run.exit_code == 1
    bad = store / "broken.yaml"
    assert run.stderr.splitlines() == [
        f"Wrote 4 analyses and portfolio.csv, portfolio.md to {out}",
        f"Error: broken: 1 problem in {bad.resolve()}:",
        f"  {bad.resolve()}:3: people[a].stance: unknown stance 'happy'; use one of champion, supporter, "
        "neutral, skeptic, opponent, unknown or a number from -1 to 1",
        "Error: 1 of 5 accounts could not be analyzed",
    ]
    markdown = (out / "portfolio.md").read_text(encoding="utf-8")
    assert "## Could not analyze" in markdown and "broken.yaml:3" in markdown


def test_the_portfolio_table_holds_each_accounts_headlines(store, written):
    run, out = written
    rows = list(csv.DictReader(io.StringIO((out / "portfolio.csv").read_text(encoding="utf-8"))))
    assert [r["account_id"] for r in rows] == sorted(GOOD + ["broken"])
    by_id = {r["account_id"]: r for r in rows}
    assert by_id["broken"]["error"].startswith("1 problem in ") and by_id["broken"]["tier"] == ""
    huaxin = json.loads((out / "huaxin-auto.json").read_text(encoding="utf-8"))
    row = by_id["huaxin-auto"]
    dmu = set(huaxin["decision_unit"])
    uncovered = [u["id"] for u in huaxin["uncovered_decision_makers"] if u["id"] in dmu]
    names = {p["id"]: p["name"] for p in huaxin["people"]}
    assert row["account"] == "Huaxin Automotive"
    assert row["opportunity"] == huaxin["opportunity"]["name"] and row["close_date"] == "2027-03-31"
    assert float(row["forecast_support"]) == pytest.approx(huaxin["forecast"]["support"], abs=1e-4)
    assert row["tier"] == huaxin["relationship_depth"]["tier"]
    assert int(row["decision_unit"]) == len(dmu) and int(row["uncovered_decision_makers"]) == len(uncovered) > 0
    assert row["uncovered_names"] == "; ".join(names[i] for i in uncovered)
    assert row["top_risk"] == huaxin["risks"][0]["message"]
    assert row["analysis_file"] == "huaxin-auto.json" and row["error"] == ""
    empty = by_id["empty"]
    assert (empty["opportunity"], empty["forecast_support"], empty["decision_unit"]) == ("", "", "0")
    # Printed and in portfolio.md: the same accounts, one table row each
    assert run.stdout.startswith(f"Portfolio — 4 accounts analyzed as of {AS_OF}, 1 failed")
    assert "Huaxin" in run.stdout and "no decision unit" in run.stdout  # (the table wraps to the width)
    shown = ", ".join(names[i] for i in uncovered[:3])
    markdown = (out / "portfolio.md").read_text(encoding="utf-8")
    assert (f"| Huaxin Automotive | 2027 Telematics Platform | {signed(huaxin['forecast']['support'])} | "
            f"{row['tier']} | {len(uncovered)} of {len(dmu)}: {shown} and {len(uncovered) - 3} more | ") in markdown


def test_csv_cells_cannot_start_a_formula(written):
    _, out = written
    text = (out / "portfolio.csv").read_text(encoding="utf-8")
    row = next(r for r in csv.reader(io.StringIO(text)) if r[0] == "formula")
    assert row[1] == "'" + FORMULA
    text_cells = [cell for r in csv.reader(io.StringIO(text)) for cell in r if not _is_number(cell)]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in text_cells)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_serial_and_parallel_runs_write_the_same_files(store, written, tmp_path):
    run, out = written
    serial = _all(store, tmp_path / "serial", "--jobs", "1")
    assert serial.exit_code == 1 and serial.stdout == run.stdout
    for path in out.iterdir():
        other = tmp_path / "serial" / path.name
        assert other.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), path.name


def test_the_json_and_markdown_tables(store):
    run = _all(store, None, "--format", "json")
    assert run.exit_code == 1
    rows = json.loads(run.stdout)
    assert [r["account_id"] for r in rows] == sorted(GOOD + ["broken"])
    assert rows[0]["tier"] and rows[0]["error"] is None and rows[1]["error"].startswith("1 problem in")
    markdown = _all(store, None, "--format", "markdown")
    assert "| Account | Opportunity | Forecast support | Tier | Uncovered decision makers | Top risk |" in markdown.stdout
    assert f"| {md_text(FORMULA)} |" in markdown.stdout


def test_from_python_the_same_answers_as_one_by_one(store):
    portfolio = ig.analyze_all(str(store), jobs=2, as_of=AS_OF)
    assert [r.account_id for r in portfolio.rows] == sorted(GOOD + ["broken"])
    assert [r.account_id for r in portfolio.failures] == ["broken"]
    assert sorted(portfolio.results) == GOOD
    for account_id in GOOD:
        one = ig.analyze(ig.load(account_id, store=str(store)), as_of=AS_OF)
        assert portfolio.results[account_id].to_dict() == one.to_dict()
    table = portfolio.table
    assert table.loc["huaxin-auto", "tier"] == portfolio.results["huaxin-auto"].relationship_depth.tier
    assert table.loc["formula", "account"] == FORMULA  # a DataFrame holds the name as it is
    seen = []
    ig.analyze_all(ig.open_store(store), jobs=1, as_of=AS_OF, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(i, 5) for i in range(6)]


def test_usage_mistakes(store, tmp_path):
    runner = CliRunner()
    both = runner.invoke(cli, ["analyze", str(EXAMPLE), "--all"])
    assert both.exit_code == 2 and "give SOURCE or --all, not both" in both.output
    neither = runner.invoke(cli, ["analyze"])
    assert neither.exit_code == 2 and "Missing argument 'SOURCE'" in neither.output
    one = runner.invoke(cli, ["analyze", str(EXAMPLE), "--jobs", "2", "--format", "json", "--as-of", AS_OF])
    assert one.exit_code == 0 and one.output == runner.invoke(
        cli, ["analyze", str(EXAMPLE), "--format", "json", "--as-of", AS_OF]).output  # one account: the same answer
    assert runner.invoke(cli, ["analyze", "--all", "--jobs", "0", "--store", str(store)]).exit_code == 2
    (tmp_path / "file").write_text("x")
    into_file = _all(store, tmp_path / "file")
    assert into_file.exit_code == 2 and "is a file; name a folder" in into_file.output
    assert (tmp_path / "file").read_text() == "x"
    folder = runner.invoke(cli, ["analyze", str(EXAMPLE), "-o", str(tmp_path)])
    assert folder.exit_code == 2 and "is a folder; name a file" in folder.output
    empty = runner.invoke(cli, ["analyze", "--all", "--store", str(tmp_path / "none")])
    assert empty.exit_code == 1
    assert empty.stderr.startswith(f"Error: no accounts in the store {(tmp_path / 'none').resolve()}")


def _stderr_of(argv: list[str], terminal: bool) -> str:
    """Run the real command line with stderr on a pseudo-terminal (or a pipe); what it wrote there."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    if not terminal:
        return subprocess.run(argv, capture_output=True, text=True, env=env).stderr
    main, secondary = pty.openpty()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=secondary, env=env)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait()
    os.close(main)
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_progress_bar_on_a_terminal_and_none_when_piped(store):
    argv = [sys.executable, str(ROOT / "cli.py"), "analyze", "--all", "--store", str(store), "--as-of", AS_OF, "-j", "2"]
    shown = _stderr_of(argv, terminal=True)
    assert "Analyzing" in shown and "5/5" in shown
    piped = _stderr_of(argv, terminal=False)
    assert "Analyzing" not in piped and "5/5" not in piped
    assert piped.splitlines()[0] == "Error: broken: 1 problem in " + str((store / "broken.yaml").resolve()) + ":"


def test_files_there_already_are_replaced_only_with_force(store, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "acme.json").write_text("mine", encoding="utf-8")
    refused = _all(store, out)
    assert refused.exit_code == 1
    assert refused.stderr == f"Error: {out / 'acme.json'} already exists; add --force to replace it\n"
    assert sorted(p.name for p in out.iterdir()) == ["acme.json"] and (out / "acme.json").read_text() == "mine"
    forced = _all(store, out, "--force")
    assert forced.exit_code == 1  # the broken account, as always
    assert json.loads((out / "acme.json").read_text(encoding="utf-8"))["account"]["id"] == "acme"
    missing_parent = _all(store, tmp_path / "no" / "such")
    assert missing_parent.exit_code == 1 and "cannot create the folder" in missing_parent.stderr


def _portfolio_in_a_fresh_process(store: Path, out: Path, jobs: int, preload_from: int) -> bool:
    """``ig analyze --all`` in a new interpreter with ``PRELOAD_SCIPY_FROM`` set; whether scipy got loaded."""
    script = (
        "import atexit, sys\n"
        "from influence_graph import portfolio\n"
        f"portfolio.PRELOAD_SCIPY_FROM = {preload_from}\n"
        "from influence_graph.cli import main\n"
        "atexit.register(lambda: print('scipy.sparse' in sys.modules))\n"  # main() ends the process
        f"sys.argv = {['ig', 'analyze', '--all', '--store', str(store), '-o', str(out), '--as-of', AS_OF, '--jobs', str(jobs)]!r}\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    return done.stdout.splitlines()[-1] == "True"


def test_a_portfolio_big_enough_loads_scipy_once_with_the_same_answers(store, tmp_path):
    assert _portfolio_in_a_fresh_process(store, tmp_path / "preloaded", jobs=2, preload_from=1)
    assert not _portfolio_in_a_fresh_process(store, tmp_path / "numpy", jobs=1, preload_from=10**6)
    written = sorted(p.name for p in (tmp_path / "numpy").iterdir())
    assert written == sorted(p.name for p in (tmp_path / "preloaded").iterdir()) and "acme.json" in written
    for name in written:
        assert (tmp_path / "preloaded" / name).read_text(encoding="utf-8") == (tmp_path / "numpy" / name).read_text(
            encoding="utf-8"), name
