"""Every command's --help shows its bracketed names (`[uncertainty]`, `[indices]`...): rich markup
must not swallow them (issue 9, defect 5.4)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer
import typer.rich_utils
from typer.testing import CliRunner

from burdenshare.cli import app

# a bracketed name as help texts write it: [uncertainty], [uncertainty.params], [indices]
BRACKETED = re.compile(r"\\?\[([A-Za-z_][A-Za-z0-9_.\-]*)\]")


def _commands(group: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in getattr(group, "commands", {}).items():  # a group: its commands
        yield from _commands(sub, (*path, name))


def _command(path: tuple[str, ...]) -> Any:
    cmd: Any = typer.main.get_command(app)
    for name in path:
        cmd = cmd.commands[name]
    return cmd


def _texts(cmd: Any) -> list[str]:
    texts = [cmd.help or "", cmd.short_help or ""]
    texts += [getattr(p, "help", None) or "" for p in cmd.params]
    # a group's listing shows its commands' first lines
    texts += [(sub.help or "").split("\n\n")[0] for sub in getattr(cmd, "commands", {}).values()]
    return texts


def _help(*args: str) -> str:
    """``--help`` output on one line: box edges dropped and wrapped lines joined."""
    result = CliRunner().invoke(app, [*args, "--help"])
    assert result.exit_code == 0, result.output
    return " ".join(result.stdout.replace("│", " ").split())


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    # typer's help console is as wide as TERMINAL_WIDTH, read at import: wide enough that
    # option help is not wrapped inside its panel
    monkeypatch.setattr(typer.rich_utils, "MAX_WIDTH", 250)


COMMANDS = list(_commands(typer.main.get_command(app)))


def test_every_command_is_checked() -> None:
    names = {p[-1] for p in COMMANDS if p}
    assert {"sweep", "ledger", "runs", "show", "analyze", "forecast", "data"} <= names


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "burdenshare")
def test_help_keeps_bracketed_names(path: tuple[str, ...]) -> None:
    names = {m for text in _texts(_command(path)) for m in BRACKETED.findall(text)}
    flat = _help(*path)
    missing = sorted(n for n in names if f"[{n}]" not in flat)
    assert not missing, f"--help of {' '.join(path) or 'burdenshare'} lost {missing}"
    # the words around a swallowed tag run together, e.g. "a scenario's : one negotiation"
    assert "'s :" not in flat and "(default:  " not in flat and " an  " not in flat


def test_the_defects_quoted_in_the_issue_are_fixed() -> None:
    sweep = _help("sweep")
    assert "Monte Carlo over a scenario's [uncertainty]: one negotiation per draw" in sweep
    assert "Draws (default: [uncertainty] draws)" in sweep
    assert "Scenario with an [uncertainty] section" in sweep
    ledger = _help("ledger")
    assert "Series in the scenario's [indices]" in ledger
