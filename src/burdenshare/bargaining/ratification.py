"""Two-level ratification: ratifiers, win-sets, and what they leave of the bargaining zone.

In Putnam's two-level game a negotiator bargains abroad (level I) over a deal that a domestic
constituency must then approve or reject as a whole (level II). The **win-set** of a
constituency is "the set of all possible Level I agreements that would 'win' — that is, gain the
necessary majority among the constituents — when simply voted up or down" (Putnam 1988, p. 437).
A deal can stand only in the intersection of both sides' win-sets; a small win-set at home can
strengthen a negotiator's hand abroad ("tied hands", Schelling 1960; Putnam 1988, pp. 440–441).

Everything here works on an enumerated outcome space: outcomes are the indices ``0 … n−1`` and a
ratifier's members carry utility arrays over them. The ratifier kinds:

* :class:`Unconstrained` — nobody at home must approve (``kind = "none"``): every outcome wins.
* :class:`VotingBody` — members (blocs) with seats and utilities; member *i* votes yes on outcome
  *o* iff ``u_i(o) ≥ r_i`` (its no-deal utility; a tie votes yes). The motion passes iff the yes
  seats *Y* meet the :class:`Rule` on the body's total seats *S*. A legislature uses simple
  majority, two-thirds or a fraction; **veto players** are the same body with one seat each and
  unanimity (:meth:`VotingBody.veto_players`).
* :class:`AllOf` — every part must accept (a legislature *and* a president): ``a & b``.

Each gives ``win_set()`` (a read-only bool mask over outcomes), ``accepts(outcomes)``,
``votes(outcome)`` (the per-member breakdown for reports and transcripts), and a probabilistic
variant (:meth:`Ratifier.pass_probability`, :meth:`Ratifier.draw`) in which each member votes yes
with a logistic probability in its utility margin. The deterministic rule is the default.

References: R. D. Putnam, "Diplomacy and domestic politics: the logic of two-level games",
*International Organization* 42(3), 1988, pp. 427–460. T. C. Schelling, *The Strategy of
Conflict*, 1960, ch. 2. Logit probabilistic voting: P. J. Coughlin, *Probabilistic Voting
Theory*, 1992. ``docs/ratification.md`` is the user's page.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from burdenshare.errors import BurdenshareError, Problem
from burdenshare.registry import Registry

if TYPE_CHECKING:
    from burdenshare.scenario.schema import RatifierSpec

__all__ = [
    "RATIFIERS",
    "RULES",
    "AllOf",
    "MemberVote",
    "Ratification",
    "Ratifier",
    "RatifierInputs",
    "Rule",
    "Unconstrained",
    "VoteBreakdown",
    "VotingBody",
    "ratifier_from_spec",
    "ratify",
    "tied_hands",
    "tied_hands_utility",
    "two_level_win_set",
    "two_level_zopa",
    "zopa_mask",
]

BoolArray = NDArray[np.bool_]
FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# outcomes per block in the pass-probability recursion (memory: block × reachable totals floats)
_BLOCK = 16384


def _readonly(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


# --------------------------------------------------------------------------- threshold rules
@dataclass(frozen=True)
class Rule:
    """How many seats a motion needs.

    With *Y* yes seats out of a body's *S* seats the motion passes iff ``Y > q·S`` (``strict``)
    or ``Y ≥ q·S`` (not strict); equivalently ``Y ≥ required(S)`` with
    ``required(S) = ⌊q·S⌋ + 1`` (strict) or ``⌈q·S⌉``. Arithmetic is exact (``q`` is a
    :class:`~fractions.Fraction`). Presets (:data:`RULES`):

    * ``simple_majority``: ``Y > S/2`` — a tie (150 of 300) fails; 151 of 300 pass.
    * ``two_thirds``: ``Y ≥ 2S/3`` — exactly two-thirds passes; 200 of 300 pass, 199 fail.
    * ``unanimity``: ``Y = S``.
    * a number ``f`` in (0, 1]: ``Y ≥ f·S`` — so ``0.5`` passes on a tie, unlike
      ``simple_majority``. ``f`` is read from its decimal text (0.6 is exactly 3/5).

    Rules are ordered by their bar ``(q, strict)``: a higher bar never passes a motion a lower one
    fails, so win-sets are nested as the rule rises.
    """

    name: str
    fraction: Fraction
    strict: bool = False

    def __post_init__(self) -> None:
        if not 0 < self.fraction <= 1 or (self.strict and self.fraction == 1):
            raise BurdenshareError.single(
                "threshold out of range",
                path="threshold",
                expected="a fraction in (0, 1] (strictly below 1 for a strict rule)",
                found=str(self.fraction),
            )

    def required(self, total: int) -> int:
        """The fewest yes seats that pass, out of ``total`` seats."""
        bar = self.fraction * total
        return math.floor(bar) + 1 if self.strict else math.ceil(bar)

    @property
    def bar(self) -> tuple[Fraction, bool]:
        """Sort key: a rule with a higher bar is at least as hard to meet at any size."""
        return (self.fraction, self.strict)

    @classmethod
    def parse(cls, value: str | float | Fraction | Rule, *, path: str = "threshold") -> Rule:
        """A rule from a preset name, a fraction in (0, 1], or a :class:`Rule`."""
        if isinstance(value, Rule):
            return value
        if isinstance(value, str):
            return RULES.get(value)
        if isinstance(value, bool) or not isinstance(value, int | float | Fraction):
            raise BurdenshareError.single(
                "not a threshold",
                path=path,
                expected='"simple_majority", "two_thirds", "unanimity" or a fraction in (0, 1]',
                found=repr(value),
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise BurdenshareError.single(
                "threshold out of range", path=path, expected="(0, 1]", found=repr(value)
            )
        fraction = value if isinstance(value, Fraction) else Fraction(repr(value))
        if not 0 < fraction <= 1:
            raise BurdenshareError.single(
                "threshold out of range", path=path, expected="(0, 1]", found=repr(value)
            )
        return cls(str(value), fraction)


#: Named threshold rules, as the scenario's ``threshold`` spells them.
RULES: Registry[Rule] = Registry("threshold rule")
RULES.add("simple_majority", Rule("simple_majority", Fraction(1, 2), strict=True))
RULES.add("two_thirds", Rule("two_thirds", Fraction(2, 3)))
RULES.add("unanimity", Rule("unanimity", Fraction(1)))


# --------------------------------------------------------------------------- vote breakdowns
@dataclass(frozen=True)
class MemberVote:
    """How one member (bloc, veto player) votes on one outcome."""

    name: str
    seats: int
    yes: bool
    utility: float
    no_deal: float

    @property
    def margin(self) -> float:
        """``utility − no_deal``: ≥ 0 votes yes."""
        return self.utility - self.no_deal


@dataclass(frozen=True)
class VoteBreakdown:
    """The vote of one ratifier on one outcome.

    For a voting body, ``yes_seats + no_seats + unassigned_seats == total_seats`` and
    ``passed == (yes_seats >= required)``. For :class:`AllOf` the "seats" are its parts (one
    each, unanimity) and ``parts`` holds each part's breakdown. :class:`Unconstrained` has no
    seats and always passes.
    """

    body: str
    kind: str
    outcome: int
    rule: str
    total_seats: int
    required: int
    yes_seats: int
    no_seats: int
    unassigned_seats: int
    passed: bool
    members: tuple[MemberVote, ...] = ()
    parts: tuple[VoteBreakdown, ...] = ()

    def rows(self) -> list[dict[str, object]]:
        """One row per member (recursing into parts), for report tables."""
        if self.parts:
            return [row for part in self.parts for row in part.rows()]
        return [
            {
                "body": self.body,
                "member": m.name,
                "seats": m.seats,
                "vote": "yes" if m.yes else "no",
                "utility": m.utility,
                "no_deal": m.no_deal,
            }
            for m in self.members
        ]

    def __str__(self) -> str:
        verdict = "passed" if self.passed else "failed"
        if self.parts:
            return "\n".join(str(p) for p in self.parts) + f"\n{self.body}: {verdict}"
        if self.kind == "none":
            return f"{self.body}: no vote needed"
        tail = f", {self.unassigned_seats} unassigned" if self.unassigned_seats else ""
        return (
            f"{self.body}: {self.yes_seats} yes, {self.no_seats} no{tail} of "
            f"{self.total_seats} ({self.required} needed, {self.rule}): {verdict}"
        )


# --------------------------------------------------------------------------- helpers
def _outcome_indices(outcomes: ArrayLike, n: int) -> IntArray:
    idx = np.asarray(outcomes)
    if idx.size == 0:
        return np.zeros(idx.shape, dtype=np.int64)
    if idx.dtype == np.bool_ or not np.issubdtype(idx.dtype, np.integer):
        raise BurdenshareError.single("outcomes must be integer indices", found=str(idx.dtype))
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = idx[(idx < 0) | (idx >= n)].flat[0]
        raise BurdenshareError.single(
            "outcome index out of range", expected=f"0 … {n - 1}", found=str(int(bad))
        )
    return idx.astype(np.int64, copy=False)


def _one_outcome(outcome: int | np.integer, n: int) -> int:
    return int(_outcome_indices(np.asarray([outcome]), n)[0])


def _logistic(x: FloatArray) -> FloatArray:
    # 1 / (1 + e^−x) without overflow warnings for large |x|
    return np.exp(-np.logaddexp(0.0, -x))


def _check_scale(scale: float) -> float:
    if not (isinstance(scale, int | float) and math.isfinite(scale) and scale > 0):
        raise BurdenshareError.single(
            "logistic scale must be a positive number", path="scale", found=repr(scale)
        )
    return float(scale)


def _mask(win_set: ArrayLike | Ratifier) -> BoolArray:
    if isinstance(win_set, Ratifier):
        return win_set.win_set()
    mask = np.asarray(win_set)
    if mask.dtype != np.bool_ or mask.ndim != 1:
        raise BurdenshareError.single(
            "a win-set is a 1-d boolean mask over outcomes", found=f"{mask.dtype}"
        )
    return mask


# --------------------------------------------------------------------------- ratifiers
class Ratifier(ABC):
    """Who must approve a deal at home; see the module docstring for the kinds.

    Subclasses set ``kind``, ``name`` and ``n_outcomes`` and implement :meth:`win_set`,
    :meth:`votes`, :meth:`pass_probability` and :meth:`draw`.
    """

    kind: str
    name: str
    n_outcomes: int

    @abstractmethod
    def win_set(self) -> BoolArray:
        """Read-only mask ``[n_outcomes]``: True where the ratifier approves the outcome."""

    def accepts(self, outcomes: ArrayLike) -> BoolArray:
        """Whether each outcome index in ``outcomes`` is approved (same shape as ``outcomes``)."""
        return self.win_set()[_outcome_indices(outcomes, self.n_outcomes)]

    @abstractmethod
    def votes(self, outcome: int) -> VoteBreakdown:
        """The vote on one outcome, member by member."""

    @abstractmethod
    def pass_probability(self, scale: float) -> FloatArray:
        """``P(approve o)`` for every outcome when each member votes yes with probability
        ``σ((u_i(o) − r_i) / scale)``, independently (σ the logistic function)."""

    @abstractmethod
    def draw(self, outcomes: ArrayLike, rng: np.random.Generator, scale: float) -> BoolArray:
        """One random vote per outcome in ``outcomes`` under the logistic model (seeded)."""

    def __and__(self, other: Ratifier) -> AllOf:
        return AllOf([self, other])


class Unconstrained(Ratifier):
    """No domestic approval step (``kind = "none"``): the win-set is every outcome.

    With an unconstrained ratifier on both sides the two-level win-set is the whole outcome space
    and the ratified zone equals the plain ZOPA, so a ratified run equals an unratified one.
    """

    kind = "none"

    def __init__(self, n_outcomes: int, name: str = "no ratification") -> None:
        if isinstance(n_outcomes, bool) or not isinstance(n_outcomes, int | np.integer):
            raise BurdenshareError.single("n_outcomes must be an integer", found=repr(n_outcomes))
        if n_outcomes < 1:
            raise BurdenshareError.single(
                "the outcome space is empty", expected=">= 1", found=str(n_outcomes)
            )
        self.n_outcomes = int(n_outcomes)
        self.name = name
        self._mask = _readonly(np.ones(self.n_outcomes, dtype=bool))

    def win_set(self) -> BoolArray:
        return self._mask

    def votes(self, outcome: int) -> VoteBreakdown:
        o = _one_outcome(outcome, self.n_outcomes)
        return VoteBreakdown(self.name, self.kind, o, "none", 0, 0, 0, 0, 0, True)

    def pass_probability(self, scale: float) -> FloatArray:
        _check_scale(scale)
        return np.ones(self.n_outcomes)

    def draw(self, outcomes: ArrayLike, rng: np.random.Generator, scale: float) -> BoolArray:
        _check_scale(scale)
        # consumes no random numbers: adding "none" on one side leaves the other's draws unchanged
        return np.ones(_outcome_indices(outcomes, self.n_outcomes).shape, dtype=bool)

    def __repr__(self) -> str:
        return f"Unconstrained(n_outcomes={self.n_outcomes})"


class VotingBody(Ratifier):
    """A body whose members vote each outcome up or down: a legislature, or veto players.

    Member *i* holds ``seats[i]`` seats and has utility ``utility[i, o]`` for outcome *o* and
    no-deal utility ``no_deal[i]``. It votes yes iff ``utility[i, o] ≥ no_deal[i]`` (a tie
    votes yes), all its seats together (a bloc is disciplined). With ``S = total_seats`` (at least
    the members' seats; seats held by no member never vote yes, as absent or abstaining members
    would not) the yes seats are ``Y(o) = Σ_i seats[i]·[u_i(o) ≥ r_i]`` and the win-set is
    ``{o : Y(o) ≥ rule.required(S)}`` (:class:`Rule`). Putnam (1988, p. 437).

    Use :meth:`from_ideals` for members described by ideal points, :meth:`veto_players` for a
    set of players each of whom can block (one seat each, unanimity).
    """

    def __init__(
        self,
        seats: ArrayLike,
        utility: ArrayLike,
        no_deal: ArrayLike,
        *,
        rule: str | float | Rule = "simple_majority",
        names: Sequence[str] | None = None,
        total_seats: int | None = None,
        name: str = "legislature",
        kind: str = "legislature",
    ) -> None:
        util = np.array(utility, dtype=np.float64, ndmin=2)
        seat = np.asarray(seats)
        if util.ndim != 2 or util.shape[1] < 1 or util.shape[0] < 1:
            raise BurdenshareError.single(
                "utility must be a [members, outcomes] array",
                path="utility",
                found=str(np.shape(utility)),
            )
        m, n = util.shape
        problems: list[Problem] = []
        if seat.shape != (m,) or not np.issubdtype(seat.dtype, np.integer) or seat.dtype == bool:
            problems.append(
                Problem(
                    "seats must be one integer per member",
                    path="seats",
                    expected=f"{m} integers",
                    found=f"{seat.dtype} {seat.shape}",
                )
            )
        elif (seat < 1).any():
            problems.append(Problem("every member holds at least one seat", path="seats"))
        r = np.array(no_deal, dtype=np.float64)
        if r.ndim == 0:
            r = np.full(m, float(r))
        if r.shape != (m,):
            problems.append(
                Problem("no_deal needs one value per member", path="no_deal", found=str(r.shape))
            )
        if not np.isfinite(util).all() or not np.isfinite(r).all():
            problems.append(Problem("utilities must be finite numbers", path="utility"))
        labels = list(names) if names is not None else [f"member {i + 1}" for i in range(m)]
        if len(labels) != m:
            problems.append(
                Problem(
                    "one name per member", path="names", expected=str(m), found=str(len(labels))
                )
            )
        elif len(set(labels)) != m:
            problems.append(Problem("member names repeat", path="names"))
        if problems:
            raise BurdenshareError(problems)
        seat = seat.astype(np.int64)
        held = int(seat.sum())
        total = held if total_seats is None else int(total_seats)
        if total < held:
            raise BurdenshareError.single(
                "members hold more seats than the body",
                path="total_seats",
                expected=f"at least {held}",
                found=str(total),
            )
        self.kind = kind
        self.name = name
        self.n_outcomes = n
        self.names: tuple[str, ...] = tuple(labels)
        self.seats: IntArray = _readonly(seat)
        self.utility: FloatArray = _readonly(util)
        self.no_deal: FloatArray = _readonly(r)
        self.rule = Rule.parse(rule)
        self.total_seats = total
        self.required = self.rule.required(total)
        yes = np.zeros(n, dtype=np.int64)
        for i in range(m):  # member by member: memory stays O(n)
            yes += seat[i] * (util[i] >= r[i])
        self._yes_seats = _readonly(yes)
        self._mask = _readonly(yes >= self.required)

    # ---- constructors
    @classmethod
    def from_ideals(
        cls,
        values: ArrayLike,
        ideals: ArrayLike,
        seats: ArrayLike,
        *,
        tolerance: ArrayLike,
        weights: ArrayLike | None = None,
        spans: ArrayLike | None = None,
        categorical: ArrayLike | None = None,
        rule: str | float | Rule = "simple_majority",
        names: Sequence[str] | None = None,
        total_seats: int | None = None,
        name: str = "legislature",
    ) -> VotingBody:
        """Members described by ideal points, weights and a tolerance.

        With outcome values ``v[o, k]`` (``values``, ``[n_outcomes, n_issues]``) and member *i*'s
        ideal ``ξ[i, k]`` (NaN: no stated ideal on issue *k*, which then weighs 0)::

            u_i(o) = 1 − Σ_k ŵ[i, k] · δ_k(v[o, k], ξ[i, k])
            δ_k(v, ξ) = |v − ξ| / span_k         (ordered issues)
                      = [v ≠ ξ]                   (categorical issues)
            ŵ[i, k]  = w[i, k] / Σ_k' w[i, k']  over the issues member i has an ideal on

        and the no-deal utility is ``r_i = 1 − tolerance_i``: the member votes yes iff its
        weighted normalised distance to the ideal is at most its tolerance. ``weights`` is
        ``[n_issues]`` (shared) or ``[n_members, n_issues]``, default all 1; when a member's
        weights on its stated issues sum to 0 it weighs them equally. ``spans`` default to each
        issue's range in ``values`` (1 where that range is 0). A member with no ideal at all has
        utility 1 everywhere.
        """
        v = np.asarray(values, dtype=np.float64)
        if v.ndim != 2 or v.shape[0] < 1 or v.shape[1] < 1 or not np.isfinite(v).all():
            raise BurdenshareError.single(
                "values must be a finite [outcomes, issues] array",
                path="values",
                found=str(v.shape),
            )
        n, k = v.shape
        xi = np.array(ideals, dtype=np.float64, ndmin=2)
        m = xi.shape[0]
        problems: list[Problem] = []
        if xi.shape != (m, k) or np.isinf(xi).any():
            problems.append(
                Problem(
                    "ideals must be a [members, issues] array of numbers (NaN: none)",
                    path="ideals",
                    expected=f"[{m}, {k}]",
                    found=str(xi.shape),
                )
            )
        w = np.ones((m, k)) if weights is None else np.asarray(weights, dtype=np.float64)
        if w.ndim == 1 and w.shape == (k,):
            w = np.broadcast_to(w, (m, k))
        if w.shape != (m, k) or not np.isfinite(w).all() or (w < 0).any():
            problems.append(
                Problem(
                    "weights must be numbers >= 0, per issue or per member and issue",
                    path="weights",
                    found=str(w.shape),
                )
            )
        if spans is None:
            span = v.max(axis=0) - v.min(axis=0)
            span = np.where(span > 0, span, 1.0)
        else:
            span = np.asarray(spans, dtype=np.float64)
            if span.shape != (k,) or not np.isfinite(span).all() or (span <= 0).any():
                problems.append(
                    Problem(
                        "spans must be one positive number per issue",
                        path="spans",
                        found=str(span.shape),
                    )
                )
        cat = np.zeros(k, dtype=bool) if categorical is None else np.asarray(categorical, bool)
        if cat.shape != (k,):
            problems.append(Problem("categorical needs one flag per issue", path="categorical"))
        tol = np.array(tolerance, dtype=np.float64)
        if tol.ndim == 0:
            tol = np.full(m, float(tol))
        if tol.shape != (m,) or not np.isfinite(tol).all() or (tol < 0).any():
            problems.append(
                Problem(
                    "tolerance must be a number >= 0 per member",
                    path="tolerance",
                    found=str(tol.shape),
                )
            )
        if problems:
            raise BurdenshareError(problems)
        utility = np.empty((m, n))
        for i in range(m):
            stated = ~np.isnan(xi[i])
            wi = np.where(stated, w[i], 0.0)
            if wi.sum() <= 0:
                wi = stated.astype(np.float64)
            if not stated.any():
                utility[i] = 1.0
                continue
            wi = wi / wi.sum()
            cols = np.flatnonzero(stated)
            dist = np.zeros(n)
            for c in cols:
                if cat[c]:
                    dist += wi[c] * (v[:, c] != xi[i, c])
                else:
                    dist += wi[c] * (np.abs(v[:, c] - xi[i, c]) / span[c])
            utility[i] = 1.0 - dist
        return cls(
            seats,
            utility,
            1.0 - tol,
            rule=rule,
            names=names,
            total_seats=total_seats,
            name=name,
            kind="legislature",
        )

    @classmethod
    def veto_players(
        cls,
        utility: ArrayLike,
        no_deal: ArrayLike,
        *,
        names: Sequence[str] | None = None,
        name: str = "veto players",
    ) -> VotingBody:
        """Players each of whom can block: one seat each, unanimity.

        The win-set is ``{o : u_j(o) ≥ r_j for every player j}`` — the intersection of the
        players' own acceptance sets (Tsebelis, *Veto Players*, 2002, ch. 1).
        """
        util = np.array(utility, dtype=np.float64, ndmin=2)
        return cls(
            np.ones(util.shape[0], dtype=np.int64),
            util,
            no_deal,
            rule="unanimity",
            names=names,
            name=name,
            kind="veto_players",
        )

    # ---- the ratifier interface
    def win_set(self) -> BoolArray:
        return self._mask

    def yes_seats(self) -> IntArray:
        """Read-only ``[n_outcomes]``: the seats voting yes on each outcome, ``Y(o)``."""
        return self._yes_seats

    def votes(self, outcome: int) -> VoteBreakdown:
        o = _one_outcome(outcome, self.n_outcomes)
        members = tuple(
            MemberVote(
                name,
                int(self.seats[i]),
                bool(self.utility[i, o] >= self.no_deal[i]),
                float(self.utility[i, o]),
                float(self.no_deal[i]),
            )
            for i, name in enumerate(self.names)
        )
        yes = sum(m.seats for m in members if m.yes)
        no = sum(m.seats for m in members if not m.yes)
        return VoteBreakdown(
            body=self.name,
            kind=self.kind,
            outcome=o,
            rule=self.rule.name,
            total_seats=self.total_seats,
            required=self.required,
            yes_seats=yes,
            no_seats=no,
            unassigned_seats=self.total_seats - yes - no,
            passed=yes >= self.required,
            members=members,
        )

    def _yes_probability(self, idx: IntArray | slice, scale: float) -> FloatArray:
        return _logistic((self.utility[:, idx] - self.no_deal[:, None]) / scale)

    def pass_probability(self, scale: float) -> FloatArray:
        """Exact ``P(Y(o) ≥ required)`` with member *i* voting yes (all its seats) independently
        with probability ``p_i(o) = σ((u_i(o) − r_i)/scale)``.

        Recursion over members on the distribution of yes seats, capped at ``required`` (the
        value ``required`` means "enough"):
        ``P_i[y] = (1 − p_i)·P_{i−1}[y] + p_i·P_{i−1}[y − s_i]``.
        Only reachable seat totals are kept (at most ``min(2^members, required + 1)``), so a
        chamber of a few blocs costs a few passes over the outcomes. At a zero margin
        ``p_i = 1/2`` (the deterministic rule votes yes there); as ``scale → 0`` the probability
        tends to the deterministic win-set wherever no margin is 0.
        """
        scale = _check_scale(scale)
        need = self.required
        out = np.empty(self.n_outcomes)
        if need <= 0:
            out[:] = 1.0
            return out
        if need > int(self.seats.sum()):
            out[:] = 0.0
            return out
        for start in range(0, self.n_outcomes, _BLOCK):
            block = slice(start, min(start + _BLOCK, self.n_outcomes))
            p = self._yes_probability(block, scale)
            dist: dict[int, FloatArray] = {0: np.ones(p.shape[1])}
            for i, s in enumerate(self.seats.tolist()):
                new: dict[int, FloatArray] = {}
                for y, prob in dist.items():
                    moved = prob * p[i]
                    for total, mass in ((y, prob - moved), (min(y + s, need), moved)):
                        if total in new:
                            new[total] += mass
                        else:
                            new[total] = mass
                dist = new
            out[block] = dist.get(need, 0.0)
        return out

    def draw(self, outcomes: ArrayLike, rng: np.random.Generator, scale: float) -> BoolArray:
        """One vote per outcome: member *i* votes yes on the *j*-th outcome iff
        ``U[i, j] < p_i(o_j)`` with ``U = rng.random((n_members, len(outcomes)))``."""
        scale = _check_scale(scale)
        idx = _outcome_indices(outcomes, self.n_outcomes)
        flat = idx.reshape(-1)
        p = self._yes_probability(flat, scale)
        yes = rng.random(p.shape) < p
        seats = (self.seats[:, None] * yes).sum(axis=0)
        return (seats >= self.required).reshape(idx.shape)

    def __repr__(self) -> str:
        return (
            f"VotingBody(name={self.name!r}, kind={self.kind!r}, members={len(self.names)}, "
            f"total_seats={self.total_seats}, rule={self.rule.name!r}, "
            f"n_outcomes={self.n_outcomes})"
        )


class AllOf(Ratifier):
    """Every part must approve (a legislature *and* a president): ``a & b``.

    The win-set is the intersection of the parts' win-sets; the parts vote independently, so
    ``P(approve) = Π_j P_j(approve)``. Nested compositions are flattened.
    """

    kind = "all_of"

    def __init__(self, parts: Sequence[Ratifier], name: str | None = None) -> None:
        flat: list[Ratifier] = []
        for part in parts:
            flat.extend(part.parts if isinstance(part, AllOf) else [part])
        if not flat:
            raise BurdenshareError.single("a composition needs at least one ratifier", path="parts")
        sizes = {p.n_outcomes for p in flat}
        if len(sizes) != 1:
            raise BurdenshareError.single(
                "ratifiers are over different outcome spaces",
                path="parts",
                found=", ".join(str(p.n_outcomes) for p in flat),
            )
        self.parts: tuple[Ratifier, ...] = tuple(flat)
        self.n_outcomes = flat[0].n_outcomes
        self.name = name or " and ".join(p.name for p in flat)
        mask = np.ones(self.n_outcomes, dtype=bool)
        for part in flat:
            mask &= part.win_set()
        self._mask = _readonly(mask)

    def win_set(self) -> BoolArray:
        return self._mask

    def votes(self, outcome: int) -> VoteBreakdown:
        o = _one_outcome(outcome, self.n_outcomes)
        parts = tuple(p.votes(o) for p in self.parts)
        yes = sum(b.passed for b in parts)
        return VoteBreakdown(
            body=self.name,
            kind=self.kind,
            outcome=o,
            rule="unanimity",
            total_seats=len(parts),
            required=len(parts),
            yes_seats=yes,
            no_seats=len(parts) - yes,
            unassigned_seats=0,
            passed=yes == len(parts),
            parts=parts,
        )

    def pass_probability(self, scale: float) -> FloatArray:
        out = np.ones(self.n_outcomes)
        for part in self.parts:
            out *= part.pass_probability(scale)
        return out

    def draw(self, outcomes: ArrayLike, rng: np.random.Generator, scale: float) -> BoolArray:
        """Each part draws in order from ``rng`` (no short-circuit: the stream is fixed)."""
        idx = _outcome_indices(outcomes, self.n_outcomes)
        out = np.ones(idx.shape, dtype=bool)
        for part in self.parts:
            out &= part.draw(idx, rng, scale)
        return out

    def __repr__(self) -> str:
        return f"AllOf({list(self.parts)!r})"


# --------------------------------------------------------------------------- two-level analysis
def zopa_mask(utilities: ArrayLike, reserved: ArrayLike) -> BoolArray:
    """The zone of possible agreement: ``{o : u_p(o) ≥ r_p for every party p}``.

    ``utilities`` is ``[n_parties, n_outcomes]`` (two for a bilateral talk), ``reserved`` one
    reservation value per party.
    """
    u = np.asarray(utilities, dtype=np.float64)
    r = np.asarray(reserved, dtype=np.float64)
    if u.ndim != 2 or r.shape != (u.shape[0],):
        raise BurdenshareError.single(
            "utilities must be [parties, outcomes] with one reserved value per party",
            found=f"{u.shape} and {r.shape}",
        )
    return (u >= r[:, None]).all(axis=0)


def two_level_win_set(ratifier_a: Ratifier, ratifier_b: Ratifier) -> BoolArray:
    """Outcomes both ratifiers approve: ``W_a ∩ W_b`` (Putnam 1988, p. 437)."""
    if ratifier_a.n_outcomes != ratifier_b.n_outcomes:
        raise BurdenshareError.single(
            "ratifiers are over different outcome spaces",
            found=f"{ratifier_a.n_outcomes} and {ratifier_b.n_outcomes}",
        )
    return ratifier_a.win_set() & ratifier_b.win_set()


def two_level_zopa(
    ratifier_a: Ratifier, ratifier_b: Ratifier, utilities: ArrayLike, reserved: ArrayLike
) -> BoolArray:
    """Deals both negotiators prefer to no deal *and* both ratifiers approve:
    ``W_a ∩ W_b ∩ ZOPA``. With two unconstrained ratifiers this is the ZOPA itself."""
    both = two_level_win_set(ratifier_a, ratifier_b)
    zone = zopa_mask(utilities, reserved)
    if zone.shape != both.shape:
        raise BurdenshareError.single(
            "utilities and ratifiers are over different outcome spaces",
            found=f"{zone.shape[0]} and {both.shape[0]}",
        )
    return both & zone


def tied_hands(acceptable: ArrayLike, win_set: ArrayLike | Ratifier) -> BoolArray:
    """A "tied hands" negotiator's acceptable set: its own acceptable outcomes that its own
    ratifier would approve, ``A ∩ W`` (Schelling 1960; Putnam 1988, pp. 440–441)."""
    acc = _mask(acceptable)
    mask = _mask(win_set)
    if acc.shape != mask.shape:
        raise BurdenshareError.single(
            "masks over different outcome spaces", found=f"{acc.shape} and {mask.shape}"
        )
    return acc & mask


def tied_hands_utility(
    utility: ArrayLike, win_set: ArrayLike | Ratifier, reservation: float
) -> FloatArray:
    """A negotiator's utility with its own win-set built in.

    Outcomes outside the win-set get ``min(min_o u(o), reservation) − 1`` — strictly below every
    utility and the reservation value — so a strategy that never offers or accepts below its
    reservation never proposes or accepts them; inside, utilities are unchanged (with a full
    win-set the array equals ``utility``). If nothing in the win-set reaches the reservation,
    a strategy that falls back to "offer the best" may still pick an outcome outside it.
    """
    u = np.asarray(utility, dtype=np.float64)
    mask = _mask(win_set)
    if u.shape != mask.shape:
        raise BurdenshareError.single(
            "utility and win-set differ in length", found=f"{u.shape} and {mask.shape}"
        )
    floor = min(float(u.min()), float(reservation)) - 1.0
    return np.where(mask, u, floor)


@dataclass(frozen=True)
class Ratification:
    """A tentative agreement put to every ratifier: it stands only if all approve."""

    outcome: int
    passed: bool
    votes: tuple[VoteBreakdown, ...]

    def __str__(self) -> str:
        verdict = "ratified" if self.passed else "rejected: the deal is void"
        return "\n".join(str(v) for v in self.votes) + f"\noutcome {self.outcome}: {verdict}"


def ratify(outcome: int, *ratifiers: Ratifier) -> Ratification:
    """Put a tentative agreement to each side's ratifier (deterministic rule).

    As in March 2020, when a tentative ~13% SMA deal was rejected in Washington, a rejection by
    either side voids the deal and talks continue.
    """
    if not ratifiers:
        raise BurdenshareError.single("ratify needs at least one ratifier")
    votes = tuple(r.votes(outcome) for r in ratifiers)
    return Ratification(votes[0].outcome, all(v.passed for v in votes), votes)


# --------------------------------------------------------------------------- from a scenario
@dataclass(frozen=True)
class RatifierInputs:
    """What a ``[parties.<id>.ratifier]`` table is built against.

    ``values`` is the outcome value matrix ``[n_outcomes, n_issues]`` with columns in the order
    of ``issue_ids``; booleans are coded 0/1 and categorical options by their index in
    ``categories[issue]``. ``issue_ranges`` gives each issue's ``(min, max)`` (the
    normalisation span; ignored for categorical issues). The party fields are the party's own
    preferences: ``party_utility[n_outcomes]`` and ``party_reservation`` (its reservation value),
    ``party_weights`` (issue id → weight, as ``[preferences.<id>].weights``).
    ``veto_preferences`` maps a veto player's name to its own ``(utility, reservation)``.
    """

    issue_ids: tuple[str, ...]
    values: FloatArray
    spans: FloatArray
    categories: Mapping[str, Sequence[str]]
    party_utility: FloatArray | None
    party_reservation: float | None
    party_weights: Mapping[str, float] | None
    veto_preferences: Mapping[str, tuple[ArrayLike, float]]
    path: str

    @property
    def n_outcomes(self) -> int:
        return int(self.values.shape[0])

    def party(self, what: str) -> tuple[FloatArray, float]:
        """The party's utility and reservation value, or an error saying who needed them."""
        if self.party_utility is None or self.party_reservation is None:
            raise BurdenshareError.single(
                f"{what} takes its party's preferences, but none were given",
                path=self.path,
                expected="party_utility and party_reservation (the party's [preferences])",
            )
        return self.party_utility, self.party_reservation

    def encode(self, issue: str, value: object, path: str) -> float:
        """An ideal value on the ``values`` scale."""
        if isinstance(value, bool):
            return 1.0 if value else 0.0
        if isinstance(value, int | float):
            return float(value)
        options = self.categories.get(issue)
        if isinstance(value, str) and options is not None and value in options:
            return float(list(options).index(value))
        raise BurdenshareError.single(
            f"cannot place value on issue '{issue}'",
            path=path,
            expected="a number, true/false, or one of the issue's categories",
            found=repr(value),
        )


