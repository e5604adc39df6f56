"""What a strategy is, what it sees, what it may do, and the registry of strategies.

A strategy is a small configurable object. The engine calls ``start(view)`` once per
negotiation (this resets all state) and then ``act(s, offer)`` at each of the side's turns, where
``offer`` is the opponent's offer on the table (an outcome index) or None. ``act`` returns an
:class:`Action`: accept the offer on the table, offer an outcome, or walk out.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, ClassVar, NamedTuple, TypeVar

import numpy as np

from burdenshare.bargaining.strategies import kernels
from burdenshare.errors import BurdenshareError, Problem
from burdenshare.registry import Registry


class Reason(IntEnum):
    """Why a negotiation ended (stored as small integers in the batch engine's arrays)."""

    AGREED = 0
    TIMEDOUT = 1
    WALKED_OUT = 2  # a strategy's own walk-out rule (e.g. an insulting offer)
    OUTSIDE_OPTION = 3  # the outside option now beats every outcome (default semantics)
    EXHAUSTED = 4  # every outcome the side would still offer was struck by ratification

    @property
    def label(self) -> str:
        return self.name.lower().replace("_", "-")


class Act(IntEnum):
    OFFER = 0
    ACCEPT = 1
    WALK = 2


class Action(NamedTuple):
    """One move: ``Action(Act.OFFER, outcome)``, ``ACCEPT`` or ``Action(Act.WALK, reason=…)``."""

    kind: Act
    outcome: int = -1
    reason: Reason | None = None
    note: str = ""


ACCEPT = Action(Act.ACCEPT)


def offer(outcome: int) -> Action:
    return tuple.__new__(Action, (Act.OFFER, outcome, None, ""))  # skips NamedTuple's slow path


def walk(reason: Reason, note: str = "") -> Action:
    return Action(Act.WALK, -1, reason, note)


def child_seed(root: int | np.random.SeedSequence, i: int) -> np.random.SeedSequence:
    """Child ``i`` of ``root``, as ``SeedSequence(root).spawn(i + 1)[i]`` would give it, without
    mutating ``root`` (so the same root always gives the same children)."""
    if not isinstance(root, np.random.SeedSequence):
        root = np.random.SeedSequence(root)
    return np.random.SeedSequence(
        root.entropy, spawn_key=(*root.spawn_key, i), pool_size=root.pool_size
    )


@dataclass(slots=True)
class SideView:
    """Everything one side knows in one negotiation (complete information about utilities).

    Built by the engine; ``struck`` is the engine's set of outcomes voided by ratification and
    no longer on the agenda (it grows during the negotiation). ``floor[s]`` is the lowest own
    utility worth taking in round s (see :func:`kernels.floors`); ``delta[s]`` the discount
    factor ``d^{t_s}`` of round s (it scales deal and outside option alike). The ``*_list``
    fields are the same numbers as Python lists, for fast scalar reads. The side's seed is child
    ``side`` of the negotiation's ``root`` seed; :attr:`rng` is made from it on first use.
    """

    side: int
    n_steps: int
    negmas: bool
    times: kernels.FloatArray
    u: kernels.FloatArray
    u_opp: kernels.FloatArray
    reserved: kernels.FloatArray
    opp_reserved: kernels.FloatArray
    delta: kernels.FloatArray
    floor: kernels.FloatArray
    order: kernels.IntArray
    sorted_u: kernels.FloatArray
    root: int | np.random.SeedSequence
    struck: set[int] = field(default_factory=set)
    u_list: list[float] = field(default_factory=list)
    floor_list: list[float] = field(default_factory=list)
    best: float = 0.0
    worst: float = 0.0
    _rng: np.random.Generator | None = None
    _sorted_list: list[float] | None = None
    _order_list: list[int] | None = None
    _numpy_picks: int = 0  # picks served by numpy before the lists are built

    @property
    def seed(self) -> np.random.SeedSequence:
        return child_seed(self.root, self.side)

    @property
    def rng(self) -> np.random.Generator:
        if self._rng is None:
            self._rng = np.random.default_rng(self.seed)
        return self._rng

    @property
    def n_outcomes(self) -> int:
        return int(self.u.shape[0])

    @property
    def best_index(self) -> int:
        return int(self.order[-1])

    @property
    def sorted_list(self) -> list[float]:
        if self._sorted_list is None:
            self._sorted_list = self.sorted_u.tolist()
        return self._sorted_list

    @property
    def order_list(self) -> list[int]:
        if self._order_list is None:
            self._order_list = self.order.tolist()
        return self._order_list

    def picks(self, thresholds: kernels.FloatArray) -> list[int]:
        """Outcome offered at each threshold (struck outcomes not considered), as a list."""
        pos = kernels.pick_positions(
            self.sorted_u[None, :], np.asarray(thresholds, dtype=np.float64)[None, :], self.negmas
        )[0]
        return self.order[pos].tolist()

    def pick(self, threshold: float) -> int:
        """:func:`kernels.pick_positions` for one threshold, in scalar Python (the same IEEE
        comparisons and subtractions, so the same outcome).

        The first few picks search the numpy array (a short negotiation then never pays for
        converting a large outcome space to lists); later ones bisect the lists.
        """
        if self._numpy_picks > 0:
            self._numpy_picks -= 1
            values = self.sorted_u
            n = values.shape[0]
            pos = int(values.searchsorted(threshold))
            above = min(pos, n - 1)
            if self.negmas and 0 < pos < n:
                lower, upper = float(values[above - 1]), float(values[above])
                if lower >= threshold - kernels.NEGMAS_PICK_TOL and abs(lower - threshold) < abs(
                    upper - threshold
                ):
                    above -= 1
            return int(self.order[above])
        values = self.sorted_list
        n = len(values)
        pos = bisect_left(values, threshold)
        above = min(pos, n - 1)
        if (
            self.negmas
            and 0 < pos < n
            and values[above - 1] >= threshold - kernels.NEGMAS_PICK_TOL
            and abs(values[above - 1] - threshold) < abs(values[above] - threshold)
        ):
            above -= 1
        return self.order_list[above]

    def unstruck(self, threshold: float, s: int) -> int | None:
        """Lowest unstruck outcome with ``u ≥ threshold``, else the best unstruck one above
        the round's floor, else None (see :func:`kernels.first_unstruck`)."""
        return kernels.first_unstruck(
            self.sorted_u, self.order, threshold, self.floor_list[s], self.struck
        )


class Strategy:
    """Base class: parameters in ``__init__``, per-negotiation state set in ``start``.

    ``classifier`` describes the strategy to the engines and tests:
    ``stochastic`` (draws from the rng), ``batch`` (the batch engine vectorises it),
    ``walks_out`` (may end talks by its own rule), ``uses_opponent_utility`` (reads ``u_opp``),
    ``may_accept_below_reserved`` (its formula allows it; none of ours does).
    """

    classifier: ClassVar[dict[str, bool]] = {
        "stochastic": False,
        "batch": False,
        "walks_out": False,
        "uses_opponent_utility": False,
        "may_accept_below_reserved": False,
    }

    view: SideView

    def params(self) -> dict[str, Any]:
        """Constructor arguments; ``type(self)(**self.params())`` is an equal fresh strategy."""
        return {}

    def start(self, view: SideView) -> None:
        """Reset for a new negotiation."""
        self.view = view

    @property
    def rng(self) -> np.random.Generator:
        """This negotiation's generator (from the side's own seed)."""
        return self.view.rng

    def act(self, s: int, offer: int | None) -> Action:  # pragma: no cover - interface
        raise NotImplementedError

    def batch_params(self) -> dict[str, Any] | None:
        """Parameters for the batch engine's vectorised threshold family, or None."""
        return None

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.params() == other.params()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(sorted(self.params().items()))))


