"""The interactive influence map (DESIGN §7): a pyvis ``Network`` of the account,
styled by its analysis, written as one self-contained HTML file that works offline.

What the map shows:

- customer people as dots sized by influence (real power) and coloured by stance;
  our team as squares, competitors as triangles;
- decision-unit members ringed (a dashed red ring when no one on our team is close);
- badges in the label: ★ hidden power, ▽ figurehead, ♦ coach or likely coach;
- edges styled by kind: reporting lines dashed grey, rivalry red, each positive
  channel kind its own colour (arrow from the influencer), our relationships
  blue with width by strength, competitors' relationships dotted purple;
- departments as labelled discs (with declared and inferred alliances and rivalries
  between them), tooltips with the analysis' reasons, a legend, search and filters.

Positions are computed here (seeded, department by department) and physics is
off, so the same input gives the same bytes and 2,000 people do not become a
hairball. pyvis is the map engine (nodes, edges, options); the page template is
our own because pyvis's templates load bootstrap and vis from CDNs even in
``in_line`` mode. vis-network's JS and CSS are inlined from the copy pyvis ships.
"""
from __future__ import annotations

import functools
import html
import json
import math
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import jinja2
import networkx as nx
import numpy as np
from markupsafe import Markup
from pyvis.edge import Edge
from pyvis.network import Network

from .. import graph as g
from ..analysis.wording import closeness, join
from ..model import Account, Person, atomic_write_text

if TYPE_CHECKING:
    from ..analysis import AnalysisResult

__all__ = ["InfluenceMap", "MapLayout", "influence_map", "layout", "map_layout", "push_apart", "script_json", "stance_bucket"]

STANCE_COLOURS = {
    "champion": "#1a9850",
    "supporter": "#91cf60",
    "neutral": "#fee08b",
    "skeptic": "#fc8d59",
    "opponent": "#d73027",
    "unknown": "#bdbdbd",
}
SIDE_SHAPES = {g.SIDE_CUSTOMER: "dot", g.SIDE_TEAM: "square", g.SIDE_COMPETITOR: "triangle"}
SIDE_NAMES = {g.SIDE_CUSTOMER: "Customer person", g.SIDE_TEAM: "Our team", g.SIDE_COMPETITOR: "Competitor"}
TEAM_COLOUR = "#2b6cb0"
COMPETITOR_COLOUR = "#6b46c1"
BORDER_COLOUR = "#4a5568"
DMU_RING = "#111827"
UNCOVERED_RING = "#c53030"

# Edge styles: colour, dash pattern (False = solid), arrow, and what the legend calls them.
EDGE_STYLES: dict[str, dict[str, Any]] = {
    g.KIND_REPORTS_TO: {"color": "#8a8a8a", "dashes": [6, 6], "arrows": "to", "legend": "reports to (formal line)"},
    "advice": {"color": "#3182bd", "dashes": False, "arrows": "to", "legend": "advice"},
    "trust": {"color": "#2ca25f", "dashes": False, "arrows": "to", "legend": "trust"},
    "friendship": {"color": "#e377c2", "dashes": False, "arrows": "to", "legend": "friendship"},
    "expertise": {"color": "#756bb1", "dashes": False, "arrows": "to", "legend": "expertise"},
    "budget": {"color": "#d69e2e", "dashes": False, "arrows": "to", "legend": "budget"},
    "political": {"color": "#8c564b", "dashes": False, "arrows": "to", "legend": "political"},
    "family": {"color": "#17becf", "dashes": False, "arrows": "to", "legend": "family"},
    "alumni": {"color": "#9aa80f", "dashes": False, "arrows": "to", "legend": "alumni"},
    "rivalry": {"color": "#e53e3e", "dashes": False, "arrows": "", "legend": "rivalry"},
    g.KIND_RELATIONSHIP: {"color": TEAM_COLOUR, "dashes": False, "arrows": "", "legend": "our relationship (width = strength)"},
    g.KIND_COMPETITOR: {"color": COMPETITOR_COLOUR, "dashes": [2, 4], "arrows": "", "legend": "competitor's relationship"},
}
BADGES = {
    "hidden_power": ("★", "hidden power: more real power than the title suggests"),
    "figurehead": ("▽", "figurehead: senior title, little real power"),
    "coach": ("♦", "coach, or likely coach"),
}

