"""The influence map as a vector picture (SVG) for print: the account plan embeds it.

Same scene, same layout, same colours as the interactive page (``scene``,
``layout``, ``style``), drawn as SVG text and shapes so that it prints sharp at
any size: departments as boxes, people in rows by level, every line styled by
its kind (each style, arrowhead included, defined once), names with their marks,
and a legend underneath. Laid out tighter than on screen (smaller dots, less
room between rows and boxes, packed for an A4 landscape page), so that the
example account fits one A4 landscape page with names at 7 pt or more (the
smallest figure text print journals accept). Every user string is escaped for XML.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import graph as g
from . import layout as lay
from .svg import FONT_FAMILY as FONT, esc as _x
from .scene import Node, Scene, scene
from .style import (
    BADGES,
    BORDER_COLOUR,
    COMPETITOR_COLOUR,
    DMU_RING,
    EDGE_STYLES,
    STANCE_COLOURS,
    TEAM_COLOUR,
    UNCOVERED_RING,
)

if TYPE_CHECKING:
    from ..analysis import AnalysisResult
    from ..analysis.result import Analysis
    from ..model import Account

__all__ = ["map_svg"]

MARGIN = 6.0
LEGEND_ROW = 24.0
LEGEND_FONT = 15.0
MIN_PRINTED_PT = 8.0  # printed at a fixed size, no text is smaller than this

def _n(value: float) -> str:
    """A coordinate: one decimal, no trailing zeros (small files, same bytes every time)."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _defs() -> str:
    """One style per line kind (a CSS class) and one arrowhead per colour."""
    rules = [f".k-{kind}{{stroke:{s.colour};stroke-opacity:{round(0.85 * s.opacity, 2)};fill:none"
             + (f";stroke-dasharray:{' '.join(map(str, s.dashes))}" if s.dashes else "") + "}"
             for kind, s in EDGE_STYLES.items()]
    rules.append(f"text{{font-family:{FONT};fill:#1a202c}}")
    rules.append(".name{paint-order:stroke;stroke:#ffffff;stroke-width:3px;text-anchor:middle}")
    rules.append(".title{font-weight:bold;fill:#4a5568}")
    markers = [f'<marker id="a-{kind}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
               f'orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="{s.colour}"/></marker>'
               for kind, s in EDGE_STYLES.items() if s.arrow]
    return f"<defs><style>{''.join(rules)}</style>{''.join(markers)}</defs>"


def _shape(node: Node) -> str:
    if node.side == g.SIDE_TEAM:
        fill, border, width, dashes = TEAM_COLOUR, "#000000", 1, ""
    elif node.side == g.SIDE_COMPETITOR:
        fill, border, width, dashes = COMPETITOR_COLOUR, "#000000", 1, ""
    else:
        fill = STANCE_COLOURS[node.stance]
        border = UNCOVERED_RING if node.ring == "uncovered" else DMU_RING if node.ring else BORDER_COLOUR
        width = 5 if node.ring else 1
        dashes = ' stroke-dasharray="10 6"' if node.ring == "uncovered" else ""
    paint = f' fill="{fill}" stroke="{border}" stroke-width="{width}"{dashes}'
    x, y, r = node.x, node.y, node.size
    halo = (f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r + 9)}" fill="#117733" fill-opacity="0.35"/>'
            if node.coach else "")
    if node.side == g.SIDE_TEAM:
        return f'<rect x="{_n(x - r)}" y="{_n(y - r)}" width="{_n(2 * r)}" height="{_n(2 * r)}"{paint}/>'
    if node.side == g.SIDE_COMPETITOR:
        points = " ".join(_n(v) for v in (x, y - r, x + r, y + 0.8 * r, x - r, y + 0.8 * r))
        return f'<polygon points="{points}"{paint}/>'
    return f'{halo}<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}"{paint}/>'


