"""The Neo4j store, on the official ``neo4j`` driver (the only module that imports it).

Every statement is read by name from ``cypher/`` (see :mod:`.cypher`) and sent
with parameters; no user string is ever formatted into Cypher text. Saving runs
in one managed write transaction (the driver retries transient failures): lock
the account node and check its revision, delete the account's nodes, write each
section with one ``UNWIND $rows`` statement per batch, set a new revision, and
keep it as a ``(:Revision)`` node holding the account's canonical JSON, who saved
it, when and a summary of the change — so history and content commit together.
Loading, listing and queries run in managed read transactions; a load that a
save overtook is read again, so it never mixes two revisions. Every node
carries ``account``, so accounts never mix. The graph model is drawn in
``cypher/README.md``.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import random
import re
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import neo4j
from neo4j import exceptions as neo4j_errors

from ..model import Account, AccountNotFound, StaleWriteError, StoreError, dump_account, parse_account
from ..model.account import Closeness, StanceLabel, stance_value
from ..model.diff import SECTIONS as FILE_SECTIONS
from .base import AccountSummary, Revision, Store, change_summary, check_account_id, current_user, utc_now, utc_text
from .cypher import Statement, named_query, schema_name, schema_statements, store_statement

if TYPE_CHECKING:
    import pandas as pd

BATCH_SIZE = 1000
# Loads retried when a save commits in the middle of one (see _load_work).
LOAD_ATTEMPTS = 50
_MOVED = object()
# Written in this order (nodes before the relationships between them).
WRITES = (
    "create_departments",
    "create_department_parents",
    "create_people",
    "create_memberships",
    "create_reporting_lines",
    "create_channels",
    "create_department_relations",
    "create_team",
    "create_relationships",
    "create_competitors",
    "create_competitor_relationships",
    "create_touches",
    "create_touch_members",
    "create_touch_people",
    "create_opportunity",
    "create_decision_unit",
)
CLEARS = (
    "delete_departments",
    "delete_people",
    "delete_team",
    "delete_competitors",
    "delete_touches",
    "delete_opportunity",
)
# The sections each read by one load_<section> statement (the account head by load_account).
SECTIONS = tuple(section for section in FILE_SECTIONS if section != "account")
UNRECORDED = "saved before revisions were kept"
# The analysis written back onto Person nodes (write_analysis): what Browser and
# Bloom users query and style by. Not account fields.
ANALYSIS_PROPERTIES = ("influence", "category", "coach_score", "faction", "in_decision_unit")
# Properties the store adds for scoping, ordering and querying; not account fields.
_INTERNAL = {"account", "seq", "stance_value", *ANALYSIS_PROPERTIES}
_CONTACT = "contact_"
# What Neo4j answers a write in a read transaction (ig query runs every query as a read).
_READ_ONLY_REFUSAL = "Neo.ClientError.Statement.AccessMode"
_QUERY_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")

# The driver logs each retry and routing failure; our one-line StoreError says it
# all, so keep its log records from reaching the terminal unless someone asks.
logging.getLogger("neo4j").addHandler(logging.NullHandler())


# -- account -> rows ------------------------------------------------------------------


def _node(data: dict[str, Any], account_id: str, seq: int, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    props = {k: v for k, v in data.items() if k not in drop and v is not None}
    return {**props, "account": account_id, "seq": seq}


def _closeness(item: Any, seq: int) -> dict[str, Any]:
    props: dict[str, Any] = {"strength": item.value, "seq": seq}
    if isinstance(item.strength, Closeness):
        props["closeness"] = item.strength.value
    if item.notes is not None:
        props["notes"] = item.notes
    return props


def account_rows(account: Account) -> dict[str, list[dict[str, Any]]]:
    """The rows of every ``create_*`` statement for ``account``, by statement name.

    Node rows are property maps (``account`` and the file order ``seq`` added);
    relationship rows name their two ends and carry ``props``.
    """
    aid = account.id
    data = account.to_data()
    dmu = set(account.decision_unit)
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in WRITES}
    for seq, d in enumerate(data.get("departments", [])):
        rows["create_departments"].append(_node(d, aid, seq, ("parent",)))
        if d.get("parent"):
            rows["create_department_parents"].append({"id": d["id"], "parent": d["parent"]})
    for seq, (d, person) in enumerate(zip(data.get("people", []), account.people)):
        row = _node(d, aid, seq, ("department", "reports_to", "contact"))
        row.update({_CONTACT + key: value for key, value in person.contact.items()})
        stance = person.stance
        row["stance"] = stance.value if isinstance(stance, StanceLabel) else stance
        row["stance_value"] = stance_value(stance)
        row["in_decision_unit"] = person.id in dmu
        rows["create_people"].append(row)
        if person.department:
            rows["create_memberships"].append({"person": person.id, "department": person.department})
        if person.reports_to:
            rows["create_reporting_lines"].append({"person": person.id, "boss": person.reports_to})
    for seq, c in enumerate(account.channels):
        props = {"kind": c.kind.value, "strength": c.strength, "mutual": c.mutual, "seq": seq}
        if c.evidence is not None:
            props["evidence"] = c.evidence
        rows["create_channels"].append({"source": c.source, "target": c.target, "props": props})
    for seq, r in enumerate(account.department_relations):
        props = {"kind": r.kind.value, "strength": r.strength, "seq": seq}
        if r.evidence is not None:
            props["evidence"] = r.evidence
        rows["create_department_relations"].append({"a": r.a, "b": r.b, "props": props})
    rows["create_team"] = [_node(d, aid, seq) for seq, d in enumerate(data.get("team", []))]
    for seq, r in enumerate(account.relationships):
        since = r.since.isoformat() if r.since else None
        rows["create_relationships"].append(
            {"member": r.member, "person": r.person, "since": since, "props": _closeness(r, seq)}
        )
    rows["create_competitors"] = [_node(d, aid, seq) for seq, d in enumerate(data.get("competitors", []))]
    for seq, r in enumerate(account.competitor_relationships):
        rows["create_competitor_relationships"].append(
            {"competitor": r.competitor, "person": r.person, "props": _closeness(r, seq)}
        )
    for seq, d in enumerate(data.get("touches", [])):
        props = _node(d, aid, seq, ("date", "next_date", "member", "people"))
        rows["create_touches"].append({"props": props, "date": d["date"], "next_date": d.get("next_date")})
        if d.get("member"):
            rows["create_touch_members"].append({"seq": seq, "member": d["member"]})
        for position, person in enumerate(d.get("people", [])):
            rows["create_touch_people"].append({"seq": seq, "person": person, "position": position})
    if "opportunity" in data:
        o = data["opportunity"]
        props = {k: v for k, v in o.items() if k != "close_date"} | {"account": aid}
        rows["create_opportunity"].append({"props": props, "close_date": o.get("close_date")})
        rows["create_decision_unit"] = [{"person": pid} for pid in account.decision_unit]
    return rows


# -- records -> account ---------------------------------------------------------------


def _clean(props: dict[str, Any], *drop: str) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k not in _INTERNAL and k not in drop and v is not None}


def _with(props: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {**props, **{k: v for k, v in extra.items() if v is not None}}


def _closeness_data(props: dict[str, Any], **ends: Any) -> dict[str, Any]:
    strength = props.get("closeness", props["strength"])
    return _with(_clean(props, "closeness", "strength", "since"), **ends, strength=strength)


def account_data(head: dict[str, Any], sections: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Plain account data in file form from the records of the ``load_*`` statements."""
    people = []
    for r in sections["people"]:
        props = _clean(r["props"])
        contact = {k[len(_CONTACT):]: props.pop(k) for k in list(props) if k.startswith(_CONTACT)}
        people.append(
            _with(props, department=r["department"], reports_to=r["reports_to"], contact=contact or None)
        )
    touches = []
    for r in sections["touches"]:
        ids = [pid for _, pid in sorted(r["people"])]
        touches.append(
            _with(_clean(r["props"], "date", "next_date"), date=r["date"], next_date=r["next_date"],
                  member=r["member"], people=ids or None)
        )
    data: dict[str, Any] = {
        "account": _with({}, id=head["id"], name=head["name"], industry=head["industry"], notes=head["notes"]),
        "departments": [_with(_clean(r["props"]), parent=r["parent"]) for r in sections["departments"]],
        "people": people,
        "channels": [{"from": r["source"], "to": r["target"], **_clean(r["props"])} for r in sections["channels"]],
        "department_relations": [
            {"a": r["a"], "b": r["b"], **_clean(r["props"])} for r in sections["department_relations"]
        ],
        "team": [_clean(r["props"]) for r in sections["team"]],
        "relationships": [
            _closeness_data(r["props"], member=r["member"], person=r["person"], since=r["since"])
            for r in sections["relationships"]
        ],
        "competitors": [_clean(r["props"]) for r in sections["competitors"]],
        "competitor_relationships": [
            _closeness_data(r["props"], competitor=r["competitor"], person=r["person"])
            for r in sections["competitor_relationships"]
        ],
        "touches": touches,
    }
    for r in sections["opportunity"]:
        data["opportunity"] = _with(_clean(r["props"], "close_date"), close_date=r["close_date"])
    return data


