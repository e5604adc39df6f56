"""``validate`` (every problem of a scenario file, one line each) and ``analyze`` (every
analysis a scenario enables: the bottom line in the terminal, the report, the DuckDB run)."""

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from burdenshare.app import analyze
from burdenshare.app.analyze import store_analysis
from burdenshare.app.ledger import check_scenario
from burdenshare.cli.main import app, console, load_checked, user_errors
from burdenshare.cli.options import ScenarioArg, option
from burdenshare.cli.render_sweep import print_bottom_line
from burdenshare.report import write_report


@app.command("validate")
def validate(
    files: Annotated[list[str], typer.Argument(
        metavar="FILE...",
        help="Scenario files (or bundled scenario names) to check.",
        show_default=False,
    )],
) -> None:  # fmt: skip
    """Check scenario files and report every problem, one line each.

    Prints "ok: FILE" for each valid file.
    Problems go to stderr as "FILE:LINE: field.path: message (expected X, found Y)";
    plausibility problems as "warning: FILE:LINE: ..." lines, which do not fail the file.
    Exit status: 2 if any file is bad, else 0. Field reference: docs/scenario.md.

    Examples:

      burdenshare validate scenarios/*.toml

      burdenshare validate my-scenario.toml sma-2019
    """
    bad = False
    for name in files:
        problems, warnings = check_scenario(name)
        for problem in problems:
            typer.echo(str(problem), err=True)
        for warning in warnings:
            typer.echo(f"warning: {warning}", err=True)
        if problems:
            bad = True
        else:
            typer.echo(f"ok: {name}")
    if bad:
        raise typer.Exit(2)


@app.command("analyze")
@user_errors
def analyze_cmd(
    source: ScenarioArg,
    out: Annotated[Path | None, option(
        "--out", "-o", help="Output folder (default: out/<scenario id>).", show_default=False
    )] = None,
    seed: Annotated[int, option("--seed", help="Master seed, recorded with the run.")] = 0,
    db: Annotated[Path | None, option(
        "--db", help="DuckDB file (default: <out>/results.duckdb).", show_default=False
    )] = None,
) -> None:  # fmt: skip
    """Run every analysis the scenario enables; write report.html and results.duckdb.

    The report is one self-contained HTML file (plots embedded; opens offline). Each run adds
    one row to the DuckDB 'runs' table and its rows to one table per result kind; `burdenshare
    runs` lists it and `burdenshare show RUN_ID` summarises it.

    Examples:

      burdenshare analyze scenarios/sma-2019.toml --out out/sma-2019

      burdenshare analyze sma-2021-signed --db results.duckdb
    """
    scenario = load_checked(source)
    results = analyze(scenario, seed=seed)
    out_dir = out if out is not None else Path("out") / scenario.meta.id
    report_path = write_report(results, out_dir / "report.html")
    db_path = db if db is not None else out_dir / "results.duckdb"
    run_id = store_analysis(results, db_path)
    if results.bottom_line is not None:
        print_bottom_line(results.bottom_line)
    for note in results.assumption_notes():  # also in the report's ledger section
        console.print(f"note: {escape(note)}", highlight=False, soft_wrap=True)
    console.print(f"[green]report[/]  {report_path}")
    console.print(f"[green]results[/] {db_path} (run {run_id})")
