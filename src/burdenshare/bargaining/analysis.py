"""One domain's bargaining analysis: frontier, ZOPA, solution points and distances to them.

:func:`analyze_bargaining` (or :meth:`BargainingAnalysis.from_domain`) computes, for utilities
``u[p, n]``, reservation values ``r`` and an optional admissible mask (e.g. both win-sets):

* the Pareto frontier of the admissible outcomes and the ZOPA (size, utility ranges);
* the ideal point and every point solution of the
  :data:`~burdenshare.bargaining.solutions.SOLUTIONS` registry (Nash, Kalai–Smorodinsky,
  maximum welfare), plus the discrete Rubinstein agreement when discount factors and a horizon
  are given (:func:`~burdenshare.bargaining.rubinstein.rubinstein_discrete`);
* for any agreements (:meth:`BargainingAnalysis.distances`): utilities, welfare, Nash product,
  whether each lies in the ZOPA and on the frontier, its Euclidean distance to the frontier and
  to each solution point (see :mod:`burdenshare.bargaining.solutions` for the definitions).

Run it twice — without and with the ratification mask — to see what ratification does to the
zone and the solutions. The model does no I/O; :meth:`BargainingAnalysis.to_frame` gives a
table for the report and the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from burdenshare.bargaining.rubinstein import DiscreteRubinstein, rubinstein_discrete
from burdenshare.bargaining.solutions import (
    SOLUTIONS,
    SolutionError,
    Zopa,
    check_problem,
    frontier_distance,
    pareto_mask,
    zopa,
)
from burdenshare.errors import Problem

if TYPE_CHECKING:
    from burdenshare.bargaining.domain import Domain

__all__ = ["BargainingAnalysis", "analyze_bargaining"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class BargainingAnalysis:
    """Everything :func:`analyze_bargaining` computes for one domain.

    ``points`` maps a solution name to its outcome index (None: empty ZOPA), in registry order,
    then ``"rubinstein"`` when computed. ``pareto`` holds the frontier's outcome indices by the
    first party's utility ascending.
    """

    utilities: FloatArray
    reserved: FloatArray
    admissible: BoolArray
    parties: tuple[str, ...]
    pareto: IntArray
    on_pareto: BoolArray
    zopa: Zopa
    ideal: FloatArray
    points: dict[str, int | None]
    rubinstein: DiscreteRubinstein | None = None

    @classmethod
    def from_domain(
        cls,
        domain: Domain,
        mask: ArrayLike | None = None,
        *,
        discount: ArrayLike | None = None,
        rounds: int | None = None,
        first: int = 0,
    ) -> BargainingAnalysis:
        """:func:`analyze_bargaining` on a domain's utilities, reservation values and parties."""
        return analyze_bargaining(
            domain.utilities,
            domain.reserved,
            mask,
            parties=domain.parties,
            discount=discount,
            rounds=rounds,
            first=first,
        )

    @property
    def n_outcomes(self) -> int:
        return int(self.utilities.shape[1])

    def point(self, name: str) -> FloatArray | None:
        """The utility vector of solution ``name`` (None without one)."""
        if name not in self.points:
            raise SolutionError(
                [
                    Problem(
                        f"unknown solution point '{name}'",
                        expected="one of " + ", ".join(self.points),
                        found=name,
                    )
                ]
            )
        o = self.points[name]
        return None if o is None else self.utilities[:, o].copy()

    def distances(self, outcomes: ArrayLike) -> pd.DataFrame:
        """One row per agreement (an outcome index; −1 = no deal, NaN utilities and distances).

        Columns: ``outcome``, ``u_<party>``, ``welfare`` (Σ u), ``nash_product``
        (Π (u − r)), ``in_zopa``, ``on_pareto``, ``pareto_distance``, and ``to_<solution>``
        (Euclidean distance in utility space; NaN when that solution does not exist).
        """
        idx = np.asarray(outcomes, dtype=np.int64).reshape(-1)
        n = self.n_outcomes
        if ((idx < -1) | (idx >= n)).any():
            bad = idx[(idx < -1) | (idx >= n)][0]
            raise SolutionError(
                [
                    Problem(
                        "agreement is not an outcome index",
                        expected=f"−1 (no deal) or 0 … {n - 1}",
                        found=str(bad),
                    )
                ]
            )
        deal = idx >= 0
        pts = np.full((self.utilities.shape[0], idx.shape[0]), np.nan)
        pts[:, deal] = self.utilities[:, idx[deal]]
        cols: dict[str, object] = {"outcome": idx}
        for p, name in enumerate(self.parties):
            cols[f"u_{name}"] = pts[p]
        cols["welfare"] = pts.sum(axis=0)
        cols["nash_product"] = np.prod(pts - self.reserved[:, None], axis=0)
        safe = np.where(deal, idx, 0)
        cols["in_zopa"] = deal & self.zopa.mask[safe]
        cols["on_pareto"] = deal & self.on_pareto[safe]
        cols["pareto_distance"] = frontier_distance(pts, self.utilities[:, self.pareto])
        for name, o in self.points.items():
            if o is None:
                cols[f"to_{name}"] = np.full(idx.shape[0], np.nan)
            else:
                diff = pts - self.utilities[:, o, None]
                cols[f"to_{name}"] = np.sqrt((diff * diff).sum(axis=0))
        return pd.DataFrame(cols)

    def to_frame(self) -> pd.DataFrame:
        """One row per solution point (index: its name), columns as :meth:`distances`; a
        solution without a point has outcome −1 and NaN numbers."""
        outcomes = [-1 if o is None else o for o in self.points.values()]
        frame = self.distances(outcomes)
        frame.index = pd.Index(list(self.points), name="solution")
        return frame

    def summary(self) -> dict[str, float | int]:
        """Flat numbers for a report line: outcomes, admissible, frontier size, the ZOPA
        (:meth:`Zopa.as_dict`, prefixed ``zopa_``) and the ideal point."""
        out: dict[str, float | int] = {
            "n_outcomes": self.n_outcomes,
            "n_admissible": int(self.admissible.sum()),
            "n_pareto": int(self.pareto.shape[0]),
        }
        out.update({f"zopa_{k}": v for k, v in self.zopa.as_dict(self.parties).items()})
        for name, value in zip(self.parties, self.ideal.tolist(), strict=True):
            out[f"ideal_{name}"] = value
        return out


