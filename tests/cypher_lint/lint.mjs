// Lints Cypher with Neo4j's own parser and semantic analysis
// (@neo4j-cypher/language-support, the library behind Neo4j's editors).
//
// Input on stdin, JSON: {"schema": DbSchema, "items": [{"name", "text"}]}; each
// item's text may hold several statements, split with Neo4j's own splitter.
// Output on stdout, JSON: {"statements": {name: count}, "problems": [...]}.
//
// Parameters ($account, $rows, ...) are supplied by the caller at run time, so the
// "Parameter $x is not defined." diagnostics are dropped: isNotParamError() is
// false exactly for those. Every other diagnostic (syntax, semantic, unknown
// label or relationship type, a path the graph model does not have) is kept.
import { readFileSync } from 'node:fs';
import {
  isNotParamError,
  lintCypherQuery,
  parseStatementsStrs,
} from '@neo4j-cypher/language-support';

const { schema, items } = JSON.parse(readFileSync(0, 'utf8'));
const statements = {};
const problems = [];
for (const item of items) {
  const parts = parseStatementsStrs(item.text);
  statements[item.name] = parts.length;
  for (const part of parts) {
    const { diagnostics } = lintCypherQuery(part, schema, { consoleCommandsEnabled: false });
    for (const d of diagnostics.filter(isNotParamError)) {
      problems.push({
        name: item.name,
        severity: d.severity === 1 ? 'error' : 'warning',
        message: d.message,
        line: d.range.start.line + 1,
        statement: part.trim().split('\n')[0],
      });
    }
  }
}
process.stdout.write(JSON.stringify({ statements, problems }, null, 1));
