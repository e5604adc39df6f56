"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from burdenshare.cli import app

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def sma_report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The main job, run once per session: `burdenshare analyze scenarios/sma-2019.toml`."""
    out = tmp_path_factory.mktemp("report") / "sma-2019"
    result = CliRunner().invoke(
        app, ["analyze", str(ROOT / "scenarios" / "sma-2019.toml"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out
