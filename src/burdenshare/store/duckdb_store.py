"""One DuckDB schema for every stored run, whichever command made it (``analyze``, ``sweep``,
``backtest``, ...).

- ``runs`` — one row per run: ``run_id``, ``kind`` (the command that made it), the scenario's id,
  title and content hash, ``seed``, ``version``, ``started_at``, ``finished_at`` (NULL while a
  sweep runs), ``status`` (``done``, or a sweep's ``running`` / ``interrupted`` / ``failed``),
  ``result_tables`` (the tables holding its rows), ``parameters`` (JSON: what rebuilds the run,
  e.g. the scenario file), ``n_draws`` and ``chunk_size`` (sweeps; ``n_draws`` also for an
  ``analyze`` run with a sweep).
- one table per result kind (``ledger``, ``sweep_draws``, ...) whose first column is ``run_id``,
  written by :func:`write_run`; a sweep's draws go to ``sweep_results_<run_id>`` chunk by chunk,
  with the chunk ledger ``sweep_chunks`` (see :mod:`burdenshare.sweep.store`).
- ``store_meta`` — ``schema_version`` (:data:`SCHEMA_VERSION`).

A file written before this schema (burdenshare 0.1.0: analyses in ``runs`` with a ``command``
column, sweeps in a table of their own, ``sweep_runs``) is read as it is by :func:`read_runs`
and migrated in place, in one transaction, the first time a run is written to it
(:func:`ensure_schema`); ``sweep_runs`` then remains as a view of the sweeps in ``runs``.

:func:`write_run` stores a run and all of its tables in one transaction: either everything is
stored or nothing is.
"""

from __future__ import annotations

import contextlib
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from burdenshare.errors import BurdenshareError, ProgrammerError

__all__ = [
    "RUN_COLUMNS",
    "SCHEMA_VERSION",
    "RunRecord",
    "StoreError",
    "connect",
    "ensure_schema",
    "list_runs",
    "read_result",
    "read_runs",
    "utc_now",
    "write_run",
]

#: Version of the layout below; 1 was burdenshare 0.1.0's (``runs.command``, ``sweep_runs``).
SCHEMA_VERSION = 2

_RUNS_DDL = """
CREATE TABLE IF NOT EXISTS runs (
    run_id         VARCHAR PRIMARY KEY,
    kind           VARCHAR NOT NULL,
    scenario_id    VARCHAR,
    scenario_title VARCHAR,
    scenario_hash  VARCHAR NOT NULL,
    seed           BIGINT,
    version        VARCHAR NOT NULL,
    started_at     TIMESTAMPTZ NOT NULL,
    finished_at    TIMESTAMPTZ,
    status         VARCHAR NOT NULL,
    result_tables  VARCHAR[],
    parameters     VARCHAR,
    n_draws        BIGINT,
    chunk_size     BIGINT
)
"""
#: Columns of ``runs``, in order (what :func:`read_runs` returns for any layout).
RUN_COLUMNS = (
    "run_id",
    "kind",
    "scenario_id",
    "scenario_title",
    "scenario_hash",
    "seed",
    "version",
    "started_at",
    "finished_at",
    "status",
    "result_tables",
    "parameters",
    "n_draws",
    "chunk_size",
)
_ADDED_IN_2 = {"parameters": "VARCHAR", "n_draws": "BIGINT", "chunk_size": "BIGINT"}
_SWEEP_RUNS_VIEW = """
CREATE OR REPLACE VIEW sweep_runs AS
SELECT run_id, scenario_hash, seed, version, parameters, n_draws, chunk_size, status,
       started_at AS created_at, finished_at
FROM runs WHERE kind = 'sweep'
"""
_META_DDL = "CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR PRIMARY KEY, value VARCHAR)"
_TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_RESERVED = {"runs", "store_meta", "sweep_runs", "sweep_chunks"}


class StoreError(BurdenshareError):
    """A results database the user named is missing, is not one, or is busy."""


@dataclass(frozen=True)
class RunRecord:
    """Metadata of one stored run; ``command`` is the run's kind (``analyze``, ``backtest``...).

    ``parameters`` (JSON-able) records what rebuilds or explains the run, e.g. ``scenario_path``
    (``show`` uses it to find the scenario again); ``n_draws``: the draws of a sweep it holds.
    """

    command: str
    scenario_id: str
    scenario_title: str
    scenario_hash: str
    seed: int | None
    version: str
    started_at: datetime
    finished_at: datetime
    status: str = "done"
    run_id: str = ""
    parameters: Mapping[str, Any] = field(default_factory=dict)
    n_draws: int | None = None

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex[:12]


