"""Report section: the analyst's question under uncertainty — the probability of a ratified deal
before the old agreement lapses, the distribution of the agreed amount, the cost over the deal's
life, and which uncertain inputs move the outcome most (tornado)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from burdenshare.report.figures import PALETTE, FigureSVG, new_figure, to_svg
from burdenshare.report.html import table_html
from burdenshare.report.sections import Section, register_section
from burdenshare.sweep.workload import DEAL_PREFIX

if TYPE_CHECKING:
    from burdenshare.app.analyze import AnalysisResults
    from burdenshare.sweep.scenario import ScenarioSweep


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


@register_section(40, "sweep")
def sweep_section(results: AnalysisResults) -> Section | None:
    sw = results.sweep
    if sw is None:
        return None
    s = sw.summary
    sc = results.scenario
    issue = _amount_issue(results)
    parts = [
        f"<p>Over <b>{s.n_draws:,}</b> draws of the scenario's <code>[uncertainty]</code> "
        "(each draw one negotiation between the negotiators, with both ratifiers voting on any "
        "tentative deal), "
    ]
    if s.lapse is not None and s.p_agreement_by_lapse is not None:
        parts.append(
            f"a ratified deal is reached <b>before the old agreement lapses "
            f"({s.lapse:%d %b %Y}) in {_pct(s.p_agreement_by_lapse)}</b> of draws and "
        )
    parts.append(f"by the last round in <b>{_pct(s.p_agreement)}</b>. ")
    parts.append(
        f"In {_pct(s.p_rejected_once)} of draws a tentative deal was voted down at least once "
        f"by a ratifier; of the draws whose negotiators struck a tentative deal, "
        f"{_pct(s.p_ratified_given_deal)} ended ratified.</p>"
    )
    free = sw.free_summary
    if free is not None:
        parts.append(
            f"<p>Played by the negotiators alone (no ratifier votes), the same draws end in a "
            f"deal in <b>{_pct(free.p_agreement)}</b>"
        )
        if s.lapse is not None and free.p_agreement_by_lapse is not None:
            parts.append(f" ({_pct(free.p_agreement_by_lapse)} before the lapse)")
        if issue is not None:
            row = free.terms[free.terms["issue"] == issue]
            if len(row) and row["n_deals"].iloc[0] > 0:
                scale, unit = _scale(sc.issues[issue].unit)
                parts.append(
                    f", with the agreed {html.escape(issue)} at a median of "
                    f"{row['q50'].iloc[0] / scale:,.1f} {unit}"
                )
        parts.append(
            f": the two-level game takes the chance of a deal from {_pct(free.p_agreement)} "
            f"to {_pct(s.p_agreement)}.</p>"
        )
    if issue is not None:
        row = s.terms[s.terms["issue"] == issue]
        scale, unit = _scale(sc.issues[issue].unit)
        if len(row) and row["n_deals"].iloc[0] > 0:
            r = row.iloc[0]
            parts.append(
                f"<p>Where there is a deal, the agreed <b>{html.escape(issue)}</b> has median "
                f"<b>{r['q50'] / scale:,.1f} {unit}</b> (90% of deals between "
                f"{r['q05'] / scale:,.1f} and {r['q95'] / scale:,.1f}; mean "
                f"{r['mean'] / scale:,.1f}) over {int(r['n_deals']):,} deals.</p>"
            )
        else:
            parts.append(
                f"<p>No draw ended in a ratified deal, so there is no distribution of the "
                f"agreed {html.escape(issue)}.</p>"
            )
    if s.cost is not None:
        nominal = s.cost[s.cost["measure"] == "nominal"].iloc[0]
        usd = s.cost[s.cost["measure"] == "usd"].iloc[0]
        parts.append(
            f"<p>Costed through the ledger over the agreement's life (<code>[bargaining] "
            f"terms</code>), a deal costs on average <b>{nominal['mean'] / 1e9:,.1f} bn "
            f"{html.escape(str(nominal['currency']))}</b> (≈ ${usd['mean'] / 1e9:,.2f} bn).</p>"
        )
    top = s.sensitivity.head(1)
    if len(top):
        t = top.iloc[0]
        parts.append(
            f"<p>The input that moves the chance of a deal most is "
            f"<code>{html.escape(str(t['input']))}</code>: P(deal) is "
            f"{_pct(t['p_agreement_low'])} in its lowest fifth of draws and "
            f"{_pct(t['p_agreement_high'])} in its highest.</p>"
        )
    parts.append(
        "<p>The distributions are the analyst's judgements listed below; run more draws or "
        "other executors with <code>burdenshare sweep</code> (same seed, same rows).</p>"
    )
    histogram = _histogram(results, sw, issue) if issue else None
    candidates = (histogram, _tornado(results, sw))
    figures = [f for f in candidates if f is not None]
    after = "<h3>Uncertain inputs</h3>" + _inputs_table(results)
    stats = [c for c in s.terms.columns if c == "mean" or c.startswith("q")]
    for label, summary in (("with both ratifiers voting", s), ("negotiators alone", free)):
        if summary is None:
            continue
        after += f"<h3>Agreed terms over draws with a deal ({label})</h3>" + table_html(
            _in_units(results, summary.terms, stats), formats=dict.fromkeys(stats, "{:,.1f}")
        )
    if len(s.forecasts):
        after += "<h3>Forecasts over the drawn actor tables</h3>" + table_html(
            s.forecasts,
            formats={c: "{:,.4g}" for c in s.forecasts.columns if c not in ("model", "dimension")},
        )
    if s.cost is not None:
        cost = s.cost.copy()
        money = [c for c in cost.columns if c == "mean" or c.startswith("q")]
        cost[money] = cost[money] / 1e9
        cost["currency"] = "bn " + cost["currency"].astype(str)
        after += "<h3>Cost over the agreement's life, per ratified deal</h3>" + table_html(
            cost, formats=dict.fromkeys(money, "{:,.2f}")
        )
    after += "<h3>Sensitivity</h3>" + table_html(
        s.sensitivity,
        formats={
            "spearman_agreement": "{:+.3f}",
            "spearman_amount": "{:+.3f}",
            "p_agreement_low": "{:.2%}",
            "p_agreement_high": "{:.2%}",
        },
    )
    return Section(
        title="Uncertainty in detail",
        html="".join(parts),
        figures=tuple(figures),
        after=after,
    )
