// The statements the Neo4j store runs to load an account, in one read
// transaction; each returns one section in file order (seq).

// name: list_accounts
MATCH (a:Account)
RETURN a.id AS id, a.name AS name, a.revision AS revision
ORDER BY id;

// name: load_account
MATCH (a:Account {id: $account})
RETURN a.name AS name, a.industry AS industry, a.notes AS notes, a.revision AS revision,
       toString(a.saved_at) AS saved_at;

// name: load_departments
MATCH (d:Department {account: $account})
OPTIONAL MATCH (d)-[:PART_OF]->(parent:Department)
RETURN properties(d) AS props, parent.id AS parent
ORDER BY d.seq;

// name: load_people
MATCH (p:Person {account: $account})
OPTIONAL MATCH (p)-[:MEMBER_OF]->(d:Department)
OPTIONAL MATCH (p)-[:REPORTS_TO]->(boss:Person)
RETURN properties(p) AS props, d.id AS department, boss.id AS reports_to
ORDER BY p.seq;

// name: load_channels
MATCH (source:Person {account: $account})-[c:INFLUENCES]->(target:Person)
RETURN source.id AS source, target.id AS target, properties(c) AS props
ORDER BY c.seq;

// name: load_department_relations
MATCH (a:Department {account: $account})-[r:RELATES_TO]->(b:Department)
RETURN a.id AS a, b.id AS b, properties(r) AS props
ORDER BY r.seq;

// name: load_team
MATCH (m:TeamMember {account: $account})
RETURN properties(m) AS props
ORDER BY m.seq;

// name: load_relationships
MATCH (m:TeamMember {account: $account})-[k:KNOWS]->(p:Person)
RETURN m.id AS member, p.id AS person, properties(k) AS props, toString(k.since) AS since
ORDER BY k.seq;

// name: load_competitors
MATCH (c:Competitor {account: $account})
RETURN properties(c) AS props
ORDER BY c.seq;

// name: load_competitor_relationships
MATCH (c:Competitor {account: $account})-[k:KNOWS]->(p:Person)
RETURN c.id AS competitor, p.id AS person, properties(k) AS props
ORDER BY k.seq;

// name: load_touches
MATCH (t:Touch {account: $account})
OPTIONAL MATCH (t)-[:BY]->(m:TeamMember)
RETURN properties(t) AS props, toString(t.date) AS date, toString(t.next_date) AS next_date,
       m.id AS member, [(t)-[w:WITH]->(p:Person) | [w.seq, p.id]] AS people
ORDER BY t.seq;

// name: load_opportunity
MATCH (o:Opportunity {account: $account})
RETURN properties(o) AS props, toString(o.close_date) AS close_date;
