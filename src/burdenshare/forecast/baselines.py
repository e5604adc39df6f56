"""Baseline forecasts: the effective-power-weighted mean and the weighted median.

With weights ``w_i = c_i s_i`` (capability × salience) on one dimension:

- weighted mean ``x̄ = Σ_i w_i x_i / Σ_i w_i``;
- weighted median: the position m among the actors' positions that beats every other position
  q in a pairwise vote where actor i gives ``w_i (|x_i − q| − |x_i − m|)`` to m (Black 1948;
  the "median voter" of Bueno de Mesquita 1994, p. 79, and Scholz et al. 2011, §2). Since
  ``F(p) = Σ_i w_i |x_i − p|`` is convex, m beats q iff F(m) ≤ F(q): the Condorcet winner is the
  weighted median, the first sorted position with ``2 Σ_{x_i ≤ m} w_i ≥ Σ_i w_i``. When the
  weight splits exactly in half, every position in between wins; we return the smallest.

The sums deciding the median are exact (weights are binary fractions, summed as
:class:`fractions.Fraction`), so a tie is a tie and not a rounding accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import numpy as np

from burdenshare.forecast.actors import ActorTable
from burdenshare.forecast.registry import MODELS
from burdenshare.forecast.result import ForecastResult, Stop

__all__ = ["Baseline", "weighted_mean", "weighted_median"]


def weighted_mean(x: np.ndarray, w: np.ndarray) -> float:
    """``Σ w_i x_i / Σ w_i``."""
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    return float(np.dot(w, x) / w.sum())


def weighted_median(x: np.ndarray, w: np.ndarray) -> float:
    """The smallest Condorcet winner among the positions ``x`` with weights ``w`` (see module).

    >>> weighted_median([4.0, 7.0, 10.0], [1.0, 1.0, 1.5])
    7.0
    >>> weighted_median([0.0, 1.0], [1.0, 1.0])  # an exact tie: the smaller one
    0.0
    """
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    order = np.argsort(x, kind="stable")
    xs = x[order]
    weights = [Fraction(float(v)) for v in w[order]]
    total = sum(weights, Fraction(0))
    cum = Fraction(0)
    i, n = 0, len(xs)
    while i < n:
        j = i
        while j < n and xs[j] == xs[i]:
            cum += weights[j]
            j += 1
        if 2 * cum >= total:
            return float(xs[i])
        i = j
    return float(xs[-1])


def medians_and_means(positions: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(T, D) weighted medians and means of (T, N, D) positions with (N, D) weights."""
    t, _, d = positions.shape
    med = np.empty((t, d))
    mean = np.empty((t, d))
    for r in range(t):
        for k in range(d):
            med[r, k] = weighted_median(positions[r, :, k], weights[:, k])
            mean[r, k] = weighted_mean(positions[r, :, k], weights[:, k])
    return med, mean


def static_result(
    model: str,
    table: ActorTable,
    forecast: np.ndarray,
    *,
    notes: tuple[str, ...] = (),
    options: dict[str, Any] | None = None,
    weights: np.ndarray | None = None,
) -> ForecastResult:
    """The result of a model without dynamics: round 0 (the input table) with its weighted
    medians and means (``weights``, default capability × salience), and ``forecast`` per
    dimension; ``notes`` follow the table's own."""
    positions = table.position[None, :, :].copy()
    med, mean = medians_and_means(positions, table.weights() if weights is None else weights)
    return ForecastResult(
        model=model,
        table=table,
        positions=positions,
        median=med,
        mean=mean,
        forecast=forecast,
        stop=Stop("input", 0),
        notes=(*table.notes, *notes),
        options=options or {},
    )


@dataclass(frozen=True)
class Baseline:
    """A forecast without dynamics: the weighted median or the weighted mean of the input.

    The result has round 0 only; its ``forecast`` is the chosen statistic per dimension.
    """

    statistic: Literal["median", "mean"] = "median"

    def run(
        self, table: ActorTable, *, max_rounds: int | None = None, seed: object = None
    ) -> ForecastResult:
        """Round 0 (the input) with its median and mean; ``max_rounds``/``seed`` are unused."""
        w = table.weights()
        x = table.position
        stat = weighted_median if self.statistic == "median" else weighted_mean
        forecast = np.array([stat(x[:, k], w[:, k]) for k in range(table.n_dims)])
        return static_result(self.statistic, table, forecast, options={"statistic": self.statistic})


MODELS.add("median", lambda **options: Baseline(statistic="median", **options))
MODELS.add("mean", lambda **options: Baseline(statistic="mean", **options))
