"""Bargaining solutions: Pareto frontier, ZOPA, Nash, Kalai–Smorodinsky, welfare, distances.

Every discrete solution is checked against a brute-force oracle written here with plain loops
and exact fractions (hypothesis, small integer grids so that ties are common); the continuous
solutions and fine discretisations against answers known in closed form; every registered
solution inherits the same contract (in the ZOPA, on the frontier, None iff the ZOPA is empty).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burdenshare.bargaining.analysis import BargainingAnalysis, analyze_bargaining
from burdenshare.bargaining.continuous import (
    Frontier,
    frontier_kalai_smorodinsky,
    frontier_nash,
)
from burdenshare.bargaining.domain import domain_from_scenario
from burdenshare.bargaining.ratification import zopa_mask
from burdenshare.bargaining.rubinstein import rubinstein_discrete
from burdenshare.bargaining.solutions import (
    SOLUTIONS,
    SolutionError,
    check_problem,
    frontier_distance,
    ideal_point,
    kalai_smorodinsky,
    max_welfare,
    nash_solution,
    pareto_frontier,
    pareto_mask,
    rational_mask,
    zopa,
)
from burdenshare.bargaining.strategies.kernels import nash_outcomes
from burdenshare.errors import BurdenshareError
from burdenshare.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------- problems and oracles
@st.composite
def problems(
    draw: st.DrawFn, parties: int = 2, max_n: int = 40, levels: int = 8, masked: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Utilities k/4 (k < levels, so exact in binary and often tied), reservation values on the
    same grid (so outcomes sit exactly at r), and a random admissible mask."""
    n = draw(st.integers(1, max_n))
    ks = draw(st.lists(st.integers(0, levels - 1), min_size=parties * n, max_size=parties * n))
    u = np.array(ks, dtype=float).reshape(parties, n) / 4
    r = np.array(draw(st.lists(st.integers(0, levels - 1), min_size=parties, max_size=parties)))
    mask = (
        np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
        if masked
        else np.ones(n, dtype=bool)
    )
    return u, r / 4, mask


def exact(u: np.ndarray, r: np.ndarray) -> tuple[list[list[Fraction]], list[Fraction]]:
    return [[Fraction(x) for x in row] for row in u.tolist()], [Fraction(x) for x in r.tolist()]


def brute_pareto(u: np.ndarray, mask: np.ndarray) -> list[int]:
    cols = [tuple(c) for c in u.T.tolist()]
    keep = []
    for i, a in enumerate(cols):
        if not mask[i]:
            continue
        dominated = any(
            mask[j]
            and all(y >= x for x, y in zip(a, b, strict=True))
            and any(y > x for x, y in zip(a, b, strict=True))
            for j, b in enumerate(cols)
        )
        if not dominated:
            keep.append(i)
    return keep


def brute_zopa(u: np.ndarray, r: np.ndarray, mask: np.ndarray) -> list[int]:
    return [
        o for o in range(u.shape[1]) if mask[o] and all(u[p, o] >= r[p] for p in range(u.shape[0]))
    ]


def brute_nash(u: np.ndarray, r: np.ndarray, mask: np.ndarray) -> int | None:
    uf, rf = exact(u, r)
    best, key = None, None
    for o in brute_zopa(u, r, mask):
        gains = [uf[p][o] - rf[p] for p in range(len(rf))]
        k = (math.prod(gains), sum(uf[p][o] for p in range(len(rf))))
        if key is None or k > key:  # strictly better only: the lowest index wins ties
            best, key = o, k
    return best


def brute_ks(u: np.ndarray, r: np.ndarray, mask: np.ndarray) -> int | None:
    uf, rf = exact(u, r)
    zone = brute_zopa(u, r, mask)
    if not zone:
        return None
    parties = range(len(rf))
    ideal = [max(uf[p][o] for o in zone) for p in parties]
    counted = [p for p in parties if ideal[p] > rf[p]]
    best, key = None, None
    for o in zone:
        score = min(((uf[p][o] - rf[p]) / (ideal[p] - rf[p]) for p in counted), default=0)
        k = (score, sum(uf[p][o] for p in parties))
        if key is None or k > key:
            best, key = o, k
    return best


