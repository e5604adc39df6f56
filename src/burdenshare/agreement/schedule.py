"""From an agreement to its year-by-year amounts: exact Decimal totals and categories.

For the first year ``f`` the total is ``first_year_total`` (or ``escalation.year_amounts[f]``).
Every later year ``y`` takes the first of these that applies (``prev`` is the previous year's
*rounded* total):

==============================  ===========================================  ====================
condition                       unrounded total                              ``basis``
==============================  ===========================================  ====================
``y`` in ``year_amounts``       ``year_amounts[y]``                          ``explicit``
``y`` in ``frozen_years``       ``prev``                                     ``frozen``
``y`` in ``year_percent``       ``prev × (1 + year_percent[y]/100)``         ``explicit_percent``
rule ``none``                   ``prev``                                     ``flat``
rule ``fixed``                  ``prev × (1 + percent/100)``                 ``fixed``
rule ``index``                  ``prev × (1 + clip(i + plus, floor, cap)/100)``  ``index``
rule ``index``, no data         same with ``i = assumed_percent``            ``assumed``
==============================  ===========================================  ====================

where ``i = index[y - lag]`` is the index series' percent change for year ``y - lag``. Each total is
then rounded half-up to a multiple of ``spec.rounding`` and the next year escalates from the
*rounded* amount, which is how the published SMA figures chain (1,038.9 bn × 1.139 = 1,183.3 bn;
× 1.054 = 1,247.2 bn; ...). Explicit amounts are rounded to the quantum too, so every total is a
multiple of it.

Categories split each year's total in proportion to the first-year shares (or amounts) by the
largest-remainder method, in whole currency units (finer only when the total itself has a
fraction), so the categories always sum exactly to the total.

This module does no I/O itself; when ``indices`` lacks a built-in series (``rok_cpi``,
``rok_defense_budget``) it asks :func:`burdenshare.data.index_series` for the bundled one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from burdenshare.errors import DataError, Problem
from burdenshare.money import money_context, quantize

if TYPE_CHECKING:
    import pandas as pd

    from burdenshare.scenario.agreement import AgreementSpec

__all__ = [
    "BASES",
    "Schedule",
    "YearRow",
    "allocate",
    "schedule",
    "to_decimal",
]

#: Every value of :attr:`YearRow.basis`.
BASES: tuple[str, ...] = (
    "first",
    "explicit",
    "frozen",
    "explicit_percent",
    "flat",
    "fixed",
    "index",
    "assumed",
)

_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class YearRow:
    """One year of a schedule.

    ``total`` and ``by_category`` are exact Decimals in the agreement's currency (``by_category``
    sums exactly to ``total``). ``change_percent`` is the percent applied to the previous year's
    rounded total *before* rounding (``None`` in the first year); for an explicit amount it is the
    implied change ``(amount / prev - 1) × 100`` (``None`` if ``prev`` is 0). ``index_percent`` is
    the raw index value used (data or ``assumed_percent``, before ``plus_percent`` and clipping)
    in ``index``/``assumed`` years, else ``None``.
    """

    year: int
    total: Decimal
    by_category: dict[str, Decimal]
    change_percent: Decimal | None
    basis: str
    index_percent: Decimal | None = None


@dataclass(frozen=True)
class Schedule:
    """The amounts an agreement fixes for each of its years, in order."""

    spec: AgreementSpec
    rows: tuple[YearRow, ...]
    categories: tuple[str, ...] = field(default=())

    @property
    def years(self) -> list[int]:
        return [r.year for r in self.rows]

    @property
    def totals(self) -> dict[int, Decimal]:
        """``{year: total}``."""
        return {r.year: r.total for r in self.rows}

    def __getitem__(self, year: int) -> YearRow:
        for row in self.rows:
            if row.year == year:
                return row
        raise KeyError(year)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def cumulative(self) -> Decimal:
        """Sum of all yearly totals."""
        with money_context():
            return sum((r.total for r in self.rows), Decimal(0))

    def to_frame(self) -> pd.DataFrame:
        """One row per year: ``year``, ``total``, ``change_percent``, ``basis``, ``index_percent``
        and ``cat_<name>`` per category. Amounts and percents are floats (NaN for ``None``)."""
        import pandas as pd

        records = []
        for r in self.rows:
            rec: dict[str, object] = {
                "year": r.year,
                "total": float(r.total),
                "change_percent": _float_or_nan(r.change_percent),
                "basis": r.basis,
                "index_percent": _float_or_nan(r.index_percent),
            }
            for name in self.categories:
                rec[f"cat_{name}"] = float(r.by_category[name])
            records.append(rec)
        columns = ["year", "total", "change_percent", "basis", "index_percent"] + [
            f"cat_{n}" for n in self.categories
        ]
        frame = pd.DataFrame.from_records(records, columns=columns)
        frame["year"] = frame["year"].astype("int64")
        return frame


def _float_or_nan(value: Decimal | None) -> float:
    return float("nan") if value is None else float(value)


def to_decimal(value: object) -> Decimal:
    """A Decimal from a Decimal, int, str or float (floats via their shortest repr)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("expected a number, got a bool")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value))


def _clip(value: Decimal, floor: Decimal | None, cap: Decimal | None) -> Decimal:
    if floor is not None and value < floor:
        value = floor
    if cap is not None and value > cap:
        value = cap
    return value


