"""The briefing (``ig analyze``, ``ig demo``): the analysis as a seller reads it, on one screen.

It opens with the opportunity, the days to close, the forecast and the relationship
tier; then what to act on first (the top of the one action list, with owner and
date), the biggest risks, the key people nobody on our team is close to, who really
decides, and the rest, most urgent first.

Every section is a list of rows, each with a *value*: what it is worth to the
reader. The briefing fits a budget of lines (:data:`BUDGET`, at the terminal's
width) by leaving out the rows worth least, across all sections, until it fits —
rows that must be seen (the actions, the biggest risks, the biggest uncovered
people, the top power holders) are never left out. ``full=True`` shows every row.

:func:`briefing_sections` builds the sections from the typed analysis;
:func:`render_text` renders them for a terminal (rich: wrapped to the width, bold
and colour when asked), :func:`render_markdown` as Markdown.
"""
from __future__ import annotations

import dataclasses
import io
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..analysis import wording as say
from ..analysis.result import Analysis, AnalysisResult, PersonRow, as_analysis
from ..model import CLOSENESS_VALUES
from ..sanitize import shorten
from .text import biggest_uncovered, md_text, name_pattern, way_in

BUDGET = 60  # lines of the default briefing, at the terminal's width
MIN_WIDTH, MAX_WIDTH = 60, 120  # beyond 120 columns lines get too long to read
ACT_FIRST = 7  # actions in "Act on these first": the rest are in the plan
COVERED = CLOSENESS_VALUES["zipper"]
KEEP = math.inf  # the value of a row that is always shown

# --- styled text --------------------------------------------------------------------------

Segment = tuple[str, str | None]  # text and a rich style (None: plain)


class Cell(list):
    """Text in segments, each with a style, so that one builder serves the terminal
    (styled) and Markdown (plain). ``Cell("text")`` or ``Cell(("word", "bold"), " rest")``."""

    def __init__(self, *parts: str | Segment):
        super().__init__((p, None) if isinstance(p, str) else p for p in parts)

    @property
    def plain(self) -> str:
        return "".join(text for text, _ in self)

    def __add__(self, other: Cell | str) -> Cell:  # type: ignore[override]
        return Cell(*self, *(Cell(other) if isinstance(other, str) else other))

    def __iadd__(self, other: Cell | str) -> Cell:  # type: ignore[override]
        self.extend(Cell(other) if isinstance(other, str) else other)
        return self


STANCE_STYLES = {"champion": "bold green", "supporter": "green", "skeptic": "red", "opponent": "bold red"}
RISK_STYLES = {"opponent": "bold red", "skeptic": "red", "competitor_tie": "red", "bottleneck": "bold red"}


def _stance_cell(person: PersonRow) -> Cell:
    if not person.stance_known:
        return Cell(("unknown", "dim"))
    style = STANCE_STYLES.get(str(person.stance)) or ("green" if person.stance_value > 0 else "red" if person.stance_value < 0 else None)
    return Cell((person.stance_word.removeprefix("stance "), style))


# --- sections -------------------------------------------------------------------------------


@dataclass
class Row:
    cells: list[Cell]
    value: float = KEEP  # what the row is worth to the reader; the lowest go first


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)
    columns: list[str] | None = None  # None: each row is a paragraph
    wrap: list[bool] | None = None  # per column: may wrap (else kept on one line)
    header: bool = True  # show the column headers
    total: int | None = None  # rows there were before the budget (when more than shown)
    more_note: str = "--full for all"

    @property
    def heading(self) -> str:
        shown, total = len(self.rows), self.total or len(self.rows)
        return self.title if shown >= total else f"{self.title} (top {shown} of {total}; {self.more_note})"


class _Facts:
    """The analysis with what the sections share: look-ups, and whether to show everything."""

    def __init__(self, analysis: Analysis, full: bool):
        self.a = analysis
        self.full = full
        self.follow = {f.id: f for f in analysis.follow_ups}
        self.dmu = [pid for pid in analysis.decision_unit if pid in {p.id for p in analysis.people}]

    def top(self, items: Sequence[Any], n: int) -> Sequence[Any]:
        return items if self.full else items[:n]

    def who(self, pid: str) -> Cell:
        return Cell((self.a.name_of(pid), "bold"))

    def owner(self, member_id: str | None) -> Cell:
        return Cell((self.a.name_of(member_id), "cyan")) if member_id else Cell(("no one yet", "yellow"))

    def day(self, date) -> str:
        return say.day(date, self.a.as_of)


