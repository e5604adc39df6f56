"""The JSON API: games from creation to debrief, errors, classrooms, explorer runs."""

from __future__ import annotations

import csv
import io
import time

import pytest

OFFER = {"contribution": 1_300_000_000_000, "duration": 3, "new_category": False}


def new_game(client, seats, **extra):
    r = client.post("/api/games", json={"scenario": "sma-2019", "seats": seats, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_create_returns_seat_tokens_and_join_urls(client):
    g = new_game(client, {"us": "human", "rok": "agent:boulware"})
    assert set(g) == {"game_id", "seats"}
    assert set(g["seats"]) == {"us"}  # agents need no token
    seat = g["seats"]["us"]
    assert len(seat["token"]) >= 32  # 24 random bytes, URL-safe base64
    assert seat["join_url"].endswith("/join/" + seat["token"])


def test_human_vs_agent_game_to_the_end(client):
    g = new_game(client, {"us": "human", "rok": "agent:linear"}, rounds=8)
    gid, h = g["game_id"], bearer(g["seats"]["us"]["token"])
    state = client.get(f"/api/games/{gid}", headers=h).json()
    assert state["you"] == "us" and state["your_turn"] and state["status"] == "running"
    assert state["round"] == 1 and state["rounds"] == 8
    assert "brief" in state and "debrief" not in state
    amount = 1_500_000_000_000
    for _ in range(8):
        if state["over"]:
            break
        offer = {**OFFER, "contribution": amount}
        r = client.post(f"/api/games/{gid}/offer", headers=h, json={"offer": offer})
        assert r.status_code == 200, r.text
        state = r.json()
        amount -= 50_000_000_000
    # every move is in the history, agents' replies included, turns in order
    turns = [e["turn"] for e in state["history"] if e["action"] in ("offer", "accept", "walk-out")]
    assert turns == list(range(len(turns)))
    assert state["over"]
    assert state["debrief"]["briefs"].keys() == {"us", "rok"}
    labels = [r["label"] for r in state["debrief"]["rows"]]
    assert labels[0] == "Your game" and "Nash bargaining solution" in labels
    assert "Kalai–Smorodinsky solution" in labels
    # what the model's agents did: both seats, and the person's seat against the same agent
    assert state["debrief"]["model"]["status"] in ("agreed", "walked-out", "timedout")
    [seat] = state["debrief"]["in_seat"]
    assert seat["label"] == "United States played by boulware against the same linear"


def test_accept_and_walk_out(client):
    g = new_game(client, {"us": "human", "rok": "agent:conceder"})
    gid, h = g["game_id"], bearer(g["seats"]["us"]["token"])
    r = client.post(f"/api/games/{gid}/accept", headers=h)
    assert r.status_code == 400
    assert r.json()["error"] == "accept: there is no offer on the table to accept"
    client.post(f"/api/games/{gid}/offer", headers=h, json={"offer": OFFER})
    r = client.post(f"/api/games/{gid}/walk-out", headers=h)
    assert r.status_code == 200
    s = r.json()
    assert s["status"] == "walked-out" and s["result"]["ended_by"] == "us"
    r = client.post(f"/api/games/{gid}/offer", headers=h, json={"offer": OFFER})
    assert r.status_code == 409 and "over" in r.json()["error"]


def test_two_humans_take_turns(client):
    g = new_game(client, {"us": "human", "rok": "human"})
    gid = g["game_id"]
    us, rok = bearer(g["seats"]["us"]["token"]), bearer(g["seats"]["rok"]["token"])
    r = client.post(f"/api/games/{gid}/offer", headers=rok, json={"offer": OFFER})
    assert r.status_code == 409 and "not your turn" in r.json()["error"]
    assert (
        client.post(f"/api/games/{gid}/offer", headers=us, json={"offer": OFFER}).status_code == 200
    )
    s = client.get(f"/api/games/{gid}", headers=rok).json()
    assert s["your_turn"] and s["table"]["by"] == "us"
    assert s["table"]["text"] == "contribution 1,298.9 bn KRW; duration 3 years; new category no"
    r = client.post(f"/api/games/{gid}/accept", headers=rok)
    assert r.status_code == 200
    s = r.json()
    # the President's floor (1,200 bn) is below the amount: both ratifiers accept? The ROK
    # Assembly's red line (1,142.8 bn) is not: the deal is voided and the talks go on
    kinds = [e["action"] for e in s["history"]]
    assert kinds[:3] == ["offer", "accept", "voided"]
    assert s["history"][2]["rejected_by"] == ["National Assembly (Republic of Korea)"]
    assert s["status"] == "running" and s["to_move"] == "us"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"scenario": "nope", "seats": {"us": "human", "rok": "human"}}, "unknown scenario 'nope'"),
        ({"scenario": "../../etc/passwd", "seats": {"us": "human"}}, "unknown scenario"),
        ({"scenario": "sma-2019", "seats": {"us": "human"}}, "no seat for 'rok'"),
        ({"scenario": "sma-2019", "seats": {"us": "human", "rok": "agent:x"}}, "must be 'human'"),
        ({"scenario": "sma-2019", "seats": {"us": "human", "rok": "human"}, "rounds": 0}, "rounds"),
    ],
)
def test_create_errors_are_one_line(client, body, message):
    r = client.post("/api/games", json=body)
    assert r.status_code == 400
    assert message in r.json()["error"]
    assert "\n" not in r.json()["error"]