#: Ratifier kinds a scenario's ``[parties.<id>.ratifier]`` can name, each a builder
#: ``(spec, RatifierInputs) -> Ratifier``. Composition (:class:`AllOf`) is built in code.
RATIFIERS: Registry[Callable[[RatifierSpec, RatifierInputs], Ratifier]] = Registry("ratifier kind")


@RATIFIERS.register("none")
def _none_from_spec(spec: RatifierSpec, inputs: RatifierInputs) -> Ratifier:
    """The executive decides alone: every outcome wins."""
    return Unconstrained(inputs.n_outcomes, name=spec.name or "no ratification")


@RATIFIERS.register("legislature")
def _legislature_from_spec(spec: RatifierSpec, inputs: RatifierInputs) -> Ratifier:
    """A legislature of blocs with ideal points; without blocs, one bloc with the party's view.

    Each ``[[members]]`` bloc is built by :meth:`VotingBody.from_ideals`: its ideal per issue
    (issues it names no ideal on weigh 0), the party's ``[preferences]`` weights over the issues
    it names (equal weights when none are given or they sum to 0), spans from ``issue_ranges``,
    categorical issues by match / mismatch. A bloc's no-deal utility is ``1 − tolerance``, or
    the party's reservation value when ``tolerance`` is absent. Seats held by no bloc never vote
    yes. Without members the whole chamber is one bloc with the party's own utility and
    reservation value, so the win-set is the party's acceptable set ``{o : u(o) ≥ r}``.
    """
    body = spec.name or "legislature"
    if not spec.members:
        utility, reservation = inputs.party("a legislature without members")
        return VotingBody(
            np.array([spec.seats or 1]),
            utility[None, :],
            [reservation],
            rule=spec.threshold,
            names=[f"{body} (as the party)"],
            total_seats=spec.seats,
            name=body,
        )
    k = len(inputs.issue_ids)
    position = {iid: j for j, iid in enumerate(inputs.issue_ids)}
    ideals = np.full((len(spec.members), k), np.nan)
    tolerance = np.empty(len(spec.members))
    problems: list[Problem] = []
    for i, member in enumerate(spec.members):
        where = f"{inputs.path}.members[{i}]"
        for iid, value in member.ideal.items():
            if iid not in position:
                problems.append(
                    Problem(
                        f"unknown issue '{iid}'",
                        path=f"{where}.ideal.{iid}",
                        expected="one of " + ", ".join(inputs.issue_ids),
                    )
                )
                continue
            try:
                ideals[i, position[iid]] = inputs.encode(iid, value, f"{where}.ideal.{iid}")
            except BurdenshareError as err:
                problems.extend(err.problems)
        if member.tolerance is not None:
            tolerance[i] = member.tolerance
        elif inputs.party_reservation is not None:
            tolerance[i] = 1.0 - inputs.party_reservation
        else:
            problems.append(
                Problem(
                    "no tolerance, and no party reservation value to take it from",
                    path=f"{where}.tolerance",
                    expected="a tolerance >= 0, or the party's reservation value",
                )
            )
    if problems:
        raise BurdenshareError(problems)
    if inputs.party_weights is None:
        weights = np.ones(k)
    else:
        weights = np.array([float(inputs.party_weights.get(iid, 0.0)) for iid in inputs.issue_ids])
    categorical = np.array([iid in inputs.categories for iid in inputs.issue_ids])
    return VotingBody.from_ideals(
        inputs.values,
        ideals,
        np.array([m.seats for m in spec.members]),
        tolerance=tolerance,
        weights=weights,
        spans=inputs.spans,
        categorical=categorical,
        rule=spec.threshold,
        names=[m.name for m in spec.members],
        total_seats=spec.seats,
        name=body,
    )


