"""What a bargaining sweep says: the analyst's questions answered from the per-draw table.

* **Agreement**: P(deal) overall and by a date (the scenario's lapse deadline by default) or a
  round: the share of draws whose talks ended in a ratified deal at or before it.
* **Ratification**: among draws whose negotiators struck at least one tentative deal, the share
  ratified in the end, and the share of draws with at least one deal voted down.
* **Terms**: quantiles, mean and histogram of each numeric issue over the draws with a deal.
* **Cost**: each deal costed over the agreement's life through the ledger, per draw by the
  workload (``cost.*`` columns, on the draw's own scenario, so drawn CPI or escalation indices
  count) — ``[bargaining].terms`` says which issue sets ``first_year_total`` and ``duration`` of
  ``[agreement]`` — nominal, real (at the ledger's base year) and in USD; summarised as the mean
  and quantiles over deals.
* **Sensitivity**: Spearman rank correlation of every drawn number with the deal indicator and
  the deal amount, and a tornado: P(deal) in the lowest and highest fifth of each input
  (Saltelli et al., *Global Sensitivity Analysis: The Primer*, 2008, ch. 1: scatter- and
  rank-based screening).

No I/O: the CLI and the report call :func:`summarise`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from burdenshare.sweep.draws import STRATEGY_PREFIX
from burdenshare.sweep.workload import COST_COLUMNS, DEAL_PREFIX, FORECAST_PREFIX

if TYPE_CHECKING:
    from burdenshare.scenario.schema import Scenario

__all__ = ["QUANTILES", "SweepSummary", "agreement_by", "lapse_date", "summarise"]

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True)
class SweepSummary:
    """Summaries of one sweep (see the module docstring); frames are tidy for the store."""

    n_draws: int
    p_agreement: float
    lapse: dt.date | None
    #: P(ratified deal on or before the lapse date), None without a lapse deadline or dates
    p_agreement_by_lapse: float | None
    #: share of draws with at least one tentative deal voted down by a ratifier
    p_rejected_once: float
    #: among draws with a tentative deal, the share that ended ratified
    p_ratified_given_deal: float | None
    #: per numeric issue: mean and quantiles of the agreed value over draws with a deal
    terms: pd.DataFrame
    #: cumulative P(deal) by round date (or round): columns step, date, p_agreement
    timeline: pd.DataFrame
    #: cost over the agreement's life per deal: mean and quantiles (nominal, real, USD)
    cost: pd.DataFrame | None
    #: per drawn input: spearman with deal / amount, P(deal) in its low and high fifths
    sensitivity: pd.DataFrame
    #: strategy mixes: P(deal) per drawn strategy of each party
    strategies: pd.DataFrame
    #: forecasts over the draws (drawn actor tables): model, dimension, mean and quantiles
    forecasts: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """Tables for the store (``sweep_*``)."""
        headline = pd.DataFrame(
            [
                {
                    "n_draws": self.n_draws,
                    "p_agreement": self.p_agreement,
                    "lapse": self.lapse,
                    "p_agreement_by_lapse": self.p_agreement_by_lapse,
                    "p_rejected_once": self.p_rejected_once,
                    "p_ratified_given_deal": self.p_ratified_given_deal,
                }
            ]
        )
        out = {
            "sweep_summary": headline,
            "sweep_terms": self.terms,
            "sweep_timeline": self.timeline,
            "sweep_sensitivity": self.sensitivity,
        }
        if self.cost is not None:
            out["sweep_cost"] = self.cost
        if len(self.forecasts):
            out["sweep_forecasts"] = self.forecasts
        return out


def lapse_date(scenario: Scenario) -> dt.date | None:
    """The date of the scenario's first ``lapse`` deadline (the old agreement expires)."""
    dates = [d.date for d in scenario.events if d.kind == "lapse"]
    return min(dates) if dates else None


def agreement_by(
    results: pd.DataFrame, *, date: dt.date | None = None, step: int | None = None
) -> float:
    """P(deal at or before ``date`` — or in the first ``step`` rounds)."""
    deal = results["agreement"].to_numpy(dtype=bool)
    if date is not None:
        when = pd.to_datetime(results["date"]).dt.date.to_numpy()
        deal = deal & np.array([d is not pd.NaT and d <= date for d in when])
    if step is not None:
        deal = deal & (results["step"].to_numpy() <= step)
    return float(deal.mean()) if len(deal) else float("nan")


def _stats(values: np.ndarray) -> dict[str, float]:
    """Mean and :data:`QUANTILES` (``q05`` … ``q95``); NaN for no values."""
    empty = values.size == 0
    out = {"mean": np.nan if empty else float(values.mean())}
    for q in QUANTILES:
        out[f"q{round(q * 100):02d}"] = np.nan if empty else float(np.quantile(values, q))
    return out


def _terms(results: pd.DataFrame) -> pd.DataFrame:
    deals = results[results["agreement"].to_numpy(dtype=bool)]
    rows = []
    for column in results.columns:
        if not column.startswith(DEAL_PREFIX) or not pd.api.types.is_float_dtype(results[column]):
            continue
        values = deals[column].to_numpy(dtype=np.float64)
        rows.append({"issue": column[len(DEAL_PREFIX) :], "n_deals": len(values), **_stats(values)})
    return pd.DataFrame(rows)