MIN_SIZE, MAX_SIZE, SIDE_NODE_SIZE = 10.0, 42.0, 18.0
LAYOUT_SEED = 7
SPACING = 100.0  # typical distance between neighbouring people, in map pixels
SPRING_LIMIT = 300  # larger departments are laid out as a sunflower by seniority (spring layout grows ~n²)
GROUP_GAP = 130.0  # space between department discs (room for their names)
NODE_GAP = 26.0  # space between two people's dots (room for a label)
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
# Chinese, Japanese and Korean names need a CJK font on the canvas too (Linux, macOS, Windows).
FONT_FACE = 'system-ui, "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif'
_LARGE_MAP = 400  # above this many nodes, hide edges while dragging and zooming


def stance_bucket(stance: str | float | None) -> str:
    """The stance label whose colour a stance gets: labels as they are, numbers to the nearest label.

    >>> stance_bucket("skeptic"), stance_bucket(0.3), stance_bucket(-0.9), stance_bucket(None)
    ('skeptic', 'supporter', 'opponent', 'unknown')
    """
    if stance is None:
        return "unknown"
    if isinstance(stance, str):
        return stance if stance in STANCE_COLOURS else "unknown"
    for label, floor in (("champion", 0.75), ("supporter", 0.25), ("neutral", -0.25), ("skeptic", -0.75)):
        if stance >= floor:
            return label
    return "opponent"


# --------------------------------------------------------------------- layout


def _disc_radius(n: int) -> float:
    # Disc area grows with the number of people, so density is the same in every department.
    return SPACING * 0.6 * math.sqrt(max(n, 1))


def push_apart(centres: np.ndarray, radii: np.ndarray, gap: float, rounds: int = 300) -> np.ndarray:
    """Move circles (``centres`` n×2, ``radii`` n) apart until no two are closer
    than the sum of their radii plus ``gap``; circles that do not collide stay put.

    >>> push_apart(np.array([[0.0, 0.0], [1.0, 0.0]]), np.array([1.0, 1.0]), 0.0).round(1).tolist()
    [[-0.5, 0.0], [1.5, 0.0]]
    """
    n = len(centres)
    if n < 2:
        return centres
    # A fixed direction per pair keeps coincident centres deterministic.
    index = np.arange(n)
    angle = (index[:, None] - index[None, :]).astype(float)
    fallback = np.stack([np.cos(angle), np.sin(angle)], axis=-1)
    for _ in range(rounds):
        diff = centres[:, None, :] - centres[None, :, :]
        dist = np.hypot(diff[..., 0], diff[..., 1])
        overlap = radii[:, None] + radii[None, :] + gap - dist
        np.fill_diagonal(overlap, 0.0)
        overlap = np.clip(overlap, 0.0, None)
        if not (overlap > 1e-6).any():
            break
        safe = np.where(dist > 1e-9, dist, 1.0)
        direction = np.where((dist > 1e-9)[..., None], diff / safe[..., None], fallback)
        centres = centres + (direction * (overlap[..., None] * 0.5)).sum(axis=1)
    return centres


def _disc_layout(nodes: list[str], ties: nx.Graph, seniority: Mapping[str, tuple],
                 sizes: Mapping[str, float] | None = None) -> dict[str, np.ndarray]:
    """Positions of one group's nodes around 0: a seeded spring layout of their
    ties with overlapping nodes (radius ``sizes``) pushed apart, or for big groups
    a sunflower with the most senior in the middle."""
    n = len(nodes)
    radius = _disc_radius(n)
    if n == 1:
        return {nodes[0]: np.zeros(2)}
    if n > SPRING_LIMIT:
        ordered = sorted(nodes, key=lambda node: seniority[node])
        return {
            node: radius * math.sqrt((i + 0.5) / n) * np.array([math.cos(i * GOLDEN_ANGLE), math.sin(i * GOLDEN_ANGLE)])
            for i, node in enumerate(ordered)
        }
    sub = nx.Graph()
    sub.add_nodes_from(nodes)
    member = set(nodes)
    sub.add_weighted_edges_from((u, v, w) for u, v, w in ties.edges(nodes, data=g.WEIGHT) if u in member and v in member)
    pos = nx.spring_layout(sub, seed=LAYOUT_SEED, weight=g.WEIGHT)
    spread = max(float(np.hypot(*p)) for p in pos.values()) or 1.0
    points = np.array([pos[node] for node in nodes]) * (radius / spread)
    size = np.array([(sizes or {}).get(node, MIN_SIZE) for node in nodes])
    points = push_apart(points, size, NODE_GAP)
    return dict(zip(nodes, points))


