"""Every user-writable string of an account file is an injection attempt: none may
reach the map, the report (HTML and Markdown) or the notebook reprs as markup."""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import markupsafe
import pytest
from markdown_it import MarkdownIt

import influence_graph as ig
from influence_graph.report.summary import render_markdown, render_text
from browser import Page, chromium
from test_map import hover_everything, page_data, search

AS_OF = "2026-11-20"


def payload(field: str) -> str:
    """Breaks out of an attribute, a script and a Markdown link; marks <body> if it ever runs."""
    run = f"document.body.setAttribute('data-pwned','{field}')"
    return (f"\"'><img src=x onerror=\"{run}\"></script><script>{run}</script>"
            f"<!--[{field}](javascript:{run})")


# The markup a payload would leave if any part of it got through unescaped.
LEAKS = ("<img src=x", "<script>document", "</script><script>", "<!--[", 'href="javascript:')


def hostile_data() -> dict:
    """An account with a payload in every free-text field (ids are slugs, so they cannot carry one)."""
    p = payload
    return {
        "account": {"id": "acme", "name": p("account.name"), "industry": p("account.industry"),
                    "notes": p("account.notes")},
        "departments": [
            {"id": "exec", "name": p("department.name"), "function": p("department.function"),
             "notes": p("department.notes")},
            {"id": "eng", "name": p("department2.name"), "parent": "exec"},
        ],
        "people": [
            {"id": "boss", "name": p("person.name"), "title": p("person.title"), "department": "exec",
             "roles": ["decision_maker"], "stance": "skeptic", "personality": p("person.personality"),
             "interests": [p("person.interests")], "contact": {"email": p("person.contact"), p("contact.key"): "x"},
             "notes": p("person.notes"), "tags": [p("person.tags")]},
            {"id": "cfo", "name": p("person2.name"), "title": "CFO", "department": "exec", "reports_to": "boss",
             "roles": ["economic_buyer"], "stance": "opponent"},
            {"id": "dev", "name": p("person3.name"), "title": "Engineer", "department": "eng", "reports_to": "cfo",
             "stance": "champion"},
            {"id": "ops", "name": "Olga", "department": "eng", "reports_to": "dev"},
        ],
        "channels": [
            {"from": "dev", "to": "boss", "kind": "advice", "strength": 0.9, "evidence": p("channel.evidence")},
            {"from": "dev", "to": "cfo", "kind": "trust", "strength": 0.8},
            {"from": "cfo", "to": "dev", "kind": "rivalry", "strength": 0.6, "mutual": True},
        ],
        "department_relations": [{"a": "exec", "b": "eng", "kind": "rivalry", "evidence": p("relation.evidence")}],
        "team": [
            {"id": "kam", "name": p("team.name"), "role": p("team.role"), "title": p("team.title"),
             "email": p("team.email"), "notes": p("team.notes")},
            {"id": "se", "name": p("team2.name"), "role": "key_account_manager"},
        ],
        "relationships": [
            {"member": "kam", "person": "dev", "strength": "velcro", "notes": p("relationship.notes")},
            {"member": "se", "person": "cfo", "strength": "clip"},
        ],
        "competitors": [{"id": "rival", "name": p("competitor.name"), "notes": p("competitor.notes")}],
        "competitor_relationships": [
            {"competitor": "rival", "person": "boss", "strength": "velcro", "notes": p("competitor_rel.notes")},
        ],
        "touches": [
            {"date": "2026-10-01", "member": "se", "people": ["cfo"], "kind": p("touch.kind"),
             "summary": p("touch.summary"), "next_step": p("touch.next_step")},
        ],
        "opportunity": {"name": p("opportunity.name"), "value": 1000, "currency": p("opportunity.currency"),
                        "close_date": "2027-03-31", "stage": p("opportunity.stage"), "notes": p("opportunity.notes"),
                        "decision_unit": ["boss", "cfo"]},
    }


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(k) + _strings(v)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


