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

#: Kept for callers of 0.1.0; the assumed inflation is now the scenario's
#: ``[ledger] assumed_inflation`` (per currency), stated in the ledger and the report.
DEFAULT_ASSUMED_INFLATION = Decimal("2.0")


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


def effective_cpis(scenario: Scenario) -> dict[str, dict[int, Decimal]]:
    """Each currency's consumer-price series (ROK, Japan, US), extended or overridden year by
    year by a scenario index of the same name (``[indices.rok_cpi]``, ``japan_cpi``, ``us_cpi``)."""
    own = scenario.indices_map()
    return {
        currency: {**bundled.cpi_series(currency), **own.get(name, {})}
        for currency, (name, _file, _label) in bundled.CPI_SERIES.items()
    }


def inflation_rates(
    scenario: Scenario, override: Decimal | dict[str, Decimal] | None = None
) -> dict[str, Decimal]:
    """CPI change assumed per currency: ``override`` (one rate for every currency, or per
    currency) over the scenario's ``[ledger] assumed_inflation``."""
    rates = {c: Decimal(str(v)) for c, v in scenario.ledger.assumed_inflation.items()}
    if isinstance(override, dict):
        rates.update(override)
    elif override is not None:
        rates = dict.fromkeys(bundled.CPI_SERIES, Decimal(str(override)))
    return rates


def scenario_ledgers(
    scenario: Scenario,
    *,
    base_year: int | None = None,
    currencies: tuple[str, ...] | None = None,
    assumed_inflation: Decimal | dict[str, Decimal] | None = None,
    ids: list[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Ledger of the template and of each schedule (or of ``ids``), with the scenario's indices,
    each currency deflated by its own CPI; ``assumed_inflation`` overrides the scenario's."""
    indices = effective_indices(scenario)
    cpis = effective_cpis(scenario)
    rates = inflation_rates(scenario, assumed_inflation)
    specs = scenario.agreements()
    if ids is not None:
        specs = {i: specs[i] for i in ids}
    return {
        sid: ledger(
            spec,
            indices=indices,
            cpi=cpis[spec.currency],
            cpis=cpis,
            base_year=base_year if base_year is not None else scenario.ledger.base_year,
            currencies=currencies or tuple(scenario.ledger.currencies),
            assumed_inflation=rates,
        )
        for sid, spec in specs.items()
    }


def sma_history(
    base_year: int,
    *,
    assumed_inflation: Decimal | None = DEFAULT_ASSUMED_INFLATION,
    cpi: dict[int, Decimal] | None = None,
) -> pd.DataFrame:
    """The bundled SMA payment series 1991-2030 with KRW and USD amounts and real KRW at
    ``base_year`` prices: ``real_krw = amount_krw × P[base] / P[year]`` (ROK CPI).

    Years the ROK CPI lacks use ``assumed_inflation`` (``real_basis = "assumed"``); without
    it those rows' ``real_krw`` is NaN."""
    payments = bundled.sma_payments()
    cpi = bundled.index_series("rok_cpi") if cpi is None else cpi
    fx = bundled.fx_table()
    real, real_basis, usd = [], [], []
    for year, krw in zip(payments["year"], payments["amount_krw"], strict=True):
        ratio, missing = price_ratio(cpi, base_year, int(year), assumed_inflation=assumed_inflation)
        unknown = bool(missing) and assumed_inflation is None
        real.append(float("nan") if unknown else float(Decimal(repr(float(krw))) / ratio))
        real_basis.append("missing" if unknown else "assumed" if missing else "data")
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
