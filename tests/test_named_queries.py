"""Every named query (cypher/*.cypher) run on a real Neo4j against the example accounts,
each compared with rows computed here, independently, from the account files (and,
where the two answer the same question, with the analysis).

The accounts are saved once for the module under fresh ids (``ig-test-<token>-…``) with
their analysis written back; queries that span every account are filtered to those ids,
so accounts other tests save at the same time never count. People matched across
accounts by name or e-mail get the token in both, so only this module's accounts can match.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

import influence_graph as ig
from influence_graph.model import Account, load_account, parse_account
from influence_graph.model.account import StanceLabel
from influence_graph.stores.cypher import named_queries
from influence_graph.stores.neo4j_store import Neo4jStore

pytestmark = pytest.mark.neo4j
EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.yaml"))
ZIPPER = 2 / 3


@dataclass
class Corpus:
    store: Neo4jStore
    examples: dict[str, Account]  # the example accounts, by their id in the store
    shared: dict[str, Account]    # two accounts sharing people by name and e-mail (tokened)
    edges: dict[str, Account]     # Huaxin with the borderline cases the examples lack
    today: dt.date                # the server's date(), which the follow-up queries count from
    results: dict[str, object]    # each account's analysis as of today, as written onto its nodes

    @property
    def every(self) -> dict[str, Account]:
        return {**self.examples, **self.shared, **self.edges}

    def rows(self, name: str, accounts: dict[str, Account] | None = None, **params) -> list[dict]:
        """The query's rows (plain values), only those of ``accounts`` when it has an account column."""
        frame = self.store.query(name, **params)
        records = frame.astype(object).where(frame.notna(), None).to_dict("records") if not frame.empty else []
        if "account" in frame.columns:
            mine = set(accounts if accounts is not None else self.every)
            records = [r for r in records if r["account"] in mine]
        return records


@pytest.fixture(scope="module")
def corpus(neo4j_server):
    token = uuid.uuid4().hex[:8]
    with Neo4jStore(neo4j_server.uri, neo4j_server.username, neo4j_server.password) as store:
        examples = {}
        for path in EXAMPLES:
            account = load_account(path)
            account.account.id = f"ig-test-{token}-{account.id}"
            examples[account.id] = account
        shared = _sharing_people(examples, token)
        edges = _borderline(examples)
        today = store.query("RETURN date() AS today").iloc[0]["today"]
        results = {}
        for account in [*examples.values(), *shared.values(), *edges.values()]:
            store.save(account)
            results[account.id] = ig.analyze(account, as_of=today)
            ig.write_analysis(store, account, results[account.id])
        try:
            yield Corpus(store, examples, shared, edges, today, results)
        finally:
            for account_id in [*examples, *shared, *edges]:
                store.delete(account_id)


def _sharing_people(examples: dict[str, Account], token: str) -> dict[str, Account]:
    """Huaxin and Nordhafen with every name and e-mail made unique to this run, and then
    two people shared: one by name (other case, extra spaces), one by e-mail."""
    huaxin, nordhafen = (next(a for i, a in examples.items() if i.endswith(name)) for name in ("huaxin-auto", "nordhafen-logistics"))
    made = {}
    for account in (huaxin, nordhafen):
        data = account.to_data()
        data["account"]["id"] = account.id + "-shared"
        for person in data["people"]:
            person["name"] = f"{person['name']} {token}"
            if "email" in person.get("contact", {}):
                person["contact"]["email"] = f"{token}.{person['contact']['email']}"
        made[data["account"]["id"]] = data
    h, n = made.values()
    n["people"][0]["name"] = f"  {h['people'][0]['name'].upper()}  "  # Zhao Ming, as another team typed him
    li = next(p for p in h["people"] if p["id"] == "li")
    n["people"][1].setdefault("contact", {})["email"] = li["contact"]["email"].upper()  # Li Na's address
    return {account_id: parse_account(data) for account_id, data in made.items()}


def _borderline(examples: dict[str, Account]) -> dict[str, Account]:
    """Huaxin plus what sits on the queries' borders: a decision maker known at 0.6 (not
    covered: under zipper), one known by two of us (not single-threaded), a competitor
    at exactly zipper strength."""
    huaxin = next(a for i, a in examples.items() if i.endswith("huaxin-auto"))
    data = huaxin.to_data()
    data["account"]["id"] = huaxin.id + "-borderline"
    data["relationships"] += [{"member": "su", "person": "chen", "strength": 0.6},
                              {"member": "su", "person": "li", "strength": "clip"}]
    data["competitor_relationships"].append({"competitor": "rivalco", "person": "chen", "strength": 2 / 3})
    return {data["account"]["id"]: parse_account(data)}


