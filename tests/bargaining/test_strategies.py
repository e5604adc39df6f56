"""Strategies: a contract every registered strategy inherits, then pinned behaviour per strategy.

``StrategyContract`` checks what must hold for any strategy (deterministic under a seed,
picklable, resets cleanly, offers only outcomes of the space, never accepts — nor offers — below
its reservation value); each registry entry has a ``Test…`` subclass here, and a test fails if a
registered strategy has none. Behaviour is pinned with small hand-computed tables against a
scripted opponent.
"""

from __future__ import annotations

import math
import pickle
import re
from typing import Any, ClassVar

import numpy as np
import pytest

from burdenshare.bargaining.batch import negotiate_batch
from burdenshare.bargaining.engine import Negotiation, negotiate
from burdenshare.bargaining.strategies import (
    STRATEGIES,
    Act,
    Action,
    NashSeeker,
    RandomOffers,
    RelativeTitForTat,
    Strategy,
    TimeDependent,
    WalkOut,
    make_strategy,
)
from burdenshare.errors import BurdenshareError

EXPECTED = {
    "time-dependent",
    "boulware",
    "linear",
    "conceder",
    "hardliner",
    "aspiration",
    "walk-out",
    "nash-seeker",
    "tit-for-tat",
    "random",
}
CLASSIFIER_KEYS = {
    "stochastic",
    "batch",
    "walks_out",
    "uses_opponent_utility",
    "may_accept_below_reserved",
}


class Scripted(Strategy):
    """Test opponent: offers ``offers[s]`` (the last one repeated); accepts from round
    ``accept_from`` on if given."""

    def __init__(self, offers: tuple[int, ...] = (0,), accept_from: int | None = None) -> None:
        self.offers, self.accept_from = tuple(offers), accept_from

    def params(self) -> dict[str, Any]:
        return {"offers": self.offers, "accept_from": self.accept_from}

    def act(self, s: int, offer: int | None) -> Action:
        if self.accept_from is not None and offer is not None and s >= self.accept_from:
            return Action(Act.ACCEPT)
        return Action(Act.OFFER, self.offers[min(s, len(self.offers) - 1)])


def _case(seed: int) -> dict[str, Any]:
    """A random negotiation setting: utilities (ties in half), reserved values (per round in
    some), discount (in some), ratification (in some), either mode."""
    rng = np.random.default_rng([7, seed])
    n = int(rng.integers(2, 40))
    n_steps = int(rng.integers(1, 30))
    negmas = seed % 3 == 0
    u = [rng.random(n), rng.random(n)]
    if seed % 2:
        u = [np.round(x, 1) for x in u]
    reserved: list[Any] = [float(rng.uniform(0, 0.6)), float(rng.uniform(0, 0.6))]
    case: dict[str, Any] = {"u": u, "n_steps": n_steps, "compat": "negmas" if negmas else None}
    if not negmas:
        if seed % 4 == 1:
            reserved[0] = np.linspace(reserved[0], reserved[0] + 0.5, n_steps)
        if seed % 5 == 2:
            case["discount"] = (float(rng.uniform(0.3, 1)), float(rng.uniform(0.3, 1)))
        if seed % 3 == 1:
            mask = rng.random(n) < 0.5
            case["ratify"] = lambda o, m=mask: bool(m[o])
    case["reserved"] = tuple(reserved)
    return case


CASES = [_case(i) for i in range(24)]
OPPONENTS = ["boulware", "conceder", "random", "hardliner"]


def _run(
    strategy: Strategy | str, opponent: Strategy | str, case: dict, side: int, seed: int = 1
) -> Negotiation:
    players = (strategy, opponent) if side == 0 else (opponent, strategy)
    return negotiate(
        case["u"][0],
        case["u"][1],
        players[0],
        players[1],
        case["n_steps"],
        reserved=case["reserved"],
        discount=case.get("discount"),
        ratify=case.get("ratify"),
        compat=case["compat"],
        seed=seed,
    )


