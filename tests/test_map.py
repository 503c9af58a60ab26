"""The influence map (DESIGN §7): one offline HTML file, escaped, deterministic, complete."""
from __future__ import annotations

import html
import json
import math
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import skip_unless_installed
from click.testing import CliRunner

from influence_graph import graph as g
from influence_graph.analysis import analyze
from influence_graph.cli import cli
from influence_graph.model import load_account, parse_account
from influence_graph.viz import InfluenceMap, influence_map
from influence_graph.viz.influence_map import (
    EDGE_STYLES,
    STANCE_COLOURS,
    _disc_layout,
    layout,
    script_json,
    stance_bucket,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "huaxin-auto.yaml"
AS_OF = "2026-11-20"
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)

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
    assert html.escape(SCRIPT_NAME) in hostile_page  # search list and tooltip
    assert html.escape(DEPARTMENT_NAME) in hostile_page  # department filter
    assert "Hostile &lt;b&gt;Corp&lt;/b&gt;" in hostile_page  # heading
    # the only script-closing tags are those of the page's own three scripts
    assert hostile_page.count("</script") == 3


def test_tooltips_hold_escaped_markup(hostile_page):
    data = page_data(hostile_page)
    titles = {node["id"]: node["title"] for node in data["nodes"]}
    assert html.escape(IMG_TITLE) in titles["dev"]
    assert f"<b>{html.escape(SCRIPT_NAME)}</b>" in titles["boss"]
    evidence = [e["title"] for e in data["edges"] if e["from"] == "dev" and e["to"] == "boss"]
    assert evidence and html.escape(BREAKOUT_EVIDENCE) in evidence[0]
    # canvas labels are drawn as text, so they carry the name itself
    assert {n["id"]: n["name"] for n in data["nodes"]}["boss"] == SCRIPT_NAME


def test_script_json_cannot_close_the_script():
    text = script_json({"a": "</script><!-- \u2028"})
    assert "<" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- \u2028"}


def test_every_person_team_member_and_competitor_is_a_node(example, tmp_path):
    account, result = example
    path = tmp_path / "map.html"
    influence_map(account, result).write_html(path)
    data = page_data(path.read_text(encoding="utf-8"))
    ids = [node["id"] for node in data["nodes"]]
    expected = [p.id for p in account.people] + [m.id for m in account.team] + [c.id for c in account.competitors]
    assert ids == expected
    edges = data["edges"]
    assert all(e["from"] in ids and e["to"] in ids for e in edges)
    assert len(edges) == (sum(1 for p in account.people if p.reports_to) + len(account.channels)
                          + len(account.relationships) + len(account.competitor_relationships))
    assert data["options"]["physics"]["enabled"] is False
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])


def test_legend_explains_every_encoding(hostile_page):
    legend = hostile_page[hostile_page.index('id="ig-legend"'):]
    for label in STANCE_COLOURS:
        assert f"</span>{label}</div>" in legend
    for style in EDGE_STYLES.values():
        assert style["legend"] in html.unescape(legend)
    for words in ("Our team", "Competitor", "decision-unit member", "hidden power", "figurehead", "likely coach"):
        assert words in legend


def test_tooltips_carry_the_reasons(example):
    account, result = example
    data = result.to_dict()
    titles = {node["id"]: node["title"] for node in influence_map(account, result).nodes}
    flagged = data["hidden_power"] + data["figureheads"] + data["coach_candidates"] + data["uncovered_decision_makers"]
    assert data["hidden_power"] and data["coach_candidates"] and data["uncovered_decision_makers"]
    for entry in flagged:
        for reason in entry["reasons"]:
            assert html.escape(reason) in titles[entry["id"]], (entry["id"], reason)
    for risk in data["risks"]:
        for pid in risk["ids"]:
            if pid in titles:
                assert html.escape(risk["message"]) in titles[pid]


