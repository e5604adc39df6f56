"""Resume: a sweep killed at any moment ends, once resumed, with the uninterrupted table."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from sweep_worker import toy_chunk, workload

from burdenshare.sweep.runner import (
    SweepInterrupted,
    describe_sweep,
    list_sweeps,
    load_results,
    missing_chunks,
    resume_sweep,
    run_sweep,
)
from burdenshare.sweep.store import SweepStoreError

SEED = 7
WORKER = Path(__file__).with_name("sweep_worker.py")


def _uninterrupted(tmp_path: Path, n: int, chunk: int) -> pd.DataFrame:
    db = tmp_path / "reference.duckdb"
    run_id = run_sweep(
        workload(SEED),
        db,
        n_draws=n,
        chunk_size=chunk,
        seed=SEED,
        scenario_hash="toy",
        progress=False,
    )
    return load_results(db, run_id)


def _wait_for_progress(side: Path, proc: subprocess.Popen, least: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "worker ended before it could be killed"
        if side.exists():
            stored = int(side.read_text().split()[0])
            if stored >= least:
                return stored
        time.sleep(0.01)
    raise AssertionError(f"worker stored fewer than {least} chunks in {timeout} s")


@pytest.mark.parametrize("executor", ["local", "processes"])
def test_sigkill_mid_run_then_resume_equals_uninterrupted(tmp_path: Path, executor: str) -> None:
    n, chunk, total = 400, 10, 40
    db, side = tmp_path / "sweep.duckdb", tmp_path / "progress.txt"
    env = {**os.environ, "CI": "true"}
    proc = subprocess.Popen(
        [
            sys.executable,
            str(WORKER),
            str(db),
            str(side),
            str(n),
            str(chunk),
            str(SEED),
            "killed",
            "0.05",
        ],
        env=env,
    )
    try:
        seen = _wait_for_progress(side, proc, least=5, timeout=60)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    # Chunk-atomic: only whole chunks survive the kill, and the ledger matches the rows.
    missing = missing_chunks(db, "killed")
    stored = total - len(missing)
    assert seen <= stored < total
    partial = load_results(db, "killed")
    assert len(partial) == stored * chunk
    assert partial["draw"].is_unique
    run, status = describe_sweep(db, "killed")
    assert status == "running"  # a SIGKILL leaves no chance to mark it
    assert (run.n_draws, run.chunk_size, run.seed, dict(run.parameters)) == (
        n,
        chunk,
        SEED,
        {"toy": True},
    )

    recomputed: list[int] = []
    resume_sweep(
        workload(run.seed),
        db,
        "killed",
        executor=executor,
        workers=2,
        progress=False,
        on_chunk=lambda s, t: recomputed.append(s),
    )
    assert len(recomputed) == len(missing)
    assert missing_chunks(db, "killed") == []
    final = load_results(db, "killed")
    pd.testing.assert_frame_equal(final, _uninterrupted(tmp_path, n, chunk), check_exact=True)
    pd.testing.assert_frame_equal(final, toy_chunk(0, n, seed=SEED), check_exact=True)
    assert describe_sweep(db, "killed")[1] == "done"


def test_keyboard_interrupt_stops_between_chunks_and_says_how_to_resume(tmp_path: Path) -> None:
    db = tmp_path / "sweep.duckdb"
    inner = workload(SEED)
    calls: list[int] = []

    def ctrl_c_at_30(start: int, stop: int) -> pd.DataFrame:
        calls.append(start)
        if start == 30:
            raise KeyboardInterrupt
        return inner(start, stop)

    with pytest.raises(SweepInterrupted) as info:
        run_sweep(
            ctrl_c_at_30,
            db,
            n_draws=95,
            chunk_size=10,
            seed=SEED,
            scenario_hash="toy",
            run_id="ctrlc",
            progress=False,
        )
    message = str(info.value)
    assert "burdenshare sweep --resume ctrlc" in message
    assert "after 3 of 10 chunks" in message
    assert info.value.run_id == "ctrlc"
    assert calls == [0, 10, 20, 30]
    assert list_sweeps(db).set_index("run_id").loc["ctrlc", "status"] == "interrupted"
    assert missing_chunks(db, "ctrlc") == list(range(3, 10))

    counted: list[int] = []

    def counting(start: int, stop: int) -> pd.DataFrame:
        counted.append(start)
        return inner(start, stop)

    resume_sweep(counting, db, "ctrlc", progress=False)
    assert counted == [30, 40, 50, 60, 70, 80, 90]
    pd.testing.assert_frame_equal(
        load_results(db, "ctrlc"), _uninterrupted(tmp_path, 95, 10), check_exact=True
    )

    counted.clear()
    resume_sweep(counting, db, "ctrlc", progress=False)  # nothing left: nothing recomputed
    assert counted == []
    assert len(load_results(db, "ctrlc")) == 95


def test_resume_unknown_run_or_database(tmp_path: Path) -> None:
    db = tmp_path / "sweep.duckdb"
    with pytest.raises(SweepStoreError, match="no sweep database"):
        resume_sweep(workload(SEED), db, "nope")
    run_sweep(
        workload(SEED), db, n_draws=5, chunk_size=5, seed=SEED, scenario_hash="t", progress=False
    )
    with pytest.raises(SweepStoreError, match="no sweep with this run id"):
        resume_sweep(workload(SEED), db, "nope")


def test_sigint_to_process_sweep_marks_interrupted_and_resumes(tmp_path: Path) -> None:
    n, chunk, total = 300, 10, 30
    db, side = tmp_path / "sweep.duckdb", tmp_path / "progress.txt"
    proc = subprocess.Popen(
        [
            sys.executable,
            str(WORKER),
            str(db),
            str(side),
            str(n),
            str(chunk),
            str(SEED),
            "sigint",
            "0.05",
            "processes",
        ],
        env={**os.environ, "CI": "true"},
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C would hit
    )
    try:
        _wait_for_progress(side, proc, least=4, timeout=60)
        os.killpg(proc.pid, signal.SIGINT)  # parent and pool workers, like Ctrl-C
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert "resume with `burdenshare sweep --resume sigint`" in err
    assert describe_sweep(db, "sigint")[1] == "interrupted"
    missing = missing_chunks(db, "sigint")
    assert 0 < len(missing) < total
    assert len(load_results(db, "sigint")) == (total - len(missing)) * chunk

    resume_sweep(workload(SEED), db, "sigint", executor="processes", workers=2, progress=False)
    pd.testing.assert_frame_equal(
        load_results(db, "sigint"), toy_chunk(0, n, seed=SEED), check_exact=True
    )
