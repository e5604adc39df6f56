"""Results storage in DuckDB: one schema for every run (see :mod:`.duckdb_store`)."""

from burdenshare.store.duckdb_store import (
    RunRecord,
    StoreError,
    connect,
    ensure_schema,
    list_runs,
    read_result,
    read_runs,
    write_run,
)

__all__ = [
    "RunRecord",
    "StoreError",
    "connect",
    "ensure_schema",
    "list_runs",
    "read_result",
    "read_runs",
    "write_run",
]
