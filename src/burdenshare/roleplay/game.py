"""A negotiation role-play as a pure state machine: seats, turns, offers, votes, deadline.

No I/O. A game is its :class:`Setup` (scenario, seats, rounds, seed) plus the list of actions
taken so far; :func:`replay` plays those actions through the reference bargaining engine
(:func:`burdenshare.bargaining.engine.negotiate`) and returns the :class:`GameState`. Human
seats are scripted strategies that replay their recorded actions and pause the engine when
they have none left; agent seats are strategies from the registry, so they act exactly as in
``burdenshare bargain``. Because the engine runs every move, the rules are the engine's:

- turn ``k`` is round ``k // 2``, the sending party (opener) acting at even ``k``, the host at
  odd ``k``; a side accepts the offer on the table, makes an offer (replacing it) or walks out;
- an accepted offer is a tentative deal that both ratifiers vote on
  (:func:`~burdenshare.bargaining.talks.two_level_win_set`); a rejected deal is voided, struck
  from the agenda (with everything the rejecting ratifier would also reject when the scenario
  says ``veto_reveals``) and the talks go on with the next actor;
- the scenario's calendar (``[bargaining] first_round``–``last_round``) is spread over the
  game's ``rounds``; dated events that change the game take effect from their round
  (:func:`~burdenshare.bargaining.talks.segments`), each segment opening with an empty table;
- the deadline is the last round: no deal by then is no deal (``timedout``).

One difference from ``bargain``: a walk-out ends the game (the engine would resume the talks
when the next segment's game begins).

The outcome space is the scenario's grid **without** the knots the engine adds at each side's
reservation and ratifier values (:func:`public_space`): otherwise the list of offers a seat can
make would show the other side's red line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from burdenshare.bargaining.domain import Domain, domain_from_scenario
from burdenshare.bargaining.engine import negotiate
from burdenshare.bargaining.outcomes import Issue, OutcomeSpace
from burdenshare.bargaining.solutions import kalai_smorodinsky, nash_solution
from burdenshare.bargaining.strategies import STRATEGIES, Act, Action, Strategy
from burdenshare.bargaining.strategies.base import Reason, offer, walk
from burdenshare.bargaining.talks import (
    _strategy_for,
    clocks,
    events_happening,
    ratifier_mask,
    reserved_path,
    round_dates,
    scenario_ratifiers,
    segments,
)
from burdenshare.errors import BurdenshareError, Problem
from burdenshare.scenario import Scenario

__all__ = [
    "ACTIONS",
    "GameState",
    "Move",
    "MoveError",
    "Setup",
    "agent_names",
    "parse_seat",
    "public_space",
    "replay",
    "solutions",
]

ACTIONS = ("offer", "accept", "walk-out")
MAX_ROUNDS = 200


class MoveError(BurdenshareError):
    """A move the rules do not allow (not your turn, nothing to accept, outcome struck...)."""


def _bad(message: str, **where: Any) -> MoveError:
    return MoveError([Problem(message, **where)])


def agent_names() -> list[str]:
    """Strategies a seat may be given (``agent:<name>``), in registry order."""
    return list(STRATEGIES)


def parse_seat(value: str, party: str) -> str | None:
    """``"human"`` → None; ``"agent:<strategy>"`` → the strategy name (checked)."""
    if value == "human":
        return None
    name = value.removeprefix("agent:")
    if not value.startswith("agent:") or name not in STRATEGIES:
        raise _bad(
            f"seat '{party}' must be 'human' or 'agent:<strategy>'",
            path=f"seats.{party}",
            expected="human, " + ", ".join(f"agent:{n}" for n in STRATEGIES),
            found=value,
        )
    return name


def public_space(scenario: Scenario) -> OutcomeSpace:
    """The scenario's outcome space on its ``[bargaining] grid`` (or each issue's ``step``),
    with knots only at public values (the parties' openings, their ideal points), never at a
    reservation or ratifier limit."""
    spec = scenario.bargaining
    grid = dict(spec.grid) if spec is not None else {}
    full = domain_from_scenario(scenario, grid=grid or None).space
    issues = []
    for issue in full.issues:
        if issue.kind != "continuous":
            issues.append(issue)
            continue
        s_issue = scenario.issues[issue.name]
        low, high = float(s_issue.min), float(s_issue.max)
        ideals = [
            float(p.ideal[issue.name])
            for p in scenario.preferences.values()
            if issue.name in p.ideal and p.ideal[issue.name] is not None
        ]
        if issue.name in grid and grid[issue.name] is not None:
            steps = [(float(a), float(b)) for a, b in grid[issue.name]]
            issues.append(Issue.continuous(issue.name, low, high, steps=steps, include=ideals))
        else:
            step = float(s_issue.step) if getattr(s_issue, "step", None) else None
            if step is None or (high - low) / step > 400:
                step = (high - low) / 100
            issues.append(Issue.continuous(issue.name, low, high, step=step, include=ideals))
    return OutcomeSpace(issues)


@dataclass(frozen=True)
class SegmentSetup:
    """Rounds ``first … stop − 1`` with the game as the events in force make it."""

    first: int
    stop: int
    scenario: Scenario
    domain: Domain
    win_set: np.ndarray  # both ratifiers accept
    party_masks: dict[str, np.ndarray]  # each party's ratifier (within its limits)
    reserved: tuple[np.ndarray, np.ndarray]
    times: tuple[np.ndarray, np.ndarray] | None
    events: tuple[str, ...]


@dataclass(frozen=True)
class Setup:
    """Everything fixed when a game is created. ``seats`` maps party id → strategy name (agent)
    or None (human)."""

    scenario: Scenario
    seats: dict[str, str | None]
    rounds: int
    seed: int = 0

    @classmethod
    def create(
        cls, scenario: Scenario, seats: Mapping[str, str], rounds: int | None = None, seed: int = 0
    ) -> Setup:
        """Check the seats (one per party, ``human`` or ``agent:<strategy>``) and rounds."""
        if scenario.bargaining is None:
            raise _bad(
                "the scenario has no [bargaining] section to play",
                path="scenario",
                expected="a scenario with [bargaining]",
            )
        parties = [scenario.party_id("sending"), scenario.party_id("host")]
        problems = [
            Problem(f"unknown seat '{p}'", path=f"seats.{p}", expected=", ".join(parties))
            for p in seats
            if p not in parties
        ] + [
            Problem(f"no seat for '{p}'", path=f"seats.{p}", expected="human or agent:<strategy>")
            for p in parties
            if p not in seats
        ]
        if problems:
            raise MoveError(problems)
        parsed = {p: parse_seat(str(seats[p]), p) for p in parties}
        n = int(rounds) if rounds is not None else min(10, scenario.bargaining.steps)
        if not 1 <= n <= MAX_ROUNDS:
            raise _bad(
                "rounds out of range", path="rounds", expected=f"1 to {MAX_ROUNDS}", found=str(n)
            )
        return cls(scenario, parsed, n, int(seed))

    @property
    def parties(self) -> tuple[str, str]:
        """(opener, responder): the sending party, then the host."""
        return (self.scenario.party_id("sending"), self.scenario.party_id("host"))

    def side(self, party: str) -> int:
        return self.parties.index(party)

    @cached_property
    def space(self) -> OutcomeSpace:
        return public_space(self.scenario)

    @cached_property
    def domain(self) -> Domain:
        return domain_from_scenario(self.scenario, space=self.space)

    @cached_property
    def dates(self) -> list[dt.date] | None:
        return round_dates(self.scenario, self.rounds)

    @cached_property
    def happened(self) -> set[str]:
        return events_happening(self.scenario)

    @cached_property
    def segments(self) -> tuple[SegmentSetup, ...]:
        out = []
        opener, responder = self.parties
        for seg in segments(self.scenario, self.rounds, self.happened):
            sc = seg.scenario
            dom = self.domain if sc is self.scenario else domain_from_scenario(sc, space=self.space)
            ratifiers = scenario_ratifiers(sc, dom)
            masks = {p: ratifier_mask(sc, dom, p, ratifiers[p]) for p in self.parties}
            win = masks[opener] & masks[responder]
            reserved = (
                reserved_path(sc, dom, opener, self.rounds),
                reserved_path(sc, dom, responder, self.rounds),
            )
            out.append(
                SegmentSetup(
                    seg.first,
                    seg.stop,
                    sc,
                    dom,
                    win,
                    masks,
                    reserved,
                    clocks(sc, self.rounds),
                    seg.events,
                )
            )
        return tuple(out)

    def segment_at(self, s: int) -> SegmentSetup:
        return next(g for g in self.segments if g.first <= s < g.stop)

    def outcome_index(self, values: Mapping[str, Any]) -> int:
        """Index of the package ``values`` (issue → value), snapped to the grid."""
        names = [i.name for i in self.space.issues]
        unknown = [k for k in values if k not in names]
        missing = [k for k in names if k not in values]
        if unknown or missing:
            raise MoveError(
                [Problem(f"unknown issue '{k}'", path=f"offer.{k}") for k in unknown]
                + [Problem(f"no value for issue '{k}'", path=f"offer.{k}") for k in missing]
            )
        clean: dict[str, Any] = {}
        for issue in self.space.issues:
            v = values[issue.name]
            if issue.kind == "boolean":
                if isinstance(v, str):
                    if v.lower() not in ("true", "false", "yes", "no", "1", "0"):
                        raise _bad("expected yes or no", path=f"offer.{issue.name}", found=v)
                    v = v.lower() in ("true", "yes", "1")
                clean[issue.name] = bool(v)
            elif issue.kind in ("continuous", "integer"):
                try:
                    x = float(v)
                except (TypeError, ValueError):
                    raise _bad(
                        "expected a number", path=f"offer.{issue.name}", found=str(v)[:40]
                    ) from None
                lo, hi = float(issue.numbers[0]), float(issue.numbers[-1])
                if not (np.isfinite(x) and lo <= x <= hi):
                    raise _bad(
                        "value out of range",
                        path=f"offer.{issue.name}",
                        expected=f"{lo:g} to {hi:g}",
                        found=f"{x:g}",
                    )
                clean[issue.name] = round(x) if issue.kind == "integer" else x
            else:
                clean[issue.name] = v
        try:
            return self.space.index_of(clean, snap=True)
        except BurdenshareError as exc:
            raise MoveError(exc.problems) from None


@dataclass(frozen=True)
class Move:
    """One recorded action: turn ``k`` (round ``k // 2``), the acting party, ``offer`` /
    ``accept`` / ``walk-out`` and the outcome index offered (accept: the one on the table)."""

    turn: int
    party: str
    action: str
    outcome: int | None = None


@dataclass
class Event:
    """Something that happened, for the history: a move, a vote, a segment change."""

    turn: int
    round: int
    party: str | None
    kind: str  # offer, accept, walk-out, voided, ratified, timedout
    outcome: int | None = None
    note: str = ""


@dataclass
class GameState:
    """Where a game stands after its recorded moves."""

    setup: Setup
    moves: list[Move]
    events: list[Event] = field(default_factory=list)
    status: str = "running"  # running, agreed, walked-out, timedout
    turn: int = 0
    table: int | None = None
    table_by: str | None = None
    struck: set[int] = field(default_factory=set)
    agreement: int | None = None
    ended_by: str | None = None
    note: str = ""
    #: moves the agents made while replaying (new ones follow the recorded moves)
    agent_moves: list[Move] = field(default_factory=list)

    @property
    def over(self) -> bool:
        return self.status != "running"

    @property
    def round(self) -> int:
        return self.turn // 2

    @property
    def to_move(self) -> str | None:
        return None if self.over else self.setup.parties[self.turn % 2]

    def date(self, s: int | None = None) -> dt.date | None:
        dates = self.setup.dates
        s = self.round if s is None else s
        return None if dates is None else dates[min(s, len(dates) - 1)]

    def new_moves(self) -> list[Move]:
        """Agent moves made after the last recorded move (to record)."""
        n = len(self.moves)
        return [m for m in self.agent_moves if m.turn >= n]


class _Pause(Exception):
    def __init__(self, s: int, side: int, table: int | None, struck: set[int]):
        self.s, self.side, self.table, self.struck = s, side, table, struck


class _Seat(Strategy):
    """Wraps a seat: a human's recorded moves, or an agent strategy; logs every action."""

    def __init__(self, game: GameState, side: int, agent: Strategy | str | None):
        self.game, self.side = game, side
        self.agent = None if agent is None else agent
        self.party = game.setup.parties[side]

    def start(self, view: Any) -> None:
        self.view = view
        if self.agent is not None:
            self.agent.start(view)

    def act(self, s: int, table: int | None) -> Action:
        turn = 2 * s + self.side
        g = self.game
        g.turn, g.table = turn, table
        g.table_by = None if table is None else g.setup.parties[1 - self.side]
        if self.agent is not None:
            action = self.agent.act(s, table)
            kind = ACTIONS[int(action[0])] if action[0] is not Act.WALK else "walk-out"
            out = None if kind == "walk-out" else (table if kind == "accept" else action[1])
            g.agent_moves.append(Move(turn, self.party, kind, out))
        else:
            recorded = next((m for m in g.moves if m.turn == turn), None)
            if recorded is None:
                raise _Pause(s, self.side, table, self.view.struck)
            if recorded.action == "offer":
                action = offer(int(recorded.outcome))
            elif recorded.action == "accept":
                action = Action(Act.ACCEPT, -1, None, "")
            else:
                action = walk(Reason.WALKED_OUT, "walked out")
            out = recorded.outcome
            kind = recorded.action
        g.events.append(Event(turn, s, self.party, kind, out))
        return action


def _check_recorded(setup: Setup, moves: Sequence[Move]) -> None:
    for k, m in enumerate(moves):
        if m.turn != k or m.party != setup.parties[k % 2] or m.action not in ACTIONS:
            raise _bad("corrupt move log", path=f"moves[{k}]")


def replay(setup: Setup, moves: Sequence[Move]) -> GameState:
    """Play the recorded ``moves`` (humans' and agents') and let agents move on until a human
    seat must act or the game ends. The agents' moves beyond the record are in
    :meth:`GameState.new_moves`."""
    moves = list(moves)
    _check_recorded(setup, moves)
    game = GameState(setup, moves)
    opener, responder = setup.parties
    struck: set[int] = set()
    pick = setup.scenario.bargaining.offers if setup.scenario.bargaining else "lowest"
    reveal_all = bool(setup.scenario.bargaining and setup.scenario.bargaining.veto_reveals)
    previous: tuple[str, ...] = ()
    for seg in setup.segments:
        struck = {o for o in struck if not seg.win_set[o]}
        if seg.first > 0:  # the game changes: a new segment opens with an empty table
            new = [e for e in seg.events if e not in previous]
            game.events.append(Event(2 * seg.first, seg.first, None, "phase", None, ",".join(new)))
        previous = seg.events
        seats = []
        for side, party in enumerate(setup.parties):
            name = setup.seats[party]
            agent = None if name is None else _strategy_for(name, None, pick)
            if isinstance(agent, str):
                from burdenshare.bargaining.strategies import make_strategy

                agent = make_strategy(agent)
            seats.append(_Seat(game, side, agent))
        votes: list[tuple[int, bool]] = []

        def ratify(o: int, seg: SegmentSetup = seg, votes: list = votes) -> bool:
            w = seg.win_set
            votes.append((o, bool(w[o])))
            ok = bool(w[o])
            no = [p for p in setup.parties if not seg.party_masks[p][o]]
            last = game.events[-1]
            game.events.append(
                Event(last.turn, last.round, None, "ratified" if ok else "voided", o, ",".join(no))
            )
            return ok

        i, j = seg.domain.parties.index(opener), seg.domain.parties.index(responder)
        try:
            result = negotiate(
                seg.domain.utilities[i],
                seg.domain.utilities[j],
                seats[0],
                seats[1],
                setup.rounds,
                reserved=seg.reserved,
                ratify=ratify,
                seed=setup.seed,
                times=seg.times,
                rounds=(seg.first, seg.stop) if len(setup.segments) > 1 else None,
                struck=struck,
                reveal=(seg.party_masks[opener], seg.party_masks[responder])
                if reveal_all
                else None,
            )
        except _Pause as pause:
            game.turn = 2 * pause.s + pause.side
            game.table = pause.table
            game.table_by = None if pause.table is None else setup.parties[1 - pause.side]
            game.struck = set(pause.struck)
            return game
        struck = set(result.struck)
        game.struck = struck
        if result.agreement is not None:
            game.status, game.agreement = "agreed", int(result.agreement)
            game.ended_by = setup.parties[result.ended_by]
            game.turn = 2 * (result.step - 1) + result.ended_by + 1
            return game
        if result.reason is not Reason.TIMEDOUT:
            game.status = "walked-out"
            game.ended_by = setup.parties[result.ended_by]
            game.note = result.note if result.reason is not Reason.WALKED_OUT else ""
            game.turn = 2 * (result.step - 1) + result.ended_by + 1
            return game
        game.table, game.table_by = None, None
    game.status = "timedout"
    game.turn = 2 * setup.rounds
    last_round = setup.rounds - 1
    game.events.append(Event(game.turn, last_round, None, "timedout"))
    return game


def play(
    setup: Setup,
    moves: Sequence[Move],
    party: str,
    action: str,
    values: Any = None,
    state: GameState | None = None,
) -> tuple[list[Move], GameState]:
    """Check ``party``'s ``action`` against the state after ``moves`` (``state``, when the
    caller has it already) and return the moves to record (this one, then the agents'
    replies) and the new state. Raises :class:`MoveError` with a one-line reason when the move
    is not allowed."""
    if state is None or len(state.moves) != len(moves):
        state = replay(setup, moves)
    if state.over:
        raise _bad("the game is over", path="game", found=state.status)
    if party not in setup.parties:
        raise _bad("unknown seat", path="seat", found=party)
    if setup.seats[party] is not None:
        raise _bad("an agent plays this seat", path="seat", found=party)
    if state.to_move != party:
        raise _bad("not your turn", path="seat", expected=state.to_move or "", found=party)
    if action == "offer":
        if not isinstance(values, Mapping):
            raise _bad("an offer needs a value for every issue", path="offer")
        o = setup.outcome_index(values)
        if o in state.struck:
            raise _bad("that package was voided by a ratifier and is off the agenda", path="offer")
        move = Move(state.turn, party, "offer", o)
    elif action == "accept":
        if state.table is None:
            raise _bad("there is no offer on the table to accept", path="accept")
        move = Move(state.turn, party, "accept", state.table)
    elif action == "walk-out":
        move = Move(state.turn, party, "walk-out", None)
    else:
        raise _bad("unknown action", path="action", expected=", ".join(ACTIONS), found=action)
    recorded = [*moves, move]
    after = replay(setup, recorded)
    return [move, *after.new_moves()], after


def solutions(setup: Setup) -> dict[str, int | None]:
    """Nash and Kalai–Smorodinsky outcomes over the first segment's two-level win-set (both
    ratifiers accept), from the sides' utilities and no-deal values."""
    seg = setup.segments[0]
    dom = seg.domain
    opener, responder = setup.parties
    idx = [dom.parties.index(opener), dom.parties.index(responder)]
    u = dom.utilities[idx]
    r = dom.reserved[idx]
    return {
        "nash": nash_solution(u, r, seg.win_set),
        "kalai_smorodinsky": kalai_smorodinsky(u, r, seg.win_set),
    }


def bargaining_solutions(
    u: np.ndarray, r: np.ndarray, win_set: np.ndarray | None
) -> dict[str, int | None]:
    """The Nash and Kalai–Smorodinsky outcomes of the seats' utilities ``u`` (reserved ``r``)
    within ``win_set``, by label, for a debrief (see ``bargaining.solutions``)."""
    return {
        "Nash bargaining solution": nash_solution(u, r, win_set),
        "Kalai–Smorodinsky solution": kalai_smorodinsky(u, r, win_set),
    }
