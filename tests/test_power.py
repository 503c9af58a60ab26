"""Real power, brokerage, formal position and the hidden-power / figurehead call,
on small graphs with answers worked out by hand."""
from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

import networkx as nx
import pytest

from influence_graph import graph as g
import numpy as np
import scipy.sparse as sp

from influence_graph.analysis.opinion import OpinionModel, listening_arrays, total_effects
from influence_graph.analysis.brokerage import brokerage
from influence_graph.analysis.power import (
    PAGERANK_DAMPING,
    classify_power,
    formal_position,
    influence,
    pagerank,
    power_ranking,
)
from influence_graph.model import parse_account


def deference(*edges: tuple[str, str, float]) -> nx.DiGraph:
    view = nx.DiGraph()
    view.add_weighted_edges_from(edges, weight=g.WEIGHT)
    return view


def ties(edges, strength=None) -> nx.Graph:
    """A tie graph as ``tie_graph`` builds it: ``distance`` = 1 / strength."""
    view = nx.Graph()
    for u, v, *rest in edges:
        s = rest[0] if rest else (strength or 1.0)
        view.add_edge(u, v, **{g.WEIGHT: s, g.DISTANCE: 1.0 / s})
    return view


def account(people, channels=(), **extra):
    return parse_account({"account": {"id": "t", "name": "T"}, "people": people, "channels": list(channels), **extra})


# --- influence: social power in the forecast's Friedkin–Johnsen model ------------


def test_two_people_hand_computed():
    # a defers to b (λ_a = 0.5; b listens to no one, λ_b = 0). Row a of V:
    # 0.75 V_a − 0.25 e_b = 0.5 e_a  =>  V_a = (2/3, 1/3); V_b = (0, 1). Column means: 1/3, 2/3.
    power = influence(deference(("a", "b", 1.0)))
    assert power == pytest.approx({"a": 1 / 3, "b": 2 / 3}, abs=1e-12)


def three_people():
    # a listens to b; b listens to a and c equally; c listens to no one (λ = 0.5, 0.5, 0).
    return deference(("a", "b", 1.0), ("b", "a", 0.5), ("b", "c", 0.5))


def test_three_people_v_and_its_column_means_by_hand():
    # W = [[.5, .5, 0], [.25, .5, .25], [0, 0, 1]], ΛW = diag(.5, .5, 0) W, (I − Λ) = diag(.5, .5, 1).
    # Row c of V is e_c; V_a = 2/3 e_a + 1/3 V_b; (17/24) V_b = 1/12 e_a + 1/2 e_b + 1/8 e_c, so
    # V = [[12, 4, 1], [2, 12, 3], [0, 0, 17]] / 17 and the column means are (14, 16, 21) / 51.
    view = three_people()
    model = OpinionModel(view)
    assert model.people == ["a", "b", "c"]
    v = np.column_stack([model.settle(column) for column in np.eye(3)])  # V e_j: column j of V
    np.testing.assert_allclose(v, np.array([[12, 4, 1], [2, 12, 3], [0, 0, 17]]) / 17, atol=1e-12)
    assert influence(view) == pytest.approx({"a": 14 / 51, "b": 16 / 51, "c": 21 / 51}, abs=1e-12)


def test_a_deputy_the_ceo_consults_outranks_the_vp_nobody_consults():
    # The chain CEO ← VP ← deputy ← engineer (formal lines, 0.5 each), and the CEO asks the
    # deputy (advice 0.8). Everyone listens to one person, so V_i = 2/3 e_i + 1/3 V_(whom i
    # listens to): around the cycle CEO → deputy → VP → CEO each row is (9, 3, 1) / 13, the
    # engineer's 2/3 e_eng + 1/3 V_deputy. Column means: deputy 12/39, VP 21/78, CEO 10/39, engineer 1/6.
    chain = account(
        [
            {"id": "ceo", "name": "Ceo", "title": "CEO"},
            {"id": "vp", "name": "Vp", "title": "VP", "reports_to": "ceo"},
            {"id": "deputy", "name": "Deputy", "title": "Deputy Engineer", "reports_to": "vp"},
            {"id": "eng", "name": "Eng", "title": "Engineer", "reports_to": "deputy"},
        ],
        [{"from": "deputy", "to": "ceo", "kind": "advice", "strength": 0.8}],
    )
    power = influence(g.deference_graph(g.account_graph(chain)))
    assert power == pytest.approx({"deputy": 12 / 39, "vp": 21 / 78, "ceo": 10 / 39, "eng": 1 / 6}, abs=1e-12)
    assert power_ranking(power, {})[:2] == ["deputy", "vp"]


