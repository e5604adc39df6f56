"""The in-process Monte Carlo wrapper: seeded, reproducible, and perturbing what it says."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from burdenshare.errors import BurdenshareError
from burdenshare.forecast.actors import read_bdm_csv
from burdenshare.forecast.baselines import Baseline
from burdenshare.forecast.bdm import ExpectedUtilityModel
from burdenshare.forecast.montecarlo import Noise, monte_carlo, perturb

EC = Path(__file__).parents[1] / "data" / "bdm" / "emission_standards_bdm1994_s01.csv"
MODEL = ExpectedUtilityModel.preset("scholz-code", max_rounds=5)


def test_same_seed_same_distribution_other_seed_other() -> None:
    table = read_bdm_csv(EC)
    noise = Noise(position=0.5, salience=0.05, capability=0.2)
    a = monte_carlo(MODEL, table, noise, n_runs=20, seed=11)
    b = monte_carlo(MODEL, table, noise, n_runs=20, seed=11)
    c = monte_carlo(MODEL, table, noise, n_runs=20, seed=12)
    assert a.runs.equals(b.runs)
    assert not np.array_equal(a.runs["forecast"], c.runs["forecast"])
    assert len(a.runs) == 21 and a.runs["run"].tolist() == list(range(21))
    # run 0 is the unperturbed forecast
    assert a.runs.loc[0, "forecast"] == MODEL.run(table).forecast[0]
    assert a.base.to_rounds() == MODEL.run(table).to_rounds()
    summary = a.summary().iloc[0]
    f = a.distribution()["forecast"]
    assert summary["runs"] == 20 and summary["mean"] == pytest.approx(f.mean())
    assert summary["q50"] == pytest.approx(f.median()) and summary["q05"] <= summary["q95"]


def test_each_run_draws_from_its_own_child_seed() -> None:
    """Run r's table is perturb(table, SeedSequence(seed).spawn(n + 1)[r].spawn(2)[0])."""
    table = read_bdm_csv(EC)
    noise = Noise(position=1.0)
    result = monte_carlo(Baseline("mean"), table, noise, n_runs=3, seed=5)
    child = np.random.SeedSequence(5).spawn(4)[2].spawn(2)[0]
    expected = perturb(table, noise, np.random.default_rng(child))
    assert result.runs.loc[2, "forecast"] == pytest.approx(
        Baseline("mean").run(expected).forecast[0], abs=1e-12
    )


def test_perturbations_have_the_stated_size() -> None:
    table = read_bdm_csv(EC)
    rng = np.random.default_rng(0)
    tables = [
        perturb(table, Noise(position=0.5, salience=0.1, capability=0.3), rng) for _ in range(400)
    ]
    dx = np.array([t.position[:, 0] - table.position[:, 0] for t in tables])
    assert dx.std() == pytest.approx(0.5, rel=0.05) and abs(dx.mean()) < 0.03
    logc = np.array([np.log(t.capability / table.capability) for t in tables])
    assert logc.std() == pytest.approx(0.3, rel=0.05)
    sal = np.array([t.salience[:, 0] for t in tables])
    assert sal.min() >= 0 and sal.max() <= 1  # clipped to the scale
    bounded = perturb(table, Noise(position=5.0, position_bounds=(4.0, 10.0)), rng)
    assert bounded.position.min() >= 4.0 and bounded.position.max() <= 10.0
    # no noise: the same table
    same = perturb(table, Noise(), rng)
    assert np.array_equal(same.position, table.position)
    assert np.array_equal(same.capability, table.capability)


def test_bad_noise_is_a_user_error() -> None:
    with pytest.raises(BurdenshareError, match="position noise must be a number ≥ 0"):
        Noise(position=-1)
    with pytest.raises(BurdenshareError, match="n_runs"):
        monte_carlo(MODEL, read_bdm_csv(EC), Noise(), n_runs=-1)
