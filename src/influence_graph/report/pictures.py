"""The account plan's two summary pictures, drawn as SVG for print (8 pt text or more):

- :func:`power_stance_grid`: the stakeholder grid sellers know — real power against
  stance, the decision unit ringed, dot size our coverage (how close our team is);
- :func:`coverage_heatmap`: our team × the decision unit, each cell how close that
  member of ours is to that decision maker (clip, zipper, velcro).
"""
from __future__ import annotations

from ..analysis import wording as say
from ..analysis.result import Analysis
from ..model import CLOSENESS_VALUES
from ..viz import svg
from ..viz.style import DMU_RING, STANCE_COLOURS, TEAM_COLOUR, UNCOVERED_RING, stance_bucket

GRID_WIDTH, GRID_HEIGHT = 340.0, 190.0  # pt: 120 × 67 mm
HEATMAP_WIDTH = 340.0
FONT = 8.0
GREY = "#5a6577"
COVERED = CLOSENESS_VALUES["zipper"]
# Closeness to the fill of a heat-map cell: none, clip, zipper, velcro (light to dark blue).
CLOSENESS_FILLS = [(0.0, "#ffffff"), (CLOSENESS_VALUES["clip"], "#c6dbef"), (COVERED, "#6baed6"), (1.0, "#2171b5")]
LABELLED_OTHERS = 4  # besides the decision unit, the strongest this many are named on the grid (when they fit)


def closeness_fill(strength: float) -> str:
    """The heat map's colour for a relationship strength (the nearest step below it).

    >>> closeness_fill(0), closeness_fill(0.4), closeness_fill(2 / 3), closeness_fill(1)
    ('#ffffff', '#c6dbef', '#6baed6', '#2171b5')
    """
    fill = CLOSENESS_FILLS[0][1]
    for floor, colour in CLOSENESS_FILLS:
        if strength >= floor - 1e-9:
            fill = colour
    return fill


def dot_radius(coverage: float) -> float:
    """A grid dot's radius in pt: 3 with no relationship, up to 8.5 for velcro."""
    return 3.0 + 5.5 * max(0.0, min(coverage, 1.0))


