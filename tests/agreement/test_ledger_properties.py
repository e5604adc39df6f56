"""Property tests for schedules and ledgers (hypothesis; explicit index/CPI/FX mappings)."""

from __future__ import annotations

import itertools
from decimal import Decimal as D
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burdenshare.agreement import AgreementSpec, convert, ledger
from burdenshare.agreement.schedule import schedule
from burdenshare.money import money_context

PROFILE = settings(max_examples=150, deadline=None)

QUANTA = st.sampled_from([D(1), D(10), D(1000), D(100_000_000), D("0.01"), D(5)])
TOTALS = st.integers(0, 10**13).map(D)
FIRST_YEARS = st.integers(2000, 2030)
DURATIONS = st.integers(1, 12)


def pct(lo: float, hi: float) -> st.SearchStrategy[D]:
    return st.decimals(min_value=D(str(lo)), max_value=D(str(hi)), places=1, allow_nan=False)


def series(first: int, last: int, values: st.SearchStrategy[D]) -> st.SearchStrategy[dict]:
    """A yearly series over some (possibly incomplete) subset of ``first..last``."""
    years = list(range(first, last + 1))
    return st.dictionaries(st.sampled_from(years), values, max_size=len(years))


@st.composite
def exceptions(draw: st.DrawFn, first: int, duration: int, nonneg: bool) -> dict[str, Any]:
    later = list(range(first + 1, first + duration))
    if not later:
        return {}
    frozen = draw(st.lists(st.sampled_from(later), unique=True, max_size=3))
    year_pct = draw(
        st.dictionaries(st.sampled_from(later), pct(0, 20) if nonneg else pct(-20, 20), max_size=2)
    )
    return {"frozen_years": frozen, "year_percent": year_pct}


@st.composite
def fixed_specs(draw: st.DrawFn, nonneg: bool = True) -> AgreementSpec:
    first, duration = draw(FIRST_YEARS), draw(DURATIONS)
    esc = {
        "kind": "fixed",
        "percent": draw(pct(0, 30) if nonneg else pct(-30, 30)),
        **draw(exceptions(first, duration, nonneg)),
    }
    return AgreementSpec(
        name="p",
        first_year=first,
        duration=duration,
        currency="KRW",
        first_year_total=draw(TOTALS),
        rounding=draw(QUANTA),
        escalation=esc,
    )


@st.composite
def index_specs(draw: st.DrawFn, nonneg_floor: bool = False) -> tuple[AgreementSpec, dict]:
    """An index-rule spec and its index data (some years missing -> assumed_percent)."""
    first, duration = draw(FIRST_YEARS), draw(DURATIONS)
    lag = draw(st.integers(0, 3))
    floor = draw(pct(0, 5) if nonneg_floor else st.none() | pct(-10, 5))
    cap = draw(st.none() | pct(0, 15))
    if floor is not None and cap is not None and cap < floor:
        floor, cap = cap, floor
    esc = {
        "kind": "index",
        "index": "x",
        "lag": lag,
        "plus_percent": draw(pct(-5, 10)),
        "floor_percent": floor,
        "cap_percent": cap,
        "assumed_percent": draw(pct(-10, 20)),
        **draw(exceptions(first, duration, nonneg_floor)),
    }
    spec = AgreementSpec(
        name="p",
        first_year=first,
        duration=duration,
        currency="KRW",
        first_year_total=draw(TOTALS),
        rounding=draw(QUANTA),
        escalation=esc,
    )
    data = draw(series(first - lag, first + duration, pct(-10, 20)))
    return spec, {"x": data}


# --------------------------------------------------------------------------- schedules
@PROFILE
@given(fixed_specs(nonneg=True))
def test_fixed_nonnegative_escalation_is_monotone(spec: AgreementSpec) -> None:
    totals = [r.total for r in schedule(spec).rows]
    assert all(b >= a for a, b in itertools.pairwise(totals))
    assert all(t % spec.rounding == 0 for t in totals)


@PROFILE
@given(index_specs(nonneg_floor=True))
def test_index_with_nonnegative_floor_is_monotone(case: tuple[AgreementSpec, dict]) -> None:
    spec, indices = case
    totals = [r.total for r in schedule(spec, indices).rows]
    assert all(b >= a for a, b in itertools.pairwise(totals))


@PROFILE
@given(index_specs())
def test_applied_change_respects_floor_and_cap(case: tuple[AgreementSpec, dict]) -> None:
    spec, indices = case
    esc = spec.escalation
    rows = schedule(spec, indices).rows
    half = spec.rounding / 2
    with money_context():
        for prev, row in itertools.pairwise(rows):
            assert row.change_percent is not None
            # Rounding moves the amount by at most half a quantum from the applied change.
            exact = prev.total * (1 + row.change_percent / 100)
            assert abs(row.total - exact) <= half
            if row.basis not in ("index", "assumed"):
                continue
            assert row.index_percent is not None
            expected = row.index_percent + esc.plus_percent
            if esc.floor_percent is not None:
                assert row.change_percent >= esc.floor_percent
                assert row.total >= prev.total * (1 + esc.floor_percent / 100) - half
                expected = max(expected, esc.floor_percent)
            if esc.cap_percent is not None:
                assert row.change_percent <= esc.cap_percent
                assert row.total <= prev.total * (1 + esc.cap_percent / 100) + half
                expected = min(expected, esc.cap_percent)
            assert row.change_percent == expected
            source = row.year - esc.lag
            data = indices["x"]
            assert row.basis == ("index" if source in data else "assumed")
            assert row.index_percent == (data.get(source, esc.assumed_percent))