def _decay(weight: float, index: int, keep: int = 0) -> float:
    """The value of the ``index``-th row of a section worth ``weight``: the first
    ``keep`` rows are always shown, the rest are worth less the further down they are."""
    return KEEP if index < keep else weight / (1 + index)


def _header(f: _Facts) -> list[Cell]:
    """The deal at a glance: the opportunity and days to close, the forecast and the
    tier, the decision unit's camps and our reach into it."""
    a = f.a
    opportunity = a.opportunity
    title = Cell((a.account.name + (f" — {opportunity.name}" if opportunity else ""), "bold"))
    facts = []
    if opportunity:
        if opportunity.value is not None:
            facts.append(say.money(opportunity.value, opportunity.currency))
        if opportunity.stage:
            facts.append(f"stage {say.words(opportunity.stage)}")
        if opportunity.close_date and opportunity.days_to_close is not None:
            when = say.days(opportunity.days_to_close)
            verb = "closes" if opportunity.days_to_close >= 0 else "was to close"
            facts.append(f"{verb} {f.day(opportunity.close_date)} ({when})")
    facts.append(f"as of {say.day(a.as_of)}")
    verdict = Cell()
    if a.forecast.support is not None:
        support = a.forecast.support
        style = "green" if support >= 0.05 else "red" if support <= -0.05 else "yellow"
        verdict += Cell("Forecast ", (say.signed(support), f"bold {style}"), f": {say.forecast_words(support)}")
        sign = a.confidence.forecast_sign if a.confidence else None
        if sign and sign.sign != "zero":
            verdict += f", {say.stability(sign.share)}"
        verdict += " · "
    verdict += Cell("relationship tier: ", (a.relationship_depth.tier, "bold"))
    return [title, Cell(" · ".join(facts)), verdict, _camps(f)]


def _camps(f: _Facts) -> Cell:
    """The decision unit for us, against us and undecided, and how many of them we are close to."""
    a = f.a
    if not f.dmu:
        return Cell(("No decision unit recorded: add opportunity.decision_unit, or the roles decision_maker "
                     "or economic_buyer.", "yellow"))
    people = [a.person(pid) for pid in f.dmu]
    camps = [("for us", [p for p in people if p.stance_value > 0], "green"),
             ("against us", [p for p in people if p.stance_value < 0], "red"),
             ("neutral or unknown", [p for p in people if p.stance_value == 0], None)]
    line = Cell(f"Decision unit of {len(people)}")
    for words, members, style in camps:
        if members:
            named = say.join(p.name for p in members) if style else str(len(members))  # the undecided are named below
            line += Cell(" · ", (words, style), f": {named}")
    close = [p for p in people if p.coverage >= COVERED - 1e-9]
    line += f" · we are close (zipper or closer) to {len(close)}"
    return line + (f": {say.join(p.name for p in close)}" if close else "")


def _what_if(f: _Facts) -> Section | None:
    if f.a.assumptions is None:
        return None
    assumed = say.join(f"{f.a.label_of(x.id)} is {_stance_text(x.stance)} (was {_stance_text(x.was)})"
                       for x in f.a.assumptions)
    rows = [Row([Cell(("Assuming ", "bold"), assumed + ":")])]
    rows += [Row([Cell("- " + c.message)]) for c in f.a.changes or []] or [Row([Cell("- Nothing changes.")])]
    return Section("What if", rows)


def _stance_text(stance: str | float) -> str:
    return say.signed(stance) if isinstance(stance, (int, float)) else str(stance)