@RATIFIERS.register("veto_players")
def _veto_players_from_spec(spec: RatifierSpec, inputs: RatifierInputs) -> Ratifier:
    """Named veto players, all of whom must accept.

    A player listed in ``veto_preferences`` uses its own ``(utility, reservation)``; the others
    take the party's utility and reservation value.
    """
    unknown = sorted(set(inputs.veto_preferences) - set(spec.veto_players))
    if unknown:
        raise BurdenshareError.single(
            "preferences given for players the scenario does not name",
            path=f"{inputs.path}.veto_players",
            expected="one of " + ", ".join(spec.veto_players),
            found=", ".join(unknown),
        )
    utilities, reservations = [], []
    for player in spec.veto_players:
        if player in inputs.veto_preferences:
            utility, reservation = inputs.veto_preferences[player]
        else:
            utility, reservation = inputs.party(f"veto player '{player}'")
        utilities.append(np.asarray(utility, dtype=np.float64))
        reservations.append(float(reservation))
    shapes = {u.shape for u in utilities}
    if shapes != {(inputs.n_outcomes,)}:
        raise BurdenshareError.single(
            "a veto player's utility does not cover the outcome space",
            path=f"{inputs.path}.veto_players",
            expected=f"{inputs.n_outcomes} values",
            found=", ".join(str(s) for s in sorted(shapes)),
        )
    return VotingBody.veto_players(
        np.stack(utilities),
        reservations,
        names=list(spec.veto_players),
        name=spec.name or "veto players",
    )


