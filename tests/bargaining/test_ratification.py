"""Two-level ratification: rules, voting bodies, veto players, compositions, win-sets, specs.

Every ratifier kind inherits the checks of :class:`RatifierContract`; behaviour is pinned by a
hand-counted 300-seat assembly, exact threshold arithmetic, properties (nesting, intersections,
the unconstrained case) and a brute-force check of the probabilistic vote.
"""

from __future__ import annotations

import itertools
import pickle
import re
from fractions import Fraction
from pathlib import Path
from typing import get_args

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burdenshare.bargaining.ratification import (
    RATIFIERS,
    RULES,
    AllOf,
    Ratifier,
    Rule,
    Unconstrained,
    VotingBody,
    ratifier_from_spec,
    ratify,
    tied_hands,
    tied_hands_utility,
    two_level_win_set,
    two_level_zopa,
    zopa_mask,
)
from burdenshare.errors import BurdenshareError
from burdenshare.scenario.loader import load_scenario
from burdenshare.scenario.schema import Member, RatifierSpec

ROOT = Path(__file__).resolve().parents[2]
BN = 1_000_000_000


# --------------------------------------------------------------------------- a hand-built assembly
# Ten outcomes: contribution (bn won) × new category, category slowest.
CONTRIBUTIONS = [1000, 1100, 1200, 1300, 1500]
VALUES = np.array([[c, cat] for cat in (0, 1) for c in CONTRIBUTIONS], dtype=float)
# Four blocs (300 seats); weights 0.8 on the amount (span 1,000 bn), 0.2 on the category.
BLOCS = ["A", "B", "C", "D"]
SEATS = [120, 110, 40, 30]
IDEALS = [[1100, 0], [1000, 0], [1300, 1], [1500, 1]]
TOLERANCE = [0.1, 0.1, 0.3, 0.25]
# Yes seats by hand: bloc i votes yes iff 0.8·|c − ideal|/1000 + 0.2·[cat ≠ ideal] ≤ tolerance.
#   cat 0, distances A / B / C / D → yes seats
#     1000: .08 / 0   / .44 / .60 → A + B = 230      1100: 0 / .08 / .36 / .52 → A + B = 230
#     1200: .08 / .16 / .28 / .44 → A + C = 160      1300: .16 / .24 / .20 / .36 → C = 40
#     1500: .32 / .40 / .36 / .20 → D = 30
#   cat 1: A and B never (.2 > .1); C accepts all five (largest distance .24 ≤ .3);
#     D (≤ .25) accepts 1200 (.24), 1300 (.16), 1500 (0) → 40, 40, 70, 70, 70
HAND_YES = [230, 230, 160, 40, 30, 40, 40, 70, 70, 70]


def assembly(rule: str | float | Rule = "simple_majority", **kw: object) -> VotingBody:
    return VotingBody.from_ideals(
        VALUES,
        IDEALS,
        SEATS,
        tolerance=TOLERANCE,
        weights=[0.8, 0.2],
        spans=[1000, 1],
        rule=rule,
        names=BLOCS,
        name="National Assembly",
        **kw,  # type: ignore[arg-type]
    )


def president(reservation_bn: float = 1300) -> VotingBody:
    """A veto player who accepts any amount from ``reservation_bn`` up, category or not."""
    utility = (VALUES[:, 0] - 1000) / 500  # 0 at 1,000 bn, 1 at 1,500 bn
    return VotingBody.veto_players(
        utility[None, :], [(reservation_bn - 1000) / 500], names=["President"], name="President"
    )


