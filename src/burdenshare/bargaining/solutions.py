r"""Bargaining solutions on an enumerated outcome space: Pareto frontier, ZOPA, Nash, KS, welfare.

Everything works on utility arrays: ``u[p, o]`` is party p's utility of outcome o (``[2,
n_outcomes]`` float64 for a bilateral talk; most functions accept more parties), ``r[p]`` its
reservation (no-deal, disagreement) utility, and an optional boolean ``mask[o]`` of *admissible*
outcomes — for instance the intersection of both ratifiers' win-sets
(:func:`~burdenshare.bargaining.ratification.two_level_win_set`). Outcomes outside the mask do
not exist for these functions. No function loops over outcomes in Python.

Definitions (A = admissible outcomes; "ties" are exact float equality):

* **Pareto frontier** — ``o ∈ A`` such that no ``o' ∈ A`` has ``u(o') ≥ u(o)`` in every
  component and ``>`` in at least one. Outcomes with identical utility vectors are all on the
  frontier (neither dominates the other). Two parties: O(n log n) by one sort (see
  :func:`pareto_mask`).
* **ZOPA** (zone of possible agreement) — ``Z = {o ∈ A : u_p(o) ≥ r_p for every p}``: outcomes
  each party weakly prefers to no deal (a tie counts, as the engines accept at the reservation
  value); the *individually rational* set.
* **Nash bargaining solution** (Nash 1950) — ``argmax_{o ∈ Z} Π_p (u_p(o) − r_p)``; ties go to
  the larger welfare ``Σ_p u_p``, then the lowest index.
* **Kalai–Smorodinsky** (Kalai & Smorodinsky 1975) — with the ideal point
  ``I_p = max_{o ∈ Z} u_p(o)``, the outcome maximising the smallest normalised gain
  ``min_p (u_p(o) − r_p)/(I_p − r_p)`` over Z; ties go to the larger welfare, then the lowest
  index. A party with ``I_p = r_p`` (nothing in Z gives it more than no deal) is left out of the
  minimum. On a convex comprehensive set the maximiser of this minimum is exactly the KS point
  (the frontier point on the segment from r to I, where all normalised gains are equal); on a
  discrete set it is the outcome nearest that segment in the maximin sense, and the welfare tie
  break keeps it on the Pareto frontier.
* **Maximum welfare** (utilitarian) — ``argmax Σ_p u_p(o)`` over Z (``rational=False``: over
  A); ties go to the lowest index.
* **Distances** — Euclidean in utility space, ``‖u(a) − u(s)‖₂``; the distance to the Pareto
  frontier is the distance to the nearest frontier *outcome* (0 iff the agreement's utility
  vector is on the frontier).

The :data:`SOLUTIONS` registry maps a name to a point solution ``(u, r, mask) → outcome index
or None`` (None: the ZOPA is empty); :class:`~burdenshare.bargaining.analysis.BargainingAnalysis`
iterates it. NashSeeker (``strategies/concession.py``) uses the *strict* set
``u_p > r_p`` and breaks ties by the lowest index: where the Nash product's maximum is positive
and unique both give the same outcome.

References: J. F. Nash, "The bargaining problem", *Econometrica* 18(2), 1950, pp. 155–162.
E. Kalai and M. Smorodinsky, "Other solutions to Nash's bargaining problem", *Econometrica*
43(3), 1975, pp. 513–518. H. Raiffa, *The Art and Science of Negotiation*, 1982 (ZOPA).
``docs/solutions.md`` is the user's page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from burdenshare.bargaining.outcomes import DomainError
from burdenshare.registry import Registry

__all__ = [
    "SOLUTIONS",
    "SolutionError",
    "Zopa",
    "check_problem",
    "frontier_distance",
    "ideal_point",
    "kalai_smorodinsky",
    "max_welfare",
    "nash_solution",
    "pareto_frontier",
    "pareto_mask",
    "rational_mask",
    "zopa",
]

BoolArray = NDArray[np.bool_]
FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: A point solution: ``(u, r, mask) → outcome index``, or None when the ZOPA is empty.
Solution = Callable[[FloatArray, FloatArray, BoolArray], "int | None"]

#: Name → point solution; the analysis, the report and the docs table iterate it.
SOLUTIONS: Registry[Solution] = Registry("bargaining solution")

# cells (block × outcomes × parties) per block of the brute-force dominance and distance scans
_CELLS = 1 << 22


class SolutionError(DomainError):
    """Utility arrays, reservation values or a mask that define no bargaining problem."""


# --------------------------------------------------------------------------- input checks


def check_problem(
    u: ArrayLike, r: ArrayLike | None = None, mask: ArrayLike | None = None
) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Validated ``(u [p, n] float64, r [p] float64, mask [n] bool)``.

    ``u`` needs at least two parties and one outcome, all finite; ``r`` one finite value per
    party (``None``: −inf, nobody has an outside option); ``mask`` one bool per outcome
    (``None``: all admissible). Raises :class:`SolutionError` otherwise.
    """
    u_ = np.asarray(u, dtype=np.float64)
    if u_.ndim != 2 or u_.shape[0] < 2 or u_.shape[1] < 1:
        raise SolutionError.single(
            "utilities must be an array [parties, outcomes] with at least two parties",
            expected="shape (2, n_outcomes)",
            found=f"shape {u_.shape}",
        )
    if not np.isfinite(u_).all():
        bad = np.argwhere(~np.isfinite(u_))[0]
        raise SolutionError.single(
            "utilities must be finite",
            path=f"u[{bad[0]}, {bad[1]}]",
            found=str(u_[bad[0], bad[1]]),
        )
    if r is None:
        r_ = np.full(u_.shape[0], -np.inf)
    else:
        r_ = np.asarray(r, dtype=np.float64).reshape(-1)
        if r_.shape != (u_.shape[0],):
            raise SolutionError.single(
                "one reservation value per party",
                expected=f"{u_.shape[0]} values",
                found=f"shape {np.shape(r)}",
            )
        if not np.isfinite(r_).all():
            raise SolutionError.single("reservation values must be finite", found=str(r_.tolist()))
    if mask is None:
        m = np.ones(u_.shape[1], dtype=bool)
    else:
        m = np.asarray(mask)
        if m.dtype != np.bool_ or m.shape != (u_.shape[1],):
            raise SolutionError.single(
                "the admissible mask must be one bool per outcome",
                expected=f"bool array of shape ({u_.shape[1]},)",
                found=f"{m.dtype} array of shape {m.shape}",
            )
    return u_, r_, m


