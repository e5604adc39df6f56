"""The ``burdenshare`` command line.

Every command loads input, calls a model, then prints or writes. User mistakes arrive as
:class:`~burdenshare.errors.BurdenshareError` and leave as one line per problem on stderr with
exit status 2; no traceback.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from burdenshare import __version__
from burdenshare.cli_tables import amount_column, fit_table, number_column
from burdenshare.errors import BurdenshareError

app = typer.Typer(
    name="burdenshare",
    help=(
        "Simulate, analyse and forecast alliance cost-sharing negotiations (US-ROK SMA, Japan HNS)."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def user_errors(func: F) -> F:
    """Turn a BurdenshareError into one stderr line per problem and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BurdenshareError as exc:
            for problem in exc.problems:
                # The problem text is the user's own words (TOML tables in brackets): no markup.
                err_console.print(
                    f"[bold red]error:[/] {escape(str(problem))}",
                    markup=True,
                    highlight=False,
                    soft_wrap=True,
                )
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def print_warnings(problems: list[Any]) -> None:
    """One ``warning:`` line per plausibility problem, on stderr (the run goes on)."""
    for problem in problems:
        err_console.print(
            f"[bold yellow]warning:[/] {escape(str(problem))}",
            markup=True,
            highlight=False,
            soft_wrap=True,
        )


def load_checked(source: str | Path) -> Any:
    """Load a scenario (file or bundled name) and print its plausibility warnings."""
    from burdenshare.scenario import Scenario, load_scenario
    from burdenshare.scenario.plausibility import scenario_warnings

    scenario = load_scenario(source)
    if isinstance(scenario, Scenario):  # (tests stand in a few attributes for a scenario)
        print_warnings(scenario_warnings(scenario))
    return scenario


