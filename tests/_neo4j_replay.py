"""A driver double for the Neo4j store, and an in-memory replay of its statements.

``FakeServer`` puts a ``create_autospec`` driver in place of the real one (a wrong
method or argument fails) and records every (query text, parameters) the store
runs. ``MemoryGraph`` answers the store's own statements (cypher/store/*.cypher,
looked up by name) the way Neo4j would for these statements, including what a
plain Python round trip would hide:

- ``SET n = map`` stores no null (the property is absent afterwards);
- a ``MATCH`` that finds nothing drops the row (the relationship is never made);
- ``date(text)`` is stored as a Neo4j date: ``properties()`` returns
  ``neo4j.time.Date`` values and ``toString(date)`` ISO text;
- ``properties(n)`` returns every stored property, the store's own ones too.

So a save then a load through the real store code checks that the Python halves
(account → rows, records → account) agree. It is not evidence that Neo4j accepts
the statements: the Cypher lint and the contract suite on a real server are.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Callable
from unittest.mock import create_autospec

import neo4j

from influence_graph.stores import cypher

Handler = Callable[[str, dict], list[dict]]


class FakeServer:
    """Records every (query text, parameters) the store runs; answers with canned
    records by query text, or through ``handler(text, params)``."""

    def __init__(self, monkeypatch, answers: dict | None = None, handler: Handler | None = None):
        self.calls: list[tuple[str, dict]] = []
        self.routes: list[str] = []
        self.answers = answers or {}
        self.handler = handler
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
        answer = self.handler(query, parameters or {}) if self.handler else self.answers.get(query, [])
        records = [neo4j.Record(r) for r in answer]
        result = self.result
        result.single.return_value = records[0] if records else None
        result.__iter__.return_value = iter(records)
        result.keys.return_value = list(records[0].keys()) if records else ["name"]
        return result

    def texts(self) -> list[str]:
        return [text for text, _ in self.calls]


def _set(props: dict) -> dict:
    """``SET n = map``: null values are not stored."""
    return {k: v for k, v in props.items() if v is not None}


def _date(text: str | None) -> neo4j.time.Date | None:
    return None if text is None else neo4j.time.Date.from_iso_format(text)


def _text(value: Any) -> str | None:
    """``toString(date)``."""
    return None if value is None else value.iso_format()


# name -> (relationship type, (start label, key, row field), (end label, key, row field), properties of the row)
_RELATIONSHIPS: dict[str, tuple] = {
    "create_department_parents": ("PART_OF", ("Department", "id", "id"), ("Department", "id", "parent"), None),
    "create_memberships": ("MEMBER_OF", ("Person", "id", "person"), ("Department", "id", "department"), None),
    "create_reporting_lines": ("REPORTS_TO", ("Person", "id", "person"), ("Person", "id", "boss"), None),
    "create_channels": ("INFLUENCES", ("Person", "id", "source"), ("Person", "id", "target"),
                        lambda row: row["props"]),
    "create_department_relations": ("RELATES_TO", ("Department", "id", "a"), ("Department", "id", "b"),
                                    lambda row: row["props"]),
    "create_relationships": ("KNOWS", ("TeamMember", "id", "member"), ("Person", "id", "person"),
                             lambda row: {**row["props"], "since": _date(row["since"])}),
    "create_competitor_relationships": ("KNOWS", ("Competitor", "id", "competitor"), ("Person", "id", "person"),
                                        lambda row: row["props"]),
    "create_touch_members": ("BY", ("Touch", "seq", "seq"), ("TeamMember", "id", "member"), None),
    "create_touch_people": ("WITH", ("Touch", "seq", "seq"), ("Person", "id", "person"),
                            lambda row: {"seq": row["position"]}),
    "create_decision_unit": ("DECIDED_BY", ("Opportunity", None, None), ("Person", "id", "person"), None),
}
_NODES = {"create_departments": "Department", "create_people": "Person", "create_team": "TeamMember",
          "create_competitors": "Competitor"}
_DELETES = {"delete_departments": "Department", "delete_people": "Person", "delete_team": "TeamMember",
            "delete_competitors": "Competitor", "delete_touches": "Touch", "delete_opportunity": "Opportunity"}


class MemoryGraph:
    """Nodes as [label, props]; relationships as [type, start, end, props]."""

    def __init__(self):
        self.nodes: list[list] = []
        self.rels: list[list] = []
        self.names = {s.text: name for name, s in cypher.store_statements().items()}
        self.schema = {s.text for s in cypher.schema_statements()}  # constraints: nothing to replay

    # -- the graph ------------------------------------------------------------------
    def find(self, label: str, **props: Any) -> list | None:
        for node in self.nodes:
            if node[0] == label and all(node[1].get(k) == v for k, v in props.items()):
                return node
        return None

    def scoped(self, label: str, account: str) -> list[list]:
        return sorted((n for n in self.nodes if n[0] == label and n[1].get("account") == account),
                      key=lambda n: n[1].get("seq", 0))

    def out(self, node: list, rel_type: str) -> list[list]:
        """(relationship, end node) pairs leaving ``node``, in relationship order."""
        found = [r for r in self.rels if r[0] == rel_type and r[1] is node]
        return sorted(found, key=lambda r: r[3].get("seq", 0))

    def one(self, node: list, rel_type: str) -> str | None:
        ends = self.out(node, rel_type)
        return ends[0][2][1]["id"] if ends else None

    def delete(self, doomed: list[list]) -> None:  # DETACH DELETE
        self.nodes = [n for n in self.nodes if not any(n is d for d in doomed)]
        self.rels = [r for r in self.rels if not any(r[1] is d or r[2] is d for d in doomed)]

    # -- the statements ------------------------------------------------------------
    def run(self, text: str, params: dict) -> list[dict]:
        if text in self.schema:
            return []
        name = self.names.get(text)
        assert name is not None, f"not a store statement: {text[:60]!r}"
        account = params.get("account")
        if name == "stored_revision":
            node = self._merge_account(account)
            node[1]["_lock"] = True
            return [{"revision": node[1].get("revision")}]
        if name == "save_account":
            node = self._merge_account(account)
            props = {**node[1], "account": account, "name": params["name"], "industry": params["industry"],
                     "notes": params["notes"], "revision": uuid.uuid4().hex[:12],
                     "saved_at": neo4j.time.DateTime.now(dt.timezone.utc)}
            props.pop("_lock", None)
            node[1] = _set(props)
            return [{"revision": node[1]["revision"]}]
        if name in _DELETES:
            self.delete(self.scoped(_DELETES[name], account))
            return []
        if name == "delete_account":
            doomed = [n for n in self.nodes if n[0] == "Account" and n[1]["id"] == account]
            self.delete(doomed)
            return [{"deleted": len(doomed)}]
        if name == "create_revision":
            owner = self.find("Account", id=account)
            if owner is not None:
                node = ["Revision", _set({**params["props"], "account": account,
                                          "saved_at": neo4j.time.DateTime.from_iso_format(params["saved_at"].replace("Z", "+00:00"))})]
                self.nodes.append(node)
                self.rels.append(["HAS_REVISION", owner, node, {}])
            return []
        if name == "delete_revisions":
            self.delete([n for n in self.nodes if n[0] == "Revision" and n[1]["account"] == account])
            return []
        if name == "unlock_account":
            self.find("Account", id=account)[1].pop("_lock", None)
            return []
        if name in _NODES:
            self.nodes += [[_NODES[name], _set(row)] for row in params["rows"]]
            return []
        if name == "create_touches":
            for row in params["rows"]:
                props = {**row["props"], "date": _date(row["date"]), "next_date": _date(row["next_date"])}
                self.nodes.append(["Touch", _set(props)])
            return []
        if name == "create_opportunity":
            for row in params["rows"]:
                owner = self.find("Account", id=account)
                if owner is not None:
                    node = ["Opportunity", _set({**row["props"], "close_date": _date(row["close_date"])})]
                    self.nodes.append(node)
                    self.rels.append(["HAS_OPPORTUNITY", owner, node, {}])
            return []
        if name in _RELATIONSHIPS:
            rel_type, (a_label, a_key, a_field), (b_label, b_key, b_field), props = _RELATIONSHIPS[name]
            for row in params["rows"]:
                a = self.find(a_label, account=account, **({a_key: row[a_field]} if a_key else {}))
                b = self.find(b_label, account=account, **{b_key: row[b_field]})
                if a is not None and b is not None:  # MATCH found both ends; otherwise the row is dropped
                    self.rels.append([rel_type, a, b, _set((props or (lambda r: {}))(row))])
            return []
        if name == "load_revision":
            return self.load_revision(account, params["number"])
        return getattr(self, name)(account)

    def _merge_account(self, account: str) -> list:
        node = self.find("Account", id=account)
        if node is None:
            node = ["Account", {"id": account}]
            self.nodes.append(node)
        return node

    def list_accounts(self, _account: None) -> list[dict]:
        heads = sorted((n[1] for n in self.nodes if n[0] == "Account"), key=lambda p: p["id"])
        return [{"id": p["id"], "name": p.get("name"), "revision": p.get("revision")} for p in heads]

    def load_account(self, account: str) -> list[dict]:
        node = self.find("Account", id=account)
        if node is None:
            return []
        return [{**{k: node[1].get(k) for k in ("name", "industry", "notes", "revision")},
                 "saved_at": _text(node[1].get("saved_at"))}]

    def _revisions(self, account: str) -> list[dict]:
        return sorted((n[1] for n in self.nodes if n[0] == "Revision" and n[1]["account"] == account),
                      key=lambda r: r["number"])

    def latest_revision(self, account: str) -> list[dict]:
        return [{k: r[k] for k in ("number", "revision", "content")} for r in self._revisions(account)[-1:]]

    def list_revisions(self, account: str) -> list[dict]:
        return [{**{k: r.get(k) for k in ("number", "revision", "by", "summary")}, "saved_at": _text(r["saved_at"])}
                for r in self._revisions(account)]

    def load_revision(self, account: str, number: int) -> list[dict]:
        return [{"content": r["content"]} for r in self._revisions(account) if r["number"] == number]

    def load_departments(self, account: str) -> list[dict]:
        return [{"props": dict(d[1]), "parent": self.one(d, "PART_OF")} for d in self.scoped("Department", account)]

    def load_people(self, account: str) -> list[dict]:
        return [{"props": dict(p[1]), "department": self.one(p, "MEMBER_OF"), "reports_to": self.one(p, "REPORTS_TO")}
                for p in self.scoped("Person", account)]

    def _pairs(self, label: str, account: str, rel_type: str, a: str, b: str) -> list[dict]:
        found = [r for start in self.scoped(label, account) for r in self.out(start, rel_type)]
        return [{a: r[1][1]["id"], b: r[2][1]["id"], "props": dict(r[3])}
                for r in sorted(found, key=lambda r: r[3]["seq"])]

    def load_channels(self, account: str) -> list[dict]:
        return self._pairs("Person", account, "INFLUENCES", "source", "target")

    def load_department_relations(self, account: str) -> list[dict]:
        return self._pairs("Department", account, "RELATES_TO", "a", "b")

    def load_team(self, account: str) -> list[dict]:
        return [{"props": dict(m[1])} for m in self.scoped("TeamMember", account)]

    def load_relationships(self, account: str) -> list[dict]:
        rows = self._pairs("TeamMember", account, "KNOWS", "member", "person")
        return [{**row, "since": _text(row["props"].get("since"))} for row in rows]

    def load_competitors(self, account: str) -> list[dict]:
        return [{"props": dict(c[1])} for c in self.scoped("Competitor", account)]

    def load_competitor_relationships(self, account: str) -> list[dict]:
        return self._pairs("Competitor", account, "KNOWS", "competitor", "person")

    def load_touches(self, account: str) -> list[dict]:
        return [{"props": dict(t[1]), "date": _text(t[1].get("date")), "next_date": _text(t[1].get("next_date")),
                 # a pattern comprehension has no order: give it reversed, the store must sort
                 "member": self.one(t, "BY"), "people": [[r[3]["seq"], r[2][1]["id"]] for r in self.out(t, "WITH")][::-1]}
                for t in self.scoped("Touch", account)]

    def load_opportunity(self, account: str) -> list[dict]:
        return [{"props": dict(o[1]), "close_date": _text(o[1].get("close_date"))}
                for o in self.scoped("Opportunity", account)]