def _place_discs(radii: dict[str, float], links: nx.Graph) -> dict[str, np.ndarray]:
    """Disc centres: groups with many ties between them close together (seeded
    spring layout), then pushed apart until no two discs overlap."""
    names = list(radii)
    if len(names) == 1:
        return {names[0]: np.zeros(2)}
    start = nx.spring_layout(links, seed=LAYOUT_SEED, weight=g.WEIGHT)
    r = np.array([radii[name] for name in names])
    centres = np.array([start[name] for name in names]) * math.sqrt(float((r**2).sum())) * 1.2
    return dict(zip(names, push_apart(centres, r, GROUP_GAP, rounds=500)))


def _layout_ties(whole: nx.MultiDiGraph) -> nx.Graph:
    """Every tie that should pull two nodes together (all but rivalry), strongest kept."""
    ties = nx.Graph()
    ties.add_nodes_from(whole)
    for u, v, data in whole.edges(data=True):
        if data[g.KIND] != "rivalry" and u != v:
            weight = data.get(g.STRENGTH) or 0.5
            if not ties.has_edge(u, v) or ties[u][v][g.WEIGHT] < weight:
                ties.add_edge(u, v, **{g.WEIGHT: weight})
    return ties


def layout(
    whole: nx.MultiDiGraph,
    group_of: Mapping[str, str],
    seniority: Mapping[str, tuple],
    sizes: Mapping[str, float] | None = None,
) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float, float]]]:
    """Deterministic positions for every node of ``whole`` (from ``graph.account_graph``).

    Nodes are grouped by ``group_of`` (a department, our team, competitors);
    each group is laid out in its own disc (``sizes`` are node radii, kept from
    overlapping) and the discs are placed so that groups with many ties sit
    close. Returns ``(positions, discs)`` with ``positions[node] = (x, y)`` and
    ``discs[group] = (x, y, radius)``.

    >>> from influence_graph.model import parse_account
    >>> a = parse_account({"account": {"id": "x", "name": "X"},
    ...     "people": [{"id": "a", "name": "A"}, {"id": "b", "name": "B", "reports_to": "a"}]})
    >>> pos, discs = layout(g.account_graph(a), {"a": "d", "b": "d"}, {"a": (1,), "b": (2,)})
    >>> sorted(pos), list(discs)
    (['a', 'b'], ['d'])
    """
    ties = _layout_ties(whole)
    members: dict[str, list[str]] = defaultdict(list)
    for node in whole:
        members[group_of[node]].append(node)
    links = nx.Graph()
    links.add_nodes_from(members)
    for u, v in ties.edges():
        a, b = group_of[u], group_of[v]
        if a != b:
            links.add_edge(a, b, **{g.WEIGHT: links.get_edge_data(a, b, {g.WEIGHT: 0})[g.WEIGHT] + 1})
    offsets = {group: _disc_layout(nodes, ties, seniority, sizes) for group, nodes in members.items()}
    radii = {
        group: max(float(np.hypot(*p)) + (sizes or {}).get(node, MIN_SIZE) for node, p in points.items())
        for group, points in offsets.items()
    }
    centres = _place_discs(radii, links)
    positions: dict[str, tuple[float, float]] = {}
    for group, points in offsets.items():
        for node, offset in points.items():
            x, y = centres[group] + offset
            positions[node] = (round(float(x), 1), round(float(y), 1))
    discs = {
        group: (round(float(centres[group][0]), 1), round(float(centres[group][1]), 1), round(radii[group], 1))
        for group in members
    }
    return positions, discs


# ------------------------------------------------------------------- wording

_e = functools.partial(html.escape, quote=True)


def _as_list(reasons: Any) -> list[str]:
    if reasons is None:
        return []
    return [reasons] if isinstance(reasons, str) else [str(r) for r in reasons]