def brute_welfare(u: np.ndarray, r: np.ndarray, mask: np.ndarray, rational: bool) -> int | None:
    uf, _ = exact(u, r)
    allowed = brute_zopa(u, r, mask) if rational else [o for o in range(u.shape[1]) if mask[o]]
    best, key = None, None
    for o in allowed:
        k = sum(row[o] for row in uf)
        if key is None or k > key:
            best, key = o, k
    return best


# --------------------------------------------------------------------------- Pareto frontier
@settings(max_examples=300, deadline=None)
@given(problems())
def test_pareto_matches_brute_force_with_ties(problem: tuple[np.ndarray, ...]) -> None:
    u, _, mask = problem
    got = pareto_frontier(u, mask)
    assert sorted(got.tolist()) == brute_pareto(u, mask)
    np.testing.assert_array_equal(pareto_mask(u, mask), np.isin(np.arange(u.shape[1]), got))


@settings(max_examples=100, deadline=None)
@given(problems(parties=3, max_n=30, levels=4))
def test_pareto_three_parties_matches_brute_force(problem: tuple[np.ndarray, ...]) -> None:
    u, _, mask = problem
    assert sorted(pareto_frontier(u, mask).tolist()) == brute_pareto(u, mask)


@settings(max_examples=100, deadline=None)
@given(problems(masked=False))
def test_frontier_is_ordered_by_first_utility_then_index(problem: tuple[np.ndarray, ...]) -> None:
    u, _, _ = problem
    f = pareto_frontier(u)
    a, b = u[0, f], u[1, f]
    assert (np.diff(a) >= 0).all() and (np.diff(b) <= 0).all()
    same = np.diff(a) == 0
    assert (np.diff(f)[same] > 0).all()  # equal u₀ on the frontier means equal vectors
    assert (np.diff(b)[same] == 0).all()


def test_pareto_on_many_outcomes_matches_a_quadratic_numpy_scan() -> None:
    rng = np.random.default_rng(20240603)
    # near the line u₀ + u₁ = 200 on an integer grid: a long frontier with repeated points
    a = rng.integers(0, 200, 3000)
    u = np.stack([a, 200 - a - rng.integers(0, 4, 3000)]).astype(float)
    mask = rng.random(3000) < 0.8
    sub = u[:, mask]
    weakly = (sub[:, None, :] >= sub[:, :, None]).all(axis=0)
    strictly = (sub[:, None, :] > sub[:, :, None]).any(axis=0)
    expected = np.flatnonzero(mask)[~(weakly & strictly).any(axis=1)]
    assert sorted(pareto_frontier(u, mask).tolist()) == expected.tolist()
    assert expected.size > 100  # the check is not vacuous


def test_pareto_hand_example_with_duplicates_and_a_weakly_dominated_point() -> None:
    u = np.array([[1, 1, 2, 2, 0, 3, 3], [3, 3, 2, 1, 3, 0, 0]], dtype=float)
    # (1,3) twice; (2,2); (2,1) under (2,2); (0,3) under (1,3); (3,0) twice
    assert pareto_frontier(u).tolist() == [0, 1, 2, 5, 6]
    assert pareto_frontier(u, np.array([0, 0, 1, 1, 1, 0, 0], dtype=bool)).tolist() == [4, 2]


# --------------------------------------------------------------------------- ZOPA
@settings(max_examples=300, deadline=None)
@given(problems())
def test_zopa_matches_brute_force(problem: tuple[np.ndarray, ...]) -> None:
    u, r, mask = problem
    z = zopa(u, r, mask)
    expected = brute_zopa(u, r, mask)
    assert z.size == len(expected) and np.flatnonzero(z.mask).tolist() == expected
    assert z.n_admissible == int(mask.sum())
    np.testing.assert_array_equal(rational_mask(u, r, mask), z.mask)
    if expected:
        for p in range(2):
            assert z.low[p] == min(u[p, o] for o in expected)
            assert z.high[p] == max(u[p, o] for o in expected)
        assert z.share == len(expected) / mask.sum()
    else:
        assert z.empty and np.isnan(z.low).all() and np.isnan(z.high).all()
    # the ratification module's unmasked zone is the same set
    np.testing.assert_array_equal(zopa(u, r).mask, zopa_mask(u, r))


