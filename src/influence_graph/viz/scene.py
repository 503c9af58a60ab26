"""What the map shows, decided once for every way of drawing it: each node with
its place, size, colour, ring and marks, each line with its kind, each
department's box, the warm paths, and the tooltips. The interactive page
(``influence_map``) and the vector picture (``map_svg``) both draw a ``Scene``.
"""
from __future__ import annotations

import functools
import html
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import graph as g
from ..analysis.wording import closeness_explained, join, strength_word, top_share
from ..analysis.result import Analysis, DepartmentRelationRow, PersonRow, as_analysis
from ..model import Account, Person
from . import layout as lay
from .style import BADGES, stance_bucket

if TYPE_CHECKING:
    from ..analysis import AnalysisResult

__all__ = ["Line", "Node", "Scene", "scene", "seats"]

MIN_SIZE, SIDE_NODE_SIZE = 10.0, 16.0
LEGIBLE_KEY_PEOPLE = 40  # at most this many names are kept legible when zoomed out


@dataclass
class Node:
    id: str
    name: str
    label: str  # the name and its marks
    side: str  # graph.SIDE_*
    group: str  # the box it sits in
    x: float = 0.0
    y: float = 0.0
    size: float = MIN_SIZE
    stance: str = "unknown"  # the stance bucket: its colour
    ring: str = ""  # "", "dmu", or "uncovered" (a decision-unit member no one on our team is close to)
    marks: list[str] = field(default_factory=list)
    key: bool = False  # a key person: name kept legible
    coach: bool = False  # a confirmed coach: a halo
    font: float = lay.LABEL_FONT
    tip: str = ""  # tooltip HTML, every user string escaped
    search: str = ""  # what "Find a person" matches
    departments: list[str] = field(default_factory=list)  # its department and those above it


@dataclass
class Line:
    source: str
    target: str
    kind: str
    width: float
    mutual: bool = False
    note: str = ""  # how strong, in words
    evidence: str = ""  # the user's own words (raw; escaped where drawn)


@dataclass
class Scene:
    heading: str
    subtitle: str
    nodes: list[Node]
    lines: list[Line]
    boxes: list[lay.Box]
    box_links: list[dict[str, Any]]  # alliances and rivalries between departments
    paths: dict[str, dict[str, Any]]  # uncovered decision maker → {ids, words}
    departments: list[dict[str, str]]
    key_people: list[str]  # whose names stay legible when zoomed out, most powerful first


_e = functools.partial(html.escape, quote=True)


def _line(text_html: str) -> str:
    return f"<div>{text_html}</div>"


def _reason_list(heading: str, reasons: Iterable[str]) -> str:
    items = "".join(f"<li>{_e(r)}</li>" for r in reasons)
    return f'<div class="ig-why">{_e(heading)}</div><ul>{items}</ul>' if items else ""


def _stance(person: Person) -> str | float:
    """The stance as given: a label, or a number."""
    return person.stance.value if hasattr(person.stance, "value") else float(person.stance)


class _Facts:
    """What the map needs from the account and the typed analysis, indexed by id."""

    def __init__(self, account: Account, analysis: Analysis):
        self.analysis = analysis
        self.departments = {d.id: d.name for d in analysis.departments}
        self.rows = {row.id: row for row in analysis.people}
        self.total = len(analysis.people)
        by_brokerage = sorted((row for row in analysis.people if row.brokerage > 0),
                              key=lambda row: (-row.brokerage, row.power_rank))
        self.broker_rank = {row.id: i + 1 for i, row in enumerate(by_brokerage)}
        self.hidden = {e.id: e for e in analysis.hidden_power}
        self.figureheads = {e.id: e for e in analysis.figureheads}
        self.candidates = {e.id: e for e in analysis.coach_candidates}
        self.confirmed = {e.id for e in analysis.coach_candidates if e.confirmed}
        # Only the likely coaches the analysis picked get the mark, never a weak candidate or a figurehead.
        self.likely = [e.id for e in analysis.coach_candidates if e.likely]
        marked = set(self.hidden) | self.confirmed | set(self.likely)
        # Whose names stay legible: the analysis' key people and everyone with a mark, most powerful first.
        self.key = [row.id for row in sorted(analysis.people, key=lambda row: row.power_rank)
                    if row.key or row.id in marked]
        self.uncovered = {u.id: u for u in analysis.uncovered_decision_makers}
        self.follow_ups = {f.id: f for f in analysis.follow_ups}
        self.risks: dict[str, list[str]] = defaultdict(list)
        for risk in analysis.risks:
            for pid in risk.ids:
                self.risks[pid].append(risk.message)
        self.ours: dict[str, list[str]] = defaultdict(list)
        self.theirs: dict[str, list[str]] = defaultdict(list)
        name = analysis.name_of
        for r in account.relationships:
            words = closeness_explained(r.value)
            self.ours[r.person].append(f"{name(r.member)} ({words})")
            self.ours[r.member].append(f"{name(r.person)} ({words})")
        for r in account.competitor_relationships:
            words = closeness_explained(r.value)
            self.theirs[r.person].append(f"{name(r.competitor)} ({words})")
            self.theirs[r.competitor].append(f"{name(r.person)} ({words})")

    def marks(self, pid: str) -> list[str]:
        marks = [BADGES[k][0] for k, flagged in (("hidden_power", self.hidden), ("figurehead", self.figureheads))
                 if pid in flagged]
        if pid in self.confirmed:
            marks.append(BADGES["coach"][0])
        elif pid in self.likely:
            marks.append(BADGES["candidate"][0])
        return marks


