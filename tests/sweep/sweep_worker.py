"""A toy sweep workload and a script that runs it (the resume test launches and kills it).

Each draw's numbers come from a generator seeded by (seed, draw index) only, so any chunking
or executor gives the same rows.
``python sweep_worker.py DB SIDE_FILE N CHUNK SEED RUN_ID SLEEP [EXECUTOR]`` runs a sweep and
rewrites SIDE_FILE with the number of stored chunks after every commit, so a test
can watch progress without opening the DuckDB file the worker is writing.
"""

from __future__ import annotations

import os
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd


def toy_chunk(start: int, stop: int, *, seed: int, sleep: float = 0.0) -> pd.DataFrame:
    """One row per draw: a normal, a uniform, a Poisson count and a nonlinear mix of them."""
    n = stop - start
    x, u, k = np.empty(n), np.empty(n), np.empty(n, dtype=np.int64)
    for j, draw in enumerate(range(start, stop)):
        rng = np.random.default_rng([seed, draw])
        x[j], u[j], k[j] = rng.normal(), rng.uniform(), rng.poisson(3.0)
    if sleep:
        time.sleep(sleep)
    return pd.DataFrame(
        {
            "draw": np.arange(start, stop, dtype=np.int64),
            "x": x,
            "u": u,
            "k": k,
            "y": np.exp(x) * np.sin(7.0 * u) + k,
            "agreed": x > 0.5,
        }
    )


def workload(seed: int, sleep: float = 0.0) -> partial[pd.DataFrame]:
    return partial(toy_chunk, seed=seed, sleep=sleep)


def main(argv: list[str]) -> None:
    from burdenshare.sweep.runner import SweepInterrupted, run_sweep

    db, side, n, chunk, seed, run_id, sleep, *rest = argv
    executor = rest[0] if rest else "local"
    side_path = Path(side)

    def report(stored: int, total: int) -> None:
        tmp = side_path.with_suffix(".tmp")
        tmp.write_text(f"{stored} {total} {os.getpid()}")
        tmp.replace(side_path)  # atomic: the reader never sees a half-written file

    try:
        run_sweep(
            workload(int(seed), float(sleep)),
            db,
            n_draws=int(n),
            chunk_size=int(chunk),
            seed=int(seed),
            scenario_hash="toy",
            parameters={"toy": True},
            executor=executor,
            workers=2,
            run_id=run_id,
            progress=False,
            on_chunk=report,
        )
    except SweepInterrupted as err:
        print(err, file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main(sys.argv[1:])
