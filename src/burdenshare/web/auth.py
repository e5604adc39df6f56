"""Who is asking: a seat (Bearer token or the game's cookie) or an instructor; CSRF checks."""

from __future__ import annotations

from fastapi import HTTPException, Request

from burdenshare.web.games import Forbidden, Store
from burdenshare.web.security import csrf_for, csrf_ok, new_token

CSRF_COOKIE = "bs_csrf"


def seat_cookie(game_id: str) -> str:
    return f"bs_seat_{game_id}"


def teach_cookie(classroom_id: str) -> str:
    return f"bs_teach_{classroom_id}"


def store(request: Request) -> Store:
    return request.app.state.store


def bearer(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    if value[:7].lower() == "bearer ":
        return value[7:].strip() or None
    return None


def forbidden() -> HTTPException:
    return HTTPException(403, "forbidden: this link or token does not open this game")


def seat(request: Request, game_id: str, *, unsafe: bool = False) -> tuple[str, str]:
    """(party, token) of the caller in ``game_id``; 403 otherwise. ``unsafe`` (a state change
    authenticated by cookie) also needs the CSRF value (form field or ``X-CSRF-Token``)."""
    token = bearer(request)
    by_cookie = token is None
    if by_cookie:
        token = request.cookies.get(seat_cookie(game_id))
    try:
        party = store(request).seat_for(game_id, token)
    except Forbidden:
        raise forbidden() from None
    if unsafe and by_cookie:
        check_csrf(request, request.headers.get("x-csrf-token"))
    return party, str(token)


def instructor(request: Request, classroom_id: str) -> str:
    token = bearer(request) or request.cookies.get(teach_cookie(classroom_id))
    try:
        store(request).instructor_for(classroom_id, token)
    except Forbidden:
        raise forbidden() from None
    return str(token)


def csrf_session(request: Request) -> tuple[str, bool]:
    """The browser's CSRF cookie value (a new one when missing) and whether it is new."""
    value = request.cookies.get(CSRF_COOKIE)
    if value and 20 <= len(value) <= 64:
        return value, False
    return new_token(), True


def csrf_token(request: Request) -> str:
    value = getattr(request.state, "csrf_cookie", None)
    if value is None:
        value, fresh = csrf_session(request)
        request.state.csrf_cookie = value
        request.state.csrf_fresh = fresh
    return csrf_for(request.app.state.secret, value)


def check_csrf(request: Request, value: str | None) -> None:
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie or not csrf_ok(request.app.state.secret, cookie, value):
        raise HTTPException(403, "forbidden: the form has expired or did not come from this site")
