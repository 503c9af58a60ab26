"""The account plan for the bid review (``ig report``), as HTML or Markdown.

:func:`build_plan` turns the typed analysis into a :class:`Plan`: page 1 (the
executive summary with its two pictures), the map, then the sections, each with
the few rows that matter and an appendix for the rest. The HTML is rendered from
Jinja2 templates with autoescape (``report/templates/``, with its CSS), the
Markdown by :func:`render_markdown`; every user string is escaped by either.

Sections are data: :data:`SECTION_BUILDERS` lists the functions that make them, in
the plan's order; a new section is one more function there.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup, escape

from ..analysis import wording as say
from ..analysis.result import Analysis, AnalysisResult, as_analysis
from ..model import CLOSENESS_VALUES, Account, InfluenceGraphError
from .pictures import closeness_fill, coverage_heatmap, power_stance_grid
from .summary import ACT_FIRST, ALWAYS_SHOWN_RISKS
from .text import biggest_uncovered, md_text, name_pattern, way_in

COVERED = CLOSENESS_VALUES["zipper"]
TOP_RISKS = 4  # on page 1 (more when more kinds the deal can be lost on are present)
SECTION_ROWS = {"actions": 12, "power": 6, "coaches": 2, "risks": 5, "moves": 3}


# --- the plan as data -----------------------------------------------------------------------


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    classes: list[str] = field(default_factory=list)  # per column: "nowrap", "num", "wide", "narrow"
    kind: str = "table"


@dataclass
class Para:
    text: str
    kind: str = "para"


@dataclass
class Bullets:
    items: list[str]
    compact: bool = False  # a plain list, one line each where it fits
    kind: str = "bullets"


@dataclass
class Heading:
    text: str
    kind: str = "heading"


Block = Table | Para | Bullets | Heading


@dataclass
class Section:
    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)  # none: the section is only in the appendix
    appendix: list[Block] = field(default_factory=list)  # the rest of its lists, at the end of the plan


@dataclass
class Tile:
    label: str
    value: str
    note: str
    tone: str = ""  # "good", "bad", "open" or "" (the CSS colours them)


@dataclass
class Summary:
    """Page 1: the deal, the top actions, the biggest risks and the two pictures."""

    subtitle: str
    tiles: list[Tile]
    actions: Table
    more_actions: int
    risks: list[tuple[str, str]]
    more_risks: int
    grid: Markup
    heatmap: Markup


@dataclass
class Plan:
    title: str
    account: str
    as_of: str
    summary: Summary
    map_svg: Markup | None
    sections: list[Section]
    names: list[str]  # every name in the plan, kept whole across lines

    @property
    def appendix(self) -> list[Section]:
        return [s for s in self.sections if s.appendix]


# --- reading the analysis -----------------------------------------------------------------------


class _Facts:
    """The typed analysis, with the look-ups every section needs."""

    def __init__(self, account: Account, analysis: Analysis):
        self.account = account
        self.a = analysis
        self.follow = {f.id: f for f in analysis.follow_ups}
        people = {p.id for p in analysis.people}
        self.dmu = [pid for pid in analysis.decision_unit if pid in people]
        self.departments = {d.id: d.name for d in analysis.departments}
        self.uncovered = {u.id: u for u in analysis.uncovered_decision_makers}

    def day(self, date) -> str:
        return say.day(date, self.a.as_of)

    def name(self, any_id: str | None) -> str:
        return self.a.name_of(any_id) if any_id else "no one yet"

    def power(self, pid: str) -> str:
        person = self.a.person(pid)
        return say.power(person.influence, person.power_rank, len(self.a.people))

    def why_key(self, pid: str) -> str:
        """Why someone outside the decision unit is a key person, in the analysis' words."""
        entry = self.uncovered.get(pid)
        return entry.reasons[0] if entry and entry.reasons else "a key person"


SLACK = 2  # a rest this short stays in its section: an appendix entry for it would take more room