def test_zopa_counts_an_outcome_exactly_at_the_reservation_value() -> None:
    u = np.array([[0.5, 0.49, 0.8], [0.5, 0.9, 0.2]])
    z = zopa(u, [0.5, 0.5])
    assert z.mask.tolist() == [True, False, False]
    assert z.as_dict(("us", "rok")) == {
        "size": 1,
        "n_admissible": 3,
        "share": 1 / 3,
        "low_us": 0.5,
        "high_us": 0.5,
        "low_rok": 0.5,
        "high_rok": 0.5,
    }
    with pytest.raises(ValueError):
        z.mask[0] = False


# --------------------------------------------------------------------------- point solutions
@settings(max_examples=300, deadline=None)
@given(problems())
def test_nash_matches_brute_force(problem: tuple[np.ndarray, ...]) -> None:
    u, r, mask = problem
    assert nash_solution(u, r, mask) == brute_nash(u, r, mask)


@settings(max_examples=300, deadline=None)
@given(problems())
def test_kalai_smorodinsky_matches_brute_force(problem: tuple[np.ndarray, ...]) -> None:
    u, r, mask = problem
    assert kalai_smorodinsky(u, r, mask) == brute_ks(u, r, mask)


@settings(max_examples=300, deadline=None)
@given(problems(), st.booleans())
def test_max_welfare_matches_brute_force(problem: tuple[np.ndarray, ...], rational: bool) -> None:
    u, r, mask = problem
    assert max_welfare(u, r, mask, rational=rational) == brute_welfare(u, r, mask, rational)


@settings(max_examples=100, deadline=None)
@given(problems(parties=3, max_n=25, levels=5))
def test_three_party_nash_and_ks_match_brute_force(problem: tuple[np.ndarray, ...]) -> None:
    u, r, mask = problem
    assert nash_solution(u, r, mask) == brute_nash(u, r, mask)
    assert kalai_smorodinsky(u, r, mask) == brute_ks(u, r, mask)


@settings(max_examples=200, deadline=None)
@given(problems())
def test_ideal_point_is_the_best_rational_utility(problem: tuple[np.ndarray, ...]) -> None:
    u, r, mask = problem
    zone = brute_zopa(u, r, mask)
    ideal = ideal_point(u, r, mask)
    if zone:
        assert ideal.tolist() == [max(u[p, o] for o in zone) for p in range(2)]
    else:
        assert np.isnan(ideal).all()


def test_ties_are_broken_by_welfare_then_index() -> None:
    # Nash products all 0.25 (gains .5·.5, .25·1, 1·.25); welfare picks the last two, index 1
    u = np.array([[0.5, 0.25, 1.0, 0.25], [0.5, 1.0, 0.25, 1.0]])
    assert nash_solution(u, [0, 0]) == 1
    # KS: ideal (1, 1); min ratios .5, .25, .25, .25 → outcome 0 despite its lower welfare
    assert kalai_smorodinsky(u, [0, 0]) == 0
    assert max_welfare(u, [0, 0]) == 1  # 1.25 three times: lowest index


def test_a_party_that_cannot_gain_is_left_out_of_the_ks_minimum() -> None:
    # party 1 gets exactly r everywhere in the ZOPA: KS maximises party 0's gain alone
    u = np.array([[0.1, 0.7, 0.4, 0.9], [0.5, 0.5, 0.5, 0.2]])
    assert kalai_smorodinsky(u, [0.0, 0.5]) == 1
    # nobody can gain: every rational outcome is the disagreement point; welfare, then index
    assert kalai_smorodinsky(np.array([[0.2, 0.2], [0.3, 0.3]]), [0.2, 0.3]) == 0


# --------------------------------------------------------------------------- the registry contract
def test_registry_lists_the_solutions() -> None:
    assert {"nash", "kalai-smorodinsky", "max-welfare"} <= set(SOLUTIONS)
    assert SOLUTIONS.get("nash") is nash_solution
    with pytest.raises(BurdenshareError, match="unknown bargaining solution"):
        SOLUTIONS.get("egalitarian-ish")


