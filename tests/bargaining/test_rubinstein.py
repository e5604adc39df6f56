"""Rubinstein bargaining: closed form, finite-horizon backward induction, the discrete game.

The infinite-horizon split is pinned by exact fractions; backward induction by a hand table and
by an independent closed form of the T-round value (a geometric sequence); the limit T → ∞ by
the convergence rate; the discrete game by exact dyadic pies, the 1/(N(1 − δ)) error bound, a
hand-solved four-outcome table and a plain recursive oracle over random utility tables.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burdenshare.bargaining.rubinstein import (
    rubinstein_discrete,
    rubinstein_finite,
    rubinstein_split,
)
from burdenshare.bargaining.solutions import SolutionError
from burdenshare.errors import BurdenshareError

PAIRS = [(0.9, 0.8), (0.5, 0.5), (0.95, 0.6), (0.3, 0.99), (0.0, 0.7), (0.8, 0.0), (0.99, 0.99)]


def split_exact(d_i: Fraction, d_j: Fraction) -> Fraction:
    return (1 - d_j) / (1 - d_i * d_j)


def finite_geometric(d_i: float, d_j: float, t: int) -> float:
    """First proposer i's T-round share, solved independently of backward induction.

    Two rounds of the recursion give ``v_k − x* = δ_i δ_j (v_{k−2} − x*)``; start from the last
    round (T odd: i proposes last and gets 1) or the second-to-last (T even: i gets 1 − δ_j).
    """
    x = (1 - d_j) / (1 - d_i * d_j)
    if t % 2:
        return x + (d_i * d_j) ** ((t - 1) // 2) * (1 - x)
    return x + (d_i * d_j) ** ((t - 2) // 2) * (1 - d_j - x)


# --------------------------------------------------------------------------- infinite horizon
@pytest.mark.parametrize(("d1", "d2"), [p for p in PAIRS if p[0] * p[1] < 1])
@pytest.mark.parametrize("first", [0, 1])
def test_closed_form_matches_exact_fractions(d1: float, d2: float, first: int) -> None:
    f1, f2 = Fraction(d1), Fraction(d2)
    proposer = split_exact(f1, f2) if first == 0 else split_exact(f2, f1)
    x0, x1 = rubinstein_split(d1, d2, first)
    mine, theirs = (x0, x1) if first == 0 else (x1, x0)
    assert mine == pytest.approx(float(proposer), abs=1e-15)
    assert theirs == pytest.approx(float(1 - proposer), abs=1e-15)


def test_closed_form_hand_values() -> None:
    assert rubinstein_split(0.9, 0.8) == pytest.approx((5 / 7, 2 / 7))  # 0.2/0.28
    assert rubinstein_split(0.9, 0.8, first=1) == pytest.approx((9 / 14, 5 / 14))  # 0.1/0.28
    assert rubinstein_split(0.5, 0.5) == pytest.approx((2 / 3, 1 / 3))  # 1/(1 + δ)
    assert rubinstein_split(0.7, 0.0) == (1.0, 0.0)  # an infinitely impatient responder
    assert rubinstein_split(1.0, 0.5) == (1.0, 0.0)  # a perfectly patient proposer
    # the responder's share is δ_j times what it would get proposing next round
    _, x1 = rubinstein_split(0.9, 0.8)
    assert x1 == pytest.approx(0.8 * rubinstein_split(0.9, 0.8, first=1)[1])


def test_arrays_of_discount_factors_broadcast() -> None:
    d1 = np.array([0.9, 0.5, 0.3])
    d2 = np.array([[0.8], [0.6]])
    x0, x1 = rubinstein_split(d1, d2)
    assert x0.shape == (2, 3)
    for i in range(2):
        for j in range(3):
            assert x0[i, j] == rubinstein_split(d1[j], d2[i, 0])[0]
            assert x1[i, j] == rubinstein_split(d1[j], d2[i, 0])[1]
    f0, _ = rubinstein_finite(d1, d2, 7, first=1)
    assert f0[1, 2] == rubinstein_finite(0.3, 0.6, 7, first=1)[0]


# --------------------------------------------------------------------------- finite horizon
def test_backward_induction_hand_table() -> None:
    # δ = (0.9, 0.8), player 0 first. P0(1) = 1, P1(1) = 1; P0(2) = 1 − .8 = .2,
    # P1(2) = 1 − .9 = .1; P0(3) = 1 − .8·.1 = .92, P1(3) = 1 − .9·.2 = .82;
    # P0(4) = 1 − .8·.82 = .344
    for t, share in [(1, 1.0), (2, 0.2), (3, 0.92), (4, 0.344)]:
        x0, x1 = rubinstein_finite(0.9, 0.8, t)
        assert x0 == pytest.approx(share, abs=1e-15) and x0 + x1 == pytest.approx(1.0)
    assert rubinstein_finite(0.9, 0.8, 2, first=1) == pytest.approx((0.9, 0.1))
    assert rubinstein_finite(0.9, 0.8, 3, first=1)[1] == pytest.approx(0.82)


@pytest.mark.parametrize(("d1", "d2"), PAIRS)
@pytest.mark.parametrize("first", [0, 1])
def test_backward_induction_matches_the_geometric_closed_form(
    d1: float, d2: float, first: int
) -> None:
    d_i, d_j = (d1, d2) if first == 0 else (d2, d1)
    for t in [1, 2, 3, 4, 5, 10, 11, 50, 51, 200]:
        shares = rubinstein_finite(d1, d2, t, first)
        assert shares[first] == pytest.approx(finite_geometric(d_i, d_j, t), abs=1e-12), t


@pytest.mark.parametrize(("d1", "d2"), [p for p in PAIRS if p[0] * p[1] < 1])
def test_finite_value_converges_to_the_closed_form(d1: float, d2: float) -> None:
    x = rubinstein_split(d1, d2)[0]
    gaps = {t: abs(rubinstein_finite(d1, d2, t)[0] - x) for t in range(1, 42)}
    rate = d1 * d2
    # the gap shrinks by exactly δ₀δ₁ every two rounds (or is 0 from the start)
    for t in range(1, 40):
        assert gaps[t + 2] == pytest.approx(rate * gaps[t], abs=1e-14)
    big = int(np.ceil(2 * np.log(1e-13) / np.log(rate))) + 2 if rate > 0 else 3
    assert abs(rubinstein_finite(d1, d2, big)[0] - x) < 1e-12
    assert abs(rubinstein_finite(d1, d2, big + 1)[0] - x) < 1e-12


def test_without_discounting_the_last_proposer_takes_all() -> None:
    for t in range(1, 9):
        x0, x1 = rubinstein_finite(1.0, 1.0, t)
        assert (x0, x1) == ((1.0, 0.0) if t % 2 else (0.0, 1.0))


# --------------------------------------------------------------------------- discrete game
def pie(n: int) -> np.ndarray:
    grid = np.arange(n + 1) / n
    return np.stack([grid, 1 - grid])


@pytest.mark.parametrize("first", [0, 1])
def test_discrete_pie_on_a_dyadic_grid_equals_the_continuous_game(first: int) -> None:
    # δ = ½ and N = 1024: every share up to 10 rounds is a multiple of 1/1024, so exact
    for t in range(1, 11):
        game = rubinstein_discrete(pie(1024), [0, 0], [0.5, 0.5], t, first)
        expected = rubinstein_finite(0.5, 0.5, t, first)
        assert game.round == 0
        assert tuple(game.values) == expected
        np.testing.assert_array_equal(pie(1024)[:, game.outcome], expected)


@pytest.mark.parametrize(("d1", "d2"), [(0.9, 0.8), (0.95, 0.6), (0.3, 0.9), (0.7, 0.7)])
@pytest.mark.parametrize("n", [10, 97, 1000])
def test_discrete_pie_is_within_the_grid_bound(d1: float, d2: float, n: int) -> None:
    # each round's rounding up to the grid costs at most 1/N, discounted thereafter
    bound = 1 / (n * (1 - max(d1, d2))) + 1e-9
    for t in [1, 2, 3, 8, 25, 60]:
        for first in (0, 1):
            game = rubinstein_discrete(pie(n), [0, 0], [d1, d2], t, first)
            exact = rubinstein_finite(d1, d2, t, first)
            assert game.round == 0
            assert abs(game.values[first] - exact[first]) <= bound
            assert game.values.sum() == pytest.approx(1.0)


def test_discrete_hand_example_with_outside_options_and_delay() -> None:
    # outcomes: A (0.9, 0.2), B (0.6, 0.6), C (0.3, 0.9), D (0.95, 0.05); r = (0.4, 0.3)
    u = np.array([[0.9, 0.6, 0.3, 0.95], [0.2, 0.6, 0.9, 0.05]])
    r = [0.4, 0.3]
    # one round, player 0 proposes: player 1 accepts u₁ ≥ 0.5·0.3 = 0.15 → A, B, C; 0 takes A
    one = rubinstein_discrete(u, r, [0.5, 0.5], 1)
    assert (one.outcome, one.round) == (0, 0)
    np.testing.assert_array_equal(one.values, [0.9, 0.2])
    # two rounds: in round 1 player 1 offers C (0.3 ≥ 0.5·0.4 = 0.2 for player 0), W(1) = C;
    # in round 0 player 1 needs u₁ ≥ 0.5·0.9 = 0.45 → B or C; player 0 offers B
    two = rubinstein_discrete(u, r, [0.5, 0.5], 2)
    assert (two.outcome, two.round) == (1, 0)
    assert two.offers.tolist() == [1, 2] and two.proposers.tolist() == [0, 1]
    # delay on the path needs a utility below zero (else the proposer could offer now what it
    # would get next round): A = (1, −0.5), r = (0, −1), δ = ½, player 1 first, two rounds.
    # Round 1 (player 0): player 1 accepts −0.5 ≥ ½·(−1) (a tie accepts) → W(1) = A.
    # Round 0 (player 1): A now is −0.5 < ½·(−0.5) = −0.25 by waiting → an offer to be rejected
    neg = rubinstein_discrete([[1.0], [-0.5]], [0.0, -1.0], [0.5, 0.5], 2, first=1)
    assert (neg.outcome, neg.round) == (0, 1) and neg.offers.tolist() == [-1, 0]
    np.testing.assert_allclose(neg.values, [0.5, -0.25])
    # outside the mask nothing can be offered: with only D admissible player 1 (who needs
    # u₁ ≥ 0.15) accepts nothing in the last round and no deal is reached
    only_d = np.array([False, False, False, True])
    none = rubinstein_discrete(u, r, [0.5, 0.5], 1, mask=only_d)
    assert none.outcome is None
    np.testing.assert_allclose(none.values, [0.2, 0.15])
    # if player 1's only admissible outcome is worse than waiting for no deal, it delays
    lone = np.array([[0.9], [0.1]])
    wait = rubinstein_discrete(lone, [0.0, 0.5], [0.9, 0.9], 3, first=1)
    # round 2 (player 1 proposes): 0.1 < 0.9·0.5 → no offer; round 1 (player 0): player 1
    # wants ≥ 0.9·0.45 = 0.405 → nothing; round 0 likewise: no deal, values δ³·r
    assert wait.outcome is None and wait.round is None and wait.offers.tolist() == [-1, -1, -1]
    np.testing.assert_allclose(wait.values, [0.0, 0.9**3 * 0.5])


def oracle(
    u: list[list[float]], r: list[float], d: list[float], t_max: int, first: int, mask: list[bool]
) -> tuple[int | None, int | None, list[float]]:
    """Plain backward induction: per round, per outcome, with the documented tie rules."""
    w = list(r)
    offers: list[int] = [-1] * t_max
    for t in reversed(range(t_max)):
        i = (first + t) % 2
        j = 1 - i
        cont = [d[0] * w[0], d[1] * w[1]]
        best = None
        for o in range(len(mask)):
            if not mask[o] or u[j][o] < cont[j]:
                continue
            key = (u[i][o], u[j][o])
            if best is None or key > best[0]:
                best = (key, o)
        if best is not None and best[0][0] >= cont[i]:
            o = best[1]
            offers[t] = o
            w = [u[0][o], u[1][o]]
        else:
            w = cont
    for t, o in enumerate(offers):
        if o >= 0:
            return o, t, w
    return None, None, w


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 12).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(0, 6), min_size=2 * n, max_size=2 * n),
            st.lists(st.booleans(), min_size=n, max_size=n),
        )
    ),
    st.tuples(st.integers(0, 6), st.integers(0, 6)),
    st.tuples(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]), st.sampled_from([0.0, 0.5, 1.0])),
    st.integers(1, 6),
    st.integers(0, 1),
)
def test_discrete_game_matches_a_plain_oracle(table, rs, ds, t_max, first) -> None:
    values, mask = table
    n = len(mask)
    u = np.array(values, dtype=float).reshape(2, n) / 4
    r = [rs[0] / 4, rs[1] / 4]
    game = rubinstein_discrete(u, r, list(ds), t_max, first, np.array(mask))
    outcome, rnd, w = oracle(u.tolist(), r, list(ds), t_max, first, mask)
    assert (game.outcome, game.round) == (outcome, rnd)
    assert game.values.tolist() == w
    # equilibrium payoffs never fall below what refusing everything guarantees
    assert (game.values >= np.array(ds) ** t_max * np.array(r) - 1e-15).all()


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: rubinstein_split(1.0, 1.0), "impatience"),
        (lambda: rubinstein_split(1.2, 0.5), r"\[0, 1\]"),
        (lambda: rubinstein_split(0.5, float("nan")), r"\[0, 1\]"),
        (lambda: rubinstein_split(0.5, 0.5, first=2), "player 0 or 1"),
        (lambda: rubinstein_finite(0.5, 0.5, 0), "at least one round"),
        (lambda: rubinstein_finite(0.5, 0.5, 2.5), "integer"),  # type: ignore[arg-type]
        (lambda: rubinstein_discrete(pie(4), [0, 0], [0.9], 3), "one discount factor per party"),
        (lambda: rubinstein_discrete(np.ones((3, 4)), [0, 0, 0], [0.9, 0.9], 3), "two-party"),
        (lambda: rubinstein_discrete(pie(4), [0, 0], [0.9, -0.1], 3), r"\[0, 1\]"),
    ],
)
def test_bad_input_is_a_user_error(call, match: str) -> None:
    with pytest.raises(SolutionError, match=match) as info:
        call()
    assert isinstance(info.value, BurdenshareError)
