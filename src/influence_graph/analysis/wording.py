"""Wording shared by every explanation and renderer: names, titles, lists, strengths, stances.

>>> join(["Li Wei", "Zhao Ming", "Wang Fang"])
'Li Wei, Zhao Ming and Wang Fang'
>>> closeness(2 / 3), closeness(0.45)
('zipper', '0.45')
>>> ordinal(2), ordinal(11), ordinal(23)
('2nd', '11th', '23rd')
"""
from __future__ import annotations

import math
from collections.abc import Iterable

import networkx as nx

from .. import graph as g
from ..model import CLOSENESS_VALUES
from ..model.account import titled  # noqa: F401  (part of this module's wording: name with title)


def name(graph: nx.Graph, node: str) -> str:
    """The node's name, else its id."""
    return graph.nodes[node].get(g.NAME) or node


def label(graph: nx.Graph, node: str) -> str:
    """Name with title, e.g. ``Zhao Ming (CEO)``; the name alone when there is no title."""
    return titled(name(graph, node), graph.nodes[node].get(g.TITLE))


def path(graph: nx.Graph, nodes: Iterable[str]) -> str:
    """A path of people as ``A → B → C``; people whose name appears twice on it get
    their title too, so two placeholder "First Last"s are told apart.

    >>> p = nx.DiGraph()
    >>> p.add_nodes_from([("m", {"name": "Your Name"}), ("b", {"name": "First Last", "title": "Buyer"}),
    ...                   ("c", {"name": "First Last", "title": "CEO"})])
    >>> path(p, ["m", "b", "c"])
    'Your Name → First Last (Buyer) → First Last (CEO)'
    """
    nodes = list(nodes)
    seen = [name(graph, n) for n in nodes]
    return " → ".join(label(graph, n) if seen.count(text) > 1 else text for n, text in zip(nodes, seen))


def join(words: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def labels(graph: nx.Graph, nodes: Iterable[str], limit: int = 5) -> str:
    """Labels (name and title) joined into a phrase; past ``limit`` people, ``… and 4 more``."""
    return _listing([label(graph, n) for n in nodes], limit)


def names(graph: nx.Graph, nodes: Iterable[str], limit: int = 5) -> str:
    """Names joined into a phrase; past ``limit`` people, ``… and 4 more``."""
    return _listing([name(graph, n) for n in nodes], limit)


def _listing(words: list[str], limit: int) -> str:
    return join(words[:limit] + ([f"{len(words) - limit} more"] if len(words) > limit else []))


def closeness(strength: float) -> str:
    """clip / zipper / velcro when the strength is one of those, else the number."""
    for word, value in CLOSENESS_VALUES.items():
        if math.isclose(strength, value):
            return word
    return f"{strength:.2f}"


def stance(graph: nx.Graph, node: str) -> str:
    """``champion`` … ``opponent``, ``unknown stance``, or a number like ``stance +0.30``."""
    data = graph.nodes[node]
    if not data.get(g.STANCE_KNOWN):
        return "unknown stance"
    given = data.get(g.STANCE)
    return given if isinstance(given, str) else f"stance {data[g.STANCE_VALUE]:+.2f}"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 decision maker``, ``3 decision makers``; ``plural`` for irregular nouns."""
    return f"{n} {noun}" if n == 1 else f"{n} {plural or noun + 's'}"
