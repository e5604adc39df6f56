"""The dask executor: same table as the other executors, survives a killed worker, clear errors."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sweep_worker import toy_chunk, workload

from burdenshare.errors import BurdenshareError
from burdenshare.sweep import dask_executor
from burdenshare.sweep.runner import (
    EXECUTORS,
    describe_sweep,
    load_results,
    missing_chunks,
    resume_sweep,
    run_sweep,
)

distributed = pytest.importorskip("distributed")

SEED = 31
N = 120
IN_FLIGHT = {"waiting", "no-worker", "queued", "processing"}


def _sweep(
    db: Path,
    *,
    n: int = N,
    chunk_size: int = 10,
    sleep: float = 0.0,
    run_chunk: Callable[[int, int], pd.DataFrame] | None = None,
    **kw: object,
) -> str:
    opts: dict = {"n_draws": n, "chunk_size": chunk_size, "seed": SEED, "scenario_hash": "toy"}
    opts.update(kw)
    return run_sweep(run_chunk or workload(SEED, sleep), db, progress=False, **opts)


def _table(db: Path, run_id: str) -> pd.DataFrame:
    assert missing_chunks(db, run_id) == []
    return load_results(db, run_id)


@pytest.fixture
def cluster() -> Iterator[tuple[Any, Any]]:
    """A cluster the test owns (two single-threaded workers with nannies) and a client to it."""
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as local,
        distributed.Client(local, set_as_default=False) as client,
    ):
        yield local, client


def _chunks_in_flight(dask_scheduler: Any) -> int:
    tasks = dask_scheduler.tasks.values()
    return sum(1 for ts in tasks if "toy_chunk" in str(ts.key) and ts.state in IN_FLIGHT)


def test_dask_table_bit_identical_to_local_and_processes(tmp_path: Path) -> None:
    local = _table(tmp_path / "l.duckdb", _sweep(tmp_path / "l.duckdb"))
    runs = {
        "processes-1": {"executor": "processes", "workers": 1},
        "processes-4": {"executor": "processes", "workers": 4},
        "dask-2": {"executor": "dask", "workers": 2, "chunk_size": 7},
    }
    for name, opts in runs.items():
        db = tmp_path / f"{name}.duckdb"
        run_id = _sweep(db, **opts)
        table = _table(db, run_id)
        pd.testing.assert_frame_equal(table, local, check_exact=True, obj=name)
        assert len(table) == N
        assert table["draw"].tolist() == list(range(N))
        assert describe_sweep(db, run_id)[1] == "done"
    pd.testing.assert_frame_equal(local, toy_chunk(0, N, seed=SEED), check_exact=True)


def test_existing_scheduler_is_used_windowed_and_left_running(
    tmp_path: Path, cluster: tuple[Any, Any]
) -> None:
    local, client = cluster
    address = local.scheduler_address
    seen: list[int] = []

    def sample(stored: int, total: int) -> None:
        seen.append(client.run_on_scheduler(_chunks_in_flight))

    db = tmp_path / "s.duckdb"
    run_id = _sweep(
        db,
        n=240,
        chunk_size=20,
        sleep=0.05,
        executor="dask",
        scheduler=address,
        workers=2,
        on_chunk=sample,
    )
    pd.testing.assert_frame_equal(
        _table(db, run_id), toy_chunk(0, 240, seed=SEED), check_exact=True
    )
    # The chunks ran on this cluster, never more than 2 × workers of them at once.
    assert len(seen) == 12
    assert 1 <= max(seen) <= 4
    # Only the sweep's client was closed: the cluster still computes for others.
    assert client.submit(sum, [1, 2], pure=False).result(timeout=30) == 3
    assert len(client.scheduler_info()["workers"]) == 2


def test_resume_on_existing_scheduler_computes_only_missing_chunks(
    tmp_path: Path, cluster: tuple[Any, Any]
) -> None:
    db = tmp_path / "s.duckdb"
    inner = workload(SEED)

    def breaks_at_50(start: int, stop: int) -> pd.DataFrame:
        if start == 50:
            raise RuntimeError("simulated crash")
        return inner(start, stop)

    with pytest.raises(RuntimeError, match="simulated crash"):
        _sweep(db, run_chunk=breaks_at_50, run_id="broken")
    assert missing_chunks(db, "broken") == list(range(5, 12))

    recomputed: list[int] = []
    resume_sweep(
        workload(SEED),
        db,
        "broken",
        executor="dask",
        scheduler=cluster[0].scheduler_address,
        progress=False,
        on_chunk=lambda stored, total: recomputed.append(stored),
    )
    assert recomputed == list(range(6, 13))
    pd.testing.assert_frame_equal(
        _table(db, "broken"), toy_chunk(0, N, seed=SEED), check_exact=True
    )
    assert describe_sweep(db, "broken")[1] == "done"


def test_killed_worker_loses_and_duplicates_no_draw(
    tmp_path: Path, cluster: tuple[Any, Any]
) -> None:
    local, client = cluster
    n, chunk = 300, 10
    pids = client.run(os.getpid)
    victim = min(pids.values())
    killed: list[int] = []

    def kill_after_three(stored: int, total: int) -> None:
        if stored == 3 and not killed:
            os.kill(victim, signal.SIGKILL)  # a hard crash mid-run, no clean shutdown
            killed.append(stored)

    db = tmp_path / "s.duckdb"
    try:
        _sweep(
            db,
            n=n,
            chunk_size=chunk,
            sleep=0.2,
            executor="dask",
            scheduler=local.scheduler_address,
            workers=2,
            run_id="k",
            on_chunk=kill_after_three,
        )
        outcome = "rescheduled"
    except Exception:  # e.g. KilledWorker if Dask gave up: then resume must finish the job
        outcome = "resumed"
        assert describe_sweep(db, "k")[1] == "failed"
        resume_sweep(workload(SEED), db, "k", executor="local", progress=False)
    assert killed == [3]

    reference_db = tmp_path / "reference.duckdb"
    reference = _table(reference_db, _sweep(reference_db, n=n, chunk_size=chunk))
    final = _table(db, "k")
    pd.testing.assert_frame_equal(final, reference, check_exact=True)
    assert final["draw"].tolist() == list(range(n))
    assert describe_sweep(db, "k")[1] == "done"
    # One lost worker is well under Dask's retry limit, so it reschedules instead of failing.
    assert outcome == "rescheduled"
    client.wait_for_workers(2, timeout=60)
    assert victim not in client.run(os.getpid).values()


def test_unreachable_scheduler_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dask_executor, "CONNECT_TIMEOUT", 2.0)
    db = tmp_path / "s.duckdb"
    with pytest.raises(BurdenshareError) as info:
        _sweep(db, executor="dask", scheduler="tcp://127.0.0.1:1", run_id="nowhere")
    assert "cannot connect to the Dask scheduler at tcp://127.0.0.1:1" in str(info.value)
    # The run is recorded but not lost: it resumes once a scheduler is reachable.
    assert describe_sweep(db, "nowhere")[1] == "failed"
    assert missing_chunks(db, "nowhere") == list(range(12))

    with pytest.raises(BurdenshareError, match="cannot connect to the Dask scheduler at nonsense"):
        _sweep(db, executor="dask", scheduler="nonsense")


def test_unknown_executor_and_misplaced_scheduler_are_rejected(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    assert EXECUTORS == ("local", "processes", "dask")
    with pytest.raises(BurdenshareError, match="unknown sweep executor") as info:
        _sweep(db, executor="threads")
    assert "expected local or processes or dask" in str(info.value)
    with pytest.raises(BurdenshareError, match="only applies to the dask executor"):
        _sweep(db, executor="processes", scheduler="tcp://127.0.0.1:8786")
    assert not db.exists()  # rejected before anything was recorded


def test_missing_dask_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # makes `import distributed` fail
    db = tmp_path / "s.duckdb"
    with pytest.raises(BurdenshareError, match=r"pip install 'burdenshare\[dask\]'"):
        _sweep(db, executor="dask", workers=2)
    assert not db.exists()
