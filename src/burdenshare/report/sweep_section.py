"""Report section: the analyst's question under uncertainty — the probability of a ratified deal
before the old agreement lapses, the distribution of the agreed amount, the cost over the deal's
life, and which uncertain inputs move the outcome most (tornado)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from burdenshare.report.figures import PALETTE, FigureSVG, new_figure, to_svg
from burdenshare.report.html import table_html
from burdenshare.report.sections import Section, register_section
from burdenshare.report.templates import render
from burdenshare.sweep.workload import DEAL_PREFIX

if TYPE_CHECKING:
    from burdenshare.app.analyze import AnalysisResults
    from burdenshare.sweep.scenario_sweep import ScenarioSweep


def _scale(unit: str) -> tuple[float, str]:
    """Display scale for an issue's unit: money in bn, everything else as is."""
    if unit in ("KRW", "JPY"):
        return 1e9, f"bn {unit}"
    if unit == "USD":
        return 1e6, "m USD"
    return 1.0, unit


def _amount_issue(results: AnalysisResults) -> str | None:
    """The issue shown as 'the amount': [bargaining].terms' first_year_total, else the first
    continuous issue."""
    sc = results.scenario
    if sc.bargaining is not None and "first_year_total" in sc.bargaining.terms:
        return sc.bargaining.terms["first_year_total"]
    return next((k for k, v in sc.issues.items() if v.type == "continuous"), None)


def _pct(x: float | None) -> str:
    """A share as a percentage; small non-zero shares keep two significant digits."""
    if x is None or x != x:
        return "–"
    if 0 < x < 0.001 or 0.999 < x < 1:
        return f"{100 * x:.2g}%" if x < 0.5 else f"{100 * x:.3f}%"
    return f"{100 * x:.1f}%"


def _histogram(results: AnalysisResults, sw: ScenarioSweep, issue: str) -> FigureSVG | None:
    """Agreed amounts: ratified deals, and the negotiators' deals without ratification."""
    column = DEAL_PREFIX + issue
    panels = [("ratified deals (both ratifiers vote)", sw.results)]
    if sw.free_results is not None:
        panels.insert(0, ("negotiators alone (no votes)", sw.free_results))
    series = []
    for label, frame in panels:
        values = frame.loc[frame["agreement"].to_numpy(dtype=bool), column].to_numpy(np.float64)
        series.append((label, values))
    if all(values.size == 0 for _, values in series):
        return None
    spec = results.scenario.issues[issue]
    scale, unit = _scale(spec.unit)
    everything = np.concatenate([values for _, values in series]) / scale
    edges = np.histogram_bin_edges(everything, bins=40)
    with new_figure(8, 2.4 * len(series) + 0.8) as fig:
        for k, (label, values) in enumerate(series):
            ax = fig.add_subplot(len(series), 1, k + 1)
            ax.hist(values / scale, bins=edges, color=PALETTE[k], alpha=0.85)
            if values.size:
                median = float(np.median(values)) / scale
                ax.axvline(median, color="black", linestyle="--", linewidth=1)
                label += f": {values.size:,} deals, median {median:,.1f}"
            else:
                label += ": no deal"
            ax.set_title(label, fontsize=10)
            ax.set_ylabel("draws")
        ax.set_xlabel(f"{spec.description or issue} ({unit})")
        return to_svg(
            fig,
            figure_id="sweep-amount",
            caption=f"Agreed {issue} over the draws that end in a deal: played by the "
            "negotiators alone (top), and with both ratifiers voting on every tentative deal "
            "(bottom). The dashed line marks the median.",
            source=f"burdenshare sweep of scenario {results.scenario.meta.id}, seed {sw.seed}",
        )


def _tornado(results: AnalysisResults, sw: ScenarioSweep) -> FigureSVG | None:
    sens = sw.summary.sensitivity.head(10)
    if sens.empty:
        return None
    overall = 100 * sw.summary.p_agreement
    with new_figure(8, 0.45 * len(sens) + 1.6) as fig:
        ax = fig.add_subplot(1, 1, 1)
        y = np.arange(len(sens))[::-1]
        low = 100 * sens["p_agreement_low"].to_numpy(dtype=np.float64)
        high = 100 * sens["p_agreement_high"].to_numpy(dtype=np.float64)
        ax.barh(y, low - overall, left=overall, color=PALETTE[2], label="input in lowest fifth")
        ax.barh(y, high - overall, left=overall, color=PALETTE[1], label="input in highest fifth")
        ax.axvline(overall, color="black", linewidth=0.8)
        ax.set_yticks(y, list(sens["input"]), fontsize=7)
        ax.set_xlabel("P(ratified deal), %")
        ax.set_title("What moves the chance of a deal")
        ax.legend(loc="lower right", fontsize=7)
        return to_svg(
            fig,
            figure_id="sweep-tornado",
            caption="Tornado: P(ratified deal) when each uncertain input is in its lowest or "
            "highest fifth of draws, against the overall probability (vertical line); inputs "
            "ordered by swing.",
            source=f"burdenshare sweep of scenario {results.scenario.meta.id}, seed {sw.seed}",
        )


def _inputs_table(results: AnalysisResults) -> str:
    spec = results.scenario.uncertainty
    assert spec is not None
    rows = []
    for path, dist in spec.params.items():
        fields = dist.model_dump(exclude={"dist"})
        rows.append(
            {
                "input": path,
                "distribution": getattr(dist, "dist", type(dist).__name__),
                "parameters": ", ".join(f"{k} = {v:,g}" if isinstance(v, float | int) else
                                        f"{k} = {v}" for k, v in fields.items() if v is not None),
            }
        )  # fmt: skip
    for party, mix in spec.strategies.items():
        rows.append(
            {
                "input": f"strategy of {party}",
                "distribution": "mix",
                "parameters": ", ".join(f"{k} {w:.0%}" for k, w in mix.items()),
            }
        )
    return table_html(pd.DataFrame(rows))


