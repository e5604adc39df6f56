"""Utility functions: linear additive utilities built from per-issue value functions.

A party's utility of outcome ω = (ω_1, …, ω_n) is

    u(ω) = min(cap, Σ_j w_j · v_j(ω_j))

with weights ``w_j >= 0`` (used as given; normalise them first if they should sum to 1), value
functions ``v_j`` (usually onto [0, 1]) and an optional ``cap`` (GENIUS caps at 1). Without a
deal the party gets its reservation value ``r`` (the outside option).

**Red lines.** A party may state, per issue, the point beyond which it prefers no deal
(:class:`RedLine`: the worst acceptable number on the ideal's side, or the acceptable values of a
discrete issue). Red lines are hard constraints on the package, as reservation levels on single
issues are in negotiation analysis: an outcome within every red line scores the additive sum;
an outcome beyond any of them scores

    u(ω) = − Σ_j o_j(ω_j)  < 0,

with ``o_j`` the overshoot past red line j in units of the distance from the ideal to the red line
(1 for a value outside a discrete issue's acceptable set). So no outcome beyond a red line beats
no deal (reservation values are ≥ 0), whatever the other issues give, and a further overshoot is
worse. Without red lines the additive sum lets good terms on one issue buy any amount on another
(a host paying five times its offer for a longer term). References: Raiffa, *The Art and Science
of Negotiation* (Harvard UP, 1982), ch. 10–11 (additive scoring of packages; reservation values);
Raiffa, Richardson & Metcalfe, *Negotiation Analysis* (Harvard UP, 2002), ch. 12 (reservation
levels on individual issues as constraints on the package space). With a discount factor
``d ∈ (0, 1]`` both decay with normalised time ``t ∈ [0, 1]``:

    u_t(ω) = d^t · u(ω),   r_t = d^t · r

(GENIUS semantics: ``AbstractUtilitySpace.discount``; d = 1 means no discounting).

Value functions (registered in :data:`VALUE_FUNCTIONS` by kind):

- ``table`` — :class:`TableValue`, one number per issue value (categorical, boolean, anything);
- ``linear`` — :class:`LinearValue`, ``clip(a + b·(x − x0), lo, hi)``;
- ``triangular`` — :class:`TriangularValue`, a peak at ``top`` falling to 0 at ``lower``/``upper``;
- ``piecewise_linear`` — :class:`PiecewiseLinearValue`, interpolation between knots.

:meth:`LinearAdditiveUtility.evaluate` computes u over a whole :class:`OutcomeSpace` at once: each
value function is evaluated once per issue value (``n_j`` numbers), and the weighted vectors are
summed by broadcasting into ``[n_outcomes]`` — no Python loop per outcome.
"""

from __future__ import annotations

import itertools
import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from burdenshare.bargaining.outcomes import DomainError, Issue, OutcomeSpace
from burdenshare.errors import Problem, ProgrammerError
from burdenshare.registry import Registry

__all__ = [
    "VALUE_FUNCTIONS",
    "LinearAdditiveUtility",
    "LinearValue",
    "PiecewiseLinearValue",
    "RedLine",
    "TableValue",
    "TriangularValue",
    "ValueFunction",
]

#: Value-function kinds by name; each class registers itself.
VALUE_FUNCTIONS: Registry[type[ValueFunction]] = Registry("value function")


def _finite(name: str, value: float) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise DomainError([Problem(f"{name} must be a finite number", found=repr(value))])
    return number


class ValueFunction(ABC):
    """Maps an issue's values to numbers (usually utilities in [0, 1])."""

    #: registry name; set on each concrete class
    kind: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" in cls.__dict__:
            VALUE_FUNCTIONS.add(cls.kind, cls)

    @abstractmethod
    def on(self, issue: Issue) -> np.ndarray:
        """The value of each of ``issue``'s values, in the issue's order (float64)."""

    @abstractmethod
    def lipschitz(self) -> float:
        """Largest ``|dv/dx|`` (value per unit of the issue); 0 for a table.

        Used to choose a continuous issue's default grid (:func:`~.outcomes.default_steps`).
        """


