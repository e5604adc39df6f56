"""Report section: payments and costs — SMA history, the scenario's schedules, per-troop cost."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from burdenshare.report.figures import (
    PALETTE,
    FigureSVG,
    new_figure,
    scaled_formatter,
    to_svg,
    yearly_bars,
)
from burdenshare.report.html import table_html
from burdenshare.report.sections import Section, register_section
from burdenshare.report.templates import render

if TYPE_CHECKING:
    from burdenshare.app.analyze import AnalysisResults

_STATUS_COLOURS = {
    "verified": PALETTE[0],
    "derived": "#6f9fd8",
    "estimate": "#f4b183",
    "uncertain": "#bbbbbb",
}
_DATA_SOURCE = "burdenshare.data (MND Defense White Paper 2018, MOFA, press; see docs/data.md)"


def _history_figure(history: pd.DataFrame, base_year: int) -> FigureSVG:
    with new_figure(9, 4.6) as fig:
        ax = fig.add_subplot()
        colours = [_STATUS_COLOURS.get(s, "#999999") for s in history["status"]]
        ax.bar(history["year"], history["amount_krw"], color=colours, width=0.8)
        (real_line,) = ax.plot(
            history["year"],
            history["real_krw"],
            color=PALETTE[1],
            marker="o",
            ms=3,
            lw=1.8,
            label=f"real KRW ({base_year} prices)",
        )
        # Shade alternate SMA rounds and label them.
        for i, (rnd, years) in enumerate(history.groupby("round")["year"]):
            lo, hi = years.min() - 0.5, years.max() + 0.5
            if i % 2:
                ax.axvspan(lo, hi, color="#000000", alpha=0.04, lw=0)
            ax.text(
                (lo + hi) / 2,
                0.98,
                f"{rnd}",
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="top",
                fontsize=8,
                color="#555555",
            )
        ax.yaxis.set_major_formatter(scaled_formatter(1e9))
        ax.set_ylabel("billion KRW")
        ax.set_xlabel("year (numbers at the top: SMA round)")
        ax.set_title("ROK contributions under the SMA, 1991-2030")
        handles = [real_line]
        handles += [
            Patch(color=c, label=f"nominal: {s}")
            for s, c in _STATUS_COLOURS.items()
            if s in set(history["status"])
        ]
        ax.legend(
            handles=handles, loc="upper left", bbox_to_anchor=(0, 0.93), fontsize=8, frameon=False
        )
        return to_svg(
            fig,
            figure_id="sma-history",
            caption=(
                f"Yearly ROK payments, nominal (bars, coloured by data status) and in {base_year} "
                "won (line, deflated by ROK CPI; CPI after the last published year assumed). "
                "1991-2004 were paid in dollars and are converted at yearly average rates."
            ),
            source=_DATA_SOURCE,
        )


def _schedules_figure(results: AnalysisResults, ids: list[str]) -> FigureSVG:
    specs = results.scenario.agreements()
    return yearly_bars(
        {specs[sid].name: results.ledgers[sid].set_index("year")["nominal_usd"] for sid in ids},
        title="Schedules compared: yearly amounts",
        figure_id="schedules",
        caption="Each schedule of the scenario converted to US dollars at yearly average "
        "KRW/USD rates (held at the last published rate for later years).",
        source=f"scenario {results.scenario.meta.id}; FX: burdenshare.data fx",
        unit="billion USD (yearly average rate)",
    )


def _per_troop_figure(results: AnalysisResults, ids: list[str]) -> FigureSVG:
    sc = results.scenario
    sending = sc.parties[sc.party_id("sending")]
    troops = sending.troops
    levels = sorted(
        {
            t
            for t in (
                troops.current if troops else 28_500,
                troops.legal_floor if troops else None,
                22_000,  # the FY2019 NDAA floor: the lowest level Congress had recently allowed
            )
            if t
        },
        reverse=True,
    )
    with new_figure(8, 4.2) as fig:
        ax = fig.add_subplot()
        width = 0.8 / len(levels)
        first_year = {sid: results.ledgers[sid].iloc[0] for sid in ids}
        for k, level in enumerate(levels):
            xs = np.arange(len(ids)) + (k - (len(levels) - 1) / 2) * width
            values = [first_year[sid]["nominal_usd"] / level for sid in ids]
            bars = ax.bar(
                xs,
                values,
                width=width * 0.95,
                color=PALETTE[k % len(PALETTE)],
                label=f"{level:,} troops",
            )
            ax.bar_label(bars, labels=[f"${v:,.0f}" for v in values], fontsize=7, padding=2)
        ax.set_xticks(
            np.arange(len(ids)), [f"{sid}\n({int(first_year[sid]['year'])})" for sid in ids]
        )
        ax.yaxis.set_major_formatter(scaled_formatter(1e3))
        ax.set_ylabel("thousand USD per soldier per year")
        ax.set_title("Cost per stationed US soldier, first year")
        ax.legend(fontsize=8, frameon=False, title="troop level", title_fontsize=8)
        ax.margins(y=0.15)
        return to_svg(
            fig,
            figure_id="per-troop",
            caption="First-year amount of each schedule divided by troop levels: the current "
            "level, the NDAA floor in the scenario, and the FY2019 NDAA floor (22,000).",
            source=f"scenario {sc.meta.id}; NDAA floors: docs/data.md",
        )


def _real_figure(results: AnalysisResults, ids: list[str]) -> FigureSVG:
    with new_figure(8, 3.8) as fig:
        ax = fig.add_subplot()
        for k, sid in enumerate(ids):
            f = results.ledgers[sid]
            colour = PALETTE[k % len(PALETTE)]
            ax.plot(
                f["year"],
                f["cum_nominal"] / f["nominal"] * f["nominal_usd"],
                marker="o",
                color=colour,
                label=f"{sid}: cumulative nominal",
            )
            # dollars at base-year US prices (each currency deflates with its own CPI)
            real_usd = (f["real"] if "real_usd" not in f else f["real_usd"]).cumsum()
            ax.plot(
                f["year"],
                real_usd,
                marker="s",
                ls="--",
                color=colour,
                label=f"{sid}: cumulative real ({results.base_year} prices)",
            )
        ax.yaxis.set_major_formatter(scaled_formatter(1e9, 1))
        ax.set_ylabel("billion USD")
        ax.set_xlabel("year")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_title("Cumulative cost over the agreement's life")
        ax.legend(fontsize=7, frameon=False)
        return to_svg(
            fig,
            figure_id="cumulative",
            caption="Running totals of each schedule in USD at each year's rate, nominal and in "
            "base-year US prices (US CPI).",
            source=f"scenario {results.scenario.meta.id}; burdenshare.data cpi-us, fx",
        )


def _categories_figure(results: AnalysisResults, ids: list[str]) -> FigureSVG:
    specs = results.scenario.agreements()
    with new_figure(8, 1.6 + 0.7 * len(ids)) as fig:
        ax = fig.add_subplot()
        colour_of: dict[str, str] = {}
        for row, sid in enumerate(ids):
            f = results.ledgers[sid].iloc[0]
            to_usd = f["nominal_usd"] / f["nominal"] if f["nominal"] else 0.0
            new = {c.name for c in specs[sid].categories if c.new}
            left = 0.0
            for col in [c for c in f.index if c.startswith("cat_") and pd.notna(f[c])]:
                name = col.removeprefix("cat_")
                value = f[col] * to_usd
                if name not in colour_of:
                    colour_of[name] = PALETTE[len(colour_of) % len(PALETTE)]
                ax.barh(
                    row,
                    value,
                    left=left,
                    color=colour_of[name],
                    hatch="//" if name in new else None,
                    edgecolor="white",
                    label=name if name not in ax.get_legend_handles_labels()[1] else None,
                )
                left += value
            ax.text(left, row, f"  ${left / 1e9:,.2f} bn", va="center", fontsize=8)
        ax.set_yticks(range(len(ids)), ids)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(scaled_formatter(1e9, 1))
        ax.set_xlabel("billion USD, first year (hatched: new category)")
        ax.set_title("What each schedule pays for")
        ax.legend(fontsize=8, frameon=False, loc="lower right")
        ax.margins(x=0.12)
        return to_svg(
            fig,
            figure_id="categories",
            caption="First-year amount of each schedule split by cost category, in US dollars. "
            "A hatched bar is a category outside the existing SMA framework.",
            source=f"scenario {results.scenario.meta.id}",
        )


def _ledger_table(results: AnalysisResults, sid: str) -> str:
    f = results.ledgers[sid]
    cur = f.attrs["currency"]
    others = [c for c in f.columns if c.startswith("nominal_") and c != f"nominal_{cur.lower()}"]
    # (column, header, scale, format)
    spec = [
        ("year", "year", 1, "{}"),
        ("nominal", f"nominal ({cur} bn)", 1e9, "{:,.1f}"),
        ("change_percent", "change %", 1, "{:+.1f}"),
        ("basis", "basis", None, "{}"),
        ("real", f"real ({cur} bn, {results.base_year} prices)", 1e9, "{:,.1f}"),
        *[(c, f"{c.removeprefix('nominal_').upper()} bn", 1e9, "{:,.3f}") for c in others],
        ("troops", "troops", 1, "{:,}"),
        ("per_troop", f"per troop ({cur})", 1, "{:,.0f}"),
        ("cum_nominal", f"cumulative ({cur} bn)", 1e9, "{:,.1f}"),
    ]
    table = pd.DataFrame(
        {header: f[col] if scale in (None, 1) else f[col] / scale for col, header, scale, _ in spec}
    )
    return table_html(table, formats={header: fmt for _, header, _, fmt in spec})


@register_section(50, "ledger")
def ledger_section(results: AnalysisResults) -> Section:
    """SMA history, the scenario's schedules compared, per-troop and cumulative costs."""
    ids = list(results.scenario.ledger.compare) or list(results.ledgers)
    figures = [
        _history_figure(results.history, results.base_year),
        _schedules_figure(results, ids),
        _categories_figure(results, ids),
        _per_troop_figure(results, ids),
    ]
    if any(len(results.ledgers[sid]) > 1 for sid in ids):
        figures.append(_real_figure(results, ids))
    notes = [n[0].upper() + n[1:] for n in results.assumption_notes()]
    comparison = None
    if results.comparison is not None:
        c = results.comparison
        a, b = c.columns[1], c.columns[2]
        first = c.iloc[0]
        # the basis columns matter only when one schedule was extended
        quiet = ["in_horizon"] + ([] if c.attrs.get("extended") else ["a_basis", "b_basis"])
        table = c.drop(columns=quiet, errors="ignore").rename(
            columns={
                "difference": f"{b} − {a}",
                "ratio": f"{b} / {a}",
                "cum_difference": "cumulative difference",
                "a_basis": f"{a} basis",
                "b_basis": f"{b} basis",
            }
        )
        money = [
            col
            for col in table.columns
            if col not in ("year", f"{b} / {a}") and pd.api.types.is_float_dtype(table[col])
        ]
        scaled = table.copy()
        scaled[money] = table[money] / 1e9
        comparison = {
            "a": a,
            "b": b,
            "year": int(first["year"]),
            "first_a": f"{first[a] / 1e9:,.2f}",
            "first_b": f"{first[b] / 1e9:,.2f}",
            "ratio": f"{first[a] / first[b]:,.1f}",
            "extended": [
                (a if side == "a" else b, b if side == "a" else a, rule)
                for side, rule in c.attrs.get("extended", {}).items()
            ],
            "horizon": c.attrs.get("horizon"),
            "table": table_html(
                scaled, formats={**{m: "{:,.3f}" for m in money}, f"{b} / {a}": "{:.3f}"}
            ),
        }
    text = render("ledger.html.j2", base_year=results.base_year, notes=notes, comparison=comparison)
    ledgers = []
    for sid in results.ledgers:
        spec = results.scenario.agreements()[sid]
        ledgers.append((sid, spec.name, spec.estimate, _ledger_table(results, sid)))
    hist = results.history.copy()
    hist["amount_krw"] /= 1e9
    hist["real_krw"] /= 1e9
    hist["amount_usd"] /= 1e6
    history = table_html(
        hist[["year", "round", "amount_krw", "real_krw", "amount_usd", "status"]].rename(
            columns={
                "amount_krw": "nominal (KRW bn)",
                "real_krw": f"real (KRW bn, {results.base_year})",
                "amount_usd": "USD M",
            }
        ),
        formats={
            "nominal (KRW bn)": "{:,.1f}",
            f"real (KRW bn, {results.base_year})": "{:,.1f}",
            "USD M": "{:,.0f}",
        },
    )
    after = render("ledger_after.html.j2", ledgers=ledgers, history=history)
    return Section(title="Payments and costs", html=text, figures=tuple(figures), after=after)