# -- helpers that read the account files ------------------------------------------------------


def stance(person) -> str | float:
    return person.stance.value if isinstance(person.stance, StanceLabel) else person.stance


def cypher_round(value: float, digits: int) -> float:
    """Cypher's round(x, n): half up, on the shortest decimal form of the double."""
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def best_team_strength(account: Account, pid: str) -> float | None:
    strengths = [r.value for r in account.relationships if r.person == pid]
    return max(strengths) if strengths else None


def known_by(account: Account, pid: str) -> list[str]:
    members = {m.id: m.name for m in account.team}
    return sorted(members[r.member] for r in account.relationships if r.person == pid)


def sorted_lists(rows: list[dict], *columns: str) -> list[dict]:
    """Rows with the (unordered) list columns sorted, for comparing sets of names."""
    return [{**row, **{c: sorted(row[c]) for c in columns}} for row in rows]


def ordered_by(rows: list[dict], key) -> bool:
    return [key(r) for r in rows] == sorted(key(r) for r in rows)


def descending(value: float) -> float:
    return -value


# -- the queries -----------------------------------------------------------------------------------


def test_every_named_query_is_tested_here():
    tested = {name.removeprefix("test_").split("__")[0] for name in globals() if name.startswith("test_")}
    assert set(named_queries()) <= tested, set(named_queries()) - tested


def test_accounts_overview(corpus):
    expected = []
    for account_id, account in sorted(corpus.every.items()):
        dmu = account.decision_unit
        o = account.opportunity
        expected.append({
            "account": account_id, "name": account.name, "revision": corpus.store.revision_of(account),
            "people": len(account.people), "decision_unit": len(dmu),
            "covered": sum(1 for pid in dmu if (best_team_strength(account, pid) or 0) >= ZIPPER),
            "opportunity": o.name if o else None, "value": o.value if o else None,
            "currency": o.currency if o else None, "close_date": o.close_date if o else None,
        })
    assert corpus.rows("accounts_overview") == expected
    # The analysis counts the same coverage (the notebook's dmu_covered).
    for account_id, account in corpus.examples.items():
        people = corpus.results[account_id].people
        covered = sum(1 for pid in account.decision_unit if people.loc[pid, "coverage"] >= ZIPPER)
        assert next(r["covered"] for r in expected if r["account"] == account_id) == covered


def test_uncovered_decision_makers(corpus):
    expected = []
    for account_id, account in corpus.every.items():
        for pid in account.decision_unit:
            best = best_team_strength(account, pid)
            if best is None or best < ZIPPER:
                p = account.person(pid)
                expected.append({"account": account_id, "person": p.name, "title": p.title, "stance": stance(p),
                                 "our_best_strength": best or 0.0, "known_by": known_by(account, pid)})
    expected.sort(key=lambda r: (r["account"], r["our_best_strength"], r["person"]))
    got = corpus.rows("uncovered_decision_makers")
    assert sorted_lists(got, "known_by") == expected
    # The analysis flags the same decision makers as uncovered.
    for account_id, account in corpus.examples.items():
        flagged = {u["id"] for u in corpus.results[account_id]["uncovered_decision_makers"]}
        names = {r["person"] for r in got if r["account"] == account_id}
        assert names == {account.person(pid).name for pid in flagged & set(account.decision_unit)}
        assert names  # the examples do have uncovered decision makers


def test_people_in_several_accounts(corpus):
    keys: dict[str, list[tuple[str, object]]] = {}
    for account_id, account in corpus.shared.items():
        for p in account.people:
            keys.setdefault("name: " + p.name.strip().lower(), []).append((account_id, p))
            if p.contact.get("email"):
                keys.setdefault("email: " + p.contact["email"].lower(), []).append((account_id, p))
    expected = sorted(
        ({"person": p.name, "account": account_id, "title": p.title, "stance": stance(p),
          "in_decision_unit": p.id in corpus.shared[account_id].decision_unit, "matched_on": key}
         for key, found in keys.items() if len({a for a, _ in found}) > 1 for account_id, p in found),
        key=lambda r: (r["person"], r["account"], r["matched_on"]))
    assert len(expected) == 4  # Zhao Ming by name, Li Na by e-mail, in both accounts
    assert corpus.rows("people_in_several_accounts", corpus.shared) == expected