def _strength_words(value: Any) -> str:
    """``velcro`` for a label, ``zipper`` for 2/3, else the number."""
    if hasattr(value, "value"):
        return str(value.value)
    return closeness(float(value))


def _stance(person: Person) -> str | float:
    """The stance as given: a label, or a number."""
    return person.stance.value if hasattr(person.stance, "value") else float(person.stance)


def _reason_list(heading: str, reasons: Iterable[str]) -> str:
    items = "".join(f"<li>{_e(r)}</li>" for r in reasons)
    return f'<div class="ig-why">{heading}</div><ul>{items}</ul>' if items else ""


def _line(text_html: str) -> str:
    return f"<div>{text_html}</div>"


class _Context:
    """What the tooltips need from the account and the analysis, indexed by id."""

    def __init__(self, account: Account, data: dict[str, Any]):
        self.names = {p.id: p.name for p in account.people}
        self.names.update({m.id: m.name for m in account.team})
        self.names.update({c.id: c.name for c in account.competitors})
        self.departments = {d.id: d.name or d.id for d in account.departments}
        self.people = {p["id"]: p for p in data.get("people", [])}
        ranking = data.get("power_ranking") or [p["id"] for p in data.get("people", [])]
        self.rank = {pid: i + 1 for i, pid in enumerate(ranking)}
        self.flags: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        for key in ("hidden_power", "figureheads", "coach_candidates"):
            for entry in data.get(key, []):
                self.flags[entry["id"]]["figurehead" if key == "figureheads" else key.removesuffix("_candidates")] = entry
        self.uncovered = {u["id"]: u for u in data.get("uncovered_decision_makers", [])}
        self.follow_ups = {f["id"]: f for f in data.get("follow_ups", [])}
        self.risks: dict[str, list[str]] = defaultdict(list)
        for risk in data.get("risks", []):
            for pid in risk.get("ids", []):
                self.risks[pid].append(risk.get("message", ""))
        self.ours: dict[str, list[str]] = defaultdict(list)
        self.theirs: dict[str, list[str]] = defaultdict(list)
        for r in account.relationships:
            self.ours[r.person].append(f"{self.names[r.member]} ({_strength_words(r.strength)})")
            self.ours[r.member].append(f"{self.names[r.person]} ({_strength_words(r.strength)})")
        for r in account.competitor_relationships:
            self.theirs[r.person].append(f"{self.names[r.competitor]} ({_strength_words(r.strength)})")
            self.theirs[r.competitor].append(f"{self.names[r.person]} ({_strength_words(r.strength)})")

    def name(self, node_id: str) -> str:
        return self.names.get(node_id, node_id)


def _is_coach(person: Person, flags: Mapping[str, Any]) -> bool:
    """A confirmed coach: marked ``coach`` in roles (or confirmed by the analysis)."""
    return any(r.value == "coach" for r in person.roles) or bool(flags.get("coach", {}).get("confirmed"))


def _badges(flags: Mapping[str, Any], is_coach: bool) -> list[str]:
    marks = [BADGES[kind][0] for kind in ("hidden_power", "figurehead") if kind in flags]
    if "coach" in flags or is_coach:
        marks.append(BADGES["coach"][0])
    return marks


def _who(person: Person, level: int, ctx: _Context, marks: list[str]) -> list[str]:
    """Name, title, department, level, roles, stance."""
    parts = [f"<b>{_e(person.name)}</b> {' '.join(marks)}".rstrip()]
    where = [w for w in (person.title, ctx.departments.get(person.department or "", person.department)) if w]
    if where:
        parts.append(_line(_e(" · ".join(where))))
    roles = ", ".join(r.value.replace("_", " ") for r in person.roles)
    parts.append(_line(_e(f"Level {level}" + (f" · {roles}" if roles else ""))))
    stance = _stance(person)
    stance_text = f"{stance_bucket(stance)} ({stance:+.2f})" if isinstance(stance, float) else stance
    parts.append(_line(f"Stance: {_e(stance_text)}"))
    return parts


