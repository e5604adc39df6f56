"""The reference alternating-offers engine: one negotiation, readable, with a full trace.

Protocol (stacked alternating offers, two sides, a deadline in rounds): in each round
s = 0 … n_steps−1 the opener acts, then the responder. Acting means accepting the opponent's offer
on the table, making an offer (which replaces it), or walking out. An accepted offer is a
tentative agreement; if a ratification hook rejects it, it is voided, struck from the agenda
(neither side may offer it again) and the talks go on with an empty table. ``step`` counts rounds
as NegMAS does: an agreement or walk-out in round s gives s + 1; no agreement gives n_steps.

Works on utility arrays over an enumerated outcome space (outcome i is index i). Full semantics,
and every difference between the default and ``compat="negmas"``: ``docs/bargaining.md``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from burdenshare.bargaining.checks import (
    check_discount,
    check_mode,
    check_negmas_inputs,
    check_reserved,
    check_rounds,
    check_seed,
    check_steps,
    check_times,
    check_utilities,
)
from burdenshare.bargaining.strategies import kernels
from burdenshare.bargaining.strategies.base import (
    Act,
    Reason,
    SideView,
    Strategy,
    make_strategy,
)
from burdenshare.errors import BurdenshareError, Problem

SIDES = ("opener", "responder")


class TraceEntry(NamedTuple):
    """One event: ``action`` is ``offer``, ``accept``, ``void`` (ratification failed) or
    ``walk``; ``utilities`` are (opener, responder) raw utilities of ``outcome``."""

    round: int
    side: int
    action: str
    outcome: int | None
    utilities: tuple[float, float] | None


ACTIONS = ("offer", "accept", "void", "walk")


@dataclass
class Negotiation:
    """The result of one negotiation.

    ``payoffs`` are what each side ends with in the round s the talks ended: ``δ_s·u`` of the
    agreement, or ``δ_s·r_s``, the outside option (δ_s = d^{t_s}; 1 without a discount).
    ``trace`` is built on first access from the compact event log the engine keeps.
    """

    agreement: int | None
    step: int
    timedout: bool
    ended_by: int | None
    reason: Reason
    utilities: tuple[float, float] | None
    payoffs: tuple[float, float]
    note: str = ""
    events: list[tuple[int, int, int, int]] = field(default_factory=list, repr=False)
    u: tuple[list[float], list[float]] | None = field(default=None, repr=False)
    #: outcomes voided by ratification and off the agenda at the end (carried in and new)
    struck: set[int] = field(default_factory=set, repr=False)
    _trace: list[TraceEntry] | None = field(default=None, init=False, repr=False)

    @property
    def trace(self) -> list[TraceEntry]:
        """Every event in order: (round, side, action, outcome, (u_opener, u_responder))."""
        if self._trace is None:
            u0, u1 = self.u if self.u is not None else ([], [])
            self._trace = [
                TraceEntry(s, side, ACTIONS[k], None, None)
                if o < 0
                else TraceEntry(s, side, ACTIONS[k], o, (u0[o], u1[o]))
                for s, side, k, o in self.events
            ]
        return self._trace

    @property
    def n_offers(self) -> int:
        return sum(1 for e in self.events if e[2] == 0)

    @property
    def voided(self) -> list[int]:
        return [e[3] for e in self.events if e[2] == 2]

    def last_offer(self, side: int) -> int | None:
        """The last outcome ``side`` offered (0 opener, 1 responder), or None."""
        for _s, who, k, o in reversed(self.events):
            if who == side and k == 0:
                return o
        return None

    @property
    def offers(self) -> list[tuple[int, int, int]]:
        """(round, side, outcome) of every offer, as NegMAS's ``extended_trace`` lists them."""
        return [(s, side, o) for s, side, k, o in self.events if k == 0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "agreement": self.agreement,
            "step": self.step,
            "timedout": self.timedout,
            "ended_by": None if self.ended_by is None else SIDES[self.ended_by],
            "reason": self.reason.label,
            "note": self.note,
            "n_offers": self.n_offers,
            "utilities": None if self.utilities is None else list(self.utilities),
            "payoffs": list(self.payoffs),
            "trace": [
                [e.round, SIDES[e.side], e.action, e.outcome, e.utilities] for e in self.trace
            ],
        }


def resolve(strategy: str | Strategy, name: str) -> Strategy:
    if isinstance(strategy, Strategy):
        return strategy
    if isinstance(strategy, str):
        return make_strategy(strategy)
    raise BurdenshareError(
        [
            Problem(
                "not a strategy",
                path=name,
                expected="a strategy name or Strategy",
                found=type(strategy).__name__,
            )
        ]
    )


