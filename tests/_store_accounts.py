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

