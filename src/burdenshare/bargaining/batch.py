"""The batch engine: many negotiations in lock-step as numpy arrays, same outcomes as
:func:`burdenshare.bargaining.engine.negotiate`.

Threshold strategies (the time-dependent family, walk-out, Nash-seeker) decide from a schedule
fixed before the talks, so per side the engine precomputes, for every negotiation and round, the
target utility ``T[b, s]`` and the outcome it would offer ``P[b, s]`` (a searchsorted into the
side's outcomes sorted by utility, once per batch when the utilities are shared). The round loop
is then a few gathers and comparisons on the negotiations still running. Schedules come from the
same functions the reference engine uses (:mod:`...strategies.kernels`), so the floating-point
values are identical. Rows whose strategies are not vectorised (tit-for-tat, random, your own)
run through the reference engine, row b with seed ``SeedSequence(seed).spawn(batch)[b]``.

Rows are processed in chunks to bound memory (``[chunk, n_steps]`` arrays per side).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from burdenshare.bargaining import checks, engine
from burdenshare.bargaining.engine import SIDES
from burdenshare.bargaining.strategies import kernels
from burdenshare.bargaining.strategies.base import Reason, Strategy, child_seed, make_strategy
from burdenshare.bargaining.strategies.concession import (
    KIND_NASH,
    KIND_TIME_DEPENDENT,
    TimeDependent,
    WalkOut,
)
from burdenshare.errors import BurdenshareError, Problem

KIND_REFERENCE = -1  # not vectorised: run by the reference engine

StrategySpec = str | Strategy


@dataclass(frozen=True)
class StrategyBatch:
    """One side's strategy for every negotiation, as parameter arrays.

    ``kind``: 0 time-dependent (``e``, ``eps``, optional ``walk_below`` from round
    ``walk_from``), 1 Nash-seeker (``target`` or −1 to compute it), −1 not vectorised
    (``objects[object_id[b]]`` runs in the reference engine).
    """

    kind: np.ndarray
    e: np.ndarray
    eps: np.ndarray
    walk_below: np.ndarray
    walk_from: np.ndarray
    target: np.ndarray
    object_id: np.ndarray
    objects: tuple[Strategy, ...] = ()
    #: Pareto offers (time-dependent rows): the opponent's best outcome at the target
    pareto: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.pareto is None:
            object.__setattr__(self, "pareto", np.zeros(self.kind.shape[0], dtype=bool))

    def __len__(self) -> int:
        return int(self.kind.shape[0])

    @classmethod
    def time_dependent(
        cls,
        e: ArrayLike,
        eps: ArrayLike = kernels.NEGMAS_TB_EPS,
        walk_below: ArrayLike = -math.inf,
        walk_from: ArrayLike = 0,
        pareto: ArrayLike = False,
    ) -> StrategyBatch:
        """Per-negotiation exponents (and tolerances, walk-out rules, Pareto offers) without
        objects: the fast way to build a million different concession strategies."""
        e = np.asarray(e, dtype=np.float64).reshape(-1)
        n = e.shape[0]
        if not (e >= 0).all():
            raise BurdenshareError(
                [Problem("exponents must be ≥ 0", path="e", expected="e ≥ 0", found="e < 0")]
            )
        return cls(
            kind=np.full(n, KIND_TIME_DEPENDENT, dtype=np.int8),
            e=e,
            eps=np.broadcast_to(np.asarray(eps, dtype=np.float64), (n,)).copy(),
            walk_below=np.broadcast_to(np.asarray(walk_below, dtype=np.float64), (n,)).copy(),
            walk_from=np.broadcast_to(np.asarray(walk_from, dtype=np.int64), (n,)).copy(),
            target=np.full(n, -1, dtype=np.int64),
            object_id=np.full(n, -1, dtype=np.int64),
            pareto=np.broadcast_to(np.asarray(pareto, dtype=bool), (n,)).copy(),
        )

    @classmethod
    def build(
        cls, spec: StrategySpec | Sequence[StrategySpec] | StrategyBatch, rows: int
    ) -> StrategyBatch:
        """From one strategy (all rows), one per row, or an existing batch (checked)."""
        if isinstance(spec, StrategyBatch):
            if len(spec) not in (1, rows):
                raise _shape_error("strategy batch", rows, len(spec))
            return spec if len(spec) == rows else spec.take(np.zeros(rows, dtype=np.int64))
        items = [spec] if isinstance(spec, str | Strategy) else list(spec)
        if len(items) not in (1, rows):
            raise _shape_error("strategies", rows, len(items))
        distinct: dict[object, tuple[int, Strategy]] = {}
        ids = np.empty(len(items), dtype=np.int64)
        for i, item in enumerate(items):
            if not isinstance(item, str | Strategy):
                raise BurdenshareError(
                    [
                        Problem(
                            "not a strategy",
                            path=f"strategies[{i}]",
                            expected="a strategy name or Strategy",
                            found=type(item).__name__,
                        )
                    ]
                )
            try:
                key: object = (type(item).__name__, item)
                hash(key)
            except TypeError:  # a user strategy with unhashable parameters
                key = ("id", id(item))
            if key not in distinct:
                obj = make_strategy(item) if isinstance(item, str) else item
                distinct[key] = (len(distinct), obj)
            ids[i] = distinct[key][0]
        objects = tuple(obj for _, obj in distinct.values())
        table = [_params(o) for o in objects]

        def column(name: str, dtype: type) -> np.ndarray:
            return np.array([t[name] for t in table], dtype=dtype)[ids]

        out = cls(
            kind=column("kind", np.int8),
            e=column("e", np.float64),
            eps=column("eps", np.float64),
            walk_below=column("walk_below", np.float64),
            walk_from=column("walk_from", np.int64),
            target=column("target", np.int64),
            object_id=ids,
            objects=objects,
            pareto=column("pareto", bool),
        )
        return out if len(items) == rows else out.take(np.zeros(rows, dtype=np.int64))

    def take(self, index: np.ndarray | slice) -> StrategyBatch:
        return StrategyBatch(
            **{f.name: getattr(self, f.name)[index] for f in fields(self) if f.name != "objects"},
            objects=self.objects,
        )


def _params(strategy: Strategy) -> dict[str, float]:
    """The row's parameters; strategies not classified ``batch`` run in the reference engine."""
    p = strategy.batch_params() if strategy.classifier.get("batch") else None
    base = {
        "kind": KIND_REFERENCE,
        "e": 1.0,
        "eps": 0.0,
        "walk_below": -math.inf,
        "walk_from": 0,
        "target": -1,
        "pareto": False,
    }
    return base if p is None else {**base, **p}


