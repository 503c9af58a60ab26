// Skeptics and opponents ranked by how much others listen to them: the people
// who can block the deal. Counts positive channels out of them (mutual both ways).
MATCH (p:Person)
WHERE p.stance_value < 0
OPTIONAL MATCH (p)-[c:INFLUENCES]-(listener:Person)
WHERE c.kind <> 'rivalry' AND (startNode(c) = p OR c.mutual)
WITH p, count(DISTINCT listener) AS listeners, coalesce(sum(c.strength), 0.0) AS pull,
     [name IN collect(DISTINCT CASE WHEN listener.in_decision_unit THEN listener.name END) WHERE name IS NOT NULL] AS decision_makers_listening
RETURN p.account AS account, p.name AS person, p.title AS title, p.stance AS stance,
       listeners, round(pull, 2) AS pull, decision_makers_listening
ORDER BY pull DESC, listeners DESC, account, person;