def _plain(value: Any) -> Any:
    """A driver value as plain Python: nodes and relationships as property dicts, temporal as native."""
    if isinstance(value, (neo4j.graph.Node, neo4j.graph.Relationship)):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, neo4j.graph.Path):
        return [_plain(node) for node in value.nodes]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "to_native"):
        return value.to_native()
    return value


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else "no details"


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


class Neo4jStore(Store):
    """Accounts in Neo4j at ``uri`` (``neo4j://``, ``neo4j+s://``, ``bolt://``, …)."""

    holds_analysis = True

    def __init__(
        self,
        uri: str,
        username: str | None = None,
        password: str | None = None,
        database: str | None = None,
        batch_size: int = BATCH_SIZE,
    ):
        self.uri, self.username, self.database = uri, username or "neo4j", database or None
        self.batch_size = batch_size
        self._has_password = password is not None
        self.location = uri if not self.database else f"{uri} (database {self.database})"
        auth = (self.username, password) if password is not None else None
        with self._errors():
            try:
                self._driver = neo4j.GraphDatabase.driver(uri, auth=auth)
            except ValueError as exc:
                raise StoreError(f"{uri} is not a Neo4j address ({_first_line(str(exc))})") from None
        self._schema_applied = self._connected = False

    # -- plumbing -----------------------------------------------------------------
    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn the driver's errors into one-line StoreErrors."""
        try:
            yield
        except StoreError:
            raise
        except neo4j_errors.AuthError:
            if not self._has_password:
                raise StoreError(
                    f"Neo4j at {self.uri} needs a password: set NEO4J_PASSWORD (and NEO4J_USERNAME "
                    f"if the user is not {self.username!r})"
                ) from None
            raise StoreError(
                f"Neo4j at {self.uri} refused the credentials of user {self.username!r} "
                "(check NEO4J_USERNAME and NEO4J_PASSWORD)"
            ) from None
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired) as exc:
            raise StoreError(
                f"cannot reach Neo4j at {self.uri} ({_first_line(str(exc))}); is the server running?"
            ) from None
        except neo4j_errors.CypherSyntaxError as exc:
            raise StoreError(f"Neo4j rejected the query: {_first_line(exc.message)}") from None
        except neo4j_errors.Neo4jError as exc:
            if exc.code == _READ_ONLY_REFUSAL:
                raise StoreError(f"queries are read-only: Neo4j refused to write ({_first_line(exc.message)})") from None
            # Server errors carry a code (Neo.ClientError...); errors raised in the driver may not.
            code = exc.code or type(exc).__name__
            raise StoreError(f"Neo4j error {code}: {_first_line(exc.message or str(exc))}") from None
        except neo4j_errors.DriverError as exc:
            raise StoreError(f"Neo4j driver error at {self.uri}: {_first_line(str(exc))}") from None

    @contextlib.contextmanager
    def _session(self) -> Iterator[neo4j.Session]:
        with self._errors():
            if not self._connected:
                # Fail fast on a wrong address or password, instead of retrying for a minute.
                try:
                    self._driver.verify_connectivity()
                except ValueError as exc:  # the driver's word for an address it cannot resolve, e.g. a bad port
                    raise StoreError(f"{self.uri} is not a Neo4j address ({_first_line(str(exc))})") from None
                self._connected = True
            with self._driver.session(database=self.database) as session:
                yield session

    def _apply_schema(self, session: neo4j.Session) -> None:
        """Apply cypher/schema.cypher, unless the database has every index and constraint in it."""
        if self._schema_applied:
            return
        present = {r["name"] for r in session.execute_read(_data, store_statement("schema_names"), {})}
        for statement in schema_statements():
            if schema_name(statement) not in present:
                try:
                    session.execute_write(_consume, statement.text, {})
                except neo4j_errors.ClientError as exc:
                    # IF NOT EXISTS does not cover a twin being created at the same moment
                    # (two first saves on a new database): it exists, which is all we want.
                    if not _already_exists(exc):
                        raise
        self._schema_applied = True

    def close(self) -> None:
        self._driver.close()

    # -- the Store interface --------------------------------------------------------
    def _save(self, account: Account, expected: str | None, force: bool) -> str:
        account_id = check_account_id(account.id)
        rows = account_rows(account)
        with self._session() as session:
            self._apply_schema(session)
            return session.execute_write(self._save_work, account, rows, expected, force)

    def _save_work(self, tx: neo4j.ManagedTransaction, account: Account, rows: dict, expected: str | None, force: bool) -> str:
        aid = account.id
        # Locks the account node until commit, so the check and the write are one step.
        stored = tx.run(store_statement("stored_revision"), {"account": aid}).single()["revision"]
        self._refuse_stale(aid, None if stored is None else str(stored), expected, force)
        number, previous = 0, None
        if stored is not None:
            number, previous = self._previous(tx, aid, str(stored))
            if previous == account:  # nothing changed: no new revision
                tx.run(store_statement("unlock_account"), {"account": aid}).consume()
                return str(stored)
        for name in CLEARS:
            tx.run(store_statement(name), {"account": aid}).consume()
        info = account.account
        head = {"account": aid, "name": info.name, "industry": info.industry, "notes": info.notes}
        revision = str(tx.run(store_statement("save_account"), head).single()["revision"])
        for name in WRITES:
            for batch in _batches(rows[name], self.batch_size):
                tx.run(store_statement(name), {"account": aid, "rows": batch}).consume()
        self._record(tx, aid, number + 1, revision, account, utc_now(), current_user(),
                     change_summary(previous, account))
        return revision

    def _previous(self, tx: neo4j.ManagedTransaction, account_id: str, stored: str) -> tuple[int, Account | None]:
        """The number of the stored account's revision and the account; a stored account
        with no revision yet (saved by an older version) is recorded first."""
        latest = tx.run(store_statement("latest_revision"), {"account": account_id}).single()
        if latest is not None and latest["revision"] == stored:
            return latest["number"], self._from_json(latest["content"], account_id, latest["number"])
        head, sections = _load_work(tx, account_id)
        previous = self._account(account_id, head, sections)
        number = (latest["number"] if latest is not None else 0) + 1
        self._record(tx, account_id, number, stored, previous, _when(head.get("saved_at")), None, UNRECORDED)
        return number, previous

    @staticmethod
    def _record(tx: neo4j.ManagedTransaction, account_id: str, number: int, revision: str, account: Account,
                saved_at: str, by: str | None, summary: str) -> None:
        props = {"number": number, "revision": revision, "by": by, "summary": summary,
                 "content": dump_account(account, "json")}
        tx.run(store_statement("create_revision"),
               {"account": account_id, "props": props, "saved_at": saved_at}).consume()

    def _from_json(self, content: str, account_id: str, number: int) -> Account:
        # Our own canonical JSON, so no need for the file loader's line numbers (a YAML
        # parse of the text for them costs 10x the JSON parse: 0.35 s at 1,000 people).
        where = f"revision {number} of account {account_id!r} in {self.location}"
        try:
            data = json.loads(content)
        except ValueError as exc:
            raise StoreError(f"{where} is not valid JSON ({exc})") from None
        return parse_account(data, where)

    def _account(self, account_id: str, head: dict, sections: dict) -> Account:
        data = account_data({"id": account_id, **head}, sections)
        return parse_account(data, f"account {account_id!r} in {self.location}")

    def write_analysis(self, account_id: str, properties: dict[str, dict[str, Any]], revision: str) -> None:
        """Write the analysis of revision ``revision`` onto the account's Person nodes.

        ``properties`` maps person ids to values of :data:`ANALYSIS_PROPERTIES`
        (a ``None`` removes one). One write transaction, under the account's lock:
        :class:`StaleWriteError`, writing nothing, if the account was saved again
        since ``revision`` (the analysis would describe another account). The next
        save of the account replaces its nodes, and with them this analysis.
        """
        check_account_id(account_id)
        rows = [{"id": pid, "properties": _analysis_values(pid, values)} for pid, values in properties.items()]
        with self._session() as session:
            session.execute_write(self._write_analysis_work, account_id, rows, revision)

    def _write_analysis_work(self, tx: neo4j.ManagedTransaction, account_id: str, rows: list, revision: str) -> None:
        stored = tx.run(store_statement("lock_account"), {"account": account_id}).single()
        if stored is None:
            raise AccountNotFound(f"no account {account_id!r} in {self.location}")
        if str(stored["revision"]) != revision:
            raise StaleWriteError(
                f"account {account_id!r} was saved again in {self.location} (revision {stored['revision']}) "
                f"since revision {revision}: its analysis was not written"
            )
        for batch in _batches(rows, self.batch_size):
            tx.run(store_statement("write_analysis"), {"account": account_id, "rows": batch}).consume()

    def _load(self, account_id: str) -> tuple[Account, str]:
        with self._session() as session:
            for attempt in range(LOAD_ATTEMPTS):
                head, sections = session.execute_read(_load_work, account_id)
                if head is not _MOVED:
                    break
                time.sleep(random.uniform(0, 0.01 * (attempt + 1)))  # let the saves in progress finish
            else:
                raise StoreError(f"account {account_id!r} kept changing while it was read from "
                                 f"{self.location} ({LOAD_ATTEMPTS} saves in a row); try again")
        if head is None:
            raise AccountNotFound(f"no account {account_id!r} in {self.location}")
        return self._account(account_id, head, sections), str(head["revision"])

    def _history(self, account_id: str) -> list[Revision]:
        with self._session() as session:
            head, records = session.execute_read(_history_work, account_id)
        if head is None:
            raise AccountNotFound(f"no account {account_id!r} in {self.location}")
        history = [Revision(r["number"], r["revision"], _when(r["saved_at"]), r["by"], r["summary"]) for r in records]
        if not history or history[-1].revision != str(head["revision"]):
            history.append(Revision(len(history) + 1, str(head["revision"]), _when(head["saved_at"]), None, UNRECORDED))
        return history

    def _load_revision(self, account_id: str, revision: Revision) -> Account:
        with self._session() as session:
            records = session.execute_read(_data, store_statement("load_revision"),
                                           {"account": account_id, "number": revision.number})
        if not records:
            raise AccountNotFound(f"account {account_id!r} in {self.location} has no revision {revision.number}")
        return self._from_json(records[0]["content"], account_id, revision.number)

    def list(self) -> list[AccountSummary]:
        with self._session() as session:
            records = session.execute_read(_data, store_statement("list_accounts"), {})
        return [AccountSummary(r["id"], r["name"], str(r["revision"])) for r in records]

    def delete(self, account_id: str) -> int:
        check_account_id(account_id)
        with self._session() as session:
            return session.execute_write(self._delete_work, account_id)

    def _delete_work(self, tx: neo4j.ManagedTransaction, account_id: str) -> int:
        head, records = _history_work(tx, account_id)
        if head is None:
            raise AccountNotFound(f"no account {account_id!r} in {self.location}")
        count = len(records) + (0 if records and records[-1]["revision"] == head["revision"] else 1)
        for name in (*CLEARS, "delete_revisions"):
            tx.run(store_statement(name), {"account": account_id}).consume()
        tx.run(store_statement("delete_account"), {"account": account_id}).consume()
        return count

    def query(self, cypher_or_name: str, /, **params: Any) -> pd.DataFrame:
        """Run a named query (``cypher/<name>.cypher``) or raw Cypher, read-only.

        Returns a DataFrame, one row per record; nodes come back as property
        dicts, dates as ``datetime.date``.
        """
        import pandas as pd

        statement = resolve_query(cypher_or_name)
        missing = [p for p in statement.parameters if p not in params]
        if missing:
            needed = " ".join(f"--param {p}=…" for p in missing)
            raise StoreError(f"query {statement.name} needs {needed}")
        with self._session() as session:
            keys, rows = session.execute_read(_table, statement.text, params)
        return pd.DataFrame(rows, columns=keys)


