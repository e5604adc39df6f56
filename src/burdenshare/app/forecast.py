"""A forecasting model run on an actor table (a BDM or KTAB CSV) or on a scenario's [actors]
section, as one result object (no printing)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from burdenshare.errors import Problem, ScenarioError
from burdenshare.forecast.actors import read_bdm_csv, read_ktab_csv
from burdenshare.forecast.registry import load_models
from burdenshare.forecast.scenario_actors import actor_table_from_scenario, build_model, run_model
from burdenshare.scenario import Scenario

__all__ = ["Forecast", "check_model", "forecast_csv", "forecast_scenario", "model_names"]


def model_names() -> list[str]:
    """Every registered forecasting model, in registration order."""
    return list(load_models())


def check_model(name: str) -> None:
    """A user error listing the valid names unless ``name`` is a registered model."""
    load_models().get(name)


@dataclass(frozen=True)
class Forecast:
    """One model's forecast: ``rounds`` (the ``--json`` payload), the forecast per dimension,
    why it stopped, the weighted median and mean per round (``trajectory``), the table's name and
    each dimension's unit ('' when it has none)."""

    model: str
    rounds: dict[str, Any]
    forecast: list[float]
    stop: str
    dimensions: list[str]
    trajectory: pd.DataFrame
    name: str
    units: dict[str, str]


def is_table(source: str) -> bool:
    """Whether ``source`` names an actor table (a CSV file) rather than a scenario."""
    return Path(source).suffix.lower() == ".csv"


def forecast_csv(
    path: Path, model: str, *, preset: str = "scholz-code", rounds: int | None = None, seed: int = 0
) -> Forecast:
    """``model`` on the actor table in ``path``: a BDM CSV (``Actor,...`` header) or a KTAB one."""
    first = path.read_text(encoding="utf-8-sig").split("\n", 1)[0] if path.is_file() else ""
    table = read_bdm_csv(path) if first.startswith("Actor,") else read_ktab_csv(path)
    result = build_model(model, preset=preset).run(table, max_rounds=rounds, seed=seed)
    dims = list(table.dimensions)
    return Forecast(
        model=model, rounds=result.to_rounds(), forecast=list(result.forecast),
        stop=result.stop.describe(), dimensions=dims, trajectory=result.trajectory(),
        name=table.scenario or path.name, units=dict.fromkeys(dims, ""),
    )  # fmt: skip


def forecast_scenario(
    scenario: Scenario,
    model: str,
    *,
    preset: str = "scholz-code",
    rounds: int | None = None,
    seed: int = 0,
    source: str = "",
) -> Forecast:
    """``model`` on ``scenario``'s [actors] table, in the scenario's units (``rounds`` defaults
    to its ``[actors] rounds``)."""
    if scenario.actors is None:
        raise ScenarioError(
            [
                Problem(
                    "the scenario has no [actors] section",
                    path="actors",
                    expected="an [actors] table for the forecasting models",
                )
            ]
        )
    table = actor_table_from_scenario(scenario)
    run = run_model(
        model, table, scenario, rounds=rounds or scenario.actors.rounds, seed=seed, preset=preset
    )
    dims = list(table.dimensions)
    return Forecast(
        model=model, rounds=run.to_rounds(), forecast=list(run.forecast), stop=run.stop,
        dimensions=dims, trajectory=run.trajectory,
        name=table.scenario or Path(source).name,
        units={d: scenario.actors.dimensions[d].unit for d in dims},
    )  # fmt: skip