def _split(rows: list, limit: int) -> tuple[list, list]:
    """The rows a section shows and the rest, for the appendix.

    >>> _split(list(range(7)), 5), _split(list(range(8)), 5)
    (([0, 1, 2, 3, 4, 5, 6], []), ([0, 1, 2, 3, 4], [5, 6, 7]))
    """
    if len(rows) <= limit + SLACK:
        return list(rows), []
    return rows[:limit], rows[limit:]


def _why_in_brief(f: _Facts, action) -> str:
    """Why an action matters, in a few words per kind of step; each is spelled out in
    its own section (coverage, follow-ups, risks, coaches, the forecast)."""
    a, pid = f.a, action.person
    person = a.person(pid)
    parts = []
    for kind in action.kinds:
        if kind == "introduction":
            parts.append("decision unit, nobody of ours close" if person.in_dmu else
                         f"{say.ordinal(person.power_rank)} by power, nobody of ours close")
        elif kind == "follow_up" and pid in f.follow:
            follow = f.follow[pid]
            parts.append("never met" if follow.status == "never" else
                         f"follow-up {follow.status} ({follow.days_since} days since the last touch)")
        elif kind == "risk":
            kinds = list(dict.fromkeys(say.risk(r.kind) for r in a.risks if pid in r.ids))
            parts.append("risk: " + say.join(kinds) if kinds else "a risk")
        elif kind == "coach":
            parts.append("best coach candidate to test")
        elif kind == "win_over":
            gain = next((m.gain for m in a.forecast.next_best_moves if m.id == pid), None)
            if gain:
                parts.append(f"{say.signed(gain)} support if won over")
    return " · ".join(parts)


def _action_table(f: _Facts, actions: Sequence, start: int = 1, why: bool = True) -> Table:
    """The action list as a table: number, date, owner, what, and why in brief."""
    columns = ["#", "By", "Owner", "What"] + (["Why"] if why else [])
    rows = []
    for i, action in enumerate(actions, start):
        row = [str(i), f.day(action.by), f.name(action.owner), action.what]
        if why:
            row.append(_why_in_brief(f, action))
        rows.append(row)
    classes = ["num", "nowrap", "nowrap", "what"] + (["why small"] if why else [])
    return Table(columns, rows, classes)


# --- page 1 ---------------------------------------------------------------------------------


def _subtitle(f: _Facts) -> str:
    a = f.a
    parts = [f.account.account.industry] if f.account.account.industry else []
    if a.opportunity:
        o = a.opportunity
        parts.append(o.name)
        if o.value is not None:
            parts.append(say.money(o.value, o.currency))
        if o.stage:
            parts.append(f"stage {say.words(o.stage)}")
        if o.close_date and o.days_to_close is not None:
            verb = "closes" if o.days_to_close >= 0 else "was to close"
            parts.append(f"{verb} {f.day(o.close_date)} ({say.days(o.days_to_close)})")
    parts.append(f"as of {say.day(a.as_of)}")
    return " · ".join(parts)


def _tiles(f: _Facts) -> list[Tile]:
    a = f.a
    tiles = []
    if a.forecast.support is not None:
        support = a.forecast.support
        sign = a.confidence.forecast_sign if a.confidence else None
        note = say.forecast_words(support)
        if sign and sign.sign != "zero":
            note += (f", {say.stability(sign.share)}: stays {sign.sign} in {say.percent(sign.share, 0)} "
                     f"of {a.confidence.samples} re-draws")
        tone = "good" if support >= 0.05 else "bad" if support <= -0.05 else "open"
        tiles.append(Tile("Forecast", say.signed(support), f"{note} ({say.FORECAST_SCALE})", tone))
    depth = a.relationship_depth
    lift = next((r for r in depth.reasons if r.startswith("to reach ")), "")
    tiles.append(Tile("Relationship tier", depth.tier, lift.split(":")[0] if lift else "the deepest tier",
                      "good" if depth.tier == "strategic" else "open"))
    if f.dmu:
        close = [pid for pid in f.dmu if a.person(pid).coverage >= COVERED - 1e-9]
        tiles.append(Tile("Decision unit covered", f"{len(close)} of {len(f.dmu)}",
                          "someone on our team is close (zipper or closer)",
                          "good" if len(close) == len(f.dmu) else "bad" if len(close) * 2 < len(f.dmu) else "open"))
    if a.opportunity and a.opportunity.days_to_close is not None:
        days = a.opportunity.days_to_close
        tiles.append(Tile("Days to close", str(days), f"close date {f.day(a.opportunity.close_date)}",
                          "bad" if days < 30 else ""))
    return tiles


