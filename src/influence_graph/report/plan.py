"""The account plan for the bid review: what the analysis says, and who does what by when.

:func:`plan_sections` turns an account and its analysis (the JSON of
``ig analyze --format json``) into sections of plain text: paragraphs, bullet
lists and tables. :func:`render_plan` renders them as one self-contained,
printable HTML page (with the influence map embedded) or as Markdown; each
renderer escapes every string it is given, so user text is always text.
:func:`action_rows` is the analysis' action list as the plan shows it.
"""
from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from typing import Any

from .text import md_text, stance_text
from ..analysis.result import as_analysis
from ..model import CLOSENESS_VALUES, Account, InfluenceGraphError, Role

# A relationship of at least zipper strength covers a person (DESIGN §4).
COVERED = CLOSENESS_VALUES["zipper"]
POWER_ROWS = 15
LIST_ROWS = 10
FACTION_NAMES = 12

CATEGORY_TEXT = {
    "hidden_power": "hidden power",
    "figurehead": "figurehead",
    "aligned": "power matches title",
    "peripheral": "peripheral",
}


# --- the plan as plain text blocks -------------------------------------------------


@dataclass
class Para:
    text: str


@dataclass
class Heading:
    text: str


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    key: str
    title: str
    blocks: list[Para | Heading | Bullets | Table] = field(default_factory=list)


# --- reading the account and the analysis ---------------------------------------------


class _Facts:
    """The account and its analysis JSON, with the look-ups every section needs."""

    def __init__(self, account: Account, result: Any):
        self.account = account
        self.data: dict[str, Any] = result.to_dict() if hasattr(result, "to_dict") else dict(result)
        self.today = dt.date.fromisoformat(self.data["as_of"]) if self.data.get("as_of") else dt.date.today()
        opportunity = account.opportunity
        self.close = opportunity.close_date if opportunity else None
        self.rows = {row["id"]: row for row in self.data.get("people", [])}
        self.rank = {pid: i + 1 for i, pid in enumerate(self.data.get("power_ranking", []))}
        self.dmu: list[str] = self.data.get("decision_unit", account.decision_unit)
        self.names = {m.id: m.name for m in [*account.team, *account.competitors, *account.people]}
        self.titles = {p.id: p.title for p in account.people}
        self.roles = {p.id: [r.value for r in p.roles] for p in account.people}
        # The analysis picks each person's closest member once; the plan reads it.
        self.closest = {
            pid: (row["closest_member"]["id"], row["closest_member"]["strength"])
            for pid, row in self.rows.items() if row["closest_member"]
        }

    def name(self, pid: str | None) -> str:
        return self.names.get(pid, pid) if pid else "(unassigned)"

    def why_key(self, pid: str) -> str:
        """Why this person matters, in a seller's words."""
        if pid in self.dmu:
            return "in the decision unit"
        if pid in self.rank:
            return f"#{self.rank[pid]} by real power"
        return "a key person"


def _closeness_text(value: float) -> str:
    if value >= 1 - 1e-9:
        label = "velcro"
    elif value >= COVERED - 1e-9:
        label = "zipper"
    else:
        label = "clip"
    return f"{label} ({value:.2f})"


def _number(value: Any, digits: int = 3) -> str:
    return f"{value:.{digits}f}" if isinstance(value, (int, float)) else str(value)


def _names(facts: _Facts, ids: list[str], limit: int | None = None, more: bool = True) -> str:
    shown = [facts.name(pid) for pid in ids[:limit]]
    rest = len(ids) - len(shown)
    return ", ".join(shown) + (f" and {rest} more" if rest > 0 and more else "")


def _path_text(facts: _Facts, path: list[str]) -> str:
    return " → ".join(facts.name(pid) for pid in path)


def _reasons(reasons: Any) -> str:
    if isinstance(reasons, str):
        return reasons
    return "; ".join(str(r) for r in reasons or [])


# --- the action list -------------------------------------------------------------------


def action_rows(result: Any) -> list[dict]:
    """The analysis' one action list (``result.actions``), with names, as the plan shows it."""
    analysis = as_analysis(result)
    return [
        {
            "member": a.owner,
            "member_name": analysis.name_of(a.owner) if a.owner else "(unassigned)",
            "person": a.person,
            "person_name": analysis.name_of(a.person),
            "action": a.what,
            "by": a.by.isoformat(),
            "why": "; ".join(a.why),
        }
        for a in analysis.actions
    ]


# --- the sections ------------------------------------------------------------------------


