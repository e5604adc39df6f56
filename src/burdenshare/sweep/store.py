"""Sweep storage in DuckDB: run metadata, chunk ledger, one results table per run.

Tables:

- ``sweep_runs`` — one row per sweep (run id, scenario hash, seed, version, parameters as JSON,
  ``n_draws``, ``chunk_size``, status ``running`` / ``interrupted`` / ``failed`` / ``done``,
  created and finished timestamps).
- ``sweep_chunks`` — one row per *stored* chunk (run id, chunk index, start, stop, n_rows).
- ``sweep_results_<run_id>`` — the chunk tables, one row per draw.

A chunk's rows and its ``sweep_chunks`` row are written in one transaction, so after any crash a
chunk is either fully stored or absent; ``missing_chunks`` is therefore exactly the work left.
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

from burdenshare.errors import BurdenshareError

_DDL = (
    """
    CREATE TABLE IF NOT EXISTS sweep_runs (
        run_id        VARCHAR PRIMARY KEY,
        scenario_hash VARCHAR NOT NULL,
        seed          BIGINT NOT NULL,
        version       VARCHAR NOT NULL,
        parameters    VARCHAR NOT NULL,
        n_draws       BIGINT NOT NULL,
        chunk_size    BIGINT NOT NULL,
        status        VARCHAR NOT NULL,
        created_at    TIMESTAMPTZ NOT NULL,
        finished_at   TIMESTAMPTZ
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS sweep_chunks (
        run_id  VARCHAR NOT NULL,
        chunk   BIGINT NOT NULL,
        start   BIGINT NOT NULL,
        stop    BIGINT NOT NULL,
        n_rows  BIGINT NOT NULL,
        PRIMARY KEY (run_id, chunk)
    )
    """,
)
_RUN_ID = re.compile(r"^[a-z0-9_]+$")


class SweepStoreError(BurdenshareError):
    """A sweep run id or database the user named does not exist or cannot be resumed."""


@dataclass(frozen=True)
class SweepRun:
    """What a sweep computes: enough to recompute any chunk and to recognise the run later."""

    scenario_hash: str
    seed: int
    n_draws: int
    chunk_size: int
    parameters: Mapping[str, Any] = field(default_factory=dict)
    version: str = ""
    run_id: str = ""

    def chunks(self) -> list[tuple[int, int]]:
        """``[start, stop)`` of every chunk, in order: fixed size, the last one possibly short."""
        return chunk_bounds(self.n_draws, self.chunk_size)


def chunk_bounds(n_draws: int, chunk_size: int) -> list[tuple[int, int]]:
    """Split ``[0, n_draws)`` into consecutive chunks of ``chunk_size`` (the last may be short)."""
    if n_draws < 0 or chunk_size < 1:
        raise ValueError(f"need n_draws >= 0 and chunk_size >= 1, got {n_draws}, {chunk_size}")
    return [(s, min(s + chunk_size, n_draws)) for s in range(0, n_draws, chunk_size)]


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


def results_table(run_id: str) -> str:
    if not _RUN_ID.match(run_id):
        raise SweepStoreError.single("invalid sweep run id", found=repr(run_id))
    return f"sweep_results_{run_id}"


def _now() -> datetime:
    return datetime.now(UTC)


class SweepWriter:
    """The single writing connection of one sweep (DuckDB allows one writer per file)."""

    def __init__(self, db_path: str | Path) -> None:
        self.con = _connect(db_path, read_only=False)
        # DuckDB caches written tables up to 80% of RAM by default; a sweep only appends, so a
        # small cap keeps the writer's memory bounded by the chunk size, not the draw count
        self.con.execute("SET memory_limit = '64MB'")
        for ddl in _DDL:
            self.con.execute(ddl)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> SweepWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def create_run(self, run: SweepRun) -> None:
        results_table(run.run_id)  # validates the id before anything is written
        self.con.execute(
            "INSERT INTO sweep_runs VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?, NULL)",
            [
                run.run_id,
                run.scenario_hash,
                run.seed,
                run.version,
                json.dumps(dict(run.parameters), sort_keys=True),
                run.n_draws,
                run.chunk_size,
                _now(),
            ],
        )

    def read_run(self, run_id: str) -> tuple[SweepRun, str]:
        return _read_run(self.con, run_id)

    def set_status(self, run_id: str, status: str) -> None:
        finished = _now() if status == "done" else None
        self.con.execute(
            "UPDATE sweep_runs SET status = ?, finished_at = ? WHERE run_id = ?",
            [status, finished, run_id],
        )

    def stored_chunks(self, run_id: str) -> set[int]:
        rows = self.con.execute("SELECT chunk FROM sweep_chunks WHERE run_id = ?", [run_id])
        return {int(r[0]) for r in rows.fetchall()}

    def write_chunk(
        self, run_id: str, chunk: int, start: int, stop: int, frame: pd.DataFrame
    ) -> None:
        """Store one chunk's rows and its ledger row atomically."""
        table = results_table(run_id)
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.register("_chunk", frame)
            self.con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM _chunk LIMIT 0")
            self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _chunk")
            self.con.unregister("_chunk")
            self.con.execute(
                "INSERT INTO sweep_chunks VALUES (?, ?, ?, ?, ?)",
                [run_id, chunk, start, stop, len(frame)],
            )
            self.con.execute("COMMIT")
        except BaseException:
            # Also on KeyboardInterrupt: a half-written chunk must never become visible.
            # DuckDB may already have aborted the transaction (e.g. an interrupted COMMIT)
            with contextlib.suppress(duckdb.Error):
                self.con.execute("ROLLBACK")
            raise


def _read_run(con: duckdb.DuckDBPyConnection, run_id: str) -> tuple[SweepRun, str]:
    row = con.execute(
        "SELECT scenario_hash, seed, n_draws, chunk_size, parameters, version, status "
        "FROM sweep_runs WHERE run_id = ?",
        [run_id],
    ).fetchone()
    if row is None:
        raise SweepStoreError.single("no sweep with this run id", found=repr(run_id))
    run = SweepRun(
        scenario_hash=row[0],
        seed=int(row[1]),
        n_draws=int(row[2]),
        chunk_size=int(row[3]),
        parameters=json.loads(row[4]),
        version=row[5],
        run_id=run_id,
    )
    return run, row[6]


def _connect(db_path: str | Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A connection, or a user error naming the file: not a DuckDB file, or locked by another
    process (DuckDB allows one writer, and readers only when no process writes)."""
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
        raise SweepStoreError.single(
            message, file=str(db_path), found=text.splitlines()[0]
        ) from None


def _read_only(db_path: str | Path) -> duckdb.DuckDBPyConnection:
    if not Path(db_path).exists():
        raise SweepStoreError.single("no sweep database", file=str(db_path))
    con = _connect(db_path, read_only=True)
    found = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'sweep_runs'"
    ).fetchone()
    if not found or found[0] == 0:
        con.close()
        raise SweepStoreError.single(
            "no sweeps in this database", file=str(db_path), expected="a file `sweep` wrote"
        )
    return con


def missing_chunks(db_path: str | Path, run_id: str) -> list[int]:
    """Indices of the chunks of ``run_id`` not yet stored, ascending."""
    con = _read_only(db_path)
    try:
        run, _ = _read_run(con, run_id)
        rows = con.execute("SELECT chunk FROM sweep_chunks WHERE run_id = ?", [run_id])
        stored = {int(r[0]) for r in rows.fetchall()}
    finally:
        con.close()
    return [i for i in range(len(run.chunks())) if i not in stored]


def list_sweeps(db_path: str | Path) -> pd.DataFrame:
    """All sweeps with their stored chunk count, newest first."""
    con = _read_only(db_path)
    try:
        return con.execute(
            """
            SELECT r.*, count(c.chunk) AS chunks_stored
            FROM sweep_runs r LEFT JOIN sweep_chunks c USING (run_id)
            GROUP BY ALL ORDER BY r.created_at DESC
            """
        ).df()
    finally:
        con.close()


def load_results(db_path: str | Path, run_id: str) -> pd.DataFrame:
    """The stored rows of ``run_id`` sorted by draw (whatever chunks exist so far)."""
    table = results_table(run_id)
    con = _read_only(db_path)
    try:
        _read_run(con, run_id)
        exists = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
        ).fetchone()
        if not exists or exists[0] == 0:
            return pd.DataFrame({"draw": pd.Series([], dtype="int64")})
        return con.execute(f"SELECT * FROM {table} ORDER BY draw").df()
    finally:
        con.close()


def export_parquet(db_path: str | Path, run_id: str, path: str | Path) -> int:
    """Write ``run_id``'s rows (sorted by draw) to a Parquet file; return the row count.

    DuckDB writes the file itself, streaming: a million-row sweep never sits in Python memory.
    """
    table = results_table(run_id)
    con = _read_only(db_path)
    try:
        _read_run(con, run_id)
        target = str(path).replace("'", "''")
        con.execute(f"COPY (SELECT * FROM {table} ORDER BY draw) TO '{target}' (FORMAT PARQUET)")
        row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        return int(row[0]) if row else 0
    except duckdb.CatalogException:
        raise SweepStoreError.single(
            f"sweep {run_id} has no stored rows yet", found=str(db_path)
        ) from None
    finally:
        con.close()
