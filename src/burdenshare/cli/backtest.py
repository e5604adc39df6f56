"""The ``burdenshare backtest`` command group: every model's forecasts against what happened.

Each backtest is one command in a module of its own (``cli.backtest_sma``: ``backtest sma``;
``cli.backtest_deu``: ``backtest deu``), imported below so that it registers itself on
:data:`backtest_app`.
"""

import typer

backtest_app = typer.Typer(
    name="backtest",
    help="Backtests: every model's forecasts against what actually happened.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

from burdenshare.cli import backtest_deu, backtest_sma  # noqa: E402, F401  (register them)
from burdenshare.cli.main import app  # noqa: E402

app.add_typer(backtest_app, name="backtest")
