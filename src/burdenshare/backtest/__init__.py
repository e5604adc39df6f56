"""Backtests: every forecasting model against what actually happened.

``deu`` reads the DEU III benchmark (EU legislative decisions with expert-coded positions);
``runner`` runs every registered model and the baselines on every issue; ``summary`` scores them;
``bootstrap`` puts intervals on the differences; ``split`` and ``fit`` keep any fitted parameter
to a declared training split of proposals. Nothing here prints or reads files except the readers.
"""
