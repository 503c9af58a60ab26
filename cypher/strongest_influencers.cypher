// Who sways a person most: everyone with a positive channel into them (mutual
// channels count both ways), strongest first, and who on our team knows each.
// $account is the account id; $person a person's id or name.
MATCH (p:Person {account: $account})
WHERE p.id = $person OR toLower(p.name) = toLower($person)
MATCH (i:Person)-[c:INFLUENCES]-(p)
WHERE c.kind <> 'rivalry' AND (endNode(c) = p OR c.mutual)
OPTIONAL MATCH (m:TeamMember)-[k:KNOWS]->(i)
WITH p, i, c, max(k.strength) AS our_best, collect(m.name) AS known_by
RETURN p.name AS person, i.name AS influencer, i.title AS title, c.kind AS kind,
       c.strength AS strength, i.stance AS stance, coalesce(our_best, 0.0) AS our_best_strength,
       known_by, c.evidence AS evidence
ORDER BY strength DESC, influencer, kind;