def test_bad_offers(client):
    g = new_game(client, {"us": "human", "rok": "agent:boulware"})
    gid, h = g["game_id"], bearer(g["seats"]["us"]["token"])
    for offer, words in [
        ({"contribution": 1e9}, "no value for issue 'duration'"),
        ({**OFFER, "contribution": "lots"}, "expected a number"),
        ({**OFFER, "contribution": 1e15}, "value out of range"),
        ({**OFFER, "colour": 1}, "unknown issue 'colour'"),
    ]:
        r = client.post(f"/api/games/{gid}/offer", headers=h, json={"offer": offer})
        assert r.status_code == 400 and words in r.json()["error"], r.text
    assert client.get(f"/api/games/{gid}", headers=h).json()["history"] == []


def test_scenario_overrides_shape_the_briefs(client):
    g = new_game(
        client,
        {"us": "human", "rok": "agent:boulware"},
        set={"preferences.us.reservation.contribution": 1_111_100_000_000},
    )
    s = client.get(f"/api/games/{g['game_id']}", headers=bearer(g["seats"]["us"]["token"])).json()
    assert s["brief"]["red_lines"]["contribution"] == "1,111.1 bn KRW"
    r = client.post(
        "/api/games",
        json={"scenario": "sma-2019", "seats": {"us": "human", "rok": "human"}, "set": {"x.y": 1}},
    )
    assert r.status_code == 400 and "no field 'x'" in r.json()["error"]


def test_game_from_an_uploaded_scenario(client):
    from burdenshare.scenario.bundled import bundled_path

    text = bundled_path("sma-2019").read_text(encoding="utf-8")
    text = text.replace('title = "11th SMA talks', 'title = "Class variant: 11th SMA talks', 1)
    r = client.post("/api/games", json={"toml": text, "seats": {"us": "human", "rok": "human"}})
    assert r.status_code == 201, r.text
    g = r.json()
    s = client.get(f"/api/games/{g['game_id']}", headers=bearer(g["seats"]["us"]["token"])).json()
    assert s["public"]["title"].startswith("Class variant")
    bad = client.post("/api/games", json={"toml": "[meta", "seats": {"us": "human"}})
    assert bad.status_code == 400 and "TOML" in bad.json()["error"]


