"""The influence map (DESIGN §7): one offline HTML file, escaped, deterministic, complete,
readable at first sight (checked in headless Chromium at 1440 × 900)."""
from __future__ import annotations

import html
import itertools
import json
import math
import os
import re
import struct
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from browser import Page, chromium
from influence_graph.analysis import analyze
from influence_graph.cli import cli
from influence_graph.model import load_account, parse_account
from influence_graph.viz import InfluenceMap, influence_map, map_svg
from influence_graph.viz import layout as lay
from influence_graph.viz.influence_map import script_json
from influence_graph.viz.scene import scene
from influence_graph.viz.style import BADGES, EDGE_STYLES, STANCE_COLOURS, stance_bucket

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "huaxin-auto.yaml"
AS_OF = "2026-11-20"

SCRIPT_NAME = "<script>alert(1)</script>"
# Each payload, if it ever reached the page as markup, would mark <body> as pwned.
IMG_TITLE = "<img src=x onerror=\"document.body.setAttribute('data-pwned','title')\">"
BREAKOUT_EVIDENCE = "</script><script>document.body.setAttribute('data-pwned','evidence')</script><!--"
TEAM_NAME = "<img src=y onerror=\"document.body.setAttribute('data-pwned','team')\">"
COMPETITOR_NAME = "Rival<svg onload=\"document.body.setAttribute('data-pwned','competitor')\">"
DEPARTMENT_NAME = "R&D <i>Labs</i>"
PAYLOADS = [SCRIPT_NAME, IMG_TITLE, BREAKOUT_EVIDENCE, TEAM_NAME, COMPETITOR_NAME, DEPARTMENT_NAME]


def hostile_account():
    """A small account whose user strings are all HTML/script injection attempts.
    The engineer everyone consults is a hidden power holder and our likely coach."""
    return parse_account({
        "account": {"id": "hostile", "name": "Hostile <b>Corp</b>"},
        "departments": [{"id": "exec", "name": "Executive"}, {"id": "eng", "name": DEPARTMENT_NAME, "parent": "exec"}],
        "people": [
            {"id": "boss", "name": SCRIPT_NAME, "title": "CEO", "department": "exec", "level": 1,
             "roles": ["decision_maker"], "stance": "neutral"},
            {"id": "cfo", "name": "Carol Chen", "title": "CFO", "department": "exec", "level": 2, "reports_to": "boss",
             "roles": ["economic_buyer"], "stance": "skeptic"},
            {"id": "vp", "name": "Victor Pan", "title": "VP Strategy", "department": "exec", "level": 2,
             "reports_to": "boss", "stance": -0.9},
            {"id": "mgr", "name": "Mia Ma", "title": "Engineering Manager", "department": "eng", "level": 3,
             "reports_to": "cfo", "stance": "supporter"},
            {"id": "dev", "name": "Dev Patel", "title": IMG_TITLE, "department": "eng", "level": 5,
             "reports_to": "mgr", "roles": ["influencer"], "stance": "champion"},
            {"id": "ops", "name": "Olga Ortiz", "title": "Operator", "level": 6, "reports_to": "mgr"},
        ],
        "channels": [
            {"from": "dev", "to": "boss", "kind": "advice", "strength": 0.9, "evidence": BREAKOUT_EVIDENCE},
            {"from": "dev", "to": "cfo", "kind": "expertise", "strength": 0.8},
            {"from": "dev", "to": "vp", "kind": "trust", "strength": 0.7},
            {"from": "cfo", "to": "vp", "kind": "rivalry", "strength": 0.6, "mutual": True},
            {"from": "mgr", "to": "ops", "kind": "friendship", "strength": 0.4, "mutual": True},
        ],
        "team": [{"id": "jt", "name": TEAM_NAME, "role": "key_account_manager"}],
        "relationships": [{"member": "jt", "person": "dev", "strength": "velcro"},
                          {"member": "jt", "person": "cfo", "strength": "clip"}],
        "competitors": [{"id": "rc", "name": COMPETITOR_NAME}],
        "competitor_relationships": [{"competitor": "rc", "person": "boss", "strength": "zipper"}],
        "opportunity": {"name": "Platform <deal>", "decision_unit": ["boss", "cfo"]},
    })


@pytest.fixture(scope="module")
def hostile():
    account = hostile_account()
    return account, analyze(account, as_of=AS_OF)


@pytest.fixture(scope="module")
def example():
    account = load_account(EXAMPLE)
    return account, analyze(account, as_of=AS_OF)