class _Numeric(ValueFunction):
    """A value function of a number: integer, continuous (and boolean as 0/1) issues."""

    @abstractmethod
    def __call__(self, x: np.ndarray | float) -> np.ndarray:
        """v(x), elementwise."""

    def on(self, issue: Issue) -> np.ndarray:
        if issue.kind == "categorical":
            raise DomainError(
                [
                    Problem(
                        f"a {self.kind} value function needs numbers",
                        path=issue.name,
                        expected="a table for a categorical issue",
                        found=self.kind,
                    )
                ]
            )
        return np.asarray(self(issue.numbers), dtype=np.float64)


@dataclass(frozen=True)
class TableValue(ValueFunction):
    """``v(x) = table[x]``: one number per issue value (GENIUS discrete evaluators).

    Every value of the issue must be in the table.
    """

    kind: ClassVar[str] = "table"
    table: Mapping[Any, float]

    def on(self, issue: Issue) -> np.ndarray:
        missing = [v for v in issue.values if v not in self.table]
        if missing:
            raise DomainError(
                [
                    Problem(
                        "value table lacks issue values",
                        path=issue.name,
                        expected="a number for every value",
                        found="missing " + ", ".join(repr(v) for v in missing[:8]),
                    )
                ]
            )
        return np.array([float(self.table[v]) for v in issue.values], dtype=np.float64)

    def lipschitz(self) -> float:
        return 0.0


@dataclass(frozen=True)
class LinearValue(_Numeric):
    """``v(x) = clip(offset + slope · (x − origin), low, high)``.

    The default clip to [0, 1] is what GENIUS does for integer and real issues (``EvaluatorInteger``
    uses ``origin`` = the issue's lower bound, ``EvaluatorReal`` uses 0). ``low=-inf, high=inf``
    gives an unclipped line; ``slope = 0`` a constant.
    """

    kind: ClassVar[str] = "linear"
    slope: float
    offset: float = 0.0
    origin: float = 0.0
    low: float = 0.0
    high: float = 1.0

    def __post_init__(self) -> None:
        for name in ("slope", "offset", "origin"):
            _finite(name, getattr(self, name))
        if not self.low <= self.high:
            raise DomainError([Problem("clip range is reversed", found=f"{self.low}, {self.high}")])

    def __call__(self, x: np.ndarray | float) -> np.ndarray:
        y = self.offset + self.slope * (np.asarray(x, dtype=np.float64) - self.origin)
        return np.clip(y, self.low, self.high)

    def lipschitz(self) -> float:
        return abs(self.slope)


@dataclass(frozen=True)
class TriangularValue(_Numeric):
    """A peak: ``v(x) = peak · (x − lower)/(top − lower)`` on [lower, top],
    ``peak · (upper − x)/(upper − top)`` on [top, upper], 0 outside; ``v(top) = peak``.

    ``lower = top`` or ``top = upper`` make a one-sided ramp (GENIUS
    ``EVALFUNCTYPE.evalTriangular``, except that GENIUS gives 0 at ``x = top = upper``; here the
    peak is always ``peak``).
    """

    kind: ClassVar[str] = "triangular"
    lower: float
    top: float
    upper: float
    peak: float = 1.0

    def __post_init__(self) -> None:
        for name in ("lower", "top", "upper", "peak"):
            _finite(name, getattr(self, name))
        if not (self.lower <= self.top <= self.upper and self.lower < self.upper):
            raise DomainError(
                [
                    Problem(
                        "triangular value function needs lower <= top <= upper, lower < upper",
                        found=f"lower={self.lower:g}, top={self.top:g}, upper={self.upper:g}",
                    )
                ]
            )

    def __call__(self, x: np.ndarray | float) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        rise = (x - self.lower) / (self.top - self.lower) if self.top > self.lower else 0.0 * x
        fall = (self.upper - x) / (self.upper - self.top) if self.upper > self.top else 0.0 * x
        y = np.where(x < self.top, rise, fall)
        y = np.where((x < self.lower) | (x > self.upper), 0.0, y)
        return self.peak * np.where(x == self.top, 1.0, np.clip(y, 0.0, 1.0))

    def lipschitz(self) -> float:
        sides = [self.top - self.lower, self.upper - self.top]
        # a zero-width side is a jump at the issue's edge, not a slope a grid has to resolve
        return abs(self.peak) * max((1.0 / s for s in sides if s > 0), default=0.0)