# --------------------------------------------------------------------------- the shared contract
class RatifierContract:
    """Checks every ratifier kind inherits (Axelrod-style test base)."""

    def make(self) -> Ratifier:
        raise NotImplementedError

    def test_win_set_is_a_read_only_bool_mask(self) -> None:
        r = self.make()
        mask = r.win_set()
        assert mask.dtype == np.bool_ and mask.shape == (r.n_outcomes,)
        with pytest.raises(ValueError):
            mask[0] = not mask[0]

    def test_accepts_is_the_mask_at_those_indices(self) -> None:
        r = self.make()
        idx = np.array([[0, r.n_outcomes - 1], [r.n_outcomes // 2, 0]])
        np.testing.assert_array_equal(r.accepts(idx), r.win_set()[idx])
        assert r.accepts([]).shape == (0,)

    def test_each_vote_agrees_with_the_win_set(self) -> None:
        r = self.make()
        passed = [r.votes(o).passed for o in range(r.n_outcomes)]
        np.testing.assert_array_equal(passed, r.win_set())

    def test_picklable(self) -> None:
        r = self.make()
        copy = pickle.loads(pickle.dumps(r))
        np.testing.assert_array_equal(copy.win_set(), r.win_set())
        assert copy.votes(1) == r.votes(1)

    def test_probability_tends_to_the_rule_as_scale_vanishes(self) -> None:
        # no margin in the fixtures is 0, so σ(margin / 1e-9) is exactly 0 or 1
        r = self.make()
        np.testing.assert_array_equal(r.pass_probability(1e-9), r.win_set().astype(float))

    def test_draws_are_seeded_and_follow_the_probability(self) -> None:
        r = self.make()
        trials = 4000
        outcomes = np.repeat(np.arange(r.n_outcomes), trials)
        a = r.draw(outcomes, np.random.default_rng(7), scale=0.1)
        b = r.draw(outcomes, np.random.default_rng(7), scale=0.1)
        np.testing.assert_array_equal(a, b)
        freq = a.reshape(r.n_outcomes, trials).mean(axis=1)
        p = r.pass_probability(0.1)
        tol = 5 * np.sqrt(p * (1 - p) / trials) + 1e-12
        assert (np.abs(freq - p) <= tol).all(), (freq, p)

    def test_bad_outcomes_are_user_errors(self) -> None:
        r = self.make()
        for bad in ([r.n_outcomes], [-1], [0.5], [True]):
            with pytest.raises(BurdenshareError):
                r.accepts(bad)
        with pytest.raises(BurdenshareError, match="out of range"):
            r.votes(r.n_outcomes)
        with pytest.raises(BurdenshareError, match="positive number"):
            r.pass_probability(0.0)


class TestUnconstrained(RatifierContract):
    def make(self) -> Ratifier:
        return Unconstrained(10)

    def test_everything_wins(self) -> None:
        r = self.make()
        assert r.win_set().all() and r.pass_probability(0.3).tolist() == [1.0] * 10
        assert r.votes(3).passed and str(r.votes(3)) == "no ratification: no vote needed"

    def test_empty_space_is_an_error(self) -> None:
        with pytest.raises(BurdenshareError, match="empty"):
            Unconstrained(0)


class TestLegislature(RatifierContract):
    def make(self) -> Ratifier:
        return assembly()

    def test_hand_counted_yes_seats(self) -> None:
        body = assembly()
        assert body.yes_seats().tolist() == HAND_YES
        assert body.total_seats == 300 and body.required == 151
        # simple majority (> 150): 230, 230, 160 pass
        assert np.flatnonzero(body.win_set()).tolist() == [0, 1, 2]

    def test_two_thirds_drops_the_160_seat_outcome(self) -> None:
        body = assembly("two_thirds")
        assert body.required == 200
        assert np.flatnonzero(body.win_set()).tolist() == [0, 1]

    def test_vote_breakdown_on_1200_bn_without_new_category(self) -> None:
        vote = assembly().votes(2)
        assert (vote.yes_seats, vote.no_seats, vote.unassigned_seats) == (160, 140, 0)
        assert vote.passed and vote.required == 151
        assert [(m.name, m.seats, m.yes) for m in vote.members] == [
            ("A", 120, True),
            ("B", 110, False),
            ("C", 40, True),
            ("D", 30, False),
        ]
        # utilities 1 − distance: A .08, B .16, C .2 + .08, D .2 + .24
        assert [m.utility for m in vote.members] == pytest.approx([0.92, 0.84, 0.72, 0.56])
        assert [m.no_deal for m in vote.members] == pytest.approx([0.9, 0.9, 0.7, 0.75])
        assert str(vote) == (
            "National Assembly: 160 yes, 140 no of 300 (151 needed, simple_majority): passed"
        )
        failed = assembly("two_thirds").votes(2)
        assert not failed.passed and failed.required == 200
        rows = failed.rows()
        assert [r["vote"] for r in rows] == ["yes", "no", "yes", "no"]
        assert {r["body"] for r in rows} == {"National Assembly"}

    def test_unassigned_seats_never_vote_yes(self) -> None:
        # 150 seats vote yes, 140 no, 10 held by no bloc: a majority of 300 needs 151
        util = np.array([[1.0, 0.0], [0.0, 1.0]])
        body = VotingBody([150, 140], util, [0.5, 0.5], total_seats=300)
        assert body.win_set().tolist() == [False, False]
        assert body.votes(0).unassigned_seats == 10 and body.votes(0).yes_seats == 150
        # without the unassigned seats 150 of 290 is a majority
        assert VotingBody([150, 140], util, [0.5, 0.5]).win_set().tolist() == [True, False]

    def test_tie_of_seats_fails_simple_majority_but_meets_one_half(self) -> None:
        util = np.array([[1.0, 0.0], [0.0, 0.0]])
        assert VotingBody([150, 150], util, [0.5, 0.5]).win_set().tolist() == [False, False]
        half = VotingBody([150, 150], util, [0.5, 0.5], rule=0.5)
        assert half.win_set().tolist() == [True, False]

    def test_a_member_at_its_no_deal_utility_votes_yes(self) -> None:
        body = VotingBody([1], [[0.35, 0.3499999]], [0.35])
        assert body.win_set().tolist() == [True, False]
        # and in the logistic model a zero margin is a coin toss
        assert body.pass_probability(0.2)[0] == 0.5

    def test_member_without_ideals_accepts_everything(self) -> None:
        body = VotingBody.from_ideals(VALUES, [[np.nan, np.nan]], [1], tolerance=0.0)
        assert body.utility.tolist() == [[1.0] * 10] and body.win_set().all()

    def test_categorical_issue_is_match_or_mismatch(self) -> None:
        values = np.array([[0.0], [1.0], [2.0]])
        body = VotingBody.from_ideals(values, [[2.0]], [1], tolerance=0.5, categorical=[True])
        assert body.utility.tolist() == [[0.0, 0.0, 1.0]]

    def test_default_spans_are_the_value_ranges(self) -> None:
        body = VotingBody.from_ideals(VALUES, [[1000, 0]], [1], tolerance=0.1)
        # equal weights, spans 500 and 1: (1500, 1) is at distance 0.5·1 + 0.5·1 = 1
        assert body.utility[0, 9] == pytest.approx(0.0)
        assert body.utility[0, 2] == pytest.approx(1 - 0.5 * 200 / 500)

    def test_bad_bodies_are_user_errors(self) -> None:
        with pytest.raises(BurdenshareError, match="at least one seat"):
            VotingBody([0], [[1.0]], [0.5])
        with pytest.raises(BurdenshareError, match="more seats than the body"):
            VotingBody([10, 10], [[1.0], [1.0]], [0.5, 0.5], total_seats=15)
        with pytest.raises(BurdenshareError, match="one integer per member"):
            VotingBody([1.5], [[1.0]], [0.5])
        with pytest.raises(BurdenshareError, match="names repeat"):
            VotingBody([1, 1], [[1.0], [1.0]], [0.5, 0.5], names=["x", "x"])
        with pytest.raises(BurdenshareError, match="finite"):
            VotingBody([1], [[np.nan]], [0.5])
        with pytest.raises(BurdenshareError) as info:
            VotingBody.from_ideals(VALUES, [[1, 2, 3]], [1], tolerance=-1.0, weights=[-1, 1])
        assert {p.path for p in info.value.problems} == {"ideals", "weights", "tolerance"}


class TestVetoPlayers(RatifierContract):
    def make(self) -> Ratifier:
        utility = np.array([VALUES[:, 0] / 1500, 1 - VALUES[:, 1] * 0.5])
        return VotingBody.veto_players(utility, [0.75, 0.8], names=["President", "Senate"])

    def test_every_player_must_accept(self) -> None:
        r = self.make()
        # President: c/1500 ≥ 0.75 ⇔ c ≥ 1125; Senate: no new category
        assert np.flatnonzero(r.win_set()).tolist() == [2, 3, 4]
        vote = r.votes(7)  # (1200, new category): the Senate blocks
        assert [m.yes for m in vote.members] == [True, False] and not vote.passed
        assert vote.kind == "veto_players" and vote.required == 2


class TestAllOf(RatifierContract):
    def make(self) -> Ratifier:
        return assembly() & president(1150)

    def test_legislature_and_president_is_the_intersection(self) -> None:
        r = self.make()
        # assembly: outcomes 0, 1, 2; president: ≥ 1,150 bn → outcomes 2, 3, 4, 7, 8, 9
        assert np.flatnonzero(r.win_set()).tolist() == [2]
        vote = r.votes(1)
        assert [p.passed for p in vote.parts] == [True, False] and not vote.passed
        assert (vote.yes_seats, vote.total_seats) == (1, 2)
        assert r.name == "National Assembly and President"

    def test_nested_compositions_flatten(self) -> None:
        a, p, n = assembly(), president(), Unconstrained(10)
        assert len(AllOf([a & p, n]).parts) == 3

    def test_probability_is_the_product(self) -> None:
        a, p = assembly(), president(1150)
        np.testing.assert_allclose(
            (a & p).pass_probability(0.2), a.pass_probability(0.2) * p.pass_probability(0.2)
        )

    def test_unconstrained_part_consumes_no_random_numbers(self) -> None:
        a = assembly()
        outcomes = np.arange(10).repeat(50)
        both = (Unconstrained(10) & a).draw(outcomes, np.random.default_rng(3), 0.1)
        alone = a.draw(outcomes, np.random.default_rng(3), 0.1)
        np.testing.assert_array_equal(both, alone)

    def test_different_spaces_are_refused(self) -> None:
        with pytest.raises(BurdenshareError, match="different outcome spaces"):
            Unconstrained(3) & Unconstrained(4)


# --------------------------------------------------------------------------- threshold rules
@pytest.mark.parametrize(
    ("rule", "total", "required"),
    [
        ("simple_majority", 300, 151),
        ("simple_majority", 301, 151),
        ("simple_majority", 1, 1),
        ("two_thirds", 300, 200),
        ("two_thirds", 301, 201),
        ("two_thirds", 299, 200),
        ("unanimity", 7, 7),
        (0.5, 300, 150),
        (0.6, 300, 180),
        (0.6, 301, 181),
        (1, 300, 300),
    ],
)
def test_required_seats(rule: str | float, total: int, required: int) -> None:
    assert Rule.parse(rule).required(total) == required


def test_fraction_is_read_from_its_decimal_text() -> None:
    assert Rule.parse(0.6).fraction == Fraction(3, 5)
    assert Rule.parse(0.1 + 0.2).fraction == Fraction("0.30000000000000004")


@pytest.mark.parametrize("bad", [0, 0.0, 1.5, -0.2, True, float("nan"), None, "majority"])
def test_bad_thresholds_are_user_errors(bad: object) -> None:
    with pytest.raises(BurdenshareError):
        Rule.parse(bad)  # type: ignore[arg-type]


def test_unknown_rule_lists_the_presets() -> None:
    with pytest.raises(BurdenshareError) as info:
        Rule.parse("majority")
    assert "simple_majority, two_thirds, unanimity" in str(info.value)


def test_registries() -> None:
    kinds = set(get_args(RatifierSpec.model_fields["kind"].annotation))
    assert kinds == {"none", "legislature", "veto_players"} and set(RATIFIERS) == kinds
    # every preset the scenario schema accepts by name is a registered rule
    assert {"simple_majority", "two_thirds"} <= set(RULES)
    assert list(RULES) == ["simple_majority", "two_thirds", "unanimity"]


# --------------------------------------------------------------------------- properties
GRID = st.integers(0, 8).map(lambda k: k / 8)  # coarse: ties between utility and no-deal happen


@st.composite
def bodies(draw: st.DrawFn, n: int | None = None) -> VotingBody:
    m = draw(st.integers(1, 5))
    n = n if n is not None else draw(st.integers(1, 12))
    seats = draw(st.lists(st.integers(1, 60), min_size=m, max_size=m))
    utility = draw(st.lists(st.lists(GRID, min_size=n, max_size=n), min_size=m, max_size=m))
    no_deal = draw(st.lists(GRID, min_size=m, max_size=m))
    extra = draw(st.integers(0, 20))
    rule = draw(st.sampled_from(["simple_majority", "two_thirds", "unanimity", 0.4, 0.75]))
    return VotingBody(seats, utility, no_deal, rule=rule, total_seats=sum(seats) + extra)


def count_yes(body: VotingBody, o: int) -> int:
    """The readable oracle: seats of members whose utility reaches their no-deal value."""
    return sum(
        int(s)
        for s, u, r in zip(body.seats, body.utility[:, o], body.no_deal, strict=True)
        if u >= r
    )


@given(bodies())
def test_vectorised_count_equals_member_by_member(body: VotingBody) -> None:
    for o in range(body.n_outcomes):
        yes = count_yes(body, o)
        assert body.yes_seats()[o] == yes
        q, strict = body.rule.bar
        passes = yes > q * body.total_seats if strict else yes >= q * body.total_seats
        assert body.win_set()[o] == passes == body.votes(o).passed


rules = st.one_of(
    st.sampled_from(["simple_majority", "two_thirds", "unanimity"]),
    st.fractions(min_value=Fraction(1, 50), max_value=1, max_denominator=50),
)


@given(bodies(), st.lists(rules, min_size=2, max_size=6))
def test_win_sets_are_nested_as_the_threshold_rises(body: VotingBody, names: list) -> None:
    ordered = sorted((Rule.parse(r) for r in names), key=lambda r: r.bar)
    masks = [
        VotingBody(
            body.seats, body.utility, body.no_deal, rule=r, total_seats=body.total_seats
        ).win_set()
        for r in ordered
    ]
    for lower, higher in itertools.pairwise(masks):
        assert not (higher & ~lower).any()  # higher ⊆ lower


@st.composite
def pairs(draw: st.DrawFn) -> tuple[VotingBody, VotingBody]:
    n = draw(st.integers(1, 12))
    return draw(bodies(n)), draw(bodies(n))


@given(pairs())
def test_outside_either_win_set_is_never_in_the_two_level_win_set(
    pair: tuple[VotingBody, VotingBody],
) -> None:
    a, b = pair
    both = two_level_win_set(a, b)
    for o in range(a.n_outcomes):
        if not a.votes(o).passed or not b.votes(o).passed:
            assert not both[o]
        else:
            assert both[o]
        assert ratify(o, a, b).passed == both[o]


@given(pairs(), st.data())
def test_ratified_zone_is_win_sets_within_the_zopa(
    pair: tuple[VotingBody, VotingBody], data: st.DataObject
) -> None:
    a, b = pair
    n = a.n_outcomes
    u = np.array(
        data.draw(st.lists(st.lists(GRID, min_size=n, max_size=n), min_size=2, max_size=2))
    )
    r = np.array(data.draw(st.lists(GRID, min_size=2, max_size=2)))
    zone = two_level_zopa(a, b, u, r)
    for o in range(n):
        in_zopa = u[0, o] >= r[0] and u[1, o] >= r[1]
        assert zone[o] == (in_zopa and a.win_set()[o] and b.win_set()[o])


@given(
    st.integers(1, 15).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(GRID, min_size=n, max_size=n), min_size=2, max_size=2),
            st.lists(GRID, min_size=2, max_size=2),
        )
    )
)
def test_accept_everything_ratifiers_change_nothing(case: tuple[list, list]) -> None:
    u, r = np.array(case[0]), np.array(case[1])
    n = u.shape[1]
    none = Unconstrained(n)
    assert two_level_win_set(none, none).all()
    plain = zopa_mask(u, r)
    np.testing.assert_array_equal(plain, (u[0] >= r[0]) & (u[1] >= r[1]))
    np.testing.assert_array_equal(two_level_zopa(none, none, u, r), plain)
    np.testing.assert_array_equal(tied_hands(u[0] >= r[0], none), u[0] >= r[0])
    np.testing.assert_array_equal(tied_hands_utility(u[0], none, r[0]), u[0])


