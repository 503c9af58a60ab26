// The analysis written back onto an account's Person nodes (influence, category,
// coach_score, faction, in_decision_unit), so Neo4j Browser and Bloom users can
// query and style by real power. Run in one write transaction, for the revision
// the analysis was made from.

// name: lock_account
// Takes the account's write lock until commit (SET, then REMOVE: nothing stays
// behind) and reads its revision; no row if there is no such account.
MATCH (a:Account {id: $account})
SET a._lock = true
REMOVE a._lock
RETURN a.revision AS revision;

// name: write_analysis
// A null value removes the property (e.g. a person in no faction).
UNWIND $rows AS row
MATCH (p:Person {account: $account, id: row.id})
SET p += row.properties;
