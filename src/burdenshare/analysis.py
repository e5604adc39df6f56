"""Run every analysis a scenario enables and collect the results (no I/O).

``analyze(scenario)`` is what ``burdenshare analyze`` runs before writing the report and the
DuckDB file. For now it projects the scenario's agreement and schedules (the ledger), compares the
schedules named in ``[ledger] compare``, and puts the bundled SMA payment history (1991-2030) in
the scenario's base-year prices. Later analyses (bargaining, forecasting, sweeps) add fields here
and a report section each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

import pandas as pd

from burdenshare import data as bundled
from burdenshare.agreement import BUILTIN_INDICES, compare, ledger, price_ratio, schedule
from burdenshare.agreement.ledger import fx_rate
from burdenshare.bargaining.scenario import (
    Branch,
    ScenarioBargainingResults,
    base_runs,
    scenario_bargaining,
)
from burdenshare.errors import DataError, Problem, display_path
from burdenshare.forecast.scenario import ScenarioForecast, forecast_scenario
from burdenshare.scenario import Scenario
from burdenshare.sweep.bottom_line import BottomLine, bottom_line
from burdenshare.sweep.scenario import ScenarioSweep, sweep_in_memory

#: CPI change assumed for years the data do not cover yet (the Bank of Korea's 2 % target);
#: rows that use it are flagged ``real_basis = "assumed"``.
DEFAULT_ASSUMED_INFLATION = Decimal("2.0")


@dataclass(frozen=True)
class AnalysisResults:
    """Everything ``analyze`` computed for one scenario."""

    scenario: Scenario
    seed: int
    base_year: int
    currencies: tuple[str, ...]
    assumed_inflation: Decimal
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
            games = self.bargaining.tournament.copy()
            for col in ("ended_by", "reason"):
                games[col] = games[col].astype(str)
            out["bargaining_tournament"] = games
            out["bargaining_summary"] = self.bargaining.summary
        return out


def effective_indices(scenario: Scenario) -> dict[str, dict[int, Decimal]]:
    """Index series for escalation: the bundled ones, extended or overridden year by year by the
    scenario's ``[indices]``."""
    indices: dict[str, dict[int, Decimal]] = {
        name: bundled.index_series(name) for name in BUILTIN_INDICES
    }
    for name, series in scenario.indices_map().items():
        indices[name] = {**indices.get(name, {}), **series}
    return indices


def schedule_problems(scenario: Scenario) -> list[Problem]:
    """Problems that only show when the schedules are computed (an index year without data),
    located at the agreement or schedule that has them."""
    indices = effective_indices(scenario)
    problems: list[Problem] = []
    file = display_path(scenario.source_path) if scenario.source_path else None
    for sid, spec in scenario.agreements().items():
        prefix = "agreement" if sid == "agreement" else f"schedules.{sid}"
        try:
            schedule(spec, indices)
        except DataError as exc:
            problems += [
                replace(p, file=file, path=f"{prefix}.{p.path}" if p.path else prefix)
                for p in exc.problems
            ]
    return problems


def scenario_ledgers(
    scenario: Scenario,
    *,
    base_year: int | None = None,
    currencies: tuple[str, ...] | None = None,
    assumed_inflation: Decimal | None = None,
    ids: list[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Ledger of the template and of each schedule (or of ``ids``), with the scenario's indices."""
    indices = effective_indices(scenario)
    specs = scenario.agreements()
    if ids is not None:
        specs = {i: specs[i] for i in ids}
    return {
        sid: ledger(
            spec,
            indices=indices,
            cpi=indices["rok_cpi"],
            base_year=base_year if base_year is not None else scenario.ledger.base_year,
            currencies=currencies or tuple(scenario.ledger.currencies),
            assumed_inflation=assumed_inflation,
        )
        for sid, spec in specs.items()
    }


def sma_history(
    base_year: int,
    *,
    assumed_inflation: Decimal = DEFAULT_ASSUMED_INFLATION,
    cpi: dict[int, Decimal] | None = None,
) -> pd.DataFrame:
    """The bundled SMA payment series 1991-2030 with KRW and USD amounts and real KRW at
    ``base_year`` prices: ``real_krw = amount_krw × P[base] / P[year]`` (ROK CPI)."""
    payments = bundled.sma_payments()
    cpi = bundled.index_series("rok_cpi") if cpi is None else cpi
    fx = bundled.fx_table()
    real, real_basis, usd = [], [], []
    for year, krw in zip(payments["year"], payments["amount_krw"], strict=True):
        ratio, missing = price_ratio(cpi, base_year, int(year), assumed_inflation=assumed_inflation)
        real.append(float(Decimal(repr(float(krw))) / ratio))
        real_basis.append("assumed" if missing else "data")
        rate, _held = fx_rate(fx, "KRW", int(year))
        usd.append(float(krw) / float(rate))
    return pd.DataFrame(
        {
            "year": payments["year"].astype("int64"),
            "round": payments["round"].astype("int64"),
            "currency": payments["currency"],
            "amount": payments["amount"].astype("float64"),
            "amount_krw": payments["amount_krw"].astype("float64"),
            "amount_usd": usd,
            "real_krw": real,
            "real_basis": real_basis,
            "status": payments["status"],
            "source_url": payments["source_url"],
        }
    )


def analyze(
    scenario: Scenario, *, seed: int = 0, assumed_inflation: Decimal = DEFAULT_ASSUMED_INFLATION
) -> AnalysisResults:
    """Run every analysis ``scenario`` enables. ``seed`` is recorded now and drives the
    stochastic analyses that later sections add."""
    started = dt.datetime.now(dt.UTC)
    base_year = scenario.ledger.base_year or scenario.meta.as_of.year
    currencies = tuple(dict.fromkeys(["USD", *scenario.ledger.currencies]))
    ledgers = scenario_ledgers(
        scenario, base_year=base_year, currencies=currencies, assumed_inflation=assumed_inflation
    )
    comparison = None
    ids = scenario.ledger.compare
    if len(ids) >= 2:
        specs = scenario.agreements()
        indices = effective_indices(scenario)
        pair = compare(specs[ids[0]], specs[ids[1]], currency="USD", indices=indices)
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
        assumed_inflation=assumed_inflation,
        ledgers=ledgers,
        comparison=comparison,
        history=sma_history(
            base_year,
            assumed_inflation=assumed_inflation,
            cpi=effective_indices(scenario)["rok_cpi"],
        ),
        bargaining=bargaining,
        forecast=forecast_scenario(scenario, seed=seed) if scenario.actors else None,
        sweep=sweep,
        bottom_line=line,
        branches=branches,
        started_at=started,
    )