def power_stance_grid(a: Analysis, width: float = GRID_WIDTH, height: float = GRID_HEIGHT) -> str:
    """Real power (up) against stance (right = for us) for every customer person.

    >>> from influence_graph.model import parse_account
    >>> from influence_graph.analysis import analyze
    >>> acct = parse_account({"account": {"id": "x", "name": "X"}, "people": [
    ...     {"id": "a", "name": "Ann", "roles": ["decision_maker"], "stance": "skeptic"}, {"id": "b", "name": "Bo"}]})
    >>> picture = power_stance_grid(analyze(acct, as_of="2026-01-01").analysis)
    >>> ">Ann</text>" in picture and "against us" in picture
    True
    """
    left, right, top, bottom = 34.0, 8.0, 14.0, 26.0
    plot_w, plot_h = width - left - right, height - top - bottom
    powers = [p.influence for p in a.people] or [0.0]
    # From just under the least power to just over the most: everyone spread over the height.
    floor, ceiling = min(powers) * 0.9, max(powers) * 1.06
    if ceiling - floor < 1e-9:
        floor, ceiling = 0.0, (ceiling or 1.0)

    def at(stance: float, power: float) -> tuple[float, float]:
        return left + (stance + 1) / 2 * plot_w, top + plot_h * (1 - (power - floor) / (ceiling - floor))

    body = [f'<rect width="{svg.num(width)}" height="{svg.num(height)}" fill="#ffffff"/>']
    mid_x = left + plot_w / 2
    # The top power holders sit above the line: the people who decide.
    ranked = sorted((p.influence for p in a.people), reverse=True)
    line_power = ranked[min(4, len(ranked) - 1)] if ranked else 0.0
    _, line_y = at(0, line_power * 0.97)
    body += [
        f'<rect x="{svg.num(left)}" y="{svg.num(top)}" width="{svg.num(plot_w / 2)}" height="{svg.num(line_y - top)}" fill="#fdecea"/>',
        f'<rect x="{svg.num(mid_x)}" y="{svg.num(top)}" width="{svg.num(plot_w / 2)}" height="{svg.num(line_y - top)}" fill="#e8f5e9"/>',
        f'<rect x="{svg.num(left)}" y="{svg.num(top)}" width="{svg.num(plot_w)}" height="{svg.num(plot_h)}" fill="none" stroke="#c9d0db" stroke-width="0.6"/>',
        f'<line x1="{svg.num(mid_x)}" y1="{svg.num(top)}" x2="{svg.num(mid_x)}" y2="{svg.num(top + plot_h)}" stroke="#c9d0db" stroke-width="0.6"/>',
        f'<line x1="{svg.num(left)}" y1="{svg.num(line_y)}" x2="{svg.num(left + plot_w)}" y2="{svg.num(line_y)}" stroke="#9aa5b5" stroke-width="0.6" stroke-dasharray="3 2"/>',
        svg.text(left + 3, top + FONT + 1, "powerful, against us", FONT, fill="#b42318"),
        svg.text(left + plot_w - 3, top + FONT + 1, "powerful, for us", FONT, "end", fill="#1b7a35"),
        svg.text(left, height - bottom + FONT + 4, f"{say.MINUS}1 against us", FONT, fill=GREY),
        svg.text(mid_x, height - bottom + FONT + 4, "neutral or unknown", FONT, "middle", fill=GREY),
        svg.text(left + plot_w, height - bottom + FONT + 4, "+1 for us", FONT, "end", fill=GREY),
        svg.text(mid_x, height - 3, "stance toward us", FONT, "middle", fill=GREY),
        f'<text x="9" y="{svg.num(top + plot_h / 2)}" font-size="{svg.num(FONT)}" text-anchor="middle" fill="{GREY}" '
        f'transform="rotate(-90 9 {svg.num(top + plot_h / 2)})">real power</text>',
        svg.text(left - 3, top + FONT, say.percent(ceiling, 1 if ceiling < 0.1 else 0), FONT, "end", fill=GREY),
        svg.text(left - 3, top + plot_h, say.percent(floor, 1 if floor < 0.1 else 0), FONT, "end", fill=GREY),
    ]
    placer = svg.LabelPlacer(svg.Box(left, top, left + plot_w, top + plot_h))
    for words, x, anchor in (("powerful, against us", left + 3, "start"), ("powerful, for us", left + plot_w - 3, "end")):
        w = svg.text_width(words, FONT)
        x0 = x if anchor == "start" else x - w
        placer.taken.append(svg.Box(x0, top, x0 + w, top + FONT + 3))
    uncovered = {u.id for u in a.uncovered_decision_makers}
    people = sorted(a.people, key=lambda p: -p.influence)
    spots: dict[str, tuple[float, float, float]] = {}
    for person in people:  # the strongest first: they keep their exact place
        x, y = at(person.stance_value, person.influence)
        r = dot_radius(person.coverage)
        x = _dodge(x, y, r, spots.values(), left + r, left + plot_w - r)
        spots[person.id] = (x, y, r)
        placer.add_obstacle(x, y, r)
    for person in sorted(people, key=lambda p: (not p.in_dmu, -p.influence)):  # the unit on top
        x, y, r = spots[person.id]
        fill = STANCE_COLOURS[stance_bucket(person.stance if person.stance_known else None)]
        if person.in_dmu:
            ring = UNCOVERED_RING if person.id in uncovered else DMU_RING
            dash = ' stroke-dasharray="2.5 1.5"' if person.id in uncovered else ""
            body.append(f'<circle cx="{svg.num(x)}" cy="{svg.num(y)}" r="{svg.num(r)}" fill="{fill}" stroke="{ring}" '
                        f'stroke-width="1.6"{dash}/>')
        else:
            body.append(f'<circle cx="{svg.num(x)}" cy="{svg.num(y)}" r="{svg.num(r)}" fill="{fill}" '
                        f'fill-opacity="0.85" stroke="#6b7280" stroke-width="0.5"/>')
    # Named: the decision unit, then the strongest others and confirmed coaches, as many as fit.
    confirmed = {c.id for c in a.coach_candidates if c.confirmed}
    others = [p for p in people if not p.in_dmu][:LABELLED_OTHERS]
    named = [p for p in people if p.in_dmu] + [p for p in people if not p.in_dmu and (p in others or p.id in confirmed)]
    for person in named:
        x, y, r = spots[person.id]
        bold = person.in_dmu
        spot = placer.place(x, y, r, person.name, FONT, bold=bold, far=True)
        if spot.clash and not person.in_dmu:
            continue  # a crowded spot: the decision unit is always named, the others when they fit
        if spot.far:
            body.append(svg.leader(x, y, r, spot.box))
        body.append(svg.text(spot.x, spot.y, person.name, FONT, spot.anchor, fill="#111827",
                             font_weight="700" if bold else "400"))
    return svg.svg_root(width, height, body, "Power × stance: who decides and where they stand", "picture grid")


def _dodge(x: float, y: float, r: float, placed, low: float, high: float, limit: float = 24.0) -> float:
    """A dot's x, nudged sideways (right, left, further out) until it hides no dot
    already placed, within ``limit`` pt; its place if nothing closer is free.

    >>> _dodge(10, 10, 3, [(10, 10, 3)], 0, 100)
    17.5
    """
    def free(cx: float) -> bool:
        return low <= cx <= high and all((cx - px) ** 2 + (y - py) ** 2 >= (r + pr + 0.5) ** 2 for px, py, pr in placed)

    step = 1.5
    for k in range(int(limit / step) + 1):
        for cx in (x + k * step, x - k * step):
            if free(cx):
                return cx
    return x


