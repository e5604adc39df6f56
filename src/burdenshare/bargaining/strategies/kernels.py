"""Array maths shared by the single engine and the batch engine.

Every threshold, floor and proposal schedule is computed here, on arrays of shape
``[rows, n_steps]``, and both engines call these same functions (the single engine with one row).
That is what makes the batch engine's outcomes bit-identical to the reference engine's: the
floating-point operations are the same operations, in the same order, on the same values.

Two modes (see ``docs/bargaining.md``):

- default: relative time ``t_s = s / (n_steps - 1)``; ``t ** e`` by numpy's vectorised power;
  floors ``max(worst, r_s)`` with per-round outside options; no epsilon.
- ``negmas``: NegMAS 0.16.0's ``t_s = (s + 1) / (n_steps + 1)``; ``t ** e`` by libm ``pow``
  (``math.pow``, as NegMAS calls it); static floor ``max(worst, reserved)``; the threshold is
  lowered by ``eps`` and the proposal is the nearest outcome to the threshold within 1e-6 below
  or the first above (NegMAS's presorting inverter).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

NEGMAS_TB_EPS = 1e-4
"""Tolerance NegMAS 0.16.0's ``*TBNegotiator`` classes subtract from the utility threshold."""
NEGMAS_ASPIRATION_EPS = 1e-3
"""Tolerance of NegMAS 0.16.0's ``AspirationNegotiator`` (its ``tolerance`` argument)."""
NEGMAS_PICK_TOL = 1e-6
"""How far below the threshold NegMAS's presorting inverter still looks for a nearer outcome."""


@lru_cache(maxsize=256)
def relative_times(n_steps: int, negmas: bool) -> FloatArray:
    """Relative time of each round s = 0 … n_steps−1.

    Default: ``t_s = s / (n_steps − 1)`` (0 in the first round, 1 in the last; a single round is
    the last round, t = 1). NegMAS: ``t_s = (s + 1) / (n_steps + 1)`` (never 0 nor 1).
    Read-only (cached).
    """
    s = np.arange(n_steps, dtype=np.float64)
    if negmas:
        t = (s + 1.0) / float(n_steps + 1)
    elif n_steps == 1:
        t = np.ones(1)
    else:
        t = s / float(n_steps - 1)
    t.flags.writeable = False  # cached: shared by every caller
    return t


def powers(times: FloatArray, e: FloatArray, negmas: bool) -> FloatArray:
    """``times[s] ** e[row]`` as a ``[rows, n_steps]`` array.

    NegMAS mode uses libm ``pow`` (``math.pow``) like NegMAS, once per distinct exponent. The
    default uses numpy's vectorised power on contiguous full-size operands, so one row computed
    alone equals the same row computed in a batch (numpy's SIMD power differs from libm in the
    last bit for a few per cent of inputs, but not between shapes). Infinite exponents are
    computed as 1 here; callers treat them separately.
    """
    e = np.asarray(e, dtype=np.float64).reshape(-1)
    e_safe = np.where(np.isinf(e), 1.0, e)
    rows, steps = e.shape[0], times.shape[0]
    if negmas:
        if rows == 1:
            return np.array([[math.pow(t, float(e_safe[0])) for t in times.tolist()]])
        # Python float power is libm pow too (bit-identical to math.pow), element by element
        uniq, inverse = np.unique(e_safe, return_inverse=True)
        base = np.broadcast_to(times.astype(object), (len(uniq), steps))
        table = np.power(base, uniq.astype(object)[:, None]).astype(np.float64)
        return table[inverse.reshape(-1)]
    base = np.ascontiguousarray(np.broadcast_to(times, (rows, steps)))
    expo = np.ascontiguousarray(np.broadcast_to(e_safe[:, None], (rows, steps)))
    return np.power(base, expo)


def concession(times: FloatArray, e: FloatArray, negmas: bool) -> FloatArray:
    """Aspiration level ``a(t) = 1 − t^e`` per row and round; ``e = ∞`` gives ``a ≡ 1``."""
    e = np.asarray(e, dtype=np.float64).reshape(-1)
    a = 1.0 - powers(times, e, negmas)
    a[np.isinf(e)] = 1.0
    return a


@lru_cache(maxsize=512)
def concession_row(e: float, n_steps: int, negmas: bool) -> FloatArray:
    """``concession(relative_times(n_steps, negmas), [e], negmas)`` as a read-only ``[1, n]``
    array, cached (the single engine asks for the same few curves again and again)."""
    a = concession(relative_times(n_steps, negmas), np.array([e]), negmas)
    a.flags.writeable = False
    return a


