"""Private stays private: until a game ends, nothing one seat receives — pages, JSON, error
messages, redirects, cookies, log lines — contains the other seat's private values (red lines,
ratifier limit, weights, no-deal value, brief text), in any format the app writes numbers in.

The scenario is set so that every secret is a distinctive number that no public figure or grid
value shares (the role-play's outcome grid has no knots at private values). The pages poll the
JSON API instead of an event stream, so the JSON responses are the stream.
"""

from __future__ import annotations

import json
import logging
import re

import pytest
from fastapi.testclient import TestClient

SECRETS = {
    "preferences.us.reservation.contribution": 1_127_300_000_000,
    "parties.us.ratifier.limits.contribution": 1_213_700_000_000,
    "preferences.us.weights": {"contribution": 0.5737, "new_category": 0.2611, "duration": 0.1652},
    "preferences.us.reservation_value": 0.0537,
    "preferences.us.note": "Confidential to Washington: quietly accept anything above the floor.",
    "preferences.rok.reservation.contribution": 1_146_900_000_000,
    "preferences.rok.weights": {"contribution": 0.7713, "duration": 0.2287},
    "preferences.rok.reservation_value": 0.1189,
    "preferences.rok.note": "Confidential to Seoul: the Assembly leadership will not budge.",
}


OWN_SCORE = re.compile(
    r'"your_score(?:_words)?":\s*"?-?[0-9.]+"?|Your score for it: <strong>-?[0-9.]+</strong>'
    r"|\(your score: -?[0-9.]+\)"
)


def formats(x: float) -> set[str]:
    """Every way the app (or Python) might write ``x``."""
    out = {repr(x), str(x), f"{x:g}", f"{x:.6g}", f"{x:.4g}", f"{x:.3f}"}
    if x >= 1e6:
        out |= {
            str(int(x)),
            f"{int(x):,}",
            f"{int(x):_}",
            f"{x / 1e9:,.1f}",
            f"{x / 1e9:.1f}",
            f"{x / 1e9:,.2f}",
            f"{x:.6e}",
            f"{x:e}",
            f"{x / 1e12:.4f}",
        }
    else:
        out |= {f"{100 * x:.0f}%", f"{100 * x:.1f}%", f"{x:.2f}", f"{x:.3f}", f"{x:.4f}"}
    return out


def private(party: str) -> set[str]:
    """The party's secret values, formatted every way."""
    out: set[str] = set()
    for path, value in SECRETS.items():
        if f".{party}." not in f".{path}.":
            continue
        if isinstance(value, dict):
            total = sum(value.values())
            for w in value.values():
                out |= formats(w) | formats(w / total)
        elif isinstance(value, str):
            out.add(value)
            out.add(value[:40])
        else:
            out |= formats(float(value))
    return out


class Seat:
    """One browser: its own cookies; records every response it receives while the game runs."""

    def __init__(self, app, game_id: str, token: str, party: str):
        self.client = TestClient(app)
        self.game_id, self.token, self.party = game_id, token, party
        self.seen: list[str] = []
        self.store = app.state.store

    def record(self, r) -> None:
        _, _, state = self.store.state(self.game_id)
        if state.over:
            return  # the debrief shows both briefs once the game is over
        self.seen.append(r.text)
        self.seen.append(json.dumps(dict(r.headers)))
        for h in r.history:
            self.seen.append(json.dumps(dict(h.headers)) + h.text)

    def join(self):
        r = self.client.get(f"/join/{self.token}")
        self.record(r)
        return r

    def api(self, method: str, path: str, **kw):
        headers = {"Authorization": f"Bearer {self.token}"}
        r = self.client.request(method, f"/api/games/{self.game_id}{path}", headers=headers, **kw)
        self.record(r)
        return r

    def page(self):
        r = self.client.get(f"/games/{self.game_id}")
        self.record(r)
        return r

    def form_move(self, action: str, offer: dict | None = None):
        html = self.client.get(f"/games/{self.game_id}").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
        data = {"csrf": csrf, "action": action}
        for k, v in (offer or {}).items():
            data[f"issue_{k}"] = str(v).lower() if isinstance(v, bool) else str(v)
        r = self.client.post(f"/games/{self.game_id}/move", data=data)
        self.record(r)
        return r