@pytest.fixture(scope="module")
def hostile_page(hostile, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("map") / "hostile.html"
    influence_map(*hostile).write_html(path)
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def example_page(example, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("map") / "example.html"
    influence_map(*example).write_html(path)
    return path


def page_data(page: str) -> dict:
    """The nodes, edges and options the page hands to vis-network."""
    match = re.search(r'<script type="application/json" id="ig-data">(.*?)</script>', page, re.S)
    assert match, "the map data block is missing"
    return json.loads(match.group(1))


class Resources(HTMLParser):
    """Every URL the page would fetch: script src, link href, img/iframe/source src, CSS url()."""

    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "data", "poster", "srcset") and value:
                self.urls.append((tag, value))


# ------------------------------------------------------------------ the file


def test_page_loads_nothing_from_the_network(hostile_page):
    parser = Resources()
    parser.feed(hostile_page)
    assert parser.urls == []  # everything is inline: no src or href at all
    assert "link" not in parser.tags
    remote = re.findall(r"url\(\s*['\"]?(?:https?:)?//", hostile_page)
    assert remote == []
    for host in ("cdnjs", "jsdelivr", "unpkg", "googleapis", "bootstrap.min"):
        assert host not in hostile_page
    # vis-network is inlined, not referenced
    assert "vis-network" in hostile_page and "new vis.Network(" in hostile_page


def test_writes_only_the_path_given(hostile, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    network = influence_map(*hostile)
    (tmp_path / "maps").mkdir()
    network.write_html(Path("maps") / "a.html")
    network.write_html("b.html")
    assert sorted(os.listdir(tmp_path)) == ["b.html", "maps"]
    assert os.listdir(tmp_path / "maps") == ["a.html"]
    assert (tmp_path / "b.html").read_bytes() == (tmp_path / "maps" / "a.html").read_bytes()


def test_user_strings_are_escaped(hostile_page):
    for payload in PAYLOADS:
        assert payload not in hostile_page, f"raw {payload!r} reached the page"
    for raw in ("<script>alert", "<img src=", "<svg onload", "<i>Labs", "<b>Corp", "<deal>"):
        assert raw not in hostile_page
    # ... and they are still there, as text
    assert html.escape(SCRIPT_NAME) in hostile_page  # search list
    assert html.escape(DEPARTMENT_NAME) in hostile_page  # department filter
    assert "Hostile &lt;b&gt;Corp&lt;/b&gt;" in hostile_page  # heading
    # the only script-closing tags are those of the page's own three scripts
    assert hostile_page.count("</script") == 3


def test_tooltips_hold_escaped_markup(hostile_page):
    data = page_data(hostile_page)
    tips = {node["id"]: node["tip"] for node in data["nodes"]}
    assert html.escape(IMG_TITLE) in tips["dev"]
    assert f"<b>{html.escape(SCRIPT_NAME)}</b>" in tips["boss"]
    for tip in tips.values():  # our own markup only: every "<" opens one of our tags
        assert set(re.findall(r"</?([a-z]+)", tip)) <= {"b", "i", "div", "ul", "li"}
    # a line's evidence travels as text (shown with textContent), never as markup
    evidence = [e["evidence"] for e in data["edges"] if e["from"] == "dev" and e["to"] == "boss"]
    assert evidence == [BREAKOUT_EVIDENCE]
    # canvas labels are drawn as text, so they carry the name itself
    assert {n["id"]: n["name"] for n in data["nodes"]}["boss"] == SCRIPT_NAME


def test_script_json_cannot_close_the_script():
    text = script_json({"a": "</script><!-- \u2028"})
    assert "<" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- \u2028"}


def test_every_person_team_member_and_competitor_is_a_node(example, example_page):
    account, _ = example
    data = page_data(example_page.read_text(encoding="utf-8"))
    ids = [node["id"] for node in data["nodes"]]
    expected = [p.id for p in account.people] + [m.id for m in account.team] + [c.id for c in account.competitors]
    assert ids == expected
    edges = data["edges"]
    assert all(e["from"] in ids and e["to"] in ids for e in edges)
    assert len(edges) == (sum(1 for p in account.people if p.reports_to) + len(account.channels)
                          + len(account.relationships) + len(account.competitor_relationships))
    assert data["options"]["physics"]["enabled"] is False
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])


def test_styles_are_defined_once_per_kind(example_page):
    """Lines carry their kind and width, nodes their group: colours and dashes live in one table."""
    data = page_data(example_page.read_text(encoding="utf-8"))
    assert set(data["edgeStyles"]) == set(EDGE_STYLES)
    for kind, style in data["edgeStyles"].items():
        assert style["color"]["color"] == EDGE_STYLES[kind].colour
        assert bool(style["dashes"]) == bool(EDGE_STYLES[kind].dashes)
    for edge in data["edges"]:
        assert set(edge) <= {"from", "to", "kind", "width", "arrows", "note", "evidence"}, edge
    groups = data["options"]["groups"]
    for node in data["nodes"]:
        assert "color" not in node and "shape" not in node and node["group"] in groups


def test_legend_explains_every_encoding(hostile_page):
    legend = hostile_page[hostile_page.index('id="ig-legend"'):]
    for label in STANCE_COLOURS:
        assert f"</span>{label}</div>" in legend
    text = html.unescape(legend)
    for kind, style in EDGE_STYLES.items():
        assert style.legend in text
        assert f'class="ig-edge-filter" value="{kind}"' in legend  # each row is also the filter
    for _, words in BADGES.values():
        assert words in text
    for words in ("Our team", "Competitor", "decision-unit member"):
        assert words in legend


