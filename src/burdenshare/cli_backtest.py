"""The ``burdenshare backtest`` command group; each benchmark's command lives in its own module
(``cli_backtest_deu``, ...), imported at the bottom so that it registers on the group."""

from __future__ import annotations

import typer

backtest_app = typer.Typer(
    name="backtest",
    help="Score every forecasting model against what actually happened.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

from burdenshare import cli_backtest_deu  # noqa: E402, F401  (registers `backtest deu`)
