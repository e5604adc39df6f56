"""How fast the exact (Decimal) schedule and the ledger are, and the whole `analyze` job.

Run: `.venv/bin/python benchmarks/bench_ledger.py` (or `make bench`). There is no peer tool for
agreement ledgers; the numbers are a baseline for later sweeps, which call the schedule in bulk.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from burdenshare.agreement import ledger, schedule
from burdenshare.agreement.projection import effective_indices
from burdenshare.app import analyze
from burdenshare.report import build_report
from burdenshare.scenario import load_scenario


def per_call(fn: Callable[[], object], min_seconds: float = 1.0) -> float:
    """Seconds per call, from as many calls as fit in ``min_seconds``."""
    fn()  # warm-up
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < min_seconds:
        fn()
        n += 1
    return elapsed / n


def main() -> None:
    signed = load_scenario("sma-2021-signed")
    spec = signed.agreement
    indices = effective_indices(signed)
    sma2019 = load_scenario("sma-2019")
    rows = [
        ("schedule, 11th SMA (6 years, Decimal)", per_call(lambda: schedule(spec, indices))),
        (
            "ledger, 11th SMA (3 currencies)",
            per_call(lambda: ledger(spec, indices=indices, cpi=indices["rok_cpi"])),
        ),
        ("load_scenario sma-2019", per_call(lambda: load_scenario("sma-2019"))),
        ("analyze sma-2019 (no I/O)", per_call(lambda: analyze(sma2019), 2.0)),
        ("build_report sma-2019", per_call(lambda: build_report(analyze(sma2019)), 3.0)),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"{'benchmark':<{width}}  {'per call':>12}  {'calls/s':>10}")
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds * 1e3:>9.3f} ms  {1 / seconds:>10,.0f}")


if __name__ == "__main__":
    main()