def _act_first(f: _Facts) -> Section:
    """The top of the one action list, in its order (the plan shows the same list)."""
    actions = f.a.actions
    shown = f.top(actions, ACT_FIRST)
    rows = [Row([Cell(f"{i}."), Cell((f.day(x.by), "bold"), ", ") + f.owner(x.owner) + ": " + x.what])
            for i, x in enumerate(shown, 1)]
    if not rows:
        return Section("Act on these first", [Row([Cell("Nothing urgent: every key person is covered and on rhythm.")])])
    section = Section("Act on these first: by when, who, what", rows, ["", ""], [False, True], header=False)
    if len(shown) < len(actions):
        section.total = len(actions)
        section.more_note = "the account plan has all"
    return section


# Risk kinds whose first risk the briefing always shows: the deal can be lost on each.
ALWAYS_SHOWN_RISKS = ("opponent", "skeptic", "bottleneck", "competitor_tie", "no_support")
# The others' first risk; "uncovered" repeats the section on key people nobody is close to.
RISK_VALUES = {"single_threaded": 4.0, "unknown_stance": 3.0, "uncovered": 1.0, "powerless_champion": 2.0}


def _risks(f: _Facts) -> Section:
    """Every risk, most severe kind first; the first of each kind is worth most."""
    seen: dict[str, int] = {}
    rows = []
    for risk in f.a.risks:
        nth = seen[risk.kind] = seen.get(risk.kind, -1) + 1
        if nth == 0:
            value = KEEP if risk.kind in ALWAYS_SHOWN_RISKS else RISK_VALUES.get(risk.kind, 4.0)
        else:
            value = 6.0 / (1 + nth)
        kind = Cell((say.risk(risk.kind), RISK_STYLES.get(risk.kind, "yellow")), ": ")
        rows.append(Row([Cell("•"), kind + risk.message], value))
    if not rows:
        return Section("Biggest risks", [Row([Cell("No risks found.")])])
    return Section("Biggest risks", rows, ["", ""], [False, True], header=False)


def _uncovered(f: _Facts) -> Section:
    """Key people nobody on our team is close to, biggest first: the decision unit, then the others by power."""
    a = f.a
    rows = []
    for i, entry in enumerate(biggest_uncovered(a)):
        person = a.person(entry.id)
        why = [f"{say.ordinal(person.power_rank)} by power",
               "decision unit" if person.in_dmu else (entry.reasons[0] if entry.reasons else "a key person")]
        follow = f.follow.get(entry.id)
        if follow and follow.status == "never":
            why.append("never met")
        elif person.closest_member:
            why.append(f"only {person.closest_member.closeness} ({person.closest_member.name})")
        way = Cell((way_in(a, entry), "red" if not entry.path else None))
        if len(entry.path) >= 3:
            way = Cell("via ") + way
        # The three biggest always; then the rest of the decision unit before other power holders.
        rows.append(Row([f.who(entry.id), Cell(" · ".join(why)), way], KEEP if i < 3 else 8.0 if person.in_dmu else 5.0))
    if not rows:
        return Section("Key people nobody on our team is close to",
                       [Row([Cell("Every key person is covered at zipper or closer.")], 3)])
    return Section("Key people nobody on our team is close to", rows, ["Person", "Why they matter", "Best way in"],
                   [False, True, True])


def _power(f: _Facts) -> Section:
    a = f.a
    ranking = f.top(a.power_ranking, 8)
    rows = []
    for i, pid in enumerate(ranking):
        p = a.person(pid)
        note = [say.CATEGORY_WORDS[p.category]] if p.category in ("hidden_power", "figurehead") else []
        if p.in_dmu:
            note.append("decision unit")
        rows.append(Row([Cell(str(p.power_rank)), f.who(pid), Cell(p.title or ""), Cell(say.percent(p.influence)),
                         _stance_cell(p), Cell(", ".join(note))], KEEP if i < 3 else 4.0 if i < 5 else 1.5))
    if not rows:
        return Section("Who really decides", [Row([Cell("No people in the account yet.")])])
    section = Section("Who really decides", rows, ["#", "Person", "Title", "Power", "Stance", "Note"],
                      [False, False, f.full, False, False, True])
    if len(ranking) < len(a.power_ranking):
        section.total = len(a.power_ranking)
    return section