def connect(db_path: str | Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A connection, or a user error naming the file: missing (when reading), not a DuckDB
    file, or locked by another process (DuckDB allows one writer, and readers only when no
    process writes)."""
    if read_only and not Path(db_path).exists():
        raise StoreError.single("no results database", file=str(db_path))
    try:
        return duckdb.connect(str(db_path), read_only=read_only)
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            message = (
                "the database is in use by another process (a sweep still writing it?); "
                "wait for it to finish or stop it"
            )
        else:
            message = "not a DuckDB database"
        raise StoreError.single(message, file=str(db_path), found=text.splitlines()[0]) from None


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Table and view names of the main schema → ``BASE TABLE`` or ``VIEW``."""
    rows = con.execute(
        "SELECT table_name, table_type FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_catalog = current_database()"
    ).fetchall()
    return {str(name): str(kind) for name, kind in rows}


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [str(row[0]) for row in con.execute(f"DESCRIBE {table}").fetchall()]


def _not_ours(con: duckdb.DuckDBPyConnection, db_path: str | Path) -> StoreError:
    found = ", ".join(_columns(con, "runs"))
    return StoreError.single(
        "not a burdenshare results database: its 'runs' table has other columns",
        file=str(db_path),
        expected="a file that analyze, sweep or backtest wrote",
        found=f"runs({found})",
    )


def ensure_schema(con: duckdb.DuckDBPyConnection, db_path: str | Path = "") -> None:
    """Create the schema, or migrate an older layout in place (one transaction; idempotent).

    Version 1 → 2: ``runs.command`` becomes ``kind``, ``finished_at`` may be NULL, the columns
    ``parameters``, ``n_draws`` and ``chunk_size`` are added (``n_draws`` of an analysis is the
    count of its ``sweep_draws`` rows), status ``ok`` becomes ``done``, and every row of the
    table ``sweep_runs`` moves into ``runs`` (kind ``sweep``), ``sweep_runs`` becoming a view.
    """
    tables = _tables(con)
    if "runs" in tables and "kind" in _columns(con, "runs") and "store_meta" in tables:
        return  # current layout: nothing to do (the common case, no write)
    con.execute("BEGIN TRANSACTION")
    try:
        if "runs" in tables:
            have = _columns(con, "runs")
            if "run_id" not in have or not ({"kind", "command"} & set(have)):
                raise _not_ours(con, db_path)
            if "command" in have and "kind" not in have:
                con.execute("ALTER TABLE runs RENAME COLUMN command TO kind")
            con.execute("ALTER TABLE runs ALTER finished_at DROP NOT NULL")
            for column, sql_type in _ADDED_IN_2.items():
                if column not in have:
                    con.execute(f"ALTER TABLE runs ADD COLUMN {column} {sql_type}")
            con.execute("UPDATE runs SET status = 'done' WHERE status = 'ok'")
            if tables.get("sweep_draws") == "BASE TABLE":
                con.execute(
                    "UPDATE runs SET n_draws = d.n FROM (SELECT run_id, count(*) AS n "
                    "FROM sweep_draws GROUP BY run_id) d "
                    "WHERE runs.run_id = d.run_id AND runs.n_draws IS NULL"
                )
        else:
            con.execute(_RUNS_DDL)
        if tables.get("sweep_runs") == "BASE TABLE":
            con.execute(
                "INSERT INTO runs BY NAME SELECT run_id, 'sweep' AS kind, "
                "json_extract_string(parameters, '$.scenario_id') AS scenario_id, "
                "scenario_hash, seed, version, created_at AS started_at, finished_at, status, "
                "['sweep_results_' || run_id] AS result_tables, parameters, n_draws, chunk_size "
                "FROM sweep_runs"
            )
            con.execute("DROP TABLE sweep_runs")
        con.execute(_SWEEP_RUNS_VIEW)
        con.execute(_META_DDL)
        con.execute(
            "INSERT OR REPLACE INTO store_meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
        )
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):  # DuckDB may have aborted it already
            con.execute("ROLLBACK")
        raise


