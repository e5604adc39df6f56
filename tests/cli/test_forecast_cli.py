"""`burdenshare forecast` and the report's forecast section, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from burdenshare.cli import app
from burdenshare.scenario import bundled_path

DATA = Path(__file__).parents[1] / "data"
BDM_SETS = ["emission_standards_bdm1994_s01", "greece_eu_2015_thirdwave", "sultan_bdm1997_jmckib"]

ACTORS = """
[actors]
models = ["median", "mean", "bdm", "smp"]
rounds = 6
[actors.noise]
position = 0.05
runs = 12
[actors.dimensions.contribution]
description = "ROK contribution for 2020"
unit = "bn KRW"
min = 900
max = 6000
[actors.dimensions.duration]
unit = "years"
min = 1
max = 6
[actors.table.us]
name = "US President"
capability = 100
position = { contribution = 5830, duration = 1 }
salience = { contribution = 0.9, duration = 0.4 }
estimate = true
[actors.table.rok]
name = "ROK President"
capability = 60
position = { contribution = 1100, duration = 5 }
salience = { contribution = 0.8, duration = 0.3 }
estimate = true
[actors.table.congress]
name = "US Congress"
capability = 50
position = { contribution = 1500, duration = 3 }
salience = { contribution = 0.3, duration = 0.2 }
estimate = true
"""


@pytest.fixture
def actors_scenario(tmp_path: Path) -> Path:
    path = tmp_path / "with-actors.toml"
    path.write_text(bundled_path("sma-2021-signed").read_text(encoding="utf-8") + ACTORS)
    return path


@pytest.mark.parametrize("name", BDM_SETS)
def test_bdm_json_matches_the_replication(name: str) -> None:
    result = CliRunner().invoke(
        app,
        ["forecast", str(DATA / "bdm" / f"{name}.csv"), "--model", "bdm", "--preset",
         "scholz-code", "--rounds", "10", "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)["rounds"]
    expected = json.loads((DATA / "bdm" / f"{name}.expected.json").read_text())["rows"]
    assert [r["round"] for r in got] == list(range(11))
    for g, e in zip(got, expected, strict=True):
        assert g["median"] == pytest.approx(e["median"], abs=1e-9)
        assert g["mean"] == pytest.approx(e["mean"], abs=1e-9)
        assert g["positions"] == pytest.approx(e["positions"], abs=1e-9)


def test_median_model_gives_round_zero_only() -> None:
    path = DATA / "bdm" / "greece_eu_2015_thirdwave.csv"
    result = CliRunner().invoke(app, ["forecast", str(path), "--model", "median", "--json"])
    assert result.exit_code == 0, result.output
    rounds = json.loads(result.stdout)["rounds"]
    assert len(rounds) == 1 and rounds[0]["median"] == 100  # reference README: median 100


def test_smp_on_ktab_csv_runs_and_is_seeded() -> None:
    path = str(DATA / "ktab" / "dummyData_3Dim.csv")
    runs = [CliRunner().invoke(app, ["forecast", path, "--model", "smp", "--seed", "3", "--json"])
            for _ in range(2)]  # fmt: skip
    assert all(r.exit_code == 0 for r in runs), runs[0].output
    assert runs[0].stdout == runs[1].stdout
    assert len(json.loads(runs[0].stdout)["rounds"]) > 2


def test_forecast_on_scenario_actors(actors_scenario: Path) -> None:
    result = CliRunner().invoke(app, ["forecast", str(actors_scenario), "--model", "median",
                                      "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    r0 = json.loads(result.stdout)["rounds"][0]
    # Weights c*s on contribution: 90, 48, 15 (total 153): US alone holds more than half.
    assert r0["median"][0] == 5830
    assert r0["mean"][0] == pytest.approx((90 * 5830 + 48 * 1100 + 15 * 1500) / 153)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sma-2021-signed"], "no [actors] section"),
        (["sma-2019.csv", "--model", "bdx"], "unknown forecasting model 'bdx'"),
        ([str(DATA / "bdm" / "missing.csv")], "missing.csv"),
    ],
)
def test_forecast_user_errors(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["forecast", *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.output


def test_report_gets_a_forecast_section(actors_scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["analyze", str(actors_scenario), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<h2>Forecast</h2>" in page
    for fig in ("actor-map", "forecast-trajectory", "forecast-paths", "forecast-distribution"):
        assert f'id="fig-{fig}"' in page
    assert "Forecast for ROK contribution for 2020:" in page and "90% interval" in page
    con = duckdb.connect(str(out / "results.duckdb"), read_only=True)
    try:
        models = {r[0] for r in con.execute("SELECT DISTINCT model FROM forecast_trajectory")
                  .fetchall()}  # fmt: skip
        n_mc = con.execute("SELECT count(*) FROM forecast_montecarlo").fetchone()[0]
    finally:
        con.close()
    assert models == {"median", "mean", "bdm", "smp"}
    assert n_mc == 2 * (12 + 1) * 2  # bdm and smp; runs 0..12; two dimensions


def test_unknown_model_in_scenario_is_a_scenario_error(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(bundled_path("sma-2021-signed").read_text(encoding="utf-8")
                    + ACTORS.replace('"smp"]', '"smpp"]'))  # fmt: skip
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "actors.models[3]: unknown forecasting model 'smpp'; did you mean 'smp'?" in (
        result.stderr
    )


def test_bad_actor_table_reports_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Actor,Capability,Position,Salience\nA,-1,3,0.5\nB,2,4,0.5\nA,1,2,1.5\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["forecast", str(bad)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 3
    assert any(":2: Capability: capability is negative" in line for line in lines)
    assert any(":4: Salience: salience out of range" in line for line in lines)
    assert any(":4: Actor: duplicate actor name" in line for line in lines)
    bad.write_text("Actor,Capability,Position,Salience\nA,1,x,0.5\nB,2,4,0.5\n")
    result = CliRunner().invoke(app, ["forecast", str(bad)])
    assert result.exit_code == 2 and ":2: Position: Position is not a number" in result.stderr
