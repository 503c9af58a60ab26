"""Small hand-made accounts for tests: ``person("li", stance="champion")`` and
``account_graph_of([...people], channels=[...])``; :func:`textbook_account` for the
action list and the plan; :func:`generated_account` for the benchmarks' synthetic
accounts of any size."""
from __future__ import annotations

import importlib.util
from pathlib import Path

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


def textbook_account(**changes) -> dict:
    """Jiang (our KAM) is velcro with Li; Li advises Zhao (CEO, DMU) whom nobody on
    our team knows; Su is clip with Wang (CFO, DMU, stance unknown), last touched 30
    days before AS_OF with a promised next step."""
    data = {
        "account": {"id": "acme", "name": "Acme"},
        "people": [
            {"id": "zhao", "name": "Zhao Ming", "title": "CEO", "roles": ["decision_maker"], "stance": "neutral"},
            {"id": "wang", "name": "Wang Fang", "title": "CFO", "reports_to": "zhao", "roles": ["economic_buyer"]},
            {"id": "li", "name": "Li Na", "title": "Engineer", "reports_to": "zhao", "stance": "supporter"},
        ],
        "channels": [{"from": "li", "to": "zhao", "kind": "advice", "strength": 0.8}],
        "team": [
            {"id": "jiang", "name": "Jiang Tao", "role": "key_account_manager"},
            {"id": "su", "name": "Su Wen", "role": "solution_architect"},
        ],
        "relationships": [
            {"member": "jiang", "person": "li", "strength": "velcro"},
            {"member": "su", "person": "wang", "strength": "clip"},
        ],
        "touches": [
            {"date": "2026-10-21", "member": "su", "people": ["wang"], "kind": "call", "next_step": "Send the TCO model"},
        ],
        "opportunity": {"name": "Platform", "close_date": "2026-12-31", "decision_unit": ["zhao", "wang"]},
    }
    data.update(changes)
    return data


def generated_account(people: int, seed: int = 0) -> Account:
    """The benchmarks' synthetic account of ``people`` (``benchmarks/generate.py``)."""
    source = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"
    spec = importlib.util.spec_from_file_location("generate", source)
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    return generate.synthetic_account(people, seed=seed)
