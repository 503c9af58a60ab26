// Decision-unit members due for a follow-up: never touched, or last touched more
// than 21 days ago (a 2-3 week rhythm wins big deals). Never-touched first, then
// the longest silence.
MATCH (p:Person)
WHERE p.in_decision_unit
OPTIONAL MATCH (t:Touch)-[:WITH]->(p)
WITH p, max(t.date) AS last_touch, count(t) AS touches
WITH p, last_touch, touches,
     CASE WHEN last_touch IS NULL THEN null ELSE duration.inDays(last_touch, date()).days END AS days_since
WHERE last_touch IS NULL OR days_since > 21
RETURN p.account AS account, p.name AS person, p.title AS title, touches, last_touch, days_since,
       CASE WHEN last_touch IS NULL THEN 'never' ELSE 'overdue' END AS status
ORDER BY status, days_since DESC, account, person;
