"""The influence map as a static vector picture for print (the account plan's map page).

It draws the interactive map's own layout (:func:`~influence_graph.viz.influence_map.map_layout`)
and styles (stance colours, edge styles, badges, rings) with every name at 8 pt or
more on the printed page: departments are moved closer together to fill a landscape
page, each keeping its own arrangement of people, and labels are placed where they
overlap least.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from .. import graph as g
from ..analysis.result import Analysis, AnalysisResult, as_analysis
from ..model import Account
from . import svg
from .influence_map import (
    BADGES,
    BORDER_COLOUR,
    COMPETITOR_COLOUR,
    DMU_RING,
    EDGE_STYLES,
    STANCE_COLOURS,
    TEAM_COLOUR,
    UNCOVERED_RING,
    MapLayout,
    map_layout,
    push_apart,
    stance_bucket,
)

# The map page of an A4 landscape plan (277 × 190 mm printable) below its heading and legend.
PAGE_WIDTH_PT, PAGE_HEIGHT_PT = 785.0, 450.0
LABEL_PT, KEY_LABEL_PT, DEPARTMENT_PT = 8.0, 8.5, 8.5
DISC_GAP = 60.0  # map pixels between departments once moved together (room for their names)
MANY_PEOPLE = 150  # above this, only key people and the strongest are named
NAMED_WHEN_MANY = 40


def _reshaped(placed: MapLayout, aspect: float) -> tuple[dict[str, np.ndarray], dict[str, tuple[np.ndarray, float]]]:
    """Disc centres squeezed vertically (``aspect`` ≤ 1) and pushed apart again, each
    disc's people moved with it: the same arrangement, shaped for a landscape page."""
    groups = list(placed.discs)
    centres = np.array([[placed.discs[k][0], placed.discs[k][1] * aspect] for k in groups], dtype=float)
    radii = np.array([placed.discs[k][2] for k in groups], dtype=float)
    moved = push_apart(centres, radii, DISC_GAP, rounds=500) if len(groups) > 1 else centres
    shift = {k: moved[i] - np.array(placed.discs[k][:2]) for i, k in enumerate(groups)}
    positions = {node: np.array(xy) + shift[placed.group_of[node]] for node, xy in placed.positions.items()}
    discs = {k: (moved[i], float(radii[i])) for i, k in enumerate(groups)}
    return positions, discs


def _extent(positions, discs) -> tuple[float, float, float, float]:
    xs = [c[0] - r for c, r in discs.values()] + [c[0] + r for c, r in discs.values()]
    ys = [c[1] - r for c, r in discs.values()] + [c[1] + r for c, r in discs.values()]
    xs += [p[0] for p in positions.values()]
    ys += [p[1] for p in positions.values()]
    return min(xs), min(ys), max(xs), max(ys)


def _fit(placed: MapLayout, width: float, height: float):
    """The reshaping (of a few tried) that prints the map largest, as page coordinates."""
    best = None
    for aspect in (1.0, 0.85, 0.7, 0.55, 0.45):
        positions, discs = _reshaped(placed, aspect)
        x0, y0, x1, y1 = _extent(positions, discs)
        margin = DEPARTMENT_PT * 2.2  # a department's name above its disc
        scale = min(width / max(x1 - x0, 1.0), (height - margin) / max(y1 - y0, 1.0))
        if best is None or scale > best[0] * 1.02:
            best = (scale, positions, discs, (x0, y0, x1, y1), margin)
    scale, positions, discs, (x0, y0, x1, y1), margin = best
    dx = (width - (x1 - x0) * scale) / 2 - x0 * scale
    dy = margin + (height - margin - (y1 - y0) * scale) / 2 - y0 * scale

    def page(p) -> tuple[float, float]:
        return float(p[0] * scale + dx), float(p[1] * scale + dy)

    return scale, {n: page(p) for n, p in positions.items()}, {k: (*page(c), r * scale) for k, (c, r) in discs.items()}


def _badges(a: Analysis) -> dict[str, str]:
    marks: dict[str, list[str]] = {}
    for flag in a.hidden_power:
        marks.setdefault(flag.id, []).append(BADGES["hidden_power"][0])
    for flag in a.figureheads:
        marks.setdefault(flag.id, []).append(BADGES["figurehead"][0])
    for person in a.people:
        if "coach" in person.roles or any(c.id == person.id and c.confirmed for c in a.coach_candidates):
            marks.setdefault(person.id, []).append(BADGES["coach"][0])
    return {pid: " ".join(m) for pid, m in marks.items()}