def ratifier_from_spec(
    spec: RatifierSpec,
    issue_ids: Sequence[str],
    values: ArrayLike,
    issue_ranges: Sequence[tuple[float, float]],
    *,
    party_utility: ArrayLike | None = None,
    party_reservation: float | None = None,
    party_weights: Mapping[str, float] | None = None,
    categories: Mapping[str, Sequence[str]] | None = None,
    veto_preferences: Mapping[str, tuple[ArrayLike, float]] | None = None,
    path: str = "ratifier",
) -> Ratifier:
    """The ratifier a scenario's ``[parties.<id>.ratifier]`` table describes.

    Dispatches on ``spec.kind`` through :data:`RATIFIERS`; see :class:`RatifierInputs` for the
    arguments and each builder's docstring for its rules. ``consent_required`` does not change
    the vote: the kind decides who must approve. ``path`` prefixes the dotted path of any error
    (e.g. ``"parties.rok.ratifier"``).
    """
    ids = tuple(issue_ids)
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 2 or v.shape[1] != len(ids) or v.shape[0] < 1:
        raise BurdenshareError.single(
            "values must be [outcomes, issues] with one column per issue id",
            path=path,
            expected=f"{len(ids)} columns",
            found=str(v.shape),
        )
    ranges = np.asarray(issue_ranges, dtype=np.float64)
    if ranges.shape != (len(ids), 2):
        raise BurdenshareError.single(
            "issue_ranges needs one (min, max) per issue",
            path=path,
            expected=f"{len(ids)} pairs",
            found=str(ranges.shape),
        )
    cats = dict(categories or {})
    spans = ranges[:, 1] - ranges[:, 0]
    bad = [iid for iid, s in zip(ids, spans, strict=True) if iid not in cats and not s > 0]
    if bad:
        raise BurdenshareError.single(
            "an issue's range is empty", path=path, expected="max > min", found=", ".join(bad)
        )
    spans = np.where(spans > 0, spans, 1.0)
    utility = None
    if party_utility is not None:
        utility = np.asarray(party_utility, dtype=np.float64)
        if utility.shape != (v.shape[0],):
            raise BurdenshareError.single(
                "party_utility does not cover the outcome space",
                path=path,
                expected=f"{v.shape[0]} values",
                found=str(utility.shape),
            )
    inputs = RatifierInputs(
        issue_ids=ids,
        values=v,
        spans=spans,
        categories=cats,
        party_utility=utility,
        party_reservation=None if party_reservation is None else float(party_reservation),
        party_weights=party_weights,
        veto_preferences=dict(veto_preferences or {}),
        path=path,
    )
    return RATIFIERS.get(spec.kind)(spec, inputs)