def _power_vs_title(f: _Facts) -> Section | None:
    a = f.a
    rows = []
    for i, flag in enumerate(f.top(a.hidden_power, 3)):
        rows.append(Row([Cell(("hidden power", "bold magenta")), Cell((a.label_of(flag.id), "bold"), ": " + say.reasons(flag.reasons))],
                        _decay(3.5, i)))
    for i, flag in enumerate(f.top(a.figureheads, 3)):
        rows.append(Row([Cell(("figurehead", "magenta")), Cell((a.label_of(flag.id), "bold"), ": " + say.reasons(flag.reasons))],
                        _decay(3, i)))
    return Section("Power versus title", rows, ["", ""], [False, True], header=False) if rows else None


def _coaches(f: _Facts) -> Section:
    a = f.a
    rows = []
    for i, c in enumerate(f.top(a.coach_candidates, 3)):
        mark = Cell(("confirmed coach", "bold green")) if c.confirmed else Cell(f"score {c.score:.2f}")
        rows.append(Row([mark, Cell((a.label_of(c.id), "bold"), ": " + say.reasons(r for r in c.reasons if r != "marked as coach"))],
                        _decay(5, i)))
    if not rows:
        return Section("Coaches", [Row([Cell("No likely coach yet: build a relationship with a supporter close "
                                             "to the decision unit.")], 2)])
    return Section("Coaches", rows, ["", ""], [False, True], header=False)


def _follow_ups(f: _Facts) -> Section | None:
    groups: dict[str, list[str]] = {}
    for entry in f.a.follow_ups:
        if entry.status == "ok":
            continue
        name = f.a.name_of(entry.id)
        groups.setdefault(entry.status, []).append(name if entry.days_since is None else f"{name} {entry.days_since} days")
    words = {"never": "never met", "overdue": "overdue (over 21 days)", "due": "due (14–21 days)"}
    parts = [f"{len(names)} {words[status]}: {say.join(names)}" for status, names in groups.items()]
    if not parts:
        return None
    return Section("Follow-ups", [Row([Cell("; ".join(parts) + ".")], 4.5)])


def _forecast(f: _Facts) -> Section | None:
    a = f.a
    forecast = a.forecast
    if forecast.support is None:
        return None
    settles = Cell("Once opinions spread, the decision unit settles at ", (say.signed(forecast.support), "bold"),
                   f" (today {say.signed(forecast.initial_support or 0)}; {say.FORECAST_SCALE})")
    sign = a.confidence.forecast_sign if a.confidence else None
    if sign:
        low, high = sign.support_range
        redrawn = f"; re-drawn {a.confidence.samples} times with other plausible strengths and stances"
        spread = f"most land between {say.signed(low)} and {say.signed(high)}"
        if sign.sign == "zero":
            settles += f"{redrawn}, {spread}"
        else:
            settles += f"{redrawn}, it stays {sign.sign} in {say.percent(sign.share, 0)} ({spread}): {say.stability(sign.share)}"
    rows = [Row([settles + "."], 5)]
    moves = [m for m in forecast.next_best_moves if m.gain > 0]
    if moves:
        rows.insert(0, Row([Cell(("Whom to win over next", "bold"), " (support gained if they became a champion): "
                                 + ", ".join(f"{a.name_of(m.id)} {say.signed(m.gain)}" for m in f.top(moves, 3)) + ".")], 6))
    if forecast.members:
        rows.append(Row([Cell("Decision makers settle at: "
                              + ", ".join(f"{a.name_of(pid)} {say.signed(v)}" for pid, v in forecast.members.items()) + ".")], 1.5))
    return Section("Forecast", rows)


def _next_moves(f: _Facts) -> Section | None:
    """Only with --full: the next best moves with their reasons."""
    if not f.full or f.a.forecast.support is None:
        return None
    rows = [Row([f.who(m.id), Cell(say.signed(m.gain)), Cell(say.reasons(m.reasons))]) for m in f.a.forecast.next_best_moves]
    return Section("Next best moves", rows, ["Win over", "Support gain", "Why"], [False, False, True]) if rows else None


