"""``forecast``: a multi-actor forecasting model on an actor table or a scenario's [actors]."""

from pathlib import Path
from typing import Annotated

import typer

from burdenshare.app import forecast as forecasting
from burdenshare.cli.main import app, console, load_checked, user_errors
from burdenshare.cli.options import json_flag, option
from burdenshare.cli.render import print_forecast, print_json


@app.command("forecast")
@user_errors
def forecast_cmd(
    source: Annotated[str, typer.Argument(
        metavar="FILE|NAME",
        help="Actor table: a BDM CSV (Actor,Capability,Position,Salience), a KTAB SMP CSV, or a "
        "scenario (file or bundled name) with an [actors] section.",
        show_default=False,
    )],
    model: Annotated[str, option(
        "--model", "-m", help="Forecasting model (registry name)."
    )] = "bdm",
    preset: Annotated[str, option("--preset", help="BDM preset.")] = "scholz-code",
    rounds: Annotated[int | None, option(
        "--rounds", "-r", min=1, help="Rounds to run (default: the model's, BDM 10)."
    )] = None,
    seed: Annotated[int, option("--seed", help="Seed (stochastic models).")] = 0,
    as_json: Annotated[bool, json_flag("Print rounds as JSON.")] = False,
) -> None:  # fmt: skip
    """Forecast the outcome of a multi-actor issue: median, mean, BDM or a KTAB-style SMP.

    Prints the median and mean per round and the forecast; --json prints
    {"rounds": [{"round": 0, "median": ..., "mean": ..., "positions": {actor: x}}, ...]}
    (round 0 is the input). Models: see `burdenshare forecast --model help`.

    Examples:

      burdenshare forecast tests/data/bdm/emission_standards_bdm1994_s01.csv --model bdm --json

      burdenshare forecast sma-2019 --model smp --seed 1

      burdenshare forecast actors.csv --model median
    """
    if model == "help":
        console.print("forecasting models: " + ", ".join(forecasting.model_names()))
        return
    forecasting.check_model(model)  # unknown names are a user error listing the valid ones
    options = {"preset": preset, "rounds": rounds, "seed": seed}
    if forecasting.is_table(source):
        result = forecasting.forecast_csv(Path(source), model, **options)
    else:
        scenario = load_checked(source)
        result = forecasting.forecast_scenario(scenario, model, source=source, **options)
    if as_json:
        print_json(result.rounds, ensure_ascii=False)
    else:
        print_forecast(result)