@pytest.mark.parametrize("member", ["jiang", "JIANG TAO"])  # an id, or a name in any case
def test_member_relationships(corpus, member):
    expected = []
    for account_id, account in corpus.examples.items():
        team = {m.id: m for m in account.team}
        mine = [m for m in account.team if m.id == member or m.name.lower() == member.lower()]
        for m in mine:
            for r in account.relationships:
                if r.member != m.id:
                    continue
                p = account.person(r.person)
                met = [t.date for t in account.touches if t.member == m.id and p.id in t.people]
                expected.append(((account_id, -r.value, p.name), {
                    "account": account_id, "member": team[m.id].name, "person": p.name, "title": p.title,
                    "stance": stance(p), "in_decision_unit": p.id in account.decision_unit,
                    "closeness": r.strength.value if hasattr(r.strength, "value") else str(cypher_round(r.value, 2)),
                    "since": r.since, "last_touch": max(met) if met else None,
                }))
    expected = [row for _, row in sorted(expected, key=lambda item: item[0])]
    assert len({r["account"] for r in expected}) == 2  # Jiang Tao works on Huaxin and Nordhafen
    assert corpus.rows("member_relationships", corpus.examples, member=member) == expected


def _influencers(account: Account, pid: str) -> list[dict]:
    team = {m.id: m.name for m in account.team}
    rows = []
    for c in account.channels:
        if not c.positive or pid not in (c.target, c.source) or (c.source == pid and not c.mutual):
            continue
        other = account.person(c.source if c.target == pid else c.target)
        strengths = [r.value for r in account.relationships if r.person == other.id]
        rows.append({"person": account.person(pid).name, "influencer": other.name, "title": other.title,
                     "kind": c.kind.value, "strength": c.strength, "stance": stance(other),
                     "our_best_strength": max(strengths, default=0.0),
                     "known_by": sorted(team[r.member] for r in account.relationships if r.person == other.id),
                     "evidence": c.evidence})
    return sorted(rows, key=lambda r: (-r["strength"], r["influencer"], r["kind"]))


def decision_makers(corpus):
    """(account id, account, person id) for every decision-unit member of the examples."""
    return [(account_id, account, pid) for account_id, account in corpus.examples.items() for pid in account.decision_unit]


def test_strongest_influencers(corpus):
    checked = 0
    for account_id, account, pid in decision_makers(corpus):
        expected = _influencers(account, pid)
        got = corpus.rows("strongest_influencers", account=account_id, person=pid)
        assert sorted_lists(got, "known_by") == expected, (account_id, pid)
        by_name = corpus.rows("strongest_influencers", account=account_id, person=account.person(pid).name.upper())
        assert sorted_lists(by_name, "known_by") == expected
        checked += len(expected)
    assert checked > 10


def _warm_chains(account: Account, target: str) -> list[tuple[tuple, tuple[str, ...], float, int]]:
    """Every chain the query allows, with its sort key: team member -KNOWS-> person, then
    0 to 2 steps along channels (no rivalry, either direction) or reporting lines (0.5)
    to the target, never the same relationship twice."""
    names = {p.id: p.name for p in account.people} | {m.id: m.name for m in account.team}
    steps = [(c.source, c.target, c.strength) for c in account.channels if c.positive]
    steps += [(p.id, p.reports_to, 0.5) for p in account.people if p.reports_to]
    edges = [(a, b, s, i) for i, (a, b, s) in enumerate(steps)] + [(b, a, s, i) for i, (a, b, s) in enumerate(steps)]
    chains = []

    def walk(node, path, used, strength):
        if node == target:
            rounded = cypher_round(strength, 3)
            nodes = tuple(names[n] for n in path)
            chains.append(((-rounded, len(path) - 1, nodes[0], nodes[1]), nodes, rounded, len(path) - 1))
        if len(path) - 2 < 2:
            for a, b, s, i in edges:
                if a == node and i not in used:
                    walk(b, path + [b], used | {i}, strength * s)

    for r in account.relationships:
        walk(r.person, [r.member, r.person], frozenset(), 1.0 * r.value)
    return sorted(chains, key=lambda c: c[0])


def test_warm_introductions(corpus):
    checked = 0
    for account_id, account, pid in decision_makers(corpus):
        chains = _warm_chains(account, pid)
        got = corpus.rows("warm_introductions", account=account_id, person=pid)
        # The first ten by (strength, steps, first, second name); beyond those the order is Neo4j's.
        assert [(-r["strength"], r["steps"], r["chain"][0], r["chain"][1]) for r in got] == [c[0] for c in chains[:10]]
        possible = [(c[1], c[2], c[3]) for c in chains]
        for r in got:
            assert (tuple(r["chain"]), r["strength"], r["steps"]) in possible, r
        checked += len(got)
    assert checked > 20


