"""``data`` (bundled datasets) and ``ledger`` (a scenario's year-by-year amounts)."""

import json
from typing import Annotated

import typer

from burdenshare import data as bundled
from burdenshare.app import ledger as ledgers
from burdenshare.cli.main import app, load_checked, user_errors
from burdenshare.cli.options import ScenarioArg, csv_flag, json_flag, option
from burdenshare.cli.render_ledger import print_dataset, print_ledgers
from burdenshare.errors import DataError, Problem


def one_format(as_csv: bool, as_json: bool) -> None:
    """A user error when both --csv and --json are given."""
    if as_csv and as_json:
        raise DataError([Problem("choose one output format", expected="--csv or --json")])


@app.command("data")
@user_errors
def data(
    name: Annotated[str, typer.Argument(
        metavar="NAME",
        help="Dataset: sma, sma-payments, japan, fx, cpi (ROK), cpi-japan, cpi-us, "
        "defense-budget or timeline.",
        show_default=False,
    )],
    as_csv: Annotated[bool, csv_flag("Print the full bundled CSV to stdout.")] = False,
    as_json: Annotated[bool, json_flag("Print the rows as JSON records.")] = False,
) -> None:  # fmt: skip
    """Print a bundled dataset; every row carries its source URL, as-of date and status.

    The default is a table of the main columns, each amount column in one unit named in its
    header (M or bn), long text wrapped and each source shown as its site; columns that do not
    fit the terminal are hidden and named in the caption. --csv prints the full CSV with exact
    numbers and URLs; --json prints the rows as records.

    Examples:

      burdenshare data sma

      burdenshare data fx --csv > fx.csv

      burdenshare data sma-payments --json
    """
    one_format(as_csv, as_json)
    if as_csv:
        typer.echo(bundled.csv_text(name), nl=False)
    elif as_json:
        typer.echo(json.dumps(bundled.records(name), indent=2, ensure_ascii=False))
    else:
        print_dataset(name)


@app.command("ledger")
@user_errors
def ledger_cmd(
    source: ScenarioArg,
    schedule_ids: Annotated[list[str] | None, option(
        "--schedule", "-s", metavar="ID",
        help="Schedule to show (repeatable; 'agreement' is the template). Default: all.",
    )] = None,
    base_year: Annotated[int | None, option(
        "--base-year", metavar="Y", help="Prices of the real column (default: first year)."
    )] = None,
    currencies: Annotated[list[str] | None, option(
        "--currency", "-c", metavar="KRW|USD|JPY",
        help="Currency columns (repeatable). Default: KRW, USD and JPY.",
    )] = None,
    assumed_inflation: Annotated[float | None, option(
        "--assumed-inflation", metavar="PCT",
        help="CPI change (% a year) for the years a currency's CPI data lack, for every "
        "currency (default: the scenario's [ledger] assumed_inflation; without a rate such "
        "years are an error).",
    )] = None,
    as_csv: Annotated[bool, csv_flag("Print one CSV (a 'schedule' column).")] = False,
    as_json: Annotated[bool, json_flag("Print the rows as JSON records.")] = False,
) -> None:  # fmt: skip
    """Year-by-year ledger of a scenario's agreement and schedules.

    The table leads with the first currency asked for (--currency, else the scenario's
    [ledger] currencies): nominal amounts and their basis, real amounts in base-year prices
    deflated by that currency's own CPI (won: ROK, dollars: US, yen: Japan; years after the
    data use [ledger] assumed_inflation, and the caption says so), the other currencies at
    yearly average rates, per troop and cumulative; --csv and --json add every category and
    every currency's real amounts. Series in the scenario's [indices] extend or override the
    bundled ones.

    Examples:

      burdenshare ledger sma-2021-signed --currency USD

      burdenshare ledger scenarios/sma-2019.toml -s us_demand --base-year 2019

      burdenshare ledger sma-2021-signed --csv > ledger.csv
    """
    one_format(as_csv, as_json)
    result = ledgers.ledger(
        load_checked(source), schedule_ids=schedule_ids, base_year=base_year,
        currencies=currencies, assumed_inflation=assumed_inflation,
    )  # fmt: skip
    if as_csv:
        typer.echo(result.combined().to_csv(index=False), nl=False)
    elif as_json:
        records = json.loads(result.combined().to_json(orient="records", double_precision=15))
        typer.echo(json.dumps(records, indent=2, ensure_ascii=False))
    else:
        print_ledgers(result)
