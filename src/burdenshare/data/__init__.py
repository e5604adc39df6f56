"""Bundled, sourced data on alliance cost sharing (US-ROK SMA, US-Japan HNS) and macro inputs.

Every row of every dataset carries ``source_url`` (where the figure comes from), ``as_of`` (the
date it was checked) and ``status``:

* ``verified``: stated in the cited source;
* ``derived``: computed from sourced inputs; the row's note shows the arithmetic;
* ``estimate``: a projection or assumption; the row's note says which;
* ``uncertain``: weak source or conflicting sources; the row's note says why.

The data live in ``burdenshare/data/*.csv`` with exact plain numbers (``1038900000000``); the
loaders return pandas DataFrames (amounts as float64, exact for whole units below 2**53), and
:func:`index_series` / :func:`fx_table` return exact :class:`~decimal.Decimal` mappings read from
the CSV text. See ``PROVENANCE.md`` next to this file and ``docs/data.md``.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

import pandas as pd

from burdenshare.errors import DataError, Problem

__all__ = [
    "CPI_SERIES",
    "DATASETS",
    "INDEX_SERIES",
    "REGISTRY",
    "STATUSES",
    "Dataset",
    "cpi_series",
    "csv_text",
    "dataset",
    "fx_rates",
    "fx_table",
    "index_series",
    "japan_cpi",
    "japan_hns",
    "load",
    "records",
    "rok_cpi",
    "rok_defense_budget",
    "sma_payments",
    "sma_rounds",
    "timeline",
    "us_cpi",
]

#: Valid values of every dataset's ``status`` column.
STATUSES: tuple[str, ...] = ("verified", "derived", "estimate", "uncertain")


@cache
def _text(filename: str) -> str:
    return resources.files(__name__).joinpath(filename).read_text(encoding="utf-8")


@cache
def _raw(filename: str) -> pd.DataFrame:
    """The CSV exactly as written: every cell a string, empty cells ``""``."""
    return pd.read_csv(io.StringIO(_text(filename)), dtype=str, keep_default_na=False)


def _typed(
    filename: str,
    ints: tuple[str, ...] = (),
    floats: tuple[str, ...] = (),
    dates: tuple[str, ...] = (),
) -> pd.DataFrame:
    df = _raw(filename).copy()
    for col in ints:
        df[col] = df[col].astype("int64")
    for col in floats:
        df[col] = pd.to_numeric(df[col].mask(df[col] == ""), errors="raise").astype("float64")
    for col in (*dates, "as_of"):
        df[col] = pd.to_datetime(df[col].mask(df[col] == ""), format="%Y-%m-%d")
    return df


def sma_rounds() -> pd.DataFrame:
    """One row per US-ROK Special Measures Agreement, rounds 1-12 (1991-2030).

    Columns: ``round``, ``first_year``, ``last_year``, ``signed`` (text as reported),
    ``signed_date`` (NaT when the day is unknown), ``first_year_amount_krw`` /
    ``first_year_amount_usd`` (NaN when not reported in that currency), ``currency``
    (``USD``, ``KRW+USD`` or ``KRW``), ``escalation_rule`` (text), ``escalation`` (short code such
    as ``index:rok_cpi:lag=2:cap=5``), ``assembly_consent``, ``entry_into_force``, ``notes``,
    ``source_url``, ``more_sources`` (`` | ``-separated), ``as_of``, ``status``.
    """
    return _typed(
        "sma_rounds.csv",
        ints=("round", "first_year", "last_year"),
        floats=("first_year_amount_krw", "first_year_amount_usd"),
        dates=("signed_date", "assembly_consent", "entry_into_force"),
    )


def sma_payments() -> pd.DataFrame:
    """ROK contribution under the SMA, one row per year 1991-2030.

    ``amount`` is in ``currency`` (USD for 1991-2004 as the MND chart gives them, KRW from 2005);
    ``amount_krw`` is always KRW (1991-2004 converted at the yearly average rate, status
    ``derived``). 2023-2024 are derived from the 11th SMA formula, 2027-2030 are projections by
    the 12th SMA rule (status ``estimate``); ``note`` explains each such row.
    """
    return _typed("sma_payments.csv", ints=("year", "round"), floats=("amount", "amount_krw"))


def japan_hns() -> pd.DataFrame:
    """Japan's host-nation-support special measures agreements (2006, 2008, 2011, 2016, 2021
    protocol, 2022) with period, signing, Diet approval, yearly/total JPY amounts and key terms."""
    return _typed(
        "japan_hns.csv",
        ints=("first_fy", "last_fy"),
        floats=("annual_jpy", "total_jpy"),
        dates=("signed_date", "diet_approval", "entry_into_force"),
    )


def fx_rates() -> pd.DataFrame:
    """Yearly average exchange rates, units of ``currency`` per US dollar (KRW, JPY; 1990-2025)."""
    return _typed("fx_rates.csv", ints=("year",), floats=("per_usd",))


def rok_cpi() -> pd.DataFrame:
    """ROK consumer-price inflation, annual average, percent (1990-2025)."""
    return _typed("rok_cpi.csv", ints=("year",), floats=("percent",))


def japan_cpi() -> pd.DataFrame:
    """Japan's consumer-price inflation, annual average, percent (1990-2024)."""
    return _typed("japan_cpi.csv", ints=("year",), floats=("percent",))


