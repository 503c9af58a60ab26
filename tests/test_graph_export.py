"""`ig export -o FILE.graphml|.gexf|.json`: the analyzed graph, read back by networkx's
own readers and checked against each format's rules (what Gephi, yEd and Cytoscape read)."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from influence_graph import graph as g
from influence_graph.analysis import analyze
from influence_graph.cli import cli
from influence_graph.graph_export import analyzed_graph, flattened
from influence_graph.model import load_account

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
GEXF = "{http://www.gexf.net/1.2draft}"
GRAPHML_TYPES = {"boolean", "int", "long", "float", "double", "string"}
GEXF_TYPES = {"integer", "long", "double", "float", "boolean", "liststring", "anyURI", "string"}


def _export(tmp_path: Path, example: Path, suffix: str) -> Path:
    out = tmp_path / f"graph{suffix}"
    result = CliRunner().invoke(cli, ["export", str(example), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _expected(example: Path) -> nx.MultiDiGraph:
    account = load_account(example)
    return flattened(analyzed_graph(account, analyze(account, confidence=False).analysis))


def _edges(graph) -> Counter:
    return Counter((u, v, d[g.KIND], d[g.STRENGTH], d.get(g.EVIDENCE), d.get(g.SINCE)) for u, v, d in graph.edges(data=True))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_graphml_reads_back_with_every_answer(tmp_path, example):
    expected = _expected(example)
    read = nx.read_graphml(_export(tmp_path, example, ".graphml"), force_multigraph=True)
    assert dict(read.nodes(data=True)) == dict(expected.nodes(data=True))
    assert _edges(read) == _edges(expected)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_gexf_reads_back_with_every_answer(tmp_path, example):
    expected = _expected(example)
    read = nx.read_gexf(_export(tmp_path, example, ".gexf"))
    assert set(read.nodes) == set(expected.nodes)
    for node, attributes in expected.nodes(data=True):
        assert read.nodes[node] == attributes, node
    assert _edges(read) == _edges(expected)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_node_link_json_keeps_lists(tmp_path, example):
    account = load_account(example)
    result = analyze(account, confidence=False).to_dict()
    data = json.loads(_export(tmp_path, example, ".json").read_text(encoding="utf-8"))
    read = nx.node_link_graph(data, edges="edges")
    assert read.is_multigraph() and read.is_directed()
    rows = {row["id"]: row for row in result["people"]}
    for person in account.people:
        node = read.nodes[person.id]
        assert node[g.ROLES] == [r.value for r in person.roles]
        assert node[g.INFLUENCE] == rows[person.id]["influence"]
    assert read.number_of_edges() == g.account_graph(account).number_of_edges()


def test_the_answers_are_the_analysis(tmp_path):
    example = ROOT / "examples" / "huaxin-auto.yaml"
    result = analyze(load_account(example), confidence=False).to_dict()
    read = nx.read_graphml(_export(tmp_path, example, ".graphml"))
    for row in result["people"]:
        node = read.nodes[row["id"]]
        for key in ("influence", "brokerage", "formal", "category", "coach_score", "coverage", "in_dmu"):
            assert node[key] == row[key], (row["id"], key)
    for number, members in enumerate(result["factions"], start=1):
        assert {read.nodes[m]["faction"] for m in members} == {number}
    li = read.nodes["li"]
    assert (li["roles"], li["stance"], li["label"]) == ("technical_buyer|influencer", "supporter", "Li Na (李娜)")
    assert read.nodes["jiang"]["side"] == "team" and "influence" not in read.nodes["jiang"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_graphml_follows_the_format(tmp_path, example):
    root = ET.parse(_export(tmp_path, example, ".graphml")).getroot()
    keys = {}
    for key in root.iter(f"{GRAPHML}key"):
        assert key.get("attr.type") in GRAPHML_TYPES and key.get("for") in ("node", "edge", "graph", "all")
        keys[key.get("id")] = (key.get("for"), key.get("attr.type"))
    graph = root.find(f"{GRAPHML}graph")
    nodes = {node.get("id") for node in graph.iter(f"{GRAPHML}node")}
    for element, domain in [(n, "node") for n in graph.iter(f"{GRAPHML}node")] + [(e, "edge") for e in graph.iter(f"{GRAPHML}edge")]:
        for data in element.iter(f"{GRAPHML}data"):
            scope, kind = keys[data.get("key")]
            assert scope in (domain, "all")
            _check_value(data.text or "", kind, {"boolean": ("true", "false")})
        if domain == "edge":
            assert element.get("source") in nodes and element.get("target") in nodes


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_gexf_follows_the_format(tmp_path, example):
    root = ET.parse(_export(tmp_path, example, ".gexf")).getroot()
    assert root.get("version") == "1.2"
    graph = root.find(f"{GEXF}graph")
    declared = {}
    for attributes in graph.findall(f"{GEXF}attributes"):
        for attribute in attributes:
            assert attribute.get("type") in GEXF_TYPES
            declared[(attributes.get("class"), attribute.get("id"))] = attribute.get("type")
    nodes = {node.get("id") for node in graph.iter(f"{GEXF}node")}
    edge_ids = [edge.get("id") for edge in graph.iter(f"{GEXF}edge")]
    assert len(edge_ids) == len(set(edge_ids))
    for cls, tag in (("node", "node"), ("edge", "edge")):
        for element in graph.iter(f"{GEXF}{tag}"):
            if tag == "edge":
                assert element.get("source") in nodes and element.get("target") in nodes
                float(element.get("weight"))
            for value in element.iter(f"{GEXF}attvalue"):
                _check_value(value.get("value"), declared[(cls, value.get("for"))], {"boolean": ("true", "false")})


def _check_value(text: str, kind: str, words: dict) -> None:
    assert text != "None"
    if kind in ("int", "long", "integer"):
        int(text)
    elif kind in ("float", "double"):
        float(text)
    elif kind == "boolean":
        assert text in words["boolean"]


def test_same_account_same_file(tmp_path):
    example = ROOT / "examples" / "huaxin-auto.yaml"
    for suffix in (".graphml", ".gexf", ".json"):
        first = _export(tmp_path, example, suffix).read_bytes()
        (tmp_path / f"graph{suffix}").unlink()
        assert _export(tmp_path, example, suffix).read_bytes() == first


def test_export_refuses_a_suffix_it_cannot_write_and_an_existing_file(tmp_path):
    example = str(ROOT / "examples" / "minimal.yaml")
    result = CliRunner().invoke(cli, ["export", example, "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    assert "Invalid value for '-o' / '--output': the file name must end in .xlsx, .graphml, .gexf, .json" in result.output
    existing = tmp_path / "x.gexf"
    existing.write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(cli, ["export", example, "-o", str(existing)])
    assert result.exit_code == 1 and result.output == f"Error: {existing} already exists; add --force to replace it\n"
    assert existing.read_text(encoding="utf-8") == "mine"
    assert CliRunner().invoke(cli, ["export", example, "-o", str(existing), "--force"]).exit_code == 0
    assert nx.read_gexf(existing).number_of_nodes() > 0