def test_pagerank_is_the_special_case_with_every_lambda_the_damping_and_no_self_weight():
    # W = the row-normalized listening matrix (zero diagonal), λ = 0.85 for everyone, and
    # everyone listens to someone: (1/n) 1ᵀ (I − 0.85 W)⁻¹ 0.15 is PageRank's fixed point.
    rng = np.random.default_rng(5)
    people = [f"p{i}" for i in range(40)]
    edges = {(people[i], people[(i + 1) % 40], 1.0) for i in range(40)}  # a ring: nobody dangles
    edges |= {(people[i], people[j], round(float(rng.uniform(0.1, 1)), 2))
              for i, j in rng.integers(0, 40, size=(120, 2)) if i != j}
    view = deference(*sorted(edges))
    order, listening, _ = listening_arrays(view)
    rows = np.asarray(listening.sum(axis=1)).ravel()
    assert rows.min() > 0
    w = sp.diags(1.0 / rows) @ listening
    power = total_effects(w, np.full(len(order), PAGERANK_DAMPING))
    expected = nx.pagerank(view, alpha=PAGERANK_DAMPING, weight=g.WEIGHT, tol=1e-15)
    np.testing.assert_allclose(power, [expected[p] for p in order], atol=1e-12)
    # The forecast's W keeps a self-weight 1 − λ: a different measure on the same graph.
    assert max(abs(v - expected[p]) for p, v in influence(view).items()) > 1e-3


def test_influence_follows_who_listens_to_whom_and_how_much():
    # x listens to a strongly and to b weakly; nobody listens to x.
    power = influence(deference(("x", "a", 0.9), ("x", "b", 0.1)))
    assert power["a"] > power["b"] > power["x"]
    assert sum(power.values()) == pytest.approx(1.0)


def test_influence_does_not_pass_wholesale_up_a_reporting_line():
    # Four people consult the deputy, who reports to a boss who reports to the CEO, whom
    # two people consult: PageRank ranks the boss above the deputy; social power does not.
    view = deference(*[(f"s{i}", "deputy", 1.0) for i in range(4)], ("x", "ceo", 1.0), ("y", "ceo", 1.0),
                     ("deputy", "boss", 0.5), ("boss", "ceo", 0.5))
    power, ranked = influence(view), pagerank(view)
    assert power["deputy"] > power["boss"]
    assert ranked["boss"] > ranked["deputy"]


def test_influence_is_deterministic_and_empty_for_nobody():
    view = deference(*[(f"p{i}", f"p{(i * 7 + 3) % 30}", 0.1 + i / 40) for i in range(30)])
    assert influence(view) == influence(view.copy())
    assert influence(nx.DiGraph()) == {}


def test_influence_of_an_account_counts_channels_and_reporting_lines():
    a = account(
        [
            {"id": "boss", "name": "Boss"},
            {"id": "s1", "name": "S1", "reports_to": "boss"},
            {"id": "s2", "name": "S2", "reports_to": "boss"},
            {"id": "x", "name": "X"},
            {"id": "y", "name": "Y"},
        ],
        [{"from": "x", "to": "s1", "kind": "rivalry", "strength": 1.0}],
    )
    power = influence(g.deference_graph(g.account_graph(a)))
    # Two subordinates defer to the boss; rivalry is not influence, so x is as alone as y.
    assert max(power, key=power.get) == "boss"
    assert power["x"] == pytest.approx(power["y"]) and power["s1"] == pytest.approx(power["s2"])


