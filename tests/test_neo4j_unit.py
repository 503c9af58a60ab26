"""What the Neo4j store sends to the driver, checked on a spec'd mock driver
(``create_autospec`` of the real neo4j classes, so a wrong method or argument
fails). These check our side only: parameterized statements from cypher/, UNWIND
batches, one write transaction, reads routed as reads, errors translated. They
are not evidence that Neo4j accepts the statements or that they mean what we
want: the tests against the real server (test_store_contract.py,
test_neo4j_live.py, test_named_queries.py) are.
"""
from __future__ import annotations

import pytest
from neo4j import exceptions as neo4j_errors

from influence_graph.model import StaleWriteError, StoreError
from influence_graph.stores import cypher, open_store
from influence_graph.stores.neo4j_store import WRITES, Neo4jStore
from _fake_driver import FakeServer
from _store_accounts import HOSTILE, rich_account, small_account


KNOWN_TEXTS = {s.text for s in cypher.all_statements()}


def statement(name):
    return cypher.store_statement(name)


@pytest.fixture
def server(monkeypatch):
    return FakeServer(monkeypatch, {statement("stored_revision"): [{"revision": None}],
                                    statement("save_account"): [{"revision": "9f86d081884c"}]})


def test_save_sends_only_statements_from_cypher_files_with_parameters(server):
    account = rich_account()
    Neo4jStore("neo4j://db").save(account)
    assert server.calls
    for text, params in server.calls:
        assert text in KNOWN_TEXTS
        assert isinstance(params, dict)


def test_no_user_string_ever_reaches_cypher_text(server):
    account = rich_account()
    assert any(p.name == HOSTILE for p in account.people)
    store = Neo4jStore("neo4j://db")
    store.save(account)
    store.query("strongest_influencers", account=HOSTILE, person=HOSTILE)
    user_strings = {HOSTILE, "Kick-off\nsecond line", "华鑫汽车 Huaxin Automotive", "zhao@huaxin.example"}
    for text, _ in server.calls:
        assert not any(s in text for s in user_strings)
    sent = repr([params for _, params in server.calls])
    assert all(repr(s)[1:-1] in sent for s in user_strings)  # they travel as parameters


def test_writes_are_unwind_batches_scoped_by_account(server):
    account = small_account("acme", people=5)
    Neo4jStore("neo4j://db", batch_size=2).save(account)
    people_batches = [params["rows"] for text, params in server.calls if text == statement("create_people")]
    assert [len(batch) for batch in people_batches] == [2, 2, 1]
    assert [row["id"] for batch in people_batches for row in batch] == ["p0", "p1", "p2", "p3", "p4"]
    assert all(row["account"] == "acme" for batch in people_batches for row in batch)
    for name in WRITES:
        assert statement(name).startswith("UNWIND $rows AS row")
    assert {params["account"] for _, params in server.calls if "account" in params} == {"acme"}


def test_save_is_one_write_transaction_and_the_schema_is_applied_once(server):
    store = Neo4jStore("neo4j://db")
    store.save(small_account("acme"))
    store.save(small_account("acme"), force=True)
    schema = [s.text for s in cypher.schema_statements()]
    assert [t for t in server.texts() if t in schema] == schema
    assert server.routes == ["read"] + ["write"] * (len(schema) + 2)  # what is there already, the schema, two saves


def test_a_database_with_the_whole_schema_gets_no_schema_statement(monkeypatch):
    names = [{"name": cypher.schema_name(s)} for s in cypher.schema_statements()]
    server = FakeServer(monkeypatch, {statement("schema_names"): names[1:] + [{"name": "someone_elses_index"}],
                                      statement("stored_revision"): [{"revision": None}],
                                      statement("save_account"): [{"revision": "9f86d081884c"}]})
    Neo4jStore("neo4j://db").save(small_account("acme"))
    schema = [s.text for s in cypher.schema_statements()]
    assert [t for t in server.texts() if t in schema] == schema[:1]  # only the one missing
    server.answers[statement("schema_names")] = names
    server.calls.clear()
    Neo4jStore("neo4j://db").save(small_account("acme"), force=True)
    assert not [t for t in server.texts() if t in schema]


def server_error(code: str, message: str) -> neo4j_errors.Neo4jError:
    """An error as the driver makes it from a server's FAILURE (driver 6: _hydrate_neo4j; 5: hydrate)."""
    hydrate = getattr(neo4j_errors.Neo4jError, "_hydrate_neo4j", None) or neo4j_errors.Neo4jError.hydrate
    return hydrate(code=code, message=message)


def test_a_schema_rule_someone_else_created_meanwhile_is_fine_and_other_errors_are_not(server):
    calls = []

    def racing(work, text, params):
        calls.append(text)
        if len(calls) == 1:  # another first save created it a moment ago
            raise server_error("Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists", "An equivalent index already exists")
        if len(calls) == 2:
            raise server_error("Neo.ClientError.Security.Forbidden", "no schema rights")
        return None

    server.session.execute_write.side_effect = racing
    with pytest.raises(StoreError, match=r"^Neo4j error Neo\.ClientError\.Security\.Forbidden: no schema rights$"):
        Neo4jStore("neo4j://db").save(small_account("acme"))
    assert len(calls) == 2


def test_a_stale_save_writes_nothing(monkeypatch):
    server = FakeServer(monkeypatch, {statement("stored_revision"): [{"revision": "b5e1c0ffee05"}]})
    account = small_account("acme")
    account._stored_revision = ("neo4j://db", "3a7bd3e2360a")
    with pytest.raises(StaleWriteError, match=r"stored revision b5e1c0ffee05, yours 3a7bd3e2360a"):
        Neo4jStore("neo4j://db").save(account)
    schema = {s.text for s in cypher.schema_statements()}
    assert [t for t in server.texts() if t not in schema] == [statement("schema_names"), statement("stored_revision")]


