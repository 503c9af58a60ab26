"""One process of the concurrency test (test_store_contract.py): CYCLES load–change–save
cycles on one account, each adding a person named after the cycle. Prints what landed.

    python tests/_save_race.py STORE ACCOUNT_ID WORKER CYCLES

Connects, prints ``ready``, waits for a line on standard input (so all processes start
together), then prints one JSON line: ``{"landed": [[person_id, revision], …], "refused": n,
"loads": n}``. Any other error ends the process with a traceback and a non-zero status.
"""
from __future__ import annotations

import json
import sys

from influence_graph.model import StaleWriteError
from influence_graph.model.account import Channel, Person
from influence_graph.stores import open_store


def race(location: str, account_id: str, worker: int, cycles: int) -> dict:
    landed, refused, loads = [], 0, 0
    with open_store(location) as store:
        store.load(account_id)  # connected, and the account is there
        print("ready", flush=True)
        sys.stdin.readline()
        for cycle in range(cycles):
            account = store.load(account_id)
            loads += 1
            pid = f"w{worker}-c{cycle}"
            # A structural change: a load that mixed two revisions would not parse.
            account.people.append(Person(id=pid, name=f"Worker {worker} cycle {cycle}", reports_to="p0"))
            account.channels.append(Channel(source=pid, target="p1", kind="advice"))
            try:
                revision = store.save(account)
            except StaleWriteError:
                refused += 1
            else:
                landed.append([pid, revision])
    return {"landed": landed, "refused": refused, "loads": loads}


if __name__ == "__main__":
    location, account_id, worker, cycles = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    print(json.dumps(race(location, account_id, worker, cycles)), flush=True)