def _games():
    for i, case in enumerate(CASES):
        yield case, OPPONENTS[i % len(OPPONENTS)], i % 2


class StrategyContract:
    """Checks every strategy inherits; subclasses set ``name`` (a registry entry)."""

    name: ClassVar[str]

    def make(self, **overrides: Any) -> Strategy:
        return make_strategy(self.name, **overrides)

    def test_registered_and_rebuildable(self) -> None:
        entry = STRATEGIES.get(self.name)
        s = self.make()
        assert isinstance(s, entry.cls)
        assert type(s)(**s.params()) == s
        assert repr(s).startswith(entry.cls.__name__ + "(")
        assert entry.summary

    def test_docstring_gives_formula_and_reference(self) -> None:
        doc = STRATEGIES.get(self.name).cls.__doc__ or ""
        assert re.search(r"Reference", doc)
        assert re.search(r"\b(19|20)\d\d\b", doc)  # a dated source
        assert "=" in doc or "≥" in doc  # a formula

    def test_classifier_complete(self) -> None:
        classifier = self.make().classifier
        assert set(classifier) == CLASSIFIER_KEYS
        assert all(isinstance(v, bool) for v in classifier.values())
        assert (self.make().batch_params() is not None) == classifier["batch"]

    def test_deterministic_under_seed(self) -> None:
        for case, opponent, side in _games():
            a = _run(self.make(), opponent, case, side, seed=11)
            b = _run(self.make(), opponent, case, side, seed=11)
            assert a.events == b.events and a.reason == b.reason

    def test_seed_matters_only_if_stochastic(self) -> None:
        differs = False
        for case, _, side in _games():
            a = _run(self.make(), "linear", case, side, seed=1)
            b = _run(self.make(), "linear", case, side, seed=2)
            differs |= a.events != b.events
        assert differs == self.make().classifier["stochastic"]

    def test_picklable(self) -> None:
        s = self.make()
        assert pickle.loads(pickle.dumps(s)) == s
        case = CASES[1]
        first = _run(s, "conceder", case, 0)
        played = pickle.loads(pickle.dumps(s))  # carries a finished negotiation's state
        assert _run(played, "conceder", case, 0).events == first.events

    def test_resets_cleanly(self) -> None:
        s = self.make()
        a1 = _run(s, "boulware", CASES[2], 0)
        _run(s, "conceder", CASES[5], 1)
        a2 = _run(s, "boulware", CASES[2], 0)
        assert a1.events == a2.events

    def test_same_object_on_both_sides(self) -> None:
        s = self.make()
        both = negotiate(*CASES[4]["u"], s, s, CASES[4]["n_steps"], seed=3)
        apart = negotiate(*CASES[4]["u"], self.make(), self.make(), CASES[4]["n_steps"], seed=3)
        assert both.events == apart.events

    def test_moves_inside_space_and_never_below_reservation(self) -> None:
        accepts = offers = 0
        for case, opponent, side in _games():
            result = _run(self.make(), opponent, case, side)
            n, n_steps = case["u"][0].shape[0], case["n_steps"]
            u = case["u"][side]
            r = np.broadcast_to(case["reserved"][side], (n_steps,))
            negmas = case["compat"] == "negmas"
            # (a discount scales deal and outside option alike: it cancels here)
            # NegMAS's rule may offer an outcome up to 1e-6 below its threshold
            slack = 1e-6 if negmas else 1e-12
            for e in result.trace:
                if e.side != side or e.outcome is None:
                    continue
                assert 0 <= e.outcome < n
                value = u[e.outcome]
                if e.action == "accept":
                    accepts += 1
                    assert value >= r[e.round] - 1e-12
                elif e.action == "offer":
                    offers += 1
                    assert value >= r[e.round] - slack
        assert offers > 0

    def test_batch_engine_agrees(self) -> None:
        s = self.make()
        for i, case in enumerate(CASES):
            if not s.classifier["batch"]:
                break
            mask = None
            if "ratify" in case:
                mask = np.array([case["ratify"](o) for o in range(case["u"][0].shape[0])])
            opponents = ["boulware", "conceder", "linear", "hardliner", "aspiration"]
            # in the batch a per-round schedule shared by all rows is [1, n_steps]
            reserved = tuple(np.atleast_2d(r) if np.ndim(r) == 1 else r for r in case["reserved"])
            batch = negotiate_batch(
                case["u"][0],
                case["u"][1],
                s,
                opponents,
                case["n_steps"],
                reserved=reserved,
                discount=case.get("discount"),
                ratifiable=mask,
                compat=case["compat"],
                seed=i,
            )
            for k, opponent in enumerate(opponents):
                single = _run(s, opponent, case, 0, seed=0)
                agreement = -1 if single.agreement is None else single.agreement
                assert (batch.agreement[k], batch.step[k], batch.reason[k]) == (
                    agreement,
                    single.step,
                    single.reason,
                )
                assert batch.n_offers[k] == single.n_offers


