"""What the Neo4j store sends to the driver, checked on a spec'd mock driver
(``create_autospec`` of the real neo4j classes, so a wrong method or argument
fails). These check our side only: parameterized statements from cypher/, UNWIND
batches, reads routed as reads, errors translated. They are not evidence that
Neo4j accepts the statements: the Cypher lint and the contract suite against a
real server (NEO4J_URI) are.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import neo4j
import pandas as pd
import pytest
from neo4j import exceptions as neo4j_errors

from influence_graph.model import StaleWriteError, StoreError, load_account, parse_account
from influence_graph.stores import cypher, open_store
from influence_graph.stores.neo4j_store import WRITES, Neo4jStore, account_rows
from _neo4j_replay import FakeServer, MemoryGraph
from _store_accounts import HOSTILE, rich_account, rich_data, small_account

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
    assert "read" not in server.routes
    assert server.routes.count("write") == len(schema) + 2


def test_a_stale_save_writes_nothing(monkeypatch):
    server = FakeServer(monkeypatch, {statement("stored_revision"): [{"revision": "b5e1c0ffee05"}]})
    account = small_account("acme")
    account._stored_revision = ("neo4j://db", "3a7bd3e2360a")
    with pytest.raises(StaleWriteError, match=r"stored revision b5e1c0ffee05, yours 3a7bd3e2360a"):
        Neo4jStore("neo4j://db").save(account)
    schema = {s.text for s in cypher.schema_statements()}
    assert [t for t in server.texts() if t not in schema] == [statement("stored_revision")]


def test_reads_are_routed_as_reads(server):
    store = Neo4jStore("neo4j://db")
    store.list()
    store.query("rivalries")
    with pytest.raises(StoreError):
        store.load("acme")  # the canned server has no such account
    assert server.routes == ["read", "read", "read"]


def test_query_returns_a_dataframe_with_plain_values(monkeypatch):
    text = cypher.named_query("rivalries").text
    when = neo4j.time.Date(2026, 10, 12)
    server = FakeServer(monkeypatch, {text: [{"account": "acme", "since": when, "sides": ["a", "b"]}]})
    frame = Neo4jStore("neo4j://db").query("rivalries")
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["account", "since", "sides"]
    assert frame.iloc[0].tolist() == ["acme", dt.date(2026, 10, 12), ["a", "b"]]
    assert server.calls == [(text, {})]


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


def test_people_carry_query_helpers_and_neo4j_storable_values():
    rows = account_rows(rich_account())
    zhao = rows["create_people"][0]
    assert (zhao["stance"], zhao["stance_value"], zhao["in_decision_unit"]) == ("neutral", 0.0, True)
    assert zhao["contact_email"] == "zhao@huaxin.example"
    sun = rows["create_people"][3]
    assert (sun["stance"], sun["stance_value"], sun["in_decision_unit"]) == (-0.25, -0.25, False)

    def storable(value):  # Neo4j properties: scalars or homogeneous lists of scalars, never maps
        if isinstance(value, list):
            return len({type(v) for v in value}) <= 1 and all(isinstance(v, (str, int, float, bool)) for v in value)
        return isinstance(value, (str, int, float, bool))

    for name, batch in rows.items():
        for row in batch:
            props = row.get("props", row) if name not in ("create_people", "create_departments") else row
            assert all(storable(v) for v in props.values()), (name, props)


# -- save -> load through an in-memory replay of the store's statements (tests/_neo4j_replay.py)


@pytest.fixture
def replay(monkeypatch):
    graph = MemoryGraph()
    server = FakeServer(monkeypatch, handler=graph.run)
    return graph, server


def variants() -> list:
    """Accounts that exercise what the rows must carry: every optional shape once."""
    data = rich_data("variants")
    data["people"][0]["contact"] = {"e-mail": "z@x.example", "WeChat ID": "赵明_88", "phone": "+86 1"}
    data["people"][1]["stance"] = 1            # a number that is also a label's value: stays a number
    data["people"][2]["stance"] = "opponent"
    data["people"][3].update(stance=0, level=6, susceptibility=0.0, interests=["多语言", "a\nb"])
    data["departments"].append({"id": "lab", "parent": "eng", "function": "r&d"})  # a three-level chain
    data["relationships"] += [{"member": "mei", "person": "li", "strength": 2 / 3},  # zipper's value, not the word
                              {"member": "mei", "person": "sun", "strength": "clip", "since": "2020-02-29"}]
    data["touches"] = [{"date": "2026-10-12", "member": "jiang", "people": ["wang", "zhao", "li"]},
                       {"date": "2026-10-12", "member": "jiang", "people": ["sun"], "next_date": "2026-12-31"},
                       {"date": "2026-01-01", "kind": "call"}]
    no_dmu_list = {**rich_data("no-dmu-list"), "opportunity": {"name": "Deal"}}
    empty_dmu = {**rich_data("empty-dmu"), "opportunity": {"name": "Deal", "decision_unit": []}}
    return [parse_account(data), parse_account(no_dmu_list), parse_account(empty_dmu),
            small_account("bare", people=0), rich_account(),
            load_account(Path(__file__).parents[1] / "examples" / "huaxin-auto.yaml")]


def test_every_account_shape_comes_back_equal_through_the_replayed_statements(replay):
    store = Neo4jStore("neo4j://db", batch_size=2)  # several batches per section
    for account in variants():
        store.save(account, force=True)
        loaded = store.load(account.id)
        assert loaded == account, account.id
        assert loaded.to_data() == account.to_data(), account.id
        assert loaded.decision_unit == account.decision_unit, account.id


def test_no_relationship_row_is_dropped_by_a_match_that_finds_nothing(replay):
    graph, _ = replay
    account = variants()[0]
    Neo4jStore("neo4j://db").save(account)
    rows = account_rows(account)
    made = {name: sum(1 for r in graph.rels if r[0] == rel_type) for name, rel_type in [
        ("create_department_parents", "PART_OF"), ("create_memberships", "MEMBER_OF"),
        ("create_reporting_lines", "REPORTS_TO"), ("create_channels", "INFLUENCES"),
        ("create_department_relations", "RELATES_TO"), ("create_touch_members", "BY"),
        ("create_touch_people", "WITH"), ("create_decision_unit", "DECIDED_BY"), ("create_opportunity", "HAS_OPPORTUNITY")]}
    assert made == {name: len(rows[name]) for name in made}
    knows = len(rows["create_relationships"]) + len(rows["create_competitor_relationships"])
    assert sum(1 for r in graph.rels if r[0] == "KNOWS") == knows
    assert not any(v is None for _, props in graph.nodes for v in props.values())  # SET n = row stores no null


def test_a_save_replaces_the_account_whole_and_leaves_other_accounts_alone(replay):
    graph, _ = replay
    store = Neo4jStore("neo4j://db")
    store.save(rich_account("other"))
    before = sorted(repr(n) for n in graph.nodes if n[1].get("account") == "other")
    store.save(rich_account("acme"))
    store.save(small_account("acme", people=1), force=True)
    mine = [n for n in graph.nodes if n[1].get("account") == "acme"]
    assert sorted(n[0] for n in mine) == ["Account", "Person", "Revision", "Revision"]  # both saves kept
    assert sorted(repr(n) for n in graph.nodes if n[1].get("account") == "other") == before
    assert store.delete("acme") == 2
    assert [n for n in graph.nodes if n[1].get("account") == "acme"] == []
    assert store.load("other") == rich_account("other")


def test_save_load_list_and_delete_send_user_strings_only_as_parameters(replay):
    _, server = replay
    account = rich_account("hostile", name=HOSTILE)
    store = Neo4jStore("neo4j://db")
    store.save(account)
    assert store.load("hostile") == account
    assert [s.name for s in store.list()] == [HOSTILE]
    store.delete("hostile")
    assert {text for text, _ in server.calls} <= KNOWN_TEXTS  # texts straight from cypher/, nothing formatted in
    assert any(params.get("name") == HOSTILE for _, params in server.calls)  # the account's name, as a value


def test_the_revision_is_read_under_the_accounts_write_lock():
    # Read committed lets two transactions read the same revision; the SET before the
    # read takes the node's write lock, so the second save waits and then sees the first's.
    text = statement("stored_revision")
    assert text.index("SET a._lock") < text.index("RETURN a.revision")
    assert "REMOVE a._lock" in statement("save_account")


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
