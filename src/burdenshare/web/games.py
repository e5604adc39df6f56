"""Games and classrooms in the database: create, authenticate a seat, move, read, export.

A game row holds its configuration; its ``moves`` rows are the whole state (the role-play
replays them). A move is checked and written in one transaction, with the agents' replies, and
acknowledged only after the commit; the unique ``(game_id, turn)`` constraint refuses a second
move for the same turn.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from burdenshare.web import services
from burdenshare.web.db import Database, classrooms, games, moves, tokens, utcnow
from burdenshare.web.security import digest, new_id, new_token, same

__all__ = ["Conflict", "Forbidden", "GameRow", "Store"]


def derived_token(instructor: str, game_id: str, party: str) -> str:
    """A classroom seat's token: HMAC-SHA256 of the game and seat under the instructor's
    token (256 bits), so the instructor can list the seat links again without the database
    holding any token."""
    mac = hmac.new(instructor.encode(), f"seat:{game_id}:{party}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


class Forbidden(Exception):
    """Wrong, old or other game's token: 403, nothing changes."""


class Conflict(Exception):
    """Another move for this turn was recorded first."""


class NotFound(Exception):
    pass


@dataclass(frozen=True)
class GameRow:
    id: str
    scenario: str
    scenario_toml: str | None
    overrides: dict[str, Any]
    seats: dict[str, str]
    rounds: int
    seed: int
    status: str
    classroom_id: str | None
    label: str

    @classmethod
    def of(cls, row: Any) -> GameRow:
        return cls(
            row.id,
            row.scenario,
            row.scenario_toml,
            json.loads(row.overrides or "{}"),
            json.loads(row.seats),
            int(row.rounds),
            int(row.seed),
            row.status,
            row.classroom_id,
            row.label or "",
        )

    def setup(self) -> services.Setup:
        return services.setup_for(
            self.scenario, self.scenario_toml, self.overrides, self.seats, self.rounds, self.seed
        )


def _moves(conn: Any, game_id: str) -> list[services.Move]:
    rows = conn.execute(
        select(moves.c.turn, moves.c.party, moves.c.action, moves.c.outcome)
        .where(moves.c.game_id == game_id)
        .order_by(moves.c.turn)
    ).all()
    return [services.Move(r.turn, r.party, r.action, r.outcome) for r in rows]


def _insert_moves(conn: Any, game_id: str, new: list[services.Move]) -> None:
    if new:
        now = utcnow()
        conn.execute(
            moves.insert(),
            [
                {
                    "game_id": game_id,
                    "turn": m.turn,
                    "party": m.party,
                    "action": m.action,
                    "outcome": m.outcome,
                    "created_at": now,
                }
                for m in new
            ],
        )


def _agreement_json(setup: services.Setup, state: services.GameState) -> str | None:
    if state.agreement is None:
        return None
    return json.dumps(
        {k: services._value_str(v) for k, v in setup.space.outcome(state.agreement).items()}
    )