PAYLOADS = [s for s in _strings(hostile_data()) if s.startswith('"\'><img')]


@pytest.fixture(scope="module")
def hostile():
    account = ig.parse_account(hostile_data())
    return account, ig.analyze(account, as_of=AS_OF)


@pytest.fixture(scope="module")
def outputs(hostile) -> dict[str, str]:
    """Everything the product renders for a person to look at, as text."""
    account, result = hostile
    network = ig.influence_map(account, result)
    report = ig.account_plan(account, result, fmt="html")
    markdown = ig.account_plan(account, result, fmt="md")
    srcdocs = re.findall(r'srcdoc="([^"]*)"', report + network._repr_html_())
    frames = [getattr(result, name)._repr_html_() for name in result.keys()
              if hasattr(getattr(result, name), "_repr_html_")]
    page = network.generate_html()
    data = page_data(page)
    briefing_md = render_markdown(result, full=True)
    return {
        "map": page,
        "briefing.md": briefing_md,
        "briefing.md as html": MarkdownIt("commonmark").enable("table").render(briefing_md),
        # node tooltips travel as JSON (no "<" at all) and become markup in the browser
        # (a line's tooltip is built there from text: tests/test_map.py hovers them)
        "map tooltips": "\n".join(node["tip"] for node in data["nodes"]),
        "report.html": report,
        "report.md": markdown,
        "report.md as html": MarkdownIt("commonmark").render(markdown),
        "iframe pages": "\n".join(html.unescape(doc) for doc in srcdocs),
        # (the text/plain reprs are shown as text by Jupyter, so they may hold anything)
        "reprs": "\n".join([account._repr_html_(), result._repr_html_(), network._repr_html_(), *frames]),
        "actions table": result.actions._repr_html_(),
    }


def test_every_free_text_field_carries_a_payload():
    assert len(PAYLOADS) == 36  # a new free-text field in the file format belongs here too
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("name", ["map", "map tooltips", "report.html", "report.md", "report.md as html", "iframe pages",
                                  "reprs", "actions table", "briefing.md", "briefing.md as html"])
def test_no_payload_reaches_any_output_as_markup(outputs, name):
    text = outputs[name]
    for raw in PAYLOADS:
        assert raw not in text, f"{name}: raw payload {raw[:60]!r}…"
    for leak in LEAKS:
        assert leak not in text, f"{name}: {leak!r} got through"


def test_payloads_are_shown_as_text(outputs, hostile):
    """The strings are not dropped: a seller sees them, escaped."""
    shown = {
        "map": ["account.name", "person.name", "person.title", "department.name", "team.name",
                "competitor.name", "opportunity.name", "team.role"],
        "report.html": ["account.name", "account.industry", "person.name", "person.title", "department.name",
                        "team.name", "competitor.name", "touch.next_step", "opportunity.name",
                        "opportunity.stage", "opportunity.currency"],
        "reprs": ["account.name", "person.name", "opportunity.name"],
    }
    for name, fields in shown.items():
        for field in fields:
            escaped = {html.escape(payload(field)), str(markupsafe.escape(payload(field)))}  # &#x27; or &#39;
            assert any(text in outputs[name] for text in escaped), f"{field} is missing from {name}"
    # the map's data block hands the names to vis-network as text, for the canvas and the search,
    # and each line's own words, for a tooltip built with textContent
    data = page_data(outputs["map"])
    assert payload("person.name") in {n.get("name") for n in data["nodes"]}
    evidence = {e.get("evidence") for e in data["edges"]}
    assert {payload("channel.evidence"), payload("relationship.notes"), payload("competitor_rel.notes")} <= evidence
    markdown = outputs["report.md as html"]
    assert "&lt;img src=x onerror=" in markdown and "person.name" in markdown


