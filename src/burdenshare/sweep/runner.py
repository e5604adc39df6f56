"""Run a sweep chunk by chunk into DuckDB, with executors that cannot change the result.

The workload is a pure function ``run_chunk(start, stop) -> DataFrame`` returning one row per
draw index in ``[start, stop)`` (a ``draw`` column). Because each draw depends only on (seed, draw
index), the stored table sorted by draw is the same whatever the chunk size, the executor or the
worker count, and a resumed run equals an uninterrupted one.

Executors: ``local`` (in this process), ``processes`` (a process pool on this machine) and
``dask`` (a Dask cluster, local or remote; see :mod:`burdenshare.sweep.dask_executor`). Whatever
runs the chunks, only this process writes to the DuckDB file.

Memory stays bounded by the chunk size: each chunk is written as soon as it arrives and at most
``2 × workers`` chunks are in flight; results are read back from the store with
:func:`load_results`.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Generator, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from burdenshare import __version__
from burdenshare.errors import BurdenshareError, Problem, ProgrammerError
from burdenshare.sweep.dask_executor import dask_computed, require_dask
from burdenshare.sweep.progress import SweepProgress
from burdenshare.sweep.store import (
    SweepRun,
    SweepStoreError,
    SweepWriter,
    list_sweeps,
    load_results,
    missing_chunks,
    new_run_id,
)

__all__ = [
    "EXECUTORS",
    "SweepInterrupted",
    "SweepRun",
    "describe_sweep",
    "list_sweeps",
    "load_results",
    "missing_chunks",
    "resume_sweep",
    "run_sweep",
]

RunChunk = Callable[[int, int], pd.DataFrame]
EXECUTORS = ("local", "processes", "dask")


class SweepInterrupted(BurdenshareError):
    """Ctrl-C during a sweep: stored chunks are kept and the run can be resumed."""

    run_id: str = ""


def _interrupted(run_id: str, stored: int, total: int) -> SweepInterrupted:
    err = SweepInterrupted(
        [
            Problem(
                f"sweep {run_id} interrupted after {stored} of {total} chunks; "
                f"resume with `burdenshare sweep --resume {run_id}`"
            )
        ]
    )
    err.run_id = run_id
    return err


def _checked(frame: pd.DataFrame, start: int, stop: int) -> pd.DataFrame:
    """A chunk must hold exactly draws start..stop-1 once each, else resume could lose/duplicate."""
    if "draw" not in frame.columns:
        raise ProgrammerError("run_chunk must return a 'draw' column")
    frame = frame.sort_values("draw", kind="stable").reset_index(drop=True)
    draws = frame["draw"].to_numpy()
    if not np.array_equal(draws, np.arange(start, stop)):
        raise ProgrammerError(
            f"run_chunk({start}, {stop}) must return one row per draw in [start, stop)"
        )
    return frame.astype({"draw": "int64"})


@contextmanager
def _sigint_deferred(*, drop: bool = False) -> Iterator[None]:
    """Hold Ctrl-C back until a database write is done: DuckDB turns a signal that lands
    mid-query into an error (and may leave the transaction aborted), so the write finishes or
    rolls back first, and the interrupt is raised after it (``drop``: ignored instead)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pending.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if pending and not drop and previous is not signal.SIG_IGN:
            if callable(previous) and previous is not signal.default_int_handler:
                previous(signal.SIGINT, None)
            else:
                raise KeyboardInterrupt


def _ignore_sigint() -> None:
    # Ctrl-C reaches the whole process group; only the parent should react (stop between chunks),
    # else idle workers die and break the pool mid-write.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _computed(
    run_chunk: RunChunk,
    todo: list[tuple[int, int, int]],
    executor: str,
    workers: int | None,
    scheduler: str | None = None,
) -> Generator[tuple[int, int, int, pd.DataFrame], None, None]:
    """Yield (chunk, start, stop, frame) as chunks finish; order may vary, content does not."""
    if executor == "local":
        for chunk, start, stop in todo:
            yield chunk, start, stop, run_chunk(start, stop)
        return
    if executor == "dask":
        yield from dask_computed(run_chunk, todo, workers, scheduler)
        return
    n_workers = workers or os.cpu_count() or 1
    # spawn: the parent holds a DuckDB connection and its threads; forking those is unsafe.
    ctx = multiprocessing.get_context("spawn")
    pending = iter(todo)
    in_flight: dict[Future[pd.DataFrame], tuple[int, int, int]] = {}
    with ProcessPoolExecutor(
        max_workers=n_workers, mp_context=ctx, initializer=_ignore_sigint
    ) as pool:
        try:
            while True:
                # A bounded window keeps memory proportional to chunk size, not draw count.
                while len(in_flight) < 2 * n_workers:
                    item = next(pending, None)
                    if item is None:
                        break
                    in_flight[pool.submit(run_chunk, item[1], item[2])] = item
                if not in_flight:
                    return
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for fut in done:
                    chunk, start, stop = in_flight.pop(fut)
                    yield chunk, start, stop, fut.result()
        finally:
            for fut in in_flight:
                fut.cancel()


