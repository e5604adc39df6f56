"""The [uncertainty] spec: distributions' samples, field resolution, bad specs, apply_draw."""

from __future__ import annotations

import math
import tomllib
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from burdenshare.scenario.distributions import DISTRIBUTIONS
from burdenshare.scenario.loader import load_scenario
from burdenshare.scenario.uncertainty import (
    PathError,
    UncertaintySpec,
    check_against,
    resolve,
    uncertainty_problems,
)
from burdenshare.sweep.apply import apply_draw

BAD = Path(__file__).parents[1] / "data" / "bad_uncertainty"
N = 200_000


def _dist(**kw):
    spec = UncertaintySpec.model_validate({"params": {"bargaining.steps": kw}})
    return spec.params["bargaining.steps"]


def _sample(**kw) -> np.ndarray:
    return _dist(**kw).sample(np.random.default_rng(12345), N)


def test_registry_has_every_family() -> None:
    assert set(DISTRIBUTIONS) >= {
        "uniform", "normal", "triangular", "pert", "choice", "lognormal", "grid"
    }  # fmt: skip


def test_uniform_moments() -> None:
    x = _sample(dist="uniform", low=2.0, high=5.0)
    assert x.min() >= 2.0 and x.max() <= 5.0
    assert x.mean() == pytest.approx(3.5, abs=0.01)
    assert x.var() == pytest.approx(9 / 12, rel=0.02)


def test_normal_untruncated_moments() -> None:
    x = _sample(dist="normal", mean=10.0, std=2.0)
    assert x.mean() == pytest.approx(10.0, abs=0.02)
    assert x.std() == pytest.approx(2.0, rel=0.01)


def test_truncated_normal_bounds_and_mean() -> None:
    # N(0, 1) truncated to [0, inf): half-normal, mean sqrt(2/pi), var 1 - 2/pi.
    x = _sample(dist="normal", mean=0.0, std=1.0, low=0.0)
    assert x.min() >= 0.0
    assert x.mean() == pytest.approx(math.sqrt(2 / math.pi), abs=0.01)
    assert x.var() == pytest.approx(1 - 2 / math.pi, rel=0.02)
    y = _sample(dist="normal", mean=0.0, std=1.0, low=-1.0, high=0.5)
    assert y.min() >= -1.0 and y.max() <= 0.5
    # mean of N(0,1) on [a, b] = (phi(a) - phi(b)) / (Phi(b) - Phi(a))
    phi = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2)))  # noqa: E731
    assert y.mean() == pytest.approx((phi(-1) - phi(0.5)) / (cdf(0.5) - cdf(-1)), abs=0.01)


def test_normal_std_zero_is_constant() -> None:
    assert np.all(_sample(dist="normal", mean=3.0, std=0.0) == 3.0)


def test_triangular_moments() -> None:
    x = _sample(dist="triangular", low=0.0, mode=1.0, high=4.0)
    assert x.min() >= 0.0 and x.max() <= 4.0
    assert x.mean() == pytest.approx(5 / 3, abs=0.01)
    # var = (a² + b² + c² - ab - ac - bc) / 18
    assert x.var() == pytest.approx((0 + 1 + 16 - 0 - 0 - 4) / 18, rel=0.02)


def test_pert_moments() -> None:
    x = _sample(dist="pert", low=0.0, mode=2.0, high=10.0)
    assert x.min() >= 0.0 and x.max() <= 10.0
    assert x.mean() == pytest.approx((0 + 4 * 2 + 10) / 6, abs=0.02)
    a, b = 1 + 4 * 2 / 10, 1 + 4 * 8 / 10  # Beta(1.8, 4.2) scaled by 10
    assert x.var() == pytest.approx(100 * a * b / ((a + b) ** 2 * (a + b + 1)), rel=0.02)


def test_lognormal_moments() -> None:
    x = _sample(dist="lognormal", mu=0.5, sigma=0.25)
    assert x.min() > 0
    assert x.mean() == pytest.approx(math.exp(0.5 + 0.25**2 / 2), rel=0.005)
    assert np.log(x).std() == pytest.approx(0.25, rel=0.01)