def test_classroom(client):
    r = client.post(
        "/api/classrooms",
        json={"scenario": "sma-2019", "seats": {"us": "human", "rok": "agent:linear"}, "games": 3},
    )
    assert r.status_code == 201, r.text
    room = r.json()
    assert len(room["games"]) == 3
    cid, h = room["classroom_id"], bearer(room["instructor_token"])
    first = room["games"][0]
    gh = bearer(first["seats"]["us"]["token"])
    client.post(f"/api/games/{first['game_id']}/walk-out", headers=gh)
    d = client.get(f"/api/classrooms/{cid}", headers=h).json()
    assert d["counts"]["running"] == 2 and d["deadlocks"] == 1
    # seat tokens of another game or a seat token do not open the dashboard
    assert client.get(f"/api/classrooms/{cid}", headers=gh).status_code == 403
    # the instructor can list the seat links again (CSV) and export every move
    client.cookies.clear()
    client.get(room["dashboard_url"], follow_redirects=False)
    links = list(csv.DictReader(io.StringIO(client.get(f"/classrooms/{cid}/links.csv").text)))
    assert [row["join_url"] for row in links] == [
        g["seats"]["us"]["join_url"] for g in room["games"]
    ]
    moves = list(csv.DictReader(io.StringIO(client.get(f"/classrooms/{cid}/moves.csv").text)))
    assert any(m["action"] == "walk-out" for m in moves)
    games = client.get(f"/classrooms/{cid}/games.csv").text
    assert games.count("walked-out") == 1
    db = client.get(f"/classrooms/{cid}/export.duckdb")
    assert db.status_code == 200 and len(db.content) > 1000


def test_agent_vs_agent_game_is_over_at_creation(client):
    r = client.post(
        "/api/games",
        json={"scenario": "sma-2019", "seats": {"us": "agent:boulware", "rok": "agent:linear"}},
    )
    assert r.status_code == 201 and r.json()["seats"] == {}


def test_explorer_run_in_the_background(client):
    body = {
        "scenario": "sma-2019",
        "set": {
            "uncertainty.draws": 300,
            "schedules.us_demand.first_year_total": 3_000_000_000,
            "actors.noise.runs": 10,  # any dotted path may be set through the API
        },
    }
    r = client.post("/api/runs", json=body)
    assert r.status_code == 202, r.text
    run_id = r.json()["run_id"]
    deadline = time.time() + 120
    while time.time() < deadline:
        s = client.get(f"/api/runs/{run_id}").json()
        if s["status"] in ("done", "failed"):
            break
        assert 0 <= s["progress"] <= 1
        time.sleep(0.5)
    assert s["status"] == "done", s
    assert s["result"]["headline"]
    assert len(s["result"]["curve"]["dates"]) == len(s["result"]["curve"]["p"])
    assert s["inputs"]["uncertainty.draws"] == 300 and s["inputs"]["actors.noise.runs"] == 10
    assert s["store_run_id"]
    page = client.get(f"/runs/{run_id}")
    assert page.status_code == 200 and "Bottom line" in page.text
    for path in ("report.html", "results.duckdb", f"csv/{s['tables'][0]}.csv"):
        assert client.get(f"/runs/{run_id}/{path}").status_code == 200, path
    assert client.get(f"/runs/{run_id}/csv/..%2Fsecret.csv").status_code == 404
    # the run is in the DuckDB store the CLI reads
    from burdenshare.store import list_runs

    store = client.app.state.data_dir / "results.duckdb"
    runs = list_runs(store)
    assert s["store_run_id"] in set(runs["run_id"]) and "web-analyze" in set(runs["kind"])
    compare = client.get(f"/compare?a={run_id}&b={run_id}")
    assert compare.status_code == 200 and compare.text.count("P(ratified deal) by") == 2
    # an input the scenario refuses comes back at once, as one line
    bad = client.post("/api/runs", json={"scenario": "sma-2019", "set": {"uncertainty.draws": -5}})
    assert bad.status_code == 400 and "uncertainty.draws" in bad.json()["error"]
