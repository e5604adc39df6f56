"""Backtest of every model on past SMA rounds: as-of forecasts beside what happened.

For each round, :func:`~burdenshare.backtest.sma_rules.scenario_for_round` builds the as-of
scenario by one rule from facts public on its ``as_of``; then

* the **bargaining sweep** (``sweep``): ``draws`` negotiations over the scenario's
  ``[uncertainty]`` with both ratifiers voting; its forecast is the median first-year amount over
  the draws that end in a ratified deal, with P(deal) by the lapse of the previous agreement, by
  the horizon and by the day the real deal came;
* every registered **forecasting model** on the scenario's actor table (weighted median and
  mean, BDM, SMP, and any model added to the registry): its forecast of the contribution;
* the **naive baselines**: ``status_quo`` (0%), ``last_rise`` (the previous round's first-year
  rise again), ``split`` (the midpoint of the ask and the offer), ``host_offer``.

Each forecast is scored against the actual first-year rise in percentage points (forecast rise
over the as-of status quo minus the actual rise over the previous year's amount); the summary is
the mean absolute error per model and baseline. The actual record comes from the facts table's
``actual_*`` rows, which no scenario reads.

No I/O; deterministic for a seed (each round's seed is spawned from it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from burdenshare.backtest.sma_rules import (
    RoundInputs,
    actual_facts,
    check_round,
    facts,
    round_ids,
    round_inputs,
    scenario_for_round,
)
from burdenshare.errors import BurdenshareError, Problem

__all__ = ["BASELINES", "DEFAULT_DRAWS", "RoundResult", "SmaBacktest", "backtest_sma"]

#: draws per round by default: the whole backtest runs in a few seconds
DEFAULT_DRAWS = 400
BASELINES = ("status_quo", "last_rise", "split", "host_offer")
_BASELINE_LABELS = {
    "status_quo": "status quo (0%)",
    "last_rise": "last round's rise",
    "split": "split the difference",
    "host_offer": "host's opening offer",
}


@dataclass(frozen=True)
class RoundResult:
    """One round: its inputs, the actual record, each forecast and each baseline."""

    round: str
    label: str
    as_of: dt.date
    currency: str
    status_quo: float
    ask: float
    offer: float
    actual: dict[str, Any]
    #: model → {"amount", "change_pct", "error_pp", ...}
    forecasts: dict[str, dict[str, Any]]
    baselines: dict[str, dict[str, Any]]
    #: the sweep's first-year amounts over the draws with a deal (for the plots)
    deal_amounts: np.ndarray = field(repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "as_of": self.as_of.isoformat(),
            "actual": self.actual,
            "forecasts": self.forecasts,
            "baselines": self.baselines,
        }

    def inputs_json(self) -> dict[str, Any]:
        """What the rule made of the round's facts (amounts in the host's major units)."""
        return {
            "label": self.label,
            "currency": self.currency,
            "status_quo": self.status_quo,
            "ask": self.ask,
            "offer": self.offer,
        }


@dataclass(frozen=True)
class SmaBacktest:
    """The whole backtest: every round, and the MAE per model and baseline."""

    rounds: list[RoundResult]
    #: name → {"kind": "model"|"baseline", "mae_pp", "n", "rounds"}
    summary: dict[str, dict[str, Any]]
    draws: int
    seed: int
    facts_hash: str

    def to_json(self) -> dict[str, Any]:
        """``{"rounds": [{"round", "as_of", "actual", "forecasts", "baselines"}], "summary":
        {"draws", "seed", "unit", "mae_pp": {name: {"kind", "mae_pp", "n", "rounds"}},
        "inputs": {round: {...}}}}`` (the CLI's ``--json``)."""
        return {
            "rounds": [r.to_json() for r in self.rounds],
            "summary": {
                "draws": self.draws,
                "seed": self.seed,
                "unit": "percentage points of the first-year rise",
                "mae_pp": self.summary,
                "inputs": {r.round: r.inputs_json() for r in self.rounds},
            },
        }

    def tables(self) -> dict[str, pd.DataFrame]:
        """Tables for the store: one row per round, per forecast, per summary entry."""
        rounds = pd.DataFrame(
            [
                {
                    "round": r.round,
                    "label": r.label,
                    "as_of": r.as_of,
                    "currency": r.currency,
                    "status_quo": r.status_quo,
                    "ask": r.ask,
                    "offer": r.offer,
                    **{f"actual_{k}": v for k, v in r.actual.items() if k != "sources"},
                }
                for r in self.rounds
            ]
        )
        rows = []
        for r in self.rounds:
            for kind, entries in (("model", r.forecasts), ("baseline", r.baselines)):
                for name, f in entries.items():
                    rows.append(
                        {
                            "round": r.round,
                            "name": name,
                            "kind": kind,
                            "amount": f.get("amount"),
                            "change_pct": f.get("change_pct"),
                            "error_pp": f.get("error_pp"),
                            "p_deal": f.get("p_deal"),
                            "p_deal_by_lapse": (f.get("p_deal_by") or {}).get("lapse"),
                            "p_deal_by_horizon": (f.get("p_deal_by") or {}).get("horizon"),
                            "p_deal_by_actual_date": (f.get("p_deal_by") or {}).get(
                                "actual_deal_date"
                            ),
                        }
                    )
        summary = pd.DataFrame(
            [
                {"name": n, "kind": s["kind"], "mae_pp": s["mae_pp"], "n": s["n"]}
                for n, s in self.summary.items()
            ]
        )
        return {
            "backtest_sma_rounds": rounds,
            "backtest_sma_forecasts": pd.DataFrame(rows),
            "backtest_sma_summary": summary,
        }


def facts_hash() -> str:
    """A content hash of the facts table (the backtest's "scenario hash" in the store)."""
    text = "\n".join("\x1f".join(vars(f).values()) for f in facts())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _round_seed(seed: int, index: int) -> int:
    return int(np.random.SeedSequence([seed, index]).generate_state(1)[0])


def _actual(round_id: str) -> dict[str, Any]:
    a = actual_facts(round_id)
    amount, previous = float(a["amount"].amount()), float(a["previous"].amount())
    return {
        "first_year": int(a["first_year"].value),
        "amount": amount,
        "previous": previous,
        "change_pct": round((amount / previous - 1.0) * 100.0, 4),
        "duration": int(a["duration"].value),
        "deal_date": a["deal_date"].value,
        "sources": sorted({f.source_url for f in a.values()}),
    }


def _scored(inputs: RoundInputs, amount: float | None, actual: dict[str, Any]) -> dict[str, Any]:
    if amount is None or not math.isfinite(amount):
        return {"amount": None, "change_pct": None, "error_pp": None}
    change = inputs.rise(amount)
    return {
        "amount": float(amount),
        "change_pct": round(change, 4),
        "error_pp": round(change - actual["change_pct"], 4),
    }


def _sweep_forecast(
    inputs: RoundInputs, scenario: Any, actual: dict[str, Any], draws: int, seed: int
) -> tuple[dict[str, Any], np.ndarray]:
    from burdenshare.sweep.scenario_sweep import sweep_in_memory
    from burdenshare.sweep.summary import agreement_by

    sweep = sweep_in_memory(scenario, draws=draws, seed=seed)
    results = sweep.results
    deal = results["agreement"].to_numpy(dtype=bool)
    amounts = results.loc[deal, "deal.contribution"].to_numpy(dtype=np.float64)
    durations = results.loc[deal, "deal.duration"].to_numpy(dtype=np.float64)
    deal_date = dt.date.fromisoformat(actual["deal_date"])
    lapse = inputs.lapse.value
    out = _scored(inputs, float(np.median(amounts)) if amounts.size else None, actual)
    quantiles = {}
    for q in (0.05, 0.25, 0.75, 0.95):
        value = float(np.quantile(amounts, q)) if amounts.size else None
        quantiles[f"q{round(q * 100):02d}"] = value
    out.update(
        {
            "n_deals": int(deal.sum()),
            "draws": len(results),
            "p_deal": float(deal.mean()),
            "p_deal_by": {
                # None when the talks already ran past the lapse on as_of
                "lapse": agreement_by(results, date=lapse) if lapse >= inputs.as_of else None,
                "horizon": agreement_by(results, date=inputs.horizon),
                "actual_deal_date": agreement_by(results, date=deal_date),
            },
            "deadlines": {
                "lapse": lapse.isoformat(),
                "horizon": inputs.horizon.isoformat(),
                "actual_deal_date": deal_date.isoformat(),
            },
            "duration_median": float(np.median(durations)) if durations.size else None,
            "quantiles": quantiles,
        }
    )
    return out, amounts


def _model_forecasts(
    inputs: RoundInputs, scenario: Any, actual: dict[str, Any], seed: int
) -> dict[str, dict[str, Any]]:
    from burdenshare.forecast.registry import load_models
    from burdenshare.forecast.scenario_actors import actor_table_from_scenario, run_model

    table = actor_table_from_scenario(scenario)
    section = scenario.actors
    scale = section.dimensions["contribution"].scale
    dims = list(section.dimensions)
    out: dict[str, dict[str, Any]] = {}
    for name in load_models():
        try:
            run = run_model(
                name, table, scenario, rounds=section.rounds, seed=seed, preset=section.preset
            )
        except (BurdenshareError, ValueError) as exc:  # a model that cannot take this table
            out[name] = {"amount": None, "change_pct": None, "error_pp": None, "note": str(exc)}
            continue
        forecast = dict(zip(dims, np.asarray(run.forecast, dtype=float), strict=True))
        entry = _scored(inputs, forecast["contribution"] / scale, actual)
        entry["duration"] = round(float(forecast["duration"]), 4)
        out[name] = entry
    return out


def _baselines(inputs: RoundInputs, actual: dict[str, Any]) -> dict[str, dict[str, Any]]:
    sq = float(inputs.status_quo.value)
    amounts = {
        "status_quo": sq,
        "last_rise": sq * (1.0 + float(inputs.last_rise.value) / 100.0),
        "split": (float(inputs.ask.value) + float(inputs.offer.value)) / 2.0,
        "host_offer": float(inputs.offer.value),
    }
    return {
        name: {**_scored(inputs, amount, actual), "label": _BASELINE_LABELS[name]}
        for name, amount in amounts.items()
    }


def _summary(rounds: list[RoundResult]) -> dict[str, dict[str, Any]]:
    errors: dict[str, tuple[str, dict[str, float]]] = {}
    for r in rounds:
        for kind, entries in (("model", r.forecasts), ("baseline", r.baselines)):
            for name, f in entries.items():
                per_round = errors.setdefault(name, (kind, {}))[1]
                if f.get("error_pp") is not None:
                    per_round[r.round] = f["error_pp"]
    out = {}
    for name, (kind, per_round) in errors.items():
        values = np.abs(np.array(list(per_round.values()), dtype=float))
        out[name] = {
            "kind": kind,
            "mae_pp": round(float(values.mean()), 4) if values.size else None,
            "n": int(values.size),
            "rounds": {k: round(v, 4) for k, v in per_round.items()},
        }
    ranked = sorted(out.items(), key=lambda kv: (kv[1]["mae_pp"] is None, kv[1]["mae_pp"] or 0))
    return dict(ranked)


def _run_round(round_id: str, index: int, draws: int, seed: int) -> RoundResult:
    """One round, start to end (a unit of work for a worker process)."""
    inputs = round_inputs(round_id)
    scenario = scenario_for_round(round_id)
    actual = _actual(round_id)
    round_seed = _round_seed(seed, index)
    sweep, amounts = _sweep_forecast(inputs, scenario, actual, draws, round_seed)
    forecasts = {"sweep": sweep, **_model_forecasts(inputs, scenario, actual, round_seed)}
    return RoundResult(
        round=round_id,
        label=inputs.label,
        as_of=inputs.as_of,
        currency=inputs.currency,
        status_quo=float(inputs.status_quo.value),
        ask=float(inputs.ask.value),
        offer=float(inputs.offer.value),
        actual=actual,
        forecasts=forecasts,
        baselines=_baselines(inputs, actual),
        deal_amounts=amounts,
    )


def backtest_sma(
    *,
    rounds: list[str] | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    workers: int = 1,
) -> SmaBacktest:
    """Run every model and baseline on ``rounds`` (default: all, oldest first).

    Each round's seed derives from ``seed`` and the round's place in the table (not from the
    rounds chosen or the worker that runs it), so a round's numbers are the same whichever
    rounds run with it and whatever ``workers`` (processes, one round each) is.
    """
    for name, value in (("--draws", draws), ("--workers", workers)):
        if value < 1:
            raise BurdenshareError(
                [Problem(f"too few {name[2:]}", path=name, expected="at least 1", found=str(value))]
            )
    chosen = {check_round(r) for r in rounds} if rounds else set(round_ids())
    jobs = [(r, index, draws, seed) for index, r in enumerate(round_ids()) if r in chosen]
    if workers == 1 or len(jobs) == 1:
        results = [_run_round(*job) for job in jobs]
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            results = list(pool.map(_run_round, *zip(*jobs, strict=True)))
    return SmaBacktest(results, _summary(results), draws, seed, facts_hash())
