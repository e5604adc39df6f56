"""The SMA backtest as one self-contained HTML page: the errors first, then the 11th SMA's
as-of-2019 forecast beside what happened, then one plot per round and the facts with sources."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from burdenshare.report.figures import PALETTE, FigureSVG, new_figure, to_svg
from burdenshare.report.html import render_page, table_html
from burdenshare.report.sections import Section
from burdenshare.report.templates import render

__all__ = ["backtest_sma_page", "draw_round", "round_figure"]

_MODEL_COLOURS = {"median": PALETTE[2], "mean": PALETTE[3], "bdm": PALETTE[4], "smp": PALETTE[5]}


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x + 0.0:+.1f}%"


def _amount(x: float | None, currency: str) -> str:
    return "–" if x is None else f"{x / 1e9:,.1f} bn {currency}"


def round_figure(r: Any) -> FigureSVG:
    """The round's plot as inline SVG (see :func:`draw_round`)."""
    with new_figure(8, 3.6) as fig:
        caption = draw_round(fig, r)
        return to_svg(fig, figure_id=f"round-{r.round}", caption=caption,
                      source="burdenshare backtest sma; facts: docs/backtests.md")  # fmt: skip


def draw_round(fig: Any, r: Any) -> str:
    """Draw on ``fig`` the sweep's distribution of the first-year rise over draws with a deal,
    each model's forecast, the baselines and the actual rise; return the caption."""
    sq = r.status_quo
    rises = (np.asarray(r.deal_amounts, dtype=float) / sq - 1.0) * 100.0
    actual = r.actual["change_pct"]
    marks = {
        name: f["change_pct"]
        for name, f in r.forecasts.items()
        if name != "sweep" and f["change_pct"] is not None
    }
    bases = {b["label"]: b["change_pct"] for b in r.baselines.values()}
    near = [actual, *(v for v in [*marks.values(), *bases.values()] if v < 60)]
    if rises.size:
        near += [float(np.quantile(rises, 0.99))]
    lo, hi = min(-2.0, *near) - 1.0, max(near) + 3.0
    off = [f"{k} {v:+.0f}%" for k, v in {**marks, **bases}.items() if v > hi]
    ax = fig.add_subplot()
    if rises.size:
        bins = np.linspace(lo, hi, 50)
        ax.hist(np.clip(rises, lo, hi), bins=bins, color=PALETTE[0], alpha=0.35,
                label=f"bargaining sweep: {rises.size} deals")  # fmt: skip
    top = ax.get_ylim()[1] or 1.0
    for k, (label, value) in enumerate(sorted(bases.items(), key=lambda kv: kv[1])):
        if value <= hi:
            ax.axvline(value, color="#888888", linestyle=":", linewidth=1.2)
            ax.text(value, top * (0.95 - 0.09 * k), f" {label}", fontsize=7, color="#555555")
    for name, value in marks.items():
        if value <= hi:
            ax.axvline(value, color=_MODEL_COLOURS.get(name, PALETTE[1]), linewidth=1.6,
                       linestyle="--", label=f"{name} {value + 0.0:+.1f}%")  # fmt: skip
    sweep = r.forecasts["sweep"]["change_pct"]
    if sweep is not None:
        ax.axvline(sweep, color=PALETTE[0], linewidth=2, label=f"sweep median {sweep:+.1f}%")
    ax.axvline(actual, color="#000000", linewidth=2.6, label=f"actual {actual:+.1f}%")
    ax.set_xlim(lo, hi)
    ax.set_xlabel(f"first-year rise over the as-of status quo (%), {r.currency}")
    ax.set_ylabel("draws")
    ax.set_title(f"{r.label}, as of {r.as_of}")
    ax.legend(fontsize=7, frameon=False, loc="upper right")
    caption = (
        f"{r.label}: the forecasts made as of {r.as_of} and the actual first-year rise "
        f"({_pct(actual)}, deal {r.actual['deal_date']})."
    )
    if off:
        caption += " Off the scale: " + ", ".join(off) + "."
    return caption


def _timing(by_date: list[float]) -> str:
    if float(np.mean(by_date)) >= 0.5:
        return ""
    return (
        ": the rule's red lines leave too little room, so the sweep's timing is miscalibrated "
        "even where its amount is close"
    )


