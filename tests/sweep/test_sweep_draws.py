"""Counter-based draws: the draw index and the master seed alone decide each draw."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from burdenshare.scenario.uncertainty import UncertaintySpec
from burdenshare.sweep.apply import apply_draw
from burdenshare.sweep.draws import BLOCK, draw_parameters

RAW = {
    "params": {
        "preferences.us.reservation_value": {"dist": "uniform", "low": 0.2, "high": 0.4},
        "preferences.rok.reservation.contribution": {
            "dist": "normal", "mean": 1.174e12, "std": 5e10, "low": 1.1e12, "high": 1.3e12,
        },
        "preferences.us.weights.duration": {"dist": "triangular", "low": 0, "mode": 0.1,
                                            "high": 0.3},
        "actors.table.us_president.position.contribution": {"dist": "lognormal",
                                                                 "mu": 8.5, "sigma": 0.1},
        "bargaining.steps": {"dist": "grid", "values": [50, 100, 200]},
        "preferences.rok.ideal.duration": {"dist": "grid", "values": [1, 3, 5]},
    },
    "strategies": {"us": {"boulware": 0.7, "conceder": 0.3}},
}  # fmt: skip


@pytest.fixture(scope="module")
def spec():
    return UncertaintySpec.model_validate(RAW)


def _chunked(spec, sma, seed, bounds) -> pd.DataFrame:
    parts = [draw_parameters(spec, sma, seed, a, b) for a, b in itertools.pairwise(bounds)]
    return pd.concat(parts, ignore_index=True)


def test_identical_for_any_chunking(spec, sma) -> None:
    whole = draw_parameters(spec, sma, 2026, 0, 1000)
    assert whole["draw"].tolist() == list(range(1000))
    pd.testing.assert_frame_equal(
        _chunked(spec, sma, 2026, [0, 300, 1000]), whole, check_exact=True
    )
    pd.testing.assert_frame_equal(
        _chunked(spec, sma, 2026, [0, 1, 2, 97, 313, 314, 800, 1000]), whole, check_exact=True
    )


def test_identical_across_block_boundaries(spec, sma) -> None:
    whole = draw_parameters(spec, sma, 7, BLOCK - 50, 2 * BLOCK + 50)
    pieces = _chunked(spec, sma, 7, [BLOCK - 50, BLOCK, BLOCK + 1, 2 * BLOCK + 50])
    pd.testing.assert_frame_equal(pieces, whole, check_exact=True)
    one = draw_parameters(spec, sma, 7, BLOCK + 10, BLOCK + 11)
    pd.testing.assert_frame_equal(one, whole.iloc[60:61].reset_index(drop=True), check_exact=True)


def test_seed_matters_and_draws_differ(spec, sma) -> None:
    a = draw_parameters(spec, sma, 1, 0, 200)
    b = draw_parameters(spec, sma, 2, 0, 200)
    col = "preferences.us.reservation_value"
    assert not np.array_equal(a[col].to_numpy(), b[col].to_numpy())
    assert a[col].nunique() == 200


def test_values_follow_their_distributions(spec, sma) -> None:
    df = draw_parameters(spec, sma, 11, 0, 20_000)
    res = df["preferences.rok.reservation.contribution"]
    assert res.dtype == np.int64  # an integer field keeps integers
    assert res.min() >= 1.1e12 and res.max() <= 1.3e12
    us = df["preferences.us.reservation_value"]
    assert us.min() >= 0.2 and us.max() <= 0.4 and us.mean() == pytest.approx(0.3, abs=0.003)
    assert (df["strategy.us"] == "boulware").mean() == pytest.approx(0.7, abs=0.01)
    assert df["preferences.us.weights.duration"].mean() == pytest.approx(0.4 / 3, abs=0.003)


def test_grids_form_a_full_factorial_last_fastest(spec, sma) -> None:
    df = draw_parameters(spec, sma, 3, 0, 10)
    steps = df["bargaining.steps"].tolist()
    dur = df["preferences.rok.ideal.duration"].tolist()
    assert steps == [50, 50, 50, 100, 100, 100, 200, 200, 200, 50]
    assert dur == [1, 3, 5, 1, 3, 5, 1, 3, 5, 1]


def test_empty_range_keeps_columns(spec, sma) -> None:
    df = draw_parameters(spec, sma, 3, 5, 5)
    assert len(df) == 0
    assert list(df.columns) == ["draw", *spec.params, "strategy.us", "event.us_election"]


def test_every_draw_applies_to_a_valid_scenario(spec, sma) -> None:
    df = draw_parameters(spec, sma, 5, 0, 20)
    for _, row in df.iterrows():
        out = apply_draw(sma, row)
        assert out.bargaining.steps == row["bargaining.steps"]
        assert out.preferences["us"].reservation_value == row["preferences.us.reservation_value"]