@lru_cache(maxsize=256)
def ones(n_steps: int) -> FloatArray:
    """Read-only ``[n_steps]`` ones (the discount factors when there is no discount), cached."""
    out = np.ones(n_steps)
    out.flags.writeable = False
    return out


@lru_cache(maxsize=512)
def concession_list(e: float, n_steps: int, negmas: bool) -> tuple[float, ...]:
    """:func:`concession_row` as a tuple of Python floats (the same values)."""
    return tuple(concession_row(e, n_steps, negmas)[0].tolist())


def floors(worst: FloatArray, reserved: FloatArray, negmas: bool) -> FloatArray:
    """Lowest own utility a side will take in each round, ``[rows, n_steps]``.

    Default: ``f_s = max(worst, r_s)`` with the round's outside option ``r_s`` (a discount
    multiplies deal and outside option alike, GENIUS-style, so it cancels). NegMAS:
    ``max(worst, r_0)`` in every round.
    """
    worst = np.asarray(worst, dtype=np.float64).reshape(-1, 1)
    reserved = np.asarray(reserved, dtype=np.float64)
    out = np.empty(reserved.shape)
    out[:] = np.maximum(worst, reserved[:, :1] if negmas else reserved)
    return out


def time_dependent_targets(
    a: FloatArray, floor: FloatArray, best: FloatArray, eps: FloatArray, negmas: bool
) -> FloatArray:
    """Utility threshold ``T_s = clip(f_s + (u_max − f_s)·a(t_s) [− eps], f_s, u_max)``.

    Written in NegMAS's operation order, ``(u_max − f)·a + f``, so NegMAS mode is bit-exact.
    """
    best = np.asarray(best, dtype=np.float64).reshape(-1, 1)
    x = (best - floor) * a + floor
    if negmas:
        x = x - np.asarray(eps, dtype=np.float64).reshape(-1, 1)
    return np.maximum(floor, np.minimum(best, x))


def rowwise_searchsorted(sorted_u: FloatArray, x: FloatArray) -> IntArray:
    """``searchsorted(sorted_u[row], x[row, :], side="left")`` for every row.

    ``sorted_u`` is ``[1, n]`` (shared, one C call) or ``[rows, n]`` (a vectorised binary search
    with exact comparisons, so the result equals numpy's row by row).
    """
    n = sorted_u.shape[1]
    if sorted_u.shape[0] == 1:
        return np.searchsorted(sorted_u[0], x, side="left").astype(np.int64)
    rows = np.arange(x.shape[0])[:, None]
    lo = np.zeros(x.shape, dtype=np.int64)
    hi = np.full(x.shape, n, dtype=np.int64)
    for _ in range(max(1, int(n).bit_length())):
        open_ = lo < hi
        mid = (lo + hi) >> 1
        below = sorted_u[rows, np.minimum(mid, n - 1)] < x
        lo = np.where(open_ & below, mid + 1, lo)
        hi = np.where(open_ & ~below, mid, hi)
    return lo


def pick_positions(sorted_u: FloatArray, thresholds: FloatArray, negmas: bool) -> IntArray:
    """Position (in ascending own-utility order) of the outcome offered at each threshold.

    Default: the lowest-utility outcome with ``u ≥ T`` (ties: lowest outcome index, since the
    order is a stable sort). NegMAS: let ``i`` be the first position with ``u ≥ T`` (the best if
    none); the outcome just below, ``i − 1``, is taken instead when ``u ≥ T − 1e-6`` and it is
    strictly nearer to ``T`` than ``u[i]`` is.
    """
    n = sorted_u.shape[1]
    pos = rowwise_searchsorted(sorted_u, thresholds)
    above = np.minimum(pos, n - 1)
    if not negmas:
        return above
    rows = 0 if sorted_u.shape[0] == 1 else np.arange(thresholds.shape[0])[:, None]
    # Cheap screen first: only thresholds with an outcome within the tolerance below them
    # (rare) need the distance comparison.
    u_below = sorted_u[rows, np.maximum(above - 1, 0)]
    close = (pos > 0) & (pos < n) & (u_below >= thresholds - NEGMAS_PICK_TOL)
    if close.any():
        r, c = np.nonzero(close)
        row = 0 if sorted_u.shape[0] == 1 else r
        t = thresholds[r, c]
        nearer = np.abs(u_below[r, c] - t) < np.abs(sorted_u[row, above[r, c]] - t)
        above[r[nearer], c[nearer]] -= 1
    return above