# ------------------------------------------------------------------ tooltips


def _who(person: Person, row: PersonRow, facts: _Facts, marks: list[str]) -> list[str]:
    """Name, title, department, level, roles, stance."""
    parts = [f"<b>{_e(person.name)}</b> {_e(' '.join(marks))}".rstrip()]
    where = [w for w in (person.title, facts.departments.get(row.department or "")) if w]
    if where:
        parts.append(_line(_e(" · ".join(where))))
    roles = ", ".join(r.replace("_", " ") for r in row.roles)
    parts.append(_line(_e(f"Level {row.level}" + (f" · {roles}" if roles else ""))))
    stance = _stance(person)
    # A stance given as a number reads as the label it is closest to, as its colour does.
    words = f"leaning {stance_bucket(stance)}" if isinstance(stance, float) else row.stance_word
    parts.append(_line(f"Stance: {_e(words)}"))
    return parts


def _standing(row: PersonRow, facts: _Facts) -> list[str]:
    """Real power and brokerage in words, decision-unit membership, who on each side knows them."""
    rank, total = row.power_rank, facts.total
    parts = [_line(_e(f"Real power: #{rank} of {total} ({top_share(rank, total)})"))]
    broker = facts.broker_rank.get(row.id)
    if broker and broker / total <= 0.25:
        parts.append(_line(_e(f"Sits between groups: {top_share(broker, total)} as a broker")))
    if row.in_dmu:
        parts.append(_line("<b>In the decision unit</b>"))
    if facts.ours.get(row.id):
        parts.append(_line(f"Our team: {_e(join(facts.ours[row.id]))}"))
    if facts.theirs.get(row.id):
        parts.append(_line(f"Competitors: {_e(join(facts.theirs[row.id]))}"))
    return parts


def _why(pid: str, facts: _Facts) -> list[str]:
    """The analysis' reasons: flags, coverage gap and warm path, follow-up, risks."""
    parts = []
    if pid in facts.hidden:
        parts.append(_reason_list("Why ★ hidden power:", facts.hidden[pid].reasons))
    if pid in facts.figureheads:
        parts.append(_reason_list("Why ▽ figurehead:", facts.figureheads[pid].reasons))
    if pid in facts.confirmed:
        parts.append(_reason_list("◆ Confirmed coach:", facts.candidates[pid].reasons))
    elif pid in facts.likely:
        parts.append(_reason_list("Why ◇ likely coach:", facts.candidates[pid].reasons))
    uncovered = facts.uncovered.get(pid)
    if uncovered:
        parts.append(_reason_list("Not covered by our team:", uncovered.reasons or ["no one on our team is close"]))
        if uncovered.path:
            parts.append(_line("<i>Click to light up the warm path.</i>"))
    follow = facts.follow_ups.get(pid)
    if follow:
        since = f", {follow.days_since} days since the last touch" if follow.days_since is not None else ""
        touches = f"{follow.touches} touch" + ("" if follow.touches == 1 else "es")
        parts.append(_line(_e(f"Follow-up: {follow.status}{since} ({touches})")))
    parts.append(_reason_list("Risks:", facts.risks.get(pid, [])))
    return parts


def _person_tip(person: Person, facts: _Facts) -> str:
    """The tooltip of a customer person: HTML in which every user string is escaped."""
    row = facts.rows[person.id]
    parts = _who(person, row, facts, facts.marks(person.id)) + _standing(row, facts)
    return "".join(parts + _why(person.id, facts))


