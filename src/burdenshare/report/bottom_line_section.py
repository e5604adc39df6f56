"""Report sections that answer first: the bottom line (what deal, when, how likely, why) and,
apart and labelled, what actually happened after the scenario's ``as_of``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from burdenshare.report.figures import PALETTE, FigureSVG, new_figure, to_svg
from burdenshare.report.sections import Section, register_section
from burdenshare.report.templates import render
from burdenshare.sweep.bottom_line import MIN_EVENTS, BottomLine, Share

if TYPE_CHECKING:
    from burdenshare.app.analyze import AnalysisResults
    from burdenshare.bargaining.talks import Branch


def _pct(share: Share | float) -> str:
    p = share.p if isinstance(share, Share) else share
    if p != p:
        return "–"
    if 0 < p < 0.001:
        return "<0.1%"
    if 0.999 < p < 1:
        return ">99.9%"
    return f"{100 * p:.1f}%"


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%b %Y}"


def _scale(results: AnalysisResults, line: BottomLine) -> tuple[float, str]:
    unit = line.currency
    return (1e9, f"bn {unit}") if unit in ("KRW", "JPY", "USD") else (1.0, unit)


def _curve(results: AnalysisResults, line: BottomLine) -> FigureSVG | None:
    if line.curve.empty:
        return None
    sc = results.scenario
    with new_figure(8, 3.3) as fig:
        ax = fig.add_subplot(1, 1, 1)
        dates = pd.to_datetime(line.curve["date"])
        start = pd.Timestamp(sc.bargaining.first_round) if sc.bargaining else dates.min()  # type: ignore[union-attr]
        end = pd.Timestamp(line.horizon) if line.horizon else dates.max()
        xs = [start, *dates, end]
        ys = [0.0, *(100 * line.curve["p"]), 100 * line.deal.p]
        ax.step(xs, ys, where="post", color=PALETTE[0], lw=2)
        shown: list[float] = []
        for m in line.milestones:
            ax.axvline(pd.Timestamp(m.date), color="#999999", lw=0.8, ls=":")
            y = 100 * m.share.p
            if any(abs(y - s) < 4 for s in shown):  # one label per level is enough
                continue
            shown.append(y)
            ax.annotate(
                f"{_pct(m.share)}",
                (pd.Timestamp(m.date), y),
                textcoords="offset points",
                xytext=(3, 4),
                fontsize=8,
                color="#c00000" if m.share.small else "black",
            )
        ax.set_ylim(0, 100)
        ax.set_ylabel("P(ratified deal by date), %")
        ax.set_title("How likely a ratified deal is, by date")
        fig.autofmt_xdate()
        return to_svg(
            fig,
            figure_id="bottom-curve",
            caption=f"Share of the {line.n_draws:,} draws with a ratified deal on or before each "
            "date; dotted lines mark the scenario's events (labels in red rest on fewer than "
            f"{MIN_EVENTS} deals).",
            source=f"burdenshare sweep of scenario {sc.meta.id}",
        )


def _branch_offers(run: object, dates: list[dt.date], issue: str, side: int) -> tuple:
    result = run.result  # type: ignore[attr-defined]
    space = run.domain.space  # type: ignore[attr-defined]
    k = space.names.index(issue)
    xs, ys = [], []
    for e in result.trace:
        if e.side == side and e.action == "offer" and e.outcome is not None:
            xs.append(pd.Timestamp(dates[e.round]))
            ys.append(float(space.values[e.outcome, k]))
    return xs, ys


def _nice_ticks(low: float, high: float) -> list[float]:
    """Round tick values (1, 1.2, 1.5, 2, 3, 5 × 10^k) between ``low`` and ``high``."""
    out = []
    for k in range(-2, 16):
        for m in (1, 1.2, 1.5, 2, 3, 5):
            t = m * 10.0**k
            if low <= t <= high:
                out.append(t)
    return out


def _timeline(results: AnalysisResults, line: BottomLine) -> FigureSVG | None:
    sc = results.scenario
    spec = sc.bargaining
    issue = line.amount_issue
    if not results.branches or spec is None or issue is None or spec.first_round is None:
        return None
    from burdenshare.bargaining.talks import ratifier_limits, round_dates

    dates = round_dates(sc, spec.steps)
    assert dates is not None
    scale, unit = _scale(results, line)
    parties = [sc.party_id("sending"), sc.party_id("host")]
    names = [sc.parties[p].name for p in parties]
    with new_figure(11, 4.8) as fig:
        ax = fig.add_subplot(1, 1, 1)
        branches: list[Branch] = list(results.branches[:2])
        for b, branch in enumerate(branches):
            style = "-" if b == 0 else "--"
            for side in (0, 1):
                xs, ys = _branch_offers(branch.run, dates, issue, side)
                if xs:
                    ax.step(
                        xs, np.array(ys) / scale, where="post", color=PALETTE[side], ls=style,
                        lw=1.6 if b == 0 else 1.0, alpha=1 if b == 0 else 0.7,
                        label=f"{names[side]} offers"
                        + (f" ({branch.label}, p≈{branch.probability:.0%})" if len(branches) > 1
                           else ""),
                    )  # fmt: skip
            result = branch.run.result
            space = branch.run.domain.space
            k = space.names.index(issue)
            voids = [e for e in result.trace if e.action == "void"]
            if voids:
                ax.scatter(
                    [pd.Timestamp(dates[e.round]) for e in voids],
                    [space.values[e.outcome, k] / scale for e in voids],
                    marker="x", color="#c00000", s=40, zorder=5,
                    label="tentative deal voted down" if b == 0 else None,
                )  # fmt: skip
            if result.agreement is not None:
                when = dates[result.step - 1]
                ax.scatter(
                    [pd.Timestamp(when)], [space.values[result.agreement, k] / scale],
                    marker="*", s=220, color=PALETTE[2], edgecolor="black", zorder=6,
                    label=f"deal ({branch.label})" if len(branches) > 1 else "deal",
                )  # fmt: skip
        limits = ratifier_limits(sc, parties[0]).get(issue)
        if isinstance(limits, int | float):
            ax.axhline(limits / scale, color=PALETTE[0], lw=0.8, ls=":")
            ax.annotate(
                f"{sc.parties[parties[0]].ratifier.name or names[0]}'s floor",
                (pd.Timestamp(dates[-1]), limits / scale), ha="right", va="bottom", fontsize=7,
                color=PALETTE[0],
            )  # fmt: skip
        red = ratifier_limits(sc, parties[1]).get(issue)
        if isinstance(red, int | float):
            ax.axhline(red / scale, color=PALETTE[1], lw=0.8, ls=":")
            ax.annotate(
                f"{names[1]}'s red line", (pd.Timestamp(dates[-1]), red / scale), ha="right",
                va="top", fontsize=7, color=PALETTE[1],
            )  # fmt: skip
        a = line.amount
        if a is not None and not a.small and line.deal_date is not None:
            x = pd.Timestamp(line.deal_date[1])
            ax.errorbar(
                [x], [a.median / scale],
                yerr=[[(a.median - a.q05) / scale], [(a.q95 - a.median) / scale]],
                fmt="o", color="black", capsize=4, lw=1, zorder=7,
                label="forecast deal: median, 90% (sweep)",
            )  # fmt: skip
        for event in sc.events:
            for day in (event.date, event.effective):
                if day is None or not (dates[0] < day <= dates[-1]) or event.kind == "meeting":
                    continue
                ax.axvline(pd.Timestamp(day), color="#999999", lw=0.7, ls=":")
                ax.annotate(
                    event.id.replace("_", " ") + (" (takes effect)" if day != event.date else ""),
                    (pd.Timestamp(day), 1.0), xycoords=("data", "axes fraction"), rotation=90,
                    fontsize=7, va="top", ha="right", color="#555555",
                )  # fmt: skip
        ax.set_yscale("log")
        low, high = ax.get_ylim()
        ticks = [t for t in _nice_ticks(low, high)]
        ax.set_yticks(ticks, [f"{t:,.0f}" for t in ticks])
        ax.yaxis.set_minor_formatter(lambda v, _p: "")
        ax.set_ylabel(f"{issue} ({unit}, log scale)")
        ax.set_title("The negotiation timeline, as of " + _day(sc.meta.as_of))
        ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        fig.autofmt_xdate()
        return to_svg(
            fig,
            figure_id="bottom-timeline",
            caption="Offers on the amount in the base case (point estimates; the likeliest branch "
            "of the uncertain events solid, the next dashed), the tentative deals a ratifier "
            "voted down, the deal, the ratifiers' limits, and the sweep's forecast (median and "
            "90% of deals at the median deal date).",
            source=f"burdenshare.bargaining reference engine and sweep, scenario {sc.meta.id}",
        )


@register_section(1, "bottom-line")
def bottom_line_section(results: AnalysisResults) -> Section | None:
    """The answer first: the likeliest outcome and its uncertainty, then why."""
    line = results.bottom_line
    if line is None:
        return None
    scale, unit = _scale(results, line)
    text = render(
        "bottom_line.html.j2", line=line, scale=scale, unit=unit, pct=_pct, day=_day,
        min_events=MIN_EVENTS,
    )  # fmt: skip
    figures = [f for f in (_timeline(results, line), _curve(results, line)) if f is not None]
    return Section(title="Bottom line", html=text, figures=tuple(figures))


@register_section(3, "what-happened")
def hindsight_section(results: AnalysisResults) -> Section | None:
    """What happened after as_of, beside the forecast; no model read any of it."""
    sc = results.scenario
    h = sc.hindsight
    if h is None:
        return None
    line = results.bottom_line
    rows = []
    if line is not None and line.amount_issue in h.terms and line.amount is not None:
        actual = float(h.terms[line.amount_issue])  # type: ignore[arg-type]
        scale, unit = _scale(results, line)
        a = line.amount
        inside = (
            "inside the 50% interval"
            if a.q25 <= actual <= a.q75
            else "inside the 90% interval"
            if a.q05 <= actual <= a.q95
            else "outside the 90% interval"
        )
        pct = ""
        if line.last_amount:
            pct = f" ({100 * (actual / line.last_amount - 1):+.1f}%)"
        rows.append(
            (
                f"first-year {line.amount_issue}",
                f"median {a.median / scale:,.1f} {unit} (90%: {a.q05 / scale:,.1f}–"
                f"{a.q95 / scale:,.1f})",
                f"{actual / scale:,.1f} {unit}{pct}: {inside}",
            )
        )
    if line is not None and line.duration_issue in h.terms and line.duration is not None:
        rows.append(
            (
                "duration",
                f"most often {line.duration_mode:g} years (90%: {line.duration.q05:g}–"
                f"{line.duration.q95:g})",
                f"{h.terms[line.duration_issue]} years",
            )
        )
    if line is not None and h.deal_date is not None and line.deal_date is not None:
        sweep = results.sweep
        by_then = ""
        if sweep is not None:
            frame = sweep.results
            deal = frame["agreement"].to_numpy(dtype=bool)
            when = pd.to_datetime(frame["date"]).dt.date.to_numpy()
            p = float((deal & (when <= h.deal_date)).mean())
            by_then = f"; P(deal by then) {_pct(p)}"
        rows.append(
            (
                "deal date",
                f"median {_day(line.deal_date[1])} (50%: {_day(line.deal_date[0])} – "
                f"{_day(line.deal_date[2])}){by_then}",
                _day(h.deal_date),
            )
        )
    for fact in h.facts:
        if fact.event is None or fact.happened is None:
            continue
        event = next(e for e in sc.events if e.id == fact.event)
        if event.uncertain:
            rows.append(
                (
                    f"event: {event.id}",
                    f"P({event.outcome or 'happens'}) = {event.probability:.0%}",
                    ("happened" if fact.happened else "did not happen") + f" ({_day(fact.date)})",
                )
            )
    text = render(
        "what_happened.html.j2", as_of=_day(sc.meta.as_of), summary=h.summary, rows=rows,
        facts=h.facts,
    )  # fmt: skip
    return Section(title="What happened", html=text)
