"""Backtests for every face: run one, and store it as one run of kind ``backtest``.

The CLI (``burdenshare backtest deu|sma``) calls these and renders; the HTML pages come from
``burdenshare.report`` (a layer above).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from pathlib import Path

from burdenshare import __version__
from burdenshare.backtest.deu import read_deu
from burdenshare.backtest.deu_backtest import DeuBacktest, backtest_deu
from burdenshare.backtest.sma import SmaBacktest, backtest_sma
from burdenshare.store import RunRecord, write_run
from burdenshare.store.duckdb_store import utc_now

__all__ = ["deu", "sma", "store_deu", "store_sma"]


def deu(
    file: Path, *, seed: int = 0, resamples: int = 2000, db_path: Path | None = None
) -> tuple[DeuBacktest, str | None]:
    """Every registered forecasting model and the baselines on every issue of a DEU III file
    (:func:`burdenshare.backtest.deu.read_deu`; problems raise located errors); with
    ``db_path``, stored there as one run. Returns the result and the run id (or None)."""
    started = utc_now()
    result = backtest_deu(read_deu(file), seed=seed, resamples=resamples)
    if db_path is None:
        return result, None
    run_id = store_deu(result, file, db_path, seed=seed, resamples=resamples, started=started)
    return result, run_id


def store_deu(
    result: DeuBacktest,
    file: Path,
    db_path: Path,
    *,
    seed: int,
    resamples: int,
    started: dt.datetime,
) -> str:
    """Write ``result`` to ``db_path`` as one run; return its id."""
    record = RunRecord(
        command="backtest",
        scenario_id="deu3",
        scenario_title="DEU III backtest: " + file.name,
        scenario_hash=hashlib.sha256(file.read_bytes()).hexdigest(),
        seed=seed,
        version=__version__,
        started_at=started,
        finished_at=utc_now(),
        parameters={
            "benchmark": "deu",
            "file": str(file.resolve()),
            "resamples": resamples,
            "split_seed": result.split.seed,
            "models": list(result.models),
        },
    )
    return write_run(db_path, record, result.tables())


def sma(
    rounds: Sequence[str] | None = None,
    *,
    draws: int = 400,
    seed: int = 0,
    workers: int = 1,
    db_path: Path | None = None,
) -> tuple[SmaBacktest, str | None]:
    """Every model's as-of forecast of past SMA (and Japan) rounds beside the deal
    (:func:`burdenshare.backtest.sma.backtest_sma`); with ``db_path``, stored there as one
    run. Returns the result and the run id (or None)."""
    started = utc_now()
    result = backtest_sma(rounds=rounds, draws=draws, seed=seed, workers=workers)
    if db_path is None:
        return result, None
    run_id = store_sma(result, db_path, seed=seed, draws=draws, workers=workers, started=started)
    return result, run_id


def store_sma(
    result: SmaBacktest, db_path: Path, *, seed: int, draws: int, workers: int, started: dt.datetime
) -> str:
    """Write ``result`` to ``db_path`` as one run; return its id."""
    record = RunRecord(
        command="backtest",
        scenario_id="backtest-sma",
        scenario_title="SMA rounds as of before each deal",
        scenario_hash=result.facts_hash,
        seed=seed,
        version=__version__,
        started_at=started,
        finished_at=utc_now(),
        parameters={
            "backtest": "sma",
            "draws": draws,
            "workers": workers,
            "rounds": [r.round for r in result.rounds],
        },
        n_draws=draws * len(result.rounds),
    )
    return write_run(db_path, record, result.tables())
