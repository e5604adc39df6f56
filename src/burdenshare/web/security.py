"""Tokens, CSRF and response headers.

- Seat and instructor tokens: ``secrets.token_urlsafe(24)`` (192 random bits). The database keeps
  only their SHA-256 digests; a request's token is hashed and the digest compared with
  ``hmac.compare_digest``. A wrong, old or other game's token gets 403 and changes nothing.
- ``/join/<token>`` stores the token in an HttpOnly, SameSite=Lax cookie named for the game and
  redirects to a URL without it; ``Referrer-Policy: no-referrer`` keeps the token out of
  referrers.
- CSRF: every form carries ``csrf = HMAC(app secret, token digest)``; a cookie-authenticated
  POST (form or the pages' scripts, header ``X-CSRF-Token``) without the right value gets 403.
  Requests with ``Authorization: Bearer`` carry no cookie and need no CSRF value.
- Headers on every response: a Content-Security-Policy that allows scripts only from the app
  (no inline scripts), ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY`` with
  ``frame-ancestors 'none'``, no referrer, and ``Cache-Control: no-store`` on pages.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CSP",
    "SecurityHeaders",
    "csrf_for",
    "csrf_ok",
    "digest",
    "new_id",
    "new_token",
    "same",
]

TOKEN_BYTES = 24  # 192 bits
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
REPORT_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_id() -> str:
    """Public identifier of a game, classroom or run (not a credential)."""
    return secrets.token_urlsafe(9)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def csrf_for(secret: bytes, token_digest: str) -> str:
    return hmac.new(secret, b"csrf:" + token_digest.encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret: bytes, token_digest: str, value: str | None) -> bool:
    return bool(value) and same(csrf_for(secret, token_digest), str(value))


class SecurityHeaders:
    """ASGI middleware adding the headers above to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "content-security-policy" not in headers:
                    headers["Content-Security-Policy"] = CSP
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "no-referrer"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                if not static and "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """ASGI middleware: a request body larger than ``limit`` bytes gets 413, whether it says its
    length (refused before reading) or streams it in chunks (refused when the count passes)."""

    def __init__(self, app: ASGIApp, limit: int = 1_100_000) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await _too_large(send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise HTTPException(413, "request too large: an upload may be at most 1 MB")
            return message

        await self.app(scope, counted, send)


async def _too_large(send: Send) -> None:
    body = b"request too large: an upload may be at most 1 MB"
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"content-security-policy", CSP.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