def test_choice_frequencies() -> None:
    x = _sample(dist="choice", values=[1, 2, 5], weights=[0.2, 0.3, 0.5])
    assert set(np.unique(x)) == {1.0, 2.0, 5.0}
    for v, w in [(1, 0.2), (2, 0.3), (5, 0.5)]:
        assert np.mean(x == v) == pytest.approx(w, abs=0.005)
    u = _sample(dist="choice", values=[7, 8])
    assert np.mean(u == 7) == pytest.approx(0.5, abs=0.005)


def test_grid_enumerates_and_cycles() -> None:
    g = _dist(dist="grid", values=[50, 100, 200])
    assert g.at(np.arange(7)).tolist() == [50, 100, 200, 50, 100, 200, 50]


# --------------------------------------------------------------------------- paths
def test_resolve_walks_models_dicts_and_integer_keys(sma) -> None:
    assert resolve(sma, "preferences.us.reservation_value") == (
        ("preferences", "us", "reservation_value"), 0.05
    )  # fmt: skip
    assert resolve(sma, "preferences.rok.reservation.contribution")[1] == 1_142_800_000_000
    # list items by id, and table keys that are dotted paths themselves
    assert resolve(sma, "events.us_election.probability") == (
        ("events", 7, "probability"), 0.55
    )  # fmt: skip
    assert resolve(sma, "events.furlough.set.preferences.rok.reservation_value") == (
        ("events", 5, "set", "preferences.rok.reservation_value"), 0.02
    )  # fmt: skip
    with pytest.raises(PathError, match=r"named .*us_election"):
        resolve(sma, "events.us_elektion.probability")
    assert resolve(sma, "bargaining.steps")[1] == sma.bargaining.steps
    with pytest.raises(PathError, match="did you mean 'weights'"):
        resolve(sma, "preferences.us.weigths.duration")


def test_good_spec_has_no_problems(sma) -> None:
    raw = {
        "params": {
            "preferences.us.reservation_value": {"dist": "uniform", "low": 0.2, "high": 0.4},
            "preferences.rok.weights.duration": {"dist": "pert", "low": 0, "mode": 0.15,
                                                 "high": 0.3},
            "bargaining.steps": {"dist": "grid", "values": [50, 100]},
        },
        "strategies": {"us": {"boulware": 0.5, "conceder": 0.5}},
    }  # fmt: skip
    assert uncertainty_problems(raw, sma) == []


EXPECTED = {
    "unknown_path.toml": "unknown field path: no field 'reservaton_value' in 'preferences.us'; "
    "did you mean 'reservation_value'?",
    "negative_std.toml": "negative std (expected std >= 0, found -0.1)",
    "low_above_high.toml": "low > high (expected low <= high, found low = 0.4, high = 0.2)",
    "non_numeric.toml": "a distribution on a non-numeric field (not a number) "
    '(expected a numeric field, found "simple_majority")',
    "weights_sum.toml": "strategies.us: strategy weights sum to 0.9 "
    "(expected weights summing to 1, found 0.9)",
    "unknown_strategy.toml": "strategies.us.bulware: unknown strategy 'bulware'; "
    "did you mean 'boulware'?",
    "unknown_party.toml": "uncertainty.strategies.usa: unknown party 'usa'; did you mean 'us'?",
}


