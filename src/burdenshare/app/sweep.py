"""Sweeps over a scenario's [uncertainty]: start, resume, summarise, export (no printing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from burdenshare.errors import BurdenshareError
from burdenshare.scenario import Scenario
from burdenshare.sweep.runner import SweepInterrupted, describe_sweep, load_results
from burdenshare.sweep.scenario_sweep import resume_scenario, sweep_scenario
from burdenshare.sweep.store import export_parquet
from burdenshare.sweep.summary import SweepSummary, summarise

__all__ = ["SweepInterrupted", "export_parquet", "resume", "resume_source", "summary", "sweep"]


def sweep(scenario: Scenario, db: Path, **options: Any) -> str:
    """Start a sweep of ``scenario`` stored in ``db`` (options: draws, seed, ratification,
    chunk_size, executor, workers, scheduler); returns its run id."""
    return sweep_scenario(scenario, db, **options)


def resume_source(db: Path, run_id: str, source: str | None) -> str:
    """The scenario to resume ``run_id`` with: ``source``, else the file the run recorded."""
    run, _ = describe_sweep(db, run_id)
    path = source or run.parameters.get("scenario_path")
    if not path:
        raise BurdenshareError.single(
            f"sweep {run_id} does not record its scenario file",
            expected="burdenshare sweep SCENARIO --resume RUN_ID",
        )
    return str(path)


def resume(scenario: Scenario, db: Path, run_id: str, **options: Any) -> str:
    """Compute the chunks ``run_id`` lacks (options: executor, workers, scheduler)."""
    resume_scenario(scenario, db, run_id, **options)
    return run_id


def summary(scenario: Any, db: Path, run_id: str) -> SweepSummary:
    """The summary of the stored rows of ``run_id`` (a user error while it has none)."""
    table = load_results(db, run_id)
    if "agreement" not in table.columns:
        raise BurdenshareError.single(f"sweep {run_id} has no stored rows yet", file=str(db))
    return summarise(scenario, table)
