"""`ig push / pull / accounts / query` on the real commands: exit codes and exact messages."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import influence_graph as ig
from influence_graph.model import StanceLabel, dump_account, load_account
from influence_graph.stores import open_store
from _store_accounts import rich_account, small_account

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture
def acme_file(tmp_path):
    path = tmp_path / "acme.yaml"
    path.write_text(dump_account(small_account("acme", name="Acme")), encoding="utf-8")
    return path


def test_push_then_accounts(run, acme_file, tmp_path):
    result = run("push", str(acme_file))
    revision = open_store().list()[0].revision
    assert (result.exit_code, result.output) == (0, f"Pushed acme (Acme) to {tmp_path / 'accounts'}, revision {revision}.\n")
    listed = run("accounts")
    assert listed.exit_code == 0
    assert listed.output.splitlines() == ["id    name  revision", f"acme  Acme  {revision}"]
    as_json = run("accounts", "--format", "json")
    assert json.loads(as_json.output) == [{"id": "acme", "name": "Acme", "revision": revision, "problem": None}]


def test_accounts_in_an_empty_store(run, tmp_path):
    result = run("accounts")
    assert (result.exit_code, result.output) == (0, f"No accounts in {tmp_path / 'accounts'} yet; add one with `ig push FILE`.\n")


def test_pull_edit_push_and_the_stale_push_refused(run, acme_file, tmp_path):
    run("push", str(acme_file))
    pulled = run("pull", "acme", "-o", "mine.yaml")
    revision = open_store().list()[0].revision
    assert (pulled.exit_code, pulled.output) == (0, f"Pulled acme (Acme), revision {revision}, to mine.yaml.\n")
    assert load_account(tmp_path / "mine.yaml") == small_account("acme", name="Acme")

    colleague = open_store().load("acme")
    colleague.account.notes = "colleague's work"
    newer = open_store().save(colleague)
    stale = run("push", "mine.yaml")
    assert stale.exit_code == 1
    assert stale.output == (
        f"Error: account 'acme' was changed in {tmp_path / 'accounts'} since you loaded it "
        f"(stored revision {newer}, yours {revision}); pull it and redo your edits, or overwrite with --force\n"
    )
    assert open_store().load("acme").account.notes == "colleague's work"
    assert run("push", "mine.yaml", "--force").exit_code == 0
    assert open_store().load("acme").account.notes is None


def test_pushing_a_new_file_over_a_stored_account_needs_force(run, acme_file, tmp_path):
    run("push", str(acme_file))
    result = run("push", str(acme_file))
    assert result.exit_code == 1
    assert result.output.startswith("Error: account 'acme' already exists in ")
    assert result.output.count("\n") == 1


def test_pull_keeps_an_existing_file(run, acme_file):
    run("push", str(acme_file))
    result = run("pull", "acme", "-o", str(acme_file))
    assert (result.exit_code, result.output) == (1, f"Error: {acme_file} already exists; add --force to replace it\n")


def test_pull_to_json_and_default_name(run, acme_file, tmp_path):
    run("push", str(acme_file))
    assert run("pull", "acme", "-o", "acme.json").exit_code == 0
    assert json.loads((tmp_path / "acme.json").read_text())["account"]["id"] == "acme"
    acme_file.unlink()
    assert run("pull", "acme").exit_code == 0 and (tmp_path / "acme.yaml").is_file()


def test_account_not_found(run, tmp_path):
    result = run("pull", "nobody")
    assert (result.exit_code, result.output) == (1, f"Error: no account 'nobody' in {tmp_path / 'accounts'}\n")


def test_store_directory_not_writable(run, acme_file, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the store directory should be")
    result = run("push", str(acme_file), "--store", str(blocker / "accounts"))
    assert (result.exit_code, result.output) == (
        1, f"Error: cannot write to the store directory {blocker / 'accounts'} (Not a directory)\n")


def test_bad_account_file_is_reported_not_pushed(run, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("account: {id: acme}\n")
    result = run("push", str(bad))
    assert result.exit_code == 1 and "account.name: required field is missing" in result.output
    assert open_store().list() == []


def test_query_needs_neo4j(run, tmp_path):
    result = run("query", "rivalries")
    assert (result.exit_code, result.output) == (1, (
        f"Error: queries need a Neo4j store; {tmp_path / 'accounts'} is a local directory "
        "(use --store neo4j://… or set INFLUENCE_GRAPH_STORE)\n"))


def test_query_lists_the_named_queries(run):
    result = run("query")
    assert result.exit_code == 0
    assert result.output.splitlines()[0].split() == ["name", "parameters", "what", "it", "finds"]
    assert any(line.startswith("strongest_influencers") and "account person" in line for line in result.output.splitlines())


def test_query_param_must_be_name_equals_value(run):
    result = run("query", "rivalries", "--param", "oops", "--store", "neo4j://localhost:7687")
    assert result.exit_code == 2 and "'oops' is not NAME=VALUE" in result.output


@pytest.mark.parametrize("command", [["accounts"], ["pull", "acme"], ["query", "rivalries"]])
@pytest.mark.parametrize("url", ["bolt://127.0.0.1:9", "neo4j://127.0.0.1:1"])
def test_neo4j_unreachable_is_one_line(run, command, url):
    result = run(*command, "--store", url)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot reach Neo4j at {url} (")
    assert result.output.endswith("is the server running?\n") and result.output.count("\n") == 1


def test_push_to_neo4j_unreachable_is_one_line(run, acme_file):
    result = run("push", str(acme_file), "--store", "neo4j://127.0.0.1:1")
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert result.output.startswith("Error: cannot reach Neo4j at neo4j://127.0.0.1:1 (")


def test_a_bad_neo4j_port_is_one_line(run):
    result = run("accounts", "--store", "neo4j://127.0.0.1:notaport")
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert result.output.startswith("Error: neo4j://127.0.0.1:notaport is not a Neo4j address (")


def test_a_url_that_is_not_neo4j_is_refused(run, acme_file, tmp_path):
    result = run("push", str(acme_file), "--store", "http://localhost:7474")
    assert (result.exit_code, result.output) == (1, (
        "Error: http://localhost:7474 is not a store: use a directory, or a Neo4j URL "
        "(neo4j://, neo4j+s://, neo4j+ssc://, bolt://, bolt+s://, bolt+ssc://)\n"))
    assert not (tmp_path / "http:").exists()


# -- against the real Neo4j (tests/conftest.py: neo4j_server) -----------------------------------


@pytest.fixture
def neo4j_file(neo4j_env, new_id, tmp_path):
    """A rich account file with a fresh id, and the server in NEO4J_* (the CLI reads them)."""
    account = rich_account(new_id())
    path = tmp_path / "rich.yaml"
    path.write_text(dump_account(account), encoding="utf-8")
    return account, path


def example_file(name: str, account_id: str, folder: Path):
    """The example account ``name`` under ``account_id``, written to a file in ``folder``."""
    account = load_account(EXAMPLES / f"{name}.yaml")
    account.account.id = account_id
    path = folder / f"{name}.yaml"
    path.write_text(dump_account(account), encoding="utf-8")
    return account, path


@pytest.mark.neo4j
def test_query_against_neo4j_with_parameters_in_every_format(run, neo4j_file, neo4j_server):
    account, path = neo4j_file
    uri = neo4j_server.uri
    pushed = run("push", str(path), "--store", uri)
    assert pushed.exit_code == 0 and pushed.output.startswith(f"Pushed {account.id} (华鑫汽车 Huaxin Automotive) to {uri}, revision ")
    as_json = run("query", "strongest_influencers", "--param", f"account={account.id}", "--param", "person=zhao",
                  "--format", "json", "--store", uri)
    assert as_json.exit_code == 0, as_json.output
    assert [(r["influencer"], r["kind"], r["strength"]) for r in json.loads(as_json.output)] == [
        ("Li Wei", "advice", 0.8), (account.person("wang").name, "budget", 0.5)]

    text = ("MATCH (p:Person {account: $account}) WHERE p.stance_value >= $least "
            "RETURN p.id AS id, p.title AS title, p.stance_value AS stance ORDER BY id")
    as_csv = run("query", text, "--param", f"account={account.id}", "--param", "least=-0.5", "--format", "csv", "--store", uri)
    assert (as_csv.exit_code, as_csv.output) == (
        0, "id,title,stance\nli,Deputy Chief Engineer,0.75\nsun,,-0.25\nwang,,-0.5\nzhao,CEO,0.0\n")
    as_table = run("query", text, "--param", f"account={account.id}", "--param", "least=0", "--store", uri)
    assert (as_table.exit_code, as_table.output) == (0, (
        "  id                 title  stance\n"
        "  li Deputy Chief Engineer    0.75\n"
        "zhao                   CEO    0.00\n"))
    nothing = run("query", text, "--param", f"account={account.id}", "--param", "least=0.8", "--store", uri)
    assert (nothing.exit_code, nothing.output) == (0, "(no rows)\n")


@pytest.mark.neo4j
@pytest.mark.parametrize("write", [
    "CREATE (p:Person {account: 'x', id: 'x'}) RETURN p",
    "MATCH (n) DETACH DELETE n",
    "MATCH (p:Person) SET p.name = 'x'",
    "CALL { MATCH (p:Person) DETACH DELETE p } IN TRANSACTIONS",
])
def test_query_that_writes_is_refused_in_one_line(run, neo4j_file, neo4j_server, write):
    account, path = neo4j_file
    run("push", str(path), "--store", neo4j_server.uri)
    result = run("query", write, "--store", neo4j_server.uri)
    assert (result.exit_code, result.output) == (1, (
        "Error: queries are read-only: Neo4j refused to write "
        "(Writing in read access mode not allowed. Attempted write to neo4j)\n"))
    assert open_store(neo4j_server.uri).load(account.id) == account


@pytest.mark.neo4j
def test_push_with_analysis_then_query_by_real_power(run, neo4j_env, new_id, tmp_path):
    account, path = example_file("nordhafen-logistics", new_id(), tmp_path)
    pushed = run("push", str(path), "--with-analysis", "--store", neo4j_env.uri)
    assert pushed.exit_code == 0 and pushed.output.endswith(", with its analysis.\n")
    result = run("query", "hidden_power_holders", "--format", "json", "--store", neo4j_env.uri)
    mine = [r["person"] for r in json.loads(result.output) if r["account"] == account.id]
    hidden = ig.analyze(account).to_dict()["hidden_power"]
    assert hidden and sorted(mine) == sorted(account.person(h["id"]).name for h in hidden)
    assert open_store(neo4j_env.uri).load(account.id) == account


def test_push_with_analysis_needs_neo4j(run, acme_file, tmp_path):
    result = run("push", str(acme_file), "--with-analysis")
    assert result.exit_code == 2
    assert result.output.endswith(f"Error: --with-analysis needs a Neo4j store; {tmp_path / 'accounts'} is a local directory\n")
    assert open_store().list() == []


@pytest.mark.neo4j
def test_analyze_an_account_id_in_neo4j_gives_exactly_what_the_file_gives(run, neo4j_env, new_id, tmp_path):
    account, path = example_file("huaxin-auto", new_id(), tmp_path)
    assert run("push", str(path), "--with-analysis", "--store", neo4j_env.uri).exit_code == 0
    from_file = run("analyze", str(path), "--format", "json", "--as-of", "2026-11-20")
    from_neo4j = run("analyze", account.id, "--format", "json", "--as-of", "2026-11-20", "--store", neo4j_env.uri)
    assert from_neo4j.exit_code == 0 and from_file.exit_code == 0
    assert from_neo4j.output == from_file.output
    assert json.loads(from_neo4j.output)["account"]["id"] == account.id


def test_history_lists_every_save_and_pull_gets_an_old_one(run, acme_file, tmp_path, monkeypatch):
    monkeypatch.setenv("INFLUENCE_GRAPH_USER", "alice")
    run("push", str(acme_file))
    run("pull", "acme", "-o", "mine.yaml")
    mine = tmp_path / "mine.yaml"
    mine.write_text(mine.read_text(encoding="utf-8").replace("name: Person 1", "name: Person One\n  title: CFO"),
                    encoding="utf-8")
    monkeypatch.setenv("INFLUENCE_GRAPH_USER", "bob")
    assert run("push", "mine.yaml").exit_code == 0
    revisions = open_store().history("acme")
    result = run("history", "acme")
    assert result.exit_code == 0
    lines = [line.split() for line in result.output.splitlines()]
    assert lines[0] == ["#", "revision", "saved", "by", "what", "changed"]
    assert [line[:2] + line[4:] for line in lines[1:]] == [
        ["1", revisions[0].revision, "UTC", "alice", "created", "with", "2", "people"],
        ["2", revisions[1].revision, "UTC", "bob", "Person", "One", "(CFO):", "name", "Person", "1", "→", "Person",
         "One;", "Person", "One", "(CFO):", "title", "none", "→", "CFO"],
    ]
    as_json = json.loads(run("history", "acme", "--format", "json").output)
    assert [(r["number"], r["by"]) for r in as_json] == [(1, "alice"), (2, "bob")]

    pulled = run("pull", "acme", "--revision", "1", "-o", "old.yaml")
    assert (pulled.exit_code, pulled.output) == (0, f"Pulled acme (Acme), revision {revisions[0].revision}, to old.yaml.\n")
    assert load_account(tmp_path / "old.yaml") == small_account("acme", name="Acme")
    assert run("pull", "acme@-1", "-o", "old2.yaml").exit_code == 0
    assert load_account(tmp_path / "old2.yaml") == small_account("acme", name="Acme")
    missing = run("pull", "acme@7", "-o", "x.yaml")
    assert (missing.exit_code, missing.output) == (1, (
        f"Error: account 'acme' in {tmp_path / 'accounts'} has no revision 7: it has revisions 1 to 2, "
        "or -1 to -1 counting back from the latest\n"))
    assert not (tmp_path / "x.yaml").exists()


def test_an_old_revision_reads_wherever_an_account_id_does(run, acme_file):
    run("push", str(acme_file))
    account = open_store().load("acme")
    account.people.pop()
    open_store().save(account)
    assert run("validate", "acme@1").output.startswith("OK: acme@1 — Acme: 2 people")
    assert run("validate", "acme").output.startswith("OK: acme — Acme: 1 people")
    analyzed = json.loads(run("analyze", "acme@-1", "--format", "json", "--as-of", "2026-11-20").output)
    assert [p["id"] for p in analyzed["people"]] == ["p0", "p1"]
    assert len(ig.load("acme@1").people) == 2 and len(ig.load("acme").people) == 1  # the notebook API too


def _pulled_pair(run, tmp_path):
    """A stored rich account, pulled to mine.yaml, then changed by a colleague."""
    path = tmp_path / "rich.yaml"
    path.write_text(dump_account(rich_account("acme")), encoding="utf-8")
    run("push", str(path))
    run("pull", "acme", "-o", "mine.yaml")
    return tmp_path / "mine.yaml"


def test_a_refused_push_merges_when_both_sides_edited_different_people(run, tmp_path):
    mine = _pulled_pair(run, tmp_path)
    colleague = open_store().load("acme")
    colleague.person("wang").title = "CFO"
    open_store().save(colleague)
    mine.write_text(mine.read_text(encoding="utf-8").replace("title: Deputy Chief Engineer", "title: Chief Engineer"),
                    encoding="utf-8")
    assert run("push", "mine.yaml").exit_code == 1  # stale, as before
    result = run("push", "mine.yaml", "--merge")
    assert result.exit_code == 0, result.output
    revision = open_store().history("acme")[-1].revision
    name = colleague.person("wang").name
    assert result.output == (
        f"Merged mine.yaml: your 1 change with 1 change saved since you pulled it ({name} (CFO): title none → CFO).\n"
        "mine.yaml now holds the merged account.\n"
        f"Pushed acme ({colleague.name}) to {tmp_path / 'accounts'}, revision {revision}.\n")
    stored = open_store().load("acme")
    assert stored.person("wang").title == "CFO" and stored.person("li").title == "Chief Engineer"
    assert load_account(mine) == stored  # the file holds the merge, and pushes again without a merge
    mine.write_text(mine.read_text(encoding="utf-8").replace("title: Chief Engineer", "title: CTO"), encoding="utf-8")
    assert run("push", "mine.yaml").exit_code == 0


def test_a_refused_push_of_the_same_stance_stops_with_the_conflict_and_writes_nothing(run, tmp_path):
    mine = _pulled_pair(run, tmp_path)
    colleague = open_store().load("acme")
    colleague.person("zhao").stance = StanceLabel.skeptic
    open_store().save(colleague)
    before = mine.read_text(encoding="utf-8")
    edited = before.replace("stance: neutral", "stance: supporter", 1)
    mine.write_text(edited, encoding="utf-8")
    result = run("push", "mine.yaml", "--merge")
    revision = open_store().history("acme")[-1].revision
    assert (result.exit_code, result.output) == (1, (
        f"Error: account 'acme': your changes and those saved since (revision {revision}) touch the same fields "
        "(1 conflict; nothing was saved):\n"
        "  赵明 Zhao Ming (CEO): stance — yours supporter, theirs skeptic (was neutral)\n"
        "Edit your copy so the two sides agree and merge again, or choose a side with "
        "--prefer mine|theirs (prefer='mine'|'theirs' in Python).\n"))
    assert open_store().load("acme") == colleague and len(open_store().history("acme")) == 2
    assert mine.read_text(encoding="utf-8") == edited
    settled = run("push", "mine.yaml", "--merge", "--prefer", "mine")
    assert settled.exit_code == 0 and "; kept mine" in settled.output
    assert open_store().load("acme").person("zhao").stance == StanceLabel.supporter


def test_merge_options_that_do_not_go_together(run, acme_file):
    assert run("push", str(acme_file), "--merge", "--force").output.endswith(
        "Error: --force overwrites and --merge combines: choose one\n")
    assert run("push", str(acme_file), "--prefer", "mine").exit_code == 2
    assert run("push", str(acme_file), "--merge").exit_code == 0  # a new account: nothing to merge
    fresh = run("push", str(acme_file), "--merge")  # never pulled, and stored already: nothing to merge against
    assert fresh.exit_code == 1 and "does not record a revision of" in fresh.output
    assert "`ig merge " in fresh.output


def test_accounts_reports_a_broken_file(run, acme_file, tmp_path):
    run("push", str(acme_file))
    (tmp_path / "accounts" / "broken.yaml").write_text("account: [", encoding="utf-8")
    result = run("accounts")  # the table on stdout, the unusable file on stderr
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[1].startswith("acme ") and lines[2].startswith("Cannot use broken.yaml: not valid YAML")


def test_a_push_whose_file_cannot_record_the_new_revision_says_so(run, acme_file, tmp_path, monkeypatch):
    """The save happened; if the pulled file then cannot be updated (disk full, say),
    its next push would be refused as stale for no reason: an error, not silence."""
    import influence_graph.stores.base as base
    from influence_graph.model import InfluenceGraphError

    run("push", str(acme_file))
    run("pull", "acme", "-o", "mine.yaml")
    mine = tmp_path / "mine.yaml"
    mine.write_text(mine.read_text(encoding="utf-8").replace("Person 1", "Person One"), encoding="utf-8")
    old = open_store().history("acme")[-1].revision

    def disk_full(path, text):
        raise InfluenceGraphError(f"{path}: cannot write (No space left on device)")
    monkeypatch.setattr(base, "atomic_write_text", disk_full)
    result = run("push", "mine.yaml")
    new = open_store().history("acme")[-1].revision
    location = tmp_path / "accounts"
    assert (result.exit_code, result.output) == (1, (
        f"Error: saved as revision {new} in {location}, but mine.yaml could not be updated to record it "
        "(mine.yaml: cannot write (No space left on device)); change its line "
        f"'# revision: {old} @ {location}' to '# revision: {new} @ {location}' before pushing it again\n"))
    assert open_store().load("acme").person("p1").name == "Person One"
