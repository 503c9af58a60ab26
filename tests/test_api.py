"""The notebook API of DESIGN §5b: ``import influence_graph as ig``."""
from __future__ import annotations

import html
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import influence_graph as ig
from influence_graph.cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "huaxin-auto.yaml"
AS_OF = "2026-11-20"
PEOPLE_COLUMNS = ["id", "name", "title", "level", "influence", "brokerage", "formal", "category", "coach_score", "coverage", "stance"]


@pytest.fixture(scope="module")
def account():
    return ig.load(EXAMPLE)


@pytest.fixture(scope="module")
def result(account):
    return ig.analyze(account, as_of=AS_OF)


def test_public_api_is_pinned():
    assert sorted(ig.__all__) == sorted([
        "Account", "AccountFileError", "AccountNotFound", "AnalysisResult", "AssumptionError",
        "InfluenceGraphError", "MergeConflict", "StaleWriteError", "StoreError", "__version__",
        "account_plan", "analyze", "analyze_all", "dump_account", "export", "import_contacts", "influence_map",
        "load", "load_account", "open_store", "parse_account", "save_account", "write_analysis",
    ])
    for name in ig.__all__:
        assert getattr(ig, name) is not None, name
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", ig.__version__)
    assert issubclass(ig.AccountFileError, ig.InfluenceGraphError)
    assert issubclass(ig.MergeConflict, ig.StaleWriteError)  # a refused merge is a refused stale save


EMPTY = inspect.Parameter.empty
# DESIGN §5b, call by call: parameter names, and defaults where a notebook may leave them out.
SIGNATURES = {
    "load": [("source", EMPTY), ("store", None)],
    "analyze": [("account", EMPTY), ("as_of", None), ("assume", None), ("exact", False), ("jobs", None)],
    "analyze_all": [("store", None), ("jobs", None), ("as_of", None), ("out_dir", None), ("progress", None),
                    ("exact", False), ("replace", True)],
    "influence_map": [("account", EMPTY), ("result", None), ("path", None)],
    "open_store": [("location", None)],
    "account_plan": [("account", EMPTY), ("result", None), ("fmt", "html"), ("path", None)],
    "import_contacts": [("path", EMPTY), ("account_name", None), ("into", None), ("mapping", None)],
    "export": [("account", EMPTY), ("path", EMPTY), ("result", None)],
    "write_analysis": [("store", EMPTY), ("account", EMPTY), ("result", None)],
}
STORE_METHODS = {
    "save": [("account", EMPTY), ("force", False), ("merge", False), ("prefer", None)],
    "load": [("account_id", EMPTY), ("revision", None)],
    "history": [("account_id", EMPTY)],
    "list": [],
    "delete": [("account_id", EMPTY)],
    "write_analysis": [("account_id", EMPTY), ("properties", EMPTY), ("revision", EMPTY)],
}


def _parameters(function) -> list[tuple[str, object]]:
    return [(p.name, p.default) for p in inspect.signature(function).parameters.values()
            if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL) and p.name != "self"]


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_public_functions_keep_their_signatures(name):
    assert _parameters(getattr(ig, name)) == SIGNATURES[name]


def test_both_stores_keep_the_notebook_methods(tmp_path):
    from influence_graph.stores.neo4j_store import Neo4jStore

    local = ig.open_store(tmp_path)
    for store in (local, Neo4jStore):
        for method, parameters in STORE_METHODS.items():
            assert _parameters(getattr(store, method)) == parameters, (store, method)
        # store.query("MATCH … $account", account="acme"): the statement first, then Cypher parameters by name
        query = [p for p in inspect.signature(store.query).parameters.values() if p.name != "self"]
        assert [p.kind.name for p in query] in (["POSITIONAL_ONLY", "VAR_KEYWORD"],
                                                ["POSITIONAL_OR_KEYWORD", "VAR_KEYWORD"])


def test_import_is_light():
    # `ig validate` must not pay for pandas, pyvis or the analysis on every start.
    code = "import sys, influence_graph; print(sorted(m for m in ('pandas', 'pyvis', 'networkx') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_load_validates_and_reports_bad_files(tmp_path, account):
    assert isinstance(account, ig.Account)
    assert account.id == "huaxin-auto"
    bad = tmp_path / "bad.yaml"
    bad.write_text("account: {id: x, name: X}\npeople:\n  - {id: a, name: A, stance: happy}\n", encoding="utf-8")
    with pytest.raises(ig.AccountFileError, match=r"bad.yaml:3: people\[a\].stance: unknown stance 'happy'"):
        ig.load(bad)


def test_analyze_tables_are_readable_dataframes(result, account):
    people = result.people
    assert isinstance(people, pd.DataFrame)
    assert list(people.columns[: len(PEOPLE_COLUMNS)]) == PEOPLE_COLUMNS or set(PEOPLE_COLUMNS) <= set(people.columns)
    assert len(people) == len(account.people)
    assert people.loc["li", "name"] == account.person("li").name  # indexed by id
    coaches = result.coach_candidates
    assert list(coaches.columns[:2]) == ["id", "name"]  # every id shown beside its name
    assert coaches["reasons"].map(type).eq(str).all()  # reasons read as text, not lists
    assert coaches.loc[0, "name"] == account.person(coaches.loc[0, "id"]).name
    uncovered = result.uncovered_decision_makers
    assert "name" in uncovered.columns and "path_strength" in uncovered.columns
    follow_ups = result.follow_ups  # days since the last touch: whole days, blank for someone never met
    assert str(follow_ups["days_since"].dtype) == "Int64" and follow_ups["days_since"].isna().any()
    assert follow_ups["days_since"].dropna().tolist() == [f["days_since"] for f in result.to_dict()["follow_ups"]
                                                           if f["days_since"] is not None]
    assert result.relationship_depth.tier in ("ordinary", "partner", "strategic")
    assert isinstance(result.power_ranking, list)


