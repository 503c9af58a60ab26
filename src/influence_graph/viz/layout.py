"""Where everyone sits on the map: one box per department, people in rows by level.

Inside a box the most senior people sit in the top row, each level a row below
the last (a long row wraps), and people sit close to the boss they report to.
Every person has a slot at least as wide as their name, so no two labels meet
and no two dots overlap by construction. The boxes are packed in rows (shelves)
in the order given, to a width that fills a landscape screen.

No randomness and no iteration to convergence: the layout is deterministic and
linear in the number of people (5,000 people in a fraction of a second), and a
change in one department moves only the boxes after it.
"""
from __future__ import annotations

import itertools
import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["PRINT", "SCREEN", "Box", "Place", "Spacing", "layout", "text_width"]

LABEL_FONT = 15.0  # people's names, in map units (vis-network's font size)
KEY_FONT = 17.0  # key people's names
TITLE_FONT = 15.0  # department titles
LINE_HEIGHT = 1.25  # label line height, in font sizes
SLOT_MIN, SLOT_MAX = 96.0, 236.0  # a person's slot width: the name, within bounds (longer names wrap)
SLOT_PAD = 18.0  # space between two neighbouring names
HEADER = 34.0  # the band at the top of a box that holds its title
PAD = 14.0  # inside a box, around its people
ROW_ASPECT = 1.6  # a box's columns ≈ sqrt(1.6 · people): boxes come out about square
SCREEN_ASPECT = 1150 / 860  # the map's share of a 1440 × 900 window, beside the side panel
PRINT_ASPECT = 1.75  # the map on an A4 landscape page (277 × 190 mm), the legend below it


@dataclass(frozen=True)
class Spacing:
    """Room left between rows of people and between boxes: generous on screen, tight on paper."""

    row_gap: float  # between a row's labels and the next row's dots
    box_gap: float  # between boxes
    max_radius: float  # the most powerful person's dot
    title_font: float = 15.0  # the size boxes are made wide enough to hold their title at


SCREEN = Spacing(row_gap=20.0, box_gap=26.0, max_radius=36.0)
# On paper the map is scaled down to fit the page and its text is then raised to a
# legible size, so titles are given room for that larger size.
PRINT = Spacing(row_gap=10.0, box_gap=14.0, max_radius=22.0, title_font=18.0)


def text_width(text: str, size: float) -> float:
    """Estimated width of ``text`` drawn at ``size``: wide (CJK) characters are
    one em, others about 0.6 em — a little wider than most sans-serif fonts, so
    that names fit their slots.

    >>> text_width("Ann", 10), text_width("王芳", 10)
    (18.0, 20.0)
    """
    ems = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in text)
    return round(ems * size, 1)


def label_lines(width: float) -> int:
    """How many lines a label of ``width`` takes once wrapped to its slot."""
    return max(1, math.ceil(width / (SLOT_MAX - SLOT_PAD)))


@dataclass(frozen=True)
class Place:
    """One node to seat: its row (a level; lower is higher up), the boss it
    reports to (or None), its radius and its label's width (``text_width``)."""

    id: str
    row: int
    boss: str | None
    radius: float
    label_width: float
    font: float = LABEL_FONT


@dataclass(frozen=True)
class Box:
    """A department's rectangle on the map: top-left corner, width and height."""

    group: str
    title: str
    x: float
    y: float
    w: float
    h: float

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y + self.h / 2)


def _rows(places: Sequence[Place]) -> list[list[Place]]:
    """The box's rows, top to bottom: one per level, wrapped at the box's width;
    within a row, people sit in the order of their bosses above, then as given."""
    columns = max(1, math.ceil(math.sqrt(len(places) * ROW_ASPECT)))
    levels: dict[int, list[Place]] = {}
    for place in places:
        levels.setdefault(place.row, []).append(place)
    rows: list[list[Place]] = []
    column_of: dict[str, float] = {}  # where each seated person sits, as a fraction of the width
    for level in sorted(levels):
        people = levels[level]
        order = {p.id: i for i, p in enumerate(people)}
        people = sorted(people, key=lambda p: (column_of.get(p.boss or "", 0.5), order[p.id]))
        for start in range(0, len(people), columns):
            row = people[start:start + columns]
            for i, place in enumerate(row):
                column_of[place.id] = (i + 0.5) / len(row)
            rows.append(row)
    return rows


