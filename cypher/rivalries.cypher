// Rivalries that can sink a deal, across all accounts: between people (channels
// of kind rivalry) and between departments, strongest first.
WITH [(a:Person)-[r:INFLUENCES {kind: 'rivalry'}]->(b:Person) |
        {account: a.account, between: 'people', side_a: a.name, side_b: b.name,
         strength: r.strength, mutual: r.mutual, evidence: r.evidence}]
   + [(a:Department)-[r:RELATES_TO {kind: 'rivalry'}]->(b:Department) |
        {account: a.account, between: 'departments', side_a: coalesce(a.name, a.id),
         side_b: coalesce(b.name, b.id), strength: r.strength, mutual: true, evidence: r.evidence}]
     AS rivalries
UNWIND rivalries AS rivalry
RETURN rivalry.account AS account, rivalry.between AS between, rivalry.side_a AS side_a,
       rivalry.side_b AS side_b, rivalry.strength AS strength, rivalry.mutual AS mutual,
       rivalry.evidence AS evidence
ORDER BY strength DESC, account, side_a, side_b;
