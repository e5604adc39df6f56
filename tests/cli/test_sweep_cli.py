"""`burdenshare sweep`, `runs` and `show` as a user meets them: stored tables, summaries,
kill -9 and Ctrl-C followed by `--resume`, a scenario changed under a run, and user mistakes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from burdenshare.cli import app
from burdenshare.scenario import bundled_path, load_scenario
from burdenshare.sweep.runner import SweepInterrupted, list_sweeps, load_results, resume_sweep
from burdenshare.sweep.runner import run_sweep as runner_sweep
from burdenshare.sweep.store import SweepRun, SweepWriter
from burdenshare.sweep.workload import BargainingWorkload

ROOT = Path(__file__).resolve().parents[2]
BAD_UNCERTAINTY = Path(__file__).parents[1] / "data" / "bad_uncertainty"
# The long sweep of the kill and Ctrl-C tests: 49 chunks of about 0.1 s each.
# long enough (about 12 s at ~0.4 ms a draw) to be stopped after a few chunks
LONG_DRAWS, LONG_CHUNK = 30_000, 1_024
LONG = ["sweep", "sma-2019", "--draws", str(LONG_DRAWS), "--chunk-size", str(LONG_CHUNK)]
LONG_CHUNKS = -(-LONG_DRAWS // LONG_CHUNK)


def _cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def _ok(*args: str) -> Any:
    result = _cli(*args)
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def _one_error_line(result: Any) -> str:
    """A user mistake: exit 2, no traceback, one `error:` line on stderr; returns that line."""
    assert isinstance(result.exception, SystemExit) and result.exit_code == 2, (
        result.output,
        result.exception,
    )
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def _only_run(db: Path) -> str:
    sweeps = list_sweeps(db)
    assert len(sweeps) == 1
    return str(sweeps["run_id"].iloc[0])


def _status(db: Path, run_id: str) -> str:
    return str(list_sweeps(db).set_index("run_id").loc[run_id, "status"])


def _stored_chunks(db: Path, run_id: str) -> set[int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT chunk FROM sweep_chunks WHERE run_id = ?", [run_id]).fetchall()
    finally:
        con.close()
    return {int(r[0]) for r in rows}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`sweep sma-2019 --draws 3000 --chunk-size 1000 --json`, run once for this module."""
    db = tmp_path_factory.mktemp("small") / "sweep.duckdb"
    result = _ok(
        "sweep", "sma-2019", "--draws", "3000", "--chunk-size", "1000", "--db", str(db), "--json"
    )
    payload = json.loads(result.stdout)
    return {"db": db, "payload": payload, "table": load_results(db, payload["run_id"])}


