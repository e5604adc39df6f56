"""``sweep``: Monte Carlo over a scenario's [uncertainty], one negotiation per draw, in DuckDB."""

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from burdenshare.app import sweep as sweeps
from burdenshare.app.runs import sweep_json
from burdenshare.app.sweep import SweepInterrupted
from burdenshare.cli.main import app, err_console, load_checked, user_errors
from burdenshare.cli.options import json_flag, option
from burdenshare.cli.render import print_json
from burdenshare.cli.render_sweep import print_sweep_result
from burdenshare.errors import BurdenshareError

# The options of `sweep` (module-level aliases keep its signature one line per option).
SweepScenario = Annotated[
    str | None,
    typer.Argument(
        metavar="[FILE|NAME]",
        show_default=False,
        help="Scenario with an [uncertainty] section (with --resume: default, the run's file).",
    ),
]
Draws = Annotated[
    int | None, option("--draws", "-n", min=1, help="Draws (default: [uncertainty] draws).")
]
Seed = Annotated[
    int | None, option("--seed", min=0, help="Master seed (default: [uncertainty] seed).")
]
Executor = Annotated[
    str, option("--executor", "-e", help="local (in-process), processes (all cores) or dask.")
]
Workers = Annotated[
    int | None,
    option("--workers", "-w", min=1, help="Processes or Dask workers (default: all cores)."),
]
Scheduler = Annotated[
    str | None,
    option("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786 (dask only)."),
]
Resume = Annotated[
    str | None, option("--resume", metavar="RUN_ID", help="Finish an interrupted sweep.")
]
Parquet = Annotated[Path | None, option(
    "--parquet", help="Also write the per-draw table to this Parquet file.")]  # fmt: skip


@app.command("sweep")
@user_errors
def sweep_cmd(
    source: SweepScenario = None,
    draws: Draws = None,
    seed: Seed = None,
    executor: Executor = "local",
    workers: Workers = None,
    scheduler: Scheduler = None,
    db: Annotated[Path, option("--db", help="DuckDB file.")] = Path("results.duckdb"),
    chunk_size: Annotated[int, option("--chunk-size", min=1, help="Draws per chunk.")] = 16_384,
    ratify: Annotated[bool, option("--ratify/--no-ratify", help="Ratifiers vote on deals.")] = True,
    resume: Resume = None,
    parquet: Parquet = None,
    as_json: Annotated[bool, json_flag("Print the summary as JSON.")] = False,
) -> None:  # fmt: skip
    """Monte Carlo over a scenario's [uncertainty]: one negotiation per draw, stored in DuckDB.

    Each chunk of draws is committed at once, so Ctrl-C, kill -9 or a dying worker lose at most
    the chunks in flight; `--resume RUN_ID` computes only the missing ones and ends with the same
    table as an uninterrupted run. Results are identical for any executor, worker count and
    chunk size.

    Examples:

      burdenshare sweep scenarios/sma-2019.toml --draws 1000000

      burdenshare sweep sma-2019 --executor dask --scheduler tcp://10.0.0.5:8786

      burdenshare sweep --resume 3f2a9c1b7d4e
    """
    where = {"executor": executor, "workers": workers, "scheduler": scheduler}
    try:
        if resume is not None:
            scenario = load_checked(sweeps.resume_source(db, resume, source))
            run_id = sweeps.resume(scenario, db, resume, **where)
        elif source is None:
            raise BurdenshareError.single(
                "no scenario given", expected="burdenshare sweep SCENARIO (or --resume RUN_ID)"
            )
        else:
            scenario = load_checked(source)
            run_id = sweeps.sweep(scenario, db, draws=draws, seed=seed, ratification=ratify,
                                  chunk_size=chunk_size, **where)  # fmt: skip
    except SweepInterrupted as exc:
        for problem in exc.problems:
            err_console.print(f"[yellow]interrupted:[/] {escape(str(problem))}", soft_wrap=True)
        raise typer.Exit(130) from None
    if parquet is not None:
        rows = sweeps.export_parquet(db, run_id, parquet)
        err_console.print(f"[green]parquet[/] {parquet} ({rows:,} rows)")
    summary = sweeps.summary(scenario, db, run_id)
    if as_json:
        print_json(sweep_json(summary, run_id))
    else:
        print_sweep_result(summary, run_id, db, scenario=scenario)