@given(
    st.integers(1, 4).flatmap(
        lambda m: st.tuples(
            st.lists(st.lists(GRID, min_size=6, max_size=6), min_size=m, max_size=m),
            st.lists(GRID, min_size=m, max_size=m),
        )
    ),
    bodies(6),
)
def test_veto_players_and_composition_are_intersections(
    case: tuple[list, list], legislature: VotingBody
) -> None:
    u, r = np.array(case[0]), np.array(case[1])
    players = VotingBody.veto_players(u, r)
    each = [VotingBody.veto_players(u[j : j + 1], r[j : j + 1]) for j in range(len(r))]
    expected = np.all(u >= r[:, None], axis=0)
    np.testing.assert_array_equal(players.win_set(), expected)
    np.testing.assert_array_equal(AllOf(each).win_set(), expected)
    both = legislature & players
    np.testing.assert_array_equal(both.win_set(), legislature.win_set() & expected)
    assert [both.votes(o).passed for o in range(6)] == both.win_set().tolist()


def brute_force_probability(body: VotingBody, o: int, scale: float) -> float:
    """Σ over every yes/no pattern of the members: P(pattern) · [pattern passes]."""
    p = 1 / (1 + np.exp(-(body.utility[:, o] - body.no_deal) / scale))
    total = 0.0
    for pattern in itertools.product([False, True], repeat=len(body.seats)):
        yes = np.array(pattern)
        if body.seats[yes].sum() >= body.required:
            total += float(np.prod(np.where(yes, p, 1 - p)))
    return total


