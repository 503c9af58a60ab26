"""Shared test setup."""
from __future__ import annotations

import os

import pytest
from click.testing import CliRunner


def skip_unless_installed(reason: str) -> None:
    """Skip a check whose tool is missing, visibly; in CI (``CI`` set) that is a failure,
    because ``.ci/run`` installs every tool and a skip there would hide a broken install."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} — but CI must have it (.ci/run installs it)")
    pytest.skip(reason)


@pytest.fixture
def run(tmp_path, monkeypatch):
    """``run(*args)``: the real ``ig`` command in ``tmp_path``, with its store in ``tmp_path/accounts``."""
    from influence_graph.cli import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INFLUENCE_GRAPH_STORE", str(tmp_path / "accounts"))

    def invoke(*args):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return invoke
