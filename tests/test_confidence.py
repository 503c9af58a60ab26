"""Confidence: the batched computations agree with the one-at-a-time ones, and the
stability shares separate clear answers from fragile ones."""
from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np
import pytest

from influence_graph import graph as g
from influence_graph.analysis import analyze
from influence_graph.analysis.coaches import coach_candidates
from influence_graph.analysis.confidence import (
    _Pattern,
    batched_power,
    batched_settle,
    block_size,
    confidence,
    perturbed_samples,
)
from influence_graph.analysis.forecast import listening_arrays, settle
from influence_graph.analysis.brokerage import brokerage
from influence_graph.analysis.power import influence, power_ranking
from influence_graph.model import load_account, parse_account

# The module (the package attribute `confidence` could be shadowed by a function).
confidence_module = importlib.import_module("influence_graph.analysis.confidence")
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "huaxin-auto.yaml"


def graphs(account):
    whole = g.account_graph(account)
    return whole, g.deference_graph(whole)


def answers(account):
    """Everything confidence() takes, computed the ordinary way."""
    whole, deference = graphs(account)
    power = influence(deference)
    broker = brokerage(g.tie_graph(whole))
    coaches, _, parts = coach_candidates(whole, power, broker, account.decision_unit)
    return deference, power, power_ranking(power, broker), coaches, parts, account.decision_unit


def random_account(seed: int, n: int = 30, high_susceptibility: bool = False):
    rng = np.random.default_rng(seed)
    ids = [f"p{i}" for i in range(n)]
    people = [
        {"id": pid, "name": pid, "stance": round(float(rng.uniform(-1, 1)), 2),
         "susceptibility": 1.0 if high_susceptibility else round(float(rng.uniform(0, 1)), 2),
         **({"reports_to": ids[int(rng.integers(0, i))]} if i and rng.random() < 0.6 else {})}
        for i, pid in enumerate(ids)
    ]
    channels = [{"from": a, "to": b, "kind": "advice", "strength": round(float(rng.uniform(0.1, 1)), 2)}
                for a in ids for b in ids if a != b and rng.random() < 0.1]
    return parse_account({"account": {"id": "r", "name": "R"}, "people": people, "channels": channels,
                          "opportunity": {"name": "D", "decision_unit": ids[:4]}})


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("high_susceptibility", [False, True])
def test_batched_power_without_noise_is_the_analysis_power(seed, high_susceptibility):
    _, deference = graphs(random_account(seed, high_susceptibility=high_susceptibility))
    people, listening, lam = listening_arrays(deference)
    listening.sort_indices()
    power = batched_power(_Pattern(listening, np.repeat(listening.data[:, None], 3, axis=1)), lam)
    expected = influence(deference)
    for column in power.T:
        np.testing.assert_allclose(column, [expected[p] for p in people], rtol=1e-8, atol=1e-12)


def test_the_sample_block_is_sized_by_the_account():
    small, large = random_account(0, n=20), random_account(0, n=400)
    sizes = []
    for account in (small, large):
        _, listening, _ = listening_arrays(graphs(account)[1])
        sizes.append(block_size(listening.nnz, 200))
    assert sizes[0] == 200 and 4 <= sizes[1] < 200


@pytest.mark.parametrize("high_susceptibility", [False, True])
def test_batched_settle_matches_solving_each_sample(high_susceptibility):
    _, deference = graphs(random_account(3, high_susceptibility=high_susceptibility))
    people, listening, lam = listening_arrays(deference)
    x0 = np.array([deference.nodes[p][g.STANCE_VALUE] for p in people])
    weights, stances = perturbed_samples(listening, x0, np.ones(len(people), bool), samples=8, seed=1)
    pattern = _Pattern(listening, weights)
    settled = batched_settle(pattern, lam, stances)
    for k in range(8):
        np.testing.assert_allclose(settled[:, k], settle(pattern.matrix(k), lam, stances[:, k]), atol=1e-7)


