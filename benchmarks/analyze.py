"""How fast is ``ig analyze``, end to end, next to raw igraph? Run from the repo root:

    python benchmarks/analyze.py                          # 100, 1,000, 5,000, 10,000, 20,000 people
    python benchmarks/analyze.py --sizes 100,1000 --runs 5

For each size, a synthetic account (generate.py, seed 0) is written as a YAML file
and these run in turn, round after round (A B C A B C …, so a change in the
machine's speed hits all of them alike), medians of ``--runs`` rounds after one
warm-up:

- ``ig validate FILE``: start-up and loading alone (a subprocess of this checkout);
- ``ig analyze FILE --format json -o OUT``: the whole command a user runs;
- igraph: the raw measures on the same graphs, in this process — weighted PageRank
  on the deference graph, weighted betweenness on the tie lengths and Louvain
  (``community_multilevel``) on the tie weights: what the analysis would cost if
  it were nothing but those library calls.

``ratio`` is (analyze − validate) ÷ igraph: the analysis itself, start-up and
loading taken off, in units of the raw library calls. ``spread`` is the largest
(max − min) ÷ median of the three: how noisy the machine was. Then stage shares:
where the time of one analysis goes (see stages.py), from an in-process profile
of the same file (median of three).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import synthetic_account  # noqa: E402
from stages import median_stage_times  # noqa: E402
from timing import ig_command, interleaved, load_average, run_command, timed  # noqa: E402

from influence_graph import graph as g  # noqa: E402
from influence_graph.analysis import _igraph  # noqa: E402
from influence_graph.model import dump_account  # noqa: E402

AS_OF = "2026-11-20"
SIZES = [100, 1000, 5000, 10000, 20000]
STAGE_RUNS = 3


def igraph_peer(account):
    """A function running raw igraph PageRank + weighted betweenness + Louvain on the
    account's graphs (converted once, outside the timing), returning its seconds."""
    whole = g.account_graph(account)
    ties, _ = _igraph.to_igraph(g.tie_graph(whole), g.DISTANCE)
    ties.es[g.WEIGHT] = [1.0 / d for d in ties.es[g.DISTANCE]]
    deference, _ = _igraph.to_igraph(g.deference_graph(whole), g.WEIGHT)

    def run() -> None:
        deference.pagerank(weights=g.WEIGHT, directed=True, damping=0.85)
        ties.betweenness(weights=g.DISTANCE, directed=False)
        ties.community_multilevel(weights=g.WEIGHT)

    return lambda: timed(run), ties.ecount()


def write_account(n_people: int, folder: Path) -> Path:
    path = folder / f"synthetic-{n_people}.yaml"
    if not path.exists():
        path.write_text(dump_account(synthetic_account(n_people, seed=0)), encoding="utf-8")
    return path


def measure(n_people: int, runs: int, folder: Path) -> dict:
    path = write_account(n_people, folder)
    from influence_graph.model import load_account

    peer, ties = igraph_peer(load_account(path))
    out = folder / f"analysis-{n_people}.json"
    samples = interleaved(runs, {
        "validate": lambda: run_command(ig_command("validate", str(path))),
        "analyze": lambda: run_command(ig_command("analyze", str(path), "--format", "json", "--as-of", AS_OF, "-o", str(out))),
        "igraph": peer,
    })
    return {"people": n_people, "ties": ties, "file": path, **samples}


def _sizes(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=_sizes, default=SIZES, help="comma-separated people counts (default %(default)s)")
    parser.add_argument("--runs", type=int, default=5, help="counted rounds per size, after one warm-up (default 5)")
    parser.add_argument("--no-stages", action="store_true", help="skip the in-process stage profile")
    parser.add_argument("--keep", type=Path, help="keep the generated account files here (and reuse them)")
    args = parser.parse_args()

    print(f"medians of {args.runs} runs after a warm-up; load average at start {load_average()}")
    print("wall seconds, and in brackets CPU seconds (less disturbed when other work shares the machine)")
    print(f"{'people':>7} {'ties':>7} {'validate':>14} {'analyze':>14} {'igraph':>14} {'ratio':>6} {'cpu ratio':>9} {'spread':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        rows = []
        for n in args.sizes:
            row = measure(n, args.runs, folder)
            rows.append(row)
            wall = {k: row[k].median for k in ("validate", "analyze", "igraph")}
            cpu = {k: row[f"{k} cpu"].median for k in ("validate", "analyze", "igraph")}
            spread = max(row[k].spread for k in ("validate", "analyze", "igraph"))
            cells = "".join(f" {wall[k]:>7.2f} ({cpu[k]:>5.2f})" for k in wall)
            print(f"{n:>7,} {row['ties']:>7,}{cells} {(wall['analyze'] - wall['validate']) / wall['igraph']:>6.2f} "
                  f"{(cpu['analyze'] - cpu['validate']) / cpu['igraph']:>9.2f} {spread:>7.0%}", flush=True)
        print("ratio = (analyze − validate) ÷ igraph (PageRank + weighted betweenness + Louvain, same graphs)")
        if args.no_stages:
            return
        print(f"\nstage shares of one analysis in process (median of {STAGE_RUNS}; load → analyze → JSON)")
        profiles = {row["people"]: median_stage_times(row["file"], AS_OF, STAGE_RUNS) for row in rows}
        stages = list(dict.fromkeys(s for p in profiles.values() for s in p))
        stages.sort(key=lambda s: -max(p.get(s, 0.0) / sum(p.values()) for p in profiles.values()))
        print(f"{'stage':<16}" + "".join(f"{n:>10,}" for n in profiles))
        for stage in stages:
            print(f"{stage:<16}" + "".join(f"{p.get(stage, 0.0) / sum(p.values()):>10.1%}" for p in profiles.values()))
        print(f"{'total s':<16}" + "".join(f"{sum(p.values()):>10.2f}" for p in profiles.values()))
    print(f"load average at end {load_average()}")


if __name__ == "__main__":
    main()
