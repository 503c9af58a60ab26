"""The analysis as a seller reads it: plain-language sections, most urgent first.

Built from the JSON of ``ig analyze --format json`` (``AnalysisResult.to_dict()``)
into neutral :class:`Section` objects, then rendered as terminal tables
(:func:`render_text`) or Markdown (:func:`render_markdown`).
"""
from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..analysis.wording import join, titled
from ..model import CLOSENESS_VALUES, STANCE_VALUES
from .text import md_text, stance_text

TOP = 5  # rows per ranked table: the few things to act on, not a data dump
# An answer that holds in this share of re-drawn scenarios is solid; below FRAGILE_SHARE, a guess.
STABLE_SHARE, FRAGILE_SHARE = 0.9, 0.7


@dataclass
class Section:
    title: str
    lines: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    more: int = 0  # rows left out


class People:
    """Names and titles by id, for sentences: ``label("zhao")`` -> "Zhao Ming (CEO)"."""

    def __init__(self, data: dict[str, Any]):
        self.by_id = {p["id"]: p for p in data.get("people", [])}

    def name(self, pid: str) -> str:
        return self.by_id.get(pid, {}).get("name") or pid

    def label(self, pid: str) -> str:
        person = self.by_id.get(pid)
        if not person:
            return pid
        return titled(person["name"], person.get("title"))

    def path(self, ids: list[str], team: dict[str, str]) -> str:
        return " → ".join(team.get(i) or self.name(i) for i in ids)


def _ranked(title: str, rows: list[list[str]], columns: list[str], empty: str, intro: str = "") -> Section:
    section = Section(title, [intro] if intro else [], columns, rows[:TOP], max(0, len(rows) - TOP))
    if not rows:
        section.lines = [empty]
        section.columns = []
    return section


# How the power table names each category (the JSON keeps the keys).
CATEGORY_WORDS = {"hidden_power": "hidden power", "figurehead": "figurehead",
                  "aligned": "power matches title", "peripheral": "less central"}


def _stance_value(stance: Any) -> float:
    return float(stance) if isinstance(stance, (int, float)) else STANCE_VALUES.get(str(stance), 0.0)


def _where_we_stand(data: dict[str, Any], people: People, team: dict[str, str]) -> Section:
    """The deal in three lines: the decision unit's stances, our reach into it, the forecast."""
    dmu = [pid for pid in data.get("decision_unit", []) if pid in people.by_id]
    if not dmu:
        return Section("Where we stand", ["No decision unit recorded: add `opportunity.decision_unit`, "
                                          "or the roles decision_maker / economic_buyer."])
    values = {pid: _stance_value(people.by_id[pid]["stance"]) for pid in dmu}
    camps = [("for us", [p for p in dmu if values[p] > 0]), ("against us", [p for p in dmu if values[p] < 0]),
             ("neutral or unknown", [p for p in dmu if values[p] == 0])]
    said = [f"{len(ids)} {camp}" + (f": {join(people.name(p) for p in ids)}" if camp != camps[2][0] else "")
            for camp, ids in camps if ids]
    close = [p for p in dmu if people.by_id[p].get("coverage", 0) >= CLOSENESS_VALUES["zipper"]]
    tier = (data.get("relationship_depth") or {}).get("tier")
    lines = [f"Decision unit of {len(dmu)}: {'; '.join(said)}.",
             f"Someone on our team is close (zipper or closer) to {len(close)} of the {len(dmu)}"
             + (f"; relationship depth: {tier}." if tier else ".")]
    support = (data.get("forecast") or {}).get("support")
    if support is not None:
        lines.append(f"Forecast: once opinions spread, the decision unit settles at {support:+.2f} "
                     "(−1 all against us, +1 all for us).")
    return Section("Where we stand", lines)


ACT_FIRST = 7  # actions in "Act on these first": the rest are in the plan


def _act_first(data: dict[str, Any], people: People, team: dict[str, str]) -> Section:
    """The top of the one action list (the plan shows the same list, in the same order)."""
    lines = []
    for i, action in enumerate(data.get("actions", [])[:ACT_FIRST], 1):
        owner = team.get(action["owner"], action["owner"]) if action["owner"] else "(no one on our team yet)"
        lines.append(f"{i}. {action['what']} — {owner}, by {action['by']}.")
    return Section("Act on these first", lines or ["Nothing urgent."])


