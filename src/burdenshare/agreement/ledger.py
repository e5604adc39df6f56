"""The ledger: an agreement's yearly amounts in nominal and real terms, currencies, per troop.

Columns of :func:`ledger` (one row per agreement year; amounts are floats, computed in Decimal and
converted last, so whole-unit nominal amounts are exact):

==================  =======================================================================
``year``            calendar year (int)
``nominal``         the schedule's total, in the agreement's currency
``change_percent``  change applied over the previous year, % (NaN in the first year)
``basis``           where the change comes from (see :mod:`burdenshare.agreement.schedule`)
``real``            ``nominal × P[base] / P[year]``: agreement currency at ``base_year`` prices,
                    ``P`` the consumer prices of the currency's own country
``real_basis``      ``data``, or ``assumed`` when ``assumed_inflation`` filled a CPI gap (of
                    any currency's CPI in that row)
``nominal_<cur>``   nominal converted to each requested currency (lower-case code), e.g.
                    ``nominal_usd = nominal / fx[currency][year] × fx["USD"][year]``
``real_<cur>``      ``nominal_<cur>`` at ``base_year`` prices of that currency's country (each
                    currency other than the agreement's; NaN in a year its CPI lacks without an
                    assumed rate, listed in ``frame.attrs["missing_cpi"]``)
``fx_basis``        ``data``, or ``assumed`` when a year lacks a rate and the last earlier
                    rate was held
``troops``          stationed troops that year (a path holds its last value between years)
``per_troop``       ``nominal / troops`` (agreement currency per soldier; NaN for 0 troops)
``cum_nominal``     running sum of ``nominal``
``cum_real``        running sum of ``real``
``cat_<name>``      nominal amount of each category (sums exactly to ``nominal``)
==================  =======================================================================

Each currency deflates with its own country's consumer prices (KRW: ROK CPI, JPY: Japan CPI,
USD: US CPI; :func:`burdenshare.data.cpi_series`). The price level comes from yearly CPI percent
changes ``cpi[t]`` (change of year ``t`` over ``t-1``): ``P[y] / P[base] = Π_{t=base+1..y}
(1 + cpi[t]/100)`` for ``y > base`` and ``1 / Π_{t=y+1..base} (1 + cpi[t]/100)`` for
``y < base``. A year a currency's CPI data lack is an error (:class:`~burdenshare.errors.DataError`)
unless ``assumed_inflation`` gives that currency a rate (one number for every currency, or
``{currency: percent}``), which then stands in for every missing year and flags the rows
``real_basis = "assumed"``; ``frame.attrs["assumed_cpi"]`` lists ``{currency: (rate, years)}``.

Exchange rates are yearly averages in units of the currency per US dollar
(``fx["KRW"][2020] ≈ 1180``); other pairs cross through the dollar. A year after the last rate
holds that rate (``fx_basis = "assumed"``); a year before the first rate is an error.

This module does no I/O; when ``indices``, ``cpi`` or ``fx`` are ``None`` the bundled series come
from :mod:`burdenshare.data`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from burdenshare.agreement.schedule import Schedule, schedule, to_decimal
from burdenshare.errors import DataError, Problem
from burdenshare.money import CURRENCIES, money_context

if TYPE_CHECKING:
    from burdenshare.scenario.agreement import AgreementSpec

__all__ = [
    "EXTEND_RULES",
    "compare",
    "convert",
    "cpi_label",
    "describe_extension",
    "fx_rate",
    "ledger",
    "missing_cpi_error",
    "price_ratio",
    "troops_in",
]

FxTable = Mapping[str, Mapping[int, Any]]
_HUNDRED = Decimal(100)
_LEDGER_KWARGS = {
    "indices", "cpi", "cpis", "base_year", "fx", "currencies", "troops", "assumed_inflation",
}  # fmt: skip


# --------------------------------------------------------------------------- exchange rates
def fx_rate(fx: FxTable, currency: str, year: int) -> tuple[Decimal, bool]:
    """Units of ``currency`` per US dollar in ``year`` and whether the rate is assumed.

    The rate of ``year`` if the table has it, else the last earlier one (assumed). ``USD`` is 1
    when the table has no ``USD`` entry. Raises DataError when the currency is absent or every
    rate is later than ``year``.
    """
    if currency not in fx:
        if currency == "USD":
            return Decimal(1), False
        raise DataError(
            [
                Problem(
                    f"no exchange rates for {currency}",
                    expected=f"yearly {currency} per USD rates",
                    found="currencies " + ", ".join(sorted(fx)) if fx else "an empty table",
                )
            ]
        )
    rates = fx[currency]
    if year in rates:
        return to_decimal(rates[year]), False
    earlier = [y for y in rates if y < year]
    if not earlier:
        found = f"rates for {min(rates)}-{max(rates)}" if rates else "no rates"
        raise DataError(
            [
                Problem(
                    f"no {currency} per USD exchange rate for {year} or earlier",
                    expected=f"a {currency} rate for {year}",
                    found=found,
                )
            ]
        )
    return to_decimal(rates[max(earlier)]), True


def convert(
    amount: Decimal, from_currency: str, to_currency: str, year: int, fx: FxTable
) -> Decimal:
    """``amount`` in ``to_currency``: ``amount / fx[from][year] × fx[to][year]`` (exact to 34
    significant digits, not rounded to minor units; held rates as in :func:`fx_rate`).

    A round trip ``convert(convert(a, "KRW", "USD", y, fx), "USD", "KRW", y, fx)`` equals ``a``
    to within one unit in the 34th digit, so rounding it to the currency's minor unit returns
    ``a`` exactly.
    """
    if from_currency == to_currency:
        return amount
    r_from, _ = fx_rate(fx, from_currency, year)
    r_to, _ = fx_rate(fx, to_currency, year)
    with money_context():
        return amount / r_from * r_to


# --------------------------------------------------------------------------- prices and troops
def price_ratio(
    cpi: Mapping[int, Any],
    base_year: int,
    year: int,
    *,
    assumed_inflation: Decimal | None = None,
) -> tuple[Decimal, list[int]]:
    """``P[year] / P[base_year]`` from yearly CPI percent changes, and the CPI years it needed
    but the data lack (filled with ``assumed_inflation``, or left for the caller to report when
    that is ``None``, in which case the ratio is meaningless)."""
    missing: list[int] = []
    ratio = Decimal(1)
    lo, hi = sorted((base_year, year))
    with money_context():
        for t in range(lo + 1, hi + 1):
            if t in cpi:
                pct = to_decimal(cpi[t])
            else:
                missing.append(t)
                pct = assumed_inflation if assumed_inflation is not None else Decimal(0)
            ratio *= 1 + pct / _HUNDRED
        if year < base_year:
            ratio = 1 / ratio
    return ratio, missing


def troops_in(troops: int | Mapping[int, int], year: int) -> int:
    """Troops in ``year``: the number, or the path's value at the latest year ≤ ``year``."""
    if isinstance(troops, int):
        return troops
    earlier = [y for y in troops if y <= year]
    if not earlier:
        found = f"a path starting in {min(troops)}" if troops else "an empty path"
        raise DataError(
            [
                Problem(
                    f"the troops path has no value for {year} or earlier",
                    path="troops",
                    expected=f"a value for {year} or an earlier year",
                    found=found,
                )
            ]
        )
    return int(troops[max(earlier)])


