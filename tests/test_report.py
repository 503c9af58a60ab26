"""The account plan (``ig report``): contents, the one action list, pictures as SVG at
8 pt or more, escaping, offline, Markdown — and printed by Chromium on A4 landscape:
at most 6 pages, page 1 the summary with both pictures, no blank or near-empty page,
no name broken across lines."""
from __future__ import annotations

import copy
import datetime as dt
import html
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import pydantic
import pytest
import yaml
from click.testing import CliRunner
from conftest import skip_unless_installed
from markdown_it import MarkdownIt

from influence_graph.analysis import analyze
from influence_graph.analysis import wording as say
from influence_graph.cli import cli
from influence_graph.model import InfluenceGraphError, load_account, parse_account
from influence_graph.report import build_plan, render_plan
from influence_graph.report.plan import SECTION_BUILDERS, Section
from influence_graph.report.summary import ACT_FIRST, render_text
from influence_graph.report.text import md_text
from influence_graph.viz.svg import MIN_FONT_PT

from builders import textbook_account

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "huaxin-auto.yaml"
AS_OF = "2026-11-20"
MAX_PAGES = 6
# Anything that would make a browser fetch from the network.
NETWORK_LOAD = re.compile(r"""(?:\b(?:src|href|action|poster)\s*=\s*["']?\s*(?:https?:)?//)|url\(\s*["']?\s*(?:https?:)?//|@import""", re.I)
SVG = re.compile(r"<svg\b.*?</svg>", re.S)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FOOTER = re.compile(r"^\s*(Account plan · influence-graph|page \d+ of \d+)\s*$")


@pytest.fixture(scope="module")
def example():
    account = load_account(EXAMPLE)
    return account, analyze(account, as_of=AS_OF)


@pytest.fixture(scope="module")
def page(example):
    return render_plan(*example, fmt="html")


def section_of(page: str, key: str) -> str:
    start = re.search(rf'<section[^>]*\bid="{key}"[^>]*>', page)
    assert start, f"no section {key!r}"
    return page[start.end():].split("</section>")[0]


def visible(fragment: str) -> str:
    """The text a reader sees: styles dropped, inline tags joined, others a space; entities decoded."""
    fragment = re.sub(r"<(style|title)\b.*?</\1>", " ", fragment, flags=re.S)
    fragment = re.sub(r"</?(span|b)\b[^>]*>", "", fragment)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def pictures(fragment: str) -> list[ET.Element]:
    return [ET.fromstring(svg) for svg in SVG.findall(fragment)]


# --- HTML ----------------------------------------------------------------------------------


