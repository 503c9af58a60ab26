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

EXAMPLE = Path(__file__).parents[1] / "examples" / "huaxin-auto.yaml"


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
    assert (exists.exit_code, exists.output) == (1, "Error: merged.yaml already exists; add --force to replace it\n")
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


# -- ig diff --------------------------------------------------------------------------------


def _example_edited(tmp_path) -> Path:
    """The example with one stance changed (the CEO: neutral → skeptic) and one channel added."""
    text = EXAMPLE.read_text(encoding="utf-8")
    head, rest = text.split("  - id: zhao\n", 1)
    rest = rest.replace("    stance: neutral\n", "    stance: skeptic\n", 1)
    text = head + "  - id: zhao\n" + rest
    text = text.replace("channels:\n", "channels:\n  - {from: ye, to: wang, kind: trust, strength: 0.7}\n", 1)
    edited = tmp_path / "edited.yaml"
    edited.write_text(text, encoding="utf-8")
    return edited


MAP_CHANGES = [
    "Zhao Ming (赵明, CEO): stance neutral → skeptic.",
    "New channel: Ye Qing (叶青, Chief of Staff to the CEO) → Wang Fang (王芳, CFO) (trust, strength 0.7).",
]
ANALYSIS_CHANGES = [
    "Forecast support falls from −0.08 to −0.20 (−0.12).",
    "Zhao Ming (赵明, CEO) settles at −0.46 instead of −0.02.",
    "Chen Wei (陈伟, CTO) settles at +0.09 instead of +0.15.",
    "Liu Yang (刘洋, VP Purchasing) settles at −0.13 instead of −0.06.",
    "Next best move is now to win over Zhao Ming (赵明, CEO) (was Xu Li (徐力, CIO)).",
    "New risk: Zhao Ming (赵明, CEO) doubts our bid (skeptic), ranks 1st of 35 by influence and sits in the decision unit.",
]


def test_diff_names_exactly_the_changes_and_what_they_do_to_the_analysis(run, tmp_path):
    edited = _example_edited(tmp_path)
    result = run("diff", str(EXAMPLE), str(edited), "--as-of", "2026-11-20")
    assert result.exit_code == 0, result.output
    assert result.output == "\n".join([
        f"What changed from {EXAMPLE} to {edited} (Huaxin Automotive):", "",
        "In the map (2):", *(f"  {line}" for line in MAP_CHANGES), "",
        "In the analysis (6):", *(f"  {line}" for line in ANALYSIS_CHANGES)]) + "\n"
    as_json = json.loads(run("diff", str(EXAMPLE), str(edited), "--as-of", "2026-11-20", "--format", "json").output)
    assert [c["message"] for c in as_json["map"]] == MAP_CHANGES
    assert [(c["section"], c["kind"], c["field"], c["old"], c["new"], c["ids"]) for c in as_json["map"]] == [
        ("people", "changed", "stance", "neutral", "skeptic", ["zhao"]),
        ("channels", "added", None, None, {"from": "ye", "to": "wang", "kind": "trust", "strength": 0.7}, ["ye", "wang"]),
    ]
    assert [c["message"] for c in as_json["analysis"]] == ANALYSIS_CHANGES
    assert [c["kind"] for c in as_json["analysis"]] == ["forecast", "member", "member", "member", "next_best_move", "risk"]
    markdown = run("diff", str(EXAMPLE), str(edited), "--as-of", "2026-11-20", "--format", "markdown").output
    assert "### In the map\n\n- Zhao Ming (赵明, CEO): stance neutral → skeptic." in markdown


def test_diff_of_the_same_account_says_so(run):
    result = run("diff", str(EXAMPLE), str(EXAMPLE), "--as-of", "2026-11-20")
    assert result.output == f"No change from {EXAMPLE} to {EXAMPLE} (Huaxin Automotive).\n"


def test_diff_reads_a_file_from_git_show_on_standard_input(run, tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "huaxin.yaml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "first"], check=True)
    (repo / "huaxin.yaml").write_text(_example_edited(tmp_path).read_text(encoding="utf-8"), encoding="utf-8")
    old = subprocess.run([*git, "show", "HEAD:huaxin.yaml"], capture_output=True, text=True, check=True).stdout
    result = CliRunner().invoke(cli, ["diff", "-", str(repo / "huaxin.yaml"), "--as-of", "2026-11-20", "--format", "json"],
                                input=old)
    assert result.exit_code == 0, result.output
    assert [c["message"] for c in json.loads(result.output)["map"]] == MAP_CHANGES
    both = run("diff", "-", "-")
    assert both.exit_code == 2 and "only one of OLD and NEW" in both.output


def test_diff_between_revisions_in_the_store(run, tmp_path):
    store = open_store()
    store.save(load_account(EXAMPLE))
    edited = load_account(_example_edited(tmp_path))
    edited._stored_revision = store.load("huaxin-auto")._stored_revision
    store.save(edited)
    by_number = json.loads(run("diff", "huaxin-auto@1", "huaxin-auto", "--as-of", "2026-11-20", "--format", "json").output)
    by_offset = json.loads(run("diff", "huaxin-auto@-1", "huaxin-auto@2", "--as-of", "2026-11-20", "--format", "json").output)
    assert [c["message"] for c in by_number["map"]] == [c["message"] for c in by_offset["map"]] == MAP_CHANGES
    assert (by_number["old"], by_number["new"]) == ("huaxin-auto@1", "huaxin-auto")
    missing = run("diff", "huaxin-auto@9", "huaxin-auto")
    assert missing.exit_code == 1 and "has no revision 9" in missing.output


# -- ig report: since the last review ------------------------------------------------------------


def test_the_plan_of_a_stored_account_says_what_changed_since_the_previous_revision(run, tmp_path, monkeypatch):
    monkeypatch.setenv("INFLUENCE_GRAPH_USER", "alice")
    store = open_store()
    store.save(load_account(EXAMPLE))
    edited = load_account(_example_edited(tmp_path))
    edited._stored_revision = store.load("huaxin-auto")._stored_revision
    store.save(edited)
    first = store.history("huaxin-auto")[0]
    assert run("report", "huaxin-auto", "-o", "plan.md", "--as-of", "2026-11-20").exit_code == 0
    plan = (tmp_path / "plan.md").read_text(encoding="utf-8")
    section = plan.split("## Since the last review\n", 1)[1].split("\n## ", 1)[0]
    assert section.lstrip().startswith(f"Compared with revision 1 ({first.saved_at[:10]}, by alice).")
    assert "Zhao Ming (赵明, CEO): stance neutral → skeptic." in section
    assert "New risk: Zhao Ming (赵明, CEO) doubts our bid (skeptic)" in section
    assert plan.index("## Summary") < plan.index("## Since the last review") < plan.index("## Decision unit")

    assert run("report", "huaxin-auto@1", "-o", "first.md", "--as-of", "2026-11-20").exit_code == 0
    assert "Since the last review" not in (tmp_path / "first.md").read_text(encoding="utf-8")  # nothing earlier
    assert run("report", str(EXAMPLE), "-o", "file.md", "--as-of", "2026-11-20").exit_code == 0
    assert "Since the last review" not in (tmp_path / "file.md").read_text(encoding="utf-8")
    assert run("report", str(EXAMPLE), "-o", "since.html", "--since", "2", "--as-of", "2026-11-20").exit_code == 0
    html = (tmp_path / "since.html").read_text(encoding="utf-8")
    assert "Since the last review" in html and "stance skeptic → neutral." in html  # the file against revision 2