def test_marks_follow_the_analysis(hostile):
    account, result = hostile
    data = result.to_dict()
    nodes = {node["id"]: node for node in influence_map(account, result).nodes}
    for entry in data["hidden_power"]:
        assert "★" in nodes[entry["id"]]["label"]
    for entry in data["figureheads"]:
        assert "▽" in nodes[entry["id"]]["label"]
    for entry in data["coach_candidates"]:
        assert "♦" in nodes[entry["id"]]["label"]
    unflagged = {p.id for p in account.people} - {e["id"] for k in ("hidden_power", "figureheads", "coach_candidates")
                                                   for e in data[k]}
    for pid in unflagged:
        assert not set("★▽♦") & set(nodes[pid]["label"])


def test_visual_encoding(hostile):
    account, result = hostile
    data = result.to_dict()
    network = influence_map(account, result)
    nodes = {node["id"]: node for node in network.nodes}
    influence = {row["id"]: row["influence"] for row in data["people"]}
    by_power = sorted(influence, key=influence.get)
    sizes = [nodes[pid]["size"] for pid in by_power]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]  # size = influence
    assert nodes["dev"]["color"]["background"] == STANCE_COLOURS["champion"]
    assert nodes["vp"]["color"]["background"] == STANCE_COLOURS["opponent"]  # -0.9
    assert nodes["ops"]["color"]["background"] == STANCE_COLOURS["unknown"]
    assert {nodes["jt"]["shape"], nodes["rc"]["shape"], nodes["dev"]["shape"]} == {"square", "triangle", "dot"}
    uncovered = {u["id"] for u in data["uncovered_decision_makers"]}
    for pid in account.decision_unit:
        assert nodes[pid]["borderWidth"] > nodes["ops"]["borderWidth"]
        assert bool(nodes[pid]["shapeProperties"]["borderDashes"]) == (pid in uncovered)
    kinds = {(e["from"], e["to"]): e for e in network.edges}
    assert kinds[("mgr", "cfo")]["dashes"]  # formal line dashed
    assert kinds[("cfo", "vp")]["color"]["color"] == EDGE_STYLES["rivalry"]["color"]
    assert kinds[("cfo", "vp")]["arrows"] == ""  # rivalry is not influence
    assert kinds[("mgr", "ops")]["arrows"] == "to, from"  # mutual
    assert kinds[("jt", "dev")]["width"] > kinds[("jt", "cfo")]["width"]  # velcro wider than clip


def test_same_input_gives_identical_bytes(tmp_path):
    first, second = tmp_path / "1.html", tmp_path / "2.html"
    account = load_account(EXAMPLE)
    influence_map(account, analyze(account, as_of=AS_OF)).write_html(first)
    again = load_account(EXAMPLE)
    influence_map(again, analyze(again, as_of=AS_OF).to_dict()).write_html(second)
    assert first.read_bytes() == second.read_bytes()


def test_layout_keeps_departments_apart(example):
    account, result = example
    network = influence_map(account, result)
    positions = {(n["x"], n["y"]) for n in network.nodes}
    assert len(positions) == len(network.nodes)
    discs = network.discs
    assert {d["name"] for d in discs} >= {d.name for d in account.departments if any(p.department == d.id for p in account.people)}
    for i, a in enumerate(discs):
        for b in discs[i + 1:]:
            assert math.dist((a["x"], a["y"]), (b["x"], b["y"])) >= a["r"] + b["r"], (a["name"], b["name"])
    for i, a in enumerate(network.nodes):  # no dot covers another
        for b in network.nodes[i + 1:]:
            assert math.dist((a["x"], a["y"]), (b["x"], b["y"])) >= a["size"] + b["size"], (a["id"], b["id"])


