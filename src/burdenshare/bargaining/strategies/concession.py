"""Threshold strategies: a utility target per round, fixed before the talks start.

Each accepts an offer whose own utility reaches the round's target, and otherwise offers the
lowest-utility outcome that reaches it. Because the target does not depend on the opponent's
moves, the batch engine computes every round's target and offer up front, for many negotiations
at once (:mod:`kernels`); the reference engine evaluates the same formula, with the same
floating-point operations, one round at a time.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from burdenshare.bargaining.strategies import kernels
from burdenshare.bargaining.strategies.base import (
    ACCEPT,
    Action,
    Reason,
    SideView,
    Strategy,
    bad_param,
    offer,
    preset,
    register,
    walk,
)

KIND_TIME_DEPENDENT = 0
KIND_NASH = 1


class _Threshold(Strategy):
    """Shared turn logic: outside option → accept → own walk-out rule → offer.

    Subclasses give the round's target utility (``target_utility``) and, optionally, the outcome to
    offer at it (``choose``; default: the view's pick rule). The reference engine computes them
    lazily in scalar Python; the batch engine computes the same formulas as arrays.
    """

    classifier: ClassVar[dict[str, bool]] = {**Strategy.classifier, "batch": True}
    walk_below: float = -math.inf
    walk_from: int = 0
    #: "lowest": offer the lowest-utility outcome at or above the target (NegMAS); "pareto":
    #: among those, the one the opponent values most (complete information)
    pick: str = "lowest"

    def target_utility(self, s: int) -> float:  # pragma: no cover - interface
        raise NotImplementedError

    def choose(self, s: int, target: float) -> int:
        if self.pick == "pareto":
            view = self.view
            n = view.sorted_u.shape[0]
            pos = min(int(view.sorted_u.searchsorted(target)), n - 1)
            return int(view.order[self._best[pos]])
        return self.view.pick(target)

    def start(self, view: SideView) -> None:
        super().start(view)
        self._u = view.u_list
        if self.pick == "pareto":
            if view.negmas:
                raise bad_param(type(self), "pick", "'lowest' in compat='negmas' mode", self.pick)
            self._opp_sorted = view.u_opp[view.order]
            self._best = kernels.pareto_positions(self._opp_sorted[None, :])[0]
        # Default semantics: leave once the outside option beats every outcome.
        self._may_leave = not view.negmas and max(view.floor_list) > view.best
        self._made: dict[int, Action] = {}  # one Action per distinct offer

    def act(self, s: int, offer_: int | None) -> Action:
        view = self.view
        if self._may_leave and view.floor_list[s] > view.best:
            return walk(Reason.OUTSIDE_OPTION, "outside option beats every outcome")
        target = self.target_utility(s)
        if offer_ is not None:
            u = self._u[offer_]
            if u >= target:
                return ACCEPT
            if s >= self.walk_from and u < self.walk_below:
                return walk(Reason.WALKED_OUT, f"offer worth {u:.4g} < {self.walk_below:.4g}")
        pick = self.choose(s, target)
        if view.struck and pick in view.struck:
            if self.pick == "pareto":
                alt = kernels.first_unstruck_pareto(
                    view.sorted_u, view.order, self._opp_sorted, target, view.floor_list[s],
                    view.struck,
                )  # fmt: skip
            else:
                alt = view.unstruck(target, s)
            if alt is None:
                return walk(Reason.EXHAUSTED, "every acceptable outcome was struck")
            return offer(alt)
        made = self._made.get(pick)
        if made is None:
            made = self._made[pick] = offer(pick)
        return made


class _Concession(_Threshold):
    """Time-dependent target, ``kernels.time_dependent_targets`` in scalar form."""

    e: float
    negmas_eps: float

    def start(self, view: SideView) -> None:
        super().start(view)
        if view.times is kernels.relative_times(view.n_steps, view.negmas):
            self._a = kernels.concession_list(self.e, view.n_steps, view.negmas)
        else:  # a clock of the caller's (e.g. calendar dates): the batch engine's formula
            self._a = kernels.concession(view.times, np.array([self.e]), view.negmas)[0].tolist()
        self._eps = self.negmas_eps if view.negmas else 0.0

    def target_utility(self, s: int) -> float:
        floor, best = self.view.floor_list[s], self.view.best
        x = (best - floor) * self._a[s] + floor
        if self.view.negmas:
            x = x - self._eps
        return max(floor, min(best, x))


def _number(cls: type, name: str, value: object, expected: str) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise bad_param(cls, name, expected, value) from None


def _check_exponent(cls: type, e: object) -> float:
    expected = "an exponent ≥ 0 (inf for a hardliner)"
    x = _number(cls, "e", e, expected)
    if not (x >= 0.0):  # also rejects NaN
        raise bad_param(cls, "e", expected, e)
    return x


def _check_pick(cls: type, pick: object) -> str:
    if pick not in ("lowest", "pareto"):
        raise bad_param(cls, "pick", "'lowest' or 'pareto'", pick)
    return str(pick)


def _check_eps(cls: type, eps: object) -> float:
    x = _number(cls, "negmas_eps", eps, "a tolerance in [0, 1)")
    if not (0.0 <= x < 1.0):
        raise bad_param(cls, "negmas_eps", "a tolerance in [0, 1)", eps)
    return x


@register("time-dependent", "time-dependent concession with exponent e (default e = 1)", e=1.0)
class TimeDependent(_Concession):
    r"""Time-dependent concession (one class for Boulware, Linear, Conceder, Hardliner).

    Target utility in round s, with relative time t_s, floor f_s and best utility u_max:

        a(t) = 1 − t^e,   T_s = f_s + (u_max − f_s)·a(t_s)   (clipped to [f_s, u_max])

    Accept the opponent's offer ω iff u(ω) ≥ T_s; otherwise offer the lowest-utility outcome ω
    with u(ω) ≥ T_s (``pick="lowest"``, NegMAS), or, with ``pick="pareto"``, the outcome the
    opponent values most among those with u(ω) ≥ T_s (complete information: a concession that
    gives the other side as much as the target allows; lowest own utility on ties). e > 1
    concedes late (Boulware), e = 1 linearly, e < 1 early (Conceder),
    e = ∞ never (Hardliner: a ≡ 1). In ``compat="negmas"`` mode T_s is lowered by ``negmas_eps``
    and the offer follows NegMAS's nearest-outcome rule (see ``docs/bargaining.md``).

    References: Faratin, Sierra & Jennings (1998), "Negotiation decision functions for autonomous
    agents", Robotics and Autonomous Systems 24(3–4), §4.2.1, the polynomial family
    α(t) = κ + (1 − κ)(t/t_max)^{1/β} with κ = 0 — our e is their 1/β, so their β → 0 hardliner is
    e → ∞; NegMAS 0.16.0 ``TimeBasedConcedingNegotiator`` / ``PolyAspiration``
    (https://negmas.readthedocs.io), whose Boulware, Linear and Conceder are e = 4, 1, 0.25.
    """

    def __init__(
        self, e: float = 1.0, negmas_eps: float = kernels.NEGMAS_TB_EPS, pick: str = "lowest"
    ) -> None:
        self.e = _check_exponent(type(self), e)
        self.negmas_eps = _check_eps(type(self), negmas_eps)
        self.pick = _check_pick(type(self), pick)

    def params(self) -> dict[str, Any]:
        return {"e": self.e, "negmas_eps": self.negmas_eps, "pick": self.pick}

    def batch_params(self) -> dict[str, Any] | None:
        return {
            "kind": KIND_TIME_DEPENDENT,
            "e": self.e,
            "eps": self.negmas_eps,
            "pareto": self.pick == "pareto",
        }


preset("boulware", TimeDependent, "concedes late: e = 4 (NegMAS BoulwareTBNegotiator)", e=4.0)
preset("linear", TimeDependent, "concedes linearly: e = 1 (NegMAS LinearTBNegotiator)", e=1.0)
preset("conceder", TimeDependent, "concedes early: e = 0.25 (NegMAS ConcederTBNegotiator)", e=0.25)
preset("hardliner", TimeDependent, "never concedes: e = ∞, offers only its best", e=math.inf)
preset(
    "aspiration",
    TimeDependent,
    "NegMAS AspirationNegotiator(stochastic=False): e = 4, tolerance 1e-3",
    e=4.0,
    negmas_eps=kernels.NEGMAS_ASPIRATION_EPS,
)


@register("walk-out", "Boulware that leaves when offered less than 0.3", threshold=0.3)
class WalkOut(_Concession):
    r"""Time-dependent concession that walks out on an offer below a threshold.

    Concedes as :class:`TimeDependent` with exponent e. At its turn in round s ≥ ``from_round``
    it first accepts if u(ω) ≥ T_s; otherwise, if the offer on the table is worth less than
    ``threshold`` (own raw utility), it ends the talks with no deal (reason ``walked-out``).

        walk iff s ≥ k and u(ω) < θ and u(ω) < T_s

    Models a delegation leaving the table over an unacceptable demand (the SMA meeting of
    19 November 2019 ended after about an hour).

    References: the protocol's "end negotiation" response — Aydoğan, Festen, Hindriks & Jonker
    (2017), "Alternating offers protocols for multilateral negotiation", Modern Approaches to
    Agent-based Complex Automated Negotiation, SCI 674, pp. 153–167 (NegMAS 0.16.0
    ``ResponseType.END_NEGOTIATION``); concession as Faratin, Sierra & Jennings (1998).
    """

    classifier: ClassVar[dict[str, bool]] = {**_Concession.classifier, "walks_out": True}

    def __init__(
        self,
        threshold: float = 0.3,
        from_round: int = 0,
        e: float = 4.0,
        negmas_eps: float = kernels.NEGMAS_TB_EPS,
        pick: str = "lowest",
    ) -> None:
        if not math.isfinite(_number(type(self), "threshold", threshold, "a finite utility")):
            raise bad_param(type(self), "threshold", "a finite utility", threshold)
        if isinstance(from_round, bool) or not isinstance(from_round, int) or from_round < 0:
            raise bad_param(type(self), "from_round", "a round number ≥ 0", from_round)
        self.threshold = float(threshold)
        self.from_round = int(from_round)
        self.e = _check_exponent(type(self), e)
        self.negmas_eps = _check_eps(type(self), negmas_eps)
        self.walk_below = self.threshold
        self.walk_from = self.from_round
        self.pick = _check_pick(type(self), pick)

    def params(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "from_round": self.from_round,
            "e": self.e,
            "negmas_eps": self.negmas_eps,
            "pick": self.pick,
        }

    def batch_params(self) -> dict[str, Any] | None:
        return {
            "kind": KIND_TIME_DEPENDENT,
            "e": self.e,
            "eps": self.negmas_eps,
            "walk_below": self.threshold,
            "walk_from": self.from_round,
            "pareto": self.pick == "pareto",
        }


@register("nash-seeker", "offers the Nash bargaining outcome and accepts anything as good")
class NashSeeker(_Threshold):
    r"""Insists on the Nash bargaining solution.

    Target outcome N = ``target`` if given, else

        N = argmax_ω (u(ω) − r)(u_opp(ω) − r_opp)  over ω with u(ω) > r and u_opp(ω) > r_opp

    (reservation values of round 0; lowest index on ties). In round s the target utility is
    T_s = max(u(N), f_s); it offers N while u(N) ≥ f_s (else the lowest outcome with u ≥ f_s) and
    accepts ω iff u(ω) ≥ T_s. With no outcome better than both reservation values it behaves as a
    hardliner (offers its best, accepts only its best). Needs the opponent's utility (complete
    information).

    Reference: Nash (1950), "The bargaining problem", Econometrica 18(2): 155–162.
    """

    classifier: ClassVar[dict[str, bool]] = {
        **_Threshold.classifier,
        "uses_opponent_utility": True,
    }

    def __init__(self, target: int | None = None) -> None:
        if target is not None and (
            isinstance(target, bool) or not isinstance(target, int | np.integer) or target < 0
        ):
            raise bad_param(type(self), "target", "an outcome index ≥ 0 or None", target)
        self.target = None if target is None else int(target)

    def params(self) -> dict[str, Any]:
        return {"target": self.target}

    def nash_point(self, view: SideView) -> int:
        if self.target is not None:
            if self.target >= view.n_outcomes:
                raise bad_param(
                    type(self), "target", f"an outcome index < {view.n_outcomes}", self.target
                )
            return self.target
        return int(
            kernels.nash_outcomes(
                view.u[None, :],
                view.u_opp[None, :],
                view.reserved[:1],
                view.opp_reserved[:1],
            )[0]
        )

    def start(self, view: SideView) -> None:
        super().start(view)
        self.point = self.nash_point(view)

    def target_utility(self, s: int) -> float:
        if self.point < 0:
            return self.view.best
        return max(self._u[self.point], self.view.floor_list[s])

    def choose(self, s: int, target: float) -> int:
        if self.point >= 0 and self._u[self.point] >= self.view.floor_list[s]:
            return self.point
        return self.view.pick(target)

    def batch_params(self) -> dict[str, Any] | None:
        return {"kind": KIND_NASH, "target": -1 if self.target is None else self.target}