def test_every_bad_file_has_expectations() -> None:
    assert {p.name for p in BAD.glob("*.toml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_spec_gives_one_clear_problem(sma, name: str) -> None:
    problems = uncertainty_problems(tomllib.loads((BAD / name).read_text()), sma)
    assert len(problems) == 1
    assert EXPECTED[name] in str(problems[0])


def test_check_against_on_a_validated_spec(sma) -> None:
    spec = UncertaintySpec.model_validate(
        {"params": {"issues.duration.unit": {"dist": "uniform", "low": 1, "high": 2}}}
    )
    (problem,) = check_against(spec, sma)
    assert problem.path == 'uncertainty.params."issues.duration.unit"'
    assert problem.found == '"years"'


# --------------------------------------------------------------------------- apply_draw
def test_apply_draw_changes_exactly_the_named_fields(sma) -> None:
    row = {
        "draw": 17,
        "preferences.us.reservation_value": 0.25,
        "preferences.rok.reservation.contribution": 1.2e12 + 0.4,
        "bargaining.steps": 57.6,
        "strategy.us": "conceder",
    }
    out = apply_draw(sma, row)
    assert out.preferences["us"].reservation_value == 0.25
    assert out.preferences["rok"].reservation["contribution"] == 1_200_000_000_000
    assert out.bargaining.steps == 58
    before, after = sma.model_dump(), out.model_dump()
    before["preferences"]["us"]["reservation_value"] = 0.25
    before["preferences"]["rok"]["reservation"]["contribution"] = 1_200_000_000_000
    before["bargaining"]["steps"] = 58
    assert after == before  # nothing else moved
    assert sma.preferences["us"].reservation_value == 0.05  # the original is untouched


def test_apply_draw_to_an_index_year_keeps_a_decimal() -> None:
    signed = load_scenario("sma-2021-signed")
    spec = UncertaintySpec.model_validate(
        {"params": {"indices.rok_defense_budget_plan.values.2022": {"dist": "uniform",
                                                                      "low": 4, "high": 8}}}
    )  # fmt: skip
    assert check_against(spec, signed) == []
    out = apply_draw(signed, {"indices.rok_defense_budget_plan.values.2022": 7.25})
    values = out.indices["rok_defense_budget_plan"].values
    assert values[2022] == Decimal("7.25") and isinstance(values[2022], Decimal)
    assert values[2021] == Decimal("5.4") and values[2023] == Decimal("6.1")


def test_a_table_is_not_a_numeric_field(sma) -> None:
    spec = UncertaintySpec.model_validate(
        {"params": {"preferences.us.weights": {"dist": "uniform", "low": 0, "high": 1}}}
    )
    (problem,) = check_against(spec, sma)
    assert problem.message == "a distribution on a non-numeric field (a table)"


@pytest.mark.parametrize(
    ("dist", "message"),
    [
        ({"dist": "triangular", "low": 0, "mode": 5, "high": 4}, "mode outside [low, high]"),
        ({"dist": "pert", "low": 2, "mode": 2, "high": 2}, "low = high"),
        ({"dist": "lognormal", "mu": 0, "sigma": -1}, "negative sigma"),
        ({"dist": "choice", "values": [1, 2], "weights": [0.5, 0.6]}, "weights sum to 1.1"),
        ({"dist": "normal", "mean": 0, "std": 1, "low": 40}, "far tail"),
        ({"dist": "gauss", "mean": 0, "std": 1}, "dist"),
    ],
)
def test_distribution_checks(sma, dist: dict, message: str) -> None:
    (problem,) = uncertainty_problems({"params": {"bargaining.steps": dist}}, sma)
    assert message in str(problem)


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in (Path(__file__).parents[1] / "data" / "bad_uncertainty").glob("*.toml")),
)
def test_bad_uncertainty_exits_2_through_validate(name: str, tmp_path: Path) -> None:
    """Each bad spec, as the [uncertainty] table of a bundled scenario: exit 2, one line per
    problem, each naming the file, a line and a path under uncertainty."""
    from typer.testing import CliRunner

    from burdenshare.cli import app
    from burdenshare.scenario import bundled_path

    body = (Path(__file__).parents[1] / "data" / "bad_uncertainty" / name).read_text()
    body = body.replace("[params]", "[uncertainty.params]").replace(
        "[strategies]", "[uncertainty.strategies]"
    )
    base = bundled_path("sma-2019").read_text(encoding="utf-8")
    head, rest = base.split("[uncertainty]\n", 1)  # drop the bundled section: one per file
    base = head + rest[rest.index("# ----") :]
    path = tmp_path / "s.toml"
    path.write_text(base + "\n" + body)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert lines and all(":" in line and "uncertainty" in line for line in lines)
    assert "Traceback" not in result.output
    assert EXPECTED[name] in result.stderr, result.stderr


EXPECTED = {
    "beyond_field_range.toml": "draws can reach -inf, which the scenario refuses",
    "limit_crosses_ideal.toml": "draws can cross rok's ideal contribution",
    "low_above_high.toml": "low > high",
    "negative_std.toml": "negative std",
    "non_numeric.toml": "non-numeric field",
    "unknown_party.toml": "unknown party",
    "unknown_path.toml": "unknown field path",
    "unknown_strategy.toml": "unknown strategy",
    "weights_sum.toml": "weights sum to",
}
