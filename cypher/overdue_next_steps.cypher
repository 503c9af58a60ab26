// Next steps we promised whose date has passed with no later touch of the same
// people: the follow-ups we owe, most late first.
MATCH (t:Touch)
WHERE t.next_date < date()
  AND NOT EXISTS {
    MATCH (t)-[:WITH]->(:Person)<-[:WITH]-(later:Touch)
    WHERE later.date > t.date
  }
OPTIONAL MATCH (t)-[:BY]->(m:TeamMember)
RETURN t.account AS account, t.next_date AS due, duration.inDays(t.next_date, date()).days AS days_late,
       t.next_step AS next_step, m.name AS owner, [(t)-[:WITH]->(p:Person) | p.name] AS people
ORDER BY days_late DESC, account, next_step;
