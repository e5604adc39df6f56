"""A bargaining domain: an outcome space, one utility function per party, reservation values.

:class:`Domain` evaluates every party's utility over the whole outcome space once, at
construction, into ``utilities[p, i]`` (party p, outcome i = row i of ``space.indices``); the
engines read ``domain.utilities`` and ``domain.reserved`` and never call the utility functions in
their loops. Two ways in: :func:`~burdenshare.bargaining.genius.load_genius` (a GENIUS folder)
and :func:`domain_from_scenario` (a burdenshare scenario).

**Scenario → domain** (:func:`domain_from_scenario`). Issues map one to one, in the scenario's
order: integer → integer, categorical → categorical, boolean → boolean, continuous → a grid (see
below). Each party's ``[preferences.<party>]`` gives:

- weights ``w_j / Σ_k w_k`` (an issue without a weight counts 0);
- for an integer or continuous issue with ideal ``x*``:

  - with a reservation (worst acceptable) value ``r ≠ x*``: ``v(x) = clip((x − r)/(x* − r), 0, 1)``
    — 1 at the ideal and beyond it (away from r), falling linearly to 0 at r, 0 beyond r. For
    money this says: paying less than my ideal is no worse than my ideal, paying more than my
    limit is as bad as my limit;
  - without one: a peak, 1 at ``x*`` falling linearly to 0 at each end of the issue's range (a
    ramp when ``x*`` is an end);

- for a boolean or categorical issue: ``v = 1`` at the ideal, 0 at every other value;
- every stated ``reservation`` is a **red line** (:class:`~.utility.RedLine`): a numeric one at
  ``r`` on the ideal's side, a discrete one allowing only the ideal and ``r``. An outcome beyond
  any red line scores ``−Σ_j o_j < 0`` (its overshoots), below every no-deal value, so no model
  lets a party accept or propose it, and no Nash or Kalai–Smorodinsky point lies there;
- ``reservation_value`` → the party's no-deal utility (``domain.reserved``); no discount (d = 1).

**Grid for a continuous issue**, in order of precedence: ``grid[issue]`` (a step, or explicit
points), the issue's ``step`` in the scenario, or the default rule of
:func:`~burdenshare.bargaining.outcomes.default_steps` (discretisation costs < 0.5% utility). With
a step, every party's ideal and reservation value on that issue is added to the grid, so ideal
outcomes exist exactly (with ``grid`` points, the points are used as given).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from burdenshare.bargaining.outcomes import DomainError, Issue, OutcomeSpace, default_steps
from burdenshare.bargaining.utility import (
    LinearAdditiveUtility,
    PiecewiseLinearValue,
    RedLine,
    TableValue,
    ValueFunction,
)
from burdenshare.errors import Problem, ProgrammerError, ScenarioError, display_path

if TYPE_CHECKING:
    from burdenshare.scenario.schema import Scenario

__all__ = ["Domain", "GridSpec", "continuous_issue", "domain_from_scenario"]

#: A continuous issue's grid: a step (float), the grid points themselves, or piecewise steps
#: ``[(from, step), ...]``.
GridSpec = float | Sequence[float] | Sequence[tuple[float, float]]


@dataclass(frozen=True, eq=False)
class Domain:
    """Outcome space + one utility function per party, evaluated once as arrays.

    Attributes read by the engines:

    - ``utilities``: ``[n_parties, n_outcomes]`` float64, ``utilities[p, i] = u_p(outcome i)``
      (undiscounted; outcome i is row i of ``space.indices``). Read-only.
    - ``reserved``: ``[n_parties]`` float64, each party's reservation (no-deal) utility.
    - ``discount``: ``[n_parties]`` float64, discount factors d (1 = none): at normalised time t
      utilities and reservation values are both multiplied by ``d^t``.
    """

    space: OutcomeSpace
    profiles: tuple[LinearAdditiveUtility, ...]
    parties: tuple[str, ...]
    name: str = ""
    utilities: np.ndarray = field(init=False, repr=False)
    reserved: np.ndarray = field(init=False)
    discount: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        profiles, parties = tuple(self.profiles), tuple(self.parties)
        if not profiles or len(profiles) != len(parties):
            raise DomainError(
                [
                    Problem(
                        "a domain needs one utility function per party",
                        expected=f"{len(parties)} utility functions",
                        found=str(len(profiles)),
                    )
                ]
            )
        if len(set(parties)) != len(parties):
            raise DomainError([Problem("party names repeat", found=", ".join(parties))])
        utilities = np.stack([p.evaluate(self.space) for p in profiles])
        reserved = np.array([p.reservation for p in profiles], dtype=np.float64)
        discount = np.array([p.discount for p in profiles], dtype=np.float64)
        for array in (utilities, reserved, discount):
            array.setflags(write=False)
        for key, value in (
            ("profiles", profiles),
            ("parties", parties),
            ("utilities", utilities),
            ("reserved", reserved),
            ("discount", discount),
        ):
            object.__setattr__(self, key, value)

    def __setstate__(self, state: dict[str, Any]) -> None:
        for key, value in state.items():
            object.__setattr__(self, key, value)
        for array in (self.utilities, self.reserved, self.discount):
            array.setflags(write=False)

    def __repr__(self) -> str:
        return (
            f"Domain({self.name!r}, parties={list(self.parties)}, "
            f"{self.space.n_issues} issues, {self.n_outcomes:,} outcomes)"
        )

    @property
    def n_parties(self) -> int:
        return len(self.parties)

    @property
    def n_outcomes(self) -> int:
        return self.space.n_outcomes

    def party(self, who: int | str) -> int:
        """Row of ``utilities`` for a party name or index."""
        if isinstance(who, str):
            if who not in self.parties:
                raise DomainError(
                    [
                        Problem(
                            f"unknown party '{who}'", expected="one of " + ", ".join(self.parties)
                        )
                    ]
                )
            return self.parties.index(who)
        if not -self.n_parties <= who < self.n_parties:
            raise DomainError([Problem("party index out of range", found=str(who))])
        return who % self.n_parties

    def select(self, parties: Sequence[int | str]) -> Domain:
        """The same space with only ``parties``, in that order (e.g. two of three profiles)."""
        rows = [self.party(p) for p in parties]
        return Domain(
            self.space,
            tuple(self.profiles[r] for r in rows),
            tuple(self.parties[r] for r in rows),
            name=self.name,
        )

    def outcome(self, i: int) -> dict[str, Any]:
        """Outcome number ``i`` as ``{issue: value}``."""
        return self.space.outcome(i)

    def index_of(self, outcome: Mapping[str, Any], *, snap: bool = False) -> int:
        """Number of the outcome ``{issue: value}``."""
        return self.space.index_of(outcome, snap=snap)

    def utility_of(self, outcome: Mapping[str, Any], *, snap: bool = False) -> np.ndarray:
        """Every party's (undiscounted) utility of one outcome, ``[n_parties]``."""
        return self.utilities[:, self.index_of(outcome, snap=snap)].copy()

    def discount_at(self, t: float) -> np.ndarray:
        """``d^t`` per party at normalised time ``t ∈ [0, 1]``."""
        if not 0.0 <= t <= 1.0:
            raise ProgrammerError(f"normalised time must be in [0, 1], got {t}")
        return self.discount**t