def test_batched_settle_solves_a_sample_jacobi_cannot():
    # A fully susceptible pair listening only to each other: Jacobi contracts by
    # ~1 − 1e-6 per step, so these samples go to the direct solve.
    account = parse_account({
        "account": {"id": "x", "name": "X"},
        "people": [{"id": "a", "name": "A", "stance": 1.0, "susceptibility": 1.0},
                   {"id": "b", "name": "B", "stance": -0.5, "susceptibility": 1.0},
                   {"id": "c", "name": "C", "stance": 0.3}],
        "channels": [{"from": "a", "to": "b", "kind": "advice"}, {"from": "b", "to": "a", "kind": "trust"},
                     {"from": "a", "to": "c", "kind": "advice"}],
    })
    _, deference = graphs(account)
    people, listening, lam = listening_arrays(deference)
    x0 = np.array([deference.nodes[p][g.STANCE_VALUE] for p in people])
    weights, stances = perturbed_samples(listening, x0, np.ones(3, bool), samples=4, seed=2)
    pattern = _Pattern(listening, weights)
    settled = batched_settle(pattern, lam, stances)
    for k in range(4):
        np.testing.assert_allclose(settled[:, k], settle(pattern.matrix(k), lam, stances[:, k]), atol=1e-9)
        assert stances[:2, k].min() - 1e-6 <= settled[0, k] <= stances[:2, k].max() + 1e-6


def test_perturbations_stay_in_range_and_are_seeded():
    _, deference = graphs(random_account(0))
    people, listening, _ = listening_arrays(deference)
    x0 = np.array([deference.nodes[p][g.STANCE_VALUE] for p in people])
    known = np.arange(len(people)) % 2 == 0
    weights, stances = perturbed_samples(listening, x0, known, samples=300, seed=4)
    listening.sort_indices()
    factors = weights / listening.data[:, None]
    assert factors.min() >= 0.5 and factors.max() <= 1.5
    assert stances.min() >= -1 and stances.max() <= 1
    moved = np.abs(stances - np.clip(x0, -1, 1)[:, None]).max(axis=1)
    assert moved[known].max() <= 0.25 + 1e-12 and moved[~known].max() > 0.25
    again, _ = perturbed_samples(listening, x0, known, samples=300, seed=4)
    other, _ = perturbed_samples(listening, x0, known, samples=300, seed=5)
    assert np.array_equal(weights, again) and not np.array_equal(weights, other)


def test_without_noise_every_answer_is_certain(monkeypatch):
    for name in ("STRENGTH_SPREAD", "STANCE_SPREAD", "UNKNOWN_STANCE_SPREAD"):
        monkeypatch.setattr(confidence_module, name, 0.0)
    account = random_account(7)
    deference, power, ranking, coaches, parts, dmu = answers(account)
    assert coaches and not coaches[0]["confirmed"]
    result = confidence(deference, power, ranking, coaches, parts, dmu, samples=20)
    assert [h["id"] for h in result["top_power_holders"]] == ranking[:5]
    assert all(h["share"] == 1.0 for h in result["top_power_holders"])
    assert result["top_coach"] == {"id": coaches[0]["id"], "share": 1.0, "alternatives": []}
    assert result["forecast_sign"]["share"] == 1.0
    low, high = result["forecast_sign"]["support_range"]
    assert low == high


def _two_advisers(adviser_strengths, stances):
    """The CEO decides; two advisers of nearly equal weight; both advisers and the CEO have the given stances."""
    a, b = adviser_strengths
    return parse_account({
        "account": {"id": "x", "name": "X"},
        "people": [
            {"id": "ceo", "name": "CEO", "roles": ["decision_maker"], "stance": stances[0]},
            {"id": "a", "name": "A", "stance": stances[1]},
            {"id": "b", "name": "B", "stance": stances[2]},
        ],
        "channels": [{"from": "a", "to": "ceo", "kind": "advice", "strength": a},
                     {"from": "b", "to": "ceo", "kind": "advice", "strength": b}],
    })


