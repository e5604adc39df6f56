"""The DEU III backtest as one call: run every model, score it overall and on the test split,
bootstrap the differences against the weighted mean, refit the fitted model's parameters on the
training split (no I/O; the CLI, the report and the store render :class:`DeuBacktest`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from burdenshare.backtest.bootstrap import DEFAULT_RESAMPLES, Interval, mae_difference
from burdenshare.backtest.deu import DeuData
from burdenshare.backtest.fit import CompromiseFit, fit_compromise
from burdenshare.backtest.runner import BASELINE, ModelSpec, RunTable, run_models
from burdenshare.backtest.split import Split, split_proposals
from burdenshare.backtest.summary import summarise
from burdenshare.forecast import compromise

__all__ = ["DeuBacktest", "backtest_deu"]


@dataclass(frozen=True, eq=False)
class DeuBacktest:
    """Everything a DEU backtest found.

    ``rows``: one row per (issue, model) (:class:`~burdenshare.backtest.runner.RunTable`);
    ``summary`` / ``test_summary``: scores per model over every issue / the test split;
    ``intervals`` / ``test_intervals``: Δ MAE against the weighted mean with 95% intervals;
    ``fit``: the compromise exponents refitted on the training split (and the registered ones).
    """

    data: DeuData
    run: RunTable
    summary: pd.DataFrame
    test_summary: pd.DataFrame
    intervals: dict[str, Interval]
    test_intervals: dict[str, Interval]
    fit: CompromiseFit
    seed: int
    resamples: int
    seconds: float

    @property
    def rows(self) -> pd.DataFrame:
        return self.run.rows

    @property
    def split(self) -> Split:
        return self.run.split

    @property
    def models(self) -> tuple[str, ...]:
        return self.run.models

    @property
    def registered_fit(self) -> tuple[float, float]:
        return compromise.FITTED_ALPHA, compromise.FITTED_BETA

    def best(self, split: str | None = None) -> str:
        """The model other than the weighted mean with the smallest MAE over every issue, or
        over the ``"test"`` split (first on ties)."""
        table = self.test_summary if split == "test" else self.summary
        others = table[table["model"] != BASELINE]
        return str(others.sort_values("mae", kind="stable").iloc[0]["model"])

    def verdict(self) -> str:
        """One sentence: does any model beat the weighted mean on the test split?"""
        better = [m for m, iv in self.test_intervals.items() if m != BASELINE and iv.high < 0]
        if better:
            return (
                "On the test split, " + ", ".join(better) + " beat the weighted mean "
                "(95% interval of the MAE difference below 0)."
            )
        return (
            "No model beats the weighted mean on the test split: every 95% interval of the MAE "
            "difference includes 0 or lies above it."
        )

    def notes(self) -> list[str]:
        """The data's notes and, per model, its notes with the number of issues they apply to."""
        out = list(self.data.notes())
        counts = (
            self.rows.loc[self.rows["notes"] != "", ["model", "notes"]]
            .assign(note=lambda f: f["notes"].str.split("; "))
            .explode("note")
        )
        counts["note"] = [_generic(n) for n in counts["note"]]
        for (model, note), n in counts.groupby(["model", "note"], sort=False).size().items():
            if note.startswith(
                ("rounds ", "no convergence", "positions on", "saliences on", "median and mean")
            ):
                continue  # per-run detail of the dynamic models, not a decision about data
            out.append(f"{model}: {note} ({n} issues)")
        return out

    def issues_wide(self, values: str = "forecast") -> pd.DataFrame:
        """One row per issue: facts, then each model's ``values`` (``"forecast"`` or
        ``"error"``) in a column named after the model."""
        facts = self.rows.drop_duplicates("issue")[
            ["issue", "proposal", "name", "voting_rule", "procedure", "split", "outcome"]
        ]
        fc = self.rows.pivot(index="issue", columns="model", values=values)[list(self.models)]
        return facts.merge(fc, left_on="issue", right_index=True)

    def to_json(self) -> dict[str, Any]:
        """``{"models": {name: {"mae", "rmse", "median_ae", "within_10", "n", "seconds",
        "test": {...scores}, "delta_vs_mean": {"all": {...}, "test": {...}}}}, "issues":
        [{"issue", "proposal", "voting_rule", "procedure", "split", "outcome", "forecasts":
        {model: x}, "errors": {model: e}}]}``; the fitted model also carries ``"fitted"``."""
        models: dict[str, Any] = {}
        test = self.test_summary.set_index("model")
        for rec in self.summary.to_dict(orient="records"):
            name = rec.pop("model")
            entry: dict[str, Any] = dict(rec)
            t = test.loc[name]
            entry["test"] = {
                k: (int(t[k]) if k == "n" else float(t[k]))
                for k in ("mae", "rmse", "median_ae", "within_10", "n")
            }
            entry["delta_vs_mean"] = {
                "all": self.intervals[name].to_json(),
                "test": self.test_intervals[name].to_json(),
            }
            if name == "compromise-fitted":
                entry["fitted"] = {
                    "alpha": self.registered_fit[0],
                    "beta": self.registered_fit[1],
                    "refit_alpha": self.fit.alpha,
                    "refit_beta": self.fit.beta,
                    "train_mae": self.fit.train_mae,
                    "split_seed": self.split.seed,
                }
            models[name] = entry
        issues = []
        for issue, grp in self.rows.groupby("issue", sort=False):
            first = grp.iloc[0]
            issues.append(
                {
                    "issue": issue,
                    "proposal": first["proposal"],
                    "voting_rule": first["voting_rule"],
                    "procedure": first["procedure"],
                    "split": first["split"],
                    "outcome": float(first["outcome"]),
                    "forecasts": dict(
                        zip(grp["model"], grp["forecast"].astype(float), strict=True)
                    ),
                    "errors": dict(zip(grp["model"], grp["error"].astype(float), strict=True)),
                }
            )
        return {"models": models, "issues": issues}

    def tables(self) -> dict[str, pd.DataFrame]:
        """The store's result tables: ``backtest_deu_issues`` (long) and ``backtest_deu_models``."""
        summary = self.summary.merge(
            self.test_summary[["model", "mae", "n"]].rename(
                columns={"mae": "test_mae", "n": "test_n"}
            ),
            on="model",
        )
        summary["delta_mae"] = [self.intervals[m].estimate for m in summary["model"]]
        summary["delta_low"] = [self.intervals[m].low for m in summary["model"]]
        summary["delta_high"] = [self.intervals[m].high for m in summary["model"]]
        summary["test_delta_mae"] = [self.test_intervals[m].estimate for m in summary["model"]]
        summary["test_delta_low"] = [self.test_intervals[m].low for m in summary["model"]]
        summary["test_delta_high"] = [self.test_intervals[m].high for m in summary["model"]]
        summary.insert(0, "benchmark", "deu")
        rows = self.rows.drop(columns=["seconds"]).assign(benchmark="deu")
        return {"backtest_deu_models": summary, "backtest_deu_issues": rows}


