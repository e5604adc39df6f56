"""Report section: the scenario — parties, ratifiers, issues, preferences, events, sources."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from burdenshare.report.html import table_html
from burdenshare.report.sections import Section, register_section
from burdenshare.report.templates import render

if TYPE_CHECKING:
    from burdenshare.app.analyze import AnalysisResults


def _issue_domain(issue: Any) -> str:
    kind = issue.type
    if kind in ("continuous", "integer"):
        unit = f" {issue.unit}" if getattr(issue, "unit", "") else ""
        return f"{issue.min:,} – {issue.max:,}{unit}"
    if kind == "categorical":
        return ", ".join(issue.values)
    return "yes / no"


def _ratifier(party: Any) -> str:
    r = party.ratifier
    if r.kind == "none":
        return "none (no ratification step)"
    text = f"{r.name or r.kind}"
    if r.kind == "legislature":
        text += f", {r.seats} seats, threshold {r.threshold}"
    if getattr(r, "consent_required", False):
        text += " — consent required"
    return text


@register_section(90, "summary")
def summary_section(results: AnalysisResults) -> Section:
    """Appendix: the scenario (meta, parties, issues, preferences, events, sources) and the raw
    tables behind the sections above."""
    sc = results.scenario
    parties = []
    for pid, p in sc.parties.items():
        troops = ""
        if getattr(p, "troops", None) is not None:
            troops = f"{p.troops.current:,} (legal floor {p.troops.legal_floor:,})"
        parties.append([pid, p.name, p.role, f"{p.negotiator.name}", _ratifier(p), troops])
    issues = [
        [iid, i.type, _issue_domain(i), getattr(i, "description", "")]
        for iid, i in sc.issues.items()
    ]
    preferences = []
    for pid, pref in sc.preferences.items():
        weights = ", ".join(f"{k} {v:g}" for k, v in pref.weights.items())
        ideal = ", ".join(f"{k} = {_fmt_value(v)}" for k, v in pref.ideal.items())
        red = ", ".join(f"{k} = {_fmt_value(v)}" for k, v in pref.reservation.items())
        outside = pref.outside_option.description if pref.outside_option else ""
        mark = " (estimate)" if pref.estimate else ""
        preferences.append(
            [pid, weights, ideal, red, f"{pref.reservation_value:g}", outside + mark]
        )
    events = [
        [
            d.date if d.effective is None else f"{d.date} (effective {d.effective})",
            d.kind,
            d.description,
            f"{d.probability:.0%}",
            "; ".join(f"{k} = {_fmt_value(v)}" for k, v in d.set.items()),
        ]
        for d in sc.events
    ]
    tournament = None
    if results.bargaining is not None:
        tournament = table_html(
            results.bargaining.summary,
            formats={
                "agreement_rate": "{:.0%}",
                "mean_step": "{:.1f}",
                "u_opener": "{:.3f}",
                "u_responder": "{:.3f}",
                "payoff_opener": "{:.3f}",
                "payoff_responder": "{:.3f}",
                "voided": "{:.1f}",
            },
        )
    text = render(
        "summary.html.j2", sc=sc, seed=results.seed, parties=parties, issues=issues,
        preferences=preferences, events=events, tournament=tournament,
    )  # fmt: skip
    return Section(title="Appendix: the scenario and its sources", html=text)


def _fmt_value(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int | float) and abs(v) >= 1e6:
        return f"{v:,.0f}"
    return str(v)
