"""The layering of DESIGN §2, checked on the source: imports only go down."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "influence_graph"

# Lower number = lower layer. A module may import only its own layer or lower ones.
LAYERS = {
    "_fs": 0,
    "_processes": 0,
    "sanitize": 0,
    "model": 0,
    "resources": 0,
    "tables": 0.5,  # accounts <-> CSV/XLSX: builds on the model alone
    "stores": 1,
    "graph": 2,
    "analysis": 3,
    "viz": 4,
    "report": 4,
    "graph_export": 4,
    "demo": 5,
    "portfolio": 5,
    "__init__": 5,
    "cli": 6,
}


def _layer_of(module_path: Path) -> str:
    relative = module_path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


def _imports(path: Path) -> list[tuple[str, int]]:
    """Absolute module names imported by ``path`` (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package_parts = ["influence_graph", *path.relative_to(PACKAGE).parent.parts]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
                if not node.module:
                    found += [(f"{module}.{alias.name}", node.lineno) for alias in node.names]
                    continue
            else:
                module = node.module or ""
            found.append((module, node.lineno))
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_only_go_down(path):
    own = _layer_of(path)
    for module, line in _imports(path):
        parts = module.split(".")
        if parts[0] != "influence_graph" or len(parts) < 2:
            continue
        target = parts[1]
        assert LAYERS[target] <= LAYERS[own], f"{path.name}:{line} ({own}) imports {module} ({target}), a higher layer"


@pytest.mark.parametrize(
    "library, allowed",
    [("click", ("cli",)), ("neo4j", ("stores/neo4j_store.py",)), ("pyvis", ("viz/",))],
)
def test_third_party_libraries_stay_in_their_module(library, allowed):
    offenders = []
    for path in SOURCES:
        relative = str(path.relative_to(PACKAGE))
        if relative.startswith(allowed):
            continue
        for module, line in _imports(path):
            if module == library or module.startswith(library + "."):
                offenders.append(f"{relative}:{line}")
    assert offenders == [], f"{library} imported outside {allowed}: {offenders}"
