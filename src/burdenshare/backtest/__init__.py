"""Backtests: every model against history (``sma``: SMA and Japan rounds as of before each deal)."""
