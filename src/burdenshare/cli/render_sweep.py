"""Terminal rendering of what a sweep finds (``sweep``, ``show``, ``analyze``): the bottom line
first, then the sweep's summary — tables that fit 80 columns, one unit per column."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from burdenshare.app.analyze import MIN_EVENTS
from burdenshare.cli.main import console as default_console
from burdenshare.cli.tables import amount_column, fit_table, number_column

__all__ = ["print_bottom_line", "print_sweep_result", "print_sweep_summary"]

STATS = ("mean", "q05", "q25", "q50", "q75", "q95")


def _pct(x: float | None) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.2f}%"


def _values(values: list[float], unit: str) -> tuple[str, list[str]]:
    """Cells for one quantity: money (a currency unit) in bn/M, anything else as numbers."""
    if unit in ("KRW", "USD", "JPY"):
        scale, cells = amount_column(values)
        return f"{unit} {scale}".rstrip(), cells
    return unit, number_column(values, digits=4)


def _by_statistic(
    frame: Any, key: str, units: dict[str, str], title: str, count: str | None = None
) -> tuple[Any, list[str]]:
    """A summary frame (one row per ``key``, columns mean, q05...q95) turned round: one row per
    statistic, one column per ``key``, so that each column has one unit."""
    columns: dict[str, list[str]] = {"": ([count] if count else []) + list(STATS)}
    for row in frame.to_dict(orient="records"):
        unit = units.get(str(row[key]), "")
        head, cells = _values([row[s] for s in STATS], unit)
        name = f"{row[key]} ({head})" if head else str(row[key])
        columns[name] = ([f"{int(row[count]):,}"] if count else []) + cells
    return fit_table(columns, right=set(columns) - {""}, title=title, hide=[])


def print_sweep_summary(console: Console, summary: Any, title: str, scenario: Any = None) -> None:
    """The probabilities first, then the agreed terms, the cost, the actor forecasts and the
    inputs that move P(deal) most."""
    head, _ = fit_table(
        {
            "": [
                "P(ratified deal, any time)",
                *(
                    [f"P(ratified deal by the lapse, {summary.lapse})"]
                    if summary.lapse is not None
                    else []
                ),
                "P(a tentative deal voted down at least once)",
                "P(ratified | tentative deal struck)",
            ],
            "probability": [
                _pct(summary.p_agreement),
                *([_pct(summary.p_agreement_by_lapse)] if summary.lapse is not None else []),
                _pct(summary.p_rejected_once),
                _pct(summary.p_ratified_given_deal),
            ],
        },
        right={"probability"},
        wrap={""},
        title=title,
    )
    console.print(head)
    issues = getattr(scenario, "issues", {}) or {}
    units = {iid: str(getattr(issue, "unit", "") or "") for iid, issue in issues.items()}
    terms = summary.terms
    if terms is not None and len(terms):
        if int(terms["n_deals"].max()) == 0:
            console.print("Agreed terms: no draw ended in a ratified deal", highlight=False)
        else:
            table, _ = _by_statistic(
                terms, "issue", units, "Agreed terms over draws with a deal", count="n_deals"
            )
            console.print(table)
    cost = summary.cost
    if cost is not None and len(cost) and cost["mean"].notna().any():
        names = {"nominal": "nominal", "real": "real", "usd": "nominal"}
        cost = cost.assign(measure=[names.get(str(m), str(m)) for m in cost["measure"]])
        cost_units = dict(zip(cost["measure"], cost["currency"], strict=True))
        table, _ = _by_statistic(
            cost, "measure", cost_units, "Cost over the agreement's life, per deal"
        )
        console.print(table)
    forecasts = summary.forecasts
    if forecasts is not None and len(forecasts):
        dims = getattr(getattr(scenario, "actors", None), "dimensions", {}) or {}
        for dim, rows in forecasts.groupby("dimension", sort=False):
            unit = str(getattr(dims.get(dim), "unit", "") or "")
            columns: dict[str, list[str]] = {"model": [str(m) for m in rows["model"]]}
            for s in STATS:
                columns[s] = number_column(list(rows[s]), digits=5)
            table, _ = fit_table(
                columns,
                right=set(STATS),
                hide=["q25", "q75"],
                title=f"Forecasts over the drawn actor tables: {dim}"
                + (f" ({unit})" if unit else ""),
            )
            console.print(table)
    sens = summary.sensitivity
    if sens is not None and len(sens):
        top = sens.head(10)
        table, _ = fit_table(
            {
                "input": [str(x) for x in top["input"]],
                "low 1/5": [_pct(x) for x in top["p_agreement_low"]],
                "high 1/5": [_pct(x) for x in top["p_agreement_high"]],
                "ρ": ["–" if math.isnan(x) else f"{x:+.3f}" for x in top["spearman_agreement"]],
            },
            right={"low 1/5", "high 1/5", "ρ"},
            wrap={"input"},
            title="Sensitivity: P(deal) with an input in its lowest / highest fifth",
            caption="ρ: Spearman rank correlation of the input with a deal",
        )
        console.print(table)


def print_sweep_result(
    summary: Any, run_id: str, db: Path, heading: str = "", scenario: Any = None
) -> None:
    """A sweep's summary titled with its run (or ``heading``'s run), then where it is stored."""
    name = "The analysis's sweep" if heading else f"Sweep {run_id}"
    print_sweep_summary(default_console, summary, f"{name} ({summary.n_draws:,} draws)", scenario)
    if not heading:
        default_console.print(
            f"[green]results[/] {db} (sweep {run_id}); `burdenshare show {run_id}`"
        )


def print_bottom_line(line: Any) -> None:
    """The answer first, in the terminal: likeliest outcome, P(deal) by date, terms, why."""

    def pct(p: float) -> str:
        return "–" if p != p else f"{100 * p:.1f}%"

    default_console.print(f"[bold]{escape(line.headline())}[/]")
    table = Table(box=None, show_header=True, pad_edge=False)
    table.add_column("P(ratified deal) by", overflow="fold")
    table.add_column(f"{line.n_draws:,} draws", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for m in line.milestones:
        flag = f"[red]small sample: {m.share.events:,} deals[/]" if m.share.small else ""
        table.add_row(escape(m.label), pct(m.share.p), flag)
    default_console.print(table)
    a = line.amount
    if a is not None and not a.small:
        scale, unit = (1e9, f"bn {line.currency}")
        text = (
            f"The deal ({a.n:,} draws with one): {line.amount_issue} {a.median / scale:,.1f} "
            f"{unit} (50%: {a.q25 / scale:,.1f}–{a.q75 / scale:,.1f}; 90%: "
            f"{a.q05 / scale:,.1f}–{a.q95 / scale:,.1f})"
        )
        if line.amount_pct is not None:
            text += f", {line.amount_pct.median:+.1f}% over the last agreement"
        if line.duration_mode is not None:
            years = "year" if line.duration_mode == 1 else "years"
            text += f"; most often {line.duration_mode:g} {years}"
        if line.deal_date is not None:
            text += f"; median deal date {line.deal_date[1]:%d %b %Y}"
        default_console.print(escape(text) + ".")
    elif a is not None:
        default_console.print(
            f"[red]Only {a.n:,} draws end in a deal (< {MIN_EVENTS}): no terms shown.[/]"
        )
    default_console.print("[bold]Why[/]")
    why = Table(box=None, show_header=False, pad_edge=False)
    why.add_column("", no_wrap=True)
    why.add_column("", overflow="fold")
    for sentence in line.sentences:
        why.add_row(" •", escape(sentence))
    default_console.print(why)