def _summary(facts: _Facts, actions: list[dict]) -> Section:
    account, data = facts.account, facts.data
    lines = [f"{account.name}" + (f" ({account.account.industry})" if account.account.industry else "") + f", as of {facts.today.isoformat()}."]
    opportunity = account.opportunity
    if opportunity:
        text = f"Opportunity: {opportunity.name}"
        if opportunity.value is not None:
            text += f", {opportunity.value:,.0f} {opportunity.currency or ''}".rstrip()
        if opportunity.stage:
            text += f", stage {opportunity.stage}"
        if facts.close:
            text += f", closing {facts.close.isoformat()} ({(facts.close - facts.today).days} days away)"
        lines.append(text + ".")
    covered = [pid for pid in facts.dmu if facts.closest.get(pid, ("", 0))[1] >= COVERED - 1e-9]
    depth = data.get("relationship_depth") or {}
    follow = [f for f in data.get("follow_ups", []) if f.get("status") in ("never", "overdue", "due")]
    rows = [
        ["Decision unit", f"{len(facts.dmu)} people; {len(covered)} covered at zipper or closer" + (f": {_names(facts, covered)}" if covered else "")],
        ["Relationship depth", f"{depth.get('tier', 'unknown')}: {_reasons(depth.get('reasons'))}".rstrip(": ")],
        ["Real power (top 3)", _names(facts, data.get("power_ranking", []), 3, more=False)],
        ["Hidden power holders", _names(facts, [h["id"] for h in data.get("hidden_power", [])], 5) or "none"],
        ["Coach candidates", _names(facts, [c["id"] for c in data.get("coach_candidates", [])], 3) or "none"],
        # DESIGN §4 counts top power holders outside the decision unit here too.
        ["Uncovered key people", _names(facts, [u["id"] for u in data.get("uncovered_decision_makers", [])], 5) or "none"],
        ["Follow-ups due or overdue", str(len(follow))],
        ["Risks", str(len(data.get("risks", [])))],
    ]
    if data.get("forecast"):
        rows.append(["Forecast support", f"{stance_text(data['forecast'].get('support'))} (−1 against us … +1 for us)"])
    rows.append(["Actions", f"{len(actions)} (see the action list)"])
    return Section("summary", "Summary", [*(Para(line) for line in lines), Table(["", ""], rows)])


def _decision_unit(facts: _Facts) -> Section:
    settled = (facts.data.get("forecast") or {}).get("members", {})
    status = {f["id"]: f.get("status", "") for f in facts.data.get("follow_ups", [])}
    headers = ["Person", "Title", "Roles", "Stance", "Power rank", "Closest on our team", "Coverage", "Follow-up"]
    if settled:
        headers.append("Settled opinion")
    rows = []
    for pid in facts.dmu:
        closest = facts.closest.get(pid)
        strength = closest[1] if closest else 0.0
        row = [
            facts.name(pid),
            facts.titles.get(pid) or "",
            ", ".join(facts.roles.get(pid, [])),
            stance_text(facts.rows.get(pid, {}).get("stance", "unknown")),
            str(facts.rank.get(pid, "")),
            f"{facts.name(closest[0])}, {_closeness_text(strength)}" if closest else "nobody",
            "covered" if strength >= COVERED - 1e-9 else ("thin" if closest else "uncovered"),
            status.get(pid, ""),
        ]
        if settled:
            row.append(stance_text(settled[pid]) if pid in settled else "")
        rows.append(row)
    blocks: list = [Table(headers, rows)]
    coverage = (facts.data.get("relationship_depth") or {}).get("coverage") or {}
    if coverage:
        matrix = [
            [facts.name(member)] + [_closeness_text(strengths[d]) if strengths.get(d) else "–" for d in facts.dmu]
            for member, strengths in coverage.items()
        ]
        blocks += [Heading("Coverage: our team × the decision unit"), Table(["Our team"] + [facts.name(d) for d in facts.dmu], matrix)]
    channels = facts.data.get("influence_channels") or {}
    listens = []
    for dm in facts.dmu:
        sources = channels.get(dm) or []
        if sources:
            parts = [
                f"{facts.name(s['id'])} ({s.get('strength', 0):.2f}, {'we can reach them' if s.get('reachable') else 'out of our reach'})"
                for s in sources[:3]
            ]
            listens.append(f"{facts.name(dm)} listens most to " + "; ".join(parts))
    if listens:
        blocks += [Heading("Who each decision maker listens to"), Bullets(listens)]
    return Section("decision-unit", "Decision unit and coverage", blocks)


