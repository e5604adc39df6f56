"""One store for every run: `runs` lists and `show` summarises runs of every kind, and a file
burdenshare 0.1.0 wrote (analyses in `runs`, sweeps in `sweep_runs`) is read as it is and
migrated in place (issue 9, defect 5.3; issue 11, item 3)."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from burdenshare.cli import app
from burdenshare.store import RunRecord, StoreError, list_runs, read_result, write_run
from burdenshare.sweep.runner import describe_sweep, load_results, missing_chunks, resume_sweep

OLD = Path(__file__).parents[1] / "data" / "store" / "results-0.1.0.duckdb.gz"
# What the file holds (tests/data/store/PROVENANCE.md)
OLD_RUNS = {
    "fd14d64bd17b": ("analyze", "sma-2019", "done", 300),
    "97019043d064": ("analyze", "sma-2021-signed", "done", None),
    "b3fe53140dad": ("sweep", "sma-2019", "done", 200),
    "interrupted0": ("sweep", "sma-2019", "interrupted", 300),
}


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    db = tmp_path / "results.duckdb"
    db.write_bytes(gzip.decompress(OLD.read_bytes()))
    return db


def _cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def _ok(*args: str) -> Any:
    result = _cli(*args)
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tables(db: Path) -> dict[str, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT table_name, table_type FROM information_schema.tables")
        return dict(rows.fetchall())
    finally:
        con.close()


def _ints(values: Any) -> list[int | None]:
    return [None if pd.isna(v) else int(v) for v in values]


# --------------------------------------------------------------------------- read as it is
def test_an_old_file_is_read_as_it_is_without_writing_to_it(old_db: Path) -> None:
    before = _digest(old_db)
    runs = list_runs(old_db).set_index("run_id")
    assert set(runs.index) == set(OLD_RUNS)
    for run_id, (kind, scenario, status, draws) in OLD_RUNS.items():
        row = runs.loc[run_id]
        assert (row["kind"], row["scenario_id"], row["status"]) == (kind, scenario, status)
        assert _ints([row["n_draws"]]) == [draws]
    assert _ints(runs.loc[["b3fe53140dad", "interrupted0"], "chunks_stored"]) == [2, 1]
    assert list(runs["started_at"]) == sorted(runs["started_at"], reverse=True)  # newest first
    # the sweep functions read it too: resumable state and stored rows
    assert describe_sweep(old_db, "interrupted0")[1] == "interrupted"
    assert missing_chunks(old_db, "interrupted0") == [1, 2]
    assert len(load_results(old_db, "b3fe53140dad")) == 200
    assert _digest(old_db) == before  # reading never migrates
    assert _tables(old_db)["sweep_runs"] == "BASE TABLE"


def test_runs_lists_every_kind_in_an_old_file(old_db: Path) -> None:
    result = _ok("runs", "--db", str(old_db))
    for run_id, (kind, scenario, status, _) in OLD_RUNS.items():
        line = next(x for x in result.stdout.splitlines() if run_id in x)
        assert kind in line and scenario in line and status in line, line
    records = json.loads(_ok("runs", "--db", str(old_db), "--json").stdout)
    assert {r["run_id"]: r["kind"] for r in records} == {k: v[0] for k, v in OLD_RUNS.items()}
    assert {r["run_id"]: r["n_draws"] for r in records} == {k: v[3] for k, v in OLD_RUNS.items()}


def test_show_an_old_analysis_summarises_its_sweep_draws(old_db: Path) -> None:
    result = _ok("show", "fd14d64bd17b", "--db", str(old_db), "--json")
    shown = json.loads(result.stdout)
    assert shown["kind"] == "analyze" and shown["scenario_id"] == "sma-2019"
    draws = read_result(old_db, "sweep_draws", "fd14d64bd17b")
    assert shown["tables"]["sweep_draws"] == len(draws) == 300
    assert shown["tables"]["ledger"] == len(read_result(old_db, "ledger", "fd14d64bd17b"))
    sweep = shown["sweep"]
    assert sweep["n_draws"] == 300
    assert sweep["p_agreement"] == pytest.approx(draws["agreement"].astype(bool).mean())
    assert sweep["p_rejected_once"] == pytest.approx((draws["n_voided"] > 0).mean())
    # 0.1.0 recorded no scenario file for an analysis: summarised without it, and said so
    assert sweep["lapse"] is None
    assert "records no scenario file" in result.stderr

    text = _ok("show", "fd14d64bd17b", "--db", str(old_db)).stdout
    assert "sweep_draws" in text and "300 draws" in text


def test_show_an_old_analysis_without_a_sweep_and_an_interrupted_sweep(old_db: Path) -> None:
    shown = json.loads(_ok("show", "97019043d064", "--db", str(old_db), "--json").stdout)
    assert shown["sweep"] is None and shown["seed"] == 3
    expected = {"ledger", "ledger_categories", "ledger_comparison", "sma_history"}
    assert set(shown["tables"]) == expected
    assert all(n > 0 for n in shown["tables"].values())

    result = _ok("show", "interrupted0", "--db", str(old_db), "--json")
    sweep = json.loads(result.stdout)  # a sweep's JSON, as `sweep --json` prints it
    assert sweep["run_id"] == "interrupted0" and sweep["n_draws"] == 100  # one chunk of three
    assert "is interrupted" in result.stderr and "/nonexistent/" in result.stderr


# --------------------------------------------------------------------------- migrated in place
def _record(**over: Any) -> RunRecord:
    base: dict[str, Any] = dict(
        command="backtest",
        scenario_id="s",
        scenario_title="S",
        scenario_hash="abc",
        seed=7,
        version="0.2.0",
        started_at=datetime(2027, 1, 1, tzinfo=UTC),
        finished_at=datetime(2027, 1, 1, 0, 0, 1, tzinfo=UTC),
    )
    base.update(over)
    return RunRecord(**base)


def test_writing_to_an_old_file_migrates_it_in_place(old_db: Path) -> None:
    before = list_runs(old_db).set_index("run_id")
    old_ledger = read_result(old_db, "ledger", "fd14d64bd17b")
    old_draws = load_results(old_db, "b3fe53140dad")

    new = write_run(old_db, _record(), {"backtest_scores": pd.DataFrame({"loss": [0.5]})})

    tables = _tables(old_db)
    assert tables["sweep_runs"] == "VIEW" and tables["runs"] == "BASE TABLE"
    con = duckdb.connect(str(old_db), read_only=True)
    try:
        version = con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'")
        assert version.fetchone() == ("2",)
        columns = [r[0] for r in con.execute("DESCRIBE runs").fetchall()]
        view = con.execute("SELECT run_id, status FROM sweep_runs ORDER BY run_id").fetchall()
    finally:
        con.close()
    assert "kind" in columns and "command" not in columns
    assert view == [("b3fe53140dad", "done"), ("interrupted0", "interrupted")]

    after = list_runs(old_db).set_index("run_id")
    assert set(after.index) == {*OLD_RUNS, new}
    assert after.loc[new, "kind"] == "backtest"
    compared = ["kind", "scenario_id", "scenario_hash", "seed", "status", "n_draws", "chunk_size"]
    compared += ["started_at", "finished_at", "chunks_stored"]
    pd.testing.assert_frame_equal(
        after.loc[list(OLD_RUNS), compared], before.loc[list(OLD_RUNS), compared]
    )
    pd.testing.assert_frame_equal(read_result(old_db, "ledger", "fd14d64bd17b"), old_ledger)
    pd.testing.assert_frame_equal(load_results(old_db, "b3fe53140dad"), old_draws)

    # a second write finds the current layout and changes nothing but its own run
    second = write_run(old_db, _record(command="analyze"), {"ledger": old_ledger})
    assert len(list_runs(old_db)) == len(OLD_RUNS) + 2 and second != new


def test_an_old_interrupted_sweep_resumes_into_the_migrated_file(old_db: Path) -> None:
    """The store's part of a resume (the workload's is tested in test_sweep_resume.py): the
    missing chunks land in the old chunk table, the status in the migrated `runs`."""
    stored = load_results(old_db, "interrupted0")  # chunk 0: draws 0-99

    def chunk(start: int, stop: int) -> pd.DataFrame:  # rows shaped like the stored ones
        rows = stored.iloc[: stop - start].copy()
        rows["draw"] = np.arange(start, stop)
        return rows

    resume_sweep(chunk, old_db, "interrupted0", progress=False)
    assert describe_sweep(old_db, "interrupted0")[1] == "done"
    assert missing_chunks(old_db, "interrupted0") == []
    table = load_results(old_db, "interrupted0")
    assert table["draw"].tolist() == list(range(300))
    np.testing.assert_array_equal(
        table["agreement"].to_numpy()[200:], stored["agreement"].to_numpy()
    )
    assert _tables(old_db)["sweep_runs"] == "VIEW"  # the sweep writer migrated the file
    row = list_runs(old_db).set_index("run_id").loc["interrupted0"]
    assert row["status"] == "done" and row["chunks_stored"] == 3


def test_a_runs_table_that_is_not_ours_is_refused_and_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "other.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE runs (id INTEGER, name VARCHAR)")
    con.execute("INSERT INTO runs VALUES (1, 'x')")
    con.close()
    with pytest.raises(StoreError, match="not a burdenshare results database"):
        write_run(db, _record(), {"t": pd.DataFrame({"x": [1]})})
    with pytest.raises(StoreError, match="not a burdenshare results database"):
        list_runs(db)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT * FROM runs").fetchall() == [(1, "x")]
    query = "SELECT table_name FROM information_schema.tables"
    tables = [r[0] for r in con.execute(query).fetchall()]
    con.close()
    assert tables == ["runs"]  # nothing was created (the migration rolled back)


# --------------------------------------------------------------------------- the README's commands
def test_runs_and_show_without_db_find_what_analyze_and_sweep_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`burdenshare runs; burdenshare show RUN_ID --json` as the README writes them: no --db,
    after `analyze` (out/<id>/results.duckdb) and `sweep` (results.duckdb)."""
    monkeypatch.chdir(tmp_path)
    missing = _cli("runs")
    assert missing.exit_code == 2 and "no results database here" in missing.stderr
    assert "burdenshare analyze" in missing.stderr

    _ok("analyze", "sma-2021-signed")
    analyzed = list_runs(tmp_path / "out" / "sma-2021-signed" / "results.duckdb")
    swept = json.loads(_ok("sweep", "sma-2019", "--draws", "300", "--json").stdout)

    listing = _ok("runs").stdout
    analysis_id = str(analyzed["run_id"].iloc[0])
    assert analysis_id in listing and swept["run_id"] in listing
    line = next(x for x in listing.splitlines() if analysis_id in x)
    assert "analyze" in line and "sma-2021-signed" in line

    shown = json.loads(_ok("show", analysis_id, "--json").stdout)
    assert shown["kind"] == "analyze" and shown["db"].startswith("out")
    assert shown["parameters"]["scenario_path"].endswith("sma-2021-signed.toml")
    assert json.loads(_ok("show", swept["run_id"], "--json").stdout) == swept