def _check_executor(executor: str, scheduler: str | None) -> None:
    if executor not in EXECUTORS:
        raise BurdenshareError.single(
            "unknown sweep executor", expected=" or ".join(EXECUTORS), found=repr(executor)
        )
    if scheduler is not None and executor != "dask":
        raise BurdenshareError.single(
            "a scheduler address only applies to the dask executor",
            found=f"executor {executor!r} with scheduler {scheduler!r}",
        )
    if executor == "dask":
        require_dask()  # fail before a run is recorded, not after


def _execute(
    run_chunk: RunChunk,
    writer: SweepWriter,
    run: SweepRun,
    executor: str,
    workers: int | None,
    scheduler: str | None,
    progress: bool | None,
    on_chunk: Callable[[int, int], None] | None,
) -> None:
    bounds = run.chunks()
    stored = writer.stored_chunks(run.run_id)
    todo = [(i, s, e) for i, (s, e) in enumerate(bounds) if i not in stored]
    done_draws = sum(e - s for i, (s, e) in enumerate(bounds) if i in stored)
    with _sigint_deferred():
        writer.set_status(run.run_id, "running")
    try:
        # closing(): on Ctrl-C during a write, shut the pool down now, not at garbage collection.
        with (
            SweepProgress(run.n_draws, done_draws, enabled=progress) as bar,
            closing(_computed(run_chunk, todo, executor, workers, scheduler)) as computed,
        ):
            for chunk, start, stop, frame in computed:
                checked = _checked(frame, start, stop)
                with _sigint_deferred():
                    writer.write_chunk(run.run_id, chunk, start, stop, checked)
                    stored.add(chunk)
                bar.advance(stop - start)
                if on_chunk is not None:
                    on_chunk(len(stored), len(bounds))
    except KeyboardInterrupt:
        with _sigint_deferred(drop=True):  # a second Ctrl-C must not lose the status
            writer.set_status(run.run_id, "interrupted")
        raise _interrupted(run.run_id, len(stored), len(bounds)) from None
    except BaseException:
        writer.set_status(run.run_id, "failed")
        raise
    with _sigint_deferred():
        writer.set_status(run.run_id, "done")


def run_sweep(
    run_chunk: RunChunk,
    db: str | Path,
    *,
    n_draws: int,
    chunk_size: int,
    seed: int,
    scenario_hash: str,
    parameters: Mapping[str, Any] | None = None,
    executor: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    run_id: str | None = None,
    progress: bool | None = None,
    on_chunk: Callable[[int, int], None] | None = None,
) -> str:
    """Run draws ``[0, n_draws)`` in chunks of ``chunk_size`` into ``db``; return the run id.

    ``run_chunk`` must be picklable (a module-level function or a ``functools.partial`` of one)
    for ``executor="processes"`` and ``"dask"``. ``scheduler`` (dask only) is the address of an
    existing cluster, e.g. ``"tcp://host:8786"``; without it a local cluster of ``workers``
    processes is started for the sweep. ``on_chunk(stored, total)`` is called after each commit.
    Ctrl-C raises :class:`SweepInterrupted` naming the resume command.
    """
    _check_executor(executor, scheduler)
    if n_draws < 1 or chunk_size < 1:
        raise BurdenshareError.single(
            "a sweep needs at least one draw and a positive chunk size",
            found=f"draws={n_draws}, chunk size={chunk_size}",
        )
    run = SweepRun(
        scenario_hash=scenario_hash,
        seed=seed,
        n_draws=n_draws,
        chunk_size=chunk_size,
        parameters=dict(parameters or {}),
        version=__version__,
        run_id=run_id or new_run_id(),
    )
    with SweepWriter(db) as writer:
        writer.create_run(run)
        _execute(run_chunk, writer, run, executor, workers, scheduler, progress, on_chunk)
    return run.run_id


def resume_sweep(
    run_chunk: RunChunk,
    db: str | Path,
    run_id: str,
    *,
    executor: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool | None = None,
    on_chunk: Callable[[int, int], None] | None = None,
) -> SweepRun:
    """Compute only the chunks of ``run_id`` that are not stored; return the run's description.

    ``run_chunk`` must be the workload of the original run (rebuild it from the returned
    description's seed and parameters; see :func:`describe_sweep`). ``executor``, ``workers``
    and ``scheduler`` need not match the original run's: they cannot change the table.
    """
    _check_executor(executor, scheduler)
    if not Path(db).exists():
        raise SweepStoreError.single("no sweep database", file=str(db))
    with SweepWriter(db) as writer:
        run, _ = writer.read_run(run_id)
        _execute(run_chunk, writer, run, executor, workers, scheduler, progress, on_chunk)
    return run


def describe_sweep(db: str | Path, run_id: str) -> tuple[SweepRun, str]:
    """The stored description and status of ``run_id`` (to rebuild its workload before resuming)."""
    sweeps = list_sweeps(db)
    row = sweeps[sweeps["run_id"] == run_id]
    if row.empty:
        raise SweepStoreError.single("no sweep with this run id", found=repr(run_id))
    r = row.iloc[0]
    run = SweepRun(
        scenario_hash=r["scenario_hash"],
        seed=int(r["seed"]),
        n_draws=int(r["n_draws"]),
        chunk_size=int(r["chunk_size"]),
        parameters=json.loads(r["parameters"]),
        version=r["version"],
        run_id=run_id,
    )
    return run, str(r["status"])