@st.composite
def category_specs(draw: st.DrawFn) -> AgreementSpec:
    n = draw(st.integers(1, 6))
    names = [f"c{i}" for i in range(n)]
    base = draw(fixed_specs(nonneg=False))
    if draw(st.booleans()):
        amounts = draw(st.lists(st.integers(0, 10**12), min_size=n, max_size=n))
        cats = [{"name": c, "amount": D(a)} for c, a in zip(names, amounts, strict=True)]
        total = D(sum(amounts))
    else:
        weights = draw(st.lists(st.integers(1, 1000), min_size=n, max_size=n))
        shares = [(D(w) / sum(weights)).quantize(D("0.000001")) for w in weights[:-1]]
        last = 1 - sum(shares)
        if last < 0:  # rounding pushed the others above 1: take the surplus off the largest
            i = shares.index(max(shares))
            shares[i] += last
            last = D(0)
        shares.append(last)
        cats = [{"name": c, "share": s} for c, s in zip(names, shares, strict=True)]
        total = base.first_year_total
    return AgreementSpec(
        **{
            **base.model_dump(exclude={"categories", "first_year_total"}),
            "categories": cats,
            "first_year_total": total,
        }
    )


@PROFILE
@given(category_specs())
def test_categories_sum_exactly_to_the_total(spec: AgreementSpec) -> None:
    sched = schedule(spec)
    for row in sched.rows:
        assert list(row.by_category) == [c.name for c in spec.categories]
        assert sum(row.by_category.values()) == row.total
        assert all(v >= 0 for v in row.by_category.values())


# --------------------------------------------------------------------------- ledger
RATES = st.decimals(min_value=D("0.5"), max_value=D(5000), places=4, allow_nan=False)


@PROFILE
@given(amount=st.integers(0, 10**15), krw=RATES, jpy=RATES)
def test_currency_round_trip(amount: int, krw: D, jpy: D) -> None:
    fx = {"KRW": {2020: krw}, "JPY": {2020: jpy}}
    a = D(amount)
    usd = convert(a, "KRW", "USD", 2020, fx)
    assert convert(usd, "USD", "KRW", 2020, fx).quantize(D(1)) == a
    yen = convert(a, "KRW", "JPY", 2020, fx)
    assert convert(yen, "JPY", "KRW", 2020, fx).quantize(D(1)) == a
    # The same in the ledger's floats.
    spec = AgreementSpec(name="p", first_year=2020, duration=1, currency="KRW", first_year_total=a)
    frame = ledger(spec, cpi={}, fx=fx)
    assert frame["nominal_usd"].iloc[0] * float(krw) == pytest.approx(amount, rel=1e-12)
    assert frame["nominal_jpy"].iloc[0] / float(jpy) * float(krw) == pytest.approx(
        amount, rel=1e-12
    )


@PROFILE
@given(
    spec=fixed_specs(nonneg=False),
    inflation=st.lists(pct(0, 25), min_size=20, max_size=20),
    offset=st.integers(-3, 12),
)
def test_real_not_above_nominal_after_base_year(
    spec: AgreementSpec, inflation: list[D], offset: int
) -> None:
    start = spec.first_year - 4
    cpi = {start + i: v for i, v in enumerate(inflation)}
    base = spec.first_year + min(offset, spec.duration - 1)
    frame = ledger(spec, cpi=cpi, fx={}, currencies=("KRW",), base_year=base)
    for year, nominal, real in zip(frame["year"], frame["nominal"], frame["real"], strict=True):
        if year >= base:
            assert real <= nominal
        else:
            assert real >= nominal
        if year == base:
            assert real == nominal


@PROFILE
@given(spec=category_specs(), inflation=pct(-5, 25))
def test_cumulative_is_the_running_sum(spec: AgreementSpec, inflation: D) -> None:
    frame = ledger(
        spec, cpi={}, fx={}, currencies=("KRW",), assumed_inflation=inflation, troops=1000
    )
    np.testing.assert_allclose(frame["cum_nominal"], np.cumsum(frame["nominal"]), rtol=1e-15)
    np.testing.assert_allclose(frame["cum_real"], np.cumsum(frame["real"]), rtol=1e-12)
    # Exact against the Decimal schedule: the last cumulative is the float of the exact sum.
    sched = schedule(spec)
    assert frame["cum_nominal"].iloc[-1] == float(sum((r.total for r in sched.rows), D(0)))
    if all(r.total == r.total.to_integral_value() for r in sched.rows):
        # Whole units below 2**53: float sums are exact too.
        assert frame["cum_nominal"].tolist() == np.cumsum(frame["nominal"]).tolist()
    cats = frame[[f"cat_{c.name}" for c in spec.categories]].sum(axis=1)
    np.testing.assert_allclose(cats, frame["nominal"], rtol=1e-15)
