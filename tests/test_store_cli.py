"""`ig push / pull / accounts / query` on the real commands: exit codes and exact messages."""
from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from influence_graph.cli import cli
from influence_graph.model import dump_account, load_account
from influence_graph.stores import open_store
from _store_accounts import rich_account, small_account


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INFLUENCE_GRAPH_STORE", str(tmp_path / "accounts"))

    def invoke(*args):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return invoke


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
    assert json.loads(as_json.output) == [{"id": "acme", "name": "Acme", "revision": revision}]


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


@pytest.mark.neo4j
@pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason="NEO4J_URI is not set: no Neo4j server to test against")
def test_query_against_neo4j(run, tmp_path):
    uri = os.environ["NEO4J_URI"]
    account = rich_account("ig-test-cli")
    path = tmp_path / "rich.yaml"
    path.write_text(dump_account(account), encoding="utf-8")
    try:
        assert run("push", str(path), "--store", uri, "--force").exit_code == 0
        result = run("query", "strongest_influencers", "--param", "account=ig-test-cli", "--param", "person=zhao",
                     "--format", "json", "--store", uri)
        assert result.exit_code == 0, result.output
        rows = json.loads(result.output)
        assert [(r["influencer"], r["kind"], r["strength"]) for r in rows] == [
            ("Li Wei", "advice", 0.8), (account.person("wang").name, "budget", 0.5)]
    finally:
        open_store(uri).delete("ig-test-cli")