def test_large_department_uses_a_sunflower_inside_its_disc():
    people = [{"id": f"p{i}", "name": f"P {i}", "department": "big", **({"reports_to": "p0"} if i else {})}
              for i in range(320)]
    account = parse_account({"account": {"id": "big", "name": "Big"}, "departments": [{"id": "big"}], "people": people})
    whole = g.account_graph(account)
    seniority = {pid: (0 if pid == "p0" else 1, int(pid[1:])) for pid in whole}
    positions = _disc_layout(list(whole), g.tie_graph(whole), seniority)
    radius = max(math.hypot(*p) for p in positions.values())
    assert math.hypot(*positions["p0"]) == min(math.hypot(*p) for p in positions.values())  # the boss in the middle
    points = sorted((round(p[0], 3), round(p[1], 3)) for p in positions.values())
    assert len(set(points)) == 320 and radius > 0
    pos, discs = layout(whole, {pid: "big" for pid in whole}, seniority)
    assert list(discs) == ["big"] and len(pos) == 320


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
    assert shown.startswith("<iframe ") and 'sandbox="allow-scripts"' in shown and "height:720px" in shown
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


def browser_dom(page: Path, profile: Path) -> str:
    """The page's DOM after headless chromium has loaded and run it, with every host unreachable."""
    if CHROMIUM is None:
        skip_unless_installed("headless chromium is not installed")
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}",
         "--virtual-time-budget=5000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    ).stdout


@pytest.mark.browser
def test_browser_draws_the_map_offline_without_running_injected_code(hostile, tmp_path):
    page = tmp_path / "hostile.html"
    network = influence_map(*hostile)
    network.write_html(page)
    dom = browser_dom(page, tmp_path / "profile")
    assert 'id="ig-status"' in dom, "chromium produced no DOM"
    drawn = re.search(r'data-drawn="(\d*)"', dom).group(1)
    assert drawn == str(len(network.nodes)), "vis-network did not draw the nodes (offline)"
    body = re.search(r"<body[^>]*>", dom).group(0)
    assert "data-pwned" not in body, f"injected code ran: {body}"
    assert SCRIPT_NAME not in dom
    assert "vis-network" in dom and "<canvas" in dom
    # a picture of the drawn map stands in for the canvas on paper
    assert re.search(r'<img id="ig-print"[^>]*src="data:image/png;base64,', dom)


# Drives the page's own controls, then records what the map shows.
DRIVE_CONTROLS = """<script>
window.addEventListener("load", function () { setTimeout(function () {
  var map = window.influenceMap, out = {};
  function shown() { return map.nodes.get({ filter: function (n) { return !n.hidden; } }).map(function (n) { return n.id; }); }
  var search = document.getElementById("ig-search");
  search.value = "carol";
  search.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" }));
  out.found = document.getElementById("ig-found").textContent;
  out.selected = map.network.getSelectedNodes();
  var dept = document.getElementById("ig-dept");
  dept.value = "eng"; dept.dispatchEvent(new Event("change"));
  out.eng = shown();
  dept.value = "exec"; dept.dispatchEvent(new Event("change"));
  out.exec = shown();
  dept.value = ""; dept.dispatchEvent(new Event("change"));
  document.getElementById("ig-dmu-only").click();
  out.dmu = shown();
  document.querySelector(".ig-edge-filter[value=rivalry]").click();
  out.rivalries = map.edges.get({ filter: function (e) { return e.kind === "rivalry" && !e.hidden; } }).length;
  document.getElementById("ig-reset").click();
  out.reset = shown().length;
  document.body.setAttribute("data-result", JSON.stringify(out));
}, 50); });
</script>"""


@pytest.mark.browser
def test_browser_search_and_filters(hostile, tmp_path):
    page = tmp_path / "driven.html"
    text = influence_map(*hostile).generate_html()
    page.write_text(text.replace("</body>", DRIVE_CONTROLS + "</body>"), encoding="utf-8")
    body = re.search(r"<body[^>]*>", browser_dom(page, tmp_path / "profile")).group(0)
    result = json.loads(html.unescape(re.search(r'data-result="([^"]*)"', body).group(1)))
    assert result["found"] == "Found: Carol Chen" and result["selected"] == ["cfo"]
    assert result["eng"] == ["mgr", "dev", "jt", "rc"]  # a department, with our team and competitors
    assert result["exec"] == ["boss", "cfo", "vp", "mgr", "dev", "jt", "rc"]  # a division includes its sub-departments
    assert result["dmu"] == ["boss", "cfo", "jt", "rc"]
    assert result["rivalries"] == 0
    assert result["reset"] == 8
