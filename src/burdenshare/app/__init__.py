"""The application layer: what each face of burdenshare (the CLI, the report, the web app) asks.

Plain functions that take a scenario (or a path) and options and return result objects; they
never print, and they write only where their caller says (a DuckDB file). The CLI's commands
are thin adapters over these (parse, call, render); the web app's ``services.py`` calls the
same functions, so a feature added here shows up in every face.

- :func:`analyze` → :class:`AnalysisResults` (every analysis a scenario enables);
  :func:`~.analyze.store_analysis` writes it as one run
- :mod:`.ledger`: ledgers, comparisons, ``validate``'s checks
- :mod:`.bargain`: one negotiation (``Bargain``) and tournaments
- :mod:`.forecast`: a forecasting model on an actor table or a scenario (``Forecast``)
- :mod:`.sweep`: start, resume and summarise sweeps
- :mod:`.backtest`: the DEU III and SMA backtests, each stored as one run
- :mod:`.runs`: stored runs of every kind (``burdenshare runs`` / ``show``)
"""

from burdenshare.app.analyze import AnalysisResults, analyze

__all__ = ["AnalysisResults", "analyze"]
