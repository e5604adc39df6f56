"""Schedules and ledgers against the bundled data (burdenshare.data): the published SMA figures.

Contract used: ``data.index_series(name) -> {year: Decimal percent}`` for ``rok_cpi`` and
``rok_defense_budget``; ``data.fx_table() -> {currency: {year: Decimal per USD}}``;
``data.sma_payments()`` (year, amount, currency, round, status).
"""

from __future__ import annotations

import io
from decimal import Decimal as D
from typing import Any

import pandas as pd
import pytest

from burdenshare import data
from burdenshare.agreement import AgreementSpec, compare, ledger
from burdenshare.agreement.schedule import schedule
from burdenshare.errors import DataError
from burdenshare.money import quantize

BN = D(1_000_000_000)
Q = D(100_000_000)  # SMA amounts are published to 0.1 bn won


def sma(first_year: int, duration: int, total: D, escalation: dict[str, Any]) -> AgreementSpec:
    return AgreementSpec(
        name=f"SMA {first_year}",
        first_year=first_year,
        duration=duration,
        currency="KRW",
        first_year_total=total,
        rounding=Q,
        escalation=escalation,
    )


CPI_LAG2_CAP4 = {"kind": "index", "index": "rok_cpi", "lag": 2, "cap_percent": D(4)}
SMA7 = sma(2007, 2, D("725.5") * BN, {"kind": "index", "index": "rok_cpi", "lag": 2})
SMA8 = sma(2009, 5, 760 * BN, CPI_LAG2_CAP4)
SMA9 = sma(2014, 5, 920 * BN, CPI_LAG2_CAP4)
SMA11 = sma(
    2020,
    6,
    D("1038.9") * BN,
    {"kind": "index", "index": "rok_defense_budget", "lag": 1, "year_percent": {2021: D("13.9")}},
)
SMA12_RULE = {"kind": "index", "index": "rok_cpi", "lag": 2, "cap_percent": D(5)}
SMA12 = sma(2026, 5, D("1519.2") * BN, SMA12_RULE)


def published(round_: int) -> dict[int, D]:
    """KRW amounts of one SMA round from the bundled payments series."""
    frame = data.sma_payments()
    rows = frame[(frame["round"] == round_) & (frame["currency"] == "KRW")]
    return {int(y): D(int(a)) for y, a in zip(rows["year"], rows["amount"], strict=True)}


def test_11th_sma_from_bundled_defence_budget_growth() -> None:
    s = schedule(SMA11)
    assert s[2020].total == D("1038900000000")
    assert s[2021].total == D("1183300000000")
    assert s[2022].total == D("1247200000000")
    assert s[2023].total == D("1289600000000")
    assert s[2024].total == D("1346300000000")
    assert s[2025].total == D("1402800000000")
    assert [r.index_percent for r in s.rows[2:]] == [D("5.4"), D("3.4"), D("4.4"), D("4.2")]
    assert s.totals == published(11)


def test_12th_sma_first_year_and_2027_from_bundled_cpi() -> None:
    assert quantize(D("1402.8") * BN * D("1.083"), Q) == SMA12.first_year_total
    s = schedule(SMA12.model_copy(update={"duration": 2}))
    assert s[2026].total == D("1519200000000")
    assert s[2027].total == D("1551100000000")
    assert s[2027].index_percent == D("2.1")  # 2025 CPI


def test_12th_sma_needs_an_assumption_beyond_the_cpi_data() -> None:
    with pytest.raises(DataError) as info:
        schedule(SMA12)
    years = {p.message.split("no value for ")[1][:4] for p in info.value.problems}
    assert years == {"2026", "2027", "2028"}
    assert {p.path for p in info.value.problems} == {"escalation.index"}
    # With 2 % assumed CPI (the Bank of Korea target) the projection matches the dataset's
    # estimate rows for 2028-2030.
    assumed = sma(2026, 5, D("1519.2") * BN, {**SMA12_RULE, "assumed_percent": D(2)})
    s = schedule(assumed)
    assert [r.basis for r in s.rows] == ["first", "index", "assumed", "assumed", "assumed"]
    assert s.totals == published(12)


