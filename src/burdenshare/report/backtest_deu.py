"""The DEU backtest's HTML page (self-contained: inline CSS and SVG) and its figures.

The page answers first (does any model beat the weighted mean, on the test split and overall),
then the scores per model with their intervals, the plots (error distributions; forecast against
outcome), the split-sample protocol, the notes, and last the per-issue table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from burdenshare.report.figures import PALETTE, FigureSVG, new_figure, to_svg
from burdenshare.report.html import render_page, table_html
from burdenshare.report.sections import Section
from burdenshare.report.templates import render

if TYPE_CHECKING:
    from burdenshare.backtest.deu_backtest import DeuBacktest

__all__ = [
    "CITATION",
    "deu_page",
    "draw_errors",
    "draw_scatter",
    "error_figure",
    "scatter_figure",
    "scatter_models",
    "score_table",
]

CITATION = (
    "DEU III: Arregui, J. & Perarnaud, C. (2021), \u201cA new dataset on legislative "
    "decision-making in the European Union: the DEU III dataset\u201d, Journal of European "
    "Public Policy; data \u201cEU Decides\u201d, doi:10.34810/data53"
)
SOURCE = "DEU III (Arregui & Perarnaud 2021, doi:10.34810/data53); burdenshare backtest"


def score_table(bt: DeuBacktest) -> pd.DataFrame:
    """Per model: scores over every issue, MAE on the test split, Δ MAE vs the weighted mean
    with its 95% interval (all issues and test split), runtime."""
    test = bt.test_summary.set_index("model")
    rows = []
    for rec in bt.summary.to_dict(orient="records"):
        m = rec["model"]
        iv, tv = bt.intervals[m], bt.test_intervals[m]
        rows.append(
            {
                "model": m,
                "MAE": rec["mae"],
                "RMSE": rec["rmse"],
                "median AE": rec["median_ae"],
                "within 10": rec["within_10"],
                "ΔMAE vs mean [95%]": f"{iv.estimate:+.2f} [{iv.low:+.2f}, {iv.high:+.2f}]",
                "test MAE": float(test.loc[m, "mae"]),
                "test ΔMAE [95%]": f"{tv.estimate:+.2f} [{tv.low:+.2f}, {tv.high:+.2f}]",
                "seconds": rec["seconds"],
            }
        )
    return pd.DataFrame(rows)


def draw_errors(fig: Figure, bt: DeuBacktest) -> None:
    """Box plots of each model's absolute errors (points on the 0–100 scale), MAE marked."""
    models = list(bt.models)
    errs = [bt.rows.loc[bt.rows["model"] == m, "error"].to_numpy() for m in models]
    ax = fig.add_subplot()
    ax.boxplot(errs, orientation="horizontal", tick_labels=models, widths=0.6)
    ax.scatter(
        [e.mean() for e in errs],
        np.arange(1, len(models) + 1),
        color=PALETTE[1],
        zorder=3,
        label="MAE",
    )
    ax.invert_yaxis()
    ax.set_xlabel("absolute error (points on the 0–100 issue scale)")
    ax.set_title(f"Error distributions over {bt.rows['issue'].nunique()} DEU III issues")
    ax.legend(frameon=False, fontsize=8, loc="lower right")


def scatter_models(bt: DeuBacktest) -> tuple[str, ...]:
    """The panels of the forecast-against-outcome plot: mean, median, the best other, SMP."""
    others = [m for m in bt.summary.sort_values("mae")["model"] if m not in ("mean", "median")]
    models = ("mean", "median", *others[:1], *(["smp"] if "smp" in bt.models else []))
    return tuple(dict.fromkeys(m for m in models if m in bt.models))


def draw_scatter(fig: Figure, bt: DeuBacktest, models: tuple[str, ...]) -> None:
    """Forecast against outcome, one panel per model, with the line of a perfect forecast."""
    axes = fig.subplots(1, len(models), sharey=True, squeeze=False)[0]
    for k, (ax, m) in enumerate(zip(axes, models, strict=True)):
        sub = bt.rows[bt.rows["model"] == m]
        ax.scatter(sub["outcome"], sub["forecast"], s=9, alpha=0.5, color=PALETTE[k])
        ax.plot([0, 100], [0, 100], color="#777777", lw=0.8)
        ax.set_xlim(-3, 103)
        ax.set_ylim(-3, 103)
        ax.set_title(f"{m} (MAE {sub['error'].mean():.2f})", fontsize=10)
        ax.set_xlabel("outcome")
    axes[0].set_ylabel("forecast")