@pytest.mark.parametrize("name", list(SOLUTIONS))
class TestSolutionContract:
    """What every registered point solution guarantees."""

    @settings(max_examples=150, deadline=None)
    @given(problem=problems())
    def test_rational_pareto_optimal_and_none_iff_no_zopa(
        self, name: str, problem: tuple[np.ndarray, ...]
    ) -> None:
        u, r, mask = problem
        o = SOLUTIONS.get(name)(u, r, mask)
        zone = brute_zopa(u, r, mask)
        if not zone:
            assert o is None
            return
        assert o in zone
        assert o in brute_pareto(u, mask)

    @settings(max_examples=100, deadline=None)
    @given(problem=problems(masked=False), extra=st.integers(1, 5))
    def test_outcomes_outside_the_zopa_are_irrelevant(
        self, name: str, problem: tuple[np.ndarray, ...], extra: int
    ) -> None:
        # appending outcomes party 0 rejects (u₀ < r₀, however good for party 1) changes nothing
        u, r, _ = problem
        junk = np.stack([np.full(extra, r[0] - 1.0), np.full(extra, 100.0)])
        solve = SOLUTIONS.get(name)
        assert solve(np.hstack([u, junk]), r, None) == solve(u, r, None)

    def test_masked_out_outcomes_are_never_chosen(self, name: str) -> None:
        rng = np.random.default_rng(5)
        u = rng.random((2, 400))
        mask = rng.random(400) < 0.3
        o = SOLUTIONS.get(name)(u, [0.2, 0.2], mask)
        best_unmasked = SOLUTIONS.get(name)(u[:, mask], [0.2, 0.2], None)
        assert o is not None and mask[o]
        assert o == np.flatnonzero(mask)[best_unmasked]


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(-3, 3), st.integers(-3, 3))
def test_nash_and_ks_do_not_depend_on_utility_scales(seed: int, e0: int, e1: int) -> None:
    # Nash (1950) and Kalai–Smorodinsky (1975) are invariant to u_p → a_p·u_p + b_p; with a_p a
    # power of two and b_p = 0 the arithmetic is exact
    rng = np.random.default_rng(seed)
    u = rng.random((2, 60))
    r = rng.random(2) * 0.5
    a = np.array([2.0**e0, 2.0**e1])
    assert nash_solution(a[:, None] * u, a * r) == nash_solution(u, r)
    assert kalai_smorodinsky(a[:, None] * u, a * r) == kalai_smorodinsky(u, r)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_nash_agrees_with_the_nash_seeker_rule_when_gains_are_positive(seed: int) -> None:
    rng = np.random.default_rng(seed)
    u = rng.random((2, 80))
    r = rng.random(2) * 0.6
    expected = int(nash_outcomes(u[:1], u[1:], r[:1], r[1:])[0])
    got = nash_solution(u, r)
    if expected < 0:  # nothing strictly better for both: the strategy has no point
        assert got is None or ((u[:, got] - r) == 0).any()
    else:
        assert got == expected


# --------------------------------------------------------------------------- analytical domains
def discretised(f, lo: float, hi: float, n: int, interior: int = 0, seed: int = 0) -> np.ndarray:
    """n+1 points on the frontier u₁ = f(u₀) plus ``interior`` random points strictly below it."""
    x = np.linspace(lo, hi, n + 1)
    rng = np.random.default_rng(seed)
    xi = rng.uniform(lo, hi, interior)
    yi = f(xi) * rng.uniform(0.0, 0.999, interior)
    return np.hstack([np.stack([x, f(x)]), np.stack([xi, yi])])


N = 4000
STEP = 1 / N
ANALYTICAL = [
    # frontier, range, r, Nash u₀, KS u₀
    ("linear", lambda x: 1 - x, (0.0, 1.0), (0.0, 0.0), 0.5, 0.5),
    ("linear, r=(.2,.1)", lambda x: 1 - x, (0.0, 1.0), (0.2, 0.1), 0.55, 0.55),
    ("quadratic", lambda x: 1 - x**2, (0.0, 1.0), (0.0, 0.0), 1 / math.sqrt(3), (5**0.5 - 1) / 2),
    (
        "quadratic, r=(0,.5)",
        lambda x: 1 - x**2,
        (0.0, 1.0),
        (0.0, 0.5),
        1 / math.sqrt(6),
        (10**0.5 - 2**0.5) / 4,
    ),
    ("truncated pie", lambda x: 1 - x, (0.0, 0.6), (0.0, 0.0), 0.5, 0.375),
    ("quarter ellipse", lambda x: 2 * np.sqrt(1 - x**2), (0.0, 1.0), (0.0, 0.0), 2**-0.5, 2**-0.5),
    ("convex curve, ideal (1, 3)", lambda x: 3 * (1 - x) ** 2, (0.0, 1.0), (0.0, 0.0), 1 / 3, None),
]


