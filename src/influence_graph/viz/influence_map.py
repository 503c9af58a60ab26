"""The interactive influence map (DESIGN §7): a pyvis ``Network`` of the account,
styled by its analysis, written as one self-contained HTML file that works offline.

What the map shows (decided in ``scene``, encoded as in ``style``):

- customer people as dots sized by influence (real power) and coloured by stance;
  our team as squares, competitors as triangles;
- decision-unit members ringed (a dashed red ring when no one on our team is close);
- marks after the name: ★ hidden power, ▽ figurehead, ◆ confirmed coach (with a
  green halo), ◇ one of the best coach candidates;
- key people's names larger, and kept legible (≥ 12 px) however far one zooms out;
- lines styled by kind, once per kind: reporting lines dashed grey, rivalry rose,
  each positive channel kind its own colour-blind-safe colour (arrow from the
  influencer), our relationships black with width by closeness, competitors'
  relationships dotted orange;
- one box per department, people in rows by level, alliances and rivalries
  between departments as lines between boxes;
- tooltips with the analysis' reasons in words, a legend that doubles as the
  filter, search, the warm path to an uncovered decision maker on click, and
  the view saved as PNG or SVG.

Positions are precomputed (``layout``) and physics is off, so the same input gives
the same bytes and 5,000 people are laid out in well under a second. pyvis is the
map engine (nodes, edges, options); the page template is our own because pyvis's
templates load bootstrap and vis from CDNs even in ``in_line`` mode. vis-network's
JS and CSS are inlined from the copy pyvis ships.
"""
from __future__ import annotations

import functools
import html
import json
import os
from collections.abc import Mapping
from importlib import resources
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup
from pyvis.network import Network

from .. import graph as g
from ..model import Account, atomic_write_text
from . import layout as lay
from .scene import Line, Node, Scene, scene
from .style import (
    BADGES,
    BORDER_COLOUR,
    COACH_GLOW,
    COMPETITOR_COLOUR,
    DMU_RING,
    EDGE_STYLES,
    PATH_COLOUR,
    STANCE_COLOURS,
    TEAM_COLOUR,
    UNCOVERED_RING,
    stance_bucket,
)

if TYPE_CHECKING:
    from ..analysis import AnalysisResult

__all__ = ["InfluenceMap", "influence_map", "script_json", "stance_bucket"]

# Chinese, Japanese and Korean names need a CJK font on the canvas too (Linux, macOS, Windows).
FONT_FACE = 'system-ui, "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif'
LARGE_MAP = 400  # above this many nodes: fainter lines, hidden while dragging and zooming
KEY_PIXELS = 12  # key people's names never drawn smaller than this on screen
SIDE_SHAPES = {g.SIDE_CUSTOMER: "dot", g.SIDE_TEAM: "square", g.SIDE_COMPETITOR: "triangle"}

_e = functools.partial(html.escape, quote=True)


# ----------------------------------------------------------------- the page

VIS_ASSETS = ("templates", "lib", "vis-9.1.2")


@functools.lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS as shipped inside pyvis, ready to inline."""
    folder = resources.files("pyvis").joinpath(*VIS_ASSETS)
    js = folder.joinpath("vis-network.min.js").read_text(encoding="utf-8")
    css = folder.joinpath("vis-network.css").read_text(encoding="utf-8")
    # An inline <script>/<style> ends at the first "</script"/"</style", wherever it is.
    return js.replace("</script", "<\\/script"), css.replace("</style", "<\\/style")


@functools.lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(os.path.dirname(__file__)),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template("influence_map.html")


def script_json(value: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element: no ``<`` at all, so
    neither ``</script>`` nor ``<!--`` can occur; U+2028/2029 escaped for old parsers.

    >>> script_json({"name": "</script><!--"})
    '{"name":"\\\\u003c/script>\\\\u003c!--"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _dash_name(dashes: tuple[int, ...]) -> str:
    return "solid" if not dashes else "dashed" if dashes[0] > 3 else "dotted"


def _legend() -> dict[str, list[dict[str, Any]]]:
    """What the legend lists; its rows for sides and lines double as filters."""
    return {
        "stances": [{"label": label, "color": colour} for label, colour in STANCE_COLOURS.items()],
        "sides": [
            {"value": g.SIDE_CUSTOMER, "label": "Customer person (size = real power)", "shape": "dot",
             "color": STANCE_COLOURS["neutral"]},
            {"value": g.SIDE_TEAM, "label": "Our team", "shape": "square", "color": TEAM_COLOUR},
            {"value": g.SIDE_COMPETITOR, "label": "Competitor", "shape": "triangle", "color": COMPETITOR_COLOUR},
        ],
        "rings": [
            {"label": "decision-unit member", "color": DMU_RING, "style": "solid"},
            {"label": "… no one on our team is close to", "color": UNCOVERED_RING, "style": "dashed"},
        ],
        "badges": [{"mark": mark, "label": label} for mark, label in BADGES.values()],
        "edges": [{"kind": kind, "label": style.legend, "color": style.colour, "dash": _dash_name(style.dashes)}
                  for kind, style in EDGE_STYLES.items()],
    }


def _node_groups() -> dict[str, dict[str, Any]]:
    """vis-network node groups: each look (stance × ring, our team, competitors) defined once."""
    def look(fill: str, border: str, width: int, dashes: Any, shape: str = "dot") -> dict[str, Any]:
        return {"shape": shape, "borderWidth": width, "shapeProperties": {"borderDashes": dashes},
                "color": {"background": fill, "border": border,
                          "highlight": {"background": fill, "border": "#000000"},
                          "hover": {"background": fill, "border": "#000000"}}}

    groups = {}
    for stance, fill in STANCE_COLOURS.items():
        groups[stance] = look(fill, BORDER_COLOUR, 1, False)
        groups[f"{stance}-dmu"] = look(fill, DMU_RING, 5, False)
        groups[f"{stance}-uncovered"] = look(fill, UNCOVERED_RING, 5, [10, 6])
    groups[g.SIDE_TEAM] = {**look(TEAM_COLOUR, "#000000", 1, False, "square"), "font": {"color": TEAM_COLOUR}}
    groups[g.SIDE_COMPETITOR] = {**look(COMPETITOR_COLOUR, "#000000", 1, False, "triangle"),
                                 "font": {"color": "#9a4a12"}}
    return groups


def _edge_styles(opacity: float) -> dict[str, dict[str, Any]]:
    """Each line kind's vis-network style, once (the page applies it to every line of the kind)."""
    return {kind: {"color": {"color": s.colour, "highlight": s.colour, "hover": s.colour,
                             "opacity": round(opacity * s.opacity, 2)},
                   "dashes": list(s.dashes) or False, "arrows": "to" if s.arrow else ""}
            for kind, s in EDGE_STYLES.items()}


