"""The FastAPI application: ``create_app(database_url, data_dir=..., secret=...)``.

Pages (:mod:`.views`) and the JSON API (:mod:`.api`) share the store (:mod:`.games`), the
explorer's job runner (:mod:`.jobs`) and the security rules (:mod:`.security`).
"""

from __future__ import annotations

import logging
import os
import secrets
from contextlib import asynccontextmanager
from pathlib import Path

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from burdenshare.web.db import Database, sqlite_url
from burdenshare.web.games import Store
from burdenshare.web.jobs import Jobs
from burdenshare.web.security import BodyLimit, SecurityHeaders

HERE = Path(__file__).parent
log = logging.getLogger("burdenshare.web")


def default_data_dir() -> Path:
    return Path(os.environ.get("BURDENSHARE_DATA", "burdenshare-data"))


def _secret(data_dir: Path) -> bytes:
    """The app's CSRF key: kept in the data folder so forms survive a restart."""
    path = data_dir / "secret.key"
    if path.exists():
        return bytes.fromhex(path.read_text().strip())
    key = secrets.token_bytes(32)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(key.hex())
    os.chmod(tmp, 0o600)
    tmp.replace(path)
    return key


def create_app(
    database_url: str | None = None,
    *,
    data_dir: str | Path | None = None,
    secret: bytes | None = None,
    workers: int = 1,
) -> FastAPI:
    """The web app over ``database_url`` (default: SQLite in ``data_dir``)."""
    data = Path(data_dir) if data_dir is not None else default_data_dir()
    data.mkdir(parents=True, exist_ok=True)
    db = Database(database_url or sqlite_url(data))
    store = Store(db)
    jobs = Jobs(db, data, workers=workers)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        jobs.resume()
        yield
        jobs.shutdown()
        db.dispose()

    app = FastAPI(
        title="burdenshare",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.db = db
    app.state.store = store
    app.state.jobs = jobs
    app.state.data_dir = data
    app.state.secret = secret or _secret(data)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=jinja2.select_autoescape(["html"]),
    )
    app.state.templates = Jinja2Templates(env=env)
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    from burdenshare.web import api, views

    app.include_router(api.router)
    app.include_router(views.router)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):  # type: ignore[no-untyped-def]
        if request.url.path.startswith("/api/"):
            return JSONResponse(
                {"error": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        return views.error_page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):  # type: ignore[no-untyped-def]
        msgs = [
            f"{'.'.join(str(x) for x in e.get('loc', ())[1:])}: {e.get('msg')}"
            for e in exc.errors()
        ]
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "invalid request", "problems": msgs}, status_code=422)
        return views.error_page(request, 422, "; ".join(msgs))

    return app