def _power(data: dict[str, Any], people: People, team: dict[str, str]) -> Section:
    rank = {pid: i for i, pid in enumerate(data["power_ranking"], 1)}
    rows = [
        [str(rank[pid]), people.name(pid), people.by_id[pid].get("title") or "", str(people.by_id[pid]["level"]),
         f"{people.by_id[pid]['influence']:.1%}", stance_text(people.by_id[pid]["stance"]),
         CATEGORY_WORDS.get(people.by_id[pid]["category"], people.by_id[pid]["category"])]
        for pid in data["power_ranking"]
    ]
    return _ranked(
        "Who really decides", rows, ["#", "Person", "Title", "Level", "Influence", "Stance", "Category"],
        "No people in the account yet.",
        "Influence is each person's share of the real power: who is listened to by whom, formal lines included.",
    )


def _flagged(title: str, items: list[dict[str, Any]], people: People, empty: str) -> Section:
    rows = [[people.label(i["id"]), "; ".join(i["reasons"])] for i in items]
    return _ranked(title, rows, ["Person", "Why"], empty)


def _coaches(data: dict[str, Any], people: People, team: dict[str, str]) -> Section:
    rows = [
        [people.label(c["id"]) + (" ✓ confirmed" if c.get("confirmed") else ""), f"{c['score']:.2f}", "; ".join(c["reasons"])]
        for c in data.get("coach_candidates", [])
    ]
    return _ranked("Coach candidates", rows, ["Person", "Score", "Why"], "No likely coach yet: build a relationship with a supporter close to the decision unit.")


def _uncovered(data: dict[str, Any], people: People, team: dict[str, str]) -> Section:
    rows = [
        [people.label(u["id"]), people.path(u["path"], team) if u["path"] else "no warm path",
         f"{u['path_strength']:.2f}" if u["path"] else "–"]
        for u in data.get("uncovered_decision_makers", [])
    ]
    return _ranked("Decision makers nobody on our team is close to", rows, ["Person", "Best warm path", "Strength"],
                   "Every decision maker and top power holder is covered at zipper strength or better.")


def _channels(data: dict[str, Any], people: People, team: dict[str, str]) -> Section:
    rows = []
    for dm, influencers in data.get("influence_channels", {}).items():
        top = influencers[:2]
        text = ", ".join(
            f"{people.name(i['id'])} ({i['strength']:.2f}"
            + (f", via {team.get(i['reached_by']) or i['reached_by']}" if i.get("reached_by") else "")
            + ")"
            for i in top
        )
        rows.append([people.label(dm), text or "listens to no one we know of"])
    return _ranked("Who influences each decision maker", rows, ["Decision maker", "Strongest influencers"],
                   "No decision unit defined.", "The people each decision maker listens to most: channel strengths and the "
                   "reporting line (0.50) added up.")


def _factions(data: dict[str, Any], people: People, team: dict[str, str]) -> Section:
    section = Section("Factions and departments")
    found = data.get("factions", [])
    if found:
        section.lines.append("Groups who mostly listen to and trust each other, core people first:")
    for i, faction in enumerate(found[:TOP], 1):
        names = ", ".join(people.name(pid) for pid in faction[:6]) + (f" and {len(faction) - 6} more" if len(faction) > 6 else "")
        section.lines.append(f"Faction {i}: {names}")
    departments = {d["id"]: d["name"] for d in data.get("departments", [])}
    for rel in data.get("department_relations", [])[:TOP]:
        a, b = departments.get(rel["a"], rel["a"]), departments.get(rel["b"], rel["b"])
        how = "as declared" if rel["source"] == "declared" else "inferred from their people"
        section.lines.append(f"{a} ↔ {b}: {rel['kind']} ({rel['strength']:.2f}, {how})")
    if not section.lines:
        section.lines.append("No factions or department relations found.")
    return section