@given(bodies(), st.floats(0.05, 2.0))
def test_pass_probability_equals_enumeration(body: VotingBody, scale: float) -> None:
    exact = body.pass_probability(scale)
    for o in range(body.n_outcomes):
        assert exact[o] == pytest.approx(brute_force_probability(body, o, scale), abs=1e-12)


def test_pass_probability_blocks_agree_with_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    from burdenshare.bargaining import ratification

    rng = np.random.default_rng(11)
    body = VotingBody([120, 110, 40, 30], rng.random((4, 50)), rng.random(4), total_seats=300)
    whole = body.pass_probability(0.1)
    monkeypatch.setattr(ratification, "_BLOCK", 7)
    np.testing.assert_array_equal(body.pass_probability(0.1), whole)


# --------------------------------------------------------------------------- tied hands, ratify
def test_tied_hands_restricts_to_the_win_set() -> None:
    body = assembly()
    utility = 1 - np.abs(VALUES[:, 0] - 1200) / 500  # 1 at 1,200 bn
    acceptable = utility >= 0.6  # 1000 … 1300 in both categories
    assert np.flatnonzero(tied_hands(acceptable, body)).tolist() == [0, 1, 2]
    tied = tied_hands_utility(utility, body, 0.6)
    floor = min(utility.min(), 0.6) - 1
    np.testing.assert_array_equal(tied, np.where(body.win_set(), utility, floor))
    assert (tied[~body.win_set()] < 0.6).all()


