// Skeptics and opponents with more real power than the average person of their
// account whom nobody on our team has met yet (no touch): the blockers to see first.
// Needs the analysis on the nodes: `ig push --with-analysis`.
MATCH (p:Person)
WHERE p.stance_value < 0 AND NOT EXISTS { MATCH (:Touch)-[:WITH]->(p) }
WITH p, p.influence * COUNT { MATCH (q:Person {account: p.account}) } AS times_average
WHERE times_average > 1
OPTIONAL MATCH (m:TeamMember)-[k:KNOWS]->(p)
WITH p, times_average, max(k.strength) AS best, collect(m.name) AS known_by
RETURN p.account AS account, p.name AS person, p.title AS title, p.stance AS stance, p.category AS category,
       round(times_average, 2) AS times_average_power, p.in_decision_unit AS in_decision_unit,
       round(coalesce(best, 0.0), 2) AS our_best_strength, known_by
ORDER BY times_average_power DESC, account, person;