def test_equal_power_from_the_solver_is_a_tie_broken_by_brokerage_then_id():
    # Seven people listen to p0 alike: their powers are equal up to solver noise.
    view = deference(*[(f"p{i}", "p0", 1.0) for i in range(1, 8)])
    power = influence(view)
    assert power_ranking(power, {}) == ["p0"] + [f"p{i}" for i in range(1, 8)]
    assert power_ranking(power, {"p7": 0.1}) == ["p0", "p7"] + [f"p{i}" for i in range(1, 7)]


# --- brokerage -------------------------------------------------------------


def test_brokerage_on_a_path_and_a_star():
    path = brokerage(ties([("a", "b"), ("b", "c")]))
    assert path == {"a": 0.0, "b": 1.0, "c": 0.0}
    star = brokerage(ties([("hub", leaf) for leaf in "abcd"]))
    assert star["hub"] == pytest.approx(1.0)  # on every one of the 6 leaf-to-leaf paths
    assert star["a"] == 0.0


def test_brokerage_takes_the_shorter_path_by_strength():
    # a-c directly is weak (length 1/0.2 = 5); through b it is strong (2 + 2 = 4): b brokers.
    weighted = brokerage(ties([("a", "b", 0.5), ("b", "c", 0.5), ("a", "c", 0.2)]))
    assert weighted["b"] == pytest.approx(1.0)
    # Made strong enough (length 1/0.3 = 3.33 < 4), the direct tie leaves b out.
    direct = brokerage(ties([("a", "b", 0.5), ("b", "c", 0.5), ("a", "c", 0.3)]))
    assert direct["b"] == 0.0


def test_brokerage_small_graphs_are_all_zero():
    assert brokerage(nx.Graph()) == {}
    assert brokerage(ties([("a", "b")])) == {"a": 0.0, "b": 0.0}
    lonely = nx.Graph()
    lonely.add_nodes_from("abc")
    assert brokerage(lonely) == {"a": 0.0, "b": 0.0, "c": 0.0}


def _kite() -> nx.Graph:
    kite = nx.krackhardt_kite_graph()
    nx.set_edge_attributes(kite, 1.0, g.DISTANCE)
    return kite


def _florentine() -> nx.Graph:
    families = nx.florentine_families_graph()
    nx.set_edge_attributes(families, 1.0, g.DISTANCE)
    return families


def _random_dyadic(seed: int) -> nx.Graph:
    # Strengths whose lengths (5, 4, 2.5, 2, 1.25, 1) add exactly in binary: no float near-ties.
    rng = random.Random(seed)
    graph = nx.gnm_random_graph(40, 90, seed=seed)
    for u, v in graph.edges:
        graph[u][v][g.DISTANCE] = 1.0 / rng.choice([0.2, 0.25, 0.4, 0.5, 0.8, 1.0])
    return graph


def _random_uniform(seed: int) -> nx.Graph:
    rng = random.Random(seed)
    graph = nx.gnm_random_graph(35, 80, seed=seed)
    for u, v in graph.edges:
        graph[u][v][g.DISTANCE] = 1.0 / rng.uniform(0.05, 1.0)
    return graph


GRAPHS = {
    "kite": _kite,
    "florentine": _florentine,
    "random-dyadic-1": lambda: _random_dyadic(1),
    "random-dyadic-2": lambda: _random_dyadic(2),
    "random-uniform-3": lambda: _random_uniform(3),
    "random-uniform-4": lambda: _random_uniform(4),
    "disconnected": lambda: nx.disjoint_union(_kite(), _random_dyadic(5)),
}


@pytest.mark.parametrize("name", sorted(GRAPHS))
@pytest.mark.parametrize("compiled", [False, True])
def test_both_backends_agree_with_networkx(name, compiled):
    graph = GRAPHS[name]()
    expected = nx.betweenness_centrality(graph, weight=g.DISTANCE, normalized=True)
    got = brokerage(graph, compiled=compiled)
    assert got.keys() == expected.keys()
    for node in expected:
        assert got[node] == pytest.approx(expected[node], abs=1e-9), node


