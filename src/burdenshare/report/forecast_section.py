"""Report section: multi-actor forecasts — actor map, median/mean trajectories, position paths,
the forecast distribution under noise, and a sentence stating the forecast and its stability."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from burdenshare.report.figures import PALETTE, FigureSVG, new_figure, to_svg
from burdenshare.report.html import table_html
from burdenshare.report.sections import Section, register_section
from burdenshare.report.templates import render

if TYPE_CHECKING:
    from burdenshare.app.analyze import AnalysisResults
    from burdenshare.forecast.scenario_actors import ScenarioForecast


def _label(results: AnalysisResults, dim: str) -> str:
    spec = results.scenario.actors.dimensions[dim]  # type: ignore[union-attr]
    unit = f" ({spec.unit})" if spec.unit else ""
    return f"{spec.description or dim}{unit}"


def _actor_map(results: AnalysisResults, fc: ScenarioForecast) -> FigureSVG:
    t = fc.table
    n_dims = t.n_dims
    with new_figure(8, 3.6 * n_dims) as fig:
        for k, dim in enumerate(t.dimensions):
            ax = fig.add_subplot(n_dims, 1, k + 1)
            weight = t.capability * t.salience[:, k]
            sizes = 600 * t.capability / t.capability.max()
            ax.scatter(
                t.position[:, k],
                weight,
                s=sizes,
                alpha=0.55,
                color=PALETTE[k],
                edgecolor="black",
                linewidth=0.5,
            )
            for i, name in enumerate(t.names):
                ax.annotate(
                    name,
                    (t.position[i, k], weight[i]),
                    fontsize=7,
                    xytext=(4, 4),
                    textcoords="offset points",
                )
            ax.set_xlabel(_label(results, dim))
            ax.set_ylabel("capability × salience")
            ax.set_title(f"Actor map: {dim}")
        return to_svg(
            fig,
            figure_id="actor-map",
            caption="Each actor's position against its weight in the models (capability × "
            "salience); bubble area is proportional to capability.",
            source=f"scenario {results.scenario.meta.id}, [actors] (analyst codings; see notes)",
        )


def _trajectories(results: AnalysisResults, fc: ScenarioForecast) -> FigureSVG:
    dims = fc.table.dimensions
    with new_figure(8, 3.4 * len(dims)) as fig:
        for k, dim in enumerate(dims):
            ax = fig.add_subplot(len(dims), 1, k + 1)
            for j, (name, run) in enumerate(fc.runs.items()):
                traj = run.trajectory[run.trajectory["dimension"] == dim]
                if len(traj) < 2:
                    continue  # baselines have round 0 only; shown as lines below
                ax.plot(
                    traj["round"],
                    traj["median"],
                    marker="o",
                    ms=3,
                    color=PALETTE[j % len(PALETTE)],
                    label=f"{name}: median",
                )
                ax.plot(
                    traj["round"],
                    traj["mean"],
                    ls="--",
                    color=PALETTE[j % len(PALETTE)],
                    label=f"{name}: mean",
                )
            base = fc.runs.get("median") or next(iter(fc.runs.values()))
            start = base.trajectory[base.trajectory["dimension"] == dim].iloc[0]
            ax.axhline(
                start["median"], color="#777777", lw=0.8, ls=":", label="round 0 weighted median"
            )
            ax.set_xlabel("round")
            ax.set_ylabel(_label(results, dim))
            ax.set_title(f"Median and mean by round: {dim}")
            ax.legend(fontsize=7, frameon=False)
        return to_svg(
            fig,
            figure_id="forecast-trajectory",
            caption="Capability×salience-weighted median and mean of the actors' positions, "
            "round by round, for each iterative model.",
            source=f"burdenshare forecast models on scenario {results.scenario.meta.id}",
        )


def _paths(results: AnalysisResults, fc: ScenarioForecast, model: str) -> FigureSVG:
    run = fc.runs[model]
    dim = fc.table.dimensions[0]
    frame = run.positions[run.positions["dimension"] == dim]
    with new_figure(8, 4.4) as fig:
        ax = fig.add_subplot()
        for i, (actor, rows) in enumerate(frame.groupby("actor", sort=False)):
            ax.plot(
                rows["round"],
                rows["value"],
                marker=".",
                lw=1.2,
                color=PALETTE[i % len(PALETTE)],
                alpha=0.85,
                label=actor,
            )
        ax.set_xlabel("round")
        ax.set_ylabel(_label(results, dim))
        ax.set_title(f"Position paths ({model}): {dim}")
        ax.legend(fontsize=6, frameon=False, ncol=2, loc="best")
        return to_svg(
            fig,
            figure_id="forecast-paths",
            caption=f"Every actor's position on {dim}, round by round, under {model}.",
            source=f"burdenshare forecast models on scenario {results.scenario.meta.id}",
        )


def _distribution(results: AnalysisResults, fc: ScenarioForecast) -> FigureSVG:
    dim = fc.table.dimensions[0]
    with new_figure(8, 3.8) as fig:
        ax = fig.add_subplot()
        for j, (name, mc) in enumerate(fc.monte_carlo.items()):
            dist = mc.distribution()
            values = dist.loc[dist["dimension"] == dim, "forecast"].to_numpy()
            ax.hist(
                values,
                bins=30,
                alpha=0.55,
                color=PALETTE[j % len(PALETTE)],
                label=f"{name} ({values.size} runs)",
            )
        ax.set_xlabel(_label(results, dim))
        ax.set_ylabel("runs")
        ax.set_title(f"Forecast distribution under input noise: {dim}")
        ax.legend(fontsize=8, frameon=False)
        return to_svg(
            fig,
            figure_id="forecast-distribution",
            caption="Forecasts of perturbed actor tables (positions, saliences and capabilities "
            "drawn around the coded values; seeded).",
            source=f"burdenshare forecast Monte Carlo on scenario {results.scenario.meta.id}",
        )


def _words(results: AnalysisResults, fc: ScenarioForecast, notes: list[str]) -> str:
    """The forecasts in words (``templates/forecast.html.j2``)."""
    dim = fc.table.dimensions[0]
    spec = results.scenario.actors.dimensions[dim]  # type: ignore[union-attr]
    noise = []
    for name, mc in fc.monte_carlo.items():
        dist = mc.distribution()
        v = dist.loc[dist["dimension"] == dim, "forecast"].to_numpy()
        if v.size:
            lo, mid, hi = np.quantile(v, [0.05, 0.5, 0.95])
            noise.append((name, f"{mid:,.4g}", f"{lo:,.4g}", f"{hi:,.4g}"))
    return render(
        "forecast.html.j2",
        topic=spec.description or dim,
        unit=f" {spec.unit}" if spec.unit else "",
        forecasts=[(name, f"{run.forecast[0]:,.4g}") for name, run in fc.runs.items()],
        noise=noise,
        stops=[(n, r.stop) for n, r in fc.runs.items() if len(r.trajectory["round"].unique()) > 1],
        notes=notes,
    )


@register_section(30, "forecast")
def forecast_section(results: AnalysisResults) -> Section | None:
    """Multi-actor forecasts, when the scenario has an [actors] section."""
    fc = results.forecast
    if fc is None:
        return None
    figures = [_actor_map(results, fc), _trajectories(results, fc)]
    iterative = [n for n, r in fc.runs.items() if len(r.trajectory["round"].unique()) > 1]
    if iterative:
        figures.append(_paths(results, fc, iterative[0]))
    if fc.monte_carlo:
        figures.append(_distribution(results, fc))
    notes = sorted({n for r in fc.runs.values() for n in r.notes})
    intro = _words(results, fc, notes)
    actors = fc.table.frame()
    after = render("forecast_after.html.j2", table=table_html(actors, formats={}))
    return Section(title="Forecast", html=intro, figures=tuple(figures), after=after)
