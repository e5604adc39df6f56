"""Bootstrap intervals on MAE differences against the baseline, paired and clustered.

For model m and the baseline b, the difference is ``Δ = MAE_m − MAE_b`` over the same issues
(paired by issue). Issues of one proposal are not independent, so the resampling unit is the
proposal: each of B resamples draws P proposals with replacement (multinomial counts k_p) and
takes ``Δ* = Σ_p k_p D_p / Σ_p k_p n_p`` with ``D_p`` the sum of ``e_m − e_b`` over p's
issues and ``n_p`` their number. The 95% interval is the 2.5th and 97.5th percentiles of Δ*
(percentile bootstrap; Efron & Tibshirani 1993, ch. 13; cluster resampling as in Cameron,
Gelbach & Miller 2008). The generator is seeded; the same seed gives the same interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["DEFAULT_RESAMPLES", "Interval", "mae_difference"]

DEFAULT_RESAMPLES = 2000


@dataclass(frozen=True)
class Interval:
    """Point estimate and 95% interval of ``MAE_model − MAE_baseline``."""

    estimate: float
    low: float
    high: float
    n_issues: int
    n_proposals: int

    def to_json(self) -> dict[str, float | int]:
        return {
            "estimate": self.estimate,
            "low": self.low,
            "high": self.high,
            "n": self.n_issues,
            "proposals": self.n_proposals,
        }


def mae_difference(
    rows: pd.DataFrame,
    model: str,
    baseline: str,
    *,
    seed: int | np.random.SeedSequence = 0,
    resamples: int = DEFAULT_RESAMPLES,
) -> Interval:
    """Δ MAE of ``model`` against ``baseline`` over the issues in ``rows`` (long format:
    issue, proposal, model, error), with its proposal-clustered 95% interval."""
    wide = rows.pivot(index="issue", columns="model", values="error")
    prop = rows.drop_duplicates("issue").set_index("issue").loc[wide.index, "proposal"]
    diff = (wide[model] - wide[baseline]).to_numpy()
    codes, uniques = pd.factorize(prop.to_numpy())
    d_p = np.bincount(codes, weights=diff, minlength=len(uniques))
    n_p = np.bincount(codes, minlength=len(uniques)).astype(np.float64)
    rng = np.random.default_rng(seed)
    p = len(uniques)
    counts = rng.multinomial(p, np.full(p, 1.0 / p), size=resamples).astype(np.float64)
    stars = (counts @ d_p) / (counts @ n_p)
    low, high = np.percentile(stars, [2.5, 97.5])
    return Interval(
        estimate=float(diff.mean()),
        low=float(low),
        high=float(high),
        n_issues=int(diff.size),
        n_proposals=p,
    )