def test_equally_long_paths_tie_in_both_backends():
    # Around the square, 0-1-2-3 has length 1/0.15 + 1/0.5 + 1/0.75 = 10 (in floats
    # 10.000000000000002) and the direct tie 0-3 has 1/0.1 = 10: two shortest paths,
    # so 1 and 2 each get half of pair (0, 3) and all of one more pair (0-2 via 1,
    # 1-3 via 2): 1.5 each, normalized by (n-1)(n-2)/2 = 3 -> 0.5. Plain NetworkX
    # misses the tie (1.25 each); both backends here see it.
    square = ties([(0, 1, 0.15), (1, 2, 0.5), (2, 3, 0.75), (0, 3, 0.1)])
    assert nx.betweenness_centrality(square, weight=g.DISTANCE)[1] != pytest.approx(0.5)
    for compiled in (False, True):
        assert brokerage(square, compiled=compiled) == pytest.approx({0: 0.0, 1: 0.5, 2: 0.5, 3: 0.0}, abs=1e-12)


def exact_betweenness(graph: nx.Graph, strength: dict) -> dict:
    """Betweenness with lengths 1/strength as exact fractions of the typed decimals."""
    exact = nx.Graph()
    exact.add_nodes_from(graph)
    for (u, v), s in strength.items():
        exact.add_edge(u, v, length=1 / Fraction(str(s)))
    return {n: float(b) for n, b in nx.betweenness_centrality(exact, weight="length").items()}


@pytest.mark.parametrize("seed", range(6))
def test_both_backends_give_the_exact_answer_when_typed_strengths_make_near_ties(seed):
    # Two-decimal strengths, as people type them: many path lengths meet exactly,
    # which float sums blur. Plain NetworkX is off the exact answer on two of them (seeds 2 and 4).
    rng = random.Random(seed)
    graph = nx.gnm_random_graph(36, 100, seed=seed)
    strength = {}
    for u, v in graph.edges:
        strength[(u, v)] = s = rng.choice([0.1, 0.15, 0.2, 0.3, 0.35, 0.4, 0.6, 0.7, 0.75, 0.8, 0.9])
        graph[u][v].update({g.WEIGHT: s, g.DISTANCE: 1.0 / s})
    expected = exact_betweenness(graph, strength)
    for compiled in (False, True):
        got = brokerage(graph, compiled=compiled)
        assert max(abs(got[n] - expected[n]) for n in graph) < 1e-12


def test_large_graphs_go_to_the_compiled_backend_with_the_same_answer():
    graph = _random_dyadic(9)
    bigger = nx.disjoint_union_all([graph] * 5)  # 200 people: over the threshold
    assert brokerage(bigger) == pytest.approx(brokerage(bigger, compiled=False), abs=1e-12)


# --- formal position and ranking --------------------------------------------


def test_formal_position_from_level_and_subtree():
    a = account(
        [
            {"id": "ceo", "name": "C"},
            {"id": "vp", "name": "V", "reports_to": "ceo"},
            {"id": "m", "name": "M", "reports_to": "vp"},
            {"id": "ic", "name": "I", "reports_to": "m"},
        ]
    )
    formal = formal_position(g.account_graph(a))
    # level scores 1, 0.8, 0.6, 0.4; people below 3, 2, 1, 0 of a 4-person account (log base 4).
    assert formal["ceo"] == pytest.approx(1.0)
    assert formal["vp"] == pytest.approx((0.8 + math.log(3) / math.log(4)) / 2)
    assert formal["m"] == pytest.approx((0.6 + 0.5) / 2)  # log 2 / log 4 = 0.5
    assert formal["ic"] == pytest.approx(0.2)


def test_formal_position_rewards_a_bigger_team_at_the_same_level():
    a = account(
        [{"id": "ceo", "name": "C"}, {"id": "big", "name": "B", "reports_to": "ceo"}, {"id": "small", "name": "S", "reports_to": "ceo"}]
        + [{"id": f"t{i}", "name": "T", "reports_to": "big"} for i in range(4)]
    )
    formal = formal_position(g.account_graph(a))
    assert formal["big"] > formal["small"]
    assert all(0.0 <= value <= 1.0 for value in formal.values())


def test_power_ranking_breaks_ties_by_brokerage_then_id():
    power = {"d": 0.1, "c": 0.3, "b": 0.3, "a": 0.3}
    broker = {"a": 0.0, "b": 0.2, "c": 0.0, "d": 0.9}
    assert power_ranking(power, broker) == ["b", "a", "c", "d"]