def nash_outcomes(u_a: FloatArray, u_b: FloatArray, r_a: FloatArray, r_b: FloatArray) -> IntArray:
    """Index maximising ``(u_a − r_a)(u_b − r_b)`` over outcomes both strictly prefer to their
    reservation value, per row (first index on ties); −1 where no such outcome exists.

    ``u_a``/``u_b`` are ``[rows or 1, n]``; ``r_a``/``r_b`` are ``[rows]``. The product is
    symmetric bit for bit (IEEE multiplication commutes), so both sides find the same point.
    """
    r_a = np.asarray(r_a, dtype=np.float64).reshape(-1, 1)
    r_b = np.asarray(r_b, dtype=np.float64).reshape(-1, 1)
    ga, gb = u_a - r_a, u_b - r_b
    ok = (ga > 0) & (gb > 0)
    score = np.where(ok, ga * gb, -np.inf)
    best = np.argmax(score, axis=1)
    return np.where(ok.any(axis=1), best, -1).astype(np.int64)


def first_unstruck(
    sorted_u: FloatArray,
    order: IntArray,
    threshold: float,
    floor: float,
    struck: set[int],
) -> int | None:
    """Lowest-utility outcome with ``u ≥ threshold`` not struck by ratification; failing that
    the best unstruck outcome with ``u ≥ floor``; None if there is none (the side walks out).

    A scalar scan, used only after a ratification failure struck an outcome.
    """
    n = sorted_u.shape[0]
    pos = int(np.searchsorted(sorted_u, threshold, side="left"))
    for p in range(pos, n):
        if int(order[p]) not in struck:
            return int(order[p])
    for p in range(min(pos, n) - 1, -1, -1):
        if sorted_u[p] < floor:
            break
        if int(order[p]) not in struck:
            return int(order[p])
    return None


def discounts(times: FloatArray, d: FloatArray) -> FloatArray:
    """Discount multiplier ``δ_s = d^{t_s}`` per row and round (contiguous numpy power, so one
    row alone equals the same row in a batch)."""
    d = np.asarray(d, dtype=np.float64).reshape(-1)
    rows, steps = d.shape[0], times.shape[0]
    base = np.ascontiguousarray(np.broadcast_to(d[:, None], (rows, steps)))
    expo = np.ascontiguousarray(np.broadcast_to(times, (rows, steps)))
    return np.power(base, expo)


def pareto_positions(opp_sorted: FloatArray) -> IntArray:
    """For Pareto offers: ``best[row, p]`` is the position ``q ≥ p`` (in ascending own-utility
    order) whose outcome the opponent values most, the lowest such ``q`` on ties.

    ``opp_sorted[row, p]`` is the opponent's utility of the outcome at own-utility position p.
    Computed from the suffix maximum: a position holding its suffix maximum is a "record", and
    ``best[p]`` is the first record at or after p.
    """
    opp = np.asarray(opp_sorted, dtype=np.float64)
    n = opp.shape[-1]
    suffix = np.maximum.accumulate(opp[..., ::-1], axis=-1)[..., ::-1]
    idx = np.broadcast_to(np.arange(n), opp.shape)
    record = np.where(opp == suffix, idx, n)
    return np.minimum.accumulate(record[..., ::-1], axis=-1)[..., ::-1].astype(np.int64)


def first_unstruck_pareto(
    sorted_u: FloatArray,
    order: IntArray,
    opp_sorted: FloatArray,
    threshold: float,
    floor: float,
    struck: set[int],
) -> int | None:
    """:func:`first_unstruck` for Pareto offers: among the unstruck outcomes with
    ``u ≥ threshold``, the one the opponent values most (lowest own utility on ties); failing
    that the best unstruck outcome with ``u ≥ floor``; None if there is none."""
    n = sorted_u.shape[0]
    pos = int(np.searchsorted(sorted_u, threshold, side="left"))
    best = -1
    best_value = -np.inf
    for p in range(pos, n):
        o = int(order[p])
        if o not in struck and opp_sorted[p] > best_value:
            best, best_value = o, float(opp_sorted[p])
    if best >= 0:
        return best
    for p in range(min(pos, n) - 1, -1, -1):
        if sorted_u[p] < floor:
            break
        if int(order[p]) not in struck:
            return int(order[p])
    return None
