// Decision-unit members a competitor is close to (zipper strength or more),
// with our own best relationship to them: the biggest gaps first.
MATCH (c:Competitor)-[theirs:KNOWS]->(p:Person)
WHERE p.in_decision_unit AND theirs.strength >= 2.0 / 3
OPTIONAL MATCH (:TeamMember)-[ours:KNOWS]->(p)
WITH c, theirs, p, coalesce(max(ours.strength), 0.0) AS our_best
RETURN p.account AS account, p.name AS person, p.title AS title, c.name AS competitor,
       round(theirs.strength, 2) AS their_strength, round(our_best, 2) AS our_strength
ORDER BY their_strength - our_strength DESC, account, person;
