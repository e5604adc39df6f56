"""Strategies whose moves depend on the opponent's moves or on chance (single engine only;
the batch engine runs them row by row through the reference engine)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from burdenshare.bargaining.strategies.base import (
    ACCEPT,
    Action,
    Reason,
    SideView,
    Strategy,
    bad_param,
    offer,
    register,
    walk,
)


def _outside(view: SideView, s: int) -> bool:
    return (not view.negmas) and bool(view.floor[s] > view.best)


@register("tit-for-tat", "relative tit-for-tat: mirrors the opponent's relative concession")
class RelativeTitForTat(Strategy):
    r"""Relative tit-for-tat in utility space.

    Let z_k be the opponent's k-th offer valued on the opponent's own utility, normalised to
    [0, 1] over the outcome space. The side's demand level x starts at 1 and, on each new offer,
    reproduces in percentage terms the opponent's concession δ offers earlier:

        x ← min(1, x · z_{k−δ+1} / z_{k−δ})      (unchanged while z_{k−δ} = 0 or k < δ)

    The target is T_s = f_s + (u_max − f_s)·x (clipped to [f_s, u_max]); accept ω iff
    u(ω) ≥ T_s, else offer the lowest-utility outcome with u ≥ T_s. It never concedes first, so
    two of them never move.

    References: Faratin, Sierra & Jennings (1998), §4.2.3 "relative tit-for-tat"
    (x_{n+1} = x^{opp}_{n−2δ} / x^{opp}_{n−2δ+2} · x_{n−1}, per issue value); Baarslag, Hindriks &
    Jonker (2013), "A tit for tat negotiation strategy for real-time bilateral negotiations",
    Complex Automated Negotiations, SCI 435, pp. 229–233 (mirroring concessions in utility space).
    """

    classifier: ClassVar[dict[str, bool]] = {
        **Strategy.classifier,
        "uses_opponent_utility": True,
    }

    def __init__(self, delay: int = 1) -> None:
        if isinstance(delay, bool) or not isinstance(delay, int) or delay < 1:
            raise bad_param(type(self), "delay", "an integer ≥ 1", delay)
        self.delay = int(delay)

    def params(self) -> dict[str, Any]:
        return {"delay": self.delay}

    def start(self, view: SideView) -> None:
        super().start(view)
        lo, hi = float(view.u_opp.min()), float(view.u_opp.max())
        self._opp_lo, self._opp_span = lo, hi - lo
        self._history: list[float] = []
        self.level = 1.0

    def _z(self, outcome: int) -> float:
        if self._opp_span <= 0.0:
            return 1.0
        return (float(self.view.u_opp[outcome]) - self._opp_lo) / self._opp_span

    def act(self, s: int, offer_: int | None) -> Action:
        view = self.view
        if _outside(view, s):
            return walk(Reason.OUTSIDE_OPTION, "outside option beats every outcome")
        if offer_ is not None:
            self._history.append(self._z(offer_))
            if len(self._history) > self.delay:
                old, new = self._history[-1 - self.delay], self._history[-self.delay]
                if old > 0.0:
                    self.level = min(1.0, self.level * new / old)
        floor, best = float(view.floor[s]), view.best
        target = max(floor, min(best, floor + (best - floor) * self.level))
        if offer_ is not None and view.u[offer_] >= target:
            return ACCEPT
        pick = view.unstruck(target, s)
        if pick is None:
            return walk(Reason.EXHAUSTED, "every acceptable outcome was struck")
        return offer(pick)


@register("random", "seeded random: random rational offers, accepts rational offers w.p. 1/2")
class RandomOffers(Strategy):
    r"""Seeded random play over rational outcomes.

    In round s, with floor f_s: if the offer on the table has u(ω) ≥ f_s, accept it with
    probability p (one uniform draw); otherwise offer an outcome drawn uniformly from the
    unstruck outcomes with u ≥ f_s (walk out if there is none). Never accepts below its
    reservation value. Deterministic given the seed the engine hands it.

    Reference: the random baseline ``RandomNegotiator`` of NegMAS (Mohammad, Nakadai &
    Greenwald (2019), "NegMAS: a platform for situated negotiations", ACAN workshop;
    https://negmas.readthedocs.io), restricted here to rational outcomes.
    """

    classifier: ClassVar[dict[str, bool]] = {**Strategy.classifier, "stochastic": True}

    def __init__(self, p_accept: float = 0.5) -> None:
        if not isinstance(p_accept, float | int) or not (0.0 <= p_accept <= 1.0):
            raise bad_param(type(self), "p_accept", "a probability in [0, 1]", p_accept)
        self.p_accept = float(p_accept)

    def params(self) -> dict[str, Any]:
        return {"p_accept": self.p_accept}

    def act(self, s: int, offer_: int | None) -> Action:
        view = self.view
        if _outside(view, s):
            return walk(Reason.OUTSIDE_OPTION, "outside option beats every outcome")
        floor = float(view.floor[s])
        if offer_ is not None and view.u[offer_] >= floor and self.rng.random() < self.p_accept:
            return ACCEPT
        start = int(np.searchsorted(view.sorted_u, floor, side="left"))
        pool = view.order[start:]
        if view.struck:
            pool = pool[~np.isin(pool, list(view.struck))]
        if pool.shape[0] == 0:
            return walk(Reason.EXHAUSTED, "no rational outcome left")
        return offer(int(pool[self.rng.integers(pool.shape[0])]))