def _power(facts: _Facts) -> Section:
    ranking = facts.data.get("power_ranking", [])
    rows = []
    for pid in ranking[:POWER_ROWS]:
        row = facts.rows.get(pid, {})
        rows.append([
            str(facts.rank[pid]), facts.name(pid), facts.titles.get(pid) or "", str(row.get("level", "")),
            _number(row.get("influence", "")), _number(row.get("formal", "")), _number(row.get("brokerage", "")),
            CATEGORY_TEXT.get(row.get("category", ""), row.get("category", "")),
        ])
    blocks: list = [
        Para("Real power is who is listened to by whom, through informal channels and formal lines; "
             "formal position comes from the title and reporting lines alone."),
        Table(["Rank", "Person", "Title", "Level", "Influence", "Formal", "Brokerage", "Category"], rows),
    ]
    if len(ranking) > POWER_ROWS:
        blocks.append(Para(f"… and {len(ranking) - POWER_ROWS} more people (the full list: ig analyze)."))
    for key, title in (("hidden_power", "Hidden power holders: more say than their title"),
                       ("figureheads", "Figureheads: more title than say")):
        entries = facts.data.get(key, [])
        # The reasons already give the title.
        blocks += [Heading(title), Bullets([f"{facts.name(e['id'])}: {_reasons(e.get('reasons'))}" for e in entries] or ["None."])]
    return Section("power", "Power versus title", blocks)


def _coaches(facts: _Facts) -> Section:
    rows = []
    for i, entry in enumerate(facts.data.get("coach_candidates", [])[:LIST_ROWS], 1):
        pid = entry["id"]
        confirmed = entry.get("confirmed") or Role.coach.value in facts.roles.get(pid, [])
        rows.append([
            str(i), facts.name(pid) + (" (confirmed coach)" if confirmed else ""), facts.titles.get(pid) or "",
            stance_text(facts.rows.get(pid, {}).get("stance", "unknown")), _number(entry.get("score", "")),
            _reasons(entry.get("reasons")),
        ])
    if not rows:
        return Section("coaches", "Coach candidates", [Para("No coach candidate yet: nobody favourable with a relationship to our team.")])
    return Section("coaches", "Coach candidates", [Table(["#", "Person", "Title", "Stance", "Score", "Why"], rows)])


def _uncovered(facts: _Facts) -> Section:
    rows = []
    for entry in facts.data.get("uncovered_decision_makers", []):
        pid, path = entry["id"], entry.get("path") or []
        rows.append([
            facts.name(pid), facts.titles.get(pid) or "", facts.why_key(pid),
            _path_text(facts, path) if path else "no warm path",
            f"{entry['path_strength']:.2f}" if path and entry.get("path_strength") is not None else "",
        ])
    if not rows:
        return Section("uncovered", "Uncovered decision makers", [Para("Every decision maker is covered by someone on our team at zipper strength or closer.")])
    return Section("uncovered", "Uncovered decision makers", [
        Para("Nobody on our team is close to these people (zipper or closer). The warm path is the strongest chain of "
             "introductions from our team (the product of the strengths along it)."),
        Table(["Person", "Title", "Why they matter", "Warm path", "Path strength"], rows),
    ])


def _dynamics(facts: _Facts) -> Section:
    groups = [f for f in facts.data.get("factions", []) if len(f) > 1]
    blocks: list = [Heading("Factions (who sticks together)")]
    blocks.append(Bullets([f"Faction {i} ({len(f)} people): {_names(facts, f, FACTION_NAMES)}" for i, f in enumerate(groups, 1)] or ["No factions found."]))
    departments = {d.id: d.name or d.id for d in facts.account.departments}
    rows = [
        [departments.get(r["a"], r["a"]), departments.get(r["b"], r["b"]), r.get("kind", ""), _number(r.get("strength", ""), 2), r.get("source", "")]
        for r in facts.data.get("department_relations", [])
    ]
    blocks.append(Heading("Department dynamics"))
    blocks.append(Table(["Department", "Department", "Relation", "Strength", "Source"], rows) if rows else Para("No alliances or rivalries known."))
    return Section("dynamics", "Factions and department dynamics", blocks)


def _follow_up_section(facts: _Facts) -> Section:
    entries = facts.data.get("follow_ups", [])
    pending = [f for f in entries if f.get("status") in ("never", "overdue", "due")]
    rows = []
    for entry in pending:
        rows.append([
            facts.name(entry["id"]), entry.get("status", ""), str(entry.get("touches", "")), entry.get("last_touch") or "–",
            "" if entry.get("days_since") is None else str(entry["days_since"]), entry.get("next_step") or "",
        ])
    blocks: list = [Para(f"{len(entries) - len(pending)} of {len(entries)} key people are on a 2–3 week rhythm; "
                         "deals this size close after the 4th to 11th follow-up.")]
    if rows:
        blocks.append(Table(["Person", "Status", "Touches", "Last touch", "Days since", "Open next step"], rows))
    return Section("follow-ups", "Follow-ups due", blocks)


