"""The KTAB-style spatial model of politics against KTAB's own runs, bit for bit.

Reference data (``tests/data/ktab/``, see its PROVENANCE.md): KTAB's reference logs and position
tables for its sample scenarios, and runs of a local KTAB build over every model option.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burdenshare.errors import BurdenshareError
from burdenshare.forecast import smp_kernels as K
from burdenshare.forecast.actors import ActorTable, read_ktab_csv
from burdenshare.forecast.registry import load_models
from burdenshare.forecast.smp import (
    KTAB_DEFAULT_SEED,
    BigRAdjust,
    PCEModel,
    SMPResult,
    SpatialModel,
    VictoryModel,
    VotingRule,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "ktab"
PROFILE = settings(max_examples=40, deadline=None, derandomize=True)

# KTAB's XML option names → SpatialModel fields
OPTION_FIELDS = {
    "VictoryProbModel": "victory_model",
    "PCEModel": "pce_model",
    "VotingRule": "voting_rule",
    "BigRAdjust": "big_r_adjust",
    "BigRRange": "big_r_range",
    "ThirdPartyCommit": "third_party_commit",
    "InterVecBrgn": "interpolation",
    "BargnModel": "bargain_model",
}


# ---------------------------------------------------------------------------------------------
# helpers


def ktab_log(name: str) -> list[str]:
    with gzip.open(DATA / f"20170530_ref-{name}.txt.gz", "rt", encoding="utf-8") as f:
        return f.read().splitlines()


def log_block(lines: list[str], title: str, n_lines: int) -> list[str]:
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    return lines[start + 1 : start + 1 + n_lines]


def full_table(path: Path | pd.DataFrame, n: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """(T, N, D) positions and ideals on [0, 100] from a KTAB VectorPosition export."""
    df = pd.read_csv(path) if isinstance(path, Path) else path
    t = int(df.turn.max()) + 1
    pos = np.full((t, n, d), np.nan)
    idl = np.full((t, n, d), np.nan)
    pos[df.turn, df.actor, df.dim] = df.pos
    idl[df.turn, df.actor, df.dim] = df.ideal
    assert not np.isnan(pos).any()
    return pos, idl


def ktab_table(
    names: object,
    capability: object,
    position: object,
    salience: object,
    *,
    position_range: tuple[float, float] = (0.0, 100.0),
    salience_scale: float = 100.0,
    source: str | None = None,
) -> ActorTable:
    """A table as KTAB's CSV gives it (positions on 0–100, saliences on 0–100, dimensions
    dim1, dim2, ...), checked by the spatial model's (KTAB's) rules."""
    pos = np.asarray(position, dtype=np.float64)
    n_dim = pos.shape[1] if pos.ndim == 2 else 1
    return ActorTable.from_arrays(
        names,  # type: ignore[arg-type]
        capability,  # type: ignore[arg-type]
        pos,
        salience,  # type: ignore[arg-type]
        dimensions=[f"dim{k + 1}" for k in range(n_dim)],
        salience_scale=salience_scale,
        source=source,
        position_range=position_range,
    )


def random_actors(seed: int, n: int, d: int) -> ActorTable:
    """A generic scenario in KTAB's style (no ties): c ~ U[10, 200], total salience
    ~ U[75, 99] split by U[0.1, 1] weights, positions ~ U[0, 100]."""
    g = np.random.default_rng(seed)
    w = g.uniform(0.1, 1.0, (n, d))
    sal = w / w.sum(axis=1, keepdims=True) * g.uniform(75, 99, n)[:, None]
    return ktab_table(
        [f"A{i}" for i in range(n)], g.uniform(10, 200, n), g.uniform(0, 100, (n, d)), sal
    )


@pytest.fixture(scope="module")
def runs() -> dict[str, SMPResult]:
    return {
        name: SpatialModel().run(read_ktab_csv(DATA / f"{name}.csv"))
        for name in ("dummyData_3Dim", "SOE-Pol-Comp")
    }


# ---------------------------------------------------------------------------------------------
# acceptance: KTAB's reference logs


@pytest.mark.parametrize("name", ["dummyData_3Dim", "SOE-Pol-Comp"])
def test_position_history_matches_ktab_log(name: str, runs: dict[str, SMPResult]) -> None:
    result = runs[name]
    actors = result.actors
    lines = ktab_log(name)
    states = next(line for line in lines if line.startswith("There were"))
    assert int(re.search(r"There were (\d+) states", states).group(1)) == result.n_states
    block = log_block(
        lines, "History of actor positions over time", actors.n_actors * actors.n_dims
    )
    pos = result.user_positions()
    compared = 0
    for a, name_a in enumerate(actors.names):
        for k in range(actors.n_dims):
            line = block[a * actors.n_dims + k]
            label, values = line.rsplit(":", 1)
            assert label.startswith(name_a + ", ")
            expected = values.split()
            assert len(expected) == result.n_states
            ours = [f"{v:5.1f}".strip() for v in pos[:, a, k]]
            assert ours == expected, (line, ours)
            compared += len(expected)
    assert compared == result.n_states * actors.n_actors * actors.n_dims


@pytest.mark.parametrize("name", ["dummyData_3Dim", "SOE-Pol-Comp"])
def test_winning_probabilities_match_ktab_log(name: str, runs: dict[str, SMPResult]) -> None:
    result = runs[name]
    block = log_block(
        ktab_log(name), "History of actors' winning probabilities", len(result.actors.names)
    )
    for a, line in enumerate(block):
        label, values = line.split(":", 1)
        assert label.strip() == f"{result.actors.names[a]}, prob"
        assert [f"{p:.4f}" for p in result.win_probability[:, a]] == values.split()


@pytest.mark.parametrize(
    "name", ["dummyData_3Dim", "SOE-Pol-Comp", "dummyData_6Dim", "dummyData-a040"]
)
def test_full_precision_positions_equal_ktab(name: str) -> None:
    """KTAB's database tables: every coordinate and ideal point, exactly (0 difference)."""
    result = SpatialModel().run(read_ktab_csv(DATA / f"{name}.csv"))
    pos, idl = full_table(
        DATA / f"{name}.positions_full.csv", result.actors.n_actors, result.actors.n_dims
    )
    assert result.n_states == pos.shape[0]
    assert result.stop_reason == "converged"
    np.testing.assert_array_equal(result.positions * 100.0, pos)
    np.testing.assert_array_equal(result.ideals * 100.0, idl)


