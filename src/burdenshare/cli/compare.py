"""``compare``: two agreements in one currency, like with like."""

import re
from pathlib import Path
from typing import Annotated, Any

import typer

from burdenshare.app import ledger as ledgers
from burdenshare.cli.data import one_format
from burdenshare.cli.main import app, console, load_checked, user_errors
from burdenshare.cli.options import csv_flag, json_flag, option
from burdenshare.cli.render_ledger import print_comparison
from burdenshare.report.figures import yearly_bars


def _agreement_ref(ref: str) -> tuple[Any, Any, str]:
    """'SCENARIO[:SCHEDULE]' → (scenario, agreement spec, label)."""
    source, sid = ref, "agreement"
    match = re.fullmatch(r"(.+):([A-Za-z0-9_-]+)", ref)
    if match and not Path(ref).exists():
        source, sid = match.groups()
    scenario = load_checked(source)
    return scenario, ledgers.agreement(scenario, sid, source), f"{scenario.meta.id}:{sid}"


@app.command("compare")
@user_errors
def compare_cmd(
    a: Annotated[str, typer.Argument(
        metavar="A", help="SCENARIO[:SCHEDULE] (default: its agreement)."
    )],
    b: Annotated[str, typer.Argument(metavar="B", help="SCENARIO[:SCHEDULE] to compare with A.")],
    currency: Annotated[str, option("--currency", "-c", help="Common currency.")] = "USD",
    plot: Annotated[Path | None, option(
        "--plot", help="Also write the comparison as an SVG figure.", show_default=False
    )] = None,
    extend: Annotated[str, option(
        "--extend", metavar="rule|flat|none",
        help="How the agreement that ends sooner is extended to the common horizon: by its own "
        "escalation rule, held flat at its last year, or not at all (totals then compare "
        "different lengths).",
    )] = "rule",
    as_csv: Annotated[bool, csv_flag("Print CSV.")] = False,
    as_json: Annotated[bool, json_flag("Print JSON records.")] = False,
) -> None:  # fmt: skip
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
    one_format(as_csv, as_json)
    currency = ledgers.currency_code(currency)
    sc_a, spec_a, label_a = _agreement_ref(a)
    sc_b, spec_b, label_b = _agreement_ref(b)
    frame = ledgers.compare_agreements(
        (sc_a, spec_a), (sc_b, spec_b), currency=currency, extend=extend
    )
    if as_csv or as_json:
        named = frame.rename(columns={"a": label_a, "b": label_b, "a_basis": f"{label_a} basis",
                                      "b_basis": f"{label_b} basis"})  # fmt: skip
        if as_csv:
            typer.echo(named.to_csv(index=False), nl=False)
        else:
            typer.echo(named.to_json(orient="records", double_precision=15, indent=2))
    else:
        print_comparison(frame, label_a, label_b, currency)
    if plot is not None:
        _write_plot(frame, plot, (label_a, label_b), f"{spec_a.name} vs {spec_b.name}", currency)
        if not (as_csv or as_json):
            console.print(f"[green]plot[/] {plot}")


def _write_plot(frame: Any, plot: Path, labels: tuple[str, str], title: str, cur: str) -> None:
    """The comparison as yearly bars in SVG, the extension rule in the caption."""
    caption = "; ".join(
        f"{labels[0] if side == 'a' else labels[1]} extended to {frame.attrs['horizon'][1]} by "
        f"{rule}"
        for side, rule in frame.attrs.get("extended", {}).items()
    )
    figure = yearly_bars(
        {labels[0]: frame.set_index("year")["a"], labels[1]: frame.set_index("year")["b"]},
        title=title, figure_id="compare", caption=caption,
        source="burdenshare compare; FX: burdenshare.data fx",
        unit=f"billion {cur} (yearly average rates)", label_format="{:,.2f} bn",
    )  # fmt: skip
    plot.write_text(figure.svg, encoding="utf-8")
