"""The one action list (DESIGN §4 "Actions"), on a textbook account with hand-computed answers."""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from influence_graph.analysis import analyze
from influence_graph.analysis.actions import COACH_WORTH, FOLLOW_UP_WORTH, RISK_WORTH, action_list
from influence_graph.cli import cli
from influence_graph.model import load_account, parse_account

from builders import textbook_account as small

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "huaxin-auto.yaml"
AS_OF = "2026-11-20"  # a Friday


def actions_of(data: dict, as_of: str = AS_OF):
    analysis = analyze(parse_account(data), as_of=as_of).analysis
    return analysis, {a.person: a for a in analysis.actions}


def test_one_action_per_person_with_every_reason_and_its_worth():
    analysis, by_person = actions_of(small())
    # By worth: Wang's overdue follow-up and two risks (1.082) just ahead of Zhao's introduction
    # and the forecast gain of winning him (1.076; the gains weight the unit by social power).
    assert [a.person for a in analysis.actions] == ["wang", "zhao", "li"]
    gains = {m.id: m.gain for m in analysis.forecast.next_best_moves}

    zhao = by_person["zhao"]
    assert zhao.owner == "jiang"  # the warm path starts with Jiang, who knows Li
    assert zhao.what == "Ask Li Na to introduce you to Zhao Ming; then win Zhao Ming over: address their concerns and show what they gain"
    assert "warm path Jiang Tao → Li Na → Zhao Ming (strength 0.80)" in zhao.why
    assert zhao.kinds == ["introduction", "win_over"]
    assert zhao.worth == pytest.approx(1 / 2 + gains["zhao"])  # covers one of the two DMU members, plus the gain

    wang = by_person["wang"]  # met before: a follow-up, not an introduction
    assert wang.owner == "su"  # the closest relationship (clip)
    assert wang.what.startswith("Follow up with Wang Fang: Send the TCO model; then ")
    assert "last touch 30 days ago (2026-10-21): the 2–3 week rhythm is broken" in wang.why
    assert "We do not know where Wang Fang (CFO) stands." in wang.why
    assert wang.kinds == ["introduction", "follow_up", "risk", "win_over"]
    assert wang.worth == pytest.approx(1 / 2 + FOLLOW_UP_WORTH["overdue"] + RISK_WORTH["single_threaded"]
                                       + RISK_WORTH["unknown_stance"] + gains["wang"])

    li = by_person["li"]  # the coach test and the first meeting merge
    assert li.what.startswith("First meeting with Li Na; then test Li Na as a coach")
    assert li.worth == pytest.approx(FOLLOW_UP_WORTH["never"] + COACH_WORTH + gains["li"])


def test_dates_spread_over_working_days_owner_by_owner():
    _, by_person = actions_of(small())
    # Friday the 20th: the first working day is Monday the 23rd; Jiang's second action the day after.
    assert (by_person["zhao"].by, by_person["wang"].by, by_person["li"].by) == (
        dt.date(2026, 11, 23), dt.date(2026, 11, 23), dt.date(2026, 11, 24))
    assert all(a.by.weekday() < 5 for a in by_person.values())


def test_no_date_after_a_close_date_still_ahead_but_a_past_one_is_ignored():
    data = small()
    data["opportunity"]["close_date"] = "2026-11-23"
    _, by_person = actions_of(data)
    assert {a.by for a in by_person.values()} == {dt.date(2026, 11, 23)}
    data["opportunity"]["close_date"] = "2026-01-31"
    _, by_person = actions_of(data)
    assert by_person["li"].by == dt.date(2026, 11, 24)