def _resolve_index(
    name: str, indices: Mapping[str, Mapping[int, object]] | None
) -> dict[int, Decimal]:
    """The series ``name``: from ``indices`` if there, else the bundled one, else an error."""
    from burdenshare.scenario.agreement import BUILTIN_INDICES

    if indices is not None and name in indices:
        return {int(y): to_decimal(v) for y, v in indices[name].items()}
    if name in BUILTIN_INDICES:
        from burdenshare import data

        return {int(y): to_decimal(v) for y, v in data.index_series(name).items()}
    known = sorted(set(BUILTIN_INDICES) | set(indices or {}))
    raise DataError(
        [
            Problem(
                f"unknown index series '{name}'",
                path="escalation.index",
                expected="one of " + ", ".join(known) + " or a series in the scenario's [indices]",
                found=repr(name),
            )
        ]
    )


def _years_text(series: Mapping[int, object]) -> str:
    if not series:
        return "no data"
    return f"data for {min(series)}-{max(series)}"


def allocate(total: Decimal, weights: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Split ``total`` in proportion to ``weights`` so the parts sum exactly to ``total``.

    Largest-remainder (Hamilton) method in units of ``10**min(0, e)`` where ``e`` is the exponent
    of ``total`` normalised: whole currency units unless the total has a fraction. Each part gets
    ``floor(N × w_i / W)`` units (``N = total / unit``, ``W = Σ w``); the units left over go one
    each to the largest remainders, ties to the earlier name. All-zero weights split equally.
    Arithmetic is exact (fractions).
    """
    names = list(weights)
    if not names:
        return {}
    if len(names) == 1:
        return {names[0]: total}
    exponent = total.normalize().as_tuple().exponent if total != 0 else 0
    assert isinstance(exponent, int)
    unit = Decimal(1).scaleb(min(0, exponent))
    with money_context():
        n_units = int(total / unit)
    w = [Fraction(weights[n]) for n in names]
    w_sum = sum(w, Fraction(0))
    if w_sum == 0:
        w = [Fraction(1)] * len(names)
        w_sum = Fraction(len(names))
    quotas = [Fraction(n_units) * wi / w_sum for wi in w]
    floors = [q.numerator // q.denominator for q in quotas]
    left = n_units - sum(floors)
    order = sorted(range(len(names)), key=lambda i: (-(quotas[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    with money_context():
        return {name: Decimal(k) * unit for name, k in zip(names, floors, strict=True)}


def schedule(
    spec: AgreementSpec, indices: Mapping[str, Mapping[int, Decimal]] | None = None
) -> Schedule:
    """The agreement's totals and categories for each year (see the module docstring).

    ``indices`` maps series names to ``{year: percent change}``; a series it lacks is taken from
    the bundled data when it is a built-in one. Raises :class:`~burdenshare.errors.DataError`
    when an ``index`` rule needs a year the series does not cover and ``assumed_percent`` is
    unset, or when the series is unknown.
    """
    from burdenshare.scenario.agreement import FixedEscalation, IndexEscalation, NoEscalation

    esc = spec.escalation
    q = spec.rounding
    series: dict[int, Decimal] | None = None
    if isinstance(esc, IndexEscalation):
        series = _resolve_index(esc.index, indices)

    if spec.categories:
        weights = {
            c.name: (c.share if c.share is not None else c.amount) or Decimal(0)
            for c in spec.categories
        }
    else:
        weights = {"total": Decimal(1)}

    frozen = set(esc.frozen_years)
    rows: list[YearRow] = []
    missing: list[Problem] = []
    prev = Decimal(0)
    with money_context():
        for year in spec.years:
            index_percent: Decimal | None = None
            change: Decimal | None
            if year == spec.first_year:
                if year in esc.year_amounts:
                    raw, basis = esc.year_amounts[year], "explicit"
                else:
                    raw, basis = spec.first_year_total, "first"
                change = None
            elif year in esc.year_amounts:
                raw, basis = esc.year_amounts[year], "explicit"
                change = (raw / prev - 1) * _HUNDRED if prev != 0 else None
            elif year in frozen:
                raw, basis, change = prev, "frozen", Decimal(0)
            elif year in esc.year_percent:
                change = esc.year_percent[year]
                raw, basis = prev * (1 + change / _HUNDRED), "explicit_percent"
            elif isinstance(esc, NoEscalation):
                raw, basis, change = prev, "flat", Decimal(0)
            elif isinstance(esc, FixedEscalation):
                change = esc.percent
                raw, basis = prev * (1 + change / _HUNDRED), "fixed"
            else:
                assert isinstance(esc, IndexEscalation) and series is not None
                source_year = year - esc.lag
                if source_year in series:
                    index_percent, basis = series[source_year], "index"
                elif esc.assumed_percent is not None:
                    index_percent, basis = esc.assumed_percent, "assumed"
                else:
                    missing.append(
                        Problem(
                            f"index '{esc.index}' has no value for {source_year}, needed for "
                            f"{year} (lag {esc.lag})",
                            path="escalation.index",
                            expected=f"a value for {source_year} or escalation.assumed_percent",
                            found=_years_text(series),
                        )
                    )
                    index_percent, basis = Decimal(0), "index"
                change = _clip(index_percent + esc.plus_percent, esc.floor_percent, esc.cap_percent)
                raw = prev * (1 + change / _HUNDRED)
            total = quantize(raw, q)
            rows.append(
                YearRow(
                    year=year,
                    total=total,
                    by_category=allocate(total, weights),
                    change_percent=change,
                    basis=basis,
                    index_percent=index_percent,
                )
            )
            prev = total
    if missing:
        raise DataError(missing)
    return Schedule(spec=spec, rows=tuple(rows), categories=tuple(weights))