def test_rivalries(corpus):
    expected = []
    for account_id, account in corpus.every.items():
        departments = {d.id: d.name or d.id for d in account.departments}
        expected += [{"account": account_id, "between": "people", "side_a": account.person(c.source).name,
                      "side_b": account.person(c.target).name, "strength": c.strength, "mutual": c.mutual,
                      "evidence": c.evidence} for c in account.channels if c.kind.value == "rivalry"]
        expected += [{"account": account_id, "between": "departments", "side_a": departments[r.a], "side_b": departments[r.b],
                      "strength": r.strength, "mutual": True, "evidence": r.evidence}
                     for r in account.department_relations if r.kind.value == "rivalry"]
    key = lambda r: (-r["strength"], r["account"], r["side_a"], r["side_b"])  # noqa: E731
    got = corpus.rows("rivalries")
    assert ordered_by(got, key)
    assert sorted(got, key=lambda r: (key(r), r["between"])) == sorted(expected, key=lambda r: (key(r), r["between"]))
    assert {r["between"] for r in got} == {"people", "departments"}


def test_opponents_with_influence(corpus):
    expected = []
    for account_id, account in corpus.every.items():
        dmu = set(account.decision_unit)
        for p in account.people:
            if p.stance_value >= 0:
                continue
            out = [(c.target if c.source == p.id else c.source, c.strength) for c in account.channels
                   if c.positive and (c.source == p.id or (c.target == p.id and c.mutual))]
            listeners = {pid for pid, _ in out}
            expected.append({
                "account": account_id, "person": p.name, "title": p.title, "stance": stance(p),
                "listeners": len(listeners), "pull": cypher_round(sum(s for _, s in out), 2),
                "decision_makers_listening": sorted(account.person(pid).name for pid in listeners & dmu),
            })
    key = lambda r: (-r["pull"], -r["listeners"], r["account"], r["person"])  # noqa: E731
    assert sorted_lists(corpus.rows("opponents_with_influence"), "decision_makers_listening") == sorted(expected, key=key)


def test_competitor_strongholds(corpus):
    expected = []
    for account_id, account in corpus.every.items():
        competitors = {c.id: c.name for c in account.competitors}
        for r in account.competitor_relationships:
            if r.person in account.decision_unit and r.value >= ZIPPER:
                p = account.person(r.person)
                expected.append({"account": account_id, "person": p.name, "title": p.title,
                                 "competitor": competitors[r.competitor], "their_strength": cypher_round(r.value, 2),
                                 "our_strength": cypher_round(best_team_strength(account, p.id) or 0.0, 2)})
    key = lambda r: (-(r["their_strength"] - r["our_strength"]), r["account"], r["person"])  # noqa: E731
    got = corpus.rows("competitor_strongholds")
    assert ordered_by(got, key) and len(got) >= 3
    assert sorted(got, key=lambda r: (key(r), r["competitor"])) == sorted(expected, key=lambda r: (key(r), r["competitor"]))


def test_single_threaded(corpus):
    expected = []
    for account_id, account in corpus.every.items():
        for pid in account.decision_unit:
            contacts = known_by(account, pid)
            if len(contacts) == 1:
                p = account.person(pid)
                expected.append({"account": account_id, "person": p.name, "title": p.title, "only_contact": contacts[0]})
    expected.sort(key=lambda r: (r["account"], r["person"]))
    assert expected and corpus.rows("single_threaded") == expected


def test_overdue_follow_ups(corpus):
    expected = []
    for account_id, account in corpus.every.items():
        for pid in account.decision_unit:
            dates = [t.date for t in account.touches if pid in t.people]
            last = max(dates, default=None)
            days = (corpus.today - last).days if last else None
            if last is None or days > 21:
                p = account.person(pid)
                expected.append({"account": account_id, "person": p.name, "title": p.title, "touches": len(dates),
                                 "last_touch": last, "days_since": days, "status": "never" if last is None else "overdue"})
    # Cypher puts nulls last going up, so first going down: 'never' rows have no days.
    expected.sort(key=lambda r: (r["status"], -(r["days_since"] or 0), r["account"], r["person"]))
    assert corpus.rows("overdue_follow_ups") == expected
    # The analysis, as of the same day, says the same about the decision unit.
    for account_id, account in corpus.examples.items():
        follow = corpus.results[account_id]["follow_ups"]
        late = {f["id"] for f in follow if f["status"] in ("never", "overdue") and f["id"] in account.decision_unit}
        assert {r["person"] for r in expected if r["account"] == account_id} == {account.person(p).name for p in late}