def test_march_2020_a_tentative_deal_rejected_in_washington() -> None:
    # ~13% rise ≈ 1,174 bn: the assembly would pass 1,200 bn (outcome 2) but a president who
    # wants at least 1,300 bn rejects it; the deal is void
    result = ratify(2, assembly(), president(1300))
    assert [v.passed for v in result.votes] == [True, False] and not result.passed
    assert str(result).endswith("outcome 2: rejected: the deal is void")
    assert not two_level_win_set(assembly(), president(1300)).any()


# --------------------------------------------------------------------------- from a scenario
ISSUES = ("contribution", "duration", "new_category")
RANGES = [(900 * BN, 6000 * BN), (1, 5), (0, 1)]
SMA_VALUES = np.array(
    [
        [c * BN, d, cat]
        for c in (1000, 1115.8, 1174, 1300, 2000, 5830.5)
        for d in (1, 3, 5)
        for cat in (0, 1)
    ]
)


def rok_utility() -> np.ndarray:
    """A stand-in for the host's utility over SMA_VALUES (any array will do for the spec)."""
    c, d, cat = SMA_VALUES.T
    return 0.5 * (6000 * BN - c) / (5100 * BN) + 0.15 * (d - 1) / 4 + 0.35 * (1 - cat)


def test_sma_2019_assembly_without_members_is_one_bloc_with_the_host_view() -> None:
    scenario = load_scenario("sma-2019")
    spec = scenario.parties["rok"].ratifier
    reservation = scenario.preferences["rok"].reservation_value
    body = ratifier_from_spec(
        spec,
        ISSUES,
        SMA_VALUES,
        RANGES,
        party_utility=rok_utility(),
        party_reservation=reservation,
        path="parties.rok.ratifier",
    )
    assert isinstance(body, VotingBody) and body.total_seats == 300 and body.required == 151
    np.testing.assert_array_equal(body.win_set(), rok_utility() >= reservation)
    assert 0 < body.win_set().sum() < len(SMA_VALUES)
    vote = body.votes(int(np.argmax(rok_utility())))
    assert (vote.body, vote.yes_seats, vote.passed) == ("National Assembly", 300, True)
    # the US side: one veto player (the President) judging by the US view
    us_utility = 1.0 - rok_utility()
    us = ratifier_from_spec(
        scenario.parties["us"].ratifier,
        ISSUES,
        SMA_VALUES,
        RANGES,
        party_utility=us_utility,
        party_reservation=0.3,
        path="parties.us.ratifier",
    )
    np.testing.assert_array_equal(us.win_set(), us_utility >= 0.3)
    assert us.votes(int(np.argmax(us_utility))).passed
    np.testing.assert_array_equal(two_level_win_set(us, body), body.win_set() & (us_utility >= 0.3))
    free = ratifier_from_spec(
        scenario.parties["us"].ratifier.model_copy(
            update={"kind": "none", "veto_players": [], "consent_required": False}
        ),
        ISSUES,
        SMA_VALUES,
        RANGES,
    )
    assert isinstance(free, Unconstrained) and free.win_set().all()


