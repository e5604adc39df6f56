"""Scores per model: MAE, RMSE, median absolute error, share within 10 points, runtime.

For errors ``e_j = |forecast_j − outcome_j|`` over n issues: ``MAE = Σ e/n``,
``RMSE = sqrt(Σ e²/n)``, ``median_ae`` the median of e, ``within_10`` the share with
``e ≤ 10``; ``seconds`` the model's total runtime over the issues.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["score", "summarise"]


def score(errors: np.ndarray) -> dict[str, float | int]:
    """The four scores of an array of absolute errors, and ``n``.

    >>> s = score(np.array([0.0, 10.0, 20.0]))
    >>> s["mae"], s["median_ae"], round(s["rmse"], 4), round(s["within_10"], 4), s["n"]
    (10.0, 10.0, 12.9099, 0.6667, 3)
    """
    e = np.asarray(errors, dtype=np.float64)
    return {
        "mae": float(e.mean()),
        "rmse": float(np.sqrt((e * e).mean())),
        "median_ae": float(np.median(e)),
        "within_10": float((e <= 10.0).mean()),
        "n": int(e.size),
    }


def summarise(
    rows: pd.DataFrame, models: tuple[str, ...], split: str | None = None
) -> pd.DataFrame:
    """One row per model (in ``models`` order): the scores and seconds; ``split`` keeps only
    the issues of that split (``"train"`` / ``"test"``)."""
    if split is not None:
        rows = rows[rows["split"] == split]
    out = []
    for m in models:
        sub = rows[rows["model"] == m]
        out.append(
            {"model": m, **score(sub["error"].to_numpy()), "seconds": float(sub["seconds"].sum())}
        )
    return pd.DataFrame(out)
