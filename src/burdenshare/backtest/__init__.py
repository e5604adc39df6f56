"""Backtests: every model against history.

``sma``: SMA and Japan rounds as of before each deal. ``deu``: the DEU III benchmark of EU
legislative decisions (reader), with ``runner`` (every registered model and the baselines on
every issue), ``summary`` (scores), ``bootstrap`` (intervals on the differences), ``split`` and
``fit`` (any fitted parameter kept to a declared training split of proposals) and
``deu_backtest`` (the whole backtest as one call). Nothing here prints; only readers read files.
"""
