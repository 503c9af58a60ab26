// People who appear in more than one account, matched by name or e-mail: a former
// executive now at another customer, a consultant who advises both sides.
MATCH (p:Person)
UNWIND [key IN ['name: ' + toLower(trim(p.name)), 'email: ' + toLower(p.contact_email)] WHERE key IS NOT NULL] AS matched_on
WITH matched_on, collect(p) AS people, count(DISTINCT p.account) AS accounts
WHERE accounts > 1
UNWIND people AS p
RETURN DISTINCT p.name AS person, p.account AS account, p.title AS title, p.stance AS stance,
       p.in_decision_unit AS in_decision_unit, matched_on
ORDER BY person, account, matched_on;
