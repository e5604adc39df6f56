"""`forecast SCENARIO --json` and the text output agree, in the scenario's units, for every
registered model (issue 9, defect 5.2: SMP's JSON was on its internal 0-100 scale)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from typer.testing import CliRunner

from burdenshare.cli import app
from burdenshare.forecast.registry import load_models
from burdenshare.scenario import load_scenario

SCENARIO = "sma-2019"
MODELS = list(load_models())


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, ["forecast", SCENARIO, *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def test_every_model_is_checked() -> None:
    assert {"median", "mean", "bdm", "smp"} <= set(MODELS)


@pytest.mark.parametrize("model", MODELS)
def test_json_and_text_give_the_same_forecast_in_scenario_units(model: str) -> None:
    scenario = load_scenario(SCENARIO)
    assert scenario.actors is not None
    dims = scenario.actors.dimensions
    payload = json.loads(_run("--model", model, "--json"))
    assert payload["dimensions"] == list(dims)
    forecast = np.atleast_1d(payload["forecast"])

    # round 0 is the input table: every actor's position exactly as the scenario states it
    start = payload["rounds"][0]["positions"]
    for actor in scenario.actors.table.values():
        expected = [float(actor.position[d]) for d in dims]
        np.testing.assert_allclose(np.atleast_1d(start[actor.name]), expected, rtol=1e-12)
    # every position, median, mean and the forecast lie on the dimensions' own scales
    lo = np.array([float(d.min) for d in dims.values()])
    hi = np.array([float(d.max) for d in dims.values()])
    for row in payload["rounds"]:
        for values in (row["median"], row["mean"], *row["positions"].values()):
            x = np.atleast_1d(values)
            assert np.all(x >= lo - 1e-9) and np.all(x <= hi + 1e-9), (row["round"], x)
    assert np.all(forecast >= lo) and np.all(forecast <= hi)

    # the text's forecast line states the same numbers (shown to six significant digits)
    text = _run("--model", model)
    line = " ".join(text[text.index("forecast: ") :].split())
    shown = {
        name: float(value.replace(",", ""))
        for name, value in re.findall(r"(\w+) = (-?[\d,]+(?:\.\d+)?)", line)
    }
    assert list(shown) == list(dims), line
    np.testing.assert_allclose(list(shown.values()), forecast, rtol=5e-6)


def test_smp_json_is_mapped_back_from_its_internal_scale() -> None:
    """The defect's own numbers: SMP runs on 0-100 per dimension; its JSON forecast must be
    lo + f / 100 (hi - lo) of the internal one, not f."""
    from burdenshare.forecast.scenario_actors import actor_table_from_scenario, run_model

    scenario = load_scenario(SCENARIO)
    assert scenario.actors is not None
    run = run_model(
        "smp",
        actor_table_from_scenario(scenario),
        scenario,
        rounds=scenario.actors.rounds,
        seed=0,
        preset="scholz-code",
    )
    internal = np.atleast_1d(run.result.to_rounds()["forecast"])
    assert np.all(internal <= 100.0)  # the model's own scale
    lo = np.array([float(d.min) for d in scenario.actors.dimensions.values()])
    hi = np.array([float(d.max) for d in scenario.actors.dimensions.values()])
    payload = json.loads(_run("--model", "smp", "--json"))
    np.testing.assert_allclose(payload["forecast"], lo + internal / 100.0 * (hi - lo))
    last = payload["rounds"][-1]
    trajectory = run.trajectory[run.trajectory["round"] == run.trajectory["round"].max()]
    np.testing.assert_allclose(last["median"], trajectory["median"].to_numpy())
    np.testing.assert_allclose(last["mean"], trajectory["mean"].to_numpy())
    assert any("original scales" in n for n in payload["notes"])