def _already_exists(error: neo4j_errors.ClientError) -> bool:
    """True for Neo4j's "an equivalent index/constraint already exists" errors."""
    code = error.code or ""
    return code.startswith("Neo.ClientError.Schema.") and code.endswith("AlreadyExists")


def _analysis_values(person_id: str, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` checked: only analysis properties, each a number, text, boolean or None."""
    unknown = sorted(set(values) - set(ANALYSIS_PROPERTIES))
    if unknown:
        raise StoreError(f"analysis of person {person_id!r}: {', '.join(unknown)} "
                         f"is not one of {', '.join(ANALYSIS_PROPERTIES)}")
    for name, value in values.items():
        if value is not None and not isinstance(value, (bool, int, float, str)):
            raise StoreError(f"analysis of person {person_id!r}: {name} must be a number, text or boolean, "
                             f"not {type(value).__name__}")
    return dict(values)


def resolve_query(cypher_or_name: str) -> Statement:
    """A named query by name, or raw Cypher as an unnamed statement."""
    text = cypher_or_name.strip()
    if _QUERY_NAME.match(text):
        return named_query(text)
    return Statement("(raw Cypher)", text, "", "<command line>")


# Transaction functions: the driver may run them more than once (retries), so
# they only read their arguments and return plain data.


def _consume(tx: neo4j.ManagedTransaction, text: str, params: dict[str, Any]) -> None:
    tx.run(text, params).consume()


def _data(tx: neo4j.ManagedTransaction, text: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    return [record.data() for record in tx.run(text, params)]


def _table(tx: neo4j.ManagedTransaction, text: str, params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    result = tx.run(text, params)
    keys = list(result.keys())
    return keys, [[_plain(v) for v in record.values()] for record in result]


def _when(value: str | None) -> str:
    """A Neo4j datetime's text as UTC ISO to the second (``unknown`` if none was kept)."""
    if not value:
        return "unknown"
    try:
        return utc_text(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:  # nanoseconds: more digits than Python reads
        return utc_text(dt.datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", value).replace("Z", "+00:00")))


def _history_work(tx: neo4j.ManagedTransaction, account_id: str) -> tuple[dict | None, list[dict]]:
    params = {"account": account_id}
    head = tx.run(store_statement("load_account"), params).single()
    if head is None:
        return None, []
    return head.data(), _data(tx, store_statement("list_revisions"), params)


def _load_work(tx: neo4j.ManagedTransaction, account_id: str) -> tuple[Any, dict[str, list]]:
    """The account's head and sections; ``_MOVED`` for the head if a save came in between.

    Neo4j reads committed data statement by statement, not from a snapshot: a save
    that commits between two of these statements would give people of one revision
    and channels of the next. Every save sets a new revision, in the same
    transaction as its nodes, so the same revision before and after the sections
    means no save committed in between. (Under the account's lock, as in a save,
    none can.)
    """
    params = {"account": account_id}
    head = tx.run(store_statement("load_account"), params).single()
    if head is None:
        return None, {}
    sections = {name: _data(tx, store_statement(f"load_{name}"), params) for name in SECTIONS}
    after = tx.run(store_statement("load_account"), params).single()
    if after is None or after["revision"] != head["revision"]:
        return _MOVED, {}
    return head.data(), sections
