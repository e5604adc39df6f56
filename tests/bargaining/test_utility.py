"""Value functions, linear additive utilities, the Domain and the scenario → domain mapping."""

from __future__ import annotations

import itertools
import pickle
from typing import ClassVar

import numpy as np
import pytest

import burdenshare
from burdenshare.bargaining.domain import Domain, domain_from_scenario
from burdenshare.bargaining.outcomes import DomainError, Issue, OutcomeSpace
from burdenshare.bargaining.utility import (
    VALUE_FUNCTIONS,
    LinearAdditiveUtility,
    LinearValue,
    PiecewiseLinearValue,
    TableValue,
    TriangularValue,
    ValueFunction,
)
from burdenshare.errors import ScenarioError

BN = 1_000_000_000  # a billion won


# --------------------------------------------------------------------------- value functions
class ValueFunctionContract:
    """Checks every value function inherits: subclasses set ``function`` and ``issue``."""

    function: ClassVar[ValueFunction]
    issue: ClassVar[Issue]

    def test_registered_under_its_kind(self) -> None:
        assert VALUE_FUNCTIONS.get(self.function.kind) is type(self.function)

    def test_one_number_per_issue_value(self) -> None:
        out = self.function.on(self.issue)
        assert out.shape == (len(self.issue),) and out.dtype == np.float64
        assert np.all(np.isfinite(out))

    def test_deterministic_and_picklable(self) -> None:
        clone = pickle.loads(pickle.dumps(self.function))
        np.testing.assert_array_equal(clone.on(self.issue), self.function.on(self.issue))

    def test_lipschitz_bounds_every_step(self) -> None:
        v, x = self.function.on(self.issue), self.issue.numbers
        if self.issue.kind in ("integer", "continuous") and len(x) > 1:
            slopes = np.abs(np.diff(v) / np.diff(x))
            assert slopes.max() <= self.function.lipschitz() + 1e-12


class TestTable(ValueFunctionContract):
    function = TableValue({"none": 0.0, "cpi": 0.5, "fixed": 1.0})
    issue = Issue.categorical("rule", ["none", "cpi", "fixed"])

    def test_values_in_issue_order(self) -> None:
        assert self.function.on(self.issue).tolist() == [0.0, 0.5, 1.0]
        flipped = Issue.categorical("rule", ["fixed", "none", "cpi"])
        assert self.function.on(flipped).tolist() == [1.0, 0.0, 0.5]

    def test_missing_value_is_an_error(self) -> None:
        with pytest.raises(DomainError) as err:
            TableValue({"none": 0.0}).on(self.issue)
        assert err.value.problems[0].found == "missing 'cpi', 'fixed'"


class TestLinear(ValueFunctionContract):
    # GENIUS EvaluatorInteger: clip(offset + slope·(x − lowerbound), 0, 1)
    function = LinearValue(slope=0.3, offset=0.1, origin=1.0)
    issue = Issue.integer("years", 1, 5)

    def test_clipped_line(self) -> None:
        # 0.1 + 0.3·(x − 1) for x = 1..5: 0.1, 0.4, 0.7, 1.0, 1.3 → clipped to 1
        np.testing.assert_allclose(self.function.on(self.issue), [0.1, 0.4, 0.7, 1.0, 1.0])
        unclipped = LinearValue(slope=-2.0, offset=1.0, low=-np.inf, high=np.inf)
        assert unclipped(3.0) == pytest.approx(-5.0)
        assert self.function.lipschitz() == 0.3

    def test_refuses_a_categorical_issue(self) -> None:
        with pytest.raises(DomainError, match="needs numbers"):
            self.function.on(Issue.categorical("rule", ["a", "b"]))


class TestTriangular(ValueFunctionContract):
    function = TriangularValue(lower=2.0, top=6.0, upper=8.0)
    issue = Issue.continuous("x", 0.0, 10.0, step=0.5)

    def test_peak_and_sides(self) -> None:
        x = np.array([0.0, 2.0, 3.0, 6.0, 7.0, 7.5, 8.0, 9.0])
        # rising (x−2)/4, falling (8−x)/2
        expected = [0.0, 0.0, 0.25, 1.0, 0.5, 0.25, 0.0, 0.0]
        np.testing.assert_allclose(self.function(x), expected)
        assert self.function.lipschitz() == 0.5  # max(1/4, 1/2)

    def test_one_sided_ramps_keep_their_peak(self) -> None:
        left = TriangularValue(lower=0.0, top=0.0, upper=4.0, peak=0.8)
        np.testing.assert_allclose(left(np.array([0.0, 1.0, 4.0])), [0.8, 0.6, 0.0])
        right = TriangularValue(lower=0.0, top=4.0, upper=4.0)
        np.testing.assert_allclose(right(np.array([0.0, 2.0, 4.0])), [0.0, 0.5, 1.0])
        with pytest.raises(DomainError):
            TriangularValue(lower=3.0, top=2.0, upper=4.0)