def _standing(person: Person, ctx: _Context, in_dmu: bool) -> list[str]:
    """Real power, decision-unit membership, who on each side knows them."""
    parts = []
    row = ctx.people.get(person.id)
    if row:
        rank = ctx.rank.get(person.id)
        rank_text = f"rank {rank} of {len(ctx.rank)} by real power · " if rank else ""
        numbers = f"influence {row.get('influence', 0):.3f} · brokerage {row.get('brokerage', 0):.3f}"
        parts.append(_line(_e(rank_text + numbers)))
    if in_dmu:
        parts.append(_line("<b>In the decision unit</b>"))
    if ctx.ours.get(person.id):
        parts.append(_line(f"Our team: {_e(join(ctx.ours[person.id]))}"))
    if ctx.theirs.get(person.id):
        parts.append(_line(f"Competitors: {_e(join(ctx.theirs[person.id]))}"))
    return parts


def _why(person: Person, ctx: _Context, flags: Mapping[str, Any], is_coach: bool) -> list[str]:
    """The analysis' reasons: flags, coverage gap, follow-up, risks."""
    parts = []
    if "hidden_power" in flags:
        parts.append(_reason_list("Why ★ hidden power:", _as_list(flags["hidden_power"].get("reasons"))))
    if "figurehead" in flags:
        parts.append(_reason_list("Why ▽ figurehead:", _as_list(flags["figurehead"].get("reasons"))))
    if "coach" in flags:
        coach = flags["coach"]
        heading = "Why ♦ coach:" if is_coach else f"Why ♦ likely coach (score {coach.get('score', 0):.2f}):"
        parts.append(_reason_list(heading, _as_list(coach.get("reasons"))))
    elif is_coach:
        parts.append(_line("♦ Confirmed coach"))
    uncovered = ctx.uncovered.get(person.id)
    if uncovered:
        reasons = _as_list(uncovered.get("reasons"))
        if not reasons and uncovered.get("path"):
            path = " → ".join(ctx.name(step) for step in uncovered["path"])
            reasons = [f"best introduction: {path} (strength {uncovered.get('path_strength', 0):.2f})"]
        parts.append(_reason_list("Not covered by our team:", reasons or ["no warm path from our team yet"]))
    follow = ctx.follow_ups.get(person.id)
    if follow:
        since = f", {follow['days_since']} days since the last touch" if follow.get("days_since") is not None else ""
        parts.append(_line(_e(f"Follow-up: {follow.get('status')}{since} ({follow.get('touches', 0)} touches)")))
    parts.append(_reason_list("Risks:", ctx.risks.get(person.id, [])))
    return parts


def _person_tip(person: Person, level: int, ctx: _Context, in_dmu: bool) -> str:
    """The tooltip of a customer person: HTML in which every user string is escaped."""
    flags = ctx.flags.get(person.id, {})
    is_coach = _is_coach(person, flags)
    parts = _who(person, level, ctx, _badges(flags, is_coach)) + _standing(person, ctx, in_dmu)
    return "".join(parts + _why(person, ctx, flags, is_coach))


def _side_tip(name: str, subtitle: str, ties: list[str], risks: list[str]) -> str:
    """The tooltip of a team member or competitor."""
    parts = [f"<b>{_e(name)}</b>", _line(_e(subtitle))]
    if ties:
        parts.append(_line(f"Relationships: {_e(join(ties))}"))
    parts.append(_reason_list("Risks:", risks))
    return "".join(parts)


def _edge_tip(text: str, note: str | None) -> str:
    return _e(text) + (_line(_e(note)) if note else "")


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


def _legend() -> dict[str, list[dict[str, Any]]]:
    edge_rows = []
    for kind, style in EDGE_STYLES.items():
        dash = "dashed" if style["dashes"] == [6, 6] else "dotted" if style["dashes"] else "solid"
        edge_rows.append({"label": style["legend"], "color": style["color"], "dash": dash})
    return {
        "stances": [{"label": label, "color": colour} for label, colour in STANCE_COLOURS.items()],
        "sides": [
            {"label": "Customer person (size = influence)", "shape": "dot", "color": STANCE_COLOURS["neutral"]},
            {"label": SIDE_NAMES[g.SIDE_TEAM], "shape": "square", "color": TEAM_COLOUR},
            {"label": SIDE_NAMES[g.SIDE_COMPETITOR], "shape": "triangle", "color": COMPETITOR_COLOUR},
        ],
        "rings": [
            {"label": "decision-unit member", "color": DMU_RING, "style": "solid"},
            {"label": "decision-unit member no one on our team is close to", "color": UNCOVERED_RING, "style": "dashed"},
        ],
        "badges": [{"mark": mark, "label": label} for mark, label in BADGES.values()],
        "edges": edge_rows,
    }