def _shape_error(what: str, rows: int, found: int) -> BurdenshareError:
    return BurdenshareError(
        [
            Problem(
                f"{what} do not match the batch size",
                path=what,
                expected=f"1 or {rows}",
                found=str(found),
            )
        ]
    )


@dataclass(frozen=True)
class BatchResult:
    """Per-negotiation results as arrays (index b = negotiation b).

    ``agreement`` is −1 without a deal; ``ended_by`` is 0 opener, 1 responder, −1 none;
    ``reason`` holds :class:`Reason` codes; utilities are NaN without a deal.
    """

    agreement: np.ndarray
    step: np.ndarray
    timedout: np.ndarray
    ended_by: np.ndarray
    reason: np.ndarray
    n_offers: np.ndarray
    n_voided: np.ndarray
    u_opener: np.ndarray
    u_responder: np.ndarray
    payoff_opener: np.ndarray
    payoff_responder: np.ndarray
    #: the last outcome each side offered (−1: none)
    last_opener: np.ndarray
    last_responder: np.ndarray
    #: tentative deals each side's ratifier rejected (with a pair of ``ratifiable`` masks; both
    #: count when both reject; with one combined mask both stay 0)
    vetoed_opener: np.ndarray
    vetoed_responder: np.ndarray
    #: ``[batch, n_outcomes]`` outcomes struck at the end (``return_struck=True``), else None
    struck: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.agreement.shape[0])

    @classmethod
    def empty(cls, rows: int) -> BatchResult:
        """All rows unfinished; the engine fills the arrays in place."""
        return cls(
            agreement=np.full(rows, -1, dtype=np.int64),
            step=np.zeros(rows, dtype=np.int32),
            timedout=np.zeros(rows, dtype=bool),
            ended_by=np.full(rows, -1, dtype=np.int8),
            reason=np.zeros(rows, dtype=np.int8),
            n_offers=np.zeros(rows, dtype=np.int32),
            n_voided=np.zeros(rows, dtype=np.int32),
            u_opener=np.full(rows, np.nan),
            u_responder=np.full(rows, np.nan),
            payoff_opener=np.full(rows, np.nan),
            payoff_responder=np.full(rows, np.nan),
            last_opener=np.full(rows, -1, dtype=np.int64),
            last_responder=np.full(rows, -1, dtype=np.int64),
            vetoed_opener=np.zeros(rows, dtype=np.int32),
            vetoed_responder=np.zeros(rows, dtype=np.int32),
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per negotiation; ``ended_by`` and ``reason`` as readable categories."""
        frame = pd.DataFrame(
            {f.name: getattr(self, f.name) for f in fields(self) if f.name != "struck"}
        )
        frame.index.name = "negotiation"
        frame["ended_by"] = pd.Categorical.from_codes(
            np.where(self.ended_by < 0, -1, self.ended_by), categories=list(SIDES)
        )
        frame["reason"] = pd.Categorical.from_codes(
            self.reason.astype(np.int64), categories=[r.label for r in Reason]
        )
        return frame


def negotiate_batch(
    u_opener: ArrayLike,
    u_responder: ArrayLike,
    opener: StrategySpec | Sequence[StrategySpec] | StrategyBatch,
    responder: StrategySpec | Sequence[StrategySpec] | StrategyBatch,
    n_steps: int,
    *,
    reserved: tuple[ArrayLike, ArrayLike] = (0.0, 0.0),
    discount: tuple[ArrayLike, ArrayLike] | None = None,
    ratifiable: ArrayLike | tuple[ArrayLike, ArrayLike] | None = None,
    compat: str | None = None,
    seed: int | np.random.SeedSequence = 0,
    size: int | None = None,
    chunk_size: int = 4096,
    row_ids: ArrayLike | None = None,
    times: tuple[ArrayLike, ArrayLike] | None = None,
    rounds: tuple[int, int] | None = None,
    struck: ArrayLike | None = None,
    return_struck: bool = False,
    reveal: bool = False,
    presorted: tuple[tuple[np.ndarray, np.ndarray] | None, tuple[np.ndarray, np.ndarray] | None]
    | None = None,
) -> BatchResult:
    """Run many negotiations of one outcome space and deadline; row b equals
    ``negotiate(row b's inputs, seed=SeedSequence(seed).spawn(batch)[b])``.

    Args:
        u_opener, u_responder: ``[n_outcomes]`` (shared by every row) or ``[batch, n_outcomes]``.
        opener, responder: one strategy, one per row, or a :class:`StrategyBatch`.
        reserved: per side a number, ``[batch]``, or ``[batch, n_steps]`` (per round).
        discount: per side a number or ``[batch]``: d, scaling deal and outside option by
            d^{t_s} (only the payoffs change).
        ratifiable: boolean ``[n_outcomes]`` or ``[batch, n_outcomes]`` (both sides' ratifiers
            combined), or a pair of them (one per side; an outcome must pass both).
        size: number of negotiations when every input is shared.
        chunk_size: rows per chunk (memory ≈ 100 bytes × chunk × n_steps per side).
        row_ids: ``[batch]`` integers: row b's seed is child ``row_ids[b]`` of ``seed`` instead
            of child b, so a row's randomness does not depend on its place in the batch (sweeps
            pass draw indices).
        times, rounds: each side's clock and the window of rounds to play, shared by every row
            (see :func:`~burdenshare.bargaining.engine.negotiate`).
        struck: ``[batch, n_outcomes]`` outcomes voided before the window (or None);
            ``return_struck`` puts the struck outcomes at the end in the result.
        reveal: with a pair of ``ratifiable`` masks, a voided deal also strikes every outcome a
            rejecting side's ratifier rejects (see ``engine.negotiate``'s ``reveal``).
        presorted: per side, for per-row utilities, ``(order, sorted)`` as
            ``engine.sort_utilities`` gives them (callers playing the same rows again, e.g. the
            segments of a sweep, sort once); None to sort here.
    """
    negmas = checks.check_mode(compat)
    n_steps = checks.check_steps(n_steps)
    us = [
        checks.check_utilities(u_opener, "u_opener", (1, 2)),
        checks.check_utilities(u_responder, "u_responder", (1, 2)),
    ]
    n = us[0].shape[-1]
    if us[1].shape[-1] != n:
        raise BurdenshareError(
            [
                Problem(
                    "the sides' utilities differ in length",
                    path="u_responder",
                    expected=str(n),
                    found=str(us[1].shape[-1]),
                )
            ]
        )
    masks, sides_masks = _masks(ratifiable, n)
    if reveal and not sides_masks:
        raise BurdenshareError(
            [Problem("reveal needs one ratifiable mask per side", path="ratifiable")]
        )
    rows = _rows(size, us, opener, responder, reserved, discount, masks)
    strategies = [StrategyBatch.build(opener, rows), StrategyBatch.build(responder, rows)]
    rs = [checks.check_reserved(reserved[i], n_steps, f"reserved[{i}]", rows) for i in range(2)]
    ds = None
    if discount is not None:
        ds = [
            np.broadcast_to(checks.check_discount(discount[i], f"discount[{i}]"), (rows,))
            for i in range(2)
        ]
    if negmas:
        checks.check_negmas_inputs(
            negmas, discount, masks, any(bool((r != r[:, :1]).any()) for r in rs)
        )
        if times is not None or rounds is not None or struck is not None:
            raise BurdenshareError(
                [
                    Problem(
                        "compat='negmas' plays whole negotiations on NegMAS's clock",
                        path="compat",
                    )
                ]
            )
    side_times = checks.check_times(times, n_steps, negmas)
    window = checks.check_rounds(rounds, n_steps)
    struck_in = None
    if struck is not None:
        struck_in = np.asarray(struck, dtype=bool)
        if struck_in.shape != (rows, n):
            raise _shape_error("struck", rows, struck_in.shape[0] if struck_in.ndim else 0)
    for side in range(2):
        _check_targets(strategies[side], n, side)
    shared = [None if u.ndim == 2 else engine.sort_utilities(u[None, :]) for u in us]
    given = presorted if presorted is not None else (None, None)
    for i in range(2):
        if given[i] is not None and (us[i].ndim != 2 or given[i][0].shape != us[i].shape):
            raise _shape_error("presorted", rows, len(given[i][0]))
    checks.check_seed(seed)
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    ids = None
    if row_ids is not None:
        ids = np.asarray(row_ids, dtype=np.int64).reshape(-1)
        if ids.shape[0] != rows:
            raise _shape_error("row_ids", rows, ids.shape[0])
    out = BatchResult.empty(rows)
    if return_struck:
        out = replace(out, struck=np.zeros((rows, n), dtype=bool))
    # Per-row utilities (and the Nash product) need [chunk, n_outcomes] arrays: cap their size.
    wide = any(u.ndim == 2 for u in us) or any((s.kind == KIND_NASH).any() for s in strategies)
    step = max(1, min(chunk_size, (1 << 22) // n)) if wide else max(1, chunk_size)
    for lo in range(0, rows, step):
        sl = slice(lo, min(rows, lo + step))
        carried = None if struck_in is None else struck_in[sl]
        chunk = _Chunk(
            sl, us, shared, strategies, rs, ds, (masks, sides_masks), side_times, negmas,
            n_steps, out, window, carried, reveal,
            [None if g is None else (g[0][sl], g[1][sl]) for g in given],
        )  # fmt: skip
        chunk.run()
        _reference_rows(
            sl, us, strategies, rs, ds, (masks, sides_masks), compat, n_steps, root, ids, out,
            side_times if times is not None else None, rounds, carried, reveal,
        )  # fmt: skip
    return out


def _masks(ratifiable: object, n: int) -> tuple[np.ndarray | None, list[np.ndarray]]:
    """The combined mask, and each side's when ``ratifiable`` is a pair (else [])."""
    if ratifiable is None:
        return None, []
    parts = list(ratifiable) if isinstance(ratifiable, tuple) else [ratifiable]
    arrays = [np.asarray(p, dtype=bool) for p in parts]
    for a in arrays:
        if a.ndim not in (1, 2) or a.shape[-1] != n:
            raise BurdenshareError(
                [
                    Problem(
                        "ratification mask has the wrong shape",
                        path="ratifiable",
                        expected=f"[{n}] or [batch, {n}]",
                        found=str(a.shape),
                    )
                ]
            )
    combined = arrays[0]
    for a in arrays[1:]:
        combined = combined & a
    return combined, (arrays if len(arrays) == 2 else [])


