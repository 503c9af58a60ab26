"""Small pieces for drawing static SVG pictures for print: escaping, text width,
label placement without overlaps, and the document root.

Every picture is drawn in points: its ``viewBox`` is its printed size in pt, so a
``font-size`` in the SVG is the printed size (the plan's tests rely on it).
"""
from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from ..analysis.wording import clean

# The same CJK-capable font stack as the HTML pages and the interactive map.
FONT_FAMILY = 'system-ui, "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif'
MIN_FONT_PT = 8.0  # nothing printed smaller than this


def esc(text: object) -> str:
    """Text for an SVG element or attribute: every markup character escaped, and
    control characters (which XML does not allow) made spaces.

    >>> esc('<b a="1">&\\x1b')
    '&lt;b a=&quot;1&quot;&gt;&amp; '
    """
    return html.escape(clean(str(text)), quote=True)


def num(value: float) -> str:
    """A coordinate, short and stable: ``12.3``, ``-4``.

    >>> num(12.345), num(-4.0), num(-0.001)
    ('12.35', '-4', '0')
    """
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def text_width(text: str, size: float, bold: bool = False) -> float:
    """An estimate of the printed width of ``text`` at ``size`` pt: wide (CJK)
    characters take a full em, others about 0.56 em (a sans-serif average), a
    tenth more in bold.

    >>> text_width("Li Na", 10), text_width("李娜", 10), text_width("Li Na", 10, bold=True)
    (28.0, 20.0, 30.8)
    """
    width = 0.0
    for ch in text:
        width += 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.56
    return round(width * size * (1.1 if bold else 1.0), 2)


def svg_root(width: float, height: float, body: Iterable[str], label: str, css_class: str = "picture") -> str:
    """An ``<svg>`` element ``width`` × ``height`` pt whose user unit is the point."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{esc(css_class)}" role="img" aria-label="{esc(label)}" '
        f'width="{num(width)}pt" height="{num(height)}pt" viewBox="0 0 {num(width)} {num(height)}" '
        f'font-family="{esc(FONT_FAMILY)}">'
        f"<title>{esc(label)}</title>" + "".join(body) + "</svg>"
    )


def text(x: float, y: float, content: str, size: float = MIN_FONT_PT, anchor: str = "start", **attrs: str) -> str:
    """A ``<text>`` element; ``size`` is never below :data:`MIN_FONT_PT`."""
    extra = "".join(f' {key.replace("_", "-")}="{esc(value)}"' for key, value in attrs.items())
    size = max(size, MIN_FONT_PT)
    return (f'<text x="{num(x)}" y="{num(y)}" font-size="{num(size)}" text-anchor="{anchor}"{extra}>'
            f"{esc(content)}</text>")


def label(x: float, y: float, content: str, size: float, anchor: str, **attrs: str) -> str:
    """A label on a white box (so lines under it do not hide it), as one box and one
    ``<text>``: printed, the name is in the PDF's text once."""
    w, h = text_width(content, size, bold=attrs.get("font_weight") == "700"), size * 1.2
    x0 = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
    box = (f'<rect x="{num(x0 - 1)}" y="{num(y - size * 0.95)}" width="{num(w + 2)}" height="{num(h)}" '
           f'fill="#ffffff" fill-opacity="0.78" rx="1.5"/>')
    return box + text(x, y, content, size, anchor, **attrs)


class Spot(NamedTuple):
    """A label's place: ``x``, ``y`` (the baseline) and ``anchor`` for its ``<text>``;
    ``clash`` when every spot tried overlaps something; ``far`` when it sits a line away
    from its dot (draw a leader to it); ``box`` the room it takes."""

    x: float
    y: float
    anchor: str
    clash: bool
    far: bool
    box: Box


