r"""Nash and Kalai–Smorodinsky on a continuous two-party frontier (the "pie" versions).

A :class:`Frontier` is the Pareto frontier of a bargaining set: ``u₁ = f(u₀)`` for ``u₀`` in
``[lo, hi]``, f non-increasing. Build it from a function (:meth:`Frontier.from_function`), from
points (:meth:`Frontier.from_points`: their Pareto-optimal points joined by straight lines), or
as the pie ``u₀ + u₁ = size`` (:meth:`Frontier.pie`). With disagreement point r:

* the individually rational part is ``u₀ ∈ [a, b]`` with ``a = max(lo, r₀)`` and b the largest
  ``u₀`` with ``f(u₀) ≥ r₁``; it is empty (solutions return None) when ``a > b``;
* the ideal point is ``I = (b, f(a))``;
* **Nash** (Nash 1950): ``argmax_{x ∈ [a, b]} (x − r₀)(f(x) − r₁)``;
* **Kalai–Smorodinsky** (Kalai & Smorodinsky 1975): the x where the frontier meets the segment
  from r to I, ``(x − r₀)/(I₀ − r₀) = (f(x) − r₁)/(I₁ − r₁)`` (the left side increases in x,
  the right side decreases, so the root is unique).

Closed forms: on a piecewise-linear frontier the Nash product is a quadratic on each segment,
``(x − r₀)(c + s·x)`` with ``c = y_k − s·x_k − r₁``, maximised at ``x* = (s·r₀ − c)/(2s)``
(clipped to the segment; s = 0 → the segment's right end), and the KS equation is linear on each
segment; both are solved exactly, segment by segment at once. On the pie with r = 0 both give
``(size/2, size/2)``. For a general f (which must accept and return arrays): Nash by a grid of
4,097 points and golden-section refinement between the best point's neighbours — the product is
flat at its maximum, so double precision pins the maximiser only to about √ε ≈ 1e-8 of the
range; KS and b by bisection, to ~1e-15 of the range.

References: Nash (1950), *Econometrica* 18(2): 155–162; Kalai & Smorodinsky (1975),
*Econometrica* 43(3): 513–518; K. Binmore, A. Rubinstein and A. Wolinsky, "The Nash bargaining
solution in economic modelling", *RAND J. Econ.* 17(2), 1986 (the pie).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from burdenshare.bargaining.solutions import SolutionError, pareto_frontier

__all__ = ["Frontier", "frontier_kalai_smorodinsky", "frontier_nash"]

FloatArray = NDArray[np.float64]

_GRID = 4097  # points of the first Nash scan on a general frontier
_GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0
_ITER = 200  # bisection / golden-section steps (stop earlier once the bracket is tiny)


@dataclass(frozen=True)
class Frontier:
    """``u₁ = f(u₀)`` on ``[lo, hi]``, non-increasing; ``vertices`` ([2, k], by u₀) when it is
    piecewise linear."""

    f: Callable[[FloatArray], FloatArray]
    lo: float
    hi: float
    vertices: FloatArray | None = None

    def __call__(self, x: ArrayLike) -> FloatArray:
        return np.asarray(self.f(np.asarray(x, dtype=np.float64)), dtype=np.float64)

    @classmethod
    def from_function(
        cls, f: Callable[[FloatArray], FloatArray], lo: float, hi: float, *, check: int = 1025
    ) -> Frontier:
        """A frontier from a vectorised function; checked on ``check`` points to be finite and
        non-increasing (a user error otherwise)."""
        lo, hi = float(lo), float(hi)
        if not (math.isfinite(lo) and math.isfinite(hi) and lo <= hi):
            raise SolutionError.single(
                "the frontier's range must be finite with lo ≤ hi", found=f"[{lo}, {hi}]"
            )
        xs = np.linspace(lo, hi, check)
        ys = np.asarray(f(xs), dtype=np.float64)
        if ys.shape != xs.shape or not np.isfinite(ys).all():
            raise SolutionError.single(
                "the frontier function must map an array to finite values of its shape"
            )
        up = np.flatnonzero(np.diff(ys) > 1e-12 * max(1.0, float(np.abs(ys).max())))
        if up.size:
            raise SolutionError.single(
                "a Pareto frontier cannot rise: f must be non-increasing",
                found=f"f({xs[up[0]]:.6g}) = {ys[up[0]]:.6g} < f({xs[up[0] + 1]:.6g}) = "
                f"{ys[up[0] + 1]:.6g}",
            )
        return cls(f, lo, hi)

    @classmethod
    def from_points(cls, points: ArrayLike) -> Frontier:
        """The Pareto-optimal points of ``points`` ([2, k] utility vectors, as ``u``) joined by
        straight lines; repeated utility vectors count once."""
        pts = np.asarray(points, dtype=np.float64)
        if pts.ndim != 2 or pts.shape[0] != 2 or pts.shape[1] < 1:
            raise SolutionError.single(
                "points must be a [2, k] array of utility vectors", found=str(pts.shape)
            )
        front = pts[:, pareto_frontier(pts)]
        keep = np.r_[True, (np.diff(front, axis=1) != 0).any(axis=0)]
        xs, ys = front[0, keep], front[1, keep]

        def interpolate(x: FloatArray) -> FloatArray:
            return np.interp(x, xs, ys)

        return cls(interpolate, float(xs[0]), float(xs[-1]), np.stack([xs, ys]))

    @classmethod
    def pie(cls, size: float = 1.0) -> Frontier:
        """The pie ``u₀ + u₁ = size``, ``u₀ ∈ [0, size]``."""
        if not (math.isfinite(size) and size > 0):
            raise SolutionError.single("the pie's size must be positive", found=str(size))
        return cls.from_points([[0.0, size], [size, 0.0]])

    # ------------------------------------------------------------------ pieces

    def rational_range(self, r: ArrayLike) -> tuple[float, float] | None:
        """``(a, b)``: the u₀ range where both get at least r; None when empty."""
        r0, r1 = _disagreement(r)
        a = max(self.lo, r0)
        if a > self.hi or float(self(a)) < r1:
            return None
        if float(self(self.hi)) >= r1:
            return a, self.hi
        if self.vertices is not None:
            xs, ys = self.vertices
            k = int(np.flatnonzero(ys >= r1)[-1])  # last vertex above r1; the next is below
            x0, y0, x1, y1 = xs[k], ys[k], xs[k + 1], ys[k + 1]
            # f(a) ≥ r₁ was checked on the same interpolation: rounding must not put b below a
            return a, max(a, float(x0 + (r1 - y0) * (x1 - x0) / (y1 - y0)))
        return a, _bisect(lambda x: self(x) - r1, a, self.hi, increasing=False)

    def ideal(self, r: ArrayLike) -> FloatArray | None:
        """``I = (b, f(a))``: each party's best individually rational utility."""
        ab = self.rational_range(r)
        if ab is None:
            return None
        return np.array([ab[1], float(self(ab[0]))])


