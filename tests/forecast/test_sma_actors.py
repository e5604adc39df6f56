"""The actor table of the 2019 SMA talks (``[actors]`` in the bundled sma-2019 scenario).

The codings are analyst judgements (see the file's comments and each actor's ``note``); these
tests pin what the file claims: the derived positions follow from the sourced figures, every
actor says where its numbers come from, the baselines give the values worked out by hand below,
and BDM and the spatial model run on the table and stay on its scales.
"""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from burdenshare.cli import app
from burdenshare.forecast.actors import ActorTable
from burdenshare.forecast.registry import load_models
from burdenshare.forecast.scenario_actors import actor_table_from_scenario, run_model
from burdenshare.scenario import Scenario, bundled_path, load_scenario

KRW_PER_USD = 1166.1  # 2019 average, Bank of Korea via Hankyung (the scenario's header)
FX_2019 = 1165.8016  # the bundled 2019 average (Fed H.10) the scenario converts the ask at
LEVEL_2019 = 1038.9  # bn KRW, 10th SMA (MOFA)
DIMS = ("contribution", "duration")
ACTORS = (
    "us_president",
    "state_department",
    "pentagon_usfk",
    "us_congress",
    "rok_blue_house",
    "rok_mofa",
    "rok_democratic_party",
    "rok_liberty_korea_party",
    "rok_public",
    "north_korea",
    "china",
    "japan",
)


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario("sma-2019")


@pytest.fixture(scope="module")
def table(scenario: Scenario) -> ActorTable:
    """The actor table built here from the parsed section (independent of the converter)."""
    section = scenario.actors
    assert section is not None
    actors = list(section.table.values())
    return ActorTable.from_arrays(
        [a.name for a in actors],
        [a.capability for a in actors],
        [[a.position[d] for d in DIMS] for a in actors],
        [[a.salience[d] for d in DIMS] for a in actors],
        dimensions=DIMS,
    )


