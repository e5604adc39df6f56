"""KTAB-style spatial model of politics with probabilistic Condorcet elections.

A faithful reimplementation of the model KTAB's ``smpc`` runs (KAPSARC, lsyaseen/KTAB @3b5b063,
MIT), written from its documented semantics; with KTAB's defaults it reproduces KTAB's own
reference runs bit for bit. The formulas are in :mod:`burdenshare.forecast.smp_kernels`; the
turn, the stopping rule and the outputs are here; ``docs/smp.md`` is the user's page.

One turn, from state t (positions x, ideal points ξ, both on [0, 1] per dimension):

1. **Valuation.** ``D[i, j] = sqrt(Σ_k (s_ik(ξ_ik − x_jk))² / Σ_k s_ik²)``; a Condorcet election
   among the N positions with risk-neutral utilities ``1 − D`` and weights c gives each position
   a probability p, and risk attitudes ``R = (3p − (p_max + 2p_min)) / (2(p_max − p_min))``
   (BigRRange Mid). Actor h estimates i's attitude as ``(2R_h + R_i)/3`` (BigRAdjust OneThird)
   and values positions with ``U^h[i, j] = (1 − D)(1 + D·r_hi)``.
2. **Challenges.** Each actor i estimates, for every j, the probability φ_ij that it would win
   a challenge to j (principals and third parties vote with weights S·c, third parties weigh a
   SemiCommit "little contest") and its expected gain; it targets the j with the largest gain
   above 1e-5 (lowest index on ties).
3. **Bargains.** The pair's compromise is interpolated per dimension (S2P2:
   weights ``s²φ²`` and ``s²(1−φ)²``, rounded to 1e-4) and put on both actors' queues next to
   each actor's status quo.
4. **Choice.** Each actor's queue goes to a Condorcet election among all actors, valuing a
   bargain by the average utility of the N positions it would produce; the actor takes its
   part of the likeliest bargain (first on ties; or a draw, when stochastic).
5. **Ideals** follow positions (``ξ ← A x + (1 − ΣA)ξ``, A = I by default).

The run stops after turn t when ``t ≥ max_turns``, or when ``t ≥ 2`` and
``Δ_t / (Δ_1 + 1e-4) < 0.02``, with ``Δ_t = Σ_i ‖x_i(t) − x_i(t−1)‖₂`` (a sum of Euclidean
moves; KTAB's "fractional change").

Reference: KTAB, the KAPSARC Toolkit for Behavioral Analysis, ``examples/smp`` and
``KTAB/kmodel`` at lsyaseen/KTAB @3b5b063 (the model as it runs, not as first described); the
sample scenarios' SOE case is from Efird, Lester & Wise (2016).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from burdenshare.errors import BurdenshareError, Problem
from burdenshare.forecast import smp_kernels as K
from burdenshare.forecast.actors import ActorTable, checked_range
from burdenshare.forecast.registry import MODELS
from burdenshare.forecast.result import Stop
from burdenshare.forecast.smp_kernels import (
    BargainModel,
    BigRAdjust,
    BigRRange,
    Interpolation,
    PCEModel,
    StateTransition,
    ThirdPartyCommit,
    VictoryModel,
    VotingRule,
)

__all__ = [
    "KTAB_DEFAULT_SEED",
    "BargainModel",
    "BigRAdjust",
    "BigRRange",
    "Interpolation",
    "PCEModel",
    "SMPResult",
    "SpatialModel",
    "StateTransition",
    "ThirdPartyCommit",
    "VictoryModel",
    "VotingRule",
]

#: KTAB's default PRNG seed (``KBase::dSeed`` = 0xD67CC16FE69C185C). A deterministic run draws
#: no random numbers, so the seed only matters with ``state_transition="Stochastic"``.
KTAB_DEFAULT_SEED = 0xD67CC16FE69C185C

# block size for the O(N³) challenge arrays: initiators per block × N × N elements
_CHALLENGE_BLOCK = 600_000
# below this many actors every challenge is one array operation; from it on, third parties are
# taken one at a time (:func:`smp_kernels.challenge_targets`); both give identical results
_FEW_ACTORS = 48
# elections per call × voters × options² votes when the actors' bargains are valued at once
_ELECTION_BLOCK = 4_000_000
# initiators per block × N × N utilities for every actor's choice of target (the arrays of the
# computation itself are initiators × N: third parties are taken one at a time)
_TARGETS_BLOCK = 8_000_000

# KTAB spellings accepted besides the enum values
_ALIASES: dict[str, str] = {
    "prop": "Proportional",
    "conditionalpcm": "Conditional",
    "markovipcm": "MarkovIncentive",
    "markovupcm": "MarkovUniform",
    "determinsticstm": "Deterministic",
    "stochasticstm": "Stochastic",
    "nora": "None",
    "onethirdra": "OneThird",
    "halfra": "Half",
    "twothirdsra": "TwoThirds",
    "fullra": "Full",
}


def _option(enum: type[Any], value: object, name: str) -> Any:
    """``value`` as a member of ``enum``, accepting KTAB's names case-insensitively."""
    if isinstance(value, enum):
        return value
    text = str(value).strip()
    key = _ALIASES.get(text.lower().replace("_", "").replace("-", ""), text)
    for member in enum:
        if member.value.lower() == key.lower() or member.name.lower() == key.lower():
            return member
    raise BurdenshareError(
        [
            Problem(
                f"unknown {name}",
                path=name,
                expected="one of " + ", ".join(m.value for m in enum),
                found=text,
            )
        ]
    )