def test_9th_sma_reproduces_published_amounts() -> None:
    s = schedule(SMA9)
    assert [r.total for r in s.rows] == [
        920 * BN,
        D("932.0") * BN,
        D("944.1") * BN,
        D("950.7") * BN,
        D("960.2") * BN,
    ]
    assert s.totals == published(9)


def test_8th_sma_reproduces_published_amounts_with_the_cap() -> None:
    s = schedule(SMA8)
    assert s[2010].total == D("790.4") * BN
    assert s[2010].index_percent == D("4.7") and s[2010].change_percent == D(4)
    assert s.totals == published(8)


def test_7th_sma_2008_step() -> None:
    s = schedule(SMA7)
    assert s[2008].total == D("741.5") * BN  # 725.5 × 1.022 (2006 CPI) = 741.461
    assert s.totals == published(7)


def test_ledger_with_bundled_cpi_and_fx() -> None:
    frame = ledger(SMA11)
    cpi = data.index_series("rok_cpi")
    fx = data.fx_table()
    assert frame.attrs["base_year"] == 2020
    assert frame["real"].iloc[0] == frame["nominal"].iloc[0]
    assert frame["real"].iloc[1] == pytest.approx(1_183_300_000_000 / (1 + float(cpi[2021]) / 100))
    assert frame["nominal_usd"].iloc[0] == pytest.approx(1_038_900_000_000 / float(fx["KRW"][2020]))
    assert frame["nominal_jpy"].iloc[5] == pytest.approx(
        1_402_800_000_000 / float(fx["KRW"][2025]) * float(fx["JPY"][2025])
    )
    assert frame["fx_basis"].tolist() == ["data"] * 6
    assert frame["cum_nominal"].iloc[-1] == pytest.approx(7_508_100_000_000)
    # Real terms fall behind nominal when prices rise.
    assert (frame["real"].iloc[1:] < frame["nominal"].iloc[1:]).all()


def test_ledger_beyond_the_data() -> None:
    projected = sma(2026, 5, D("1519.2") * BN, {**SMA12_RULE, "assumed_percent": D(2)})
    with pytest.raises(DataError, match="CPI has no inflation figure for 2027, 2028, 2029, 2030"):
        ledger(projected)
    frame = ledger(projected, assumed_inflation=D(2), base_year=2025)
    assert frame["real_basis"].tolist() == ["assumed"] * 5
    assert frame["real"].iloc[0] == pytest.approx(1_519_200_000_000 / 1.02)
    last = max(data.fx_table()["KRW"])
    assert frame["fx_basis"].tolist() == ["assumed" if y > last else "data" for y in frame["year"]]


def test_compare_11th_and_12th_in_usd() -> None:
    projected = sma(2026, 5, D("1519.2") * BN, {**SMA12_RULE, "assumed_percent": D(2)})
    frame = compare(SMA11, projected, currency="USD")
    assert frame["year"].tolist() == list(range(2020, 2031))
    assert frame["a"].notna().sum() == 6 and frame["b"].notna().sum() == 5
    assert frame["difference"].isna().all()  # no overlapping year
    total_a = frame["a"].sum()
    total_b = frame["b"].sum()
    assert frame["cum_difference"].iloc[-1] == pytest.approx(total_b - total_a)


def test_cli_ledger_on_the_bundled_signed_scenario() -> None:
    from typer.testing import CliRunner

    from burdenshare.cli import app

    result = CliRunner().invoke(app, ["ledger", "sma-2021-signed", "--csv", "-s", "agreement"])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert set(frame["schedule"]) == {"agreement"}
    assert dict(zip(frame["year"], frame["nominal"], strict=True)) == {
        y: float(a) for y, a in published(11).items()
    }
    table = CliRunner().invoke(app, ["ledger", "sma-2021-signed"])
    assert table.exit_code == 0, table.output
    assert "KRW bn" in table.stdout and "1,402.8" in table.stdout