def test_a_mistyped_section_names_the_real_ones(result):
    with pytest.raises(AttributeError, match=r"no 'coaches'; it has: .*coach_candidates"):
        result.coaches


def test_to_dict_is_exactly_the_cli_json(result):
    run = CliRunner().invoke(cli, ["analyze", str(EXAMPLE), "--format", "json", "--as-of", AS_OF])
    assert run.exit_code == 0, run.output
    assert json.loads(run.output) == result.to_dict()
    assert result.to_dict() is not result.to_dict()  # a copy: editing it cannot change the result


def test_analyze_accepts_a_path_and_a_what_if(account):
    by_path = ig.analyze(str(EXAMPLE), as_of=AS_OF)
    assert by_path.to_dict() == ig.analyze(account, as_of=AS_OF).to_dict()
    assert ig.analyze(account, as_of=AS_OF, jobs=1).to_dict() == by_path.to_dict()


def test_reprs_are_short_summaries(account, result):
    text = repr(account)
    assert text.startswith("<Account Huaxin Automotive (huaxin-auto): 35 people")
    assert "\n" not in text and len(text) < 300
    summary = repr(result)
    assert summary.startswith("<AnalysisResult") and "Huaxin Automotive as of 2026-11-20" in summary
    hidden = account.person(result.to_dict()["hidden_power"][0]["id"]).name
    assert hidden in summary
    assert len(summary.splitlines()) < 15
    assert "<table>" in result._repr_html_()


def test_html_reprs_escape_user_strings():
    evil = "<script>alert(1)</script>"
    account = ig.parse_account({"account": {"id": "x", "name": evil}, "people": [{"id": "a", "name": evil}]})
    assert "<script" not in account._repr_html_()
    assert html.escape(evil) in account._repr_html_()
    result = ig.analyze(account, as_of=AS_OF)
    assert "<script" not in result._repr_html_() and html.escape(evil) in result._repr_html_()


def test_influence_map_shows_inline_and_writes_one_offline_file(tmp_path, monkeypatch, account, result):
    monkeypatch.chdir(tmp_path)  # pyvis's "local" mode would drop a lib/ folder here
    net = ig.influence_map(account, result, path=tmp_path / "map.html")
    written = (tmp_path / "map.html").read_text(encoding="utf-8")
    assert "Huaxin Automotive" in written and not re.search(r"<script[^>]*\bsrc=", written)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]
    inline = net._repr_html_()
    # an iframe with srcdoc renders in JupyterLab, classic Notebook and VS Code alike
    assert inline.startswith("<iframe") and 'srcdoc="' in inline
    assert "<script" not in inline.split('srcdoc="')[0] and "<script" not in inline.split('srcdoc="')[1].split('"')[0]
    net.write_html(tmp_path / "again.html")
    assert (tmp_path / "again.html").read_text(encoding="utf-8") == written


def test_influence_map_analyzes_when_no_result_is_given(account, result):
    assert ig.influence_map(account).generate_html() == ig.influence_map(account, ig.analyze(account)).generate_html()


def test_account_plan_and_the_action_list(tmp_path, account, result):
    text = ig.account_plan(account, result, fmt="md", path=tmp_path / "plan.md")
    assert (tmp_path / "plan.md").read_text(encoding="utf-8") == text
    assert text.startswith("# Account plan: Huaxin Automotive")
    actions = result.actions
    assert len(actions) and actions[["person", "owner", "what", "by", "why", "worth"]].notna().all().all()


def test_open_store_round_trip_and_load_by_id(tmp_path, account):
    store = ig.open_store(tmp_path / "accounts")
    store.save(account)
    assert [summary.id for summary in store.list()] == ["huaxin-auto"]
    assert store.load("huaxin-auto") == account
    assert ig.load("huaxin-auto", store=str(tmp_path / "accounts")) == account
    store.delete("huaxin-auto")
    with pytest.raises(ig.AccountNotFound):
        store.load("huaxin-auto")



def test_import_contacts_and_export_round_trip(tmp_path, account):
    crm = ROOT / "tests" / "data" / "crm"
    imported = ig.import_contacts(crm / "hubspot-contacts.csv", account_name="Kestrel Aerospace")
    assert isinstance(imported, ig.Account) and imported.name == "Kestrel Aerospace" and len(imported.people) == 8
    ig.export(account, tmp_path / "huaxin.xlsx")
    assert ig.import_contacts(tmp_path / "huaxin.xlsx") == account
    merged = ig.import_contacts(crm / "hubspot-contacts.csv", account_name="Kestrel Aerospace", into=account)
    assert len(merged.people) == len(account.people) + 8 and merged.channels == account.channels
    ig.export(account, tmp_path / "huaxin.graphml")
    import networkx as nx

    assert nx.read_graphml(tmp_path / "huaxin.graphml").nodes["li"]["category"] == "hidden_power"
    with pytest.raises(ig.InfluenceGraphError, match=r"huaxin.pdf: cannot export to .pdf; use .xlsx, .graphml, .gexf, .json"):
        ig.export(account, tmp_path / "huaxin.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["huaxin.graphml", "huaxin.xlsx"]
