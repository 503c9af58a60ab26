// One team member's relationships across all accounts: whom they know, how
// closely, since when, and when they last met. $member is a team member id or name.
MATCH (m:TeamMember)-[k:KNOWS]->(p:Person)
WHERE m.id = $member OR toLower(m.name) = toLower($member)
OPTIONAL MATCH (m)<-[:BY]-(t:Touch)-[:WITH]->(p)
WITH m, k, p, max(t.date) AS last_touch
RETURN p.account AS account, m.name AS member, p.name AS person, p.title AS title,
       p.stance AS stance, p.in_decision_unit AS in_decision_unit,
       coalesce(k.closeness, toString(round(k.strength, 2))) AS closeness, k.since AS since,
       last_touch
ORDER BY account, k.strength DESC, person;