# ---------------------------------------------------------------------------------------------
# result


@dataclass
class SMPResult:
    """Positions, ideal points, risk attitudes and winning probabilities, per state.

    State 0 is the input; state t is after turn t ("round" t in the frames). Arrays are on the
    internal [0, 1] scale, ``x = (v − lo)/(hi − lo)`` with ``position_range`` (lo, hi); the
    frames and :meth:`to_rounds` report positions on the user's scale (:meth:`to_user`).
    ``actors`` is the table of the actors that took part, on the user's scale. Like the other
    forecasting models' results it offers ``median``, ``mean``, ``forecast``, ``stop``,
    ``frame()`` and ``to_rounds()``.
    """

    actors: ActorTable
    position_range: tuple[float, float]
    model: SpatialModel
    positions: np.ndarray  # (T, N, D)
    ideals: np.ndarray  # (T, N, D)
    win_probability: np.ndarray  # (T, N): probability of the (unique) position the actor holds
    risk: np.ndarray  # (T, N): inferred risk attitude R_i of each state
    targets: np.ndarray  # (T−1, N): whom each actor challenged in turn t+1 (−1: nobody)
    target_gain: np.ndarray  # (T−1, N): the challenger's expected gain from it (NaN: none)
    change_ratio: np.ndarray  # (T−1,): Δ_t / (Δ_1 + 1e-4)
    stop_reason: str  # "converged", "max_turns" or "too_few_actors"
    #: what the model decided about actors that cannot take part (see SpatialModel.run)
    participation: tuple[str, ...] = ()

    def to_user(self, x: np.ndarray) -> np.ndarray:
        """Positions on [0, 1] back on the user's scale."""
        lo, hi = self.position_range
        return x * (hi - lo) + lo

    @property
    def n_states(self) -> int:
        return int(self.positions.shape[0])

    @property
    def n_turns(self) -> int:
        return self.n_states - 1

    @property
    def n_rounds(self) -> int:
        """Turns run, not counting round 0 (the forecasting models' name for it)."""
        return self.n_turns

    @property
    def median(self) -> np.ndarray:
        """(T, D) effective-power-weighted median per dimension (:meth:`weighted_median`)."""
        return self.weighted_median()

    @property
    def mean(self) -> np.ndarray:
        """(T, D) effective-power-weighted mean per dimension (:meth:`weighted_mean`)."""
        return self.weighted_mean()

    @property
    def forecast(self) -> np.ndarray:
        """(D,) the headline answer: the final state's likeliest position (the position with
        the highest winning probability, first actor on ties), on the user's scale. KTAB itself
        names no single forecast; analysts read the final clusters and their probabilities."""
        best = int(np.argmax(self.win_probability[-1]))
        return self.user_positions()[-1, best]

    @property
    def stop(self) -> Stop:
        """Why the run ended: ``converged`` (the last turn moved less than ``min_delta_ratio``
        of the first) or ``max_rounds``, after round ``n_rounds``."""
        if self.stop_reason == "too_few_actors":
            return Stop(reason="input", round=0)
        reason = "converged" if self.stop_reason == "converged" else "max_rounds"
        return Stop(reason=reason, round=self.n_turns)

    @property
    def notes(self) -> tuple[str, ...]:
        lo, hi = self.position_range
        return (
            f"positions on {lo:g}–{hi:g} mapped to [0, 1] for the model and back for output",
            "saliences on [0, 1] (a KTAB CSV's 0–100 divided by 100)",
            "median and mean per dimension, weighted by capability × salience",
            *self.participation,
        )

    def trajectory(self) -> pd.DataFrame:
        """One row per (round, dimension): median and mean."""
        med, mean = self.weighted_median(), self.weighted_mean()
        t, d = med.shape
        return pd.DataFrame(
            {
                "round": np.repeat(np.arange(t), d),
                "dimension": np.tile(np.array(self.actors.dimensions, dtype=object), t),
                "median": med.reshape(-1),
                "mean": mean.reshape(-1),
            }
        )

    def user_positions(self) -> np.ndarray:
        """(T, N, D) positions on the user's scale."""
        return self.to_user(self.positions)

    def positions_frame(self) -> pd.DataFrame:
        """Tidy positions: one row per (round, actor, dimension), value on the user's scale."""
        t, n, d = self.positions.shape
        return pd.DataFrame(
            {
                "round": np.repeat(np.arange(t), n * d),
                "actor": np.tile(np.repeat(np.array(self.actors.names, dtype=object), d), t),
                "dimension": np.tile(np.array(self.actors.dimensions, dtype=object), t * n),
                "value": self.user_positions().reshape(-1),
            }
        )

    def probabilities_frame(self) -> pd.DataFrame:
        """Tidy winning probabilities: one row per (round, actor), dimension "win_probability".

        An actor's value is the probability of the position it holds; actors that share a
        position (within ``pos_tol``) share its probability, so a round can sum to more than 1
        (as in KTAB's log).
        """
        t, n = self.win_probability.shape
        return pd.DataFrame(
            {
                "round": np.repeat(np.arange(t), n),
                "actor": np.tile(np.array(self.actors.names, dtype=object), t),
                "dimension": "win_probability",
                "value": self.win_probability.reshape(-1),
            }
        )

    def frame(self) -> pd.DataFrame:
        """Positions and winning probabilities in one tidy frame: round, actor, dimension
        (a dimension's name, or "win_probability"), value."""
        return pd.concat([self.positions_frame(), self.probabilities_frame()], ignore_index=True)

    def weighted_mean(self) -> np.ndarray:
        """(T, D) effective-power-weighted mean per dimension, ``Σ_i c_i s_ik x_ik / Σ_i c_i s_ik``
        (user's scale)."""
        w = self.actors.capability[:, None] * self.actors.salience
        return np.einsum("nd,tnd->td", w, self.user_positions()) / w.sum(axis=0)

    def weighted_median(self) -> np.ndarray:
        """(T, D) weighted median per dimension with weights ``c_i s_ik``: the smallest actor
        position at which the weight at or below it reaches half the total (the Condorcet winner
        among the actors' positions on that dimension taken alone; user's scale)."""
        w = self.actors.capability[:, None] * self.actors.salience
        xs_all = self.user_positions()
        t, _, d = xs_all.shape
        out = np.empty((t, d))
        for k in range(d):
            order = np.argsort(xs_all[:, :, k], axis=1, kind="stable")
            xs = np.take_along_axis(xs_all[:, :, k], order, axis=1)
            cw = np.cumsum(w[order, k], axis=1)
            idx = np.argmax(cw >= cw[:, -1:] / 2.0, axis=1)
            out[:, k] = xs[np.arange(t), idx]
        return out

    def to_rounds(self) -> dict[str, Any]:
        """The forecasting CLI's JSON, as the other models give it.

        ``{"model": "smp", "dimensions": [...], "forecast": …, "stop": {"reason", "round"},
        "notes": [...], "rounds": [{"round": t, "median": …, "mean": …, "positions": {actor: x},
        "probabilities": {actor: p}}, …]}``; round 0 is the input. With one dimension, median,
        mean, forecast and positions are numbers; with several, lists with one entry per
        dimension (in ``dimensions`` order). Median and mean are taken per dimension, weighted by
        effective power ``c_i s_ik`` (:meth:`weighted_median`, :meth:`weighted_mean`);
        probabilities are the actors' winning probabilities.
        """
        med = self.weighted_median()
        mean = self.weighted_mean()
        pos = self.user_positions()
        one = self.actors.n_dims == 1

        def val(v: np.ndarray) -> float | list[float]:
            return float(v[0]) if one else [float(a) for a in v]

        rounds = [
            {
                "round": t,
                "median": val(med[t]),
                "mean": val(mean[t]),
                "positions": {name: val(pos[t, i]) for i, name in enumerate(self.actors.names)},
                "probabilities": {
                    name: float(self.win_probability[t, i])
                    for i, name in enumerate(self.actors.names)
                },
            }
            for t in range(self.n_states)
        ]
        return {
            "model": "smp",
            "dimensions": list(self.actors.dimensions),
            "forecast": val(self.forecast),
            "stop": {"reason": self.stop.reason, "round": self.stop.round},
            "notes": list(self.notes),
            "rounds": rounds,
        }


