"""Every Cypher statement, checked by Neo4j's own parser and semantic analysis.

The fast check beside the tests on a real server (test_store_contract.py,
test_neo4j_live.py, test_named_queries.py): each statement in cypher/
(and any Cypher string in the package) goes through `lintCypherQuery` of
@neo4j-cypher/language-support (tests/cypher_lint/lint.mjs), with our graph
model as the database schema, so a misspelt label, relationship type or a path
the model does not have is reported too. `.ci/run` installs the npm package;
without node or node_modules these tests are skipped, visibly.
"""
from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import skip_unless_installed

from influence_graph.stores import cypher
from influence_graph.stores.neo4j_store import CLEARS, SECTIONS, WRITES

ROOT = Path(__file__).resolve().parents[1]
LINT_DIR = ROOT / "tests" / "cypher_lint"
PACKAGE = ROOT / "src" / "influence_graph"
CYPHER_START = re.compile(r"^\s*(OPTIONAL\s+MATCH|MATCH|MERGE|CREATE|UNWIND|WITH|CALL|RETURN|SHOW|DROP|DETACH|LOAD\s+CSV)\s+\S")
DB_SCHEMA = {
    "labels": list(cypher.LABELS),
    "relationshipTypes": list(cypher.RELATIONSHIP_TYPES),
    "graphSchema": [{"from": a, "relType": r, "to": b} for a, r, b in cypher.GRAPH_SCHEMA],
}


def lint(items: list[dict]) -> dict:
    node = shutil.which("node")
    if node is None:
        skip_unless_installed("node is not installed: cannot lint Cypher")
    if not (LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        skip_unless_installed("@neo4j-cypher/language-support is not installed: run `npm ci --prefix tests/cypher_lint`")
    done = subprocess.run([node, str(LINT_DIR / "lint.mjs")], input=json.dumps({"schema": DB_SCHEMA, "items": items}),
                          capture_output=True, text=True, timeout=120, cwd=LINT_DIR)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def cypher_files() -> dict[str, str]:
    base = cypher.cypher_dir()
    return {str(p.relative_to(base)): p.read_text(encoding="utf-8") for p in sorted(base.rglob("*.cypher"))}


def cypher_strings_in(source: str) -> list[str]:
    """String constants in Python source that are Cypher statements."""
    return [node.value for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CYPHER_START.match(node.value)]


def package_cypher_strings() -> dict[str, str]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for i, text in enumerate(cypher_strings_in(path.read_text(encoding="utf-8"))):
            found[f"{path.relative_to(ROOT)}#{i}"] = text
    return found


def test_every_statement_passes_neo4js_parser_and_semantic_analysis():
    files, strings = cypher_files(), package_cypher_strings()
    report = lint([{"name": n, "text": t} for n, t in {**files, **strings}.items()])
    assert report["problems"] == []
    # Neo4j's splitter and our loader agree on where each statement ends.
    for name, text in files.items():
        assert report["statements"][name] == len(cypher.split_statements(text)), name
    assert sum(report["statements"].values()) >= len(cypher.all_statements()) >= 50


def test_the_linter_reports_real_errors_but_not_parameters():
    report = lint([
        {"name": "ok", "text": "MATCH (p:Person {account: $account}) RETURN p.name AS name"},
        {"name": "syntax", "text": "MATCH (p:Person) RETRN p"},
        {"name": "semantic", "text": "MATCH (p:Person) RETURN q"},
        {"name": "label", "text": "MATCH (p:Persn {account: $account}) RETURN p"},
        {"name": "path", "text": "MATCH (p:Person)-[:REPORTS_TO]->(d:Department) RETURN d"},
    ])
    flagged = {p["name"] for p in report["problems"]}
    assert flagged == {"syntax", "semantic", "label", "path"}
    assert not any("Parameter" in p["message"] for p in report["problems"])


def test_the_package_scan_finds_cypher_strings():
    source = 'Q = "MATCH (n) RETURN n"\nPROSE = "Match the account"\nTYPE = "WITH"\nR = """\n  UNWIND $rows AS row RETURN row"""'
    assert cypher_strings_in(source) == ["MATCH (n) RETURN n", "\n  UNWIND $rows AS row RETURN row"]


def test_every_named_query_loads_with_a_description():
    queries = cypher.named_queries()
    assert len(queries) >= 8
    for name, query in queries.items():
        assert query.name == name and query.text and query.description, name
        assert not query.text.rstrip().endswith(";")
    assert queries["strongest_influencers"].parameters == ("account", "person")
    assert queries["member_relationships"].parameters == ("member",)


def test_the_store_finds_every_statement_it_runs():
    statements = cypher.store_statements()
    needed = {*WRITES, *CLEARS, "delete_account", "stored_revision", "save_account", "list_accounts",
              "load_account", *(f"load_{s}" for s in SECTIONS), "lock_account", "write_analysis", "schema_names"}
    assert needed <= set(statements)
    matching = [n for n in needed - {"list_accounts", "schema_names"} if "MATCH" in statements[n].text]
    assert len(matching) > 20 and all("$account" in statements[n].text for n in matching)


def test_the_schema_is_idempotent():
    statements = cypher.schema_statements()
    assert len(statements) >= 10
    assert all(" IF NOT EXISTS" in s.text for s in statements)
    constrained = {m for s in statements for m in re.findall(r"FOR \(\w+:(\w+)\)", s.text)}
    assert constrained == set(cypher.LABELS)


def test_splitting_respects_strings_and_comments():
    text = "// a; comment\nRETURN 'a;b' AS x;\n/* ; */ RETURN \"c;\" AS y;\n\n// only a comment;\n"
    assert cypher.split_statements(text) == ["// a; comment\nRETURN 'a;b' AS x", '/* ; */ RETURN "c;" AS y']


def test_the_queries_are_found_when_installed(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(PACKAGE, site / "influence_graph", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "cypher", site / "influence_graph" / "cypher")  # pyproject's force-include
    code = "from influence_graph.stores import cypher as c; print(c.cypher_dir()); print(len(c.named_queries()))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                          env={"PYTHONPATH": str(site), "PATH": ""}, timeout=60)
    assert done.returncode == 0, done.stderr
    where, count = done.stdout.split()
    assert Path(where) == site / "influence_graph" / "cypher" and int(count) == len(cypher.named_queries())
    assert '"cypher" = "influence_graph/cypher"' in (ROOT / "pyproject.toml").read_text()


def test_the_readme_documents_the_graph_model_and_every_query():
    readme = (ROOT / "cypher" / "README.md").read_text(encoding="utf-8")
    for word in (*cypher.LABELS, *cypher.RELATIONSHIP_TYPES, *cypher.named_queries()):
        assert word in readme, word
