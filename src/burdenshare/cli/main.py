"""The ``burdenshare`` Typer app, its consoles, and what every command shares: user errors as one
line per problem (exit status 2), plausibility warnings, loading a scenario.

Commands live one group per module in this package and register on :data:`app`;
:mod:`burdenshare.cli` imports them (one line each) and escapes their help last.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from burdenshare import __version__
from burdenshare import scenario as scenarios
from burdenshare.errors import BurdenshareError
from burdenshare.scenario import Scenario
from burdenshare.scenario.plausibility import scenario_warnings

__all__ = ["app", "console", "err_console", "load_checked", "print_warnings", "user_errors"]

app = typer.Typer(
    name="burdenshare",
    help=(
        "Simulate, analyse and forecast alliance cost-sharing negotiations (US-ROK SMA, Japan HNS)."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def user_errors(func: F) -> F:
    """Turn a BurdenshareError into one stderr line per problem and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BurdenshareError as exc:
            for problem in exc.problems:
                # The problem text is the user's own words (TOML tables in brackets): no markup.
                err_console.print(
                    f"[bold red]error:[/] {escape(str(problem))}",
                    markup=True,
                    highlight=False,
                    soft_wrap=True,
                )
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def print_warnings(problems: list[Any]) -> None:
    """One ``warning:`` line per plausibility problem, on stderr (the run goes on)."""
    for problem in problems:
        err_console.print(
            f"[bold yellow]warning:[/] {escape(str(problem))}",
            markup=True,
            highlight=False,
            soft_wrap=True,
        )


def load_checked(source: str | Path) -> Any:
    """Load a scenario (file or bundled name) and print its plausibility warnings.

    (Looked up on the package at call time, so that a test may stand in for the loader.)"""
    scenario = scenarios.load_scenario(source)
    if isinstance(scenario, Scenario):  # (tests stand in a few attributes for a scenario)
        print_warnings(scenario_warnings(scenario))
    return scenario


def _version(value: bool) -> None:
    if value:
        console.print(f"burdenshare {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """burdenshare: alliance cost-sharing negotiations, from agreements to forecasts."""
