"""A scenario's agreements projected year by year: its index series and CPIs, its ledgers, the
problems that only show when the schedules are computed, and the SMA history in its prices.

These turn the scenario's ``[agreement]``, ``[schedules]``, ``[indices]`` and ``[ledger]``
sections into the agreement engine's inputs (the bundled series, extended or overridden by the
scenario's own); the application layer (:mod:`burdenshare.app`) and the sweep call them.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pandas as pd

from burdenshare import data as bundled
from burdenshare.agreement.ledger import fx_rate, ledger, price_ratio
from burdenshare.agreement.schedule import schedule
from burdenshare.errors import DataError, Problem, display_path
from burdenshare.scenario import Scenario
from burdenshare.scenario.agreement import BUILTIN_INDICES

__all__ = [
    "DEFAULT_ASSUMED_INFLATION",
    "effective_cpis",
    "effective_indices",
    "inflation_rates",
    "scenario_ledgers",
    "schedule_problems",
    "sma_history",
]

#: Kept for callers of 0.1.0; the assumed inflation is now the scenario's
#: ``[ledger] assumed_inflation`` (per currency), stated in the ledger and the report.
DEFAULT_ASSUMED_INFLATION = Decimal("2.0")


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