def us_cpi() -> pd.DataFrame:
    """US consumer-price inflation (CPI-U), annual average, percent (1990-2024)."""
    return _typed("us_cpi.csv", ints=("year",), floats=("percent",))


def rok_defense_budget() -> pd.DataFrame:
    """ROK main defence budget (``budget_krw``, ``budget_trn_krw``) and its growth in percent
    (``growth_percent``), 2015-2026, the index of the 11th SMA."""
    return _typed(
        "rok_defense_budget.csv",
        ints=("year",),
        floats=("budget_krw", "budget_trn_krw", "growth_percent"),
    )


def timeline() -> pd.DataFrame:
    """Dated events of the SMA and HNS negotiations (``date`` is text: a day, or a month such
    as ``2019-07`` when the day is unknown)."""
    return _typed("timeline.csv")


#: Index series the agreement models can escalate by: name -> (file, percent column).
INDEX_SERIES: dict[str, tuple[str, str]] = {
    "rok_cpi": ("rok_cpi.csv", "percent"),
    "rok_defense_budget": ("rok_defense_budget.csv", "growth_percent"),
}


def index_series(name: str) -> dict[int, Decimal]:
    """Yearly percent changes of a bundled index, exact: ``{2025: Decimal("2.1"), ...}``.

    ``name`` is ``"rok_cpi"`` (consumer prices) or ``"rok_defense_budget"`` (main defence
    budget growth). Any other name raises :class:`~burdenshare.errors.DataError`.
    """
    if name not in INDEX_SERIES:
        raise DataError(
            [
                Problem(
                    "unknown index series",
                    path="index",
                    expected="one of " + ", ".join(INDEX_SERIES),
                    found=repr(name),
                )
            ]
        )
    filename, column = INDEX_SERIES[name]
    raw = _raw(filename)
    return {int(y): Decimal(v) for y, v in zip(raw["year"], raw[column], strict=True)}


#: Each currency's own consumer prices, which deflate amounts in it: currency -> (name of the
#: series, as a scenario's [indices] may extend it; file; label for people).
CPI_SERIES: dict[str, tuple[str, str, str]] = {
    "KRW": ("rok_cpi", "rok_cpi.csv", "ROK CPI"),
    "JPY": ("japan_cpi", "japan_cpi.csv", "Japan CPI"),
    "USD": ("us_cpi", "us_cpi.csv", "US CPI"),
}


def cpi_series(currency: str) -> dict[int, Decimal]:
    """Yearly consumer-price inflation of ``currency``'s country, exact (``{2024: Decimal("2.7"),
    ...}``): KRW the ROK's, JPY Japan's, USD the US CPI. Any other currency raises
    :class:`~burdenshare.errors.DataError`."""
    if currency not in CPI_SERIES:
        raise DataError(
            [
                Problem(
                    f"no consumer price series for {currency}",
                    expected="one of " + ", ".join(CPI_SERIES),
                    found=repr(currency),
                )
            ]
        )
    raw = _raw(CPI_SERIES[currency][1])
    return {int(y): Decimal(v) for y, v in zip(raw["year"], raw["percent"], strict=True)}


def fx_table() -> dict[str, dict[int, Decimal]]:
    """Exact yearly averages per US dollar: ``{"USD": {y: 1}, "KRW": {y: r}, "JPY": {y: r}}``."""
    raw = _raw("fx_rates.csv")
    table: dict[str, dict[int, Decimal]] = {"USD": {}}
    for year, currency, rate in zip(raw["year"], raw["currency"], raw["per_usd"], strict=True):
        table.setdefault(currency, {})[int(year)] = Decimal(rate)
        table["USD"][int(year)] = Decimal(1)
    table["USD"] = dict(sorted(table["USD"].items()))
    return table