def _channels(f: _Facts) -> Section | None:
    a = f.a
    rows = []
    for i, (dm, sources) in enumerate(a.influence_channels.items()):
        text = ", ".join(f"{a.name_of(s.id)} ({s.strength:.2f}" + (f", via {a.name_of(s.reached_by)}" if s.reached_by else "") + ")"
                         for s in sources[:2])
        rows.append(Row([f.who(dm), Cell(text or "listens to no one we know of")], _decay(1.5, i)))
    return Section("Who each decision maker listens to", rows, ["Decision maker", "Listens most to (strength, who of us reaches them)"],
                   [False, True]) if rows else None


def _factions(f: _Facts) -> Section | None:
    a = f.a
    departments = {d.id: d.name for d in a.departments}
    rows = []
    for i, faction in enumerate(f.top([x for x in a.factions if len(x) > 1], 5)):
        names = say.join([a.name_of(pid) for pid in faction[:6]] + ([f"{len(faction) - 6} more"] if len(faction) > 6 else []))
        rows.append(Row([Cell(f"Faction {i + 1}: {names}")], _decay(1.0, i)))
    for i, rel in enumerate(f.top(a.department_relations, 5)):
        how = "declared" if rel.source == "declared" else "inferred from their people"
        rows.append(Row([Cell(f"{departments.get(rel.a, rel.a)} ↔ {departments.get(rel.b, rel.b)}: {rel.kind} "
                              f"({rel.strength:.2f}, {how})")], _decay(0.9, i)))
    return Section("Factions and departments", rows) if rows else None


def _depth(f: _Facts) -> Section:
    depth = f.a.relationship_depth
    rows = [Row([Cell(("Tier: ", None), (depth.tier, "bold"))], 2.0)]
    rows += [Row([Cell("- " + r)], _decay(2.0, i)) for i, r in enumerate(depth.reasons)]
    return Section("Relationship depth", rows)


def _confidence(f: _Facts) -> Section | None:
    a = f.a
    confidence = a.confidence
    if not confidence or not confidence.samples:
        return None
    noise = confidence.perturbation
    rows = [Row([Cell(f"Channel strengths and stances are estimates. We re-drew every strength "
                      f"(±{say.percent(noise.strength, 0)}) and stance (±{noise.stance:.2f}, unknown ±{noise.unknown_stance:.2f}) "
                      f"{confidence.samples} times, the same way on every run, and counted how often each answer "
                      f"holds (below {say.percent(say.FRAGILE_SHARE, 0)}: treat it as a guess):")], 1.1)]
    holders = confidence.top_power_holders
    if holders:
        rows.append(Row([Cell(f"- Top {len(holders)} power holders stay in the top {len(holders)}: "
                              + ", ".join(f"{a.name_of(h.id)} {say.percent(h.share, 0)}" for h in holders) + ".")], 1.0))
    coach = confidence.top_coach
    confirmed = {c.id for c in a.coach_candidates if c.confirmed}
    if coach and coach.id in confirmed and coach.share == 1.0:
        rows.append(Row([Cell(f"- Top coach {a.name_of(coach.id)} is confirmed (marked as coach): first whatever the numbers.")], 0.9))
    elif coach:
        others = "".join(f"; else {a.name_of(x.id)} {say.percent(x.share, 0)}" for x in coach.alternatives)
        rows.append(Row([Cell(f"- Top coach {a.name_of(coach.id)} stays first in {say.percent(coach.share, 0)}{others}.")], 0.9))
    sign = confidence.forecast_sign
    if sign and sign.sign != "zero":
        rows.append(Row([Cell(f"- The forecast stays {sign.sign} in {say.percent(sign.share, 0)}: {say.stability(sign.share)}.")], 0.8))
    return Section("How sure we are", rows)


SectionBuilder = Callable[[_Facts], "Section | None"]

# The reading order; a builder returns None to leave its section out.
SECTION_BUILDERS: list[SectionBuilder] = [
    _what_if,
    _act_first,
    _risks,
    _uncovered,
    _power,
    _power_vs_title,
    _coaches,
    _follow_ups,
    _forecast,
    _next_moves,
    _depth,
    _channels,
    _factions,
    _confidence,
]