def test_reads_are_routed_as_reads(server):
    store = Neo4jStore("neo4j://db")
    store.list()
    store.query("rivalries")
    with pytest.raises(StoreError):
        store.load("acme")  # the canned server has no such account
    assert server.routes == ["read", "read", "read"]


def test_the_analysis_is_written_in_unwind_batches_under_the_accounts_lock(monkeypatch):
    server = FakeServer(monkeypatch, {statement("lock_account"): [{"revision": "3a7bd3e2360a"}]})
    properties = {f"p{i}": {"influence": i / 10, "category": "aligned", "coach_score": 0.0, "faction": None,
                            "in_decision_unit": i == 0} for i in range(5)}
    Neo4jStore("neo4j://db", batch_size=2).write_analysis("acme", properties, "3a7bd3e2360a")
    assert server.routes == ["write"]
    assert server.texts() == [statement("lock_account")] + [statement("write_analysis")] * 3
    sent = [row for _, params in server.calls[1:] for row in params["rows"]]
    assert sent == [{"id": pid, "properties": values} for pid, values in properties.items()]
    assert {params["account"] for _, params in server.calls} == {"acme"}


def test_the_analysis_of_an_older_revision_writes_nothing(monkeypatch):
    server = FakeServer(monkeypatch, {statement("lock_account"): [{"revision": "b5e1c0ffee05"}]})
    with pytest.raises(StaleWriteError, match=r"saved again .* \(revision b5e1c0ffee05\) since revision 3a7bd3e2360a"):
        Neo4jStore("neo4j://db").write_analysis("acme", {"p0": {"influence": 0.5}}, "3a7bd3e2360a")
    assert server.texts() == [statement("lock_account")]


@pytest.mark.parametrize("values, message", [
    ({"id": "other", "account": "x"}, r"^analysis of person 'p0': account, id is not one of influence, category, "),
    ({"influence": [0.1]}, r"^analysis of person 'p0': influence must be a number, text or boolean, not list$"),
])
def test_analysis_values_that_could_break_a_node_are_refused_before_sending(server, values, message):
    with pytest.raises(StoreError, match=message):
        Neo4jStore("neo4j://db").write_analysis("acme", {"p0": values}, "3a7bd3e2360a")
    assert server.calls == []


def test_query_names_missing_parameters_before_sending_anything(server):
    with pytest.raises(StoreError, match=r"^query strongest_influencers needs --param account=… --param person=…$"):
        Neo4jStore("neo4j://db").query("strongest_influencers")
    with pytest.raises(StoreError, match="no named query 'rivalrys'; known queries: .*rivalries"):
        Neo4jStore("neo4j://db").query("rivalrys")
    assert server.calls == []


@pytest.mark.parametrize("error, message", [
    (neo4j_errors.ServiceUnavailable("Unable to retrieve routing information"),
     r"^cannot reach Neo4j at neo4j://db \(Unable to retrieve routing information\); is the server running\?$"),
    (neo4j_errors.AuthError("The client is unauthorized"),
     r"^Neo4j at neo4j://db refused the credentials of user 'neo4j' \(check NEO4J_USERNAME and NEO4J_PASSWORD\)$"),
    (neo4j_errors.SessionExpired("gone"), r"^cannot reach Neo4j"),
    (neo4j_errors.ClientError("x"), r"^Neo4j error (Neo\.\S+|ClientError): \S"),
])
def test_driver_errors_become_one_line_store_errors(server, error, message):
    server.driver.verify_connectivity.side_effect = error
    with pytest.raises(StoreError, match=message) as caught:
        Neo4jStore("neo4j://db", password="secret").list()
    assert "\n" not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_a_rejected_query_is_one_line(server):
    server.session.execute_read.side_effect = neo4j_errors.CypherSyntaxError("Invalid input 'RETRN'\n  ^")
    with pytest.raises(StoreError, match=r"^Neo4j rejected the query: [^\n]+$"):
        Neo4jStore("neo4j://db").query("MATCH (n) RETRN n")


def test_a_missing_password_is_named(server):
    server.driver.verify_connectivity.side_effect = neo4j_errors.AuthError("unauthorized")
    with pytest.raises(StoreError, match=r"^Neo4j at neo4j://db needs a password: set NEO4J_PASSWORD"):
        Neo4jStore("neo4j://db", password=None).list()
    with pytest.raises(StoreError, match=r"refused the credentials of user 'alice'"):
        Neo4jStore("neo4j://db", username="alice", password="wrong").list()


def test_an_address_the_driver_cannot_resolve_is_one_line(server):
    server.driver.verify_connectivity.side_effect = ValueError("Failed to DNS resolve address h:x: bad port")
    with pytest.raises(StoreError, match=r"^neo4j://h:x is not a Neo4j address \(Failed to DNS resolve"):
        Neo4jStore("neo4j://h:x").list()


@pytest.mark.parametrize("location", ["http://localhost:7474", "neo4j//localhost", "ftp://x/accounts"])
def test_a_url_that_is_not_neo4j_is_refused_not_made_a_folder(location, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    if "://" in location:
        with pytest.raises(StoreError, match=r"is not a store: use a directory, or a Neo4j URL \(neo4j://, "):
            open_store(location)
    else:  # no scheme: a (strange) directory name, as the user typed it
        assert open_store(location).location == str(tmp_path / location)
    assert list(tmp_path.iterdir()) == []
