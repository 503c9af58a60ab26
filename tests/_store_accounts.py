"""Accounts for the store tests: every section and field, unicode, multi-line notes, dates."""
from __future__ import annotations

from influence_graph.model import Account, parse_account

# Strings a naive store would format into Cypher or a file name.
HOSTILE = "x'}) DETACH DELETE n // $account `Person` \"; MATCH (m) RETURN m"


def rich_data(account_id: str = "huaxin-auto", name: str = "华鑫汽车 Huaxin Automotive") -> dict:
    return {
        "format": "influence-graph/1",
        "account": {"id": account_id, "name": name, "industry": "Automotive",
                    "notes": "Line one\nLine two — with ünïcode and emoji 🚗\n  indented"},
        "departments": [
            {"id": "exec", "name": "Executive Office", "function": "executive"},
            {"id": "eng", "name": "Engineering", "function": "engineering", "parent": "exec",
             "notes": HOSTILE},
            {"id": "proc", "parent": "exec"},
        ],
        "people": [
            {"id": "zhao", "name": "赵明 Zhao Ming", "title": "CEO", "department": "exec", "level": 1,
             "roles": ["decision_maker"], "stance": "neutral", "susceptibility": 0.2,
             "personality": "Decisive,\nlistens to Li", "interests": ["golf", "EVs"],
             "contact": {"email": "zhao@huaxin.example", "phone": "+86 10 1234"},
             "notes": "multi\nline", "tags": ["exec", "sponsor"]},
            {"id": "li", "name": "Li Wei", "title": "Deputy Chief Engineer", "department": "eng",
             "reports_to": "zhao", "roles": ["influencer", "coach"], "stance": 0.75},
            {"id": "wang", "name": HOSTILE, "department": "proc", "reports_to": "zhao",
             "roles": ["economic_buyer"], "stance": "skeptic"},
            {"id": "sun", "name": "Sun Qiang", "stance": -0.25},
        ],
        "channels": [
            {"from": "li", "to": "zhao", "kind": "advice", "strength": 0.8, "evidence": "asks Li first"},
            {"from": "sun", "to": "wang", "kind": "rivalry", "strength": 0.6, "mutual": True},
            {"from": "wang", "to": "zhao", "kind": "budget"},
        ],
        "department_relations": [{"a": "eng", "b": "proc", "kind": "rivalry", "strength": 0.7,
                                  "evidence": "fight over budget"}],
        "team": [{"id": "jiang", "name": "Jiang Tao", "role": "key_account_manager", "level": 3,
                  "email": "jiang@us.example"},
                 {"id": "mei", "name": "Mei Lin"}],
        "relationships": [
            {"member": "jiang", "person": "li", "strength": "velcro", "since": "2025-06-01"},
            {"member": "mei", "person": "zhao", "strength": 0.4, "notes": "met once"},
            {"member": "jiang", "person": "wang"},
        ],
        "competitors": [{"id": "rivalco", "name": "RivalCo", "notes": "incumbent"}],
        "competitor_relationships": [{"competitor": "rivalco", "person": "wang", "strength": "velcro"},
                                     {"competitor": "rivalco", "person": "zhao", "strength": 0.5}],
        "touches": [
            {"date": "2026-10-12", "member": "jiang", "people": ["li", "zhao"], "kind": "meeting",
             "summary": "Kick-off\nsecond line", "next_step": "demo", "next_date": "2026-10-26"},
            {"date": "2026-09-01", "people": ["wang"]},
            {"date": "2026-11-02", "member": "mei"},
        ],
        "opportunity": {"name": "2027 Telematics Platform", "value": 12000000, "currency": "CNY",
                        "close_date": "2027-03-31", "stage": "proposal",
                        "decision_unit": ["zhao", "wang", "li"], "notes": "RFP in Q1"},
    }


def rich_account(account_id: str = "huaxin-auto", name: str = "华鑫汽车 Huaxin Automotive") -> Account:
    return parse_account(rich_data(account_id, name))


def small_account(account_id: str, name: str = "Small", people: int = 2) -> Account:
    return parse_account({
        "account": {"id": account_id, "name": name},
        "people": [{"id": f"p{i}", "name": f"Person {i}"} for i in range(people)],
    })



