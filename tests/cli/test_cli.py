"""The command line as a user meets it: help everywhere, version, compare, analyze by name."""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pytest
from typer.testing import CliRunner

import burdenshare
from burdenshare.cli import app

COMMANDS = ["analyze", "validate", "ledger", "data", "compare"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Examples" in result.stdout and f"burdenshare {command}" in result.stdout


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and burdenshare.__version__ in result.stdout


def test_compare_across_scenarios_json() -> None:
    result = CliRunner().invoke(app, ["compare", "sma-2019:us_demand", "sma-2021-signed",
                                      "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["year"] for r in rows] == list(range(2020, 2026))
    first = rows[0]
    assert first["sma-2019:us_demand"] == 5e9
    # The signed 2020 amount (1,038.9 bn won) at the 2020 average rate, in dollars.
    krw_per_usd = float(burdenshare.data.fx_table()["KRW"][2020])
    assert first["sma-2021-signed:agreement"] == pytest.approx(1_038_900_000_000 / krw_per_usd)
    assert first["ratio"] == pytest.approx(first["sma-2021-signed:agreement"] / 5e9)


def test_compare_writes_plot(tmp_path) -> None:
    svg = tmp_path / "c.svg"
    result = CliRunner().invoke(
        app, ["compare", "sma-2019:us_demand", "sma-2019:rok_offer", "--plot", str(svg)]
    )
    assert result.exit_code == 0, result.output
    assert svg.read_text().startswith("<svg") and svg.read_text().count("<path") > 20


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sma-2019:nope", "sma-2021-signed"], "no schedule 'nope' in sma-2019"),
        (["sma-2019", "sma-2021-signed", "--currency", "EUR"], "unknown currency"),
        (["sma-2019", "no-such-scenario"], "no-such-scenario"),
    ],
)
def test_compare_user_errors(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["compare", *args])
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_analyze_by_bundled_name_outside_the_repo(tmp_path) -> None:
    """`burdenshare analyze sma-2019` works from any directory (installed scenario data)."""
    exe = [sys.executable, "-m", "burdenshare", "analyze", "sma-2019", "--seed", "5"]
    done = subprocess.run(exe, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out" / "sma-2019"
    assert (out / "report.html").exists()
    con = duckdb.connect(str(out / "results.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT seed FROM runs").fetchall() == [(5,)]
    finally:
        con.close()


def test_analyze_reports_bad_scenario_without_traceback(tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[meta]\ntitle = 3\n")
    result = CliRunner().invoke(app, ["analyze", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "bad.toml:2: meta.title" in result.stderr
    assert not (tmp_path / "o").exists()  # nothing half-written


def test_top_level_api() -> None:
    scenario = burdenshare.load_scenario("sma-2021-signed")
    results = burdenshare.analyze(scenario, seed=3)
    assert results.seed == 3
    assert set(results.tables()) >= {"ledger", "ledger_categories", "sma_history"}
    html = burdenshare.build_report(results)
    assert html.startswith("<!DOCTYPE html>")
