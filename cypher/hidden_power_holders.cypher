// Hidden power holders across all accounts: people whose real power (the
// analysis's influence) is well above their title, with whether we cover them.
// Needs the analysis on the nodes: `ig push --with-analysis`.
MATCH (p:Person)
WHERE p.category = 'hidden_power'
OPTIONAL MATCH (m:TeamMember)-[k:KNOWS]->(p)
WITH p, max(k.strength) AS best, collect(m.name) AS known_by
RETURN p.account AS account, p.name AS person, p.title AS title, p.stance AS stance,
       round(p.influence * COUNT { MATCH (q:Person {account: p.account}) }, 2) AS times_average_power,
       p.in_decision_unit AS in_decision_unit, round(coalesce(best, 0.0), 2) AS our_best_strength, known_by
ORDER BY times_average_power DESC, account, person;