def _depth(data: dict[str, Any], people: People, team: dict[str, str]) -> Section:
    depth = data.get("relationship_depth", {})
    lines = [f"Tier: {depth.get('tier', 'unknown')}"] + [f"- {r}" for r in depth.get("reasons", [])]
    return Section("Relationship depth", lines)


def _follow_ups(data: dict[str, Any], people: People, team: dict[str, str]) -> Section:
    rows = [
        [people.label(f["id"]), f["status"], str(f["touches"]), f["last_touch"] or "–",
         "–" if f["days_since"] is None else str(f["days_since"])]
        for f in data.get("follow_ups", []) if f["status"] != "ok"
    ]
    return _ranked("Follow-ups due", rows, ["Person", "Status", "Touches", "Last touch", "Days since"],
                   "Every key person was touched in the last two weeks.")


def _risks(data: dict[str, Any], people: People, team: dict[str, str]) -> Section:
    rows = [[r["kind"].replace("_", " "), r["message"]] for r in data.get("risks", [])]
    return _ranked("Risks", rows, ["Risk", "What"], "No risks found.")


def _hidden_power(data: dict[str, Any], people: People, team: dict[str, str]) -> Section:
    return _flagged("Hidden power holders", data.get("hidden_power", []), people,
                    "No hidden power holders: power follows the org chart.")


def _figureheads(data: dict[str, Any], people: People, team: dict[str, str]) -> Section:
    return _flagged("Figureheads", data.get("figureheads", []), people,
                    "No figureheads: senior titles hold real influence.")


def _what_if(data: dict[str, Any], people: People, team: dict[str, str]) -> Section | None:
    if "assumptions" not in data:
        return None
    assumed = ", ".join(f"{people.label(a['id'])} is {stance_text(a['stance'])} (was {stance_text(a['was'])})"
                        for a in data["assumptions"])
    changes = [f"- {c['message']}" for c in data.get("changes", [])] or ["- Nothing changes."]
    return Section("What if", [f"Assuming {assumed}:"] + changes)


def _forecast(data: dict[str, Any], people: People, team: dict[str, str]) -> Section | None:
    forecast = data.get("forecast")
    if not forecast:
        return None
    if forecast["support"] is None:
        return Section("Forecast", ["No decision unit recorded: add `opportunity.decision_unit` or decision_maker roles."])
    lines = [
        f"Once opinions spread, the decision unit settles at {forecast['support']:+.2f} "
        f"(today {forecast['initial_support']:+.2f}; −1 all against us, +1 all for us)."
    ]
    sign = (data.get("confidence") or {}).get("forecast_sign")
    if sign:
        low, high = sign["support_range"]
        redrawn = f"With strengths and stances re-drawn {data['confidence']['samples']} times"
        spread = f"most land between {low:+.2f} and {high:+.2f}"
        if sign["sign"] == "zero":
            lines.append(f"{redrawn}, {spread}.")
        else:
            lines.append(f"{redrawn}, it stays {sign['sign']} in {sign['share']:.0%} ({spread}): "
                         f"{_verdict(sign['share'])}.")
    lines.append("Decision makers settle at: "
                 + ", ".join(f"{people.name(pid)} {value:+.2f}" for pid, value in forecast["members"].items()))
    return Section("Forecast", lines)


def _verdict(share: float) -> str:
    """How a seller should take an answer that holds in ``share`` of the re-drawn scenarios."""
    if share >= STABLE_SHARE:
        return "a solid call"
    return "fairly stable" if share >= FRAGILE_SHARE else "too close to call"


def _next_moves(data: dict[str, Any], people: People, team: dict[str, str]) -> Section | None:
    forecast = data.get("forecast")
    if not forecast or forecast["support"] is None:
        return None
    rows = [[people.label(m["id"]), f"+{m['gain']:.2f}", "; ".join(m["reasons"])] for m in forecast["next_best_moves"]]
    return _ranked("Next best moves", rows, ["Win over", "Support gain", "Why"],
                   "Everyone who sways the decision unit is already a champion.",
                   "How much the forecast (−1 to +1) would rise if each person became a champion; "
                   "people already at champion are left out.")


