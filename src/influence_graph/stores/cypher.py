"""The Cypher of influence-graph, read by name from the ``cypher/`` folder.

No Cypher text lives in Python: every statement the Neo4j store runs and every
named query of ``ig query`` is a statement in a ``.cypher`` file, so what runs
is what Neo4j Browser runs and what the linter checks. Three kinds of file:

- ``cypher/<name>.cypher``: one named query a bid team runs (``ig query <name>``);
  its leading ``//`` comment lines are its description.
- ``cypher/schema.cypher``: constraints and indexes, applied idempotently.
- ``cypher/store/*.cypher``: the store's own statements, each introduced by a
  ``// name: <name>`` line.

Statements are separated by ``;``. The folder is found in an editable checkout
(repository root) and when installed (the wheel carries it as ``influence_graph/cypher``).

>>> named_query("strongest_influencers").parameters
('account', 'person')
>>> store_statement("create_people").splitlines()[0]
'UNWIND $rows AS row'
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from ..model import StoreError
from ..resources import resource_dir

SCHEMA_FILE = "schema.cypher"
STORE_FOLDER = "store"

# The graph model: every label and relationship type the store writes, as
# (from label, relationship type, to label). cypher/README.md draws it; the
# linter warns on any other label, type or path.
GRAPH_SCHEMA: tuple[tuple[str, str, str], ...] = (
    ("Department", "PART_OF", "Department"),
    ("Person", "MEMBER_OF", "Department"),
    ("Person", "REPORTS_TO", "Person"),
    ("Person", "INFLUENCES", "Person"),
    ("Department", "RELATES_TO", "Department"),
    ("TeamMember", "KNOWS", "Person"),
    ("Competitor", "KNOWS", "Person"),
    ("Touch", "BY", "TeamMember"),
    ("Touch", "WITH", "Person"),
    ("Account", "HAS_OPPORTUNITY", "Opportunity"),
    ("Opportunity", "DECIDED_BY", "Person"),
    ("Account", "HAS_REVISION", "Revision"),
)
LABELS = ("Account", "Department", "Person", "TeamMember", "Competitor", "Touch", "Opportunity", "Revision")
RELATIONSHIP_TYPES = tuple(dict.fromkeys(rel for _, rel, _ in GRAPH_SCHEMA))

_TOKEN = re.compile(
    r"(?P<comment>//[^\n]*|/\*.*?\*/)"
    r"|(?P<string>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`)"
    r"|(?P<end>;)"
    r"|(?P<code>[^/'\"`;]+|/)",
    re.S,
)
_PARAMETER = re.compile(r"\$(\w+)")
_NAME_LINE = re.compile(r"^//\s*name:\s*(\S+)\s*$")
_SCHEMA_NAME = re.compile(r"^CREATE\s+(?:CONSTRAINT|INDEX)\s+(\w+)\s+IF\s+NOT\s+EXISTS\b", re.I)


@dataclass(frozen=True)
class Statement:
    """One Cypher statement: its name, text (without the header comments) and description."""

    name: str
    text: str
    description: str
    source: str

    @property
    def parameters(self) -> tuple[str, ...]:
        """The ``$parameters`` the statement uses, sorted (strings and comments ignored)."""
        code = "".join(m.group() for m in _TOKEN.finditer(self.text) if m.lastgroup == "code")
        return tuple(sorted(set(_PARAMETER.findall(code))))


def split_statements(text: str) -> list[str]:
    """Split Cypher text on the ``;`` that end statements (not those in strings or comments).

    >>> split_statements("RETURN ';' AS a; // x;\\nRETURN 2")
    ["RETURN ';' AS a", '// x;\\nRETURN 2']
    """
    statements, current = [], []
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "end":
            statements.append("".join(current).strip())
            current = []
        else:
            current.append(match.group())
    statements.append("".join(current).strip())
    return [s for s in statements if _code_of(s).strip()]


def _code_of(statement: str) -> str:
    return "".join(m.group() for m in _TOKEN.finditer(statement) if m.lastgroup != "comment")


def _parse(statement: str, default_name: str, source: str) -> Statement:
    """Separate the leading ``//`` lines (name, description) from the statement's code."""
    lines = statement.splitlines()
    name, description = default_name, []
    while lines and (lines[0].strip().startswith("//") or not lines[0].strip()):
        line = lines.pop(0).strip()
        named = _NAME_LINE.match(line)
        if named:
            name = named.group(1)
        elif line:
            description.append(line[2:].strip())
    return Statement(name, "\n".join(lines).strip(), " ".join(description).strip(), source)


def cypher_dir() -> Path:
    """The ``cypher/`` folder: inside the installed package, else at the checkout's root."""
    try:
        return resource_dir("cypher")
    except FileNotFoundError as exc:
        raise StoreError(str(exc)) from None


def _read(path: Path) -> list[str]:
    return split_statements(path.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def named_queries() -> dict[str, Statement]:
    """The queries a bid team runs, by name: one per ``cypher/<name>.cypher`` file."""
    queries = {}
    for path in sorted(cypher_dir().glob("*.cypher")):
        if path.name == SCHEMA_FILE:
            continue
        statements = _read(path)
        if len(statements) != 1:
            raise StoreError(f"{path}: a named query file holds exactly one statement, found {len(statements)}")
        queries[path.stem] = _parse(statements[0], path.stem, str(path))
    return queries


def named_query(name: str) -> Statement:
    """The named query ``name``; :class:`StoreError` listing the known names otherwise."""
    queries = named_queries()
    if name not in queries:
        raise StoreError(f"no named query {name!r}; known queries: {', '.join(queries)}")
    return queries[name]


@functools.lru_cache(maxsize=1)
def schema_statements() -> tuple[Statement, ...]:
    """Constraints and indexes from ``cypher/schema.cypher``, in file order."""
    path = cypher_dir() / SCHEMA_FILE
    return tuple(_parse(s, f"schema_{i}", str(path)) for i, s in enumerate(_read(path), 1))


@functools.lru_cache(maxsize=1)
def store_statements() -> dict[str, Statement]:
    """The Neo4j store's statements by name, from ``cypher/store/*.cypher``."""
    statements: dict[str, Statement] = {}
    for path in sorted((cypher_dir() / STORE_FOLDER).glob("*.cypher")):
        for text in _read(path):
            statement = _parse(text, "", str(path))
            if not statement.name or statement.name in statements:
                problem = "has no '// name:' line" if not statement.name else f"repeats the name {statement.name!r}"
                raise StoreError(f"{path}: a store statement {problem}")
            statements[statement.name] = statement
    return statements


def schema_name(statement: Statement) -> str:
    """The name of the index or constraint a schema statement creates.

    >>> schema_name(schema_statements()[0])
    'account_id'
    """
    match = _SCHEMA_NAME.match(statement.text)
    if match is None:
        raise StoreError(f"{statement.source}: a schema statement is `CREATE CONSTRAINT|INDEX <name> IF NOT EXISTS …`, "
                         f"not {statement.text.splitlines()[0]!r}")
    return match.group(1)


def store_statement(name: str) -> str:
    """The text of the store statement ``name``."""
    return store_statements()[name].text


def all_statements() -> list[Statement]:
    """Every statement in ``cypher/``: schema, store statements and named queries."""
    return [*schema_statements(), *store_statements().values(), *named_queries().values()]
