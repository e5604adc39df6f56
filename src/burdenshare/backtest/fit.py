"""Fitting the compromise model's exponents on the training split only.

``x̂ = Σ c^α s^β x / Σ c^α s^β`` (:mod:`burdenshare.forecast.compromise`); α and β are chosen
on the grid ``0, 0.1, …, 3`` by the smallest mean absolute error over the training issues
(ties: the smallest α, then β). The test issues are never looked at here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from burdenshare.backtest.deu import DeuIssue

__all__ = ["GRID", "CompromiseFit", "fit_compromise"]

#: candidate exponents for α (capability) and β (salience)
GRID = np.round(np.arange(0.0, 3.0001, 0.1), 10)


@dataclass(frozen=True)
class CompromiseFit:
    """Fitted exponents, the training MAE at them, and how many issues they were fitted on."""

    alpha: float
    beta: float
    train_mae: float
    n_train: int


def _padded(issues: Sequence[DeuIssue]) -> tuple[np.ndarray, ...]:
    n = max(i.table.n_actors for i in issues)
    shape = (len(issues), n)
    x, c, s = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    for r, i in enumerate(issues):
        m = i.table.n_actors
        x[r, :m] = i.table.position[:, 0]
        c[r, :m] = i.table.capability
        s[r, :m] = i.table.salience[:, 0]
    out = np.array([i.outcome for i in issues])
    return x, c, s, out


def fit_compromise(train: Sequence[DeuIssue], grid: np.ndarray = GRID) -> CompromiseFit:
    """Grid search of (α, β) minimising the training MAE (see module)."""
    x, c, s, out = _padded(train)
    active = (c > 0) & (s > 0)
    with np.errstate(divide="ignore"):
        log_c = np.where(active, np.log(np.where(active, c, 1.0)), 0.0)
        log_s = np.where(active, np.log(np.where(active, s, 1.0)), 0.0)
    best = (np.inf, 0.0, 0.0)
    for a in grid:
        for b in grid:
            w = np.where(active, np.exp(a * log_c + b * log_s), 0.0)
            fc = (w * x).sum(axis=1) / w.sum(axis=1)
            mae = float(np.abs(fc - out).mean())
            if mae < best[0] - 1e-12:
                best = (mae, float(a), float(b))
    return CompromiseFit(alpha=best[1], beta=best[2], train_mae=best[0], n_train=len(train))


def compromise_forecasts(issues: Sequence[DeuIssue], alpha: float, beta: float) -> np.ndarray:
    """(I,) ``Σ c^α s^β x / Σ c^α s^β`` per issue (actors with c or s of 0 take no part)."""
    x, c, s, _ = _padded(issues)
    active = (c > 0) & (s > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(active, np.power(c, alpha) * np.power(s, beta), 0.0)
    return (w * x).sum(axis=1) / w.sum(axis=1)


def repeated_splits(
    issues: Sequence[DeuIssue], seeds: Sequence[int], share: float = 0.7
) -> list[dict[str, float]]:
    """The split-sample protocol repeated over other seeds (a robustness check, not a fit):
    per seed, the exponents fitted on that split's training issues and the test-split MAE of
    the refitted compromise and of the weighted mean (α = β = 1)."""
    from burdenshare.backtest.split import split_proposals

    out = np.array([i.outcome for i in issues])
    mean_err = np.abs(compromise_forecasts(issues, 1.0, 1.0) - out)
    rows = []
    for seed in seeds:
        split = split_proposals([i.proposal for i in issues], seed=seed, share=share)
        train = np.array([split.of(i.proposal) == "train" for i in issues])
        fit = fit_compromise([i for i, t in zip(issues, train, strict=True) if t])
        err = np.abs(compromise_forecasts(issues, fit.alpha, fit.beta) - out)
        rows.append(
            {
                "seed": float(seed),
                "alpha": fit.alpha,
                "beta": fit.beta,
                "test_mae": float(err[~train].mean()),
                "test_mae_mean": float(mean_err[~train].mean()),
            }
        )
    return rows
