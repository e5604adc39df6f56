"""The bargaining sweep workload: each row is the negotiation of the scenario its draw describes."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from burdenshare.bargaining.domain import domain_from_scenario
from burdenshare.bargaining.talks import bargain_scenario
from burdenshare.errors import BurdenshareError
from burdenshare.scenario import load_scenario, load_scenario_text
from burdenshare.sweep.apply import apply_draw
from burdenshare.sweep.draws import EVENT_PREFIX, STRATEGY_PREFIX
from burdenshare.sweep.workload import BargainingWorkload, row_fields

SMA = Path(__file__).resolve().parents[2] / "scenarios" / "sma-2019.toml"


def _with_uncertainty(params: str, strategies: str = "", drop_exponents: bool = False):
    """sma-2019 with its [uncertainty.params] replaced (TOML lines) and optional mixes."""
    text = SMA.read_text(encoding="utf-8")
    if drop_exponents:
        text = re.sub(r"^exponents = .*$", "", text, flags=re.M)
    head, rest = text.split("[uncertainty.params]\n", 1)
    tail = rest[rest.index("# ----") :]
    body = "[uncertainty.params]\n" + params + "\n"
    if strategies:
        body += "[uncertainty.strategies]\n" + strategies + "\n"
    return load_scenario_text(head + body + tail, "variant.toml")


def _reference(workload: BargainingWorkload, row: pd.Series) -> dict:
    """The row as bargain_scenario gives it on the scenario the draw describes: its drawn
    fields set, its uncertain events as drawn, the scenario's exponents and offer rule."""
    sc = workload.scenario
    base = workload._base()
    params = {k: v for k, v in row.items() if k in sc.uncertainty.params}
    variant = apply_draw(sc, params)
    grid = dict(variant.bargaining.grid)
    domain = domain_from_scenario(variant, grid=grid, space=base.domain.space)
    strategies = {
        side.party: row.get(STRATEGY_PREFIX + side.party, side.strategy) for side in base.sides
    }
    events = {
        k.removeprefix(EVENT_PREFIX): bool(v) for k, v in row.items() if k.startswith(EVENT_PREFIX)
    }
    from burdenshare.bargaining.strategies.base import child_seed

    run = bargain_scenario(
        variant,
        strategies,
        n_steps=variant.bargaining.steps,
        domain=domain,
        seed=child_seed(workload.seed, int(row["draw"])),
        events=events,
        exponents=True,
    )
    return {"result": run.result, "deal": run.agreement(), "domain": domain, "run": run}


def _assert_rows_match(workload: BargainingWorkload, frame: pd.DataFrame) -> None:
    for _, row in frame.iterrows():
        ref = _reference(workload, row)
        result = ref["result"]
        assert bool(row["agreement"]) == (result.agreement is not None), row["draw"]
        assert int(row["step"]) == result.step
        assert int(row["n_voided"]) == len(result.voided)
        assert row["reason"] == result.reason.label
        for k, party in enumerate(("us", "rok")):
            last = result.last_offer(k)
            want = np.nan if last is None else ref["domain"].outcome(last)["contribution"]
            assert row[f"last.{party}.contribution"] == want or (
                np.isnan(want) and np.isnan(row[f"last.{party}.contribution"])
            )
        if result.agreement is None:
            assert np.isnan(row["deal.contribution"])
            assert np.isnan(row["u.us"])
        else:
            deal = ref["deal"]
            assert row["deal.contribution"] == deal["contribution"]
            assert row["deal.duration"] == deal["duration"]
            assert bool(row["deal.new_category"]) == deal["new_category"]
            assert (row["u.us"], row["u.rok"]) == result.utilities


def test_row_fields_are_recognised() -> None:
    sc = load_scenario(SMA)
    fields = row_fields(sc, list(sc.uncertainty.params))
    # every drawn field but the event ones is applied row by row (no rebuilds); the event's
    # probability only decides the event draw, its drawn value is pinned where it applies
    events = {p for p in sc.uncertainty.params if p.startswith("events.")}
    assert set(fields) == set(sc.uncertainty.params) - events
    assert fields["parties.us.ratifier.limits.contribution"] == (
        "ratifier_limit",
        "us",
        "contribution",
    )
    assert fields["preferences.rok.reservation.contribution"] == ("limit", "rok", "contribution")
    workload = BargainingWorkload(sc, seed=0)
    assert workload.structural == []
    assert workload.pinned == {
        "events.furlough.set.preferences.rok.reservation_value": (
            "preferences.rok.reservation_value"
        )
    }
    assert workload.events == ["event.us_election"]
    assert row_fields(sc, ["bargaining.steps", "meta.as_of"]) == {}


def test_bundled_rows_equal_the_reference_engine_on_each_drawn_scenario() -> None:
    sc = load_scenario(SMA)
    workload = BargainingWorkload(sc, seed=3)
    frame = workload(0, 4096)
    # the comparison must cover deals before and after events, vetoes, stalls, both branches
    deal, lost = frame["agreement"], frame["event.us_election"]
    assert deal.any() and (~deal).any() and (frame["n_voided"] > 0).any()
    picked = pd.concat(
        [
            frame[deal & ~lost].head(4),  # deals under the incumbent
            frame[deal & lost].head(4),  # deals after a new president takes office
            frame[~deal & (frame["n_voided"] > 0)].head(4),  # vetoed, then stalled
            frame[~deal & (frame["n_voided"] == 0)].head(2),
        ]
    )
    assert len(picked) >= 12
    _assert_rows_match(workload, picked)