def _forecasts(results: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for column in results.columns:
        if not column.startswith(FORECAST_PREFIX):
            continue
        model, dimension = column[len(FORECAST_PREFIX) :].split(".", 1)
        values = results[column].to_numpy(dtype=np.float64)
        rows.append({"model": model, "dimension": dimension, **_stats(values)})
    return pd.DataFrame(rows, columns=["model", "dimension", *_stats(np.empty(0))])


def _timeline(results: pd.DataFrame) -> pd.DataFrame:
    n = len(results)
    deals = results[results["agreement"].to_numpy(dtype=bool)]
    counts = deals.groupby("step").size().sort_index()
    frame = pd.DataFrame({"step": counts.index.astype(int), "deals": counts.to_numpy()})
    frame["p_agreement"] = frame["deals"].cumsum() / n
    dates = deals.groupby("step")["date"].first()
    frame["date"] = pd.to_datetime(dates.reindex(frame["step"]).to_numpy())
    return frame[["step", "date", "p_agreement"]]


def _cost(scenario: Scenario | None, results: pd.DataFrame) -> pd.DataFrame | None:
    """Mean and quantiles of the per-deal costs (the workload's ``cost.*`` columns)."""
    if not all(c in results.columns for c in COST_COLUMNS):
        return None
    deals = results[results["agreement"].to_numpy(dtype=bool)]
    if deals.empty:
        return None
    currency = scenario.agreement.currency if scenario is not None else ""
    rows = []
    for column in COST_COLUMNS:
        measure = column.removeprefix("cost.")
        values = deals[column].to_numpy(dtype=np.float64)
        currency_of = "USD" if measure == "usd" else currency
        rows.append({"measure": measure, "currency": currency_of, **_stats(values)})
    return pd.DataFrame(rows)


def _sensitivity(results: pd.DataFrame, inputs: list[str]) -> pd.DataFrame:
    deal = results["agreement"].to_numpy(dtype=np.float64)
    amount_column = next(
        (
            c
            for c in results.columns
            if c.startswith(DEAL_PREFIX) and pd.api.types.is_float_dtype(results[c])
        ),
        None,
    )
    rows = []
    for name in inputs:
        x = results[name].to_numpy(dtype=np.float64)
        if np.unique(x).size < 2:
            continue
        ranks = pd.Series(x).rank().to_numpy()
        rho_deal = _pearson(ranks, pd.Series(deal).rank().to_numpy())
        rho_amount = np.nan
        if amount_column is not None:
            has = deal > 0
            if has.sum() > 2:
                a = results[amount_column].to_numpy(dtype=np.float64)[has]
                rho_amount = _pearson(
                    pd.Series(x[has]).rank().to_numpy(), pd.Series(a).rank().to_numpy()
                )
        low_cut, high_cut = np.quantile(x, [0.2, 0.8])
        low, high = deal[x <= low_cut], deal[x >= high_cut]
        rows.append(
            {
                "input": name,
                "spearman_agreement": rho_deal,
                "spearman_amount": rho_amount,
                "p_agreement_low": float(low.mean()) if low.size else np.nan,
                "p_agreement_high": float(high.mean()) if high.size else np.nan,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "input",
            "spearman_agreement",
            "spearman_amount",
            "p_agreement_low",
            "p_agreement_high",
        ],
    )
    swing = (frame["p_agreement_high"] - frame["p_agreement_low"]).abs()
    return (
        frame.assign(_swing=swing)
        .sort_values("_swing", ascending=False)
        .drop(columns="_swing")
        .reset_index(drop=True)
    )


def _drawn_columns(results: pd.DataFrame) -> list[str]:
    """The numeric drawn inputs of a stored table: the columns before the outcome columns."""
    columns = list(results.columns)
    end = columns.index("agreement") if "agreement" in columns else len(columns)
    return [
        c
        for c in columns[1:end]
        if not c.startswith(STRATEGY_PREFIX) and pd.api.types.is_numeric_dtype(results[c])
    ]


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    denom = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / denom) if denom > 0 else float("nan")


def summarise(scenario: Scenario | None, results: pd.DataFrame) -> SweepSummary:
    """Summaries of a sweep's per-draw ``results`` for ``scenario`` (its ``[uncertainty]``).

    Without the scenario (its file changed or is gone) the lapse date and the costs are
    omitted and every drawn number in ``results`` counts as an input.
    """
    n = len(results)
    deal = results["agreement"].to_numpy(dtype=bool)
    voided = results["n_voided"].to_numpy() > 0
    tentative = deal | voided
    lapse = lapse_date(scenario) if scenario is not None else None
    has_dates = results["date"].notna().any()
    if scenario is not None and scenario.uncertainty is not None:
        inputs = [c for c in scenario.uncertainty.params if c in results]
    else:
        inputs = _drawn_columns(results)
    strategy_rows = []
    for column in results.columns:
        if column.startswith(STRATEGY_PREFIX):
            for name, group in results.groupby(column, observed=True):
                strategy_rows.append(
                    {
                        "party": column[len(STRATEGY_PREFIX) :],
                        "strategy": name,
                        "share": len(group) / n,
                        "p_agreement": float(group["agreement"].mean()),
                    }
                )
    return SweepSummary(
        n_draws=n,
        p_agreement=float(deal.mean()) if n else float("nan"),
        lapse=lapse,
        p_agreement_by_lapse=agreement_by(results, date=lapse)
        if lapse is not None and has_dates
        else None,
        p_rejected_once=float(voided.mean()) if n else float("nan"),
        p_ratified_given_deal=float(deal.sum() / tentative.sum()) if tentative.any() else None,
        terms=_terms(results),
        timeline=_timeline(results),
        cost=_cost(scenario, results),
        sensitivity=_sensitivity(results, inputs),
        strategies=pd.DataFrame(
            strategy_rows, columns=["party", "strategy", "share", "p_agreement"]
        ),
        forecasts=_forecasts(results),
    )
