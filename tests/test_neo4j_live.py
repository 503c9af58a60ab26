"""What only a real Neo4j can show: the schema on Community, the graph the store writes
(looked at with Cypher of the test's own), the lock that refuses a stale save, loads in
file order whatever the storage order, and the analysis on the Person nodes.

The contract both stores keep is in test_store_contract.py; the named queries are in
test_named_queries.py. The server is the suite's (tests/conftest.py: ``neo4j_server``).
"""
from __future__ import annotations

import threading
from pathlib import Path

import neo4j
import pytest

import influence_graph as ig
from influence_graph.model import StaleWriteError, StoreError, load_account
from influence_graph.stores import cypher, neo4j_store
from influence_graph.stores.neo4j_store import ANALYSIS_PROPERTIES, Neo4jStore, account_rows
from _store_accounts import HOSTILE, rich_account, small_account

pytestmark = pytest.mark.neo4j
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "huaxin-auto.yaml"


@pytest.fixture
def store(neo4j_server):
    with Neo4jStore(neo4j_server.uri, neo4j_server.username, neo4j_server.password) as opened:
        yield opened


@pytest.fixture
def db(neo4j_server):
    """A plain driver session, to look at the graph the store wrote."""
    with neo4j.GraphDatabase.driver(neo4j_server.uri, auth=(neo4j_server.username, neo4j_server.password)) as driver:
        with driver.session() as session:
            yield session


def rows(db, text, **params):
    return [record.data() for record in db.run(text, params)]


def example(account_id: str):
    account = load_account(EXAMPLE)
    account.account.id = account_id
    return account


# -- schema ------------------------------------------------------------------------------


def test_the_schema_applies_twice_on_community_and_means_what_it_says(store, db, new_id):
    edition = rows(db, "CALL dbms.components() YIELD edition RETURN edition")[0]["edition"]
    if edition != "community":
        pytest.skip(f"NEO4J_URI names a Neo4j {edition} server: Community support is shown on the suite's own server")
    names = [cypher.schema_name(s) for s in cypher.schema_statements()]
    store.save(small_account(new_id()))  # the schema is in place (other tests may be applying it right now)
    for _ in range(2):
        for statement in cypher.schema_statements():
            db.execute_write(lambda tx, text=statement.text: tx.run(text).consume())
    present = {r["name"] for r in rows(db, "SHOW CONSTRAINTS YIELD name")} | {r["name"] for r in rows(db, "SHOW INDEXES YIELD name")}
    assert set(names) <= present and len(names) == len(set(names))
    constraints = {r["name"]: r for r in rows(db, "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties")}
    assert constraints["person_key"]["type"] == "UNIQUENESS"
    assert constraints["person_key"]["properties"] == ["account", "id"]  # composite IS UNIQUE: Community has it

    # The composite constraint refuses a second (account, id) and allows the same id elsewhere.
    first, second = new_id(), new_id()
    store.save(small_account(first))
    store.save(small_account(second))  # the same person ids p0, p1, in another account
    with pytest.raises(neo4j.exceptions.ConstraintError):
        db.run("CREATE (:Person {account: $account, id: 'p0'})", account=first).consume()


# -- what the store writes ----------------------------------------------------------------


def test_every_row_becomes_a_relationship_and_none_crosses_accounts(store, db, new_id):
    account, other = example(new_id()), example(new_id())
    store.save(account)
    store.save(other)
    made = {r["type"]: r["n"] for r in rows(db, "MATCH (a {account: $account})-[r]->() RETURN type(r) AS type, count(r) AS n",
                                             account=account.id)}
    written = account_rows(account)
    expected = {
        "PART_OF": len(written["create_department_parents"]), "MEMBER_OF": len(written["create_memberships"]),
        "REPORTS_TO": len(written["create_reporting_lines"]), "INFLUENCES": len(account.channels),
        "RELATES_TO": len(account.department_relations),
        "KNOWS": len(account.relationships) + len(account.competitor_relationships),
        "BY": len(written["create_touch_members"]), "WITH": len(written["create_touch_people"]),
        "DECIDED_BY": len(account.decision_unit), "HAS_OPPORTUNITY": 1, "HAS_REVISION": 1,
    }
    assert made == expected  # a MATCH that finds nothing would drop a row silently
    assert rows(db, "MATCH (a)-[r]-(b) WHERE a.account IN $ids AND a.account <> b.account RETURN count(r) AS n",
                ids=[account.id, other.id]) == [{"n": 0}]