# --------------------------------------------------------------------------- Pareto frontier


def pareto_mask(u: ArrayLike, mask: ArrayLike | None = None) -> BoolArray:
    """True for the admissible outcomes no admissible outcome dominates (see module docstring).

    Two parties (a = u₀, b = u₁): sort by a descending, then b descending. With
    ``M_gt(o) = max{b(o') : a(o') > a(o)}`` (a running maximum up to o's group of equal a) and
    ``M_ge(o) = max{b(o') : a(o') ≥ a(o)}``, o is dominated iff ``M_gt(o) ≥ b(o)`` (a better
    a, no worse b) or ``M_ge(o) > b(o)`` (no worse a, a better b). More parties: a blocked
    O(n²·p) comparison.
    """
    u_, _, m = check_problem(u, None, mask)
    out = np.zeros(u_.shape[1], dtype=bool)
    idx = np.flatnonzero(m)
    if idx.size == 0:
        return out
    sub = u_[:, idx]
    if sub.shape[0] == 2:
        out[idx] = ~_dominated_2(sub[0], sub[1])
    else:
        out[idx] = ~_dominated_n(sub)
    return out


def _dominated_2(a: FloatArray, b: FloatArray) -> BoolArray:
    n = a.shape[0]
    order = np.lexsort((-b, -a))  # a descending, then b descending
    a_s, b_s = a[order], b[order]
    group_start = np.r_[True, a_s[1:] != a_s[:-1]]
    start = np.maximum.accumulate(np.where(group_start, np.arange(n), 0))
    running = np.maximum.accumulate(b_s)
    # best b among strictly larger a: the running maximum just before this group
    m_gt = np.where(start > 0, running[start - 1], -np.inf)
    m_ge = np.maximum(m_gt, b_s[start])  # the group's first element has its largest b
    dominated_sorted = (m_gt >= b_s) | (m_ge > b_s)
    dominated = np.empty(n, dtype=bool)
    dominated[order] = dominated_sorted
    return dominated