def _variants() -> list[tuple[str, str]]:
    out = []
    for name in ("dummyData_3Dim", "SOE-Pol-Comp"):
        df = pd.read_csv(DATA / f"variants_{name}.csv.gz")
        out += [(name, v) for v in df.variant.unique() if "ASymProsp" not in v]
    return out


@pytest.fixture(scope="module")
def variant_tables() -> dict[str, pd.DataFrame]:
    return {
        name: pd.read_csv(DATA / f"variants_{name}.csv.gz")
        for name in ("dummyData_3Dim", "SOE-Pol-Comp")
    }


@pytest.mark.parametrize(("name", "variant"), _variants())
def test_option_variants_equal_ktab(
    name: str, variant: str, variant_tables: dict[str, pd.DataFrame]
) -> None:
    """Every option KTAB offers (one changed at a time; the full VPM × PCM grid) reproduces a
    local KTAB build's positions and ideals exactly."""
    actors = read_ktab_csv(DATA / f"{name}.csv")
    options: dict[str, str] = {}
    acc = None
    for part in variant.split("+"):
        key, value = part.split("=")
        if key == "IdealAdjustment":
            acc = 0.5 * np.eye(actors.n_actors)
        else:
            options[OPTION_FIELDS[key]] = value
    result = SpatialModel(**options).run(actors, accommodation=acc)
    df = variant_tables[name]
    pos, idl = full_table(df[df.variant == variant], actors.n_actors, actors.n_dims)
    assert result.n_states == pos.shape[0]
    np.testing.assert_array_equal(result.positions * 100.0, pos)
    np.testing.assert_array_equal(result.ideals * 100.0, idl)