def ks_steep() -> float:
    # x = 3(1 − x)²/3 → x = (1 − x)² → x = (3 − √5)/2
    return (3 - 5**0.5) / 2


@pytest.mark.parametrize(
    ("f", "bounds", "r", "nash_x", "ks_x"),
    [case[1:] for case in ANALYTICAL],
    ids=[case[0] for case in ANALYTICAL],
)
def test_discrete_solutions_on_fine_grids_match_closed_forms(f, bounds, r, nash_x, ks_x) -> None:
    ks_x = ks_steep() if ks_x is None else ks_x
    u = discretised(f, *bounds, N, interior=2000)
    step = (bounds[1] - bounds[0]) / N
    n, k = nash_solution(u, r), kalai_smorodinsky(u, r)
    assert n is not None and n <= N and k is not None and k <= N  # on the frontier, not inside
    assert abs(u[0, n] - nash_x) <= step
    # the discrete ideal point may sit one step inside the true one: allow two steps
    assert abs(u[0, k] - ks_x) <= 2 * step
    assert max_welfare(u, r) in pareto_frontier(u)


@pytest.mark.parametrize(
    ("f", "bounds", "r", "nash_x", "ks_x"),
    [case[1:] for case in ANALYTICAL],
    ids=[case[0] for case in ANALYTICAL],
)
def test_continuous_solutions_match_closed_forms(f, bounds, r, nash_x, ks_x) -> None:
    ks_x = ks_steep() if ks_x is None else ks_x
    curve = Frontier.from_function(f, *bounds)
    nash, ks = frontier_nash(curve, r), frontier_kalai_smorodinsky(curve, r)
    assert nash is not None and ks is not None
    # the Nash product is flat at its maximum: double precision pins x only to ~√ε
    assert nash[0] == pytest.approx(nash_x, abs=1e-7)
    assert nash[1] == pytest.approx(float(f(nash_x)), abs=1e-7)
    assert ks[0] == pytest.approx(ks_x, abs=1e-10)
    assert ks[1] == pytest.approx(float(f(ks_x)), abs=1e-9)
    # the same frontier as 20,001 points joined by lines: the Nash product has a kink at each
    # vertex, so its maximum may sit on the vertex next to the true one (one step, 5e-5); the
    # KS crossing moves only by the chord's distance to the curve, O(step²)
    x = np.linspace(*bounds, 20001)
    poly = Frontier.from_points(np.stack([x, f(x)]))
    step = (bounds[1] - bounds[0]) / 20000
    assert frontier_nash(poly, r)[0] == pytest.approx(nash_x, abs=step)
    assert frontier_kalai_smorodinsky(poly, r)[0] == pytest.approx(ks_x, abs=1e-7)


@pytest.mark.parametrize(("r0", "r1"), [(0.0, 0.0), (0.2, 0.1), (0.5, 0.4), (0.05, 0.7)])
def test_pie_splits_the_surplus_equally(r0: float, r1: float) -> None:
    size = 2.5
    pie = Frontier.pie(size)
    expected = [r0 + (size - r0 - r1) / 2, r1 + (size - r0 - r1) / 2]
    np.testing.assert_allclose(frontier_nash(pie, [r0, r1]), expected, atol=1e-12)
    np.testing.assert_allclose(frontier_kalai_smorodinsky(pie, [r0, r1]), expected, atol=1e-12)
    np.testing.assert_allclose(pie.ideal([r0, r1]), [size - r1, size - r0], atol=1e-12)