class TestPiecewiseLinear(ValueFunctionContract):
    function = PiecewiseLinearValue(((1.0, 0.0), (3.0, 1.0), (4.0, 0.2)))
    issue = Issue.continuous("x", 0.0, 5.0, step=0.25)

    def test_interpolates_and_holds_its_ends(self) -> None:
        x = np.array([0.0, 1.0, 2.0, 3.0, 3.5, 4.0, 5.0])
        np.testing.assert_allclose(self.function(x), [0.0, 0.0, 0.5, 1.0, 0.6, 0.2, 0.2])
        assert self.function.lipschitz() == pytest.approx(0.8)  # (1 − 0.2)/1

    def test_knots_must_increase(self) -> None:
        with pytest.raises(DomainError, match="increase strictly"):
            PiecewiseLinearValue(((1.0, 0.0), (1.0, 1.0)))


def test_every_registered_kind_is_tested() -> None:
    tested = {c.function.kind for c in ValueFunctionContract.__subclasses__()}
    assert set(VALUE_FUNCTIONS) == tested
    assert {"table", "linear", "triangular", "piecewise_linear"} <= set(VALUE_FUNCTIONS)


# --------------------------------------------------------------------------- utilities
SPACE = OutcomeSpace(
    [
        Issue.integer("years", 1, 5),
        Issue.categorical("rule", ["none", "cpi", "fixed"]),
        Issue.continuous("amount", 0.0, 10.0, step=2.5),
    ]
)
U = LinearAdditiveUtility(
    weights={"years": 0.2, "rule": 0.5, "amount": 0.3},
    values={
        "years": LinearValue(slope=0.25, offset=0.0, origin=1.0),
        "rule": TableValue({"none": 0.0, "cpi": 1.0, "fixed": 0.4}),
        "amount": PiecewiseLinearValue(((0.0, 1.0), (10.0, 0.0))),
    },
    reservation=0.3,
    discount=0.9,
)


def test_evaluate_matches_a_loop_over_outcomes() -> None:
    u = U.evaluate(SPACE)
    for i, (years, rule, amount) in enumerate(
        itertools.product(range(1, 6), ["none", "cpi", "fixed"], [0.0, 2.5, 5.0, 7.5, 10.0])
    ):
        by_hand = (
            0.2 * (years - 1) / 4
            + 0.5 * {"none": 0.0, "cpi": 1.0, "fixed": 0.4}[rule]
            + 0.3 * (1 - amount / 10)
        )
        assert u[i] == pytest.approx(by_hand, abs=1e-15)
        assert U.utility(SPACE, SPACE.outcome(i)) == pytest.approx(by_hand, abs=1e-15)


def test_specific_outcome() -> None:
    # years 4, cpi, amount 7.5: 0.2·0.75 + 0.5·1 + 0.3·0.25 = 0.15 + 0.5 + 0.075 = 0.725
    i = SPACE.index_of({"years": 4, "rule": "cpi", "amount": 7.5})
    assert U.evaluate(SPACE)[i] == pytest.approx(0.725)


def test_discount_and_cap() -> None:
    assert U.discounted(0.725, 0.0) == 0.725
    assert U.discounted(0.725, 1.0) == pytest.approx(0.725 * 0.9)
    assert U.discounted(U.reservation, 0.5) == pytest.approx(0.3 * 0.9**0.5)
    with pytest.raises(ValueError):
        U.discounted(0.5, 1.5)
    over = LinearAdditiveUtility(
        weights={"rule": 1.2}, values={"rule": TableValue({"none": 0, "cpi": 1, "fixed": 0.5})}
    )
    space = OutcomeSpace([Issue.categorical("rule", ["none", "cpi", "fixed"])])
    np.testing.assert_allclose(over.evaluate(space), [0.0, 1.2, 0.6])
    capped = LinearAdditiveUtility(weights=over.weights, values=over.values, cap=1.0)
    np.testing.assert_allclose(capped.evaluate(space), [0.0, 1.0, 0.6])


def test_unweighted_issue_needs_no_value_function() -> None:
    u = LinearAdditiveUtility(
        weights={"rule": 1.0}, values={"rule": TableValue({"none": 0, "cpi": 1, "fixed": 0})}
    )
    out = u.evaluate(SPACE).reshape(SPACE.shape)
    np.testing.assert_array_equal(out[:, 1, :], 1.0)
    assert out.sum() == 5 * 5