def test_tooltips_carry_the_reasons(example):
    account, result = example
    data = result.to_dict()
    view = scene(account, result)
    tips = {node.id: node.tip for node in view.nodes}
    marked = {node.id for node in view.nodes if BADGES["candidate"][0] in node.marks}
    flagged = data["hidden_power"] + data["figureheads"] + data["uncovered_decision_makers"]
    flagged += [c for c in data["coach_candidates"] if c["id"] in marked]
    assert data["hidden_power"] and marked and data["uncovered_decision_makers"]
    for entry in flagged:
        for reason in entry["reasons"]:
            assert html.escape(reason) in tips[entry["id"]], (entry["id"], reason)
    for risk in data["risks"]:
        for pid in risk["ids"]:
            if pid in tips:
                assert html.escape(risk["message"]) in tips[pid]


def test_tooltip_numbers_are_words_or_ranks(example):
    """Power and brokerage as a rank and a share ("top 5%"), strengths as words: no raw 0.112."""
    account, result = example
    view = scene(account, result)
    analysis_reasons = {r for key in ("hidden_power", "figureheads", "coach_candidates", "uncovered_decision_makers")
                        for entry in result.to_dict()[key] for r in entry.get("reasons", [])}
    for node in view.nodes:
        ours = node.tip
        for reason in analysis_reasons:  # the analysis' own wording is its business
            ours = ours.replace(html.escape(reason), "")
        assert not re.search(r"\d\.\d\d", ours), (node.id, ours)
    top = result.to_dict()["power_ranking"][0]
    assert "top 5%" in {n.id: n.tip for n in view.nodes}[top]
    for line in view.lines:
        assert not re.search(r"\d\.\d", line.note), line


def test_marks_follow_the_analysis(example, hostile):
    for account, result in (example, hostile):
        data = result.to_dict()
        nodes = {node["id"]: node for node in influence_map(account, result).nodes}
        hidden = {e["id"] for e in data["hidden_power"]}
        figureheads = {e["id"] for e in data["figureheads"]}
        confirmed = {p.id for p in account.people if any(r.value == "coach" for r in p.roles)}
        candidates = {c["id"] for c in data["coach_candidates"]}
        for pid, node in nodes.items():
            label = node["label"]
            assert ("★" in label) == (pid in hidden), pid
            assert ("▽" in label) == (pid in figureheads), pid
            assert ("◆" in label) == (pid in confirmed), pid
            if "◇" in label:  # a likely coach: a candidate, not confirmed, never a figurehead, a key person
                assert pid in candidates and pid not in confirmed and pid not in figureheads and node["key"]


def test_only_the_best_coach_candidates_get_the_mark(example):
    account, result = example
    data = result.to_dict()
    marked = [n["id"] for n in influence_map(account, result).nodes if "◇" in n["label"]]
    ranked = [c["id"] for c in data["coach_candidates"]]
    assert 0 < len(marked) < len(ranked) - 1  # not everyone the analysis lists
    scores = {c["id"]: c["score"] for c in data["coach_candidates"]}
    unmarked = [pid for pid in ranked if pid not in marked and not any(r.value == "coach" for r in
                                                                        account.person(pid).roles)]
    assert min(scores[pid] for pid in marked) >= max(scores[pid] for pid in unmarked if pid not in
                                                     {f["id"] for f in data["figureheads"]})


def test_confirmed_coach_looks_different_from_candidates(example):
    account, result = example
    nodes = {n["id"]: n for n in influence_map(account, result).nodes}
    coaches = [p.id for p in account.people if any(r.value == "coach" for r in p.roles)]
    assert coaches
    for pid, node in nodes.items():
        assert bool(node.get("shadow")) == (pid in coaches)  # the halo
        if "◇" in node["label"]:
            assert "◆" not in node["label"]


def test_visual_encoding(hostile):
    account, result = hostile
    data = result.to_dict()
    network = influence_map(account, result)
    nodes = {node["id"]: node for node in network.nodes}
    groups = network.options["groups"]
    influence = {row["id"]: row["influence"] for row in data["people"]}
    by_power = sorted(influence, key=influence.get)
    sizes = [nodes[pid]["size"] for pid in by_power]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]  # size = influence
    colour = {pid: groups[node["group"]]["color"]["background"] for pid, node in nodes.items()}
    assert colour["dev"] == STANCE_COLOURS["champion"]
    assert colour["vp"] == STANCE_COLOURS["opponent"]  # -0.9
    assert colour["ops"] == STANCE_COLOURS["unknown"]
    shapes = {pid: groups[node["group"]]["shape"] for pid, node in nodes.items()}
    assert {shapes["jt"], shapes["rc"], shapes["dev"]} == {"square", "triangle", "dot"}
    uncovered = {u["id"] for u in data["uncovered_decision_makers"]}
    for pid in account.decision_unit:
        look = groups[nodes[pid]["group"]]
        assert look["borderWidth"] > groups[nodes["ops"]["group"]]["borderWidth"]
        assert bool(look["shapeProperties"]["borderDashes"]) == (pid in uncovered)
    kinds = {(e["from"], e["to"]): e for e in network.edges}
    assert kinds[("mgr", "cfo")]["kind"] == "reports_to" and EDGE_STYLES["reports_to"].dashes
    assert kinds[("cfo", "vp")]["kind"] == "rivalry" and not EDGE_STYLES["rivalry"].arrow  # rivalry is not influence
    assert kinds[("mgr", "ops")]["arrows"] == "to, from"  # mutual
    assert kinds[("jt", "dev")]["width"] > kinds[("jt", "cfo")]["width"]  # velcro wider than clip


