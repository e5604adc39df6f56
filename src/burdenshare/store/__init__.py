"""Results storage in DuckDB."""

from burdenshare.store.duckdb_store import RunRecord, list_runs, read_result, write_run

__all__ = ["RunRecord", "list_runs", "read_result", "write_run"]
