"""`compare` sets like against like (issue 9, defect 5.6): a one-year ask against a six-year deal
is compared per year and over a common horizon, the shorter schedule extended by a stated rule,
instead of a running total that counts the ask's missing years as zero (the signed deal
"costing $840.3 M more by 2025")."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from burdenshare import data
from burdenshare.agreement import AgreementSpec, compare, schedule
from burdenshare.cli import app
from burdenshare.scenario import load_scenario

A, B = "sma-2019:us_demand", "sma-2021-signed"


def _cli(*args: str) -> Any:
    result = CliRunner().invoke(app, ["compare", *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def _flat(text: str) -> str:
    return " ".join(text.split())


def _usd(amount_krw: float, year: int) -> float:
    rates = data.fx_table()["KRW"]
    rate = rates[year] if year in rates else rates[max(rates)]
    return amount_krw / float(rate)


def test_the_ask_is_extended_by_its_own_rule_over_the_deals_six_years() -> None:
    ask = load_scenario("sma-2019").agreements()["us_demand"]
    deal = load_scenario("sma-2021-signed").agreement
    assert ask.duration == 1 and deal.duration == 6 and ask.escalation.kind == "none"
    rows = json.loads(_cli(A, B, "--json").stdout)
    assert [r["year"] for r in rows] == list(range(2020, 2026))
    ask_col, deal_col = f"{A}", f"{B}:agreement"
    # the ask's rule is `none`: held at 5 bn a year; the deal's years as stated
    assert [r[ask_col] for r in rows] == [5e9] * 6
    assert [r[f"{ask_col} basis"] for r in rows] == ["stated"] + ["extended"] * 5
    assert {r[f"{deal_col} basis"] for r in rows} == {"stated"}
    amounts = schedule(deal).rows
    for r, row in zip(rows, amounts, strict=True):
        assert r[deal_col] == pytest.approx(_usd(float(row.total), r["year"]), rel=1e-12)
    # the cumulative difference runs over the horizon with the ask extended: the deal costs
    # about $24 bn less, not $840 M more
    total = sum(r[deal_col] - r[ask_col] for r in rows)
    assert rows[-1]["cum_difference"] == pytest.approx(total, rel=1e-12)
    assert rows[-1]["cum_difference"] < -20e9
    assert all(r["in_horizon"] for r in rows)


def test_the_text_states_per_year_the_horizon_and_the_rule() -> None:
    text = _flat(_cli(A, B).stdout)
    deal = load_scenario("sma-2021-signed").agreement
    mean = sum(_usd(float(r.total), r.year) for r in schedule(deal).rows) / 6
    assert f"Per year: A 5.00 bn USD (2020, 1 year), B {mean / 1e6:,.1f} M USD (2020-2025" in text
    assert f"B / A = {mean / 5e9:.3f}" in text
    assert "Over the common horizon 2020-2025, 6 years: A 30.00 bn USD" in text
    assert "A states 2020, 1 year and is extended to 2025 by its own escalation rule " in text
    assert "(none: held flat)" in text and "extended years are marked *" in text
    assert "5.00*" in text and "+840.3" not in text  # the defect's number is gone


def test_flat_and_rule_differ_for_an_escalating_schedule() -> None:
    """A 3-year schedule rising 10 % a year against a 5-year flat one: `rule` goes on rising,
    `flat` holds the last year; both say which they did."""
    short = AgreementSpec(
        name="short", first_year=2020, duration=3, currency="USD",
        first_year_total=Decimal(100), escalation={"kind": "fixed", "percent": Decimal(10)},
    )  # fmt: skip
    long = AgreementSpec(
        name="long", first_year=2020, duration=5, currency="USD", first_year_total=Decimal(100)
    )
    rule = compare(short, long, extend="rule")
    flat = compare(short, long, extend="flat")
    assert rule["a"].tolist() == [100.0, 110.0, 121.0, 133.0, 146.0]  # rounded to whole units
    assert flat["a"].tolist() == [100.0, 110.0, 121.0, 121.0, 121.0]
    assert rule.attrs["extended"] == {"a": "its own escalation rule (fixed: +10% a year)"}
    assert flat.attrs["extended"] == {"a": "held flat at its last year's amount"}
    assert rule.attrs["horizon"] == (2020, 2024)
    assert rule["cum_difference"].iloc[-1] == pytest.approx(500 - 610)
    # without extend: the old running total, missing years counted as zero
    old = compare(short, long)
    assert old["cum_difference"].iloc[-1] == pytest.approx(500 - 331)


def test_years_before_the_common_horizon_are_outside_it() -> None:
    early = AgreementSpec(
        name="early", first_year=2019, duration=2, currency="USD", first_year_total=Decimal(10)
    )
    late = AgreementSpec(
        name="late", first_year=2020, duration=3, currency="USD", first_year_total=Decimal(20)
    )
    frame = compare(early, late, extend="flat")
    assert frame["year"].tolist() == [2019, 2020, 2021, 2022]
    assert frame["in_horizon"].tolist() == [False, True, True, True]
    assert pd.isna(frame["cum_difference"].iloc[0])
    assert frame["cum_difference"].iloc[-1] == pytest.approx(3 * 20 - 3 * 10)
    assert frame["a_basis"].tolist() == ["stated", "stated", "extended", "extended"]


def test_extend_none_keeps_the_old_table_and_says_so() -> None:
    text = _flat(_cli(A, B, "--extend", "none").stdout)
    assert "Not extended (--extend none)" in text and "+840.3" in text


def test_an_unknown_extend_rule_exits_2() -> None:
    result = CliRunner().invoke(app, ["compare", A, B, "--extend", "grow"])
    assert result.exit_code == 2 and "rule or flat" in result.stderr