@dataclass(frozen=True)
class PiecewiseLinearValue(_Numeric):
    """Linear interpolation between knots ``(x_0, y_0) … (x_m, y_m)``, x strictly increasing;
    ``v(x) = y_0`` for ``x <= x_0`` and ``y_m`` for ``x >= x_m`` (``numpy.interp``).

    A linear value function saturating at its ends is two knots; a peak is three.
    """

    kind: ClassVar[str] = "piecewise_linear"
    points: tuple[tuple[float, float], ...] = field(default=())

    def __post_init__(self) -> None:
        pts = tuple((float(x), float(y)) for x, y in self.points)
        object.__setattr__(self, "points", pts)
        xs = [x for x, _ in pts]
        if not pts or not all(math.isfinite(v) for p in pts for v in p):
            raise DomainError([Problem("piecewise linear: needs finite knots", found=repr(pts))])
        if any(b <= a for a, b in itertools.pairwise(xs)):
            raise DomainError(
                [Problem("piecewise linear: knots must increase strictly", found=repr(xs))]
            )

    def __call__(self, x: np.ndarray | float) -> np.ndarray:
        xs, ys = zip(*self.points, strict=True)
        return np.interp(np.asarray(x, dtype=np.float64), xs, ys)

    def lipschitz(self) -> float:
        pts = self.points
        return max(
            (abs((y1 - y0) / (x1 - x0)) for (x0, y0), (x1, y1) in itertools.pairwise(pts)),
            default=0.0,
        )

    def knots(self) -> list[float]:
        return [x for x, _ in self.points]


@dataclass(frozen=True)
class RedLine:
    """The point beyond which a party prefers no deal on one issue.

    Numeric issue: ``worst`` (the red line) and ``ideal``; a value beyond ``worst``, away from the
    ideal, overshoots by ``|x − worst| / |ideal − worst|``. Discrete issue: ``allowed`` values;
    any other value overshoots by 1.
    """

    worst: float | None = None
    ideal: float | None = None
    allowed: tuple[Any, ...] | None = None

    def __post_init__(self) -> None:
        numeric = self.worst is not None and self.ideal is not None
        if numeric == (self.allowed is not None):
            raise DomainError(
                [Problem("a red line is a worst value with an ideal, or a set of allowed values")]
            )
        if numeric and not (
            math.isfinite(float(self.worst)) and math.isfinite(float(self.ideal))  # type: ignore[arg-type]
        ):
            raise DomainError([Problem("a red line needs finite numbers")])
        if numeric and float(self.worst) == float(self.ideal):  # type: ignore[arg-type]
            raise DomainError([Problem("a red line must differ from the ideal")])

    def overshoot(self, issue: Issue) -> np.ndarray:
        """``o(x) ≥ 0`` for each of ``issue``'s values, in the issue's order (0 within)."""
        if self.allowed is not None:
            return np.array([0.0 if v in self.allowed else 1.0 for v in issue.values])
        worst, ideal = float(self.worst), float(self.ideal)  # type: ignore[arg-type]
        return overshoot(np.asarray(issue.numbers, dtype=np.float64), worst, ideal)


def overshoot(x: np.ndarray, worst: np.ndarray | float, ideal: np.ndarray | float) -> np.ndarray:
    """``max(0, (x − worst)·sign(worst − ideal)) / |ideal − worst|`` elementwise (broadcasting):
    how far ``x`` lies beyond the red line ``worst``, in units of the ideal-to-red-line distance."""
    worst = np.asarray(worst, dtype=np.float64)
    ideal = np.asarray(ideal, dtype=np.float64)
    past = (x - worst) * np.sign(worst - ideal)
    return np.maximum(past, 0.0) / np.abs(ideal - worst)


