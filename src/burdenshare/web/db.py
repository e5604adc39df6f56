"""The web app's database: games, their moves, tokens, classrooms and explorer runs.

SQLAlchemy Core over SQLite (default; a file in WAL mode, ``synchronous=NORMAL``, or ``FULL``
with ``BURDENSHARE_SQLITE_SYNC=FULL``) or PostgreSQL
(``postgresql://…``), the same code for both. Every move is written in the transaction that
checks it, and acknowledged only after the commit. One move per turn is a database rule: the
unique constraint ``(game_id, turn)`` on ``moves``; a second writer of the same turn gets an
``IntegrityError`` and its move is refused.

A move is checked against the moves read before the write transaction and written in it; if
another move took the turn in between, the constraint refuses the insert. SQLite has one writer
at a time: the app serialises its own short write transactions with a lock, so that none has to
upgrade a read lock (which SQLite refuses with ``SQLITE_BUSY``). PostgreSQL runs writers
concurrently and lets the constraint decide.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Connection, Engine

__all__ = ["Database", "classrooms", "games", "metadata", "moves", "runs", "tokens", "utcnow"]

metadata = MetaData()

games = Table(
    "games",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("scenario", String(200), nullable=False),  # bundled name, or "upload"
    Column("scenario_toml", Text, nullable=True),  # the uploaded text (validated), if any
    Column("overrides", Text, nullable=False, default="{}"),  # JSON: dotted path → value
    Column("seats", Text, nullable=False),  # JSON: party → "human" | "agent:<strategy>"
    Column("rounds", Integer, nullable=False),
    Column("seed", Integer, nullable=False, default=0),
    Column("status", String(20), nullable=False),  # running, agreed, walked-out, timedout
    Column("turns", Integer, nullable=False, default=0),
    Column("agreement", Text, nullable=True),  # JSON of the agreed package
    Column("classroom_id", String(40), nullable=True, index=True),
    Column("label", String(100), nullable=False, default=""),
)

moves = Table(
    "moves",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("game_id", String(40), ForeignKey("games.id"), nullable=False),
    Column("turn", Integer, nullable=False),
    Column("party", String(40), nullable=False),
    Column("action", String(20), nullable=False),
    Column("outcome", Integer, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("game_id", "turn", name="one_move_per_turn"),
)

tokens = Table(
    "tokens",
    metadata,
    # SHA-256 of the token: the database never holds a usable token
    Column("digest", String(64), primary_key=True),
    Column("role", String(20), nullable=False),  # seat, instructor
    Column("game_id", String(40), nullable=True, index=True),
    Column("party", String(40), nullable=True),
    Column("classroom_id", String(40), nullable=True, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

classrooms = Table(
    "classrooms",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("title", String(200), nullable=False),
    Column("scenario", String(200), nullable=False),
    Column("n_games", Integer, nullable=False),
)

runs = Table(
    "web_runs",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("status", String(20), nullable=False),  # queued, running, done, failed
    Column("stage", String(200), nullable=False, default=""),
    Column("progress", Float, nullable=False, default=0.0),
    Column("scenario", String(200), nullable=False),
    Column("scenario_toml", Text, nullable=True),
    Column("overrides", Text, nullable=False, default="{}"),
    Column("seed", Integer, nullable=False, default=0),
    Column("result", Text, nullable=True),  # JSON for the page
    Column("errors", Text, nullable=True),  # JSON list of one-line messages
    Column("store_run_id", String(80), nullable=True),
)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / 'web.sqlite3').resolve()}"


class Database:
    """An engine plus the write discipline (see the module docstring)."""

    def __init__(self, url: str):
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        self.url = url
        self.sqlite = url.startswith("sqlite")
        # WAL + NORMAL: a commit is in the WAL file before it returns, so it survives the
        # process being killed (kill -9); FULL also fsyncs each commit (power loss)
        self.synchronous = os.environ.get("BURDENSHARE_SQLITE_SYNC", "NORMAL").upper()
        if self.synchronous not in ("NORMAL", "FULL", "EXTRA"):
            self.synchronous = "NORMAL"
        if self.sqlite:
            self.engine: Engine = create_engine(
                url, connect_args={"check_same_thread": False, "timeout": 30}
            )

            @event.listens_for(self.engine, "connect")
            def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
                cur = dbapi_connection.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute(f"PRAGMA synchronous={self.synchronous}")
                cur.execute("PRAGMA busy_timeout=30000")
                cur.execute("PRAGMA foreign_keys=ON")
                cur.close()

        else:
            self.engine = create_engine(url, pool_size=10, max_overflow=20, pool_recycle=1800)
        self._lock = threading.Lock() if self.sqlite else None
        metadata.create_all(self.engine)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction, committed on leaving the block (rolled back on error)."""
        if self._lock is not None:
            with self._lock, self.engine.begin() as conn:
                yield conn
        else:
            with self.engine.begin() as conn:
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    def dispose(self) -> None:
        self.engine.dispose()
