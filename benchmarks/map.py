"""How fast is the influence map, and how big? Run from the repo root: ``python benchmarks/map.py``.

For synthetic accounts (see generate.py; default 2,000 and 5,000 people) prints,
each next to a baseline measured in the same run:

- **layout**: our department-box layout (``layout.layout`` on the scene's places)
  against igraph's Fruchterman–Reingold layout (C, grid-accelerated) of the same
  graph;
- **file**: the page's size against the same nodes and lines written the way a
  plain pyvis map is (every line carrying its own colour, dashes and title);
- **ig map end to end**: the whole command (``python cli.py map`` on a YAML file,
  a fresh process: start-up, loading, analysis, map, writing), medians of
  ``--repeats`` runs, against ``ig validate`` (start-up and loading alone) and
  ``ig analyze --format json`` on the same file;
- **browser**: when headless Chromium and Playwright are installed, seconds until
  the page has drawn and fitted the map at 1440 × 900.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import synthetic_account  # noqa: E402
from timing import best_time, checkout_env  # noqa: E402

from influence_graph import graph as g  # noqa: E402
from influence_graph.analysis import _igraph, analyze  # noqa: E402
from influence_graph.model import save_account  # noqa: E402
from influence_graph.viz import influence_map  # noqa: E402
from influence_graph.viz import layout as lay  # noqa: E402
from influence_graph.viz import scene as sc  # noqa: E402
from influence_graph.viz.style import EDGE_STYLES  # noqa: E402

AS_OF = "2026-11-20"
ROOT = Path(__file__).resolve().parents[1]


def per_edge_page(network) -> str:
    """The same map the way a plain pyvis page carries it: every line its own style and tooltip."""
    from pyvis.network import Network

    plain = Network(directed=True, cdn_resources="in_line")
    groups = network.options["groups"]
    for node in network.nodes:
        look = groups[node["group"]]
        plain.add_node(node["id"], label=node["label"], x=node["x"], y=node["y"], size=node["size"],
                       shape=look["shape"], color=look["color"], title=node["tip"])
    for edge in network.edges:
        style = EDGE_STYLES[edge["kind"]]
        plain.add_edge(edge["from"], edge["to"], width=edge["width"], dashes=list(style.dashes) or False,
                       color={"color": style.colour, "highlight": style.colour, "opacity": 0.85},
                       arrows=edge.get("arrows", "to" if style.arrow else ""),
                       title=f"{edge['from']} → {edge['to']}: {edge['kind']} {edge.get('note', '')} {edge.get('evidence', '')}")
    plain.toggle_physics(False)
    return plain.generate_html()


def cli_seconds(args: list[str], repeats: int) -> float:
    """Median wall time of ``ig ARGS`` in a fresh process."""
    env = checkout_env()  # this checkout's sources, with the bytecode cache on
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], check=True, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def browser_seconds(page: Path, nodes: int) -> float | None:
    """Seconds for headless Chromium (via Playwright) to open the page, draw and fit it."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if chromium is None:
        return None
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        tab = browser.new_page(viewport={"width": 1440, "height": 900})
        start = time.perf_counter()
        tab.goto(page.as_uri())
        tab.wait_for_function("document.getElementById('ig-status').dataset.drawn !== ''", timeout=300_000)
        elapsed = time.perf_counter() - start
        drawn = tab.evaluate("document.getElementById('ig-status').dataset.drawn")
        browser.close()
    if drawn != str(nodes):
        raise RuntimeError(f"{page}: the browser drew {drawn} of {nodes} nodes")
    return elapsed


def measure(n_people: int, repeats: int, folder: Path, browser: bool) -> dict[str, float | None]:
    account = synthetic_account(n_people, seed=0)
    result = analyze(account, as_of=AS_OF)
    places = sc.seats(account, result)
    raw, _ = _igraph.to_igraph(g.tie_graph(g.account_graph(account)), g.WEIGHT)
    network = influence_map(account, result)
    page = folder / f"map-{n_people}.html"
    network.write_html(page)
    source = folder / f"account-{n_people}.yaml"
    save_account(account, source)
    out = folder / f"cli-{n_people}.html"
    return {
        "people": n_people,
        "lines": len(network.edges),
        "layout_s": best_time(lambda: lay.layout(*places), repeats),
        "fr_s": best_time(lambda: raw.layout_fruchterman_reingold(seed=None, niter=500), 1),
        "build_s": best_time(lambda: influence_map(account, result), repeats),
        "file_mb": page.stat().st_size / 1e6,
        "per_edge_mb": len(per_edge_page(network).encode("utf-8")) / 1e6,
        "style_bytes": len(json.dumps(network.edge_styles)),
        "validate_s": cli_seconds(["validate", str(source)], repeats),
        "analyze_s": cli_seconds(["analyze", str(source), "--format", "json", "--as-of", AS_OF], repeats),
        "map_s": cli_seconds(["map", str(source), "-o", str(out), "--as-of", AS_OF, "--force"], repeats),
        "browser_s": browser_seconds(page, len(network.nodes)) if browser else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[2000, 5000])
    parser.add_argument("--repeats", type=int, default=3, help="runs per timing (median for the CLI, best otherwise)")
    parser.add_argument("--no-browser", action="store_true", help="skip the headless Chromium timing")
    args = parser.parse_args()
    print(f"{'people':>7} {'lines':>6} | {'layout s':>8} {'igraph FR':>9} {'ratio':>6} | {'map s':>6} | "
          f"{'file MB':>7} {'per-edge':>8} {'ratio':>6} | {'ig map':>7} {'validate':>8} {'analyze':>8} | {'browser':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            r = measure(n, args.repeats, Path(tmp), not args.no_browser)
            browser = "-" if r["browser_s"] is None else f"{r['browser_s']:.1f}"
            print(f"{r['people']:>7} {r['lines']:>6} | {r['layout_s']:>8.3f} {r['fr_s']:>9.2f} "
                  f"{r['layout_s'] / r['fr_s']:>6.3f} | {r['build_s']:>6.2f} | {r['file_mb']:>7.2f} "
                  f"{r['per_edge_mb']:>8.2f} {r['file_mb'] / r['per_edge_mb']:>6.2f} | {r['map_s']:>7.1f} "
                  f"{r['validate_s']:>8.1f} {r['analyze_s']:>8.1f} | {browser:>7}", flush=True)
    print("seconds and MB (10^6 bytes). layout: ours / igraph Fruchterman–Reingold on the same ties; "
          "file: ours / the same map with per-line styles; line styles are defined once per kind "
          f"({len(EDGE_STYLES)} kinds). ig map, validate, analyze: whole commands in a fresh process, medians.")


if __name__ == "__main__":
    main()