# --------------------------------------------------------------------------- grids
def continuous_issue(
    name: str,
    low: float,
    high: float,
    spec: GridSpec | None,
    sensitivity: Mapping[str, tuple[float, float, float]],
    knots: Sequence[float] = (),
) -> Issue:
    """A continuous issue on the grid ``spec`` (step or points), or on the default grid.

    ``sensitivity`` holds ``(low, high, L)`` for *every* continuous issue of the domain (the
    default rule shares its 0.5% budget among them; see
    :func:`~burdenshare.bargaining.outcomes.default_steps`); ``knots`` are added to step grids.
    """
    if spec is not None and not isinstance(spec, int | float):
        items = list(spec)
        if items and all(isinstance(x, list | tuple) for x in items):
            pairs = [(float(a), float(b)) for a, b in items]
            return Issue.continuous(name, low, high, steps=pairs, include=knots)
        return Issue.continuous(name, low, high, points=[float(x) for x in items])
    step = float(spec) if spec is not None else default_steps(sensitivity)[name]
    return Issue.continuous(name, low, high, step=step, include=knots)


# --------------------------------------------------------------------------- scenario → domain
def _value_function(issue: Any, ideal: Any, reservation: Any) -> ValueFunction:
    from burdenshare.scenario.schema import BooleanIssue, CategoricalIssue

    if isinstance(issue, BooleanIssue):
        return TableValue({False: float(ideal is False), True: float(ideal is True)})
    if isinstance(issue, CategoricalIssue):
        return TableValue({v: float(v == ideal) for v in issue.values})
    low, high, x = float(issue.min), float(issue.max), float(ideal)
    if reservation is not None:
        r = float(reservation)
        return PiecewiseLinearValue(tuple(sorted([(r, 0.0), (x, 1.0)])))
    points = [(x, 1.0)]
    if x > low:
        points.insert(0, (low, 0.0))
    if x < high:
        points.append((high, 0.0))
    return PiecewiseLinearValue(tuple(points))