# --- hidden power and figureheads -----------------------------------------

ORG = [
    ("zhao", "Zhao Ming", "CEO", None),
    ("qian", "Qian Li", "CFO", "zhao"),
    ("sun", "Sun Wei", "CTO", "zhao"),
    ("wu", "Wu Fang", "VP Marketing", "zhao"),
    ("zhou", "Zhou Jie", "Engineering Manager", "sun"),
    ("li", "Li Na", "Deputy Chief Engineer", "zhou"),
    ("ma", "Ma Lin", "Engineer", "zhou"),
    ("he", "He Tao", "Engineer", "zhou"),
    ("feng", "Feng Yu", "Accountant", "qian"),
    ("chen", "Chen Bo", "Buyer", "qian"),
    ("yang", "Yang Xue", "Analyst", "qian"),
    ("xu", "Xu Lei", "Marketing Assistant", "wu"),
]
ORG_CHANNELS = [
    # The deputy engineer whom the CEO, the CFO and the CTO all consult.
    {"from": "li", "to": "zhao", "kind": "advice", "strength": 0.9},
    {"from": "li", "to": "qian", "kind": "advice", "strength": 0.8},
    {"from": "li", "to": "sun", "kind": "advice", "strength": 0.9},
    {"from": "li", "to": "ma", "kind": "expertise", "strength": 0.7},
    {"from": "li", "to": "he", "kind": "expertise", "strength": 0.7},
    {"from": "feng", "to": "chen", "kind": "friendship", "mutual": True},
    {"from": "ma", "to": "he", "kind": "friendship", "mutual": True},
    {"from": "qian", "to": "yang", "kind": "budget"},
    {"from": "feng", "to": "yang", "kind": "advice"},
    # Even Wu's own assistant listens to others: the VP nobody consults.
    {"from": "chen", "to": "xu", "kind": "advice", "strength": 0.8},
    {"from": "yang", "to": "xu", "kind": "trust", "strength": 0.6},
    {"from": "wu", "to": "qian", "kind": "rivalry", "strength": 0.9},
]


def classify(a):
    whole = g.account_graph(a)
    power = influence(g.deference_graph(whole))
    return classify_power(whole, power, formal_position(whole)), power


def test_the_deputy_engineer_the_executives_consult_is_hidden_power():
    a = account([{"id": i, "name": n, "title": t, "reports_to": b} for i, n, t, b in ORG], ORG_CHANNELS)
    categories, power = classify(a)
    category, reasons = categories["li"]
    assert category == "hidden_power"
    assert reasons == [
        "ranked #1 of 12 by real influence but level 4 (Deputy Chief Engineer)",
        "consulted by Zhao Ming (CEO), Qian Li (CFO) and Sun Wei (CTO)",
        "5 of 11 colleagues turn to them",
    ]
    assert [p for p, (c, _) in categories.items() if c == "hidden_power"] == ["li"]


def test_the_vp_nobody_consults_is_a_figurehead():
    a = account([{"id": i, "name": n, "title": t, "reports_to": b} for i, n, t, b in ORG], ORG_CHANNELS)
    categories, power = classify(a)
    category, reasons = categories["wu"]
    assert category == "figurehead"
    ranking = power_ranking(power, {})
    assert reasons[0] == f"level 2 (VP Marketing) but ranked #{ranking.index('wu') + 1} of 12 by real influence"
    assert reasons[1] == "reports to Zhao Ming (CEO) but no one turns to them"
    cfo, cto = ranking.index("qian") + 1, ranking.index("sun") + 1
    assert reasons[2] == f"the other level-2 people rank #{min(cfo, cto)} and #{max(cfo, cto)}"
    assert [p for p, (c, _) in categories.items() if c == "figurehead"] == ["wu"]
    # Everyone else is aligned or peripheral, and the least influential half is peripheral.
    assert {c for p, (c, _) in categories.items() if p not in ("li", "wu")} == {"aligned", "peripheral"}
    assert categories["xu"][0] == "peripheral"
    assert categories["zhao"][0] == "aligned"


