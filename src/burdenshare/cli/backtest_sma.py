"""``burdenshare backtest sma``: every model's as-of forecast of past SMA rounds beside the deal.

Thin: parse, call :func:`burdenshare.backtest.sma.backtest_sma`, render (terminal tables, JSON,
the HTML page, one run in the DuckDB store).
"""

import json
from pathlib import Path
from typing import Any

import typer

from burdenshare.cli.backtest_group import backtest_app
from burdenshare.cli.main import console, err_console, user_errors
from burdenshare.cli.tables import fit_table

_OUT = Path("out") / "backtest-sma"


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x + 0.0:+.1f}%"


def _p(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"


@backtest_app.command("sma")
@user_errors
def sma_cmd(
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
    out: Path = typer.Option(  # noqa: B008
        None, "--out", "-o", help="Output folder (default: out/backtest-sma).", show_default=False
    ),
    db: Path = typer.Option(  # noqa: B008
        None, "--db", help="DuckDB file (default: <out>/results.duckdb).", show_default=False
    ),
    draws: int = typer.Option(400, "--draws", help="Bargaining-sweep draws per round."),
    seed: int = typer.Option(0, "--seed", help="Master seed (each round's seed derives from it)."),
    workers: int = typer.Option(
        1, "--workers", help="Processes, one round each (the results do not depend on it)."
    ),
    rounds: list[str] | None = typer.Option(  # noqa: B008
        None,
        "--round",
        "-r",
        metavar="R",
        help="Round to run (repeatable): 9, 10, 11, 12 or japan-2022. Default: all.",
    ),
) -> None:
    """Backtest every model on past SMA rounds: each round's as-of forecast beside the deal.

    Each round's scenario is built by one rule from facts public on its as-of date (the rule
    and the facts: docs/backtests.md); the bargaining sweep, every registered forecasting
    model and four naive baselines (status quo, last round's rise, split the difference, the
    host's offer) forecast the first-year amount, scored against the actual rise in percentage
    points. Writes report.html (one plot per round) and one 'backtest' run to the DuckDB store.
    --json prints {"rounds": [{"round", "as_of", "actual", "forecasts", "baselines"}],
    "summary": {...}}.

    Examples:

      burdenshare backtest sma

      burdenshare backtest sma --round 11 --draws 2000 --json

      burdenshare backtest sma --out out/backtest --db results.duckdb
    """
    from burdenshare.app import backtest
    from burdenshare.report import write_page
    from burdenshare.report.backtest_sma import backtest_sma_page

    out_dir = out if out is not None else _OUT
    db_path = db if db is not None else out_dir / "results.duckdb"
    out_dir.mkdir(parents=True, exist_ok=True)
    result, run_id = backtest.sma(rounds, draws=draws, seed=seed, workers=workers, db_path=db_path)
    report = write_page(backtest_sma_page(result), out_dir / "report.html")
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
        err_console.print(f"report {report}; results {db_path} (run {run_id})", highlight=False)
        return
    _print(result)
    console.print(f"[green]report[/]  {report}")
    console.print(f"[green]results[/] {db_path} (run {run_id})")


def _print(result: Any) -> None:
    rows = result.summary
    table, _ = fit_table(
        {
            "forecast": list(rows),
            "kind": [s["kind"] for s in rows.values()],
            "MAE (pp)": [
                "–" if s["mae_pp"] is None else f"{s['mae_pp']:.2f}" for s in rows.values()
            ],
            "rounds": [str(s["n"]) for s in rows.values()],
        },
        right={"MAE (pp)", "rounds"},
        title="Mean absolute error of the first-year rise, best first",
        caption=f"sweep: median over draws with a deal ({result.draws} draws a round)",
    )
    console.print(table)
    models = (
        [m for m in next(iter(result.rounds)).forecasts if m != "sweep"] if result.rounds else []
    )
    columns: dict[str, list[str]] = {"round": [], "actual": [], "sweep": [], "P(deal)": []}
    for m in models:
        columns[m] = []
    for r in result.rounds:
        sweep = r.forecasts["sweep"]
        columns["round"].append(r.round)
        columns["actual"].append(_pct(r.actual["change_pct"]))
        columns["sweep"].append(_pct(sweep["change_pct"]))
        columns["P(deal)"].append(_p(sweep["p_deal_by"]["horizon"]))
        for m in models:
            columns[m].append(_pct(r.forecasts[m]["change_pct"]))
    table, _ = fit_table(
        columns,
        right=set(columns) - {"round"},
        hide=list(reversed(models)),
        title="First-year rise: forecasts as of before each deal vs actual",
        caption="P(deal): sweep's P(ratified deal) by the horizon; --json for all numbers",
    )
    console.print(table)
    columns = {"round": [], "actual": [], "deal": [], "years": []}
    names = {
        "status_quo": "status quo",
        "last_rise": "last rise",
        "split": "split",
        "host_offer": "offer",
    }
    for name in names.values():
        columns[name] = []
    for r in result.rounds:
        columns["round"].append(r.round)
        columns["actual"].append(_pct(r.actual["change_pct"]))
        columns["deal"].append(r.actual["deal_date"])
        columns["years"].append(str(r.actual["duration"]))
        for key, name in names.items():
            columns[name].append(_pct(r.baselines[key]["change_pct"]))
    table, _ = fit_table(
        columns,
        right=set(columns) - {"round", "deal"},
        hide=["deal", "years"],
        title="Naive baselines and what happened",
    )
    console.print(table)
