"""Stored runs of every kind: find the results databases, list their runs, open one (no printing).

``burdenshare runs`` and ``show`` call these. A run is whatever :mod:`burdenshare.store` holds in
its ``runs`` table — an ``analyze`` run, a ``sweep``, a ``backtest``... — and
:func:`open_run` returns its metadata, the row count of each of its tables, and, when it holds
draws of a sweep (a sweep, or an analysis with an ``[uncertainty]`` section), their summary.

Without ``--db`` the commands look where the other commands write by default
(:func:`default_databases`): ``results.duckdb`` in the current directory (``sweep``) and
``out/*/results.duckdb`` (``analyze``, e.g. ``make demo``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from burdenshare.errors import BurdenshareError, ScenarioError
from burdenshare.store import StoreError, connect, read_runs

__all__ = ["StoredRun", "default_databases", "find_runs", "open_run", "runs_json", "sweep_json"]

#: where ``sweep`` (first) and ``analyze`` (then) write when given no ``--db``
DEFAULT_LOCATIONS = ("results.duckdb", "out/*/results.duckdb")


def default_databases(root: Path | None = None) -> list[Path]:
    """The results databases at :data:`DEFAULT_LOCATIONS` under ``root`` (the cwd) that exist.

    None is a user error saying where the commands looked and how to make one."""
    root = Path.cwd() if root is None else root
    found = [p for pattern in DEFAULT_LOCATIONS for p in sorted(root.glob(pattern))]
    if not found:
        raise StoreError.single(
            "no results database here",
            expected="results.duckdb or out/*/results.duckdb (run `burdenshare analyze` or "
            "`burdenshare sweep` first), or --db FILE",
            found=f"neither in {root}",
        )
    return [p.relative_to(root) if p.is_relative_to(root) else p for p in found]


def find_runs(databases: Sequence[Path]) -> pd.DataFrame:
    """Every run in ``databases``, newest first, with a ``db`` column (the file it is in)."""
    frames = []
    for db in databases:
        con = connect(db, read_only=True)
        try:
            frames.append(read_runs(con, db).assign(db=str(db)))
        finally:
            con.close()
    return pd.concat(frames, ignore_index=True).sort_values(
        "started_at", ascending=False, kind="stable", ignore_index=True
    )


def runs_json(runs: pd.DataFrame) -> list[dict[str, Any]]:
    """:func:`find_runs`'s frame as JSON records (``parameters`` as an object)."""
    return [
        {
            **{k: _plain(v) for k, v in row.items() if k != "parameters"},
            "parameters": _params(row),
        }
        for row in runs.to_dict(orient="records")
    ]


@dataclass(frozen=True)
class StoredRun:
    """One stored run: its ``runs`` row (``meta``), its tables' row counts, its sweep draws'
    summary when it has draws, and ``notes`` for the reader (e.g. a scenario that changed)."""

    db: Path
    meta: dict[str, Any]
    tables: dict[str, int]
    #: the scenario the run was made from, when its file still has the run's content
    scenario: Any
    #: summary of the run's draws (a sweep's, or the sweep inside an analysis); None without
    sweep: Any
    notes: tuple[str, ...]

    @property
    def run_id(self) -> str:
        return str(self.meta["run_id"])

    @property
    def kind(self) -> str:
        return str(self.meta["kind"])

    def to_json(self) -> dict[str, Any]:
        """Metadata, ``tables`` ({name: rows}), ``sweep`` (see ``sweep_json``) and ``notes``."""
        meta = {k: _plain(v) for k, v in self.meta.items() if k not in ("db", "chunks_stored")}
        meta["parameters"] = _params(self.meta)
        return {
            **meta,
            "db": str(self.db),
            "tables": self.tables,
            "sweep": None if self.sweep is None else sweep_json(self.sweep, self.run_id),
            "notes": list(self.notes),
        }


def _params(meta: dict[str, Any]) -> dict[str, Any]:
    """The run's parameters (none recorded by burdenshare 0.1.0's analyze: {})."""
    text = meta.get("parameters")
    return json.loads(text) if isinstance(text, str) and text else {}