def account_shapes() -> list[Account]:
    """Accounts that exercise what a store must carry: every optional shape once."""
    data = rich_data("ig-test-shapes")
    data["people"][0]["contact"] = {"e-mail": "z@x.example", "WeChat ID": "赵明_88", "phone": "+86 1", "": "no key"}
    data["people"][1]["stance"] = 1            # a number that is also a label's value: stays a number
    data["people"][2]["stance"] = "opponent"
    data["people"][3].update(stance=0, level=6, susceptibility=0.0, interests=["多语言", "a\nb", ""])
    data["departments"].append({"id": "lab", "parent": "eng", "function": "r&d"})  # a three-level chain
    data["relationships"] += [{"member": "mei", "person": "li", "strength": 2 / 3},  # zipper's value, not the word
                              {"member": "mei", "person": "sun", "strength": "clip", "since": "2020-02-29"},
                              {"member": "jiang", "person": "sun", "strength": 1e-9, "since": "0001-01-01"},
                              {"member": "jiang", "person": "zhao", "strength": 1, "since": "9999-12-31"}]
    data["touches"] = [{"date": "2026-10-12", "member": "jiang", "people": ["wang", "zhao", "li"]},
                       {"date": "2026-10-12", "member": "jiang", "people": ["sun"], "next_date": "2026-12-31"},
                       {"date": "1900-01-01", "kind": "call", "summary": ""}]
    data["opportunity"].update(value=0.1 + 0.2, currency="")
    no_dmu_list = {**rich_data("ig-test-no-dmu-list"), "opportunity": {"name": "Deal"}}
    empty_dmu = {**rich_data("ig-test-empty-dmu"), "opportunity": {"name": "Deal", "decision_unit": [], "value": 0}}
    empty_sections = {"format": "influence-graph/1", "account": {"id": "ig-test-empty", "name": "Empty", "industry": ""},
                      **{section: [] for section in ("departments", "people", "channels", "department_relations", "team",
                                                     "relationships", "competitors", "competitor_relationships", "touches")}}
    return [parse_account(data), parse_account(no_dmu_list), parse_account(empty_dmu),
            parse_account(empty_sections), small_account("ig-test-bare", people=0), hostile_account("ig-test-hostile")]


def hostile_account(account_id: str) -> Account:
    """Every free-text field (and contact keys) holding Cypher, quotes, backslashes,
    control characters, right-to-left text and NUL."""
    nasty = [HOSTILE, "Robert'); MATCH (n) DETACH DELETE n;--", "\\u0027 \\' \\\" ` $rows {account: 'x'}",
             "tab\tnew\nline\r\nend \x00 nul", "مرحبا עולם \u202eright-to-left", "  padded  "]
    data = rich_data(account_id, name=nasty[0])
    data["account"].update(industry=nasty[1], notes=nasty[3])
    for i, person in enumerate(data["people"]):
        person.update(name=nasty[i % len(nasty)], title=nasty[(i + 1) % len(nasty)], personality=nasty[(i + 2) % len(nasty)],
                      interests=nasty, tags=nasty[::-1], notes=nasty[(i + 3) % len(nasty)])
    data["people"][0]["contact"] = {nasty[0]: nasty[1], "a`b": nasty[2], "$account": nasty[4]}
    data["departments"][0].update(name=nasty[4], function=nasty[5])
    data["channels"][0]["evidence"] = nasty[2]
    data["department_relations"][0]["evidence"] = nasty[3]
    data["team"][0].update(name=nasty[1], role=nasty[0], title=nasty[2], email=nasty[4], notes=nasty[5])
    data["relationships"][0]["notes"] = nasty[0]
    data["competitors"][0].update(name=nasty[3], notes=nasty[0])
    data["competitor_relationships"][0]["notes"] = nasty[2]
    data["touches"][0].update(kind=nasty[0], summary=nasty[3], next_step=nasty[1])
    data["opportunity"].update(name=nasty[4], currency=nasty[2], stage=nasty[0], notes=nasty[3])
    return parse_account(data)