@dataclass(frozen=True, eq=False)
class LinearAdditiveUtility:
    """``u(ω) = min(cap, Σ_j w_j · v_j(ω_j))``, reservation ``r``, discount ``d``, red lines.

    ``weights`` and ``values`` are keyed by issue name; an issue of the space with no weight (or
    weight 0) does not count, and needs no value function. ``discount`` ``d ∈ (0, 1]`` scales
    both utilities and the reservation value by ``d^t`` at normalised time ``t`` (see
    :meth:`discounted`). ``cap=None`` leaves the sum uncapped. ``red_lines`` (by issue name, any
    weight) make every outcome beyond one of them score ``−Σ_j o_j < 0`` (module docstring).
    """

    weights: Mapping[str, float]
    values: Mapping[str, ValueFunction]
    reservation: float = 0.0
    discount: float = 1.0
    cap: float | None = None
    red_lines: Mapping[str, RedLine] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = [
            Problem("weight must be a finite number >= 0", path=name, found=repr(w))
            for name, w in self.weights.items()
            if not (isinstance(w, int | float) and math.isfinite(w) and w >= 0)
        ]
        if not (isinstance(self.reservation, int | float) and math.isfinite(self.reservation)):
            problems.append(
                Problem("reservation value must be finite", found=repr(self.reservation))
            )
        if not (isinstance(self.discount, int | float) and 0 < self.discount <= 1):
            problems.append(
                Problem(
                    "discount factor out of range", expected="0 < d <= 1", found=repr(self.discount)
                )
            )
        if problems:
            raise DomainError(problems)
        object.__setattr__(self, "weights", dict(self.weights))
        object.__setattr__(self, "values", dict(self.values))
        object.__setattr__(self, "red_lines", dict(self.red_lines))

    def issue_utilities(self, space: OutcomeSpace) -> list[np.ndarray]:
        """``w_j · v_j`` on each value of each issue of ``space`` (zeros for unweighted issues)."""
        unknown = [k for k in self.weights if k not in space.names]
        if unknown:
            raise DomainError(
                [
                    Problem(
                        f"weight for unknown issue '{k}'",
                        path=k,
                        expected="one of " + ", ".join(space.names),
                    )
                    for k in unknown
                ]
            )
        out = []
        for issue in space.issues:
            w = float(self.weights.get(issue.name, 0.0))
            if w == 0.0:
                out.append(np.zeros(len(issue)))
                continue
            if issue.name not in self.values:
                raise DomainError(
                    [Problem("weighted issue has no value function", path=issue.name)]
                )
            out.append(w * self.values[issue.name].on(issue))
        return out

    def issue_overshoots(self, space: OutcomeSpace) -> list[np.ndarray]:
        """``o_j`` on each value of each issue of ``space`` (zeros where no red line)."""
        unknown = [k for k in self.red_lines if k not in space.names]
        if unknown:
            raise DomainError(
                [Problem(f"red line on unknown issue '{k}'", path=k) for k in unknown]
            )
        return [
            self.red_lines[i.name].overshoot(i) if i.name in self.red_lines else np.zeros(len(i))
            for i in space.issues
        ]

    def evaluate(self, space: OutcomeSpace) -> np.ndarray:
        """``u`` of every outcome of ``space``, ``[n_outcomes]`` float64 (undiscounted)."""
        u = space.additive(self.issue_utilities(space))
        if self.cap is not None:
            np.minimum(u, self.cap, out=u)
        if self.red_lines:
            over = space.additive(self.issue_overshoots(space))
            u = np.where(over > 0.0, -over, u)
        return u

    def utility(self, space: OutcomeSpace, outcome: Mapping[str, Any]) -> float:
        """``u`` of one outcome ``{issue: value}`` (a readable check of :meth:`evaluate`)."""
        ks = space.unravel(space.index_of(outcome))
        over = math.fsum(float(o[k]) for o, k in zip(self.issue_overshoots(space), ks, strict=True))
        if over > 0.0:
            return -over
        total = math.fsum(float(v[k]) for v, k in zip(self.issue_utilities(space), ks, strict=True))
        return total if self.cap is None else min(total, self.cap)

    def discounted(self, utility: np.ndarray | float, t: float) -> np.ndarray | float:
        """``d^t · utility`` at normalised time ``t ∈ [0, 1]``."""
        if not 0.0 <= t <= 1.0:
            raise ProgrammerError(f"normalised time must be in [0, 1], got {t}")
        return utility * self.discount**t

    def sensitivity(self, issue: str) -> float:
        """``w_j · Lip(v_j)``: largest utility change per unit of the issue."""
        w = float(self.weights.get(issue, 0.0))
        return w * self.values[issue].lipschitz() if w > 0 and issue in self.values else 0.0