def _top_risks(f: _Facts) -> tuple[list[tuple[str, str]], int]:
    """The biggest risks: the first of each kind the deal can be lost on, then the first
    of the other kinds, then the rest, most severe first — :data:`TOP_RISKS` of them."""
    risks = f.a.risks
    first: dict[str, Any] = {}
    for risk in risks:
        first.setdefault(risk.kind, risk)
    ranked = [r for kind, r in first.items() if kind in ALWAYS_SHOWN_RISKS]
    ranked += [r for r in first.values() if r not in ranked] + [r for r in risks if r not in first.values()]
    chosen = sorted(ranked[: max(TOP_RISKS, len([k for k in first if k in ALWAYS_SHOWN_RISKS]))], key=risks.index)
    return [(say.risk(r.kind), r.message) for r in chosen], len(risks) - len(chosen)


def _summary(f: _Facts) -> Summary:
    a = f.a
    top = a.actions[:ACT_FIRST]
    risks, more = _top_risks(f)
    return Summary(
        subtitle=_subtitle(f),
        tiles=_tiles(f),
        actions=_action_table(f, top, why=False),
        more_actions=len(a.actions) - len(top),
        risks=risks,
        more_risks=more,
        grid=Markup(power_stance_grid(a)),
        heatmap=Markup(coverage_heatmap(a)),
    )


# --- the sections -------------------------------------------------------------------------------


def _actions(f: _Facts) -> Section:
    actions = f.a.actions
    if not actions:
        return Section("actions", "Action list", [Para("Nothing urgent: every key person is covered and on rhythm.")])
    shown, rest = _split(actions, SECTION_ROWS["actions"])
    section = Section("actions", "Action list", [
        Para("One action per person, best first by what it is worth (forecast gained, decision unit covered, risks "
             "removed), dated on the 2–3 week rhythm."),
        _action_table(f, shown)])
    if rest:
        section.appendix = [_action_table(f, rest, start=len(shown) + 1)]
    return section


def _decision_unit(f: _Facts) -> Section:
    """The decision unit and the key people outside it nobody of ours is close to: who
    they are, where they stand, who of us is closest, and the best way in."""
    a = f.a
    title = "Decision unit and key people: who we reach, and how"
    outside = [u.id for u in biggest_uncovered(a) if u.id not in f.dmu]
    people = sorted(f.dmu, key=lambda pid: a.person(pid).power_rank) + sorted(outside, key=lambda pid: a.person(pid).power_rank)
    if not people:
        return Section("decision-unit", title, [Para("No decision unit recorded: add opportunity.decision_unit, or the "
                                                     "roles decision_maker or economic_buyer.")])
    rows = []
    for pid in people:
        p = a.person(pid)
        closest = p.closest_member
        follow = f.follow.get(pid)
        role = say.roles(p.roles) if p.in_dmu else f"{f.why_key(pid)}; not in the decision unit"
        rows.append([
            p.name, p.title or "", role, p.stance_word, f.power(pid),
            f"{closest.name}, {closest.closeness}" if closest else "nobody",
            way_in(a, f.uncovered[pid]) if pid in f.uncovered else "—",
            follow.status if follow else "",
        ])
    columns = ["Person", "Title", "Roles", "Stance", "Power", "Closest of us", "Best way in (warm path)", "Follow-up"]
    blocks: list[Block] = [
        Para("Close means zipper or closer; the warm path is the strongest chain of introductions from our team "
             "(strong from 0.67, fair from 0.33: the product of the strengths along it)."),
        Table(columns, rows, ["nowrap", "", "", "nowrap", "nowrap", "nowrap", "", "nowrap"])]
    depth = a.relationship_depth
    lift = [r for r in depth.reasons if r.startswith("to reach ")]
    blocks.append(Para(f"Relationship depth: {depth.tier}" + (f"; {lift[0]}." if lift else ".")))
    section = Section("decision-unit", title, blocks)
    listens = []
    for dm in f.dmu:
        sources = a.influence_channels.get(dm) or []
        if sources:
            parts = [f"{a.name_of(s.id)} {s.strength:.2f}" + (f" (via {a.name_of(s.reached_by)})" if s.reached_by else "")
                     for s in sources[:2]]
            listens.append(f"{a.name_of(dm)} ← " + ", ".join(parts))
    if listens:
        section.appendix += [Heading("Whom each decision maker listens to most (channel strength; who of us reaches them)"),
                             Bullets(listens, compact=True)]
    return section