def _side_tip(name: str, subtitle: str, ties: list[str], risks: list[str]) -> str:
    """The tooltip of a team member or competitor."""
    parts = [f"<b>{_e(name)}</b>", _line(_e(subtitle))]
    if ties:
        parts.append(_line(f"Relationships: {_e(join(ties))}"))
    parts.append(_reason_list("Risks:", risks))
    return "".join(parts)


# --------------------------------------------------------------------- nodes


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


def _box_order(account: Account) -> list[tuple[str, str]]:
    """(group, title) of every box in reading order: the department tree depth
    first (a division, then its sub-departments), people without a department,
    then our team and the competitors."""
    children: dict[str | None, list[str]] = defaultdict(list)
    known = {d.id for d in account.departments}
    for d in account.departments:
        children[d.parent if d.parent in known else None].append(d.id)
    names = {d.id: d.name or d.id for d in account.departments}
    order: list[tuple[str, str]] = []
    seen: set[str] = set()

    def visit(dept: str) -> None:
        if dept in seen:
            return
        seen.add(dept)
        order.append((f"dept:{dept}", names[dept]))
        for child in children[dept]:
            visit(child)

    for root in children[None]:
        visit(root)
    for d in account.departments:  # in a cycle of parents: still shown
        visit(d.id)
    return order + [("none", "No department"), ("team", "Our team"), ("competitors", "Competitors")]


def _sizes(account: Account, facts: _Facts, largest: float) -> dict[str, float]:
    """Node radius: people by influence (area grows with it, up to ``largest``), our team and competitors fixed."""
    strongest = max((row.influence for row in facts.rows.values()), default=0.0)
    sizes = {}
    for person in account.people:
        share = facts.rows[person.id].influence / strongest if strongest > 0 else 0.0
        sizes[person.id] = round(MIN_SIZE + (largest - MIN_SIZE) * math.sqrt(max(share, 0.0)), 1)
    sizes.update({item.id: SIDE_NODE_SIZE for item in [*account.team, *account.competitors]})
    return sizes


def _people(account: Account, facts: _Facts, sizes: Mapping[str, float]) -> list[Node]:
    legible = set(facts.key[:LEGIBLE_KEY_PEOPLE])
    chains = _department_chain(account)
    nodes = []
    for person in account.people:
        in_dmu = facts.rows[person.id].in_dmu
        marks = facts.marks(person.id)
        key = person.id in legible
        nodes.append(Node(
            id=person.id, name=person.name, label=" ".join([person.name, *marks]), side=g.SIDE_CUSTOMER,
            group=f"dept:{person.department}" if person.department else "none", size=sizes[person.id],
            stance=stance_bucket(_stance(person)),
            ring=("uncovered" if person.id in facts.uncovered else "dmu") if in_dmu else "",
            marks=marks, key=key, coach=person.id in facts.confirmed,
            font=lay.KEY_FONT if key else lay.LABEL_FONT,
            tip=_person_tip(person, facts),
            search=" ".join(filter(None, [person.name, person.title])),
            departments=chains.get(person.department or "", []),
        ))
    return nodes


def _sides(account: Account, facts: _Facts) -> list[Node]:
    nodes = []
    for side, items, group in ((g.SIDE_TEAM, account.team, "team"), (g.SIDE_COMPETITOR, account.competitors, "competitors")):
        for item in items:
            title = getattr(item, "title", None) or ""
            role = (getattr(item, "role", None) or "").replace("_", " ")
            subtitle = " · ".join(filter(None, [title, role if role.lower() != title.lower() else ""]))
            ties = facts.ours[item.id] if side == g.SIDE_TEAM else facts.theirs[item.id]
            fallback = "Our team" if side == g.SIDE_TEAM else "Competitor"
            nodes.append(Node(
                id=item.id, name=item.name, label=item.name, side=side, group=group, size=SIDE_NODE_SIZE,
                tip=_side_tip(item.name, subtitle or fallback, ties, facts.risks.get(item.id, [])),
                search=" ".join(filter(None, [item.name, subtitle])),
            ))
    return nodes


def _seats(account: Account, nodes: list[Node], facts: _Facts) -> tuple[dict[str, list[lay.Place]], dict[str, str]]:
    """What the layout is given: each box's people (most powerful first) and each box's title."""
    bosses = {p.id: p.reports_to for p in account.people}
    levels = {row.id: row.level for row in facts.rows.values()}
    team_levels = {m.id: getattr(m, "level", None) or 3 for m in account.team}
    order = _box_order(account)
    members: dict[str, list[lay.Place]] = {group: [] for group, _ in order}
    last = facts.total + 1
    by_power = sorted(nodes, key=lambda n: facts.rows[n.id].power_rank if n.id in facts.rows else last)
    for node in by_power:
        row = levels[node.id] if node.side == g.SIDE_CUSTOMER else team_levels.get(node.id, 3)
        members[node.group].append(lay.Place(node.id, row, bosses.get(node.id), node.size,
                                             lay.text_width(node.label, node.font), node.font))
    return members, dict(order)


