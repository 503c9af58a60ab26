"""Small hand-made accounts for tests: ``person("li", stance="champion")`` and
``account_graph_of([...people], channels=[...])``."""
from __future__ import annotations

from influence_graph import graph as g
from influence_graph.model import Account, parse_account


def person(pid: str, **fields) -> dict:
    """A person item named after its id."""
    return {"id": pid, "name": pid.title(), **fields}


def account_of(people: list[dict], **sections) -> Account:
    """A validated account "acme" with these people and sections."""
    return parse_account({"account": {"id": "acme", "name": "Acme"}, "people": people, **sections})


def account_graph_of(people: list[dict], **sections):
    """The whole-account graph of :func:`account_of`."""
    return g.account_graph(account_of(people, **sections))