def _map_options(node_count: int) -> dict[str, Any]:
    large = node_count > LARGE_MAP
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "groups": _node_groups(),
        "nodes": {
            "font": {"size": lay.LABEL_FONT, "face": FONT_FACE, "strokeWidth": 3, "strokeColor": "#ffffff",
                     "color": "#1a202c"},
            "borderWidthSelected": 4,
            "widthConstraint": {"maximum": lay.SLOT_MAX - lay.SLOT_PAD},
            "scaling": {"label": {"drawThreshold": 4}},
        },
        "edges": {"smooth": False, "arrowStrikethrough": False, "selectionWidth": 2, "hoverWidth": 1,
                  "arrows": {"to": {"scaleFactor": 0.6}, "from": {"scaleFactor": 0.6}}},
        "interaction": {"hover": True, "tooltipDelay": 120, "multiselect": True,
                        "hideEdgesOnDrag": large, "hideEdgesOnZoom": large},
    }


class InfluenceMap(Network):
    """A pyvis ``Network`` that writes one self-contained, offline HTML page
    (:meth:`write_html`) and shows itself inline in Jupyter (an ``<iframe srcdoc>``)."""

    NOTEBOOK_HEIGHT = 720

    def __init__(self, heading: str, subtitle: str = ""):
        super().__init__(height="100%", width="100%", directed=True, heading=heading, cdn_resources="in_line")
        self.subtitle = subtitle
        self.boxes: list[dict[str, Any]] = []  # department boxes drawn under the nodes
        self.box_links: list[dict[str, Any]] = []  # alliances and rivalries between departments
        self.paths: dict[str, dict[str, Any]] = {}  # warm path to each uncovered decision maker
        self.departments: list[dict[str, str]] = []  # for the filter
        self.search_names: list[str] = []
        self.key_people: list[str] = []  # whose names stay legible, most powerful first
        self.edge_styles: dict[str, dict[str, Any]] = _edge_styles(0.85)
        self._node_index: set[str] = set()

    # pyvis checks membership in a list for every node and edge; a set keeps 5,000 people fast.
    def add_node(self, n_id, label=None, shape="dot", color="#97c2fc", **options):
        if n_id in self._node_index:
            return
        self._node_index.add(n_id)
        node = {"id": n_id, "label": label if label is not None else n_id, **options}
        if shape is not None:
            node["shape"] = shape
        if color is not None:
            node["color"] = color
        self.nodes.append(node)

    def add_edge(self, source, to, **options):
        """A line; its look comes from its ``kind`` (``edge_styles``), only width and arrows vary."""
        if source not in self._node_index or to not in self._node_index:
            raise KeyError(f"edge {source!r} -> {to!r} names a node that is not on the map")
        self.edges.append({"from": source, "to": to, **options})

    def generate_html(self, name: str = "index.html", local: bool = True, notebook: bool = False) -> str:
        """The whole page as text: vis-network inlined, data as script-safe JSON."""
        js, css = _vis_assets()
        data = {
            "nodes": self.nodes,
            "edges": self.edges,
            "edgeStyles": self.edge_styles,
            "options": self.options if isinstance(self.options, dict) else json.loads(self.options.to_json()),
            "boxes": self.boxes,
            "links": self.box_links,
            "paths": self.paths,
            "keyPixels": KEY_PIXELS,
            "keyFont": lay.KEY_FONT,
            "keyPeople": self.key_people,
            "large": len(self.nodes) > LARGE_MAP,
            "pathColour": PATH_COLOUR,
        }
        self.html = _template().render(
            heading=self.heading,
            subtitle=self.subtitle,
            vis_js=Markup(js),
            vis_css=Markup(css),
            data=Markup(script_json(data)),
            legend=_legend(),
            departments=self.departments,
            names=self.search_names,
            node_count=len(self.nodes),
            path_colour=PATH_COLOUR,
        )
        return self.html

    def write_html(self, name: str | os.PathLike[str], local: bool = True, notebook: bool = False,
                   open_browser: bool = False) -> None:
        """Write the page to ``name`` (str or Path) and nothing else: no ``lib/``
        folder, no CDN links. Atomic: the file is complete or untouched."""
        atomic_write_text(name, self.generate_html())
        if open_browser:
            import webbrowser

            webbrowser.open(os.path.abspath(name))

    def _repr_html_(self) -> str:
        # pyvis's notebook mode renders blank in some front ends (JupyterLab, VS Code);
        # a sandboxed srcdoc iframe works everywhere and keeps the page's scripts apart.
        page = html.escape(self.generate_html(), quote=True)
        return (
            f'<iframe title="{_e(self.heading)}" srcdoc="{page}" sandbox="allow-scripts allow-downloads" '
            f'style="width:100%;height:{self.NOTEBOOK_HEIGHT}px;border:1px solid #d0d7de"></iframe>'
        )


