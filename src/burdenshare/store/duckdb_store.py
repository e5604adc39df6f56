"""Write analysis results to a DuckDB file: one ``runs`` row per run, one table per result kind.

Every result table carries ``run_id`` as its first column, so runs accumulate in one file and any
run's rows can be selected back. A run is written in one transaction: either the run row and all of
its results are stored, or none of them are.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

_RUNS_DDL = """
CREATE TABLE IF NOT EXISTS runs (
    run_id        VARCHAR PRIMARY KEY,
    command       VARCHAR NOT NULL,
    scenario_id   VARCHAR,
    scenario_title VARCHAR,
    scenario_hash VARCHAR NOT NULL,
    seed          BIGINT,
    version       VARCHAR NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ NOT NULL,
    status        VARCHAR NOT NULL,
    result_tables VARCHAR[]
)
"""
_TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class RunRecord:
    """Metadata of one stored run."""

    command: str
    scenario_id: str
    scenario_title: str
    scenario_hash: str
    seed: int | None
    version: str
    started_at: datetime
    finished_at: datetime
    status: str = "ok"
    run_id: str = ""

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex[:12]


def _add_new_columns(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Columns a newer version adds to a result table (a file older runs wrote) are added, empty
    for the old rows, so appending a run never fails on a grown schema."""
    have = {row[0] for row in con.execute(f"DESCRIBE {name}").fetchall()}
    for column, kind, *_ in con.execute("DESCRIBE _incoming").fetchall():
        if column not in have:
            quoted = '"' + column.replace('"', '""') + '"'
            con.execute(f"ALTER TABLE {name} ADD COLUMN {quoted} {kind}")


def write_run(db_path: str | Path, record: RunRecord, results: Mapping[str, pd.DataFrame]) -> str:
    """Store ``record`` and its result tables atomically; return the run id."""
    for name in results:
        if not _TABLE_NAME.match(name) or name == "runs":
            raise ValueError(f"invalid result table name {name!r}")
    run_id = record.run_id or RunRecord.new_id()
    con = duckdb.connect(str(db_path))
    try:
        con.execute(_RUNS_DDL)
        con.execute("BEGIN TRANSACTION")
        try:
            for name, frame in results.items():
                tagged = frame.reset_index(drop=True).copy()
                tagged.insert(0, "run_id", run_id)
                con.register("_incoming", tagged)
                con.execute(f"CREATE TABLE IF NOT EXISTS {name} AS SELECT * FROM _incoming LIMIT 0")
                _add_new_columns(con, name)
                # BY NAME tolerates a column order that differs between versions.
                con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _incoming")
                con.unregister("_incoming")
            con.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    run_id,
                    record.command,
                    record.scenario_id,
                    record.scenario_title,
                    record.scenario_hash,
                    record.seed,
                    record.version,
                    record.started_at,
                    record.finished_at,
                    record.status,
                    sorted(results),
                ],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.close()
    return run_id


def list_runs(db_path: str | Path) -> pd.DataFrame:
    """All stored runs, newest first."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute("SELECT * FROM runs ORDER BY started_at DESC").df()
    finally:
        con.close()


def read_result(db_path: str | Path, table: str, run_id: str) -> pd.DataFrame:
    """The rows of result ``table`` belonging to ``run_id`` (without the run_id column)."""
    if not _TABLE_NAME.match(table):
        raise ValueError(f"invalid result table name {table!r}")
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        frame = con.execute(f"SELECT * FROM {table} WHERE run_id = ?", [run_id]).df()
    finally:
        con.close()
    return frame.drop(columns=["run_id"])


def utc_now() -> datetime:
    return datetime.now(UTC)
