"""Outcome spaces: the issues under negotiation and every combination of their values.

An outcome assigns one value to each issue. Issues are of four kinds:

- ``integer``: the whole numbers ``low, low + 1, …, high``;
- ``categorical``: named options, in the order given;
- ``boolean``: ``False, True``;
- ``continuous``: a real range ``[low, high]`` discretised on a grid (a step, explicit points, or
  the default rule of :func:`default_steps`).

**Enumeration order.** Outcomes are numbered in row-major (C) order over the issues: the *last*
issue changes fastest. With ``n_j`` values on issue ``j`` and value indices ``k_j``, outcome

    i = Σ_j k_j · s_j,   s_j = Π_{l > j} n_l   (``strides``),

so ``k_j = (i // s_j) mod n_j``. :attr:`OutcomeSpace.indices` is the ``[n_outcomes, n_issues]``
integer matrix of the ``k_j`` (row ``i`` = outcome ``i``) and :attr:`OutcomeSpace.values` the
matching float matrix of issue values (a categorical value is its option's position, a boolean is
0 or 1). Both are built with numpy in ``O(n_outcomes · n_issues)`` with no Python loop per outcome;
additive quantities (utilities) never need them: :meth:`OutcomeSpace.additive` sums per-issue
vectors by broadcasting.

**Default grid.** A continuous issue's grid step is chosen so that discretising costs less than
``GRID_BUDGET`` (0.5%) utility: see :func:`default_steps`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from typing import Any, Literal

import numpy as np

from burdenshare.errors import BurdenshareError, Problem, ProgrammerError

__all__ = [
    "GRID_BUDGET",
    "MAX_OUTCOMES",
    "DomainError",
    "Issue",
    "IssueKind",
    "OutcomeSpace",
    "default_steps",
]

IssueKind = Literal["integer", "categorical", "boolean", "continuous"]

#: Largest outcome space built (about 160 MB per float array); a finer grid is a user mistake.
MAX_OUTCOMES = 20_000_000
#: Utility a default grid may cost: one grid step on every continuous issue at once moves any
#: party's utility by at most this much.
GRID_BUDGET = 0.005


class DomainError(BurdenshareError):
    """An outcome space, a utility function or a bargaining domain cannot be built as asked."""


def _number(value: object) -> float | None:
    """``value`` as a float when it is a real number (booleans are not numbers here)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


