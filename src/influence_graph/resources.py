"""Files shipped with the package (cypher/, examples/), found both in an
editable checkout (at the repo root) and in an installed wheel (inside the package)."""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The folder ``name`` ("cypher", "examples"): inside the installed package, else the checkout root."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"influence-graph is missing its {name}/ folder (broken install?)")


def example_path(name: str = "huaxin-auto") -> Path:
    """Path of a shipped example account file."""
    return resource_dir("examples") / f"{name}.yaml"