ERRORS_CAPTION = "Absolute error per issue: box = quartiles, whiskers 1.5 IQR, dot = MAE."
SCATTER_CAPTION = (
    "Forecast against outcome per issue (0–100 scale); the line is a perfect forecast."
)


def error_figure(bt: DeuBacktest) -> FigureSVG:
    """:func:`draw_errors` as an inline SVG figure."""
    with new_figure(8.5, 0.42 * len(bt.models) + 1.4) as fig:
        draw_errors(fig, bt)
        return to_svg(fig, figure_id="deu-errors", caption=ERRORS_CAPTION, source=SOURCE)


def scatter_figure(bt: DeuBacktest, models: tuple[str, ...] | None = None) -> FigureSVG:
    """:func:`draw_scatter` as an inline SVG figure (default panels: :func:`scatter_models`)."""
    models = models or scatter_models(bt)
    with new_figure(3.0 * len(models), 3.4) as fig:
        draw_scatter(fig, bt, models)
        return to_svg(fig, figure_id="deu-scatter", caption=SCATTER_CAPTION, source=SOURCE)


def _answer(bt: DeuBacktest) -> Section:
    mean = bt.summary.set_index("model").loc["mean"]
    test = bt.test_summary.set_index("model")
    best = bt.best("test")
    iv = bt.test_intervals[best]
    overall = bt.best()
    scores = bt.summary.set_index("model")
    text = render(
        "backtest_deu_answer.html.j2",
        verdict=bt.verdict(),
        mean={
            "mae": f"{mean['mae']:.2f}",
            "n": int(mean["n"]),
            "test_mae": f"{test.loc['mean', 'mae']:.2f}",
            "n_test": iv.n_issues,
        },
        best={
            "model": best,
            "mae": f"{test.loc[best, 'mae']:.2f}",
            "estimate": f"{iv.estimate:+.2f}",
            "low": f"{iv.low:+.2f}",
            "high": f"{iv.high:+.2f}",
        },
        overall={
            "model": overall,
            "mae": f"{scores.loc[overall, 'mae']:.2f}",
            "in_sample": overall == "compromise-fitted",
        },
    )
    return Section("Answer", text)


def _protocol(bt: DeuBacktest) -> Section:
    s = bt.split
    n_train = int((bt.rows.drop_duplicates("issue")["split"] == "train").sum())
    n_test = int((bt.rows.drop_duplicates("issue")["split"] == "test").sum())
    a, b = bt.registered_fit
    fit = bt.fit
    same = "the same as" if (a, b) == (fit.alpha, fit.beta) else "DIFFERENT from"
    text = render(
        "backtest_deu_protocol.html.j2",
        split_seed=s.seed,
        train={"proposals": len(s.train), "issues": n_train},
        test={"proposals": len(s.test), "issues": n_test},
        registered={"alpha": f"{a:g}", "beta": f"{b:g}"},
        fit={"alpha": f"{fit.alpha:g}", "beta": f"{fit.beta:g}", "mae": f"{fit.train_mae:.2f}"},
        same=same,
        resamples=bt.resamples,
        seed=bt.seed,
    )
    return Section("Split-sample protocol", text)


def deu_page(bt: DeuBacktest) -> str:
    """The whole page."""
    scores = table_html(
        score_table(bt),
        formats={
            "MAE": "{:.2f}",
            "RMSE": "{:.2f}",
            "median AE": "{:.2f}",
            "within 10": "{:.0%}",
            "test MAE": "{:.2f}",
            "seconds": "{:.2f}",
        },
    )
    wide = bt.issues_wide()
    errors = bt.issues_wide("error")
    for m in bt.models:  # "forecast (error)" in one cell per model
        wide[m] = [f"{f:.1f} ({e:.1f})" for f, e in zip(wide[m], errors[m], strict=True)]
    sections = [
        _answer(bt),
        Section(
            "Scores per model",
            render("backtest_deu_scores.html.j2", table=scores),
            figures=(error_figure(bt), scatter_figure(bt)),
        ),
        _protocol(bt),
        Section("Notes", render("backtest_deu_notes.html.j2", notes=bt.notes())),
        Section(
            "Every issue",
            render(
                "backtest_deu_issues.html.j2",
                table=table_html(wide, formats={"outcome": "{:.1f}"}),
            ),
        ),
    ]
    return render_page(
        title="Backtest: DEU III, EU legislative decisions",
        subtitle=f"{bt.data.source}: {len(bt.data.issues)} issues, {len(bt.models)} models",
        sections=sections,
        footer=CITATION,
    )