def test_a_near_tie_is_fragile_and_a_clear_lead_is_stable():
    deference, power, ranking, coaches, parts, dmu = answers(_two_advisers((0.52, 0.5), (0.0, 0.02, -0.02)))
    fragile = confidence(deference, power, ranking, coaches, parts, dmu, samples=300, top=1)
    assert fragile["top_power_holders"][0]["id"] == "a"
    assert 0.2 < fragile["top_power_holders"][0]["share"] < 0.8  # a or b: a coin toss
    assert 0.2 < fragile["forecast_sign"]["share"] < 0.8  # support hovers around zero

    deference, power, ranking, coaches, parts, dmu = answers(_two_advisers((1.0, 0.1), ("champion", "supporter", "opponent")))
    clear = confidence(deference, power, ranking, coaches, parts, dmu, samples=300, top=1)
    assert clear["top_power_holders"] == [{"id": "a", "share": 1.0}]
    assert clear["forecast_sign"]["sign"] == "positive" and clear["forecast_sign"]["share"] == 1.0


@pytest.mark.parametrize("seed", range(3))
def test_shares_count_the_samples_in_which_each_answer_holds(seed):
    # Recompute every sample the slow way (one direct solve of power and forecast each)
    # and count: the batched shares must be exactly those counts.
    from influence_graph.analysis.forecast import support_weights
    from influence_graph.analysis.opinion import influence_matrix, total_effects

    account = random_account(seed)
    deference, power, ranking, coaches, parts, dmu = answers(account)
    samples = 40
    result = confidence(deference, power, ranking, coaches, parts, dmu, samples=samples, seed=seed)
    people, listening, lam = listening_arrays(deference)
    x0 = np.array([deference.nodes[p][g.STANCE_VALUE] for p in people])
    known = np.array([deference.nodes[p][g.STANCE_KNOWN] for p in people])
    weights, stances = perturbed_samples(listening, x0, known, samples, seed)
    pattern = _Pattern(listening, weights)
    in_top = dict.fromkeys(ranking[:5], 0)
    support = []
    for k in range(samples):
        ranks = dict(zip(people, total_effects(influence_matrix(pattern.matrix(k), lam), lam)))
        top = sorted(ranks, key=ranks.get, reverse=True)[:5]
        for pid in in_top:
            in_top[pid] += pid in top
        settled = settle(pattern.matrix(k), lam, stances[:, k])
        support.append(support_weights(people, ranks, dmu) @ settled)
    assert result["top_power_holders"] == [{"id": pid, "share": round(n / samples, 3)} for pid, n in in_top.items()]
    baseline = support_weights(people, power, dmu) @ settle(listening, lam, x0)
    sign = result["forecast_sign"]
    assert sign["sign"] == ("positive" if baseline > 0 else "negative")
    assert sign["share"] == round(float(np.mean(np.sign(support) == np.sign(baseline))), 3)
    assert sign["support_range"] == [round(float(v), 3) for v in np.percentile(support, [10, 90])]


def test_confidence_is_deterministic_and_in_the_analysis():
    account = load_account(EXAMPLE)
    first = analyze(account, as_of="2026-11-20").to_dict()["confidence"]
    assert first == analyze(account, as_of="2026-11-20").to_dict()["confidence"]
    assert first["samples"] == confidence_module.SAMPLES and first["seed"] == confidence_module.SEED
    data = analyze(account, as_of="2026-11-20", confidence=False).to_dict()
    assert "confidence" not in data
    assert [h["id"] for h in first["top_power_holders"]] == data["power_ranking"][:5]
    assert all(0 <= h["share"] <= 1 for h in first["top_power_holders"])
    assert first["top_coach"]["id"] == data["coach_candidates"][0]["id"]


