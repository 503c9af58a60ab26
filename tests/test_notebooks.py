"""The example notebooks run top to bottom on a fresh kernel, from the notebooks/ folder."""
from __future__ import annotations

import functools
from pathlib import Path

import nbformat
import pytest

from conftest import skip_unless_installed
from nbclient import NotebookClient

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CELL_TIMEOUT = 180  # seconds; the whole notebook takes a few seconds on a laptop


@functools.cache  # each notebook runs once per session, on its own fresh kernel
def _execute(path: Path) -> nbformat.NotebookNode:
    """Run ``path`` on a new python3 kernel with cwd = notebooks/; skip (visibly) only
    when no kernel can be started, so a broken cell always fails."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK_DIR)}})
    client.km = client.create_kernel_manager()
    try:
        client.start_new_kernel()
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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom(path):
    outputs = _outputs(_execute(path))
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