def _footer(full: bool) -> list[Cell]:
    more = "" if full else "ig analyze --full: everything · "
    return [Cell((f"{say.CLOSENESS_SCALE} · power: a person's share of everyone's settled opinion", "dim")),
            Cell((f"{more}ig report SOURCE -o plan.html: the account plan for the bid review", "dim"))]


def briefing_sections(result: AnalysisResult | Analysis | dict[str, Any], full: bool = False) -> list[Section]:
    """Every section of the briefing, in reading order, before the line budget."""
    facts = _Facts(as_analysis(result), full)
    return [s for s in (build(facts) for build in SECTION_BUILDERS) if s is not None]


# --- fitting the budget ----------------------------------------------------------------------

# Stands in for the spaces inside a name while rich wraps lines (it is no space to rich,
# so no name is ever broken), then becomes a space again.
_GLUE = "\u2800"
# Characters of one piece of a cell: past this, user text (a name of a megabyte) is cut
# before rich lays it out, which would otherwise take minutes; no sentence comes near it.
PART = 1000
_TRAILING_SPACE = re.compile(r" +((?:\x1b\[[0-9;]*m)*)$", re.M)


def _clean(text: str) -> str:
    """User text for the terminal or Markdown: no control character, and no stand-in glue."""
    return say.clean(text).replace(_GLUE, " ")


