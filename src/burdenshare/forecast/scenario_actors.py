"""Forecasting on a scenario: the ``[actors]`` section as an actor table, and every model it names.

No I/O: takes a validated :class:`~burdenshare.scenario.Scenario`, returns results. Models that
need a common 0-100 scale (the KTAB-style SMP, whose saliences must also sum to at most 1 per
actor) get a rescaled copy of the table; their results are mapped back to each dimension's scale
so every model's output reads in the scenario's units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from burdenshare.errors import ProgrammerError
from burdenshare.forecast.actors import ActorTable
from burdenshare.forecast.montecarlo import MonteCarloResult, Noise, monte_carlo
from burdenshare.forecast.registry import load_models
from burdenshare.scenario import Scenario

__all__ = [
    "ScenarioForecast",
    "actor_table_from_scenario",
    "build_model",
    "forecast_scenario",
    "run_model",
]

#: Models run on a 0-100 scale with saliences summing to at most 1 per actor.
_UNIT_SCALE_MODELS = {"smp"}


def actor_table_from_scenario(scenario: Scenario) -> ActorTable:
    """The scenario's ``[actors]`` as an :class:`ActorTable` (dimensions in file order)."""
    section = scenario.actors
    if section is None:
        raise ProgrammerError("scenario has no [actors] section")
    dims = list(section.dimensions)
    actors = list(section.table.values())
    return ActorTable.from_arrays(
        [a.name for a in actors],
        [a.capability for a in actors],
        [[a.position[d] for d in dims] for a in actors],
        [[a.salience[d] for d in dims] for a in actors],
        dimensions=dims,
        descriptions=[a.description for a in actors],
        scenario=scenario.meta.id,
        description=scenario.meta.title,
        rows=[f"actors.table.{aid}" for aid in section.table],
    )