class InfluenceMap(Network):
    """A pyvis ``Network`` that writes one self-contained, offline HTML page
    (:meth:`write_html`) and shows itself inline in Jupyter (an ``<iframe srcdoc>``)."""

    NOTEBOOK_HEIGHT = 720

    def __init__(self, heading: str, subtitle: str = ""):
        super().__init__(height="100%", width="100%", directed=True, heading=heading, cdn_resources="in_line")
        self.subtitle = subtitle
        self.discs: list[dict[str, Any]] = []  # department discs drawn under the nodes
        self.disc_links: list[dict[str, Any]] = []  # alliances and rivalries between departments
        self.departments: list[dict[str, str]] = []  # for the filter
        self.search_names: list[str] = []
        self._node_index: set[str] = set()

    # pyvis checks membership in a list for every edge; a set keeps 2,000 people fast.
    def add_node(self, n_id, label=None, shape="dot", color="#97c2fc", **options):
        if n_id in self._node_index:
            return
        self._node_index.add(n_id)
        super().add_node(n_id, label=label, shape=shape, color=color, **options)

    def add_edge(self, source, to, **options):
        if source not in self._node_index or to not in self._node_index:
            raise KeyError(f"edge {source!r} -> {to!r} names a node that is not on the map")
        self.edges.append(Edge(source, to, self.directed, **options).options)

    def generate_html(self, name: str = "index.html", local: bool = True, notebook: bool = False) -> str:
        """The whole page as text: vis-network inlined, data as script-safe JSON."""
        js, css = _vis_assets()
        data = {
            "nodes": self.nodes,
            "edges": self.edges,
            "options": self.options if isinstance(self.options, dict) else json.loads(self.options.to_json()),
            "discs": self.discs,
            "links": self.disc_links,
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
            f'<iframe title="{_e(self.heading)}" srcdoc="{page}" sandbox="allow-scripts" '
            f'style="width:100%;height:{self.NOTEBOOK_HEIGHT}px;border:1px solid #d0d7de"></iframe>'
        )


# ------------------------------------------------------------------ building


def _map_options(node_count: int) -> dict[str, Any]:
    large = node_count > _LARGE_MAP
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "nodes": {
            "font": {"size": 14, "face": FONT_FACE, "strokeWidth": 3, "strokeColor": "#ffffff"},
            "borderWidthSelected": 4,
        },
        "edges": {"smooth": False, "arrowStrikethrough": False, "selectionWidth": 2, "hoverWidth": 1,
                  "arrows": {"to": {"scaleFactor": 0.6}}},
        "interaction": {"hover": True, "tooltipDelay": 120, "multiselect": True,
                        "hideEdgesOnDrag": large, "hideEdgesOnZoom": large},
    }


def _department_chain(account: Account) -> dict[str, list[str]]:
    """Each department id with its ancestors (so filtering a division shows its sub-departments)."""
    parent = {d.id: d.parent for d in account.departments}
    chains = {}
    for dept in parent:
        chain, node = [], dept
        while node and node not in chain:
            chain.append(node)
            node = parent.get(node)
        chains[dept] = chain
    return chains


def _groups(account: Account) -> tuple[dict[str, str], dict[str, str]]:
    """Each node's layout group and each group's display name."""
    names = {f"dept:{d.id}": d.name or d.id for d in account.departments}
    group_of = {p.id: f"dept:{p.department}" if p.department else "none" for p in account.people}
    group_of.update({m.id: "team" for m in account.team})
    group_of.update({c.id: "competitors" for c in account.competitors})
    names.update({"none": "No department", "team": "Our team", "competitors": "Competitors"})
    return group_of, names


def _sizes(account: Account, ctx: _Context) -> dict[str, float]:
    """Node radius: people by influence (area grows with it), our team and competitors fixed."""
    strongest = max((row.get("influence", 0.0) for row in ctx.people.values()), default=0.0)
    sizes = {}
    for person in account.people:
        share = ctx.people.get(person.id, {}).get("influence", 0.0) / strongest if strongest > 0 else 0.0
        sizes[person.id] = round(MIN_SIZE + (MAX_SIZE - MIN_SIZE) * math.sqrt(max(share, 0.0)), 1)
    sizes.update({item.id: SIDE_NODE_SIZE for item in [*account.team, *account.competitors]})
    return sizes


