"""A command that analyzes loads a small file in a forked process while it imports the
analysis (`_processes.ForkedCall`, `cli._common.load_source(meanwhile=…)`).

Each test runs in a fresh interpreter: forking is only safe where no other thread
runs, and a test runner's worker has threads of its own.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from builders import generated_account
from influence_graph.analysis import analyze
from influence_graph.cli._common import LOAD_APART_FROM, LOAD_APART_UP_TO
from influence_graph.model import dump_account, load_account

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "huaxin-auto.yaml"
AS_OF = "2026-11-20"


def _python(script: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script), *args], capture_output=True, text=True,
                          timeout=120, env=env)


def test_a_forked_call_returns_its_answer_or_fails_without_a_word():
    done = _python("""
        import json, os, sys, time
        from influence_graph._processes import ForkedCall, ForkedCallFailed, can_fork

        def outcome(function, *args):
            call = ForkedCall(function, *args)
            try:
                return ["answer", call.result()]
            except ForkedCallFailed:
                return ["failed"]
            finally:
                call.close()

        def raises():
            raise ValueError("not pickled across")

        def dies():
            os._exit(3)

        report = {
            "can_fork": can_fork(),
            "answer": outcome(sorted, {"b": 1, "a": 2}),
            "big": outcome(lambda n: list(range(n)), 1_000_000)[1][-1],
            "raises": outcome(raises),
            "dies": outcome(dies),
            "unpicklable": outcome(lambda: (lambda: None)),
        }
        call = ForkedCall(sum, [1, 2])
        report["first"] = call.result()
        try:
            report["twice"] = call.result()
        except ForkedCallFailed:  # the answer was taken
            report["twice"] = "failed"
        sleeper = ForkedCall(time.sleep, 30)
        pid, started = sleeper._pid, time.perf_counter()
        sleeper.close()
        report["closed in s"] = round(time.perf_counter() - started)
        try:
            os.waitpid(pid, os.WNOHANG)
            report["reaped"] = False
        except ChildProcessError:  # not our child any more: waited for
            report["reaped"] = True
        open_files = len(os.listdir("/proc/self/fd"))
        def no_process():
            raise BlockingIOError(11, "Resource temporarily unavailable")
        os.fork = no_process
        try:
            ForkedCall(sum, [1])
        except OSError as error:
            report["no process"] = [type(error).__name__, len(os.listdir("/proc/self/fd")) - open_files]
        print(json.dumps(report))
    """)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # a failed call prints no traceback
    assert json.loads(done.stdout) == {
        "can_fork": True, "answer": ["answer", ["a", "b"]], "big": 999_999, "raises": ["failed"],
        "dies": ["failed"], "unpicklable": ["failed"], "first": 3, "twice": "failed", "closed in s": 0,
        "reaped": True, "no process": ["BlockingIOError", 0],  # raised, and no pipe left open
    }


# Runs the console script's main() with load_account recording which process loaded.
_COMMAND = """
    import os, sys
    import influence_graph.model as model
    import influence_graph.stores as stores
    from influence_graph.cli import _common
    loaded = model.load_account
    def recording(path):
        with open(os.environ["LOADED_BY"], "a") as out:
            out.write(f"{os.getpid()}\\n")
        return loaded(path)
    model.load_account = stores.load_account = recording  # the forked load's and the one here
    if os.environ.get("APART_FROM"):
        _common.LOAD_APART_FROM = int(os.environ["APART_FROM"])
    if os.environ.get("APART_UP_TO"):
        _common.LOAD_APART_UP_TO = int(os.environ["APART_UP_TO"])
    if os.environ.get("NO_FORK"):
        def no_process():
            raise BlockingIOError(11, "Resource temporarily unavailable")
        os.fork = no_process
    with open(os.environ["LOADED_BY"], "a") as out:
        out.write(f"main {os.getpid()}\\n")
    sys.argv = ["ig", *sys.argv[1:]]
    from influence_graph.cli import main
    main()
