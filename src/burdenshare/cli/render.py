"""Terminal rendering of what the commands print — stored runs, negotiations, tournaments,
forecasts — as tables that fit 80 columns, one unit per column, built with
:func:`burdenshare.cli.tables.fit_table`; JSON goes through :func:`print_json`. The money
commands' tables are in :mod:`.render_ledger`, a sweep's and the bottom line in
:mod:`.render_sweep`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import typer

from burdenshare.cli.main import console as default_console
from burdenshare.cli.render_sweep import print_sweep_result
from burdenshare.cli.tables import fit_table, number_column

__all__ = [
    "print_bargain",
    "print_forecast",
    "print_json",
    "print_run",
    "print_runs",
    "print_tournament",
]


def print_json(payload: Any, **options: Any) -> None:
    """``payload`` as indented JSON on stdout (``options``: e.g. ``default=str``)."""
    typer.echo(json.dumps(payload, indent=2, **options))


def print_run(run: Any) -> None:
    """A stored run that is not a sweep: what made it, its tables, its draws' summary."""
    m = run.meta
    started = str(m["started_at"])[:19]
    finished = "" if m["finished_at"] is None else str(m["finished_at"])[:19]
    facts = {
        "scenario": f"{m['scenario_id']}: {m['scenario_title']}",
        "scenario hash": str(m["scenario_hash"])[:12],
        "seed": str(m["seed"]),
        "version": str(m["version"]),
        "started (UTC)": started,
        "finished (UTC)": finished,
        "status": str(m["status"]),
        "file": str(run.db),
    }
    head, _ = fit_table(
        {"": list(facts), "value": list(facts.values())},
        wrap={"value"},
        title=f"Run {run.run_id}: {m['kind']}",
    )
    default_console.print(head)
    tables, _ = fit_table(
        {"table": list(run.tables), "rows": [f"{n:,}" for n in run.tables.values()]},
        right={"rows"},
        title="Stored tables (rows of this run)",
    )
    default_console.print(tables)
    if run.sweep is not None:
        print_sweep_result(
            run.sweep, run.run_id, run.db, heading="its sweep", scenario=run.scenario
        )


def print_runs(runs: pd.DataFrame, databases: list[Path]) -> None:
    """Stored runs, newest first: id, kind, scenario, draws, chunks stored, status, start."""
    columns: dict[str, list[str]] = {"run": [], "kind": [], "scenario": [], "draws": []}
    columns.update({"chunks": [], "status": [], "started (UTC)": []})
    for row in runs.itertuples(index=False):
        chunked = row.kind == "sweep" and not pd.isna(row.chunk_size)
        columns["run"].append(str(row.run_id))
        columns["kind"].append(str(row.kind))
        columns["scenario"].append("" if pd.isna(row.scenario_id) else str(row.scenario_id))
        columns["draws"].append("" if pd.isna(row.n_draws) else f"{int(row.n_draws):,}")
        columns["chunks"].append(
            f"{int(row.chunks_stored)}/{-(-int(row.n_draws) // int(row.chunk_size))}"
            if chunked
            else ""
        )
        columns["status"].append(str(row.status))
        columns["started (UTC)"].append(str(row.started_at)[:16])
    if len(databases) > 1:
        columns["file"] = [str(x) for x in runs["db"]]
    hide = ["file", "chunks", "started (UTC)", "draws"]
    where = str(databases[0]) if len(databases) == 1 else f"{len(databases)} files"
    caption = "details: burdenshare show RUN_ID; all fields: --json"
    table, _ = fit_table(
        columns,
        right={"draws", "chunks"},
        hide=hide,
        title=f"Runs in {where}",
        caption=caption if len(runs) else "no runs stored yet",
    )
    default_console.print(table)


def print_bargain(payload: dict[str, Any], names: tuple[str, str]) -> None:
    """One negotiation in words: the agreement and its round, or why there was none."""
    agreement = payload["agreement"]
    if agreement is None:
        default_console.print(f"no agreement ({payload['reason']}) after {payload['step']} rounds")
    else:
        terms = ", ".join(
            f"{k} = {v:,}"
            if isinstance(v, int | float) and not isinstance(v, bool)
            else f"{k} = {v}"
            for k, v in agreement.items()
        )
        u = payload["utilities"]
        default_console.print(f"agreement in round {payload['step']}: {terms}")
        default_console.print(f"utilities: {names[0]} {u[0]:.3f}, {names[1]} {u[1]:.3f}")
    if payload.get("voided"):
        default_console.print(f"{len(payload['voided'])} tentative deal(s) voided by ratification")


def print_tournament(result: Any, seeds: int, steps: int) -> None:
    """A tournament's summary per (ratified, opener, responder) pair."""
    rows = list(result.summary.itertuples(index=False))
    parties = result.parties
    columns = {
        "ratify": ["yes" if r.ratified else "no" for r in rows],
        "opener": [str(r.opener) for r in rows],
        "responder": [str(r.responder) for r in rows],
        "deals": [f"{r.agreement_rate:.0%}" for r in rows],
        "round": [f"{r.mean_step:.1f}" for r in rows],
        "u opener": ["" if r.u_opener != r.u_opener else f"{r.u_opener:.3f}" for r in rows],
        "u resp.": ["" if r.u_responder != r.u_responder else f"{r.u_responder:.3f}"
                    for r in rows],
    }  # fmt: skip
    table, _ = fit_table(
        columns,
        right={"deals", "round", "u opener", "u resp."},
        hide=["u resp.", "u opener"],
        title=f"tournament: {parties[0]} opens, {seeds} seeds, {steps} rounds",
        caption="ratify: whether both ratifiers vote; deals: share of runs that agree; "
        "round: mean round of the end; "
        "u: mean utility of the agreement; every run: --csv",
    )
    default_console.print(table)


def print_forecast(result: Any) -> None:
    """One table per dimension (round, weighted median, weighted mean), then the forecast."""
    units, dims, trajectory = result.units, result.dimensions, result.trajectory
    for d in dims:
        rows = trajectory[trajectory["dimension"] == d].sort_values("round")
        unit = f" ({units[d]})" if units[d] else ""
        grid, _ = fit_table(
            {
                "round": [str(r) for r in rows["round"]],
                "median": number_column(list(rows["median"]), digits=6),
                "mean": number_column(list(rows["mean"]), digits=6),
            },
            right={"round", "median", "mean"},
            title=f"{result.model} forecast, {result.name}: {d}{unit}",
        )
        default_console.print(grid)
    values = ", ".join(
        f"{d} = {float(v):,.6g}{' ' + units[d] if units[d] else ''}"
        for d, v in zip(dims, result.forecast, strict=True)
    )
    default_console.print(f"forecast: {values} ({result.stop})", highlight=False)
    for note in result.rounds.get("notes", []):
        default_console.print(f"[dim]note: {note}[/]")
