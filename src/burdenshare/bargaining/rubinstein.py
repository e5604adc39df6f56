r"""Rubinstein alternating-offers bargaining: the subgame-perfect split, finite and infinite.

Two players divide a pie of size 1. In round t = 0, 1, … one proposes a split and the other
accepts (the game ends) or rejects (the other proposes in round t+1). A share x agreed in round
t is worth ``δ_p^t·x`` to player p (discount factors ``0 ≤ δ_p ≤ 1``). Player ``first`` proposes
in round 0, the players alternate.

**Infinite horizon** (Rubinstein 1982, Theorem; Osborne & Rubinstein 1990, Prop. 3.3): the
unique subgame-perfect equilibrium agrees at once, the proposer i (responder j) getting

    x_i* = (1 − δ_j) / (1 − δ_i·δ_j),    x_j* = δ_j·(1 − δ_i) / (1 − δ_i·δ_j)

(defined when ``δ_i·δ_j < 1``) — :func:`rubinstein_split`.

**Finite horizon, T rounds** (Ståhl 1972): with no agreement after round T−1 both get 0. By
backward induction, the proposer of the last round takes everything, and in each earlier round
the proposer offers the responder exactly what the responder would get by rejecting, its
discounted share as next round's proposer:

    P_i(1) = 1,    P_i(k) = 1 − δ_j·P_j(k−1)

where ``P_i(k)`` is i's share when i proposes with k rounds left — :func:`rubinstein_finite`.
``P_i(T) → x_i*`` as T → ∞, geometrically at rate ``δ_i·δ_j`` per two rounds.

**On an outcome space** (:func:`rubinstein_discrete`): the same game over enumerated outcomes
with utilities ``u[p, o]``, an admissible mask, and disagreement utility ``r_p`` if round T−1
ends without agreement. Payoffs in round-0 units: ``δ_p^t·u_p(o)`` for agreement on o in
round t, ``δ_p^T·r_p`` for none (reservation values are discounted like utilities, as in
:class:`~burdenshare.bargaining.domain.Domain`). Backward induction with continuation values
``W(T) = r`` (in round-T units) and, in round t with proposer i and responder j:

* j accepts o iff ``u_j(o) ≥ δ_j·W_j(t+1)`` (indifference → accept);
* among acceptable outcomes i picks the largest ``u_i`` (ties → largest ``u_j``, then lowest
  index); i proposes it iff ``u_i ≥ δ_i·W_i(t+1)`` (indifference → agree now), giving
  ``W(t) = u(o)``; otherwise i makes an unacceptable offer and ``W(t) = δ·W(t+1)``.

There is no opting out before the deadline. Each round is one vectorised pass over the outcomes.
On the pie discretised into N equal steps the values differ from :func:`rubinstein_finite` by
at most ``1/(N·(1 − max δ))``.

References: A. Rubinstein, "Perfect equilibrium in a bargaining model", *Econometrica* 50(1),
1982, pp. 97–109. I. Ståhl, *Bargaining Theory*, Stockholm School of Economics, 1972.
M. J. Osborne and A. Rubinstein, *Bargaining and Markets*, 1990, ch. 3.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from burdenshare.bargaining.solutions import SolutionError, check_problem

__all__ = [
    "DiscreteRubinstein",
    "rubinstein_discrete",
    "rubinstein_finite",
    "rubinstein_split",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def _deltas(delta1: ArrayLike, delta2: ArrayLike) -> tuple[FloatArray, FloatArray]:
    d1, d2 = np.broadcast_arrays(
        np.asarray(delta1, dtype=np.float64), np.asarray(delta2, dtype=np.float64)
    )
    for name, d in (("delta1", d1), ("delta2", d2)):
        if not ((d >= 0) & (d <= 1)).all():  # NaN fails too
            raise SolutionError.single(
                "a discount factor must lie in [0, 1]", path=name, found=str(np.asarray(d).tolist())
            )
    return d1, d2


def _first(first: int) -> int:
    if first not in (0, 1):
        raise SolutionError.single(
            "the first proposer is player 0 or 1", path="first", found=repr(first)
        )
    return int(first)


def _rounds(rounds: int) -> int:
    try:
        t = operator.index(rounds)
    except TypeError:
        raise SolutionError.single(
            "rounds must be an integer", path="rounds", found=repr(rounds)
        ) from None
    if t < 1:
        raise SolutionError.single(
            "at least one round", path="rounds", expected="≥ 1", found=str(t)
        )
    return t


def _shares(proposer_share: FloatArray, first: int) -> tuple[FloatArray, FloatArray]:
    """(player 0's share, player 1's share) given the first proposer's share."""
    mine = np.asarray(proposer_share)[()]  # a float64 scalar for scalar δ
    other = 1.0 - mine
    return (mine, other) if first == 0 else (other, mine)