def _in_units(results: AnalysisResults, terms: pd.DataFrame, stats: list[str]) -> pd.DataFrame:
    """Terms with money issues in bn (or m USD) and a unit column."""
    out = terms.copy()
    units = []
    for i, issue in enumerate(out["issue"]):
        scale, unit = _scale(results.scenario.issues[issue].unit)
        out.loc[out.index[i], stats] = out.loc[out.index[i], stats].astype(float) / scale
        units.append(unit)
    out.insert(1, "unit", units)
    return out


def _tables(results: AnalysisResults, sw: ScenarioSweep) -> str:
    """The section's tables, after its figures: the inputs, the agreed terms (with and without
    ratifier votes), the drawn forecasts, the cost, the sensitivity."""
    s = sw.summary
    free = sw.free_summary
    stats = [c for c in s.terms.columns if c == "mean" or c.startswith("q")]
    terms = [
        (
            label,
            table_html(
                _in_units(results, summary.terms, stats), formats=dict.fromkeys(stats, "{:,.1f}")
            ),
        )
        for label, summary in (("with both ratifiers voting", s), ("negotiators alone", free))
        if summary is not None
    ]
    forecasts = None
    if len(s.forecasts):
        forecasts = table_html(
            s.forecasts,
            formats={c: "{:,.4g}" for c in s.forecasts.columns if c not in ("model", "dimension")},
        )
    cost_table = None
    if s.cost is not None:
        cost = s.cost.copy()
        money = [c for c in cost.columns if c == "mean" or c.startswith("q")]
        cost[money] = cost[money] / 1e9
        cost["currency"] = "bn " + cost["currency"].astype(str)
        cost_table = table_html(cost, formats=dict.fromkeys(money, "{:,.2f}"))
    sensitivity = table_html(
        s.sensitivity,
        formats={
            "spearman_agreement": "{:+.3f}",
            "spearman_amount": "{:+.3f}",
            "p_agreement_low": "{:.2%}",
            "p_agreement_high": "{:.2%}",
        },
    )
    return render(
        "sweep_after.html.j2",
        inputs=_inputs_table(results),
        terms=terms,
        forecasts=forecasts,
        cost=cost_table,
        sensitivity=sensitivity,
    )


@register_section(40, "sweep")
def sweep_section(results: AnalysisResults) -> Section | None:
    sw = results.sweep
    if sw is None:
        return None
    s = sw.summary
    sc = results.scenario
    issue = _amount_issue(results)
    lapse = s.lapse is not None
    free = sw.free_summary
    free_words = None
    if free is not None:
        median = None
        if issue is not None:
            row = free.terms[free.terms["issue"] == issue]
            if len(row) and row["n_deals"].iloc[0] > 0:
                scale, unit = _scale(sc.issues[issue].unit)
                median = f"{row['q50'].iloc[0] / scale:,.1f} {unit}"
        free_words = {
            "p_agreement": _pct(free.p_agreement),
            "by_lapse": _pct(free.p_agreement_by_lapse)
            if lapse and free.p_agreement_by_lapse is not None
            else None,
            "median": median,
        }
    deal = None
    if issue is not None:
        row = s.terms[s.terms["issue"] == issue]
        scale, unit = _scale(sc.issues[issue].unit)
        if len(row) and row["n_deals"].iloc[0] > 0:
            r = row.iloc[0]
            deal = {
                "median": f"{r['q50'] / scale:,.1f} {unit}",
                "q05": f"{r['q05'] / scale:,.1f}",
                "q95": f"{r['q95'] / scale:,.1f}",
                "mean": f"{r['mean'] / scale:,.1f}",
                "n": f"{int(r['n_deals']):,}",
            }
    cost_words = None
    if s.cost is not None:
        nominal = s.cost[s.cost["measure"] == "nominal"].iloc[0]
        usd = s.cost[s.cost["measure"] == "usd"].iloc[0]
        cost_words = {
            "nominal": f"{nominal['mean'] / 1e9:,.1f} bn {nominal['currency']}",
            "usd": f"${usd['mean'] / 1e9:,.2f} bn",
        }
    top = s.sensitivity.head(1)
    top_words = None
    if len(top):
        t = top.iloc[0]
        top_words = {
            "input": str(t["input"]),
            "low": _pct(t["p_agreement_low"]),
            "high": _pct(t["p_agreement_high"]),
        }
    text = render(
        "sweep.html.j2",
        n_draws=f"{s.n_draws:,}",
        lapse=f"{s.lapse:%d %b %Y}" if lapse else None,
        by_lapse=_pct(s.p_agreement_by_lapse)
        if lapse and s.p_agreement_by_lapse is not None
        else None,
        p_agreement=_pct(s.p_agreement),
        p_rejected=_pct(s.p_rejected_once),
        p_ratified=_pct(s.p_ratified_given_deal),
        free=free_words,
        issue=issue,
        deal=deal,
        cost=cost_words,
        top=top_words,
    )
    histogram = _histogram(results, sw, issue) if issue else None
    candidates = (histogram, _tornado(results, sw))
    figures = [f for f in candidates if f is not None]
    return Section(
        title="Uncertainty in detail",
        html=text,
        figures=tuple(figures),
        after=_tables(results, sw),
    )
