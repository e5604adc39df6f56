"""``bargain`` (one alternating-offers negotiation) and ``tournament`` (every ordered pair of
strategies over many seeds), on a scenario or a GENIUS domain."""

from pathlib import Path
from typing import Annotated

import typer

from burdenshare.app import bargain as bargaining
from burdenshare.cli.main import app, console, load_checked, user_errors
from burdenshare.cli.options import ScenarioOrDomainArg, csv_flag, json_flag, option
from burdenshare.cli.render import print_bargain, print_json, print_tournament
from burdenshare.errors import BurdenshareError, Problem
from burdenshare.report.bargaining_section import tournament_heatmap


def _one_input(source: str | None, domain_dir: Path | None, command: str) -> None:
    if (source is None) == (domain_dir is None):
        raise BurdenshareError([Problem(
            "give a scenario or --domain DIR, not both or neither",
            expected=f"burdenshare {command} SCENARIO | --domain DIR",
        )])  # fmt: skip


def _strategies(items: list[str] | None) -> dict[str, str]:
    """``--strategy PARTY=NAME`` options → party → strategy (each name checked)."""
    pairs = {}
    for item in items or []:
        party, sep, name = item.partition("=")
        if not sep or not party or not name:
            raise BurdenshareError([Problem("bad --strategy", expected="PARTY=NAME", found=item)])
        bargaining.check_strategy(name)
        pairs[party] = name
    return pairs


def _events(items: list[str] | None) -> dict[str, bool]:
    """``--event ID=yes|no`` options → event id → happens."""
    choices: dict[str, bool] = {}
    for item in items or []:
        eid, sep, answer = item.partition("=")
        if not sep or answer not in ("yes", "no"):
            raise BurdenshareError([Problem("bad --event", expected="ID=yes or ID=no", found=item)])
        choices[eid] = answer == "yes"
    return choices


# The options of `bargain` (module-level aliases keep its signature one line per option).
BargainDomain = Annotated[
    Path | None,
    option(
        "--domain",
        show_default=False,
        help="GENIUS domain folder; profiles sorted by file name are opener then responder.",
    ),
]
Opener = Annotated[str | None, option("--opener", help="Opener's strategy (with --domain).")]
Responder = Annotated[str | None, option("--responder", help="Responder's strategy (--domain).")]
PartyStrategies = Annotated[
    list[str] | None,
    option("--strategy", "-s", metavar="PARTY=NAME", help="Strategy per scenario party."),
]
Steps = Annotated[
    int | None,
    option(
        "--steps",
        show_default=False,
        help="Deadline in rounds (default: the scenario's [bargaining] steps, else 100).",
    ),
]
Compat = Annotated[str | None, option("--compat", help="'negmas': NegMAS 0.16.0 semantics.")]
Ratify = Annotated[
    bool, option("--ratify/--no-ratify", help="Two-level ratification (scenario only).")
]
Events = Annotated[
    list[str] | None,
    option(
        "--event",
        metavar="ID=yes|no",
        help="Whether an uncertain scenario event happens (default: when its probability is "
        "at least one half).",
    ),
]
TiedHands = Annotated[bool, option(
    "--tied-hands", help="Negotiators know their own ratifier's win-set.")]  # fmt: skip


@app.command("bargain")
@user_errors
def bargain_cmd(
    source: ScenarioOrDomainArg = None,
    domain_dir: BargainDomain = None,
    opener: Opener = None,
    responder: Responder = None,
    strategy: PartyStrategies = None,
    steps: Steps = None,
    compat: Compat = None,
    ratification: Ratify = True,
    event: Events = None,
    tied_hands: TiedHands = False,
    seed: Annotated[int, option("--seed", help="Seed for stochastic strategies.")] = 0,
    as_json: Annotated[bool, json_flag("Print the result as JSON.")] = False,
    trace: Annotated[bool, option("--trace", help="Include the full trace (with --json).")] = False,
) -> None:  # fmt: skip
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
    if "help" in (opener, responder):
        console.print("strategies: " + ", ".join(bargaining.strategy_names()))
        return
    _one_input(source, domain_dir, "bargain")
    if domain_dir is not None:
        run = bargaining.bargain_domain(domain_dir, opener or "", responder or "",
                                        steps=100 if steps is None else steps, compat=compat,
                                        seed=seed)  # fmt: skip
    elif compat:
        raise BurdenshareError(
            [Problem("--compat applies to --domain runs only", path="--compat", found=compat)]
        )
    else:
        pairs, choices = _strategies(strategy), _events(event)
        run = bargaining.bargain(load_checked(source or ""), pairs, steps=steps, seed=seed,
                                 ratification=ratification, tied_hands=tied_hands,
                                 events=choices)  # fmt: skip
    payload = run.to_json(trace=trace)
    if as_json:
        print_json(payload, ensure_ascii=False, default=str)
    else:
        print_bargain(payload, run.names)


@app.command("tournament")
@user_errors
def tournament_cmd(
    source: ScenarioOrDomainArg = None,
    domain_dir: Annotated[Path | None, option("--domain", show_default=False,
        help="GENIUS domain folder (first two profiles by file name).",
    )] = None,
    strategies: Annotated[str, option(
        "--strategies", help="'all' or a comma-separated list of strategy names."
    )] = "all",
    seeds: Annotated[int, option("--seeds", min=1, help="Runs per ordered pair.")] = 10,
    steps: Annotated[int, option("--steps", min=1, help="Deadline in rounds.")] = 100,
    seed: Annotated[int, option("--seed", help="Master seed.")] = 0,
    plot: Annotated[Path | None, option(
        "--plot", help="Write the heatmap as SVG.", show_default=False
    )] = None,
    as_csv: Annotated[bool, csv_flag("Print every negotiation as CSV.")] = False,
) -> None:  # fmt: skip
    """Every ordered pair of strategies over many seeds, with and without ratification.

    With a scenario, runs use its [bargaining] grid and both sides' ratifiers; with --domain,
    GENIUS profiles and no ratification. Prints the summary per pair (agreement rate, mean
    round, utilities); --plot writes the agreement-rate heatmap.

    Examples:

      burdenshare tournament sma-2019 --strategies all --seeds 100

      burdenshare tournament --domain tests/data/genius/Laptop --strategies boulware,conceder

      burdenshare tournament sma-2019 --seeds 20 --plot tournament.svg --csv > runs.csv
    """
    _one_input(source, domain_dir, "tournament")
    names = bargaining.tournament_strategies(strategies)
    scenario = load_checked(source) if domain_dir is None and source is not None else None
    result = bargaining.run_tournament(
        scenario, domain_dir, names, seeds=seeds, steps=steps, seed=seed
    )
    if as_csv:
        typer.echo(result.games.to_csv(index=False), nl=False)
    else:
        print_tournament(result, seeds, steps)
    if plot is not None:
        figure = tournament_heatmap(result.summary, result.parties)
        plot.write_text(figure.svg, encoding="utf-8")