def analyze_bargaining(
    u: ArrayLike,
    r: ArrayLike,
    mask: ArrayLike | None = None,
    *,
    parties: tuple[str, ...] | list[str] | None = None,
    discount: ArrayLike | None = None,
    rounds: int | None = None,
    first: int = 0,
) -> BargainingAnalysis:
    """Frontier, ZOPA, ideal point and solution points of one domain (see module docstring).

    ``parties`` names the rows of ``u`` (default ``p0, p1, …``). With ``discount`` (one
    per-round factor per party) and ``rounds``, the T-round alternating-offers equilibrium on the
    outcome space is added as ``points["rubinstein"]`` (player ``first`` proposes first).
    """
    u_, r_, m = check_problem(u, r, mask)
    u_, r_, m = u_.copy(), r_.copy(), m.copy()  # frozen below; never freeze the caller's arrays
    names = tuple(parties) if parties is not None else tuple(f"p{i}" for i in range(u_.shape[0]))
    if len(names) != u_.shape[0] or len(set(names)) != len(names):
        raise SolutionError(
            [
                Problem(
                    "one distinct name per party",
                    expected=f"{u_.shape[0]} names",
                    found=", ".join(names),
                )
            ]
        )
    if (discount is None) != (rounds is None):
        raise SolutionError(
            [
                Problem(
                    "the Rubinstein point needs both discount factors and a number of rounds",
                    found=f"discount={discount!r}, rounds={rounds!r}",
                )
            ]
        )
    front_mask = pareto_mask(u_, m)
    front = np.flatnonzero(front_mask)
    front = front[np.lexsort((front, u_[0, front]))]
    zone = zopa(u_, r_, m)
    ideal = u_[:, zone.mask].max(axis=1) if zone.size else np.full(u_.shape[0], np.nan)
    points: dict[str, int | None] = {name: solve(u_, r_, m) for name, solve in SOLUTIONS.items()}
    game = None
    if discount is not None and rounds is not None:
        game = rubinstein_discrete(u_, r_, discount, rounds, first, m)
        points["rubinstein"] = game.outcome
    for array in (u_, r_, m, front, front_mask, ideal):
        array.setflags(write=False)
    return BargainingAnalysis(
        utilities=u_,
        reserved=r_,
        admissible=m,
        parties=names,
        pareto=front.astype(np.int64),
        on_pareto=front_mask,
        zopa=zone,
        ideal=ideal,
        points=points,
        rubinstein=game,
    )
