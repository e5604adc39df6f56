"""The architecture, checked: the layer contract in pyproject.toml holds (a new import that runs
back up a layer fails here), and the scenario layer loads no engine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENGINES = ("agreement", "bargaining", "forecast", "sweep", "app", "report", "cli", "store")


def test_layer_contract_kept() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_scenario_imports_no_engine() -> None:
    """``import burdenshare.scenario`` (and loading and validating a scenario that names
    strategies) leaves every engine package unimported... until a check needs a registry's
    names, which it loads by name (burdenshare.scenario.names)."""
    code = (
        "import sys, burdenshare.scenario\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('burdenshare.'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    loaded = done.stdout.split()
    assert "burdenshare.scenario.schema" in loaded
    for engine in ENGINES:
        assert not [m for m in loaded if m.split(".")[1] == engine], (engine, loaded)


def test_unknown_names_still_reported() -> None:
    """The scenario layer finds strategy and model names through the engines' registries."""
    from burdenshare.scenario.names import known_names

    assert "boulware" in known_names("strategy")
    assert {"bdm", "smp"} <= set(known_names("forecasting model"))