def _add_people(net: InfluenceMap, account: Account, ctx: _Context, positions, sizes, levels) -> None:
    dmu = set(account.decision_unit)
    chains = _department_chain(account)
    for person in account.people:
        fill = STANCE_COLOURS[stance_bucket(_stance(person))]
        in_dmu, uncovered = person.id in dmu, person.id in ctx.uncovered
        ring = UNCOVERED_RING if in_dmu and uncovered else DMU_RING if in_dmu else BORDER_COLOUR
        flags = ctx.flags.get(person.id, {})
        marks = _badges(flags, _is_coach(person, flags))
        x, y = positions[person.id]
        net.add_node(
            person.id,
            label=" ".join([person.name, *marks]),
            shape=SIDE_SHAPES[g.SIDE_CUSTOMER],
            color={"background": fill, "border": ring,
                   "highlight": {"background": fill, "border": "#000000"},
                   "hover": {"background": fill, "border": "#000000"}},
            size=sizes[person.id],
            borderWidth=5 if in_dmu else 1,
            shapeProperties={"borderDashes": [10, 6] if in_dmu and uncovered else False},
            title=_person_tip(person, levels[person.id], ctx, in_dmu),
            x=x,
            y=y,
            side=g.SIDE_CUSTOMER,
            departments=chains.get(person.department or "", []),
            dmu=in_dmu,
            name=person.name,
            search=" ".join(filter(None, [person.name, person.title])),
        )


def _add_sides(net: InfluenceMap, account: Account, ctx: _Context, positions) -> None:
    for side, items, colour in ((g.SIDE_TEAM, account.team, TEAM_COLOUR),
                                (g.SIDE_COMPETITOR, account.competitors, COMPETITOR_COLOUR)):
        for item in items:
            title = getattr(item, "title", None) or ""
            role = (getattr(item, "role", None) or "").replace("_", " ")
            subtitle = " · ".join(filter(None, [title, role if role.lower() != title.lower() else ""]))
            ties = ctx.ours[item.id] if side == g.SIDE_TEAM else ctx.theirs[item.id]
            x, y = positions[item.id]
            net.add_node(
                item.id,
                label=item.name,
                shape=SIDE_SHAPES[side],
                color={"background": colour, "border": "#1a202c",
                       "highlight": {"background": colour, "border": "#000000"}},
                size=SIDE_NODE_SIZE,
                borderWidth=1,
                font={"color": colour},
                title=_side_tip(item.name, subtitle or SIDE_NAMES[side], ties, ctx.risks.get(item.id, [])),
                x=x,
                y=y,
                side=side,
                departments=[],
                dmu=False,
                name=item.name,
                search=" ".join(filter(None, [item.name, subtitle])),
            )


def _styled(kind: str, width: float, title: str, opacity: float, **extra: Any) -> dict[str, Any]:
    style = EDGE_STYLES[kind]
    return {"color": {"color": style["color"], "highlight": style["color"], "hover": style["color"], "opacity": opacity},
            "dashes": style["dashes"], "arrows": extra.pop("arrows", style["arrows"]),
            "width": round(width, 2), "title": title, "kind": kind, **extra}


def _add_edges(net: InfluenceMap, account: Account, ctx: _Context, opacity: float) -> None:
    n = ctx.name
    for p in account.people:
        if p.reports_to:
            text = _e(f"{p.name} reports to {n(p.reports_to)}")
            net.add_edge(p.id, p.reports_to, **_styled(g.KIND_REPORTS_TO, 1.0, text, opacity))
    for ch in account.channels:
        kind = ch.kind.value
        arrows = "to, from" if ch.mutual and EDGE_STYLES[kind]["arrows"] else EDGE_STYLES[kind]["arrows"]
        text = f"{n(ch.source)} {'↔' if ch.mutual else '→'} {n(ch.target)}: {kind} (strength {ch.strength:.2f})"
        net.add_edge(ch.source, ch.target,
                     **_styled(kind, 1 + 3 * ch.strength, _edge_tip(text, ch.evidence), opacity, arrows=arrows))
    for r in account.relationships:
        since = f", since {r.since.isoformat()}" if r.since else ""
        text = f"{n(r.member)} (our team) – {n(r.person)}: {_strength_words(r.strength)}{since}"
        net.add_edge(r.member, r.person, **_styled(g.KIND_RELATIONSHIP, 1 + 5 * r.value, _edge_tip(text, r.notes), opacity))
    for cr in account.competitor_relationships:
        text = f"{n(cr.competitor)} (competitor) – {n(cr.person)}: {_strength_words(cr.strength)}"
        net.add_edge(cr.competitor, cr.person,
                     **_styled(g.KIND_COMPETITOR, 1 + 3 * cr.value, _edge_tip(text, cr.notes), opacity))


