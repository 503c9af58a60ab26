"""The example notebooks run top to bottom on a fresh kernel, from the notebooks/ folder;
notebook 02's Neo4j part against the suite's real Neo4j (tests/conftest.py: neo4j_server)."""
from __future__ import annotations

import functools
import os
from pathlib import Path

import nbformat
import pytest

import _neo4j_server
from conftest import skip_unless_installed
from nbclient import NotebookClient

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
QUERY_NOTEBOOK = NOTEBOOK_DIR / "02-query-and-compare-accounts.ipynb"
CELL_TIMEOUT = 180  # seconds; the whole notebook takes a few seconds on a laptop


@functools.cache  # each notebook runs once per session (and environment), on its own fresh kernel
def _execute(path: Path, env: tuple[tuple[str, str], ...] = ()) -> nbformat.NotebookNode:
    """Run ``path`` on a new python3 kernel with cwd = notebooks/ and ``env`` added to the
    environment; skip (visibly) only when no kernel can be started, so a broken cell always fails."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK_DIR)}})
    client.km = client.create_kernel_manager()
    kernel_env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")} | dict(env)
    try:
        client.start_new_kernel(env=kernel_env)
        client.start_new_kernel_client()
    except Exception as exc:  # no kernelspec, no ipykernel, no sockets: not the notebook's fault
        client._cleanup_kernel()
        skip_unless_installed(f"cannot start a Jupyter python3 kernel to run {path.name}: {exc!r}")
    return client.execute()  # raises CellExecutionError, naming the cell, if any cell fails


def _outputs(notebook: nbformat.NotebookNode) -> list[dict]:
    return [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]


def test_there_are_notebooks_for_both_jobs():
    names = [p.name for p in NOTEBOOKS]
    assert "01-map-an-account-before-a-bid.ipynb" in names
    assert "02-query-and-compare-accounts.ipynb" in names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: clear outputs before saving"


def _neo4j(request) -> tuple[tuple[str, str], ...]:
    """The suite's Neo4j as NEO4J_* variables (the notebook reads them), or () if it has none."""
    server = request.getfixturevalue("neo4j_server")
    return tuple(sorted(server.env.items()))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom(path, request):
    # With Neo4j when this machine can run it, so notebook 02 runs once, whole.
    can_run_neo4j = _neo4j_server.external_server() is not None or _neo4j_server.missing_tools() is None
    env = _neo4j(request) if path == QUERY_NOTEBOOK and can_run_neo4j else ()
    outputs = _outputs(_execute(path, env))
    assert outputs, f"{path.name} printed nothing"
    assert not [o for o in outputs if o["output_type"] == "error"]
    warnings = [o["text"] for o in outputs if o["output_type"] == "stream" and o["name"] == "stderr"]
    assert warnings == [], f"{path.name} wrote to stderr: {warnings}"


def test_account_notebook_shows_the_map_inline_and_the_action_list():
    outputs = _outputs(_execute(NOTEBOOK_DIR / "01-map-an-account-before-a-bid.ipynb"))
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    maps = [h for h in html if h.startswith("<iframe") and "srcdoc=" in h]
    assert len(maps) == 1, "the influence map shows inline as an iframe"
    assert any("<th>what</th>" in h and "Ask Li Na" in h for h in html), "the action list is a table with names"
    assert any("AnalysisResult" in h for h in html)


@pytest.mark.neo4j
def test_query_notebook_asks_the_same_questions_in_neo4j(request):
    outputs = _outputs(_execute(QUERY_NOTEBOOK, _neo4j(request)))
    text = [o["text"] for o in outputs if o["output_type"] == "stream"]
    assert not any("NEO4J_URI is not set" in t for t in text)
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    # accounts_overview, uncovered_decision_makers, hidden_power_holders, powerful_opponents_not_met, our own query
    neo4j_tables = [h for h in html if "nordhafen-logistics" in h or "Katrin Brandt" in h]
    assert any("<th>covered</th>" in h and "huaxin-auto" in h for h in neo4j_tables)
    assert any("<th>times_average_power</th>" in h and "Li Na" in h for h in neo4j_tables)  # Huaxin's hidden power
    assert any("<th>category</th>" in h and "Katrin Brandt" in h for h in html)  # the decision unit, by real power