def _power(f: _Facts) -> Section:
    a = f.a
    brokers = sorted(a.people, key=lambda p: -p.brokerage)
    top_broker = {p.id for p in brokers[: max(1, len(brokers) // 10)] if p.brokerage > 0}

    def row(pid: str) -> list[str]:
        p = a.person(pid)
        notes = [say.CATEGORY_WORDS[p.category]]
        if p.in_dmu:
            notes.append("decision unit")
        if pid in top_broker:
            notes.append("a broker (top 10%)")
        return [str(p.power_rank), p.name, p.title or "", str(p.level), say.percent(p.influence), p.stance_word,
                ", ".join(notes)]

    columns = ["#", "Person", "Title", "Level", "Power", "Stance", "Note"]
    classes = ["num", "nowrap", "", "num", "num", "nowrap", ""]
    shown, rest = _split(a.power_ranking, SECTION_ROWS["power"])
    blocks: list[Block] = [
        Para("Power: each person's share of everyone's settled opinion, through informal channels and formal lines. "
             "Level 1 is the top of the org chart."),
        Table(columns, [row(pid) for pid in shown], classes)]
    flags = [f"Hidden power — {a.label_of(h.id)}: {say.reasons(h.reasons)}" for h in a.hidden_power]
    flags += [f"Figurehead — {a.label_of(x.id)}: {say.reasons(x.reasons)}" for x in a.figureheads]
    if flags:
        blocks += [Heading("More say than title, and more title than say"), Bullets(flags)]
    section = Section("power", "Who really decides", blocks)
    if rest:  # one line each: place, name and title, power, stance, and what stands out
        def line(pid: str) -> str:
            p, r = a.person(pid), row(pid)
            notable = [n for n in r[6].split(", ") if n != say.CATEGORY_WORDS["aligned"] and n != say.CATEGORY_WORDS["peripheral"]]
            return f"{r[0]}. {p.label} — {r[4]}, {r[5]}" + (f"; {', '.join(notable)}" if notable else "")

        section.appendix = [Bullets([line(pid) for pid in rest], compact=True)]
    return section


def _coaches(f: _Facts) -> Section:
    a = f.a
    if not a.coach_candidates:
        return Section("coaches", "Coaches", [Para("No coach candidate yet: nobody favourable with a relationship to "
                                                    "our team and access to the decision unit.")])

    def row(c) -> list[str]:
        p = a.person(c.id)
        return [p.label, "confirmed" if c.confirmed else f"{c.score:.2f}", say.reasons(r for r in c.reasons if r != "marked as coach")]

    columns = ["Person", "Score", "Why"]
    classes = ["", "num", "wide"]
    shown, rest = _split(a.coach_candidates, SECTION_ROWS["coaches"])
    section = Section("coaches", "Coaches", [
        Para("A coach guides us: credible with the customer, close to our team, and wanting us to win (score 0 to 1; "
             "a person marked coach is confirmed)."), Table(columns, [row(c) for c in shown], classes)])
    if rest:  # the weaker candidates: what makes each one, in brief
        section.appendix = [Bullets([f"{a.label_of(c.id)} — {c.score:.2f}: {say.reasons(c.reasons[:3])}" for c in rest],
                                    compact=True)]
    return section


def _risks(f: _Facts) -> Section:
    a = f.a
    if not a.risks:
        return Section("risks", "Risks", [Para("No risks flagged.")])

    def row(r) -> list[str]:
        return [say.risk(r.kind), r.message]

    columns, classes = ["Risk", "What it means"], ["", "wide"]
    shown, rest = _split(a.risks, SECTION_ROWS["risks"])
    section = Section("risks", "Risks", [Table(columns, [row(r) for r in shown], classes)])
    if rest:
        section.appendix = [Bullets([f"{kind}: {text}" for kind, text in (row(r) for r in rest)], compact=True)]
    return section


def _forecast(f: _Facts) -> Section | None:
    a = f.a
    forecast = a.forecast
    if forecast.support is None:
        return None
    text = (f"If stances spread through the influence network, the decision unit settles at {say.signed(forecast.support)} "
            f"({say.forecast_words(forecast.support)}; {say.FORECAST_SCALE})")
    if forecast.initial_support is not None:
        text += f"; today's stances average {say.signed(forecast.initial_support)}"
    sign = a.confidence.forecast_sign if a.confidence else None
    if sign and sign.sign != "zero":
        low, high = sign.support_range
        text += (f". Re-drawn {a.confidence.samples} times with other plausible strengths and stances, it stays "
                 f"{sign.sign} in {say.percent(sign.share, 0)} (most land between {say.signed(low)} and {say.signed(high)})")
    blocks: list[Block] = [Para(text + ".")]
    moves = forecast.next_best_moves
    columns, classes = ["Win over", "Gain", "Why"], ["", "num", "wide"]

    def row(m) -> list[str]:
        return [a.label_of(m.id), say.signed(m.gain), say.reasons(m.reasons)]

    shown, rest = _split(moves, SECTION_ROWS["moves"])
    if shown:
        blocks += [Heading("Whom to win over next: support gained if they became a champion"),
                   Table(columns, [row(m) for m in shown], classes)]

    section = Section("forecast", "Forecast", blocks)
    holders = a.confidence.top_power_holders if a.confidence else []
    if holders:
        section.appendix.append(Para(
            f"How sure we are: re-drawn the same way, the top {len(holders)} power holders stay in the top {len(holders)} "
            "in this share of the scenarios (below 70%: treat it as a guess): "
            + ", ".join(f"{a.name_of(h.id)} {say.percent(h.share, 0)}" for h in holders) + "."))
    if rest:
        section.appendix.append(Para("Whom else to win over: " + ", ".join(
            f"{a.label_of(m.id)} {say.signed(m.gain)}" for m in rest) + "."))
    if forecast.members:
        section.appendix.append(Para("Where each decision maker settles (today's stance → settled opinion): " + ", ".join(
            f"{a.name_of(pid)} {a.person(pid).stance_word} → {say.signed(v)}" for pid, v in forecast.members.items()) + "."))
    return section


def _follow_ups(f: _Facts) -> Section | None:
    """Every key person's follow-up rhythm, the ones to act on first (the decision unit's
    statuses are in its table, and each follow-up due is an action): in the appendix."""
    a = f.a
    if not a.follow_ups:
        return None
    pending = [x for x in a.follow_ups if x.status != "ok"]
    steady = [x for x in a.follow_ups if x.status == "ok"]

    def line(x) -> str:
        touches = say.count(x.touches, "touch", "touches")
        last = "" if x.last_touch is None else f", last {f.day(x.last_touch)} ({x.days_since} days ago)"
        step = f"; next: {x.next_step}" if x.next_step else ""
        return f"{a.name_of(x.id)} — {x.status}: {touches}{last}{step}"

    items = [line(x) for x in pending]
    if steady:
        items.append("On the rhythm: " + say.join(f"{a.name_of(x.id)} ({say.count(x.touches, 'touch', 'touches')}, "
                                                   f"{x.days_since} days ago)" for x in steady) + ".")
    section = Section("follow-ups", "Follow-ups")
    section.appendix = [Para(f"{len(steady)} of {len(a.follow_ups)} key people are on the 2–3 week rhythm (deals this "
                             "size close after the 4th to 11th follow-up); overdue is more than 21 days, due 14 to 21."),
                        Bullets(items, compact=True)]
    return section


def _dynamics(f: _Facts) -> Section | None:
    a = f.a
    groups = [x for x in a.factions if len(x) > 1]
    if not groups and not a.department_relations:
        return None

    def faction(i: int, members: list[str]) -> str:
        names = [a.name_of(pid) for pid in members]
        return f"{i}. ({len(names)} people) " + say.join(names[:4] + ([f"{len(names) - 4} more"] if len(names) > 4 else []))

    def relations(kind: str) -> str:
        found = [r for r in a.department_relations if r.kind == kind]
        return say.join(f"{f.departments.get(r.a, r.a)} ↔ {f.departments.get(r.b, r.b)} {r.strength:.2f}"
                        + ("" if r.source == "declared" else " (inferred)") for r in found)

    section = Section("dynamics", "Factions and departments")
    items = [f"Faction {faction(i, x)}" for i, x in enumerate(groups, 1)]
    items += [f"{plural} between departments: {relations(kind)}" for kind, plural in (("alliance", "Alliances"), ("rivalry", "Rivalries"))
              if any(r.kind == kind for r in a.department_relations)]
    section.appendix = [Para("Factions are groups who mostly listen to and trust each other (core people first); "
                             "department relations are declared, or inferred from their people's rivalries."),
                        Bullets(items, compact=True)]
    return section


def _since(review: dict[str, Any] | None) -> Section | None:
    """"Since the last review", from :func:`influence_graph.report.diff.review_section`:
    the first section after the summary and the map, when the plan has something to compare with."""
    if not review:
        return None
    blocks: list[Block] = [Para(review["intro"])]
    for heading, lines in review["parts"]:
        blocks += [Heading(heading), Bullets(lines)]
    return Section("since-last-review", review["title"], blocks)


SectionBuilder = Callable[[_Facts], "Section | None"]

# The plan's order after page 1 and the map; a builder returns None to leave its section out.
SECTION_BUILDERS: list[SectionBuilder] = [
    _actions,
    _decision_unit,
    _power,
    _risks,
    _coaches,
    _forecast,
    _follow_ups,
    _dynamics,
]


# The map's page: A4 landscape less the margins and the heading, in points.
MAP_PAGE_PT = (785.0, 505.0)


def build_plan(account: Account, result: AnalysisResult | Analysis | dict[str, Any], include_map: bool = True,
               since: dict[str, Any] | None = None) -> Plan:
    """The account plan as data for the templates and the Markdown renderer; ``since``
    adds "Since the last review" (:func:`influence_graph.report.diff.review_section`)."""
    from ..viz.map_svg import map_svg

    analysis = as_analysis(result)
    f = _Facts(account, analysis)
    sections = [s for s in [_since(since), *(build(f) for build in SECTION_BUILDERS)] if s is not None]
    names = [p.name for p in analysis.people] + [m.name for m in analysis.team] + [c.name for c in analysis.competitors]
    return Plan(
        title=f"Account plan: {analysis.account.name}",
        account=analysis.account.name,
        as_of=analysis.as_of.isoformat(),
        summary=_summary(f),
        map_svg=Markup(map_svg(account, analysis, fit_pt=MAP_PAGE_PT)) if include_map and analysis.people else None,
        sections=sections,
        names=names,
    )


# --- rendering ---------------------------------------------------------------------------------


def _loader(name: str) -> str:
    return resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")


def _finalize(value: Any) -> Any:
    """Every value a template prints: no control character reaches the page (pictures are
    drawn clean already)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return say.clean(value)
    return value


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FunctionLoader(_loader), autoescape=True, finalize=_finalize,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _names_filter(pattern: re.Pattern[str] | None) -> Callable[[Any], Markup]:
    """A filter that escapes text and keeps every name in it on one line."""

    def keep_names(text: Any) -> Markup:
        escaped = str(escape(say.clean(str(text))))
        if pattern is None:
            return Markup(escaped)
        # The pattern is matched on the escaped text with escaped names: only whole names are wrapped.
        return Markup(pattern.sub(lambda m: f'<span class="nm">{m.group(0)}</span>', escaped))

    return keep_names


def render_html(plan: Plan) -> str:
    """The plan as one self-contained, printable HTML page (A4 landscape)."""
    env = _environment().overlay()
    pattern = name_pattern(str(escape(name)) for name in plan.names)
    env.filters["names"] = _names_filter(pattern)
    env.globals["fill"] = closeness_fill
    css = resources.files(__package__).joinpath("templates", "plan.css").read_text(encoding="utf-8")
    return env.get_template("plan.html.j2").render(plan=plan, css=Markup(css.replace("</style", "<\\/style")))


def _md_block(block: Block) -> str:
    if isinstance(block, Para):
        return md_text(block.text)
    if isinstance(block, Heading):
        return f"### {md_text(block.text)}"
    if isinstance(block, Bullets):
        return "\n".join(f"- {md_text(item)}" for item in block.items)
    lines = ["| " + " | ".join(md_text(h) or " " for h in block.columns) + " |", "|" + "---|" * len(block.columns)]
    lines += ["| " + " | ".join(md_text(cell) for cell in row) + " |" for row in block.rows]
    return "\n".join(lines)


def render_markdown(plan: Plan, analysis: Analysis) -> str:
    """The plan as Markdown: the same summary and sections, the coverage as a table
    (the pictures and the map are in the HTML)."""
    s = plan.summary
    parts = [f"# {md_text(plan.title)}", f"_{md_text(s.subtitle)}_", "## Summary"]
    parts.append("\n".join(f"- **{md_text(t.label)}:** {md_text(t.value)} — {md_text(t.note)}" for t in s.tiles))
    parts += ["### Act on these first", _md_block(s.actions)]
    if s.more_actions:
        parts.append(md_text(f"… {s.more_actions} more in the action list below."))
    parts += ["### Biggest risks", "\n".join(f"- **{md_text(kind)}:** {md_text(text)}" for kind, text in s.risks)]
    matrix = analysis.relationship_depth.coverage
    dmu = [pid for pid in analysis.decision_unit if pid in {p.id for p in analysis.people}]
    if dmu and analysis.team:
        table = Table(["Our team"] + [analysis.name_of(pid) for pid in dmu],
                      [[m.name] + [say.closeness(matrix.get(m.id, {}).get(pid, 0.0)) if matrix.get(m.id, {}).get(pid) else "–"
                                   for pid in dmu] for m in analysis.team])
        parts += ["### Coverage: our team × the decision unit", md_text(say.CLOSENESS_SCALE), _md_block(table)]
    for section in plan.sections:
        parts.append(f"## {md_text(section.title)}")
        parts += [_md_block(block) for block in section.blocks]
    if plan.appendix:
        parts.append("## Appendix: the rest of each list")
        for section in plan.appendix:
            parts.append(f"### {md_text(section.title)} (continued)")
            parts += [_md_block(block) for block in section.appendix]
    return "\n\n".join(parts) + "\n"


def render_plan(account: Account, result: AnalysisResult | Analysis | dict[str, Any], fmt: str = "html",
                include_map: bool = True, since: dict[str, Any] | None = None) -> str:
    """The account plan as ``"html"`` (self-contained and printable, the map drawn as a
    vector picture unless ``include_map`` is false) or ``"md"`` (Markdown).
    ``result`` is an ``AnalysisResult``, its typed ``Analysis`` or its JSON; ``since`` is
    the "Since the last review" content (:func:`influence_graph.report.diff.review_section`)."""
    if fmt not in ("html", "md"):
        raise InfluenceGraphError(f"unknown report format {fmt!r}; use 'html' or 'md'")
    analysis = as_analysis(result)
    plan = build_plan(account, analysis, include_map=include_map and fmt == "html", since=since)
    return render_html(plan) if fmt == "html" else render_markdown(plan, analysis)


def action_rows(result: AnalysisResult | Analysis | dict[str, Any]) -> list[dict[str, str]]:
    """The analysis' one action list with names, as the plan shows it."""
    analysis = as_analysis(result)
    return [
        {"member": a.owner, "member_name": analysis.name_of(a.owner) if a.owner else "no one yet", "person": a.person,
         "person_name": analysis.name_of(a.person), "action": a.what, "by": a.by.isoformat(), "why": "; ".join(a.why)}
        for a in analysis.actions
    ]
