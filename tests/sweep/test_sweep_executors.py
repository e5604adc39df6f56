"""The bundled SMA sweep gives bit-identical tables on every executor and worker count."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from burdenshare.scenario import load_scenario
from burdenshare.sweep.runner import load_results
from burdenshare.sweep.scenario_sweep import sweep_in_memory, sweep_scenario

DRAWS, CHUNK = 3_000, 500


def test_sma_sweep_identical_across_executors_and_worker_counts(tmp_path: Path) -> None:
    scenario = load_scenario("sma-2019")  # events, vetoes and ratified deals in every chunk
    tables = {}
    for label, executor, workers, chunk in [
        ("local", "local", None, CHUNK),
        ("local, other chunks", "local", None, 777),
        ("1 process", "processes", 1, CHUNK),
        ("4 processes", "processes", 4, CHUNK),
        ("dask, 2 workers", "dask", 2, CHUNK),
    ]:
        db = tmp_path / f"{label.replace(' ', '_').replace(',', '')}.duckdb"
        run_id = sweep_scenario(
            scenario, db, draws=DRAWS, chunk_size=chunk, executor=executor, workers=workers,
            progress=False,
        )  # fmt: skip
        tables[label] = load_results(db, run_id)
    reference = tables.pop("local")
    assert reference["draw"].tolist() == list(range(DRAWS))
    assert reference["agreement"].any() and reference["n_voided"].gt(0).any()
    for label, table in tables.items():
        pd.testing.assert_frame_equal(table, reference, check_exact=True, obj=label)
    # analyze's in-memory sweep holds the same rows as the stored one
    memory = sweep_in_memory(scenario, draws=DRAWS).results
    stored = reference.astype({c: memory[c].dtype for c in memory.columns})
    pd.testing.assert_frame_equal(stored, memory, check_exact=True, check_categorical=False)
