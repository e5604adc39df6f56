"""agreement.ledger: real terms, currencies, per troop, cumulative, compare; the `ledger` command.

Unit tests use explicit CPI / FX mappings; tests/agreement/test_agreement_data.py uses the bundled
data.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal as D
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from burdenshare.agreement import (
    AgreementSpec,
    compare,
    convert,
    fx_rate,
    ledger,
    price_ratio,
    troops_in,
)
from burdenshare.cli import app
from burdenshare.errors import DataError
from burdenshare.money import money_context

CPI = {2021: D(10), 2022: D(10)}
FX = {
    "USD": {2020: D(1), 2021: D(1), 2022: D(1)},
    "KRW": {2020: D(1200), 2021: D(1100)},
    "JPY": {2020: D(110), 2021: D(100), 2022: D(120)},
}


def spec(**kw: Any) -> AgreementSpec:
    base: dict[str, Any] = {
        "name": "test",
        "first_year": 2020,
        "duration": 3,
        "currency": "KRW",
        "first_year_total": D(1_200_000),
    }
    base.update(kw)
    return AgreementSpec(**base)


def approx(values: list[float]) -> Any:
    return pytest.approx(values, rel=1e-12)


# --------------------------------------------------------------------------- ledger columns
def test_ledger_columns_and_nominal() -> None:
    frame = ledger(spec(), cpi=CPI, fx=FX)
    assert list(frame.columns) == [
        "year", "nominal", "change_percent", "basis", "real", "real_basis",
        "nominal_krw", "nominal_usd", "nominal_jpy", "real_usd", "real_jpy", "fx_basis",
        "troops", "per_troop", "cum_nominal", "cum_real", "cat_total",
    ]  # fmt: skip
    assert frame["year"].tolist() == [2020, 2021, 2022]
    assert frame["nominal"].tolist() == [1_200_000.0] * 3
    assert frame["basis"].tolist() == ["first", "flat", "flat"]
    assert frame.attrs == {
        "currency": "KRW",
        "base_year": 2020,
        "agreement": "test",
        "cpi": {"KRW": "ROK CPI", "USD": "US CPI", "JPY": "Japan CPI"},
        "assumed_cpi": {},
        "missing_cpi": {},
    }


def test_real_in_first_year_prices_by_default() -> None:
    frame = ledger(spec(), cpi=CPI, fx=FX)
    assert frame["real"].tolist() == approx([1_200_000, 1_200_000 / 1.1, 1_200_000 / 1.21])
    assert frame["real_basis"].tolist() == ["data"] * 3
    assert frame["cum_real"].tolist() == approx(
        [1_200_000, 1_200_000 * (1 + 1 / 1.1), 1_200_000 * (1 + 1 / 1.1 + 1 / 1.21)]
    )


def test_real_in_later_base_year_prices_inflates_earlier_years() -> None:
    frame = ledger(spec(), cpi=CPI, fx=FX, base_year=2022)
    assert frame["real"].tolist() == approx([1_452_000, 1_320_000, 1_200_000])
    assert frame.attrs["base_year"] == 2022


def test_missing_cpi_is_an_error_naming_the_years() -> None:
    with pytest.raises(DataError) as info:
        ledger(spec(duration=5), cpi=CPI, fx=FX)
    (problem,) = info.value.problems
    assert "2023, 2024" in problem.message
    assert problem.found == "data for 2021-2022"


def test_assumed_inflation_fills_and_flags_cpi_gaps() -> None:
    frame = ledger(spec(duration=4), cpi=CPI, fx=FX, assumed_inflation=D(0))
    assert frame["real"].tolist() == approx([1_200_000, 1_200_000 / 1.1] + [1_200_000 / 1.21] * 2)
    assert frame["real_basis"].tolist() == ["data", "data", "data", "assumed"]
    frame = ledger(spec(duration=4), cpi={}, fx=FX, assumed_inflation=D(5))
    assert frame["real"].iloc[3] == pytest.approx(1_200_000 / 1.05**3, rel=1e-12)


def test_currency_columns_cross_through_usd_and_hold_last_rate() -> None:
    frame = ledger(spec(), cpi=CPI, fx=FX)
    assert frame["nominal_krw"].tolist() == [1_200_000.0] * 3
    usd = [1000, 1_200_000 / 1100, 1_200_000 / 1100]  # 2022 holds the 2021 KRW rate
    assert frame["nominal_usd"].tolist() == approx(usd)
    assert frame["nominal_jpy"].tolist() == approx([1000 * 110, usd[1] * 100, usd[2] * 120])
    assert frame["fx_basis"].tolist() == ["data", "data", "assumed"]


def test_requested_currencies_only_and_no_fx_needed_for_own_currency() -> None:
    frame = ledger(spec(), cpi=CPI, fx={}, currencies=("KRW",))
    assert [c for c in frame.columns if c.startswith("nominal_")] == ["nominal_krw"]
    assert frame["fx_basis"].tolist() == ["data"] * 3


def test_usd_agreement_without_usd_entry_in_table() -> None:
    fx = {"KRW": {2020: D(1000)}}
    frame = ledger(spec(currency="USD", first_year_total=D(10), duration=1), cpi=CPI, fx=fx,
                   currencies=("USD", "KRW"))  # fmt: skip
    assert frame["nominal_krw"].tolist() == [10_000.0]


def test_fx_errors() -> None:
    with pytest.raises(DataError, match="no exchange rates for JPY"):
        ledger(spec(), cpi=CPI, fx={"KRW": FX["KRW"]})
    with pytest.raises(DataError, match="for 2020 or earlier"):
        ledger(spec(), cpi=CPI, fx={"KRW": {2021: D(1100)}}, currencies=("USD",))
    with pytest.raises(DataError, match="unknown currency EUR"):
        ledger(spec(), cpi=CPI, fx=FX, currencies=("EUR",))


def test_convert_is_exact_to_minor_units_on_round_trip() -> None:
    usd = convert(D(1_234_567), "KRW", "USD", 2021, FX)
    with money_context():
        assert usd == D(1_234_567) / D(1100)  # 34 significant digits
    back = convert(usd, "USD", "KRW", 2021, FX)
    assert back.quantize(D(1)) == D(1_234_567)
    assert convert(D(5), "KRW", "KRW", 1900, {}) == D(5)
    assert convert(D(1000), "USD", "JPY", 2022, FX) == D(120_000)
    assert fx_rate(FX, "KRW", 2030) == (D(1100), True)
    assert fx_rate(FX, "KRW", 2020) == (D(1200), False)


def test_price_ratio_both_directions() -> None:
    assert price_ratio(CPI, 2020, 2022) == (D("1.21"), [])
    ratio, missing = price_ratio(CPI, 2022, 2020)
    with money_context():
        assert ratio == 1 / D("1.21") and missing == []
    assert price_ratio(CPI, 2020, 2020) == (D(1), [])
    assert price_ratio(CPI, 2020, 2024, assumed_inflation=D(0))[1] == [2023, 2024]


def test_troops_per_troop_and_path_holding() -> None:
    frame = ledger(spec(troops={2020: 28_500, 2022: 30_000}), cpi=CPI, fx=FX)
    assert frame["troops"].tolist() == [28_500, 28_500, 30_000]
    assert frame["per_troop"].tolist() == approx([1_200_000 / 28_500] * 2 + [40.0])
    frame = ledger(spec(), cpi=CPI, fx=FX, troops=0)
    assert frame["per_troop"].isna().all()
    with pytest.raises(DataError) as info:
        ledger(spec(), cpi=CPI, fx=FX, troops={2021: 100})
    assert info.value.problems[0].path == "troops"
    assert troops_in(28_500, 1999) == 28_500
    assert troops_in({2000: 1, 2010: 2}, 2009) == 1


def test_default_troops_from_spec() -> None:
    frame = ledger(spec(), cpi=CPI, fx=FX)
    assert frame["troops"].tolist() == [28_500] * 3


def test_cumulative_and_categories() -> None:
    cats = [{"name": "labor", "share": D("0.5")}, {"name": "construction", "share": D("0.5")}]
    s = spec(first_year_total=D(101), categories=cats,
             escalation={"kind": "fixed", "percent": D(10)})  # fmt: skip
    frame = ledger(s, cpi=CPI, fx=FX)
    assert frame["nominal"].tolist() == [101.0, 111.0, 122.0]  # 111.1 -> 111; 122.1 -> 122
    assert frame["cum_nominal"].tolist() == [101.0, 212.0, 334.0]
    assert frame["cat_labor"].tolist() == [51.0, 56.0, 61.0]
    assert frame["cat_construction"].tolist() == [50.0, 55.0, 61.0]
    assert (frame["cat_labor"] + frame["cat_construction"]).tolist() == frame["nominal"].tolist()
    assert frame["change_percent"].iloc[1:].tolist() == [10.0, 10.0]
    assert math.isnan(frame["change_percent"].iloc[0])


def test_ledger_passes_indices_to_schedule() -> None:
    s = spec(escalation={"kind": "index", "index": "mine", "cap_percent": D(5)})
    frame = ledger(s, indices={"mine": {2021: D(3), 2022: D(9)}}, cpi=CPI, fx=FX)
    assert frame["nominal"].tolist() == [1_200_000.0, 1_236_000.0, 1_297_800.0]
    assert frame["basis"].tolist() == ["first", "index", "index"]


# --------------------------------------------------------------------------- compare
def test_compare_overlapping_and_disjoint_years() -> None:
    a = spec(name="A", currency="USD", first_year_total=D(100))
    b = spec(name="B", currency="USD", first_year=2021, first_year_total=D(150),
             escalation={"kind": "fixed", "percent": D(10)})  # fmt: skip
    frame = compare(a, b, fx=FX, cpi={"ignored": 1})
    assert frame["year"].tolist() == [2020, 2021, 2022, 2023]
    assert frame["a"].tolist()[:3] == [100.0, 100.0, 100.0] and math.isnan(frame["a"].iloc[3])
    assert math.isnan(frame["b"].iloc[0])
    assert frame["b"].tolist()[1:] == [150.0, 165.0, 182.0]  # 181.5 -> 182
    diff = frame["difference"].tolist()
    assert math.isnan(diff[0]) and diff[1:3] == [50.0, 65.0] and math.isnan(diff[3])
    assert frame["ratio"].tolist()[1:3] == [1.5, 1.65]
    assert frame["cum_difference"].tolist() == approx([-100.0, -50.0, 15.0, 197.0])
    assert frame.attrs == {"a": "A", "b": "B", "currency": "USD"}


def test_compare_in_krw_converts_the_usd_agreement() -> None:
    a = spec(name="A", currency="USD", first_year_total=D(1000), duration=2)
    b = spec(name="B", duration=2)
    frame = compare(a, b, currency="KRW", fx=FX)
    assert frame["a"].tolist() == [1_200_000.0, 1_100_000.0]
    assert frame["b"].tolist() == [1_200_000.0, 1_200_000.0]
    assert frame["ratio"].tolist() == approx([1.0, 12 / 11])


# --------------------------------------------------------------------------- CLI (fake scenario)
@dataclass
class FakeLedgerDefaults:
    base_year: int | None = None
    currencies: list[str] = field(default_factory=lambda: ["KRW", "USD", "JPY"])
    assumed_inflation: dict[str, D] = field(default_factory=dict)


@dataclass
class FakeMeta:
    as_of: date = date(2020, 1, 1)


@dataclass
class FakeScenario:
    """What the command uses of burdenshare.scenario.Scenario (the ledger, and what the
    plausibility checks read)."""

    agreement: AgreementSpec
    schedules: dict[str, AgreementSpec] = field(default_factory=dict)
    indices: dict[str, dict[int, D]] = field(default_factory=dict)
    ledger: FakeLedgerDefaults = field(default_factory=FakeLedgerDefaults)
    meta: FakeMeta = field(default_factory=FakeMeta)
    preferences: dict[str, Any] = field(default_factory=dict)
    issues: dict[str, Any] = field(default_factory=dict)
    deadlines: list[Any] = field(default_factory=list)
    source_path: Any = None

    def indices_map(self) -> dict[str, dict[int, D]]:
        return self.indices

    def agreements(self) -> dict[str, AgreementSpec]:
        return {"agreement": self.agreement, **self.schedules}


@pytest.fixture
def fake_scenarios(monkeypatch: pytest.MonkeyPatch) -> dict[str, FakeScenario]:
    """Stand in for burdenshare.scenario.load_scenario (its contract: a name or path in, a
    Scenario with .agreement, .schedules and .indices out)."""
    from burdenshare.errors import ScenarioError

    known = {
        "demo": FakeScenario(
            agreement=spec(name="template", first_year=2020, duration=2),
            schedules={
                "signed": spec(
                    name="Signed",
                    first_year=2020,
                    duration=2,
                    escalation={"kind": "index", "index": "mine"},
                ),
                "demand": spec(
                    name="Demand", currency="USD", first_year_total=D("5e9"), duration=2
                ),
            },
            indices={"mine": {2021: D(10)}},
        ),
        "defaults": FakeScenario(
            agreement=spec(name="template", duration=2),
            ledger=FakeLedgerDefaults(base_year=2021, currencies=["USD"]),
        ),
    }

    def load_scenario(source: object) -> FakeScenario:
        if str(source) not in known:
            raise ScenarioError.single("no such scenario", found=str(source))
        return known[str(source)]

    monkeypatch.setattr("burdenshare.scenario.load_scenario", load_scenario)
    return known


def test_cli_ledger_csv_all_schedules(fake_scenarios: dict[str, FakeScenario]) -> None:
    result = CliRunner().invoke(app, ["ledger", "demo", "--csv", "--currency", "KRW"])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(pd.io.common.StringIO(result.stdout))
    assert frame["schedule"].tolist() == ["agreement"] * 2 + ["signed"] * 2 + ["demand"] * 2
    signed = frame[frame["schedule"] == "signed"]
    assert signed["nominal"].tolist() == [1_200_000, 1_320_000]  # scenario index: +10 %
    assert "nominal_usd" not in frame.columns


def test_cli_ledger_json_one_schedule(fake_scenarios: dict[str, FakeScenario]) -> None:
    result = CliRunner().invoke(
        app, ["ledger", "demo", "--schedule", "demand", "--json", "--base-year", "2021"]
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [r["year"] for r in records] == [2020, 2021]
    assert {r["schedule"] for r in records} == {"demand"}
    assert records[0]["nominal"] == 5e9
    assert records[1]["real"] == 5e9
    assert records[0]["nominal_usd"] == 5e9 and records[0]["nominal_krw"] > 5e12


def test_cli_ledger_table(fake_scenarios: dict[str, FakeScenario]) -> None:
    from burdenshare.cli.tables import amount_column

    args = ["ledger", "demo", "-s", "signed", "--currency", "usd"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Signed" in result.stdout
    header = next(line for line in result.stdout.splitlines() if line.lstrip().startswith("year"))
    # the table leads with the currency asked for, not the agreement's (KRW)
    assert header.split()[:2] == ["year", "USD"] and "real USD" in header
    assert "KRW" not in header and "JPY" not in result.stdout
    assert "change: of the USD amounts (the agreement is set in KRW)" in " ".join(
        result.stdout.split()
    )
    csv = pd.read_csv(pd.io.common.StringIO(CliRunner().invoke(app, [*args, "--csv"]).stdout))
    unit, cells = amount_column(list(csv["nominal_usd"]))
    assert unit == "" and all(c in result.stdout for c in cells)
    change = csv["nominal_usd"].iloc[1] / csv["nominal_usd"].iloc[0] * 100 - 100
    assert f"{change:+.1f}%" in result.stdout  # the change of the USD amounts


def test_cli_ledger_user_errors_exit_2(fake_scenarios: dict[str, FakeScenario]) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["ledger", "demo", "--schedule", "nope"])
    assert result.exit_code == 2
    assert "nope" in result.stderr and "signed" in result.stderr
    result = runner.invoke(app, ["ledger", "demo", "--csv", "--json"])
    assert result.exit_code == 2
    result = runner.invoke(app, ["ledger", "demo", "--currency", "EUR"])
    assert result.exit_code == 2 and "EUR" in result.stderr
    result = runner.invoke(app, ["ledger", "missing"])
    assert result.exit_code == 2 and "no such scenario" in result.stderr
    # Years beyond the CPI data: an error unless --assumed-inflation is given.
    result = runner.invoke(app, ["ledger", "demo", "--base-year", "2040", "--csv"])
    assert result.exit_code == 2 and "CPI" in result.stderr
    result = runner.invoke(
        app, ["ledger", "demo", "--base-year", "2040", "--assumed-inflation", "2", "--csv"]
    )
    assert result.exit_code == 0, result.output


def test_cli_ledger_uses_scenario_ledger_defaults(fake_scenarios: dict[str, FakeScenario]) -> None:
    result = CliRunner().invoke(app, ["ledger", "defaults", "--json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [k for k in records[0] if k.startswith("nominal_")] == ["nominal_usd"]
    assert records[1]["real"] == records[1]["nominal"]  # base year 2021 from [ledger]
    result = CliRunner().invoke(
        app, ["ledger", "defaults", "--json", "--base-year", "2020", "-c", "JPY"]
    )
    records = json.loads(result.stdout)
    assert [k for k in records[0] if k.startswith("nominal_")] == ["nominal_jpy"]
    assert records[0]["real"] == records[0]["nominal"]
