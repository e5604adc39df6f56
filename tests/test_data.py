"""Tests for the bundled, sourced datasets (`burdenshare.data`) and `burdenshare data`."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

import pandas as pd
import pytest
from typer.testing import CliRunner

from burdenshare import data
from burdenshare.cli import app
from burdenshare.errors import DataError

BN = Decimal(10) ** 9
NAMES = [
    "sma", "sma-payments", "japan", "fx", "cpi", "cpi-japan", "cpi-us", "defense-budget",
    "timeline",
]  # fmt: skip


def raw(name: str) -> list[dict[str, str]]:
    """The bundled CSV of dataset `name` as string rows (exact values)."""
    return list(csv.DictReader(io.StringIO(data.csv_text(name))))


def note_of(row: dict[str, str]) -> str:
    return (row.get("note") or row.get("notes") or "").strip()


def round_100m(amount: Decimal) -> Decimal:
    """SMA totals are set in units of 100 million won."""
    return (amount / 10**8).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 10**8


def test_registry_lists_every_dataset() -> None:
    assert list(data.REGISTRY) == NAMES
    assert list(data.DATASETS) == NAMES
    for name, entry in data.REGISTRY.items():
        frame = data.DATASETS[name]()
        assert isinstance(frame, pd.DataFrame) and len(frame) > 0
        assert set(entry.columns) <= set(frame.columns), name


# ------------------------------------------------------------------------ provenance, every row
@pytest.mark.parametrize("name", NAMES)
def test_every_row_is_sourced_dated_and_flagged(name: str) -> None:
    frame = data.load(name)
    for col in ("source_url", "as_of", "status"):
        assert col in frame.columns, (name, col)
    assert frame["as_of"].notna().all(), name
    assert (frame["as_of"] <= pd.Timestamp.today()).all(), name
    assert frame["as_of"].min() >= pd.Timestamp("2025-12-31"), name
    for row in raw(name):
        assert re.fullmatch(r"https?://\S+", row["source_url"]), (name, row["source_url"])
        for extra in filter(None, row.get("more_sources", "").split(" | ")):
            assert re.fullmatch(r"https?://\S+", extra), (name, extra)
        assert row["status"] in data.STATUSES, (name, row["status"])
        if row["status"] != "verified":
            assert len(note_of(row)) > 20, f"{name}: {row['status']} row without a note: {row}"


@pytest.mark.parametrize("name", NAMES)
def test_csv_has_no_stray_whitespace_and_json_round_trips(name: str) -> None:
    rows = raw(name)
    for row in rows:
        for key, value in row.items():
            assert value == value.strip(), (name, key, value)
    records = data.records(name)
    assert len(records) == len(rows)
    assert json.loads(json.dumps(records)) == records


@pytest.mark.parametrize(
    ("name", "columns"),
    [
        ("sma", ["first_year_amount_krw", "first_year_amount_usd"]),
        ("sma-payments", ["amount", "amount_krw"]),
        ("japan", ["annual_jpy", "total_jpy"]),
        ("defense-budget", ["budget_krw"]),
    ],
)
def test_money_is_written_as_plain_whole_numbers(name: str, columns: list[str]) -> None:
    for row in raw(name):
        for col in columns:
            assert re.fullmatch(r"(\d+)?", row[col]), (name, col, row[col])


def test_loaders_return_fresh_frames() -> None:
    first = data.sma_payments()
    first.loc[:, "amount"] = 0.0
    assert data.sma_payments()["amount"].min() > 0


def test_unknown_dataset_raises_data_error_naming_the_valid_ones() -> None:
    with pytest.raises(DataError) as err:
        data.load("smaa")
    text = str(err.value)
    assert "'smaa'" in text
    assert all(name in text for name in NAMES)


# ------------------------------------------------------------------------ SMA rounds
def test_rounds_one_to_twelve_cover_1991_to_2030_without_gaps() -> None:
    rounds = data.sma_rounds()
    assert rounds["round"].tolist() == list(range(1, 13))
    assert rounds["first_year"].iloc[0] == 1991 and rounds["last_year"].iloc[-1] == 2030
    assert (rounds["first_year"] <= rounds["last_year"]).all()
    assert (rounds["first_year"].iloc[1:].to_numpy() == rounds["last_year"].iloc[:-1] + 1).all()


def test_round_dates_match_their_text_and_order() -> None:
    rounds = data.sma_rounds()
    for _, r in rounds.iterrows():
        day = re.match(r"\d{4}-\d{2}-\d{2}", r["signed"])
        if pd.isna(r["signed_date"]):
            assert "not verified" in r["signed"] or not day, r["round"]
        else:
            assert r["signed"].startswith(r["signed_date"].date().isoformat()), r["round"]
            assert r["signed_date"].year <= r["first_year"] + 1
        if not pd.isna(r["assembly_consent"]) and not pd.isna(r["signed_date"]):
            assert r["assembly_consent"] >= r["signed_date"]
        if not pd.isna(r["entry_into_force"]) and not pd.isna(r["assembly_consent"]):
            assert r["entry_into_force"] >= r["assembly_consent"]
    known = dict(zip(rounds["round"], rounds["signed_date"], strict=True))
    assert known[10] == pd.Timestamp("2019-03-08")
    assert known[11] == pd.Timestamp("2021-04-08")
    assert known[12] == pd.Timestamp("2024-11-04")
    assert pd.isna(known[1]) and pd.isna(known[7])


ESCALATION = re.compile(
    r"none|flat|gnp|fixed:\d+(\.\d+)?"
    r"|index:(?P<index>[a-z_]+):lag=\d+(:cap=\d+(\.\d+)?)?(:plus=\d+(\.\d+)?)?"
)


def test_escalation_codes_are_machine_readable() -> None:
    rounds = data.sma_rounds()
    for code in rounds["escalation"]:
        m = ESCALATION.fullmatch(code)
        assert m, code
        if m.group("index"):
            assert m.group("index") in data.INDEX_SERIES
    codes = dict(zip(rounds["round"], rounds["escalation"], strict=True))
    assert codes[3] == "fixed:10"
    assert codes[5] == "index:rok_cpi:lag=2:plus=8.8"
    assert codes[9] == "index:rok_cpi:lag=2:cap=4"
    assert codes[11] == "index:rok_defense_budget:lag=1"
    assert codes[12] == "index:rok_cpi:lag=2:cap=5"


def test_round_amounts_and_currencies() -> None:
    rounds = data.sma_rounds().set_index("round")
    krw = rounds["first_year_amount_krw"]
    assert krw[8] == 760e9 and krw[9] == 920e9 and krw[10] == 1_038_900_000_000
    assert krw[11] == 1_038_900_000_000 and krw[12] == 1_519_200_000_000
    assert rounds["first_year_amount_usd"][1] == 150e6
    assert pd.isna(krw[2]) and pd.isna(krw[3]) and pd.isna(krw[4])
    assert rounds.loc[[1, 2, 3], "currency"].eq("USD").all()
    assert rounds.loc[range(6, 13), "currency"].eq("KRW").all()
    assert rounds.loc[range(6, 13), "first_year_amount_krw"].notna().all()


# ------------------------------------------------------------------------ SMA payments
def test_payments_one_row_per_year_1991_to_2030() -> None:
    pay = data.sma_payments()
    assert pay["year"].tolist() == list(range(1991, 2031))
    assert pay["amount"].gt(0).all() and pay["amount_krw"].gt(0).all()
    assert pay.loc[pay["year"] <= 2004, "currency"].eq("USD").all()
    assert pay.loc[pay["year"] >= 2005, "currency"].eq("KRW").all()
    krw_rows = pay[pay["currency"] == "KRW"]
    assert (krw_rows["amount"] == krw_rows["amount_krw"]).all()


@pytest.mark.parametrize(
    ("year", "billion_krw"),
    [
        (2005, "680.4"), (2008, "741.5"), (2009, "760"), (2013, "869.5"), (2014, "920"),
        (2018, "960.2"), (2019, "1038.9"), (2020, "1038.9"), (2021, "1183.3"),
        (2022, "1247.2"), (2025, "1402.8"), (2026, "1519.2"),
    ],
)  # fmt: skip
def test_known_payments(year: int, billion_krw: str) -> None:
    row = next(r for r in raw("sma-payments") if r["year"] == str(year))
    assert Decimal(row["amount_krw"]) == Decimal(billion_krw) * BN
    assert row["status"] == "verified"


def test_payment_statuses_flag_derived_and_projected_years() -> None:
    status = dict(zip(data.sma_payments()["year"], data.sma_payments()["status"], strict=True))
    assert {y for y, s in status.items() if s == "derived"} == {*range(1991, 2005), 2023, 2024}
    assert {y for y, s in status.items() if s == "estimate"} == set(range(2027, 2031))
    notes = dict(zip(data.sma_payments()["year"], data.sma_payments()["note"], strict=True))
    assert "assumed" in notes[2028] and "2.1%" in notes[2027]


def test_payments_round_matches_the_round_covering_the_year() -> None:
    rounds = data.sma_rounds()
    for _, p in data.sma_payments().iterrows():
        r = rounds[rounds["round"] == p["round"]].iloc[0]
        assert r["first_year"] <= p["year"] <= r["last_year"], p["year"]


def test_usd_payments_are_converted_at_the_yearly_average_exactly() -> None:
    fx = data.fx_table()
    for row in raw("sma-payments"):
        if row["currency"] == "USD":
            year = int(row["year"])
            assert Decimal(row["amount_krw"]) == Decimal(row["amount"]) * fx["KRW"][year]


def test_round_first_year_amounts_equal_the_payment_series() -> None:
    pay = {int(r["year"]): r for r in raw("sma-payments")}
    for r in raw("sma"):
        first = pay[int(r["first_year"])]
        if r["currency"] == "KRW":
            assert Decimal(r["first_year_amount_krw"]) == Decimal(first["amount_krw"]), r["round"]
        if r["currency"] == "USD":
            assert Decimal(r["first_year_amount_usd"]) == Decimal(first["amount"]), r["round"]


def parse_index_code(code: str) -> tuple[str, int, Decimal | None, Decimal]:
    parts = code.split(":")
    opts = dict(p.split("=") for p in parts[2:])
    cap = Decimal(opts["cap"]) if "cap" in opts else None
    return parts[1], int(opts["lag"]), cap, Decimal(opts.get("plus", "0"))


#: Years an index rule does not set: the first year, and the 11th SMA's 2020 freeze and fixed 2021.
NOT_BY_RULE = {11: {2020, 2021}}


def test_index_rules_reproduce_the_published_payments() -> None:
    """Cross-dataset check: sma_rounds' escalation code x rok_cpi / rok_defense_budget gives
    sma_payments for every KRW year the rule sets and the index covers (7th-12th SMAs)."""
    pay = {int(r["year"]): Decimal(r["amount_krw"]) for r in raw("sma-payments")}
    checked = []
    for r in raw("sma"):
        if r["currency"] != "KRW" or not r["escalation"].startswith("index:"):
            continue
        index, lag, cap, plus = parse_index_code(r["escalation"])
        series = data.index_series(index)
        for year in range(int(r["first_year"]) + 1, int(r["last_year"]) + 1):
            if year in NOT_BY_RULE.get(int(r["round"]), set()) or year - lag not in series:
                continue
            step = series[year - lag] + plus
            step = min(step, cap) if cap is not None else step
            assert round_100m(pay[year - 1] * (1 + step / 100)) == pay[year], year
            checked.append(year)
    assert {2008, 2010, 2013, 2015, 2018, 2022, 2025, 2027} <= set(checked)


def test_eleventh_sma_2021_step_is_defense_growth_plus_labor() -> None:
    pay = {int(r["year"]): Decimal(r["amount_krw"]) for r in raw("sma-payments")}
    growth = data.index_series("rok_defense_budget")[2020] + Decimal("6.5")
    assert growth == Decimal("13.9")
    assert round_100m(pay[2020] * (1 + growth / 100)) == pay[2021]
    assert pay[2020] == pay[2019]


# ------------------------------------------------------------------------ index series, FX
@pytest.mark.parametrize(
    ("name", "frame", "column"),
    [("rok_cpi", data.rok_cpi, "percent"), ("rok_defense_budget", data.rok_defense_budget,
                                            "growth_percent")],
)  # fmt: skip
def test_index_series_is_exact_decimal_matching_the_table(name, frame, column) -> None:
    series = data.index_series(name)
    table = frame()
    assert list(series) == table["year"].tolist()
    for year, value in zip(table["year"], table[column], strict=True):
        assert isinstance(series[year], Decimal)
        assert series[year] == Decimal(str(value))
    assert series is not data.index_series(name)  # a fresh dict each call


def test_index_series_cover_the_years_the_rules_need() -> None:
    cpi = data.index_series("rok_cpi")
    assert list(cpi) == list(range(1990, 2026))
    assert cpi[1998] == Decimal("7.5") and cpi[2015] == Decimal("0.7")
    assert cpi[2022] == Decimal("5.1") and cpi[2025] == Decimal("2.1")
    budget = data.index_series("rok_defense_budget")
    assert set(range(2017, 2027)) <= set(budget)
    assert [budget[y] for y in (2020, 2021, 2022, 2023, 2024)] == [
        Decimal(x) for x in ("7.4", "5.4", "3.4", "4.4", "4.2")
    ]


def test_unknown_index_raises_data_error_with_valid_names() -> None:
    with pytest.raises(DataError) as err:
        data.index_series("us_cpi")
    (problem,) = err.value.problems
    assert problem.found == "'us_cpi'"
    assert "rok_cpi" in problem.expected and "rok_defense_budget" in problem.expected


def test_defense_budget_growth_matches_the_budget_levels() -> None:
    rows = raw("defense-budget")
    for prev, cur in pairwise(rows):
        assert int(cur["year"]) == int(prev["year"]) + 1
        growth = (Decimal(cur["budget_krw"]) / Decimal(prev["budget_krw"]) - 1) * 100
        assert growth.quantize(Decimal("0.1"), ROUND_HALF_UP) == Decimal(cur["growth_percent"])
    for row in rows:
        assert Decimal(row["budget_trn_krw"]) * 10**12 == Decimal(row["budget_krw"])


def test_fx_table_is_exact_and_covers_the_conversions() -> None:
    fx = data.fx_table()
    assert set(fx) == {"USD", "KRW", "JPY"}
    assert set(range(1991, 2026)) <= set(fx["KRW"])
    assert set(range(2005, 2026)) <= set(fx["JPY"])
    assert all(v == Decimal(1) for v in fx["USD"].values())
    assert set(fx["USD"]) == set(fx["KRW"]) | set(fx["JPY"])
    frame = data.fx_rates()
    assert not frame.duplicated(["year", "currency"]).any()
    for _, r in frame.iterrows():
        assert fx[r["currency"]][r["year"]] == Decimal(str(r["per_usd"]))
    assert fx["KRW"][1998] == Decimal("1400.4036")
    # the reference notes' Bank of Korea averages agree within 0.2%
    for year, bok in {2019: "1166.1", 2021: "1144.6", 2025: "1422.16"}.items():
        assert abs(fx["KRW"][year] / Decimal(bok) - 1) < Decimal("0.002")


# ------------------------------------------------------------------------ Japan, timeline
def test_japan_agreements_are_contiguous_fy2006_to_fy2026() -> None:
    japan = data.japan_hns()
    assert len(japan) == 6
    assert japan["first_fy"].iloc[0] == 2006 and japan["last_fy"].iloc[-1] == 2026
    assert (japan["first_fy"].iloc[1:].to_numpy() == japan["last_fy"].iloc[:-1] + 1).all()
    last = japan.iloc[-1]
    assert last["total_jpy"] == 1_055_100_000_000
    assert last["signed_date"] == pd.Timestamp("2022-01-07")
    assert last["diet_approval"] == pd.Timestamp("2022-03-25")


def test_timeline_is_sorted_dated_and_records_the_signings() -> None:
    tl = data.timeline()
    assert len(tl) == 72
    assert tl["date"].tolist() == sorted(tl["date"])
    assert tl["date"].str.match(r"^\d{4}-\d{2}(-\d{2})?( \(\w+\))?$").all()
    dates = set(tl["date"])
    for signed in data.sma_rounds()["signed_date"].dropna():
        assert signed.date().isoformat() in dates, signed


# ------------------------------------------------------------------------ CLI
runner = CliRunner()


def test_cli_data_prints_a_table() -> None:
    result = runner.invoke(app, ["data", "sma"])
    assert result.exit_code == 0, result.output
    assert "Special Measures Agreements" in result.stdout
    # one unit for the amount column, named in the caption (issue 9, 5.5)
    assert "1,038.9" in result.stdout and "verified" in result.stdout
    assert "first_year_amount_krw in bn" in " ".join(result.stdout.split())


@pytest.mark.parametrize("name", NAMES)
def test_cli_data_every_dataset(name: str) -> None:
    result = runner.invoke(app, ["data", name], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert data.REGISTRY[name].title in result.stdout


def test_cli_data_csv_is_the_bundled_file() -> None:
    result = runner.invoke(app, ["data", "fx", "--csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout == data.csv_text("fx")
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert len(frame) == len(data.fx_rates())


def test_cli_data_json_records() -> None:
    result = runner.invoke(app, ["data", "sma-payments", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 40
    row_2019 = next(r for r in rows if r["year"] == 2019)
    assert row_2019["amount_krw"] == 1_038_900_000_000 and row_2019["as_of"] == "2026-11-28"


def test_cli_data_unknown_name_exits_2_listing_valid_names() -> None:
    result = runner.invoke(app, ["data", "payments"])
    assert result.exit_code == 2
    assert "unknown dataset" in result.stderr
    assert "sma-payments" in result.stderr and "defense-budget" in result.stderr
    assert "Traceback" not in result.output


def test_cli_data_rejects_two_formats() -> None:
    result = runner.invoke(app, ["data", "cpi", "--csv", "--json"])
    assert result.exit_code == 2
    assert "--csv or --json" in result.stderr


def test_cli_data_help_has_examples() -> None:
    result = runner.invoke(app, ["data", "--help"])
    assert result.exit_code == 0
    assert "burdenshare data fx --csv" in result.stdout
