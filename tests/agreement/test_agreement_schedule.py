"""agreement.schedule: escalation paths, rounding chains, categories (explicit index mappings)."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from burdenshare.agreement import Agreement, AgreementSpec, allocate
from burdenshare.agreement.schedule import Schedule, schedule
from burdenshare.errors import DataError
from burdenshare.money import quantize

BN = D(1_000_000_000)
SMA_Q = D(100_000_000)

# ROK main defence budget growth, % (MND), and ROK CPI, % (Statistics Korea).
DEFENSE = {2020: D("7.4"), 2021: D("5.4"), 2022: D("3.4"), 2023: D("4.4"), 2024: D("4.2")}
CPI = {
    2008: D("4.7"), 2009: D("2.8"), 2010: D("2.9"), 2011: D("4.0"), 2012: D("2.2"),
    2013: D("1.3"), 2014: D("1.3"), 2015: D("0.7"), 2016: D("1.0"), 2025: D("2.1"),
}  # fmt: skip


def spec(**kw: Any) -> AgreementSpec:
    base: dict[str, Any] = {
        "name": "test",
        "first_year": 2020,
        "duration": 4,
        "currency": "KRW",
        "first_year_total": D(100),
    }
    base.update(kw)
    return AgreementSpec(**base)


def totals(s: Schedule) -> list[D]:
    return [r.total for r in s.rows]


def bases(s: Schedule) -> list[str]:
    return [r.basis for r in s.rows]


def sma11() -> AgreementSpec:
    return spec(
        name="11th SMA",
        duration=6,
        first_year_total=D("1038900000000"),
        rounding=SMA_Q,
        escalation={
            "kind": "index",
            "index": "rok_defense_budget",
            "lag": 1,
            "year_percent": {2021: D("13.9")},
        },
    )


# --------------------------------------------------------------------------- published SMA chains
def test_11th_sma_chain_from_defence_budget_growth() -> None:
    s = schedule(sma11(), {"rok_defense_budget": DEFENSE})
    assert s.years == list(range(2020, 2026))
    assert totals(s) == [
        D("1038900000000"),
        D("1183300000000"),
        D("1247200000000"),
        D("1289600000000"),
        D("1346300000000"),
        D("1402800000000"),
    ]
    assert bases(s) == ["first", "explicit_percent", "index", "index", "index", "index"]
    assert [r.change_percent for r in s.rows] == [
        None, D("13.9"), D("5.4"), D("3.4"), D("4.4"), D("4.2")
    ]  # fmt: skip
    # 2022 uses the 2021 budget growth (lag 1).
    assert s[2022].index_percent == D("5.4")


def test_rounding_chains_from_the_rounded_amount() -> None:
    s = schedule(sma11(), {"rok_defense_budget": DEFENSE})
    assert s[2022].total == quantize(D("1183300000000") * D("1.054"), SMA_Q)
    # A small rate that rounding swallows every year: the rounded chain stays flat, whereas
    # escalating the unrounded amount would reach 101 by the third year.
    flat = schedule(spec(escalation={"kind": "fixed", "percent": D("0.4")}))
    assert totals(flat) == [D(100)] * 4
    assert [r.change_percent for r in flat.rows[1:]] == [D("0.4")] * 3
    assert quantize(D(100) * D("1.004") ** 2, D(1)) == D(101)


def test_12th_sma_first_year_and_cpi_step() -> None:
    first = quantize(D("1402800000000") * D("1.083"), SMA_Q)
    assert first == D("1519200000000")
    sma12 = spec(
        name="12th SMA",
        first_year=2026,
        duration=5,
        first_year_total=first,
        rounding=SMA_Q,
        escalation={
            "kind": "index",
            "index": "rok_cpi",
            "lag": 2,
            "cap_percent": D(5),
            "assumed_percent": D(2),
        },
    )
    s = schedule(sma12, {"rok_cpi": CPI})
    assert s[2026].total == D("1519200000000")
    assert s[2027].total == D("1551100000000")
    assert s[2027].basis == "index"
    # 2028 needs 2026 CPI, not in the mapping -> assumed 2 %.
    assert s[2028].basis == "assumed"
    assert s[2028].total == quantize(D("1551100000000") * D("1.02"), SMA_Q)


def test_9th_sma_cpi_lag_2_cap_4() -> None:
    sma9 = spec(
        name="9th SMA",
        first_year=2014,
        duration=5,
        first_year_total=920 * BN,
        rounding=SMA_Q,
        escalation={"kind": "index", "index": "rok_cpi", "lag": 2, "cap_percent": D(4)},
    )
    s = schedule(sma9, {"rok_cpi": CPI})
    assert totals(s) == [920 * BN, D("932.0") * BN, D("944.1") * BN, D("950.7") * BN,
                         D("960.2") * BN]  # fmt: skip


def test_8th_sma_cap_binds_in_2010() -> None:
    sma8 = spec(
        name="8th SMA",
        first_year=2009,
        duration=5,
        first_year_total=760 * BN,
        rounding=SMA_Q,
        escalation={"kind": "index", "index": "rok_cpi", "lag": 2, "cap_percent": D(4)},
    )
    s = schedule(sma8, {"rok_cpi": CPI})
    assert s[2010].total == D("790.4") * BN
    assert s[2010].index_percent == D("4.7")
    assert s[2010].change_percent == D(4)  # capped
    assert totals(s)[2:] == [D("812.5") * BN, D("836.1") * BN, D("869.5") * BN]


# --------------------------------------------------------------------------- rules and exceptions
def test_none_rule_is_flat() -> None:
    s = schedule(spec())
    assert totals(s) == [D(100)] * 4
    assert bases(s) == ["first", "flat", "flat", "flat"]
    assert [r.change_percent for r in s.rows] == [None, D(0), D(0), D(0)]


def test_fixed_rule_compounds_on_rounded_amounts() -> None:
    s = schedule(spec(duration=5, escalation={"kind": "fixed", "percent": D(10)}))
    # 100, 110, 121, 133.1 -> 133, 146.3 -> 146
    assert totals(s) == [D(100), D(110), D(121), D(133), D(146)]
    assert bases(s)[1:] == ["fixed"] * 4


def test_fixed_negative_percent() -> None:
    s = schedule(spec(duration=3, escalation={"kind": "fixed", "percent": D(-50)}))
    assert totals(s) == [D(100), D(50), D(25)]


def test_rounding_is_half_up_not_bankers() -> None:
    s = schedule(
        spec(
            duration=2,
            first_year_total=D(250),
            escalation={"kind": "fixed", "percent": D(1)},
            rounding=D(5),
        )
    )
    # 250 × 1.01 = 252.5 = 50.5 quanta of 5 -> 51 quanta = 255 (banker's would give 250)
    assert s[2021].total == D(255)
    s2 = schedule(
        spec(
            duration=2, first_year_total=D(200), escalation={"kind": "fixed", "percent": D("0.25")}
        )
    )
    assert s2[2021].total == D(201)  # 200.5 -> 201


def test_frozen_year_copies_previous_then_rule_resumes() -> None:
    s = schedule(spec(escalation={"kind": "fixed", "percent": D(10), "frozen_years": [2021]}))
    assert totals(s) == [D(100), D(100), D(110), D(121)]
    assert bases(s) == ["first", "frozen", "fixed", "fixed"]
    assert s[2021].change_percent == D(0)


def test_year_percent_overrides_rule() -> None:
    s = schedule(
        spec(escalation={"kind": "fixed", "percent": D(10), "year_percent": {2022: D(-20)}})
    )
    assert totals(s) == [D(100), D(110), D(88), D(97)]  # 96.8 -> 97
    assert bases(s) == ["first", "fixed", "explicit_percent", "fixed"]


def test_year_amounts_override_and_chain() -> None:
    s = schedule(
        spec(escalation={"kind": "fixed", "percent": D(10), "year_amounts": {2021: D(200)}})
    )
    assert totals(s) == [D(100), D(200), D(220), D(242)]
    assert s[2021].basis == "explicit"
    assert s[2021].change_percent == D(100)  # implied change


def test_year_amounts_beat_frozen_and_percent_in_same_year() -> None:
    esc = {
        "kind": "none",
        "frozen_years": [2021, 2022],
        "year_percent": {2021: D(50), 2023: D(50)},
        "year_amounts": {2021: D(300)},
    }
    s = schedule(spec(escalation=esc))
    assert totals(s) == [D(100), D(300), D(300), D(450)]
    assert bases(s) == ["first", "explicit", "frozen", "explicit_percent"]


def test_first_year_in_year_amounts_overrides_first_year_total() -> None:
    s = schedule(
        spec(escalation={"kind": "fixed", "percent": D(10), "year_amounts": {2020: D(50)}})
    )
    assert s[2020].total == D(50) and s[2021].total == D(55)
    assert s[2020].basis == "explicit"
    assert s[2020].change_percent is None
    assert s[2022].total == D(61)  # 55 × 1.1 = 60.5 -> half-up 61
    assert s[2023].total == D(67)  # 61 × 1.1 = 67.1 -> 67


def test_explicit_amounts_are_rounded_to_the_quantum() -> None:
    s = schedule(
        spec(
            first_year_total=D(149),
            rounding=D(100),
            duration=2,
            escalation={"kind": "none", "year_amounts": {2021: D(250)}},
        )
    )
    assert totals(s) == [D(100), D(300)]


def test_implied_change_is_none_after_a_zero_year() -> None:
    s = schedule(
        spec(
            first_year_total=D(0),
            duration=2,
            escalation={"kind": "none", "year_amounts": {2021: D(10)}},
        )
    )
    assert s[2021].change_percent is None and s[2021].total == D(10)


# --------------------------------------------------------------------------- index rule
def idx(**kw: Any) -> dict[str, Any]:
    return {"kind": "index", "index": "custom", **kw}


def test_index_lag_zero_and_plus_percent() -> None:
    s = schedule(
        spec(duration=3, escalation=idx(plus_percent=D("8.8"))),
        {"custom": {2021: D("1.2"), 2022: D("-0.8")}},
    )
    # 5th-SMA style: index + 8.8 %.
    assert [r.change_percent for r in s.rows] == [None, D("10.0"), D("8.0")]
    assert totals(s) == [D(100), D(110), D(119)]  # 118.8 -> 119


def test_plus_percent_is_added_before_clipping() -> None:
    s = schedule(
        spec(duration=2, escalation=idx(plus_percent=D(3), cap_percent=D(4))),
        {"custom": {2021: D(2)}},
    )
    assert s[2021].change_percent == D(4)
    assert s[2021].index_percent == D(2)


def test_cap_and_floor() -> None:
    esc = idx(floor_percent=D(1), cap_percent=D(5))
    s = schedule(
        spec(duration=4, first_year_total=D(1000), escalation=esc),
        {"custom": {2021: D(9), 2022: D(-3), 2023: D(3)}},
    )
    assert [r.change_percent for r in s.rows[1:]] == [D(5), D(1), D(3)]
    assert totals(s) == [D(1000), D(1050), D(1061), D(1093)]  # 1060.5 -> 1061; 1092.83 -> 1093


def test_negative_floor_allows_decrease() -> None:
    s = schedule(spec(duration=2, escalation=idx(floor_percent=D(-2))), {"custom": {2021: D(-7)}})
    assert s[2021].change_percent == D(-2) and s[2021].total == D(98)


def test_assumed_percent_fills_gaps_and_is_clipped() -> None:
    esc = idx(lag=1, assumed_percent=D(7), cap_percent=D(5))
    s = schedule(spec(duration=4, escalation=esc), {"custom": {2020: D(2)}})
    assert bases(s) == ["first", "index", "assumed", "assumed"]
    assert [r.index_percent for r in s.rows] == [None, D(2), D(7), D(7)]
    assert [r.change_percent for r in s.rows] == [None, D(2), D(5), D(5)]
    assert totals(s) == [D(100), D(102), D(107), D(112)]  # 107.1 -> 107; 112.35 -> 112


def test_missing_index_year_raises_data_error_naming_index_year_and_path() -> None:
    esc = idx(lag=2)
    with pytest.raises(DataError) as info:
        schedule(spec(escalation=esc), {"custom": {2019: D(1)}})
    problems = info.value.problems
    # 2023 needs 2021, 2022 needs 2020 (2021 needs 2019, present)
    assert [p.path for p in problems] == ["escalation.index"] * 2
    text = str(info.value)
    assert "'custom'" in text and "2020" in text and "2021" in text
    assert "assumed_percent" in text
    assert problems[0].found == "data for 2019-2019"


def test_unknown_index_raises_data_error() -> None:
    with pytest.raises(DataError) as info:
        schedule(spec(escalation=idx()), {"other": {2021: D(1)}})
    (problem,) = info.value.problems
    assert problem.path == "escalation.index"
    assert "custom" in problem.message
    assert "rok_cpi" in (problem.expected or "")


def test_explicit_mapping_overrides_builtin_series() -> None:
    esc = {"kind": "index", "index": "rok_cpi"}
    s = schedule(spec(duration=2, escalation=esc), {"rok_cpi": {2021: D(50)}})
    assert s[2021].total == D(150)


def test_float_and_str_index_values_are_read_exactly() -> None:
    s = schedule(
        spec(duration=3, first_year_total=D(1000), escalation=idx()),
        {"custom": {2021: 1.1, 2022: "2.2"}},
    )  # type: ignore[dict-item]
    assert [r.change_percent for r in s.rows[1:]] == [D("1.1"), D("2.2")]


def test_exceptions_take_precedence_over_missing_index_data() -> None:
    esc = idx(frozen_years=[2021], year_percent={2022: D(5)}, year_amounts={2023: D(7)})
    s = schedule(spec(escalation=esc), {"custom": {}})
    assert bases(s) == ["first", "frozen", "explicit_percent", "explicit"]


# --------------------------------------------------------------------------- categories
def test_no_categories_gives_single_total_category() -> None:
    s = schedule(spec())
    assert s.categories == ("total",)
    assert all(r.by_category == {"total": r.total} for r in s.rows)


def test_categories_by_share_sum_exactly() -> None:
    cats = [{"name": "labor", "share": D("0.5")}, {"name": "construction", "share": D("0.3")},
            {"name": "logistics", "share": D("0.2")}]  # fmt: skip
    s = schedule(
        spec(
            duration=6,
            first_year_total=D(1001),
            escalation={"kind": "fixed", "percent": D("7.7")},
            categories=cats,
        )
    )
    for r in s.rows:
        assert sum(r.by_category.values()) == r.total
    # 1001 = 500.5 / 300.3 / 200.2 -> floors 500/300/200, one unit to the largest remainder (.5)
    assert s[2020].by_category == {"labor": D(501), "construction": D(300), "logistics": D(200)}


def test_categories_by_amount_weights() -> None:
    cats = [{"name": "a", "amount": D(600)}, {"name": "b", "amount": D(400)}]
    s = schedule(
        spec(
            first_year_total=D(1000),
            duration=2,
            categories=cats,
            escalation={"kind": "fixed", "percent": D(10)},
        )
    )
    assert s[2020].by_category == {"a": D(600), "b": D(400)}
    assert s[2021].by_category == {"a": D(660), "b": D(440)}


def test_sma_categories_in_whole_won() -> None:
    cats = [{"name": "labor", "share": D("0.48")}, {"name": "construction", "share": D("0.33")},
            {"name": "logistics", "share": D("0.19")}]  # fmt: skip
    s = schedule(
        sma11().model_copy(update={"categories": spec(categories=cats).categories}),
        {"rok_defense_budget": DEFENSE},
    )
    row = s[2022]
    assert sum(row.by_category.values()) == D("1247200000000")
    assert row.by_category["labor"] == D("598656000000")  # 0.48 × 1,247.2 bn exactly


def test_allocate_ties_go_to_earlier_names_and_zero_weights_split_equally() -> None:
    assert allocate(D(100), {"x": D(1), "y": D(1), "z": D(1)}) == {
        "x": D(34), "y": D(33), "z": D(33)
    }  # fmt: skip
    assert allocate(D(5), {"x": D(0), "y": D(0)}) == {"x": D(3), "y": D(2)}
    assert allocate(D(0), {"x": D(1), "y": D(2)}) == {"x": D(0), "y": D(0)}


def test_allocate_in_cents_when_total_has_cents() -> None:
    parts = allocate(D("100.01"), {"x": D(1), "y": D(1)})
    assert parts == {"x": D("50.01"), "y": D("50.00")}
    assert sum(parts.values()) == D("100.01")


def test_allocate_with_large_quantum_exponent() -> None:
    parts = allocate(D("1E+12"), {"x": D(1), "y": D(2)})
    # 333,333,333,333.33 and 666,666,666,666.67: the leftover unit goes to the larger remainder
    assert parts == {"x": D(333333333333), "y": D(666666666667)}
    assert sum(parts.values()) == D("1E+12")


# --------------------------------------------------------------------------- API surface
def test_agreement_alias_and_frame() -> None:
    a = Agreement(name="x", first_year=2020, duration=3, currency="USD",
                  first_year_total=D("10.50"), rounding=D("0.01"),
                  escalation={"kind": "fixed", "percent": D(10)})  # fmt: skip
    s = schedule(a)
    assert s.totals == {2020: D("10.50"), 2021: D("11.55"), 2022: D("12.71")}  # 12.705 -> .71
    assert s.cumulative == D("34.76")
    assert len(s) == 3
    with pytest.raises(KeyError):
        s[2030]
    frame = s.to_frame()
    assert list(frame.columns) == ["year", "total", "change_percent", "basis", "index_percent",
                                   "cat_total"]  # fmt: skip
    assert frame["year"].tolist() == [2020, 2021, 2022]
    assert frame["total"].tolist() == [10.5, 11.55, 12.71]
    assert frame["basis"].tolist() == ["first", "fixed", "fixed"]
    assert frame["change_percent"].isna().tolist() == [True, False, False]
