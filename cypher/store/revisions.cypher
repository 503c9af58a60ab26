// Revisions: every save of an account is kept as a (:Revision) node holding the
// account as canonical JSON, linked from its Account and written in the save's
// own transaction (after the account's write lock is taken: stored_revision).
// Numbers count from 1 per account; `revision` is the save's Account.revision.

// name: latest_revision
// The newest revision of an account (none for an account saved before revisions were kept).
MATCH (r:Revision {account: $account})
RETURN r.number AS number, r.revision AS revision, r.content AS content
ORDER BY r.number DESC
LIMIT 1;

// name: create_revision
MATCH (a:Account {id: $account})
CREATE (a)-[:HAS_REVISION]->(r:Revision)
SET r = $props, r.account = $account, r.saved_at = datetime($saved_at);

// name: list_revisions
MATCH (r:Revision {account: $account})
RETURN r.number AS number, r.revision AS revision, toString(r.saved_at) AS saved_at, r.by AS by,
       r.summary AS summary
ORDER BY r.number;

// name: load_revision
MATCH (r:Revision {account: $account, number: $number})
RETURN r.content AS content;

// name: delete_revisions
MATCH (r:Revision {account: $account})
DETACH DELETE r;

// name: unlock_account
// Releases the write lock without a new revision (a save that changed nothing).
MATCH (a:Account {id: $account})
REMOVE a._lock;
