"""Speed of the full DEU III backtest: every model on every issue (issue 10 item 5: ≤ 30 s).

Run: `.venv/bin/python benchmarks/bench_backtest.py`. Prints the wall time of
``backtest_deu`` (read excluded: it is a few milliseconds) and each model's share: the sum of
its per-issue run times, with its MAE. Reads ``tests/data/deu/deu3-public.tsv``.
"""

from __future__ import annotations

import time
from pathlib import Path

from burdenshare.backtest.deu import read_deu
from burdenshare.backtest.deu_backtest import backtest_deu

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "deu" / "deu3-public.tsv"
TARGET_SECONDS = 30.0


def main() -> None:
    start = time.perf_counter()
    data = read_deu(DATA)
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    cpu = time.process_time()
    result = backtest_deu(data)
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu
    print(f"{'model':<20} {'seconds':>8} {'share':>6} {'MAE':>7}")
    print("-" * 44)
    for row in result.summary.sort_values("seconds", ascending=False).itertuples():
        print(f"{row.model:<20} {row.seconds:>8.2f} {row.seconds / wall:>6.0%} {row.mae:>7.2f}")
    print("-" * 44)
    print(
        f"{len(data.issues)} issues, {len(result.models)} models: {wall:.1f} s wall "
        f"({cpu:.1f} s CPU; read {read_s:.3f} s); target ≤ {TARGET_SECONDS:.0f} s: "
        f"{'met' if wall <= TARGET_SECONDS else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
