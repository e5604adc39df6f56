"""DuckDB store: runs accumulate, results come back, a failed write leaves nothing behind."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pandas as pd
import pytest

from burdenshare.store import RunRecord, list_runs, read_result, write_run


def _record(**over: object) -> RunRecord:
    base = dict(
        command="analyze",
        scenario_id="s",
        scenario_title="S",
        scenario_hash="abc",
        seed=7,
        version="0.1.0",
        started_at=datetime(2026, 1, 1, tzinfo=UTC),
        finished_at=datetime(2026, 1, 1, 0, 0, 1, tzinfo=UTC),
    )
    base.update(over)
    return RunRecord(**base)  # type: ignore[arg-type]


def test_round_trip_and_accumulation(tmp_path):
    db = tmp_path / "r.duckdb"
    a = pd.DataFrame({"year": [2020, 2021], "nominal": [1.0, 2.5]})
    b = pd.DataFrame({"year": [2020], "nominal": [9.0]})
    id1 = write_run(db, _record(), {"ledger": a})
    id2 = write_run(db, _record(seed=8), {"ledger": b})
    assert id1 != id2
    runs = list_runs(db)
    assert set(runs["run_id"]) == {id1, id2}
    assert runs.set_index("run_id").loc[id2, "seed"] == 8
    pd.testing.assert_frame_equal(read_result(db, "ledger", id1), a, check_dtype=False)
    pd.testing.assert_frame_equal(read_result(db, "ledger", id2), b, check_dtype=False)


def test_column_order_may_differ_between_runs(tmp_path):
    db = tmp_path / "r.duckdb"
    write_run(db, _record(), {"t": pd.DataFrame({"x": [1], "y": [2]})})
    rid = write_run(db, _record(), {"t": pd.DataFrame({"y": [20], "x": [10]})})
    back = read_result(db, "t", rid)
    assert back.loc[0, "x"] == 10 and back.loc[0, "y"] == 20


def test_failed_write_is_atomic(tmp_path):
    db = tmp_path / "r.duckdb"
    write_run(db, _record(), {"t": pd.DataFrame({"x": [1]})})
    # A second table whose column type clashes with the stored one makes the insert fail.
    bad = {"u": pd.DataFrame({"z": [1]}), "t": pd.DataFrame({"x": ["not a number"]})}
    with pytest.raises(duckdb.Error):
        write_run(db, _record(run_id="broken"), bad)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM runs WHERE run_id='broken'").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM t").fetchone()[0] == 1
        query = "SELECT table_name FROM information_schema.tables"
        tables = {r[0] for r in con.execute(query).fetchall()}
        assert "u" not in tables or con.execute("SELECT count(*) FROM u").fetchone()[0] == 0
    finally:
        con.close()


def test_rejects_bad_table_names(tmp_path):
    with pytest.raises(ValueError):
        write_run(tmp_path / "r.duckdb", _record(), {"runs": pd.DataFrame({"x": [1]})})
    with pytest.raises(ValueError):
        write_run(tmp_path / "r.duckdb", _record(), {"x; DROP TABLE runs": pd.DataFrame()})


def test_a_table_that_gained_columns_still_appends(tmp_path) -> None:
    """A newer version adds a column to a result kind; the old file takes the new run."""
    db = tmp_path / "results.duckdb"
    first = write_run(db, _record(), {"sweep_draws": pd.DataFrame({"draw": [0, 1]})})
    grown = pd.DataFrame({"draw": [0], "cost.nominal": [1.5e12], "note": ["x"]})
    second = write_run(db, _record(), {"sweep_draws": grown})
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        'SELECT run_id, draw, "cost.nominal", note FROM sweep_draws ORDER BY run_id = ?, draw',
        [second],
    ).fetchall()
    con.close()
    assert rows == [(first, 0, None, None), (first, 1, None, None), (second, 0, 1.5e12, "x")]