@st.composite
def concave_polylines(draw: st.DrawFn) -> np.ndarray:
    """Vertices of a concave decreasing frontier: slopes falling, from (0, y0) rightwards."""
    k = draw(st.integers(1, 8))
    widths = np.array(draw(st.lists(st.floats(0.05, 1.0), min_size=k, max_size=k)))
    slopes = -np.sort(np.array(draw(st.lists(st.floats(0.05, 5.0), min_size=k, max_size=k))))
    y0 = draw(st.floats(0.5, 3.0))
    x = np.r_[0.0, np.cumsum(widths)]
    y = y0 + np.r_[0.0, np.cumsum(slopes[::-1] * widths)]
    return np.stack([x, y])


@settings(max_examples=200, deadline=None)
@given(concave_polylines(), st.floats(0.0, 0.5), st.floats(-1.0, 0.5))
def test_polyline_nash_beats_a_dense_scan_and_ks_equalises_gains(
    vertices: np.ndarray, t0: float, r1: float
) -> None:
    front = Frontier.from_points(vertices)
    r0 = t0 * front.hi
    r = [r0, r1]
    rng = front.rational_range(r)
    nash, ks = frontier_nash(front, r), frontier_kalai_smorodinsky(front, r)
    if rng is None:
        assert nash is None and ks is None
        return
    a, b = rng
    xs = np.linspace(a, b, 20001)
    g = (xs - r0) * (front(xs) - r1)
    assert (nash[0] - r0) * (nash[1] - r1) >= g.max() - 1e-12
    assert a - 1e-12 <= nash[0] <= b + 1e-12 and nash[1] == pytest.approx(float(front(nash[0])))
    ideal = front.ideal(r)
    if (ideal - r > 1e-6).all():  # else the normalised gains are float noise over noise
        gains = (ks - r) / (ideal - r)
        assert gains[0] == pytest.approx(gains[1], abs=1e-9)
        assert ks[1] == pytest.approx(float(front(ks[0])), abs=1e-12)


def test_frontier_edge_cases() -> None:
    pie = Frontier.pie()
    assert frontier_nash(pie, [0.7, 0.5]) is None  # 0.7 + 0.5 > 1: no rational split
    assert frontier_kalai_smorodinsky(pie, [0.7, 0.5]) is None
    np.testing.assert_allclose(frontier_nash(pie, [0.6, 0.4]), [0.6, 0.4])  # one point left
    # r₀ just right of the start, r₁ at f(0): the rational range is one point (found by
    # hypothesis: rounding once put b below a)
    line = Frontier.from_points([[0.0, 1.0], [0.5, -0.5]])
    assert line.rational_range([1e-147, 0.5]) == (1e-147, 1e-147)
    np.testing.assert_array_equal(frontier_nash(line, [1e-147, 0.5]), [1e-147, 0.5])
    point = Frontier.from_points([[0.3], [0.4]])
    np.testing.assert_allclose(frontier_nash(point, [0, 0]), [0.3, 0.4])
    np.testing.assert_allclose(frontier_kalai_smorodinsky(point, [0, 0]), [0.3, 0.4])
    # dominated points and repeats are dropped before joining
    messy = Frontier.from_points([[0, 0.5, 0.5, 0.2, 1], [1, 0.5, 0.5, 0.1, 0]])
    np.testing.assert_array_equal(messy.vertices, [[0, 0.5, 1], [1, 0.5, 0]])
    with pytest.raises(SolutionError, match="cannot rise"):
        Frontier.from_function(lambda x: x, 0, 1)
    with pytest.raises(SolutionError, match="lo ≤ hi"):
        Frontier.from_function(lambda x: 1 - x, 1, 0)
    with pytest.raises(SolutionError, match=r"\[2, k\]"):
        Frontier.from_points([1, 2, 3])
    with pytest.raises(SolutionError, match="disagreement"):
        frontier_nash(pie, [0.1])


