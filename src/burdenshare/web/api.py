"""The JSON API (documented in docs/web.md). Seats authenticate with ``Authorization: Bearer``
(or the game's cookie plus ``X-CSRF-Token``, as the pages' scripts do)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Body, HTTPException, Request
from fastapi.responses import JSONResponse

from burdenshare.web import auth, services
from burdenshare.web.games import Conflict, GameRow, NotFound
from burdenshare.web.present import game_view

router = APIRouter(prefix="/api")

MAX_GAMES = 200


def problem_response(exc: services.BurdenshareError, status: int = 400) -> JSONResponse:
    lines = services.problems(exc)
    return JSONResponse({"error": lines[0] if lines else "invalid", "problems": lines}, status)


def join_url(request: Request, token: str) -> str:
    return str(request.url_for("join", token=token))


@router.get("/scenarios")
def scenarios() -> dict[str, Any]:
    return {"scenarios": [{"name": n, "title": t} for n, t in services.bundled()]}


@router.get("/strategies")
def strategies() -> dict[str, Any]:
    return {"strategies": services.strategies()}


def _body_game(body: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise services.BurdenshareError([services.Problem("expected a JSON object")])
    seats = body.get("seats")
    if not isinstance(seats, dict) or not all(isinstance(v, str) for v in seats.values()):
        raise services.BurdenshareError(
            [services.Problem("seats must map each party to 'human' or 'agent:<strategy>'")]
        )
    rounds = body.get("rounds")
    overrides = body.get("set") or {}
    if not isinstance(overrides, dict):
        raise services.BurdenshareError([services.Problem("'set' must be a table", path="set")])
    if rounds is not None and not isinstance(rounds, int):
        raise services.BurdenshareError([services.Problem("rounds must be a whole number")])
    seed = body.get("seed", 0)
    if not isinstance(seed, int) or not 0 <= seed < 2**32:
        raise services.BurdenshareError([services.Problem("seed must be 0 to 2^32 - 1")])
    toml = body.get("toml")
    if toml is not None and not isinstance(toml, str):
        raise services.BurdenshareError([services.Problem("'toml' must be the scenario's text")])
    return {
        "scenario": "upload" if toml is not None else str(body.get("scenario", "")),
        "toml": toml,
        "seats": seats,
        "rounds": rounds,
        "overrides": overrides,
        "seed": seed,
    }


@router.post("/games", status_code=201)
def create_game(request: Request, body: dict[str, Any] = Body(...)) -> Any:  # noqa: B008
    try:
        args = _body_game(body)
        game_id, tokens = auth.store(request).create_game(
            args["scenario"],
            args["seats"],
            rounds=args["rounds"],
            seed=args["seed"],
            overrides=args["overrides"],
            scenario_toml=args["toml"],
        )
    except services.BurdenshareError as exc:
        return problem_response(exc)
    return JSONResponse(
        {
            "game_id": game_id,
            "seats": {p: {"token": t, "join_url": join_url(request, t)} for p, t in tokens.items()},
        },
        status_code=201,
    )


def _state(request: Request, game_id: str, party: str) -> dict[str, Any]:
    try:
        row, setup, state = auth.store(request).state(game_id)
    except NotFound:
        raise auth.forbidden() from None
    return JSONResponse(game_view(game_id, row, setup, state, party))


@router.get("/games/{game_id}")
def get_game(request: Request, game_id: str) -> Any:
    party, _ = auth.seat(request, game_id)
    return _state(request, game_id, party)


def _act(request: Request, game_id: str, action: str, values: Any = None) -> Any:
    party, _ = auth.seat(request, game_id, unsafe=True)
    try:
        row, setup, state = auth.store(request).act(game_id, party, action, values)
    except NotFound:
        raise auth.forbidden() from None
    except Conflict:
        return JSONResponse(
            {"error": "another move was recorded for this turn first; reload the game"}, 409
        )
    except services.MoveError as exc:
        lines = services.problems(exc)
        status = 409 if any("not your turn" in x or "is over" in x for x in lines) else 400
        return problem_response(exc, status)
    return JSONResponse(game_view(game_id, row, setup, state, party))


@router.post("/games/{game_id}/offer")
def offer(request: Request, game_id: str, body: dict[str, Any] = Body(...)) -> Any:  # noqa: B008
    values = body.get("offer") if isinstance(body, dict) else None
    return _act(request, game_id, "offer", values)


@router.post("/games/{game_id}/accept")
def accept(request: Request, game_id: str) -> Any:
    return _act(request, game_id, "accept")


@router.post("/games/{game_id}/walk-out")
def walk_out(request: Request, game_id: str) -> Any:
    return _act(request, game_id, "walk-out")


# --------------------------------------------------------------------------- classrooms
@router.post("/classrooms", status_code=201)
def create_classroom(request: Request, body: dict[str, Any] = Body(...)) -> Any:  # noqa: B008
    try:
        args = _body_game(body)
        n = body.get("games")
        if not isinstance(n, int) or not 1 <= n <= MAX_GAMES:
            raise services.BurdenshareError(
                [services.Problem("games must be a whole number", expected=f"1 to {MAX_GAMES}")]
            )
        cid, instructor, made = auth.store(request).create_classroom(
            args["scenario"],
            args["seats"],
            n,
            rounds=args["rounds"],
            title=str(body.get("title", ""))[:200],
            overrides=args["overrides"],
        )
    except services.BurdenshareError as exc:
        return problem_response(exc)
    return JSONResponse(
        {
            "classroom_id": cid,
            "instructor_token": instructor,
            "dashboard_url": str(request.url_for("teach", token=instructor)),
            "games": [
                {
                    "game_id": gid,
                    "seats": {
                        p: {"token": t, "join_url": join_url(request, t)} for p, t in toks.items()
                    },
                }
                for gid, toks in made
            ],
        },
        status_code=201,
    )


def _typed(value: str) -> Any:
    """A stored package value back to a number or a boolean, for formatting."""
    if value in ("true", "false"):
        return value == "true"
    try:
        return float(value)
    except ValueError:
        return value


def dashboard(request: Request, classroom_id: str) -> dict[str, Any]:
    try:
        room, rows = auth.store(request).classroom(classroom_id)
    except NotFound:
        raise auth.forbidden() from None
    games = []
    counts = {"running": 0, "agreed": 0, "walked-out": 0, "timedout": 0}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
        agreement = json.loads(r.agreement) if r.agreement else None
        deal_text = ""
        if agreement:
            setup = GameRow.of(r).setup()
            deal_text = "; ".join(
                f"{k.replace('_', ' ')} {services.format_value(setup, k, _typed(v))}"
                for k, v in agreement.items()
            )
        games.append(
            {
                "game_id": r.id,
                "label": r.label,
                "status": r.status,
                "turns": r.turns,
                # the round being played, or the one the game ended in
                "round": min(
                    r.rounds, (r.turns if r.status == "running" else max(r.turns - 1, 0)) // 2 + 1
                ),
                "rounds": r.rounds,
                "agreement": agreement,
                "deal_text": deal_text,
                "seats": json.loads(r.seats),
            }
        )
    return {
        "classroom_id": classroom_id,
        "title": room.title,
        "scenario": room.scenario,
        "counts": counts,
        "deadlocks": counts.get("walked-out", 0) + counts.get("timedout", 0),
        "games": games,
    }


@router.get("/classrooms/{classroom_id}")
def get_classroom(request: Request, classroom_id: str) -> Any:
    auth.instructor(request, classroom_id)
    return dashboard(request, classroom_id)


# --------------------------------------------------------------------------- explorer runs
@router.post("/runs", status_code=202)
def create_run(request: Request, body: dict[str, Any] = Body(...)) -> Any:  # noqa: B008
    try:
        overrides = body.get("set") or {}
        if not isinstance(overrides, dict):
            raise services.BurdenshareError([services.Problem("'set' must be a table")])
        run_id = request.app.state.jobs.submit(
            str(body.get("scenario", "")), body.get("toml"), overrides, int(body.get("seed", 0))
        )
    except services.BurdenshareError as exc:
        return problem_response(exc)
    return JSONResponse(
        {"run_id": run_id, "url": str(request.url_for("run_page", run_id=run_id))}, 202
    )


def run_json(request: Request, run_id: str) -> dict[str, Any]:
    row = request.app.state.jobs.get(run_id)
    if row is None:
        raise HTTPException(404, "no such run")
    extra = json.loads(row.errors) if row.errors else {}
    return {
        "run_id": row.id,
        "status": row.status,
        "stage": row.stage,
        "progress": row.progress,
        "scenario": row.scenario,
        "inputs": json.loads(row.overrides or "{}"),
        "seed": row.seed,
        "store_run_id": row.store_run_id,
        "problems": extra.get("problems", []),
        "tables": extra.get("tables", []),
        "result": json.loads(row.result) if row.result else None,
        "created_at": row.created_at.isoformat() if row.created_at else None,
    }


@router.get("/runs/{run_id}")
def get_run(request: Request, run_id: str) -> Any:
    return run_json(request, run_id)