def _bounds(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    dims = scenario.actors.dimensions  # type: ignore[union-attr]
    return np.array([dims[d].min for d in DIMS]), np.array([dims[d].max for d in DIMS])


# --------------------------------------------------------------------------- the section
def test_validate_accepts_the_bundled_file() -> None:
    result = CliRunner().invoke(app, ["validate", str(bundled_path("sma-2019"))])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: ")


def test_section_has_the_issue_actors_and_dimensions(scenario: Scenario) -> None:
    section = scenario.actors
    assert section is not None
    assert tuple(section.table) == ACTORS
    assert tuple(section.dimensions) == DIMS
    assert (section.models, section.preset, section.rounds) == (
        ["median", "mean", "bdm", "smp"],
        "scholz-code",
        10,
    )
    noise = section.noise
    assert noise is not None
    assert (noise.position, noise.salience, noise.capability, noise.runs) == (
        0.05,
        0.05,
        0.10,
        100,
    )
    # the scales match [issues], in bn KRW instead of won
    contribution, duration = (section.dimensions[d] for d in DIMS)
    assert contribution.min * 1e9 == scenario.issues["contribution"].min  # type: ignore[union-attr]
    assert contribution.max * 1e9 == scenario.issues["contribution"].max  # type: ignore[union-attr]
    assert (duration.min, duration.max) == (1, 5)


def test_every_actor_cites_a_source_or_is_an_estimate_and_explains(scenario: Scenario) -> None:
    assert scenario.actors is not None
    for aid, actor in scenario.actors.table.items():
        assert actor.source or actor.estimate, aid
        assert len(actor.note.strip()) >= 80, aid  # a reason, not a placeholder
        assert actor.description.strip(), aid
        for sid in actor.source:
            assert sid in scenario.sources, (aid, sid)


def test_capabilities_and_saliences_are_flagged_as_estimates(scenario: Scenario) -> None:
    """No source states a capability or salience, so every actor carries ``estimate = true``."""
    assert scenario.actors is not None
    assert all(a.estimate for a in scenario.actors.table.values())


def test_derived_positions_follow_from_the_sourced_figures(scenario: Scenario) -> None:
    """The [D] arithmetic in the notes, redone: a wrong rate or base would show here."""
    assert scenario.actors is not None
    pos = {aid: a.position["contribution"] for aid, a in scenario.actors.table.items()}
    # the President voices the US ask: $5 bn at the bundled 2019 average (Fed H.10)
    assert pos["us_president"] == pytest.approx(5 * FX_2019, abs=1e-9)
    assert pos["state_department"] == pytest.approx(4.7 * KRW_PER_USD, abs=0.05)  # ~$4.7 bn
    assert pos["us_congress"] == pytest.approx(1.2 * KRW_PER_USD, abs=0.05)  # 10th SMA $1.2 bn
    assert pos["pentagon_usfk"] == pytest.approx(2 * LEVEL_2019, abs=0.05)  # a doubling
    assert pos["rok_blue_house"] == pytest.approx(LEVEL_2019 * 1.074, abs=0.05)  # +7.4%
    assert pos["rok_liberty_korea_party"] == pytest.approx(LEVEL_2019 * 1.25, abs=0.05)
    assert pos["rok_public"] == LEVEL_2019  # KINU: most want no rise
    # Seoul's government position is the scenario's own ROK offer schedule, in bn KRW
    offer = scenario.schedules["rok_offer"].first_year_total
    assert pos["rok_blue_house"] * 1e9 == pytest.approx(float(offer), abs=1e6)
    # one year for Washington's principals, five for Seoul's (the as-of positions)
    dur = {aid: a.position["duration"] for aid, a in scenario.actors.table.items()}
    assert dur["us_president"] == dur["state_department"] == 1
    assert dur["rok_blue_house"] == dur["rok_mofa"] == 5


def test_the_converter_gives_the_same_table(scenario: Scenario, table: ActorTable) -> None:
    converted = actor_table_from_scenario(scenario)
    assert converted.names == table.names
    assert converted.dimensions == table.dimensions
    np.testing.assert_array_equal(converted.capability, table.capability)
    np.testing.assert_array_equal(converted.position, table.position)
    np.testing.assert_array_equal(converted.salience, table.salience)


# --------------------------------------------------------------------------- round 0
def test_round0_median_and_mean_by_hand(table: ActorTable) -> None:
    """Weights are capability × salience, worked out from the coded numbers.

    Contribution (bn KRW), sorted by position, weight in brackets:
      900 NK (5×0.2=1), 900 China (10×0.2=2), 1,038.9 public (30×0.8=24),
      1,115.8 Blue House (70×0.8=56), MOFA (35×0.9=31.5), DP (30×0.7=21),
      1,200 Japan (10×0.4=4), 1,298.6 LKP (25×0.5=12.5), 1,399.3 Congress (25×0.3=7.5),
      2,077.8 Pentagon (35×0.6=21), 5,480.7 State (35×0.8=28), 5,829.0 President (100×0.9=90;
      the US ask of $5 bn at 1,165.8016 won per dollar).
      Total 298.5, half 149.25; cumulative 3, 27, 135.5, 139.5, then 152 ≥ 149.25 at 1,298.6.
    Duration (years):
      1: President 40, State 17.5, NK 0.25, China 0.5 → 58.25;
      3: Pentagon 17.5, Congress 5 → 80.75 ≥ 155.75 / 2 = 77.875, so the median is 3;
      5: Blue House 35, MOFA 21, DP 9, LKP 5, public 3, Japan 2 → 75.
    """
    contribution_mean = (
        1 * 900
        + 2 * 900
        + 24 * 1038.9
        + (56 + 31.5 + 21) * 1115.8
        + 4 * 1200
        + 12.5 * 1298.6
        + 7.5 * 1399.3
        + 21 * 2077.8
        + 28 * 5480.7
        + 90 * 5 * FX_2019
    ) / 298.5
    duration_mean = (58.25 * 1 + 22.5 * 3 + 75 * 5) / 155.75
    assert table.weights().sum(axis=0) == pytest.approx([298.5, 155.75], abs=1e-12)

    models = load_models()
    for name, expected in (
        ("median", [1298.6, 3.0]),
        ("mean", [contribution_mean, duration_mean]),
    ):
        result = models.get(name)().run(table)
        assert result.n_rounds == 0
        assert result.median[0].tolist() == [1298.6, 3.0]
        assert result.mean[0] == pytest.approx([contribution_mean, duration_mean], rel=1e-12)
        assert result.forecast == pytest.approx(expected, rel=1e-12)
    assert contribution_mean == pytest.approx(3021.538593, abs=1e-6)
    assert duration_mean == pytest.approx(3.215088, abs=1e-6)


# --------------------------------------------------------------------------- BDM
def test_bdm_scholz_code_runs_ten_rounds_within_the_scales(
    scenario: Scenario, table: ActorTable
) -> None:
    result = load_models().get("bdm")(preset="scholz-code").run(table, max_rounds=10)
    lo, hi = _bounds(scenario)
    assert result.median.shape == (11, 2) and result.positions.shape == (11, 12, 2)
    assert np.all((lo <= result.median) & (result.median <= hi))
    assert np.all((lo <= result.positions) & (result.positions <= hi))
    assert np.all((lo <= result.mean) & (result.mean <= hi))
    # What the report states: the contribution median never leaves the LKP's 1,298.6 bn; the
    # duration median dips to ~1.9 years in rounds 2-3 and settles into a 2-round cycle whose
    # median is 3 years (the run detects it: round 10 repeats round 8).
    assert np.all(result.median[:, 0] == 1298.6)
    assert result.median[2:4, 1] == pytest.approx([1.912534, 1.912037], abs=1e-6)
    assert np.all(result.median[4:, 1] == 3.0)
    assert result.stop.reason == "cycle"
    assert (result.stop.cycle_start, result.stop.period) == (8, 2)
    assert result.forecast.tolist() == [1298.6, 3.0]
    # the weighted mean stays near 3,020-3,030 bn: the US principals do not move
    assert result.mean[-1, 0] == pytest.approx(3027.182030, abs=1e-5)
    assert result.positions[-1, 0, 0] == 5829.008 and result.positions[-1, 1, 0] == 5480.7


# --------------------------------------------------------------------------- SMP
def _smp_table(table: ActorTable, lo: np.ndarray, hi: np.ndarray) -> ActorTable:
    """Positions on 0-100 per dimension (the model takes one range for all dimensions);
    saliences divided by their sum where it exceeds 1 (KTAB needs Σ salience ≤ 1 per actor)."""
    position = (table.position - lo) / (hi - lo) * 100.0
    salience = table.salience / np.maximum(table.salience.sum(axis=1, keepdims=True), 1.0)
    return table.replace(position=position, salience=salience)


def test_smp_runs_on_the_rescaled_table(scenario: Scenario, table: ActorTable) -> None:
    lo, hi = _bounds(scenario)
    result = load_models().get("smp")().run(_smp_table(table, lo, hi), max_rounds=10, seed=0)
    assert result.stop_reason == "converged" and result.n_turns == 4
    pos = result.user_positions()
    assert np.all((pos >= 0.0) & (pos <= 100.0))
    forecast = lo + result.forecast / 100.0 * (hi - lo)
    # the likeliest final position: 1,154.5 bn KRW (+11%) for about 4.8 years, held by the DP,
    # the LKP and North Korea with probability 0.41
    assert forecast == pytest.approx([1154.49, 4.8468], abs=1e-6)
    assert result.win_probability[-1].max() == pytest.approx(0.4057, abs=1e-4)
    # the scenario runner (per-dimension rescaling, results mapped back) agrees
    run = run_model("smp", table, scenario, rounds=10, seed=0, preset="scholz-code")
    assert run.forecast == pytest.approx(forecast, abs=1e-9)
