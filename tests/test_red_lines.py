"""Red lines: no solution concept and no negotiation asks a party for more than its red line;
and a sweep over any subset of sma-2019's uncertain fields runs (issue 9, defect 5.1)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import burdenshare
from burdenshare.bargaining.analysis import BargainingAnalysis
from burdenshare.bargaining.domain import domain_from_scenario
from burdenshare.bargaining.outcomes import Issue, OutcomeSpace
from burdenshare.bargaining.talks import bargain_scenario
from burdenshare.bargaining.utility import (
    LinearAdditiveUtility,
    PiecewiseLinearValue,
    RedLine,
    TableValue,
)
from burdenshare.cli import app
from burdenshare.scenario import load_scenario_text
from burdenshare.sweep.workload import BargainingWorkload

SMA = Path(__file__).resolve().parents[1] / "scenarios" / "sma-2019.toml"
RED_LINE = 1_142_800_000_000  # Seoul's, in sma-2019
TIME_DEPENDENT = ("boulware", "linear", "conceder", "hardliner")


def test_an_outcome_beyond_a_red_line_scores_below_every_no_deal_value() -> None:
    space = OutcomeSpace([Issue.continuous("x", 0, 10, step=1), Issue.boolean("b")])
    u = LinearAdditiveUtility(
        weights={"x": 0.5, "b": 0.5},
        values={
            "x": PiecewiseLinearValue(((2.0, 1.0), (6.0, 0.0))),
            "b": TableValue({False: 1.0, True: 0.0}),
        },
        red_lines={"x": RedLine(worst=6.0, ideal=2.0), "b": RedLine(allowed=(False,))},
    )
    values = u.evaluate(space).reshape(11, 2)
    # within the red lines: the additive score (x = 6 is the red line itself, still allowed)
    assert values[6, 0] == pytest.approx(0.5) and values[2, 0] == pytest.approx(1.0)
    # beyond: minus the overshoot, in units of the ideal-to-red-line distance (4)
    assert values[8, 0] == pytest.approx(-2 / 4)
    assert values[2, 1] == pytest.approx(-1.0)  # b = true: outside its allowed set
    assert values[9, 1] == pytest.approx(-(3 / 4 + 1))
    assert (values[7:, :] < 0).all() and (values[:, 1] < 0).all()
    # the readable one-outcome version agrees
    assert u.utility(space, {"x": 8.0, "b": False}) == pytest.approx(-0.5)


def test_no_solution_concept_or_negotiation_asks_seoul_beyond_its_red_line() -> None:
    sc = burdenshare.load_scenario("sma-2019")
    domain = domain_from_scenario(sc, grid=dict(sc.bargaining.grid))
    analysis = BargainingAnalysis.from_domain(domain)
    for name in ("nash", "kalai-smorodinsky"):
        o = analysis.points[name]
        assert o is not None, name
        deal = domain.space.outcome(o)
        assert deal["contribution"] <= RED_LINE and deal["new_category"] is False, name
    for us in TIME_DEPENDENT:
        for rok in TIME_DEPENDENT:
            run = bargain_scenario(sc, {"us": us, "rok": rok}, ratification=False, domain=domain)
            deal = run.agreement()
            if deal is not None:
                assert deal["contribution"] <= RED_LINE and deal["new_category"] is False


def test_the_negotiators_alone_sweep_stays_within_each_draws_red_line() -> None:
    sc = burdenshare.load_scenario("sma-2019")
    free = BargainingWorkload(sc, seed=0, ratification=False)(0, 3000)
    deals = free[free["agreement"]]
    assert len(deals) > 2000  # the check must not be vacuous
    red = deals["preferences.rok.reservation.contribution"]
    assert (deals["deal.contribution"] <= red).all()
    assert (~deals["deal.new_category"].astype(bool)).all()
    # and within the US negotiators' red line (a floor), where it held
    assert (deals["u.us"] >= 0).all() and (deals["u.rok"] >= 0).all()


def _without(*fields: str) -> str:
    text = SMA.read_text(encoding="utf-8")
    lines = text.splitlines()
    kept = [line for line in lines if not any(line.startswith(f'"{f}"') for f in fields)]
    assert len(kept) == len(lines) - len(fields)
    text = "\n".join(kept) + "\n"
    return text.replace("draws = 20_000", "draws = 300")


@pytest.mark.parametrize(
    "fields",
    [
        ("preferences.rok.reservation_value",),  # the defect: a drawn limit, an undrawn vote
        ("preferences.rok.reservation_value", "preferences.us.reservation_value"),
        ("preferences.rok.reservation.contribution", "preferences.us.reservation.contribution"),
        ("parties.us.ratifier.limits.contribution",),
    ],
)
def test_any_subset_of_the_uncertain_fields_sweeps(fields: tuple[str, ...], tmp_path: Path) -> None:
    """Removing drawn fields from sma-2019's [uncertainty] must not break the sweep (it used
    to crash with a broadcast error when limits moved but the ratifier's vote did not)."""
    path = tmp_path / "subset.toml"
    path.write_text(_without(*fields), encoding="utf-8")
    sc = burdenshare.load_scenario(path)
    frame = BargainingWorkload(sc, seed=0)(0, 300)
    assert len(frame) == 300 and frame["agreement"].any()
    for field in fields:
        assert field not in frame
    result = CliRunner().invoke(
        app, ["sweep", str(path), "--db", str(tmp_path / "s.duckdb"), "--draws", "300"]
    )
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


def test_load_scenario_text_of_the_bundled_file_has_no_warning() -> None:
    from burdenshare.scenario.plausibility import scenario_warnings

    sc = load_scenario_text(SMA.read_text(encoding="utf-8"), "sma.toml")
    assert scenario_warnings(sc) == []
    assert np.isfinite(sc.preferences["us"].ideal["contribution"])