def _header_lines(name: str, width: float) -> list[str]:
    """A name as a column header ``width`` pt wide: the bracketed part (the name in
    Chinese characters) on a line of its own, words split over lines when too wide.

    >>> _header_lines("Wang Fang (王芳)", 60), _header_lines("Zhao Ming (赵明)", 30)
    (['Wang Fang', '王芳'], ['Zhao', 'Ming', '赵明'])
    """
    first, bracket = name, ""
    if name.endswith(")") and " (" in name:
        first, _, rest = name.partition(" (")
        bracket = rest[:-1]
    lines = [first] if svg.text_width(first, FONT, bold=True) <= width else first.split()
    return [line for line in lines if line] + ([bracket] if bracket else [])


def coverage_heatmap(a: Analysis, width: float = HEATMAP_WIDTH) -> str:
    """Our team (rows) × the decision unit (columns): how close each of us is to each of them.

    >>> from influence_graph.model import parse_account
    >>> from influence_graph.analysis import analyze
    >>> acct = parse_account({"account": {"id": "x", "name": "X"},
    ...     "people": [{"id": "a", "name": "Ann", "roles": ["decision_maker"]}],
    ...     "team": [{"id": "me", "name": "Me"}], "relationships": [{"member": "me", "person": "a", "strength": "velcro"}]})
    >>> picture = coverage_heatmap(analyze(acct, as_of="2026-01-01").analysis)
    >>> ">velcro</text>" in picture and ">Me</text>" in picture
    True
    """
    matrix = a.relationship_depth.coverage
    dmu = [pid for pid in a.decision_unit if any(pid == p.id for p in a.people)]
    team = [m for m in a.team if m.id in matrix] or a.team
    names = [m.name for m in team]
    label_w = max([svg.text_width(n, FONT) for n in names] + [svg.text_width("closest", FONT)]) + 8
    cols = max(len(dmu), 1)
    cell_w = (width - label_w) / cols
    cell_h = 16.0
    wordy = cell_w >= svg.text_width("nobody", FONT) + 4
    body: list[str] = []
    heads = [_header_lines(a.person(pid).name, cell_w - 3) for pid in dmu]
    header_h = max([len(h) for h in heads] + [2]) * (FONT + 2) + 6
    for j, (pid, lines) in enumerate(zip(dmu, heads)):
        person = a.person(pid)
        cx = label_w + (j + 0.5) * cell_w
        colour = UNCOVERED_RING if person.coverage < COVERED - 1e-9 else "#111827"
        for k, line in enumerate(lines):
            body.append(svg.text(cx, (k + 1) * (FONT + 2), line, FONT, "middle", fill=colour,
                                 font_weight="700" if k == 0 else "400"))
    for i, member in enumerate(team):
        y = header_h + i * cell_h
        body.append(svg.text(label_w - 6, y + cell_h / 2 + FONT * 0.35, member.name, FONT, "end", fill=TEAM_COLOUR,
                             font_weight="700" if member.lead else "400"))
        for j, pid in enumerate(dmu):
            strength = matrix.get(member.id, {}).get(pid, 0.0)
            x = label_w + j * cell_w
            fill = closeness_fill(strength)
            body.append(f'<rect x="{svg.num(x + 0.5)}" y="{svg.num(y + 0.5)}" width="{svg.num(cell_w - 1)}" '
                        f'height="{svg.num(cell_h - 1)}" fill="{fill}" stroke="#e1e6ee" stroke-width="0.5"/>')
            if strength > 0:
                word = say.closeness(strength)
                shown = word if wordy else word[0]
                ink = "#ffffff" if strength >= COVERED - 1e-9 else "#1d2430"
                body.append(svg.text(x + cell_w / 2, y + cell_h / 2 + FONT * 0.35, shown, FONT, "middle", fill=ink))
    y = header_h + len(team) * cell_h
    body.append(svg.text(label_w - 6, y + cell_h / 2 + FONT * 0.35, "closest", FONT, "end", fill=GREY, font_style="italic"))
    for j, pid in enumerate(dmu):
        person = a.person(pid)
        x = label_w + j * cell_w
        covered = person.coverage >= COVERED - 1e-9
        word = "covered" if covered else "thin" if person.coverage > 0 else "nobody"
        shown = word if wordy else word[0]
        body.append(svg.text(x + cell_w / 2, y + cell_h / 2 + FONT * 0.35, shown, FONT, "middle",
                             fill="#1b7a35" if covered else UNCOVERED_RING, font_weight="700"))
    if not dmu:
        body.append(svg.text(width / 2, header_h + cell_h / 2, "No decision unit recorded", FONT, "middle", fill=GREY))
    height = header_h + (len(team) + 1) * cell_h + 4
    background = f'<rect width="{svg.num(width)}" height="{svg.num(height)}" fill="#ffffff"/>'
    return svg.svg_root(width, height, [background, *body], "Coverage: our team × the decision unit", "picture heatmap")
