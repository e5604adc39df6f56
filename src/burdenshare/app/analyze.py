"""Run every analysis a scenario enables and collect the results (no I/O).

``analyze(scenario)`` is what ``burdenshare analyze`` runs before writing the report and the
DuckDB file: the ledger of the scenario's agreement and schedules, the schedules compared in
``[ledger] compare``, the bundled SMA payment history in the scenario's base-year prices, and —
when the scenario has the sections — bargaining, forecasts, the sweep over ``[uncertainty]`` and
its bottom line. Each engine brings its own result type with its own ``tables()``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from burdenshare import __version__
from burdenshare.agreement import compare
from burdenshare.agreement.projection import (
    effective_cpis,
    effective_indices,
    inflation_rates,
    scenario_ledgers,
    sma_history,
)
from burdenshare.bargaining.talks import (
    Branch,
    ScenarioBargainingResults,
    base_runs,
    scenario_bargaining,
)
from burdenshare.forecast.scenario_actors import ScenarioForecast, forecast_scenario
from burdenshare.scenario import Scenario
from burdenshare.store import RunRecord, write_run
from burdenshare.store.duckdb_store import utc_now
from burdenshare.sweep.bottom_line import MIN_EVENTS, BottomLine, bottom_line
from burdenshare.sweep.scenario_sweep import ScenarioSweep, sweep_in_memory

__all__ = ["MIN_EVENTS", "AnalysisResults", "analyze", "store_analysis"]


@dataclass(frozen=True)
class AnalysisResults:
    """Everything ``analyze`` computed for one scenario."""

    scenario: Scenario
    seed: int
    base_year: int
    currencies: tuple[str, ...]
    #: CPI change (% a year) assumed per currency after its CPI data end ([ledger]
    #: assumed_inflation, or the override given to ``analyze``)
    assumed_inflation: dict[str, Decimal]
    #: ledger per agreement id: "agreement" (the template) and each schedule
    ledgers: dict[str, pd.DataFrame]
    #: schedules compared (``[ledger] compare``), in USD: year, one column per id
    comparison: pd.DataFrame | None
    #: bundled SMA payments 1991-2030 with real amounts at ``base_year`` prices
    history: pd.DataFrame
    #: bilateral bargaining runs, when the scenario has a [bargaining] section
    bargaining: ScenarioBargainingResults | None = None
    #: multi-actor forecasts, when the scenario has an [actors] section
    forecast: ScenarioForecast | None = None
    #: Monte Carlo over the scenario's [uncertainty] (seed: [uncertainty] seed)
    sweep: ScenarioSweep | None = None
    #: what deal, when, how likely and why, from the sweep
    bottom_line: BottomLine | None = None
    #: the base case in each branch of the uncertain events, likeliest first
    branches: tuple[Branch, ...] = ()
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def assumed_cpi(self) -> dict[str, tuple[Decimal, list[int]]]:
        """Per currency, the CPI change assumed and the years it stood in for (in any ledger
        or in the SMA history)."""
        years: dict[str, set[int]] = {}
        for frame in self.ledgers.values():
            for cur, (_rate, ys) in frame.attrs.get("assumed_cpi", {}).items():
                years.setdefault(cur, set()).update(ys)
        assumed = self.history[self.history["real_basis"] == "assumed"]
        if len(assumed):
            first = int(assumed["year"].min())
            # the years CPI was assumed for (between the data's end and the latest row)
            years.setdefault("KRW", set()).update(range(first, int(assumed["year"].max()) + 1))
        return {c: (self.assumed_inflation[c], sorted(ys)) for c, ys in years.items() if ys}

    def assumption_notes(self) -> list[str]:
        """One sentence per currency whose CPI was assumed, for the terminal and the report."""
        from burdenshare.agreement.ledger import cpi_label

        notes = []
        for cur, (rate, ys) in self.assumed_cpi().items():
            span = f"{ys[0]}" if len(ys) == 1 else f"{ys[0]}-{ys[-1]}"
            notes.append(
                f"real {cur} amounts assume {cpi_label(cur)} inflation of {rate}% a year for "
                f"{span} (no data yet; [ledger] assumed_inflation)"
            )
        missing = self.history[self.history["real_basis"] == "missing"]
        if len(missing):
            notes.append(
                f"real amounts of the SMA history for {int(missing['year'].min())}-"
                f"{int(missing['year'].max())} are left out: the ROK CPI has no data for them "
                "and the scenario sets no [ledger] assumed_inflation for KRW"
            )
        return notes

    def tables(self) -> dict[str, pd.DataFrame]:
        """Result tables for the store, one per result kind (tidy, with an id column)."""
        ledger_rows = pd.concat(
            [f.assign(schedule=sid)[["schedule", *f.columns]] for sid, f in self.ledgers.items()],
            ignore_index=True,
        )
        # Category columns differ between schedules; keep them in a long table of their own.
        cat_cols = [c for c in ledger_rows.columns if c.startswith("cat_")]
        categories = (
            ledger_rows[["schedule", "year", *cat_cols]]
            .melt(id_vars=["schedule", "year"], var_name="category", value_name="nominal")
            .dropna(subset=["nominal"])
        )
        categories["category"] = categories["category"].str.removeprefix("cat_")
        out = {
            "ledger": ledger_rows.drop(columns=cat_cols),
            "ledger_categories": categories.reset_index(drop=True),
            "sma_history": self.history,
        }
        if self.comparison is not None:
            out["ledger_comparison"] = self.comparison
        if self.forecast is not None:
            out.update(self.forecast.tables())
        if self.sweep is not None:
            out.update(self.sweep.tables())
        if self.bargaining is not None:
            out.update(self.bargaining.tables())
        return out


def analyze(
    scenario: Scenario,
    *,
    seed: int = 0,
    assumed_inflation: Decimal | dict[str, Decimal] | None = None,
) -> AnalysisResults:
    """Run every analysis ``scenario`` enables. ``seed`` is recorded now and drives the
    stochastic analyses that later sections add. ``assumed_inflation`` overrides the
    scenario's ``[ledger] assumed_inflation`` (one rate, or one per currency)."""
    started = dt.datetime.now(dt.UTC)
    base_year = scenario.ledger.base_year or scenario.meta.as_of.year
    currencies = tuple(dict.fromkeys(["USD", *scenario.ledger.currencies]))
    rates = inflation_rates(scenario, assumed_inflation)
    ledgers = scenario_ledgers(
        scenario, base_year=base_year, currencies=currencies, assumed_inflation=rates
    )
    comparison = None
    ids = scenario.ledger.compare
    if len(ids) >= 2:
        specs = scenario.agreements()
        indices = effective_indices(scenario)
        # like with like: the schedule that ends sooner runs on by its own rule
        pair = compare(specs[ids[0]], specs[ids[1]], currency="USD", indices=indices, extend="rule")
        comparison = pair.rename(columns={"a": ids[0], "b": ids[1]})
        for extra in ids[2:]:
            usd = ledgers[extra].set_index("year")["nominal_usd"]
            comparison[extra] = comparison["year"].map(usd)
    sweep = sweep_in_memory(scenario, negotiators_alone=True) if scenario.uncertainty else None
    line = bottom_line(scenario, sweep.results, sweep.summary) if sweep is not None else None
    bargaining = scenario_bargaining(scenario, seed=seed) if scenario.bargaining else None
    branches = tuple(base_runs(scenario, seed=seed)) if scenario.bargaining else ()
    return AnalysisResults(
        scenario=scenario,
        seed=seed,
        base_year=base_year,
        currencies=currencies,
        assumed_inflation=rates,
        ledgers=ledgers,
        comparison=comparison,
        history=sma_history(
            base_year,
            assumed_inflation=rates.get("KRW"),
            cpi=effective_cpis(scenario)["KRW"],
        ),
        bargaining=bargaining,
        forecast=forecast_scenario(scenario, seed=seed) if scenario.actors else None,
        sweep=sweep,
        bottom_line=line,
        branches=branches,
        started_at=started,
    )


def store_analysis(results: AnalysisResults, db_path: str | Path) -> str:
    """Write ``results`` to the DuckDB file ``db_path`` as one ``analyze`` run (a row in
    ``runs``, its rows in one table per result kind); returns the run id."""
    scenario = results.scenario
    record = RunRecord(
        command="analyze",
        scenario_id=scenario.meta.id,
        scenario_title=scenario.meta.title,
        scenario_hash=scenario.content_hash,
        seed=results.seed,
        version=__version__,
        started_at=results.started_at,
        finished_at=utc_now(),
        # `show` finds the scenario again through its file (absolute: it may run elsewhere)
        parameters={
            "scenario_path": str(Path(scenario.source_path).resolve())
            if scenario.source_path
            else None
        },
    )
    return write_run(db_path, record, results.tables())
