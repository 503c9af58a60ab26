"""Forecast, next best moves and confidence at scale, against naive baselines run
in the same process.

    python benchmarks/forecast.py [PEOPLE ...]        # default: 1000

For each size: our forecast (one transposed solve for every candidate) and our
confidence (SAMPLES re-drawn scenarios on batched arrays), next to
- naive next best moves: re-solve the forecast once per candidate (a subset is
  timed, the rest extrapolated), and
- naive confidence: perturb the account file and re-run the whole analysis per
  sample (a few samples timed, extrapolated to SAMPLES).
"""
from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import synthetic_account  # noqa: E402

from influence_graph import graph as g  # noqa: E402
from influence_graph.analysis import TOP_POWER_HOLDERS, analyze  # noqa: E402
from influence_graph.analysis.coaches import coach_candidates  # noqa: E402
from influence_graph.analysis.confidence import SAMPLES, confidence  # noqa: E402
from influence_graph.analysis.forecast import forecast, listening_arrays, settle, support_weights  # noqa: E402
from influence_graph.analysis.brokerage import brokerage
from influence_graph.analysis.power import influence, power_ranking  # noqa: E402
from influence_graph.model import parse_account  # noqa: E402

NAIVE_CANDIDATES = 100  # candidates re-solved one by one, then extrapolated
NAIVE_SAMPLES = 3  # whole-pipeline runs, then extrapolated


def timed(fn, *args, repeat: int = 1, **kwargs):
    """The value and the best time of ``repeat`` runs (other work on the machine only adds time)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - start)
    return value, best


def naive_moves(deference, power, dmu, candidates: int) -> float:
    """Seconds per candidate when each win-over is its own forecast."""
    people, listening, lam = listening_arrays(deference)
    x0 = np.array([deference.nodes[p][g.STANCE_VALUE] for p in people])
    weights = support_weights(people, power, dmu)
    base = weights @ settle(listening, lam, x0)
    start = time.perf_counter()
    for j in range(candidates):
        won = x0.copy()
        won[j] = 1.0
        weights @ settle(listening, lam, won) - base
    return (time.perf_counter() - start) / candidates


def perturbed_account(account, rng: random.Random):
    data = account.to_data()
    for channel in data.get("channels", []):
        channel["strength"] = min(1.0, channel.get("strength", 0.5) * rng.uniform(0.5, 1.5))
    for person in data["people"]:
        person["stance"] = max(-1.0, min(1.0, account.person(person["id"]).stance_value + rng.uniform(-0.25, 0.25)))
    return parse_account(data)


def naive_confidence(account, samples: int) -> float:
    """Seconds per sample when each sample re-runs the whole analysis."""
    rng = random.Random(0)
    start = time.perf_counter()
    for _ in range(samples):
        analyze(perturbed_account(account, rng), as_of="2026-11-20", confidence=False)
    return (time.perf_counter() - start) / samples


def run(n: int) -> None:
    account, t_gen = timed(synthetic_account, n, 0)
    whole = g.account_graph(account)
    deference = g.deference_graph(whole)
    power = influence(deference)
    broker = brokerage(g.tie_graph(whole))
    ranking = power_ranking(power, broker)
    dmu = account.decision_unit
    coaches, _, parts = coach_candidates(whole, power, broker, dmu)

    result, t_forecast = timed(forecast, deference, power, dmu, repeat=5)
    stable, t_conf = timed(confidence, deference, power, ranking, coaches, parts, dmu, top=TOP_POWER_HOLDERS, repeat=3)
    _, t_without = timed(analyze, account, as_of="2026-11-20", confidence=False, repeat=3)
    _, t_with = timed(analyze, account, as_of="2026-11-20", repeat=3)

    per_candidate = naive_moves(deference, power, dmu, min(NAIVE_CANDIDATES, n))
    t_naive_moves = per_candidate * n
    per_sample = naive_confidence(account, NAIVE_SAMPLES)
    t_naive_conf = per_sample * SAMPLES

    print(f"\n{n} people, {deference.number_of_edges()} listening edges, DMU of {len(dmu)} (generated in {t_gen:.2f} s)")
    print(f"  forecast + next best moves (one solve)   {t_forecast * 1000:8.1f} ms   support {result['support']:+.3f}")
    print(f"  naive: re-solve per candidate (x{n})     {t_naive_moves * 1000:8.1f} ms   "
          f"({per_candidate * 1000:.2f} ms each, {min(NAIVE_CANDIDATES, n)} timed)   ratio {t_naive_moves / t_forecast:6.0f}x")
    coach = f", top coach {stable['top_coach']['share']:.0%}" if stable["top_coach"] else ""
    print(f"  confidence, {SAMPLES} samples (batched)     {t_conf * 1000:8.1f} ms   "
          f"sign {stable['forecast_sign']['sign']} {stable['forecast_sign']['share']:.0%}{coach}")
    print(f"  naive: whole analysis per sample (x{SAMPLES}) {t_naive_conf:8.1f} s    "
          f"({per_sample:.2f} s each, {NAIVE_SAMPLES} timed)   ratio {t_naive_conf / t_conf:6.0f}x")
    print(f"  analyze() without / with confidence      {t_without:8.2f} s / {t_with:.2f} s")


def main(argv: list[str]) -> None:
    for n in [int(a) for a in argv] or [1000]:
        run(n)


if __name__ == "__main__":
    main(sys.argv[1:])
