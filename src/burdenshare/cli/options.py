"""Options and arguments several commands share, as ``Annotated`` aliases (one definition, one
help text), and small factories for the flags whose help each command words its own way.

Use: ``def cmd(source: ScenarioArg, as_json: Annotated[bool, json_flag("...")] = False)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

__all__ = [
    "RunDatabases",
    "ScenarioArg",
    "ScenarioOrDomainArg",
    "csv_flag",
    "json_flag",
    "option",
]

#: a scenario file or a bundled scenario's name (required)
ScenarioArg = Annotated[
    str,
    typer.Argument(
        metavar="FILE|NAME", help="Scenario file or bundled scenario name.", show_default=False
    ),
]

#: a scenario, or nothing when the command runs on a GENIUS --domain instead
ScenarioOrDomainArg = Annotated[
    str | None,
    typer.Argument(
        metavar="[SCENARIO]",
        help="Scenario file or bundled name (or use --domain).",
        show_default=False,
    ),
]

#: where `runs` and `show` look for stored runs
RunDatabases = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="DuckDB file (default: results.duckdb, where `sweep` writes, and "
        "out/*/results.duckdb, where `analyze` writes, as many as exist).",
        show_default=False,
    ),
]


def json_flag(help: str) -> Any:
    """``--json``: print JSON instead of tables."""
    return typer.Option("--json", help=help)


def csv_flag(help: str) -> Any:
    """``--csv``: print CSV instead of tables."""
    return typer.Option("--csv", help=help)


def option(*names: str, help: str, **kwargs: Any) -> Any:
    """Any other option, for use inside ``Annotated`` (typer.Option with ``help`` required)."""
    return typer.Option(*names, help=help, **kwargs)