# --------------------------------------------------------------------------- ledger
def _load_cpi(currency: str) -> Mapping[int, Any]:
    from burdenshare import data

    return data.cpi_series(currency)


def cpi_label(currency: str) -> str:
    """The consumer prices that deflate ``currency``: "ROK CPI", "Japan CPI" or "US CPI"."""
    from burdenshare import data

    return data.CPI_SERIES[currency][2] if currency in data.CPI_SERIES else f"{currency} CPI"


Inflation = Decimal | Mapping[str, Decimal] | None


def _assumed_for(assumed: Inflation, currency: str) -> Decimal | None:
    if assumed is None or isinstance(assumed, Decimal | int | float | str):
        return None if assumed is None else to_decimal(assumed)
    value = assumed.get(currency)
    return None if value is None else to_decimal(value)


def _deflate(
    nominal: Sequence[Decimal],
    years: Sequence[int],
    cpi: Mapping[int, Any],
    base: int,
    assumed: Decimal | None,
    currency: str,
    *,
    required: bool = True,
) -> tuple[list[Decimal | None], list[bool], list[int]]:
    """``nominal`` at ``base`` prices of ``currency``'s CPI: values, whether each row used an
    assumed CPI figure, and the years assumed. Missing years without an assumption are a user
    error when ``required``, else their rows are ``None``."""
    real: list[Decimal | None] = []
    flags: list[bool] = []
    missing_cpi: set[int] = set()
    for value, year in zip(nominal, years, strict=True):
        ratio, missing = price_ratio(cpi, base, year, assumed_inflation=assumed)
        missing_cpi.update(missing)
        with money_context():
            real.append(None if missing and assumed is None else value / ratio)
        flags.append(bool(missing))
    if missing_cpi and assumed is None and required:
        raise missing_cpi_error(currency, sorted(missing_cpi), cpi, base)
    return real, flags, sorted(missing_cpi)


