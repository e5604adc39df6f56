"""Seconds per round of the expected utility model, beside the literal oracle and the public
replication.

Run: `.venv/bin/python benchmarks/bench_forecast.py` (one thread; ~1 minute). Random tables
(seeded) of n actors; each figure is the mean over the rounds of a short run after a warm-up.
The oracle is the plain-Python transcription kept in `tests/forecast/test_bdm_oracle.py`; the public
replication's figures (jmckib/bdm-scholz-expected-utility-model, O(n⁶) per round, 2-core
machine) are quoted from the project's reference notes, not measured here.
Targets: a round at n = 200 in ≤ 0.1 s, at n = 1,000 in ≤ 10 s, on one core.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, before numpy loads

import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from burdenshare.forecast.actors import ActorTable  # noqa: E402
from burdenshare.forecast.bdm import ExpectedUtilityModel  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "forecast"))
from test_bdm_oracle import Switches, literal_run  # noqa: E402

SIZES = (10, 20, 50, 200, 500, 1000)
ORACLE_SIZES = (10, 20, 50)
# seconds per round of the public Python replication (reference README), by n
REPLICATION = {10: 0.23, 20: 13.4, 25: 52.0, 50: 52 * 60.0}


def table(n: int, seed: int = 0) -> ActorTable:
    rng = np.random.default_rng(seed + n)
    return ActorTable.from_arrays(
        [f"a{i}" for i in range(n)],
        rng.uniform(0.05, 1.0, n),
        rng.uniform(0.0, 100.0, n),
        rng.uniform(0.1, 1.0, n),
    )


def per_round_fast(preset: str, n: int) -> float:
    model = ExpectedUtilityModel.preset(preset, detect_cycles=False)
    t = table(n)
    model.run(t, max_rounds=1)  # warm-up
    rounds = 10 if n <= 200 else 3
    start = time.perf_counter()
    model.run(t, max_rounds=rounds)
    return (time.perf_counter() - start) / rounds


def per_round_oracle(preset: str, n: int) -> float:
    sw = Switches.of(ExpectedUtilityModel.preset(preset))
    rounds = 2
    start = time.perf_counter()
    literal_run(table(n), sw, rounds)
    return (time.perf_counter() - start) / rounds


def fmt(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1e3:.2f} ms"


def main() -> None:
    rows = []
    for n in SIZES:
        code = per_round_fast("scholz-code", n)
        paper = per_round_fast("scholz-paper", n)
        oracle = per_round_oracle("scholz-code", n) if n in ORACLE_SIZES else None
        rows.append((n, code, paper, oracle, REPLICATION.get(n)))
    print(
        "| n | scholz-code | scholz-paper | literal oracle (scholz-code) "
        "| public replication (quoted) |"
    )
    print("|---:|---:|---:|---:|---:|")
    for n, code, paper, oracle, repl in rows:
        print(f"| {n} | {fmt(code)} | {fmt(paper)} | {fmt(oracle)} | {fmt(repl)} |")
    by_n = {n: code for n, code, *_ in rows}
    print(f"\ntarget n=200 ≤ 0.1 s: {fmt(by_n[200])}; n=1000 ≤ 10 s: {fmt(by_n[1000])}")


if __name__ == "__main__":
    main()
