// influence-graph schema for Neo4j 5 (Community or Enterprise).
// Every statement is idempotent (IF NOT EXISTS): the store applies this file on
// first use, and you can run it again in Neo4j Browser at any time.
// Every node carries the account it belongs to, so ids are unique per account.

CREATE CONSTRAINT account_id IF NOT EXISTS
FOR (a:Account) REQUIRE a.id IS UNIQUE;

CREATE CONSTRAINT department_key IF NOT EXISTS
FOR (d:Department) REQUIRE (d.account, d.id) IS UNIQUE;

CREATE CONSTRAINT person_key IF NOT EXISTS
FOR (p:Person) REQUIRE (p.account, p.id) IS UNIQUE;

CREATE CONSTRAINT team_member_key IF NOT EXISTS
FOR (m:TeamMember) REQUIRE (m.account, m.id) IS UNIQUE;

CREATE CONSTRAINT competitor_key IF NOT EXISTS
FOR (c:Competitor) REQUIRE (c.account, c.id) IS UNIQUE;

CREATE CONSTRAINT touch_key IF NOT EXISTS
FOR (t:Touch) REQUIRE (t.account, t.seq) IS UNIQUE;

CREATE CONSTRAINT revision_key IF NOT EXISTS
FOR (r:Revision) REQUIRE (r.account, r.number) IS UNIQUE;

CREATE CONSTRAINT opportunity_account IF NOT EXISTS
FOR (o:Opportunity) REQUIRE o.account IS UNIQUE;

// Scoping by account alone (the composite constraints above index (account, id)).
CREATE INDEX department_account IF NOT EXISTS FOR (d:Department) ON (d.account);
CREATE INDEX person_account IF NOT EXISTS FOR (p:Person) ON (p.account);
CREATE INDEX team_member_account IF NOT EXISTS FOR (m:TeamMember) ON (m.account);
CREATE INDEX competitor_account IF NOT EXISTS FOR (c:Competitor) ON (c.account);
CREATE INDEX touch_account IF NOT EXISTS FOR (t:Touch) ON (t.account);
CREATE INDEX revision_account IF NOT EXISTS FOR (r:Revision) ON (r.account);

// Finding the same person across accounts, the key people of a bid, and (once the
// analysis is written back) the hidden power holders.
CREATE INDEX person_name IF NOT EXISTS FOR (p:Person) ON (p.name);
CREATE INDEX person_decision_unit IF NOT EXISTS FOR (p:Person) ON (p.in_decision_unit);
CREATE INDEX person_category IF NOT EXISTS FOR (p:Person) ON (p.category);
CREATE INDEX touch_date IF NOT EXISTS FOR (t:Touch) ON (t.date);
