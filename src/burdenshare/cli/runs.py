"""``runs`` (stored runs of every kind, newest first) and ``show`` (one run summarised)."""

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from burdenshare.app import runs as stored
from burdenshare.app.sweep import export_parquet
from burdenshare.cli.main import app, err_console, user_errors
from burdenshare.cli.options import RunDatabases, json_flag, option
from burdenshare.cli.render import print_json, print_run, print_runs
from burdenshare.cli.render_sweep import print_sweep_result
from burdenshare.errors import BurdenshareError


def _databases(db: Path | None) -> list[Path]:
    return [db] if db is not None else stored.default_databases()


@app.command("runs")
@user_errors
def runs_cmd(
    db: RunDatabases = None,
    as_json: Annotated[bool, json_flag("Print the runs as JSON records.")] = False,
) -> None:
    """List stored runs of every kind (analyze, sweep, backtest), newest first.

    Without --db, lists the runs in results.duckdb (where `sweep` writes by default) and in
    out/*/results.duckdb (where `analyze` writes, e.g. after `make demo`). A sweep's chunks
    column shows how many of its chunks are stored; `burdenshare show RUN_ID` summarises a run.

    Examples:

      burdenshare runs

      burdenshare runs --db results.duckdb --json
    """
    databases = _databases(db)
    runs = stored.find_runs(databases)
    if as_json:
        print_json(stored.runs_json(runs))
    else:
        print_runs(runs, databases)


@app.command("show")
@user_errors
def show_cmd(
    run_id: Annotated[str, typer.Argument(metavar="RUN_ID", help="A run's id (see `runs`).")],
    db: RunDatabases = None,
    parquet: Annotated[Path | None, option(
        "--parquet", help="Write a sweep's per-draw table to this Parquet file."
    )] = None,
    as_json: Annotated[bool, json_flag("Print the summary as JSON.")] = False,
) -> None:  # fmt: skip
    """Summarise a stored run: what made it, its tables and, when it has draws, P(deal),
    P(deal) by the lapse, terms, cost and sensitivity.

    A sweep's --json is the JSON `sweep --json` printed; other runs' JSON holds the run's
    metadata, "tables" (rows per table) and "sweep" (the same summary of the draws an analysis
    ran, or null). Uses the run's scenario file when it still has the run's content (for the
    lapse date and the costs); otherwise summarises the stored table alone and says so.

    Examples:

      burdenshare show 3f2a9c1b7d4e

      burdenshare show 3f2a9c1b7d4e --db out/sma-2019/results.duckdb --json
    """
    run = stored.open_run(run_id, _databases(db))
    for note in run.notes:
        err_console.print(f"[yellow]note:[/] {escape(note)}", soft_wrap=True)
    if parquet is not None:
        if run.kind != "sweep":
            raise BurdenshareError.single(
                f"run {run_id} is an {run.kind} run; --parquet exports a sweep's draws",
                path="--parquet",
            )
        rows = export_parquet(run.db, run_id, parquet)
        err_console.print(f"[green]parquet[/] {parquet} ({rows:,} rows)")
    if as_json:
        print_json(stored.sweep_json(run.sweep, run_id) if run.kind == "sweep" else run.to_json())
    elif run.kind == "sweep":
        print_sweep_result(run.sweep, run_id, run.db, scenario=run.scenario)
    else:
        print_run(run)
