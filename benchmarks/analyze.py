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
  on the deference graph, weighted betweenness and weighted closeness on the tie
  lengths and Louvain (``community_multilevel``) on the tie weights (the peer the
  speed issue measured against): what the analysis would cost if it were nothing
  but those library calls; and the same without closeness.

``ratio`` is (analyze − validate) ÷ igraph: the analysis itself, start-up and
loading taken off, in units of the raw library calls; ``w/o clo.`` the same ratio
against the peer without closeness. ``spread`` is the largest
(max − min) ÷ median of the three: how noisy the machine was. Then stage shares:
where the time of one analysis goes (see stages.py), from an in-process profile
of the same file (median of three).

``--baseline REF`` (e.g. ``main``) instead loads the package as it is at that git
revision into this process and times its whole ``analyze`` and JSON on the same
account, interleaved with ours (medians of ``--runs``), printing ours ÷ baseline,
and the same for everything but brokerage (each run's wait for its answer taken off;
CPU seconds beside). ``--replay-brokerage`` computes brokerage once and hands both
the same answer at once, so the rest of the analysis is timed in seconds, not minutes.
"""
from __future__ import annotations

import argparse
import functools
import io
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import synthetic_account, write_account  # noqa: E402
from stages import median_stage_times  # noqa: E402
from timing import ROOT, Run, Samples, ig_command, interleaved, load_average, run_command, timed  # noqa: E402

from influence_graph import graph as g  # noqa: E402
from influence_graph.analysis import _igraph  # noqa: E402
from influence_graph.model import dump_account  # noqa: E402

AS_OF = "2026-11-20"
SIZES = [100, 1000, 5000, 10000, 20000]
STAGE_RUNS = 3  # profiles per size up to 5,000 people; one above (minutes each)


def igraph_peer(account, closeness: bool = True):
    """A function running raw igraph PageRank + weighted betweenness + weighted
    closeness + Louvain on the account's graphs (converted once, outside the timing),
    returning its seconds; ``closeness=False`` leaves closeness out."""
    whole = g.account_graph(account)
    ties, _ = _igraph.to_igraph(g.tie_graph(whole), g.DISTANCE)
    ties.es[g.WEIGHT] = [1.0 / d for d in ties.es[g.DISTANCE]]
    deference, _ = _igraph.to_igraph(g.deference_graph(whole), g.WEIGHT)

    def run() -> None:
        deference.pagerank(weights=g.WEIGHT, directed=True, damping=0.85)
        ties.betweenness(weights=g.DISTANCE, directed=False)
        if closeness:
            ties.closeness(weights=g.DISTANCE)
        ties.community_multilevel(weights=g.WEIGHT)

    return lambda: timed(run), ties.ecount()


def load_baseline(ref: str):
    """``(analyze, parse_account)`` of the package at git revision ``ref``, imported
    under the same name from a temporary copy; the current package is left in place."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "src"], check=True, capture_output=True).stdout
    folder = tempfile.mkdtemp(prefix="ig-baseline-")
    tarfile.open(fileobj=io.BytesIO(archive)).extractall(folder, filter="data")
    ours = _package_modules()
    sys.path.insert(0, str(Path(folder) / "src"))
    try:
        from influence_graph.analysis import analyze as old_analyze
        from influence_graph.model import parse_account as old_parse
    finally:
        sys.path.pop(0)
        theirs = _package_modules()
        sys.modules.update(ours)

    def with_their_modules(function):
        # An import inside a function (the package loads some modules on first use)
        # must find the baseline's modules, not ours: theirs are in place while it runs.
        @functools.wraps(function)
        def run(*args, **kwargs):
            sys.modules.update(theirs)
            try:
                return function(*args, **kwargs)
            finally:
                theirs.update(_package_modules())  # what it loaded on the way stays its own
                sys.modules.update(ours)
        return run

    return with_their_modules(old_analyze), with_their_modules(old_parse)


def _package_modules() -> dict:
    """The loaded ``influence_graph`` modules, taken out of ``sys.modules``."""
    return {name: sys.modules.pop(name) for name in list(sys.modules) if name.split(".")[0] == "influence_graph"}


def _unwrapped(function):
    return getattr(function, "__wrapped__", function)


class _Replayed:
    """A brokerage run that is done already: the answer computed once, handed back."""

    def __init__(self, answer: tuple):
        self.answer = answer

    def result(self) -> tuple:
        return tuple(dict(part) if isinstance(part, dict) else part for part in self.answer)  # a copy each time

    def close(self) -> None:
        pass