def test_a_flat_hierarchy_has_no_hidden_power_and_no_figureheads():
    # No reporting lines, everyone level 1 by default: position says nothing.
    people = [{"id": f"p{i}", "name": f"P{i}"} for i in range(8)]
    channels = [{"from": "p0", "to": f"p{i}", "kind": "advice", "strength": 1.0} for i in range(1, 8)]
    categories, _ = classify(account(people, channels))
    assert {c for c, _ in categories.values()} <= {"aligned", "peripheral"}
    assert categories["p0"] == ("aligned", ["ranked #1 of 8 by real influence, level 1", "7 of 7 colleagues turn to them"])


def test_when_most_share_one_level_the_juniors_at_it_are_in_the_bottom_half():
    # A boss and nine staff at one level (as in Krackhardt's firm): the staffer the
    # boss consults is hidden power; the boss is never a figurehead of their own team.
    people = [{"id": "boss", "name": "Boss", "level": 2}] + [
        {"id": f"s{i}", "name": f"S{i}", "level": 3, "reports_to": "boss"} for i in range(9)
    ]
    channels = [{"from": "s0", "to": p, "kind": "advice", "strength": 1.0} for p in ["boss", "s1", "s2", "s3"]]
    categories, _ = classify(account(people, channels))
    assert categories["s0"][0] == "hidden_power"
    assert categories["s0"][1][1] == "consulted by Boss"
    assert categories["boss"][0] == "aligned"


def test_every_person_gets_exactly_one_known_category_with_reasons():
    rng = random.Random(3)
    people = [{"id": "p0", "name": "P0"}] + [
        {"id": f"p{i}", "name": f"P{i}", "reports_to": f"p{rng.randrange(i)}"} for i in range(1, 40)
    ]
    channels = [
        {"from": f"p{u}", "to": f"p{v}", "kind": "advice", "strength": 0.5}
        for u, v in itertools.islice(((rng.randrange(40), rng.randrange(40)) for _ in itertools.count()), 200)
        if u != v
    ]
    categories, _ = classify(account(people, channels))
    assert set(categories) == {p["id"] for p in people}
    for category, reasons in categories.values():
        assert category in ("hidden_power", "figurehead", "aligned", "peripheral")
        assert reasons and all(isinstance(r, str) and r for r in reasons)
    hidden = [p for p, (c, _) in categories.items() if c == "hidden_power"]
    assert len(hidden) <= 10  # at most the top quarter


def test_a_senior_title_with_no_team_mapped_below_is_still_a_figurehead():
    # Lang is level 2 (CFO) with nobody mapped under him, so his formal position is
    # low; by level he is still senior, and with nobody turning to him he is a figurehead.
    people = [
        {"id": "md", "name": "Md", "title": "Managing Director", "level": 1},
        {"id": "ops", "name": "Ops", "title": "Head of Operations", "level": 2, "reports_to": "md"},
        {"id": "cfo", "name": "Lang", "title": "CFO", "level": 2, "reports_to": "md"},
        {"id": "eng", "name": "Eng", "level": 3, "reports_to": "ops"},
        {"id": "tech", "name": "Tech", "level": 3, "reports_to": "ops"},
        {"id": "clerk", "name": "Clerk", "level": 3, "reports_to": "ops"},
        {"id": "aide1", "name": "Aide1", "level": 4, "reports_to": "eng"},
        {"id": "aide2", "name": "Aide2", "level": 4, "reports_to": "tech"},
    ]
    channels = [
        {"from": "eng", "to": "md", "kind": "advice", "strength": 0.9},
        {"from": "ops", "to": "md", "kind": "trust", "strength": 0.8},
        {"from": "eng", "to": "tech", "kind": "expertise"},
    ]
    a = account(people, channels)
    formal = formal_position(g.account_graph(a))
    assert sum(formal[p] > formal["cfo"] for p in formal) > (len(formal) - 1) / 2  # bottom half by formal position
    categories, _ = classify(a)
    assert categories["cfo"][0] == "figurehead"
    assert categories["cfo"][1][0].startswith("level 2 (CFO) but ranked #")
