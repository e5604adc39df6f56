"""Regenerate the DEU figures and tables of docs/backtests.md.

    .venv/bin/python docs/tools/backtest_deu_figures.py [DEU_FILE] [IMAGE_DIR]

Defaults: tests/data/deu/deu3-public.tsv and docs/images/. Runs the full backtest with seed 0
and 2,000 bootstrap resamples, writes deu-errors.png and deu-scatter.png, and prints the
Markdown tables that docs/backtests.md shows (paste them after an intended change).
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from burdenshare.backtest.deu import read_deu
from burdenshare.backtest.deu_backtest import backtest_deu
from burdenshare.backtest.fit import repeated_splits
from burdenshare.backtest.split import split_proposals
from burdenshare.report.backtest_deu import draw_errors, draw_scatter, scatter_models


def main(source: str = "tests/data/deu/deu3-public.tsv", images: str = "docs/images") -> None:
    bt = backtest_deu(read_deu(source), seed=0)
    out = Path(images)
    out.mkdir(parents=True, exist_ok=True)
    style = {"axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
             "grid.alpha": 0.3, "font.size": 10}  # fmt: skip
    with plt.rc_context(style):
        fig = plt.figure(figsize=(8.5, 0.42 * len(bt.models) + 1.4))
        draw_errors(fig, bt)
        fig.tight_layout()
        fig.savefig(out / "deu-errors.png", dpi=110, metadata={"Software": None})
        plt.close(fig)
        models = scatter_models(bt)
        fig = plt.figure(figsize=(3.0 * len(models), 3.4))
        draw_scatter(fig, bt, models)
        fig.tight_layout()
        fig.savefig(out / "deu-scatter.png", dpi=110, metadata={"Software": None})
        plt.close(fig)

    test = bt.test_summary.set_index("model")
    print("| model | MAE | RMSE | median AE | within 10 | ΔMAE vs mean [95%] | seconds |")
    print("|---|---:|---:|---:|---:|---|---:|")
    for r in bt.summary.itertuples():
        iv = bt.intervals[r.model]
        print(
            f"| `{r.model}` | {r.mae:.2f} | {r.rmse:.2f} | {r.median_ae:.2f} | "
            f"{r.within_10:.0%} | {iv.estimate:+.2f} [{iv.low:+.2f}, {iv.high:+.2f}] | "
            f"{r.seconds:.2f} |"
        )
    print()
    print("| model | test MAE | test ΔMAE vs mean [95%] | train MAE |")
    print("|---|---:|---|---:|")
    train = bt.rows[bt.rows["split"] == "train"].groupby("model")["error"].mean()
    for m in bt.models:
        iv = bt.test_intervals[m]
        print(
            f"| `{m}` | {test.loc[m, 'mae']:.2f} | {iv.estimate:+.2f} [{iv.low:+.2f}, "
            f"{iv.high:+.2f}] | {train[m]:.2f} |"
        )
    print()
    print(f"fit: {bt.fit}; split: {len(bt.split.train)} train / {len(bt.split.test)} test")
    print(bt.verdict())
    print()
    seeds = range(1, 201)
    refit = repeated_splits(bt.data.issues, seeds)
    deltas = np.array([r["test_mae"] - r["test_mae_mean"] for r in refit])
    print(
        f"robustness, {len(deltas)} other splits (seeds 1–200): compromise refitted on each "
        f"training split, test ΔMAE vs mean: mean {deltas.mean():+.2f}, median "
        f"{np.median(deltas):+.2f}, below 0 in {(deltas < 0).mean():.0%}"
    )
    wide = bt.rows.pivot(index="issue", columns="model", values="error")
    prop = bt.rows.drop_duplicates("issue").set_index("issue")["proposal"]
    for m in ("nash", "compromise-council", "compromise"):
        d = []
        for seed in seeds:
            split = split_proposals(list(prop), seed=seed)
            test = [split.of(p) == "test" for p in prop.loc[wide.index]]
            d.append(float((wide.loc[test, m] - wide.loc[test, "mean"]).mean()))
        d = np.array(d)
        print(
            f"  {m}: test ΔMAE vs mean over the same splits: mean {d.mean():+.2f}, "
            f"below 0 in {(d < 0).mean():.0%}"
        )


if __name__ == "__main__":
    main(*sys.argv[1:])
