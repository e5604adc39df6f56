"""Outcome spaces: enumeration order, index ↔ outcome, grids, the default-grid guarantee, errors."""

from __future__ import annotations

import itertools
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burdenshare.bargaining import outcomes as outcomes_module
from burdenshare.bargaining.outcomes import (
    GRID_BUDGET,
    DomainError,
    Issue,
    OutcomeSpace,
    default_steps,
)
from burdenshare.bargaining.utility import LinearAdditiveUtility, PiecewiseLinearValue
from burdenshare.errors import BurdenshareError


def small_space() -> OutcomeSpace:
    return OutcomeSpace(
        [
            Issue.integer("years", 1, 3),
            Issue.categorical("rule", ["none", "cpi", "fixed"]),
            Issue.boolean("new"),
        ]
    )


# --------------------------------------------------------------------------- enumeration
def test_last_issue_changes_fastest() -> None:
    space = small_space()
    assert len(space) == 3 * 3 * 2 == 18
    assert space.shape == (3, 3, 2)
    assert list(space.strides) == [6, 2, 1]
    # the first rows written out by hand
    assert space.indices[:5].tolist() == [[0, 0, 0], [0, 0, 1], [0, 1, 0], [0, 1, 1], [0, 2, 0]]
    assert space.outcome(0) == {"years": 1, "rule": "none", "new": False}
    assert space.outcome(1) == {"years": 1, "rule": "none", "new": True}
    assert space.outcome(7) == {"years": 2, "rule": "none", "new": True}  # 7 = 1·6 + 0·2 + 1
    assert space.outcome(17) == {"years": 3, "rule": "fixed", "new": True}


def test_matrices_match_itertools_product() -> None:
    space = small_space()
    expected_idx = np.array(list(itertools.product(range(3), range(3), range(2))))
    np.testing.assert_array_equal(space.indices, expected_idx)
    expected_val = np.array(list(itertools.product([1, 2, 3], [0, 1, 2], [0, 1])), dtype=float)
    np.testing.assert_array_equal(space.values, expected_val)
    assert space.indices.dtype == np.int32 and space.values.dtype == np.float64
    assert not space.indices.flags.writeable and not space.values.flags.writeable


def test_index_of_inverts_outcome_everywhere() -> None:
    space = small_space()
    for i in range(len(space)):
        assert space.index_of(space.outcome(i)) == i
    assert space.index_of({"new": True, "rule": "cpi", "years": 3}) == 2 * 6 + 1 * 2 + 1


