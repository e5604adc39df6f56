"""Chunked sweeps: the stored table does not depend on executor, worker count or chunk size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sweep_worker import toy_chunk, workload

from burdenshare.errors import BurdenshareError
from burdenshare.sweep.runner import list_sweeps, load_results, missing_chunks, run_sweep
from burdenshare.sweep.store import chunk_bounds

SEED = 20190310
N = 250


def _sweep(db: Path, **kw: object) -> pd.DataFrame:
    opts: dict = {"n_draws": N, "chunk_size": 25, "seed": SEED, "scenario_hash": "toy"}
    opts.update(kw)
    run_id = run_sweep(workload(SEED), db, progress=False, **opts)
    assert missing_chunks(db, run_id) == []
    return load_results(db, run_id)


def test_chunk_bounds_cover_range_once() -> None:
    assert chunk_bounds(10, 4) == [(0, 4), (4, 8), (8, 10)]
    assert chunk_bounds(8, 4) == [(0, 4), (4, 8)]
    assert chunk_bounds(3, 100) == [(0, 3)]
    covered = np.concatenate([np.arange(s, e) for s, e in chunk_bounds(1001, 7)])
    np.testing.assert_array_equal(covered, np.arange(1001))


def test_table_equals_one_call_and_per_draw_generator(tmp_path: Path) -> None:
    table = _sweep(tmp_path / "s.duckdb")
    pd.testing.assert_frame_equal(table, toy_chunk(0, N, seed=SEED))
    rng = np.random.default_rng([SEED, 137])
    assert table.loc[137, "x"] == rng.normal()
    assert table.loc[137, "u"] == rng.uniform()


def test_executors_and_worker_counts_bit_identical(tmp_path: Path) -> None:
    local = _sweep(tmp_path / "local.duckdb")
    one = _sweep(tmp_path / "p1.duckdb", executor="processes", workers=1)
    four = _sweep(tmp_path / "p4.duckdb", executor="processes", workers=4, chunk_size=13)
    pd.testing.assert_frame_equal(local, one, check_exact=True)
    pd.testing.assert_frame_equal(local, four, check_exact=True)
    assert local["draw"].tolist() == list(range(N))


def test_chunk_size_does_not_change_table(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    seven = _sweep(db, chunk_size=7)
    hundred = _sweep(db, chunk_size=100)
    pd.testing.assert_frame_equal(seven, hundred, check_exact=True)
    sweeps = list_sweeps(db)
    assert sorted(sweeps["chunks_stored"].tolist()) == [3, 36]  # ceil(250/100), ceil(250/7)
    assert set(sweeps["status"]) == {"done"}
    assert sweeps["finished_at"].notna().all()


def test_chunk_ledger_rows_match_results(tmp_path: Path) -> None:
    import duckdb

    db = tmp_path / "s.duckdb"
    run_id = run_sweep(
        workload(SEED),
        db,
        n_draws=103,
        chunk_size=10,
        seed=SEED,
        scenario_hash="h",
        parameters={"draws": 103},
        progress=False,
    )
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        "SELECT chunk, start, stop, n_rows FROM sweep_chunks WHERE run_id = ? ORDER BY chunk",
        [run_id],
    ).fetchall()
    params = con.execute("SELECT parameters FROM sweep_runs").fetchone()
    con.close()
    assert rows[0] == (0, 0, 10, 10)
    assert rows[-1] == (10, 100, 103, 3)
    assert sum(r[3] for r in rows) == 103 == len(load_results(db, run_id))
    assert params == ('{"draws": 103}',)


def _bad_chunk(start: int, stop: int) -> pd.DataFrame:
    return pd.DataFrame({"draw": np.arange(start, stop - 1), "v": 0.0})  # one draw short


def test_bad_workload_and_executor_are_reported(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with pytest.raises(ValueError, match="one row per draw"):
        run_sweep(
            _bad_chunk,
            db,
            n_draws=20,
            chunk_size=10,
            seed=1,
            scenario_hash="h",
            run_id="bad",
            progress=False,
        )
    assert list_sweeps(db).set_index("run_id").loc["bad", "status"] == "failed"
    assert missing_chunks(db, "bad") == [0, 1]
    with pytest.raises(BurdenshareError, match="unknown sweep executor"):
        run_sweep(
            workload(1),
            db,
            n_draws=20,
            chunk_size=10,
            seed=1,
            scenario_hash="h",
            executor="threads",
            progress=False,
        )
    with pytest.raises(BurdenshareError, match="at least one draw"):
        run_sweep(workload(1), db, n_draws=0, chunk_size=10, seed=1, scenario_hash="h")


def test_progress_quiet_in_ci_and_counts_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    from burdenshare.sweep.progress import SweepProgress, progress_enabled

    monkeypatch.setenv("CI", "true")
    assert progress_enabled() is False
    with SweepProgress(total=100, done=30) as bar:
        assert bar.enabled is False
        bar.advance(25)
        bar.advance(45)
    assert bar.done == 100
    with SweepProgress(total=10, enabled=True) as shown:
        shown.advance(10)
    assert shown.done == 10
