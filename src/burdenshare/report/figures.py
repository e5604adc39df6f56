"""Matplotlib figures rendered to inline SVG, so a report is one self-contained file."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import matplotlib
import numpy as np
import pandas as pd

matplotlib.use("Agg")  # never a window; the report embeds figures
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

PALETTE = ("#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2e75b6")


@dataclass(frozen=True)
class FigureSVG:
    """One rendered figure: an id, a caption (with units and source) and the SVG markup."""

    id: str
    caption: str
    svg: str


@contextmanager
def new_figure(width: float = 8.0, height: float = 4.2) -> Iterator[Figure]:
    """A figure with the report's style; closed after use so long runs don't leak memory."""
    with plt.rc_context(
        {
            "svg.fonttype": "path",  # text as paths: renders identically offline
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "font.size": 10,
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
        }
    ):
        fig = plt.figure(figsize=(width, height))
        try:
            yield fig
        finally:
            plt.close(fig)


def to_svg(fig: Figure, *, figure_id: str, caption: str, source: str = "") -> FigureSVG:
    """Render ``fig`` as SVG markup (no XML prolog) with a source note under the axes."""
    if source:
        fig.text(
            0.01, 0.005, f"Source: {source}", fontsize=7, color="#555555", ha="left", va="bottom"
        )
    fig.tight_layout(rect=(0, 0.04 if source else 0, 1, 1))
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})  # no date: reproducible output
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    return FigureSVG(id=figure_id, caption=caption, svg=svg)


def scaled_formatter(scale: float, decimals: int = 0) -> FuncFormatter:
    """Tick labels in units of ``scale`` (1e9 for billions) with thousands separators."""
    return FuncFormatter(lambda v, _pos: f"{v / scale:,.{decimals}f}")


def yearly_bars(
    series: dict[str, pd.Series],
    *,
    title: str,
    figure_id: str,
    caption: str,
    source: str,
    scale: float = 1e9,
    unit: str = "billion USD",
    label_format: str = "${:,.2f} bn",
) -> FigureSVG:
    """Grouped bars, one group per year and one bar per labelled series ({year: amount})."""
    years = sorted({int(y) for s in series.values() for y in s.index})
    width = 0.8 / max(len(series), 1)
    with new_figure(8, 4.2) as fig:
        ax = fig.add_subplot()
        for k, (label, values) in enumerate(series.items()):
            by_year = values.reindex(years)
            xs = np.arange(len(years)) + (k - (len(series) - 1) / 2) * width
            bars = ax.bar(
                xs,
                by_year.to_numpy(),
                width=width * 0.95,
                color=PALETTE[k % len(PALETTE)],
                label=label,
            )
            if len(years) * len(series) <= 16:  # labels stay legible
                ax.bar_label(
                    bars,
                    labels=[label_format.format(v / scale) if pd.notna(v) else "" for v in by_year],
                    fontsize=8,
                    padding=2,
                )
        ax.set_xticks(np.arange(len(years)), [str(y) for y in years])
        ax.yaxis.set_major_formatter(scaled_formatter(scale, 1))
        ax.set_ylabel(unit)
        ax.set_xlabel("year")
        ax.set_title(title)
        ax.legend(fontsize=8, frameon=False, loc="upper right")
        ax.margins(y=0.25)
        return to_svg(fig, figure_id=figure_id, caption=caption, source=source)
