"""Shared fixtures."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from burdenshare.cli import app

ROOT = Path(__file__).resolve().parents[1]

# A shell that starts the suite in the background (`make test &`, `nohup ... &`, some CI runners)
# hands it SIGINT ignored, and an ignored signal stays ignored across exec: the Ctrl-C tests
# would then see sweeps that never stop. Take SIGINT as a terminal would; the handler is Python's
# own, so the processes the tests start get the default disposition back.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(scope="session")
def sma_report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The main job, run once per session: `burdenshare analyze scenarios/sma-2019.toml`."""
    out = tmp_path_factory.mktemp("report") / "sma-2019"
    result = CliRunner().invoke(
        app, ["analyze", str(ROOT / "scenarios" / "sma-2019.toml"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out