def _disagreement(r: ArrayLike) -> tuple[float, float]:
    r_ = np.asarray(r, dtype=np.float64).reshape(-1)
    if r_.shape != (2,) or not np.isfinite(r_).all():
        raise SolutionError.single(
            "the disagreement point is two finite utilities", found=str(r_.tolist())
        )
    return float(r_[0]), float(r_[1])


def _bisect(g: Callable[[float], Any], a: float, b: float, *, increasing: bool) -> float:
    """A root of a monotone g on [a, b] (sign change assumed): for an increasing g, the point
    where it crosses zero; for a decreasing one, the last x with g(x) ≥ 0."""
    lo, hi = a, b
    for _ in range(_ITER):
        if hi - lo <= 1e-15 * max(1.0, abs(lo), abs(hi)):
            break
        mid = 0.5 * (lo + hi)
        above = float(g(mid)) >= 0
        if above != increasing:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def frontier_nash(frontier: Frontier, r: ArrayLike) -> FloatArray | None:
    """The Nash point ``(x, f(x))`` maximising ``(x − r₀)(f(x) − r₁)`` on the individually
    rational part; None when it is empty (see module docstring for the method)."""
    ab = frontier.rational_range(r)
    if ab is None:
        return None
    r0, r1 = _disagreement(r)
    a, b = ab
    if frontier.vertices is not None:
        x = _nash_segments(frontier.vertices, r0, r1, a, b)
    elif a == b:
        x = a
    else:
        xs = np.linspace(a, b, _GRID)
        g = (xs - r0) * (frontier(xs) - r1)
        k = int(np.argmax(g))
        x = _golden(
            lambda t: (t - r0) * (float(frontier(t)) - r1),
            xs[max(k - 1, 0)],
            xs[min(k + 1, _GRID - 1)],
        )
    return np.array([x, float(frontier(x))])


