"""Input checks shared by the reference engine (:mod:`.engine`) and the batch engine
(:mod:`.batch`): one function per argument, each returning the argument in the form the engines
use or raising a :class:`~burdenshare.errors.BurdenshareError` with one problem per mistake."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from burdenshare.bargaining.strategies import kernels
from burdenshare.errors import BurdenshareError, Problem

__all__ = [
    "check_discount",
    "check_mode",
    "check_negmas_inputs",
    "check_reserved",
    "check_rounds",
    "check_seed",
    "check_steps",
    "check_times",
    "check_utilities",
]


def check_mode(compat: str | None) -> bool:
    """True for NegMAS compatibility mode; a user error for anything but None / "negmas"."""
    if compat is None:
        return False
    if compat == "negmas":
        return True
    raise BurdenshareError(
        [Problem("unknown compatibility mode", path="compat", expected="'negmas'", found=compat)]
    )


def check_steps(n_steps: int) -> int:
    if isinstance(n_steps, bool) or int(n_steps) != n_steps or n_steps < 1:
        raise BurdenshareError(
            [
                Problem(
                    "a negotiation needs at least one round",
                    path="n_steps",
                    expected="an integer ≥ 1",
                    found=repr(n_steps),
                )
            ]
        )
    return int(n_steps)


def check_utilities(u: ArrayLike, name: str, ndims: tuple[int, ...] = (1,)) -> np.ndarray:
    arr = np.asarray(u, dtype=np.float64)
    if arr.ndim not in ndims or arr.shape[-1] == 0:
        shape = " or ".join({1: "[n_outcomes]", 2: "[batch, n_outcomes]"}[d] for d in ndims)
        raise BurdenshareError(
            [
                Problem(
                    "utilities have the wrong shape",
                    path=name,
                    expected=shape,
                    found=str(arr.shape),
                )
            ]
        )
    if not np.isfinite(arr).all():
        raise BurdenshareError(
            [
                Problem(
                    "utilities must be finite",
                    path=name,
                    expected="finite numbers",
                    found="NaN or infinity",
                )
            ]
        )
    return arr


def check_reserved(r: ArrayLike, n_steps: int, name: str, rows: int | None = None) -> np.ndarray:
    """Reserved value(s) as ``[n_steps]`` (single) or ``[rows, n_steps]`` (batch).

    Single engine: a number (constant) or ``[n_steps]`` (one per round). Batch: a number,
    ``[rows]`` (one per negotiation) or ``[rows or 1, n_steps]`` (per negotiation and round).
    """
    if rows is None and isinstance(r, float | int) and math.isfinite(r):
        return np.full(n_steps, float(r))  # the common case, cheaply
    arr = np.asarray(r, dtype=np.float64)
    try:
        if rows is None:
            out = np.broadcast_to(arr, (n_steps,))
        elif arr.ndim <= 1:
            out = np.broadcast_to(np.broadcast_to(arr, (rows,))[:, None], (rows, n_steps))
        else:
            out = np.broadcast_to(arr, (rows, n_steps))
    except ValueError:
        want = "a number or [n_steps]" if rows is None else "a number, [batch] or [batch, n_steps]"
        raise BurdenshareError(
            [
                Problem(
                    "reserved values have the wrong shape",
                    path=name,
                    expected=want,
                    found=str(arr.shape),
                )
            ]
        ) from None
    if not np.isfinite(out).all():
        raise BurdenshareError(
            [
                Problem(
                    "reserved values must be finite",
                    path=name,
                    expected="finite numbers",
                    found="NaN or infinity",
                )
            ]
        )
    return out


def check_times(
    times: tuple[ArrayLike, ArrayLike] | None, n_steps: int, negmas: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Each side's relative time per round: the default clock, or ``[n_steps]`` values in
    [0, 1] that never decrease."""
    if times is None:
        default = kernels.relative_times(n_steps, negmas)
        return default, default
    out = []
    for i in range(2):
        t = np.asarray(times[i], dtype=np.float64)
        ok = t.shape == (n_steps,) and bool(np.isfinite(t).all())
        ok = ok and bool(((t >= 0.0) & (t <= 1.0)).all()) and bool((np.diff(t) >= 0.0).all())
        if not ok:
            raise BurdenshareError(
                [
                    Problem(
                        "relative times must be [n_steps] numbers in [0, 1] that never decrease",
                        path=f"times[{i}]",
                        expected=f"{n_steps} values",
                        found=str(t.shape),
                    )
                ]
            )
        t = np.ascontiguousarray(t)
        t.flags.writeable = False
        out.append(t)
    return out[0], out[1]


def check_rounds(rounds: tuple[int, int] | None, n_steps: int) -> tuple[int, int]:
    """``(first, stop)`` with ``0 <= first < stop <= n_steps``."""
    if rounds is None:
        return 0, n_steps
    first, stop = (int(r) for r in rounds)
    if not 0 <= first < stop <= n_steps:
        raise BurdenshareError(
            [
                Problem(
                    "rounds must satisfy 0 <= first < stop <= n_steps",
                    path="rounds",
                    expected=f"a window inside 0 … {n_steps}",
                    found=f"({first}, {stop})",
                )
            ]
        )
    return first, stop


def check_discount(d: ArrayLike, name: str) -> np.ndarray:
    arr = np.asarray(d, dtype=np.float64)
    if not ((arr > 0.0) & (arr <= 1.0)).all():
        raise BurdenshareError(
            [
                Problem(
                    "discount factor out of range", path=name, expected="0 < d ≤ 1", found=str(arr)
                )
            ]
        )
    return arr


def check_negmas_inputs(
    negmas: bool, discount: object, ratify: object, reserved_varies: bool
) -> None:
    """NegMAS's mechanism has no discount, ratification or per-round outside options."""
    if not negmas:
        return
    problems = []
    if discount is not None:
        problems.append(Problem("compat='negmas' has no time discount", path="discount"))
    if ratify is not None:
        problems.append(Problem("compat='negmas' has no ratification", path="ratify"))
    if reserved_varies:
        problems.append(
            Problem("compat='negmas' takes one reserved value per side", path="reserved")
        )
    if problems:
        raise BurdenshareError(problems)


def check_seed(seed: object) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int | np.random.SeedSequence):
        raise BurdenshareError(
            [
                Problem(
                    "a seed is an integer or a numpy SeedSequence",
                    path="seed",
                    expected="int or SeedSequence",
                    found=type(seed).__name__,
                )
            ]
        )