def _generic(note: str) -> str:
    """A note without its counts and names, so that notes of many issues group together."""
    note = note.rsplit(": ", 1)[0] if "take no part" in note else note
    return re.sub(r"\b\d+ of \d+ actors|\b\d+ actor\(s\)", "some actors", note)


def backtest_deu(
    data: DeuData,
    *,
    models: Sequence[str] | None = None,
    seed: int = 0,
    resamples: int = DEFAULT_RESAMPLES,
) -> DeuBacktest:
    """Run, score and compare every model on ``data`` (see :class:`DeuBacktest`).

    ``models`` restricts the run to those names (the weighted mean always runs: it is the
    yardstick). ``seed`` seeds the models (spawned) and the bootstrap; the split has its own
    declared seed (:data:`~burdenshare.backtest.split.SPLIT_SEED`).
    """
    from burdenshare.backtest.runner import model_specs

    start = time.perf_counter()
    names = None if models is None else sorted({*models, BASELINE}, key=list(models).index)
    specs: list[ModelSpec] = model_specs(names)
    if names is not None:
        specs.sort(key=lambda s: names.index(s.name) if s.name in names else len(names))
    split = split_proposals([i.proposal for i in data.issues])
    run = run_models(data, specs, seed=seed, split=split)
    rows = run.rows
    test_rows = rows[rows["split"] == "test"]
    boot_seeds = np.random.SeedSequence([seed, 1]).spawn(2 * len(run.models))
    intervals = {
        m: mae_difference(rows, m, BASELINE, seed=boot_seeds[2 * k], resamples=resamples)
        for k, m in enumerate(run.models)
    }
    test_intervals = {
        m: mae_difference(test_rows, m, BASELINE, seed=boot_seeds[2 * k + 1], resamples=resamples)
        for k, m in enumerate(run.models)
    }
    train = [i for i in data.issues if split.of(i.proposal) == "train"]
    return DeuBacktest(
        data=data,
        run=run,
        summary=summarise(rows, run.models),
        test_summary=summarise(rows, run.models, split="test"),
        intervals=intervals,
        test_intervals=test_intervals,
        fit=fit_compromise(train),
        seed=seed,
        resamples=resamples,
        seconds=time.perf_counter() - start,
    )