class Issue:
    """One issue of an outcome space: its name, kind and the values it may take, in order.

    Build one with :meth:`integer`, :meth:`categorical`, :meth:`boolean` or :meth:`continuous`.
    ``values`` holds the Python values (``int``, ``str``, ``bool``, ``float``); ``numbers`` the
    float the value matrix uses for each (a categorical option's position, 0/1 for a boolean).
    """

    __slots__ = ("_lookup", "kind", "name", "numbers", "values")

    def __init__(self, name: str, kind: IssueKind, values: Sequence[Any], numbers: np.ndarray):
        if not values:
            raise DomainError.single("an issue needs at least one value", path=name)
        self.name = name
        self.kind: IssueKind = kind
        self.values: tuple[Any, ...] = tuple(values)
        numbers = np.asarray(numbers, dtype=np.float64).copy()
        numbers.setflags(write=False)
        self.numbers = numbers
        self._lookup: dict[Any, int] | None = (
            {v: i for i, v in enumerate(self.values)} if kind == "categorical" else None
        )

    # -- constructors -----------------------------------------------------------------------
    @classmethod
    def integer(cls, name: str, low: int, high: int) -> Issue:
        """The whole numbers ``low … high`` (inclusive)."""
        if high < low:
            raise DomainError.single(
                "range is empty", path=name, expected=f"high >= low ({low})", found=str(high)
            )
        _check_count(name, high - low + 1)
        values = range(int(low), int(high) + 1)
        return cls(name, "integer", list(values), np.arange(low, high + 1, dtype=np.float64))

    @classmethod
    def categorical(cls, name: str, options: Sequence[str]) -> Issue:
        """Named options, in the order given (they must be distinct)."""
        options = list(options)
        repeated = sorted({str(o) for o in options if options.count(o) > 1})
        if repeated:
            raise DomainError.single("options repeat", path=name, found=", ".join(repeated))
        return cls(name, "categorical", options, np.arange(len(options), dtype=np.float64))

    @classmethod
    def boolean(cls, name: str) -> Issue:
        """``False`` (index 0) and ``True`` (index 1)."""
        return cls(name, "boolean", [False, True], np.array([0.0, 1.0]))

    @classmethod
    def continuous(
        cls,
        name: str,
        low: float,
        high: float,
        *,
        step: float | None = None,
        points: Sequence[float] | None = None,
        include: Iterable[float] = (),
        steps: Sequence[tuple[float, float]] | None = None,
    ) -> Issue:
        """A real range on a grid.

        With ``steps`` (``[(from, step), ...]``, ``from`` increasing, the first at or below
        ``low``), the step changes at each ``from``: fine where deals happen, coarse elsewhere;
        ``high`` and the knots of ``include`` are added as with one step.
        With ``points``, the grid is exactly those points (sorted; each within ``[low, high]``).
        Otherwise it is ``low, low + step, low + 2·step, …`` up to ``high``, with ``high`` added
        when the steps do not land on it (``step=None`` gives just the two ends), and every point
        of ``include`` (a value function's knots: ideal and reservation points) merged in; a knot
        within ``1e-9 · (high − low)`` of a grid point replaces it. Adding points only shortens
        gaps, so the gap between neighbours never exceeds ``step``.
        """
        if not (math.isfinite(low) and math.isfinite(high)) or not high > low:
            raise DomainError.single(
                "range is empty or reversed",
                path=name,
                expected=f"finite low < high (low = {low:g})",
                found=f"{high:g}",
            )
        span = high - low
        tol = 1e-9 * span
        if points is not None:
            grid = np.unique(np.asarray(points, dtype=np.float64))
            outside = grid[(grid < low - tol) | (grid > high + tol) | ~np.isfinite(grid)]
            if grid.size == 0 or outside.size:
                raise DomainError.single(
                    "grid points outside the issue's range",
                    path=name,
                    expected=f"points within [{low:g}, {high:g}]",
                    found=", ".join(f"{x:g}" for x in outside[:5]) or "no points",
                )
            return cls(name, "continuous", [float(x) for x in grid], grid)
        if steps is not None:
            pieces = [(float(a), float(b)) for a, b in steps]
            bad = [b for _, b in pieces if not (math.isfinite(b) and b > 0)]
            starts = [a for a, _ in pieces]
            if not pieces or bad or starts != sorted(starts) or starts[0] > low + tol:
                raise DomainError.single(
                    "piecewise grid steps must start at or below the issue's low end, in "
                    "increasing order, each step > 0",
                    path=name,
                    found=", ".join(f"({a:g}, {b:g})" for a, b in pieces),
                )
            parts = []
            for k, (start, size) in enumerate(pieces):
                begin = max(start, low)
                end = min(pieces[k + 1][0] if k + 1 < len(pieces) else high, high)
                if end <= begin:
                    continue
                count = math.floor((end - begin) / size + 1e-9)
                _check_count(name, sum(len(p) for p in parts) + count + 2)
                parts.append(begin + size * np.arange(count + 1, dtype=np.float64))
            grid = np.unique(np.concatenate([*parts, [high]]))
            grid = grid[grid <= high]
        elif step is None:
            grid = np.array([low, high])
        else:
            if not (math.isfinite(step) and step > 0):
                raise DomainError.single("grid step must be > 0", path=name, found=f"{step:g}")
            n_steps = math.floor(span / step + 1e-9)
            _check_count(name, n_steps + 2)
            grid = low + step * np.arange(n_steps + 1, dtype=np.float64)
            if high - grid[-1] > tol:
                grid = np.append(grid, high)
            else:  # the steps land on ``high`` up to rounding
                grid[-1] = high
        grid = _merge_knots(grid, [x for x in include if low - tol <= x <= high + tol], tol)
        return cls(name, "continuous", [float(x) for x in grid], grid)

    # -- lookups ----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.values)

    def __repr__(self) -> str:
        return f"Issue({self.name!r}, {self.kind}, {len(self)} values)"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Issue):
            return NotImplemented
        return (self.name, self.kind, self.values) == (other.name, other.kind, other.values)

    def __hash__(self) -> int:
        return hash((self.name, self.kind, self.values))

    def domain(self) -> str:
        """The issue's values in words."""
        if self.kind == "integer":
            return f"an integer from {self.values[0]} to {self.values[-1]}"
        if self.kind == "boolean":
            return "true or false"
        if self.kind == "categorical":
            shown = ", ".join(f'"{v}"' for v in self.values[:8])
            return "one of " + shown + (", …" if len(self.values) > 8 else "")
        return f"a grid point from {self.values[0]:g} to {self.values[-1]:g}"

    def index(self, value: Any, *, snap: bool = False) -> int:
        """Position of ``value`` among the issue's values.

        A continuous value must be a grid point (to within ``1e-9`` of the range); with
        ``snap=True`` the nearest grid point is taken instead.
        """
        if self.kind == "categorical":
            assert self._lookup is not None
            if isinstance(value, str) and value in self._lookup:
                return self._lookup[value]
        elif self.kind == "boolean":
            if isinstance(value, bool | np.bool_):
                return int(bool(value))
        else:
            number = _number(value)
            if number is not None:
                if self.kind == "integer":
                    k = round(number - self.values[0])
                    if number.is_integer() and 0 <= k < len(self.values):
                        return k
                else:
                    grid = self.numbers
                    right = int(np.searchsorted(grid, number))  # first grid point >= number
                    near = [c for c in (right - 1, right) if 0 <= c < len(grid)]
                    k = min(near, key=lambda c: abs(grid[c] - number))
                    tol = 1e-9 * max(grid[-1] - grid[0], abs(number), 1e-300)
                    if snap and grid[0] - tol <= number <= grid[-1] + tol:
                        return k
                    if abs(grid[k] - number) <= tol:
                        return k
        raise DomainError.single(
            f"value not in issue '{self.name}'",
            path=self.name,
            expected=self.domain(),
            found=repr(value),
        )