def _outside_brokerage(analyze_function, account, replay: tuple | None) -> tuple:
    """A contender timing one whole ``analyze`` of ``account`` and its JSON, and the list
    where each run also leaves its seconds outside brokerage: all but the time spent
    waiting for its answer (``start_brokerage``'s run is wrapped; with ``replay``, it
    answers that at once instead of computing)."""
    namespace = _unwrapped(analyze_function).__globals__  # the analysis package of that revision
    real = _unwrapped(namespace["start_brokerage"])
    waiting: list[Run] = []
    outside: list[Run] = []

    @functools.wraps(real)
    def start_brokerage(*args, **kwargs):
        run = _Replayed(replay) if replay is not None else real(*args, **kwargs)
        result = run.result

        def timed_result():
            cpu, start = time.process_time(), time.perf_counter()
            try:
                return result()
            finally:
                waiting.append(Run(time.perf_counter() - start, time.process_time() - cpu))

        run.result = timed_result
        return run

    namespace["start_brokerage"] = start_brokerage

    def run() -> Run:
        waiting.clear()
        whole = timed(lambda: analyze_function(account, as_of=AS_OF).to_json())
        outside.append(Run(whole.wall - sum(r.wall for r in waiting), whole.cpu - sum(r.cpu for r in waiting)))
        return whole

    return run, outside


def compare(n_people: int, ref: str, runs: int, replay: bool = False) -> dict[str, Samples]:
    """Whole in-process ``analyze`` + JSON, ours and the baseline's, interleaved run by run;
    also each one's seconds outside brokerage (``ours rest``, ``baseline rest``, and CPU)."""
    import yaml

    from influence_graph.analysis import analyze

    old_analyze, old_parse = load_baseline(ref)
    account = synthetic_account(n_people, seed=0)
    old_account = old_parse(yaml.safe_load(dump_account(account)))
    answer = None
    if replay:
        start = _unwrapped(analyze.__globals__["start_brokerage"])  # not an earlier size's replay
        run = start(g.tie_graph(g.account_graph(account)))
        try:
            answer = run.result()
        finally:
            run.close()
    ours, ours_rest = _outside_brokerage(analyze, account, answer)
    baseline, baseline_rest = _outside_brokerage(old_analyze, old_account, answer)
    warmup = 1
    samples = interleaved(runs, {"ours": ours, "baseline": baseline}, warmup=warmup)
    for name, rest in (("ours rest", ours_rest), ("baseline rest", baseline_rest)):
        samples[name] = Samples([r.wall for r in rest[warmup:]])
        samples[f"{name} cpu"] = Samples([r.cpu for r in rest[warmup:]])
    return samples


def measure(n_people: int, runs: int, folder: Path, peer_runs: int, warmup: int) -> dict:
    path = write_account(n_people, folder)
    from influence_graph.model import load_account

    account = load_account(path)
    peer, ties = igraph_peer(account)
    lesser_peer, _ = igraph_peer(account, closeness=False)
    out = folder / f"analysis-{n_people}.json"
    samples = interleaved(runs, {
        "validate": lambda: run_command(ig_command("validate", str(path))),
        "analyze": lambda: run_command(ig_command("analyze", str(path), "--format", "json", "--as-of", AS_OF, "-o", str(out), "--force")),
        "igraph": peer,
        "igraph w/o closeness": lesser_peer,
    }, warmup=warmup, limits={"igraph": peer_runs, "igraph w/o closeness": peer_runs})
    return {"people": n_people, "ties": ties, "file": path, **samples}