def offer(amount: float, years: int = 3) -> dict:
    return {"contribution": amount, "duration": years, "new_category": False}


def play_out(seats: dict[str, Seat], humans: list[str]) -> None:
    """Both humans play until the game ends: offers that converge, then acceptance, with
    mistakes on the way (out of turn, bad values, nothing to accept)."""
    for s in seats.values():
        s.join()
        s.page()
    us_amount, rok_amount = 1_400_000_000_000, 1_040_000_000_000
    for k in range(40):
        state = next(iter(seats.values())).api("GET", "").json()
        if state.get("over") or state.get("status", "running") != "running":
            return
        mover = state["to_move"]
        other = next((p for p in humans if p != mover), None)
        if other:  # the waiting seat tries to move and reads the error
            seats[other].api("POST", "/offer", json={"offer": offer(1.2e12)})
            seats[other].page()
        s = seats[mover]
        s.api("POST", "/offer", json={"offer": {"contribution": "??", "duration": 2}})
        s.api("POST", "/offer", json={"offer": offer(9e15)})
        s.form_move("accept") if state["table"] is None else None
        amount = us_amount if mover == "us" else rok_amount
        if k >= 10 and state["table"] is not None:
            s.form_move("accept")
        elif k % 2:
            s.form_move("offer", offer(amount))
        else:
            s.api("POST", "/offer", json={"offer": offer(amount)})
        after = s.api("GET", "").json()
        if after.get("status") == "running" and len(after["history"]) == len(state["history"]):
            # the package was voided earlier and is off the agenda: accept or leave instead
            s.api("POST", "/accept" if after["table"] else "/walk-out")
        us_amount -= 30_000_000_000
        rok_amount += 12_000_000_000


@pytest.mark.parametrize(
    "seats",
    [
        {"us": "human", "rok": "human"},
        {"us": "human", "rok": "agent:tit-for-tat"},
        {"us": "agent:boulware", "rok": "human"},
    ],
    ids=["two-humans", "us-vs-agent", "rok-vs-agent"],
)
def test_no_seat_sees_the_other_seats_secrets(app, seats, caplog):
    caplog.set_level(logging.DEBUG)
    with TestClient(app) as c:
        r = c.post(
            "/api/games",
            json={"scenario": "sma-2019", "seats": seats, "rounds": 8, "set": SECRETS},
        )
        assert r.status_code == 201, r.text
        g = r.json()
    humans = list(g["seats"])
    players = {p: Seat(app, g["game_id"], g["seats"][p]["token"], p) for p in humans}
    play_out(players, humans)
    _, _, state = app.state.store.state(g["game_id"])
    assert state.over  # the whole game was played
    assert state.events, "no moves were played"
    for party, seat in players.items():
        other = "rok" if party == "us" else "us"
        text = "\n".join(seat.seen)
        assert len(seat.seen) > 20
        # the seat does see its own secrets (so the search would find them)...
        mine = [v for v in private(party) if v in text]
        assert mine, f"{party} never saw its own brief"
        # ...and never the other seat's
        # the seat's own scores (two decimals) are its own numbers; a coincidence with the other
        # seat's no-deal value is no leak, so they are cut out before the search
        text = OWN_SCORE.sub("<own score>", text)
        leaks = sorted(v for v in private(other) if v in text)
        assert leaks == [], f"{party} saw {other}'s private values: {leaks}"
        logs = caplog.text
        assert not [v for v in private(other) | private(party) if v in logs]
    # after the game, the debrief shows both briefs to both seats
    last = (
        players[humans[0]]
        .client.get(
            f"/api/games/{g['game_id']}",
            headers={"Authorization": f"Bearer {g['seats'][humans[0]]['token']}"},
        )
        .json()
    )
    assert set(last["debrief"]["briefs"]) == {"us", "rok"}
