"""Fixtures for the web app's tests: the app in-process (SQLite or PostgreSQL) and a real
uvicorn server in a subprocess.

PostgreSQL: set ``BURDENSHARE_TEST_POSTGRES=postgresql://user:pass@host/db`` (``.ci/run`` does).
Without it the PostgreSQL variants are skipped locally; with it and the server down they fail.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

warnings.filterwarnings("ignore", message=".*httpx2.*")

PG_URL = os.environ.get("BURDENSHARE_TEST_POSTGRES")
BACKENDS = ["sqlite", "postgres"]
SECRET = b"k" * 32


def reset_postgres(url: str) -> None:
    from burdenshare.web.db import Database, metadata

    db = Database(url)
    metadata.drop_all(db.engine)
    metadata.create_all(db.engine)
    db.dispose()


def database_url(kind: str, tmp_path: Path) -> str | None:
    if kind == "sqlite":
        return None  # the default: SQLite in the data folder
    if not PG_URL:
        pytest.skip("BURDENSHARE_TEST_POSTGRES is not set (CI sets it)")
    reset_postgres(PG_URL)
    return PG_URL


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def app(backend: str, tmp_path: Path):
    from burdenshare.web.app import create_app

    return create_app(database_url(backend, tmp_path), data_dir=tmp_path / "data", secret=SECRET)


@pytest.fixture
def client(app) -> Iterator:
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


@pytest.fixture
def sqlite_client(tmp_path: Path) -> Iterator:
    from fastapi.testclient import TestClient

    from burdenshare.web.app import create_app

    app = create_app(None, data_dir=tmp_path / "data", secret=SECRET)
    with TestClient(app) as c:
        yield c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``burdenshare serve`` in a subprocess (a real uvicorn)."""

    def __init__(self, data_dir: Path, database_url: str | None):
        self.data_dir, self.database_url = data_dir, database_url
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        cmd = [
            sys.executable,
            "-m",
            "burdenshare",
            "serve",
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
        ]
        if self.database_url:
            cmd += ["--database-url", self.database_url]
        self.log = open(self.data_dir.parent / f"server-{self.port}.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.proc.returncode}")
            try:
                if httpx.get(self.url + "/api/strategies", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.kill()  # SIGKILL: no shutdown handlers, no flush
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()


@pytest.fixture
def server(backend: str, tmp_path: Path) -> Iterator[Server]:
    data = tmp_path / "data"
    data.mkdir()
    srv = Server(data, database_url(backend, tmp_path))
    srv.start()
    yield srv
    srv.stop()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("filterwarnings", "ignore:.*httpx2.*")
