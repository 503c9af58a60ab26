// Decision-unit members only one of us knows: if that relationship breaks (a
// job change, a bad meeting) we lose our line to them.
MATCH (m:TeamMember)-[:KNOWS]->(p:Person)
WHERE p.in_decision_unit
WITH p, collect(m.name) AS members
WHERE size(members) = 1
RETURN p.account AS account, p.name AS person, p.title AS title, members[0] AS only_contact
ORDER BY account, person;