def _check_count(name: str, count: int) -> None:
    if count > MAX_OUTCOMES:
        raise DomainError.single(
            "too many values on one issue",
            path=name,
            expected=f"at most {MAX_OUTCOMES:,} (use a coarser grid step)",
            found=f"{count:,}",
        )


def _merge_knots(grid: np.ndarray, knots: Sequence[float], tol: float) -> np.ndarray:
    """``grid`` with each knot inserted, or put in place of a grid point within ``tol`` of it."""
    grid = grid.copy()
    extra: list[float] = []
    for x in knots:
        k = int(np.argmin(np.abs(grid - x)))
        if abs(grid[k] - x) <= tol:
            grid[k] = x
        else:
            extra.append(float(x))
    return np.unique(np.concatenate([grid, np.asarray(extra, dtype=np.float64)]))


def default_steps(
    sensitivity: Mapping[str, tuple[float, float, float]], budget: float = GRID_BUDGET
) -> dict[str, float | None]:
    """Grid steps that keep discretisation within ``budget`` utility, per continuous issue.

    ``sensitivity`` maps each continuous issue to ``(low, high, L)`` where ``L`` is the largest
    utility change per unit of the issue over all parties, ``L_j = max_p w_pj · Lip(v_pj)``
    (weight times the value function's largest slope; for a linear value function falling from 1
    to 0 over a distance D, ``Lip = 1/D``). With ``K`` continuous issues whose ``L_j > 0``,

        h_j = budget / (K · L_j)

    so moving *every* continuous issue by one grid step changes any party's utility by at most
    ``Σ_j L_j h_j = budget`` (0.5%), and the grid point nearest to any continuous outcome is within
    half that (0.25%) for every party at once. The step is shrunk so that it divides the range
    evenly. For a single linear value function with weight ``w`` falling over the whole range R,
    ``h = 0.005 · R / w``. An issue no party cares about (``L_j = 0``) gets ``None`` (its two ends).
    """
    active = {k: v for k, v in sensitivity.items() if v[2] > 0 and math.isfinite(v[2])}
    steps: dict[str, float | None] = {k: None for k in sensitivity}
    for name, (low, high, lip) in active.items():
        h = budget / (len(active) * lip)
        n = max(1, math.ceil((high - low) / h - 1e-9))
        steps[name] = (high - low) / n
    return steps


