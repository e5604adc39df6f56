"""The ``burdenshare backtest`` command group: every model's forecasts against what happened.

Each backtest is one command in a module of its own (``cli_backtest_sma``: ``backtest sma``;
``cli_backtest_deu``: ``backtest deu``), imported below so that it registers itself on
:data:`backtest_app`.
"""

from __future__ import annotations

import typer

backtest_app = typer.Typer(
    name="backtest",
    help="Backtests: every model's forecasts against what actually happened.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

from burdenshare import cli_backtest_deu, cli_backtest_sma  # noqa: E402, F401  (register them)