def _risk_section(facts: _Facts) -> Section:
    rows = [[r.get("kind", "").replace("_", " "), _names(facts, r.get("ids", [])), r.get("message", "")] for r in facts.data.get("risks", [])]
    return Section("risks", "Risks", [Table(["Risk", "Who", "What it means"], rows) if rows else Para("No risks flagged.")])


def _forecast(facts: _Facts) -> Section | None:
    forecast = facts.data.get("forecast")
    if not forecast or forecast.get("support") is None:
        return None
    text = "If stances spread through the influence network, the decision unit settles at " \
        f"{stance_text(forecast.get('support'))} (−1 against us … +1 for us)"
    if forecast.get("initial_support") is not None:
        text += f"; today's stances average {stance_text(forecast['initial_support'])}"
    blocks: list = [Para(text + ".")]
    members = forecast.get("members") or {}
    if members:
        blocks.append(Table(["Decision maker", "Stance now", "Settled opinion"], [
            [facts.name(pid), stance_text(facts.rows.get(pid, {}).get("stance", "unknown")), stance_text(value)]
            for pid, value in members.items()
        ]))
    moves = forecast.get("next_best_moves") or []
    if moves:
        blocks += [Heading("Next best moves: whom to win over"), Table(["Person", "Title", "Support gain if they become a champion", "Why"], [
            [facts.name(m["id"]), facts.titles.get(m["id"]) or "", f"{m.get('gain', 0):+.3f}", _reasons(m.get("reasons"))]
            for m in moves[:LIST_ROWS]
        ])]
    return Section("forecast", "Forecast", blocks)


def _actions(actions: list[dict]) -> Section:
    rows = [[str(i), a["member_name"], a["person_name"], a["action"], a["by"], a["why"]] for i, a in enumerate(actions, 1)]
    if not rows:
        return Section("actions", "Action list", [Para("Nothing urgent: every key person is covered and on rhythm.")])
    return Section("actions", "Action list", [Table(["#", "Who (our team)", "Whom", "What", "By", "Why"], rows)])


def _since(review: dict | None) -> Section | None:
    """"Since the last review", from :func:`influence_graph.report.diff.review_section`."""
    if not review:
        return None
    blocks: list[Para | Heading | Bullets | Table] = [Para(review["intro"])]
    for heading, lines in review["parts"]:
        blocks += [Heading(heading), Bullets(lines)]
    return Section("since-last-review", review["title"], blocks)


def plan_sections(account: Account, result: Any, since: dict | None = None) -> list[Section]:
    """The account plan as sections of plain text, in bid-review order; ``since`` adds
    "Since the last review" after the summary."""
    facts = _Facts(account, result)
    actions = action_rows(result)
    sections = [
        _summary(facts, actions), _since(since), _decision_unit(facts), _power(facts), _coaches(facts), _uncovered(facts),
        _dynamics(facts), _follow_up_section(facts), _risk_section(facts), _forecast(facts), _actions(actions),
    ]
    return [s for s in sections if s is not None]


# --- rendering -----------------------------------------------------------------------------


def _title(account: Account) -> str:
    return f"Account plan: {account.name}"


def _subtitle(account: Account, result: Any) -> str:
    facts = _Facts(account, result)
    opportunity = account.opportunity
    parts = [opportunity.name] if opportunity else []
    return " · ".join(parts + [f"as of {facts.today.isoformat()}"])


def _md_block(block: Para | Heading | Bullets | Table) -> str:
    if isinstance(block, Para):
        return md_text(block.text)
    if isinstance(block, Heading):
        return f"### {md_text(block.text)}"
    if isinstance(block, Bullets):
        return "\n".join(f"- {md_text(item)}" for item in block.items)
    lines = ["| " + " | ".join(md_text(h) for h in block.headers) + " |", "|" + "---|" * len(block.headers)]
    lines += ["| " + " | ".join(md_text(cell) for cell in row) + " |" for row in block.rows]
    return "\n".join(lines)


def _render_md(account: Account, result: Any, sections: list[Section]) -> str:
    parts = [f"# {md_text(_title(account))}", f"_{md_text(_subtitle(account, result))}_"]
    for section in sections:
        parts.append(f"## {md_text(section.title)}")
        parts += [_md_block(block) for block in section.blocks]
    return "\n\n".join(parts) + "\n"