# Machado, Oliveira & Fernandes (2009), severity 1: simulated colour vision deficiency on linear RGB.
CVD = {
    "protan": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deutan": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritan": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}


def lab(hex_colour: str, vision: str | None = None) -> np.ndarray:
    """CIELAB of an sRGB colour, as seen with ``vision`` (None: typical vision)."""
    rgb = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    if vision:
        linear = np.clip(np.array(CVD[vision]) @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    f = np.cbrt(xyz / np.array([0.95047, 1.0, 1.08883]))
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("vision", [None, "protan", "deutan", "tritan"])
def test_palette_tells_kinds_apart_in_colour_blind_vision(vision):
    """Line kinds that share a dash pattern differ by at least 10 ΔE (CIE76) for
    every kind of colour vision; stances and sides likewise."""
    by_dash: dict[tuple, list[str]] = {}
    for style in EDGE_STYLES.values():
        by_dash.setdefault(style.dashes, []).append(style.colour)
    sets = list(by_dash.values()) + [list(STANCE_COLOURS.values())]
    for colours in sets:
        for a, b in itertools.combinations(colours, 2):
            distance = float(np.linalg.norm(lab(a, vision) - lab(b, vision)))
            assert distance >= 10, (vision, a, b, round(distance, 1))
    assert EDGE_STYLES["advice"].colour != EDGE_STYLES["relationship"].colour


def test_same_input_gives_identical_bytes(tmp_path):
    first, second = tmp_path / "1.html", tmp_path / "2.html"
    account = load_account(EXAMPLE)
    influence_map(account, analyze(account, as_of=AS_OF)).write_html(first)
    again = load_account(EXAMPLE)
    influence_map(again, analyze(again, as_of=AS_OF).to_dict()).write_html(second)
    assert first.read_bytes() == second.read_bytes()


def test_warm_paths_travel_with_the_map(example):
    account, result = example
    network = influence_map(account, result)
    names = {n["id"]: n["name"] for n in network.nodes}
    with_path = {u["id"]: u["path"] for u in result.to_dict()["uncovered_decision_makers"] if u["path"]}
    assert with_path and set(network.paths) == set(with_path)
    for pid, path in with_path.items():
        assert network.paths[pid]["ids"] == path
        assert network.paths[pid]["words"].startswith(" → ".join(names[step] for step in path))


# ------------------------------------------------------------ vector picture

SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(root) -> list[str]:
    """Each text element's words (a name wrapped onto lines is joined again)."""
    return [" ".join(el.itertext()) for el in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("which", ["example", "hostile"])
def test_map_svg_is_complete_escaped_and_deterministic(which, example, hostile):
    account, result = example if which == "example" else hostile
    text = map_svg(account, result)
    assert text == map_svg(account, result.to_dict())  # same input, same bytes
    root = ET.fromstring(text)  # well-formed XML whatever the names hold
    texts = svg_texts(root)
    for item in [*account.people, *account.team, *account.competitors]:
        assert any(item.name in t for t in texts), item.name  # names as text, not markup
    for d in account.departments:
        if any(p.department == d.id for p in account.people):
            assert d.name in texts
    for payload in PAYLOADS:
        assert payload not in text
    lines = [el for el in root.iter(f"{SVG}line") if el.get("class", "").startswith("k-")]
    drawn = len(account.channels) + len(account.relationships) + len(account.competitor_relationships)
    drawn += sum(1 for p in account.people if p.reports_to)
    legend_lines = len(EDGE_STYLES)
    assert len(lines) == drawn + legend_lines
    style = next(root.iter(f"{SVG}style")).text
    for kind in EDGE_STYLES:  # each line style once, in the stylesheet; no line carries its own colour
        assert style.count(f".k-{kind}{{") == 1
    assert not any(el.get("stroke") for el in lines)


def test_map_svg_prints_legibly_on_a4_landscape(example):
    """Fitted whole onto an A4 landscape page (277 × 190 mm inside the margins),
    people's names are at least 7 pt, the smallest figure text journals print."""
    root = ET.fromstring(map_svg(*example))
    _, _, width, height = map(float, root.get("viewBox").split())
    points_per_unit = min(277 / width, 190 / height) / 25.4 * 72
    sizes = [float(el.get("font-size")) for el in root.iter(f"{SVG}text") if el.get("class") == "name"]
    assert sizes and min(sizes) * points_per_unit >= 7.0, (min(sizes), points_per_unit)
    print(f"\nnames at {min(sizes) * points_per_unit:.1f}–{max(sizes) * points_per_unit:.1f} pt on A4 landscape")


# -------------------------------------------------------------------- layout


def label_box(node: dict) -> tuple[float, float, float, float]:
    """The area a node and its label take (estimated as the layout estimates it)."""
    font = node.get("font", {}).get("size", lay.LABEL_FONT)
    width = min(lay.text_width(node["label"], font), lay.SLOT_MAX - lay.SLOT_PAD)
    height = lay.label_lines(lay.text_width(node["label"], font)) * font * lay.LINE_HEIGHT
    half = max(width / 2, node["size"])
    return (node["x"] - half, node["y"] - node["size"], node["x"] + half, node["y"] + node["size"] + height)


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def assert_tidy(network: InfluenceMap) -> None:
    """No two boxes overlap, every node sits inside its box, no two names or dots meet."""
    boxes = network.boxes
    for a, b in itertools.combinations(boxes, 2):
        assert not overlaps((a["x"], a["y"], a["x"] + a["w"], a["y"] + a["h"]),
                            (b["x"], b["y"], b["x"] + b["w"], b["y"] + b["h"])), (a["title"], b["title"])
    areas = [label_box(n) for n in network.nodes]
    inside = [any(b["x"] <= n["x"] <= b["x"] + b["w"] and b["y"] <= n["y"] <= b["y"] + b["h"] for b in boxes)
              for n in network.nodes]
    assert all(inside)
    order = sorted(range(len(areas)), key=lambda i: areas[i][0])
    for k, i in enumerate(order):  # sweep along x: only neighbours can overlap
        for j in order[k + 1:]:
            if areas[j][0] >= areas[i][2]:
                break
            assert not overlaps(areas[i], areas[j]), (network.nodes[i]["id"], network.nodes[j]["id"])


def test_layout_keeps_people_and_departments_apart(example):
    account, result = example
    network = influence_map(account, result)
    assert_tidy(network)
    titles = {b["title"] for b in network.boxes}
    assert titles >= {d.name for d in account.departments if any(p.department == d.id for p in account.people)}
    assert {"Our team", "Competitors"} <= titles


def test_bosses_sit_above_their_reports(example):
    account, result = example
    position = {n["id"]: (n["x"], n["y"]) for n in influence_map(account, result).nodes}
    for person in account.people:
        boss = account.person(person.reports_to) if person.reports_to else None
        if boss and boss.department == person.department:
            assert position[boss.id][1] < position[person.id][1], (boss.id, person.id)


def test_large_department_wraps_into_rows():
    people = [{"id": f"p{i}", "name": f"P {i}", "department": "big", **({"reports_to": "p0"} if i else {})}
              for i in range(320)]
    account = parse_account({"account": {"id": "big", "name": "Big"}, "departments": [{"id": "big"}], "people": people})
    network = influence_map(account, analyze(account, as_of=AS_OF))
    assert_tidy(network)
    position = {n["id"]: (n["x"], n["y"]) for n in network.nodes}
    assert position["p0"][1] < min(y for pid, (x, y) in position.items() if pid != "p0")  # the boss on top
    box = network.boxes[0]
    assert 0.5 < box["w"] / box["h"] < 3  # wrapped, not one long row


def test_boxes_fill_a_landscape_screen():
    """Many departments are packed to about the screen's shape, not one long row or column."""
    departments = [{"id": f"d{i}", "name": f"Department {i}"} for i in range(40)]
    people = [{"id": f"p{i}", "name": f"Person {i}", "department": f"d{i % 40}"} for i in range(400)]
    account = parse_account({"account": {"id": "many", "name": "Many"}, "departments": departments, "people": people})
    boxes = influence_map(account, analyze(account, as_of=AS_OF)).boxes
    width = max(b["x"] + b["w"] for b in boxes) - min(b["x"] for b in boxes)
    height = max(b["y"] + b["h"] for b in boxes) - min(b["y"] for b in boxes)
    assert 0.8 * lay.SCREEN_ASPECT < width / height < 1.6 * lay.SCREEN_ASPECT


def test_a_one_person_account_still_gets_a_map(tmp_path):
    account = parse_account({"account": {"id": "tiny", "name": "Tiny"}, "people": [{"id": "a", "name": "Ann"}],
                             "team": [{"id": "t", "name": "Tom"}]})
    path = tmp_path / "tiny.html"
    influence_map(account, analyze(account, as_of=AS_OF)).write_html(path)
    assert [n["id"] for n in page_data(path.read_text(encoding="utf-8"))["nodes"]] == ["a", "t"]


@pytest.mark.parametrize("stance, bucket", [(1.0, "champion"), (0.25, "supporter"), (0.0, "neutral"),
                                            (-0.5, "skeptic"), (-0.76, "opponent"), ("unknown", "unknown")])
def test_stance_bucket(stance, bucket):
    assert stance_bucket(stance) == bucket


def test_notebook_repr_is_a_sandboxed_srcdoc_iframe(hostile):
    network = influence_map(*hostile)
    assert isinstance(network, InfluenceMap)
    shown = network._repr_html_()
    assert shown.startswith("<iframe ") and 'sandbox="allow-scripts allow-downloads"' in shown
    assert "height:720px" in shown
    srcdoc = re.search(r'srcdoc="([^"]*)"', shown).group(1)
    assert html.unescape(srcdoc) == network.generate_html()
    assert "<script" not in shown  # the whole page is an attribute value


def test_cli_writes_the_map(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    (tmp_path / "out").mkdir()
    ok = runner.invoke(cli, ["map", str(EXAMPLE), "-o", "out/map.html", "--as-of", AS_OF])
    assert ok.exit_code == 0, ok.output
    assert "Wrote out/map.html" in ok.output
    assert os.listdir(tmp_path) == ["out"] and os.listdir(tmp_path / "out") == ["map.html"]
    bad_name = runner.invoke(cli, ["map", str(EXAMPLE), "-o", "map.png"])
    assert bad_name.exit_code == 2 and "must end in .html" in bad_name.output
    missing = runner.invoke(cli, ["map", "missing.yaml", "-o", "m.html"])
    assert missing.exit_code == 1 and "missing.yaml: no such file" in missing.output
    assert "Traceback" not in missing.output


def test_cli_opens_the_map_when_asked(tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr("click.launch", lambda url, **kw: opened.append(url) or 0)
    result = CliRunner().invoke(cli, ["map", str(EXAMPLE), "-o", str(tmp_path / "m.html"), "--open"])
    assert result.exit_code == 0, result.output
    assert opened == [str((tmp_path / "m.html").resolve())]


# ------------------------------------------------------------------ browser
# Headless Chromium at 1440 × 900 (tests/browser.py): real key presses and clicks.

# Where a node is on the page (CSS pixels), and how tall its label is drawn on screen.
NODE_ON_PAGE = """id => {
  const map = window.influenceMap, area = document.getElementById('ig-map').getBoundingClientRect();
  const p = map.network.canvasToDOM(map.network.getPosition(id));
  return { x: area.left + p.x, y: area.top + p.y };
}"""
LABEL_PIXELS = """ids => ids.map(id => {
  const map = window.influenceMap, node = map.network.body.nodes[id], scale = map.network.getScale();
  const area = document.getElementById('ig-map').getBoundingClientRect();
  const p = map.network.canvasToDOM(map.network.getPosition(id));
  return { id, font: node.labelModule.fontOptions.size * scale, hidden: !!node.options.hidden,
           inside: p.x >= 0 && p.y >= 0 && p.x <= area.width && p.y <= area.height };
})"""


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


@pytest.fixture
def open_page(browser):
    pages = []

    def opener(path: Path) -> Page:
        page = Page(browser, path)
        pages.append(page)
        page.wait_drawn()
        return page

    yield opener
    for page in pages:
        assert page.errors == [], page.errors
        page.close()


def open_map(open_page, folder: Path, account, result) -> Page:
    """The account's map, written to ``folder`` and opened (drawn and fitted)."""
    path = folder / "map.html"
    influence_map(account, result).write_html(path)
    return open_page(path)


def search(page: Page, words: str) -> None:
    """Type into "Find a person" and press Enter, as a person would."""
    box = page.page.locator("#ig-search")
    box.fill("")
    box.type(words)
    box.press("Enter")
    page.page.wait_for_timeout(700)  # the 300 ms glide, and anything a second handler would do after it


def view_centre(page: Page) -> dict:
    return page.js("() => window.influenceMap.network.getViewPosition()")


def hover_everything(page: Page, ids: list[str]) -> list[str]:
    """Move the mouse over each node and the middle of each line; the tooltips' text."""
    shown = []
    for node in ids:
        point = page.js(NODE_ON_PAGE, node)
        page.page.mouse.move(point["x"], point["y"])
        page.page.wait_for_timeout(60)
        shown.append(page.js("() => document.getElementById('ig-tip').hidden ? '' : document.getElementById('ig-tip').innerText"))
    return shown


@pytest.mark.browser
def test_browser_draws_the_map_offline_without_running_injected_code(hostile, tmp_path, open_page):
    path = tmp_path / "hostile.html"
    network = influence_map(*hostile)
    network.write_html(path)
    page = open_page(path)
    assert page.requests == []  # nothing fetched: vis-network and everything else inline
    assert page.js("() => document.getElementById('ig-status').dataset.drawn") == str(len(network.nodes))
    tips = hover_everything(page, [n["id"] for n in network.nodes])
    assert all(tips), "every node shows its tooltip on hover"
    assert any(SCRIPT_NAME in tip for tip in tips) and any(IMG_TITLE in tip for tip in tips)  # as text
    ends = page.js("""() => { const m = window.influenceMap, e = m.edges.get().find(e => e.evidence);
                              const a = m.network.getPosition(e.from), b = m.network.getPosition(e.to);
                              const area = document.getElementById('ig-map').getBoundingClientRect();
                              const p = m.network.canvasToDOM({x: (a.x + b.x) / 2, y: (a.y + b.y) / 2});
                              return { x: area.left + p.x, y: area.top + p.y }; }""")
    page.page.mouse.move(ends["x"], ends["y"])
    page.page.wait_for_timeout(100)
    assert BREAKOUT_EVIDENCE in page.js("() => document.getElementById('ig-tip').innerText")
    pwned = page.js("() => document.body.getAttribute('data-pwned')")
    assert pwned is None, f"injected code ran: the {pwned} payload"
    assert page.js("() => document.querySelectorAll('img[src=x], img[src=y], svg[onload], #ig-tip script').length") == 0
    # a picture of the drawn map stands in for the canvas on paper
    assert page.js("() => document.getElementById('ig-print').src").startswith("data:image/png;base64,")


@pytest.mark.browser
def test_browser_search_and_filters(hostile, tmp_path, open_page):
    path = tmp_path / "hostile.html"
    influence_map(*hostile).write_html(path)
    page = open_page(path)
    shown = "() => window.influenceMap.nodes.get({ filter: n => !n.hidden }).map(n => n.id)"
    search(page, "carol")
    assert page.js("() => document.getElementById('ig-found').textContent") == "Found: Carol Chen"
    assert page.js("() => window.influenceMap.network.getSelectedNodes()") == ["cfo"]
    page.page.select_option("#ig-dept", "eng")
    assert page.js(shown) == ["mgr", "dev", "jt", "rc"]  # a department, with our team and competitors
    page.page.select_option("#ig-dept", "exec")
    assert page.js(shown) == ["boss", "cfo", "vp", "mgr", "dev", "jt", "rc"]  # a division includes its sub-departments
    page.page.select_option("#ig-dept", "")
    page.page.check("#ig-dmu-only")
    assert page.js(shown) == ["boss", "cfo", "jt", "rc"]
    page.page.uncheck(".ig-side-filter[value=competitor]")
    assert page.js(shown) == ["boss", "cfo", "jt"]
    page.page.uncheck(".ig-edge-filter[value=rivalry]")
    assert page.js("() => window.influenceMap.edges.get({ filter: e => e.kind === 'rivalry' && !e.hidden }).length") == 0
    page.page.click("#ig-reset")
    assert len(page.js(shown)) == 8
    search(page, SCRIPT_NAME)  # a hostile name is found as text
    assert page.js("() => window.influenceMap.network.getSelectedNodes()") == ["boss"]


@pytest.mark.browser
def test_browser_example_is_readable_at_first_sight(example, example_page, open_page):
    """After fit-to-screen at 1440 × 900: key people's names ≥ 11 px and on screen,
    department titles no bigger than those names, the whole legend visible."""
    page = open_page(example_page)
    nodes = influence_map(*example).nodes
    key = [n["id"] for n in nodes if n["key"]]
    assert set(example[1].analysis.key_people) <= set(key)  # the analysis' key people, and the marked
    labels = page.js(LABEL_PIXELS, key)
    for label in labels:
        assert label["font"] >= 11 and label["inside"] and not label["hidden"], label
    titles = page.js("() => window.influenceMap.titlePixels()")
    assert titles and max(titles.values()) <= min(label["font"] for label in labels) + 0.5
    legend = page.js("""() => { const r = document.getElementById('ig-legend').getBoundingClientRect(),
                                      side = document.getElementById('ig-side');
                                return { bottom: r.bottom, height: window.innerHeight,
                                         scrolls: side.scrollHeight > side.clientHeight }; }""")
    assert legend["bottom"] <= legend["height"] and not legend["scrolls"], legend
    print(f"\nkey names {min(l['font'] for l in labels):.1f}–{max(l['font'] for l in labels):.1f} px, "
          f"titles ≤ {max(titles.values()):.1f} px, legend bottom {legend['bottom']:.0f} of {legend['height']} px")


@pytest.mark.browser
def test_browser_each_search_centres_the_person_searched(example, example_page, open_page):
    page = open_page(example_page)
    account, _ = example
    for pid in ("chen", "wang", "xu", "lin"):  # the second, third and fourth search too
        search(page, account.person(pid).name)
        assert page.js("() => window.influenceMap.network.getSelectedNodes()") == [pid]
        centre, node = view_centre(page), page.js("id => window.influenceMap.network.getPosition(id)", pid)
        assert math.dist((centre["x"], centre["y"]), (node["x"], node["y"])) < 2, (pid, centre, node)
    search(page, account.person("li").name[:4])  # a part of a name, picked once more
    assert page.js("() => window.influenceMap.network.getSelectedNodes()") == ["li"]


def pixel(page: Page, point: dict) -> list[int]:
    """The colour drawn on the map's canvas at a point of the page."""
    return page.js("""p => { const c = document.querySelector('#ig-map canvas'), r = c.getBoundingClientRect();
        const k = c.width / r.width;
        return Array.from(c.getContext('2d').getImageData(Math.round((p.x - r.left) * k), Math.round((p.y - r.top) * k), 1, 1).data); }""",
                   point)


@pytest.mark.browser
@pytest.mark.parametrize("which", ["example", "hostile"])
def test_browser_click_lights_up_the_warm_path(which, example, hostile, tmp_path, open_page):
    account, result = example if which == "example" else hostile
    page = open_map(open_page, tmp_path, account, result)
    target = next(u for u in result.to_dict()["uncovered_decision_makers"] if len(u["path"]) >= 3)
    steps = target["path"]
    page.page.uncheck(".ig-edge-filter[value=relationship]")  # the path's own lines show even so
    probes = []  # points beside the path's lines, inside the band drawn under them
    for a, b in zip(steps, steps[1:]):
        start, end = page.js(NODE_ON_PAGE, a), page.js(NODE_ON_PAGE, b)
        dx, dy = end["x"] - start["x"], end["y"] - start["y"]
        across = 4 / math.hypot(dx, dy)
        for t in (0.3, 0.4, 0.5, 0.6, 0.7):
            for side in (1, -1):
                probes.append({"x": start["x"] + dx * t - side * dy * across, "y": start["y"] + dy * t + side * dx * across})
    before = [pixel(page, probe) for probe in probes]
    point = page.js(NODE_ON_PAGE, target["id"])
    page.page.mouse.click(point["x"], point["y"])
    page.page.wait_for_timeout(100)
    lit = page.js("() => window.influenceMap.path()")
    assert lit and lit["target"] == target["id"] and lit["ids"] == steps
    edges = page.js("ids => window.influenceMap.edges.get(ids)", lit["edges"])
    pairs = {frozenset((e["from"], e["to"])) for e in edges}
    assert pairs == {frozenset(pair) for pair in zip(steps, steps[1:])}  # every step has its line, and only those
    assert not any(e.get("hidden") for e in edges)
    assert set(lit["edges"]) <= set(page.js("() => window.influenceMap.network.getSelectedEdges()"))
    words = page.js("() => document.getElementById('ig-path').textContent")
    names = [n.name for n in [*account.people, *account.team] if n.id in steps]
    assert all(name in words for name in names), words  # as text, hostile or not
    blank = [i for i, colour in enumerate(before) if colour[3] < 100]  # nothing but the box drawn there before
    amber = [i for i in blank if (lambda c: c[0] > 180 and c[2] < 120 and c[3] > 100)(pixel(page, probes[i]))]
    assert blank and len(amber) >= 0.6 * len(blank), (len(amber), len(blank))  # the path drawn in amber
    page.page.mouse.click(5 + page.js("() => document.getElementById('ig-map').getBoundingClientRect().left"), 5)
    assert page.js("() => window.influenceMap.path()") is None  # a click elsewhere puts it out
    assert page.js("() => document.body.getAttribute('data-pwned')") is None


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.mark.browser
@pytest.mark.parametrize("which", ["example", "hostile"])
def test_browser_saves_the_view_as_png_and_svg(which, example, hostile, tmp_path, open_page):
    account, result = example if which == "example" else hostile
    page = open_map(open_page, tmp_path, account, result)
    with page.page.expect_download() as png:
        page.page.click("#ig-png")
    picture = Path(png.value.path()).read_bytes()
    assert png.value.suggested_filename.endswith(".png")
    width, height = png_size(picture)
    assert (width, height) == tuple(page.js("() => { const c = document.querySelector('#ig-map canvas'); return [c.width, c.height]; }"))
    assert len(picture) > 20_000  # a drawn map, not a blank canvas
    with page.page.expect_download() as svg:
        page.page.click("#ig-svg")
    assert svg.value.suggested_filename.endswith(".svg")
    text = Path(svg.value.path()).read_text(encoding="utf-8")
    root = ET.fromstring(text)  # well-formed: every name escaped
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    words = {el.text for el in root.iter(f"{ns}text")}
    people = [p for p in account.people if any(p.name in (w or "") for w in words)]
    assert len(people) >= len(account.people) - 1, words  # the fitted view shows (nearly) everyone
    assert len(list(root.iter(f"{ns}line"))) > 0 and len(list(root.iter(f"{ns}circle"))) >= len(people)
    if which == "hostile":
        assert any(SCRIPT_NAME in (w or "") for w in words) and "<script>" not in text