# ------------------------------------------------------------------ building


def _vis_node(node: Node) -> dict[str, Any]:
    """A node as vis-network reads it: its look from its group, its own place and size."""
    look = node.side if node.side != g.SIDE_CUSTOMER else node.stance + (f"-{node.ring}" if node.ring else "")
    extra: dict[str, Any] = {}
    if node.key:
        extra["font"] = {"size": node.font}
    if node.coach:
        extra["shadow"] = {"enabled": True, "color": COACH_GLOW, "size": 22, "x": 0, "y": 0}
    return {"label": node.label, "shape": None, "color": None, "group": look, "size": node.size,
            "x": node.x, "y": node.y, "side": node.side, "departments": node.departments,
            "dmu": bool(node.ring), "key": node.key, "name": node.name, "search": node.search,
            "tip": node.tip, **extra}


def _vis_edge(line: Line) -> dict[str, Any]:
    edge: dict[str, Any] = {"kind": line.kind, "width": line.width}
    if line.mutual and EDGE_STYLES[line.kind].arrow:
        edge["arrows"] = "to, from"
    if line.note:
        edge["note"] = line.note
    if line.evidence:
        edge["evidence"] = line.evidence
    return edge


def _from_scene(view: Scene) -> InfluenceMap:
    net = InfluenceMap(heading=view.heading, subtitle=view.subtitle)
    net.options = _map_options(len(view.nodes))
    if len(view.nodes) > LARGE_MAP:
        net.edge_styles = _edge_styles(0.3)  # faint lines on big maps: the departments and key people stay readable
    for node in view.nodes:
        net.add_node(node.id, **_vis_node(node))
    for line in view.lines:
        net.add_edge(line.source, line.target, **_vis_edge(line))
    net.boxes = [{"group": b.group, "title": b.title, "x": b.x, "y": b.y, "w": b.w, "h": b.h,
                  "team": b.group == "team"} for b in view.boxes]
    net.box_links = view.box_links
    net.paths = view.paths
    net.departments = view.departments
    net.search_names = [n.name for n in view.nodes if n.side != g.SIDE_COMPETITOR]
    net.key_people = view.key_people
    return net


def influence_map(account: Account, result: AnalysisResult | Mapping[str, Any]) -> InfluenceMap:
    """The interactive influence map of ``account`` styled by its analysis
    (an ``AnalysisResult`` or its ``to_dict()``). Deterministic: the same input
    gives the same HTML bytes.

    >>> from influence_graph.model import parse_account
    >>> from influence_graph.analysis import analyze
    >>> a = parse_account({"account": {"id": "x", "name": "X"},
    ...     "people": [{"id": "a", "name": "A", "roles": ["decision_maker"]},
    ...                {"id": "b", "name": "B", "reports_to": "a"}]})
    >>> m = influence_map(a, analyze(a, as_of="2026-01-01"))
    >>> [node["id"] for node in m.nodes], [(e["from"], e["to"], e["kind"]) for e in m.edges]
    (['a', 'b'], [('b', 'a', 'reports_to')])
    """
    return _from_scene(scene(account, result))