def _html_block(block: Para | Heading | Bullets | Table) -> str:
    e = html.escape
    if isinstance(block, Para):
        return f"<p>{e(block.text)}</p>"
    if isinstance(block, Heading):
        return f"<h3>{e(block.text)}</h3>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{e(item)}</li>" for item in block.items) + "</ul>"
    head = "".join(f"<th>{e(h)}</th>" for h in block.headers)
    body = "".join("<tr>" + "".join(f"<td>{e(cell)}</td>" for cell in row) + "</tr>" for row in block.rows)
    return f'<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


_CSS = """
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", "PingFang SC",
       "Microsoft YaHei", sans-serif;
       color: #1d2430; background: #fff; max-width: 1180px; margin: 0 auto; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; }
.subtitle { color: #566070; margin: 0 0 16px; }
nav { display: flex; flex-wrap: wrap; gap: 4px 16px; border: 1px solid #d8dde5; border-radius: 6px;
      padding: 8px 14px; margin-bottom: 20px; }
nav a { color: #1f5fbf; text-decoration: none; white-space: nowrap; }
h2 { font-size: 19px; border-bottom: 2px solid #1f5fbf; padding-bottom: 3px; margin-top: 30px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; }
th, td { border: 1px solid #d8dde5; padding: 4px 7px; text-align: left; vertical-align: top; }
th { background: #eef2f8; }
#summary td:first-child { font-weight: 600; width: 220px; }
#summary thead { display: none; }
#actions td:nth-child(5), #follow-ups td:nth-child(4) { white-space: nowrap; }
.map { width: 100%; height: 760px; border: 1px solid #d8dde5; border-radius: 6px; }
.print-note { display: none; }
footer { color: #778; font-size: 12px; margin-top: 30px; }
@media print {
  @page { size: A4 landscape; margin: 14mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { max-width: none; padding: 0; font-size: 11px; color: #000; background: #fff; }
  nav { display: none; }
  th { background: none; }
  h2 { break-after: avoid; page-break-after: avoid; border-color: #000; }
  h3 { break-after: avoid; page-break-after: avoid; }
  tr, li { break-inside: avoid; page-break-inside: avoid; }
  section { break-inside: auto; }
  #actions, #map { break-before: page; page-break-before: always; }
  .map { height: 150mm; }  /* with the heading, one A4 landscape page */
  footer { margin-top: 4mm; }
  .print-note { display: block; }
  a { color: #000; }
}
"""


def _render_html(account: Account, result: Any, sections: list[Section], map_html: str | None) -> str:
    e = html.escape
    nav = "".join(f'<a href="#{s.key}">{e(s.title)}</a>' for s in sections)
    body = [f'<section id="{s.key}"><h2>{e(s.title)}</h2>' + "".join(_html_block(b) for b in s.blocks) + "</section>" for s in sections]
    if map_html is not None:
        nav += '<a href="#map">Influence map</a>'
        # srcdoc keeps the map's own page (scripts and styles) apart from the
        # report's, in the same single file; the sandbox lets its scripts run only there.
        body.append(
            '<section id="map"><h2>Influence map</h2>'
            '<p class="print-note">The map is interactive: open this file in a browser to explore it.</p>'
            f'<iframe class="map" title="Influence map" sandbox="allow-scripts" srcdoc="{e(map_html, quote=True)}"></iframe></section>'
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(_title(account))}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{e(_title(account))}</h1><p class=\"subtitle\">{e(_subtitle(account, result))}</p></header>"
        f"<nav>{nav}</nav>{''.join(body)}"
        "<footer>Made with influence-graph.</footer></body></html>\n"
    )


def _map_html(account: Account, result: Any) -> str:
    from ..viz import influence_map

    return influence_map(account, result).generate_html()


def render_plan(account: Account, result: Any, fmt: str = "html", include_map: bool = True,
                since: dict | None = None) -> str:
    """The account plan as ``"html"`` (self-contained, printable, the influence map
    embedded unless ``include_map`` is false) or ``"md"`` (Markdown).

    ``result`` is an ``AnalysisResult`` or its ``to_dict()``; ``since`` is the
    "Since the last review" content (:func:`influence_graph.report.diff.review_section`).
    """
    if fmt not in ("html", "md"):
        raise InfluenceGraphError(f"unknown report format {fmt!r}; use 'html' or 'md'")
    sections = plan_sections(account, result, since)
    if fmt == "md":
        return _render_md(account, result, sections)
    return _render_html(account, result, sections, _map_html(account, result) if include_map else None)