def sort_utilities(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Outcome indices in ascending own utility (stable: ties by index) and the sorted values."""
    if u.ndim == 1:
        # Without ties every sort gives the same order, and quicksort is faster than stable
        order = np.argsort(u)
        sorted_u = u[order]
        if (sorted_u[1:] == sorted_u[:-1]).any():
            order = np.argsort(u, kind="stable")
            sorted_u = u[order]
        return order, sorted_u
    order = np.argsort(u, axis=-1, kind="stable")
    return order, np.take_along_axis(u, order, axis=-1)


# ---------------------------------------------------------------- the engine


def negotiate(
    u_opener: ArrayLike,
    u_responder: ArrayLike,
    opener: str | Strategy,
    responder: str | Strategy,
    n_steps: int,
    *,
    reserved: tuple[ArrayLike, ArrayLike] = (0.0, 0.0),
    discount: tuple[float, float] | None = None,
    ratify: Callable[[int], bool] | None = None,
    compat: str | None = None,
    seed: int | np.random.SeedSequence = 0,
    times: tuple[ArrayLike, ArrayLike] | None = None,
    rounds: tuple[int, int] | None = None,
    struck: set[int] | None = None,
    reveal: tuple[ArrayLike, ArrayLike] | None = None,
) -> Negotiation:
    """Run one negotiation and return its result with the full trace.

    Args:
        u_opener, u_responder: utility of every outcome for each side, ``[n_outcomes]``.
        opener, responder: registry names (``"boulware"``) or :class:`Strategy` objects.
        n_steps: deadline in rounds (≥ 1).
        reserved: each side's outside option, a number or one value per round (default mode).
        discount: each side's d; ending in round s, deal and outside option are both
            multiplied by ``d^{t_s}`` (GENIUS semantics; default mode only).
        ratify: called on every accepted outcome; False voids it and the talks go on.
        compat: None (default semantics) or ``"negmas"`` (NegMAS 0.16.0, bit for bit).
        seed: root seed; the sides get its children 0 and 1.
        times: each side's relative time ``t_s`` per round, ``[n_steps]`` each, non-decreasing
            in [0, 1] (default: :func:`kernels.relative_times`); a side whose clock runs out
            before the last round (``t = 1``) sits at its floor from then on.
        rounds: ``(first, stop)``: play only rounds ``first … stop − 1`` of the ``n_steps``
            (default: all) with an empty table at the start; a negotiation not concluded by
            ``stop − 1`` ends timed out with ``step = stop``. Chains of such segments model talks
            whose game changes on dated events (:mod:`burdenshare.bargaining.talks`).
        struck: outcomes already voided by ratification before ``first`` (not offered again);
            the result's :attr:`Negotiation.struck` is the set at the end.
        reveal: each side's ratifier as a boolean mask over outcomes: a rejection is public,
            so when a tentative deal is voided, every outcome a rejecting ratifier would also
            reject is struck with it (without ``reveal`` only the voided outcome is).
    """
    negmas = check_mode(compat)
    n_steps = check_steps(n_steps)
    us = [check_utilities(u_opener, "u_opener"), check_utilities(u_responder, "u_responder")]
    if us[0].shape != us[1].shape:
        raise BurdenshareError(
            [
                Problem(
                    "the sides' utilities differ in length",
                    path="u_responder",
                    expected=str(us[0].shape),
                    found=str(us[1].shape),
                )
            ]
        )
    rs = [check_reserved(reserved[i], n_steps, f"reserved[{i}]") for i in range(2)]
    check_seed(seed)
    if negmas:
        varies = any(
            not isinstance(reserved[i], float | int) and bool((rs[i] != rs[i][0]).any())
            for i in range(2)
        )
        check_negmas_inputs(negmas, discount, ratify, varies)
    side_times = check_times(times, n_steps, negmas)
    first, stop = check_rounds(rounds, n_steps)
    revealed: tuple[set[int], set[int]] | None = None
    if reveal is not None:
        masks = [np.asarray(m, dtype=bool) for m in reveal]
        if any(m.shape != us[0].shape for m in masks):
            raise BurdenshareError([Problem("reveal masks must cover the outcomes", path="reveal")])
        revealed = (
            set(np.flatnonzero(~masks[0]).tolist()),
            set(np.flatnonzero(~masks[1]).tolist()),
        )
    if negmas and (times is not None or rounds is not None or struck):
        raise BurdenshareError(
            [Problem("compat='negmas' plays whole negotiations on NegMAS's clock", path="compat")]
        )
    if discount is None:
        deltas: list[np.ndarray | None] = [None, None]
    else:
        deltas = [
            kernels.discounts(side_times[i], check_discount(discount[i], f"discount[{i}]"))[0]
            for i in range(2)
        ]
    strategies = [resolve(opener, "opener"), resolve(responder, "responder")]
    if strategies[1] is strategies[0]:
        strategies[1] = copy.deepcopy(strategies[0])  # one object cannot hold two sides' state
    struck = set(struck or ())
    u_lists = [us[0].tolist(), us[1].tolist()]
    for side in range(2):
        order, sorted_u = sort_utilities(us[side])
        if isinstance(reserved[side], float | int):  # one value: the floor is one number
            level = max(float(sorted_u[0]), float(rs[side][0]))
            floor, floor_list = np.full(n_steps, level), [level] * n_steps
        else:
            floor = kernels.floors(sorted_u[:1], rs[side][None, :], negmas)[0]
            floor_list = floor.tolist()
        view = SideView(
            side=side,
            n_steps=n_steps,
            negmas=negmas,
            times=side_times[side],
            u=us[side],
            u_opp=us[1 - side],
            reserved=rs[side],
            opp_reserved=rs[1 - side],
            delta=kernels.ones(n_steps) if deltas[side] is None else deltas[side],  # type: ignore[arg-type]
            floor=floor,
            order=order,
            sorted_u=sorted_u,
            root=seed,
            struck=struck,
            u_list=u_lists[side],
            floor_list=floor_list,
            best=float(sorted_u[-1]),
            worst=float(sorted_u[0]),
            # large spaces: serve a short negotiation's picks from numpy, skipping the lists
            _numpy_picks=8 if sorted_u.shape[0] > 256 else 0,
        )
        strategies[side].start(view)
    return _run(u_lists, rs, deltas, strategies, n_steps, ratify, struck, first, stop, revealed)


def _run(
    us: Sequence[list[float]],
    rs: Sequence[np.ndarray],
    deltas: Sequence[np.ndarray | None],
    strategies: Sequence[Strategy],
    n_steps: int,
    ratify: Callable[[int], bool] | None,
    struck: set[int],
    first: int,
    stop: int,
    revealed: tuple[set[int], set[int]] | None = None,
) -> Negotiation:
    u0, u1 = us
    n = len(u0)
    events: list[tuple[int, int, int, int]] = []  # (round, side, action code, outcome or -1)
    log = events.append
    acts = (strategies[0].act, strategies[1].act)
    table: int | None = None

    def finish(
        agreement: int | None, s: int, ended_by: int | None, reason: Reason, note: str = ""
    ) -> Negotiation:
        utilities = None if agreement is None else (u0[agreement], u1[agreement])
        base = (float(rs[0][s]), float(rs[1][s])) if utilities is None else utilities
        payoffs = (
            base[0] if deltas[0] is None else float(deltas[0][s]) * base[0],
            base[1] if deltas[1] is None else float(deltas[1][s]) * base[1],
        )
        timedout = reason is Reason.TIMEDOUT
        step = stop if timedout else s + 1
        return Negotiation(
            agreement,
            step,
            timedout,
            ended_by,
            reason,
            utilities,
            payoffs,
            note,
            events,
            (u0, u1),
            struck,
        )

    for s in range(first, stop):
        for side in (0, 1):
            action = acts[side](s, table)
            kind = action[0]
            if kind is Act.OFFER:
                o = action[1]
                if not 0 <= o < n or o in struck:
                    raise _bad_move(strategies[side], side, s, f"offered outcome {o}")
                log((s, side, 0, o))
                table = o
            elif kind is Act.ACCEPT:
                if table is None:
                    raise _bad_move(
                        strategies[side], side, s, "accepted with no offer on the table"
                    )
                log((s, side, 1, table))
                if ratify is not None and not ratify(table):
                    log((s, side, 2, table))
                    struck.add(table)
                    if revealed is not None:
                        for rejected in revealed:
                            if table in rejected:
                                struck |= rejected
                    table = None
                    continue
                return finish(table, s, side, Reason.AGREED)
            else:
                log((s, side, 3, -1))
                return finish(None, s, side, action.reason or Reason.WALKED_OUT, action.note)
    return finish(None, stop - 1, None, Reason.TIMEDOUT)


def _bad_move(strategy: Strategy, side: int, s: int, what: str) -> BurdenshareError:
    return BurdenshareError(
        [
            Problem(
                f"strategy {strategy!r} ({SIDES[side]}) made an illegal move in round {s}: {what}",
                expected="an unstruck outcome index, or accept with an offer on the table",
            )
        ]
    )
