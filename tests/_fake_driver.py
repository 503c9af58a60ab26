"""A spec'd stand-in for the neo4j driver, for tests of what our side sends and shows.

``create_autospec`` of the real driver classes, so a wrong method or argument fails.
It answers with canned records by query text and never reads the Cypher: evidence of
parameterization, batching, routing, error wording and output formatting, never of what
a statement means (the tests on the real server are, tests/conftest.py: neo4j_server).
"""
from __future__ import annotations

from unittest.mock import create_autospec

import neo4j


class FakeServer:
    """A spec'd driver in place of the real one: records every (query text, parameters)
    the store runs and answers with canned records by query text."""

    def __init__(self, monkeypatch, answers: dict | None = None):
        self.calls: list[tuple[str, dict]] = []
        self.routes: list[str] = []
        self.answers = answers or {}
        self.driver = create_autospec(neo4j.Driver, instance=True)
        self.session = create_autospec(neo4j.Session, instance=True)
        self.driver.session.return_value.__enter__.return_value = self.session
        self.session.execute_write.side_effect = self._route("write")
        self.session.execute_read.side_effect = self._route("read")
        # One transaction and one result, reused: the store consumes each result before the next run.
        self.tx = create_autospec(neo4j.ManagedTransaction, instance=True)
        self.tx.run.side_effect = self._run
        self.result = create_autospec(neo4j.Result, instance=True)
        monkeypatch.setattr(neo4j.GraphDatabase, "driver", lambda uri, auth=None: self.driver)

    def _route(self, kind):
        def run_work(work, *args, **kwargs):
            self.routes.append(kind)
            return work(self.tx, *args, **kwargs)
        return run_work

    def _run(self, query, parameters=None, **kwparameters):
        assert not kwparameters, "parameters go in one dict"
        self.calls.append((query, parameters))
        records = [neo4j.Record(r) for r in self.answers.get(query, [])]
        self.result.single.return_value = records[0] if records else None
        self.result.__iter__.return_value = iter(records)
        self.result.keys.return_value = list(records[0].keys()) if records else ["name"]
        return self.result

    def texts(self) -> list[str]:
        return [text for text, _ in self.calls]