def test_ravel_unravel_and_additive_on_a_large_space() -> None:
    """3.1 million outcomes: matrices, ravel/unravel and broadcasting sums agree."""
    space = OutcomeSpace(
        [
            Issue.integer("a", 0, 99),
            Issue.categorical("b", [f"o{k}" for k in range(31)]),
            Issue.continuous("c", 0.0, 1.0, step=0.001),  # 1,001 points
        ]
    )
    assert len(space) == 100 * 31 * 1001 == 3_103_100
    rng = np.random.default_rng(7)
    rows = rng.integers(0, len(space), size=2_000)
    idx = space.indices[rows]
    expected = np.stack([rows // (31 * 1001), (rows // 1001) % 31, rows % 1001], axis=1)
    np.testing.assert_array_equal(idx, expected)
    np.testing.assert_array_equal(space.ravel(idx), rows)
    np.testing.assert_array_equal(space.unravel(rows), expected)
    np.testing.assert_allclose(space.values[rows, 2], expected[:, 2] * 0.001, rtol=0, atol=1e-12)
    vectors = [rng.random(n) for n in space.shape]
    total = space.additive(vectors)
    gathered = sum(v[space.indices[:, j]] for j, v in enumerate(vectors))
    np.testing.assert_allclose(total, gathered, rtol=0, atol=1e-12)


def test_spaces_pickle_and_compare_by_content() -> None:
    space = small_space()
    clone = pickle.loads(pickle.dumps(space))
    assert clone == space and hash(clone) == hash(space)
    assert clone.index_of({"years": 2, "rule": "fixed", "new": False}) == 6 + 4
    assert OutcomeSpace([Issue.integer("years", 1, 4)]) != OutcomeSpace(
        [Issue.integer("years", 1, 3)]
    )


# --------------------------------------------------------------------------- continuous grids
def test_step_grid_that_divides_the_range() -> None:
    issue = Issue.continuous("x", 10.0, 11.0, step=0.25)
    assert issue.values == (10.0, 10.25, 10.5, 10.75, 11.0)


def test_step_grid_ends_at_high_when_steps_do_not_land_on_it() -> None:
    issue = Issue.continuous("x", 0.0, 1.0, step=0.3)
    np.testing.assert_allclose(issue.numbers, [0.0, 0.3, 0.6, 0.9, 1.0])
    assert issue.values[-1] == 1.0
    assert Issue.continuous("x", 0.0, 5.0).values == (0.0, 5.0)


def test_knots_are_merged_into_the_grid() -> None:
    issue = Issue.continuous("x", 0.0, 1.0, step=0.25, include=[0.4, 0.5, 0.75 + 1e-12, 7.0])
    # 0.4 inserted, 0.5 already there, 0.75+1e-12 replaces 0.75, 7.0 outside is dropped
    assert issue.values == (0.0, 0.25, 0.4, 0.5, 0.75 + 1e-12, 1.0)
    assert max(np.diff(issue.numbers)) <= 0.25 + 1e-12


def test_explicit_points_are_used_as_given() -> None:
    issue = Issue.continuous("x", 0.0, 10.0, points=[5.0, 0.0, 2.5, 5.0])
    assert issue.values == (0.0, 2.5, 5.0)


def test_continuous_index_exact_and_snapped() -> None:
    issue = Issue.continuous("x", 0.0, 1.0, step=0.1)
    assert issue.index(0.3) == 3  # 0.1·3 is 0.30000000000000004 on the grid
    assert issue.index(0.7 + 1e-13) == 7
    with pytest.raises(DomainError) as err:
        issue.index(0.34)
    assert err.value.problems[0].path == "x"
    assert issue.index(0.34, snap=True) == 3
    assert issue.index(0.36, snap=True) == 4
    with pytest.raises(DomainError):
        issue.index(1.5, snap=True)


def test_integer_and_boolean_index() -> None:
    years = Issue.integer("years", 1, 5)
    assert years.index(4) == 3 and years.index(np.int64(5)) == 4 and years.index(2.0) == 1
    for bad in (0, 6, 2.5, True, "3"):
        with pytest.raises(DomainError):
            years.index(bad)
    flag = Issue.boolean("new")
    assert flag.index(False) == 0 and flag.index(np.True_) == 1
    with pytest.raises(DomainError):
        flag.index(1)


# --------------------------------------------------------------------------- the default grid
def test_default_step_for_one_linear_issue() -> None:
    """A linear value function with weight w over the whole range R: h = 0.005 · R / w."""
    low, high, w = 900.0, 6000.0, 0.6
    lip = w / (high - low)
    step = default_steps({"x": (low, high, lip)})["x"]
    assert step == pytest.approx(0.005 * (high - low) / w)  # 42.5
    assert (high - low) / step == pytest.approx(round((high - low) / step))  # divides evenly


def test_default_steps_share_the_budget_and_skip_flat_issues() -> None:
    steps = default_steps({"a": (0.0, 1.0, 2.0), "b": (0.0, 1.0, 0.5), "c": (0.0, 1.0, 0.0)})
    assert steps["c"] is None
    # K = 2 active issues: h_a ≤ 0.005 / (2·2) = 0.00125 → 800 steps; h_b ≤ 0.005 → 200 steps
    assert steps["a"] == pytest.approx(1 / 800) and steps["b"] == pytest.approx(1 / 200)
    assert 2.0 * steps["a"] + 0.5 * steps["b"] <= GRID_BUDGET + 1e-15


@settings(max_examples=60, deadline=None)
@given(
    parties=st.lists(
        st.tuples(
            st.floats(0.05, 1.0),  # weight
            st.floats(0.0, 100.0),  # ideal
            st.floats(0.0, 100.0),  # reservation
        ),
        min_size=1,
        max_size=3,
    )
)
def test_default_grid_costs_at_most_half_a_percent(
    parties: list[tuple[float, float, float]],
) -> None:
    """Snapping any point to the nearest grid point moves no party's utility by more than 0.25%,
    and neighbouring grid points differ by at most 0.5%."""
    low, high = 0.0, 100.0
    utilities = []
    for w, ideal, res in parties:
        if abs(ideal - res) < 1e-3:
            res = ideal + 1.0 if ideal < 50 else ideal - 1.0
        vf = PiecewiseLinearValue(tuple(sorted([(res, 0.0), (ideal, 1.0)])))
        utilities.append(LinearAdditiveUtility(weights={"x": w}, values={"x": vf}))
    lip = max(u.sensitivity("x") for u in utilities)
    step = default_steps({"x": (low, high, lip)})["x"]
    issue = Issue.continuous("x", low, high, step=step)
    space = OutcomeSpace([issue])
    dense = np.linspace(low, high, 20_001)
    snapped = np.array([issue.numbers[issue.index(x, snap=True)] for x in dense[::50]])
    for u in utilities:
        on_grid = u.evaluate(space)
        assert np.max(np.abs(np.diff(on_grid))) <= GRID_BUDGET + 1e-12
        vf, w = u.values["x"], u.weights["x"]
        loss = np.abs(w * vf(dense[::50]) - w * vf(snapped))
        assert loss.max() <= GRID_BUDGET / 2 + 1e-12


# --------------------------------------------------------------------------- errors
def test_index_of_reports_unknown_and_missing_issues() -> None:
    space = small_space()
    with pytest.raises(BurdenshareError) as err:
        space.index_of({"years": 1, "rules": "cpi", "new": True})
    paths = {p.path: p.message for p in err.value.problems}
    assert paths == {
        "rules": "unknown issue 'rules'",
        "rule": "outcome gives no value for this issue",
    }
    with pytest.raises(DomainError) as err:
        space.index_of({"years": 1, "rule": "CPI", "new": True})
    problem = err.value.problems[0]
    assert (problem.path, problem.found) == ("rule", "'CPI'")
    assert problem.expected == 'one of "none", "cpi", "fixed"'


def test_outcome_number_out_of_range() -> None:
    with pytest.raises(DomainError) as err:
        small_space().outcome(18)
    assert err.value.problems[0].expected == "0 … 17"


def test_bad_issues_and_spaces() -> None:
    with pytest.raises(DomainError, match="range is empty"):
        Issue.integer("x", 3, 2)
    with pytest.raises(DomainError, match="range is empty or reversed"):
        Issue.continuous("x", 1.0, 1.0)
    with pytest.raises(DomainError, match="grid step must be > 0"):
        Issue.continuous("x", 0.0, 1.0, step=0.0)
    with pytest.raises(DomainError, match="outside the issue's range"):
        Issue.continuous("x", 0.0, 1.0, points=[0.5, 2.0])
    with pytest.raises(DomainError, match="options repeat"):
        Issue.categorical("x", ["a", "b", "a"])
    with pytest.raises(DomainError, match="issue names repeat"):
        OutcomeSpace([Issue.boolean("x"), Issue.boolean("x")])
    with pytest.raises(DomainError, match="at least one issue"):
        OutcomeSpace([])


def test_too_fine_a_grid_is_refused_before_allocating(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(DomainError) as err:
        Issue.continuous("amount", 0.0, 5e12, step=1.0)  # 5 trillion points
    assert err.value.problems[0].path == "amount"
    monkeypatch.setattr(outcomes_module, "MAX_OUTCOMES", 1_000)
    with pytest.raises(DomainError) as err:
        OutcomeSpace([Issue.integer("a", 1, 100), Issue.integer("b", 1, 20)], max_outcomes=1_000)
    assert err.value.problems[0].found == "2,000 = 100 × 20"
