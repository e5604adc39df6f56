"""Regenerate the SMA backtest's plots for docs/backtests.md (docs/images/backtest-sma-*.png)
and print the numbers the page quotes (per-round table and MAE summary, as JSON).

    .venv/bin/python docs/tools/backtest_sma_images.py [--draws 400] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from burdenshare.backtest.sma import backtest_sma
from burdenshare.report.backtest_sma import draw_round
from burdenshare.report.figures import new_figure

OUT = Path(__file__).resolve().parents[1] / "images"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--draws", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    bt = backtest_sma(draws=args.draws, seed=args.seed)
    seconds = time.perf_counter() - start
    OUT.mkdir(parents=True, exist_ok=True)
    for r in bt.rounds:
        with new_figure(8, 3.6) as fig:
            draw_round(fig, r)
            fig.tight_layout()
            fig.savefig(OUT / f"backtest-sma-{r.round}.png", dpi=100, metadata={"Software": None})
    summary = {n: (s["mae_pp"], s["n"]) for n, s in bt.summary.items()}
    print(json.dumps({"seconds": round(seconds, 2), "mae_pp": summary}, indent=1))


if __name__ == "__main__":
    main()