def _version(value: bool) -> None:
    if value:
        console.print(f"burdenshare {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """burdenshare: alliance cost-sharing negotiations, from agreements to forecasts."""


# Commands are added below, one function per command. Keep each command thin: load, call, print.


@app.command("data")
@user_errors
def data(
    name: str = typer.Argument(
        ...,
        metavar="NAME",
        help="Dataset: sma, sma-payments, japan, fx, cpi (ROK), cpi-japan, cpi-us, "
        "defense-budget or timeline.",
        show_default=False,
    ),
    as_csv: bool = typer.Option(False, "--csv", help="Print the full bundled CSV to stdout."),
    as_json: bool = typer.Option(False, "--json", help="Print the rows as JSON records."),
) -> None:
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
    import json
    from urllib.parse import urlsplit

    import pandas as pd

    from burdenshare import data as bundled
    from burdenshare.errors import DataError, Problem

    if as_csv and as_json:
        raise DataError([Problem("choose one output format", expected="--csv or --json")])
    if as_csv:
        typer.echo(bundled.csv_text(name), nl=False)
        return
    if as_json:
        typer.echo(json.dumps(bundled.records(name), indent=2, ensure_ascii=False))
        return

    entry = bundled.dataset(name)
    frame = entry.loader()
    frame["source"] = [urlsplit(u).netloc.removeprefix("www.") for u in frame["source_url"]]
    columns = [*entry.columns, "status", "as_of", "source"]
    shown: dict[str, list[str]] = {}
    right: set[str] = set()
    units: list[str] = []  # one unit per amount column, named in the caption
    mixed = "currency" in frame.columns  # an amount column in each row's own currency
    for c in columns:
        values = frame[c]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            money = "amount" in c or c.startswith(("annual_", "total_", "budget_"))
            if money and "trn" not in c:
                unit, cells = amount_column(list(values), every=mixed and c == "amount")
                head = c
                if unit:
                    units.append(f"{c} in {unit}")
            elif all(float(v).is_integer() for v in values.dropna()):
                head, cells = c, ["–" if pd.isna(v) else f"{int(v)}" for v in values]
            else:
                head, cells = c, number_column(list(values))
            shown[head] = [x or "–" for x in cells]
            right.add(head)
        else:
            shown[c] = [
                "–"
                if v is None or (not isinstance(v, str) and pd.isna(v))
                else v.date().isoformat()
                if isinstance(v, pd.Timestamp)
                else str(v)
                for v in values
            ]
    heads = list(shown)
    text = {h for h in heads if h not in right and h not in ("status", "as_of")}
    # Fit the terminal without cutting a cell: text wraps (down to 16 characters), then the
    # source, the as_of date and the last main columns are hidden, and the caption says so.
    hide = [heads[-1], heads[-2], *reversed(heads[2 : len(entry.columns)])]
    caption = f"full text and exact numbers: burdenshare data {name} --csv"
    table, hidden = fit_table(shown, right=right, wrap=text, hide=hide, wrap_width=16)
    units = [u for u in units if u.split(" in ")[0] not in hidden]
    if units:
        caption = f"amounts: {', '.join(units)}; {caption}"
    table, _ = fit_table(
        shown, right=right, wrap=text, hide=hide, wrap_width=16, title=entry.title,
        caption=caption,
    )  # fmt: skip
    console.print(table)


@app.command("ledger")
@user_errors
def ledger_cmd(
    source: str = typer.Argument(
        ..., metavar="FILE|NAME", help="Scenario file or bundled scenario name.", show_default=False
    ),
    schedule_ids: list[str] | None = typer.Option(  # noqa: B008
        None,
        "--schedule",
        "-s",
        metavar="ID",
        help="Schedule to show (repeatable; 'agreement' is the template). Default: all.",
    ),
    base_year: int | None = typer.Option(
        None, "--base-year", metavar="Y", help="Prices of the real column (default: first year)."
    ),
    currencies: list[str] | None = typer.Option(  # noqa: B008
        None,
        "--currency",
        "-c",
        metavar="KRW|USD|JPY",
        help="Currency columns (repeatable). Default: KRW, USD and JPY.",
    ),
    assumed_inflation: float | None = typer.Option(
        None,
        "--assumed-inflation",
        metavar="PCT",
        help="CPI change (% a year) for the years a currency's CPI data lack, for every "
        "currency (default: the scenario's [ledger] assumed_inflation; without a rate such "
        "years are an error).",
    ),
    as_csv: bool = typer.Option(False, "--csv", help="Print one CSV (a 'schedule' column)."),
    as_json: bool = typer.Option(False, "--json", help="Print the rows as JSON records."),
) -> None:
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
    import json
    from decimal import Decimal

    import pandas as pd

    from burdenshare.analysis import scenario_ledgers
    from burdenshare.errors import DataError, Problem, ScenarioError

    if as_csv and as_json:
        raise DataError([Problem("choose one output format", expected="--csv or --json")])
    scenario = load_checked(source)
    # Command-line options win over the scenario's [ledger] defaults.
    if base_year is None:
        base_year = scenario.ledger.base_year
    curs = tuple(dict.fromkeys(c.upper() for c in currencies or scenario.ledger.currencies))
    specs = scenario.agreements()  # "agreement" (the template), then every merged schedule
    if schedule_ids:
        unknown = [s for s in schedule_ids if s not in specs]
        if unknown:
            raise ScenarioError(
                [
                    Problem(
                        f"no schedule '{s}'",
                        path="schedules",
                        expected="one of " + ", ".join(specs),
                        found=s,
                    )
                    for s in unknown
                ]
            )
        specs = {s: specs[s] for s in dict.fromkeys(schedule_ids)}
    inflation = None if assumed_inflation is None else Decimal(str(assumed_inflation))
    frames = scenario_ledgers(
        scenario,
        base_year=base_year,
        currencies=curs,
        assumed_inflation=inflation,
        ids=list(specs),
    )

    if as_csv or as_json:
        combined = pd.concat(
            [f.assign(schedule=sid)[["schedule", *f.columns]] for sid, f in frames.items()],
            ignore_index=True,
        )
        if as_csv:
            typer.echo(combined.to_csv(index=False), nl=False)
        else:
            records = json.loads(combined.to_json(orient="records", double_precision=15))
            typer.echo(json.dumps(records, indent=2, ensure_ascii=False))
        return

    for n, (sid, frame) in enumerate(frames.items()):
        if n:
            console.print()
        table, _ = fit_table(
            **_ledger_columns(frame, curs),
            title=f"{sid}: {specs[sid].name}",
            caption=_ledger_caption(frame, curs),
        )
        console.print(table)


def _ledger_columns(frame: Any, curs: tuple[str, ...]) -> dict[str, Any]:
    """The ledger's table, led by the first requested currency: year, nominal, change, basis,
    real (that currency's own CPI), the other currencies, per troop, cumulative; one unit per
    column (bn, M or units, in the header)."""
    import numpy as np
    import pandas as pd

    from burdenshare import data
    from burdenshare.agreement.ledger import missing_cpi_error

    own = frame.attrs["currency"]
    lead = curs[0]
    missing = frame.attrs.get("missing_cpi", {}).get(lead)
    if missing:  # the table's real column is in the lead currency: its CPI must cover every year
        raise missing_cpi_error(lead, missing, data.cpi_series(lead), frame.attrs["base_year"])
    nominal = frame["nominal"] if lead == own else frame[f"nominal_{lead.lower()}"]
    real = frame["real"] if lead == own else frame[f"real_{lead.lower()}"]
    change = frame["change_percent"] if lead == own else nominal.pct_change() * 100

    def money(header: str, values: Any) -> tuple[str, list[str]]:
        unit, cells = amount_column(list(values))
        return (f"{header} {unit}".rstrip(), cells)

    columns: dict[str, list[str]] = {"year": [str(y) for y in frame["year"]]}
    head, cells = money(lead, nominal)
    columns[head] = cells
    columns["change"] = ["" if pd.isna(v) else f"{v:+.1f}%" for v in change]
    flags = zip(frame["basis"], frame["fx_basis"], frame["real_basis"], strict=True)
    columns["basis"] = [
        b
        + (" (fx held)" if fb == "assumed" else "")
        + (" (CPI assumed)" if rb == "assumed" else "")
        for b, fb, rb in flags
    ]
    real_head, cells = money(f"real {lead}", real)
    columns[real_head] = cells
    others = []
    for cur in curs[1:]:
        head, cells = money(
            cur, frame["nominal"] if cur == own else frame[f"nominal_{cur.lower()}"]
        )
        columns[head] = cells
        others.append(head)
    troops = frame["troops"].to_numpy(dtype=float)
    per_troop = np.divide(
        nominal.to_numpy(), troops, out=np.full(len(frame), np.nan), where=troops > 0
    )
    troop_head, cells = money(f"{lead}/troop", per_troop)
    columns[troop_head] = cells
    cum_head, cells = money(f"cum. {lead}", nominal.cumsum())
    columns[cum_head] = cells
    money_heads = [h for h in columns if h not in ("year", "change", "basis")]
    return {
        "columns": columns,
        "right": {"year", "change", *money_heads},
        "hide": [cum_head, troop_head, *reversed(others), real_head],
    }


def _ledger_caption(frame: Any, curs: tuple[str, ...]) -> str:
    from burdenshare.agreement.ledger import cpi_label

    lead = curs[0]
    parts = [f"real: {frame.attrs['base_year']} prices ({cpi_label(lead)})"]
    own = frame.attrs["currency"]
    if lead != own:
        parts.append(f"change: of the {lead} amounts (the agreement is set in {own})")
    assumed = [
        f"{cpi_label(cur)} +{rate}% a year in "
        + (f"{years[0]}" if len(years) == 1 else f"{years[0]}-{years[-1]}")
        for cur, (rate, years) in frame.attrs.get("assumed_cpi", {}).items()
        if cur in curs
    ]
    if assumed:
        parts.append(f"CPI assumed ([ledger] assumed_inflation): {', '.join(assumed)}")
    parts.append("exact numbers: --csv")
    return "; ".join(parts)


@app.command("validate")
def validate(
    files: list[str] = typer.Argument(  # noqa: B008
        ...,
        metavar="FILE...",
        help="Scenario files (or bundled scenario names) to check.",
        show_default=False,
    ),
) -> None:
    """Check scenario files and report every problem, one line each.

    Prints "ok: FILE" for each valid file.
    Problems go to stderr as "FILE:LINE: field.path: message (expected X, found Y)";
    plausibility problems as "warning: FILE:LINE: ..." lines, which do not fail the file.
    Exit status: 2 if any file is bad, else 0. Field reference: docs/scenario.md.

    Examples:

      burdenshare validate scenarios/*.toml

      burdenshare validate my-scenario.toml sma-2019
    """
    from burdenshare.analysis import schedule_problems
    from burdenshare.scenario import load_scenario
    from burdenshare.scenario.plausibility import scenario_warnings

    bad = False
    for name in files:
        warnings: list[Any] = []
        try:
            scenario = load_scenario(name)
            # Computing the schedules also catches index years the data lack.
            problems = schedule_problems(scenario)
            warnings = scenario_warnings(scenario)
        except BurdenshareError as exc:
            problems = exc.problems
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
    source: str = typer.Argument(
        ..., metavar="FILE|NAME", help="Scenario file or bundled scenario name.", show_default=False
    ),
    out: Path = typer.Option(  # noqa: B008
        None, "--out", "-o", help="Output folder (default: out/<scenario id>).", show_default=False
    ),
    seed: int = typer.Option(0, "--seed", help="Master seed, recorded with the run."),
    db: Path = typer.Option(  # noqa: B008
        None, "--db", help="DuckDB file (default: <out>/results.duckdb).", show_default=False
    ),
) -> None:
    """Run every analysis the scenario enables; write report.html and results.duckdb.

    The report is one self-contained HTML file (plots embedded; opens offline). Each run adds
    one row to the DuckDB 'runs' table and its rows to one table per result kind; `burdenshare
    runs` lists it and `burdenshare show RUN_ID` summarises it.

    Examples:

      burdenshare analyze scenarios/sma-2019.toml --out out/sma-2019

      burdenshare analyze sma-2021-signed --db results.duckdb
    """
    from burdenshare.analysis import analyze
    from burdenshare.report import build_report
    from burdenshare.store import RunRecord, write_run
    from burdenshare.store.duckdb_store import utc_now

    scenario = load_checked(source)
    results = analyze(scenario, seed=seed)
    page = build_report(results)
    out_dir = out if out is not None else Path("out") / scenario.meta.id
    out_dir.mkdir(parents=True, exist_ok=True)
    report_path = out_dir / "report.html"
    # Write to a temporary name first so an interrupted run never leaves half a report.
    tmp = report_path.with_suffix(".html.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(report_path)
    db_path = db if db is not None else out_dir / "results.duckdb"
    record = RunRecord(
        command="analyze",
        scenario_id=scenario.meta.id,
        scenario_title=scenario.meta.title,
        scenario_hash=scenario.content_hash,
        seed=seed,
        version=__version__,
        started_at=results.started_at,
        finished_at=utc_now(),
        # `show` finds the scenario again through its file (absolute: it may run elsewhere)
        parameters={
            "scenario_path": str(Path(scenario.source_path).resolve())
            if scenario.source_path
            else None
        },
    )
    run_id = write_run(db_path, record, results.tables())
    if results.bottom_line is not None:
        print_bottom_line(results.bottom_line)
    for note in results.assumption_notes():  # also in the report's ledger section
        console.print(f"note: {escape(note)}", highlight=False, soft_wrap=True)
    console.print(f"[green]report[/]  {report_path}")
    console.print(f"[green]results[/] {db_path} (run {run_id})")


def print_bottom_line(line: Any) -> None:
    """The answer first, in the terminal: likeliest outcome, P(deal) by date, terms, why."""
    from rich.table import Table

    from burdenshare.sweep.bottom_line import MIN_EVENTS

    def pct(p: float) -> str:
        return "–" if p != p else f"{100 * p:.1f}%"

    console.print(f"[bold]{escape(line.headline())}[/]")
    table = Table(box=None, show_header=True, pad_edge=False)
    table.add_column("P(ratified deal) by", overflow="fold")
    table.add_column(f"{line.n_draws:,} draws", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for m in line.milestones:
        flag = f"[red]small sample: {m.share.events:,} deals[/]" if m.share.small else ""
        table.add_row(escape(m.label), pct(m.share.p), flag)
    console.print(table)
    a = line.amount
    if a is not None and not a.small:
        scale, unit = (1e9, f"bn {line.currency}")
        text = (
            f"The deal ({a.n:,} draws with one): {line.amount_issue} {a.median / scale:,.1f} "
            f"{unit} (50%: {a.q25 / scale:,.1f}–{a.q75 / scale:,.1f}; 90%: "
            f"{a.q05 / scale:,.1f}–{a.q95 / scale:,.1f})"
        )
        if line.amount_pct is not None:
            text += f", {line.amount_pct.median:+.1f}% over the last agreement"
        if line.duration_mode is not None:
            years = "year" if line.duration_mode == 1 else "years"
            text += f"; most often {line.duration_mode:g} {years}"
        if line.deal_date is not None:
            text += f"; median deal date {line.deal_date[1]:%d %b %Y}"
        console.print(escape(text) + ".")
    elif a is not None:
        console.print(f"[red]Only {a.n:,} draws end in a deal (< {MIN_EVENTS}): no terms shown.[/]")
    console.print("[bold]Why[/]")
    why = Table(box=None, show_header=False, pad_edge=False)
    why.add_column("", no_wrap=True)
    why.add_column("", overflow="fold")
    for sentence in line.sentences:
        why.add_row(" •", escape(sentence))
    console.print(why)


def _agreement_ref(ref: str) -> tuple[Any, Any, str]:
    """'SCENARIO[:SCHEDULE]' → (scenario, agreement spec, label)."""
    import re

    from burdenshare.errors import Problem, ScenarioError

    source, sid = ref, "agreement"
    match = re.fullmatch(r"(.+):([A-Za-z0-9_-]+)", ref)
    if match and not Path(ref).exists():
        source, sid = match.groups()
    scenario = load_checked(source)
    specs = scenario.agreements()
    if sid not in specs:
        raise ScenarioError(
            [
                Problem(
                    f"no schedule '{sid}' in {source}",
                    path="schedules",
                    expected="one of " + ", ".join(specs),
                    found=sid,
                )
            ]
        )
    return scenario, specs[sid], f"{scenario.meta.id}:{sid}"


@app.command("compare")
@user_errors
def compare_cmd(
    a: str = typer.Argument(..., metavar="A", help="SCENARIO[:SCHEDULE] (default: its agreement)."),
    b: str = typer.Argument(..., metavar="B", help="SCENARIO[:SCHEDULE] to compare with A."),
    currency: str = typer.Option("USD", "--currency", "-c", help="Common currency."),
    plot: Path = typer.Option(  # noqa: B008
        None, "--plot", help="Also write the comparison as an SVG figure.", show_default=False
    ),
    extend: str = typer.Option(
        "rule",
        "--extend",
        metavar="rule|flat|none",
        help="How the agreement that ends sooner is extended to the common horizon: by its own "
        "escalation rule, held flat at its last year, or not at all (totals then compare "
        "different lengths).",
    ),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON records."),
) -> None:
    """Compare two agreements in one currency: per year, and over a common horizon.

    A and B name a scenario (file or bundled name) and optionally one of its schedules. The
    comparison is like with like: first the average per year of each agreement's own years,
    then every year of a common horizon (from the later first year to the later last year),
    the agreement that ends sooner extended to it by the rule --extend names, with the
    extended years marked. --csv and --json add `basis` columns (stated / extended) and
    `in_horizon`.

    Examples:

      burdenshare compare sma-2019:us_demand sma-2021-signed

      burdenshare compare sma-2019:us_demand sma-2019:rok_offer --currency KRW --csv

      burdenshare compare sma-2019:us_demand sma-2021-signed --plot demand-vs-signed.svg
    """

    from burdenshare.agreement import compare
    from burdenshare.analysis import effective_indices
    from burdenshare.errors import DataError, Problem
    from burdenshare.money import CURRENCIES

    if as_csv and as_json:
        raise DataError([Problem("choose one output format", expected="--csv or --json")])
    currency = currency.upper()
    if currency not in CURRENCIES:
        raise DataError(
            [
                Problem(
                    "unknown currency",
                    path="--currency",
                    expected=", ".join(CURRENCIES),
                    found=currency,
                )
            ]
        )
    sc_a, spec_a, label_a = _agreement_ref(a)
    sc_b, spec_b, label_b = _agreement_ref(b)
    indices = effective_indices(sc_a)
    for name, series in effective_indices(sc_b).items():
        if name in indices and indices[name] != series:
            raise DataError(
                [
                    Problem(
                        f"the two scenarios define index '{name}' differently",
                        path=f"indices.{name}",
                        expected="the same series in both",
                    )
                ]
            )
        indices[name] = series
    how = None if extend == "none" else extend
    frame = compare(spec_a, spec_b, currency=currency, indices=indices, extend=how)
    if as_csv or as_json:
        named = frame.rename(
            columns={
                "a": label_a,
                "b": label_b,
                "a_basis": f"{label_a} basis",
                "b_basis": f"{label_b} basis",
            }
        )
        if as_csv:
            typer.echo(named.to_csv(index=False), nl=False)
        else:
            typer.echo(named.to_json(orient="records", double_precision=15, indent=2))
    else:
        _print_comparison(frame, label_a, label_b, currency)
    if plot is not None:
        from burdenshare.report.figures import yearly_bars

        extended = frame.attrs.get("extended", {})
        caption = "; ".join(
            f"{label_a if side == 'a' else label_b} extended to {frame.attrs['horizon'][1]} by "
            f"{rule}"
            for side, rule in extended.items()
        )
        figure = yearly_bars(
            {label_a: frame.set_index("year")["a"], label_b: frame.set_index("year")["b"]},
            title=f"{spec_a.name} vs {spec_b.name}",
            figure_id="compare",
            caption=caption,
            source="burdenshare compare; FX: burdenshare.data fx",
            unit=f"billion {currency} (yearly average rates)",
            label_format="{:,.2f} bn",
        )
        plot.write_text(figure.svg, encoding="utf-8")
        if not (as_csv or as_json):
            console.print(f"[green]plot[/] {plot}")


def _money_words(x: float, currency: str) -> str:
    """An amount in words with the same units as the tables: 5,902.8 bn KRW, 973.4 M USD."""
    mag = abs(x)
    if mag >= 1e9:
        return f"{x / 1e9:,.{2 if mag < 1e11 else 1}f} bn {currency}"
    if mag >= 1e6:
        return f"{x / 1e6:,.1f} M {currency}"
    return f"{x:,.0f} {currency}"


def _print_comparison(frame: Any, label_a: str, label_b: str, currency: str) -> None:
    """The answer first (per year, then over the common horizon, with the extension rule in
    words), then the table of years, extended amounts marked with *."""
    import pandas as pd

    def money(x: float) -> str:
        return _money_words(x, currency)

    def years(first: int, last: int) -> str:
        n = last - first + 1
        return f"{first}" + ("" if n == 1 else f"-{last}") + f", {n} year" + ("s" if n > 1 else "")

    attrs = frame.attrs
    lines = [f"{label_a} (A) vs {label_b} (B), in {currency} at yearly average rates"]
    stated = attrs.get("stated")
    if stated:
        avg = {}
        for side in ("a", "b"):
            first, last = stated[side]
            rows = frame[(frame["year"] >= first) & (frame["year"] <= last)]
            avg[side] = float(rows[side].mean())
        lines.append(
            f"Per year: A {money(avg['a'])} ({years(*stated['a'])}), B {money(avg['b'])} "
            f"({years(*stated['b'])}), averages of their own years; B / A = "
            f"{avg['b'] / avg['a']:.3f}"
        )
        first, last = attrs["horizon"]
        inside = frame[frame["in_horizon"]]
        total_a, total_b = float(inside["a"].sum()), float(inside["b"].sum())
        lines.append(
            f"Over the common horizon {years(first, last)}: A {money(total_a)}, "
            f"B {money(total_b)}, B - A {money(total_b - total_a)}"
        )
        for side, rule in attrs["extended"].items():
            name = "A" if side == "a" else "B"
            lines.append(
                f"{name} states {years(*stated[side])} and is extended to {last} by {rule}; "
                "extended years are marked *"
            )
    else:
        lines.append("Not extended (--extend none): totals and the cumulative difference compare "
                     "agreements of different lengths")  # fmt: skip
    for line in lines:
        console.print(escape(line), highlight=False)

    marks = {
        side: [b == "extended" for b in frame[f"{side}_basis"]] if f"{side}_basis" in frame
        else [False] * len(frame)
        for side in ("a", "b")
    }  # fmt: skip
    columns: dict[str, list[str]] = {"year": [str(y) for y in frame["year"]]}
    for side, name in (("a", "A"), ("b", "B")):
        unit, cells = amount_column(list(frame[side]))
        columns[f"{name} {currency} {unit}".rstrip()] = [
            c + ("*" if m else "") for c, m in zip(cells, marks[side], strict=True)
        ]
    unit, cells = amount_column(list(frame["difference"]), signed=True)
    columns[f"B - A {unit}".rstrip()] = cells
    columns["B / A"] = ["" if pd.isna(r) else f"{r:.3f}" for r in frame["ratio"]]
    unit, cells = amount_column(list(frame["cum_difference"]), signed=True)
    columns[f"cum. B - A {unit}".rstrip()] = cells
    table, _ = fit_table(columns, right=set(columns))
    console.print(table)


@app.command("forecast")
@user_errors
def forecast_cmd(
    source: str = typer.Argument(
        ...,
        metavar="FILE|NAME",
        help="Actor table: a BDM CSV (Actor,Capability,Position,Salience), a KTAB SMP CSV, or a "
        "scenario (file or bundled name) with an [actors] section.",
        show_default=False,
    ),
    model: str = typer.Option("bdm", "--model", "-m", help="Forecasting model (registry name)."),
    preset: str = typer.Option("scholz-code", "--preset", help="BDM preset."),
    rounds: int | None = typer.Option(
        None, "--rounds", "-r", min=1, help="Rounds to run (default: the model's, BDM 10)."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed (stochastic models)."),
    as_json: bool = typer.Option(False, "--json", help="Print rounds as JSON."),
) -> None:
    """Forecast the outcome of a multi-actor issue: median, mean, BDM or a KTAB-style SMP.

    Prints the median and mean per round and the forecast; --json prints
    {"rounds": [{"round": 0, "median": ..., "mean": ..., "positions": {actor: x}}, ...]}
    (round 0 is the input). Models: see `burdenshare forecast --model help`.

    Examples:

      burdenshare forecast tests/data/bdm/emission_standards_bdm1994_s01.csv --model bdm --json

      burdenshare forecast sma-2019 --model smp --seed 1

      burdenshare forecast actors.csv --model median
    """
    import json

    from burdenshare.errors import Problem, ScenarioError
    from burdenshare.forecast.actors import read_bdm_csv, read_ktab_csv
    from burdenshare.forecast.registry import load_models
    from burdenshare.forecast.scenario import build_model

    models = load_models()
    if model == "help":
        console.print("forecasting models: " + ", ".join(models))
        return
    models.get(model)  # unknown names are a user error listing the valid ones
    path = Path(source)
    if path.suffix.lower() == ".csv":
        first = path.read_text(encoding="utf-8-sig").split("\n", 1)[0] if path.is_file() else ""
        table = read_bdm_csv(path) if first.startswith("Actor,") else read_ktab_csv(path)
        runner = build_model(model, preset=preset)
        result = runner.run(table, max_rounds=rounds, seed=seed)
        out, forecast, stop = result.to_rounds(), result.forecast, result.stop.describe()
        dims = list(table.dimensions)
        trajectory = result.trajectory()
    else:
        from burdenshare.forecast.scenario import actor_table_from_scenario, run_model

        scenario = load_checked(source)
        if scenario.actors is None:
            raise ScenarioError(
                [
                    Problem(
                        "the scenario has no [actors] section",
                        path="actors",
                        expected="an [actors] table for the forecasting models",
                    )
                ]
            )
        table = actor_table_from_scenario(scenario)
        run = run_model(
            model,
            table,
            scenario,
            rounds=rounds or scenario.actors.rounds,
            seed=seed,
            preset=preset,
        )
        out = run.to_rounds()  # in the scenario's units, as the text below
        forecast, stop, dims, trajectory = (
            run.forecast,
            run.stop,
            list(table.dimensions),
            (run.trajectory),
        )
    if as_json:
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    units = {d: "" for d in dims}
    if path.suffix.lower() != ".csv" and scenario.actors is not None:
        units = {d: scenario.actors.dimensions[d].unit for d in dims}
    name = table.scenario or path.name
    for d in dims:  # one table per dimension: round, weighted median, weighted mean
        rows = trajectory[trajectory["dimension"] == d].sort_values("round")
        unit = f" ({units[d]})" if units[d] else ""
        grid, _ = fit_table(
            {
                "round": [str(r) for r in rows["round"]],
                "median": number_column(list(rows["median"]), digits=6),
                "mean": number_column(list(rows["mean"]), digits=6),
            },
            right={"round", "median", "mean"},
            title=f"{model} forecast, {name}: {d}{unit}",
        )
        console.print(grid)
    values = ", ".join(
        f"{d} = {float(v):,.6g}{' ' + units[d] if units[d] else ''}"
        for d, v in zip(dims, forecast, strict=True)
    )
    console.print(f"forecast: {values} ({stop})", highlight=False)
    for note in out.get("notes", []):
        console.print(f"[dim]note: {note}[/]")


@app.command("bargain")
@user_errors
def bargain_cmd(
    source: str = typer.Argument(
        None,
        metavar="[SCENARIO]",
        help="Scenario file or bundled name (or use --domain).",
        show_default=False,
    ),
    domain_dir: Path = typer.Option(  # noqa: B008
        None,
        "--domain",
        help="GENIUS domain folder; profiles sorted by file name are opener then responder.",
        show_default=False,
    ),
    opener: str = typer.Option(None, "--opener", help="Opener's strategy (with --domain)."),
    responder: str = typer.Option(None, "--responder", help="Responder's strategy (--domain)."),
    strategy: list[str] = typer.Option(  # noqa: B008
        None, "--strategy", "-s", metavar="PARTY=NAME", help="Strategy per scenario party."
    ),
    steps: int = typer.Option(
        None,
        "--steps",
        help="Deadline in rounds (default: the scenario's [bargaining] steps, else 100).",
        show_default=False,
    ),
    compat: str = typer.Option(None, "--compat", help="'negmas': NegMAS 0.16.0 semantics."),
    ratification: bool = typer.Option(
        True, "--ratify/--no-ratify", help="Two-level ratification (scenario only)."
    ),
    event: list[str] = typer.Option(  # noqa: B008
        None,
        "--event",
        metavar="ID=yes|no",
        help="Whether an uncertain scenario event happens (default: when its probability is "
        "at least one half).",
    ),
    tied_hands: bool = typer.Option(
        False, "--tied-hands", help="Negotiators know their own ratifier's win-set."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed for stochastic strategies."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    trace: bool = typer.Option(False, "--trace", help="Include the full trace (with --json)."),
) -> None:
    """Run one alternating-offers negotiation and report the agreement, round and why it ended.

    Strategies: see `burdenshare bargain --opener help`. `step` counts rounds as NegMAS does
    (an agreement in round k, 0-based, gives k+1; no agreement gives the deadline).

    Examples:

      burdenshare bargain --domain tests/data/genius/Laptop --opener boulware
      --responder conceder --steps 100 --json

      burdenshare bargain --domain DIR --opener boulware --responder linear --compat negmas

      burdenshare bargain sma-2019 --strategy us=boulware --strategy rok=conceder

      burdenshare bargain sma-2019 -s us=boulware -s rok=linear --event us_election=no
    """
    import json

    from burdenshare.bargaining.engine import negotiate
    from burdenshare.bargaining.strategies import STRATEGIES
    from burdenshare.errors import Problem

    if "help" in (opener, responder):
        console.print("strategies: " + ", ".join(STRATEGIES))
        return
    if (source is None) == (domain_dir is None):
        raise BurdenshareError(
            [
                Problem(
                    "give a scenario or --domain DIR, not both or neither",
                    expected="burdenshare bargain SCENARIO | --domain DIR",
                )
            ]
        )
    if domain_dir is not None:
        from burdenshare.bargaining.genius import load_genius

        if not opener or not responder:
            raise BurdenshareError(
                [Problem("--domain needs --opener and --responder", expected="strategy names")]
            )
        domain = load_genius(domain_dir)
        if domain.n_parties < 2:
            raise BurdenshareError(
                [Problem("the domain has fewer than two profiles", file=str(domain_dir))]
            )
        steps = steps if steps is not None else 100
        result = negotiate(
            domain.utilities[0], domain.utilities[1], opener, responder, steps,
            reserved=(float(domain.reserved[0]), float(domain.reserved[1])),
            discount=None if compat else (float(domain.discount[0]), float(domain.discount[1])),
            compat=compat, seed=seed,
        )  # fmt: skip
        names = (domain.parties[0], domain.parties[1])
        agreement = None if result.agreement is None else domain.space.outcome(result.agreement)
        extra: dict[str, object] = {"parties": list(names)}
    else:
        from burdenshare.bargaining.scenario import bargain_scenario, round_dates

        if compat:
            raise BurdenshareError(
                [Problem("--compat applies to --domain runs only", path="--compat", found=compat)]
            )
        pairs = {}
        for item in strategy or []:
            party, sep, name = item.partition("=")
            if not sep or not party or not name:
                raise BurdenshareError(
                    [Problem("bad --strategy", expected="PARTY=NAME", found=item)]
                )
            STRATEGIES.get(name)
            pairs[party] = name
        choices: dict[str, bool] = {}
        for item in event or []:
            eid, sep, answer = item.partition("=")
            if not sep or answer not in ("yes", "no"):
                raise BurdenshareError(
                    [Problem("bad --event", expected="ID=yes or ID=no", found=item)]
                )
            choices[eid] = answer == "yes"
        scenario = load_checked(source)
        if steps is None:
            steps = scenario.bargaining.steps if scenario.bargaining else 100
        run = bargain_scenario(
            scenario,
            pairs,
            n_steps=steps,
            ratification=ratification,
            tied_hands=tied_hands,
            seed=seed,
            events=choices,
        )
        result, domain = run.result, run.domain
        names = (run.opener, run.responder)
        agreement = run.agreement()
        extra = {
            "parties": list(names),
            "ratification": ratification,
            "voided": [domain.space.outcome(o) for o in result.voided],
            "win_set_size": None if run.win_set is None else int(run.win_set.sum()),
            "segments": [
                {"first_round": seg.first, "stop": seg.stop, "events": list(seg.events)}
                for seg, _ in run.runs
            ],
        }
        dates = round_dates(scenario, steps)
        if dates is not None:  # calendar date of the round the talks ended in
            extra["end_date"] = dates[max(min(result.step, steps), 1) - 1].isoformat()
    data = result.to_dict()
    payload = {
        "agreement": agreement,
        "step": data["step"],
        "timedout": data["timedout"],
        "reason": data["reason"],
        "ended_by": None if result.ended_by is None else names[result.ended_by],
        "utilities": data["utilities"],
        "n_offers": data["n_offers"],
        **extra,
    }
    if trace:
        payload["trace"] = data["trace"]
    if as_json:
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
        return
    if agreement is None:
        console.print(f"no agreement ({payload['reason']}) after {payload['step']} rounds")
    else:
        terms = ", ".join(
            f"{k} = {v:,}"
            if isinstance(v, int | float) and not isinstance(v, bool)
            else f"{k} = {v}"
            for k, v in agreement.items()
        )
        u = payload["utilities"]
        console.print(f"agreement in round {payload['step']}: {terms}")
        console.print(f"utilities: {names[0]} {u[0]:.3f}, {names[1]} {u[1]:.3f}")
    if payload.get("voided"):
        console.print(f"{len(payload['voided'])} tentative deal(s) voided by ratification")


@app.command("tournament")
@user_errors
def tournament_cmd(
    source: str = typer.Argument(
        None,
        metavar="[SCENARIO]",
        help="Scenario file or bundled name (or use --domain).",
        show_default=False,
    ),
    domain_dir: Path = typer.Option(  # noqa: B008
        None,
        "--domain",
        help="GENIUS domain folder (first two profiles by file name).",
        show_default=False,
    ),
    strategies: str = typer.Option(
        "all", "--strategies", help="'all' or a comma-separated list of strategy names."
    ),
    seeds: int = typer.Option(10, "--seeds", min=1, help="Runs per ordered pair."),
    steps: int = typer.Option(100, "--steps", min=1, help="Deadline in rounds."),
    seed: int = typer.Option(0, "--seed", help="Master seed."),
    plot: Path = typer.Option(  # noqa: B008
        None, "--plot", help="Write the heatmap as SVG.", show_default=False
    ),
    as_csv: bool = typer.Option(False, "--csv", help="Print every negotiation as CSV."),
) -> None:
    """Every ordered pair of strategies over many seeds, with and without ratification.

    With a scenario, runs use its [bargaining] grid and both sides' ratifiers; with --domain,
    GENIUS profiles and no ratification. Prints the summary per pair (agreement rate, mean
    round, utilities); --plot writes the agreement-rate heatmap.

    Examples:

      burdenshare tournament sma-2019 --strategies all --seeds 100

      burdenshare tournament --domain tests/data/genius/Laptop --strategies boulware,conceder

      burdenshare tournament sma-2019 --seeds 20 --plot tournament.svg --csv > runs.csv
    """

    from burdenshare.bargaining.strategies import STRATEGIES
    from burdenshare.bargaining.tournament import summarise, tournament
    from burdenshare.errors import Problem

    if (source is None) == (domain_dir is None):
        raise BurdenshareError(
            [
                Problem(
                    "give a scenario or --domain DIR, not both or neither",
                    expected="burdenshare tournament SCENARIO | --domain DIR",
                )
            ]
        )
    names = (
        [n for n in STRATEGIES if n != "time-dependent"]
        if strategies == "all"
        else [n.strip() for n in strategies.split(",") if n.strip()]
    )
    for n in names:
        STRATEGIES.get(n)
    if domain_dir is not None:
        from burdenshare.bargaining.genius import load_genius

        domain = load_genius(domain_dir)
        u0, u1, mask = domain.utilities[0], domain.utilities[1], None
        reserved = (float(domain.reserved[0]), float(domain.reserved[1]))
        parties = (domain.parties[0], domain.parties[1])
    else:
        from burdenshare.bargaining.domain import domain_from_scenario
        from burdenshare.bargaining.scenario import two_level_win_set

        scenario = load_checked(source)
        grid = dict(scenario.bargaining.grid) if scenario.bargaining else None
        domain = domain_from_scenario(scenario, grid=grid or None)
        parties = (scenario.party_id("sending"), scenario.party_id("host"))
        i, j = (domain.parties.index(p) for p in parties)
        u0, u1 = domain.utilities[i], domain.utilities[j]
        reserved = (float(domain.reserved[i]), float(domain.reserved[j]))
        mask = two_level_win_set(scenario, domain)
    games = tournament(u0, u1, names, n_steps=steps, seeds=seeds, reserved=reserved,
                       ratifiable=mask, seed=seed)  # fmt: skip
    summary = summarise(games)
    if as_csv:
        typer.echo(games.to_csv(index=False), nl=False)
    else:
        rows = list(summary.itertuples(index=False))
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
        console.print(table)
    if plot is not None:
        from burdenshare.report.bargaining_section import tournament_heatmap

        figure = tournament_heatmap(summary, parties)
        plot.write_text(figure.svg, encoding="utf-8")


# --------------------------------------------------------------------------- sweeps
def _print_sweep_summary(
    summary: Any, run_id: str, db: Path, heading: str = "", scenario: Any = None
) -> None:
    from burdenshare.cli_render import print_sweep_summary

    name = "The analysis's sweep" if heading else f"Sweep {run_id}"
    print_sweep_summary(console, summary, f"{name} ({summary.n_draws:,} draws)", scenario)
    if not heading:
        console.print(f"[green]results[/] {db} (sweep {run_id}); `burdenshare show {run_id}`")


def _show_sweep(scenario: Any, db: Path, run_id: str, as_json: bool) -> None:
    """Summarise the stored rows of ``run_id`` and print them (rich tables or JSON)."""
    from burdenshare.sweep.runner import load_results
    from burdenshare.sweep.summary import summarise

    table = load_results(db, run_id)
    if "agreement" not in table.columns:
        raise BurdenshareError.single(f"sweep {run_id} has no stored rows yet", file=str(db))
    summary = summarise(scenario, table)
    if as_json:
        typer.echo(_summary_json(summary, run_id))
    else:
        _print_sweep_summary(summary, run_id, db, scenario=scenario)


def _summary_json(summary: Any, run_id: str) -> str:
    import json

    from burdenshare.runs import sweep_json

    return json.dumps(sweep_json(summary, run_id), indent=2)


@app.command("sweep")
@user_errors
def sweep_cmd(
    source: str = typer.Argument(
        None,
        metavar="[FILE|NAME]",
        help="Scenario with an [uncertainty] section (with --resume: default, the run's file).",
        show_default=False,
    ),
    draws: int | None = typer.Option(
        None, "--draws", "-n", min=1, help="Draws (default: [uncertainty] draws)."
    ),
    seed: int | None = typer.Option(
        None, "--seed", min=0, help="Master seed (default: [uncertainty] seed)."
    ),
    executor: str = typer.Option(
        "local", "--executor", "-e", help="local (in-process), processes (all cores) or dask."
    ),
    workers: int | None = typer.Option(
        None, "--workers", "-w", min=1, help="Processes or Dask workers (default: all cores)."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask scheduler address, e.g. tcp://host:8786 (dask only)."
    ),
    db: Path = typer.Option(Path("results.duckdb"), "--db", help="DuckDB file."),  # noqa: B008
    chunk_size: int = typer.Option(16_384, "--chunk-size", min=1, help="Draws per chunk."),
    ratify: bool = typer.Option(True, "--ratify/--no-ratify", help="Ratifiers vote on deals."),
    resume: str | None = typer.Option(
        None, "--resume", metavar="RUN_ID", help="Finish an interrupted sweep."
    ),
    parquet: Path | None = typer.Option(  # noqa: B008
        None, "--parquet", help="Also write the per-draw table to this Parquet file."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
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
    from burdenshare.sweep.runner import SweepInterrupted, describe_sweep
    from burdenshare.sweep.scenario import resume_scenario, sweep_scenario
    from burdenshare.sweep.store import export_parquet

    try:
        if resume is not None:
            run, _ = describe_sweep(db, resume)
            path = source or run.parameters.get("scenario_path")
            if not path:
                raise BurdenshareError.single(
                    f"sweep {resume} does not record its scenario file",
                    expected="burdenshare sweep SCENARIO --resume RUN_ID",
                )
            scenario = load_checked(path)
            resume_scenario(
                scenario, db, resume, executor=executor, workers=workers, scheduler=scheduler
            )
            run_id = resume
        else:
            if source is None:
                raise BurdenshareError.single(
                    "no scenario given", expected="burdenshare sweep SCENARIO (or --resume RUN_ID)"
                )
            scenario = load_checked(source)
            run_id = sweep_scenario(
                scenario,
                db,
                draws=draws,
                seed=seed,
                ratification=ratify,
                chunk_size=chunk_size,
                executor=executor,
                workers=workers,
                scheduler=scheduler,
            )
    except SweepInterrupted as exc:
        for problem in exc.problems:
            err_console.print(f"[yellow]interrupted:[/] {escape(str(problem))}", soft_wrap=True)
        raise typer.Exit(130) from None
    if parquet is not None:
        rows = export_parquet(db, run_id, parquet)
        err_console.print(f"[green]parquet[/] {parquet} ({rows:,} rows)")
    _show_sweep(scenario, db, run_id, as_json)


_DB_HELP = (
    "DuckDB file (default: results.duckdb, where `sweep` writes, and out/*/results.duckdb, "
    "where `analyze` writes, as many as exist)."
)


def _databases(db: Path | None) -> list[Path]:
    from burdenshare.runs import default_databases

    return [db] if db is not None else default_databases()


@app.command("runs")
@user_errors
def runs_cmd(
    db: Path | None = typer.Option(None, "--db", help=_DB_HELP, show_default=False),  # noqa: B008
    as_json: bool = typer.Option(False, "--json", help="Print the runs as JSON records."),
) -> None:
    """List stored runs of every kind (analyze, sweep, backtest), newest first.

    Without --db, lists the runs in results.duckdb (where `sweep` writes by default) and in
    out/*/results.duckdb (where `analyze` writes, e.g. after `make demo`). A sweep's chunks
    column shows how many of its chunks are stored; `burdenshare show RUN_ID` summarises a run.

    Examples:

      burdenshare runs

      burdenshare runs --db results.duckdb --json
    """
    import json

    import pandas as pd

    from burdenshare.runs import find_runs, runs_json

    databases = _databases(db)
    runs = find_runs(databases)
    if as_json:
        typer.echo(json.dumps(runs_json(runs), indent=2))
        return
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
    console.print(table)


@app.command("show")
@user_errors
def show_cmd(
    run_id: str = typer.Argument(..., metavar="RUN_ID", help="A run's id (see `runs`)."),
    db: Path | None = typer.Option(None, "--db", help=_DB_HELP, show_default=False),  # noqa: B008
    parquet: Path | None = typer.Option(  # noqa: B008
        None, "--parquet", help="Write a sweep's per-draw table to this Parquet file."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
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
    import json

    from burdenshare.runs import open_run, sweep_json
    from burdenshare.sweep.store import export_parquet

    run = open_run(run_id, _databases(db))
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
        payload = sweep_json(run.sweep, run_id) if run.kind == "sweep" else run.to_json()
        typer.echo(json.dumps(payload, indent=2))
    elif run.kind == "sweep":
        _print_sweep_summary(run.sweep, run_id, run.db, scenario=run.scenario)
    else:
        _print_run(run)


def _print_run(run: Any) -> None:
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
    console.print(head)
    tables, _ = fit_table(
        {"table": list(run.tables), "rows": [f"{n:,}" for n in run.tables.values()]},
        right={"rows"},
        title="Stored tables (rows of this run)",
    )
    console.print(tables)
    if run.sweep is not None:
        _print_sweep_summary(
            run.sweep, run.run_id, run.db, heading="its sweep", scenario=run.scenario
        )


# --------------------------------------------------------------------------- help text
def _help_text(text: str) -> str:
    """A help text as typer's rich mode should show it: rich markup escaped (so that
    ``[uncertainty]`` is printed, not swallowed as a style tag), and each paragraph of prose
    joined into one line for the terminal to wrap (indented blocks, the examples, kept)."""
    paragraphs = inspect.cleandoc(text).split("\n\n")
    out = []
    for para in paragraphs:
        lines = para.split("\n")
        if all(line.startswith(" ") for line in lines if line.strip()):
            out.append(para)
        else:
            out.append(" ".join(line.strip() for line in lines))
    return escape("\n\n".join(out))


def escape_help(typer_app: typer.Typer) -> None:
    """Escape rich markup in every help string of ``typer_app``: its commands' docstrings and
    ``help=``, their options' and arguments' help, and the same in sub-apps (command groups),
    recursively. Idempotent; called once below, after every command is registered."""
    if getattr(typer_app, "_help_escaped", False):
        return
    typer_app._help_escaped = True  # type: ignore[attr-defined]
    infos: list[Any] = [*typer_app.registered_commands]
    if typer_app.registered_callback is not None:
        infos.append(typer_app.registered_callback)
    for info in infos:
        text = info.help if isinstance(info.help, str) else inspect.getdoc(info.callback)
        if text:
            info.help = _help_text(text)
        for param in inspect.signature(info.callback).parameters.values():
            default = param.default
            if (
                isinstance(default, typer.models.ParameterInfo)
                and isinstance(default.help, str)
                and not getattr(default, "_help_escaped", False)
            ):
                default.help = escape(default.help)
                default._help_escaped = True  # type: ignore[attr-defined]
    for group in typer_app.registered_groups:
        if isinstance(group.help, str):
            group.help = _help_text(group.help)
        if group.typer_instance is not None:
            escape_help(group.typer_instance)


from burdenshare.cli_serve import serve  # noqa: E402 - the web app's command

app.command("serve")(serve)
escape_help(app)  # keep last: after every command and command group is added