def _bounds(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    dims = scenario.actors.dimensions.values()  # type: ignore[union-attr]
    return np.array([d.min for d in dims]), np.array([d.max for d in dims])


def _unit_scale(table: ActorTable, lo: np.ndarray, hi: np.ndarray) -> ActorTable:
    """Positions mapped to 0-100 per dimension; saliences divided by max(1, row sum)."""
    position = (table.position - lo) / (hi - lo) * 100.0
    total = table.salience.sum(axis=1, keepdims=True)
    salience = table.salience / np.maximum(total, 1.0)
    return table.replace(position=position, salience=salience)


@dataclass(frozen=True)
class ModelRun:
    """One model's result, in the scenario's units."""

    name: str
    result: Any
    #: (round, dimension): median, mean — on the dimensions' own scales
    trajectory: pd.DataFrame
    #: tidy positions (round, actor, dimension, value) on the dimensions' own scales
    positions: pd.DataFrame
    forecast: np.ndarray
    stop: str
    notes: tuple[str, ...]
    #: the dimensions' bounds when the model ran on a 0-100 scale (None: it ran on the scenario's)
    scale: tuple[np.ndarray, np.ndarray] | None = None

    def to_rounds(self) -> dict[str, Any]:
        """The model's JSON (``result.to_rounds()``), every position, median, mean and forecast
        in the scenario's units, as the text output and the notes give them; other numbers
        (risk exponents, winning probabilities) as the model computed them."""
        out = self.result.to_rounds()
        out["notes"] = list(self.notes)
        out["forecast"] = _plain(self.forecast)
        if self.scale is None:
            return out
        lo, hi = self.scale

        def native(value: Any) -> Any:
            x = lo + np.asarray(value, dtype=float) / 100.0 * (hi - lo)
            return _plain(x)

        for row in out["rounds"]:
            row["median"], row["mean"] = native(row["median"]), native(row["mean"])
            row["positions"] = {name: native(v) for name, v in row["positions"].items()}
        return out


def _plain(values: np.ndarray) -> float | list[float]:
    """One number for one dimension, else a list (the models' JSON convention)."""
    flat = [float(v) for v in np.atleast_1d(values)]
    return flat[0] if len(flat) == 1 else flat


def _rescale(frame: pd.DataFrame, cols: list[str], table: ActorTable, lo, hi) -> pd.DataFrame:
    out = frame.copy()
    index = {d: k for k, d in enumerate(table.dimensions)}
    k = np.array([index[d] for d in out["dimension"]], dtype=int)
    for col in cols:
        out[col] = lo[k] + out[col].to_numpy() / 100.0 * (hi[k] - lo[k])
    return out


def build_model(name: str, *, preset: str = "scholz-code") -> Any:
    """The registered model ``name``; BDM takes its preset, the others their defaults."""
    factory = load_models().get(name)
    return factory(preset=preset) if name == "bdm" else factory()


def run_model(
    name: str, table: ActorTable, scenario: Scenario, *, rounds: int, seed: int, preset: str
) -> ModelRun:
    """Run registered model ``name`` on ``table`` (the scenario's, possibly perturbed)."""
    model = build_model(name, preset=preset)
    lo, hi = _bounds(scenario)
    if name in _UNIT_SCALE_MODELS:
        result = model.run(_unit_scale(table, lo, hi), max_rounds=rounds, seed=seed)
        trajectory = _rescale(result.trajectory(), ["median", "mean"], table, lo, hi)
        positions = _rescale(result.positions_frame(), ["value"], table, lo, hi)
        forecast = lo + np.asarray(result.forecast, dtype=float) / 100.0 * (hi - lo)
        notes = (
            # the table came from the scenario, not from a KTAB CSV
            *(n for n in result.notes if "KTAB CSV" not in n),
            "run on positions rescaled to 0-100 per dimension and "
            "saliences divided by their sum where it exceeds 1; shown on the original scales",
        )
    else:
        result = model.run(table, max_rounds=rounds, seed=seed)
        trajectory, positions = result.trajectory(), result.frame()
        forecast = np.asarray(result.forecast, dtype=float)
        notes = tuple(result.notes)
    scale = (lo, hi) if name in _UNIT_SCALE_MODELS else None
    stop = result.stop.describe()
    return ModelRun(name, result, trajectory, positions, forecast, stop, notes, scale)


@dataclass(frozen=True)
class ScenarioForecast:
    """Every model of the scenario's ``[actors].models``, plus the Monte Carlo when noise is set."""

    table: ActorTable
    runs: dict[str, ModelRun]
    #: model name → Monte Carlo result (forecast distribution), when ``[actors.noise]`` is set
    monte_carlo: dict[str, MonteCarloResult]

    def tables(self) -> dict[str, pd.DataFrame]:
        """Tidy tables for the store."""
        out = {
            "forecast_positions": pd.concat(
                [r.positions.assign(model=n) for n, r in self.runs.items()], ignore_index=True
            ),
            "forecast_trajectory": pd.concat(
                [r.trajectory.assign(model=n) for n, r in self.runs.items()], ignore_index=True
            ),
        }
        if self.monte_carlo:
            out["forecast_montecarlo"] = pd.concat(
                [mc.runs.assign(model=n) for n, mc in self.monte_carlo.items()],
                ignore_index=True,
            )
        return out


class _ScenarioModel:
    """Adapter giving ``run_model`` the interface ``monte_carlo`` expects."""

    def __init__(self, name: str, scenario: Scenario, preset: str) -> None:
        self.name, self.scenario, self.preset = name, scenario, preset

    def run(self, table: ActorTable, *, max_rounds: int | None = None, seed: Any = None) -> Any:
        run = run_model(
            self.name,
            table,
            self.scenario,
            rounds=max_rounds or 10,
            seed=_int_seed(seed),
            preset=self.preset,
        )
        return _Projected(run)


@dataclass(frozen=True)
class _Projected:
    run: ModelRun

    @property
    def forecast(self) -> np.ndarray:
        return self.run.forecast

    @property
    def stop(self) -> Any:
        return self.run.result.stop

    @property
    def median(self) -> np.ndarray:
        return _matrix(self.run.trajectory, "median")

    @property
    def mean(self) -> np.ndarray:
        return _matrix(self.run.trajectory, "mean")


def _matrix(trajectory: pd.DataFrame, col: str) -> np.ndarray:
    dims = list(dict.fromkeys(trajectory["dimension"]))  # dimension order, not alphabetical
    wide = trajectory.pivot(index="round", columns="dimension", values=col)
    return wide.reindex(columns=dims).to_numpy()


def _int_seed(seed: Any) -> int:
    if isinstance(seed, np.random.SeedSequence):
        return int(seed.generate_state(1)[0])
    return 0 if seed is None else int(seed)


def forecast_scenario(scenario: Scenario, *, seed: int = 0) -> ScenarioForecast:
    """Run every model the scenario's ``[actors]`` names (and its Monte Carlo, if noise is set)."""
    section = scenario.actors
    if section is None:
        raise ProgrammerError("scenario has no [actors] section")
    table = actor_table_from_scenario(scenario)
    runs = {
        name: run_model(
            name, table, scenario, rounds=section.rounds, seed=seed, preset=section.preset
        )
        for name in section.models
    }
    mc: dict[str, MonteCarloResult] = {}
    if section.noise is not None:
        lo, hi = _bounds(scenario)
        # Position noise is a fraction of each range; one scalar std per model run means the
        # table is perturbed on a 0-1 scale and mapped back.
        unit = table.replace(position=(table.position - lo) / (hi - lo))
        noise = Noise(
            position=section.noise.position,
            salience=section.noise.salience,
            capability=section.noise.capability,
            position_bounds=(0.0, 1.0),
        )
        for name in section.models:
            if name in ("median", "mean"):
                continue
            model = _UnitTableModel(_ScenarioModel(name, scenario, section.preset), lo, hi)
            mc[name] = monte_carlo(
                model, unit, noise, n_runs=section.noise.runs, seed=seed, max_rounds=section.rounds
            )
    return ScenarioForecast(table=table, runs=runs, monte_carlo=mc)


@dataclass(frozen=True)
class _UnitTableModel:
    """Maps a 0-1 table back to the scenario's scales before running the model."""

    inner: _ScenarioModel
    lo: np.ndarray
    hi: np.ndarray

    def run(self, table: ActorTable, *, max_rounds: int | None = None, seed: Any = None) -> Any:
        native = table.replace(position=self.lo + table.position * (self.hi - self.lo))
        return self.inner.run(native, max_rounds=max_rounds, seed=seed)