def test_the_graph_says_what_the_file_says(store, db, new_id):
    """Direction and ends of every relationship, read with Cypher of our own."""
    account = example(new_id())
    store.save(account)
    q = {"account": account.id}
    assert {(r["p"], r["boss"]) for r in rows(db, "MATCH (p:Person {account: $account})-[:REPORTS_TO]->(b) "
                                                 "RETURN p.id AS p, b.id AS boss", **q)} == \
        {(p.id, p.reports_to) for p in account.people if p.reports_to}
    assert sorted((r["s"], r["t"], r["kind"]) for r in rows(
        db, "MATCH (s:Person {account: $account})-[c:INFLUENCES]->(t) RETURN s.id AS s, t.id AS t, c.kind AS kind", **q)) == \
        sorted((c.source, c.target, c.kind.value) for c in account.channels)
    assert {(r["p"], r["d"]) for r in rows(db, "MATCH (p:Person {account: $account})-[:MEMBER_OF]->(d) "
                                              "RETURN p.id AS p, d.id AS d", **q)} == \
        {(p.id, p.department) for p in account.people if p.department}
    assert sorted(r["p"] for r in rows(db, "MATCH (:Opportunity {account: $account})-[:DECIDED_BY]->(p) RETURN p.id AS p", **q)) \
        == sorted(account.decision_unit)
    # What the named queries rely on: typed dates, numbers, the helper properties.
    types = rows(db, "MATCH (:TeamMember {account: $account})-[k:KNOWS]->() WHERE k.since IS NOT NULL "
                     "RETURN DISTINCT valueType(k.since) AS since, valueType(k.strength) AS strength", **q)
    assert types == [{"since": "DATE NOT NULL", "strength": "FLOAT NOT NULL"}]
    zhao = rows(db, "MATCH (p:Person {account: $account, id: 'zhao'}) RETURN p.stance_value AS s, "
                    "p.in_decision_unit AS dmu, p.contact_email AS email", **q)[0]
    assert zhao == {"s": 0.0, "dmu": True, "email": account.person("zhao").contact["email"]}


def test_sections_load_in_file_order_whatever_order_neo4j_stored_them(store, new_id, monkeypatch):
    # Neo4j returns nodes in storage order unless asked (ORDER BY seq): write every
    # section's rows in reverse and the account must still load in file order.
    written = neo4j_store.account_rows
    monkeypatch.setattr(neo4j_store, "account_rows", lambda a: {k: v[::-1] for k, v in written(a).items()})
    account = example(new_id())
    store.save(account)
    monkeypatch.undo()
    loaded = store.load(account.id)
    assert [p.id for p in loaded.people] == [p.id for p in account.people]
    assert loaded == account


def test_a_save_replaces_the_account_whole_and_leaves_other_accounts_alone(store, db, new_id):
    mine, other = new_id(), new_id()
    store.save(rich_account(other))
    census = "MATCH (n {account: $account}) RETURN labels(n)[0] AS label, count(n) AS n ORDER BY label"
    before = rows(db, census, account=other)
    store.save(rich_account(mine))
    store.save(small_account(mine, people=1), force=True)
    assert rows(db, census, account=mine) == [{"label": "Account", "n": 1}, {"label": "Person", "n": 1},
                                              {"label": "Revision", "n": 2}]  # both saves kept
    assert rows(db, census, account=other) == before
    assert store.delete(mine) == 2
    assert rows(db, census, account=mine) == []
    assert store.load(other) == rich_account(other)


def test_a_save_waits_for_the_accounts_lock_and_then_sees_the_newer_revision(store, db, new_id, neo4j_server):
    """The lock statement (stored_revision) is what refuses a stale save: a save that
    starts while another transaction holds the lock waits, then sees its revision."""
    account_id = new_id()
    store.save(small_account(account_id))
    mine = store.load(account_id)
    outcome = []
    with neo4j.GraphDatabase.driver(neo4j_server.uri, auth=(neo4j_server.username, neo4j_server.password)) as other:
        with other.session() as session, session.begin_transaction() as tx:
            tx.run(cypher.store_statement("stored_revision"), account=account_id).consume()  # a colleague's save, under way
            saver = threading.Thread(target=lambda: outcome.append(_save_outcome(store, mine)))
            saver.start()
            saver.join(timeout=1.5)
            waited = saver.is_alive()
            tx.run("MATCH (a:Account {id: $account}) SET a.revision = 'c011ea9e0001'", account=account_id).consume()
            tx.commit()
    saver.join(timeout=60)
    assert waited
    assert outcome == ["StaleWriteError: stored revision c011ea9e0001"]