def _label(node: Node, floor: float = 0.0) -> str:
    """The name under the node, wrapped as the page wraps it, never smaller than ``floor``."""
    limit = lay.SLOT_MAX - lay.SLOT_PAD
    words, lines, line = node.label.split(" "), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if line and lay.text_width(trial, node.font) > limit:
            lines.append(line)
            line = word
        else:
            line = trial
    lines.append(line)
    weight = ' font-weight="bold"' if node.key else ""
    font = max(node.font, floor)
    top = node.y + node.size + font
    spans = "".join(f'<tspan x="{_n(node.x)}" y="{_n(top + i * font * lay.LINE_HEIGHT)}">{_x(text)}</tspan>'
                    for i, text in enumerate(lines))
    return f'<text class="name" font-size="{_n(font)}"{weight}>{spans}</text>'


def _fitted(text: str, room: float, font: float) -> str:
    """``text``, cut with an ellipsis where it would run past ``room`` (a box's title
    printed larger than the box was laid out for).

    >>> _fitted("Legal & Compliance", 1000, 15), _fitted("Legal & Compliance", 80, 15)
    ('Legal & Compliance', 'Legal &…')
    """
    if lay.text_width(text, font) <= room:
        return text
    while text and lay.text_width(text + "…", font) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def _line(view_nodes: Mapping[str, Node], source: str, target: str, kind: str, width: float, mutual: bool) -> str:
    a, b = view_nodes[source], view_nodes[target]
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy) or 1.0
    # End at the rim of the dot it points to, so the arrowhead shows.
    ax, ay = a.x + dx / length * a.size, a.y + dy / length * a.size
    bx, by = b.x - dx / length * b.size, b.y - dy / length * b.size
    arrows = ""
    if EDGE_STYLES[kind].arrow:
        arrows = f' marker-end="url(#a-{kind})"' + (f' marker-start="url(#a-{kind})"' if mutual else "")
    return (f'<line class="k-{kind}" x1="{_n(ax)}" y1="{_n(ay)}" x2="{_n(bx)}" y2="{_n(by)}" '
            f'stroke-width="{_n(width)}"{arrows}/>')


