// Every account at a glance: people mapped, decision unit and how much of it we
// cover (a relationship of zipper strength or more), the opportunity and close date.
MATCH (a:Account)
OPTIONAL MATCH (a)-[:HAS_OPPORTUNITY]->(o:Opportunity)
RETURN a.id AS account, a.name AS name, a.revision AS revision,
       COUNT { MATCH (p:Person {account: a.id}) } AS people,
       COUNT { MATCH (p:Person {account: a.id}) WHERE p.in_decision_unit } AS decision_unit,
       COUNT { MATCH (:TeamMember)-[k:KNOWS]->(p:Person {account: a.id})
               WHERE p.in_decision_unit AND k.strength >= 2.0 / 3
               RETURN DISTINCT p } AS covered,
       o.name AS opportunity, o.value AS value, o.currency AS currency, o.close_date AS close_date
ORDER BY account;
