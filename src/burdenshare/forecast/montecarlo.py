"""Monte Carlo around a forecast: perturb the actor table, rerun the model, collect forecasts.

Each run r draws, from its own generator (``SeedSequence(seed).spawn(n_runs)[r]``):

- positions ``x' = x + σ_x ε`` (ε standard normal; ``Noise.position`` in position units), then
  clipped to ``Noise.position_bounds`` when given;
- saliences ``s' = clip(s + σ_s ε, 0, 1)`` (``Noise.salience`` on the 0–1 scale);
- capabilities ``c' = c · exp(σ_c ε)`` (``Noise.capability``: a log-normal factor, so capability
  stays positive and the noise is relative);

and runs the model on the perturbed table (the model gets its own child seed). Run 0 of the
result is the unperturbed base forecast and is not part of the distribution. In process and
sequential; the scalable version is the sweep engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from burdenshare.errors import BurdenshareError, Problem
from burdenshare.forecast.actors import ActorTable
from burdenshare.forecast.result import ForecastResult

__all__ = ["MonteCarloResult", "Noise", "monte_carlo", "perturb"]


class _Model(Protocol):
    def run(self, table: ActorTable, *, max_rounds: int | None = None, seed: Any = None) -> Any: ...


@dataclass(frozen=True)
class Noise:
    """Standard deviations of the perturbations (see module docstring); all 0 = no noise."""

    position: float = 0.0
    salience: float = 0.0
    capability: float = 0.0
    position_bounds: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        problems = [
            Problem(
                f"{name} noise must be a number ≥ 0",
                path=f"noise.{name}",
                expected=">= 0",
                found=str(getattr(self, name)),
            )
            for name in ("position", "salience", "capability")
            if not getattr(self, name) >= 0
        ]
        if (
            self.position_bounds is not None
            and not self.position_bounds[0] <= (self.position_bounds[1])
        ):
            problems.append(
                Problem(
                    "position bounds are reversed",
                    path="noise.position_bounds",
                    found=str(self.position_bounds),
                )
            )
        if problems:
            raise BurdenshareError(problems)


def perturb(table: ActorTable, noise: Noise, rng: np.random.Generator) -> ActorTable:
    """One perturbed copy of ``table`` (draw order: positions, saliences, capabilities)."""
    pos = table.position + noise.position * rng.standard_normal(table.position.shape)
    if noise.position_bounds is not None:
        pos = np.clip(pos, *noise.position_bounds)
    sal = np.clip(
        table.salience + noise.salience * rng.standard_normal(table.salience.shape), 0.0, 1.0
    )
    cap = table.capability * np.exp(noise.capability * rng.standard_normal(table.n_actors))
    return table.replace(capability=cap, position=pos, salience=sal)


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """``runs``: one row per (run, dimension) with ``run`` (0 = unperturbed), ``dimension``,
    ``forecast``, final ``median`` and ``mean``, ``rounds`` run and the ``stop`` reason.
    ``base`` is run 0's full result."""

    runs: pd.DataFrame
    base: Any
    noise: Noise
    seed: int | None

    def distribution(self) -> pd.DataFrame:
        """The perturbed runs only (run ≥ 1)."""
        return self.runs[self.runs["run"] > 0]

    def summary(self) -> pd.DataFrame:
        """Per dimension: the base forecast and the perturbed forecasts' mean, standard
        deviation and 5/25/50/75/95 % quantiles."""
        rows = []
        dist = self.distribution()
        for dim, group in self.runs.groupby("dimension", sort=False):
            f = dist.loc[dist["dimension"] == dim, "forecast"].to_numpy()
            base = float(group.loc[group["run"] == 0, "forecast"].iloc[0])
            q = np.quantile(f, [0.05, 0.25, 0.5, 0.75, 0.95]) if f.size else [np.nan] * 5
            rows.append(
                {
                    "dimension": dim,
                    "base": base,
                    "runs": int(f.size),
                    "mean": float(f.mean()) if f.size else np.nan,
                    "sd": float(f.std(ddof=1)) if f.size > 1 else np.nan,
                    "q05": q[0],
                    "q25": q[1],
                    "q50": q[2],
                    "q75": q[3],
                    "q95": q[4],
                }
            )
        return pd.DataFrame(rows)


def monte_carlo(
    model: _Model,
    table: ActorTable,
    noise: Noise,
    *,
    n_runs: int = 100,
    seed: int | np.random.SeedSequence = 0,
    max_rounds: int | None = None,
) -> MonteCarloResult:
    """Run ``model`` on ``table`` and on ``n_runs`` perturbed copies; see module docstring.

    ``model`` is anything with ``run(table, max_rounds=..., seed=...)`` returning a result with
    ``forecast`` (D,), ``median`` and ``mean`` (T, D) and ``stop`` — every model in
    :data:`burdenshare.forecast.registry.MODELS` whose results are :class:`ForecastResult`.
    """
    if not (isinstance(n_runs, int) and n_runs >= 0):
        raise BurdenshareError.single(
            "n_runs must be a whole number ≥ 0", path="n_runs", found=str(n_runs)
        )
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    children = root.spawn(n_runs + 1)
    rows: list[dict[str, Any]] = []
    base: Any = None
    for run, child in enumerate(children):
        perturb_seed, model_seed = child.spawn(2)
        t = table if run == 0 else perturb(table, noise, np.random.default_rng(perturb_seed))
        result = model.run(t, max_rounds=max_rounds, seed=model_seed)
        if run == 0:
            base = result
        rows.extend(_rows(run, t, result))
    return MonteCarloResult(
        runs=pd.DataFrame(rows),
        base=base,
        noise=noise,
        seed=root.entropy if isinstance(root.entropy, int) else None,
    )


def _rows(run: int, table: ActorTable, result: ForecastResult) -> list[dict[str, Any]]:
    stop = getattr(result, "stop", None)
    reason = getattr(stop, "reason", str(stop) if stop is not None else "")
    return [
        {
            "run": run,
            "dimension": dim,
            "forecast": float(result.forecast[k]),
            "median": float(result.median[-1, k]),
            "mean": float(result.mean[-1, k]),
            "rounds": int(result.median.shape[0] - 1),
            "stop": reason,
        }
        for k, dim in enumerate(table.dimensions)
    ]