def test_memberless_assembly_needs_the_party_view() -> None:
    spec = load_scenario("sma-2019").parties["rok"].ratifier
    with pytest.raises(BurdenshareError) as info:
        ratifier_from_spec(spec, ISSUES, SMA_VALUES, RANGES, path="parties.rok.ratifier")
    assert info.value.problems[0].path == "parties.rok.ratifier"
    assert "without members" in str(info.value)


def members_spec(**kw: object) -> RatifierSpec:
    return RatifierSpec(
        kind="legislature",
        name="National Assembly",
        seats=300,
        threshold="two_thirds",
        members=[
            Member(
                name="DP",
                seats=129,
                ideal={"contribution": 1_115_800_000_000, "new_category": False},
                tolerance=0.05,
            ),
            Member(name="LKP", seats=108, ideal={"contribution": 1_300_000_000_000}),
            Member(name="Others", seats=50, ideal={"duration": 5}, tolerance=0.3),
        ],
        **kw,
    )


def test_members_from_the_spec() -> None:
    weights = {"contribution": 0.5, "duration": 0.15, "new_category": 0.35}
    body = ratifier_from_spec(
        members_spec(),
        ISSUES,
        SMA_VALUES,
        RANGES,
        party_utility=rok_utility(),
        party_reservation=0.35,
        party_weights=weights,
    )
    assert isinstance(body, VotingBody)
    assert body.names == ("DP", "LKP", "Others") and body.total_seats == 300
    assert body.required == 200  # 287 seats held; 13 unassigned never vote yes
    # outcome (1,174 bn, 3 years, no new category): index 2·6 + 1·2 + 0 = 14
    o = 14
    np.testing.assert_array_equal(SMA_VALUES[o], [1174 * BN, 3, 0])
    # DP weighs amount and category 0.5 : 0.35 over its two stated issues
    dp = 1 - (0.5 / 0.85) * (1174 - 1115.8) / 5100
    lkp = 1 - (1300 - 1174) / 5100  # LKP states only the amount: it carries all the weight
    others = 1 - (5 - 3) / 4
    assert body.utility[:, o] == pytest.approx([dp, lkp, others], abs=1e-12)
    # DP tolerance 0.05; LKP has none → the party's reservation 0.35; Others 0.3
    assert body.no_deal.tolist() == pytest.approx([0.95, 0.35, 0.7])
    vote = body.votes(o)
    assert [m.yes for m in vote.members] == [True, True, False]
    assert (vote.yes_seats, vote.no_seats, vote.unassigned_seats) == (237, 50, 13)
    assert vote.passed  # 237 ≥ 200
    # with a new category DP's distance grows by 0.35/0.85 > 0.05: 108 + 50·[yes] < 200
    assert not body.votes(o + 1).passed


