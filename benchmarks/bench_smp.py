"""Speed of the spatial model of politics beside KTAB's C++ ``smpc`` on KTAB's own inputs.

Run: `.venv/bin/python benchmarks/bench_smp.py` (add `--quick` to skip the 80-actor set).
KTAB's seconds are those quoted in the project's reference notes for a build of KTAB @3b5b063 on a
2-core machine (whole process, SQLite output on); the target is a ratio ours/KTAB of at most 2.
Ours is the best of a few runs of ``SpatialModel().run`` (the CSV already read), one process, one
core.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from burdenshare.forecast.actors import read_ktab_csv
from burdenshare.forecast.smp import SMPResult, SpatialModel

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "ktab"

# (file, KTAB seconds as quoted, runs to take the best of)
CASES = [
    ("dummyData_3Dim.csv", 0.04, 5),
    ("SOE-Pol-Comp.csv", 0.29, 5),
    ("dummyData-a040.csv", 5.6, 3),
    ("dummyData-a080.csv", 63.0, 1),
]


def best_of(runs: int, fn: Callable[[], SMPResult]) -> tuple[float, SMPResult]:
    """Fastest of ``runs`` calls, and the last result."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main(quick: bool = False) -> None:
    model = SpatialModel()
    header = (
        f"{'data set':<20} {'actors×dims':>11} {'states':>6} {'ours (s)':>9} {'KTAB (s)':>9} "
        f"{'ratio':>7}"
    )
    print(header)
    print("-" * len(header))
    for name, ktab_s, runs in CASES:
        if quick and "a080" in name:
            continue
        actors = read_ktab_csv(DATA / name)
        seconds, result = best_of(runs, lambda a=actors: model.run(a))
        shape = f"{actors.n_actors}×{actors.n_dims}"
        print(
            f"{name.removesuffix('.csv'):<20} {shape:>11} {result.n_states:>6} "
            f"{seconds:>9.3f} {ktab_s:>9.2f} {seconds / ktab_s:>7.3f}"
        )


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])