def _save_outcome(store, account) -> str:
    try:
        store.save(account)
    except StaleWriteError as exc:
        return "StaleWriteError: " + str(exc).split("(", 1)[1].split(",")[0]
    return "saved"


# -- queries are reads -----------------------------------------------------------------------


@pytest.mark.parametrize("write", [
    "CREATE (n:Person {account: 'x', id: 'x'}) RETURN n",
    "MATCH (a:Account) DETACH DELETE a",
    "MATCH (p:Person) SET p.name = 'x'",
    "CALL { CREATE (:Person {account: 'x', id: 'y'}) } IN TRANSACTIONS",
    "CREATE INDEX sneaky IF NOT EXISTS FOR (p:Person) ON (p.title)",
])
def test_a_query_that_writes_is_refused_by_the_server(store, db, write, new_id):
    account_id = new_id()
    store.save(small_account(account_id))
    with pytest.raises(StoreError, match=r"^queries are read-only: Neo4j refused to write \(Writing in read access mode not allowed[^\n]*\)$"):
        store.query(write)
    assert store.load(account_id) == small_account(account_id)
    assert rows(db, "MATCH (p:Person {account: 'x'}) RETURN count(p) AS n") == [{"n": 0}]


def test_query_values_travel_as_parameters(store, new_id):
    account_id = new_id()
    store.save(rich_account(account_id))
    text = "MATCH (p:Person {account: $account}) WHERE p.name = $name RETURN p.id AS id, p.name AS name"
    assert store.query(text, account=account_id, name=HOSTILE).to_dict("records") == [{"id": "wang", "name": HOSTILE}]
    assert store.query(text, account=HOSTILE, name=HOSTILE).empty


# -- the analysis on the Person nodes -----------------------------------------------------


def test_the_analysis_lands_on_the_person_nodes_and_the_account_still_loads(store, db, new_id):
    account = example(new_id())
    store.save(account)
    result = ig.analyze(account, as_of="2026-11-20")
    ig.write_analysis(store, account, result)
    stored = {r["id"]: r["props"] for r in rows(db, "MATCH (p:Person {account: $account}) RETURN p.id AS id, "
                                                     "p{" + ", ".join(f".{k}" for k in ANALYSIS_PROPERTIES) + "} AS props",
                                                     account=account.id)}
    people = {p["id"]: p for p in result.to_dict()["people"]}
    factions = result.to_dict()["factions"]
    assert stored.keys() == people.keys()
    for pid, props in stored.items():
        assert props["influence"] == people[pid]["influence"] and props["category"] == people[pid]["category"]
        assert props["coach_score"] == people[pid]["coach_score"]
        assert props["in_decision_unit"] == (pid in account.decision_unit)
        in_faction = [n for n, members in enumerate(factions, 1) if pid in members]
        assert props["faction"] == (in_faction[0] if in_faction else None)
    assert store.load(account.id) == account  # the analysis is not part of the account


def test_an_analysis_of_an_older_revision_is_refused_and_a_new_save_clears_it(store, db, new_id):
    account = example(new_id())
    store.save(account)
    colleague = store.load(account.id)
    colleague.account.notes = "saved by a colleague"
    store.save(colleague)
    with pytest.raises(StaleWriteError, match="its analysis was not written"):
        ig.write_analysis(store, account)
    ig.write_analysis(store, colleague)
    influence = "MATCH (p:Person {account: $account}) WHERE p.influence IS NOT NULL RETURN count(p) AS n"
    assert rows(db, influence, account=account.id) == [{"n": len(account.people)}]
    store.save(colleague)  # nothing changed: no new revision, and the analysis still describes it
    assert rows(db, influence, account=account.id) == [{"n": len(account.people)}]
    colleague.account.notes = "changed again"
    store.save(colleague)  # the account moves on: its nodes, and the analysis with them, are replaced
    assert rows(db, influence, account=account.id) == [{"n": 0}]


def test_write_analysis_needs_the_account_saved_there_first(store, new_id):
    with pytest.raises(StoreError, match=r"^account 'ig-test-\w+' is not saved in bolt://"):
        ig.write_analysis(store, example(new_id()))
