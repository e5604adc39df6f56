"""The SMP's faster kernels give the reference kernels' results bit for bit (issue 10 item 5)."""

from __future__ import annotations

import numpy as np
import pytest

from burdenshare.forecast import smp_kernels as K
from burdenshare.forecast.actors import ActorTable
from burdenshare.forecast.smp import SpatialModel


@pytest.mark.parametrize("rule", list(K.VotingRule))
@pytest.mark.parametrize("commit", list(K.ThirdPartyCommit))
def test_challenge_targets_equals_challenge(rule: K.VotingRule, commit: K.ThirdPartyCommit) -> None:
    rng = np.random.default_rng(11)
    n = 9
    d = rng.uniform(0, 1, (n, n, n))
    uh = (1 - d) * (1 + d * rng.uniform(-0.5, 1, (n, 1, 1)))
    w, st = rng.uniform(0, 3, n), rng.uniform(0.1, 1, n)
    ii = np.arange(2, 7)
    i2 = np.broadcast_to(ii[:, None], (ii.size, n))
    j2 = np.broadcast_to(np.arange(n)[None, :], (ii.size, n))
    ref = K.challenge(rule, commit, uh[ii], w, st, i2, i2, j2)
    fast = K.challenge_targets(rule, commit, uh[ii], w, st, ii)
    assert np.array_equal(ref[0], fast[0]) and np.array_equal(ref[1], fast[1])


@pytest.mark.parametrize("vpm", list(K.VictoryModel))
@pytest.mark.parametrize("rule", list(K.VotingRule))
def test_batched_elections_equal_one_by_one(rule: K.VotingRule, vpm: K.VictoryModel) -> None:
    rng = np.random.default_rng(5)
    for options in (2, 3, 6):
        u = rng.uniform(0, 1, (4, 13, options))
        w = rng.uniform(0, 5, 13)
        ref = np.stack([K.scalar_pce(rule, vpm, K.PCEModel.CONDITIONAL, w, u[g]) for g in range(4)])
        assert np.array_equal(ref, K.conditional_elections(rule, vpm, w, u))


def test_seq_sum_adds_in_order_on_both_paths() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(7, 50, 20)) * 10.0 ** rng.integers(-8, 8, size=(7, 50, 20))
    for axis in range(3):
        ref = np.add.accumulate(x, axis=axis).take(-1, axis=axis)
        assert np.array_equal(K.seq_sum(x, axis=axis), ref)


def test_many_actors_take_the_cache_friendly_path_with_the_same_result() -> None:
    """A 50-actor run (third parties one at a time) equals the same run forced through the
    one-array-per-operation path."""
    import burdenshare.forecast.smp as smp

    rng = np.random.default_rng(7)
    n = 50
    actors = ActorTable.from_arrays(
        [f"a{i}" for i in range(n)],
        rng.uniform(10, 200, n),
        rng.uniform(0, 100, n),
        rng.uniform(10, 100, n),
        salience_scale=100.0,
        position_range=(0.0, 100.0),
    )
    fast = SpatialModel(max_turns=4).run(actors)
    old = smp._FEW_ACTORS
    smp._FEW_ACTORS = 10**6
    try:
        ref = SpatialModel(max_turns=4).run(actors)
    finally:
        smp._FEW_ACTORS = old
    assert np.array_equal(fast.positions, ref.positions)