def _legend(left: float, top: float, width: float, font: float = LEGEND_FONT) -> tuple[str, float]:
    """The legend as rows of entries under the map, its text at ``font``; returns the markup and its height."""
    row = LEGEND_ROW * font / LEGEND_FONT
    entries: list[tuple[str, str]] = []
    for label, colour in STANCE_COLOURS.items():
        entries.append((f'<circle cx="7" cy="-4" r="6" fill="{colour}" stroke="{BORDER_COLOUR}"/>', label))
    entries.append((f'<circle cx="7" cy="-4" r="6" fill="#ffffff" stroke="{DMU_RING}" stroke-width="3"/>',
                    "decision-unit member"))
    entries.append((f'<circle cx="7" cy="-4" r="6" fill="#ffffff" stroke="{UNCOVERED_RING}" stroke-width="3" '
                    f'stroke-dasharray="4 2"/>', "… no one on our team is close to"))
    entries.append((f'<rect x="1" y="-10" width="12" height="12" fill="{TEAM_COLOUR}"/>', "our team"))
    entries.append((f'<polygon points="7,-11 14,2 0,2" fill="{COMPETITOR_COLOUR}"/>', "competitor"))
    for mark, label in BADGES.values():
        entries.append((f'<text x="7" y="0" font-size="{_n(max(13.0, font))}" text-anchor="middle">{_x(mark)}</text>', label))
    for kind, style in EDGE_STYLES.items():
        entries.append((f'<line class="k-{kind}" x1="0" y1="-4" x2="22" y2="-4" stroke-width="3"/>', style.legend))
    column = max(lay.text_width(label, font) for _, label in entries) + 44
    per_row = max(1, int(width // column))
    parts = []
    for i, (symbol, label) in enumerate(entries):
        x, y = left + (i % per_row) * column, top + (i // per_row) * row
        parts.append(f'<g transform="translate({_n(x)},{_n(y)})">{symbol}'
                     f'<text x="28" y="0" font-size="{_n(font)}">{_x(label)}</text></g>')
    rows = math.ceil(len(entries) / per_row)
    return "".join(parts), rows * row


def _draw(view: Scene, fit_pt: tuple[float, float] | None = None) -> str:
    left = min(b.x for b in view.boxes) - MARGIN
    top = min(b.y for b in view.boxes) - MARGIN
    width = max(b.x + b.w for b in view.boxes) + MARGIN - left
    height = max(b.y + b.h for b in view.boxes) + MARGIN - top
    floor = 0.0  # the smallest text, in map units: none unless printed at a fixed size
    for _ in range(8):  # the legend's height depends on its font, the font on the scale: settle both
        legend, legend_height = _legend(left + MARGIN, top + height + LEGEND_ROW, width - 2 * MARGIN,
                                        max(LEGEND_FONT, floor))
        total = height + legend_height + LEGEND_ROW
        needed = MIN_PRINTED_PT / min(fit_pt[0] / width, fit_pt[1] / total) if fit_pt else 0.0
        if needed <= floor * (1 + 1e-9):
            break
        floor = needed * 1.001
    where = {b.group: b for b in view.boxes}
    nodes = {n.id: n for n in view.nodes}
    if fit_pt is None:
        size = 'width="100%"'
    else:  # printed at a fixed size in points, so its text has a known printed size
        scale = min(fit_pt[0] / width, fit_pt[1] / total)
        size = f'class="picture map" width="{_n(width * scale)}pt" height="{_n(total * scale)}pt"'
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{_n(left)} {_n(top)} {_n(width)} {_n(total)}" '
             f'{size} role="img" aria-label="{_x(view.heading)}">',
             f"<title>{_x(view.heading)}</title>", _defs(),
             f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(width)}" height="{_n(total)}" fill="#ffffff"/>']
    for link in view.box_links:
        a, b = where[link["a"]].centre, where[link["b"]].centre
        colour = "#117733" if link["kind"] == "alliance" else "#CC6677"
        dashes = ' stroke-dasharray="18 12"' if link["inferred"] else ""
        parts.append(f'<line x1="{_n(a[0])}" y1="{_n(a[1])}" x2="{_n(b[0])}" y2="{_n(b[1])}" stroke="{colour}" '
                     f'stroke-opacity="0.4" stroke-width="{_n(3 + 6 * link["strength"])}"{dashes}/>')
    for box in view.boxes:
        fill = "#222222" if box.group == "team" else "#718096"
        parts.append(f'<rect x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(box.w)}" height="{_n(box.h)}" rx="10" '
                     f'fill="{fill}" fill-opacity="0.06" stroke="#718096" stroke-opacity="0.45"/>')
        title_font = max(lay.TITLE_FONT, floor)
        parts.append(f'<text class="title" x="{_n(box.x + 10)}" y="{_n(box.y + 22)}" '
                     f'font-size="{_n(title_font)}">{_x(_fitted(box.title, box.w - 14, title_font))}</text>')
    parts += [_line(nodes, ln.source, ln.target, ln.kind, ln.width, ln.mutual) for ln in view.lines]
    parts += [_shape(node) for node in view.nodes]
    parts += [_label(node, floor) for node in view.nodes]
    parts += [legend, "</svg>"]
    return "\n".join(parts) + "\n"


def map_svg(account: Account, result: AnalysisResult | Analysis | Mapping[str, Any],
            fit_pt: tuple[float, float] | None = None) -> str:
    """The whole influence map of ``account`` as one SVG document (text), with a
    legend underneath: for the account plan and anything printed. Deterministic.
    ``fit_pt`` (width, height) sizes it in points to fit that box (the plan's A4
    page); by default it takes the width of whatever holds it.

    >>> from influence_graph.model import parse_account
    >>> from influence_graph.analysis import analyze
    >>> a = parse_account({"account": {"id": "x", "name": "X"},
    ...     "people": [{"id": "a", "name": "Ann <CEO>", "roles": ["decision_maker"]}]})
    >>> svg = map_svg(a, analyze(a, as_of="2026-01-01"))
    >>> svg.startswith("<svg ") and "Ann &lt;CEO&gt;" in svg and "<CEO>" not in svg
    True
    """
    return _draw(scene(account, result, aspect=lay.PRINT_ASPECT, spacing=lay.PRINT), fit_pt)
