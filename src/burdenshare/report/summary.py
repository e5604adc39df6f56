"""Report section: the scenario — parties, ratifiers, issues, preferences, events, sources."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from burdenshare.report.sections import Section, register_section

if TYPE_CHECKING:
    from burdenshare.app.analyze import AnalysisResults


def _e(value: Any) -> str:
    return html.escape(str(value))


def _rows(header: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


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
    parts = []
    if sc.meta.description:
        parts.append(f"<p>{_e(sc.meta.description)}</p>")
    parts.append(
        f'<p class="note">As of {_e(sc.meta.as_of)} · base currency {_e(sc.meta.base_currency)}'
        f" · scenario hash <code>{_e(sc.content_hash[:12])}</code>"
        f" · seed {results.seed}</p>"
    )

    party_rows = []
    for pid, p in sc.parties.items():
        troops = ""
        if getattr(p, "troops", None) is not None:
            troops = f"{p.troops.current:,} (legal floor {p.troops.legal_floor:,})"
        party_rows.append([pid, p.name, p.role, f"{p.negotiator.name}", _ratifier(p), troops])
    parts.append("<h3>Parties</h3>")
    parts.append(_rows(["id", "name", "role", "negotiator", "ratifier", "troops"], party_rows))

    parts.append("<h3>Issues</h3>")
    parts.append(
        _rows(
            ["id", "type", "domain", "description"],
            [
                [iid, i.type, _issue_domain(i), getattr(i, "description", "")]
                for iid, i in sc.issues.items()
            ],
        )
    )

    if sc.preferences:
        parts.append("<h3>Preferences</h3>")
        pref_rows = []
        for pid, pref in sc.preferences.items():
            weights = ", ".join(f"{k} {v:g}" for k, v in pref.weights.items())
            ideal = ", ".join(f"{k} = {_fmt_value(v)}" for k, v in pref.ideal.items())
            red = ", ".join(f"{k} = {_fmt_value(v)}" for k, v in pref.reservation.items())
            outside = pref.outside_option.description if pref.outside_option else ""
            mark = " (estimate)" if pref.estimate else ""
            pref_rows.append(
                [pid, weights, ideal, red, f"{pref.reservation_value:g}", outside + mark]
            )
        parts.append(
            _rows(
                ["party", "weights", "ideal", "red lines", "no-deal utility", "outside option"],
                pref_rows,
            )
        )

    if sc.events:
        parts.append("<h3>Events</h3>")
        parts.append(
            _rows(
                ["date", "kind", "event", "probability", "changes"],
                [
                    [
                        d.date if d.effective is None else f"{d.date} (effective {d.effective})",
                        d.kind,
                        d.description,
                        f"{d.probability:.0%}",
                        "; ".join(f"{k} = {_fmt_value(v)}" for k, v in d.set.items()),
                    ]
                    for d in sc.events
                ],
            )
        )

    if results.bargaining is not None:
        from burdenshare.report.html import table_html

        parts.append("<h3>Bargaining tournament (raw)</h3>")
        parts.append(
            table_html(
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
        )

    if sc.sources:
        parts.append('<h3>Sources</h3><ol class="note">')
        for sid, s in sc.sources.items():
            date = f" ({_e(s.date)})" if getattr(s, "date", None) else ""
            parts.append(
                f'<li id="src-{_e(sid)}"><b>{_e(sid)}</b>: {_e(s.title)}{date} — '
                f'<a href="{_e(s.url)}">{_e(s.url)}</a></li>'
            )
        parts.append("</ol>")
    return Section(title="Appendix: the scenario and its sources", html="".join(parts))


def _fmt_value(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int | float) and abs(v) >= 1e6:
        return f"{v:,.0f}"
    return str(v)