@dataclass(frozen=True)
class Dataset:
    """A bundled dataset: its CLI name, title, CSV file, loader and the columns a table shows."""

    name: str
    title: str
    filename: str
    loader: Callable[[], pd.DataFrame]
    columns: tuple[str, ...]


#: Every bundled dataset, by the name the CLI uses (``burdenshare data NAME``).
REGISTRY: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            name="sma",
            title="US-ROK Special Measures Agreements, rounds 1-12",
            filename="sma_rounds.csv",
            loader=sma_rounds,
            columns=(
                "round",
                "first_year",
                "last_year",
                "first_year_amount_krw",
                "escalation",
                "currency",
                "first_year_amount_usd",
                "signed_date",
            ),
        ),
        Dataset(
            name="sma-payments",
            title="ROK SMA contribution by year, 1991-2030",
            filename="sma_payments.csv",
            loader=sma_payments,
            columns=("year", "round", "amount", "currency", "amount_krw", "note"),
        ),
        Dataset(
            name="japan",
            title="US-Japan host nation support special measures agreements",
            filename="japan_hns.csv",
            loader=japan_hns,
            columns=("agreement", "period", "signed_date", "annual_jpy", "total_jpy", "key_terms"),
        ),
        Dataset(
            name="fx",
            title="Yearly average exchange rates (units per USD)",
            filename="fx_rates.csv",
            loader=fx_rates,
            columns=("year", "currency", "per_usd"),
        ),
        Dataset(
            name="cpi",
            title="ROK consumer-price inflation, % a year",
            filename="rok_cpi.csv",
            loader=rok_cpi,
            columns=("year", "percent"),
        ),
        Dataset(
            name="cpi-japan",
            title="Japan consumer-price inflation, % a year",
            filename="japan_cpi.csv",
            loader=japan_cpi,
            columns=("year", "percent"),
        ),
        Dataset(
            name="cpi-us",
            title="US consumer-price inflation (CPI-U), % a year",
            filename="us_cpi.csv",
            loader=us_cpi,
            columns=("year", "percent"),
        ),
        Dataset(
            name="defense-budget",
            title="ROK main defence budget and growth",
            filename="rok_defense_budget.csv",
            loader=rok_defense_budget,
            columns=("year", "budget_trn_krw", "growth_percent"),
        ),
        Dataset(
            name="timeline",
            title="Dated events: SMA and HNS negotiations",
            filename="timeline.csv",
            loader=timeline,
            columns=("date", "event", "figure"),
        ),
    )
}

#: Dataset name -> loader.
DATASETS: dict[str, Callable[[], pd.DataFrame]] = {n: d.loader for n, d in REGISTRY.items()}


def dataset(name: str) -> Dataset:
    """The registry entry ``name``; an unknown name raises ``DataError`` naming the valid ones."""
    if name not in REGISTRY:
        raise DataError(
            [
                Problem(
                    "unknown dataset",
                    path="NAME",
                    expected="one of " + ", ".join(REGISTRY),
                    found=repr(name),
                )
            ]
        )
    return REGISTRY[name]


def load(name: str) -> pd.DataFrame:
    """The dataset registered as ``name``; an unknown name raises ``DataError``."""
    return dataset(name).loader()


def csv_text(name: str) -> str:
    """The bundled CSV of dataset ``name``, byte for byte (exact numbers, full text)."""
    return _text(dataset(name).filename)


def records(name: str) -> list[dict[str, object]]:
    """Rows of dataset ``name`` as JSON-ready dicts: dates as ``YYYY-MM-DD``, missing as
    ``None``, whole-number float columns as ``int``."""
    df = load(name)
    whole = {
        c
        for c in df.columns
        if df[c].dtype == "float64" and all(math.isnan(v) or v.is_integer() for v in df[c])
    }
    out: list[dict[str, object]] = []
    for row in df.to_dict(orient="records"):
        rec: dict[str, object] = {}
        for col, value in row.items():
            if not isinstance(value, str) and pd.isna(value):
                rec[col] = None
            elif isinstance(value, pd.Timestamp):
                rec[col] = value.date().isoformat()
            elif col in whole:
                rec[col] = int(value)
            elif hasattr(value, "item"):  # numpy scalar
                rec[col] = value.item()
            else:
                rec[col] = value
        out.append(rec)
    return out
