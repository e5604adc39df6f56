"""Plausibility warnings: `warning:` lines with file, line and field; the file still validates."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from burdenshare.cli import app
from burdenshare.scenario import load_scenario
from burdenshare.scenario.plausibility import WARNING_CHECKS, scenario_warnings

ROOT = Path(__file__).resolve().parents[2]
SMA = ROOT / "scenarios" / "sma-2019.toml"


def _without_rok_red_line(tmp_path: Path) -> Path:
    text = SMA.read_text(encoding="utf-8")
    old = "reservation = { contribution = 1_142_800_000_000, new_category = false }"
    assert old in text
    path = tmp_path / "no-red-line.toml"
    new = "reservation = { new_category = false }"
    text = text.replace(old, new)
    # its [uncertainty] draws the red line: without one there is nothing to draw
    text = "\n".join(
        line
        for line in text.splitlines()
        if '"preferences.rok.reservation.contribution"' not in line
    )
    path.write_text(text, encoding="utf-8")
    return path


def test_the_bundled_scenarios_raise_no_warning() -> None:
    for name in ("sma-2019", "sma-2021-signed"):
        assert scenario_warnings(load_scenario(name)) == []
    assert WARNING_CHECKS  # the registry is loaded


def test_a_money_issue_without_a_red_line_is_a_located_warning(tmp_path: Path) -> None:
    path = _without_rok_red_line(tmp_path)
    warnings = scenario_warnings(load_scenario(path))
    assert [w.path for w in warnings] == ["preferences.rok.reservation.contribution"]
    w = warnings[0]
    text = path.read_text(encoding="utf-8").splitlines()
    assert w.line is not None and text[w.line - 1].startswith("reservation = {")
    # Seoul's weights 0.8/0.2: paying 6 trn with a five-year term scores 0.20, above its
    # no-deal value after the furlough (0.02, set by the event)
    assert "worth 0.20" in w.message and "no-deal value 0.02" in w.message
    assert "6,000,000,000,000" in w.message


def test_validate_prints_warning_lines_and_still_passes(tmp_path: Path) -> None:
    path = _without_rok_red_line(tmp_path)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert f"ok: {path}" in result.stdout
    lines = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(lines) == 1
    assert re.match(r"warning: .*no-red-line\.toml:\d+: preferences\.rok\.reservation", lines[0])
