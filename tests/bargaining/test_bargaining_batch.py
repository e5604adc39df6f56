"""The batch engine gives, row by row, exactly what the reference engine gives."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burdenshare.bargaining.batch import BatchResult, StrategyBatch, negotiate_batch
from burdenshare.bargaining.engine import Negotiation, negotiate
from burdenshare.bargaining.strategies import (
    NashSeeker,
    Reason,
    Strategy,
    TimeDependent,
    WalkOut,
    make_strategy,
)
from burdenshare.errors import BurdenshareError

TIME_DEPENDENT = ["boulware", "linear", "conceder", "hardliner", "aspiration"]


def assert_row(batch: BatchResult, b: int, single: Negotiation) -> None:
    """Every field of row b equals the reference result (floats bit for bit)."""
    agreement = -1 if single.agreement is None else single.agreement
    ended_by = -1 if single.ended_by is None else single.ended_by
    got = (
        int(batch.agreement[b]),
        int(batch.step[b]),
        bool(batch.timedout[b]),
        int(batch.ended_by[b]),
        Reason(int(batch.reason[b])),
        int(batch.n_offers[b]),
        int(batch.n_voided[b]),
        float(batch.payoff_opener[b]),
        float(batch.payoff_responder[b]),
    )
    want = (
        agreement,
        single.step,
        single.timedout,
        ended_by,
        single.reason,
        single.n_offers,
        len(single.voided),
        *single.payoffs,
    )
    assert got == want, f"row {b}"
    lasts = [-1 if single.last_offer(x) is None else single.last_offer(x) for x in (0, 1)]
    assert [int(batch.last_opener[b]), int(batch.last_responder[b])] == lasts, f"row {b}"
    if batch.struck is not None:
        assert set(np.flatnonzero(batch.struck[b]).tolist()) == single.struck, f"row {b}"
    if single.utilities is None:
        assert math.isnan(batch.u_opener[b]) and math.isnan(batch.u_responder[b])
    else:
        assert (batch.u_opener[b], batch.u_responder[b]) == single.utilities


def random_setting(seed: int, rows: int, n: int, n_steps: int, negmas: bool, extras: bool) -> dict:
    """Utilities (shared or per row, ties in some), reserved values (per row; per round in
    some), discount, ratification masks."""
    rng = np.random.default_rng([11, seed])
    shared = [bool(rng.random() < 0.4), bool(rng.random() < 0.4)]
    u = [rng.random(n) if sh else rng.random((rows, n)) for sh in shared]
    if rng.random() < 0.5:  # ties: the tie-breaking rule (lowest index) must agree too
        u = [np.round(x, 1) for x in u]
    reserved: list[np.ndarray] = [rng.uniform(0, 0.5, rows), rng.uniform(0, 0.5, rows)]
    setting: dict = {"u": u, "n_steps": n_steps, "compat": "negmas" if negmas else None}
    if extras and not negmas:
        if rng.random() < 0.5:
            ramp = np.linspace(0, rng.uniform(0, 0.8), n_steps)
            reserved[0] = reserved[0][:, None] + ramp[None, :]
        if rng.random() < 0.5:
            setting["discount"] = (rng.uniform(0.2, 1, rows), rng.uniform(0.2, 1, rows))
        if rng.random() < 0.6:
            setting["ratifiable"] = rng.random((rows, n)) < rng.uniform(0.2, 0.9)
            if rng.random() < 0.5:  # one mask per side: the vetoes are counted per side
                other = rng.random((rows, n)) < rng.uniform(0.5, 1.0)
                setting["ratifiable"] = (setting["ratifiable"], other)
                setting["reveal"] = bool(rng.random() < 0.5)  # a veto strikes all it rejects
        if rng.random() < 0.4:  # calendar clocks: each side reaches t = 1 at its own round
            clocks = []
            for _ in range(2):
                end = int(rng.integers(1, n_steps + 1))
                t = np.minimum(np.arange(n_steps) / max(end - 1, 1), 1.0)
                clocks.append(t if end > 1 else np.ones(n_steps))
            setting["times"] = (clocks[0], clocks[1])
        if rng.random() < 0.4 and n_steps > 1:  # a window of rounds, with struck outcomes
            first = int(rng.integers(0, n_steps))
            setting["rounds"] = (first, int(rng.integers(first + 1, n_steps + 1)))
            setting["struck"] = rng.random((rows, n)) < rng.uniform(0.0, 0.5)
    setting["reserved"] = tuple(reserved)
    return setting


def run_both(setting: dict, openers: list, responders: list, seed: int = 0, **kw) -> None:
    rows = len(openers)
    extra = {k: setting[k] for k in ("times", "rounds", "struck", "reveal") if k in setting}
    batch = negotiate_batch(
        setting["u"][0],
        setting["u"][1],
        openers,
        responders,
        setting["n_steps"],
        reserved=setting["reserved"],
        discount=setting.get("discount"),
        ratifiable=setting.get("ratifiable"),
        compat=setting["compat"],
        seed=seed,
        return_struck=True,
        **extra,
        **kw,
    )
    assert len(batch) == rows
    children = np.random.SeedSequence(seed).spawn(rows)
    discount = setting.get("discount")
    ratifiable = setting.get("ratifiable")
    pair = ratifiable if isinstance(ratifiable, tuple) else None
    mask = pair[0] & pair[1] if pair is not None else ratifiable
    carried = setting.get("struck")
    for b in range(rows):
        single = negotiate(
            *(u if u.ndim == 1 else u[b] for u in setting["u"]),
            openers[b],
            responders[b],
            setting["n_steps"],
            reserved=tuple(r[b] for r in setting["reserved"]),
            discount=None if discount is None else (discount[0][b], discount[1][b]),
            ratify=None if mask is None else (lambda o, m=mask[b]: bool(m[o])),
            compat=setting["compat"],
            seed=children[b],
            times=setting.get("times"),
            rounds=setting.get("rounds"),
            struck=None if carried is None else set(np.flatnonzero(carried[b]).tolist()),
            reveal=(pair[0][b], pair[1][b]) if setting.get("reveal") else None,
        )
        assert_row(batch, b, single)
        for side in range(2):
            vetoed = (batch.vetoed_opener, batch.vetoed_responder)[side][b]
            own = None if pair is None else pair[side][b]
            want = 0 if own is None else sum(1 for o in single.voided if not own[o])
            assert vetoed == want, f"row {b} side {side}"


def threshold_pool(rng: np.random.Generator, n: int, negmas: bool = False) -> list[Strategy | str]:
    pool: list[Strategy | str] = [
        *TIME_DEPENDENT,
        TimeDependent(e=float(rng.uniform(0, 6))),
        TimeDependent(e=0.0),
        WalkOut(threshold=float(rng.uniform(0, 0.8)), from_round=int(rng.integers(0, 4)), e=2.0),
        NashSeeker(),
        NashSeeker(target=int(rng.integers(0, n))),
    ]
    if not negmas:  # Pareto offers: the default mode only
        pool += [
            TimeDependent(e=float(rng.uniform(0, 6)), pick="pareto"),
            WalkOut(threshold=float(rng.uniform(0, 0.5)), e=1.0, pick="pareto"),
        ]
    return pool


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    rows=st.integers(1, 24),
    n=st.integers(1, 40),
    n_steps=st.integers(1, 40),
    negmas=st.booleans(),
    extras=st.booleans(),
    chunk=st.sampled_from([1, 5, 4096]),
)
def test_batch_equals_reference_on_random_cases(
    seed: int, rows: int, n: int, n_steps: int, negmas: bool, extras: bool, chunk: int
) -> None:
    setting = random_setting(seed, rows, n, n_steps, negmas, extras)
    rng = np.random.default_rng(seed)
    pool = threshold_pool(rng, n, negmas)
    openers = [pool[i] for i in rng.integers(len(pool), size=rows)]
    responders = [pool[i] for i in rng.integers(len(pool), size=rows)]
    run_both(setting, openers, responders, chunk_size=chunk)


@pytest.mark.parametrize("compat", [None, "negmas"])
@pytest.mark.parametrize(("opener", "responder"), list(itertools.product(TIME_DEPENDENT, repeat=2)))
def test_all_time_dependent_pairs(opener: str, responder: str, compat: str | None) -> None:
    rows = 25
    setting = random_setting(
        hash((opener, responder)) % 1000, rows, 60, 50, compat is not None, True
    )
    run_both(setting, [opener] * rows, [responder] * rows)


@pytest.mark.parametrize("compat", [None, "negmas"])
def test_large_outcome_spaces(compat: str | None) -> None:
    # above 256 outcomes the reference engine serves its first picks from numpy arrays
    rows = 20
    setting = random_setting(77, rows, 700, 40, compat is not None, True)
    rng = np.random.default_rng(77)
    pool = threshold_pool(rng, 700, compat is not None)
    openers = [pool[i] for i in rng.integers(len(pool), size=rows)]
    responders = [pool[i] for i in rng.integers(len(pool), size=rows)]
    run_both(setting, openers, responders)


def test_rows_with_reactive_strategies_run_through_the_reference_engine() -> None:
    rows = 30
    setting = random_setting(3, rows, 25, 30, False, True)
    rng = np.random.default_rng(3)
    pool = [*threshold_pool(rng, 25), "tit-for-tat", "random"]
    openers = [pool[i] for i in rng.integers(len(pool), size=rows)]
    responders = [pool[i] for i in rng.integers(len(pool), size=rows)]
    assert {"random", "tit-for-tat"} & set(map(str, openers + responders))
    run_both(setting, openers, responders, seed=42)


def test_the_random_cases_reach_every_ending() -> None:
    """The equivalence tests above are only as good as the situations they meet."""
    reasons, voids = set(), 0
    for seed in range(40):
        setting = random_setting(seed, 20, 20, 20, False, True)
        rng = np.random.default_rng(seed)
        pool = threshold_pool(rng, 20)
        batch = negotiate_batch(
            setting["u"][0],
            setting["u"][1],
            [pool[i] for i in rng.integers(len(pool), size=20)],
            [pool[i] for i in rng.integers(len(pool), size=20)],
            20,
            reserved=setting["reserved"],
            discount=setting.get("discount"),
            ratifiable=setting.get("ratifiable"),
        )
        reasons |= {Reason(int(r)) for r in batch.reason}
        voids += int(batch.n_voided.sum())
    assert reasons == set(Reason)
    assert voids > 50


def test_shared_inputs_broadcast() -> None:
    u = np.arange(11) / 10
    batch = negotiate_batch(u, 1 - u, "linear", "linear", 5, size=3)
    assert batch.agreement.tolist() == [5, 5, 5] and batch.step.tolist() == [3, 3, 3]
    e = np.array([4.0, 1.0, 0.25])
    by_array = negotiate_batch(u, 1 - u, StrategyBatch.time_dependent(e), "linear", 9)
    by_objects = negotiate_batch(u, 1 - u, [TimeDependent(e=x) for x in e], "linear", 9)
    for name in ("agreement", "step", "n_offers", "payoff_opener"):
        assert getattr(by_array, name).tolist() == getattr(by_objects, name).tolist()


def test_identical_rows_share_a_schedule_but_not_a_result() -> None:
    # rows differing only in the ratifier or walk-out threshold must not be merged
    u = np.arange(11) / 10
    mask = np.ones((3, 11), dtype=bool)
    mask[1, 5] = False
    batch = negotiate_batch(u, 1 - u, "linear", "linear", 5, ratifiable=mask)
    assert batch.agreement.tolist() == [5, 3, 5] and batch.n_voided.tolist() == [0, 1, 0]
    walkers = [WalkOut(threshold=t, e=1.0) for t in (0.0, 0.5)]
    batch = negotiate_batch(u, 1 - u, "linear", walkers, 5)
    assert batch.reason.tolist() == [Reason.AGREED, Reason.WALKED_OUT]


def test_ratifiable_pair_means_both_sides() -> None:
    u = np.arange(11) / 10
    a, b = np.ones(11, dtype=bool), np.ones(11, dtype=bool)
    b[5] = False
    both = negotiate_batch(u, 1 - u, "linear", "linear", 5, ratifiable=(a, b))
    single = negotiate(u, 1 - u, "linear", "linear", 5, ratify=lambda o: bool(a[o] and b[o]))
    assert_row(both, 0, single)
    assert both.agreement[0] == 3


def test_to_frame() -> None:
    u = np.arange(11) / 10
    frame = negotiate_batch(u, 1 - u, ["linear", "hardliner"], ["linear", "walk-out"], 5).to_frame()
    assert isinstance(frame, pd.DataFrame) and len(frame) == 2
    assert frame["agreement"].tolist() == [5, -1]
    assert frame["reason"].astype(str).tolist() == ["agreed", "walked-out"]
    assert frame["ended_by"].astype(str).tolist() == ["responder", "responder"]
    assert frame["step"].tolist() == [3, 1]
    assert frame.index.name == "negotiation"
    assert math.isnan(frame["u_opener"].iloc[1]) and frame["u_opener"].iloc[0] == 0.5


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"opener": ["linear"] * 3, "responder": ["linear"] * 4}, "batch"),
        ({"u_opener": np.zeros((2, 11)), "size": 3}, "batch"),
        ({"ratifiable": np.ones(4, dtype=bool)}, "ratifiable"),
        ({"opener": NashSeeker(target=20)}, "opener.target"),
        ({"n_steps": 0}, "n_steps"),
        ({"discount": (0.9, 0.9), "compat": "negmas"}, "discount"),
        ({"reserved": (np.zeros((1, 5)) + np.arange(5), 0.0), "compat": "negmas"}, "reserved"),
        ({"opener": [object()]}, "strategies[0]"),
    ],
)
def test_bad_input_is_a_user_error(kwargs: dict, path: str) -> None:
    u = np.arange(11) / 10
    args = {
        "u_opener": u,
        "u_responder": 1 - u,
        "opener": "linear",
        "responder": "linear",
        "n_steps": 5,
    } | kwargs
    with pytest.raises(BurdenshareError) as info:
        negotiate_batch(**args)
    assert any(p.path == path for p in info.value.problems)


def test_exponents_must_be_non_negative() -> None:
    with pytest.raises(BurdenshareError):
        StrategyBatch.time_dependent([1.0, -2.0])


def test_strategy_batch_from_names_and_objects() -> None:
    sb = StrategyBatch.build(["boulware", make_strategy("boulware"), "tit-for-tat"], 3)
    assert sb.kind.tolist() == [0, 0, -1] and sb.e.tolist()[:2] == [4.0, 4.0]
    assert len(sb.objects) == 3