def test_bad_utilities() -> None:
    with pytest.raises(DomainError, match="weight must be a finite number >= 0"):
        LinearAdditiveUtility(weights={"rule": -0.1}, values={})
    for d in (0.0, 1.2):
        with pytest.raises(DomainError, match="discount factor out of range"):
            LinearAdditiveUtility(weights={}, values={}, discount=d)
    with pytest.raises(DomainError, match="weight for unknown issue 'color'"):
        LinearAdditiveUtility(weights={"color": 1.0}, values={}).evaluate(SPACE)
    with pytest.raises(DomainError, match="no value function"):
        LinearAdditiveUtility(weights={"years": 1.0}, values={}).evaluate(SPACE)


def test_domain_stacks_parties() -> None:
    other = LinearAdditiveUtility(
        weights={"amount": 1.0},
        values={"amount": PiecewiseLinearValue(((0.0, 0.0), (10.0, 1.0)))},
        reservation=0.1,
    )
    domain = Domain(SPACE, (U, other), parties=("a", "b"), name="toy")
    assert domain.utilities.shape == (2, 75)
    np.testing.assert_array_equal(domain.utilities[0], U.evaluate(SPACE))
    np.testing.assert_array_equal(domain.reserved, [0.3, 0.1])
    np.testing.assert_array_equal(domain.discount, [0.9, 1.0])
    np.testing.assert_allclose(domain.discount_at(0.5), [0.9**0.5, 1.0])
    assert not domain.utilities.flags.writeable
    outcome = {"years": 4, "rule": "cpi", "amount": 7.5}
    np.testing.assert_allclose(domain.utility_of(outcome), [0.725, 0.75])
    clone = pickle.loads(pickle.dumps(domain))
    np.testing.assert_array_equal(clone.utilities, domain.utilities)
    assert clone.parties == ("a", "b") and not clone.utilities.flags.writeable
    swapped = domain.select(["b", "a"])
    np.testing.assert_array_equal(swapped.utilities, domain.utilities[::-1])
    with pytest.raises(DomainError, match="party names repeat"):
        Domain(SPACE, (U, U), parties=("a", "a"))


# --------------------------------------------------------------------------- scenario → domain
@pytest.fixture(scope="module")
def sma() -> Domain:
    return domain_from_scenario(burdenshare.load_scenario("sma-2019"))


US_ASK = 5e9 * 1165.8016  # $5 bn at the bundled 2019 average (Fed H.10), in won


def test_sma_space(sma: Domain) -> None:
    assert sma.parties == ("us", "rok")
    assert sma.space.names == ("contribution", "duration", "new_category")
    # 0.9 – 6 trn won in steps of 0.1 bn: 51,001 points, plus the US ideal (the ask in won is
    # not on the grid); the other ideals and red lines are
    assert sma.space.shape == (51_002, 5, 2)
    assert sma.n_outcomes == 510_020
    np.testing.assert_array_equal(sma.reserved, [0.05, 0.10])
    np.testing.assert_array_equal(sma.discount, [1.0, 1.0])


def test_sma_ideal_outcomes_are_worth_one(sma: Domain) -> None:
    us_ideal = {"contribution": US_ASK, "duration": 1, "new_category": True}
    rok_ideal = {"contribution": 1_115.8 * BN, "duration": 5, "new_category": False}
    assert sma.utility_of(us_ideal)[0] == pytest.approx(1.0, abs=1e-12)
    assert sma.utility_of(rok_ideal)[1] == pytest.approx(1.0, abs=1e-12)
    assert sma.utilities[0].max() == pytest.approx(1.0) and sma.utilities[1].max() == 1.0
    # Seoul's ideal amount is below the US red line (1,122 bn): worse for the US than no deal,
    # by its overshoot in units of the US ideal-to-red-line distance
    over = (1_122 - 1_115.8) / (US_ASK / BN - 1_122)
    assert sma.utility_of(rok_ideal)[0] == pytest.approx(-over, rel=1e-9)
    # and the US ideal crosses both of Seoul's red lines (amount and new category)
    rok_over = (US_ASK / BN - 1_142.8) / (1_142.8 - 1_115.8) + 1
    assert sma.utility_of(us_ideal)[1] == pytest.approx(-rok_over, rel=1e-9)


