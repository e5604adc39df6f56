"""Asymmetric Nash bargaining solution with each actor's worst outcome as disagreement point.

On one dimension scaled [lo, hi] (0–100 for DEU), actor i's gain from outcome y over its worst
point of the scale is ``g_i(y) = D_i − |x_i − y|`` with ``D_i = max(x_i − lo, hi − x_i)``, and
the forecast maximises the weighted Nash product

    y* = argmax_y Σ_i w_i log g_i(y),   w_i = c_i s_i,

(log of Π g_i^{w_i}; concave, so a unique maximum on a fine grid, refined to 1e-6 by golden
section). The Nash bargaining solution (Nash 1950) with bargaining power, as compared with
power- and salience-based variants on DEU issues by Schneider, Finke & Bailer (2010),
"Bargaining power in the European Union: an evaluation of competing game-theoretic models",
*Political Studies* 58(1), 85–103, doi:10.1111/j.1467-9248.2009.00774.x. Here the exponent is
the effective power c·s (with this disagreement point salience would otherwise drop out of a
one-dimensional product), an assumption of this implementation. Actors with weight 0
(salience 0) take no part; the notes say how many.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from burdenshare.forecast.actors import ActorTable
from burdenshare.forecast.baselines import static_result
from burdenshare.forecast.registry import MODELS
from burdenshare.forecast.result import ForecastResult

__all__ = ["NashBargaining", "nash_point"]


def nash_point(x: np.ndarray, w: np.ndarray, lo: float = 0.0, hi: float = 100.0) -> float:
    """``argmax_y Σ w_i log(D_i − |x_i − y|)`` on [lo, hi] (see module).

    >>> round(nash_point(np.array([0.0, 100.0]), np.array([1.0, 1.0])), 6)
    50.0
    """
    keep = w > 0
    x, w = x[keep], w[keep]
    d = np.maximum(x - lo, hi - x)

    def f(y: np.ndarray) -> np.ndarray:
        g = d[None, :] - np.abs(x[None, :] - y[:, None])
        with np.errstate(divide="ignore"):
            return (w[None, :] * np.log(np.maximum(g, 0.0))).sum(axis=1)

    grid = np.linspace(lo, hi, 1001)
    j = int(np.argmax(f(grid)))
    a, b = grid[max(j - 1, 0)], grid[min(j + 1, grid.size - 1)]
    ratio = (np.sqrt(5) - 1) / 2
    while b - a > 1e-6:
        c, e = b - ratio * (b - a), a + ratio * (b - a)
        fc, fe = f(np.array([c, e]))
        if fc >= fe:
            b = e
        else:
            a = c
    return float((a + b) / 2)


@dataclass(frozen=True)
class NashBargaining:
    """Weighted Nash bargaining over each dimension's scale (see the module)."""

    low: float = 0.0
    high: float = 100.0
    name: str = "nash"

    def run(
        self, table: ActorTable, *, max_rounds: int | None = None, seed: object = None
    ) -> ForecastResult:
        """Round 0 only; ``forecast`` per dimension. Positions outside [low, high] widen it."""
        w = table.weights()
        fc = np.empty(table.n_dims)
        notes: list[str] = []
        for k in range(table.n_dims):
            x = table.position[:, k]
            lo, hi = min(self.low, float(x.min())), max(self.high, float(x.max()))
            fc[k] = nash_point(x, w[:, k], lo, hi)
            note = f"disagreement: each actor's worst point of {lo:g}–{hi:g}"
            if note not in notes:
                notes.append(note)
            idle = int((w[:, k] == 0).sum())
            if idle:
                notes.append(f"{idle} actor(s) with salience 0 take no part")
        return static_result(
            self.name,
            table,
            fc,
            notes=tuple(notes),
            options={"low": self.low, "high": self.high},
            weights=w,
        )


MODELS.add("nash", NashBargaining)
