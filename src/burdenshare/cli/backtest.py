"""The ``burdenshare backtest`` command group: every model's forecasts against what happened.

Each backtest is one command in a module of its own (``cli.backtest_sma``: ``backtest sma``;
``cli.backtest_deu``: ``backtest deu``) that registers itself on the group
(:data:`~burdenshare.cli.backtest_group.backtest_app`); importing them here adds the group to
the app.
"""

from burdenshare.cli import backtest_deu, backtest_sma  # noqa: F401  (they register themselves)
from burdenshare.cli.backtest_group import backtest_app
from burdenshare.cli.main import app

app.add_typer(backtest_app, name="backtest")