def test_overdue_next_steps(corpus):
    """The examples promise one next step, not yet due: an account of promises made
    relative to the server's today adds late ones, kept and broken."""
    base = next(a for i, a in corpus.examples.items() if i.endswith("huaxin-auto"))
    data = base.to_data()
    data["account"]["id"] = base.id + "-promises"
    day = lambda n: (corpus.today + dt.timedelta(days=n)).isoformat()  # noqa: E731
    data["touches"] = [
        {"date": day(-30), "member": "jiang", "people": ["li", "zhao"], "next_step": "send the TCO model", "next_date": day(-9)},
        {"date": day(-5), "member": "su", "people": ["zhao"], "summary": "a later touch of Zhao: the promise above is kept"},
        {"date": day(-20), "member": "qin", "people": ["wang"], "next_step": "call back", "next_date": day(-3)},
        {"date": day(-20), "member": "pan", "people": ["wang"], "summary": "the same day: does not keep it"},
        {"date": day(-20), "member": "qin", "next_step": "write up", "next_date": day(-1)},  # with nobody: nothing later can keep it
        {"date": day(-2), "people": ["chen"], "next_step": "not due yet", "next_date": day(3)},
    ]
    promises = parse_account(data)
    corpus.store.save(promises)
    try:
        accounts = {**corpus.examples, promises.id: promises}
        expected = []
        for account_id, account in accounts.items():
            team = {m.id: m.name for m in account.team}
            for t in account.touches:
                if t.next_date is None or t.next_date >= corpus.today:
                    continue
                if any(later.date > t.date and set(later.people) & set(t.people) for later in account.touches):
                    continue
                expected.append({"account": account_id, "due": t.next_date, "days_late": (corpus.today - t.next_date).days,
                                 "next_step": t.next_step, "owner": team.get(t.member),
                                 "people": sorted(account.person(p).name for p in t.people)})
        expected.sort(key=lambda r: (-r["days_late"], r["account"], r["next_step"]))
        assert [r["next_step"] for r in expected] == ["call back", "write up"]
        assert sorted_lists(corpus.rows("overdue_next_steps", accounts), "people") == expected
    finally:
        corpus.store.delete(promises.id)


def _times_average(account: Account, result) -> dict[str, float]:
    return {p["id"]: p["influence"] * len(account.people) for p in result["people"]}


def test_hidden_power_holders(corpus):
    expected = []
    for account_id, account in corpus.every.items():
        result = corpus.results[account_id]
        times = _times_average(account, result)
        for h in result["hidden_power"]:
            p = account.person(h["id"])
            expected.append({"account": account_id, "person": p.name, "title": p.title, "stance": stance(p),
                             "times_average_power": cypher_round(times[p.id], 2),
                             "in_decision_unit": p.id in account.decision_unit,
                             "our_best_strength": cypher_round(best_team_strength(account, p.id) or 0.0, 2),
                             "known_by": known_by(account, p.id)})
    expected.sort(key=lambda r: (-r["times_average_power"], r["account"], r["person"]))
    assert len({r["account"] for r in expected}) >= 3  # every example account has someone
    assert sorted_lists(corpus.rows("hidden_power_holders"), "known_by") == expected


def test_powerful_opponents_not_met(corpus):
    expected = []
    for account_id, account in corpus.every.items():
        result = corpus.results[account_id]
        times = _times_average(account, result)
        category = {p["id"]: p["category"] for p in result["people"]}
        met = {pid for t in account.touches for pid in t.people}
        for p in account.people:
            if p.stance_value < 0 and p.id not in met and times[p.id] > 1:
                expected.append({"account": account_id, "person": p.name, "title": p.title, "stance": stance(p),
                                 "category": category[p.id], "times_average_power": cypher_round(times[p.id], 2),
                                 "in_decision_unit": p.id in account.decision_unit,
                                 "our_best_strength": cypher_round(best_team_strength(account, p.id) or 0.0, 2),
                                 "known_by": known_by(account, p.id)})
    expected.sort(key=lambda r: (-r["times_average_power"], r["account"], r["person"]))
    assert expected
    assert sorted_lists(corpus.rows("powerful_opponents_not_met"), "known_by") == expected


def test_queries_need_the_analysis_written_to_see_anyone(corpus):
    """Saved without its analysis, an account has no hidden power holders in the graph."""
    data = next(iter(corpus.examples.values())).to_data()
    data["account"]["id"] += "-bare"
    account = parse_account(data)
    corpus.store.save(account)
    try:
        for name in ("hidden_power_holders", "powerful_opponents_not_met"):
            assert corpus.rows(name, {account.id: account}) == []
    finally:
        corpus.store.delete(account.id)