def test_drawn_preferences_give_the_drawn_scenarios_utilities_exactly() -> None:
    sc = _with_uncertainty(
        '"preferences.rok.reservation.contribution" = '
        '{ dist = "uniform", low = 1_150_000_000_000, high = 1_400_000_000_000 }\n'
        '"preferences.us.weights.duration" = { dist = "uniform", low = 0.0, high = 0.5 }\n'
        '"preferences.us.ideal.contribution" = '
        '{ dist = "uniform", low = 2_000_000_000_000, high = 5_900_000_000_000 }\n'
        '"preferences.us.reservation_value" = { dist = "uniform", low = 0.0, high = 0.1 }\n'
    )
    workload = BargainingWorkload(sc, seed=1)
    params = workload(0, 40)
    base = workload._base()
    for side in base.sides:
        u = workload._utilities(base, side, params)
        assert u.ndim == 2
        for b, (_, row) in enumerate(params.iterrows()):
            draw = {k: v for k, v in row.items() if k in sc.uncertainty.params}
            variant = apply_draw(sc, draw)
            ref = domain_from_scenario(
                variant, grid={"contribution": 1e10}, space=base.domain.space
            )
            expected = ref.utilities[ref.parties.index(side.party)]
            assert np.array_equal(u[b], expected), (side.party, b)
    _assert_rows_match(workload, params.head(12))


def test_structural_fields_and_strategy_mixes() -> None:
    sc = _with_uncertainty(
        '"bargaining.steps" = { dist = "choice", values = [30, 60] }\n'
        '"preferences.rok.reservation_value" = { dist = "uniform", low = 0.2, high = 0.4 }\n',
        strategies='us = { boulware = 0.5, "tit-for-tat" = 0.5 }\nrok = { conceder = 1.0 }\n',
        drop_exponents=True,
    )
    workload = BargainingWorkload(sc, seed=2)
    assert workload.structural == ["bargaining.steps"]
    frame = workload(0, 30)
    assert set(frame["bargaining.steps"]) == {30, 60}
    assert set(frame[STRATEGY_PREFIX + "us"]) == {"boulware", "tit-for-tat"}
    _assert_rows_match(workload, frame)


def test_chunking_and_pickling_do_not_change_rows() -> None:
    sc = load_scenario(SMA)
    workload = BargainingWorkload(sc, seed=0)
    whole = workload(0, 300)
    parts = pd.concat([workload(0, 37), workload(37, 255), workload(255, 300)], ignore_index=True)
    pd.testing.assert_frame_equal(whole, parts)
    clone = pickle.loads(pickle.dumps(workload))
    pd.testing.assert_frame_equal(clone(100, 200), whole.iloc[100:200].reset_index(drop=True))


def test_without_ratification_more_deals() -> None:
    sc = load_scenario(SMA)
    ratified = BargainingWorkload(sc, seed=0)(0, 2000)
    free = BargainingWorkload(sc, seed=0, ratification=False)(0, 2000)
    assert free["agreement"].mean() > ratified["agreement"].mean()
    assert (free["n_voided"] == 0).all()
    # a ratified deal respects the drawn Assembly ceiling (Seoul's red line) and the drawn
    # presidential floor while the incumbent is in office
    deals = ratified[ratified["agreement"]]
    assert (deals["deal.contribution"] <= deals["preferences.rok.reservation.contribution"]).all()
    incumbent = ~deals["event.us_election"] | (deals["date"] < pd.Timestamp("2021-01-20"))
    assert incumbent.any() and (~incumbent).any()
    floor = deals["parties.us.ratifier.limits.contribution"]
    assert (deals["deal.contribution"][incumbent] >= floor[incumbent]).all()
    assert (deals["deal.new_category"] == False).all()  # noqa: E712 (nullable boolean)


def test_a_scenario_without_uncertainty_is_a_user_error() -> None:
    text = SMA.read_text(encoding="utf-8")
    head, rest = text.split("[uncertainty]\n", 1)
    sc = load_scenario_text(head + rest[rest.index("# ----") :], "plain.toml")
    with pytest.raises(BurdenshareError, match="no \\[uncertainty\\] section"):
        BargainingWorkload(sc, seed=0)


def test_drawn_actors_give_each_draw_the_forecasts_of_its_actor_table() -> None:
    from burdenshare.forecast.scenario_actors import forecast_scenario

    sc = _with_uncertainty(
        '"actors.table.us_president.position.contribution" = '
        '{ dist = "uniform", low = 1200, high = 5830.5 }\n'
        '"actors.table.rok_liberty_korea_party.salience.contribution" = '
        '{ dist = "choice", values = [0.5, 0.9] }\n'
        '"preferences.rok.reservation_value" = { dist = "uniform", low = 0.25, high = 0.4 }\n'
    )
    workload = BargainingWorkload(sc, seed=0)
    assert workload.structural == []  # actor fields never rebuild the bargaining
    frame = workload(0, 6)
    models, dims = list(sc.actors.models), list(sc.actors.dimensions)
    assert [c for c in frame if c.startswith("forecast.")] == [
        f"forecast.{m}.{d}" for m in models for d in dims
    ]
    for _, row in frame.iterrows():
        draw = {k: v for k, v in row.items() if k in sc.uncertainty.params}
        variant = apply_draw(sc, draw)
        quiet = variant.actors.model_copy(update={"noise": None})  # no Monte Carlo needed here
        runs = forecast_scenario(variant.model_copy(update={"actors": quiet}), seed=0).runs
        for m in models:
            for k, d in enumerate(dims):
                assert row[f"forecast.{m}.{d}"] == runs[m].forecast[k], (m, d)
    # the US president's position moves the mean forecast of the amount
    assert frame["forecast.mean.contribution"].nunique() == len(frame)