def test_spec_errors_name_the_field() -> None:
    spec = RatifierSpec(
        kind="legislature",
        seats=300,
        members=[Member(name="X", seats=10, ideal={"nope": 1, "new_category": "maybe"})],
    )
    with pytest.raises(BurdenshareError) as info:
        ratifier_from_spec(spec, ISSUES, SMA_VALUES, RANGES, path="parties.rok.ratifier")
    paths = [p.path for p in info.value.problems]
    assert paths == [
        "parties.rok.ratifier.members[0].ideal.nope",
        "parties.rok.ratifier.members[0].ideal.new_category",
        "parties.rok.ratifier.members[0].tolerance",
    ]
    with pytest.raises(BurdenshareError, match="one column per issue"):
        ratifier_from_spec(spec, ISSUES[:2], SMA_VALUES, RANGES[:2])
    with pytest.raises(BurdenshareError, match="range is empty"):
        ratifier_from_spec(spec, ISSUES, SMA_VALUES, [(0, 1), (1, 1), (0, 1)])


def test_categorical_ideal_is_coded_by_option_index() -> None:
    values = np.array([[0.0], [1.0], [2.0]])  # options by index
    spec = RatifierSpec(
        kind="legislature",
        seats=3,
        threshold=1.0,
        members=[Member(name="X", seats=3, ideal={"escalator": "cpi"}, tolerance=0.0)],
    )
    body = ratifier_from_spec(
        spec, ["escalator"], values, [(0, 2)], categories={"escalator": ["none", "fixed", "cpi"]}
    )
    assert body.win_set().tolist() == [False, False, True]


