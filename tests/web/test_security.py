"""Tokens, CSRF, security headers, uploads, and no path from user input to the file system."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

OFFER = {"contribution": 1_300_000_000_000, "duration": 3, "new_category": False}


def game(client, seats=None):
    r = client.post(
        "/api/games",
        json={"scenario": "sma-2019", "seats": seats or {"us": "human", "rok": "human"}},
    )
    assert r.status_code == 201
    return r.json()


def moves_in_db(app, game_id):
    return app.state.store.game(game_id)[1]


def test_tokens_are_long_random_and_stored_hashed(client, app):
    tokens = [game(client)["seats"]["us"]["token"] for _ in range(5)]
    assert len(set(tokens)) == 5
    assert all(len(t) >= 32 for t in tokens)  # 24 bytes = 192 bits
    from sqlalchemy import select

    from burdenshare.web.db import tokens as table

    with app.state.db.read() as c:
        stored = {r.digest for r in c.execute(select(table.c.digest))}
    assert not set(tokens) & stored and all(len(d) == 64 for d in stored)


def test_wrong_other_and_old_tokens_get_403_and_change_nothing(client, app):
    a, b = game(client), game(client)
    finished = game(client, {"us": "human", "rok": "agent:boulware"})
    ft = finished["seats"]["us"]["token"]
    client.post(
        f"/api/games/{finished['game_id']}/walk-out", headers={"Authorization": f"Bearer {ft}"}
    )
    gid = a["game_id"]
    wrong = [
        "nope",
        a["seats"]["us"]["token"][:-1] + ("A" if a["seats"]["us"]["token"][-1] != "A" else "B"),
        b["seats"]["us"]["token"],  # another game's seat
        ft,  # an old token: a finished game's seat
        "",
    ]
    for token in wrong:
        h = {"Authorization": f"Bearer {token}"}
        for method, path, body in [
            ("GET", "", None),
            ("POST", "/offer", {"offer": OFFER}),
            ("POST", "/accept", None),
            ("POST", "/walk-out", None),
        ]:
            r = client.request(method, f"/api/games/{gid}{path}", headers=h, json=body)
            assert r.status_code == 403, (token, path, r.text)
            assert "brief" not in r.text
    assert moves_in_db(app, gid) == []
    assert client.get(f"/api/games/{gid}").status_code == 403  # no token at all
    assert client.get(f"/games/{gid}").status_code == 403
    assert client.get("/join/not-a-token", follow_redirects=False).status_code == 403
    # an unknown game id is the same 403 (no hint whether a game exists)
    r = client.get(
        "/api/games/zzz", headers={"Authorization": f"Bearer {b['seats']['us']['token']}"}
    )
    assert r.status_code == 403


def test_join_sets_httponly_cookie_and_redirects_without_the_token(sqlite_client):
    client = sqlite_client
    g = game(client)
    token = g["seats"]["us"]["token"]
    r = client.get(f"/join/{token}", follow_redirects=False)
    assert r.status_code == 303
    assert token not in r.headers["location"]
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    page = client.get(r.headers["location"])
    assert page.status_code == 200 and token not in page.text


def test_csrf_on_forms_and_cookie_api_calls(sqlite_client):
    client = sqlite_client
    g = game(client)
    gid, token = g["game_id"], g["seats"]["us"]["token"]
    client.get(f"/join/{token}")
    html = client.get(f"/games/{gid}").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
    data = {
        "action": "offer",
        "issue_contribution": "1300000000000",
        "issue_duration": "3",
        "issue_new_category": "false",
    }
    assert client.post(f"/games/{gid}/move", data=data).status_code == 403  # no csrf
    bad = {**data, "csrf": "0" * 64}
    assert client.post(f"/games/{gid}/move", data=bad).status_code == 403
    # the cookie-authenticated API needs the header; Bearer needs none
    r = client.post(f"/api/games/{gid}/offer", json={"offer": OFFER})
    assert r.status_code == 403
    # another browser (other CSRF cookie) cannot reuse this page's value
    other = TestClient(client.app)
    other.get(f"/join/{token}")
    other.get("/")
    assert other.post(f"/games/{gid}/move", data={**data, "csrf": csrf}).status_code == 403
    assert client.app.state.store.game(gid)[1] == []
    ok = client.post(f"/games/{gid}/move", data={**data, "csrf": csrf}, follow_redirects=False)
    assert ok.status_code == 303
    assert len(client.app.state.store.game(gid)[1]) == 1
    for path in ("/play", "/classroom", "/explore"):
        assert client.post(path, data={"scenario": "sma-2019"}).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/explore",
        "/play",
        "/classroom",
        "/api/strategies",
        "/static/app.css",
        "/nope",
        "/api/games/x",
    ],
)
def test_security_headers(sqlite_client, path):
    r = sqlite_client.get(path)
    csp = r.headers["content-security-policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "no-referrer"


def test_pages_have_no_inline_scripts(sqlite_client):
    client = sqlite_client
    g = game(client)
    client.get(f"/join/{g['seats']['us']['token']}")
    for path in ("/", "/explore", "/play", "/classroom", f"/games/{g['game_id']}"):
        html = client.get(path).text
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert 'src="/static/' in tag or 'type="application/json"' in tag, (path, tag)
        assert " on" not in " ".join(re.findall(r"<[a-z]+ [^>]*\bon[a-z]+=", html))


def _explore_form(client):
    html = client.get("/explore").text
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_upload_limits_and_errors_beside_the_field(sqlite_client):
    client = sqlite_client
    csrf = _explore_form(client)
    big = b"# " + b"x" * 1_000_001
    r = client.post(
        "/explore",
        data={"csrf": csrf, "scenario": "sma-2019"},
        files={"upload": ("big.toml", big, "text/plain")},
    )
    assert r.status_code in (400, 413)
    assert "1 MB" in r.text
    # malformed TOML: the CLI's one-line message, next to the upload field
    r = client.post(
        "/explore",
        data={"csrf": csrf, "scenario": "sma-2019"},
        files={"upload": ("bad.toml", b"[meta\ntitle = 1", "text/plain")},
    )
    assert r.status_code == 400
    block = re.search(r'id="upload".*?</div>', r.text, re.S).group(0)
    assert "field-error" in block and "upload.toml" in block and "TOML" in block
    # TOML is data: nothing in it is executed or opened (an include-like key is just invalid)
    r = client.post(
        "/explore",
        data={"csrf": csrf, "scenario": "sma-2019"},
        files={"upload": ("x.toml", b'[meta]\nid = "../../etc/passwd"\n', "text/plain")},
    )
    assert r.status_code == 400


def test_bodies_over_the_limit_are_refused(sqlite_client):
    client = sqlite_client
    csrf = _explore_form(client)
    big = b"x" * 3_000_000
    r = client.post(
        "/explore", content=big, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert r.status_code == 413

    def chunks():  # no Content-Length: the body is counted as it streams
        for _ in range(30):
            yield b"y" * 100_000

    r = client.post(
        "/explore",
        content=chunks(),
        headers={"content-type": "multipart/form-data; boundary=zz", "x-csrf": csrf},
    )
    assert r.status_code == 413
    r = client.post("/api/games", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_bad_input_shown_beside_its_field(sqlite_client):
    client = sqlite_client
    csrf = _explore_form(client)
    r = client.post(
        "/explore",
        data={"csrf": csrf, "scenario": "sma-2019", "uncertainty.draws": "many"},
    )
    assert r.status_code == 400
    assert "uncertainty.draws: expected a number (found many)" in r.text.replace("&#39;", "'")


def test_no_path_from_user_input(sqlite_client):
    client = sqlite_client
    for path in (
        "/runs/..%2F..%2Fetc%2Fpasswd",
        "/runs/x/report.html",
        "/runs/x/csv/..%2Fa.csv",
        "/static/..%2Fapp.py",
        "/explore?scenario=..%2F..%2Fetc%2Fpasswd",
    ):
        r = client.get(path)
        assert "root:" not in r.text and "import" not in r.text[:200], path
        assert r.status_code in (200, 404), (path, r.status_code)