def test_variant_grid_is_complete(variant_tables: dict[str, pd.DataFrame]) -> None:
    variants = set(variant_tables["dummyData_3Dim"].variant)
    grid = {f"VictoryProbModel={v}+PCEModel={p}" for v in VictoryModel for p in PCEModel}
    assert grid <= variants
    assert {f"VotingRule={r}" for r in ("Binary", "PropBin", "PropCbc", "Cubic")} <= variants
    assert {
        "InterVecBrgn=S1P1",
        "InterVecBrgn=S2PMax",
        "BargnModel=InitRcvrInterp",
        "BargnModel=PWCompInterp",
        "ThirdPartyCommit=NoCommit",
        "BigRRange=Max",
        "IdealAdjustment=0.5I",
    } <= variants


def test_asymprosp_coalitions_depend_on_option_order() -> None:
    """Why KTAB's ASymProsp runs are not reproducible: KTAB scores each pair once, from the
    later option's side, so with the asymmetric rule the order of a bargain queue (which KTAB's
    threads fill in arbitrary order) changes the coalitions."""
    w = np.array([3.0])
    c = K.coalitions(VotingRule.ASYM_PROSP, w, np.array([[0.2, 0.5]]))
    c_rev = K.coalitions(VotingRule.ASYM_PROSP, w, np.array([[0.5, 0.2]]))
    assert c[1, 0] == pytest.approx(0.6 + 1e-8) and c[0, 1] == 1e-8  # 2·3·0.3/3 for the better
    assert c_rev[0, 1] == pytest.approx(0.9 + 1e-8) and c_rev[1, 0] == 1e-8  # 3·0.3 against
    # symmetric rules do not care about the order
    for rule in (VotingRule.PROPORTIONAL, VotingRule.CUBIC, VotingRule.PROP_BIN):
        a = K.coalitions(rule, w, np.array([[0.2, 0.5]]))
        b = K.coalitions(rule, w, np.array([[0.5, 0.2]]))
        np.testing.assert_array_equal(a, b[::-1, ::-1])


def test_full_risk_adjustment_runs_where_ktab_aborts() -> None:
    """KTAB stops with an error under BigRAdjust Full; here it runs, and every actor's view of
    utilities is the same, so U^h does not depend on h."""
    actors = read_ktab_csv(DATA / "dummyData_3Dim.csv")
    result = SpatialModel(big_r_adjust="Full").run(actors)
    assert result.n_states >= 3
    r = K.estimated_risk(np.array([-0.5, 0.2, 1.0]), BigRAdjust.FULL)
    np.testing.assert_array_equal(r, np.tile([-0.5, 0.2, 1.0], (3, 1)))


# ---------------------------------------------------------------------------------------------
# kernels: hand-computed values


def test_votes_by_rule() -> None:
    ua, ub = np.array(0.7), np.array(0.4)  # Δ = 0.3
    expect = {
        VotingRule.BINARY: 2.0,
        VotingRule.PROP_BIN: 2 * (0.8 * 0.3 + 0.2),
        VotingRule.PROPORTIONAL: 0.6,
        VotingRule.PROP_CBC: 2 * (0.5 * 0.3 + 0.5 * 0.027),
        VotingRule.CUBIC: 2 * 0.027,
        VotingRule.ASYM_PROSP: 0.4,
    }
    for rule, v in expect.items():
        assert float(K.vote(rule, 2.0, ua, ub)) == pytest.approx(v, abs=1e-12), rule
    assert float(K.vote(VotingRule.ASYM_PROSP, 2.0, ub, ua)) == pytest.approx(-0.6)
    assert float(K.vote(VotingRule.BINARY, 2.0, np.array(0.4 + 5e-9), ub)) == pytest.approx(1.0)