def _sizes(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("people", nargs="*", type=int, help="people counts (the same as --sizes)")
    parser.add_argument("--sizes", type=_sizes, default=SIZES, help="comma-separated people counts (default %(default)s)")
    parser.add_argument("--runs", type=int, default=5, help="counted rounds per size, after one warm-up (default 5)")
    parser.add_argument("--peer-runs", type=int, help="counted igraph runs (default --runs; its exact "
                        "betweenness takes minutes at 20,000 people)")
    parser.add_argument("--warmup", type=int, default=1, help="uncounted rounds first (default 1)")
    parser.add_argument("--no-stages", action="store_true", help="skip the in-process stage profile")
    parser.add_argument("--keep", type=Path, help="keep the generated account files here (and reuse them)")
    parser.add_argument("--baseline", metavar="REF", help="instead: analyze in process, ours vs this git revision")
    parser.add_argument("--replay-brokerage", action="store_true",
                        help="with --baseline: compute brokerage once and replay it in every run")
    args = parser.parse_args()
    args.sizes = args.people or args.sizes
    if args.baseline:
        print(f"load average at start {load_average()}")
        print(f"{'people':>7} {'analyze s':>10} {args.baseline + ' s':>12} {'ratio':>6} | {'rest s':>7} "
              f"{args.baseline + ' s':>12} {'ratio':>6} | {'rest cpu':>8} {args.baseline + ' cpu':>12} {'ratio':>6}")
        for n in args.sizes:
            s = compare(n, args.baseline, args.runs, args.replay_brokerage)
            cells = [(s["ours"], s["baseline"]), (s["ours rest"], s["baseline rest"]),
                     (s["ours rest cpu"], s["baseline rest cpu"])]
            widths = [(10, 12), (7, 12), (8, 12)]
            row = " |".join(f" {a.median:>{wa}.3f} {b.median:>{wb}.3f} {a.median / b.median:>6.2f}"
                            for (a, b), (wa, wb) in zip(cells, widths))
            print(f"{n:>7,}{row}", flush=True)
        replayed = "; brokerage replayed (computed once)" if args.replay_brokerage else ""
        print(f"in-process seconds of analyze + JSON, medians of {args.runs} interleaved runs; ratio = ours ÷ "
              f"{args.baseline}; rest = without the wait for brokerage{replayed}")
        print(f"load average at end {load_average()}")
        return

    peer_runs = args.peer_runs or args.runs
    print(f"medians of {args.runs} runs (igraph: {peer_runs}) after {args.warmup} warm-up round(s); "
          f"load average at start {load_average()}")
    print("wall seconds, and in brackets CPU seconds (less disturbed when other work shares the machine)")
    print(f"{'people':>7} {'ties':>7} {'validate':>14} {'analyze':>14} {'igraph':>14} {'ratio':>6} {'cpu ratio':>9} "
          f"{'w/o clo.':>8} {'spread':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        rows = []
        for n in args.sizes:
            row = measure(n, args.runs, folder, args.peer_runs or args.runs, args.warmup)
            rows.append(row)
            wall = {k: row[k].median for k in ("validate", "analyze", "igraph")}
            cpu = {k: row[f"{k} cpu"].median for k in ("validate", "analyze", "igraph")}
            spread = max(row[k].spread for k in ("validate", "analyze", "igraph"))
            cells = "".join(f" {wall[k]:>7.2f} ({cpu[k]:>5.2f})" for k in wall)
            lesser = row["igraph w/o closeness"].median
            print(f"{n:>7,} {row['ties']:>7,}{cells} {(wall['analyze'] - wall['validate']) / wall['igraph']:>6.2f} "
                  f"{(cpu['analyze'] - cpu['validate']) / cpu['igraph']:>9.2f} "
                  f"{(wall['analyze'] - wall['validate']) / lesser:>8.2f} {spread:>7.0%}", flush=True)
        print("ratio = (analyze − validate) ÷ igraph (PageRank + weighted betweenness + weighted closeness + Louvain, "
              "same graphs); w/o clo. = the same without closeness")
        if args.no_stages:
            return
        print(f"\nstage shares of one analysis in process (median of {STAGE_RUNS} up to 5,000 people, one above; "
              "load → analyze → JSON)")
        profiles = {row["people"]: median_stage_times(row["file"], AS_OF, STAGE_RUNS if row["people"] <= 5000 else 1)
                    for row in rows}
        stages = list(dict.fromkeys(s for p in profiles.values() for s in p))
        stages.sort(key=lambda s: -max(p.get(s, 0.0) / sum(p.values()) for p in profiles.values()))
        print(f"{'stage':<16}" + "".join(f"{n:>10,}" for n in profiles))
        for stage in stages:
            print(f"{stage:<16}" + "".join(f"{p.get(stage, 0.0) / sum(p.values()):>10.1%}" for p in profiles.values()))
        print(f"{'total s':<16}" + "".join(f"{sum(p.values()):>10.2f}" for p in profiles.values()))
    print(f"load average at end {load_average()}")


if __name__ == "__main__":
    main()