@dataclass(frozen=True)
class StrategyEntry:
    """A registry entry: a class and the parameters that make the named strategy."""

    name: str
    cls: type[Strategy]
    params: dict[str, Any]
    summary: str

    def make(self, **overrides: Any) -> Strategy:
        return self.cls(**{**self.params, **overrides})


STRATEGIES: Registry[StrategyEntry] = Registry("strategy")
"""Every named strategy, in registration order (the CLI, docs and tests iterate it)."""

S = TypeVar("S", bound=type[Strategy])


def register(name: str, summary: str, **params: Any) -> Callable[[S], S]:
    """Class decorator: register the class under ``name`` with default parameters."""

    def decorate(cls: S) -> S:
        STRATEGIES.add(name, StrategyEntry(name, cls, dict(params), summary))
        return cls

    return decorate


def preset(name: str, cls: type[Strategy], summary: str, **params: Any) -> None:
    """Register a named parameter set of an existing class (e.g. boulware = e 4)."""
    STRATEGIES.add(name, StrategyEntry(name, cls, dict(params), summary))


def make_strategy(spec: str | Strategy, **overrides: Any) -> Strategy:
    """A fresh strategy from a registry name (with optional parameter overrides) or a copy of an
    instance's configuration."""
    if isinstance(spec, Strategy):
        return type(spec)(**{**spec.params(), **overrides})
    return STRATEGIES.get(spec).make(**overrides)


def bad_param(cls: type, name: str, expected: str, found: object) -> BurdenshareError:
    return BurdenshareError(
        [
            Problem(
                f"invalid parameter for strategy {cls.__name__}",
                path=name,
                expected=expected,
                found=repr(found),
            )
        ]
    )