def test_victory_probability_models() -> None:
    s1, s2 = np.array(2.0), np.array(1.0)
    expect = {"Linear": 2 / 3, "Square": 4 / 5, "Quartic": 16 / 17, "Octic": 256 / 257}
    for vpm, p in expect.items():
        p1, p2 = K.victory_pair(VictoryModel(vpm), s1, s2)
        assert float(p1) == pytest.approx(p, abs=1e-15) and float(p1 + p2) == pytest.approx(1.0)
    p1, _ = K.victory_pair(VictoryModel.BINARY, np.array(1.05), np.array(1.0))
    assert float(p1) == pytest.approx((1.05 / 2.05 * 2.1 - 1) / 0.1)  # 0.7561
    p1, _ = K.victory_pair(VictoryModel.BINARY, np.array(1.2), np.array(1.0))
    assert float(p1) == pytest.approx(1 / (1 + 1e-6))
    v = K.victory_matrix(VictoryModel.LINEAR, np.array([[1e-8, 1.0], [3.0, 1e-8]]))
    np.testing.assert_allclose(v, [[0.5, 0.25], [0.75, 0.5]])


def test_condorcet_elections() -> None:
    v = np.array([[0.5, 0.6, 0.7], [0.4, 0.5, 0.9], [0.3, 0.1, 0.5]])
    prod = np.array([0.5 * 0.6 * 0.7, 0.4 * 0.5 * 0.9, 0.3 * 0.1 * 0.5])
    np.testing.assert_allclose(K.conditional_pce(v), prod / prod.sum(), rtol=1e-15)
    # two options, V(0,1) = 0.8: the uniform chain's fixed point is p0 = 0.5 p0 + 0.4 = 0.8
    np.testing.assert_allclose(
        K.markov_uniform_pce(np.array([[0.5, 0.8], [0.2, 0.5]])), [0.8, 0.2], atol=1e-5
    )
    # incentive chain: each option is challenged only by the other, so p0 → V(0,1) = 0.75
    c = np.array([[1e-8, 3.0], [1.0, 1e-8]])
    np.testing.assert_allclose(
        K.markov_incentive_pce(c, VictoryModel.LINEAR), [0.75, 0.25], atol=1e-7
    )


def test_risk_attitudes_and_utility() -> None:
    p = np.array([0.1, 0.3, 0.6])
    np.testing.assert_allclose(K.risk_from_prob(p, K.BigRRange.MID), [-0.5, 0.1, 1.0])
    np.testing.assert_allclose(K.risk_from_prob(p, K.BigRRange.MIN), [0.0, 0.4, 1.0])
    np.testing.assert_allclose(K.risk_from_prob(p, K.BigRRange.MAX), [-1.0, -0.2, 1.0])
    np.testing.assert_array_equal(K.risk_from_prob(np.full(3, 1 / 3), K.BigRRange.MID), 0.0)
    r = K.estimated_risk(np.array([0.0, 0.9]), BigRAdjust.ONE_THIRD)
    np.testing.assert_allclose(r, [[0.0, 0.3], [0.6, 0.9]])
    u = K.utility(np.array([0.5, 0.5, 1.2]), np.array([1.0, -0.5, 0.5]))
    np.testing.assert_allclose(u, [0.75, 0.375, -0.3])
    d = K.weighted_distance(np.array([0.2, 0.9]), np.array([0.6, 0.6]), np.array([0.3, 0.4]))
    assert float(d) == pytest.approx(np.sqrt((0.12**2 + 0.12**2) / 0.25))