@pytest.fixture(scope="module")
def long_reference(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The long sweep run without interruption, into its own database."""
    db = tmp_path_factory.mktemp("reference") / "sweep.duckdb"
    _ok(*LONG, "--db", str(db))
    return load_results(db, _only_run(db))


# --------------------------------------------------------------------------- stored table
def test_sweep_stores_every_draw_once_and_equals_the_workload(small: dict[str, Any]) -> None:
    payload, table = small["payload"], small["table"]
    assert payload["n_draws"] == 3000
    assert payload["run_id"] == _only_run(small["db"])
    for key in ("p_agreement", "p_agreement_by_lapse", "p_rejected_once", "p_ratified_given_deal"):
        assert 0.0 <= payload[key] <= 1.0, key
    assert payload["lapse"] == "2019-12-31"

    np.testing.assert_array_equal(table["draw"].to_numpy(), np.arange(3000))
    expected = BargainingWorkload(load_scenario("sma-2019"), seed=0)(0, 3000)
    stored = table.copy()
    for column in ("reason", "ended_by"):
        # DuckDB stores a pandas categorical as an ENUM and reads every ENUM back as an
        # *ordered* categorical; categories and values survive, so compare those.
        assert list(stored[column].cat.categories) == list(expected[column].cat.categories)
        stored[column] = stored[column].cat.as_unordered()
    pd.testing.assert_frame_equal(stored, expected, check_exact=True)

    assert payload["p_agreement"] == table["agreement"].mean()
    assert payload["p_rejected_once"] == (table["n_voided"] > 0).mean()


@pytest.mark.parametrize(
    ("options", "chunks"),
    [
        (["--chunk-size", "1000", "--executor", "processes", "--workers", "2"], 3),
        (["--chunk-size", "700"], 5),
    ],
    ids=["processes", "chunk-700"],
)
def test_executor_and_chunk_size_cannot_change_the_table(
    small: dict[str, Any], tmp_path: Path, options: list[str], chunks: int
) -> None:
    db = tmp_path / "other.duckdb"
    result = _ok("sweep", "sma-2019", "--draws", "3000", "--db", str(db), *options, "--json")
    payload = json.loads(result.stdout)
    assert _stored_chunks(db, payload["run_id"]) == set(range(chunks))
    pd.testing.assert_frame_equal(
        load_results(db, payload["run_id"]), small["table"], check_exact=True
    )
    assert {**payload, "run_id": None} == {**small["payload"], "run_id": None}


def test_runs_and_show(small: dict[str, Any], tmp_path: Path) -> None:
    db, run_id = str(small["db"]), small["payload"]["run_id"]
    listing = _ok("runs", "--db", db).stdout
    row = next(line for line in listing.splitlines() if run_id in line)
    assert "done" in row and "3/3" in row and "sma-2019" in row

    shown = json.loads(_ok("show", run_id, "--db", db, "--json").stdout)
    assert shown == small["payload"]

    parquet = tmp_path / "draws.parquet"
    result = _ok("show", run_id, "--db", db, "--parquet", str(parquet), "--json")
    assert json.loads(result.stdout) == small["payload"]
    back = duckdb.sql(f"SELECT * FROM '{parquet}'").df()
    table = small["table"]
    # Parquet has no enum type (the categoricals come back as strings) and DuckDB reads its
    # timestamps back in microseconds: restore the table's dtypes, then compare values.
    for column in ("reason", "ended_by"):
        back[column] = pd.Categorical(
            back[column], categories=table[column].cat.categories, ordered=True
        )
    back["date"] = back["date"].astype(table["date"].dtype)
    pd.testing.assert_frame_equal(back, table, check_exact=True)


# --------------------------------------------------------------------------- kill, Ctrl-C
def _chunks_in_copy(db: Path, scratch: Path) -> int:
    """Chunks committed so far. DuckDB will not open a file another process writes, so read a
    copy of it (and of its write-ahead log); a copy taken mid-checkpoint may not open: 0."""
    copy = scratch / "poll.duckdb"
    try:
        for suffix in ("", ".wal"):
            source, target = Path(f"{db}{suffix}"), Path(f"{copy}{suffix}")
            target.unlink(missing_ok=True)
            if source.exists():
                shutil.copyfile(source, target)
        con = duckdb.connect(str(copy), read_only=True)
    except (OSError, duckdb.Error):
        return 0
    try:
        row = con.execute("SELECT count(*) FROM sweep_chunks").fetchone()
    except duckdb.Error:
        return 0
    finally:
        con.close()
    return int(row[0]) if row else 0


def _start_long(db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "burdenshare", *LONG, "--db", str(db)],
        env={**os.environ, "CI": "true"},  # no progress bar
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C would hit
    )


def _wait_for_chunks(proc: subprocess.Popen[str], db: Path, scratch: Path, least: int) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the sweep ended before it could be stopped"
        seen = _chunks_in_copy(db, scratch)
        if seen >= least:
            return seen
        time.sleep(0.02)
    raise AssertionError(f"the sweep stored fewer than {least} chunks in 60 s")


def _check_partial(db: Path, run_id: str, seen: int) -> None:
    """Only whole chunks survive, and the chunk ledger matches the stored rows exactly."""
    chunks = _stored_chunks(db, run_id)
    assert seen <= len(chunks) < LONG_CHUNKS
    partial = load_results(db, run_id)
    expected = np.concatenate(
        [np.arange(c * LONG_CHUNK, min((c + 1) * LONG_CHUNK, LONG_DRAWS)) for c in sorted(chunks)]
    )
    np.testing.assert_array_equal(partial["draw"].to_numpy(), expected)


def test_sigkill_then_resume_equals_an_uninterrupted_sweep(
    tmp_path: Path, long_reference: pd.DataFrame
) -> None:
    db = tmp_path / "killed.duckdb"
    proc = _start_long(db)
    try:
        seen = _wait_for_chunks(proc, db, tmp_path, least=3)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL

    run_id = _only_run(db)
    assert _status(db, run_id) == "running"  # kill -9 leaves no chance to mark it
    _check_partial(db, run_id, seen)

    result = _ok("sweep", "--resume", run_id, "--db", str(db), "--json")
    assert json.loads(result.stdout)["n_draws"] == LONG_DRAWS
    assert _status(db, run_id) == "done"
    assert _stored_chunks(db, run_id) == set(range(LONG_CHUNKS))
    pd.testing.assert_frame_equal(load_results(db, run_id), long_reference, check_exact=True)


def test_ctrl_c_exits_130_names_the_resume_command_and_resume_finishes(
    tmp_path: Path, long_reference: pd.DataFrame
) -> None:
    db = tmp_path / "ctrlc.duckdb"
    proc = _start_long(db)
    try:
        seen = _wait_for_chunks(proc, db, tmp_path, least=2)
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    run_id = _only_run(db)
    assert proc.returncode == 130, err
    assert f"--resume {run_id}" in err and "Traceback" not in err
    assert _status(db, run_id) == "interrupted"
    _check_partial(db, run_id, seen)

    _ok("sweep", "--resume", run_id, "--db", str(db))
    assert _status(db, run_id) == "done"
    pd.testing.assert_frame_equal(load_results(db, run_id), long_reference, check_exact=True)


def _fast_chunk(start: int, stop: int) -> pd.DataFrame:
    """A cheap deterministic chunk, large enough that writing it takes DuckDB ~0.1 s."""
    draw = np.arange(start, stop, dtype=np.int64)
    return pd.DataFrame(
        {"draw": draw, "x": np.sin(draw * 1.0), "y": np.cos(draw * 0.5), "k": draw % 7}
    )


def test_ctrl_c_while_duckdb_writes_a_chunk_is_an_interrupt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C lands inside a DuckDB statement about as often as a chunk write takes of the run
    (1 in 6 tries of the CLI test above): it must still be an interrupt, not a crash."""
    db, n, chunk = tmp_path / "sweep.duckdb", 2_000_000, 1_000_000
    write = SweepWriter.write_chunk

    def ctrl_c_mid_write(self: SweepWriter, run_id: str, index: int, *rest: Any) -> None:
        # Deliver SIGINT from another thread 20 ms into the first write (its INSERT runs
        # ~0.2 s), and wait for it here so it never arrives outside the sweep.
        timer = threading.Timer(0.02, os.kill, (os.getpid(), signal.SIGINT))
        if index == 0:
            timer.start()
        try:
            write(self, run_id, index, *rest)
        finally:
            if index == 0:
                timer.join()

    monkeypatch.setattr(SweepWriter, "write_chunk", ctrl_c_mid_write)
    with pytest.raises(SweepInterrupted, match="burdenshare sweep --resume mid"):
        runner_sweep(
            _fast_chunk,
            db,
            n_draws=n,
            chunk_size=chunk,
            seed=0,
            scenario_hash="fast",
            run_id="mid",
            progress=False,
        )
    assert _status(db, "mid") == "interrupted"
    monkeypatch.undo()
    resume_sweep(_fast_chunk, db, "mid", progress=False)
    pd.testing.assert_frame_equal(load_results(db, "mid"), _fast_chunk(0, n), check_exact=True)


# --------------------------------------------------------------------------- stale resume
def test_resume_refuses_a_changed_scenario(tmp_path: Path) -> None:
    scenario = tmp_path / "sma-stale.toml"
    shutil.copyfile(ROOT / "scenarios" / "sma-2019.toml", scenario)
    db = tmp_path / "sweep.duckdb"
    args = ["--draws", "2000", "--chunk-size", "500", "--db", str(db), "--json"]
    run_id = json.loads(_ok("sweep", str(scenario), *args).stdout)["run_id"]
    before = load_scenario(scenario).content_hash
    table = load_results(db, run_id)

    text = scenario.read_text(encoding="utf-8")
    assert text.count("draws = 20_000") == 1
    scenario.write_text(text.replace("draws = 20_000", "draws = 20_001"), encoding="utf-8")
    after = load_scenario(scenario).content_hash
    assert before != after

    line = _one_error_line(_cli("sweep", "--resume", run_id, "--db", str(db)))
    assert "scenario changed" in line and scenario.name in line
    assert before[:12] in line and after[:12] in line
    assert _status(db, run_id) == "done"
    pd.testing.assert_frame_equal(load_results(db, run_id), table, check_exact=True)


def test_resume_from_another_directory_finds_the_runs_scenario(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run records its scenario file so that `--resume RUN_ID` alone rebuilds the workload;
    a path relative to the directory the sweep started in is lost once the user moves."""
    (tmp_path / "here").mkdir()
    (tmp_path / "elsewhere").mkdir()
    shutil.copyfile(ROOT / "scenarios" / "sma-2019.toml", tmp_path / "here" / "sma.toml")
    db = tmp_path / "sweep.duckdb"
    monkeypatch.chdir(tmp_path / "here")
    args = ["--draws", "1000", "--chunk-size", "500", "--db", str(db), "--json"]
    run_id = json.loads(_ok("sweep", "sma.toml", *args).stdout)["run_id"]

    monkeypatch.chdir(tmp_path / "elsewhere")
    result = _cli("sweep", "--resume", run_id, "--db", str(db), "--json")
    assert result.exit_code == 0, result.output
    shown = json.loads(_ok("show", run_id, "--db", str(db), "--json").stdout)
    assert shown["lapse"] == "2019-12-31"  # the scenario was found, not summarised without it


# --------------------------------------------------------------------------- user mistakes
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sweep", "sma-2019", "--executor", "threads"], "unknown sweep executor"),
        (
            ["sweep", "sma-2019", "--scheduler", "tcp://127.0.0.1:8786"],
            "a scheduler address only applies to the dask executor",
        ),
        (["sweep", "--resume", "0123456789ab"], "no sweep database"),
        (["sweep", "sma-2021-signed"], "no [uncertainty] section"),
        (["sweep"], "no scenario given"),
    ],
    ids=["executor", "scheduler", "resume-no-db", "no-uncertainty", "no-scenario"],
)
def test_user_mistakes_exit_2_with_one_line_and_write_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    db = tmp_path / "sweep.duckdb"
    result = _cli(*args, "--db", str(db))
    assert message in _one_error_line(result) and result.stdout == ""
    assert not db.exists()  # refused before any run was recorded


@pytest.mark.parametrize(
    ("command", "message"),
    # `show` shows runs of every kind (analyze, sweep, backtest); `--resume` only sweeps
    [("sweep --resume", "no sweep with this run id"), ("show", "no run with this run id")],
)
def test_unknown_run_id_exits_2(small: dict[str, Any], command: str, message: str) -> None:
    line = _one_error_line(_cli(*command.split(), "0123456789ab", "--db", str(small["db"])))
    assert message in line and "0123456789ab" in line
    assert _only_run(small["db"]) == small["payload"]["run_id"]  # nothing added


@pytest.mark.parametrize(
    ("name", "message"),
    [("low_above_high.toml", "low > high"), ("unknown_path.toml", "unknown field path")],
)
def test_bad_uncertainty_spec_exits_2(tmp_path: Path, name: str, message: str) -> None:
    body = (BAD_UNCERTAINTY / name).read_text(encoding="utf-8")
    body = body.replace("[params]", "[uncertainty.params]").replace(
        "[strategies]", "[uncertainty.strategies]"
    )
    base = bundled_path("sma-2019").read_text(encoding="utf-8")
    head, rest = base.split("[uncertainty]\n", 1)  # one [uncertainty] per file: drop the bundled
    scenario = tmp_path / "bad.toml"
    scenario.write_text(head + rest[rest.index("# ----") :] + "\n[uncertainty]\n" + body)
    db = tmp_path / "sweep.duckdb"
    result = _cli("sweep", str(scenario), "--db", str(db))
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    lines = result.stderr.strip().splitlines()
    assert lines and all(line.startswith("error: ") and "bad.toml:" in line for line in lines)
    assert message in result.stderr and "Traceback" not in result.output
    assert not db.exists()


@pytest.mark.parametrize(
    ("kind", "command"),
    [
        ("text", "runs"),
        ("text", "sweep"),
        ("other-tables", "runs"),
        ("other-tables", "show"),
        ("other-tables", "resume"),
    ],
)
def test_a_file_that_is_not_a_sweep_database_exits_2(
    tmp_path: Path, kind: str, command: str
) -> None:
    """`--db` at a file that is not DuckDB, or at a DuckDB file with no sweeps (what `analyze`
    writes, also named results.duckdb), is a user mistake, not a crash."""
    db = tmp_path / "results.duckdb"
    if kind == "text":
        db.write_text("not a database\n")
    else:
        con = duckdb.connect(str(db))
        con.execute("CREATE TABLE runs (seed INTEGER)")
        con.close()
    args = {
        "runs": ["runs"],
        "sweep": ["sweep", "sma-2019", "--draws", "10"],
        "show": ["show", "0123456789ab"],
        "resume": ["sweep", "--resume", "0123456789ab"],
    }[command]
    line = _one_error_line(_cli(*args, "--db", str(db)))
    assert db.name in line


def test_runs_while_a_sweep_writes_the_database_exits_2(tmp_path: Path) -> None:
    """DuckDB lets no other process open a file a sweep is writing: `runs` from a second
    terminal must say so, not crash."""
    db = tmp_path / "busy.duckdb"
    proc = _start_long(db)
    try:
        _wait_for_chunks(proc, db, tmp_path, least=1)
        result = _cli("runs", "--db", str(db))
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        proc.communicate()
    assert db.name in _one_error_line(result)


def test_show_a_run_with_no_stored_rows_exits_2(tmp_path: Path) -> None:
    """A sweep killed or interrupted before its first chunk has a run but no results table."""
    sma = load_scenario("sma-2019")
    db = tmp_path / "sweep.duckdb"
    with SweepWriter(db) as writer:  # the state kill -9 leaves before the first commit
        writer.create_run(
            SweepRun(
                scenario_hash=sma.content_hash,
                seed=0,
                n_draws=1000,
                chunk_size=500,
                parameters={
                    "workload": "bargaining",
                    "scenario_id": "sma-2019",
                    "scenario_path": str(bundled_path("sma-2019")),
                    "ratification": True,
                },
                run_id="empty0000000",
            )
        )
    result = _cli("show", "empty0000000", "--db", str(db))
    assert isinstance(result.exception, SystemExit) and result.exit_code == 2, result.exception
    assert "no stored rows" in result.stderr and "empty0000000" in result.stderr
    # ... and the run is still resumable into the full table
    _ok("sweep", "--resume", "empty0000000", "--db", str(db))
    expected = BargainingWorkload(sma, seed=0)(0, 1000)
    np.testing.assert_array_equal(
        load_results(db, "empty0000000")["deal.contribution"].to_numpy(),
        expected["deal.contribution"].to_numpy(),
    )
