"""Baselines: the weighted mean and the weighted median (the Condorcet winner)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from burdenshare.forecast.actors import ActorTable, read_bdm_csv
from burdenshare.forecast.baselines import Baseline, weighted_mean, weighted_median
from burdenshare.forecast.registry import MODELS, load_models

DATA = Path(__file__).parents[1] / "data" / "bdm"


def condorcet_winners(x: list[float], w: list[float]) -> list[float]:
    """Every position no other position beats: p with Σ_k w_k(|x_k − q| − |x_k − p|) ≥ 0 for
    all q, in exact rational arithmetic on the given floats."""
    fx = [Fraction(v) for v in x]
    fw = [Fraction(v) for v in w]
    positions = sorted(set(fx))
    return [
        float(p)
        for p in positions
        if all(
            sum(wk * (abs(xk - q) - abs(xk - p)) for xk, wk in zip(fx, fw, strict=True)) >= 0
            for q in positions
        )
    ]


def test_hand_values() -> None:
    # weights 3, 1, 1, 2 at 4, 7, 7, 10: below 7 is 3 of 7, up to 7 is 5 of 7 → 7
    assert weighted_median([10.0, 4.0, 7.0, 7.0], [2.0, 3.0, 1.0, 1.0]) == 7.0
    assert weighted_mean([10.0, 4.0, 7.0, 7.0], [2.0, 3.0, 1.0, 1.0]) == pytest.approx(46 / 7)
    # an exact half: 0 and 1 both win; the smaller is returned
    assert weighted_median([1.0, 0.0], [0.5, 0.5]) == 0.0
    assert condorcet_winners([1.0, 0.0], [0.5, 0.5]) == [0.0, 1.0]
    # 0.1 + 0.2 is not 0.3 in floats, but the exact sum of these binary fractions decides
    assert (
        weighted_median([0.0, 1.0, 2.0], [0.1, 0.2, 0.3])
        == condorcet_winners([0.0, 1.0, 2.0], [0.1, 0.2, 0.3])[0]
    )


positions = st.one_of(st.integers(-5, 5).map(float), st.floats(-1e3, 1e3, allow_nan=False))
# Zero or a normal weight: scaling a subnormal by 2**k may round it to 0, which is float
# underflow, not a property of the median.
weights = st.one_of(st.integers(0, 4).map(float), st.just(0.0), st.floats(1e-6, 10))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(positions, weights), min_size=1, max_size=12))
def test_weighted_median_is_the_smallest_condorcet_winner(pairs: list[tuple[float, float]]) -> None:
    x = [p for p, _ in pairs]
    w = [v for _, v in pairs]
    assume(sum(w) > 0)
    winners = condorcet_winners(x, w)
    assert winners, "a weighted median always exists on a line"
    assert weighted_median(np.array(x), np.array(w)) == winners[0]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(positions, weights), min_size=2, max_size=12), st.data())
def test_order_free_and_scale_free(pairs: list[tuple[float, float]], data: st.DataObject) -> None:
    x = np.array([p for p, _ in pairs])
    w = np.array([v for _, v in pairs])
    assume(w.sum() > 0)
    order = np.array(data.draw(st.permutations(range(len(pairs)))))
    power = data.draw(st.integers(-40, 40))
    assert weighted_median(x[order], w[order]) == weighted_median(x, w)
    assert weighted_median(x, w * 2.0**power) == weighted_median(x, w)
    assert weighted_mean(x[order], w[order]) == pytest.approx(
        weighted_mean(x, w), rel=1e-12, abs=1e-9
    )


@given(st.floats(-1e6, 1e6, allow_nan=False), st.integers(2, 10))
def test_unanimity(x: float, n: int) -> None:
    table = ActorTable.from_arrays(
        [f"a{i}" for i in range(n)], np.arange(1, n + 1), [x] * n, [0.5] * n
    )
    for stat in ("median", "mean"):
        result = Baseline(stat).run(table)  # type: ignore[arg-type]
        assert result.forecast[0] == pytest.approx(x, abs=1e-9)


def test_greece_baselines() -> None:
    """The blog post's numbers: weighted mean 82.2, weighted median 100."""
    table = read_bdm_csv(DATA / "greece_eu_2015_thirdwave.csv")
    median = Baseline("median").run(table)
    mean = Baseline("mean").run(table)
    assert median.forecast[0] == 100.0 and round(mean.forecast[0], 1) == 82.2
    assert mean.mean[0, 0] == pytest.approx(82.22222222222223, abs=1e-12)
    out = median.to_rounds()
    assert out["model"] == "median" and out["forecast"] == 100.0
    assert [r["round"] for r in out["rounds"]] == [0]
    assert out["rounds"][0]["positions"]["Greece"] == 40.0
    assert out["stop"] == {"reason": "input", "round": 0}
    assert median.frame().shape == (11, 4)


def test_multi_dimensional_baselines() -> None:
    table = ActorTable.from_arrays(
        ["A", "B", "C"],
        [1, 1, 2],
        [[0, 10], [1, 20], [2, 30]],
        [[1, 0.5], [1, 0.5], [1, 1]],
        dimensions=["amount", "years"],
    )
    result = Baseline("median").run(table)
    # amount: weights 1, 1, 2 → exact half at 1 → 1; years: weights 0.5, 0.5, 2 → 30
    assert result.forecast.tolist() == [1.0, 30.0]
    assert result.mean[0].tolist() == pytest.approx([5 / 4, (5 + 10 + 60) / 3])
    assert result.to_rounds()["rounds"][0]["median"] == [1.0, 30.0]


def test_registered() -> None:
    load_models()
    assert MODELS.get("median")().statistic == "median"
    assert MODELS.get("mean")().statistic == "mean"
