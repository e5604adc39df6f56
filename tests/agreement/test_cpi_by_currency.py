"""Each currency deflates with its own country's CPI, and the inflation assumed after the data end
is a scenario field, stated in the output (issue 9, defect 5.7: yen deflated with Korean CPI;
`ledger` failing on 2026 while `analyze` silently assumed 2%)."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from burdenshare import data
from burdenshare.agreement import ledger
from burdenshare.agreement.projection import scenario_ledgers
from burdenshare.app import analyze
from burdenshare.cli import app
from burdenshare.scenario import bundled_path, load_scenario

HNS = Path(__file__).parents[1] / "data" / "japan" / "hns-2022.toml"
JP = data.cpi_series("JPY")
US = data.cpi_series("USD")
KR = data.cpi_series("KRW")


def _growth(cpi: dict[int, Decimal], base: int, year: int, assumed: float = 0.0) -> float:
    """P[year] / P[base] from yearly percent changes (year >= base), computed here by hand."""
    out = 1.0
    for t in range(base + 1, year + 1):
        out *= 1 + float(cpi.get(t, Decimal(str(assumed)))) / 100
    return out


def _flat(text: str) -> str:
    return " ".join(text.split())


def _with_ledger_line(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / source.name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the data
@pytest.mark.parametrize("currency", ["JPY", "USD"])
def test_the_new_cpi_series_are_sourced_and_cover_1990_2024(currency: str) -> None:
    frame = {"JPY": data.japan_cpi, "USD": data.us_cpi}[currency]()
    assert frame["year"].tolist() == list(range(1990, 2025))
    assert frame["source_url"].str.startswith("https://").all()
    assert set(frame["status"]) == {"verified"} and frame["as_of"].notna().all()
    series = data.cpi_series(currency)
    assert [float(series[y]) for y in frame["year"]] == frame["percent"].tolist()


def test_japan_uses_the_statistics_bureau_figures_where_they_differ_from_the_world_bank() -> None:
    rows = data.japan_cpi().set_index("year")
    for year, bureau, world_bank in ((2014, "2.7", "2.759"), (2023, "3.2", "3.268")):
        assert JP[year] == Decimal(bureau)
        assert (
            world_bank in rows.loc[year, "note"] and "Statistics Bureau" in rows.loc[year, "note"]
        )
    # the deflation years Japan had and Korea did not: the two series really differ
    assert JP[2021] == Decimal("-0.2") and KR[2021] != JP[2021]


# --------------------------------------------------------------------------- the ledger
def test_yen_deflate_with_japan_cpi_not_korea_cpi() -> None:
    scenario = load_scenario(HNS)
    frame = scenario_ledgers(scenario, assumed_inflation=Decimal("2.0"))["agreement"]
    nominal = 211_000_000_000
    years = frame["year"].tolist()
    expected = [nominal / _growth(JP, 2022, y, assumed=2.0) for y in years]
    assert frame["real"].tolist() == pytest.approx(expected, rel=1e-12)
    korean = [nominal / _growth(KR, 2022, y, assumed=2.0) for y in years]
    assert frame["real"].iloc[2] != pytest.approx(korean[2], rel=1e-6)
    assert frame.attrs["cpi"]["JPY"] == "Japan CPI"


def test_dollars_deflate_with_us_cpi() -> None:
    scenario = load_scenario("sma-2021-signed")
    frame = scenario_ledgers(scenario, currencies=("KRW", "USD"))["agreement"]
    base = frame.attrs["base_year"]
    rate = float(scenario.ledger.assumed_inflation["USD"])
    expected = [
        usd / _growth(US, base, int(y), assumed=rate)
        for y, usd in zip(frame["year"], frame["nominal_usd"], strict=True)
    ]
    assert frame["real_usd"].tolist() == pytest.approx(expected, rel=1e-9)
    krw = [
        k / _growth(KR, base, int(y)) for y, k in zip(frame["year"], frame["nominal"], strict=True)
    ]
    assert frame["real"].tolist() == pytest.approx(krw, rel=1e-12)


def test_api_default_cpi_follows_the_agreement_currency() -> None:
    spec = load_scenario(HNS).agreement
    frame = ledger(spec, currencies=("JPY",), base_year=2022, assumed_inflation=Decimal("1"))
    assert frame["real"].iloc[1] == pytest.approx(211e9 / _growth(JP, 2022, 2023), rel=1e-12)


# --------------------------------------------------------------------------- ledger command
def test_ledger_without_an_assumed_rate_names_the_cpi_the_years_and_the_field() -> None:
    result = CliRunner().invoke(app, ["ledger", str(HNS)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    line = _flat(result.stderr)
    assert line.startswith("error: Japan CPI has no inflation figure for 2025, 2026")
    assert "[ledger] assumed_inflation" in line and "--assumed-inflation" in line


def test_ledger_uses_and_states_the_scenarios_assumed_inflation(tmp_path: Path) -> None:
    old = 'currencies = ["JPY", "USD"]\n'
    path = _with_ledger_line(
        tmp_path, HNS, old, old + "assumed_inflation = { JPY = 1.5, USD = 2.0 }\nestimate = true\n"
    )
    csv = CliRunner().invoke(app, ["ledger", str(path), "--csv"])
    assert csv.exit_code == 0, csv.output
    frame = pd.read_csv(pd.io.common.StringIO(csv.stdout))
    real = frame.set_index("year")["real"]
    assert real[2025] == pytest.approx(real[2024] / 1.015, rel=1e-12)
    assert real[2026] == pytest.approx(real[2024] / 1.015**2, rel=1e-12)
    assert frame.set_index("year").loc[2025, "real_basis"] == "assumed"

    table = CliRunner().invoke(app, ["ledger", str(path)])
    assert table.exit_code == 0, table.output
    caption = _flat(table.stdout)
    assert "real: 2022 prices (Japan CPI)" in caption
    assert (
        "CPI assumed ([ledger] assumed_inflation): Japan CPI +1.5% a year in 2025-2026" in caption
    )
    assert "(CPI assumed)" in table.stdout  # the rows that use it are marked


def test_ledger_option_overrides_the_scenario() -> None:
    result = CliRunner().invoke(app, ["ledger", str(HNS), "--assumed-inflation", "3", "--csv"])
    assert result.exit_code == 0, result.output
    real = pd.read_csv(pd.io.common.StringIO(result.stdout)).set_index("year")["real"]
    assert real[2026] == pytest.approx(real[2024] / 1.03**2, rel=1e-12)


# --------------------------------------------------------------------------- analyze
def _signed(tmp_path: Path, line: str) -> Path:
    old = "assumed_inflation = { KRW = 2.0, USD = 2.0, JPY = 2.0 }\n"
    return _with_ledger_line(tmp_path, bundled_path("sma-2021-signed"), old, line)


def test_analyze_uses_the_scenario_field_not_a_silent_two_percent(tmp_path: Path) -> None:
    path = _signed(tmp_path, "assumed_inflation = { KRW = 3.0, USD = 2.5 }\n")
    results = analyze(load_scenario(path))
    assert results.assumed_inflation == {"KRW": Decimal("3.0"), "USD": Decimal("2.5")}
    history = results.history.set_index("year")
    base = results.base_year
    expected = history.loc[2030, "amount_krw"] / _growth(KR, base, 2030, assumed=3.0)
    assert history.loc[2030, "real_krw"] == pytest.approx(expected, rel=1e-12)
    notes = results.assumption_notes()
    assert any("ROK CPI inflation of 3.0% a year for 2026-2030" in n for n in notes)
    assert any("US CPI inflation of 2.5% a year for 2025" in n for n in notes)


def test_analyze_states_the_assumption_in_terminal_and_report(tmp_path: Path) -> None:
    path = _signed(tmp_path, "assumed_inflation = { KRW = 3.0, USD = 2.5 }\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["analyze", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = _flat(result.stdout)
    assert "note: real KRW amounts assume ROK CPI inflation of 3.0% a year for 2026-2030" in text
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "ROK CPI inflation of 3.0% a year for 2026-2030" in page
    assert "each currency deflated by its own country" in page


def test_analyze_without_the_field_leaves_unknown_years_out_and_says_so(tmp_path: Path) -> None:
    path = _signed(tmp_path, "")
    results = analyze(load_scenario(path))
    history = results.history.set_index("year")
    assert math.isnan(history.loc[2030, "real_krw"]) and not math.isnan(
        history.loc[2025, "real_krw"]
    )
    assert any(re.search(r"2026-2030 are left out", n) for n in results.assumption_notes())
    usd = results.ledgers["agreement"].set_index("year")
    assert math.isnan(usd.loc[2025, "real_usd"])  # no US CPI for 2025, no assumed rate
    assert usd.attrs["missing_cpi"] == {"USD": [2025]}