def test_bargain_interpolation() -> None:
    one = np.array
    bi, bj = K.interpolate(
        K.Interpolation.S2P2,
        one([[0.2]]),
        one([[0.5]]),
        one([0.75]),
        one([[0.8]]),
        one([[0.4]]),
        one([0.25]),
    )
    # w_i = 0.25·0.5625, w_j = 0.16·0.0625: (0.140626·0.2 + 0.01·0.8)/0.150626 = 0.23983…
    assert bi[0, 0] == 0.2398 and bj[0, 0] == 0.2398
    bi, bj = K.interpolate(
        K.Interpolation.S1P1,
        one([[0.2]]),
        one([[0.5]]),
        one([0.75]),
        one([[0.8]]),
        one([[0.4]]),
        one([0.25]),
    )
    assert bi[0, 0] == 0.3263 and bj[0, 0] == 0.3263  # (0.375001·0.2 + 0.1·0.8)/0.475001
    bi, bj = K.interpolate(
        K.Interpolation.S2PMAX,
        one([[0.2]]),
        one([[0.5]]),
        one([0.25]),
        one([[0.8]]),
        one([[0.4]]),
        one([0.75]),
    )
    assert bi[0, 0] == pytest.approx(0.2 + 0.6 * 0.08 / 0.205001) and bj[0, 0] == 0.8


def test_sequential_sums_follow_ktab_order() -> None:
    x = np.array([1e16, 1.0, -1e16, 1.0])
    assert float(K.seq_sum(x)) == 1.0  # ((1e16 + 1) − 1e16) + 1: the first 1 is lost
    assert float(K.seq_sum(x, start=0.5)) == 1.0
    np.testing.assert_array_equal(K.seq_sum(np.ones((2, 3)), axis=0), [2.0, 2.0, 2.0])


# ---------------------------------------------------------------------------------------------
# the model's behaviour and outputs


def test_registered_with_the_forecasting_models() -> None:
    models = load_models()
    assert "smp" in models and models.get("smp") is SpatialModel
    model = models.get("smp")(victory_model="Square")
    table = read_ktab_csv(DATA / "dummyData_3Dim.csv")
    result = model.run(table, max_rounds=3, seed=np.random.SeedSequence(5))
    assert result.n_rounds == 3 and result.stop.reason == "max_rounds"
    assert result.median.shape == result.mean.shape == (4, 3) and result.forecast.shape == (3,)
    traj = result.trajectory()
    assert list(traj.columns) == ["round", "dimension", "median", "mean"] and len(traj) == 12
    with pytest.raises(BurdenshareError, match="max_rounds"):
        model.run(table, max_rounds=0)


def test_stopping_rule_and_change_ratio(runs: dict[str, SMPResult]) -> None:
    result = runs["SOE-Pol-Comp"]
    moves = np.sqrt(((np.diff(result.positions, axis=0)) ** 2).sum(axis=2)).sum(axis=1)
    np.testing.assert_allclose(result.change_ratio, moves / (moves[0] + 1e-4), rtol=1e-12)
    assert result.change_ratio[-1] < 0.02
    assert (result.change_ratio[1:-1] >= 0.02).all()  # it did not stop earlier
    capped = SpatialModel(max_turns=5).run(result.actors)
    assert capped.n_states == 6 and capped.stop_reason == "max_turns"
    np.testing.assert_array_equal(capped.positions, result.positions[:6])


@pytest.mark.parametrize("name", ["dummyData_3Dim", "SOE-Pol-Comp"])
def test_targets_match_ktab_log(name: str, runs: dict[str, SMPResult]) -> None:
    """Every "In turn t actor i has most advantageous target j worth g" line of KTAB's log (and
    every "has no advantageous targets")."""
    result = runs[name]
    expected = np.full(result.targets.shape, -2)
    worth: dict[tuple[int, int], str] = {}
    for line in ktab_log(name):
        if m := re.match(
            r"In turn (\d+) actor (\d+) has most advantageous target (\d+) worth "
            r"(\S+)",
            line,
        ):
            t, i, j = (int(g) for g in m.groups()[:3])
            expected[t, i] = j
            worth[t, i] = m.group(4)
        elif m := re.match(r"In turn (\d+) Actor (\d+) has no advantageous targets", line):
            expected[int(m.group(1)), int(m.group(2))] = -1
    assert (expected != -2).all()  # the log covers every actor in every turn
    np.testing.assert_array_equal(result.targets, expected)
    assert {k: f"{result.target_gain[k]:.3f}" for k in worth} == worth
    assert np.isnan(result.target_gain[result.targets == -1]).all()


