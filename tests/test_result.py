"""The typed analysis result: the JSON's keys are a published, checked contract."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from pydantic import ValidationError

import influence_graph as ig
from influence_graph.analysis.result import Analysis, result_json_schema
from influence_graph.cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
AS_OF = "2026-11-20"

# DESIGN §5: the keys of `ig analyze --format json` and of the records they hold.
DESIGN_KEYS = {
    "account": {"id", "name"},
    "people": {"id", "name", "title", "level", "influence", "brokerage", "formal", "category", "coach_score",
               "coverage", "stance"},
    "power_ranking": None,
    "hidden_power": {"id", "reasons"},
    "figureheads": {"id", "reasons"},
    "coach_candidates": {"id", "score", "reasons"},
    "uncovered_decision_makers": {"id", "path", "path_strength"},
    "influence_channels": None,
    "factions": None,
    "department_relations": {"a", "b", "kind", "strength", "source"},
    "relationship_depth": {"tier", "reasons", "coverage"},
    "follow_ups": {"id", "touches", "last_touch", "days_since", "status"},
    "risks": {"kind", "ids", "message"},
    "forecast": {"support", "members", "next_best_moves"},
    "key_people": None,
    "actions": {"person", "owner", "what", "by", "why", "worth"},
}


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda p: p.stem)
def cli_json(request) -> dict:
    run = CliRunner().invoke(cli, ["analyze", str(request.param), "--as-of", AS_OF, "--format", "json"])
    assert run.exit_code == 0, run.output
    return json.loads(run.output)


def test_cli_json_has_every_design_key_and_record_field(cli_json):
    for key, fields in DESIGN_KEYS.items():
        assert key in cli_json, key
        value = cli_json[key]
        records = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
        if fields:
            for record in records:
                assert fields <= set(record), (key, fields - set(record))
    assert {"id", "gain"} <= set(cli_json["forecast"]["next_best_moves"][0])
    dm, channels = next(iter(cli_json["influence_channels"].items()))
    assert {"id", "strength", "reachable"} <= set(channels[0])


def test_cli_json_validates_against_the_published_schema(cli_json):
    run = CliRunner().invoke(cli, ["schema", "--result"])
    assert run.exit_code == 0
    schema = json.loads(run.output)
    assert schema == result_json_schema()
    jsonschema.validate(cli_json, schema)
    broken = {**cli_json, "risks": [{"kind": "opponent", "ids": [], "text": "renamed"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_the_json_round_trips_through_the_typed_model(cli_json):
    analysis = Analysis.model_validate(cli_json)
    assert analysis.to_json_data() == cli_json


@pytest.mark.parametrize("mutate", [
    lambda d: d["risks"][0].pop("message"),
    lambda d: d["risks"][0].__setitem__("text", d["risks"][0].pop("message")),
    lambda d: d["people"][0].pop("label"),
    lambda d: d["actions"][0].__setitem__("owner_name", "x"),
    lambda d: d["forecast"].pop("support"),
], ids=["missing", "renamed", "missing-derived", "unknown", "missing-nested"])
def test_a_renamed_or_missing_field_is_refused_not_printed_blank(cli_json, mutate):
    data = json.loads(json.dumps(cli_json))
    if not data["risks"]:
        pytest.skip("this example has no risks")
    mutate(data)
    with pytest.raises(ValidationError):
        Analysis.model_validate(data)


def test_to_dict_is_the_cli_json_and_a_fresh_copy():
    result = ig.analyze(EXAMPLES[0], as_of=AS_OF)
    run = CliRunner().invoke(cli, ["analyze", str(EXAMPLES[0]), "--as-of", AS_OF, "--format", "json"])
    first = result.to_dict()
    assert first == json.loads(run.output)
    first["people"].clear()
    assert result.to_dict()["people"], "changing a returned dict does not change the result"


def test_per_person_facts_are_computed_once_in_the_analysis():
    result = ig.analyze(ROOT / "examples" / "huaxin-auto.yaml", as_of=AS_OF)
    analysis = result.analysis
    li = analysis.person("li")
    assert li.label == "Li Na (李娜, Deputy Chief Engineer, E/E Architecture)"
    assert li.closest_member is not None and li.closest_member.id == "jiang"
    assert (li.closest_member.strength, li.closest_member.closeness) == (1.0, "velcro")
    assert li.stance_word == "supporter"
    assert analysis.power_ranking[li.power_rank - 1] == "li"
    assert sorted(p.id for p in analysis.people if p.key) == sorted(analysis.key_people)
    assert analysis.lead is not None and analysis.lead.id == "jiang"
    assert analysis.opportunity is not None and analysis.opportunity.days_to_close == (
        analysis.opportunity.close_date - analysis.as_of).days


def test_notebook_views_are_dataframes_and_typed_models():
    result = ig.analyze(ROOT / "examples" / "huaxin-auto.yaml", as_of=AS_OF)
    actions = result.actions
    assert list(actions.columns[:5]) == ["person", "person_name", "owner", "owner_name", "what"]
    assert actions["person_name"].iloc[0] == result.analysis.name_of(result.analysis.actions[0].person)
    assert result.forecast.support == result.to_dict()["forecast"]["support"]
    with pytest.raises(AttributeError, match="has no 'forecasts'; it has: .*forecast"):
        result.forecasts


def test_likely_coaches_are_decided_once_and_the_map_marks_exactly_them():
    from influence_graph.viz.scene import scene

    account = ig.load(ROOT / "examples" / "huaxin-auto.yaml")
    analysis = ig.analyze(account, as_of=AS_OF).analysis
    likely = [c for c in analysis.coach_candidates if c.likely]
    figureheads = {f.id for f in analysis.figureheads}
    assert 0 < len(likely) <= 3
    assert all(not c.confirmed and c.score >= 0.4 and c.id not in figureheads for c in likely)
    assert {c.id for c in likely} <= set(analysis.key_people)
    view = scene(account, analysis)
    marked = {n.id for n in view.nodes if "◇" in n.marks}
    assert marked == {c.id for c in likely}