class TestTimeDependent(StrategyContract):
    name = "time-dependent"

    @pytest.mark.parametrize("e", [-1.0, math.nan, "steep"])
    def test_bad_exponent(self, e: float) -> None:
        with pytest.raises(BurdenshareError, match="e: invalid parameter"):
            TimeDependent(e=e)

    def test_exponent_zero_concedes_at_once(self) -> None:
        # a(t) = 1 − t^0 = 0 from round 0: it opens with its worst outcome and accepts the
        # opponent's first offer (3, worth 0.3) in round 1
        u = np.arange(11) / 10
        result = negotiate(u, 1 - u, TimeDependent(e=0.0), Scripted((3,)), 5)
        assert result.offers[0] == (0, 0, 0)
        assert (result.agreement, result.step) == (3, 2)


# Pinned tables: 11 outcomes, own u = i/10, n_steps = 5 → t = 0, .25, .5, .75, 1 (default mode).
# The target T = 1 − t^e; the offer is the lowest i with i/10 ≥ T. Against a scripted opponent
# that always offers outcome 0 (worth 0), the last round's target 0 accepts it.
U11 = np.arange(11) / 10


def _pinned(name: str) -> Negotiation:
    return negotiate(U11, 1 - U11, name, Scripted((0,)), 5)


class TestBoulware(StrategyContract):
    name = "boulware"

    def test_offer_table(self) -> None:
        # 1 − t^4 = 1, .9961, .9375, .6836, 0 → offers 10, 10, 10, 7; accepts 0 in round 4
        result = _pinned(self.name)
        assert [o for s, side, o in result.offers if side == 0] == [10, 10, 10, 7]
        assert (result.agreement, result.step, result.ended_by) == (0, 5, 0)


class TestLinear(StrategyContract):
    name = "linear"

    def test_offer_table(self) -> None:
        # 1 − t = 1, .75, .5, .25, 0 → offers 10, 8, 5, 3
        result = _pinned(self.name)
        assert [o for s, side, o in result.offers if side == 0] == [10, 8, 5, 3]
        assert (result.agreement, result.step) == (0, 5)


class TestConceder(StrategyContract):
    name = "conceder"

    def test_offer_table(self) -> None:
        # 1 − t^0.25 = 1, .2929, .1591, .0694, 0 → offers 10, 3, 2, 1
        result = _pinned(self.name)
        assert [o for s, side, o in result.offers if side == 0] == [10, 3, 2, 1]


class TestHardliner(StrategyContract):
    name = "hardliner"

    def test_never_concedes(self) -> None:
        result = _pinned(self.name)
        assert [o for s, side, o in result.offers if side == 0] == [10] * 5
        assert result.timedout and result.agreement is None and result.step == 5

    def test_accepts_its_best(self) -> None:
        # the opponent offers 4 in round 0 (rejected), 10 in round 1 (accepted in round 2)
        result = negotiate(U11, 1 - U11, "hardliner", Scripted((4, 10)), 5)
        assert (result.agreement, result.step, result.ended_by) == (10, 3, 0)