def test_show_a_fresh_analysis_finds_its_scenario(tmp_path: Path) -> None:
    """A new analysis records its scenario file, so `show` summarises its sweep with the
    lapse date (unlike a 0.1.0 file)."""
    scenario = tmp_path / "small.toml"
    text = (Path(__file__).resolve().parents[2] / "scenarios" / "sma-2019.toml").read_text()
    small = re.sub(r"(?m)^draws = [\d_]+", "draws = 200", text, count=1)
    small = re.sub(r"(?m)^seeds = [\d_]+", "seeds = 2", small, count=1)
    assert small.count("draws = 200") == 1
    scenario.write_text(small, encoding="utf-8")
    db = tmp_path / "r.duckdb"
    _ok("analyze", str(scenario), "--out", str(tmp_path / "out"), "--db", str(db))
    run_id = str(list_runs(db)["run_id"].iloc[0])
    result = _ok("show", run_id, "--db", str(db), "--json")
    shown = json.loads(result.stdout)
    assert shown["sweep"]["n_draws"] == 200 == shown["tables"]["sweep_draws"]
    assert shown["sweep"]["lapse"] is not None and result.stderr == ""
    shutil.rmtree(tmp_path / "out")


def test_runs_lists_analyze_sweep_and_backtest_runs_in_one_store(tmp_path: Path) -> None:
    """One DuckDB file, three commands: `burdenshare runs` lists each run with its kind and
    `show` opens the backtest's."""
    db = str(tmp_path / "all.duckdb")
    runner = CliRunner()
    for args in (
        ["analyze", "sma-2021-signed", "--out", str(tmp_path / "a"), "--db", db],
        ["sweep", "sma-2019", "--draws", "50", "--db", db],
        ["backtest", "sma", "--round", "11", "--draws", "20", "--out", str(tmp_path / "b"),
         "--db", db],
    ):  # fmt: skip
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    listing = runner.invoke(app, ["runs", "--db", db, "--json"])
    assert listing.exit_code == 0, listing.output
    runs = json.loads(listing.stdout)
    assert sorted(r["kind"] for r in runs) == ["analyze", "backtest", "sweep"]
    backtest = next(r for r in runs if r["kind"] == "backtest")
    shown = runner.invoke(app, ["show", backtest["run_id"], "--db", db, "--json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["run_id"] == backtest["run_id"]