def _edge_lines(account: Account, at: Mapping[str, tuple[float, float]], radius: Mapping[str, float]) -> list[str]:
    """Every tie as a line between the two nodes' borders, styled as on the interactive map."""
    lines = []

    def line(a: str, b: str, kind: str, width: float, arrow: bool, opacity: float = 0.75) -> None:
        (x0, y0), (x1, y1) = at[a], at[b]
        length = math.hypot(x1 - x0, y1 - y0)
        if length < 1e-6:
            return
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        x0, y0 = x0 + ux * radius[a], y0 + uy * radius[a]
        x1, y1 = x1 - ux * (radius[b] + (1.5 if arrow else 0)), y1 - uy * (radius[b] + (1.5 if arrow else 0))
        style = EDGE_STYLES[kind]
        dash = ""
        if style["dashes"]:
            dash = ' stroke-dasharray="3 2.5"' if style["dashes"] == [6, 6] else ' stroke-dasharray="1 2"'
        marker = f' marker-end="url(#arrow-{kind})"' if arrow else ""
        lines.append(f'<line x1="{svg.num(x0)}" y1="{svg.num(y0)}" x2="{svg.num(x1)}" y2="{svg.num(y1)}" '
                     f'stroke="{style["color"]}" stroke-width="{svg.num(width)}" stroke-opacity="{opacity}"{dash}{marker}/>')

    for person in account.people:
        if person.reports_to:
            line(person.id, person.reports_to, g.KIND_REPORTS_TO, 0.6, False, 0.6)
    for channel in account.channels:
        kind = channel.kind.value
        line(channel.source, channel.target, kind, 0.5 + 1.2 * channel.strength, kind != "rivalry")
        if channel.mutual and kind != "rivalry":
            line(channel.target, channel.source, kind, 0.5 + 1.2 * channel.strength, True)
    for rel in account.relationships:
        line(rel.member, rel.person, g.KIND_RELATIONSHIP, 0.6 + 2.0 * rel.value, False, 0.6)
    for rel in account.competitor_relationships:
        line(rel.competitor, rel.person, g.KIND_COMPETITOR, 0.6 + 1.2 * rel.value, False, 0.8)
    return lines


def _markers() -> str:
    return "<defs>" + "".join(
        f'<marker id="arrow-{kind}" viewBox="0 0 6 6" refX="5" refY="3" markerWidth="4" markerHeight="4" '
        f'orient="auto-start-reverse"><path d="M0,0 L6,3 L0,6 z" fill="{style["color"]}"/></marker>'
        for kind, style in EDGE_STYLES.items() if style["arrows"]
    ) + "</defs>"


def _shape(node: str, side: str, x: float, y: float, r: float, fill: str, stroke: str, width: float, dashed: bool) -> str:
    dash = ' stroke-dasharray="3 2"' if dashed else ""
    paint = f'fill="{fill}" stroke="{stroke}" stroke-width="{svg.num(width)}"{dash}'
    if side == g.SIDE_TEAM:
        return f'<rect x="{svg.num(x - r)}" y="{svg.num(y - r)}" width="{svg.num(2 * r)}" height="{svg.num(2 * r)}" {paint}/>'
    if side == g.SIDE_COMPETITOR:
        points = " ".join(f"{svg.num(x + r * math.cos(t))},{svg.num(y + r * math.sin(t))}"
                          for t in (-math.pi / 2, math.pi / 6, 5 * math.pi / 6))
        return f'<polygon points="{points}" {paint}/>'
    return f'<circle cx="{svg.num(x)}" cy="{svg.num(y)}" r="{svg.num(r)}" {paint}/>'


