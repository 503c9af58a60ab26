"""What the Neo4j store sends to the driver, checked on a spec'd mock driver
(``create_autospec`` of the real neo4j classes, so a wrong method or argument
fails). These check our side only: parameterized statements from cypher/, UNWIND
batches, reads routed as reads, errors translated. They are not evidence that
Neo4j accepts the statements: the Cypher lint and the contract suite against a
real server (NEO4J_URI) are.
"""
from __future__ import annotations

import datetime as dt
from unittest.mock import create_autospec

import neo4j
import pandas as pd
import pytest
from neo4j import exceptions as neo4j_errors

from influence_graph.model import StaleWriteError, StoreError
from influence_graph.stores import cypher
from influence_graph.stores.neo4j_store import WRITES, Neo4jStore, account_data, account_rows
from _store_accounts import HOSTILE, rich_account, small_account

KNOWN_TEXTS = {s.text for s in cypher.all_statements()}


class FakeServer:
    """Records every (query text, parameters) the store runs; answers with canned records."""

    def __init__(self, monkeypatch, answers=None):
        self.calls: list[tuple[str, dict]] = []
        self.routes: list[str] = []
        self.answers = answers or {}
        self.driver = create_autospec(neo4j.Driver, instance=True)
        self.session = create_autospec(neo4j.Session, instance=True)
        self.driver.session.return_value.__enter__.return_value = self.session
        self.session.execute_write.side_effect = self._route("write")
        self.session.execute_read.side_effect = self._route("read")
        # One transaction and one result, reused: the store consumes each result before the next run.
        self.tx = create_autospec(neo4j.ManagedTransaction, instance=True)
        self.tx.run.side_effect = self._run
        self.result = create_autospec(neo4j.Result, instance=True)
        monkeypatch.setattr(neo4j.GraphDatabase, "driver", lambda uri, auth=None: self.driver)

    def _route(self, kind):
        def run_work(work, *args, **kwargs):
            self.routes.append(kind)
            return work(self.tx, *args, **kwargs)
        return run_work

    def _run(self, query, parameters=None, **kwparameters):
        assert not kwparameters, "parameters go in one dict"
        self.calls.append((query, parameters))
        records = [neo4j.Record(r) for r in self.answers.get(query, [])]
        result = self.result
        result.single.return_value = records[0] if records else None
        result.__iter__.return_value = iter(records)
        result.keys.return_value = list(records[0].keys()) if records else ["name"]
        return result

    def texts(self):
        return [text for text, _ in self.calls]


def statement(name):
    return cypher.store_statement(name)


@pytest.fixture
def server(monkeypatch):
    return FakeServer(monkeypatch, {statement("save_account"): [{"revision": 1}]})


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
    server = FakeServer(monkeypatch, {statement("stored_revision"): [{"revision": 5}]})
    account = small_account("acme")
    account._stored_revision = ("neo4j://db", "3")
    with pytest.raises(StaleWriteError, match=r"stored revision 5, yours 3"):
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
    (neo4j_errors.ClientError("x"), r"^Neo4j error Neo\.\S+: "),
])
def test_driver_errors_become_one_line_store_errors(server, error, message):
    server.driver.verify_connectivity.side_effect = error
    with pytest.raises(StoreError, match=message) as caught:
        Neo4jStore("neo4j://db").list()
    assert "\n" not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_a_rejected_query_is_one_line(server):
    server.session.execute_read.side_effect = neo4j_errors.CypherSyntaxError("Invalid input 'RETRN'\n  ^")
    with pytest.raises(StoreError, match=r"^Neo4j rejected the query: [^\n]+$"):
        Neo4jStore("neo4j://db").query("MATCH (n) RETRN n")


def _as_neo4j_returns(account):
    """What the load_* statements return for the rows save wrote (SET n = row; dates via toString)."""
    rows = account_rows(account)
    parents = {r["id"]: r["parent"] for r in rows["create_department_parents"]}
    member_of = {r["person"]: r["department"] for r in rows["create_memberships"]}
    boss = {r["person"]: r["boss"] for r in rows["create_reporting_lines"]}
    touch_by = {r["seq"]: r["member"] for r in rows["create_touch_members"]}
    return {
        "departments": [{"props": r, "parent": parents.get(r["id"])} for r in rows["create_departments"]],
        "people": [{"props": r, "department": member_of.get(r["id"]), "reports_to": boss.get(r["id"])}
                   for r in rows["create_people"]],
        "channels": rows["create_channels"],
        "department_relations": rows["create_department_relations"],
        "team": [{"props": r} for r in rows["create_team"]],
        "relationships": rows["create_relationships"],
        "competitors": [{"props": r} for r in rows["create_competitors"]],
        "competitor_relationships": rows["create_competitor_relationships"],
        "touches": [{"props": r["props"], "date": r["date"], "next_date": r["next_date"],
                     "member": touch_by.get(r["props"]["seq"]),
                     "people": [[p["position"], p["person"]] for p in rows["create_touch_people"]
                                if p["seq"] == r["props"]["seq"]]}
                    for r in rows["create_touches"]],
        "opportunity": [{"props": r["props"], "close_date": r["close_date"]} for r in rows["create_opportunity"]],
    }


def test_rows_and_records_map_back_to_the_same_account():
    from influence_graph.model import parse_account

    account = rich_account()
    head = {"id": account.id, "name": account.name, "industry": account.account.industry,
            "notes": account.account.notes}
    assert parse_account(account_data(head, _as_neo4j_returns(account))) == account


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