def _seat(places: Sequence[Place], row_gap: float) -> tuple[dict[str, tuple[float, float]], float, float]:
    """Positions inside one box relative to its top-left corner, and the box's
    inner width and height (without the title band)."""
    rows = _rows(places)
    slot = min(SLOT_MAX, max(SLOT_MIN, *(min(p.label_width, SLOT_MAX) + SLOT_PAD for p in places),
                             *(2 * p.radius + SLOT_PAD for p in places)))
    width = slot * max(len(row) for row in rows)
    offsets: dict[str, tuple[float, float]] = {}
    y = 0.0
    for row in rows:
        radius = max(p.radius for p in row)
        label = max(label_lines(p.label_width) * p.font * LINE_HEIGHT for p in row)
        left = (width - slot * len(row)) / 2
        for i, place in enumerate(row):
            offsets[place.id] = (left + (i + 0.5) * slot, y + radius)
        y += 2 * radius + label + row_gap
    return offsets, width, y - row_gap


def _shelf_rows(widths: Sequence[float], limit: float, gap: float) -> list[list[int]]:
    """Boxes (by index, in order) into rows no wider than ``limit`` (a box wider than it gets a row)."""
    rows: list[list[int]] = [[]]
    used = 0.0
    for i, w in enumerate(widths):
        if rows[-1] and used + w > limit:
            rows.append([])
            used = 0.0
        rows[-1].append(i)
        used += w + gap
    return rows


def _row_width(row: list[int], sizes: Sequence[tuple[float, float]], gap: float) -> float:
    return sum(sizes[i][0] for i in row) + gap * (len(row) - 1)


def _shelves(sizes: Sequence[tuple[float, float]], aspect: float, gap: float) -> list[tuple[float, float]]:
    """Top-left corners for boxes of ``sizes`` (w, h), in rows (each centred) of
    the width that lets the whole appear largest on a screen ``aspect`` times as
    wide as high: every first-row width is tried, the best kept."""
    widths = [w for w, _ in sizes]
    narrowest = max(widths)

    def extent(rows: list[list[int]]) -> tuple[float, float]:
        width = max(_row_width(row, sizes, gap) for row in rows)
        height = sum(max(sizes[i][1] for i in row) for row in rows) + gap * (len(rows) - 1)
        return width, height

    def shrink(rows: list[list[int]]) -> float:  # how small the whole appears: lower is better
        width, height = extent(rows)
        return max(width / aspect, height)

    # Every width the first row can take is tried (a row breaks only where a box would not fit).
    first_rows = itertools.accumulate(w + gap for w in widths)
    tries = sorted({max(narrowest, width - gap) for width in first_rows})
    rows = min((_shelf_rows(widths, limit, gap) for limit in tries), key=shrink)
    total, _ = extent(rows)
    corners: list[tuple[float, float]] = [(0.0, 0.0)] * len(sizes)
    y = 0.0
    for row in rows:
        x = (total - _row_width(row, sizes, gap)) / 2
        for i in row:
            corners[i] = (x, y)
            x += sizes[i][0] + gap
        y += max(sizes[i][1] for i in row) + gap
    return corners


def layout(
    groups: Mapping[str, Sequence[Place]],
    titles: Mapping[str, str],
    aspect: float = SCREEN_ASPECT,
    spacing: Spacing = SCREEN,
) -> tuple[dict[str, tuple[float, float]], list[Box]]:
    """Positions for every place in ``groups`` (group → its people, most senior
    first; boxes in the mapping's order) and the boxes, titled by ``titles``,
    packed for a screen ``aspect`` times as wide as high. The whole is centred on (0, 0).

    >>> pos, boxes = layout({"d": [Place("a", 1, None, 10, 30), Place("b", 2, "a", 10, 30)]}, {"d": "Dept"})
    >>> pos["a"][0] == pos["b"][0] and pos["a"][1] < pos["b"][1]   # the boss above, straight over the report
    True
    >>> [(b.group, b.title) for b in boxes]
    [('d', 'Dept')]
    """
    seated = {group: _seat(places, spacing.row_gap) for group, places in groups.items() if places}
    sizes = []
    for group, (_, width, height) in seated.items():
        title = text_width(titles[group], spacing.title_font) + 2 * PAD
        sizes.append((max(width + 2 * PAD, title), HEADER + height + PAD))
    corners = _shelves(sizes, aspect, spacing.box_gap)
    total_w = max(x + w for (x, _), (w, _) in zip(corners, sizes))
    total_h = max(y + h for (_, y), (_, h) in zip(corners, sizes))
    positions: dict[str, tuple[float, float]] = {}
    boxes = []
    for (group, (offsets, width, _)), (x, y), (w, h) in zip(seated.items(), corners, sizes):
        x, y = x - total_w / 2, y - total_h / 2
        inner_left = x + (w - width) / 2
        for node, (dx, dy) in offsets.items():
            positions[node] = (round(inner_left + dx, 1), round(y + HEADER + dy, 1))
        boxes.append(Box(group, titles[group], round(x, 1), round(y, 1), round(w, 1), round(h, 1)))
    return positions, boxes
