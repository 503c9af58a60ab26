// Deleting an account's content, one indexed statement per label. Saving runs the
// first six before writing; deleting an account runs all seven.

// name: delete_departments
MATCH (n:Department {account: $account})
DETACH DELETE n;

// name: delete_people
MATCH (n:Person {account: $account})
DETACH DELETE n;

// name: delete_team
MATCH (n:TeamMember {account: $account})
DETACH DELETE n;

// name: delete_competitors
MATCH (n:Competitor {account: $account})
DETACH DELETE n;

// name: delete_touches
MATCH (n:Touch {account: $account})
DETACH DELETE n;

// name: delete_opportunity
MATCH (n:Opportunity {account: $account})
DETACH DELETE n;

// name: delete_account
MATCH (a:Account {id: $account})
DETACH DELETE a
RETURN count(*) AS deleted;
