// Decision-unit members nobody on our team covers: no relationship of at least
// zipper strength (2/3), across all accounts. Weak contacts, if any, are listed.
MATCH (p:Person)
WHERE p.in_decision_unit
OPTIONAL MATCH (m:TeamMember)-[k:KNOWS]->(p)
WITH p, max(k.strength) AS best, collect(m.name) AS known_by
WHERE best IS NULL OR best < 2.0 / 3
RETURN p.account AS account, p.name AS person, p.title AS title, p.stance AS stance,
       coalesce(best, 0.0) AS our_best_strength, known_by
ORDER BY account, our_best_strength, person;