def _rows(
    size: int | None,
    us: list[np.ndarray],
    opener: object,
    responder: object,
    reserved: tuple[ArrayLike, ArrayLike],
    discount: tuple[ArrayLike, ArrayLike] | None,
    masks: np.ndarray | None,
) -> int:
    """The batch size all inputs agree on (inputs of size 1 are shared)."""
    counts = {u.shape[0] for u in us if u.ndim == 2}
    for spec in (opener, responder):
        if isinstance(spec, StrategyBatch):
            counts.add(len(spec))
        elif not isinstance(spec, str | Strategy):
            counts.add(len(spec))  # type: ignore[arg-type]
    for group in (reserved, discount or ()):
        for r in group:
            a = np.asarray(r)
            if a.ndim >= 1:
                counts.add(a.shape[0])
    if masks is not None and masks.ndim == 2:
        counts.add(masks.shape[0])
    if size is not None:
        counts.add(int(size))
    counts.discard(1)
    if len(counts) > 1:
        raise BurdenshareError(
            [
                Problem(
                    "inputs disagree on the number of negotiations",
                    path="batch",
                    expected="one size (or 1, shared)",
                    found=", ".join(map(str, sorted(counts))),
                )
            ]
        )
    return counts.pop() if counts else 1


def _check_targets(strategies: StrategyBatch, n: int, side: int) -> None:
    bad = (strategies.kind == KIND_NASH) & (strategies.target >= n)
    if bad.any():
        raise BurdenshareError(
            [
                Problem(
                    "Nash-seeker target outside the outcome space",
                    path=f"{SIDES[side]}.target",
                    expected=f"an index < {n}",
                    found=str(int(strategies.target[bad][0])),
                )
            ]
        )