def test_frames_and_rounds(runs: dict[str, SMPResult]) -> None:
    result = runs["SOE-Pol-Comp"]
    frame = result.positions_frame()
    assert list(frame.columns) == ["round", "actor", "dimension", "value"]
    assert len(frame) == result.n_states * 13 * 2
    row = frame[(frame["round"] == 0) & (frame.actor == "LK") & (frame.dimension == "Policy")]
    assert row.value.item() == 45.0
    probs = result.probabilities_frame()
    assert (probs.dimension == "win_probability").all() and len(probs) == result.n_states * 13
    both = result.frame()
    assert len(both) == len(frame) + len(probs)

    out = json.loads(json.dumps(result.to_rounds()))
    assert out["model"] == "smp" and out["dimensions"] == ["Policy", "Competitive"]
    assert out["stop"] == {"reason": "converged", "round": 27}
    # the forecast is the final state's likeliest position: MOF's (with SHX, HLJ), p = 0.2330
    # in KTAB's log, ahead of XJ's and LK's 0.2299
    assert (
        out["forecast"]
        == out["rounds"][-1]["positions"]["MOF"]
        == pytest.approx([38.8, 30.7], abs=0.05)
    )
    assert out["rounds"][-1]["probabilities"]["MOF"] == pytest.approx(0.2330, abs=5e-5)
    r0 = out["rounds"][0]
    assert r0["round"] == 0 and r0["positions"]["XJ"] == [30.0, 20.0]
    assert out["rounds"][-1]["positions"]["XJ"] == pytest.approx([43.2, 43.3], abs=0.05)
    # weighted mean and median of round 0, policy dimension, by hand
    actors = result.actors
    w = actors.capability * actors.salience[:, 0]
    x = actors.position[:, 0]
    assert r0["mean"][0] == pytest.approx((w * x).sum() / w.sum())
    order = np.argsort(x, kind="stable")
    half = np.searchsorted(np.cumsum(w[order]), w.sum() / 2)
    assert r0["median"][0] == x[order][half]
    assert len(out["rounds"]) == result.n_states


def test_one_dimension_rounds_are_numbers() -> None:
    actors = ktab_table(["a", "b", "c"], [10, 20, 30], [10, 50, 90], [50, 50, 50])
    out = SpatialModel().run(actors).to_rounds()
    r0 = out["rounds"][0]
    assert r0["positions"] == {"a": 10.0, "b": 50.0, "c": 90.0}
    assert r0["median"] == 50.0
    assert r0["mean"] == pytest.approx((10 * 10 + 20 * 50 + 30 * 90) / 60)


def test_actor_table_input_and_position_range() -> None:
    table = ActorTable.from_arrays(
        ["US", "ROK", "Congress", "Opinion"],
        [100, 60, 40, 20],
        [5000, 1000, 1500, 900],  # US$ million
        [0.9, 0.8, 0.5, 0.6],
    )
    via_table = SpatialModel().run(table, position_range=(0.0, 6000.0))
    # the same actors given on the model's own [0, 1] scale
    unit = table.replace(position=table.position / 6000.0)
    direct = SpatialModel().run(unit, position_range=(0.0, 1.0))
    np.testing.assert_array_equal(via_table.positions, direct.positions)
    np.testing.assert_allclose(via_table.user_positions()[0, :, 0], [5000, 1000, 1500, 900])
    with pytest.raises(BurdenshareError, match="outside the model's range"):
        SpatialModel().run(table)  # 5000 is not on 0–100


