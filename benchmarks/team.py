"""What keeping revisions, diffing and merging cost, next to what they stand on.
Run from the repo root: ``python benchmarks/team.py [PEOPLE ...]`` (default 100 1000 2000).

For synthetic accounts (see generate.py), each against a baseline run in the same process:

- a local-store save (revision record, summary of the change, the file) against
  writing the account file alone (``save_account``);
- the account diff of two versions against loading the account once from its data
  (``parse_account``);
- merging two colleagues' maps (a quarter of the people under other ids, matched by
  name) and the three-way merge, against the same ``parse_account``.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import synthetic_account  # noqa: E402
from timing import best_time  # noqa: E402

from influence_graph.model import parse_account, save_account  # noqa: E402
from influence_graph.model.diff import diff_accounts  # noqa: E402
from influence_graph.model.merge import merge3, merge_maps  # noqa: E402
from influence_graph.stores.local import LocalStore  # noqa: E402


def edited(account, rng: random.Random, share: float = 0.1):
    """A copy with a share of the people's stances and titles changed."""
    data = account.to_data()
    for person in rng.sample(data["people"], max(1, int(len(data["people"]) * share))):
        person["stance"] = rng.choice(["champion", "skeptic", "opponent"])
        person["title"] = f"{person.get('title') or 'Staff'} (acting)"
    return parse_account(data)


def colleague(account, rng: random.Random):
    """Another seller's map: a quarter of the people under their own ids, other stances."""
    data = edited(account, rng).to_data()
    renamed = {p["id"]: f"x-{p['id']}" for p in rng.sample(data["people"][1:], len(data["people"]) // 4)}
    for person in data["people"]:
        person["id"] = renamed.get(person["id"], person["id"])
        if person.get("reports_to"):
            person["reports_to"] = renamed.get(person["reports_to"], person["reports_to"])
    for channel in data.get("channels", []):
        channel["from"], channel["to"] = renamed.get(channel["from"], channel["from"]), renamed.get(channel["to"], channel["to"])
    for section in ("relationships", "competitor_relationships"):
        for item in data.get(section, []):
            item["person"] = renamed.get(item["person"], item["person"])
    for touch in data.get("touches", []):
        touch["people"] = [renamed.get(p, p) for p in touch.get("people", [])]
    if data.get("opportunity", {}).get("decision_unit"):
        data["opportunity"]["decision_unit"] = [renamed.get(p, p) for p in data["opportunity"]["decision_unit"]]
    return parse_account(data)


def measure(n_people: int, repeats: int) -> dict[str, float]:
    rng = random.Random(0)
    account = synthetic_account(n_people, seed=0)
    versions = [account, edited(account, rng)]
    other = colleague(account, rng)
    data = account.to_data()
    with tempfile.TemporaryDirectory() as folder:
        store = LocalStore(Path(folder) / "store")
        turn = iter(range(10**6))

        def save() -> None:
            version = versions[next(turn) % 2]
            version._stored_revision = None
            store.save(version, force=True)

        save()
        times = {
            "write file": best_time(lambda: save_account(account, Path(folder) / "plain.yaml"), repeats),
            "store save": best_time(save, repeats),
        }
    times.update({
        "parse": best_time(lambda: parse_account(data), repeats),
        "diff": best_time(lambda: diff_accounts(*versions), repeats),
        "merge maps": best_time(lambda: merge_maps([account, other], ["a.yaml", "b.yaml"]), repeats),
        "merge 3-way": best_time(lambda: merge3(account, versions[1], edited(account, random.Random(1))), repeats),
    })
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000, 2000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"{'people':>7} {'write file':>11} {'store save':>11} {'ratio':>6} {'parse':>8} {'diff':>8} {'ratio':>6} "
          f"{'merge maps':>11} {'ratio':>6} {'merge 3-way':>12} {'ratio':>6}")
    for n in args.sizes:
        t = measure(n, args.repeats)
        print(f"{n:>7} {t['write file']:>10.3f}s {t['store save']:>10.3f}s {t['store save'] / t['write file']:>6.1f} "
              f"{t['parse']:>7.3f}s {t['diff']:>7.3f}s {t['diff'] / t['parse']:>6.1f} "
              f"{t['merge maps']:>10.3f}s {t['merge maps'] / t['parse']:>6.1f} "
              f"{t['merge 3-way']:>11.3f}s {t['merge 3-way'] / t['parse']:>6.1f}")


if __name__ == "__main__":
    main()