# ---------------------------------------------------------------------------------------------
# the model


@dataclass(frozen=True)
class _Valuation:
    """What a state's turn needs: KTAB's ``setAllAUtil`` plus the state's election."""

    dist: np.ndarray  # D[i, j]
    risk: np.ndarray  # R_i
    r_est: np.ndarray  # r[h, i]
    own: np.ndarray  # U^a[a, n]: each actor's own utility of each position
    unique: np.ndarray  # indices of the unique positions (first of each cluster)
    win: np.ndarray  # per actor: probability of the position it holds


@MODELS.register("smp")
@dataclass(frozen=True)
class SpatialModel:
    """KTAB's spatial model of politics; every option defaults to KTAB's ``smpc`` default.

    Options (KTAB names accepted as strings): ``voting_rule`` (Proportional), ``victory_model``
    (Linear), ``pce_model`` (Conditional), ``state_transition`` (Deterministic), ``big_r_range``
    (Mid), ``big_r_adjust`` (OneThird), ``third_party_commit`` (SemiCommit), ``interpolation``
    (S2P2), ``bargain_model`` (InitOnlyInterp); ``pos_tol`` (1e-3) decides which positions are
    the same; the run stops after ``max_turns`` (100) or from ``min_turns`` (2) on when the
    last move falls below ``min_delta_ratio`` (0.02) of the first (+ ``min_sig_delta``, 1e-4);
    a challenge must gain more than ``min_sig_edu`` (1e-5).

    Departures from KTAB, all where KTAB gives no answer: when every position is equally likely
    (e.g. unanimity) risk attitudes are 0 instead of 0/0; the check that risk attitudes change
    utilities by more than 1e-6 (which makes BigRAdjust Full abort in KTAB) is not made; bargain
    queues have a fixed order (status quo, then by initiator), where KTAB's threads fill them in
    arbitrary order (only the asymmetric ASymProsp rule notices); stochastic draws come from
    numpy, not KTAB's mt19937_64.
    """

    voting_rule: VotingRule = VotingRule.PROPORTIONAL
    victory_model: VictoryModel = VictoryModel.LINEAR
    pce_model: PCEModel = PCEModel.CONDITIONAL
    state_transition: StateTransition = StateTransition.DETERMINISTIC
    big_r_range: BigRRange = BigRRange.MID
    big_r_adjust: BigRAdjust = BigRAdjust.ONE_THIRD
    third_party_commit: ThirdPartyCommit = ThirdPartyCommit.SEMI_COMMIT
    interpolation: Interpolation = Interpolation.S2P2
    bargain_model: BargainModel = BargainModel.INIT_ONLY
    pos_tol: float = 1e-3
    min_turns: int = 2
    max_turns: int = 100
    min_delta_ratio: float = 0.02
    min_sig_delta: float = 1e-4
    min_sig_edu: float = 1e-5

    def __post_init__(self) -> None:
        for name, enum in (
            ("voting_rule", VotingRule),
            ("victory_model", VictoryModel),
            ("pce_model", PCEModel),
            ("state_transition", StateTransition),
            ("big_r_range", BigRRange),
            ("big_r_adjust", BigRAdjust),
            ("third_party_commit", ThirdPartyCommit),
            ("interpolation", Interpolation),
            ("bargain_model", BargainModel),
        ):
            object.__setattr__(self, name, _option(enum, getattr(self, name), name))
        problems = []
        if not self.max_turns >= 1:
            problems.append(
                Problem(
                    "max_turns must be at least 1",
                    path="max_turns",
                    expected=">= 1",
                    found=str(self.max_turns),
                )
            )
        if not self.min_turns >= 1:
            problems.append(
                Problem(
                    "min_turns must be at least 1",
                    path="min_turns",
                    expected=">= 1",
                    found=str(self.min_turns),
                )
            )
        for name in ("pos_tol", "min_delta_ratio", "min_sig_delta", "min_sig_edu"):
            v = getattr(self, name)
            if not (math.isfinite(v) and v >= 0):
                problems.append(
                    Problem(
                        f"{name} must be a non-negative number",
                        path=name,
                        expected=">= 0",
                        found=str(v),
                    )
                )
        if problems:
            raise BurdenshareError(problems)

    # -- public ---------------------------------------------------------------------------

    def run(
        self,
        actors: ActorTable,
        *,
        max_rounds: int | None = None,
        seed: int | np.random.SeedSequence | None = None,
        accommodation: np.ndarray | None = None,
        position_range: tuple[float, float] = (0.0, 100.0),
    ) -> SMPResult:
        """Run turns until the stopping rule holds; return every state.

        The table's positions are mapped onto the model's [0, 1] scale with ``position_range``
        (KTAB's 0–100 by default), ``x = (v − lo)/(hi − lo)``; the table is checked by KTAB's
        rules (:meth:`ActorTable.problems` with ``position_range``) after actors with no
        salience are left out (:meth:`_participants`). ``max_rounds`` overrides ``max_turns``
        for this run.
        ``seed`` feeds a numpy Generator used only by the stochastic state transition; None
        means KTAB's default seed (:data:`KTAB_DEFAULT_SEED`); KTAB's own generator
        (mt19937_64) is not reproduced. ``accommodation`` is KTAB's ideal-adjustment matrix A
        (N×N, entries in [0, 1], rows summing to at most 1); None means the identity (ideal
        points follow positions).
        """
        limit = self.max_turns if max_rounds is None else max_rounds
        if not (isinstance(limit, int) and limit >= 1):
            raise BurdenshareError.single(
                "max_rounds must be a whole number ≥ 1", path="max_rounds", found=str(limit)
            )
        lo, hi = checked_range(position_range, actors.source)
        actors, participation = self._participants(actors, (lo, hi), accommodation)
        if actors.n_actors < 3:
            return self._no_election(actors, (lo, hi), participation)
        acc = self._check_accommodation(actors, accommodation)
        rng = np.random.default_rng(KTAB_DEFAULT_SEED if seed is None else seed)
        cap = actors.capability
        sal = actors.salience
        sal_total = K.seq_sum(sal, axis=1)
        weight = sal_total * cap  # KTAB's si*ci, the weight in challenges

        x = (actors.position.astype(np.float64) - lo) / (hi - lo)  # the model's [0, 1] scale
        ideal = x.copy()
        positions = [x]
        ideals = [ideal]
        vals = [self._valuation(x, ideal, cap, sal)]
        targets: list[np.ndarray] = []
        gains: list[np.ndarray] = []
        ratios: list[float] = []
        first_move = 0.0
        stop_reason = "max_turns"
        turn = 0
        while True:
            turn += 1
            x_new, tgt, gain = self._turn(x, ideal, vals[-1], cap, sal, sal_total, weight, rng)
            ideal = self._new_ideals(acc, x_new, ideal)
            move = float(K.seq_sum(np.sqrt(K.seq_sum((x_new - x) ** 2, axis=1))))
            if turn == 1:
                first_move = move + self.min_sig_delta
            x = x_new
            positions.append(x)
            ideals.append(ideal)
            targets.append(tgt)
            gains.append(gain)
            vals.append(self._valuation(x, ideal, cap, sal))
            ratio = move / first_move
            ratios.append(ratio)
            if self.min_turns <= turn and ratio < self.min_delta_ratio:
                stop_reason = "converged"
                break
            if limit <= turn:
                break
        return SMPResult(
            actors=actors,
            position_range=(lo, hi),
            model=self,
            positions=np.stack(positions),
            ideals=np.stack(ideals),
            win_probability=np.stack([v.win for v in vals]),
            risk=np.stack([v.risk for v in vals]),
            targets=np.stack(targets),
            target_gain=np.stack(gains),
            change_ratio=np.asarray(ratios),
            stop_reason=stop_reason,
            participation=participation,
        )

    @staticmethod
    def _participants(
        table: ActorTable,
        position_range: tuple[float, float],
        accommodation: np.ndarray | None,
    ) -> tuple[ActorTable, tuple[str, ...]]:
        """The actors that take part: those with some salience, checked by KTAB's rules.

        KTAB refuses an actor that cares about nothing (total salience 0). Such an actor has no
        weight in any vote (weights are c·S) and nothing at stake, so here it takes no part: it
        is left out, and the result's notes name it. With fewer than 3 actors (KTAB's minimum)
        no election is run (:meth:`_no_election`). A zero capability is still refused, as in
        KTAB; with an accommodation matrix the table must be complete, as in KTAB.
        """
        total = table.salience.sum(axis=1)
        keep = np.flatnonzero(total > 0)
        if (keep.size == table.n_actors >= 3) or accommodation is not None:
            table.check(position_range=position_range)
            return table, ()
        out = [table.names[i] for i in range(table.n_actors) if i not in set(keep.tolist())]
        notes: tuple[str, ...] = ()
        if out:
            notes = (
                f"{len(out)} of {table.n_actors} actors take no part (salience 0, so no weight in "
                f"any vote and nothing at stake): {', '.join(out)}",
            )
        sub = table.permuted(keep)
        if keep.size >= 3:
            sub.check(position_range=position_range)
        # fewer than 3: no election is possible (KTAB needs 3); not checked by KTAB's rules
        return sub, notes

    @staticmethod
    def _no_election(
        actors: ActorTable, position_range: tuple[float, float], participation: tuple[str, ...]
    ) -> SMPResult:
        """Fewer than 3 actors take part: no turn is run; each position's "winning
        probability" is its holder's share of the weight c·S, so the forecast is the position of
        the weightiest participant (the weighted median of two; the only one of one)."""
        n = actors.position.shape[0]
        if n == 0:
            raise BurdenshareError.single(
                "no actor has both capability and salience",
                file=actors.source,
                expected="some capability × salience > 0",
                found="0",
            )
        lo, hi = position_range
        w = actors.capability * actors.salience.sum(axis=1)
        x = ((actors.position.astype(np.float64) - lo) / (hi - lo))[None, :, :]
        note = f"only {n} actor(s) take part: no election; the forecast is the weightiest position"
        return SMPResult(
            actors=actors,
            position_range=position_range,
            model=SpatialModel(),
            positions=x,
            ideals=x.copy(),
            win_probability=(w / w.sum())[None, :],
            risk=np.zeros((1, n)),
            targets=np.empty((0, n), dtype=int),
            target_gain=np.empty((0, n)),
            change_ratio=np.empty(0),
            stop_reason="too_few_actors",
            participation=(*participation, note),
        )

    # -- steps ----------------------------------------------------------------------------

    def _election(self, cap: np.ndarray, u: np.ndarray) -> np.ndarray:
        return K.scalar_pce(self.voting_rule, self.victory_model, self.pce_model, cap, u)

    def _valuation(
        self, x: np.ndarray, ideal: np.ndarray, cap: np.ndarray, sal: np.ndarray
    ) -> _Valuation:
        """KTAB's ``setAllAUtil``, the unique positions and the state's winning probabilities."""
        n = x.shape[0]
        dist = K.distance_matrix(ideal, x, sal)
        p = self._election(cap, K.utility(dist, 0.0))
        risk = K.risk_from_prob(p, self.big_r_range)
        r_est = K.estimated_risk(risk, self.big_r_adjust)
        idx = np.arange(n)
        own = K.utility(dist, r_est[idx, idx][:, None])  # U^a[a, n] uses r_aa
        # unique positions: greedy, first of each cluster within pos_tol (KTAB's ueIndices)
        diff = x[:, None, :] - x[None, :, :]
        close = np.sqrt(K.seq_sum(diff * diff, axis=-1)) < self.pos_tol
        unique: list[int] = []
        for i in range(n):
            if not any(close[i, u] for u in unique):
                unique.append(i)
        uniq = np.asarray(unique)
        p_unique = self._election(cap, own[:, uniq])
        # an actor's probability is that of the last unique position equivalent to it
        match = close[:, uniq]
        last = match.shape[1] - 1 - np.argmax(match[:, ::-1], axis=1)
        return _Valuation(dist, risk, r_est, own, uniq, p_unique[last])

    def _perspective_utils(self, val: _Valuation, h: np.ndarray) -> np.ndarray:
        """``U^h`` for the perspectives ``h``: (len(h), N, N)."""
        return K.utility(val.dist[None, :, :], val.r_est[h][:, :, None])

    def _turn(
        self,
        x: np.ndarray,
        ideal: np.ndarray,
        val: _Valuation,
        cap: np.ndarray,
        sal: np.ndarray,
        sal_total: np.ndarray,
        weight: np.ndarray,
        rng: np.random.Generator,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One turn: new positions, each actor's target (−1: none) and expected gain."""
        n = x.shape[0]
        rule, commit = self.voting_rule, self.third_party_commit

        # A. every actor's best challenge, from its own perspective (h = k = i)
        best_j = np.full(n, -1)
        best_p = np.zeros(n)
        best_gain = np.full(n, np.nan)
        few = n < _FEW_ACTORS
        block = max(1, (_CHALLENGE_BLOCK if few else _TARGETS_BLOCK) // (n * n))
        js = np.arange(n)
        for start in range(0, n, block):
            ii = np.arange(start, min(n, start + block))
            uh = self._perspective_utils(val, ii)
            if few:  # one (initiators × N × N) array per operation: fewest numpy calls
                i2 = np.broadcast_to(ii[:, None], (ii.size, n))
                j2 = np.broadcast_to(js[None, :], (ii.size, n))
                phi, gain = K.challenge(rule, commit, uh, weight, sal_total, i2, i2, j2)
            else:  # third parties one at a time: arrays stay in cache (identical results)
                phi, gain = K.challenge_targets(rule, commit, uh, weight, sal_total, ii)
            ok = (js[None, :] != ii[:, None]) & (gain > self.min_sig_edu)
            masked = np.where(ok, gain, -np.inf)
            jb = np.argmax(masked, axis=1)  # first maximum: KTAB keeps the lowest j on ties
            has = ok.any(axis=1)
            best_j[ii[has]] = jb[has]
            best_p[ii[has]] = phi[np.arange(ii.size), jb][has]
            best_gain[ii[has]] = gain[np.arange(ii.size), jb][has]

        init = np.flatnonzero(best_j >= 0)
        rcvr = best_j[init]
        b_init, b_rcvr = K.interpolate(
            self.interpolation,
            x[init],
            sal[init],
            best_p[init],
            x[rcvr],
            sal[rcvr],
            1 - best_p[init],
        )
        bargains = [(b_init, b_rcvr)]
        if self.bargain_model is not BargainModel.INIT_ONLY and init.size:
            # the receiver's view: KTAB passes the second element of probEduChlg(j, i, i, j),
            # j's estimate of i's expected *gain*, where a probability is meant (kept as is)
            uh = self._perspective_utils(val, rcvr)
            _, gain_j = K.challenge(
                rule, commit, uh, weight, sal_total, init[:, None], init[:, None], rcvr[:, None]
            )
            pj = gain_j[:, 0]
            r_init, r_rcvr = K.interpolate(
                self.interpolation, x[init], sal[init], pj, x[rcvr], sal[rcvr], 1 - pj
            )
            if self.bargain_model is BargainModel.INIT_RCVR:
                bargains.append((r_init, r_rcvr))
            else:
                # KTAB weighs the receiver's version by c_i·S_j (initiator's capability)
                wi = (cap[init] * sal_total[init])[:, None]
                wj = (cap[init] * sal_total[rcvr])[:, None]
                bargains = [
                    (
                        (wi * b_init + wj * r_init) / (wi + wj),
                        (wi * b_rcvr + wj * r_rcvr) / (wi + wj),
                    )
                ]

        # bargain list in queue order: by initiator, then by version
        m_init = np.repeat(init, len(bargains))
        m_rcvr = np.repeat(rcvr, len(bargains))
        pos_init = np.stack([b[0] for b in bargains], axis=1).reshape(-1, x.shape[1])
        pos_rcvr = np.stack([b[1] for b in bargains], axis=1).reshape(-1, x.shape[1])

        # B. value every bargain to every actor: mean utility of the N positions it produces
        own = val.own
        sq_util = K.seq_sum(own, axis=1) / n
        n_b = m_init.size
        if n_b:
            util_b = self._bargain_utils(val, ideal, sal, own, m_init, m_rcvr, pos_init, pos_rcvr)
        new_x = x.copy()
        queues = [(k, np.flatnonzero((m_init == k) | (m_rcvr == k))) for k in range(n)]
        queues = [(k, mine) for k, mine in queues if mine.size]  # else: only the status quo
        batched = (
            self.state_transition is StateTransition.DETERMINISTIC
            and self.pce_model is PCEModel.CONDITIONAL
        )
        choices: dict[int, int] = {}
        if batched:
            # the same elections, those with the same number of options in one call
            by_size: dict[int, list[tuple[int, np.ndarray]]] = {}
            for k, mine in queues:
                by_size.setdefault(mine.size, []).append((k, mine))
            for size, members in by_size.items():
                per = max(1, _ELECTION_BLOCK // (n * (size + 1) ** 2))
                for start in range(0, len(members), per):
                    part = members[start : start + per]
                    u = np.stack([np.column_stack([sq_util, util_b[:, mine]]) for _, mine in part])
                    p = K.conditional_elections(self.voting_rule, self.victory_model, cap, u)
                    for (k, _), row in zip(part, np.argmax(p, axis=1), strict=True):
                        choices[k] = int(row)
        for k, mine in queues:
            if batched:
                choice = choices[k]
            else:
                u = np.column_stack([sq_util, util_b[:, mine]])
                p = self._election(cap, u)
                if self.state_transition is StateTransition.DETERMINISTIC:
                    choice = int(np.argmax(p))
                else:
                    draw = rng.random()
                    hit = np.flatnonzero(draw <= np.add.accumulate(p))
                    choice = int(hit[0]) if hit.size else p.size - 1
            if choice == 0:
                continue
            m = mine[choice - 1]
            new_x[k] = pos_init[m] if m_init[m] == k else pos_rcvr[m]
        return new_x, best_j, best_gain

    def _bargain_utils(
        self,
        val: _Valuation,
        ideal: np.ndarray,
        sal: np.ndarray,
        own: np.ndarray,
        m_init: np.ndarray,
        m_rcvr: np.ndarray,
        pos_init: np.ndarray,
        pos_rcvr: np.ndarray,
    ) -> np.ndarray:
        """``u[a, m] = (posUtil_a(b_init) + posUtil_a(b_rcvr) + Σ_{n ∉ {init, rcvr}} U^a(a, n))/N``
        where ``posUtil_a(b) = u(d_a(ξ_a, b), R_a)`` uses a's own R (not r_aa)."""
        n = own.shape[0]
        r = val.risk[:, None]
        d_init = K.weighted_distance(ideal[:, None, :], pos_init[None, :, :], sal[:, None, :])
        d_rcvr = K.weighted_distance(ideal[:, None, :], pos_rcvr[None, :, :], sal[:, None, :])
        pu_init = K.utility(d_init, r)
        pu_rcvr = K.utility(d_rcvr, r)
        out = np.empty((n, m_init.size))
        cols = np.arange(n)
        block = max(1, 2_000_000 // (n * (n + 2)))
        for start in range(0, m_init.size, block):
            ms = np.arange(start, min(m_init.size, start + block))
            keep = (cols[None, :] != m_init[ms, None]) & (cols[None, :] != m_rcvr[ms, None])
            rest = np.where(keep[None, :, :], own[:, None, :], 0.0)  # (a, m, n)
            terms = np.concatenate([pu_init[:, ms, None], pu_rcvr[:, ms, None], rest], axis=2)
            out[:, ms] = K.seq_sum(terms, axis=2) / n
        return out

    @staticmethod
    def _new_ideals(acc: np.ndarray | None, x_new: np.ndarray, ideal: np.ndarray) -> np.ndarray:
        """``ξ_i ← Σ_j A_ij x_j + (1 − Σ_j A_ij) ξ_i`` (KTAB's ``newIdeals``); A = I: ξ = x."""
        if acc is None:
            return x_new.copy()
        moved = K.seq_sum(acc[:, :, None] * x_new[None, :, :], axis=1)
        lag = 1.0 - np.minimum(K.seq_sum(acc, axis=1), 1.0)
        return moved + lag[:, None] * ideal

    @staticmethod
    def _check_accommodation(actors: ActorTable, acc: np.ndarray | None) -> np.ndarray | None:
        if acc is None:
            return None
        a = np.asarray(acc, dtype=np.float64)
        n = actors.n_actors
        problems = []
        if a.shape != (n, n):
            problems.append(
                Problem(
                    "accommodation matrix must be N×N",
                    path="accommodation",
                    expected=f"{n}×{n}",
                    found="×".join(map(str, a.shape)),
                )
            )
        elif not np.all(np.isfinite(a)) or a.min() < 0 or a.max() > 1:
            problems.append(
                Problem(
                    "accommodation entries must lie in [0, 1]",
                    path="accommodation",
                    expected="0 <= A_ij <= 1",
                )
            )
        elif np.any(K.seq_sum(a, axis=1) > 1 + 1e-10):
            problems.append(
                Problem(
                    "accommodation rows must sum to at most 1",
                    path="accommodation",
                    expected="Σ_j A_ij <= 1",
                    found=f"{K.seq_sum(a, axis=1).max():g}",
                )
            )
        if problems:
            raise BurdenshareError(problems)
        if np.array_equal(a, np.eye(n)):
            return None
        return a