def test_stochastic_transitions_are_seeded() -> None:
    actors = read_ktab_csv(DATA / "dummyData_3Dim.csv")
    model = SpatialModel(state_transition="Stochastic", max_turns=8)
    a = model.run(actors, seed=7)
    b = model.run(actors, seed=7)
    np.testing.assert_array_equal(a.positions, b.positions)
    runs_by_seed = {s: model.run(actors, seed=s).positions.tobytes() for s in range(6)}
    assert len(set(runs_by_seed.values())) > 1  # the draws matter
    # deterministic runs draw nothing: the seed changes nothing (as in KTAB)
    det = SpatialModel()
    np.testing.assert_array_equal(
        det.run(actors, seed=1).positions, det.run(actors, seed=KTAB_DEFAULT_SEED).positions
    )


def test_options_accept_ktab_names_and_reject_unknown() -> None:
    m = SpatialModel(voting_rule="Prop", pce_model="MarkovIPCM", big_r_adjust="None")
    assert m.voting_rule is VotingRule.PROPORTIONAL
    assert m.pce_model is PCEModel.MARKOV_INCENTIVE
    assert m.big_r_adjust is BigRAdjust.NONE
    with pytest.raises(BurdenshareError) as info:
        SpatialModel(victory_model="Cubic")
    assert "victory_model" in str(info.value) and "Linear, Square" in str(info.value)
    with pytest.raises(BurdenshareError, match="max_turns"):
        SpatialModel(max_turns=0)


# ---------------------------------------------------------------------------------------------
# bad input


def test_bad_actor_tables() -> None:
    ok = dict(
        names=["a", "b", "c"], capability=[1, 2, 3], position=[10, 20, 30], salience=[50, 50, 50]
    )

    def problems(**change: object) -> str:
        with pytest.raises(BurdenshareError) as info:
            ktab_table(**{**ok, **change}, source="actors.csv")  # type: ignore[arg-type]
        return str(info.value)

    assert "at least 3 actors" in problems(
        names=["a", "b"], capability=[1, 2], position=[1, 2], salience=[5, 5]
    )
    assert "actors.csv: b.capability: capability must be a positive number" in problems(
        capability=[1, 0, 3]
    )
    assert "c.capability" in problems(capability=[1, 2, float("nan")])
    assert "duplicate actor name" in problems(names=["a", "b", "a"])
    assert "a.dim1: position outside the model's range" in problems(position=[-1, 20, 30])
    assert "c.dim1.salience: salience out of range" in problems(salience=[50, 50, 150])
    assert "b.salience: total salience must be above 0" in problems(salience=[50, 0, 50])
    two = problems(position=[[10, 20], [30, 40], [50, 60]], salience=[[60, 50], [10, 10], [5, 5]])
    assert "a.salience" in two and "at most 1" in two
    assert "wrong shape" in problems(position=[[1, 2], [3, 4], [5, 6]])


def test_bad_accommodation_and_range() -> None:
    actors = read_ktab_csv(DATA / "dummyData_3Dim.csv")
    model = SpatialModel(max_turns=2)
    for acc, msg in (
        (np.eye(3), "must be N×N"),
        (np.full((7, 7), 0.5), "sum to at most 1"),
        (-np.eye(7), "lie in \\[0, 1\\]"),
    ):
        with pytest.raises(BurdenshareError, match=msg):
            model.run(actors, accommodation=acc)
    with pytest.raises(BurdenshareError, match="low < high"):
        model.run(actors, position_range=(100.0, 0.0))


def test_bad_ktab_csv_is_located(tmp_path: Path) -> None:
    """The project's KTAB CSV loader reports file, line and column; the SMP's own checks name
    the actor and column."""
    original = (DATA / "SOE-Pol-Comp.csv").read_text()
    text = re.sub(r"^(LK,[^,]*,)\s*60\.2", r"\g<1>0", original, flags=re.M)
    assert text != original
    bad = tmp_path / "soe.csv"
    bad.write_text(text)
    with pytest.raises(BurdenshareError) as info:
        SpatialModel().run(read_ktab_csv(bad))
    assert "soe.csv" in str(info.value) and "LK.capability" in str(info.value)
    bad.write_text(original.replace("45,44.7,65", "450,44.7,65"))
    with pytest.raises(BurdenshareError, match=r"LK\.Policy: position outside"):
        SpatialModel().run(read_ktab_csv(bad))