def _plain(value: Any) -> Any:
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, np.ndarray | list):  # result_tables
        return [str(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _locate(run_id: str, databases: Sequence[Path]) -> tuple[Path, dict[str, Any]]:
    runs = find_runs(databases)
    row = runs[runs["run_id"] == run_id]
    if row.empty:
        where = ", ".join(str(d) for d in databases)
        raise StoreError.single(
            "no run with this run id", file=where, expected="an id `burdenshare runs` lists",
            found=repr(run_id),
        )  # fmt: skip
    meta = row.iloc[0].to_dict()
    return Path(meta["db"]), meta


def _scenario(meta: dict[str, Any]) -> tuple[Any, list[str]]:
    """The run's scenario if its file still has the run's content, else None and a note."""
    from burdenshare.scenario import load_scenario

    path = _params(meta).get("scenario_path")
    scenario = None
    if path:
        try:
            scenario = load_scenario(path)
        except ScenarioError:
            scenario = None
        if scenario is not None and scenario.content_hash != meta["scenario_hash"]:
            scenario = None
    if scenario is not None:
        return scenario, []
    why = (
        f"scenario {path} is missing or changed since the run"
        if path
        else "the run records no scenario file (burdenshare 0.1.0 did not)"
    )
    return None, [f"{why}; summarising the stored table alone (no lapse date, no costs)"]


def _row_counts(db: Path, run_id: str, meta: dict[str, Any]) -> dict[str, int]:
    tables = list(_plain(meta.get("result_tables")) or [])
    con = connect(db, read_only=True)
    try:
        query = "SELECT table_name FROM information_schema.tables"
        have = {r[0] for r in con.execute(query).fetchall()}
        counts = {}
        for name in tables:
            if name not in have:
                counts[name] = 0
            elif name.startswith("sweep_results_"):  # a sweep's own table: every row is its
                counts[name] = int(con.execute(f"SELECT count(*) FROM {name}").fetchone()[0])
            else:
                query = f"SELECT count(*) FROM {name} WHERE run_id = ?"
                counts[name] = int(con.execute(query, [run_id]).fetchone()[0])
        return counts
    finally:
        con.close()


def open_run(run_id: str, databases: Sequence[Path]) -> StoredRun:
    """The run ``run_id`` from the first of ``databases`` that has it, summarised.

    A sweep's draws come from its chunk table (a sweep with no stored chunk yet is a user
    error); an analysis's from its ``sweep_draws`` rows. Other kinds (``backtest``...) are
    described by their metadata and tables.
    """
    from burdenshare.store import read_result
    from burdenshare.sweep.runner import load_results
    from burdenshare.sweep.summary import summarise

    db, meta = _locate(run_id, databases)
    notes: list[str] = []
    scenario, draws = None, None
    if meta["kind"] == "sweep":
        draws = load_results(db, run_id)
        if "agreement" not in draws.columns:
            raise BurdenshareError.single(f"sweep {run_id} has no stored rows yet", file=str(db))
        if meta["status"] != "done":
            notes.append(f"sweep {run_id} is {meta['status']}; summarising stored rows")
    elif "sweep_draws" in (_plain(meta.get("result_tables")) or []):
        draws = read_result(db, "sweep_draws", run_id)
    if draws is not None:
        scenario, why = _scenario(meta)
        notes = why + notes
    return StoredRun(
        db=db,
        meta=meta,
        tables=_row_counts(db, run_id, meta),
        scenario=scenario,
        sweep=None if draws is None else summarise(scenario, draws),
        notes=tuple(notes),
    )


def sweep_json(summary: Any, run_id: str) -> dict[str, Any]:
    """A sweep summary as the JSON of ``burdenshare sweep --json``."""

    def records(frame: Any) -> list[dict[str, Any]]:
        return json.loads(frame.to_json(orient="records", date_format="iso"))

    return {
        "run_id": run_id,
        "n_draws": summary.n_draws,
        "p_agreement": summary.p_agreement,
        "lapse": None if summary.lapse is None else summary.lapse.isoformat(),
        "p_agreement_by_lapse": summary.p_agreement_by_lapse,
        "p_rejected_once": summary.p_rejected_once,
        "p_ratified_given_deal": summary.p_ratified_given_deal,
        "terms": records(summary.terms),
        "cost": None if summary.cost is None else records(summary.cost),
        "sensitivity": records(summary.sensitivity),
        "forecasts": records(summary.forecasts),
    }