def test_summary_shows_how_sure_we_are():
    from influence_graph.report.summary import render_markdown
    from influence_graph.report.text import md_text

    account = load_account(EXAMPLE)
    data = analyze(account, as_of="2026-11-20").to_dict()
    text = render_markdown(data, full=True)
    conf = data["confidence"]
    sign = conf["forecast_sign"]
    assert "## How sure we are" in text
    # The example's forecast (−0.08) holds its sign in most but not nearly all re-draws, and the wording says so.
    assert 0.7 <= sign["share"] < 0.9
    assert f"- The forecast stays {sign['sign']} in {sign['share']:.0%}: fairly stable." in text
    holder = conf["top_power_holders"][0]
    assert f"{md_text(account.person(holder['id']).name)} {holder['share']:.0%}" in text
    # The example's top coach is marked as coach: first in every scenario, and said so.
    assert data["coach_candidates"][0]["confirmed"] and conf["top_coach"]["share"] == 1.0
    name = md_text(account.person(conf["top_coach"]["id"]).name)
    assert f"- Top coach {name} is confirmed (marked as coach): first whatever the numbers." in text


def test_a_forecast_at_zero_is_not_called_a_sign():
    from influence_graph.report.summary import render_text

    # Nobody's stance is known: the forecast is exactly 0, and re-drawn it lands either side.
    account = parse_account({
        "account": {"id": "x", "name": "X"},
        "people": [{"id": "a", "name": "A", "roles": ["decision_maker"]}, {"id": "b", "name": "B"}],
        "channels": [{"from": "b", "to": "a", "kind": "advice"}],
    })
    data = analyze(account, as_of="2026-11-20").to_dict()
    assert data["forecast"]["support"] == 0.0 and data["confidence"]["forecast_sign"]["sign"] == "zero"
    low, high = data["confidence"]["forecast_sign"]["support_range"]
    assert low < 0 < high
    text = " ".join(render_text(data, full=True).split())
    shown = [f"{v:+.2f}".replace("-", "\u2212") for v in (low, high)]
    assert f"re-drawn 200 times with other plausible strengths and stances, most land between {shown[0]} and {shown[1]}." in text
    assert "stays zero" not in text


@pytest.mark.parametrize("seed", range(3))
def test_percentiles_are_numpys_to_the_bit(seed):
    rng = np.random.default_rng(seed)
    for n in [1, 2, 3, 10, 199, 200, 201]:
        values = rng.normal(size=n) * 10.0 ** rng.integers(-3, 4)
        assert confidence_module.percentiles(values, (10, 50, 90)) == np.percentile(values, [10, 50, 90]).tolist()


def test_resampling_an_account_without_people_draws_nothing():
    from influence_graph.analysis.confidence import resample

    import networkx as nx

    drawn = resample(nx.DiGraph(), [], samples=10)
    assert drawn.power.shape == (0, 10) and drawn.settled is None


def _generated(people: int, seed: int):
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate", EXAMPLE.parents[1] / "benchmarks" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    return generate.synthetic_account(people, seed=seed)


@pytest.mark.parametrize("account", [
    random_account(2, n=200), random_account(1, n=12, high_susceptibility=True), _generated(1500, 2),
], ids=["random-200", "susceptible", "synthetic-1500"])
def test_stacked_jacobi_is_the_scatter_add_to_the_last_bit(account):
    """With scipy a block's samples step together through one block-diagonal product;
    numpy's gather, multiply and scatter-add give the same bits, block by block (the
    1,500-person account takes several), including samples left to the direct solve."""
    from influence_graph.analysis.opinion import OpinionModel

    model = OpinionModel(graphs(account)[1])
    x0 = np.array([model.deference.nodes[p][g.STANCE_VALUE] for p in model.people])
    weights, stances = perturbed_samples(model.listening, x0, np.ones(len(x0), bool), samples=30, seed=3)
    stacked, scattered = _Pattern(model.listening, weights, sparse=True), _Pattern(model.listening, weights, sparse=False)
    assert len(stacked.blocks()) > 1 or len(model.people) < 1000
    assert np.array_equal(batched_power(stacked, model.lam), batched_power(scattered, model.lam))
    assert np.array_equal(batched_settle(stacked, model.lam, stances), batched_settle(scattered, model.lam, stances))