def rubinstein_split(
    delta1: ArrayLike, delta2: ArrayLike, first: int = 0
) -> tuple[FloatArray, FloatArray]:
    """Infinite-horizon SPE shares (player 0, player 1): the first proposer i gets
    ``(1 − δ_j)/(1 − δ_i δ_j)`` (Rubinstein 1982). Broadcasts over arrays of δ; a user error
    when ``δ_0·δ_1 = 1`` (no discounting: no unique split)."""
    d1, d2 = _deltas(delta1, delta2)
    first = _first(first)
    denom = 1.0 - d1 * d2
    if (denom <= 0).any():
        raise SolutionError.single(
            "the infinite-horizon split needs some impatience",
            path="delta1, delta2",
            expected="δ_0·δ_1 < 1",
            found="δ_0 = δ_1 = 1",
        )
    d_resp = d2 if first == 0 else d1
    return _shares((1.0 - d_resp) / denom, first)


def rubinstein_finite(
    delta1: ArrayLike, delta2: ArrayLike, rounds: int, first: int = 0
) -> tuple[FloatArray, FloatArray]:
    """T-round SPE shares (player 0, player 1) by backward induction,
    ``P_i(1) = 1, P_i(k) = 1 − δ_j P_j(k−1)`` (Ståhl 1972); agreement comes in round 0.
    Broadcasts over arrays of δ; any δ in [0, 1] (δ = 1 included)."""
    d1, d2 = _deltas(delta1, delta2)
    first, t = _first(first), _rounds(rounds)
    # p0[k], p1[k]: player 0's / player 1's share when proposing with k rounds left
    p0 = np.ones_like(d1)
    p1 = np.ones_like(d2)
    for _ in range(t - 1):  # a loop over rounds, vectorised over δ pairs
        p0, p1 = 1.0 - d2 * p1, 1.0 - d1 * p0
    return _shares(p0 if first == 0 else p1, first)


@dataclass(frozen=True)
class DiscreteRubinstein:
    """The SPE of T-round alternating offers on an outcome space.

    ``outcome``/``round``: the agreement on the equilibrium path (None, None: no deal);
    ``values``: each party's payoff in round-0 units; ``offers[t]``: the outcome the proposer of
    round t offers in the subgame starting there (−1: an offer meant to be rejected);
    ``proposers[t]``: who proposes in round t.
    """

    outcome: int | None
    round: int | None
    values: FloatArray
    offers: IntArray
    proposers: IntArray


def rubinstein_discrete(
    u: ArrayLike,
    r: ArrayLike,
    delta: ArrayLike,
    rounds: int,
    first: int = 0,
    mask: ArrayLike | None = None,
) -> DiscreteRubinstein:
    """Backward induction of T-round alternating offers over ``u[2, n]`` (see module
    docstring); ``delta`` is one discount factor per round for each party, ``mask`` the
    admissible outcomes (offers outside it are not possible)."""
    u_, r_, m = check_problem(u, r, mask)
    if u_.shape[0] != 2:
        raise SolutionError.single(
            "alternating offers is a two-party game", found=f"{u_.shape[0]} parties"
        )
    d_ = np.asarray(delta, dtype=np.float64).reshape(-1)
    if d_.shape != (2,):
        raise SolutionError.single(
            "one discount factor per party", path="delta", found=str(np.shape(delta))
        )
    d = np.stack(_deltas(d_[0], d_[1]))
    first, t_max = _first(first), _rounds(rounds)
    proposers = (first + np.arange(t_max)) % 2
    offers = np.full(t_max, -1, dtype=np.int64)
    w = r_.copy()  # continuation values, in units of the round being solved
    for t in range(t_max - 1, -1, -1):
        i = int(proposers[t])
        j = 1 - i
        cont = d * w
        acceptable = m & (u_[j] >= cont[j])
        if acceptable.any():
            best = u_[i][acceptable].max()
            if best >= cont[i]:
                cand = acceptable & (u_[i] == best)
                cand &= u_[j] == u_[j][cand].max()
                o = int(np.argmax(cand))
                offers[t] = o
                w = u_[:, o].copy()
                continue
        w = cont
    made = np.flatnonzero(offers >= 0)
    if made.size:
        t0 = int(made[0])
        return DiscreteRubinstein(int(offers[t0]), t0, w, offers, proposers)
    return DiscreteRubinstein(None, None, w, offers, proposers)