def leader(x: float, y: float, r: float, box: Box) -> str:
    """A faint line from a dot's edge to the label placed away from it."""
    tx, ty = min(max(x, box.x0), box.x1), min(max(y, box.y0), box.y1)
    length = max(((tx - x) ** 2 + (ty - y) ** 2) ** 0.5, 1e-9)
    sx, sy = x + (tx - x) / length * r, y + (ty - y) / length * r
    return (f'<line x1="{num(sx)}" y1="{num(sy)}" x2="{num(tx)}" y2="{num(ty)}" stroke="#9aa5b5" '
            f'stroke-width="0.5"/>')


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlap(self, other: Box) -> float:
        dx = min(self.x1, other.x1) - max(self.x0, other.x0)
        dy = min(self.y1, other.y1) - max(self.y0, other.y0)
        return dx * dy if dx > 0 and dy > 0 else 0.0

    def outside(self, area: Box) -> float:
        """How much of this box lies outside ``area``."""
        inside = self.overlap(area)
        return (self.x1 - self.x0) * (self.y1 - self.y0) - inside


class LabelPlacer:
    """Places labels next to points, each where it overlaps the labels and dots
    placed so far least (right, left, above, below, then the diagonals), inside
    ``area``. Place the most important labels first: they get the best spots.

    >>> placer = LabelPlacer(Box(0, 0, 200, 100))
    >>> placer.add_obstacle(50, 50, 3)
    >>> first = placer.place(50, 50, 3, "Zhao Ming", 8)
    >>> second = placer.place(50, 50, 3, "Li Na", 8)
    >>> (first.anchor, first.clash), (second.anchor, second.clash)
    (('start', False), ('end', False))
    """

    def __init__(self, area: Box):
        self.area = area
        self.taken: list[Box] = []

    def add_obstacle(self, x: float, y: float, r: float) -> None:
        self.taken.append(Box(x - r, y - r, x + r, y + r))

    def place(self, x: float, y: float, r: float, label: str, size: float, bold: bool = False,
              far: bool = False) -> Spot:
        """Where to put a ``<text>`` of ``label`` beside the dot at (x, y) of radius r (see
        :class:`Spot`). ``far`` also tries spots a label's height further out."""
        w, h = text_width(label, size, bold), size * 1.15
        options = []
        for gap in (2.0, 2.0 + h) if far else (2.0,):
            d = r + gap
            options += [  # (text x, baseline y, anchor, box, far out)
                (x + d, y + h * 0.35, "start", Box(x + d, y - h / 2, x + d + w, y + h / 2), gap > 2.0),
                (x - d, y + h * 0.35, "end", Box(x - d - w, y - h / 2, x - d, y + h / 2), gap > 2.0),
                (x, y - d - h * 0.2, "middle", Box(x - w / 2, y - d - h, x + w / 2, y - d), gap > 2.0),
                (x, y + d + h * 0.8, "middle", Box(x - w / 2, y + d, x + w / 2, y + d + h), gap > 2.0),
                (x + d * 0.75, y - d * 0.75 - h * 0.2, "start", Box(x + d * 0.75, y - d * 0.75 - h, x + d * 0.75 + w, y - d * 0.75), gap > 2.0),
                (x - d * 0.75, y - d * 0.75 - h * 0.2, "end", Box(x - d * 0.75 - w, y - d * 0.75 - h, x - d * 0.75, y - d * 0.75), gap > 2.0),
                (x + d * 0.75, y + d * 0.75 + h * 0.8, "start", Box(x + d * 0.75, y + d * 0.75, x + d * 0.75 + w, y + d * 0.75 + h), gap > 2.0),
                (x - d * 0.75, y + d * 0.75 + h * 0.8, "end", Box(x - d * 0.75 - w, y + d * 0.75, x - d * 0.75, y + d * 0.75 + h), gap > 2.0),
            ]

        def cost(option) -> float:
            box = option[3]
            return sum(box.overlap(t) for t in self.taken) + 4 * box.outside(self.area)

        best = min(options, key=cost)  # min keeps the first of equal costs: right of the dot, close
        clash = cost(best) > 0.5
        self.taken.append(best[3])
        return Spot(best[0], best[1], best[2], clash, best[4], best[3])