@pytest.mark.browser
def test_nothing_runs_in_a_browser(outputs, hostile, tmp_path):
    """Headless chromium loads the map, the report, the rendered Markdown and the
    notebook reprs, and on the map hovers every node, searches a hostile name,
    lights a warm path and saves the view as SVG: no payload becomes an
    element, none marks the page."""
    pages = {
        "map": outputs["map"],
        "report": outputs["report.html"],
        "notebook": "<!DOCTYPE html><meta charset='utf-8'><body>" + outputs["reprs"] + outputs["actions table"]
                    + outputs["report.md as html"] + "<div id='done'></div></body>",
    }
    account, result = hostile
    with chromium() as browser:
        for name, text in pages.items():
            path = tmp_path / f"{name}.html"
            path.write_text(text, encoding="utf-8")
            page = Page(browser, path)
            if name == "map":  # the page did run: vis-network drew every node, and every feature is used
                page.wait_drawn()
                nodes = page_data(text)["nodes"]
                assert page.js("() => document.getElementById('ig-status').dataset.drawn") == str(len(nodes))
                tips = hover_everything(page, [n["id"] for n in nodes])
                assert any(payload("person.title") in tip for tip in tips)  # shown as text
                search(page, payload("person.name"))
                assert page.js("() => window.influenceMap.network.getSelectedNodes()") == ["boss"]
                for target in [u["id"] for u in result.to_dict()["uncovered_decision_makers"] if u["path"]]:
                    page.js("id => window.influenceMap.network.selectNodes([id])", target)
                    page.js("id => window.influenceMap.network.emit('click', { nodes: [id], edges: [] })", target)
                    assert page.js("() => window.influenceMap.path().target") == target
                svg = page.js("() => window.influenceMap.svg()")
                texts = [el.text or "" for el in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
                assert payload("person.name") not in svg and any(payload("person.name") in t for t in texts)
            else:
                page.page.wait_for_load_state("load")
            pwned = page.js("() => document.body.getAttribute('data-pwned')")
            assert pwned is None, f"{name}: injected code ran: the {pwned} payload"
            dom = page.js("() => document.documentElement.outerHTML")
            assert '<img src="x"' not in dom and "<script>document" not in dom, f"{name}: a payload became an element"
            assert page.errors == [], (name, page.errors)
            page.close()


def test_the_terminal_briefing_shows_every_payload_as_plain_text(hostile):
    """A terminal does not run markup: the briefing shows the strings as typed (rich's own
    markup in them is not interpreted either), whole."""
    _, result = hostile
    text = "".join(render_text(result, width=120, full=True).split())  # (a word longer than a line is folded)
    for field in ("account.name", "person.name", "team.name", "opportunity.name"):
        assert "".join(payload(field).split()) in text, field


CONTROL = "\x1b]0;pwned\x07\x1b[2J\r\x9b31m\x00\x08\u202eevil\u2066\u2028"


def test_control_characters_in_any_field_reach_no_output():
    """Escape sequences, bells, carriage returns and C1 controls in every free-text field:
    none reaches the terminal, the Markdown, the plan or its pictures."""
    def poison(value):
        if isinstance(value, str) and value.startswith('"\'><img'):
            return "Acme" + CONTROL + "Name"
        if isinstance(value, dict):
            return {k: poison(v) for k, v in value.items()}
        if isinstance(value, list):
            return [poison(v) for v in value]
        return value

    data = poison(hostile_data())
    data["people"][0]["contact"] = {"email": "x"}  # (a key cannot hold a control character; the loader refuses it)
    account = ig.parse_account(data)
    result = ig.analyze(account, as_of=AS_OF)
    outputs = {
        "briefing": render_text(result, width=100, full=True),
        "briefing, styled": re.sub(r"\x1b\[[0-9;]*m", "", render_text(result, width=100, color=True, full=True)),
        "briefing.md": render_markdown(result, full=True),
        "report.html": ig.account_plan(account, result, fmt="html"),
        "report.md": ig.account_plan(account, result, fmt="md"),
    }
    for name, text in outputs.items():
        found = re.findall("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]", text)
        assert not found, f"{name}: {found[:5]}"
        assert "AcmeName" not in text.replace(" ", "") or "Acme" in text  # the text around them stays
