"""A procedural model of EU legislation: the Commission proposes, the Council (and, under
co-decision, the Parliament) must prefer the proposal to the reference point.

One dimension; actor i prefers y to the reference point ``rp`` iff ``|x_i − y| < |x_i − rp|``
(symmetric single-peaked preferences). On the side of ``rp`` where the agenda setter's ideal
``x_a`` lies, a point y beats rp in the Council iff the member states preferring y carry at
least the quota q of the present states' Council votes v (Nice weights,
:mod:`burdenshare.forecast.eu`): q = 255/345 under ``QMV``, every present state under ``Unan``.
State i prefers y > rp iff ``x_i > rp`` and ``y < 2x_i − rp``, so the Council's win-set on that
side is ``(rp, R)`` with R the largest reflection ``2x_i − rp`` whose states, with every state
reflecting further out, reach the quota. Under co-decision (``COD``) the Parliament must also
prefer y: ``R ← min(R, 2x_ep − rp)``. The forecast is the point of the win-set nearest the
agenda setter, ``clip(x_a, rp, R)`` (mirrored on the other side), or ``rp`` when the win-set is
empty: the agenda-setter outcome of the consultation models of Steunenberg (1994) and Crombez
(1996), as tested with the DEU reference point by Steunenberg & Selck (2006), "Testing
procedural models of EU legislative decision-making", ch. 3 of Thomson, Stokman, Achen & König
(eds.), *The European Union Decides* (CUP). Co-decision is simplified to a second veto player
(no conciliation stage).

What the model decides where the procedure gives no answer (and says so in the notes): an
unknown reference point or an absent Commission → the capability × salience weighted mean
(the baseline); a state with salience 0 still votes (its position is all the model uses);
actors without a Council weight (not ``com``/``ep``/a member state) are not in the Council;
``QMV(10)`` counts as QMV.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from burdenshare.forecast.actors import ActorTable
from burdenshare.forecast.baselines import static_result, weighted_mean
from burdenshare.forecast.eu import COUNCIL_VOTES, QMV_QUOTA
from burdenshare.forecast.registry import MODELS
from burdenshare.forecast.result import ForecastResult

__all__ = ["ProceduralModel", "winset_edge"]


def winset_edge(x: np.ndarray, v: np.ndarray, rp: float, quota: float, side: int) -> float:
    """The far edge of the win-set against ``rp`` on ``side`` (+1 above rp, −1 below), for
    voters at ``x`` with votes ``v`` needing ``quota`` of ``v.sum()``; ``rp`` if empty.

    >>> winset_edge(np.array([60.0, 70.0, 20.0]), np.array([1.0, 1.0, 1.0]), 50.0, 2 / 3, +1)
    70.0
    """
    need = quota * float(v.sum())
    gain = side * (x - rp) > 0
    if not gain.any():
        return rp
    reach = np.abs(2 * x[gain] - 2 * rp)  # distance from rp to the reflection 2x − rp
    order = np.argsort(-reach, kind="stable")
    cum = np.cumsum(v[gain][order])
    ok = np.flatnonzero(cum >= need - 1e-9)
    if ok.size == 0:
        return rp
    return float(rp + side * reach[order][ok[0]])


@dataclass(frozen=True)
class ProceduralModel:
    """Agenda setter's best proposal that the voting rule lets pass against ``rp``."""

    voting_rule: str = "QMV"
    procedure: str = "COD"
    reference_point: float | None = None
    agenda_setter: str = "com"
    name: str = "procedural"

    #: what the DEU backtest passes from each issue (never the outcome)
    issue_fields = ("voting_rule", "procedure", "reference_point")

    def forecast_one(self, table: ActorTable, k: int = 0) -> tuple[float, tuple[str, ...]]:
        """The forecast on dimension ``k`` and the notes on what was decided."""
        names = [n.lower() for n in table.names]
        x = table.position[:, k]
        fallback = weighted_mean(x, table.weights()[:, k])
        if self.reference_point is None:
            return fallback, ("reference point unknown: the weighted mean",)
        if self.agenda_setter not in names:
            return fallback, (f"no agenda setter ({self.agenda_setter}): the weighted mean",)
        rp = float(self.reference_point)
        xa = float(x[names.index(self.agenda_setter)])
        if xa == rp:
            return rp, ("the agenda setter stands at the reference point",)
        side = 1 if xa > rp else -1
        states = [i for i, n in enumerate(names) if n in COUNCIL_VOTES]
        if not states:
            return fallback, ("no Council member present: the weighted mean",)
        v = np.array([float(COUNCIL_VOTES[names[i]]) for i in states])
        rule = self.voting_rule.strip().lower()
        quota = 1.0 if rule.startswith("unan") else QMV_QUOTA
        edge = winset_edge(x[states], v, rp, quota, side)
        notes: tuple[str, ...] = ()
        if self.procedure.strip().upper() == "COD" and "ep" in names:
            xe = float(x[names.index("ep")])
            ep_edge = rp + side * max(0.0, side * (2 * xe - 2 * rp))
            edge = min(edge, ep_edge) if side > 0 else max(edge, ep_edge)
            notes = ("co-decision: the Parliament must also prefer the proposal",)
        if edge == rp:
            return rp, (*notes, "empty win-set: the reference point stays")
        return (min(xa, edge) if side > 0 else max(xa, edge)), notes

    def run(
        self, table: ActorTable, *, max_rounds: int | None = None, seed: object = None
    ) -> ForecastResult:
        """Round 0 only; ``forecast`` per dimension (each dimension taken alone)."""
        fc = np.empty(table.n_dims)
        notes: list[str] = []
        for k in range(table.n_dims):
            fc[k], why = self.forecast_one(table, k)
            notes.extend(n for n in why if n not in notes)
        return static_result(
            self.name,
            table,
            fc,
            notes=tuple(notes),
            options={
                "voting_rule": self.voting_rule,
                "procedure": self.procedure,
                "reference_point": self.reference_point,
            },
        )


MODELS.add("procedural", ProceduralModel)
