"""Working as a team on the real commands: `ig merge`, `ig diff`, and account files
that read well in `git diff`."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from influence_graph.cli import cli
from influence_graph.model import dump_account, load_account, parse_account
from influence_graph.stores import open_store
from _store_accounts import rich_data

EXAMPLE = Path(__file__).parents[1] / "examples" / "huaxin-auto.yaml"


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INFLUENCE_GRAPH_STORE", str(tmp_path / "accounts"))

    def invoke(*args):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return invoke


def write(path: Path, data: dict) -> Path:
    path.write_text(dump_account(parse_account(data)), encoding="utf-8")
    return path


# -- ig merge ------------------------------------------------------------------------------


@pytest.fixture
def two_maps(tmp_path):
    base = {"account": {"id": "acme", "name": "Acme"}, "team": [{"id": "kam", "name": "Kim"}]}
    a = write(tmp_path / "kam.yaml", {**base, "people": [
        {"id": "zhao", "name": "Zhao Ming", "title": "CEO", "stance": "supporter", "roles": ["decision_maker"]},
        {"id": "li", "name": "Li Wei"}],
        "channels": [{"from": "li", "to": "zhao", "kind": "advice", "strength": 0.3}],
        "relationships": [{"member": "kam", "person": "zhao", "strength": "velcro"}]})
    b = write(tmp_path / "se.yaml", {**base, "people": [
        {"id": "zhao", "name": "Zhao Ming", "stance": "skeptic"},
        {"id": "wang", "name": "Wang Fang", "title": "CFO"},
        {"id": "liwei", "name": "Wei Li"}],
        "channels": [{"from": "liwei", "to": "zhao", "kind": "advice", "strength": 0.8}]})
    return a, b


def test_merge_writes_one_map_and_lists_every_disagreement(run, two_maps, tmp_path):
    result = run("merge", "kam.yaml", "se.yaml", "-o", "merged.yaml")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Merged 2 maps of Acme into merged.yaml: 3 people, 1 channel, 1 relationship.\n"
        "Taken to be the same:\n"
        "  se.yaml's person 'liwei' is kam.yaml's 'li' (the same name in another order)\n"
        "2 disagreements (each written into merged.yaml as a [merge] note):\n"
        "  Zhao Ming (CEO): stance — supporter in kam.yaml, skeptic in se.yaml; kept skeptic (the more cautious)\n"
        "  Li Wei → Zhao Ming (CEO) (advice): strength — 0.3 in kam.yaml, 0.8 in se.yaml; kept the mean, 0.55\n"
    )
    merged = load_account(tmp_path / "merged.yaml")
    assert [p.id for p in merged.people] == ["zhao", "li", "wang"]
    assert merged.person("zhao").tags == ["disputed-stance"] and "[merge] stance:" in merged.person("zhao").notes
    analysis = json.loads(run("analyze", "merged.yaml", "--format", "json", "--as-of", "2026-11-20").output)
    assert [r["ids"] for r in analysis["risks"] if r["kind"] == "disputed_stance"] == [["zhao"]]


def test_merge_as_json_for_tools(run, two_maps):
    result = run("merge", "kam.yaml", "se.yaml", "-o", "merged.yaml", "--format", "json")
    report = json.loads(result.output)
    assert (report["output"], report["account"], report["sources"]) == (
        "merged.yaml", {"id": "acme", "name": "Acme"}, ["kam.yaml", "se.yaml"])
    assert [(c["kind"], c["ids"], c["values"], c["kept"]) for c in report["conflicts"]] == [
        ("stance", ["zhao"], {"kam.yaml": "supporter", "se.yaml": "skeptic"}, "skeptic"),
        ("strength", ["li", "zhao"], {"kam.yaml": 0.3, "se.yaml": 0.8}, 0.55),
    ]
    assert [(m["id"], m["as"]) for m in report["matched"]] == [("liwei", "li")]


def test_merge_prefer_settles_in_that_maps_favour(run, two_maps, tmp_path):
    result = run("merge", "kam.yaml", "se.yaml", "-o", "merged.yaml", "--prefer", "se.yaml")
    assert result.exit_code == 0 and "(settled in favour of se.yaml)" in result.output
    merged = load_account(tmp_path / "merged.yaml")
    assert merged.person("zhao").stance.value == "skeptic" and merged.person("zhao").notes is None
    assert merged.channels[0].strength == 0.8


def test_merge_refuses_bad_input_and_writes_nothing(run, two_maps, tmp_path):
    (tmp_path / "merged.yaml").write_text("keep me")
    exists = run("merge", "kam.yaml", "se.yaml", "-o", "merged.yaml")
    assert exists.exit_code == 2 and "merged.yaml already exists; choose another file or overwrite it with --force" in exists.output
    assert (tmp_path / "merged.yaml").read_text() == "keep me"
    other = write(tmp_path / "other.yaml", {"account": {"id": "other", "name": "Other"}})
    wrong = run("merge", "kam.yaml", str(other), "-o", "out.yaml")
    assert (wrong.exit_code, wrong.output) == (1, (
        f"Error: these maps are of different accounts (kam.yaml is 'acme', {other} is 'other'); "
        "give them the same account.id if they are one account\n"))
    assert not (tmp_path / "out.yaml").exists()
    assert run("merge", "kam.yaml", "-o", "out.yaml").exit_code == 2


# -- canonical files: git diff reads well ----------------------------------------------------


def test_the_canonical_yaml_is_stable_and_loads_back_equal():
    account = load_account(EXAMPLE)
    text = dump_account(account)
    again = parse_account(load_account_text(text).to_data())
    assert again == account and dump_account(again) == text
    assert [p.id for p in again.people] == [p.id for p in account.people]  # the user's order is kept


def load_account_text(text):
    from influence_graph.model import parse_account_text

    return parse_account_text(text, "account.yaml")


def test_one_changed_stance_is_one_changed_line_in_git_diff(tmp_path):
    account = load_account(EXAMPLE)
    account.account.notes = "A long note " * 30  # would be folded over several lines at a fixed width
    before = dump_account(account)
    account.person("zhao").stance = account.person("zhao").stance.__class__("supporter")
    account.account.notes = account.account.notes.replace("long", "longer", 1)
    after = dump_account(account)
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(before, encoding="utf-8")
    new.write_text(after, encoding="utf-8")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    diff = subprocess.run(["git", "diff", "--no-index", "--unified=0", str(old), str(new)],
                          capture_output=True, text=True).stdout
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert len(changed) == 4, changed  # two lines out, two lines in: the note and the stance
    assert "-  stance: neutral" in changed and "+  stance: supporter" in changed