def test_sma_hand_computed_outcomes(sma: Domain) -> None:
    # weights: US 0.6/0.25/0.15, ROK 0.8/0.2 (new category: a red line only)
    # US contribution: (x − 1,122 bn)/(ask − 1,122 bn) within its red line; duration (5 − d)/4
    # ROK contribution: (1,142.8 bn − x)/(1,142.8 bn − 1,115.8 bn) within; duration (d − 1)/4
    ask = US_ASK / BN
    a = {"contribution": 1_130 * BN, "duration": 3, "new_category": False}
    us_a = 0.6 * (1_130 - 1_122) / (ask - 1_122) + 0.15 * (5 - 3) / 4 + 0.25 * 0
    rok_a = 0.8 * (1_142.8 - 1_130) / (1_142.8 - 1_115.8) + 0.2 * (3 - 1) / 4
    np.testing.assert_allclose(sma.utility_of(a), [us_a, rok_a], rtol=1e-9)
    assert rok_a == pytest.approx(0.8 * 12.8 / 27 + 0.1)  # 0.47926

    b = {"contribution": 3_000 * BN, "duration": 2, "new_category": True}
    us_b = 0.6 * (3_000 - 1_122) / (ask - 1_122) + 0.15 * (5 - 2) / 4 + 0.25 * 1
    # beyond both of Seoul's red lines: minus the sum of the overshoots
    rok_b = -((3_000 - 1_142.8) / (1_142.8 - 1_115.8) + 1)
    np.testing.assert_allclose(sma.utility_of(b), [us_b, rok_b], rtol=1e-9)
    assert us_b == pytest.approx(0.6019, abs=1e-4)


def test_sma_default_grid_when_no_step() -> None:
    """Without a step the default rule applies: Seoul's steep 27 bn ramp sets the step."""
    scenario = burdenshare.load_scenario("sma-2019")
    dom = domain_from_scenario(scenario, grid={"contribution": None})
    grid = dom.space.issue("contribution").numbers
    # L = max(0.6/4,707 bn, 0.8/27 bn) = 0.8/27 bn per won; h ≤ 0.005/L = 0.16875 bn
    step = 0.005 / (0.8 / (27 * BN))
    assert np.diff(grid).max() <= step + 1
    span = (6_000 - 900) * BN
    assert span / step < len(grid) < span / step + 10  # ~29,400 regular points + the knots
    for knot in (1_115.8 * BN, 1_142.8 * BN, 1_122 * BN, US_ASK):
        assert np.min(np.abs(grid - knot)) == 0
    # within both sides' red lines, one grid step changes either party's utility by ≤ 0.5%
    u = dom.utilities.reshape(2, len(grid), 5, 2)
    inside = (u >= 0).all(axis=0)
    steps = np.abs(np.diff(u, axis=1))[:, inside[1:] & inside[:-1]]
    assert steps.max() <= 0.005 + 1e-12


def test_sma_grid_argument_sets_points() -> None:
    scenario = burdenshare.load_scenario("sma-2019")
    dom = domain_from_scenario(
        scenario, grid={"contribution": [1_050 * BN, 1_142.8 * BN, 3_000 * BN]}
    )
    assert dom.space.shape == (3, 5, 2)
    with pytest.raises(DomainError, match="not a continuous issue"):
        domain_from_scenario(scenario, grid={"duration": 1.0})


def test_scenario_without_preferences_or_with_a_flat_value_function() -> None:
    scenario = burdenshare.load_scenario("sma-2019")
    data = scenario.model_dump(mode="python")
    del data["preferences"]["rok"]
    data["uncertainty"] = None  # it draws Seoul's preferences
    data["events"], data["hindsight"] = [], None  # the furlough sets one of them
    no_rok = type(scenario).model_validate(data)
    with pytest.raises(ScenarioError) as err:
        domain_from_scenario(no_rok)
    assert err.value.problems[0].path == "preferences.rok"

    data = scenario.model_dump(mode="python")
    data["uncertainty"] = None  # its supports are set around the red lines
    data["preferences"]["us"]["reservation"]["contribution"] = US_ASK  # = the (derived) ideal
    flat = type(scenario).model_validate(data)
    with pytest.raises(ScenarioError) as err:
        domain_from_scenario(flat)
    assert err.value.problems[0].path == "preferences.us.reservation.contribution"


def test_peaked_value_without_reservation() -> None:
    """An interior ideal with no reservation: 1 at the ideal, 0 at both ends of the range."""
    scenario = burdenshare.load_scenario("sma-2019")
    data = scenario.model_dump(mode="python")
    data["preferences"]["us"]["ideal"]["duration"] = 2
    dom = domain_from_scenario(type(scenario).model_validate(data))
    base = {"contribution": 1_122 * BN, "new_category": False}  # US: 0 on both (the red line)
    got = [dom.utility_of({**base, "duration": d})[0] for d in range(1, 6)]
    # weight 0.15; v = (d − 1)/(2 − 1) up to 2, then (5 − d)/(5 − 2)
    np.testing.assert_allclose(got, [0.0, 0.15, 0.15 * 2 / 3, 0.15 / 3, 0.0], atol=1e-15)
