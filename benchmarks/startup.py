"""What every command pays before and after its work: start-up and exit. Run from the
repo root: ``python benchmarks/startup.py``.

Each row is a fresh interpreter (this checkout's ``src/`` first, bytecode cache on)
that imports what a command imports and then ends, in turn with the others,
medians of ``--runs`` rounds after a warm-up:

- ``interpreter``: nothing imported (Python and this environment's ``.pth`` files);
- ``ig validate``: the command line and the account model (pydantic, YAML);
- ``ig analyze``: that and the analysis (numpy, NetworkX, igraph).

Each import row ends twice: as Python normally exits (freeing every module and
object first) and with the console script's ``exit_now``; the difference is what
``exit_now`` saves each command. ``--people N`` adds the whole ``ig validate`` and
``ig analyze`` of a generated N-person account, and ``--baseline REF`` the same
commands of the package at that git revision (its ``cli.py`` and ``src/``), in turn
with ours: ours ÷ baseline holds when the machine's speed drifts.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import write_account  # noqa: E402
from timing import baseline_cli, ig_command, interleaved, load_average, run_command  # noqa: E402

AS_OF = "2026-11-20"
IMPORTS = {
    "ig validate": "import influence_graph.cli",
    "ig analyze": "import influence_graph.cli, influence_graph.analysis",
}
FAST_EXIT = "; from influence_graph.cli._common import exit_now; exit_now(0)"


def python(code: str):
    # as the console script's main() does first: OpenBLAS on one thread
    return lambda: run_command([sys.executable, "-c", f"import os; os.environ['OPENBLAS_NUM_THREADS'] = '1'; {code}"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="counted rounds (default 15)")
    parser.add_argument("--people", type=int, help="also time the whole commands on an account this large")
    parser.add_argument("--baseline", metavar="REF", help="with --people: also the commands at this git revision")
    parser.add_argument("--keep", type=Path, help="keep the generated account here (and reuse it)")
    args = parser.parse_args()
    contenders = {"interpreter": python("pass")}
    for name, code in IMPORTS.items():
        contenders[f"{name} imports, exit"] = python(code)
        contenders[f"{name} imports, exit_now"] = python(code + FAST_EXIT)
    with tempfile.TemporaryDirectory() as tmp:
        commands: list[str] = []
        if args.people:
            account = write_account(args.people, args.keep or Path(tmp))
            out = Path(tmp) / "analysis.json"
            clis = {"": None}
            if args.baseline:
                clis[f" @ {args.baseline}"] = baseline_cli(args.baseline, Path(tmp) / "baseline")
            for suffix, cli in clis.items():
                for name, argv in (("ig validate", ["validate", str(account)]),
                                   ("ig analyze", ["analyze", str(account), "--format", "json", "--as-of", AS_OF,
                                                   "-o", str(out), "--force"])):
                    command = ig_command(*argv) if cli is None else [sys.executable, str(cli), *argv]
                    contenders[name + suffix] = (lambda c: lambda: run_command(c))(command)
                    commands.append(name + suffix)
        print(f"medians of {args.runs} interleaved runs after a warm-up; load average at start {load_average()}")
        samples = interleaved(args.runs, contenders)
    print(f"{'':<32} {'wall s':>7} {'spread':>7} {'cpu s':>7}")
    for name in contenders:
        print(f"{name:<32} {samples[name].median:>7.3f} {samples[name].spread:>7.0%} {samples[name + ' cpu'].median:>7.3f}")
    for name in IMPORTS:
        saved = samples[f"{name} imports, exit"].median - samples[f"{name} imports, exit_now"].median
        print(f"exit_now saves {name}: {saved * 1000:.0f} ms")
    if args.baseline:
        for name in commands:
            if name.endswith(f" @ {args.baseline}"):
                ours = name.removesuffix(f" @ {args.baseline}")
                print(f"{ours} ({args.people:,} people), ours ÷ {args.baseline}: "
                      f"{samples[ours].median / samples[name].median:.2f}")
    print(f"load average at end {load_average()}")


if __name__ == "__main__":
    main()
