"""Forecast (Friedkin–Johnsen) and next best moves: the published example, hand-computed
cases, and properties on seeded random accounts."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from influence_graph import graph as g
from influence_graph.analysis.forecast import (
    forecast,
    listening_arrays,
    opinion_system,
    settle,
    settled_opinions,
    support_reach,
    support_weights,
)
from influence_graph.model import load_account

from builders import account_of, person

PAPER = Path(__file__).parent / "data" / "friedkin_parsegov_2017.yaml"
PAPER_W = np.array(
    [[0.220, 0.120, 0.360, 0.300], [0.147, 0.215, 0.344, 0.294], [0, 0, 1, 0], [0.090, 0.178, 0.446, 0.286]]
)


def deference_of(account):
    return g.deference_graph(g.account_graph(account))


def make(people, channels=(), **sections):
    return account_of(people, channels=list(channels), **sections)


def sig3(value: float) -> float:
    return float(f"{value:.3g}")


# --- the published example -------------------------------------------------------


def test_paper_account_encodes_the_papers_influence_matrix():
    people, listening, lam = listening_arrays(deference_of(load_account(PAPER)))
    assert people == ["a1", "a2", "a3", "a4"]
    row_sums = np.asarray(listening.sum(axis=1)).ravel()
    spread = np.divide(lam, row_sums, out=np.zeros(4), where=row_sums > 0)
    w = np.diag(1 - lam) + np.diag(spread) @ listening.toarray()
    np.testing.assert_allclose(w, PAPER_W, atol=1e-12)
    np.testing.assert_allclose(lam, 1 - np.diag(PAPER_W), atol=1e-12)


def test_paper_system_is_i_minus_lambda_w():
    # The matrix the solver inverts, against the paper's W typed in: I − ΛW with Λ = I − diag(W).
    _, listening, lam = listening_arrays(deference_of(load_account(PAPER)))
    expected = np.eye(4) - np.diag(1 - np.diag(PAPER_W)) @ PAPER_W
    np.testing.assert_allclose(opinion_system(listening, lam).toarray(), expected, atol=1e-12)


@pytest.mark.parametrize(
    "initial, settled",
    [
        ((25, 25, 75, 85), (60, 60, 75, 75)),
        ((25, 15, -50, 5), (-19.3, -21.5, -50, -23.2)),
    ],
)
def test_paper_example_settles_as_published(initial, settled):
    deference = deference_of(load_account(PAPER))
    opinions = settled_opinions(deference, {f"a{i}": x / 100 for i, x in enumerate(initial, 1)})
    assert [sig3(opinions[f"a{i}"] * 100) for i in range(1, 5)] == [sig3(x) for x in settled]


def test_paper_example_with_stances_from_the_file():
    opinions = settled_opinions(deference_of(load_account(PAPER)))
    assert [sig3(opinions[p] * 100) for p in ("a1", "a2", "a3", "a4")] == [60.0, 60.0, 75.0, 75.0]


# --- hand-computed ------------------------------------------------------------------


@pytest.fixture
def ceo_and_adviser():
    """The CEO (opponent, λ = 0.5) listens only to Li (champion, listens to no one);
    Wu, a neutral nobody listens to, listens to the CEO."""
    return make(
        [
            person("ceo", title="CEO", stance="opponent", roles=["decision_maker"]),
            person("li", title="Deputy Chief Engineer", stance="champion"),
            person("wu", stance="neutral"),
        ],
        [{"from": "li", "to": "ceo", "kind": "advice", "strength": 0.8},
         {"from": "ceo", "to": "wu", "kind": "trust", "strength": 0.4}],
        team=[{"id": "jiang", "name": "Jiang Tao"}],
        relationships=[{"member": "jiang", "person": "li", "strength": "velcro"}],
    )


def test_hand_computed_forecast(ceo_and_adviser):
    # ceo: x = 0.5·(−1) + 0.5·(0.5·x + 0.5·1)  =>  0.75 x = −0.25  =>  x = −1/3
    # wu:  x = 0.5·0 + 0.5·(0.5·x + 0.5·(−1/3))  =>  x = −1/9
    deference = deference_of(ceo_and_adviser)
    opinions = settled_opinions(deference)
    assert opinions == pytest.approx({"ceo": -1 / 3, "li": 1.0, "wu": -1 / 9}, abs=1e-6)
    result = forecast(deference, {"ceo": 0.5, "li": 0.3, "wu": 0.2}, ["ceo"])
    assert result["support"] == pytest.approx(-1 / 3, abs=1e-6)
    assert result["initial_support"] == -1.0
    assert result["members"] == {"ceo": pytest.approx(-1 / 3, abs=1e-6)}
    # Winning the CEO over: (1 − (−1)) · (0.5 / 0.75) = 4/3. Li is already a champion
    # and Wu reaches no decision maker; Jiang is on our team: none of them is a move.
    assert [m["id"] for m in result["next_best_moves"]] == ["ceo"]
    assert result["next_best_moves"][0]["gain"] == pytest.approx(4 / 3, abs=1e-6)


def test_moves_say_why_each_person_matters():
    account = make(
        [
            person("ceo", name="Zhao Ming", title="CEO", stance="neutral", roles=["decision_maker"]),
            person("cfo", name="Wang Fang", title="CFO", stance="skeptic", roles=["economic_buyer"]),
            person("cto", name="Chen Jie", title="CTO", stance="supporter", roles=["decision_maker"]),
            person("li", name="Li Wei", title="Deputy Chief Engineer", stance="neutral"),
            person("sun", name="Sun Lei", title="Engineer"),
        ],
        [{"from": "li", "to": d, "kind": "advice", "strength": 0.8} for d in ("ceo", "cfo")]
        + [{"from": "sun", "to": "li", "kind": "expertise", "strength": 0.9}],
    )
    deference = deference_of(account)
    power = {"ceo": 0.3, "cfo": 0.2, "cto": 0.2, "li": 0.2, "sun": 0.1}
    moves = {m["id"]: m["reasons"] for m in forecast(deference, power, ["ceo", "cfo", "cto"])["next_best_moves"]}
    assert moves["li"] == ["listened to by 2 of 3 decision makers (Zhao Ming and Wang Fang)", "today: neutral"]
    assert moves["sun"] == [
        "Li Wei (Deputy Chief Engineer) listens to them, who is listened to by 2 of 3 decision makers "
        "(Zhao Ming and Wang Fang)",
        "unknown stance: find out where they stand",
    ]
    assert moves["cfo"][0] == "a decision maker: their own view makes up 29% of the decision unit's verdict"


def test_moves_are_ranked_best_first_with_id_tie_break():
    account = make(
        [person("ceo", stance="opponent", roles=["decision_maker"]), person("b", stance="neutral"),
         person("a", stance="neutral")],
        [{"from": x, "to": "ceo", "kind": "advice", "strength": 0.5} for x in ("a", "b")],
    )
    moves = forecast(deference_of(account), {"ceo": 0.5, "a": 0.25, "b": 0.25}, ["ceo"])["next_best_moves"]
    assert [m["id"] for m in moves] == ["ceo", "a", "b"]
    assert moves[1]["gain"] == moves[2]["gain"] > 0


def test_a_decision_maker_is_counted_against_the_other_members():
    account = make(
        [person("ceo", name="Zhao Ming", stance="neutral", roles=["decision_maker"]),
         person("cfo", name="Wang Fang", stance="skeptic", roles=["decision_maker"]),
         person("cto", name="Chen Jie", stance="supporter", roles=["decision_maker"])],
        [{"from": "cfo", "to": "ceo", "kind": "advice", "strength": 0.8}],
    )
    moves = {m["id"]: m["reasons"] for m in forecast(deference_of(account), {"ceo": 0.4, "cfo": 0.3, "cto": 0.3},
                                                      ["ceo", "cfo", "cto"])["next_best_moves"]}
    assert moves["cfo"][1] == "listened to by 1 of the 2 other decision makers (Zhao Ming)"


def test_no_decision_unit_means_no_forecast():
    account = make([person("a", stance="champion"), person("b")])
    assert forecast(deference_of(account), {"a": 0.5, "b": 0.5}, []) == {
        "support": None, "initial_support": None, "members": {}, "next_best_moves": []}


def test_susceptibility_of_someone_who_listens_to_no_one_is_ignored():
    account = make([person("a", stance=0.4, susceptibility=1.0), person("b", stance=-1.0, susceptibility=1.0)],
                   [{"from": "a", "to": "b", "kind": "advice"}])
    _, _, lam = listening_arrays(deference_of(account))
    assert lam[0] == 0.0
    # b is fully swayed by a, who keeps their stance.
    assert settled_opinions(deference_of(account)) == pytest.approx({"a": 0.4, "b": 0.4}, abs=1e-5)


def test_fully_susceptible_closed_group_settles_inside_its_stances():
    account = make(
        [person("a", stance=1.0, susceptibility=1.0), person("b", stance=-0.5, susceptibility=1.0)],
        [{"from": "a", "to": "b", "kind": "advice"}, {"from": "b", "to": "a", "kind": "advice"}],
    )
    opinions = settled_opinions(deference_of(account))
    assert opinions["a"] == pytest.approx(opinions["b"], abs=1e-4)
    assert -0.5 <= opinions["a"] <= 1.0


def test_support_weights_follow_influence_inside_the_unit():
    assert support_weights(["a", "b", "c"], {"a": 0.1, "b": 0.3, "c": 0.6}, ["b", "a"]).tolist() == pytest.approx([0.25, 0.75, 0.0])
    assert support_weights(["a", "b"], {"a": 0.0, "b": 0.0}, ["a", "b"]).tolist() == [0.5, 0.5]


# --- properties on seeded random accounts ----------------------------------------


def random_account(seed: int, n: int = 14):
    rng = np.random.default_rng(seed)
    ids = [f"p{i}" for i in range(n)]
    people = []
    for i, pid in enumerate(ids):
        fields = {"stance": round(float(rng.uniform(-1, 1)), 3)}
        roll = rng.random()
        fields["susceptibility"] = 0.0 if roll < 0.1 else 1.0 if roll < 0.2 else round(float(rng.uniform(0, 1)), 3)
        if i > 0 and rng.random() < 0.5:
            fields["reports_to"] = ids[int(rng.integers(0, i))]
        people.append(person(pid, **fields))
    channels = [
        {"from": a, "to": b, "kind": str(rng.choice(["advice", "trust", "rivalry"])),
         "strength": round(float(rng.uniform(0.1, 1)), 2)}
        for a in ids for b in ids if a != b and rng.random() < 0.15
    ]
    dmu = [str(p) for p in rng.choice(ids, size=4, replace=False)]
    return make(people, channels, opportunity={"name": "Deal", "decision_unit": dmu})


def random_power(people, seed):
    values = np.random.default_rng(seed + 1000).uniform(0.1, 1.0, len(people))
    return dict(zip(people, values / values.sum()))


SEEDS = range(12)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("value", [-1.0, -0.3, 0.0, 0.8])
def test_unanimous_stances_settle_at_that_value(seed, value):
    deference = deference_of(random_account(seed))
    opinions = settled_opinions(deference, dict.fromkeys(deference, value))
    assert max(abs(v - value) for v in opinions.values()) < 1e-6


@pytest.mark.parametrize("seed", SEEDS)
def test_forecast_stays_within_the_stance_range(seed):
    account = random_account(seed)
    deference = deference_of(account)
    extreme = {p: (1.0 if i % 2 else -1.0) for i, p in enumerate(deference)}
    for opinions in (settled_opinions(deference), settled_opinions(deference, extreme)):
        assert all(-1 - 1e-9 <= v <= 1 + 1e-9 for v in opinions.values())
    result = forecast(deference, random_power(list(deference), seed), account.decision_unit)
    assert -1 <= result["support"] <= 1
    assert all(-1 <= v <= 1 for v in result["members"].values())


@pytest.mark.parametrize("seed", SEEDS)
def test_someone_nobody_listens_to_moves_only_their_own_opinion(seed):
    account = random_account(seed)
    deference = deference_of(account)
    loner = next((p for p in deference if deference.in_degree(p) == 0), None)
    if loner is None:  # make one: nobody listens to the first person any more
        loner = next(iter(deference))
        deference.remove_edges_from(list(deference.in_edges(loner)))
    people, listening, lam = listening_arrays(deference)
    x0 = np.array([deference.nodes[p][g.STANCE_VALUE] for p in people])
    moved = x0.copy()
    moved[people.index(loner)] = -x0[people.index(loner)] + 0.5
    delta = settle(listening, lam, moved) - settle(listening, lam, x0)
    others = [i for i, p in enumerate(people) if p != loner]
    assert np.abs(delta[others]).max() < 1e-9
    power = random_power(people, seed)
    weights = support_weights(people, power, account.decision_unit)
    assert weights @ delta == pytest.approx(weights[people.index(loner)] * delta[people.index(loner)], abs=1e-12)
    gains = {m["id"]: m["gain"] for m in forecast(deference, power, account.decision_unit, top=len(people))["next_best_moves"]}
    if loner not in account.decision_unit:
        assert loner not in gains  # their own vote is not counted, so winning them over gains nothing


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("susceptibility", ["random", "full"])
def test_iterative_solve_equals_a_direct_solve(seed, susceptibility):
    # W built from its definition (not from opinion_system), solved densely: the GMRES
    # path must agree to 1e-10, also with every λ at 1 (capped just below).
    account = random_account(seed, n=250)
    deference = deference_of(account)
    if susceptibility == "full":
        for node in deference.nodes.values():
            node[g.SUSCEPTIBILITY] = 1.0
    people, listening, lam = listening_arrays(deference)
    a = listening.toarray()
    rows = a.sum(axis=1)
    w = np.diag(1 - lam) + np.divide(lam, rows, out=np.zeros_like(lam), where=rows > 0)[:, None] * a
    system = np.eye(len(people)) - np.diag(lam) @ w
    x0 = np.array([deference.nodes[p][g.STANCE_VALUE] for p in people])
    np.testing.assert_allclose(settle(listening, lam, x0), np.linalg.solve(system, (1 - lam) * x0), rtol=0, atol=1e-10)
    weights = support_weights(people, random_power(people, seed), account.decision_unit)
    m = np.linalg.solve(system, np.diag(1 - lam))
    np.testing.assert_allclose(support_reach(listening, lam, weights), weights @ m, rtol=0, atol=1e-10)


@pytest.mark.parametrize("seed", SEEDS)
def test_one_solve_gains_match_re_solving_per_candidate(seed):
    account = random_account(seed)
    deference = deference_of(account)
    people, listening, lam = listening_arrays(deference)
    power = random_power(people, seed)
    weights = support_weights(people, power, account.decision_unit)
    x0 = np.array([deference.nodes[p][g.STANCE_VALUE] for p in people])
    base = weights @ settle(listening, lam, x0)
    result = forecast(deference, power, account.decision_unit, top=len(people))
    assert result["support"] == pytest.approx(base, abs=1e-6)
    expected = {}
    for j, pid in enumerate(people):
        won = x0.copy()
        won[j] = 1.0
        gain = weights @ settle(listening, lam, won) - base
        if round(gain, 6) > 0:
            expected[pid] = gain
    got = {m["id"]: m["gain"] for m in result["next_best_moves"]}
    assert got.keys() == expected.keys()
    for pid, gain in expected.items():
        assert got[pid] == pytest.approx(gain, abs=1e-6)
    assert [m["gain"] for m in result["next_best_moves"]] == sorted(got.values(), reverse=True)


def test_summary_shows_the_forecast_and_next_best_moves():
    from influence_graph.analysis import analyze
    from influence_graph.analysis.wording import signed
    from influence_graph.report.summary import render_markdown
    from influence_graph.report.text import md_text

    account = load_account(Path(__file__).resolve().parents[1] / "examples" / "huaxin-auto.yaml")
    data = analyze(account, as_of="2026-11-20").to_dict()
    text = render_markdown(data, full=True)
    forecast = data["forecast"]
    section = text.split("\n## Forecast\n")[1].split("\n## ")[0]
    assert f"Once opinions spread, the decision unit settles at {signed(forecast['support'])}" in section
    sign = data["confidence"]["forecast_sign"]
    low, high = sign["support_range"]
    assert (f"re-drawn 200 times with other plausible strengths and stances, it stays {sign['sign']} in "
            f"{sign['share']:.0%} (most land between {signed(low)} and {signed(high)}): ") in section
    first = forecast["next_best_moves"][0]
    assert "## Next best moves" in text
    mover = account.person(first["id"])
    moves = text.split("## Next best moves")[1]
    assert f"| {md_text(mover.name)} | {signed(first['gain'])} | {md_text('; '.join(first['reasons']))} |" in moves
    assert f"Whom to win over next (support gained if they became a champion): {md_text(mover.name)} " in section


def test_an_account_without_people_has_an_empty_forecast():
    from influence_graph.analysis import analyze

    data = analyze(make([]), as_of="2026-11-20").to_dict()
    assert data["forecast"] == {"support": None, "initial_support": None, "members": {}, "next_best_moves": []}
    assert data["confidence"]["samples"] == 0 and data["confidence"]["forecast_sign"] is None