def map_svg(account: Account, result: AnalysisResult | Analysis | Mapping[str, Any],
            width: float = PAGE_WIDTH_PT, height: float = PAGE_HEIGHT_PT) -> str:
    """The influence map of ``account`` as an SVG ``width`` × ``height`` pt: departments,
    ties, people sized by real power and coloured by stance, the decision unit ringed,
    our team as squares, competitors as triangles, every name at 8 pt or more.

    >>> from influence_graph.model import parse_account
    >>> from influence_graph.analysis import analyze
    >>> a = parse_account({"account": {"id": "x", "name": "X"},
    ...     "people": [{"id": "a", "name": "Ann", "roles": ["decision_maker"]}, {"id": "b", "name": "Bo", "reports_to": "a"}]})
    >>> picture = map_svg(a, analyze(a, as_of="2026-01-01"))
    >>> picture.startswith("<svg") and ">Ann</text>" in picture and ">Bo</text>" in picture
    True
    """
    analysis = as_analysis(result)
    placed = map_layout(account, analysis.to_json_data())
    scale, at, discs = _fit(placed, width, height)
    side = {node: placed.whole.nodes[node].get(g.SIDE, g.SIDE_CUSTOMER) for node in placed.whole}
    radius = {node: max(2.5, placed.sizes[node] * scale) for node in placed.whole}
    body = [_markers(), f'<rect width="{svg.num(width)}" height="{svg.num(height)}" fill="#ffffff"/>']
    placer = svg.LabelPlacer(svg.Box(0, 0, width, height))
    for group, (x, y, r) in sorted(discs.items(), key=lambda item: -item[1][2]):
        body.append(f'<circle cx="{svg.num(x)}" cy="{svg.num(y)}" r="{svg.num(r)}" fill="#f3f5f9" stroke="#d5dbe5" stroke-width="0.6"/>')
    for group, (x, y, r) in discs.items():  # names above their discs, kept clear of people's labels
        name = placed.group_names[group]
        w = svg.text_width(name, DEPARTMENT_PT)
        top = max(DEPARTMENT_PT, y - r - 2.5)
        placer.taken.append(svg.Box(x - w / 2, top - DEPARTMENT_PT, x + w / 2, top + 1))
        body.append(svg.text(x, top, name, DEPARTMENT_PT, "middle", fill="#5a6577", font_weight="600"))
    body += _edge_lines(account, at, radius)

    rows = {p.id: p for p in analysis.people}
    uncovered = {u.id for u in analysis.uncovered_decision_makers}
    dmu = set(analysis.decision_unit)
    for node in placed.whole:
        x, y = at[node]
        placer.add_obstacle(x, y, radius[node])
        if side[node] == g.SIDE_CUSTOMER:
            row = rows[node]
            fill = STANCE_COLOURS[stance_bucket(row.stance if row.stance_known else None)]
            in_dmu = node in dmu
            stroke = UNCOVERED_RING if in_dmu and node in uncovered else DMU_RING if in_dmu else BORDER_COLOUR
            body.append(_shape(node, side[node], x, y, radius[node], fill, stroke, 1.8 if in_dmu else 0.5,
                               in_dmu and node in uncovered))
        else:
            colour = TEAM_COLOUR if side[node] == g.SIDE_TEAM else COMPETITOR_COLOUR
            body.append(_shape(node, side[node], x, y, radius[node], colour, "#1a202c", 0.5, False))

    badges = _badges(analysis)
    key = set(analysis.key_people)
    people = sorted(rows, key=lambda pid: (pid not in key, rows[pid].power_rank))
    if len(people) > MANY_PEOPLE:
        people = [pid for i, pid in enumerate(people) if pid in key or i < NAMED_WHEN_MANY]
    named = people + [m.id for m in analysis.team] + [c.id for c in analysis.competitors]
    for node in named:
        label = analysis.name_of(node) + (f" {badges[node]}" if node in badges else "")
        size = KEY_LABEL_PT if node in key else LABEL_PT
        spot = placer.place(*at[node], radius[node], label, size, bold=node in key, far=True)
        if spot.far:
            body.append(svg.leader(*at[node], radius[node], spot.box))
        x, y, anchor = spot.x, spot.y, spot.anchor
        colour = "#111827" if side[node] == g.SIDE_CUSTOMER else TEAM_COLOUR if side[node] == g.SIDE_TEAM else COMPETITOR_COLOUR
        body.append(svg.label(x, y, label, size, anchor, fill=colour, font_weight="700" if node in key else "400"))
    return svg.svg_root(width, height, body, f"Influence map of {account.name}", "picture map")
