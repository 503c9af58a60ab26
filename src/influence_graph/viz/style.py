"""How the map encodes things: colours, line styles, marks — shared by the
interactive page and the vector picture, so both read the same.

Colour-blind safe throughout: stance on ColorBrewer's RdYlBu (blue for us, red
against us), the nine channel kinds on Paul Tol's "muted" qualitative palette,
our relationships black and thick, competitors orange and dotted, reporting
lines grey and dashed. ``tests/test_map.py`` checks that every two line styles
that share a dash pattern stay apart under simulated protan, deutan and tritan
vision.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import graph as g

__all__ = ["BADGES", "EDGE_STYLES", "STANCE_COLOURS", "EdgeStyle", "stance_bucket"]

STANCE_COLOURS = {
    "champion": "#2C7BB6",
    "supporter": "#ABD9E9",
    "neutral": "#FFFFBF",
    "skeptic": "#FDAE61",
    "opponent": "#D7191C",
    "unknown": "#9E9E9E",
}
TEAM_COLOUR = "#222222"
COMPETITOR_COLOUR = "#EE7733"
BORDER_COLOUR = "#4A5568"
DMU_RING = "#111827"
UNCOVERED_RING = "#D7191C"
COACH_GLOW = "rgba(17, 119, 51, 0.85)"  # a confirmed coach's halo
PATH_COLOUR = "#F5B800"  # the warm path, drawn under everything when lit

DASHED, DOTTED = (6, 6), (2, 4)


@dataclass(frozen=True)
class EdgeStyle:
    colour: str
    legend: str
    dashes: tuple[int, ...] = ()
    arrow: bool = True  # from the one who influences to the one influenced
    opacity: float = 1.0  # relative: our relationships, thick and many, are drawn lighter


EDGE_STYLES: dict[str, EdgeStyle] = {
    g.KIND_REPORTS_TO: EdgeStyle("#999999", "reports to", DASHED),
    "advice": EdgeStyle("#117733", "advice"),
    "trust": EdgeStyle("#44AA99", "trust"),
    "friendship": EdgeStyle("#DDCC77", "friendship"),
    "expertise": EdgeStyle("#88CCEE", "expertise"),
    "budget": EdgeStyle("#999933", "budget"),
    "political": EdgeStyle("#882255", "political"),
    "family": EdgeStyle("#AA4499", "family"),
    "alumni": EdgeStyle("#332288", "alumni"),
    "rivalry": EdgeStyle("#CC6677", "rivalry", arrow=False),
    g.KIND_RELATIONSHIP: EdgeStyle(TEAM_COLOUR, "our relationship", arrow=False, opacity=0.6),
    g.KIND_COMPETITOR: EdgeStyle(COMPETITOR_COLOUR, "competitor's tie", DOTTED, arrow=False),
}

# Marks after a name: (mark, what the legend says).
BADGES = {
    "hidden_power": ("★", "hidden power (more than the title)"),
    "figurehead": ("▽", "figurehead (title, little power)"),
    "coach": ("◆", "confirmed coach (green halo)"),
    "candidate": ("◇", "likely coach (a best candidate)"),
}


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