# --------------------------------------------------------------------------- distances
@settings(max_examples=100, deadline=None)
@given(problems(), st.lists(st.integers(-1, 39), min_size=1, max_size=8))
def test_distances_match_brute_force(problem: tuple[np.ndarray, ...], picks: list[int]) -> None:
    u, r, mask = problem
    n = u.shape[1]
    agreements = [p if p < n else -1 for p in picks]
    analysis = analyze_bargaining(u, r, mask, parties=("us", "rok"))
    frame = analysis.distances(agreements)
    front = brute_pareto(u, mask)
    for i, o in enumerate(agreements):
        row = frame.iloc[i]
        if o < 0:
            assert math.isnan(row["u_us"]) and math.isnan(row["pareto_distance"])
            assert not row["in_zopa"] and not row["on_pareto"]
            assert all(math.isnan(row[f"to_{name}"]) for name in analysis.points)
            continue
        assert (row["u_us"], row["u_rok"]) == (u[0, o], u[1, o])
        assert row["welfare"] == u[0, o] + u[1, o]
        assert row["nash_product"] == (u[0, o] - r[0]) * (u[1, o] - r[1])
        assert row["in_zopa"] == (o in brute_zopa(u, r, mask))
        assert row["on_pareto"] == (o in front)
        nearest = min((math.dist(u[:, o], u[:, f]) for f in front), default=math.nan)
        assert row["pareto_distance"] == pytest.approx(nearest, nan_ok=True)
        for name, s in analysis.points.items():
            want = math.nan if s is None else math.dist(u[:, o], u[:, s])
            assert row[f"to_{name}"] == pytest.approx(want, nan_ok=True)


def test_frontier_distance_in_blocks_equals_one_pass() -> None:
    rng = np.random.default_rng(11)
    pts, front = rng.random((2, 5000)), rng.random((2, 1500))
    got = frontier_distance(pts, front)
    sample = rng.choice(5000, 50, replace=False)
    for i in sample:
        assert got[i] == pytest.approx(np.hypot(*(front - pts[:, i : i + 1])).min())
    assert np.isnan(frontier_distance(pts[:, :3], np.empty((2, 0)))).all()


# --------------------------------------------------------------------------- BargainingAnalysis
def test_analysis_collects_every_solution() -> None:
    rng = np.random.default_rng(3)
    u = rng.random((2, 500))
    r = np.array([0.3, 0.25])
    mask = rng.random(500) < 0.7
    a = analyze_bargaining(u, r, mask, parties=["us", "rok"], discount=[0.9, 0.8], rounds=12)
    assert a.points == {
        "nash": nash_solution(u, r, mask),
        "kalai-smorodinsky": kalai_smorodinsky(u, r, mask),
        "max-welfare": max_welfare(u, r, mask),
        "rubinstein": rubinstein_discrete(u, r, [0.9, 0.8], 12, 0, mask).outcome,
    }
    np.testing.assert_array_equal(a.pareto, pareto_frontier(u, mask))
    np.testing.assert_array_equal(a.ideal, ideal_point(u, r, mask))
    frame = a.to_frame()
    assert list(frame.index) == list(a.points)
    for name, o in a.points.items():
        assert frame.loc[name, "outcome"] == o
        assert frame.loc[name, "u_us"] == u[0, o] and frame.loc[name, "u_rok"] == u[1, o]
        assert frame.loc[name, f"to_{name}"] == 0.0
        assert frame.loc[name, "on_pareto"] and frame.loc[name, "pareto_distance"] == 0.0
    np.testing.assert_array_equal(a.point("nash"), u[:, a.points["nash"]])
    summary = a.summary()
    assert summary["n_admissible"] == mask.sum() and summary["n_pareto"] == a.pareto.size
    assert summary["zopa_size"] == len(brute_zopa(u, r, mask))
    assert summary["ideal_us"] == a.ideal[0]


def test_ratification_mask_shrinks_the_zone_and_full_mask_changes_nothing() -> None:
    rng = np.random.default_rng(8)
    u = rng.random((2, 300))
    r = np.array([0.2, 0.2])
    free = analyze_bargaining(u, r)
    same = analyze_bargaining(u, r, np.ones(300, dtype=bool))
    assert same.points == free.points and same.zopa.size == free.zopa.size
    home = u[1] <= 0.6  # the other side's legislature blocks what is too good for party 1
    tied = analyze_bargaining(u, r, home)
    assert tied.zopa.size == (free.zopa.mask & home).sum() < free.zopa.size
    assert tied.ideal[1] <= 0.6 < free.ideal[1]
    assert all(home[o] for o in tied.points.values() if o is not None)


def test_analysis_without_a_zopa() -> None:
    u = np.array([[0.1, 0.9], [0.9, 0.1]])
    a = analyze_bargaining(u, [0.5, 0.5])
    assert a.points == {name: None for name in SOLUTIONS}
    frame = a.to_frame()
    assert (frame["outcome"] == -1).all() and frame["u_p0"].isna().all()
    assert a.zopa.empty and np.isnan(a.ideal).all() and a.pareto.tolist() == [0, 1]