def red_lines(scenario: Scenario, party: str) -> dict[str, RedLine]:
    """The party's red lines: one per ``reservation`` entry (a numeric one needs the ideal, to
    know which side is acceptable; reservation = ideal is refused elsewhere)."""
    from burdenshare.scenario.schema import ContinuousIssue, IntegerIssue

    pref = scenario.preferences.get(party)
    out: dict[str, RedLine] = {}
    if pref is None:
        return out
    for iid, worst in pref.reservation.items():
        issue = scenario.issues.get(iid)
        ideal = pref.ideal.get(iid)
        if isinstance(issue, ContinuousIssue | IntegerIssue):
            if ideal is not None and float(ideal) != float(worst):
                out[iid] = RedLine(worst=float(worst), ideal=float(ideal))
        elif issue is not None:
            out[iid] = RedLine(
                allowed=tuple(dict.fromkeys([worst, *([ideal] if ideal is not None else [])]))
            )
    return out


def domain_from_scenario(
    scenario: Scenario,
    grid: Mapping[str, GridSpec | None] | None = None,
    *,
    space: OutcomeSpace | None = None,
) -> Domain:
    """The bargaining domain of a scenario's issues and preferences (see the module docstring).

    Parties come in the order of ``[parties]``; each needs a ``[preferences.<party>]`` table.
    ``grid`` overrides the grid of continuous issues by issue id (``None`` for an issue: the
    default rule even where the scenario sets a ``step``). ``space`` evaluates the utilities on
    a given outcome space (same issues) instead of building one: a sweep keeps one space for
    every draw, so drawn ideal and reservation values do not add grid knots. Raises
    :class:`~burdenshare.errors.ScenarioError` when the preferences cannot define utilities.
    """
    # the scenario package is imported here so that it may one day import bargaining
    from burdenshare.scenario.schema import CategoricalIssue, ContinuousIssue, IntegerIssue

    file = display_path(scenario.source_path) if scenario.source_path else None
    problems: list[Problem] = []
    grid = dict(grid or {})
    for key in grid:
        if not isinstance(scenario.issues.get(key), ContinuousIssue):
            problems.append(
                Problem(
                    f"grid for '{key}', which is not a continuous issue",
                    path=f"grid.{key}",
                    expected="a continuous issue: "
                    + (
                        ", ".join(
                            k for k, v in scenario.issues.items() if isinstance(v, ContinuousIssue)
                        )
                        or "(none)"
                    ),
                )
            )
    if problems:
        raise DomainError(problems)

    utilities: list[LinearAdditiveUtility] = []
    for pid in scenario.parties:
        pref = scenario.preferences.get(pid)
        if pref is None:
            problems.append(
                Problem(
                    f"party '{pid}' has no preferences",
                    file=file,
                    path=f"preferences.{pid}",
                    expected="a [preferences." + pid + "] table with weights and ideal values",
                )
            )
            continue
        total = math.fsum(pref.weights.values())
        weights = {iid: w / total for iid, w in pref.weights.items() if w > 0}
        values: dict[str, ValueFunction] = {}
        for iid in weights:
            issue = scenario.issues[iid]
            reservation = pref.reservation.get(iid)
            numeric = isinstance(issue, ContinuousIssue | IntegerIssue)
            if numeric and reservation is not None and reservation == pref.ideal[iid]:
                problems.append(
                    Problem(
                        "reservation equals the ideal: the value function has no range",
                        file=file,
                        path=f"preferences.{pid}.reservation.{iid}",
                        expected=f"a value other than the ideal ({pref.ideal[iid]})",
                        found=str(reservation),
                    )
                )
                continue
            values[iid] = _value_function(issue, pref.ideal[iid], reservation if numeric else None)
        utilities.append(
            LinearAdditiveUtility(
                weights=weights,
                values=values,
                reservation=pref.reservation_value,
                red_lines=red_lines(scenario, pid),
            )
        )
    if problems:
        raise ScenarioError(problems)

    if space is not None:
        return Domain(
            space, tuple(utilities), parties=tuple(scenario.parties), name=scenario.meta.id
        )
    continuous = {k: v for k, v in scenario.issues.items() if isinstance(v, ContinuousIssue)}
    sensitivity = {
        iid: (issue.min, issue.max, max(u.sensitivity(iid) for u in utilities))
        for iid, issue in continuous.items()
    }
    issues: list[Issue] = []
    for iid, issue in scenario.issues.items():
        if isinstance(issue, ContinuousIssue):
            knots = [
                float(table[iid])
                for pref in scenario.preferences.values()
                for table in (pref.ideal, pref.reservation)
                if iid in table
            ]
            spec = grid.get(iid, issue.step)
            issues.append(continuous_issue(iid, issue.min, issue.max, spec, sensitivity, knots))
        elif isinstance(issue, IntegerIssue):
            issues.append(Issue.integer(iid, issue.min, issue.max))
        elif isinstance(issue, CategoricalIssue):
            issues.append(Issue.categorical(iid, issue.values))
        else:
            issues.append(Issue.boolean(iid))
    return Domain(
        OutcomeSpace(issues),
        tuple(utilities),
        parties=tuple(scenario.parties),
        name=scenario.meta.id,
    )
