"""`burdenshare backtest sma`: as-of scenarios by one rule, the source-date rule, baselines by
hand, the JSON shape, determinism and the 11th SMA's actual record."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from burdenshare.backtest.sma import BASELINES, backtest_sma
from burdenshare.backtest.sma_rules import (
    facts,
    input_facts,
    period_end,
    round_ids,
    round_inputs,
    scenario_dict,
    scenario_for_round,
)
from burdenshare.cli import app

ROUNDS = round_ids()


def _cited(node: Any) -> set[str]:
    """Every source id cited anywhere in a scenario dict (``source = [...]`` lists)."""
    out: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "source" and isinstance(value, list):
                out |= set(value)
            elif key != "sources":
                out |= _cited(value)
    elif isinstance(node, list):
        for item in node:
            out |= _cited(item)
    return out


def test_rounds_cover_the_10th_11th_12th_and_japan() -> None:
    assert {"10", "11", "12"} <= set(ROUNDS)
    assert any(r.startswith("japan") for r in ROUNDS)


@pytest.mark.parametrize("round_id", ROUNDS)
def test_every_source_a_scenario_cites_is_dated_on_or_before_its_as_of(round_id: str) -> None:
    raw = scenario_dict(round_inputs(round_id))
    as_of = raw["meta"]["as_of"]
    cited = _cited(raw)
    assert cited, "the scenario cites its facts"
    assert cited <= set(raw["sources"]), "every cited id is in [sources]"
    for sid, source in raw["sources"].items():
        published = period_end(str(source["date"]))
        assert published <= as_of, f"{round_id}: source {sid} ({source['date']}) after {as_of}"
    # and the facts table itself: every input row of the round, none of the actual record
    for fact in input_facts(round_id).values():
        assert fact.published_by <= as_of, (round_id, fact.field, fact.source_date)
    assert not any(sid.startswith(f"r{round_id}-actual") for sid in raw["sources"])


def test_the_date_rule_reads_months_and_years_as_their_last_day() -> None:
    assert period_end("2018-12") == dt.date(2018, 12, 31)
    assert period_end("2024") == dt.date(2024, 12, 31)
    assert period_end("2019-02-10") == dt.date(2019, 2, 10)


def test_every_round_has_the_actual_record_apart() -> None:
    for round_id in ROUNDS:
        fields = {f.field for f in facts() if f.round == round_id and f.is_actual}
        assert {
            "actual_deal_date",
            "actual_amount",
            "actual_previous",
            "actual_duration",
            "actual_first_year",
        } <= fields
        assert all(f.status in ("verified", "derived", "estimate") for f in facts())
        assert all(f.source_url.startswith("http") for f in facts())


@pytest.mark.parametrize("round_id", ROUNDS)
def test_the_rule_builds_each_round(round_id: str) -> None:
    inputs = round_inputs(round_id)
    sc = scenario_for_round(round_id)
    host = inputs.host
    assert sc.meta.as_of == inputs.as_of
    assert sc.agreement.first_year_total == Decimal(inputs.status_quo.value)
    # the ideals derive from the openings (one source of truth)
    assert sc.preferences["us"].ideal["contribution"] == pytest.approx(inputs.ask.value)
    assert sc.preferences[host].ideal["contribution"] == pytest.approx(inputs.offer.value)
    # red lines lie between the openings: host's above its offer, sending's below its ask
    assert inputs.offer.value < sc.preferences[host].reservation["contribution"]
    assert sc.preferences["us"].reservation["contribution"] < inputs.ask.value
    assert [e.kind for e in sc.events] == ["lapse"]
    assert sc.bargaining.first_round == inputs.as_of
    assert sc.bargaining.last_round == dt.date(inputs.lapse.value.year + 2, 12, 31)
    assert sc.hindsight is None  # the actual record never enters a scenario


def test_rule_on_the_11th_sma() -> None:
    i = round_inputs("11")
    assert i.status_quo.value == 1_038_900_000_000
    assert i.offer.value == 1_115_800_000_000  # 1,038.9 x 1.074, no public figure: estimate
    assert i.offer.estimate
    assert i.host_red_line.value == 1_141_800_000_000  # +7.4% + 2.5 points
    assert i.us_red_line.value == 1_124_100_000_000  # +8.2% again
    assert i.president_floor.value == 1_209_300_000_000  # +16.4%
    assert i.lapse.value == dt.date(2019, 12, 31)


def test_baselines_by_hand_for_the_11th_sma() -> None:
    from burdenshare.data import fx_table

    bt = backtest_sma(rounds=["11"], draws=20, seed=0)
    r = bt.rounds[0]
    fx = fx_table()
    rate = fx["KRW"][2018] / fx["USD"][2018]  # the year before as_of (2019-11-19)
    ask = round(Decimal(5_000_000_000) * rate / Decimal(10**8)) * 10**8
    assert r.ask == ask == 5_496_500_000_000
    sq, actual = 1_038.9, (1_183.3 / 1_038.9 - 1) * 100
    expected = {
        "status_quo": 0.0,
        "last_rise": 8.2,
        "split": ((5_496.5 + 1_115.8) / 2 / sq - 1) * 100,
        "host_offer": (1_115.8 / sq - 1) * 100,
    }
    assert set(r.baselines) == set(BASELINES)
    for name, change in expected.items():
        assert r.baselines[name]["change_pct"] == pytest.approx(change, abs=1e-3)
        assert r.baselines[name]["error_pp"] == pytest.approx(change - actual, abs=1e-3)
    assert bt.summary["status_quo"]["mae_pp"] == pytest.approx(actual, abs=1e-3)


def test_the_11th_sma_actual_record_comes_from_the_facts() -> None:
    r = backtest_sma(rounds=["11"], draws=20).rounds[0]
    a = r.actual
    assert a["amount"] == 1_183_300_000_000 and a["previous"] == 1_038_900_000_000
    assert a["first_year"] == 2021 and a["duration"] == 6 and a["deal_date"] == "2021-03-07"
    assert round(a["change_pct"], 1) == 13.9


def test_the_whole_backtest_is_deterministic_for_a_seed() -> None:
    a = backtest_sma(draws=60, seed=3).to_json()
    b = backtest_sma(draws=60, seed=3).to_json()
    assert a == b
    c = backtest_sma(draws=60, seed=4).to_json()
    assert [r["forecasts"]["sweep"] for r in a["rounds"]] != [
        r["forecasts"]["sweep"] for r in c["rounds"]
    ]


def test_results_do_not_depend_on_the_workers_or_the_rounds_chosen() -> None:
    alone = backtest_sma(rounds=["12"], draws=40, seed=5).to_json()["rounds"]
    serial = backtest_sma(rounds=["11", "12"], draws=40, seed=5).to_json()["rounds"]
    parallel = backtest_sma(rounds=["11", "12"], draws=40, seed=5, workers=2).to_json()["rounds"]
    assert serial == parallel
    assert serial[1] == alone[0]


def test_only_the_10th_smas_lapse_draws_a_plausibility_warning() -> None:
    from burdenshare.scenario.plausibility import scenario_warnings

    warned = {r: [str(w) for w in scenario_warnings(scenario_for_round(r))] for r in ROUNDS}
    assert {r: len(w) for r, w in warned.items()} == {r: int(r == "10") for r in ROUNDS}
    assert "before as_of" in warned["10"][0]  # the talks ran past the lapse: true to history


def test_terminal_tables_fit_80_columns(tmp_path) -> None:
    result = CliRunner().invoke(
        app, ["backtest", "sma", "--draws", "20", "--out", str(tmp_path)],
        env={"COLUMNS": "80"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "Mean absolute error" in result.stdout


def test_json_shape_report_and_one_stored_run(tmp_path) -> None:
    out, db = tmp_path / "out", tmp_path / "r.duckdb"
    args = ["backtest", "sma", "--json", "--draws", "40", "--out", str(out), "--db", str(db)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == {"rounds", "summary"}
    assert [r["round"] for r in payload["rounds"]] == ROUNDS
    for r in payload["rounds"]:
        assert {"round", "as_of", "actual", "forecasts", "baselines"} == set(r)
        assert {"amount", "change_pct", "duration", "deal_date"} <= set(r["actual"])
        assert {"sweep", "median", "mean", "bdm", "smp"} <= set(r["forecasts"])
        sweep = r["forecasts"]["sweep"]
        assert {"lapse", "horizon", "actual_deal_date"} == set(sweep["p_deal_by"])
        assert set(r["baselines"]) == set(BASELINES)
    assert set(payload["summary"]["inputs"]) == set(ROUNDS)
    mae = payload["summary"]["mae_pp"]
    assert {"sweep", "median", "mean", "bdm", "smp", *BASELINES} <= set(mae)
    assert all(set(v) >= {"kind", "mae_pp", "n"} for v in mae.values())
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "11th SMA: the 2019 forecast beside what happened" in page
    assert "1,183.3 bn KRW for 2021 (+13.9%)" in page
    assert page.count('class="plot"') == len(ROUNDS)
    con = duckdb.connect(str(db), read_only=True)
    try:
        runs = con.execute("SELECT kind, n_draws FROM runs").fetchall()
        rows = con.execute("SELECT count(*) FROM backtest_sma_rounds").fetchone()[0]
    finally:
        con.close()
    assert runs == [("backtest", 40 * len(ROUNDS))] and rows == len(ROUNDS)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--round", "13"], "--round"),
        (["--draws", "0"], "--draws"),
        (["--workers", "0"], "--workers"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path, args: list[str], field: str) -> None:
    result = CliRunner().invoke(app, ["backtest", "sma", "--out", str(tmp_path), *args])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and field in lines[0] and "Traceback" not in result.output