class _Terminal:
    """Renders cells and sections with rich at one width, with or without style."""

    def __init__(self, analysis: Analysis, width: int, color: bool):
        from rich.console import Console

        self.width = width
        self.color = color
        self.console = Console(file=io.StringIO(), width=width, force_terminal=color, no_color=not color,
                               color_system="standard" if color else None, highlight=False, emoji=False,
                               legacy_windows=False, force_jupyter=False, force_interactive=False)
        names = [p.name for p in analysis.people] + [m.name for m in analysis.team] + [c.name for c in analysis.competitors]
        self.names = name_pattern(n for n in names if len(n) <= PART)  # a longer one is cut anyway

    def text(self, cell: Cell, base: str | None = None):
        from rich.text import Text

        out = Text(style=base or "")
        for part, style in cell:
            part = _clean(shorten(part, PART))
            if self.names is not None:
                part = self.names.sub(lambda m: m.group(0).replace(" ", _GLUE), part)
            out.append(part, style=style if self.color else None)
        return out

    def renderables(self, section: Section) -> list[Any]:
        from rich.table import Table

        title = self.text(Cell((section.heading, "bold underline" if self.color else None)))
        if section.columns is None:
            return [title, *(self.text(row.cells[0]) for row in section.rows)]
        table = Table(show_header=section.header, header_style="bold" if self.color else "", box=None,
                      pad_edge=False, padding=(0, 1), expand=False, show_edge=False)
        for header, wraps in zip(section.columns, section.wrap or [True] * len(section.columns)):
            table.add_column(header, no_wrap=not wraps, overflow="fold" if wraps else "ellipsis",
                             max_width=None if wraps else self.width // 3)
        for row in section.rows:
            table.add_row(*(self.text(cell) for cell in row.cells))
        return [title, table]

    def render(self, items: Iterable[Any]) -> str:
        buffer = io.StringIO()
        self.console.file = buffer
        for item in items:
            self.console.print(item, crop=True, overflow="fold")
        # rich pads table cells to the column width: no line ends in spaces (styled or not)
        return _TRAILING_SPACE.sub(r"\1", buffer.getvalue().replace(_GLUE, " "))

    def height(self, section: Section) -> int:
        return self.render(self.renderables(section)).count("\n") + 1  # + the blank line before it


def fit(sections: list[Section], terminal: _Terminal, budget: int, fixed: int) -> list[Section]:
    """Leave out the rows worth least, across sections, until the briefing fits
    ``budget`` lines (``fixed`` lines are the header and footer). Rows worth
    :data:`KEEP` always stay; a section left with no rows goes.

    The optional rows are ranked by value (on a tie, the one higher up the briefing
    first) and the longest prefix of that ranking that fits is kept: a binary search,
    as each row left out can only shorten the briefing."""
    for section in sections:
        section.total = section.total or len(section.rows)
    ranked = sorted(((row.value, si, ri) for si, s in enumerate(sections) for ri, row in enumerate(s.rows)
                     if row.value < KEEP), key=lambda t: (-t[0], t[1], t[2]))
    heights: dict[tuple[int, tuple[int, ...]], int] = {}

    def chosen(k: int) -> list[list[int]]:
        extra = {(si, ri) for _, si, ri in ranked[:k]}
        return [[ri for ri, row in enumerate(s.rows) if row.value == KEEP or (si, ri) in extra]
                for si, s in enumerate(sections)]

    def height(k: int) -> int:
        total = fixed
        for si, rows in enumerate(chosen(k)):
            if rows:
                if (si, tuple(rows)) not in heights:
                    trial = dataclasses.replace(sections[si], rows=[sections[si].rows[ri] for ri in rows])
                    heights[si, tuple(rows)] = terminal.height(trial)
                total += heights[si, tuple(rows)]
        return total

    low, high = 0, len(ranked)  # the answer is the largest k in [low, high] that fits (0 if none does)
    while low < high:
        middle = (low + high + 1) // 2
        if height(middle) <= budget:
            low = middle
        else:
            high = middle - 1
    for section, rows in zip(sections, chosen(low)):
        section.rows = [section.rows[ri] for ri in rows]
    return [s for s in sections if s.rows]


def _terminal_width(width: int | None) -> int:
    return max(MIN_WIDTH, min(MAX_WIDTH, width or 100))


def _fitted(result, width: int, color: bool, full: bool) -> tuple[_Terminal, list[Cell], list[Section], list[Cell]]:
    analysis = as_analysis(result)
    terminal = _Terminal(analysis, _terminal_width(width), color)
    header, footer = _header(_Facts(analysis, full)), _footer(full)
    sections = briefing_sections(analysis, full)
    if not full:
        fixed = terminal.render([terminal.text(c) for c in header + footer]).count("\n") + 1
        sections = fit(sections, terminal, BUDGET, fixed)
    return terminal, header, sections, footer


def render_text(result: AnalysisResult | Analysis | dict[str, Any], width: int | None = 100, color: bool = False,
                full: bool = False) -> str:
    """The briefing for a terminal ``width`` columns wide (60 to 120; no line is longer),
    with bold and colour when ``color``; ``full`` shows every row of every section."""
    terminal, header, sections, footer = _fitted(result, width or 100, color, full)
    items: list[Any] = [terminal.text(c) for c in header]
    for section in sections:
        items.append("")
        items += terminal.renderables(section)
    items.append("")
    items += [terminal.text(c) for c in footer]
    return terminal.render(items)


def _md(cell: Cell | str) -> str:
    return md_text(cell if isinstance(cell, str) else cell.plain)


def _md_marker(marker: str) -> str:
    return marker if marker[:-1].isdigit() and marker.endswith(".") else "-"


def render_markdown(result: AnalysisResult | Analysis | dict[str, Any], full: bool = False) -> str:
    """The briefing as Markdown, with the same rows as the terminal's at 100 columns
    (every row with ``full``); every string escaped for Markdown."""
    _, header, sections, footer = _fitted(result, 100, False, full)
    out = [f"# {_md(header[0])}", "", "  \n".join(_md(c) for c in header[1:]), ""]
    for section in sections:
        out += [f"## {_md(section.heading)}", ""]
        if section.columns is None:
            out.append("\n\n".join(_md(row.cells[0]) for row in section.rows))
        elif not section.header:  # a list: numbered, or bullets
            out += [f"{_md_marker(row.cells[0].plain)} {_md(row.cells[-1])}" for row in section.rows]
        else:
            out.append("| " + " | ".join(_md(c) or " " for c in section.columns) + " |")
            out.append("|" + "---|" * len(section.columns))
            out += ["| " + " | ".join(_md(c) for c in row.cells) + " |" for row in section.rows]
        out.append("")
    out += [_md(c) for c in footer]
    return "\n".join(out).rstrip() + "\n"