class _Side:
    """One side's precomputed schedules for the rows of a chunk.

    Rows with the same schedule inputs (shared utilities, same strategy parameters, reserved
    values) share one schedule: ``uid[row]`` indexes the distinct schedules, stored
    round-major (``target[s]`` is one contiguous vector) for the per-round gathers.
    """

    def __init__(
        self,
        u: np.ndarray,
        shared: tuple[np.ndarray, np.ndarray] | None,
        strategies: StrategyBatch,
        reserved: np.ndarray,
        times: np.ndarray,
        negmas: bool,
        nash: np.ndarray,
        presorted: tuple[np.ndarray, np.ndarray] | None = None,
        u_opp: np.ndarray | None = None,
    ) -> None:
        m = reserved.shape[0]
        point = np.where(strategies.target >= 0, strategies.target, nash)
        pareto = strategies.pareto
        assert pareto is not None
        self.pareto = pareto if pareto.any() else None
        if shared is None:
            self.order, self.sorted = presorted or engine.sort_utilities(u)
            self.u = u
            self.u0 = None
            uid, first = np.arange(m), np.arange(m)
        else:
            self.order, self.sorted = shared
            self.u = u[None, :]
            self.u0 = u
            if self.pareto is not None and u_opp is not None and u_opp.ndim == 2:
                # Pareto picks follow each row's opponent: no two rows share a schedule
                uid, first = np.arange(m), np.arange(m)
            else:
                uid, first = _distinct_rows(
                    [strategies.kind, strategies.e, strategies.eps, point, pareto],
                    reserved,
                )
        self.uid = uid
        self.identity = bool(uid.shape[0] == m and (uid == np.arange(m)).all())
        # the opponent's utility in this side's own-utility order, for Pareto offers
        self.opp_sorted: np.ndarray | None = None
        best = None
        if self.pareto is not None and u_opp is not None:
            if self.order.shape[0] == 1 and u_opp.ndim == 1:
                self.opp_sorted = u_opp[self.order]
            elif self.order.shape[0] == 1:
                self.opp_sorted = u_opp[:, self.order[0]]
            elif u_opp.ndim == 1:
                self.opp_sorted = u_opp[self.order]
            else:
                self.opp_sorted = np.take_along_axis(u_opp, self.order, axis=1)
            best = kernels.pareto_positions(self.opp_sorted)
            if best.shape[0] > 1:
                best = best[first]
        floor, target, pick, outside = _schedule(
            self.u,
            self.order,
            self.sorted,
            strategies.take(first),
            reserved[first],
            times,
            negmas,
            point[first],
            best,
        )
        self.floor = floor  # [distinct, n_steps]: read only after a ratification failure
        self.target, self.pick = target.T.copy(), pick.T.copy()
        self.outside = None if outside is None else outside.T.copy()
        self.walk_below = strategies.walk_below
        self.walk_from = strategies.walk_from
        self.walks = bool(np.isfinite(strategies.walk_below).any())

    def utility(self, rows: np.ndarray, outcomes: np.ndarray) -> np.ndarray:
        return self.u0[outcomes] if self.u0 is not None else self.u[rows, outcomes]

    def ids(self, rows: np.ndarray) -> np.ndarray:
        return rows if self.identity else self.uid[rows]

    def opp_row(self, row: int) -> np.ndarray:
        """The opponent's utility in this side's order, for chunk row ``row``."""
        assert self.opp_sorted is not None
        return self.opp_sorted[0 if self.opp_sorted.shape[0] == 1 else row]


