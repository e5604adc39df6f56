"""The DEU models against hand-computed small cases; zero salience and lone actors (issue 10)."""

from __future__ import annotations

import numpy as np
import pytest

from burdenshare.forecast.actors import ActorTable
from burdenshare.forecast.compromise import CompromiseModel
from burdenshare.forecast.nash import NashBargaining, nash_point
from burdenshare.forecast.procedural import ProceduralModel, winset_edge
from burdenshare.forecast.registry import load_models
from burdenshare.forecast.smp import SpatialModel


def table(names, cap, pos, sal) -> ActorTable:
    return ActorTable.from_arrays(names, cap, pos, sal, salience_scale=100)


def test_registry_has_the_deu_models() -> None:
    assert {"compromise", "compromise-council", "compromise-fitted", "procedural", "nash"} <= set(
        load_models()
    )


def test_compromise_by_hand() -> None:
    t = table(["de", "mt", "com"], [4.0, 1.0, 4.0], [0.0, 100.0, 40.0], [50, 100, 0])
    # equal power, β = 1: (0·50 + 100·100) / 150; the Commission (salience 0) takes no part
    r = CompromiseModel(power="equal").run(t)
    assert r.forecast[0] == pytest.approx(10000 / 150)
    assert any("take no part" in n for n in r.notes)
    # Council votes de 29, mt 3: (29·50·0 + 3·100·100) / (29·50 + 3·100)
    r = CompromiseModel(power="council").run(t)
    assert r.forecast[0] == pytest.approx(30000 / 1750)
    # α = 0.5, β = 0.5 on capability: weights 2·√50, 1·√100
    r = CompromiseModel(alpha=0.5, beta=0.5).run(t)
    w = np.array([2 * np.sqrt(50), 10.0])
    assert r.forecast[0] == pytest.approx(100 * w[1] / w.sum())
    # α = β = 1 with table capabilities is the weighted mean
    assert CompromiseModel().run(t).forecast[0] == pytest.approx(
        t.weights()[:, 0] @ [0, 100, 40] / t.weights().sum()
    )


def test_winset_edge_by_hand() -> None:
    x = np.array([60.0, 70.0, 20.0, 55.0])
    v = np.array([1.0, 1.0, 1.0, 1.0])
    # above rp = 50 the reflections are 70, 90, 60; half the votes: the 2nd furthest, 70
    assert winset_edge(x, v, 50.0, 0.5, +1) == 70.0
    # unanimity: nobody below rp gains above it
    assert winset_edge(x, v, 50.0, 1.0, +1) == 50.0
    assert winset_edge(x, v, 50.0, 0.25, -1) == pytest.approx(-10.0)


def test_procedural_by_hand() -> None:
    names = ["com", "ep", "de", "fr", "it", "mt"]
    # votes de 29, fr 29, it 29, mt 3 (90): QMV needs 73.9% = 66.5 votes
    pos = [100.0, 80.0, 70.0, 60.0, 90.0, 10.0]
    t = table(names, [1] * 6, pos, [50] * 6)
    # rp 40: reflections de 100, fr 80, it 140 → de+fr+it = 87 votes ≥ 66.5 at y < 80
    m = ProceduralModel(voting_rule="QMV", procedure="CNS", reference_point=40.0)
    assert m.run(t).forecast[0] == 80.0
    # co-decision: the Parliament (80) must prefer y to 40 too: y < 120, not binding
    m = ProceduralModel(voting_rule="QMV", procedure="COD", reference_point=40.0)
    assert m.run(t).forecast[0] == 80.0
    # Malta (10) blocks anything above 40 under unanimity: the reference point stays
    m = ProceduralModel(voting_rule="Unan", procedure="CNS", reference_point=40.0)
    r = m.run(t)
    assert r.forecast[0] == 40.0 and any("empty win-set" in n for n in r.notes)
    # no reference point: the weighted mean, said in the notes
    r = ProceduralModel(reference_point=None).run(t)
    assert r.forecast[0] == pytest.approx(np.mean(pos))
    assert any("reference point unknown" in n for n in r.notes)


def test_nash_by_hand() -> None:
    # two actors at the ends, equal weight: the middle
    assert nash_point(np.array([0.0, 100.0]), np.array([1.0, 1.0])) == pytest.approx(50, abs=1e-5)
    # weights 1 and 3: max log(100 − y) + 3 log y → 3/y = 1/(100 − y) → y = 75
    assert nash_point(np.array([0.0, 100.0]), np.array([1.0, 3.0])) == pytest.approx(75, abs=1e-5)
    # an actor at 30 (worst point 100, D = 70) with one at 100 (D = 100), equal weights:
    # max log(70 − |30 − y|) + log(y) over y ≥ 30 → 1/y = 1/(100 − y) → y = 50
    t = table(["a", "b", "c"], [1, 1, 1], [30.0, 100.0, 0.0], [100, 100, 0])
    r = NashBargaining().run(t)
    assert r.forecast[0] == pytest.approx(50, abs=1e-5)
    assert any("take no part" in n for n in r.notes)


def test_smp_leaves_out_zero_salience_actors_and_says_so() -> None:
    base = table(["a", "b", "c", "d"], [30, 20, 25, 10], [10.0, 40.0, 80.0, 60.0], [60, 70, 50, 40])
    idle = table(
        ["a", "b", "z", "c", "d"], [30, 20, 99, 25, 10], [10.0, 40.0, 0.0, 80.0, 60.0],
        [60, 70, 0, 50, 40],
    )  # fmt: skip
    ra, rb = SpatialModel().run(base), SpatialModel().run(idle)
    np.testing.assert_array_equal(ra.forecast, rb.forecast)
    assert any("take no part" in n and n.endswith(": z") for n in rb.notes)


def test_smp_with_fewer_than_three_actors_takes_the_weightiest() -> None:
    two = table(["a", "b"], [1, 3], [10.0, 70.0], [50, 50])
    r = SpatialModel().run(two)
    assert r.forecast[0] == 70.0 and any("no election" in n for n in r.notes)
    assert r.to_rounds()["stop"]["reason"] == "input"