"""


def _run_command(tmp_path: Path, *args: str, **env: str) -> tuple[subprocess.CompletedProcess, str]:
    """The command's process and who loaded the file: "apart", "here" or "nobody"."""
    record = tmp_path / "loaded-by.txt"
    record.unlink(missing_ok=True)
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(_COMMAND), *args], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT / "src"), "LOADED_BY": str(record),
                                            **env})
    _, main_pid, *loaders = record.read_text().split()
    if not loaders:
        return done, "nobody"
    if main_pid not in loaders:
        return done, "apart"
    return done, "here" if loaders == [main_pid] else "both"


def test_analyze_loads_a_small_file_apart_with_the_same_answer(tmp_path):
    out = tmp_path / "analysis.json"
    done, loader = _run_command(tmp_path, "analyze", str(EXAMPLE), "--format", "json", "--as-of", AS_OF, "-o", str(out),
                                APART_FROM="0")  # the example is 20 kB
    assert (done.returncode, done.stderr, loader) == (0, f"Wrote {out}\n", "apart")
    expected = analyze(load_account(EXAMPLE), as_of=AS_OF).to_json() + "\n"
    assert out.read_text(encoding="utf-8") == expected


def test_a_bad_file_is_loaded_again_here_and_reported_as_ever(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("account: {id: acme, name: Acme}\npeople:\n  - {id: a, name: A, reports_to: ghost}\n",
                   encoding="utf-8")
    done, loader = _run_command(tmp_path, "analyze", str(bad), "--format", "json", APART_FROM="0")
    assert (done.returncode, done.stdout, loader) == (1, "", "both")  # the child failed, then here
    assert done.stderr == (f"Error: 1 problem in {bad}:\n"
                           f"  {bad}:3: people[a].reports_to: refers to unknown person 'ghost'\n")


def test_a_small_or_large_file_a_store_id_and_validate_load_here(tmp_path):
    done, loader = _run_command(tmp_path, "analyze", str(EXAMPLE), "--format", "json", APART_FROM="0",
                                APART_UP_TO="100")
    assert (done.returncode, loader) == (0, "here")
    done, loader = _run_command(tmp_path, "analyze", str(EXAMPLE), "--format", "json")  # 20 kB: too small
    assert (done.returncode, loader) == (0, "here")
    done, loader = _run_command(tmp_path, "analyze", str(EXAMPLE), "--format", "json", APART_FROM="0", NO_FORK="1")
    assert (done.returncode, done.stderr, loader) == (0, "", "here")  # no process to be had: loaded here
    done, loader = _run_command(tmp_path, "validate", str(EXAMPLE))
    assert (done.returncode, loader) == (0, "here")
    store = tmp_path / "accounts"
    done, _ = _run_command(tmp_path, "push", str(EXAMPLE), "--store", str(store))
    assert done.returncode == 0, done.stderr
    done, _ = _run_command(tmp_path, "analyze", "huaxin-auto", "--store", str(store), "--format", "json")
    assert done.returncode == 0 and json.loads(done.stdout)["account"]["id"] == "huaxin-auto"


def test_an_account_of_some_hundred_people_loads_apart_in_analyze_map_and_report(tmp_path):
    account_file = tmp_path / "account.yaml"
    account_file.write_text(dump_account(generated_account(400, seed=2)), encoding="utf-8")
    assert LOAD_APART_FROM <= account_file.stat().st_size <= LOAD_APART_UP_TO
    out = tmp_path / "analysis.json"
    done, loader = _run_command(tmp_path, "analyze", str(account_file), "--as-of", AS_OF, "--format", "json",
                                "-o", str(out))
    assert (done.returncode, loader) == (0, "apart"), done.stderr
    assert out.read_text(encoding="utf-8") == analyze(load_account(account_file), as_of=AS_OF).to_json() + "\n"
    done, loader = _run_command(tmp_path, "map", str(account_file), "-o", str(tmp_path / "map.html"))
    assert (done.returncode, loader) == (0, "apart"), done.stderr
    done, loader = _run_command(tmp_path, "report", str(account_file), "-o", str(tmp_path / "plan.md"),
                                "--as-of", AS_OF)
    assert (done.returncode, loader) == (0, "apart"), done.stderr
