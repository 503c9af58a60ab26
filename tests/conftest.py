"""Shared test setup: skipping for missing tools, and the real Neo4j server (tests/_neo4j_server.py)."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

import _neo4j_server


def skip_unless_installed(reason: str) -> None:
    """Skip a check whose tool is missing, visibly; in CI (``CI`` set) that is a failure,
    because ``.ci/run`` installs every tool and a skip there would hide a broken install."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} — but CI must have it (.ci/run installs it)")
    pytest.skip(reason)


# -- the real Neo4j: one server per run, owned by the process that runs the session ----------


def pytest_configure(config):
    if os.environ.get("PYTEST_XDIST_WORKER") or _neo4j_server.external_server() is not None:
        return  # a worker uses its controller's run; NEO4J_URI names another server
    if _neo4j_server.missing_tools() is None:
        owner = _neo4j_server.RunOwner()
        config._ig_neo4j_owner = owner
        os.environ[_neo4j_server.RUN_ENV] = str(owner.folder)  # xdist workers inherit it


def pytest_unconfigure(config):
    owner = getattr(config, "_ig_neo4j_owner", None)
    if owner is not None:
        owner.close()
        os.environ.pop(_neo4j_server.RUN_ENV, None)


@pytest.fixture(scope="session")
def neo4j_server() -> _neo4j_server.Server:
    """A real Neo4j 5: ``NEO4J_URI`` if set, else this run's server, started on first use."""
    server = _neo4j_server.external_server()
    if server is None:
        reason = _neo4j_server.missing_tools()
        if reason is not None:
            skip_unless_installed(reason)
        server = _neo4j_server.shared_server(Path(os.environ[_neo4j_server.RUN_ENV]))
    _IN_USE.append(server)
    return server


@pytest.fixture
def neo4j_env(neo4j_server, monkeypatch) -> _neo4j_server.Server:
    """The server's NEO4J_* variables in this test's environment (for the CLI and notebooks)."""
    for name, value in neo4j_server.env.items():
        monkeypatch.setenv(name, value)
    return neo4j_server


_IN_USE: list[_neo4j_server.Server] = []  # the server, once a test of this process has asked for it


@pytest.fixture
def new_id():
    """A fresh account id per call (``ig-test-…``), so a test never touches another test's
    accounts, nor a user's on a shared server. Those left in Neo4j are deleted afterwards."""
    made: list[str] = []

    def make(suffix: str = "") -> str:
        made.append(f"ig-test-{uuid.uuid4().hex[:10]}{suffix}")
        return made[-1]

    yield make
    if made and _IN_USE:
        from influence_graph.stores.neo4j_store import Neo4jStore

        server = _IN_USE[0]
        with Neo4jStore(server.uri, server.username, server.password) as store:
            for summary in store.list():
                if summary.id in made:
                    store.delete(summary.id)
@pytest.fixture
def run(tmp_path, monkeypatch):
    """``run(*args)``: the real ``ig`` command in ``tmp_path``, with its store in ``tmp_path/accounts``."""
    from influence_graph.cli import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INFLUENCE_GRAPH_STORE", str(tmp_path / "accounts"))

    def invoke(*args):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return invoke
