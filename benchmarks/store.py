"""How fast are push and pull? Run from the repo root: ``python benchmarks/store.py``.

For synthetic accounts of 35, 1,000 and 5,000 people (see generate.py), times
``Store.push`` (account file → store: read, validate, write) and ``Store.pull``
(store → account file: read, validate, write the file) on the local store and on
a real Neo4j 5, in the same run, with the ratio Neo4j / local; and the store's own
part of each, ``save`` and ``load`` of an account already in memory (push and pull
add reading or writing the YAML file, the same for both stores). Every timed save
changes the account (two versions alternate): one that changes nothing is no new
revision, and nearly free, in both stores. Times are the best
of a few runs. Neo4j is the server ``NEO4J_URI`` (+ ``NEO4J_USERNAME`` /
``NEO4J_PASSWORD``) names, else one this script starts with ``scripts/neo4j-dev``
(Java 17 and Maven) and stops at the end; the time that server took to answer is
printed too. The server is warmed up first (its JIT compiler), as one in use is.
Targets on a 2-core machine: a 1,000-person push under 2 s, a pull under 1 s.

    python benchmarks/store.py [SIZES ...] [--repeats N]
"""
from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import synthetic_account  # noqa: E402
from timing import best_time  # noqa: E402

from influence_graph.model import dump_account, parse_account  # noqa: E402
from influence_graph.stores import open_store  # noqa: E402

LAUNCHER = Path(__file__).resolve().parents[1] / "scripts" / "neo4j-dev"
TARGETS = {1000: (2.0, 1.0)}  # people: (push, pull) in seconds


def start_neo4j() -> tuple[subprocess.Popen, dict[str, str], float]:
    """Start scripts/neo4j-dev (built first if needed); the process, its NEO4J_* and seconds to answer."""
    subprocess.run([str(LAUNCHER), "--build"], check=True)  # not part of the start time
    started = time.perf_counter()
    server = subprocess.Popen([str(LAUNCHER), "--exit-on-eof"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    env = {}
    while len(env) < 3:
        line = server.stdout.readline()
        if not line:
            raise SystemExit(f"scripts/neo4j-dev stopped (status {server.wait()}) before printing its address")
        name, _, value = line.strip().removeprefix("export ").partition("=")
        env[name] = value
    return server, env, time.perf_counter() - started


def measure(location: str, n_people: int, repeats: int, folder: Path) -> dict[str, float]:
    account = synthetic_account(n_people, seed=0)
    data = account.to_data()
    data["account"]["notes"] = "the second version"
    # A save that changes nothing is no new revision (and nearly free): alternate two versions.
    versions = [account, parse_account(data)]
    sources = []
    for i, version in enumerate(versions):
        sources.append(folder / f"{account.id}-{i}.yaml")
        sources[-1].write_text(dump_account(version), encoding="utf-8")
    pulled = folder / f"{account.id}-pulled.yaml"
    flip = itertools.cycle([0, 1])  # one sequence for pushes and saves: each stores the other version
    with open_store(location) as store:
        store.push(sources[next(flip)], force=True)  # warm up: schema, connections, caches
        times = {
            "push": best_time(lambda: store.push(sources[next(flip)], force=True), repeats),
            "pull": best_time(lambda: store.pull(account.id, pulled, overwrite=True), repeats),
            "save": best_time(lambda: store.save(versions[next(flip)], force=True), repeats),
            "load": best_time(lambda: store.load(account.id), repeats),
        }
        store.delete(account.id)
    return times


def warm_up(location: str, rounds: int = 4) -> None:
    """Save and load a 1,000-person account a few times: a fresh JVM runs its first
    statements several times slower (11.9 s, 7.3 s, 3.9 s, then about 2 s for the same
    push), and a server in use has long been past that."""
    account = synthetic_account(1000, seed=1)
    data = account.to_data()
    data["account"]["notes"] = "the second version"
    versions = [account, parse_account(data)]
    with open_store(location) as store:
        for i in range(rounds):
            store.save(versions[i % 2], force=True)
            store.load(account.id)
        store.delete(account.id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[35, 1000, 5000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    server = None
    if os.environ.get("NEO4J_URI"):
        uri = os.environ["NEO4J_URI"]
        print(f"Neo4j: {uri} (from NEO4J_URI)")
    else:
        server, env, seconds = start_neo4j()
        os.environ.update(env)
        uri = env["NEO4J_URI"]
        print(f"Neo4j: {uri}, started by scripts/neo4j-dev, answered after {seconds:.1f} s")
    warm_up(uri)
    try:
        with tempfile.TemporaryDirectory(prefix="ig-bench-store-") as tmp:
            folder = Path(tmp)
            print(f"{'people':>7} {'step':>5} {'local s':>9} {'neo4j s':>9} {'neo4j/local':>12}  target")
            for n in args.sizes:
                repeats = max(1, args.repeats if n <= 1000 else args.repeats - 1)
                local = measure(str(folder / "accounts"), n, repeats, folder)
                neo4j = measure(uri, n, repeats, folder)
                targets = dict(zip(("push", "pull"), TARGETS.get(n, (None, None))))
                for step in ("push", "pull", "save", "load"):
                    target = targets.get(step)
                    verdict = "" if target is None else f"< {target:.0f} s: {'met' if neo4j[step] < target else 'MISSED'}"
                    print(f"{n:>7} {step:>5} {local[step]:>9.3f} {neo4j[step]:>9.3f} {neo4j[step] / local[step]:>12.1f}  {verdict}")
    finally:
        if server is not None:
            server.stdin.close()
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
