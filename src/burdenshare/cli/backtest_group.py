"""The ``burdenshare backtest`` Typer group, on which each backtest command registers itself
(``cli.backtest_deu``, ``cli.backtest_sma``); ``cli.backtest`` adds the group to the app."""

import typer

backtest_app = typer.Typer(
    name="backtest",
    help="Backtests: every model's forecasts against what actually happened.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