def test_analysis_freezes_its_own_copies_only() -> None:
    u = np.random.default_rng(1).random((2, 20))
    a = analyze_bargaining(u, [0, 0])
    u[0, 0] = 5.0  # the caller's array stays writable and the analysis does not see the change
    assert a.utilities[0, 0] != 5.0
    with pytest.raises(ValueError):
        a.utilities[0, 0] = 1.0


def test_sma_domain_analysis() -> None:
    domain = domain_from_scenario(load_scenario("sma-2019"))
    a = BargainingAnalysis.from_domain(domain)
    u, r = domain.utilities, domain.reserved
    assert a.parties == ("us", "rok") and a.n_outcomes == u.shape[1]
    assert a.points["nash"] == nash_solution(u, r)
    nash = u[:, a.points["nash"]]
    zone = (u >= r[:, None]).all(axis=0)
    assert a.zopa.size == zone.sum()
    # no outcome in the zone has a larger Nash product, and nothing dominates the Nash point
    prod = (u - r[:, None]).prod(axis=0)
    assert prod[zone].max() == (nash[0] - r[0]) * (nash[1] - r[1])
    assert not ((u >= nash[:, None]).all(axis=0) & (u > nash[:, None]).any(axis=0)).any()
    # the frontier is non-increasing and every frontier point is undominated by a random sample
    front = u[:, a.pareto]
    assert (np.diff(front[0]) >= 0).all() and (np.diff(front[1]) <= 0).all()
    sample = np.random.default_rng(0).choice(u.shape[1], 20000, replace=False)
    s = u[:, sample]
    for col in front[:, :: max(1, front.shape[1] // 40)].T:
        assert not ((s >= col[:, None]).all(axis=0) & (s > col[:, None]).any(axis=0)).any()


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("u", "r", "mask", "match"),
    [
        ([1.0, 2.0], [0, 0], None, "at least two parties"),
        (np.ones((1, 3)), [0], None, "at least two parties"),
        (np.ones((2, 0)), [0, 0], None, "at least two parties"),
        ([[1.0, np.nan], [0.0, 1.0]], [0, 0], None, "finite"),
        ([[1.0, 2.0], [0.0, 1.0]], [0, 0, 0], None, "one reservation value per party"),
        ([[1.0, 2.0], [0.0, 1.0]], [0, np.inf], None, "finite"),
        ([[1.0, 2.0], [0.0, 1.0]], [0, 0], [1, 0], "one bool per outcome"),
        ([[1.0, 2.0], [0.0, 1.0]], [0, 0], [True], "one bool per outcome"),
    ],
)
def test_bad_input_is_a_user_error(u, r, mask, match: str) -> None:
    with pytest.raises(SolutionError, match=match) as info:
        nash_solution(u, r, mask)
    assert isinstance(info.value, BurdenshareError) and info.value.problems


def test_more_user_errors() -> None:
    u = np.array([[0.1, 0.9], [0.9, 0.1]])
    with pytest.raises(SolutionError, match="reservation"):
        kalai_smorodinsky(u, None)  # type: ignore[arg-type]
    a = analyze_bargaining(u, [0, 0])
    with pytest.raises(SolutionError, match="not an outcome index"):
        a.distances([2])
    with pytest.raises(SolutionError, match="unknown solution point"):
        a.point("rubinstein")
    with pytest.raises(SolutionError, match="one distinct name per party"):
        analyze_bargaining(u, [0, 0], parties=("us", "us"))
    with pytest.raises(SolutionError, match="both discount factors and a number of rounds"):
        analyze_bargaining(u, [0, 0], discount=[0.9, 0.9])
    with pytest.raises(SolutionError, match="same number of parties"):
        frontier_distance(np.ones((2, 3)), np.ones((3, 3)))
    _, r_, m = check_problem(u)
    assert np.isneginf(r_).all() and m.all()


# --------------------------------------------------------------------------- docs
def test_docs_snippets_run() -> None:
    text = (ROOT / "docs" / "solutions.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 4
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "docs/solutions.md", "exec"), namespace)