def missing_cpi_error(
    currency: str, years: Sequence[int], cpi: Mapping[int, Any], base: int
) -> DataError:
    """The user error for real ``currency`` amounts that need CPI ``years`` the data lack."""
    found = f"data for {min(cpi)}-{max(cpi)}" if cpi else "no CPI data"
    return DataError(
        [
            Problem(
                f"{cpi_label(currency)} has no inflation figure for "
                + ", ".join(map(str, years))
                + f", needed for real {currency} amounts in {base} prices",
                expected=(
                    f"CPI data for those years, or an assumed inflation rate for {currency}"
                    " ([ledger] assumed_inflation in the scenario; --assumed-inflation on"
                    " the command line)"
                ),
                found=found,
            )
        ]
    )


def _load_fx() -> FxTable:
    from burdenshare import data

    return data.fx_table()


def _check_currencies(currencies: Sequence[str]) -> None:
    bad = [c for c in currencies if c not in CURRENCIES]
    if bad:
        raise DataError(
            [
                Problem(
                    "unknown currency " + ", ".join(bad),
                    expected="one of " + ", ".join(CURRENCIES),
                    found=", ".join(bad),
                )
            ]
        )


def _currency_columns(
    sched: Schedule, currencies: Sequence[str], fx: FxTable | None
) -> tuple[dict[str, list[float]], list[str]]:
    """``nominal_<cur>`` columns and the ``fx_basis`` of each row."""
    spec = sched.spec
    need_fx = any(c != spec.currency for c in currencies)
    if need_fx and fx is None:
        fx = _load_fx()
    columns: dict[str, list[float]] = {f"nominal_{c.lower()}": [] for c in currencies}
    basis: list[str] = []
    for row in sched.rows:
        assumed = False
        for cur in currencies:
            if cur == spec.currency:
                value = row.total
            else:
                assert fx is not None
                r_from, a_from = fx_rate(fx, spec.currency, row.year)
                r_to, a_to = fx_rate(fx, cur, row.year)
                assumed = assumed or a_from or a_to
                with money_context():
                    value = row.total / r_from * r_to
            columns[f"nominal_{cur.lower()}"].append(float(value))
        basis.append("assumed" if assumed else "data")
    return columns, basis