def _place(account: Account, nodes: list[Node], facts: _Facts, aspect: float, spacing: lay.Spacing) -> list[lay.Box]:
    """Seat every node (sets x, y) and return the department boxes."""
    positions, boxes = lay.layout(*_seats(account, nodes, facts), aspect, spacing)
    for node in nodes:
        node.x, node.y = positions[node.id]
    return boxes


def seats(account: Account, result: AnalysisResult | Analysis | Mapping[str, Any]) -> tuple[dict, dict]:
    """The layout's input for this account: ``layout.layout(*seats(account, result))``
    is where the map puts everyone (``benchmarks/map.py`` times it)."""
    analysis = as_analysis(result)
    facts = _Facts(account, analysis)
    nodes = _people(account, facts, _sizes(account, facts, lay.SCREEN.max_radius)) + _sides(account, facts)
    return _seats(account, nodes, facts)


# --------------------------------------------------------------------- lines


def _lines(account: Account) -> list[Line]:
    lines = [Line(p.id, p.reports_to, g.KIND_REPORTS_TO, 1.0) for p in account.people if p.reports_to]
    for ch in account.channels:
        lines.append(Line(ch.source, ch.target, ch.kind.value, round(1 + 2.5 * ch.strength, 2), bool(ch.mutual),
                          strength_word(ch.strength), ch.evidence or ""))
    for r in account.relationships:
        since = f", since {r.since.isoformat()}" if r.since else ""
        lines.append(Line(r.member, r.person, g.KIND_RELATIONSHIP, round(1 + 3.5 * r.value, 2),
                          note=closeness_explained(r.value) + since, evidence=r.notes or ""))
    for cr in account.competitor_relationships:
        lines.append(Line(cr.competitor, cr.person, g.KIND_COMPETITOR, round(1 + 2 * cr.value, 2),
                          note=closeness_explained(cr.value), evidence=cr.notes or ""))
    return lines


def _box_links(relations: list[DepartmentRelationRow], boxes: list[lay.Box]) -> list[dict[str, Any]]:
    where = {box.group for box in boxes}
    return [{"a": f"dept:{rel.a}", "b": f"dept:{rel.b}", "kind": rel.kind, "strength": rel.strength,
             "inferred": rel.source == "inferred"}
            for rel in relations if f"dept:{rel.a}" in where and f"dept:{rel.b}" in where]


def _paths(facts: _Facts) -> dict[str, dict[str, Any]]:
    """Each uncovered decision maker's warm path: the ids, and the path in words."""
    paths = {}
    for pid, entry in facts.uncovered.items():
        if entry.path:
            steps = " → ".join(facts.analysis.name_of(step) for step in entry.path)
            paths[pid] = {"ids": list(entry.path), "words": f"{steps} ({strength_word(entry.path_strength)})"}
    return paths


def scene(account: Account, result: AnalysisResult | Analysis | Mapping[str, Any], *,
          aspect: float = lay.SCREEN_ASPECT, spacing: lay.Spacing = lay.SCREEN) -> Scene:
    """What the map of ``account`` shows, styled by its analysis (an
    ``AnalysisResult``, its typed ``Analysis`` or its JSON), with every node
    seated for a view ``aspect`` times as wide as high (``layout.PRINT`` spacing for paper)."""
    analysis = as_analysis(result)
    facts = _Facts(account, analysis)
    nodes = _people(account, facts, _sizes(account, facts, spacing.max_radius)) + _sides(account, facts)
    boxes = _place(account, nodes, facts, aspect, spacing)
    subtitle = [account.opportunity.name] if account.opportunity else []
    subtitle += [f"{len(account.people)} people", f"decision unit of {len(analysis.decision_unit)}",
                 f"as of {analysis.as_of.isoformat()}"]
    legible = {n.id for n in nodes if n.key}
    return Scene(
        heading=f"Influence map — {account.name}",
        subtitle=" · ".join(subtitle),
        nodes=nodes,
        lines=_lines(account),
        boxes=boxes,
        box_links=_box_links(analysis.department_relations, boxes),
        paths=_paths(facts),
        departments=[{"id": d.id, "name": d.name or d.id} for d in account.departments],
        key_people=[pid for pid in facts.key if pid in legible],
    )