class TestAspiration(StrategyContract):
    name = "aspiration"

    def test_tolerance_only_in_negmas_mode(self) -> None:
        # NegMAS mode, 5 rounds: t0 = 1/6, 1 − t0^4 = 0.999228; Boulware's threshold is 1e-4
        # lower (0.999128), Aspiration's 1e-3 lower (0.998228): only Aspiration reaches 0.9985.
        u = np.array([0.0, 0.5, 0.9985, 1.0])
        asp = negotiate(u, 1 - u, "aspiration", "hardliner", 5, compat="negmas")
        tb = negotiate(u, 1 - u, "boulware", "hardliner", 5, compat="negmas")
        assert asp.offers[0] == (0, 0, 2) and tb.offers[0] == (0, 0, 3)
        # default mode has no tolerance: Aspiration plays exactly as Boulware
        assert _pinned("aspiration").events == _pinned("boulware").events


class TestWalkOut(StrategyContract):
    name = "walk-out"

    def test_walks_on_a_low_offer(self) -> None:
        result = _pinned(self.name)  # threshold 0.3 from round 0; the opponent offers 0
        assert result.agreement is None and result.step == 2 and result.ended_by == 0
        assert result.reason.label == "walked-out" and "0.3" in result.note
        assert result.trace[-1].action == "walk"

    def test_waits_for_its_round(self) -> None:
        result = negotiate(U11, 1 - U11, WalkOut(threshold=0.3, from_round=3), Scripted((0,)), 5)
        assert (result.step, result.reason.label) == (4, "walked-out")

    def test_accepts_before_walking(self) -> None:
        # in the last round the target is 0: an offer worth 0.2 < threshold is accepted anyway
        result = negotiate(U11, 1 - U11, WalkOut(threshold=0.3, from_round=4), Scripted((2,)), 5)
        assert (result.agreement, result.reason.label) == (2, "agreed")

    def test_bad_parameters(self) -> None:
        with pytest.raises(BurdenshareError):
            WalkOut(threshold=math.inf)
        with pytest.raises(BurdenshareError):
            WalkOut(from_round=-1)


class TestNashSeeker(StrategyContract):
    name = "nash-seeker"

    def test_offers_the_nash_point(self) -> None:
        # (i/10)(1 − i/10) is largest at i = 5
        result = _pinned(self.name)
        assert {o for s, side, o in result.offers if side == 0} == {5}
        assert result.timedout

    def test_accepts_as_good_as_nash(self) -> None:
        # offers of rounds 0-2 are seen in rounds 1-3: 0 and 2 fall short of u(5), 6 does not
        result = negotiate(U11, 1 - U11, "nash-seeker", Scripted((0, 2, 6)), 5)
        assert (result.agreement, result.step) == (6, 4)

    def test_injected_target(self) -> None:
        result = negotiate(U11, 1 - U11, NashSeeker(target=7), Scripted((0,)), 3)
        assert {o for s, side, o in result.offers if side == 0} == {7}

    def test_reservation_values_move_the_point(self) -> None:
        # with r = (0.1, 0.5): (i/10 − 0.1)(0.5 − i/10) = .03, .04, .03 for i = 2, 3, 4
        result = negotiate(U11, 1 - U11, "nash-seeker", Scripted((0,)), 3, reserved=(0.1, 0.5))
        assert result.offers[0] == (0, 0, 3)

    def test_no_zone_of_agreement_means_hardline(self) -> None:
        result = negotiate(U11, 1 - U11, "nash-seeker", Scripted((0,)), 3, reserved=(0.6, 0.6))
        assert {o for s, side, o in result.offers if side == 0} == {10}

    def test_bad_target(self) -> None:
        with pytest.raises(BurdenshareError):
            negotiate(U11, 1 - U11, NashSeeker(target=11), "boulware", 3)