def ledger(
    spec: AgreementSpec,
    *,
    indices: Mapping[str, Mapping[int, Decimal]] | None = None,
    cpi: Mapping[int, Decimal] | None = None,
    base_year: int | None = None,
    fx: Mapping[str, Mapping[int, Decimal]] | None = None,
    currencies: Sequence[str] = ("KRW", "USD", "JPY"),
    troops: int | Mapping[int, int] | None = None,
    assumed_inflation: Inflation = None,
    cpis: Mapping[str, Mapping[int, Decimal]] | None = None,
) -> pd.DataFrame:
    """The agreement's ledger, one row per year (columns in the module docstring).

    ``indices`` feed the escalation rule (see :func:`~burdenshare.agreement.schedule.schedule`);
    ``cpi`` is ``{year: percent change}`` of the agreement currency's country (default: the
    bundled series of its currency), ``cpis`` the same for the other currencies (default:
    bundled); ``base_year`` sets the prices of the real columns (default: the agreement's first
    year); ``fx`` is ``{currency: {year: units per USD}}`` (default: the bundled table);
    ``troops`` overrides ``spec.troops``; ``assumed_inflation`` (percent: one number, or one per
    currency) fills CPI years without data.

    ``frame.attrs`` holds ``currency``, ``base_year``, ``agreement`` (the spec's name), ``cpi``
    ({currency: label of its CPI}), ``assumed_cpi`` ({currency: (rate, years)} for the
    currencies whose CPI was assumed in some year) and ``missing_cpi`` ({currency: years} of
    the other currencies whose real amounts are NaN). Raises DataError for missing index,
    exchange-rate or troop data, and for CPI years of the agreement's own currency.
    """
    _check_currencies(currencies)
    sched = schedule(spec, indices)
    base = spec.first_year if base_year is None else base_year
    cur = spec.currency
    if cpi is None:
        cpi = (cpis or {}).get(cur) or _load_cpi(cur)
    path = spec.troops if troops is None else troops
    years = [row.year for row in sched.rows]

    own_assumed = _assumed_for(assumed_inflation, cur)
    real, flags, assumed_years = _deflate(
        [row.total for row in sched.rows], years, cpi, base, own_assumed, cur
    )
    assumed_cpi: dict[str, tuple[Decimal, list[int]]] = {}
    missing_cpi: dict[str, list[int]] = {}
    if assumed_years and own_assumed is not None:
        assumed_cpi[cur] = (own_assumed, assumed_years)

    fx_columns, fx_basis = _currency_columns(sched, currencies, fx)
    real_columns: dict[str, list[float]] = {}
    for other in currencies:
        if other == cur:
            continue
        rate = _assumed_for(assumed_inflation, other)
        series = (cpis or {}).get(other) or _load_cpi(other)
        nominal = [to_decimal(v) for v in fx_columns[f"nominal_{other.lower()}"]]
        values, other_flags, other_years = _deflate(
            nominal, years, series, base, rate, other, required=False
        )
        real_columns[f"real_{other.lower()}"] = [
            float("nan") if v is None else float(v) for v in values
        ]
        if other_years and rate is None:
            missing_cpi[other] = other_years
            continue
        flags = [a or b for a, b in zip(flags, other_flags, strict=True)]
        if other_years:
            assumed_cpi[other] = (rate, other_years)
    real_basis = ["assumed" if f else "data" for f in flags]

    troop_counts = [troops_in(path, row.year) for row in sched.rows]
    per_troop = []
    cum_nominal: list[float] = []
    cum_real: list[float] = []
    run_nominal = Decimal(0)
    run_real = Decimal(0)
    with money_context():
        for row, r, n in zip(sched.rows, real, troop_counts, strict=True):
            per_troop.append(float(row.total / n) if n else float("nan"))
            run_nominal += row.total
            run_real += r
            cum_nominal.append(float(run_nominal))
            cum_real.append(float(run_real))

    data: dict[str, Any] = {
        "year": pd.array([r.year for r in sched.rows], dtype="int64"),
        "nominal": [float(r.total) for r in sched.rows],
        "change_percent": [
            float("nan") if r.change_percent is None else float(r.change_percent)
            for r in sched.rows
        ],
        "basis": [r.basis for r in sched.rows],
        "real": [float(x) for x in real],
        "real_basis": real_basis,
        **fx_columns,
        **real_columns,
        "fx_basis": fx_basis,
        "troops": pd.array(troop_counts, dtype="int64"),
        "per_troop": per_troop,
        "cum_nominal": cum_nominal,
        "cum_real": cum_real,
    }
    for name in sched.categories:
        data[f"cat_{name}"] = [float(r.by_category[name]) for r in sched.rows]
    frame = pd.DataFrame(data)
    frame.attrs.update(
        {
            "currency": spec.currency,
            "base_year": base,
            "agreement": spec.name,
            "cpi": {c: cpi_label(c) for c in dict.fromkeys([cur, *currencies])},
            "assumed_cpi": assumed_cpi,
            "missing_cpi": missing_cpi,
        }
    )
    return frame


#: How :func:`compare` extends the agreement that ends sooner to the common horizon.
EXTEND_RULES = ("rule", "flat")


def _extended(spec: AgreementSpec, last: int, how: str) -> AgreementSpec:
    """``spec`` running to ``last``: by its own escalation rule, or held flat at its last year."""
    from burdenshare.scenario.agreement import AgreementSpec as Spec

    data = spec.model_dump()
    data["duration"] = last - spec.first_year + 1
    if how == "flat":
        # every added year as an explicit amount equal to the last stated year's
        final = schedule(spec).rows[-1].total
        esc = dict(data["escalation"])
        esc["year_amounts"] = {
            **esc.get("year_amounts", {}),
            **{y: final for y in range(spec.last_year + 1, last + 1)},
        }
        data["escalation"] = esc
    return Spec.model_validate(data)


def describe_extension(spec: AgreementSpec, how: str) -> str:
    """The rule that extends ``spec`` in words: "its own rule (none: held flat)"..."""
    kind = spec.escalation.kind
    if how == "flat":
        return "held flat at its last year's amount"
    own = {
        "none": "none: held flat",
        "fixed": f"fixed: +{getattr(spec.escalation, 'percent', '')}% a year",
    }
    words = own.get(kind, f"index: {getattr(spec.escalation, 'index', '')}")
    return f"its own escalation rule ({words})"


