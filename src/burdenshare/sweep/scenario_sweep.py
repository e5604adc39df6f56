"""Sweeps of a scenario: start one, resume one, and refuse to resume against a changed scenario.

A run records what rebuilds its workload exactly — the scenario's content hash and file, the
seed, the number of draws, the chunk size and whether ratifiers vote — in its ``runs`` row.
Resuming recomputes only the missing chunks, so it must run the same workload: a scenario whose
content changed since the run started (the hash differs) is refused with an error naming both
hashes, instead of silently mixing two scenarios in one table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from burdenshare.sweep.runner import describe_sweep, resume_sweep, run_sweep
from burdenshare.sweep.store import SweepRun, SweepStoreError, chunk_bounds
from burdenshare.sweep.summary import SweepSummary, summarise
from burdenshare.sweep.workload import BargainingWorkload

if TYPE_CHECKING:
    from burdenshare.scenario.schema import Scenario

__all__ = [
    "DEFAULT_CHUNK",
    "WORKLOAD",
    "ScenarioSweep",
    "check_resumable",
    "resume_scenario",
    "sweep_in_memory",
    "sweep_scenario",
]

#: Draws per chunk: a multiple of the draw block (4096); ~3 MB of results per chunk.
DEFAULT_CHUNK = 16_384
#: ``parameters.workload`` of a bargaining sweep
WORKLOAD = "bargaining"


def sweep_scenario(
    scenario: Scenario,
    db: str | Path,
    *,
    draws: int | None = None,
    seed: int | None = None,
    ratification: bool = True,
    chunk_size: int = DEFAULT_CHUNK,
    executor: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool | None = None,
    on_chunk: Callable[[int, int], None] | None = None,
) -> str:
    """Sweep ``scenario``'s ``[uncertainty]`` (``draws`` and ``seed`` default to its own) into
    ``db``; return the run id."""
    workload = BargainingWorkload(scenario, seed=_seed(scenario, seed), ratification=ratification)
    spec = workload.spec
    return run_sweep(
        workload,
        db,
        n_draws=draws if draws is not None else spec.draws,
        chunk_size=chunk_size,
        seed=workload.seed,
        scenario_hash=scenario.content_hash,
        parameters={
            "workload": WORKLOAD,
            "scenario_id": scenario.meta.id,
            "scenario_title": scenario.meta.title,
            # absolute: `--resume` and `show` may run from another directory
            "scenario_path": str(Path(scenario.source_path).resolve())
            if scenario.source_path
            else None,
            "ratification": ratification,
        },
        executor=executor,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        on_chunk=on_chunk,
    )


def _seed(scenario: Scenario, seed: int | None) -> int:
    if seed is not None:
        return seed
    return scenario.uncertainty.seed if scenario.uncertainty is not None else 0


def check_resumable(run: SweepRun, scenario: Scenario) -> None:
    """Raise unless ``scenario`` is the one ``run`` was started with (same content hash)."""
    if run.parameters.get("workload") != WORKLOAD:
        raise SweepStoreError.single(
            f"sweep {run.run_id} was not a scenario bargaining sweep",
            expected=f"workload {WORKLOAD!r}",
            found=repr(run.parameters.get("workload")),
        )
    if scenario.content_hash != run.scenario_hash:
        raise SweepStoreError.single(
            f"the scenario changed since sweep {run.run_id} started, so resuming would mix two "
            "scenarios in one table; start a new sweep instead",
            file=str(scenario.source_path) if scenario.source_path else None,
            expected=f"scenario hash {run.scenario_hash[:12]}",
            found=scenario.content_hash[:12],
        )


def resume_scenario(
    scenario: Scenario,
    db: str | Path,
    run_id: str,
    *,
    executor: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool | None = None,
    on_chunk: Callable[[int, int], None] | None = None,
) -> SweepRun:
    """Finish sweep ``run_id`` of ``scenario`` (checked with :func:`check_resumable`)."""
    run, _ = describe_sweep(db, run_id)
    check_resumable(run, scenario)
    workload = BargainingWorkload(
        scenario, seed=run.seed, ratification=bool(run.parameters.get("ratification", True))
    )
    return resume_sweep(
        workload,
        db,
        run_id,
        executor=executor,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        on_chunk=on_chunk,
    )


@dataclass(frozen=True)
class ScenarioSweep:
    """A sweep run in memory for ``analyze``: the per-draw table and its summaries, and the same
    draws played by the negotiators alone (no ratifier votes) to show what ratification does."""

    seed: int
    results: pd.DataFrame
    summary: SweepSummary
    #: the same draws without ratification (None when not computed)
    free_results: pd.DataFrame | None = None
    free_summary: SweepSummary | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        """``sweep_draws`` (one row per draw), the ``sweep_*`` summaries, and the negotiators-
        alone summaries as ``sweep_free_*``."""
        out = {"sweep_draws": _plain_columns(self.results), **self.summary.tables()}
        if self.free_summary is not None:
            out.update(
                {
                    name.replace("sweep_", "sweep_free_", 1): frame
                    for name, frame in self.free_summary.tables().items()
                }
            )
        return out


def _plain_columns(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype(str).where(out[column].notna(), None)
    return out


def sweep_in_memory(
    scenario: Scenario,
    *,
    draws: int | None = None,
    seed: int | None = None,
    negotiators_alone: bool = False,
) -> ScenarioSweep:
    """The scenario's sweep without a store (the same rows ``burdenshare sweep`` stores for the
    same seed and draws), chunk by chunk, and its summary; with ``negotiators_alone`` also the
    same draws without ratification."""

    def run(ratification: bool) -> pd.DataFrame:
        workload = BargainingWorkload(
            scenario, seed=_seed(scenario, seed), ratification=ratification
        )
        n = draws if draws is not None else workload.spec.draws
        return pd.concat(
            [workload(start, stop) for start, stop in chunk_bounds(n, DEFAULT_CHUNK)],
            ignore_index=True,
        )

    results = run(True)
    free = run(False) if negotiators_alone else None
    return ScenarioSweep(
        _seed(scenario, seed),
        results,
        summarise(scenario, results),
        free,
        None if free is None else summarise(scenario, free),
    )
