// What the store reads before applying schema.cypher: the names of the indexes
// and constraints there already (a constraint's index carries its name), so a
// database that has the whole schema costs one read, not one write per statement.

// name: schema_names
SHOW INDEXES YIELD name
RETURN name;