def _nash_segments(v: FloatArray, r0: float, r1: float, a: float, b: float) -> float:
    xs, ys = v
    if xs.shape[0] == 1:
        return float(xs[0])
    x0, x1, y0, y1 = xs[:-1], xs[1:], ys[:-1], ys[1:]
    lo, hi = np.maximum(x0, a), np.minimum(x1, b)
    live = lo <= hi
    s = (y1 - y0) / (x1 - x0)
    c = y0 - s * x0 - r1
    with np.errstate(divide="ignore", invalid="ignore"):
        vertex = np.where(s < 0, (s * r0 - c) / (2 * s), hi)
    best = np.clip(vertex, lo, hi)
    cand = np.concatenate([best[live], lo[live], hi[live]])
    seg = np.concatenate([np.flatnonzero(live)] * 3)
    g = (cand - r0) * (c[seg] + s[seg] * cand)
    return float(cand[int(np.argmax(g))])


def _golden(g: Callable[[float], float], lo: float, hi: float) -> float:
    """Maximiser of a unimodal g on [lo, hi] by golden-section search."""
    x1 = hi - _GOLDEN * (hi - lo)
    x2 = lo + _GOLDEN * (hi - lo)
    g1, g2 = g(x1), g(x2)
    for _ in range(_ITER):
        if hi - lo <= 1e-14 * max(1.0, abs(lo), abs(hi)):
            break
        if g1 < g2:
            lo, x1, g1 = x1, x2, g2
            x2 = lo + _GOLDEN * (hi - lo)
            g2 = g(x2)
        else:
            hi, x2, g2 = x2, x1, g1
            x1 = hi - _GOLDEN * (hi - lo)
            g1 = g(x1)
    return 0.5 * (lo + hi)


def frontier_kalai_smorodinsky(frontier: Frontier, r: ArrayLike) -> FloatArray | None:
    """The KS point: where the frontier meets the segment from r to the ideal point; None when
    no frontier point is individually rational (see module docstring)."""
    ab = frontier.rational_range(r)
    if ab is None:
        return None
    r0, r1 = _disagreement(r)
    a, b = ab
    i0, i1 = b, float(frontier(a))
    if i0 == r0 or i1 == r1:  # a party cannot gain: it stays at r, the other takes its best
        x = a if i0 == r0 else b
        return np.array([x, float(frontier(x))])

    def h(x: Any) -> Any:
        return (x - r0) / (i0 - r0) - (frontier(x) - r1) / (i1 - r1)

    if frontier.vertices is not None:
        xs = frontier.vertices[0]
        knots = np.unique(np.clip(np.r_[a, xs, b], a, b))
        hk = h(knots)
        hits = np.flatnonzero(hk >= 0)  # h(b) ≥ 0 always; the guard is for rounding only
        k = int(hits[0]) if hits.size else knots.shape[0] - 1
        if k == 0:
            x = float(knots[0])
        else:  # h is linear between knots
            xa, xb, ha, hb = knots[k - 1], knots[k], hk[k - 1], hk[k]
            x = float(xa - ha * (xb - xa) / (hb - ha))
    else:
        x = _bisect(h, a, b, increasing=True)
    return np.array([x, float(frontier(x))])
