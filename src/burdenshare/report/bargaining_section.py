"""Report section: bilateral bargaining — utility space with ZOPA, win-sets, Pareto frontier and
solution points; offer traces; the tournament heatmap; what ratification does to the outcome."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from burdenshare.report.figures import PALETTE, FigureSVG, new_figure, to_svg
from burdenshare.report.sections import Section, register_section
from burdenshare.report.templates import render
from burdenshare.sweep.bottom_line import money

if TYPE_CHECKING:
    from burdenshare.app.analyze import AnalysisResults
    from burdenshare.bargaining.engine import Negotiation
    from burdenshare.bargaining.talks import ScenarioBargainingResults

_MARKERS = {"nash": ("*", "Nash"), "kalai-smorodinsky": ("D", "Kalai–Smorodinsky"),
            "max-welfare": ("s", "max welfare")}  # fmt: skip


def _utility_space(b: ScenarioBargainingResults, parties: tuple[str, str]) -> FigureSVG:
    u = b.free.utilities
    r = b.free.reserved
    # outcomes beyond a red line score below 0 (worse than no deal): not drawn
    inside = (u[0] >= 0) & (u[1] >= 0)
    with new_figure(7.5, 6) as fig:
        ax = fig.add_subplot()
        label = f"within both sides' red lines ({int(inside.sum()):,} of {u.shape[1]:,})"
        ax.scatter(u[0, inside], u[1, inside], s=16, color="#bbbbbb", label=label)
        z = b.free.zopa.mask
        ax.scatter(u[0, z], u[1, z], s=22, color="#9dc3e6", label="ZOPA (both prefer to no deal)")
        w = b.win_set
        ax.scatter(u[0, w], u[1, w], s=30, color=PALETTE[1], label="two-level win-set")
        front = np.asarray(b.free.pareto)
        front = front & inside if front.dtype == bool else front[inside[front]]
        ax.plot(u[0, front], u[1, front], color=PALETTE[0], lw=1.5, label="Pareto frontier")
        for name, o in b.free.points.items():
            if o is not None and name in _MARKERS:
                marker, label = _MARKERS[name]
                ax.scatter(
                    u[0, o],
                    u[1, o],
                    marker=marker,
                    s=120,
                    color=PALETTE[2],
                    edgecolor="black",
                    zorder=5,
                    label=label,
                )
        ax.axvline(r[0], color="#777777", ls=":", lw=1)
        ax.axhline(r[1], color="#777777", ls=":", lw=1)
        # the drawn outcomes all lie in [0, 1]²; negative utilities (beyond a red line) are off
        ax.set_xlim(-0.05, 1.05)
        ax.set_ylim(-0.05, 1.05)
        ax.set_xlabel(f"utility of {parties[0]} (0-1; dotted: no-deal utility)")
        ax.set_ylabel(f"utility of {parties[1]} (0-1)")
        ax.set_title("Outcomes in utility space")
        ax.legend(fontsize=7, frameon=False, loc="lower left")
        return to_svg(
            fig,
            figure_id="utility-space",
            caption="Every outcome within both sides' red lines (on the report's grid) by the two "
            "sides' utilities (outcomes beyond a red line are worse than no deal and not drawn): "
            "the zone of possible agreement, the outcomes both ratifiers would accept, "
            "the Pareto frontier and the Nash and Kalai–Smorodinsky solutions.",
            source="scenario preferences (analyst estimates); burdenshare.bargaining",
        )


def _traces(
    results: AnalysisResults, b: ScenarioBargainingResults, parties: tuple[str, str]
) -> FigureSVG:
    """Each featured pair's offers on the amount against calendar dates (utility space when the
    scenario has no amount issue or no round dates)."""
    from burdenshare.bargaining.talks import round_dates

    sc = results.scenario
    spec = sc.bargaining
    issue = spec.terms.get("first_year_total") if spec is not None else None
    dates = round_dates(sc, spec.steps) if spec is not None else None
    if issue is None or dates is None:
        return _utility_traces(b, parties)
    space = b.domain.space
    k = space.names.index(issue)
    unit = getattr(sc.issues[issue], "unit", "")
    scale = 1e9 if unit in ("KRW", "JPY", "USD") else 1.0
    names = [sc.parties[p].name for p in parties]
    pairs = sorted({(a, c) for a, c, _ in b.traces})
    with new_figure(9, 3.4 * len(pairs)) as fig:
        for n, (a, c) in enumerate(pairs):
            ax = fig.add_subplot(len(pairs), 1, n + 1)
            for m, ratified in enumerate((False, True)):
                result = b.traces[(a, c, ratified)]
                for side in (0, 1):
                    pts = [
                        (pd.Timestamp(dates[e.round]), space.values[e.outcome, k] / scale)
                        for e in result.trace
                        if e.action == "offer" and e.side == side and e.outcome is not None
                    ]
                    if pts:
                        xs, ys = zip(*pts, strict=True)
                        ax.step(
                            xs, ys, where="post", lw=1.2, ls="--" if ratified else "-",
                            color=PALETTE[side], alpha=1.0 if ratified else 0.6,
                            label=f"{names[side]} offers"
                            + (" (both ratifiers vote)" if ratified else " (negotiators alone)"),
                        )  # fmt: skip
                if result.agreement is not None:
                    ax.scatter(
                        [pd.Timestamp(dates[result.step - 1])],
                        [space.values[result.agreement, k] / scale],
                        marker="*", s=160, color=PALETTE[2 + m], edgecolor="black", zorder=5,
                        label="deal" + (" (ratified)" if ratified else " (negotiators alone)"),
                    )  # fmt: skip
            ax.set_yscale("log")
            ax.yaxis.set_major_formatter(lambda v, _p: f"{v:,.0f}")
            ax.yaxis.set_minor_formatter(lambda v, _p: "")
            ax.set_ylabel(f"{issue} ({'bn ' if scale == 1e9 else ''}{unit})")
            ax.set_title(f"{names[0]} {a} vs {names[1]} {c}")
            ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        fig.autofmt_xdate()
        return to_svg(
            fig,
            figure_id="offer-traces",
            caption="Each side's offers on the amount, round by round against calendar dates, "
            "played by the negotiators alone (solid) and with both ratifiers voting (dashed); "
            "stars mark deals. Scenario point estimates, every event at its likelier outcome.",
            source="burdenshare.bargaining reference engine",
        )


def _utility_traces(b: ScenarioBargainingResults, parties: tuple[str, str]) -> FigureSVG:
    pairs = sorted({(a, c) for a, c, _ in b.traces})
    with new_figure(8, 3.6 * len(pairs)) as fig:
        for k, (a, c) in enumerate(pairs):
            ax = fig.add_subplot(len(pairs), 1, k + 1)
            for m, ratified in enumerate((False, True)):
                result = b.traces[(a, c, ratified)]
                offers = [e for e in result.trace if e.action == "offer"]
                for side in (0, 1):
                    pts = np.array([e.utilities for e in offers if e.side == side])
                    if len(pts):
                        ax.plot(
                            pts[:, 0],
                            pts[:, 1],
                            marker=".",
                            ms=3,
                            lw=0.8,
                            ls="-" if not ratified else "--",
                            color=PALETTE[(2 * m + side) % len(PALETTE)],
                            label=f"{parties[side]} offers"
                            + (" (ratification)" if ratified else ""),
                        )
                if result.agreement is not None and result.utilities is not None:
                    ax.scatter(
                        *result.utilities,
                        marker="*",
                        s=160,
                        color=PALETTE[2 * m],
                        edgecolor="black",
                        zorder=5,
                        label="agreement" + (" (ratified)" if ratified else ""),
                    )
            ax.set_xlabel(f"utility of {parties[0]}")
            ax.set_ylabel(f"utility of {parties[1]}")
            ax.set_title(f"Offer traces: {parties[0]} {a} vs {parties[1]} {c}")
            ax.legend(fontsize=7, frameon=False)
        return to_svg(
            fig,
            figure_id="offer-traces",
            caption="Each side's offers in utility space, round by round, without ratification "
            "(solid) and with the two-level constraint (dashed); stars mark agreements.",
            source="burdenshare.bargaining reference engine",
        )


def tournament_heatmap(s: pd.DataFrame, parties: tuple[str, str]) -> FigureSVG:
    """Agreement rate per (opener, responder) strategy pair, one panel per ratification mode."""
    names = list(dict.fromkeys(s["opener"]))
    modes = sorted(set(s["ratified"]))
    with new_figure(4.4 * len(modes) + 1, 4.6) as fig:
        for k, ratified in enumerate(modes):
            ax = fig.add_subplot(1, len(modes), k + 1)
            part = s[s["ratified"] == ratified]
            grid = part.pivot(index="opener", columns="responder", values="agreement_rate")
            grid = grid.reindex(index=names, columns=names)
            ax.imshow(grid.to_numpy(), vmin=0, vmax=1, cmap="Blues")
            for (i, j), v in np.ndenumerate(grid.to_numpy()):
                ax.text(
                    j,
                    i,
                    f"{v:.0%}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if v > 0.6 else "black",
                )
            ax.set_xticks(range(len(names)), names, rotation=45, ha="right", fontsize=7)
            ax.set_yticks(range(len(names)), names, fontsize=7)
            ax.set_xlabel(f"{parties[1]} strategy")
            ax.set_ylabel(f"{parties[0]} strategy")
            ax.set_title("with ratification" if ratified else "without ratification", fontsize=10)
            ax.grid(False)
        fig.suptitle("Tournament: share of runs ending in agreement", fontweight="bold")
        return to_svg(
            fig,
            figure_id="tournament",
            caption="Every ordered pair of strategies (sending party opens), each run over the "
            "scenario's seeds, without and with two-level ratification.",
            source="burdenshare.bargaining batch engine",
        )


def _describe(result: Negotiation) -> str:
    if result.agreement is None or result.utilities is None:
        return f"no agreement ({result.reason.label}, {result.step} rounds)"
    u = result.utilities
    return f"agreement in round {result.step} (utilities {u[0]:.3f} / {u[1]:.3f})"


def _troop_floor(
    results: AnalysisResults, b: ScenarioBargainingResults, parties: tuple[str, str]
) -> dict[str, object] | None:
    """What the legal troop floor does: the featured pairs with the counterfactual no-floor
    outside option of the sending party, under ratification."""
    sc = results.scenario
    troops = sc.parties[parties[0]].troops
    if not b.no_floor or troops is None:
        return None
    alt = sc.bargaining.no_floor_outside_option  # type: ignore[union-attr]
    return {
        "legal": f"{troops.legal_floor:,}",
        "current": f"{troops.current:,}",
        "party": sc.parties[parties[0]].name,
        "reserved": f"{b.free.reserved[0]:.2f}",
        "alternative": f"{alt:.2f}",
        "pairs": [
            (a, c, _describe(b.traces[(a, c, True)]), _describe(res))
            for (a, c), res in b.no_floor.items()
        ],
    }


def _issue_value(results: AnalysisResults, issue: str, value: object) -> str:
    """An outcome's value in words: money in bn of its currency, other numbers with their unit."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    spec = results.scenario.issues.get(issue)
    unit = getattr(spec, "unit", "") or ""
    if unit in ("KRW", "JPY", "USD"):
        return money(float(value), unit)
    if unit == "years" and value == 1:
        unit = "year"
    return f"{value:,g} {unit}".strip()