def _confidence(data: dict[str, Any], people: People, team: dict[str, str]) -> Section | None:
    confidence = data.get("confidence")
    if not confidence or not confidence["samples"]:
        return None
    noise = confidence["perturbation"]
    lines = [f"Channel strengths and stances are estimates. Re-drawing every strength (±{noise['strength']:.0%}) and "
             f"stance (±{noise['stance']:.2f}, unknown ±{noise['unknown_stance']:.2f}) {confidence['samples']} times "
             f"(seed {confidence['seed']}), the share of scenarios in which each answer holds "
             f"(below {FRAGILE_SHARE:.0%}: treat it as a guess):"]
    holders = confidence["top_power_holders"]
    if holders:
        lines.append(f"- Top {len(holders)} power holders stay in the top {len(holders)}: "
                     + ", ".join(f"{people.name(h['id'])} {h['share']:.0%}" for h in holders) + ".")
    coach = confidence.get("top_coach")
    confirmed = {c["id"] for c in data.get("coach_candidates", []) if c.get("confirmed")}
    if coach and coach["id"] in confirmed and coach["share"] == 1.0:
        lines.append(f"- Top coach {people.name(coach['id'])} is confirmed (marked as coach): first whatever the numbers.")
    elif coach:
        others = "".join(f"; else {people.name(a['id'])} {a['share']:.0%}" for a in coach["alternatives"])
        lines.append(f"- Top coach {people.name(coach['id'])} stays first in {coach['share']:.0%}{others}.")
    sign = confidence.get("forecast_sign")
    if sign and sign["sign"] != "zero":
        lines.append(f"- The forecast stays {sign['sign']} in {sign['share']:.0%}: {_verdict(sign['share'])}.")
    return Section("How sure we are", lines)


SectionBuilder = Callable[[dict[str, Any], People, dict[str, str]], "Section | None"]

# The reading order; a builder returns None to leave its section out.
SECTION_BUILDERS: list[SectionBuilder] = [
    _what_if,
    _where_we_stand,
    _act_first,
    _power,
    _hidden_power,
    _figureheads,
    _risks,
    _coaches,
    _uncovered,
    _follow_ups,
    _channels,
    _forecast,
    _next_moves,
    _factions,
    _depth,
    _confidence,
]


def summary_sections(data: dict[str, Any], team: dict[str, str] | None = None) -> list[Section]:
    """The sections of the summary, in reading order. ``team`` maps member ids to names."""
    people = People(data)
    sections = [build(data, people, team or {}) for build in SECTION_BUILDERS]
    return [s for s in sections if s is not None]


def _title(data: dict[str, Any]) -> str:
    return f"{data['account']['name']} — influence analysis as of {data.get('as_of', '')}".rstrip()


def render_markdown(data: dict[str, Any], team: dict[str, str] | None = None) -> str:
    """The summary as Markdown (tables escaped for ``|`` and newlines)."""
    out = [f"# {md_text(_title(data))}", ""]
    for section in summary_sections(data, team):
        out += [f"## {md_text(section.title)}", ""]
        out += [md_text(line) for line in section.lines] + ([""] if section.lines else [])
        if section.columns:
            out.append("| " + " | ".join(md_text(c) for c in section.columns) + " |")
            out.append("|" + "---|" * len(section.columns))
            out += ["| " + " | ".join(md_text(c) for c in row) + " |" for row in section.rows]
            if section.more:
                out.append(f"\n… and {section.more} more (see `--format json`).")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def render_text(data: dict[str, Any], team: dict[str, str] | None = None, width: int = 110, color: bool = False) -> str:
    """The summary as terminal text with tables (rich)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, no_color=not color, highlight=False)
    console.print(f"[bold]{escape(_title(data))}[/bold]")
    for section in summary_sections(data, team):
        console.print()
        console.print(f"[bold underline]{escape(section.title)}[/bold underline]")
        for line in section.lines:
            console.print(escape(line))
        if section.columns:
            table = Table(show_header=True, header_style="bold", show_edge=False, pad_edge=False)
            for column in section.columns:
                table.add_column(column, overflow="fold")
            for row in section.rows:
                table.add_row(*[escape(str(c)) for c in row])
            console.print(table)
            if section.more:
                console.print(f"… and {section.more} more (see --format json)")
    return buffer.getvalue()
