"""``burdenshare backtest deu FILE``: every forecasting model on the DEU III benchmark.

Thin: read the file, call :func:`burdenshare.backtest.deu_backtest.backtest_deu`, render.
"""

import json
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from burdenshare.cli.backtest_group import backtest_app
from burdenshare.cli.main import console, user_errors
from burdenshare.cli.tables import fit_table


@backtest_app.command("deu")
@user_errors
def deu_cmd(
    file: Path = typer.Argument(  # noqa: B008
        ...,
        metavar="FILE",
        help="DEU III file (tab-separated; see docs/backtests.md).",
        show_default=False,
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the scores and issues as JSON."),
    out: Path = typer.Option(  # noqa: B008
        None, "--out", "-o", help="Output folder (default: out/backtest-deu).", show_default=False
    ),
    db: Path = typer.Option(  # noqa: B008
        None, "--db", help="DuckDB file (default: <out>/results.duckdb).", show_default=False
    ),
    seed: int = typer.Option(0, "--seed", help="Master seed (models and bootstrap)."),
    resamples: int = typer.Option(
        2000, "--resamples", min=100, help="Bootstrap resamples of proposals."
    ),
    issues: bool = typer.Option(
        True, "--issues/--no-issues", help="Print the per-issue table last (forecast and error)."
    ),
) -> None:
    """Run every registered forecasting model and the baselines on every DEU III issue.

    Prints whether any model beats the capability × salience weighted mean, then per model the
    MAE, RMSE, median absolute error, share within 10 points, test-split MAE, the MAE difference
    against the mean with a 95% interval (bootstrap by proposal) and the runtime, then (unless
    --no-issues) each issue's outcome and forecasts. Writes
    report.html (plots: error distributions, forecast against outcome) and one run of kind
    'backtest' to results.duckdb. --json prints {"models": {name: {"mae", "rmse", "median_ae",
    "within_10", "n", ...}}, "issues": [...]}.

    Examples:

      burdenshare backtest deu tests/data/deu/deu3-public.tsv

      burdenshare backtest deu deu3.tsv --json --seed 1 --out out/deu
    """
    from burdenshare.app import backtest
    from burdenshare.report import write_page
    from burdenshare.report.backtest_deu import deu_page

    out_dir = out if out is not None else Path("out") / "backtest-deu"
    db_path = db if db is not None else out_dir / "results.duckdb"
    out_dir.mkdir(parents=True, exist_ok=True)
    result, run_id = backtest.deu(file, seed=seed, resamples=resamples, db_path=db_path)
    report_path = write_page(deu_page(result), out_dir / "report.html")
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=1))
        return
    _print_result(result)
    if issues:
        _print_issues(result)
    console.print(f"[green]report[/]  {report_path}")
    console.print(f"[green]results[/] {db_path} (run {run_id})")


def _print_result(bt: Any) -> None:
    """The answer, then the scores per model, then the protocol and notes."""
    console.print(f"[bold]{escape(bt.verdict())}[/]")
    mean = bt.summary.set_index("model").loc["mean"]
    best = bt.best("test")
    iv = bt.test_intervals[best]
    console.print(
        f"weighted mean MAE {mean['mae']:.2f} over {int(mean['n'])} issues; closest on the "
        f"test split: {escape(best)} {iv.estimate:+.2f} [{iv.low:+.2f}, {iv.high:+.2f}]",
        highlight=False,
    )
    test = bt.test_summary.set_index("model")
    s = bt.summary
    cols = {
        "model": list(s["model"]),
        "MAE": [f"{v:.2f}" for v in s["mae"]],
        "RMSE": [f"{v:.2f}" for v in s["rmse"]],
        "med AE": [f"{v:.2f}" for v in s["median_ae"]],
        "≤10": [f"{v:.0%}" for v in s["within_10"]],
        "test MAE": [f"{test.loc[m, 'mae']:.2f}" for m in s["model"]],
        "test ΔMAE [95%]": [
            f"{bt.test_intervals[m].estimate:+.2f} [{bt.test_intervals[m].low:+.1f}, "
            f"{bt.test_intervals[m].high:+.1f}]"
            for m in s["model"]
        ],
        "s": [f"{v:.1f}" for v in s["seconds"]],
    }
    table, _ = fit_table(
        cols,
        right=set(cols) - {"model"},
        hide=("RMSE", "med AE", "≤10", "s"),
        title="Scores per model (errors in points of the 0–100 scale)",
        caption=f"test split: {len(bt.split.test)} proposals, seed {bt.split.seed}; ΔMAE = "
        "model − weighted mean, 95% bootstrap by proposal",
    )
    console.print(table)
    a, b = bt.registered_fit
    console.print(
        f"compromise-fitted: α = {a:g}, β = {b:g}; refit on the training split: "
        f"α = {bt.fit.alpha:g}, β = {bt.fit.beta:g} (training MAE {bt.fit.train_mae:.2f})",
        highlight=False,
    )
    for note in bt.notes():
        console.print(f"note: {escape(note)}", highlight=False)


def _print_issues(bt: Any) -> None:
    wide = bt.issues_wide()
    cols: dict[str, list[str]] = {
        "issue": list(wide["issue"]),
        "proposal": list(wide["proposal"]),
        "rule": list(wide["voting_rule"]),
        "outcome": [f"{v:.0f}" for v in wide["outcome"]],
    }
    errors = bt.issues_wide("error")
    for m in bt.models:
        cols[m] = [f"{f:.0f} ({e:.0f})" for f, e in zip(wide[m], errors[m], strict=True)]
    table, _ = fit_table(
        cols,
        right=set(cols) - {"issue", "proposal", "rule"},
        hide=(*reversed(bt.models), "proposal", "rule"),
        title="Forecast per issue, absolute error in brackets (0–100 scale)",
        caption="all models: --json or report.html",
    )
    console.print(table)