def test_page_one_is_the_summary_with_both_pictures(example, page):
    account, result = example
    a = result.analysis
    summary = section_of(page, "summary")
    text = visible(summary)
    o = a.opportunity
    assert o.name in text and f"in {o.days_to_close} days" in text and say.money(o.value, o.currency) in text
    assert f"Forecast {say.signed(a.forecast.support)}" in text.replace("FORECAST", "Forecast")
    assert a.relationship_depth.tier in text
    kinds = [svg.get("class") for svg in pictures(summary)]
    assert kinds == ["picture grid", "picture heatmap"]
    # the top actions: the first of the one action list, in its order, each with owner and date
    rows = re.findall(r"<tr>(.*?)</tr>", summary.split("Act on these first")[1].split("Biggest risks")[0], re.S)[1:]
    assert len(rows) == min(ACT_FIRST, len(a.actions))
    for row, action in zip(rows, a.actions):
        cells = [visible(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        assert cells[1:] == [say.day(action.by, a.as_of), a.name_of(action.owner), " ".join(action.what.split())]
    # the biggest risks: the single point of failure and the opponent among them
    risks = visible(summary.split("Biggest risks")[1])
    for kind in ("opponent", "skeptic", "bottleneck"):
        first = next(r for r in a.risks if r.kind == kind)
        assert f"{say.risk(kind)}: {' '.join(first.message.split())}" in risks


def test_every_picture_is_svg_in_points_with_text_at_8_pt_or_more(page):
    found = pictures(page)
    assert {svg.get("class") for svg in found} == {"picture grid", "picture heatmap", "picture map"}
    for svg in found:
        width, height = (float(svg.get(k).removesuffix("pt")) for k in ("width", "height"))
        box_width, box_height = (float(v) for v in svg.get("viewBox").split()[2:])
        points_per_unit = width / box_width
        assert points_per_unit == pytest.approx(height / box_height, rel=1e-3)  # not stretched
        texts = svg.iter("{http://www.w3.org/2000/svg}text")
        sizes = [float(t.get("font-size")) * points_per_unit for t in texts]  # as printed, in pt
        assert sizes and min(sizes) >= MIN_FONT_PT - 0.05 >= 7.9, (svg.get("class"), min(sizes))
        assert width <= 785 and height <= 540  # fits A4 landscape inside the margins
    css = resources.files("influence_graph.report").joinpath("templates", "plan.css").read_text(encoding="utf-8")
    assert "svg.picture { display: block; max-width: none; }" in css  # never scaled down below its size


def test_the_map_names_every_key_person(example, page):
    _, result = example
    a = result.analysis
    drawn = {" ".join(t.itertext()) for svg in pictures(section_of(page, "map"))
             for t in svg.iter("{http://www.w3.org/2000/svg}text")}  # a wrapped name is one text of tspans
    for pid in a.key_people:
        assert any(label.startswith(a.name_of(pid)) for label in drawn), a.name_of(pid)
    assert {d.name for d in a.departments} <= drawn


def test_the_action_list_is_the_one_action_list_in_its_order(example, page):
    _, result = example
    a = result.analysis
    rows = re.findall(r"<tr>(.*?)</tr>", section_of(page, "actions"), re.S)[1:]
    rows += re.findall(r"<tr>(.*?)</tr>", page.split("Action list (continued)")[1].split("</table>")[0], re.S)[1:] \
        if "Action list (continued)" in page else []
    assert len(rows) == len(a.actions)
    for i, (row, action) in enumerate(zip(rows, a.actions), 1):
        cells = [visible(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        assert cells[:4] == [str(i), say.day(action.by, a.as_of), a.name_of(action.owner), " ".join(action.what.split())]
        assert cells[4]  # and why


def test_sections_show_the_rows_that_matter_and_the_appendix_the_rest(example, page):
    _, result = example
    a = result.analysis
    titles = re.findall(r"<h2>(.*?)</h2>", page.split('<div class="sections">')[1])
    assert titles[:5] == ["Action list", "Decision unit and key people: who we reach, and how", "Who really decides",
                          "Risks", "Coaches"]
    assert titles[-1] == "Appendix: the rest of each list"
    power = visible(section_of(page, "power"))
    appendix = visible(page.split('id="appendix"')[1])
    for rank, pid in enumerate(a.power_ranking, 1):  # each once: the strongest in the section, the rest in the appendix
        p = a.person(pid)
        in_section = f"{rank} {p.name} {p.title}" in power
        assert in_section != (f"{rank}. {p.label} — {say.percent(p.influence)}" in appendix), p.label
        assert in_section == (rank <= 6)
    for risk in a.risks:
        assert " ".join(risk.message.split()) in visible(page)
    for u in a.uncovered_decision_makers:  # Ma Jun and the others, with the way in
        row = visible(section_of(page, "decision-unit")).split(a.name_of(u.id), 1)[1]
        way = " → ".join(a.name_of(x) for x in u.path[:-1]) if u.path else "no warm path"
        assert way in row


def test_words_and_numbers_are_the_terminal_s(example, page):
    _, result = example
    a = result.analysis
    text = visible(SVG.sub("", page))
    for code in ("economic_buyer", "decision_maker", "technical_buyer", "competitor_tie", "hidden_power", "aligned"):
        assert code not in text
    assert not re.search(r"(?<![\w−])-\d", text)  # one minus sign: "−0.02", never "-0.02"
    briefing = render_text(result, width=120, full=True)
    top = a.person(a.power_ranking[0])
    assert say.percent(top.influence) in briefing and f"{say.percent(top.influence)} (1st of {len(a.people)})" in text


def test_names_are_kept_whole_in_every_line(example, page):
    _, result = example
    outside_pictures = SVG.sub("", page)
    for person in result.analysis.people:
        name = html.escape(person.name).removesuffix(")")  # also where a title was put inside the brackets
        assert outside_pictures.count(name) == outside_pictures.count(f'<span class="nm">{name}'), person.name
    css = resources.files("influence_graph.report").joinpath("templates", "plan.css").read_text(encoding="utf-8")
    assert ".nm { white-space: nowrap; }" in css and "word-break: keep-all" in css


def test_the_plan_loads_nothing_and_runs_nothing(page):
    assert NETWORK_LOAD.findall(page) == []
    assert "<script" not in page and "<iframe" not in page
    assert not re.search(r"<[^>]+\son\w+\s*=", page)  # no event handler attribute anywhere


def test_templates_and_css_ship_in_the_package():
    folder = resources.files("influence_graph.report").joinpath("templates")
    assert folder.joinpath("plan.html.j2").is_file() and folder.joinpath("plan.css").is_file()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'packages = ["src/influence_graph"]' in pyproject  # hatchling ships every file of the package


def test_sections_are_data(example):
    account, result = example
    extra = lambda f: Section("since", "Since the last review", [])  # noqa: E731 - a stand-in section
    SECTION_BUILDERS.append(extra)
    try:
        plan = build_plan(account, result)
    finally:
        SECTION_BUILDERS.remove(extra)
    assert plan.sections[-1].title == "Since the last review"


def test_a_renamed_or_missing_field_is_an_error_not_a_blank(example):
    account, result = example
    data = result.to_dict()
    renamed = copy.deepcopy(data)
    renamed["actions"][0]["task"] = renamed["actions"][0].pop("what")
    with pytest.raises(pydantic.ValidationError):
        render_plan(account, renamed)
    assert render_plan(account, data) == render_plan(account, result)  # the JSON renders the same


def test_every_user_string_is_escaped_in_html():
    evil = "<script>alert(1)</script>"
    data = textbook_account()
    data["account"]["name"] = f"Acme {evil}"
    data["people"][0]["name"] = evil
    data["people"][0]["title"] = '"><img src=x onerror=alert(2)>'
    data["team"][0]["name"] = f"<b>{evil}</b>"
    data["touches"][0]["next_step"] = "<i>send</i> & sign"
    account = parse_account(data)
    page = render_plan(account, analyze(account, as_of=AS_OF), fmt="html")
    assert "<script" not in page and "<img" not in page and "<i>" not in page and f"<b>{evil}" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;b&gt;" in page
    assert "&lt;i&gt;send&lt;/i&gt; &amp; sign" in page
    for svg in SVG.findall(page):
        ET.fromstring(svg)  # every picture is still well-formed


def test_an_account_without_a_decision_unit_or_people_still_makes_a_plan():
    for data in ({"account": {"id": "x", "name": "Blank"}},
                 {"account": {"id": "x", "name": "Few"}, "people": [{"id": "a", "name": "Ann"}]}):
        account = parse_account(data)
        page = render_plan(account, analyze(account, as_of=AS_OF))
        assert "No decision unit recorded" in page and "<h2>Action list</h2>" in page
        assert render_plan(account, analyze(account, as_of=AS_OF), fmt="md").startswith(f"# Account plan: {account.name}")


# --- Markdown --------------------------------------------------------------------------------


def test_markdown_plan_has_the_summary_sections_and_appendix(example):
    account, result = example
    text = render_plan(*example, fmt="md")
    assert text.startswith("# Account plan: Huaxin Automotive\n")
    for title in ("Summary", "Action list", "Decision unit and key people: who we reach, and how", "Who really decides",
                  "Risks", "Coaches", "Forecast", "Appendix: the rest of each list"):
        assert f"\n## {title}\n" in text
    assert "### Coverage: our team × the decision unit" in text and "<svg" not in text
    first = result.analysis.actions[0]
    assert f"| 1 | {md_text(say.day(first.by, result.analysis.as_of))} | {md_text(result.analysis.name_of(first.owner))} |" in text


def test_markdown_cells_cannot_break_tables_or_inject_html():
    data = textbook_account()
    data["people"][0]["name"] = "Zhao | Ming\nsecond line <script>x</script>"
    data["people"][0]["title"] = "CEO *and* [chair](http://x)"
    account = parse_account(data)
    text = render_plan(account, analyze(account, as_of=AS_OF), fmt="md")
    assert "Zhao \\| Ming second line &lt;script\\>x&lt;/script\\>" in text
    assert "CEO \\*and\\* \\[chair\\](http://x)" in text
    assert "<" not in text  # no tag can start, whatever the Markdown flavour
    for block in text.split("\n\n"):
        rows = [line for line in block.splitlines() if line.startswith("|")]
        if rows:
            assert len({len(re.findall(r"(?<!\\)\|", r)) for r in rows if not r.startswith("|---")}) == 1, block
    assert "<table>" in MarkdownIt("commonmark").enable("table").render(text)


def test_unknown_format_is_a_clear_error(example):
    with pytest.raises(InfluenceGraphError, match="use 'html' or 'md'"):
        render_plan(*example, fmt="pdf")


def test_report_is_deterministic(example):
    account, result = example
    assert render_plan(account, result) == render_plan(account, json.loads(json.dumps(result.to_dict())))


# --- printed by Chromium -----------------------------------------------------------------------


def _run(*argv: str) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def printed(page, tmp_path_factory) -> Path:
    """The example plan printed to PDF by headless Chromium, as a browser's "Save as PDF" does."""
    if CHROMIUM is None:
        skip_unless_installed("headless chromium is not installed")
    for tool in ("pdfinfo", "pdftotext", "pdfimages"):
        if shutil.which(tool) is None:
            skip_unless_installed(f"{tool} (poppler-utils) is not installed")
    folder = tmp_path_factory.mktemp("printed")
    source, pdf = folder / "plan.html", folder / "plan.pdf"
    source.write_text(page, encoding="utf-8")
    _run(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
         f"--user-data-dir={folder / 'profile'}", "--host-resolver-rules=MAP * ~NOTFOUND",
         f"--print-to-pdf={pdf}", "--no-pdf-header-footer", source.as_uri())
    return pdf


def _pages(pdf: Path) -> list[str]:
    count = int(re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", str(pdf)), re.M).group(1))
    return [_run("pdftotext", "-raw", "-f", str(n), "-l", str(n), str(pdf), "-") for n in range(1, count + 1)]


def _content(page_text: str) -> list[str]:
    """A page's lines of content: not blank, not the running footer."""
    return [line for line in page_text.splitlines() if line.strip() and not FOOTER.match(line)]


@pytest.mark.browser
def test_printed_plan_is_at_most_6_a4_landscape_pages_with_no_empty_ones(printed):
    info = _run("pdfinfo", str(printed))
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(width), round(height)) == (842, 595)  # A4 landscape
    pages = _pages(printed)
    assert len(pages) <= MAX_PAGES, f"{len(pages)} pages"
    for number, text in enumerate(pages, 1):
        lines = _content(text)
        # not blank, not only the footer, not one stray table row or line
        assert len(lines) >= 8, f"page {number} holds only: {lines}"


@pytest.mark.browser
def test_printed_page_one_holds_the_summary_and_both_pictures(example, printed):
    _, result = example
    a = result.analysis
    first = " ".join(_pages(printed)[0].replace(" (", "(").replace("( ", "(").split())
    for words in ("Account plan: Huaxin Automotive", "FORECAST", say.signed(a.forecast.support), "RELATIONSHIP TIER",
                  a.relationship_depth.tier, "Act on these first", "Biggest risks",
                  "real power against stance", "Coverage: our team × the decision unit", "closest", "against us"):
        assert words in first, words
    for action in a.actions[:ACT_FIRST]:
        assert f"{say.day(action.by, a.as_of)} {a.name_of(action.owner)}" in first
    # the pictures' own words are text on page 1 (vector, not an image): the team down the heat map
    for member in a.team:
        assert member.name in first
    second = "".join(_pages(printed)[1].split())  # (pdftotext spaces Chinese characters apart)
    assert "Influencemap" in second[:80]
    assert all(a.name_of(pid).replace(" ", "") in second for pid in a.key_people)


@pytest.mark.browser
def test_printed_pictures_are_vectors_with_no_text_under_8_pt(printed):
    assert len(_run("pdfimages", "-list", str(printed)).splitlines()) == 2  # the header only: no raster image
    words = []
    for number in (1, 2):  # the summary with its pictures, and the map
        boxes = _run("pdftotext", "-bbox", "-f", str(number), "-l", str(number), str(printed), "-")
        words += [(text, float(y1) - float(y0)) for y0, y1, text in
                  re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', boxes)]
    # The tile labels are 8 pt in the plan's CSS: every word of the same fonts is at least as tall.
    eight = min(h for text, h in words if text == "FORECAST")
    body = [(text, h) for text, h in words if text.isascii() and text not in ("Account", "plan", "·", "influence-graph", "page", "of")
            and not text.isdigit()]
    assert len(body) > 200
    small = [(text, h) for text, h in body if h < eight - 0.05]
    assert small == [], small[:10]


@pytest.mark.browser
def test_printed_names_never_break_mid_name(example, printed):
    _, result = example
    text = _run("pdftotext", "-raw", str(printed), "-").replace(" ", "")
    for person in result.analysis.people:
        name = person.name.replace(" ", "")
        whole = sum(line.count(name) for line in text.splitlines())
        anyhow = len(re.findall(r"(?:\n)?".join(re.escape(ch) for ch in name), text))  # also across a line break
        assert whole > 0 and anyhow == whole, f"{person.name} is broken across lines"


# --- ig report ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["plan.html", "plan.md"])
def test_cli_writes_the_plan(tmp_path, name):
    out = tmp_path / name
    run = CliRunner().invoke(cli, ["report", str(EXAMPLE), "-o", str(out), "--as-of", AS_OF])
    assert run.exit_code == 0, run.output
    text = out.read_text(encoding="utf-8")
    assert "Account plan: Huaxin Automotive" in text
    assert "as of Fri 20 Nov 2026" in text
    assert ("<!DOCTYPE html>" in text) == name.endswith(".html")
    assert str(out) in run.output


def test_cli_rejects_other_suffixes_as_a_usage_error(tmp_path):
    run = CliRunner().invoke(cli, ["report", str(EXAMPLE), "-o", str(tmp_path / "plan.pdf")])
    assert run.exit_code == 2
    assert ".html or .md" in run.output
    assert not (tmp_path / "plan.pdf").exists()


def test_cli_bad_account_exits_1_without_writing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"account": {"id": "x", "name": "X"}, "people": [{"id": "a"}]}), encoding="utf-8")
    out = tmp_path / "plan.html"
    run = CliRunner().invoke(cli, ["report", str(bad), "-o", str(out)])
    assert run.exit_code == 1
    assert "bad.yaml" in run.output and "Traceback" not in run.output
    assert not out.exists()


def test_cli_bad_date_is_a_usage_error(tmp_path):
    run = CliRunner().invoke(cli, ["report", str(EXAMPLE), "-o", str(tmp_path / "p.md"), "--as-of", "2026-13-01"])
    assert run.exit_code == 2
    assert "YYYY-MM-DD" in run.output


def test_cli_default_as_of_is_today(tmp_path):
    out = tmp_path / "plan.md"
    run = CliRunner().invoke(cli, ["report", str(EXAMPLE), "-o", str(out)])
    assert run.exit_code == 0, run.output
    assert f"as of {say.day(dt.date.today())}" in out.read_text(encoding="utf-8")


def test_cli_reports_an_account_from_the_store(tmp_path):
    from influence_graph.stores import open_store

    open_store(tmp_path / "accounts").save(load_account(EXAMPLE))
    out = tmp_path / "plan.md"
    run = CliRunner().invoke(cli, ["report", "huaxin-auto", "--store", str(tmp_path / "accounts"), "-o", str(out), "--as-of", AS_OF])
    assert run.exit_code == 0, run.output
    assert out.read_text(encoding="utf-8").startswith("# Account plan: Huaxin Automotive")