# ---------------------------------------------------------------------------------------------
# properties

SCENARIOS = st.tuples(st.integers(0, 2**32 - 1), st.integers(3, 8), st.integers(1, 3))


@PROFILE
@given(SCENARIOS, st.integers(0, 10**6))
def test_permuting_actors_permutes_positions(scenario: tuple[int, int, int], pseed: int) -> None:
    """Positions are order-free on generic inputs (no exact ties): permuting the actors permutes
    every state. (Winning probabilities are not: KTAB represents a cluster of positions within
    pos_tol by its first actor's position. Ties in targets or bargains go to the lowest index.)"""
    seed, n, d = scenario
    a = random_actors(seed, n, d)
    perm = np.random.default_rng(pseed).permutation(n)
    b = ktab_table(
        [a.names[i] for i in perm],
        a.capability[perm],
        a.position[perm],
        a.salience[perm] * 100,
    )
    model = SpatialModel(max_turns=15)
    ra, rb = model.run(a), model.run(b)
    assert ra.n_states == rb.n_states
    np.testing.assert_allclose(ra.positions[:, perm], rb.positions, rtol=0, atol=1e-12)


@PROFILE
@given(SCENARIOS, st.sampled_from([0.25, 2.0, 8.0]))
def test_scaling_capabilities_changes_nothing(scenario: tuple[int, int, int], f: float) -> None:
    seed, n, d = scenario
    a = random_actors(seed, n, d)
    b = ktab_table(a.names, a.capability * f, a.position, a.salience * 100)
    model = SpatialModel(max_turns=15)
    ra, rb = model.run(a), model.run(b)
    assert ra.n_states == rb.n_states
    np.testing.assert_allclose(ra.positions, rb.positions, rtol=0, atol=1e-12)


@PROFILE
@given(SCENARIOS, st.sampled_from(list(VictoryModel)), st.sampled_from(list(PCEModel)))
def test_unanimity_stays_put(
    scenario: tuple[int, int, int], vpm: VictoryModel, pcm: PCEModel
) -> None:
    """All actors at one position: nobody gains by a challenge, nobody moves, every actor's
    position wins with certainty, and the run stops at the first check (turn 2)."""
    seed, n, d = scenario
    a = random_actors(seed, n, d)
    same = ktab_table(a.names, a.capability, np.tile(a.position[0], (n, 1)), a.salience * 100)
    r = SpatialModel(victory_model=vpm, pce_model=pcm).run(same)
    assert r.n_states == 3 and r.stop_reason == "converged"
    assert (r.positions == r.positions[0]).all()
    assert (r.targets == -1).all()
    np.testing.assert_allclose(r.win_probability, 1.0)


@PROFILE
@given(SCENARIOS)
def test_every_state_is_valid(scenario: tuple[int, int, int]) -> None:
    """Positions stay on [0, 1], moved coordinates lie on KTAB's 1e-4 grid (S2P2 rounds), and
    winning probabilities are probabilities."""
    seed, n, d = scenario
    a = random_actors(seed, n, d)
    r = SpatialModel(max_turns=15).run(a)
    assert ((r.positions >= 0) & (r.positions <= 1)).all()
    moved = r.positions[1:] != r.positions[:-1]
    grid = r.positions[1:][moved] * 1e4
    np.testing.assert_allclose(grid, np.round(grid), atol=1e-6)
    assert ((r.win_probability > 0) & (r.win_probability <= 1 + 1e-12)).all()


# ---------------------------------------------------------------------------------------------
# the docs page's snippet runs


def test_docs_snippet_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    text = (ROOT / "docs" / "smp.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks
    namespace: dict[str, object] = {"__name__": "smp_docs"}
    for block in blocks:
        exec(compile(block, "docs/smp.md", "exec"), namespace)
