// Warm introductions to a person: chains of up to three steps from someone on
// our team, through people who know or influence each other (no rivalries),
// strongest first (the product of the strengths; a reporting line counts 0.5).
// $account is the account id; $person a person's id or name.
MATCH (target:Person {account: $account})
WHERE target.id = $person OR toLower(target.name) = toLower($person)
MATCH path = (m:TeamMember {account: $account})-[:KNOWS]->(:Person)-[:INFLUENCES|REPORTS_TO*0..2]-(target)
WHERE all(r IN relationships(path) WHERE coalesce(r.kind, '') <> 'rivalry')
WITH path, reduce(s = 1.0, r IN relationships(path) |
       s * CASE type(r) WHEN 'REPORTS_TO' THEN 0.5 ELSE r.strength END) AS strength
RETURN [n IN nodes(path) | n.name] AS chain, round(strength, 3) AS strength, length(path) AS steps
ORDER BY strength DESC, steps, chain[0], chain[1]
LIMIT 10;
