"""``numpy.interp`` for many knot sets at once, bit for bit.

A sweep that draws a party's ideal or reservation amount needs each row's value function on the
same issue grid. :func:`interp_rows` evaluates row b's piecewise-linear function (knots
``xp[b]``, ``fp[b]``) at the shared points ``x`` with numpy's own arithmetic (slope
``(f[j+1] − f[j]) / (x[j+1] − x[j])``, value ``slope · (x − xp[j]) + f[j]``, knots returned
exactly, constant beyond the ends), so a sweep row's utilities equal those of the scenario the
row describes, not just approximately.
"""

from __future__ import annotations

import numpy as np

__all__ = ["interp_rows"]


def interp_rows(x: np.ndarray, xp: np.ndarray, fp: np.ndarray) -> np.ndarray:
    """``out[b] = numpy.interp(x, xp[b], fp[b])`` for every row b.

    ``x``: ``[n]``; ``xp``, ``fp``: ``[rows, k]`` with each ``xp[b]`` strictly increasing.
    """
    x = np.asarray(x, dtype=np.float64)
    xp = np.asarray(xp, dtype=np.float64)
    fp = np.asarray(fp, dtype=np.float64)
    rows, k = xp.shape
    if k == 1:
        return np.broadcast_to(fp[:, :1], (rows, x.shape[0])).copy()
    xb = x[None, :]
    # j: the last knot <= x (numpy's binary search), clipped to a valid segment
    j = (xb[..., None] >= xp[:, None, :]).sum(axis=-1) - 1
    seg = np.clip(j, 0, k - 2)
    x0 = np.take_along_axis(xp, seg, axis=1)
    x1 = np.take_along_axis(xp, seg + 1, axis=1)
    f0 = np.take_along_axis(fp, seg, axis=1)
    f1 = np.take_along_axis(fp, seg + 1, axis=1)
    slope = (f1 - f0) / (x1 - x0)
    out = slope * (xb - x0) + f0
    nan = np.isnan(out)
    if nan.any():  # numpy retries from the right knot, then falls back to a flat segment
        retry = slope * (xb - x1) + f1
        out = np.where(nan, retry, out)
        out = np.where(nan & np.isnan(out) & (f0 == f1), f0, out)
    out = np.where(xb == x0, f0, out)  # a knot hit exactly returns its value
    out = np.where(xb < xp[:, :1], fp[:, :1], out)
    return np.where(xb >= xp[:, -1:], fp[:, -1:], out)
