"""The command line through its real entry points: exit codes and exact messages."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from builders import generated_account
from influence_graph.cli import cli
from influence_graph.model import load_account

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "huaxin-auto.yaml"
AS_OF = "2026-11-20"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((prefix + name, command))
        if isinstance(command, click.Group):
            found += _commands(command, prefix + name + " ")
    return found


def test_every_command_has_help_text():
    commands = _commands(cli)
    assert {"demo", "init", "validate", "schema", "analyze", "map"} <= {name for name, _ in commands}
    for name, command in commands:
        assert command.help and len(command.help.strip()) > 20, f"`ig {name}` has no help text"


@pytest.mark.parametrize("name", ["demo", "init", "validate", "schema", "analyze"])
def test_help_exits_zero(runner, name):
    result = runner.invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_console_scripts_and_checkout_shim_run():
    for argv in (["ig", "--help"], ["influence-graph", "--version"], [sys.executable, str(ROOT / "cli.py"), "--help"]):
        if argv[0] != sys.executable and shutil.which(argv[0]) is None:
            pytest.fail(f"console script {argv[0]!r} is not installed (pip install -e .)")
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    assert "0.1.0" in subprocess.run(["ig", "--version"], capture_output=True, text=True).stdout


def test_console_script_output_and_exit_codes_match_the_library(runner, tmp_path):
    """The console script ends with `exit_now` (no freeing of every object at exit): what
    it prints, piped, is whole, and its exit codes are click's."""
    args = ["analyze", str(EXAMPLE), "--format", "json", "--as-of", AS_OF]
    done = subprocess.run(["ig", *args], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == runner.invoke(cli, args).output
    missing = tmp_path / "nope.yaml"
    done = subprocess.run(["ig", "analyze", str(missing)], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"Error: 1 problem in {missing}:\n  {missing}: no such file\n"
    done = subprocess.run(["ig", "analyze", "--no-such-option"], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr.splitlines()[-1]) == (2, "Error: No such option '--no-such-option'.")


def test_console_script_exit_joins_threads_and_runs_exit_handlers(tmp_path):
    """What a normal exit does before freeing memory still happens, in the interpreter's
    order: threading's exit callbacks (concurrent.futures'), a running (non-daemon)
    thread finishes, then the ``atexit`` handlers run (multiprocessing's, coverage's)."""
    marker = tmp_path / "order.txt"
    script = (
        "import atexit, sys, threading, time\n"
        f"marker = {str(marker)!r}\n"
        "exiting = threading.Event()\n"
        "def later():\n"  # still running at exit: finishes only once the exit has begun
        "    exiting.wait(30)\n"
        "    time.sleep(0.2)\n"
        "    open(marker, 'a').write('thread ')\n"
        "threading.Thread(target=later).start()\n"
        "def at_threading_exit():\n"
        "    open(marker, 'a').write('threading ')\n"
        "    exiting.set()\n"
        "threading._register_atexit(at_threading_exit)\n"
        "atexit.register(lambda: open(marker, 'a').write('atexit'))\n"
        "sys.argv = ['ig', '--version']\n"
        "from influence_graph.cli import main\n"
        "main()\n"
        "print('not reached')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("influence-graph, version ") and "not reached" not in done.stdout
    assert marker.read_text() == "threading thread atexit"


def test_validate_good_file(runner):
    result = runner.invoke(cli, ["validate", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    account = load_account(EXAMPLE)
    assert result.output.startswith(f"OK: {EXAMPLE} — {account.name}: {len(account.people)} people,")


def test_validate_bad_file_lists_every_problem(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "account: {id: acme, name: Acme}\n"
        "people:\n"
        "  - {id: a, name: A, reports_to: ghost}\n"
        "  - {id: b, name: B, stance: hostile}\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: 2 problems in {bad}:\n"
        f"  {bad}:3: people[a].reports_to: refers to unknown person 'ghost'\n"
        f"  {bad}:4: people[b].stance: unknown stance 'hostile'; use one of champion, supporter, "
        "neutral, skeptic, opponent, unknown or a number from -1 to 1\n"
    )
    assert "Traceback" not in result.output


def test_missing_file_is_exit_1(runner, tmp_path):
    result = runner.invoke(cli, ["analyze", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert result.output == f"Error: 1 problem in {tmp_path / 'nope.yaml'}:\n  {tmp_path / 'nope.yaml'}: no such file\n"


def test_schema_is_json_schema_that_checks_the_example(runner):
    import jsonschema
    import yaml

    result = runner.invoke(cli, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data = json.loads(json.dumps(data, default=str))  # YAML dates -> strings, as in a JSON file
    jsonschema.validate(data, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**data, "acount": {}}, schema)


def test_init_writes_a_valid_commented_file(runner, tmp_path):
    with runner.isolated_filesystem(temp_dir=tmp_path):
        result = runner.invoke(cli, ["init", "acme-corp"])
        assert result.exit_code == 0, result.output
        assert result.output == "Wrote acme-corp.yaml. Fill it in, then run: ig validate acme-corp.yaml\n"
        text = Path("acme-corp.yaml").read_text(encoding="utf-8")
        assert text.startswith("# influence-graph account file")
        account = load_account("acme-corp.yaml")
        assert (account.id, account.name) == ("acme-corp", "Acme Corp")
        assert runner.invoke(cli, ["validate", "acme-corp.yaml"]).exit_code == 0


def test_init_refuses_to_overwrite_and_bad_ids(runner, tmp_path):
    with runner.isolated_filesystem(temp_dir=tmp_path):
        Path("acme.yaml").write_text("mine", encoding="utf-8")
        result = runner.invoke(cli, ["init", "acme"])
        assert result.exit_code == 1
        assert result.output == "Error: acme.yaml already exists; add --force to replace it\n"
        assert Path("acme.yaml").read_text(encoding="utf-8") == "mine"
        result = runner.invoke(cli, ["init", "Acme Corp"])
        assert result.exit_code == 1
        assert "is not a valid account id" in result.output
        assert sorted(p.name for p in Path(".").iterdir()) == ["acme.yaml"]


def test_analyze_json_has_the_design_keys(runner):
    result = runner.invoke(cli, ["analyze", str(EXAMPLE), "--format", "json", "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {
        "account", "people", "power_ranking", "hidden_power", "figureheads", "coach_candidates",
        "uncovered_decision_makers", "influence_channels", "factions", "department_relations",
        "relationship_depth", "follow_ups", "risks",
    } <= set(data)
    person_keys = {"id", "name", "title", "level", "influence", "brokerage", "formal", "category",
                   "coach_score", "coverage", "stance"}
    assert all(person_keys <= set(p) for p in data["people"])
    assert data["account"] == {"id": "huaxin-auto", "name": load_account(EXAMPLE).name}
    assert sorted(data["power_ranking"]) == sorted(p["id"] for p in data["people"])


def test_analyze_is_deterministic_and_writes_only_the_output(runner, tmp_path):
    args = ["analyze", str(EXAMPLE), "--format", "json", "--as-of", AS_OF]
    first = runner.invoke(cli, args)
    assert first.output == runner.invoke(cli, args).output
    with runner.isolated_filesystem(temp_dir=tmp_path):
        Path("out").mkdir()
        result = runner.invoke(cli, args + ["-o", "out/analysis.json"])
        assert result.exit_code == 0
        assert json.loads(Path("out/analysis.json").read_text(encoding="utf-8")) == json.loads(first.output)
        assert [str(p) for p in Path(".").rglob("*")] == ["out", "out/analysis.json"]


def test_analyze_table_reads_like_a_briefing(runner):
    result = runner.invoke(cli, ["analyze", str(EXAMPLE), "--as-of", AS_OF, "--full"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    titles = ["Act on these first", "Biggest risks", "Key people nobody on our team is close to", "Who really decides",
              "Power versus title", "Coaches", "Follow-ups", "Forecast", "Next best moves", "Relationship depth",
              "Who each decision maker listens to", "Factions and departments", "How sure we are"]
    positions = [re.search(rf"\n{re.escape(t)}(\n|: | \()", result.output).start() for t in titles]
    assert positions == sorted(positions)
    # The deal at a glance, from the file by hand: DMU zhao, wang, chen, xu, liu, li, xiao; Li Na is a
    # supporter, Wang Fang a skeptic, Xu Li an opponent; Jiang Tao is close to Li Na (velcro) and Liu Yang (zipper).
    words = " ".join(result.output.split())  # as read, whatever the terminal wrapped
    assert ("Decision unit of 7 · for us: Li Na (李娜) · against us: Wang Fang (王芳) and Xu Li (徐力) · "
            "neutral or unknown: 4 · we are close (zipper or closer) to 2: Liu Yang (刘洋) and Li Na (李娜)") in words
    # Plain words, not the JSON's keys and ids: categories, roles, department names, who reaches an influencer.
    assert "hidden power" in result.output and "figurehead" in result.output
    for code in ("aligned", "peripheral", "hidden_power", "competitor_tie", "economic_buyer"):
        assert code not in result.output
    assert "Vehicle Engineering ↔ Purchasing: rivalry (0.70, declared)" in result.output
    assert "Li Na (李娜) (0.80, via Jiang Tao)" in result.output
    assert "-0." not in result.output and "−0." in result.output  # one minus sign
    top = load_account(EXAMPLE).person(json.loads(
        runner.invoke(cli, ["analyze", str(EXAMPLE), "--format", "json", "--as-of", AS_OF]).output
    )["power_ranking"][0])
    assert top.name in result.output


def test_analyze_markdown(runner):
    result = runner.invoke(cli, ["analyze", str(EXAMPLE), "--format", "markdown", "--as-of", AS_OF])
    assert result.exit_code == 0
    assert result.output.startswith("# ")
    assert "\n## Who really decides" in result.output
    assert "| \\# | Person | Title | Power | Stance | Note |" in result.output
    full = runner.invoke(cli, ["analyze", str(EXAMPLE), "--format", "markdown", "--as-of", AS_OF, "--full"]).output
    assert len(full) > len(result.output) and "\n## How sure we are\n" in full


def test_bad_as_of_is_a_usage_error(runner):
    result = runner.invoke(cli, ["analyze", str(EXAMPLE), "--as-of", "yesterday"])
    assert result.exit_code == 2
    assert "'yesterday' is not a date (use YYYY-MM-DD)" in result.output


def test_unknown_format_is_a_usage_error(runner):
    assert runner.invoke(cli, ["analyze", str(EXAMPLE), "--format", "xml"]).exit_code == 2


def test_demo_writes_account_analysis_and_map(runner, tmp_path):
    out = tmp_path / "demo"
    result = runner.invoke(cli, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["analysis.json", "huaxin-auto.yaml", "map.html"]
    assert load_account(out / "huaxin-auto.yaml") == load_account(EXAMPLE)
    analysis = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    assert analysis["as_of"] == AS_OF
    assert "Act on these first" in result.output
    assert str(out / "map.html") in result.output
    assert "<html" in (out / "map.html").read_text(encoding="utf-8").lower()


def test_an_account_with_no_one_in_it_analyzes_to_empty_answers(runner, tmp_path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("account: {id: blank, name: Blank}\n", encoding="utf-8")
    result = runner.invoke(cli, ["analyze", str(empty), "--format", "json", "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["people"], data["power_ranking"], data["risks"]) == ([], [], [])
    table = runner.invoke(cli, ["analyze", str(empty), "--as-of", AS_OF])
    assert table.exit_code == 0 and "No people in the account yet." in table.output
    assert "Nothing urgent" in table.output


def test_the_api_rejects_a_bad_as_of_with_our_error():
    import influence_graph as ig

    with pytest.raises(ig.InfluenceGraphError, match=r"^as_of 'yesterday' is not a date \(use YYYY-MM-DD\)$"):
        ig.analyze(load_account(EXAMPLE), as_of="yesterday")


def test_analysis_is_byte_identical_across_processes_and_hash_seeds(tmp_path):
    """Set and dict order of strings changes with PYTHONHASHSEED: the JSON must not."""
    import os

    from influence_graph.model import save_account

    synthetic = tmp_path / "synthetic-300.yaml"
    save_account(generated_account(300, seed=0), synthetic)
    runs = {}
    for source in (EXAMPLE, synthetic):
        for seed in ("0", "4242"):
            argv = [sys.executable, str(ROOT / "cli.py"), "analyze", str(source), "--format", "json", "--as-of", AS_OF]
            env = {**os.environ, "PYTHONHASHSEED": seed}
            runs[source, seed] = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    outputs = {}
    for key, process in runs.items():
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
        outputs[key] = out
    for source in (EXAMPLE, synthetic):
        assert outputs[source, "0"] == outputs[source, "4242"]
        assert len(json.loads(outputs[source, "0"])["people"]) == (35 if source == EXAMPLE else 300)


def _command_settings(**env: str) -> list:
    """What ``ig --version`` leaves its process with: OPENBLAS_NUM_THREADS and the GC threshold
    (read by an exit handler: ``main`` ends the process)."""
    script = (
        "import atexit, gc, json, os, sys\n"
        "from influence_graph.cli import main\n"
        "atexit.register(lambda: print(json.dumps([os.environ.get('OPENBLAS_NUM_THREADS'), gc.get_threshold()[0]])))\n"
        "sys.argv = ['ig', '--version']\n"
        "main()\n"
    )
    base = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                          env={**base, "PYTHONPATH": str(ROOT / "src"), **env})
    return json.loads(done.stdout.splitlines()[-1])


def test_a_command_runs_with_one_blas_thread_unless_told_otherwise_and_collects_garbage_rarely():
    from influence_graph.cli._common import GC_EVERY

    assert _command_settings() == ["1", GC_EVERY]
    assert _command_settings(OPENBLAS_NUM_THREADS="2") == ["2", GC_EVERY]
