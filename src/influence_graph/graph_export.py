"""The analyzed account as a graph file for Gephi, yEd or Cytoscape: GraphML, GEXF
or node-link JSON.

Nodes carry what the analysis found (influence, brokerage, formal position,
category, coach score, coverage, faction) beside the account's own attributes
(side, name, title, department, level, roles, stance, decision-unit membership);
edges carry kind, strength (also as ``weight``, which Gephi's layouts use),
evidence and since. Each format holds what it can: GraphML and GEXF have no
lists, no dates and no null, so lists become ``a|b`` text, dates ISO text, and a
missing value is left out; node-link JSON keeps lists and nulls.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

import networkx as nx

from . import graph as g
from .analysis.result import Analysis
from .model import Account, InfluenceGraphError, atomic_write_text

FORMATS = {".graphml": "GraphML", ".gexf": "GEXF", ".json": "node-link JSON"}
LIST_SEPARATOR = "|"  # how GEXF's liststring joins items; GraphML has no list type
# Analysis answers per person: fields of its `people` rows, under the same names.
PERSON_ANSWERS = (g.INFLUENCE, g.BROKERAGE, g.FORMAL, g.CATEGORY, g.COACH_SCORE, g.COVERAGE)


def analyzed_graph(account: Account, analysis: Analysis) -> nx.MultiDiGraph:
    """The whole-account graph (:func:`influence_graph.graph.account_graph`) with what
    the ``analysis`` found on each customer person."""
    graph = g.account_graph(account)
    faction_of = {pid: number for number, members in enumerate(analysis.factions, start=1) for pid in members}
    for node, attributes in graph.nodes(data=True):
        attributes[g.LABEL] = attributes[g.NAME]
        if attributes[g.SIDE] == g.SIDE_CUSTOMER:
            attributes[g.STANCE] = str(attributes[g.STANCE])  # a label or a number: one type per attribute
            row = analysis.person(node)
            attributes.update({key: getattr(row, key) for key in PERSON_ANSWERS})
            if node in faction_of:
                attributes[g.FACTION] = faction_of[node]
    for _, _, attributes in graph.edges(data=True):
        attributes[g.WEIGHT] = attributes[g.STRENGTH]
    return graph


def _flat(value: Any) -> Any:
    """A value as GraphML and GEXF can hold it (None is dropped by the caller)."""
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(str(item) for item in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def flattened(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with every attribute a GraphML/GEXF scalar: lists joined, dates ISO, None left out."""
    flat = nx.MultiDiGraph(**{k: _flat(v) for k, v in graph.graph.items() if v is not None})
    for node, attributes in graph.nodes(data=True):
        flat.add_node(node, **{k: _flat(v) for k, v in attributes.items() if v is not None})
    for u, v, key, attributes in graph.edges(keys=True, data=True):
        flat.add_edge(u, v, key=key, **{k: _flat(v) for k, v in attributes.items() if v is not None})
    return flat


def _json_ready(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    return value


def graph_text(graph: nx.MultiDiGraph, suffix: str) -> str:
    """The graph as the text of a ``.graphml``, ``.gexf`` or ``.json`` file."""
    if suffix == ".graphml":
        return _xml_booleans("\n".join(nx.generate_graphml(flattened(graph), prettyprint=True)) + "\n")
    if suffix == ".gexf":
        text = "\n".join(nx.generate_gexf(flattened(graph), prettyprint=True)) + "\n"
        # The writer stamps today's date (optional in GEXF): same account, same file.
        return re.sub(r' lastmodifieddate="[^"]*"', "", text, count=1)
    if suffix == ".json":
        data = nx.node_link_data(graph, edges="edges")
        for item in data["nodes"] + data["edges"]:
            item.update({k: _json_ready(v) for k, v in item.items()})
        return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False) + "\n"
    raise InfluenceGraphError(f"no graph format for {suffix!r}; use one of {', '.join(FORMATS)}")


def _xml_booleans(graphml: str) -> str:
    """networkx writes GraphML booleans as Python does (``True``); the format's type is
    XML Schema's boolean, whose words are ``true`` and ``false``."""
    keys = re.findall(r'<key id="([^"]+)"[^>]*attr.type="boolean"', graphml)
    if not keys:
        return graphml
    pattern = r'(<data key="(?:' + "|".join(map(re.escape, keys)) + r')">)(True|False)(</data>)'
    return re.sub(pattern, lambda m: m.group(1) + m.group(2).lower() + m.group(3), graphml)


def write_graph(account: Account, analysis: Analysis, path: str | os.PathLike[str]) -> None:
    """Write the analyzed account to ``path``, in the format its suffix names."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InfluenceGraphError(f"{path}: no graph format for {suffix or 'a name without a suffix'}; "
                                  f"use one of {', '.join(FORMATS)}")
    atomic_write_text(path, graph_text(analyzed_graph(account, analysis), suffix))