def read_runs(con: duckdb.DuckDBPyConnection, db_path: str | Path = "") -> pd.DataFrame:
    """Every run in the file, newest first, in :data:`RUN_COLUMNS` plus ``chunks_stored``
    (sweeps) — from the current layout or, read as it is, from burdenshare 0.1.0's.

    A file with no runs table at all is a user error (not a results database).
    """
    tables = _tables(con)
    frames = []
    if "runs" in tables:
        have = _columns(con, "runs")
        if "run_id" not in have or not ({"kind", "command"} & set(have)):
            raise _not_ours(con, db_path)
        frame = con.execute("SELECT * FROM runs").df()
        if "kind" not in frame.columns:  # version 1
            frame = frame.rename(columns={"command": "kind"})
            frame["status"] = frame["status"].replace({"ok": "done"})
        frames.append(frame)
    if tables.get("sweep_runs") == "BASE TABLE":  # version 1: sweeps in a table of their own
        old = con.execute("SELECT * FROM sweep_runs").df()
        old = old.rename(columns={"created_at": "started_at"})
        old.insert(1, "kind", "sweep")
        old["scenario_id"] = [json.loads(p).get("scenario_id") for p in old["parameters"]]
        old["result_tables"] = [[f"sweep_results_{r}"] for r in old["run_id"]]
        frames.append(old)
    if not frames:
        raise StoreError.single(
            "no runs in this database",
            file=str(db_path),
            expected="a file that analyze, sweep or backtest wrote",
        )
    frames = [f.reindex(columns=list(RUN_COLUMNS)) for f in frames if len(f)]
    runs = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame({c: pd.Series([], dtype=object) for c in RUN_COLUMNS})
    )
    counts: dict[str, int] = {}
    if tables.get("sweep_chunks") == "BASE TABLE":
        rows = con.execute("SELECT run_id, count(*) FROM sweep_chunks GROUP BY run_id")
        counts = {str(r): int(n) for r, n in rows.fetchall()}
    runs["chunks_stored"] = [counts.get(r, 0) for r in runs["run_id"]]
    if tables.get("sweep_draws") == "BASE TABLE" and runs["n_draws"].isna().any():
        rows = con.execute("SELECT run_id, count(*) FROM sweep_draws GROUP BY run_id")
        draws = {str(r): int(n) for r, n in rows.fetchall()}
        runs["n_draws"] = [
            draws.get(r) if pd.isna(n) else n
            for r, n in zip(runs["run_id"], runs["n_draws"], strict=True)
        ]
    runs = runs.astype({"seed": "Int64", "n_draws": "Int64", "chunk_size": "Int64"})
    runs = runs.sort_values("started_at", ascending=False, kind="stable")
    return runs.reset_index(drop=True)


def _add_new_columns(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Columns a newer version adds to a result table (a file older runs wrote) are added, empty
    for the old rows, so appending a run never fails on a grown schema."""
    have = set(_columns(con, name))
    for column, kind, *_ in con.execute("DESCRIBE _incoming").fetchall():
        if column not in have:
            quoted = '"' + column.replace('"', '""') + '"'
            con.execute(f"ALTER TABLE {name} ADD COLUMN {quoted} {kind}")


def write_run(db_path: str | Path, record: RunRecord, results: Mapping[str, pd.DataFrame]) -> str:
    """Store ``record`` and its result tables atomically; return the run id.

    The file is created, or migrated to the current schema first (:func:`ensure_schema`).
    """
    for name in results:
        if not _TABLE_NAME.match(name) or name in _RESERVED or name.startswith("sweep_results_"):
            raise ProgrammerError(f"invalid result table name {name!r}")
    run_id = record.run_id or RunRecord.new_id()
    n_draws = record.n_draws
    if n_draws is None and "sweep_draws" in results:
        n_draws = len(results["sweep_draws"])
    con = connect(db_path, read_only=False)
    try:
        ensure_schema(con, db_path)
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
                "INSERT INTO runs BY NAME SELECT ? AS run_id, ? AS kind, ? AS scenario_id, "
                "? AS scenario_title, ? AS scenario_hash, ? AS seed, ? AS version, "
                "? AS started_at, ? AS finished_at, ? AS status, ? AS result_tables, "
                "? AS parameters, ? AS n_draws",
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
                    json.dumps(dict(record.parameters), sort_keys=True, default=str),
                    n_draws,
                ],
            )
            con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise
    finally:
        con.close()
    return run_id


def list_runs(db_path: str | Path) -> pd.DataFrame:
    """All stored runs of every kind, newest first (:func:`read_runs` on the file)."""
    con = connect(db_path, read_only=True)
    try:
        return read_runs(con, db_path)
    finally:
        con.close()


def read_result(db_path: str | Path, table: str, run_id: str) -> pd.DataFrame:
    """The rows of result ``table`` belonging to ``run_id`` (without the run_id column)."""
    if not _TABLE_NAME.match(table):
        raise ProgrammerError(f"invalid result table name {table!r}")
    con = connect(db_path, read_only=True)
    try:
        frame = con.execute(f"SELECT * FROM {table} WHERE run_id = ?", [run_id]).df()
    finally:
        con.close()
    return frame.drop(columns=["run_id"])


def utc_now() -> datetime:
    return datetime.now(UTC)