def test_an_introducer_is_asked_once_and_the_others_are_met_after():
    data = small()
    data["people"].append({"id": "chen", "name": "Chen Wei", "title": "CTO", "reports_to": "zhao", "roles": ["decision_maker"]})
    data["channels"].append({"from": "li", "to": "chen", "kind": "expertise", "strength": 0.9})
    data["opportunity"]["decision_unit"] = ["zhao", "wang", "chen"]
    _, by_person = actions_of(data)
    first, second = by_person["zhao"], by_person["chen"]
    assert first.worth > second.worth  # the CEO's gain is larger: his action asks for both
    assert first.what.startswith("Ask Li Na to introduce you to Zhao Ming, and to Chen Wei in the same conversation; ")
    assert second.what == "First meeting with Chen Wei, once Li Na has introduced you; then find out where Chen Wei stands on our bid"
    assert second.by >= first.by + dt.timedelta(days=7)


def test_owner_without_a_relationship_is_the_last_toucher_then_an_executive_then_the_lead():
    data = small(relationships=[{"member": "jiang", "person": "li", "strength": "velcro"}])
    _, by_person = actions_of(data)
    assert by_person["wang"].owner == "su"  # Su made the last touch
    data.update(touches=[], relationships=[])  # no relationship, no touch, no warm path
    data["team"].append({"id": "qin", "name": "Qin Lan", "title": "VP Sales", "level": 1})
    _, by_person = actions_of(data)
    assert by_person["wang"].owner == "qin"  # a CFO (level 2) is met by our executive
    data["team"].pop()
    _, by_person = actions_of(data)
    assert by_person["wang"].owner == "jiang"


def test_dates_near_the_end_of_the_calendar_clamp_instead_of_crashing():
    data = small()
    data["opportunity"].pop("close_date")
    analysis, _ = actions_of(data, as_of="9999-12-30")
    assert analysis.actions and all(a.by <= dt.date.max for a in analysis.actions)


def test_the_doctest_shape_is_the_typed_shape():
    rows = action_list({"p": {"name": "P", "in_dmu": False}}, today=dt.date(2026, 1, 2), close_date=None,
                       dmu=[], key=["p"], ranking=["p"], uncovered=[], coaches=[], moves=[],
                       risks=[{"kind": "powerless_champion", "ids": ["p"], "message": "P has no say."}],
                       follow_ups=[], names={"p": "P"}, owners={"p": None})
    assert rows == [{"person": "p", "owner": None, "what": "Ask P to introduce us to the people who decide",
                     "by": dt.date(2026, 1, 5), "why": ["P has no say."], "worth": RISK_WORTH["powerless_champion"],
                     "kinds": ["risk"]}]


@pytest.fixture(scope="module")
def example():
    return analyze(load_account(EXAMPLE), as_of=AS_OF).analysis


def test_example_actions_are_one_per_person_owned_spread_and_in_the_json(example):
    actions = example.actions
    team = {m.id for m in example.team}
    assert len({a.person for a in actions}) == len(actions)
    assert all(a.owner in team for a in actions)
    assert [a.worth for a in actions] == sorted((a.worth for a in actions), reverse=True)
    per_day = Counter((a.owner, a.by) for a in actions)
    assert max(per_day.values()) <= 2, per_day  # spread, not all on one day
    uncovered_dmu = {u.id for u in example.uncovered_decision_makers if u.id in example.decision_unit}
    assert uncovered_dmu <= {a.person for a in actions}
    asks = [a for a in actions if a.what.startswith("Ask Li Na (李娜) to introduce you")]
    assert len(asks) == 1, [a.what for a in asks]  # one conversation with Li Na, not five
    run = CliRunner().invoke(cli, ["analyze", str(EXAMPLE), "--as-of", AS_OF, "--format", "json"])
    assert json.loads(run.output)["actions"] == [a.model_dump(mode="json") for a in actions]


def test_briefing_and_plan_show_the_same_actions_in_the_same_order(example):
    run = CliRunner().invoke(cli, ["analyze", str(EXAMPLE), "--as-of", AS_OF, "--format", "markdown"])
    first = run.output.split("## Act on these first")[1].split("## ")[0]
    whats = [a.what for a in example.actions]
    shown = [line for line in first.splitlines() if line[:2].rstrip(".").isdigit()]
    assert shown and all(whats[i].split(";")[0].split(" (")[0][:25] in line.replace("\\", "") for i, line in enumerate(shown))
