"""Bad input that used to pass silently (issue 9, item 6): each case is an error (exit 2) or a
plausibility warning (a `warning:` line, exit 0), with the file, line, field and a message that
says what is wrong. The reasons for each choice are in the checks' docstrings
(burdenshare.scenario.checks, burdenshare.scenario.plausibility_checks)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from burdenshare.cli import app
from burdenshare.errors import ScenarioError, display_path
from burdenshare.scenario import load_scenario
from burdenshare.scenario.plausibility import scenario_warnings

DATA = Path(__file__).parents[1] / "data"


def _line(path: Path, startswith: str, after: str | None = None) -> int:
    """1-based line of the first line starting with ``startswith`` (after a line equal to
    ``after``, when given)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(after) if after is not None else 0
    return next(i + 1 for i in range(start, len(lines)) if lines[i].startswith(startswith))


def _validate(path: Path) -> Any:
    return CliRunner().invoke(app, ["validate", str(path)])


def _error_line(result: Any, path: Path) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert result.stdout == ""
    return lines[0]


def _warning_lines(result: Any, path: Path) -> list[str]:
    assert result.exit_code == 0, result.output
    assert f"ok: {path}" in result.stdout
    return [x for x in result.stderr.splitlines() if x.startswith("warning:")]


# --------------------------------------------------------------------------- errors
def test_a_five_trillion_dollar_ask_is_an_error() -> None:
    path = DATA / "bad" / "ask_in_trillions.toml"
    line = _line(path, "first_year_total = 5_000_000_000_000")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    [problem] = info.value.problems
    assert problem.path == "schedules.demand.first_year_total" and problem.line == line
    assert "about $5.0 trn a year" in problem.message
    assert "more than the largest defence budget in the world" in problem.message
    assert "5_000_000_000 for $5 bn" in problem.message
    text = _error_line(_validate(path), path)
    assert text.startswith(f"{display_path(path)}:{line}: schedules.demand.first_year_total: ")
    # every command that loads the scenario refuses it the same way
    ledger = CliRunner().invoke(app, ["ledger", str(path)])
    assert ledger.exit_code == 2 and ledger.stderr.startswith("error: ")
    assert "$5.0 trn" in ledger.stderr


def test_an_as_of_after_every_deadline_is_an_error() -> None:
    path = DATA / "bad" / "as_of_after_deadlines.toml"
    line = _line(path, "as_of = 2020-06-01")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    [problem] = info.value.problems
    assert problem.path == "meta.as_of" and problem.line == line
    assert "after every deadline" in problem.message and "events[1].date" in problem.message
    assert problem.expected is not None and "on or before 2019-12-31" in problem.expected
    assert problem.found == "2020-06-01"
    _error_line(_validate(path), path)


def test_a_record_of_a_signed_deal_may_be_dated_after_its_deadlines() -> None:
    """sma-2021-signed (as_of 2021-09-01, last deadline 2021-08-31) forecasts nothing."""
    scenario = load_scenario("sma-2021-signed")
    assert scenario.meta.as_of > max(d.date for d in scenario.events)
    assert scenario.bargaining is None and scenario.uncertainty is None


# --------------------------------------------------------------------------- warnings
def test_a_won_amount_that_looks_like_billions_is_a_warning() -> None:
    path = DATA / "implausible" / "won_in_billions.toml"
    line = _line(path, "first_year_total = 1038.9")
    [warning] = scenario_warnings(load_scenario(path))
    assert warning.path == "agreement.first_year_total" and warning.line == line
    assert "1,038.9 KRW is about $0.88 a year" in warning.message
    assert "if it means 1,038.9 bn KRW, write 1_038_900_000_000" in warning.message
    [text] = _warning_lines(_validate(path), path)
    assert text.startswith(
        f"warning: {display_path(path)}:{line}: agreement.first_year_total: 1,038.9 KRW"
    )
    ledger = CliRunner().invoke(app, ["ledger", str(path), "--csv"])
    assert ledger.exit_code == 0 and "warning: " in ledger.stderr  # the run goes on


def test_a_lapse_before_as_of_is_a_warning() -> None:
    path = DATA / "implausible" / "lapse_before_as_of.toml"
    line = _line(path, "date = 2018-12-31")
    [warning] = scenario_warnings(load_scenario(path))
    assert warning.path == "events[1].date" and warning.line == line
    assert "the lapse 'lapse' (2018-12-31) is before as_of (2019-11-19)" in warning.message
    [text] = _warning_lines(_validate(path), path)
    assert text.startswith(f"warning: {display_path(path)}:{line}: events[1].date: ")


def test_the_bundled_scenarios_pass_every_new_check() -> None:
    for name in ("sma-2019", "sma-2021-signed"):
        result = CliRunner().invoke(app, ["validate", name])
        assert result.exit_code == 0 and result.stderr == "", result.output