def compare(
    a: AgreementSpec,
    b: AgreementSpec,
    *,
    currency: str = "USD",
    extend: str | None = None,
    **ledger_kwargs: Any,
) -> pd.DataFrame:
    """Two agreements side by side in ``currency``, one row per year of either.

    Columns: ``year``; ``a`` and ``b`` (nominal amounts in ``currency``, NaN in a year the
    agreement does not cover); ``difference = b - a`` and ``ratio = b / a`` (NaN unless both
    cover the year); ``cum_difference = Σ b - Σ a`` up to that year.

    Without ``extend`` a missing year counts as 0 in ``cum_difference``, so agreements of
    different lengths are not compared like with like. With ``extend`` they are, over a common
    horizon — from the later of the two first years to the later of the two last years — the
    agreement that ends sooner extended to it: ``"rule"`` by its own escalation rule (a rule
    ``none`` holds it flat, an index rule goes on with its index), ``"flat"`` held at its last
    year's amount. Then ``a_basis`` / ``b_basis`` say ``stated`` or ``extended`` per year,
    ``in_horizon`` marks the horizon's years and ``cum_difference`` runs over them only (NaN
    outside). ``frame.attrs`` holds ``a``, ``b`` (names), ``currency``, and with ``extend``
    also ``extend``, ``horizon`` (first, last), ``stated`` ({side: (first, last)}) and
    ``extended`` ({side: the rule in words}).

    ``ledger_kwargs`` are passed on (``indices``, ``fx``, ``troops``; ``cpi``, ``base_year``,
    ``assumed_inflation`` and ``currencies`` are not needed and ignored).
    """
    unknown = set(ledger_kwargs) - _LEDGER_KWARGS
    if unknown:
        raise TypeError(f"compare() got unexpected keyword arguments: {sorted(unknown)}")
    if extend is not None and extend not in EXTEND_RULES:
        raise DataError(
            [
                Problem(
                    "unknown way to extend the shorter agreement",
                    path="--extend",
                    expected=" or ".join(EXTEND_RULES),
                    found=repr(extend),
                )
            ]
        )
    _check_currencies([currency])
    indices = ledger_kwargs.get("indices")
    fx = ledger_kwargs.get("fx")
    specs = {"a": a, "b": b}
    horizon = (max(a.first_year, b.first_year), max(a.last_year, b.last_year))
    extended: dict[str, str] = {}
    if extend is not None:
        for label, spec in specs.items():
            if spec.last_year < horizon[1]:
                specs[label] = _extended(spec, horizon[1], extend)
                extended[label] = describe_extension(spec, extend)
    sides = {}
    for label, spec in specs.items():
        sched = schedule(spec, indices)
        cols, _ = _currency_columns(sched, [currency], fx)
        sides[label] = pd.Series(
            cols[f"nominal_{currency.lower()}"], index=sched.years, dtype="float64"
        )
    years = sorted(set(sides["a"].index) | set(sides["b"].index))
    sa = sides["a"].reindex(years)
    sb = sides["b"].reindex(years)
    columns: dict[str, Any] = {
        "year": pd.array(years, dtype="int64"),
        "a": sa.to_numpy(),
        "b": sb.to_numpy(),
        "difference": (sb - sa).to_numpy(),
        "ratio": (sb / sa).to_numpy(),
    }
    if extend is None:
        columns["cum_difference"] = (sb.fillna(0).cumsum() - sa.fillna(0).cumsum()).to_numpy()
    else:
        inside = [horizon[0] <= y <= horizon[1] for y in years]
        running = (sb - sa).where(inside).cumsum()
        columns["cum_difference"] = running.where(inside).to_numpy()
        for label, original in (("a", a), ("b", b)):
            columns[f"{label}_basis"] = [
                "stated"
                if original.first_year <= y <= original.last_year
                else ("extended" if y > original.last_year and label in extended else "")
                for y in years
            ]
        columns["in_horizon"] = inside
    frame = pd.DataFrame(columns)
    frame.attrs.update({"a": a.name, "b": b.name, "currency": currency})
    if extend is not None:
        frame.attrs.update(
            {
                "extend": extend,
                "horizon": horizon,
                "stated": {"a": (a.first_year, a.last_year), "b": (b.first_year, b.last_year)},
                "extended": extended,
            }
        )
    return frame