class OutcomeSpace:
    """Every combination of one value per issue, numbered with the last issue fastest.

    ``space.indices[i]`` are outcome ``i``'s value indices, ``space.values[i]`` its values as
    floats, ``space.outcome(i)`` a ``{issue: value}`` dict and ``space.index_of(outcome)`` the
    inverse. ``len(space)`` is the number of outcomes, ``Π_j n_j``.
    """

    def __init__(self, issues: Sequence[Issue], *, max_outcomes: int = MAX_OUTCOMES) -> None:
        issues = tuple(issues)
        if not issues:
            raise DomainError.single("an outcome space needs at least one issue")
        names = [i.name for i in issues]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise DomainError.single("issue names repeat", found=", ".join(repeated))
        self.issues = issues
        self.names: tuple[str, ...] = tuple(names)
        self.shape: tuple[int, ...] = tuple(len(i) for i in issues)
        n = math.prod(self.shape)
        if n > max_outcomes:
            raise DomainError.single(
                "outcome space too large",
                expected=f"at most {max_outcomes:,} outcomes (coarser grids or fewer issues)",
                found=f"{n:,} = " + " × ".join(f"{s:,}" for s in self.shape),
            )
        self.n_outcomes = n
        strides = [math.prod(self.shape[j + 1 :]) for j in range(len(issues))]
        self.strides = np.array(strides, dtype=np.int64)
        self.strides.setflags(write=False)
        self._position = {name: j for j, name in enumerate(names)}

    def __len__(self) -> int:
        return self.n_outcomes

    def __repr__(self) -> str:
        dims = " × ".join(f"{i.name}[{len(i)}]" for i in self.issues)
        return f"OutcomeSpace({dims} = {self.n_outcomes:,} outcomes)"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, OutcomeSpace):
            return NotImplemented
        return self.issues == other.issues

    def __hash__(self) -> int:
        return hash(self.issues)

    @property
    def n_issues(self) -> int:
        return len(self.issues)

    def issue(self, name: str) -> Issue:
        """The issue called ``name``."""
        try:
            return self.issues[self._position[name]]
        except KeyError:
            raise DomainError.single(
                f"unknown issue '{name}'", expected="one of " + ", ".join(self.names)
            ) from None

    # -- the matrices -----------------------------------------------------------------------
    @cached_property
    def indices(self) -> np.ndarray:
        """``[n_outcomes, n_issues]`` int32: value index of each issue in each outcome."""
        out = np.empty((self.n_outcomes, self.n_issues), dtype=np.int32)
        for j, size in enumerate(self.shape):
            column = out[:, j].reshape(self.shape)  # a strided view: written in place
            axis = [1] * self.n_issues
            axis[j] = size
            np.copyto(column, np.arange(size, dtype=np.int32).reshape(axis))
        out.setflags(write=False)
        return out

    @cached_property
    def values(self) -> np.ndarray:
        """``[n_outcomes, n_issues]`` float64: each outcome's issue values as numbers."""
        out = np.empty((self.n_outcomes, self.n_issues), dtype=np.float64)
        for j, issue in enumerate(self.issues):
            column = out[:, j].reshape(self.shape)
            axis = [1] * self.n_issues
            axis[j] = len(issue)
            np.copyto(column, issue.numbers.reshape(axis))
        out.setflags(write=False)
        return out

    def additive(self, per_issue: Sequence[np.ndarray]) -> np.ndarray:
        """``out[i] = Σ_j per_issue[j][k_j(i)]`` for every outcome i, by broadcasting.

        ``per_issue[j]`` has one entry per value of issue j. Equivalent to
        ``sum(v[indices[:, j]] for j, v in enumerate(per_issue))`` without the index matrix.
        """
        if len(per_issue) != self.n_issues:
            raise ProgrammerError(f"{len(per_issue)} vectors for {self.n_issues} issues")
        total = np.zeros(self.shape, dtype=np.float64)
        for j, vec in enumerate(per_issue):
            vec = np.asarray(vec, dtype=np.float64)
            if vec.shape != (self.shape[j],):
                raise ProgrammerError(
                    f"issue {self.names[j]}: {vec.shape} for {self.shape[j]} values"
                )
            axis = [1] * self.n_issues
            axis[j] = self.shape[j]
            total += vec.reshape(axis)
        return total.reshape(-1)

    # -- conversions ------------------------------------------------------------------------
    def ravel(self, indices: np.ndarray | Sequence[int]) -> np.ndarray:
        """Outcome numbers of value-index rows (``[m, n_issues]`` → ``[m]``; one row → scalar)."""
        idx = np.asarray(indices, dtype=np.int64)
        if idx.shape[-1] != self.n_issues or np.any(idx < 0) or np.any(idx >= self.shape):
            raise ProgrammerError(f"value indices out of range for {self!r}")
        return idx @ self.strides

    def unravel(self, outcome: int | np.ndarray) -> np.ndarray:
        """Value indices of outcome numbers (``[m]`` → ``[m, n_issues]``)."""
        i = np.asarray(outcome, dtype=np.int64)
        if np.any(i < 0) or np.any(i >= self.n_outcomes):
            raise ProgrammerError(f"outcome number out of range 0..{self.n_outcomes - 1}")
        return (i[..., None] // self.strides) % np.asarray(self.shape, dtype=np.int64)

    def index_of(self, outcome: Mapping[str, Any], *, snap: bool = False) -> int:
        """Number of the outcome ``{issue: value}`` (every issue once; see :meth:`Issue.index`)."""
        problems = [
            Problem(f"unknown issue '{k}'", path=str(k), expected="one of " + ", ".join(self.names))
            for k in outcome
            if k not in self._position
        ]
        problems += [
            Problem("outcome gives no value for this issue", path=name, expected=issue.domain())
            for name, issue in zip(self.names, self.issues, strict=True)
            if name not in outcome
        ]
        if problems:
            raise DomainError(problems)
        idx = [issue.index(outcome[issue.name], snap=snap) for issue in self.issues]
        return int(np.dot(idx, self.strides))

    def outcome(self, i: int) -> dict[str, Any]:
        """Outcome number ``i`` as ``{issue: value}``."""
        i = int(i)
        if not 0 <= i < self.n_outcomes:
            raise DomainError.single(
                "outcome number out of range",
                expected=f"0 … {self.n_outcomes - 1}",
                found=str(i),
            )
        return {
            issue.name: issue.values[(i // int(s)) % len(issue)]
            for issue, s in zip(self.issues, self.strides, strict=True)
        }
