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


def test_cli_stays_thin() -> None:
    """No module of the CLI over 300 lines and no command function over 60 (decorators and
    docstring included): the commands parse, call the application layer and render."""
    import ast

    import burdenshare.cli as cli
    from burdenshare.cli.main import app

    folder = Path(cli.__file__).parent
    long_modules = {
        p.name: n for p in folder.glob("*.py") if (n := len(p.read_text().splitlines())) > 300
    }
    assert not long_modules
    commands = {info.callback.__name__ for info in app.registered_commands}
    for group in app.registered_groups:
        commands |= {i.callback.__name__ for i in group.typer_instance.registered_commands}
    long_commands = {}
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.name in commands:
                start = min([d.lineno for d in node.decorator_list] + [node.lineno])
                if node.end_lineno - start + 1 > 60:
                    long_commands[node.name] = node.end_lineno - start + 1
    assert commands and not long_commands
