"""Broken scenario files: `burdenshare validate` names the file, the line, the field and the
specific expectation, one line per problem, exit status 2, never a traceback.

Each file in tests/data/bad/ is the docs/scenario.md example with one mistake (many_problems.toml
has three). EXPECTED maps every file to substrings its report must contain.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from burdenshare.cli import app
from burdenshare.errors import ScenarioError, display_path
from burdenshare.scenario import bundled_path, load_scenario

BAD = Path(__file__).parents[1] / "data" / "bad"

#: file -> substrings that must all appear in its stderr report.
EXPECTED: dict[str, list[str]] = {
    "wrong_type.toml": [
        "wrong_type.toml:34: parties.rok.ratifier.seats: wrong type",
        "expected integer >= 1",
        'found "300"',
    ],
    "unknown_section.toml": [
        "unknown_section.toml:114: ledgr: unknown section 'ledgr'; did you mean 'ledger'?",
    ],
    "unknown_nested_key.toml": [
        "unknown_nested_key.toml:55: preferences.us.wieghts: unknown field 'wieghts'; "
        "did you mean 'weights'?",
        "preferences.us.weights: missing required field 'weights'",
    ],
    "missing_section.toml": ["missing_section.toml: meta: missing required section [meta]"],
    "negative_amount.toml": [
        "negative_amount.toml:73: agreement.first_year_total: out of range",
        "expected >= 0, found -1038900000000",
    ],
    "reversed_range.toml": [
        "reversed_range.toml:40: issues.contribution.max: range is empty or reversed",
        "expected a number greater than min (6,000,000,000,000)",
    ],
    "unknown_currency.toml": [
        "unknown_currency.toml:72: agreement.currency: not an allowed value",
        "expected one of 'KRW', 'USD' or 'JPY', found \"EUR\"",
    ],
    "cap_below_floor.toml": [
        "cap_below_floor.toml:94: schedules.offer.escalation.cap_percent:",
        "cap_percent (4) is below floor_percent (5)",
    ],
    "malformed.toml": ["malformed.toml:3: malformed TOML", "column 50"],
    "duplicate_key.toml": ["duplicate_key.toml:35: malformed TOML: Cannot overwrite a value"],
    "empty.toml": ["empty.toml: empty file", "expected a TOML scenario"],
    "binary.toml": ["binary.toml:3: binary file, not TOML text", "found a NUL byte"],
    "not_utf8.toml": ["not_utf8.toml:52: not UTF-8 text", "found byte 0xe9"],
    "two_sending.toml": [
        "two_sending.toml:18: parties: 2 parties have role 'sending' (us, rok)",
        'expected exactly one party with role = "sending"',
    ],
    "unknown_issue_preference.toml": [
        "unknown_issue_preference.toml:55: preferences.us.weights.duraton: unknown issue "
        "'duraton'; did you mean 'duration'?",
    ],
    "ideal_out_of_range.toml": [
        "ideal_out_of_range.toml:56: preferences.us.ideal.contribution: value outside issue",
        "expected a number from 900,000,000,000 to 6,000,000,000,000 KRW",
        "found 7800000000000",
    ],
    "unknown_source.toml": [
        "unknown_source.toml:75: agreement.source[0]: unknown source 'mofa2'; did you mean 'mofa'?",
    ],
    "unknown_index.toml": [
        "unknown_index.toml:94: schedules.offer.escalation.index: unknown index series "
        "'cpi_projektion'; did you mean 'cpi_projection'?",
        "rok_cpi, rok_defense_budget",
    ],
    "bad_schedule.toml": [
        "bad_schedule.toml:85: schedules.demand.first_year_total: wrong type",
        'expected number >= 0, found "5 bn"',
    ],
    "bad_deadline_date.toml": [
        "bad_deadline_date.toml:105: events[1].date: wrong type",
        "expected a TOML date such as 2019-11-19",
        'found "31 Dec 2019"',
    ],
    "shares_sum.toml": [
        "shares_sum.toml:76: agreement.categories: category shares sum to 0.90, expected 1",
    ],
    "bad_url.toml": [
        "bad_url.toml:10: sources.mofa.url: not a web address",
        "expected an http:// or https:// URL",
    ],
    "missing_field.toml": [
        "missing_field.toml:28: parties.rok.negotiator.name: missing required field 'name'",
    ],
    "unknown_kind.toml": [
        "unknown_kind.toml:94: schedules.offer.escalation.kind: unknown kind 'indexed'",
        'expected one of "none", "fixed", "index"',
    ],
    "bool_as_string.toml": [
        "bool_as_string.toml:33: parties.rok.ratifier.consent_required: wrong type",
        'expected boolean, found "yes"',
    ],
    "unknown_compare.toml": [
        "unknown_compare.toml:116: ledger.compare[1]: unknown schedule 'ofer'; "
        "did you mean 'offer'?",
    ],
    "host_troops.toml": [
        "host_troops.toml:28: parties.rok.troops: only the sending party has troops",
    ],
    "missing_ideal.toml": [
        "missing_ideal.toml:63: preferences.rok.ideal: no ideal value for weighted issue "
        "'new_category'",
    ],
    # issue 9, item 6 (tests/cli/test_bad_input.py checks them case by case)
    "ask_in_trillions.toml": [
        "ask_in_trillions.toml:86: schedules.demand.first_year_total: 5,000,000,000,000 USD is "
        "about $5.0 trn a year, more than the largest defence budget in the world",
    ],
    "as_of_after_deadlines.toml": [
        "as_of_after_deadlines.toml:5: meta.as_of: as_of is after every deadline of the talks",
        "found 2020-06-01",
    ],
    "many_problems.toml": [
        "many_problems.toml:4: meta.id: invalid id",
        "many_problems.toml:34: parties.rok.ratifier.seats: out of range (expected >= 1",
        "many_problems.toml:106: events[1].when: unknown field 'when'",
    ],
}


def test_every_bad_file_has_expectations() -> None:
    files = sorted(p.name for p in BAD.iterdir() if p.is_file())
    assert files == sorted(EXPECTED)
    assert len(files) >= 18


def _problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate_reports_each_problem_on_one_line(name: str) -> None:
    path = BAD / name
    problems = _problems(path)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output + result.stderr
    assert result.stdout == ""  # no "ok:" for a bad file
    lines = result.stderr.splitlines()
    assert lines == problems  # one line per problem, nothing else
    assert all(line.startswith(display_path(path) + ":") for line in lines)  # names the file
    report = result.stderr
    for expected in EXPECTED[name]:
        assert expected in report, f"{expected!r} not in\n{report}"


def test_validate_checks_every_file_and_reports_all() -> None:
    good = bundled_path("sma-2019")
    args = ["validate", str(good), str(BAD / "wrong_type.toml"), "sma-2021-signed",
            str(BAD / "empty.toml")]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [f"ok: {good}", "ok: sma-2021-signed"]  # as given
    assert "wrong_type.toml:34:" in result.stderr and "empty.toml: empty file" in result.stderr


def test_validate_good_files_exit_0() -> None:
    result = CliRunner().invoke(app, ["validate", "sma-2019", "sma-2021-signed"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["ok: sma-2019", "ok: sma-2021-signed"]


def test_validate_help_has_examples() -> None:
    result = CliRunner().invoke(app, ["validate", "--help"])
    assert result.exit_code == 0
    assert "burdenshare validate scenarios/*.toml" in result.stdout


def test_validate_real_process_no_traceback() -> None:
    """The installed entry point, in a real process, on every bad file at once."""
    exe = Path(sys.executable).with_name("burdenshare")
    assert exe.exists(), exe
    files = sorted(str(BAD / name) for name in EXPECTED)
    env = {**os.environ, "COLUMNS": "80"}
    proc = subprocess.run(
        [str(exe), "validate", *files], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stdout == ""
    report = proc.stderr
    expected_lines = [line for f in files for line in _problems(Path(f))]
    assert report.splitlines() == expected_lines  # not wrapped to the 80 columns
    for name, substrings in EXPECTED.items():
        for expected in substrings:
            assert expected in report, f"{name}: {expected!r}"


def test_missing_paths_and_names(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["validate", str(tmp_path / "nope.toml"), str(tmp_path), "sma-2091"]
    )
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    missing, folder = display_path(tmp_path / "nope.toml"), display_path(tmp_path)
    assert lines[0] == f"{missing}: file not found (expected an existing scenario file)"
    assert lines[1].startswith(f"{folder}: is a directory, not a file")
    assert lines[2].startswith("sma-2091: no scenario file or bundled scenario named 'sma-2091'; "
                               "did you mean 'sma-2019'?")  # fmt: skip
    assert "Traceback" not in result.output


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.toml"
    path.write_text("[meta]\n")
    path.chmod(0)
    if os.geteuid() == 0:  # root reads any file: make the read fail as it would for a user
        real_read = Path.read_bytes

        def denied(self: Path) -> bytes:
            if self.name == "secret.toml":
                raise PermissionError(13, "Permission denied", str(self))
            return real_read(self)

        monkeypatch.setattr(Path, "read_bytes", denied)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2 and "permission denied" in result.stderr


def test_validate_computes_schedules() -> None:
    """A valid file whose escalation needs index years the data lack is reported by validate,
    one line per missing year, located at the agreement or schedule."""
    path = Path(__file__).parents[1] / "data" / "incomputable" / "index_year_missing.toml"
    load_scenario(path)  # the schema itself is fine
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert all(line.startswith(display_path(path) + ": ") for line in lines)
    assert (
        f"{display_path(path)}: agreement.escalation.index: index 'rok_defense_budget' has no "
        "value for 2027, needed for 2028 (lag 1)" in result.stderr
    )
    assert any(line.split(": ")[1] == "schedules.old_cpi_rule.escalation.index" for line in lines)
    assert "Traceback" not in result.output


def test_event_setting_an_infinite_number_is_a_located_error(tmp_path: Path) -> None:
    """Found by the fuzz test: an event that sets a field to 1e400 (inf) crashed the
    cross-check with an OverflowError instead of naming the field."""
    text = bundled_path("sma-2019").read_text(encoding="utf-8")
    old = '"parties.us.ratifier.limits.contribution" = 1_038_900_000_000'
    assert old in text
    path = tmp_path / "inf.toml"
    path.write_text(text.replace(old, '"parties.us.ratifier.limits.contribution" = 1e400', 1))
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    (problem,) = err.value.problems
    assert problem.message == "the value must be a finite number"
    assert problem.found == "inf"
    assert problem.path is not None and problem.path.endswith(
        'set."parties.us.ratifier.limits.contribution"'
    )
    assert problem.line == text[: text.index(old)].count("\n") + 1