def _summary_section(bt: Any) -> Section:
    rows = pd.DataFrame(
        [
            {"forecast": n, "kind": s["kind"], "MAE (pp)": s["mae_pp"], "rounds": s["n"]}
            for n, s in bt.summary.items()
        ]
    )
    best = next(iter(bt.summary))
    baselines = {n: s for n, s in bt.summary.items() if s["kind"] == "baseline"}
    best_base = min(baselines, key=lambda n: baselines[n]["mae_pp"]) if baselines else None
    beat = [
        n
        for n, s in bt.summary.items()
        if s["kind"] == "model"
        and best_base
        and s["mae_pp"] is not None
        and s["mae_pp"] < baselines[best_base]["mae_pp"]
    ]
    lost = [
        n
        for n, s in bt.summary.items()
        if s["kind"] == "model" and n not in beat and s["mae_pp"] is not None
    ]
    by_date = [r.forecasts["sweep"]["p_deal_by"]["actual_deal_date"] for r in bt.rounds]
    by_horizon = [r.forecasts["sweep"]["p_deal_by"]["horizon"] for r in bt.rounds]
    text = render(
        "backtest_sma_answer.html.j2",
        best=best,
        best_mae=f"{bt.summary[best]['mae_pp']:.1f}",
        rounds=bt.summary[best]["n"],
        baseline=str(best_base),
        baseline_mae=f"{baselines[best_base]['mae_pp']:.1f}",
        beat=", ".join(beat) or "none",
        lost=", ".join(lost) or "none",
        by_horizon=f"{100 * float(np.mean(by_horizon)):.0f}%",
        by_date=f"{100 * float(np.mean(by_date)):.0f}%",
        timing=_timing(by_date),
        table=table_html(rows, formats={"MAE (pp)": "{:.2f}"}),
    )
    return Section(title="Errors per model and baseline", html=text)


def _eleventh(bt: Any) -> Section | None:
    r = next((x for x in bt.rounds if x.round == "11"), None)
    if r is None:
        return None
    s = r.forecasts["sweep"]
    q = s["quantiles"]
    by = s["p_deal_by"]
    a = r.actual
    text = render(
        "backtest_sma_eleventh.html.j2",
        as_of=r.as_of,
        sweep={
            "draws": s["draws"],
            "amount": _amount(s["amount"], r.currency),
            "change": _pct(s["change_pct"]),
            "n_deals": s["n_deals"],
            "q25": _amount(q["q25"], r.currency),
            "q75": _amount(q["q75"], r.currency),
            "lapse": s["deadlines"]["lapse"],
            "by_lapse": f"{100 * (by['lapse'] or 0):.0f}%",
            "horizon": s["deadlines"]["horizon"],
            "by_horizon": f"{100 * by['horizon']:.1f}%",
            "by_date": f"{100 * by['actual_deal_date']:.1f}%",
        },
        models=[
            (n, _amount(f["amount"], r.currency), _pct(f["change_pct"]))
            for n, f in r.forecasts.items()
            if n != "sweep"
        ],
        actual={
            "previous": _amount(a["previous"], r.currency),
            "duration": a["duration"],
            "deal_date": a["deal_date"],
            "amount": _amount(a["amount"], r.currency),
            "first_year": a["first_year"],
            "change": _pct(a["change_pct"]),
        },
    )
    return Section(
        title="11th SMA: the 2019 forecast beside what happened",
        html=text,
        figures=(round_figure(r),),
    )


def _rounds(bt: Any) -> Section:
    rows = []
    for r in bt.rounds:
        s = r.forecasts["sweep"]
        rows.append(
            {
                "round": r.label,
                "as of": str(r.as_of),
                "actual": _pct(r.actual["change_pct"]),
                "deal": r.actual["deal_date"],
                "years": r.actual["duration"],
                "sweep": _pct(s["change_pct"]),
                "P(deal) by horizon": f"{100 * s['p_deal_by']['horizon']:.0f}%",
                **{n: _pct(f["change_pct"]) for n, f in r.forecasts.items() if n != "sweep"},
                **{b["label"]: _pct(b["change_pct"]) for b in r.baselines.values()},
            }
        )
    figures = tuple(round_figure(r) for r in bt.rounds if r.round != "11")
    return Section(
        title="Round by round",
        html=table_html(pd.DataFrame(rows)),
        figures=figures,
    )


def _facts(bt: Any) -> Section:
    from urllib.parse import urlsplit

    from burdenshare.backtest.sma_rules import facts

    chosen = {r.round for r in bt.rounds}
    rows = [
        {
            "cells": (
                f.round,
                "actual" if f.is_actual else "input",
                f.field.removeprefix("actual_"),
                f"{f.value} {f.unit}".strip(),
                f.status,
                f.source_date,
            ),
            "url": f.source_url,
            "host": urlsplit(f.source_url).netloc.removeprefix("www."),
            "note": f.note,
        }
        for f in facts()
        if f.round in chosen
    ]
    return Section(title="Facts and sources", html=render("backtest_sma_facts.html.j2", facts=rows))


def backtest_sma_page(bt: Any) -> str:
    """The whole page (one self-contained HTML file)."""
    sections = [_summary_section(bt)]
    eleventh = _eleventh(bt)
    if eleventh is not None:
        sections.append(eleventh)
    sections += [_rounds(bt), _facts(bt)]
    return render_page(
        title="SMA backtest: every model against history",
        subtitle=f"{len(bt.rounds)} rounds, each forecast as of before its deal; "
        f"{bt.draws} sweep draws a round, seed {bt.seed}",
        sections=sections,
        footer="burdenshare backtest sma",
    )