def _distinct_rows(
    columns: list[np.ndarray], reserved: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``uid`` (row → distinct key) and ``first`` (distinct key → a row) for the rows' schedule
    inputs; the reserved values enter as one column unless some row varies by round."""
    m = reserved.shape[0]
    per_round = bool((reserved != reserved[:, :1]).any())
    key = np.column_stack([*columns, reserved if per_round else reserved[:, 0]])
    if (key == key[0]).all():  # every row alike (one scenario, many runs)
        return np.zeros(m, dtype=np.int64), np.zeros(1, dtype=np.int64)
    if np.unique(key[:, -1]).shape[0] > m // 2:  # e.g. drawn reserved values: not worth it
        return np.arange(m), np.arange(m)
    _, first, uid = np.unique(key, axis=0, return_index=True, return_inverse=True)
    return uid.reshape(-1), first


def _schedule(
    u: np.ndarray,
    order: np.ndarray,
    sorted_u: np.ndarray,
    strategies: StrategyBatch,
    reserved: np.ndarray,
    times: np.ndarray,
    negmas: bool,
    point: np.ndarray,
    pareto_best: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Floor, target, offer and outside-option flag per row and round (``[rows, n_steps]``),
    by the same formulas the threshold strategies apply in the reference engine.
    ``pareto_best`` (``[1 or rows, n]``, :func:`kernels.pareto_positions`) moves the Pareto
    rows' offers to the opponent's best outcome at or above the target."""
    m, steps = reserved.shape
    per_row = u.shape[0] > 1
    worst = np.broadcast_to(sorted_u[:, 0], (m,))
    best = np.broadcast_to(sorted_u[:, -1], (m,))
    floor = kernels.floors(worst, reserved, negmas)
    kind = strategies.kind
    targets = np.zeros((m, steps))
    td = kind == KIND_TIME_DEPENDENT
    if td.any():
        a = kernels.concession(times, strategies.e[td], negmas)
        targets[td] = kernels.time_dependent_targets(
            a, floor[td], best[td], strategies.eps[td], negmas
        )
    keep = np.zeros((m, steps), dtype=bool)
    ns = kind == KIND_NASH
    if ns.any():
        rows = np.flatnonzero(ns)
        has = point[rows] >= 0
        u_point = u[rows if per_row else 0, np.maximum(point[rows], 0)]
        level = np.where(has, u_point, best[rows])
        targets[rows] = np.where(
            has[:, None], np.maximum(level[:, None], floor[rows]), level[:, None]
        )
        keep[rows] = has[:, None] & (u_point[:, None] >= floor[rows])
    positions = kernels.pick_positions(sorted_u, targets, negmas)
    if pareto_best is not None and strategies.pareto is not None and strategies.pareto.any():
        rows_p = np.flatnonzero(strategies.pareto)
        table = (
            pareto_best[rows_p] if pareto_best.shape[0] > 1 else pareto_best[np.zeros_like(rows_p)]
        )
        positions[rows_p] = np.take_along_axis(table, positions[rows_p], axis=1)
    pick = np.take_along_axis(order, positions, axis=1) if per_row else order[0][positions]
    pick = np.where(keep, point[:, None], pick)
    outside = None if negmas else floor > best[:, None]
    if outside is not None and not outside.any():
        outside = None
    return floor, targets, pick, outside


class _Chunk:
    """Lock-step rounds for the vectorised rows of one chunk."""

    def __init__(
        self,
        sl: slice,
        us: list[np.ndarray],
        shared: list[tuple[np.ndarray, np.ndarray] | None],
        strategies: list[StrategyBatch],
        rs: list[np.ndarray],
        ds: list[np.ndarray] | None,
        masks: tuple[np.ndarray | None, list[np.ndarray]],
        times: tuple[np.ndarray, np.ndarray],
        negmas: bool,
        n_steps: int,
        out: BatchResult,
        window: tuple[int, int],
        struck: np.ndarray | None,
        reveal: bool = False,
        presorted: list[tuple[np.ndarray, np.ndarray] | None] | None = None,
    ) -> None:
        self.sl, self.out, self.n_steps = sl, out, n_steps
        self.reveal = reveal
        presorted = presorted or [None, None]
        self.first, self.stop = window
        strat = [s.take(sl) for s in strategies]
        self.vector = (strat[0].kind != KIND_REFERENCE) & (strat[1].kind != KIND_REFERENCE)
        self.rows = np.flatnonzero(self.vector)
        if self.rows.size == 0:
            return
        m = sl.stop - sl.start
        u_rows = [u[sl] if u.ndim == 2 else u for u in us]
        self.reserved = [np.ascontiguousarray(r[sl]) for r in rs]
        d_rows = None if ds is None else [np.ascontiguousarray(d[sl]) for d in ds]
        self.delta = (
            None
            if d_rows is None
            else [kernels.discounts(times[i], d) for i, d in enumerate(d_rows)]
        )
        nash = np.full(m, -1, dtype=np.int64)
        if ((strat[0].kind == KIND_NASH) | (strat[1].kind == KIND_NASH)).any():
            u0 = u_rows[0] if u_rows[0].ndim == 2 else u_rows[0][None, :]
            u1 = u_rows[1] if u_rows[1].ndim == 2 else u_rows[1][None, :]
            nash = kernels.nash_outcomes(u0, u1, self.reserved[0][:, 0], self.reserved[1][:, 0])
        self.sides = [
            _Side(
                u_rows[i],
                shared[i],
                strat[i],
                self.reserved[i],
                times[i],
                negmas,
                nash,
                presorted[i],
                u_rows[1 - i],
            )
            for i in range(2)
        ]
        combined, pair = masks
        self.mask = None if combined is None else _rows_of(combined, sl)
        # each side's own mask, to count which ratifier rejected a tentative deal
        self.side_masks = [_rows_of(p, sl) for p in pair]
        # [rows, n_outcomes] outcomes voided by ratification, per row; allocated at the first
        # void unless some were carried in
        self.struck: np.ndarray | None = None if struck is None else struck.copy()

    def run(self) -> None:
        if self.rows.size == 0:
            return
        m = self.sl.stop - self.sl.start
        self.table = np.full(m, -1, dtype=np.int64)
        self.agreement = np.full(m, -1, dtype=np.int64)
        self.step = np.zeros(m, dtype=np.int32)
        self.ended_by = np.full(m, -1, dtype=np.int8)
        self.reason = np.zeros(m, dtype=np.int8)
        self.n_offers = np.zeros(m, dtype=np.int32)
        self.n_voided = np.zeros(m, dtype=np.int32)
        self.last = [np.full(m, -1, dtype=np.int64), np.full(m, -1, dtype=np.int64)]
        self.vetoed = [np.zeros(m, dtype=np.int32), np.zeros(m, dtype=np.int32)]
        live = self.rows
        for s in range(self.first, self.stop):
            for x in (0, 1):
                live = self._turn(live, s, x)
                if live.size == 0:
                    break
            if live.size == 0:
                break
        self.step[live] = self.stop
        self.reason[live] = Reason.TIMEDOUT
        self._store()

    def _end(self, rows: np.ndarray, s: int, x: int, reason: Reason) -> None:
        self.step[rows] = s + 1
        self.ended_by[rows] = x
        self.reason[rows] = reason

    def _turn(self, rows: np.ndarray, s: int, x: int) -> np.ndarray:
        side = self.sides[x]
        ids = side.ids(rows)
        ended = np.zeros(rows.shape[0], dtype=bool)
        if side.outside is not None:
            out = side.outside[s][ids]
            if out.any():
                self._end(rows[out], s, x, Reason.OUTSIDE_OPTION)
                ended |= out
        table = self.table[rows]
        has = (table >= 0) & ~ended
        safe = np.where(has, table, 0)
        u = side.utility(rows, safe)
        accept = has & (u >= side.target[s][ids])
        acting = ~ended
        if accept.any():
            if self.mask is not None:
                ok = self.mask[rows if self.mask.shape[0] > 1 else 0, safe]
                void = accept & ~ok
                accept &= ok
                if void.any():
                    self._void(rows[void], table[void])
                    acting &= ~void
            hit = rows[accept]
            self.agreement[hit] = table[accept]
            self._end(hit, s, x, Reason.AGREED)
            ended |= accept
            acting &= ~accept
        if side.walks:
            walk = acting & has & (s >= side.walk_from[rows]) & (u < side.walk_below[rows])
            if walk.any():
                self._end(rows[walk], s, x, Reason.WALKED_OUT)
                ended |= walk
                acting &= ~walk
        proposers = rows[acting]
        picks = side.pick[s][ids[acting]]
        if self.struck is not None:
            picks, gone = self._unstruck(side, proposers, picks, s)
            if gone.any():
                self._end(proposers[gone], s, x, Reason.EXHAUSTED)
                ended[np.isin(rows, proposers[gone])] = True
                keep = ~gone
                proposers, picks = proposers[keep], picks[keep]
        self.table[proposers] = picks
        self.last[x][proposers] = picks
        self.n_offers[proposers] += 1
        return rows[~ended]

    def _void(self, rows: np.ndarray, outcomes: np.ndarray) -> None:
        if self.struck is None:
            n = self.sides[0].sorted.shape[1]
            self.struck = np.zeros((self.sl.stop - self.sl.start, n), dtype=bool)
        self.struck[rows, outcomes] = True
        self.table[rows] = -1
        self.n_voided[rows] += 1
        for side, mask in enumerate(self.side_masks):
            rejected = ~mask[rows if mask.shape[0] > 1 else 0, outcomes]
            self.vetoed[side][rows] += rejected
            if self.reveal and rejected.any():
                hit = rows[rejected]
                self.struck[hit] |= ~mask[hit if mask.shape[0] > 1 else np.zeros_like(hit)]

    def _unstruck(
        self, side: _Side, rows: np.ndarray, picks: np.ndarray, s: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Replace struck picks as :func:`kernels.first_unstruck` does, for all rows at once:
        scan up from the target's position for an unstruck outcome, then down to the floor."""
        struck = self.struck
        assert struck is not None
        gone = np.zeros(rows.shape[0], dtype=bool)
        hit = np.flatnonzero(struck[rows, picks])
        if hit.size == 0:
            return picks, gone
        picks = picks.copy()
        if side.pareto is not None:
            pareto_hits = hit[side.pareto[rows[hit]]]
            if pareto_hits.size:
                self._unstruck_pareto(side, rows, picks, gone, pareto_hits, s)
                hit = hit[~side.pareto[rows[hit]]]
                if hit.size == 0:
                    return picks, gone
        r = rows[hit]
        j = side.ids(r)
        target, floor = side.target[s][j], side.floor[j, s]
        shared = side.u0 is not None
        sorted_u = side.sorted[0] if shared else side.sorted[r]
        order = side.order[0] if shared else side.order[r]
        n = side.sorted.shape[1]
        if shared:
            pos = np.searchsorted(sorted_u, target, side="left")
        else:
            pos = np.array(
                [np.searchsorted(sorted_u[i], target[i], side="left") for i in range(r.size)]
            )
        found = np.full(r.size, -1, dtype=np.int64)

        def outcome_at(k: np.ndarray, p: np.ndarray) -> np.ndarray:
            return order[p] if shared else order[k, p]

        def level_at(k: np.ndarray, p: np.ndarray) -> np.ndarray:
            return sorted_u[p] if shared else sorted_u[k, p]

        # upward: the lowest outcome at or above the target that is not struck
        p = pos.copy()
        pending = np.flatnonzero(p < n)
        while pending.size:
            o = outcome_at(pending, p[pending])
            free = ~struck[r[pending], o]
            found[pending[free]] = o[free]
            pending = pending[~free]
            p[pending] += 1
            pending = pending[p[pending] < n]
        # downward: the best unstruck outcome still at or above the floor
        p = np.minimum(pos, n) - 1
        pending = np.flatnonzero((found < 0) & (p >= 0))
        while pending.size:
            pending = pending[level_at(pending, p[pending]) >= floor[pending]]
            if not pending.size:
                break
            o = outcome_at(pending, p[pending])
            free = ~struck[r[pending], o]
            found[pending[free]] = o[free]
            pending = pending[~free]
            p[pending] -= 1
            pending = pending[p[pending] >= 0]
        picks[hit] = np.where(found >= 0, found, picks[hit])
        gone[hit] = found < 0
        return picks, gone

    def _unstruck_pareto(
        self,
        side: _Side,
        rows: np.ndarray,
        picks: np.ndarray,
        gone: np.ndarray,
        hits: np.ndarray,
        s: int,
    ) -> None:
        """:func:`kernels.first_unstruck_pareto` row by row for Pareto rows whose pick is
        struck: the opponent's best unstruck outcome at or above the target, else the best
        unstruck one down to the floor."""
        struck = self.struck
        assert struck is not None
        shared = side.u0 is not None
        for i in hits.tolist():
            r = int(rows[i])
            j = int(side.ids(np.array([r]))[0])
            order = side.order[0] if shared else side.order[r]
            sorted_u = side.sorted[0] if shared else side.sorted[r]
            target, floor = float(side.target[s][j]), float(side.floor[j, s])
            pos = int(np.searchsorted(sorted_u, target, side="left"))
            cand = order[pos:]
            free = ~struck[r, cand]
            if free.any():
                values = side.opp_row(r)[pos:][free]
                picks[i] = cand[free][int(np.argmax(values))]
                continue
            below = order[:pos][::-1]
            levels = sorted_u[:pos][::-1]
            ok = (levels >= floor) & ~struck[r, below]
            # the scan stops at the first level below the floor
            under = np.flatnonzero(levels < floor)
            if under.size:
                ok[under[0] :] = False
            if ok.any():
                picks[i] = below[int(np.argmax(ok))]
            else:
                gone[i] = True

    def _store(self) -> None:
        rows, sl, out = self.rows, self.sl, self.out
        g = rows + sl.start
        out.agreement[g] = self.agreement[rows]
        out.step[g] = self.step[rows]
        out.timedout[g] = self.reason[rows] == Reason.TIMEDOUT
        out.ended_by[g] = self.ended_by[rows]
        out.reason[g] = self.reason[rows]
        out.n_offers[g] = self.n_offers[rows]
        out.n_voided[g] = self.n_voided[rows]
        out.last_opener[g] = self.last[0][rows]
        out.last_responder[g] = self.last[1][rows]
        out.vetoed_opener[g] = self.vetoed[0][rows]
        out.vetoed_responder[g] = self.vetoed[1][rows]
        if out.struck is not None and self.struck is not None:
            out.struck[g] = self.struck[rows]
        agreed = self.agreement[rows] >= 0
        last = self.step[rows].astype(np.int64) - 1
        for x, (u_col, pay_col) in enumerate(
            ((out.u_opener, out.payoff_opener), (out.u_responder, out.payoff_responder))
        ):
            side = self.sides[x]
            u = np.full(rows.shape[0], np.nan)
            u[agreed] = side.utility(rows[agreed], self.agreement[rows][agreed])
            pay = self.reserved[x][rows, last].copy()
            pay[agreed] = u[agreed]
            if self.delta is not None:
                pay = self.delta[x][rows, last] * pay
            u_col[g] = u
            pay_col[g] = pay


def _reference_rows(
    sl: slice,
    us: list[np.ndarray],
    strategies: list[StrategyBatch],
    rs: list[np.ndarray],
    ds: list[np.ndarray] | None,
    masks: tuple[np.ndarray | None, list[np.ndarray]],
    compat: str | None,
    n_steps: int,
    root: np.random.SeedSequence,
    row_ids: np.ndarray | None,
    out: BatchResult,
    times: tuple[np.ndarray, np.ndarray] | None,
    rounds: tuple[int, int] | None,
    struck: np.ndarray | None,
    reveal: bool = False,
) -> None:
    """Rows with a non-vectorised strategy: the reference engine, one row at a time."""
    kinds = [s.kind[sl] for s in strategies]
    todo = np.flatnonzero((kinds[0] == KIND_REFERENCE) | (kinds[1] == KIND_REFERENCE)) + sl.start
    combined, pair = masks
    for b in todo.tolist():
        players = [_row_strategy(strategies[i], b) for i in range(2)]
        mask = None if combined is None else (combined[b] if combined.ndim == 2 else combined)
        carried = None if struck is None else set(np.flatnonzero(struck[b - sl.start]).tolist())
        result = engine.negotiate(
            us[0][b] if us[0].ndim == 2 else us[0],
            us[1][b] if us[1].ndim == 2 else us[1],
            players[0],
            players[1],
            n_steps,
            reserved=(rs[0][b], rs[1][b]),
            discount=None if ds is None else (float(ds[0][b]), float(ds[1][b])),
            ratify=None if mask is None else (lambda o, m=mask: bool(m[o])),
            compat=compat,
            seed=child_seed(root, b if row_ids is None else int(row_ids[b])),
            times=times,
            rounds=rounds,
            struck=carried,
            reveal=tuple(m[b] if m.ndim == 2 else m for m in pair) if reveal else None,  # type: ignore[arg-type]
        )
        out.agreement[b] = -1 if result.agreement is None else result.agreement
        out.step[b] = result.step
        out.timedout[b] = result.timedout
        out.ended_by[b] = -1 if result.ended_by is None else result.ended_by
        out.reason[b] = result.reason
        out.n_offers[b] = result.n_offers
        out.n_voided[b] = len(result.voided)
        for side, col in enumerate((out.last_opener, out.last_responder)):
            last = result.last_offer(side)
            col[b] = -1 if last is None else last
        for mask_side, col in zip(pair, (out.vetoed_opener, out.vetoed_responder), strict=False):
            row = mask_side[b] if mask_side.ndim == 2 else mask_side
            col[b] = sum(1 for o in result.voided if not row[o])
        if out.struck is not None:
            out.struck[b] = False
            out.struck[b, sorted(result.struck)] = True
        if result.utilities is not None:
            out.u_opener[b], out.u_responder[b] = result.utilities
        out.payoff_opener[b], out.payoff_responder[b] = result.payoffs


def _rows_of(mask: np.ndarray, sl: slice) -> np.ndarray:
    """A chunk's rows of a ``[batch, n]`` mask, or the shared mask as ``[1, n]``."""
    return mask[sl] if mask.ndim == 2 else mask[None, :]


def _row_strategy(strategies: StrategyBatch, b: int) -> Strategy:
    oid = int(strategies.object_id[b])
    assert strategies.pareto is not None
    pick = "pareto" if strategies.pareto[b] else "lowest"
    if oid >= 0:
        made = strategies.objects[oid]
        if strategies.kind[b] == KIND_TIME_DEPENDENT and isinstance(made, TimeDependent | WalkOut):
            # the row's own exponent and offer rule (a sweep may have replaced them)
            return make_strategy(made, e=float(strategies.e[b]), pick=pick)
        return make_strategy(made)  # a fresh copy per row
    if math.isfinite(strategies.walk_below[b]):
        return WalkOut(
            threshold=float(strategies.walk_below[b]),
            from_round=int(strategies.walk_from[b]),
            e=float(strategies.e[b]),
            negmas_eps=float(strategies.eps[b]),
            pick=pick,
        )
    return TimeDependent(e=float(strategies.e[b]), negmas_eps=float(strategies.eps[b]), pick=pick)