class TestTitForTat(StrategyContract):
    name = "tit-for-tat"

    def test_mirrors_a_halving(self) -> None:
        # 9 outcomes, own u = i/8, the opponent's u = 1 − i/8 (its z = 1 − i/8). It offers 0
        # (z = 1), then 4 (z = 0.5): the level halves to 0.5 and u(4) = 0.5 meets it: accept.
        u = np.arange(9) / 8
        result = negotiate(u, 1 - u, "tit-for-tat", Scripted((0, 4)), 6)
        assert [o for s, side, o in result.offers if side == 0] == [8, 8]
        assert (result.agreement, result.step, result.ended_by) == (4, 3, 0)

    def test_retaliates_when_the_opponent_backtracks(self) -> None:
        # own u = (i/8)^2, so after the halving it offers the lowest u ≥ 0.5: i = 6 (0.5625);
        # the opponent then goes back to 0 (z = 1): the level doubles back to 1 → offers 8.
        u = (np.arange(9) / 8) ** 2
        result = negotiate(u, 1 - np.arange(9) / 8, "tit-for-tat", Scripted((0, 4, 0)), 6)
        assert [o for s, side, o in result.offers if side == 0][:4] == [8, 8, 6, 8]

    def test_two_never_move(self) -> None:
        result = negotiate(U11, 1 - U11, "tit-for-tat", "tit-for-tat", 8)
        assert result.timedout and {o for _, side, o in result.offers if side == 0} == {10}

    def test_bad_delay(self) -> None:
        with pytest.raises(BurdenshareError):
            RelativeTitForTat(delay=0)


class TestRandom(StrategyContract):
    name = "random"

    def test_uniform_over_rational_offers(self) -> None:
        # reserved 0.55 leaves 5 rational outcomes (0.6 … 1.0); 20 × 100 offers
        counts = np.zeros(11)
        for seed in range(20):
            result = negotiate(
                U11, 1 - U11, "random", "hardliner", 100, reserved=(0.55, 0.0), seed=seed
            )
            for _, side, o in result.offers:
                if side == 0:
                    counts[o] += 1
        assert counts[:6].sum() == 0 and counts.sum() == 2000
        assert np.all(np.abs(counts[6:] / 2000 - 0.2) < 0.04)

    def test_acceptance_probability(self) -> None:
        # the opponent offers the best outcome every round: accepted at the first chance w.p. p
        firsts = [
            negotiate(U11, 1 - U11, Scripted((10,)), RandomOffers(p_accept=0.3), 50, seed=s).step
            for s in range(400)
        ]
        share = np.mean(np.array(firsts) == 1)
        assert abs(share - 0.3) < 0.08

    def test_bad_probability(self) -> None:
        with pytest.raises(BurdenshareError):
            RandomOffers(p_accept=1.5)


def test_registry_has_expected_members() -> None:
    assert set(STRATEGIES) >= EXPECTED
    presets = {name: STRATEGIES.get(name).make() for name in ("boulware", "linear", "conceder")}
    assert {n: s.e for n, s in presets.items()} == {
        "boulware": 4.0,
        "linear": 1.0,
        "conceder": 0.25,
    }
    assert STRATEGIES.get("hardliner").make().e == math.inf
    assert STRATEGIES.get("aspiration").make().negmas_eps == 1e-3


def test_every_registered_strategy_has_a_contract_test() -> None:
    tested = {cls.name for cls in StrategyContract.__subclasses__()}
    assert tested == set(STRATEGIES)


def test_unknown_strategy_lists_the_valid_names() -> None:
    with pytest.raises(BurdenshareError, match=r"unknown strategy 'bulware'.*boulware"):
        make_strategy("bulware")


def test_overrides_and_copies() -> None:
    s = make_strategy("boulware", e=2.0)
    assert s == TimeDependent(e=2.0) and s != TimeDependent(e=4.0)
    assert make_strategy(s) == s and make_strategy(s) is not s
