"""Compromise models: a power- and salience-weighted average of the actors' positions.

On each dimension k the forecast is

    x̂_k = Σ_i w_ik x_ik / Σ_i w_ik,   w_ik = v_i^α · s_ik^β,

where ``v_i`` is the actor's power: its capability from the table (``power="capability"``),
its Council voting weight (``power="council"``, :mod:`burdenshare.forecast.eu`; actors without
one keep their capability, and the notes say so) or 1 (``power="equal"``). With α = β = 1 and
table capabilities this is the weighted mean baseline.

This is the "compromise model" of van den Bos (1991) as evaluated by Achen, C. H. (2006),
"Evaluating political decision-making models", in Thomson, Stokman, Achen & König (eds.), *The
European Union Decides*, Cambridge University Press: the salience- and power-weighted mean of
the initial positions, with Council voting weights as power, did as well as or better than the
bargaining models on DEU I. The exponents are this project's fitted variant (a power and
salience transform chosen on a training split of proposals, ``burdenshare.backtest.fit``).
Actors whose weight is 0 (salience 0) take no part; the notes say how many.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from burdenshare.errors import BurdenshareError
from burdenshare.forecast.actors import ActorTable
from burdenshare.forecast.baselines import static_result
from burdenshare.forecast.eu import council_votes
from burdenshare.forecast.registry import MODELS
from burdenshare.forecast.result import ForecastResult

__all__ = ["FITTED_ALPHA", "FITTED_BETA", "CompromiseModel", "compromise"]

#: exponents fitted on the DEU III training split (``burdenshare.backtest.fit.fit_compromise``,
#: split seed 20210); a test refits them and checks these values
FITTED_ALPHA = 0.3
FITTED_BETA = 0.5

Power = Literal["capability", "council", "equal"]


def compromise(x: np.ndarray, v: np.ndarray, s: np.ndarray, alpha: float, beta: float) -> float:
    """``Σ v^α s^β x / Σ v^α s^β`` over actors with a positive weight (0^0 counts as 0 here:
    an actor with salience 0 takes no part even at β = 0).

    >>> compromise(np.array([0.0, 100.0]), np.array([1.0, 3.0]), np.array([1.0, 1.0]), 1, 1)
    75.0
    """
    w = _weights(v, s, alpha, beta)
    return float(np.dot(w, x) / w.sum())


def _weights(v: np.ndarray, s: np.ndarray, alpha: float, beta: float) -> np.ndarray:
    active = (v > 0) & (s > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(active, np.power(v, alpha) * np.power(s, beta), 0.0)
    return w


@dataclass(frozen=True)
class CompromiseModel:
    """Weighted average ``Σ v^α s^β x / Σ v^α s^β`` per dimension (see the module)."""

    power: Power = "capability"
    alpha: float = 1.0
    beta: float = 1.0
    name: str = "compromise"

    def __post_init__(self) -> None:
        if self.power not in ("capability", "council", "equal"):
            raise BurdenshareError.single(
                "unknown power for the compromise model",
                path="power",
                expected="capability, council or equal",
                found=str(self.power),
            )

    def powers(self, table: ActorTable) -> tuple[np.ndarray, tuple[str, ...]]:
        """(N,) the actors' power v and notes on how it was found."""
        if self.power == "equal":
            return np.ones(table.n_actors), ("every actor has the same power",)
        if self.power == "capability":
            return table.capability.astype(np.float64), ()
        votes = [council_votes(n) for n in table.names]
        missing = [n for n, v in zip(table.names, votes, strict=True) if v is None]
        v = np.array([c if v is None else v for c, v in zip(table.capability, votes, strict=True)])
        notes = ("power: Council voting weights (Nice), Commission and Parliament 29",)
        if missing:
            notes += (f"no Council weight for {', '.join(missing)}: table capability kept",)
        return v, notes

    def run(
        self, table: ActorTable, *, max_rounds: int | None = None, seed: object = None
    ) -> ForecastResult:
        """Round 0 only; ``forecast`` is the compromise per dimension."""
        v, notes = self.powers(table)
        fc = np.empty(table.n_dims)
        idle = 0
        for k in range(table.n_dims):
            w = _weights(v, table.salience[:, k], self.alpha, self.beta)
            idle = max(idle, int((w == 0).sum()))
            if not w.sum() > 0:
                raise BurdenshareError.single(
                    "no actor has both power and salience on this dimension",
                    file=table.source,
                    path=table.dimensions[k],
                    expected="some power × salience > 0",
                    found="0",
                )
            fc[k] = float(np.dot(w, table.position[:, k]) / w.sum())
        if idle:
            notes += (f"{idle} actor(s) with salience 0 take no part",)
        return static_result(
            self.name,
            table,
            fc,
            notes=tuple(notes),
            options={"power": self.power, "alpha": self.alpha, "beta": self.beta},
        )


MODELS.add(
    "compromise",
    lambda **o: CompromiseModel(**{"power": "equal", "name": "compromise", **o}),
)
MODELS.add(
    "compromise-council",
    lambda **o: CompromiseModel(**{"power": "council", "name": "compromise-council", **o}),
)
MODELS.add(
    "compromise-fitted",
    lambda **o: CompromiseModel(
        **{
            "power": "capability",
            "alpha": FITTED_ALPHA,
            "beta": FITTED_BETA,
            "name": "compromise-fitted",
            **o,
        }
    ),
)
