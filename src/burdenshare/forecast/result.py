"""What a forecasting run returns: per round the median, the mean, every actor's position (and,
for the expected utility model, risk exponents and the offers that moved actors), why the run
stopped, and the same as a tidy DataFrame and as the CLI's JSON dict.

Round 0 is the input table; round t is the state after t rounds of the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from burdenshare.forecast.actors import ActorTable

__all__ = ["ForecastResult", "Move", "Stop"]


@dataclass(frozen=True)
class Move:
    """In ``round``, ``actor`` accepted ``by``'s offer (a ``kind``) and went from ``old`` to
    ``new`` on ``dimension``."""

    round: int
    dimension: str
    actor: str
    kind: str  # "confrontation" | "compromise" | "capitulation"
    by: str
    old: float
    new: float

    def __str__(self) -> str:
        return f"{self.actor} {self.kind} {self.by} -> {self.new:.4f}"


@dataclass(frozen=True)
class Stop:
    """Why and where a run stopped computing.

    ``reason``: ``"input"`` (a baseline: round 0 only), ``"max_rounds"``, ``"median_stable"``
    (the median moved by at most the tolerance over the last rounds; the run ends at ``round``),
    ``"fixed_point"`` or ``"cycle"``: round ``round`` equals round ``cycle_start`` exactly, so
    rounds ``cycle_start … round − 1`` repeat for ever with period ``period`` (1 for a fixed
    point); the result's later rounds, up to the round limit, repeat them.
    """

    reason: str
    round: int
    cycle_start: int | None = None
    period: int | None = None

    def describe(self) -> str:
        if self.reason == "cycle":
            return (
                f"no convergence: a cycle of {self.period} rounds from round {self.cycle_start} "
                f"(round {self.round} repeats round {self.cycle_start})"
            )
        if self.reason == "fixed_point":
            return f"converged: no position changes after round {self.cycle_start}"
        if self.reason == "median_stable":
            return f"median stable at round {self.round}"
        if self.reason == "converged":
            return (
                f"converged at round {self.round}: the last move was below the stopping threshold"
            )
        if self.reason == "max_rounds":
            return f"stopped at the round limit ({self.round})"
        return "input only"


@dataclass(frozen=True, eq=False)
class ForecastResult:
    """A forecasting run on ``table``: T = rounds + 1 states.

    ``positions`` (T, N, D); ``median`` and ``mean`` (T, D); ``risk`` (T, N, D) risk exponents
    used in each round (NaN in round 0), or None for models without them; ``forecast`` (D,) the
    model's headline answer (the final median for BDM).
    """

    model: str
    table: ActorTable
    positions: np.ndarray
    median: np.ndarray
    mean: np.ndarray
    forecast: np.ndarray
    stop: Stop
    risk: np.ndarray | None = None
    moves: tuple[Move, ...] = ()
    notes: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def n_rounds(self) -> int:
        """Rounds run (not counting round 0, the input)."""
        return int(self.positions.shape[0]) - 1

    def cycle_medians(self) -> np.ndarray | None:
        """(period, D) medians of the repeating rounds when the run found a cycle."""
        if self.stop.reason != "cycle" or self.stop.cycle_start is None:
            return None
        return self.median[self.stop.cycle_start : self.stop.cycle_start + (self.stop.period or 0)]

    # -- tidy frames ----------------------------------------------------------------------

    def frame(self) -> pd.DataFrame:
        """Tidy positions: one row per (round, actor, dimension) with the position as value."""
        return _tidy(self.positions, self.table)

    def risk_frame(self) -> pd.DataFrame:
        """Tidy risk exponents (round ≥ 1), same columns as :meth:`frame`."""
        if self.risk is None:
            return _tidy(np.empty((0, self.table.n_actors, self.table.n_dims)), self.table)
        return _tidy(self.risk[1:], self.table, first_round=1)

    def trajectory(self) -> pd.DataFrame:
        """One row per (round, dimension): median and mean."""
        t, d = self.median.shape
        return pd.DataFrame(
            {
                "round": np.repeat(np.arange(t), d),
                "dimension": np.tile(np.array(self.table.dimensions, dtype=object), t),
                "median": self.median.reshape(-1),
                "mean": self.mean.reshape(-1),
            }
        )

    def moves_frame(self) -> pd.DataFrame:
        """One row per accepted offer: round, dimension, actor, kind, by, old, new."""
        cols = ["round", "dimension", "actor", "kind", "by", "old", "new"]
        return pd.DataFrame([[getattr(m, c) for c in cols] for m in self.moves], columns=cols)

    # -- the CLI's JSON -------------------------------------------------------------------

    def to_rounds(self) -> dict[str, Any]:
        """``{"rounds": [{"round": 0, "median": …, "mean": …, "positions": {actor: x}}, …]}``.

        Round 0 is the input. With one dimension, median, mean and positions are numbers; with
        several, lists in ``dimensions`` order. Rounds ≥ 1 of a model with risk exponents also
        carry ``"risk"`` ({actor: r}) and ``"moves"`` (``"Belgium compromise France -> 8.4159"``
        strings, with the dimension first when there are several). Also: ``model``,
        ``dimensions``, ``stop`` and ``notes``.
        """
        one = self.table.n_dims == 1

        def val(v: np.ndarray) -> float | list[float]:
            return float(v[0]) if one else [float(a) for a in v]

        by_round: dict[int, list[str]] = {}
        for m in self.moves:
            text = str(m) if one else f"{m.dimension}: {m}"
            by_round.setdefault(m.round, []).append(text)
        rounds = []
        for t in range(self.n_rounds + 1):
            row: dict[str, Any] = {
                "round": t,
                "median": val(self.median[t]),
                "mean": val(self.mean[t]),
                "positions": {
                    name: val(self.positions[t, i]) for i, name in enumerate(self.table.names)
                },
            }
            if self.risk is not None and t > 0:
                row["risk"] = {
                    name: val(self.risk[t, i]) for i, name in enumerate(self.table.names)
                }
                row["moves"] = by_round.get(t, [])
            rounds.append(row)
        stop: dict[str, Any] = {"reason": self.stop.reason, "round": self.stop.round}
        if self.stop.reason in ("cycle", "fixed_point"):
            stop["cycle_start"] = self.stop.cycle_start
            stop["period"] = self.stop.period
        return {
            "model": self.model,
            "dimensions": list(self.table.dimensions),
            "forecast": val(self.forecast),
            "stop": stop,
            "notes": list(self.notes),
            "rounds": rounds,
        }


def _tidy(values: np.ndarray, table: ActorTable, first_round: int = 0) -> pd.DataFrame:
    t, n, d = values.shape
    return pd.DataFrame(
        {
            "round": np.repeat(np.arange(first_round, first_round + t), n * d),
            "actor": np.tile(np.repeat(np.array(table.names, dtype=object), d), t),
            "dimension": np.tile(np.array(table.dimensions, dtype=object), t * n),
            "value": values.reshape(-1),
        }
    )
