// The statements the Neo4j store runs to save an account. They run together in
// one write transaction: the account's old nodes are deleted (delete.cypher),
// then every section is written with one UNWIND $rows statement per batch.
// Every node carries `account`; every MATCH is scoped by $account.

// name: stored_revision
// Takes the account's write lock, then reads its revision (null for a new account).
// Read committed alone would let two saves of the same revision both pass the
// check; with the lock held until commit, the second waits and sees the first's
// revision. Setting a property is how Cypher takes a write lock (Neo4j manual,
// "Lost updates"); the account node is created here if it is new.
MERGE (a:Account {id: $account})
SET a._lock = true
RETURN a.revision AS revision;

// name: save_account
// Updates the Account node (locked above) with a new random revision: a counter
// would start again after a delete, and a copy loaded before it would then pass.
MERGE (a:Account {id: $account})
SET a.account = $account, a.name = $name, a.industry = $industry, a.notes = $notes,
    a.revision = left(replace(randomUUID(), '-', ''), 12), a.saved_at = datetime()
REMOVE a._lock
RETURN a.revision AS revision;

// name: create_departments
UNWIND $rows AS row
CREATE (d:Department)
SET d = row;

// name: create_department_parents
UNWIND $rows AS row
MATCH (d:Department {account: $account, id: row.id})
MATCH (parent:Department {account: $account, id: row.parent})
CREATE (d)-[:PART_OF]->(parent);

// name: create_people
UNWIND $rows AS row
CREATE (p:Person)
SET p = row;

// name: create_memberships
UNWIND $rows AS row
MATCH (p:Person {account: $account, id: row.person})
MATCH (d:Department {account: $account, id: row.department})
CREATE (p)-[:MEMBER_OF]->(d);

// name: create_reporting_lines
UNWIND $rows AS row
MATCH (p:Person {account: $account, id: row.person})
MATCH (boss:Person {account: $account, id: row.boss})
CREATE (p)-[:REPORTS_TO]->(boss);

// name: create_channels
UNWIND $rows AS row
MATCH (source:Person {account: $account, id: row.source})
MATCH (target:Person {account: $account, id: row.target})
CREATE (source)-[c:INFLUENCES]->(target)
SET c = row.props;

// name: create_department_relations
UNWIND $rows AS row
MATCH (a:Department {account: $account, id: row.a})
MATCH (b:Department {account: $account, id: row.b})
CREATE (a)-[r:RELATES_TO]->(b)
SET r = row.props;

// name: create_team
UNWIND $rows AS row
CREATE (m:TeamMember)
SET m = row;

// name: create_relationships
UNWIND $rows AS row
MATCH (m:TeamMember {account: $account, id: row.member})
MATCH (p:Person {account: $account, id: row.person})
CREATE (m)-[k:KNOWS]->(p)
SET k = row.props, k.since = date(row.since);

// name: create_competitors
UNWIND $rows AS row
CREATE (c:Competitor)
SET c = row;

// name: create_competitor_relationships
UNWIND $rows AS row
MATCH (c:Competitor {account: $account, id: row.competitor})
MATCH (p:Person {account: $account, id: row.person})
CREATE (c)-[k:KNOWS]->(p)
SET k = row.props;

// name: create_touches
UNWIND $rows AS row
CREATE (t:Touch)
SET t = row.props, t.date = date(row.date), t.next_date = date(row.next_date);

// name: create_touch_members
UNWIND $rows AS row
MATCH (t:Touch {account: $account, seq: row.seq})
MATCH (m:TeamMember {account: $account, id: row.member})
CREATE (t)-[:BY]->(m);

// name: create_touch_people
UNWIND $rows AS row
MATCH (t:Touch {account: $account, seq: row.seq})
MATCH (p:Person {account: $account, id: row.person})
CREATE (t)-[:WITH {seq: row.position}]->(p);

// name: create_opportunity
UNWIND $rows AS row
MATCH (a:Account {id: $account})
CREATE (a)-[:HAS_OPPORTUNITY]->(o:Opportunity)
SET o = row.props, o.close_date = date(row.close_date);

// name: create_decision_unit
UNWIND $rows AS row
MATCH (o:Opportunity {account: $account})
MATCH (p:Person {account: $account, id: row.person})
CREATE (o)-[:DECIDED_BY]->(p);