@register_section(25, "bargaining")
def bargaining_section(results: AnalysisResults) -> Section | None:
    """Bilateral bargaining, when the scenario has a [bargaining] section."""
    b = results.bargaining
    if b is None:
        return None
    parties = (b.domain.parties[0], b.domain.parties[1])
    zopa = int(b.free.zopa.size)
    two_level = int((b.free.zopa.mask & b.win_set).sum())
    rates = b.summary.groupby("ratified")["agreement_rate"].mean()
    nash = b.free.points.get("nash")
    space = b.domain.space
    terms = None
    if nash is not None:
        terms = ", ".join(
            f"{k} = {_issue_value(results, k, v)}" for k, v in space.outcome(nash).items()
        )
    text = render(
        "bargaining.html.j2",
        n_outcomes=f"{space.n_outcomes:,}",
        zopa=f"{zopa:,}",
        win_set=f"{int(b.win_set.sum()):,}",
        two_level=f"{two_level:,}",
        deadlock=two_level == 0,
        nash=terms,
        rate_free=f"{rates.get(False, np.nan):.0%}",
        rate_ratified=f"{rates.get(True, np.nan):.0%}",
        floor=_troop_floor(results, b, parties),
    )
    figures = (
        _utility_space(b, parties),
        _traces(results, b, parties),
        tournament_heatmap(b.summary, parties),
    )
    return Section(title="Bargaining", html=text, figures=figures)