def test_veto_players_from_the_spec() -> None:
    spec = RatifierSpec(
        kind="veto_players", name="Washington", veto_players=["President", "Senate"]
    )
    party = rok_utility()
    pres = SMA_VALUES[:, 0] / (5830.5 * BN)
    r = ratifier_from_spec(
        spec,
        ISSUES,
        SMA_VALUES,
        RANGES,
        party_utility=party,
        party_reservation=0.35,
        veto_preferences={"President": (pres, 0.25)},
    )
    np.testing.assert_array_equal(r.win_set(), (pres >= 0.25) & (party >= 0.35))
    assert r.votes(0).rows()[0]["member"] == "President" and r.kind == "veto_players"
    with pytest.raises(BurdenshareError, match="does not name"):
        ratifier_from_spec(spec, ISSUES, SMA_VALUES, RANGES, veto_preferences={"King": (pres, 0.1)})
    with pytest.raises(BurdenshareError, match="veto player 'Senate'"):
        ratifier_from_spec(
            spec, ISSUES, SMA_VALUES, RANGES, veto_preferences={"President": (pres, 0.1)}
        )


# --------------------------------------------------------------------------- docs
def test_docs_snippets_run() -> None:
    text = (ROOT / "docs" / "ratification.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 2
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "docs/ratification.md", "exec"), namespace)


@settings(max_examples=25)
@given(st.integers(2, 40))
def test_large_body_probability_matches_binomial(n_seats: int) -> None:
    # n one-seat members with the same yes-probability p: P(pass) is a binomial tail
    from math import comb

    margin = 0.1
    body = VotingBody(np.ones(n_seats, dtype=int), np.full((n_seats, 1), margin), np.zeros(n_seats))
    p = 1 / (1 + np.exp(-margin / 0.2))
    need = n_seats // 2 + 1
    tail = sum(comb(n_seats, k) * p**k * (1 - p) ** (n_seats - k) for k in range(need, n_seats + 1))
    assert body.pass_probability(0.2)[0] == pytest.approx(tail, abs=1e-12)
