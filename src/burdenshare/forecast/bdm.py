r"""Bueno de Mesquita's expected utility model, as unravelled by Scholz, Calbert & Smith (2011).

References: J. B. Scholz, G. J. Calbert, G. A. Smith, "Unravelling Bueno De Mesquita's group
decision model", ICAART 2011 (and J. Theoretical Politics 23(4), 2011); B. Bueno de Mesquita,
"Political forecasting: an expected utility method", in *European Community Decision Making*
(Yale, 1994), pp. 71–104. The public replication of Scholz et al.'s table
(jmckib/bdm-scholz-expected-utility-model) differs from the paper's equations in the ways listed
under *Switches*; preset ``scholz-code`` reproduces it, preset ``scholz-paper`` follows the paper.

One dimension at a time (a table with several dimensions runs each on its own, in lock step).
Actors i = 1…N have capability c_i, salience s_i ∈ [0, 1], position x_i; w_i = c_i s_i; R is the
position range (max − min). One round, from positions x:

1. **Votes and probability of success.** Voter k's utility for position y is
   ``−(|x_k − y| / R)^{ρ_k}``; k's vote for a against b is
   ``v_k(a, b) = w_k ((|x_k − x_b|/R)^{ρ_k} − (|x_k − x_a|/R)^{ρ_k})``, and
   ``P(a, b) = Σ_k max(0, v_k(a, b)) / Den`` (0 when x_a = x_b), with ρ_k = r_k the voter's own
   risk exponent.
2. **Expected utility of a challenge** a → b, from a perspective with exponent ρ:

   ``U_s = 2 − 4(0.5 − 0.5 |x_a − x_b|/R)^ρ``,  ``U_f = 2 − 4(0.5 + 0.5 |x_a − x_b|/R)^ρ``,
   ``U_sq = 2 − 4 · 0.5^ρ``,

   ``EU(a→b) = s_b (P(a,b) U_s + (1 − P(a,b)) U_f) + (1 − s_b) U_s − Q U_sq
   − (1 − Q)(T U_b + (1 − T) U_w)``

   with ``U_b, U_w = 2 − 4(0.5 ∓ 0.25(|x_a − μ| + |x_a − x_b|)/R)^ρ`` and μ the weighted median
   (Scholz et al. §2; the bracket is the *T term*).
3. **Risk exponents.** A first pass with every r = 1 gives each actor's exposure
   ``danger_i = Σ_{j≠i} EU(j→i)``; ``R_i = (2 danger_i − max − min)/(max − min)`` and
   ``r_i = (1 − R_i/3)/(1 + R_i/3)`` ∈ [0.5, 2] (all 1 when every danger is equal).
4. **Offers.** Receiver i, for every proposer j with x_j ≠ x_i, compares ``e_ij = EU(i→j)`` (with
   r_i) and ``e_ji = EU(j→i)`` (with r_i or r_j, see *Switches*):

   - confrontation, i loses: ``e_ji > e_ij > 0`` → i moves to x_j;
   - compromise: ``e_ji > 0 > e_ij`` and ``e_ji > |e_ij|`` → i moves to
     ``x_i + (x_j − x_i)|e_ij / e_ji|``;
   - capitulation: ``e_ji > 0 > e_ij`` and ``e_ji < |e_ij|`` → i moves to x_j.

   Each actor takes one offer (see *Switches*) and all move at once.
5. The median and the mean ``Σ w x / Σ w`` are reported per round (see :mod:`.baselines`).

*Switches* (field: ``scholz-code`` / ``scholz-paper``):

- ``probability``: ``"all-pairs"`` — ``Den = Σ_k Σ_a Σ_b |v_k(a, b)|`` over all ordered pairs
  of actors, one constant per round (the replication) / ``"pairwise"`` — ``Den = Σ_k |v_k(a,
  b)|`` so that P(a,b) + P(b,a) = 1 (BDM 1994, Scholz eq. for P);
- ``opponent_risk``: ``"receiver"`` — e_ji uses the receiver's r_i (the replication computes
  everything from the receiver's perspective) / ``"own"`` — e_ji uses j's own r_j;
- ``offer_rule``: ``"code"`` — a confrontation if any (the nearest x_j), else the compromise
  with the smallest weighted-average coordinate ``(|e_ij| x_i + |e_ji| x_j)/(|e_ij| + |e_ji|)``,
  else a capitulation (nearest) / ``"least-move"`` — the offer that moves i least, whatever its
  kind (ties: confrontation, compromise, capitulation, then actor order);
- ``capitulation``: False — never (the replication's test can never hold) / True;
- ``q``: 1 / 1 (Scholz et al.'s Table 2 uses Q = 1, where the T term vanishes);
- ``t_term``: ``"omit"`` — no (1 − Q) bracket / ``"indicator"`` — T = 1 when
  ``|x_a − μ| ≥ |x_a − x_b|`` else 0 (our reading of Scholz §2); ``"fixed"`` uses T = ``t``;
- ``position_range``: ``"fixed"`` — R = the input's max − min throughout / ``"current"`` — R
  recomputed from the positions at the start of each round.

Ties between offers go to the proposer listed first, as in the replication; that is the only
place where actor order matters. Degenerate rounds (R = 0, e.g. unanimity) move no one.

Cost: O(N² log N) per round. Each voter's preference between a and b only depends on which side
of the midpoint (x_a + x_b)/2 it stands, so vote sums over the voters on one side come from
prefix sums over voters sorted by position; the all-pairs denominator is a sum of absolute
pairwise differences per voter, ``2 Σ_i (2i − N + 1) v_(i)`` over the sorted values. (The
replication's loops are O(N⁶) per round.)
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from burdenshare.errors import BurdenshareError, Problem
from burdenshare.forecast.actors import ActorTable
from burdenshare.forecast.baselines import medians_and_means, weighted_median
from burdenshare.forecast.registry import MODELS
from burdenshare.forecast.result import ForecastResult, Move, Stop
from burdenshare.registry import Registry

__all__ = [
    "BDM_PRESETS",
    "ExpectedUtilityModel",
    "OfferRule",
    "OpponentRisk",
    "PositionRange",
    "Probability",
    "RoundView",
    "TTerm",
    "challenge_eu",
    "risk_exponents",
    "vote_sums",
    "win_probability",
]


class Probability(StrEnum):
    ALL_PAIRS = "all-pairs"
    PAIRWISE = "pairwise"


class OpponentRisk(StrEnum):
    RECEIVER = "receiver"
    OWN = "own"


class OfferRule(StrEnum):
    CODE = "code"
    LEAST_MOVE = "least-move"


class TTerm(StrEnum):
    OMIT = "omit"
    INDICATOR = "indicator"
    FIXED = "fixed"


class PositionRange(StrEnum):
    FIXED = "fixed"
    CURRENT = "current"


KINDS = ("confrontation", "compromise", "capitulation")
NONE, CONFRONTATION, COMPROMISE, CAPITULATION = 0, 1, 2, 3


# ---------------------------------------------------------------------------------------------
# kernels: pure functions on arrays for one dimension


def vote_sums(x: np.ndarray, w: np.ndarray, rho: np.ndarray, span: float) -> np.ndarray:
    """``V[a, b] = Σ_k max(0, w_k ((|x_k − x_b|/R)^{ρ_k} − (|x_k − x_a|/R)^{ρ_k}))``.

    Voter k's term is positive exactly when k is strictly nearer x_a than x_b, i.e. on a's side
    of the midpoint, so V[a, b] is a difference of prefix sums over voters sorted by position:
    O(N² log N) instead of O(N³).
    """
    n = x.size
    order = np.argsort(x, kind="stable")
    xs = x[order]
    weighted = (w[:, None] * (np.abs(x[:, None] - x[None, :]) / span) ** rho[:, None])[order]
    below = np.zeros((n + 1, n))  # below[t, a]: the t leftmost voters
    np.cumsum(weighted, axis=0, out=below[1:])
    above = np.zeros((n + 1, n))  # above[t, a]: the voters from sorted index t on
    above[:n] = np.cumsum(weighted[::-1], axis=0)[::-1]
    mid = (x[:, None] + x[None, :]) / 2.0
    cols_a = np.arange(n)[:, None]
    cols_b = np.arange(n)[None, :]
    left = np.searchsorted(xs, mid, side="left")  # voters with x_k < mid
    right = np.searchsorted(xs, mid, side="right")  # voters with x_k <= mid
    lo = below[left, cols_b] - below[left, cols_a]  # a < b: the voters left of mid prefer a
    hi = above[right, cols_b] - above[right, cols_a]  # a > b: the voters right of mid
    out = np.where(x[:, None] < x[None, :], lo, np.where(x[:, None] > x[None, :], hi, 0.0))
    return np.maximum(out, 0.0)  # clip the rounding of a difference of sums


def all_pairs_total(x: np.ndarray, w: np.ndarray, rho: np.ndarray, span: float) -> float:
    """``Σ_k Σ_a Σ_b |v_k(a, b)|`` over ordered pairs of actors (the replication's denominator),
    as ``Σ_k 2 Σ_i (2i − N + 1) u_k(i)`` with ``u_k`` = k's weighted distances sorted."""
    n = x.size
    u = np.sort(w[:, None] * (np.abs(x[:, None] - x[None, :]) / span) ** rho[:, None], axis=1)
    coef = 2.0 * np.arange(n) - n + 1.0
    return float(2.0 * (u @ coef).sum())


def win_probability(
    x: np.ndarray, w: np.ndarray, rho: np.ndarray, span: float, rule: Probability
) -> np.ndarray:
    """``P[a, b]``: probability that a challenge by a against b succeeds (0 when x_a = x_b)."""
    v = vote_sums(x, w, rho, span)
    same = x[:, None] == x[None, :]
    if rule is Probability.ALL_PAIRS:
        total = all_pairs_total(x, w, rho, span)
        p = v / total if total > 0 else np.zeros_like(v)
    else:
        den = v + v.T
        # nobody prefers either position: an even chance
        p = np.divide(v, den, out=np.full_like(v, 0.5), where=den > 0)
    p[same] = 0.0
    return p


def challenge_eu(
    x: np.ndarray,
    s: np.ndarray,
    p: np.ndarray,
    rho: np.ndarray,
    span: float,
    *,
    q: float = 1.0,
    t_term: TTerm = TTerm.OMIT,
    t: float = 1.0,
    median: float = 0.0,
) -> np.ndarray:
    """``E[a, b] = EU(a→b)`` (module docstring, step 2) with exponent ``rho[a, b]``
    (broadcastable to N×N) and target salience ``s_b``."""
    adx = np.abs(x[:, None] - x[None, :])
    # the clip only matters for positions outside the range (a view of arbitrary positions)
    us = 2.0 - 4.0 * np.maximum(0.5 - 0.5 * adx / span, 0.0) ** rho
    uf = 2.0 - 4.0 * (0.5 + 0.5 * adx / span) ** rho
    usq = 2.0 - 4.0 * 0.5**rho
    sb = s[None, :]
    # same order of operations as the replication, to keep its last bits
    eu = sb * (p * us + (1.0 - p) * uf) + (1.0 - sb) * us - q * usq
    if t_term is not TTerm.OMIT:
        dm = np.abs(x - median)[:, None]
        gap = 0.25 * (dm + adx) / span
        ub = 2.0 - 4.0 * np.maximum(0.5 - gap, 0.0) ** rho
        uw = 2.0 - 4.0 * (0.5 + gap) ** rho
        tt = (dm >= adx).astype(np.float64) if t_term is TTerm.INDICATOR else t
        eu = eu - (1.0 - q) * (tt * ub + (1.0 - tt) * uw)
    return eu


def risk_exponents(eu_first: np.ndarray) -> np.ndarray:
    """``r_i = (1 − R_i/3)/(1 + R_i/3)``, ``R_i = (2 d_i − max d − min d)/(max d − min d)``,
    ``d_i = Σ_{j≠i} EU(j→i)`` from a first pass with r = 1 (Scholz et al. §2.3)."""
    e = eu_first.copy()
    np.fill_diagonal(e, 0.0)
    danger = e.sum(axis=0)
    hi, lo = danger.max(), danger.min()
    if not hi > lo:
        return np.ones_like(danger)
    big_r = (2.0 * danger - hi - lo) / (hi - lo)
    return (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)


# ---------------------------------------------------------------------------------------------
# one round


@dataclass(frozen=True, eq=False)
class RoundView:
    """Everything one round computes on one dimension, from every receiver's point of view.

    ``eu_ij[i, j]`` is i's expected utility of challenging j and ``eu_ji[i, j]`` j's expected
    utility of challenging i as the model has i estimate it; ``kind[i, j]`` the offer j makes i
    (0 none, 1 confrontation, 2 compromise, 3 capitulation) and ``target[i, j]`` where it would
    take i; ``choice[i]`` the proposer whose offer i takes (−1: none) and ``new`` the positions.
    """

    x: np.ndarray
    span: float
    median: float
    r: np.ndarray
    p: np.ndarray
    eu_ij: np.ndarray
    eu_ji: np.ndarray
    kind: np.ndarray
    target: np.ndarray
    choice: np.ndarray
    new: np.ndarray


# ---------------------------------------------------------------------------------------------
# the model


@dataclass(frozen=True)
class ExpectedUtilityModel:
    """Bueno de Mesquita's expected utility model with Scholz et al.'s switches (module doc).

    Stopping: after ``max_rounds``, or earlier, when ``median_tol`` is set, once every
    dimension's median stayed within ``median_tol × R`` over the last ``window`` rounds. With
    ``detect_cycles``, a round that repeats an earlier one exactly is reported as a fixed point
    (period 1) or a cycle (start, period); the dynamics being deterministic, the remaining rounds
    up to ``max_rounds`` are then filled by repeating it rather than recomputed.
    """

    probability: Probability = Probability.ALL_PAIRS
    opponent_risk: OpponentRisk = OpponentRisk.RECEIVER
    offer_rule: OfferRule = OfferRule.CODE
    capitulation: bool = False
    q: float = 1.0
    t_term: TTerm = TTerm.OMIT
    t: float = 1.0
    position_range: PositionRange = PositionRange.FIXED
    max_rounds: int = 10
    median_tol: float | None = None
    window: int = 3
    detect_cycles: bool = True
    preset_name: str | None = None

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        for name, enum in (
            ("probability", Probability),
            ("opponent_risk", OpponentRisk),
            ("offer_rule", OfferRule),
            ("t_term", TTerm),
            ("position_range", PositionRange),
        ):
            value = getattr(self, name)
            try:
                object.__setattr__(self, name, enum(value))
            except ValueError:
                problems.append(
                    Problem(
                        f"unknown {name.replace('_', ' ')}",
                        path=name,
                        expected="one of " + ", ".join(m.value for m in enum),
                        found=str(value),
                    )
                )
        if not 0.0 <= self.q <= 1.0:
            problems.append(
                Problem("Q is a probability", path="q", expected="0 to 1", found=str(self.q))
            )
        if not 0.0 <= self.t <= 1.0:
            problems.append(
                Problem("T is a probability", path="t", expected="0 to 1", found=str(self.t))
            )
        if not (isinstance(self.max_rounds, int) and self.max_rounds >= 0):
            problems.append(
                Problem(
                    "max_rounds must be a whole number ≥ 0",
                    path="max_rounds",
                    expected=">= 0",
                    found=str(self.max_rounds),
                )
            )
        if not (isinstance(self.window, int) and self.window >= 1):
            problems.append(
                Problem(
                    "window must be a whole number ≥ 1",
                    path="window",
                    expected=">= 1",
                    found=str(self.window),
                )
            )
        if self.median_tol is not None and not self.median_tol >= 0:
            problems.append(
                Problem(
                    "median_tol must be ≥ 0",
                    path="median_tol",
                    expected=">= 0",
                    found=str(self.median_tol),
                )
            )
        if problems:
            raise BurdenshareError(problems)

    # -- presets --------------------------------------------------------------------------

    @classmethod
    def preset(cls, name: str, **overrides: Any) -> ExpectedUtilityModel:
        """A named preset from :data:`BDM_PRESETS` with some fields overridden."""
        options = dict(BDM_PRESETS.get(name))
        options.update(overrides)
        return cls(preset_name=name, **options)

    def options(self) -> dict[str, Any]:
        """The switches as plain values (enums as strings)."""
        return {k: (str(v) if isinstance(v, StrEnum) else v) for k, v in asdict(self).items()}

    # -- one round on one dimension -------------------------------------------------------

    def round_view(
        self,
        x: np.ndarray,
        c: np.ndarray,
        s: np.ndarray,
        span: float,
    ) -> RoundView:
        """One round on one dimension from positions ``x`` with range ``span`` (not moving
        anyone when ``span`` is 0)."""
        x = np.asarray(x, dtype=np.float64)
        n = x.size
        w = c * s
        median = weighted_median(x, w)
        if not span > 0:
            zeros = np.zeros((n, n))
            return RoundView(
                x,
                span,
                median,
                np.ones(n),
                zeros,
                zeros,
                zeros,
                np.zeros((n, n), dtype=np.int8),
                zeros,
                np.full(n, -1),
                x.copy(),
            )
        eu_kw = {"q": self.q, "t_term": self.t_term, "t": self.t, "median": median}
        ones = np.ones(n)
        p1 = win_probability(x, w, ones, span, self.probability)
        r = risk_exponents(challenge_eu(x, s, p1, ones[:, None], span, **eu_kw))
        p = win_probability(x, w, r, span, self.probability)
        eu_ij = challenge_eu(x, s, p, r[:, None], span, **eu_kw)  # EU(i→j) with r_i
        if self.opponent_risk is OpponentRisk.OWN:
            eu_ji = eu_ij.T  # EU(j→i) with r_j
        else:  # EU(j→i) with the receiver's r_i
            eu_ji = challenge_eu(x, s, p, r[None, :], span, **eu_kw).T
        kind, target = _offers(x, eu_ij, eu_ji, self.capitulation)
        choice = _choose(x, eu_ij, eu_ji, kind, target, self.offer_rule)
        new = x.copy()
        moved = choice >= 0
        new[moved] = target[np.flatnonzero(moved), choice[moved]]
        return RoundView(x, span, median, r, p, eu_ij, eu_ji, kind, target, choice, new)

    def view(
        self,
        table: ActorTable,
        actor: int | str,
        *,
        dimension: int | str = 0,
        positions: np.ndarray | None = None,
    ) -> pd.DataFrame:
        """The round seen from ``actor`` i (Scholz et al.'s "view from Belgium"): one row per
        other actor j with ``eu_ij`` (i's expected utility of challenging j, the x axis),
        ``eu_ji`` (j's of challenging i as i estimates it, the y axis), the offer j makes i and
        where it would take i. ``positions`` (N,) default to the table's (round 1's view)."""
        i = table.actor_index(actor)
        k = table.dimension_index(dimension)
        x = table.position[:, k] if positions is None else np.asarray(positions, dtype=float)
        span = self._span(table.position[:, k], x)
        rv = self.round_view(x, table.capability, table.salience[:, k], span)
        others = [j for j in range(table.n_actors) if j != i]
        return pd.DataFrame(
            {
                "actor": [table.names[j] for j in others],
                "position": x[others],
                "eu_ij": rv.eu_ij[i, others],
                "eu_ji": rv.eu_ji[i, others],
                "offer": [("", *KINDS)[rv.kind[i, j]] for j in others],
                "target": np.where(rv.kind[i, others] > 0, rv.target[i, others], np.nan),
                "chosen": [rv.choice[i] == j for j in others],
            }
        )

    def _span(self, x0: np.ndarray, x: np.ndarray) -> float:
        base = x0 if self.position_range is PositionRange.FIXED else x
        return float(base.max() - base.min())

    # -- a run ----------------------------------------------------------------------------

    def run(
        self, table: ActorTable, *, max_rounds: int | None = None, seed: object = None
    ) -> ForecastResult:
        """Run up to ``max_rounds`` (default: the model's) on every dimension of ``table``.

        Deterministic: ``seed`` is accepted for the common model interface and unused.
        """
        limit = self.max_rounds if max_rounds is None else int(max_rounds)
        if limit < 0:
            raise BurdenshareError.single(
                "max_rounds must be ≥ 0", path="max_rounds", found=str(limit)
            )
        n, d = table.n_actors, table.n_dims
        x0 = table.position.astype(np.float64, copy=True)
        states = [x0]
        risks = [np.full((n, d), np.nan)]
        moves: list[Move] = []
        seen = {x0.tobytes(): 0}
        weights = table.weights()
        stop = Stop("max_rounds", limit)
        med_hist = [np.array([weighted_median(x0[:, k], weights[:, k]) for k in range(d)])]
        spans0 = x0.max(axis=0) - x0.min(axis=0)
        seconds = []
        for rnd in range(1, limit + 1):
            start = time.perf_counter()
            x = states[-1]
            new = np.empty_like(x)
            r = np.empty((n, d))
            for k in range(d):
                rv = self.round_view(
                    x[:, k], table.capability, table.salience[:, k], self._span(x0[:, k], x[:, k])
                )
                new[:, k] = rv.new
                r[:, k] = rv.r
                for i in np.flatnonzero(rv.choice >= 0):
                    j = int(rv.choice[i])
                    moves.append(
                        Move(
                            rnd,
                            table.dimensions[k],
                            table.names[i],
                            KINDS[rv.kind[i, j] - 1],
                            table.names[j],
                            float(x[i, k]),
                            float(rv.new[i]),
                        )
                    )
            seconds.append(time.perf_counter() - start)
            states.append(new)
            risks.append(r)
            med_hist.append(np.array([weighted_median(new[:, k], weights[:, k]) for k in range(d)]))
            key = new.tobytes()
            if self.detect_cycles and key in seen:
                first = seen[key]
                period = rnd - first
                stop = (
                    Stop("fixed_point", rnd, cycle_start=first, period=1)
                    if period == 1
                    else Stop("cycle", rnd, cycle_start=first, period=period)
                )
                # deterministic dynamics: the remaining rounds repeat the cycle exactly
                by_round: dict[int, list[Move]] = {}
                for m in moves:
                    by_round.setdefault(m.round, []).append(m)
                for later in range(rnd + 1, limit + 1):
                    states.append(states[later - period])
                    risks.append(risks[later - period])
                    moves.extend(replace(m, round=later) for m in by_round.get(later - period, []))
                    by_round[later] = by_round.get(later - period, [])
                break
            seen[key] = rnd
            if self.median_tol is not None and rnd >= self.window:
                recent = np.array(med_hist[-self.window - 1 :])
                spread = recent.max(axis=0) - recent.min(axis=0)
                if np.all(spread <= self.median_tol * spans0):
                    stop = Stop("median_stable", rnd)
                    break
        positions = np.array(states)
        med, mean = medians_and_means(positions, weights)
        notes = list(table.notes)
        if stop.reason == "cycle":
            notes.append(
                f"no convergence: from round {stop.cycle_start} the positions repeat every "
                f"{stop.period} rounds (round {stop.round} = round {stop.cycle_start})"
            )
        if stop.reason in ("cycle", "fixed_point") and limit > stop.round:
            notes.append(
                f"rounds {stop.round + 1}–{limit} repeat the "
                + ("fixed point" if stop.reason == "fixed_point" else "cycle")
                + " (not recomputed)"
            )
        name = "bdm" + (f":{self.preset_name}" if self.preset_name else "")
        return ForecastResult(
            model=name,
            table=table,
            positions=positions,
            median=med,
            mean=mean,
            forecast=med[-1].copy(),
            stop=stop,
            risk=np.array(risks),
            moves=tuple(moves),
            notes=tuple(notes),
            options={**self.options(), "seconds_per_round": seconds},
        )

    def with_options(self, **changes: Any) -> ExpectedUtilityModel:
        """A copy with some fields changed."""
        return replace(self, **changes)


def _offers(
    x: np.ndarray, eu_ij: np.ndarray, eu_ji: np.ndarray, capitulation: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(kind, target) N×N: the offer proposer j makes receiver i and where it takes i."""
    differ = x[:, None] != x[None, :]
    xi = x[:, None]
    xj = np.broadcast_to(x[None, :], eu_ij.shape)
    conf = differ & (eu_ji > eu_ij) & (eu_ij > 0)
    loses = differ & (eu_ji > 0) & (eu_ij < 0)
    comp = loses & (eu_ji > np.abs(eu_ij))
    cap = loses & (eu_ji < np.abs(eu_ij)) if capitulation else np.zeros_like(conf)
    kind = np.zeros(eu_ij.shape, dtype=np.int8)
    kind[conf] = CONFRONTATION
    kind[comp] = COMPROMISE
    kind[cap] = CAPITULATION
    with np.errstate(divide="ignore", invalid="ignore"):
        concede = xi + (xj - xi) * np.abs(eu_ij / eu_ji)
    target = np.where(comp, concede, xj)
    return kind, target


def _choose(
    x: np.ndarray,
    eu_ij: np.ndarray,
    eu_ji: np.ndarray,
    kind: np.ndarray,
    target: np.ndarray,
    rule: OfferRule,
) -> np.ndarray:
    """Index of the proposer whose offer each receiver takes (−1: none); ties → lowest index."""
    n = x.size
    choice = np.full(n, -1)
    if rule is OfferRule.CODE:
        dist = np.abs(x[:, None] - target)
        with np.errstate(divide="ignore", invalid="ignore"):
            a, b = np.abs(eu_ij), np.abs(eu_ji)
            avg = (a * x[:, None] + b * x[None, :]) / (a + b)
        for code, key in ((CAPITULATION, dist), (COMPROMISE, avg), (CONFRONTATION, dist)):
            # later kinds overwrite earlier ones: confrontation first, then compromise
            mask = kind == code
            has = mask.any(axis=1)
            pick = np.argmin(np.where(mask, key, np.inf), axis=1)
            choice = np.where(has, pick, choice)
        return choice
    move = np.where(kind > 0, np.abs(target - x[:, None]), np.inf)
    best = move.min(axis=1)
    tied = (move == best[:, None]) & (kind > 0)
    rank = np.where(tied, kind.astype(np.int64) * n + np.arange(n)[None, :], np.iinfo(np.int64).max)
    pick = np.argmin(rank, axis=1)
    return np.where(np.isfinite(best), pick, -1)


BDM_PRESETS: Registry[dict[str, Any]] = Registry("BDM preset")
BDM_PRESETS.add(
    "scholz-code",
    {
        "probability": Probability.ALL_PAIRS,
        "opponent_risk": OpponentRisk.RECEIVER,
        "offer_rule": OfferRule.CODE,
        "capitulation": False,
        "q": 1.0,
        "t_term": TTerm.OMIT,
        "position_range": PositionRange.FIXED,
    },
)
BDM_PRESETS.add(
    "scholz-paper",
    {
        "probability": Probability.PAIRWISE,
        "opponent_risk": OpponentRisk.OWN,
        "offer_rule": OfferRule.LEAST_MOVE,
        "capitulation": True,
        "q": 1.0,
        "t_term": TTerm.INDICATOR,
        "position_range": PositionRange.CURRENT,
    },
)


def _make(preset: str | None = "scholz-code", **options: Any) -> ExpectedUtilityModel:
    """Registry factory: ``MODELS.get("bdm")(preset="scholz-paper", max_rounds=20)``."""
    if preset is None:
        return ExpectedUtilityModel(**options)
    return ExpectedUtilityModel.preset(preset, **options)


MODELS.add("bdm", _make)