def _dominated_n(u: FloatArray) -> BoolArray:
    p, n = u.shape
    dominated = np.zeros(n, dtype=bool)
    block = max(1, _CELLS // (n * p))
    for lo in range(0, n, block):  # blocks of outcomes, each compared with all at once
        blk = u[:, lo : lo + block, None]
        weakly = (u[:, None, :] >= blk).all(axis=0)
        strictly = (u[:, None, :] > blk).any(axis=0)
        dominated[lo : lo + block] = (weakly & strictly).any(axis=1)
    return dominated


def pareto_frontier(u: ArrayLike, mask: ArrayLike | None = None) -> IntArray:
    """Indices of the Pareto-optimal admissible outcomes, by ``u₀`` ascending (so ``u₁``
    descending for two parties), equal ``u₀`` by index ascending."""
    u_ = np.asarray(u, dtype=np.float64)
    keep = np.flatnonzero(pareto_mask(u_, mask))
    return keep[np.lexsort((keep, u_[0, keep]))].astype(np.int64)


# --------------------------------------------------------------------------- ZOPA


def rational_mask(u: ArrayLike, r: ArrayLike, mask: ArrayLike | None = None) -> BoolArray:
    """The ZOPA as a mask: ``mask & (u_p ≥ r_p for every p)``."""
    u_, r_, m = check_problem(u, r, mask)
    return m & (u_ >= r_[:, None]).all(axis=0)


@dataclass(frozen=True)
class Zopa:
    """The zone of possible agreement: ``mask`` (over all outcomes), its ``size``, the number
    of admissible outcomes, and each party's utility range over it (``low``/``high``, NaN when
    the zone is empty)."""

    mask: BoolArray
    size: int
    n_admissible: int
    low: FloatArray
    high: FloatArray

    @property
    def share(self) -> float:
        """Size as a share of the admissible outcomes (NaN with none admissible)."""
        return self.size / self.n_admissible if self.n_admissible else float("nan")

    @property
    def empty(self) -> bool:
        return self.size == 0

    def as_dict(self, parties: tuple[str, ...] | None = None) -> dict[str, float | int]:
        """Flat summary: size, n_admissible, share, and ``low_<party>`` / ``high_<party>``."""
        names = parties or tuple(f"p{i}" for i in range(self.low.shape[0]))
        out: dict[str, float | int] = {
            "size": self.size,
            "n_admissible": self.n_admissible,
            "share": self.share,
        }
        for name, lo, hi in zip(names, self.low.tolist(), self.high.tolist(), strict=True):
            out[f"low_{name}"] = lo
            out[f"high_{name}"] = hi
        return out


def zopa(u: ArrayLike, r: ArrayLike, mask: ArrayLike | None = None) -> Zopa:
    """The ZOPA ``{o ∈ A : u(o) ≥ r}`` with its size and utility ranges."""
    u_, r_, m = check_problem(u, r, mask)
    z = m & (u_ >= r_[:, None]).all(axis=0)
    size = int(z.sum())
    if size:
        low, high = u_[:, z].min(axis=1), u_[:, z].max(axis=1)
    else:
        low = high = np.full(u_.shape[0], np.nan)
    z.setflags(write=False)
    return Zopa(mask=z, size=size, n_admissible=int(m.sum()), low=low, high=high)


# --------------------------------------------------------------------------- point solutions


def _pick(candidates: BoolArray, *keys: FloatArray) -> int | None:
    """Lexicographic argmax: among ``candidates`` the largest ``keys[0]``, then ``keys[1]``
    among those tied, …, then the lowest index; None without candidates."""
    if not candidates.any():
        return None
    cand = candidates
    for key in keys:
        cand = cand & (key == key[cand].max())
    return int(np.argmax(cand))


def _required(r: ArrayLike | None) -> ArrayLike:
    if r is None:
        raise SolutionError.single(
            "this solution needs the reservation (disagreement) values", path="r"
        )
    return r


def ideal_point(u: ArrayLike, r: ArrayLike, mask: ArrayLike | None = None) -> FloatArray:
    """``I_p = max_{o ∈ Z} u_p(o)`` over the ZOPA; NaN when it is empty."""
    u_, r_, m = check_problem(u, _required(r), mask)
    z = m & (u_ >= r_[:, None]).all(axis=0)
    if not z.any():
        return np.full(u_.shape[0], np.nan)
    return u_[:, z].max(axis=1)


def nash_solution(u: ArrayLike, r: ArrayLike, mask: ArrayLike | None = None) -> int | None:
    """Nash bargaining solution: ``argmax_{o ∈ Z} Π_p (u_p(o) − r_p)``; ties → larger
    ``Σ_p u_p``, then lowest index; None when the ZOPA Z is empty (Nash 1950)."""
    u_, r_, m = check_problem(u, _required(r), mask)
    gains = u_ - r_[:, None]
    z = m & (gains >= 0).all(axis=0)
    return _pick(z, np.prod(gains, axis=0), u_.sum(axis=0))


def kalai_smorodinsky(u: ArrayLike, r: ArrayLike, mask: ArrayLike | None = None) -> int | None:
    """Kalai–Smorodinsky on the discrete set: ``argmax_{o ∈ Z} min_p (u_p(o) − r_p)/(I_p − r_p)``
    with ``I`` the ideal point over Z (parties with ``I_p = r_p`` left out of the minimum); ties
    → larger ``Σ_p u_p``, then lowest index; None when Z is empty (Kalai & Smorodinsky 1975)."""
    u_, r_, m = check_problem(u, _required(r), mask)
    gains = u_ - r_[:, None]
    z = m & (gains >= 0).all(axis=0)
    if not z.any():
        return None
    span = gains[:, z].max(axis=1)
    counted = span > 0
    if not counted.any():  # every outcome in Z is the disagreement point itself
        return _pick(z, u_.sum(axis=0))
    ratios = gains[counted] / span[counted, None]
    return _pick(z, ratios.min(axis=0), u_.sum(axis=0))


def max_welfare(
    u: ArrayLike,
    r: ArrayLike | None = None,
    mask: ArrayLike | None = None,
    *,
    rational: bool = True,
) -> int | None:
    """Utilitarian solution: ``argmax Σ_p u_p(o)`` over the ZOPA (``rational=False`` or
    ``r=None``: over all admissible outcomes); ties → lowest index; None if nothing qualifies."""
    u_, r_, m = check_problem(u, r, mask)
    allowed = m & (u_ >= r_[:, None]).all(axis=0) if rational else m
    return _pick(allowed, u_.sum(axis=0))


SOLUTIONS.add("nash", nash_solution)
SOLUTIONS.add("kalai-smorodinsky", kalai_smorodinsky)
SOLUTIONS.add("max-welfare", max_welfare)


# --------------------------------------------------------------------------- distances


def frontier_distance(points: ArrayLike, frontier: ArrayLike) -> FloatArray:
    """Euclidean distance from each utility point to the nearest frontier point.

    ``points`` is ``[p, k]`` (k utility vectors; NaN columns give NaN), ``frontier`` ``[p, f]``
    (e.g. ``u[:, pareto_frontier(u)]``). Blocked so that ``k × f`` never exceeds a few
    million cells at once. An empty frontier gives NaN.
    """
    pts = np.asarray(points, dtype=np.float64)
    front = np.asarray(frontier, dtype=np.float64)
    if pts.ndim != 2 or front.ndim != 2 or pts.shape[0] != front.shape[0]:
        raise SolutionError.single(
            "points and frontier must be [parties, k] arrays with the same number of parties",
            found=f"shapes {pts.shape} and {front.shape}",
        )
    k, f = pts.shape[1], front.shape[1]
    out = np.full(k, np.nan)
    if f == 0 or k == 0:
        return out
    block = max(1, _CELLS // (f * pts.shape[0]))
    for lo in range(0, k, block):
        diff = pts[:, lo : lo + block, None] - front[:, None, :]
        out[lo : lo + block] = np.sqrt((diff * diff).sum(axis=0).min(axis=1))
    return out
