"""Sweep storage in DuckDB, in the one schema of :mod:`burdenshare.store`.

Tables:

- ``runs`` — one row per run of any kind; a sweep's has kind ``sweep``, its scenario hash, seed,
  version, parameters as JSON, ``n_draws``, ``chunk_size``, status ``running`` /
  ``interrupted`` / ``failed`` / ``done``, started and finished timestamps (``sweep_runs`` is a
  view of those rows, as burdenshare 0.1.0 named its table).
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

from burdenshare.errors import ProgrammerError
from burdenshare.store.duckdb_store import StoreError, connect, ensure_schema, read_runs

_DDL = (
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


class SweepStoreError(StoreError):
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
        raise ProgrammerError(f"need n_draws >= 0 and chunk_size >= 1, got {n_draws}, {chunk_size}")
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
        try:
            # DuckDB caches written tables up to 80% of RAM by default; a sweep only appends, so
            # a small cap keeps the writer's memory bounded by the chunk size, not the draw count
            self.con.execute("SET memory_limit = '64MB'")
            ensure_schema(self.con, db_path)  # creates the file's schema or migrates an old one
            for ddl in _DDL:
                self.con.execute(ddl)
        except BaseException:
            self.con.close()
            raise

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> SweepWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def create_run(self, run: SweepRun) -> None:
        table = results_table(run.run_id)  # validates the id before anything is written
        params = dict(run.parameters)
        self.con.execute(
            "INSERT INTO runs BY NAME SELECT ? AS run_id, 'sweep' AS kind, ? AS scenario_id, "
            "? AS scenario_title, ? AS scenario_hash, ? AS seed, ? AS version, "
            "? AS started_at, NULL AS finished_at, 'running' AS status, "
            "? AS result_tables, ? AS parameters, ? AS n_draws, ? AS chunk_size",
            [
                run.run_id,
                params.get("scenario_id"),
                params.get("scenario_title"),
                run.scenario_hash,
                run.seed,
                run.version,
                _now(),
                [table],
                json.dumps(params, sort_keys=True),
                run.n_draws,
                run.chunk_size,
            ],
        )

    def read_run(self, run_id: str) -> tuple[SweepRun, str]:
        return _read_run(self.con, run_id)

    def set_status(self, run_id: str, status: str) -> None:
        finished = _now() if status == "done" else None
        self.con.execute(
            "UPDATE runs SET status = ?, finished_at = ? WHERE run_id = ? AND kind = 'sweep'",
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


def _sweeps(con: duckdb.DuckDBPyConnection, db_path: str | Path = "") -> pd.DataFrame:
    """The sweeps among the file's runs (any layout), newest first."""
    runs = read_runs(con, db_path)
    return runs[runs["kind"] == "sweep"].reset_index(drop=True)


def _read_run(con: duckdb.DuckDBPyConnection, run_id: str) -> tuple[SweepRun, str]:
    sweeps = _sweeps(con)
    row = sweeps[sweeps["run_id"] == run_id]
    if row.empty:
        raise SweepStoreError.single("no sweep with this run id", found=repr(run_id))
    r = row.iloc[0]
    run = SweepRun(
        scenario_hash=str(r["scenario_hash"]),
        seed=int(r["seed"]),
        n_draws=int(r["n_draws"]),
        chunk_size=int(r["chunk_size"]),
        parameters=json.loads(r["parameters"]),
        version=str(r["version"]),
        run_id=run_id,
    )
    return run, str(r["status"])


def _connect(db_path: str | Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """:func:`burdenshare.store.connect`, its errors as :class:`SweepStoreError`."""
    try:
        return connect(db_path, read_only=read_only)
    except StoreError as exc:
        raise SweepStoreError(exc.problems) from None


def _read_only(db_path: str | Path) -> duckdb.DuckDBPyConnection:
    if not Path(db_path).exists():
        raise SweepStoreError.single("no sweep database", file=str(db_path))
    con = _connect(db_path, read_only=True)
    try:
        read_runs(con, db_path)  # a user error unless the file holds burdenshare runs
    except StoreError as exc:
        con.close()
        raise SweepStoreError(exc.problems) from None
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
    """All sweeps with their stored chunk count, newest first (``created_at``: when started)."""
    con = _read_only(db_path)
    try:
        sweeps = _sweeps(con, db_path)
    finally:
        con.close()
    columns = ["run_id", "scenario_hash", "seed", "version", "parameters", "n_draws"]
    columns += ["chunk_size", "status", "started_at", "finished_at", "chunks_stored"]
    return sweeps[columns].rename(columns={"started_at": "created_at"})


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