class Store:
    """Games in the database. ``_states`` keeps the latest replayed state of recent games, keyed
    by game id and checked against the number of recorded moves read from the database on
    every request (a stale entry is never used)."""

    def __init__(self, db: Database, cache: int = 2048):
        self.db = db
        self._states: OrderedDict[str, services.GameState] = OrderedDict()
        self._cache_size = cache
        self._cache_lock = threading.Lock()

    def _cached(self, game_id: str, n_moves: int) -> services.GameState | None:
        with self._cache_lock:
            state = self._states.get(game_id)
        return state if state is not None and len(state.moves) == n_moves else None

    def _remember(self, game_id: str, state: services.GameState) -> None:
        with self._cache_lock:
            self._states[game_id] = state
            self._states.move_to_end(game_id)
            while len(self._states) > self._cache_size:
                self._states.popitem(last=False)

    # ---------------------------------------------------------------- create
    def create_game(
        self,
        scenario: str,
        seats: dict[str, str],
        *,
        rounds: int | None = None,
        seed: int = 0,
        overrides: dict[str, Any] | None = None,
        scenario_toml: str | None = None,
        classroom_id: str | None = None,
        label: str = "",
        conn: Any = None,
        token_factory: Any = None,
    ) -> tuple[str, dict[str, str]]:
        """Create a game; returns its id and each human seat's token (shown once)."""
        overrides = dict(overrides or {})
        setup = services.setup_for(scenario, scenario_toml, overrides, seats, rounds, seed)
        state = services.replay(setup, [])  # agents that open move now
        game_id = new_id()
        make = token_factory or (lambda gid, party: new_token())
        seat_tokens = {p: make(game_id, p) for p, s in setup.seats.items() if s is None}

        def write(c: Any) -> None:
            now = utcnow()
            c.execute(
                games.insert().values(
                    id=game_id,
                    created_at=now,
                    scenario=scenario,
                    scenario_toml=scenario_toml,
                    overrides=json.dumps(overrides, default=str),
                    seats=json.dumps({p: seats[p] for p in setup.parties}),
                    rounds=setup.rounds,
                    seed=seed,
                    status=state.status,
                    turns=len(state.new_moves()),
                    agreement=_agreement_json(setup, state),
                    classroom_id=classroom_id,
                    label=label,
                )
            )
            _insert_moves(c, game_id, state.new_moves())
            for party, tok in seat_tokens.items():
                c.execute(
                    tokens.insert().values(
                        digest=digest(tok),
                        role="seat",
                        game_id=game_id,
                        party=party,
                        created_at=now,
                    )
                )

        if conn is not None:
            write(conn)
        else:
            with self.db.write() as c:
                write(c)
        return game_id, seat_tokens

    def create_classroom(
        self,
        scenario: str,
        seats: dict[str, str],
        n_games: int,
        *,
        rounds: int | None = None,
        title: str = "",
        overrides: dict[str, Any] | None = None,
    ) -> tuple[str, str, list[tuple[str, dict[str, str]]]]:
        """N games in one step; returns (classroom id, instructor token, [(game id, tokens)])."""
        cid, instructor = new_id(), new_token()
        out = []
        with self.db.write() as c:
            c.execute(
                classrooms.insert().values(
                    id=cid,
                    created_at=utcnow(),
                    title=title or scenario,
                    scenario=scenario,
                    n_games=n_games,
                )
            )
            c.execute(
                tokens.insert().values(
                    digest=digest(instructor),
                    role="instructor",
                    classroom_id=cid,
                    created_at=utcnow(),
                )
            )
            for k in range(n_games):
                gid, toks = self.create_game(
                    scenario,
                    seats,
                    rounds=rounds,
                    seed=k,
                    overrides=overrides,
                    classroom_id=cid,
                    label=f"game {k + 1}",
                    conn=c,
                    token_factory=lambda g, p: derived_token(instructor, g, p),
                )
                out.append((gid, toks))
        return cid, instructor, out

    # ---------------------------------------------------------------- auth
    def seat_for(self, game_id: str, token: str | None) -> str:
        """The party a token sits in this game; :class:`Forbidden` otherwise."""
        if not token:
            raise Forbidden
        d = digest(token)
        with self.db.read() as c:
            row = c.execute(select(tokens).where(tokens.c.digest == d)).first()
        if row is None or row.role != "seat" or not same(row.game_id or "", game_id):
            raise Forbidden
        return str(row.party)

    def token_row(self, token: str | None) -> Any:
        if not token:
            return None
        with self.db.read() as c:
            return c.execute(select(tokens).where(tokens.c.digest == digest(token))).first()

    def instructor_for(self, classroom_id: str, token: str | None) -> None:
        row = self.token_row(token)
        if (
            row is None
            or row.role != "instructor"
            or not same(row.classroom_id or "", classroom_id)
        ):
            raise Forbidden

    # ---------------------------------------------------------------- read
    def game(self, game_id: str) -> tuple[GameRow, list[services.Move]]:
        with self.db.read() as c:
            row = c.execute(select(games).where(games.c.id == game_id)).first()
            if row is None:
                raise NotFound
            return GameRow.of(row), _moves(c, game_id)

    def state(self, game_id: str) -> tuple[GameRow, services.Setup, services.GameState]:
        row, ms = self.game(game_id)
        setup = row.setup()
        state = self._cached(game_id, len(ms))
        if state is None or state.moves != ms:
            state = services.replay(setup, ms)
            self._remember(game_id, state)
        return row, setup, state

    # ---------------------------------------------------------------- move
    def act(self, game_id: str, party: str, action: str, values: Any = None) -> Any:
        """Check and record ``party``'s move and the agents' replies; return the new state
        (after the commit). Raises MoveError (refused), Conflict (another move took the turn
        first: the unique ``(game_id, turn)`` refused ours), NotFound.

        The move is checked against the moves as read; the write transaction holds only the
        inserts, so the database, not a lock around the check, decides a race."""
        g, recorded = self.game(game_id)
        setup = g.setup()
        before = self._cached(game_id, len(recorded))
        if before is not None and before.moves != recorded:
            before = None
        new, state = services.play(setup, recorded, party, action, values, before)
        try:
            with self.db.write() as c:
                _insert_moves(c, game_id, new)
                c.execute(
                    games.update()
                    .where(games.c.id == game_id)
                    .values(
                        status=state.status,
                        turns=len(recorded) + len(new),
                        agreement=_agreement_json(setup, state),
                    )
                )
        except IntegrityError:
            raise Conflict from None
        state.moves = [*recorded, *new]  # the state as recorded (agents' moves included)
        state.agent_moves = [m for m in state.agent_moves if m.turn < len(state.moves)]
        self._remember(game_id, state)
        return g, setup, state

    # ---------------------------------------------------------------- classroom
    def classroom(self, classroom_id: str) -> tuple[Any, list[Any]]:
        with self.db.read() as c:
            room = c.execute(select(classrooms).where(classrooms.c.id == classroom_id)).first()
            if room is None:
                raise NotFound
            rows = c.execute(
                select(games)
                .where(games.c.classroom_id == classroom_id)
                .order_by(games.c.created_at, games.c.label)
            ).all()
        return room, rows

    def classroom_moves(self, classroom_id: str) -> list[Any]:
        with self.db.read() as c:
            return c.execute(
                select(
                    games.c.label,
                    moves.c.game_id,
                    moves.c.turn,
                    moves.c.party,
                    moves.c.action,
                    moves.c.outcome,
                    moves.c.created_at,
                )
                .join(games, games.c.id == moves.c.game_id)
                .where(games.c.classroom_id == classroom_id)
                .order_by(games.c.label, moves.c.turn)
            ).all()

    def classroom_links(self, classroom_id: str, instructor: str) -> list[tuple[str, str, str]]:
        """(game label, party, seat token) for every human seat of the classroom."""
        _, rows = self.classroom(classroom_id)
        out = []
        for r in rows:
            for party, seat in json.loads(r.seats).items():
                if seat == "human":
                    out.append((r.label, party, derived_token(instructor, r.id, party)))
        return out

    def count_moves(self) -> int:
        with self.db.read() as c:
            return int(c.execute(select(func.count()).select_from(moves)).scalar_one())
