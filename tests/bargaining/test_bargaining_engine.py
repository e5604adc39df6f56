"""The reference engine: protocol, default semantics (hand-computed), outside options, discount,
ratification, walk-outs, results and errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from burdenshare.bargaining.engine import negotiate
from burdenshare.bargaining.strategies import Act, Action, Reason, Strategy, TimeDependent
from burdenshare.bargaining.strategies.kernels import relative_times
from burdenshare.errors import BurdenshareError

U = np.arange(11) / 10  # opener u = i/10, responder 1 − i/10


def test_linear_vs_linear_by_hand() -> None:
    # 5 rounds: t = 0, .25, .5, .75, 1; both targets 1 − t. Round 0: opener offers 10 (u = 1),
    # responder its only outcome worth ≥ 1: 0. Round 1 (T = .75): opener offers 8, responder
    # 2 (worth .8 to it; 3 is worth .7). Round 2 (T = .5): 2 is worth .2 to the opener, which
    # offers 5; worth .5 to the responder: accepted. Step 3.
    result = negotiate(U, 1 - U, "linear", "linear", 5)
    assert result.offers == [(0, 0, 10), (0, 1, 0), (1, 0, 8), (1, 1, 2), (2, 0, 5)]
    assert (result.agreement, result.step, result.ended_by) == (5, 3, 1)
    assert result.reason is Reason.AGREED and not result.timedout
    assert result.utilities == (0.5, 0.5) and result.payoffs == (0.5, 0.5)
    assert [e.action for e in result.trace] == ["offer"] * 5 + ["accept"]
    assert result.trace[-1].utilities == (0.5, 0.5)


def test_relative_time() -> None:
    assert relative_times(5, negmas=False).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert relative_times(1, negmas=False).tolist() == [1.0]
    assert relative_times(5, negmas=True).tolist() == [i / 6 for i in range(1, 6)]


def test_single_round_is_the_deadline() -> None:
    # n_steps = 1: t = 1, both targets at their floor; the opener offers its worst outcome
    result = negotiate(U, 1 - U, "boulware", "boulware", 1)
    assert result.offers == [(0, 0, 0)] and (result.agreement, result.step) == (0, 1)


def test_timeout() -> None:
    result = negotiate(U, 1 - U, "hardliner", "hardliner", 7)
    assert result.agreement is None and result.timedout and result.step == 7
    assert result.ended_by is None and result.reason is Reason.TIMEDOUT
    assert result.n_offers == 14 and result.payoffs == (0.0, 0.0)


def test_outside_option_rises_above_every_deal() -> None:
    # the responder's outside option jumps to 1.2 in round 2: it leaves at its turn
    r1 = np.array([0.0, 0.0, 1.2, 1.2, 1.2])
    result = negotiate(U, 1 - U, "hardliner", "hardliner", 5, reserved=(0.1, r1))
    assert (result.step, result.ended_by, result.reason) == (3, 1, Reason.OUTSIDE_OPTION)
    assert result.payoffs == (0.1, 1.2) and result.agreement is None
    assert result.trace[-1].action == "walk"


def test_outside_option_lifts_the_floor() -> None:
    # Linear opener, reserved 0.35 from round 3: T_3 = .35 + .65 × .25 = .5125 → offers 6
    # (instead of 3 with floor 0); T_4 = 0.35 → it accepts 4 (worth .4) in round 4.
    r0 = np.array([0.0, 0.0, 0.0, 0.35, 0.35])
    result = negotiate(U, 1 - U, "linear", _Script((0, 0, 0, 4)), 5, reserved=(r0, 0.0))
    assert [o for s, side, o in result.offers if side == 0] == [10, 8, 5, 6]
    assert (result.agreement, result.step) == (4, 5)


def test_discount() -> None:
    # a deal in round 2 (t = .5) is worth d^.5 · u; with r = 0 the path is unchanged
    result = negotiate(U, 1 - U, "linear", "linear", 5, discount=(0.64, 0.81))
    assert (result.agreement, result.step) == (5, 3)
    assert result.payoffs == pytest.approx((0.8 * 0.5, 0.9 * 0.5), rel=1e-15)
    assert result.utilities == (0.5, 0.5)


def test_discount_scales_the_outside_option_too() -> None:
    # GENIUS semantics: ending in round s, deal and outside option are both multiplied by
    # d^{t_s}, so the discount moves no threshold; it only scales what the sides end with.
    args = (U, 1 - U, "hardliner", "linear", 5)
    plain = negotiate(*args, reserved=(0.2, 0.3))
    discounted = negotiate(*args, reserved=(0.2, 0.3), discount=(0.5, 0.25))
    assert plain.events == discounted.events and discounted.timedout
    assert plain.payoffs == (0.2, 0.3)
    assert discounted.payoffs == (0.5 * 0.2, 0.25 * 0.3)  # t = 1 in the last round


def test_ratification_voids_and_strikes() -> None:
    # as the by-hand run, but the responder's acceptance of 5 in round 2 fails ratification:
    # 5 is struck, the table is empty; round 3 (T = .25): the opener offers 3 (u .3), worth .7
    # to the responder: accepted, ratified. Step 4.
    calls: list[int] = []

    def ratify(outcome: int) -> bool:
        calls.append(outcome)
        return outcome != 5

    result = negotiate(U, 1 - U, "linear", "linear", 5, ratify=ratify)
    assert calls == [5, 3]
    assert (result.agreement, result.step) == (3, 4)
    assert result.voided == [5]
    actions = [(e.round, e.side, e.action, e.outcome) for e in result.trace[-4:]]
    assert actions == [
        (2, 1, "accept", 5),
        (2, 1, "void", 5),
        (3, 0, "offer", 3),
        (3, 1, "accept", 3),
    ]


def test_struck_outcomes_are_never_offered_again() -> None:
    # A hardliner (floor 0.85) against a side that accepts anything (e = 0), with a ratifier
    # that rejects 9 and 10: 10 is voided in round 0; with its best struck the hardliner offers
    # the best unstruck outcome above its floor, 9, voided in round 1; nothing is left: it leaves.
    result = negotiate(
        U,
        1 - U,
        "hardliner",
        TimeDependent(e=0.0),
        10,
        reserved=(0.85, 0.0),
        ratify=lambda o: o < 9,
    )
    assert result.offers == [(0, 0, 10), (1, 0, 9)]
    assert result.voided == [10, 9]
    assert (result.reason, result.step, result.ended_by) == (Reason.EXHAUSTED, 3, 0)
    assert result.payoffs == (0.85, 0.0)


def test_ratifier_rejecting_everything() -> None:
    result = negotiate(U, 1 - U, "conceder", "conceder", 40, ratify=lambda o: False)
    assert result.agreement is None
    assert len(result.voided) == len(set(result.voided)) >= 2


def test_ratifier_accepting_everything_changes_nothing() -> None:
    for pair in [("boulware", "conceder"), ("linear", "walk-out"), ("nash-seeker", "linear")]:
        plain = negotiate(U, 1 - U, *pair, 20)
        ratified = negotiate(U, 1 - U, *pair, 20, ratify=lambda o: True)
        assert plain.events == ratified.events


def test_walk_out_is_recorded() -> None:
    result = negotiate(U, 1 - U, "boulware", "walk-out", 10)
    assert result.agreement is None and result.reason is Reason.WALKED_OUT
    assert result.ended_by == 1 and result.step == 1  # the opener's 10 is worth 0 to it
    assert result.to_dict()["ended_by"] == "responder"


def test_to_dict_is_json() -> None:
    d = json.loads(json.dumps(negotiate(U, 1 - U, "linear", "linear", 5).to_dict()))
    assert d["agreement"] == 5 and d["step"] == 3 and d["reason"] == "agreed"
    assert d["trace"][0] == [0, "opener", "offer", 10, [1.0, 0.0]]
    assert d["n_offers"] == 5 and d["ended_by"] == "responder"


def test_seed_reaches_stochastic_strategies() -> None:
    a = negotiate(U, 1 - U, "random", "random", 30, seed=5)
    b = negotiate(U, 1 - U, "random", "random", 30, seed=5)
    c = negotiate(U, 1 - U, "random", "random", 30, seed=np.random.SeedSequence(5))
    d = negotiate(U, 1 - U, "random", "random", 30, seed=6)
    assert a.events == b.events == c.events != d.events


class _Script(Strategy):
    def __init__(self, offers: tuple[int, ...]) -> None:
        self.offers = offers

    def params(self) -> dict:
        return {"offers": self.offers}

    def act(self, s: int, offer: int | None) -> Action:
        return Action(Act.OFFER, self.offers[min(s, len(self.offers) - 1)])


class _Cheat(Strategy):
    def __init__(self, move: Action) -> None:
        self.move = move

    def params(self) -> dict:
        return {"move": self.move}

    def act(self, s: int, offer: int | None) -> Action:
        return self.move


@pytest.mark.parametrize(
    ("move", "message"),
    [(Action(Act.OFFER, 11), "offered outcome 11"), (Action(Act.ACCEPT), "no offer on the table")],
)
def test_illegal_moves_are_reported(move: Action, message: str) -> None:
    with pytest.raises(BurdenshareError, match=message):
        negotiate(U, 1 - U, _Cheat(move), "boulware", 3)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"n_steps": 0}, "n_steps"),
        ({"n_steps": 2.5}, "n_steps"),
        ({"opener": "bulware"}, None),
        ({"opener": 3}, "opener"),
        ({"compat": "genius"}, "compat"),
        ({"u_responder": np.arange(5.0)}, "u_responder"),
        ({"u_opener": np.array([0.1, np.nan] * 5 + [0.2])}, "u_opener"),
        ({"u_opener": np.zeros((2, 11))}, "u_opener"),
        ({"reserved": (np.zeros(3), 0.0)}, "reserved[0]"),
        ({"discount": (1.5, 1.0)}, "discount[0]"),
        ({"discount": (0.9, 0.9), "compat": "negmas"}, "discount"),
        ({"ratify": lambda o: True, "compat": "negmas"}, "ratify"),
        ({"reserved": (np.linspace(0, 1, 4), 0.0), "compat": "negmas"}, "reserved"),
        ({"seed": "seven"}, "seed"),
    ],
)
def test_bad_input_is_a_user_error(kwargs: dict, path: str | None) -> None:
    args = {
        "u_opener": U,
        "u_responder": 1 - U,
        "opener": "linear",
        "responder": "linear",
        "n_steps": 4,
    } | kwargs
    with pytest.raises(BurdenshareError) as info:
        negotiate(**args)
    assert info.value.problems
    if path is not None:
        assert any(p.path == path for p in info.value.problems)


def test_package_never_imports_negmas() -> None:
    code = (
        "import sys, burdenshare.bargaining.engine, burdenshare.bargaining.batch, "
        "burdenshare.bargaining.strategies; print('negmas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    src = Path(__file__).resolve().parents[2] / "src" / "burdenshare"
    assert not [p for p in src.rglob("*.py") if "import negmas" in p.read_text()]