def _disc_links(relations: list[dict[str, Any]], discs: dict[str, tuple[float, float, float]]) -> list[dict[str, Any]]:
    links = []
    for rel in relations:
        a, b = discs.get(f"dept:{rel.get('a')}"), discs.get(f"dept:{rel.get('b')}")
        if a and b:
            links.append({"a": a, "b": b, "kind": rel.get("kind"), "strength": rel.get("strength", 0.5),
                          "inferred": rel.get("source") == "inferred"})
    return links


@dataclass(frozen=True)
class MapLayout:
    """Where the map puts everything: ``positions[node] = (x, y)``, ``discs[group] =
    (x, y, radius)`` with ``group_names``, node radii ``sizes`` (map pixels), and the
    whole-account graph with its ``levels``. The interactive map and the printed
    one (:mod:`influence_graph.viz.map_svg`) draw the same layout."""

    whole: nx.MultiDiGraph
    levels: dict[str, int]
    positions: dict[str, tuple[float, float]]
    discs: dict[str, tuple[float, float, float]]
    group_names: dict[str, str]
    group_of: dict[str, str]
    sizes: dict[str, float]


def map_layout(account: Account, result: AnalysisResult | Mapping[str, Any]) -> MapLayout:
    """The map's layout of ``account`` styled by its analysis (deterministic)."""
    data = result.to_dict() if hasattr(result, "to_dict") else dict(result)
    return _map_layout(account, _Context(account, data))


def _map_layout(account: Account, ctx: _Context) -> MapLayout:
    whole = g.account_graph(account)
    levels = account.levels()
    group_of, group_names = _groups(account)
    seniority = {node: (levels.get(node, 6), -ctx.people.get(node, {}).get("influence", 0.0), i)
                 for i, node in enumerate(whole)}
    sizes = _sizes(account, ctx)
    positions, discs = layout(whole, group_of, seniority, sizes)
    return MapLayout(whole, levels, positions, discs, group_names, group_of, sizes)


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
    >>> [node["id"] for node in m.nodes], [(e["from"], e["to"]) for e in m.edges]
    (['a', 'b'], [('b', 'a')])
    """
    data = result.to_dict() if hasattr(result, "to_dict") else dict(result)
    ctx = _Context(account, data)
    placed = _map_layout(account, ctx)
    whole, levels, sizes, positions, discs = placed.whole, placed.levels, placed.sizes, placed.positions, placed.discs
    group_names = placed.group_names

    subtitle = [account.opportunity.name] if account.opportunity else []
    subtitle += [f"{len(account.people)} people", f"decision unit of {len(account.decision_unit)}"]
    if data.get("as_of"):
        subtitle.append(f"as of {data['as_of']}")
    net = InfluenceMap(heading=f"Influence map — {account.name}", subtitle=" · ".join(subtitle))
    net.options = _map_options(len(whole))
    _add_people(net, account, ctx, positions, sizes, levels)
    _add_sides(net, account, ctx, positions)
    # Faint lines on big maps: the departments and the key people stay readable.
    _add_edges(net, account, ctx, 0.3 if len(whole) > _LARGE_MAP else 0.85)
    net.discs = [{"name": group_names[group], "x": x, "y": y, "r": r, "kind": group.split(":")[0]}
                 for group, (x, y, r) in discs.items()]
    net.disc_links = _disc_links(data.get("department_relations", []), discs)
    net.departments = [{"id": d.id, "name": d.name or d.id} for d in account.departments]
    net.search_names = [p.name for p in account.people] + [m.name for m in account.team]
    return net
