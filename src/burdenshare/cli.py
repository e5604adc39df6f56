"""The ``burdenshare`` command line.

Every command loads input, calls a model, then prints or writes. User mistakes arrive as
:class:`~burdenshare.errors.BurdenshareError` and leave as one line per problem on stderr with
exit status 2; no traceback.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from burdenshare import __version__
from burdenshare.errors import BurdenshareError

app = typer.Typer(
    name="burdenshare",
    help="Simulate, analyse and forecast alliance cost-sharing negotiations (US-ROK SMA, Japan HNS).",
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
                err_console.print(f"[bold red]error:[/] {problem}", markup=True, highlight=False,
                                  soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


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


# Commands are added below, one function per command. Keep each command thin: load, call, print.
