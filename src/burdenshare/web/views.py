"""Server-rendered pages. Each page's data comes from the same functions as its JSON twin."""

from __future__ import annotations

import csv
import io
from typing import Any

import duckdb
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from burdenshare.web import api, auth, services
from burdenshare.web.games import Conflict, NotFound
from burdenshare.web.present import game_view
from burdenshare.web.security import REPORT_CSP

router = APIRouter()

MAX_FORM = 1_100_000  # bytes; an upload is refused above 1 MB of scenario text


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    errors = context.get("errors") or {}
    open_ranges = isinstance(errors, dict) and any(
        str(k).startswith("uncertainty.params") for k in errors
    )
    context = {"csrf": auth.csrf_token(request), "open_ranges": open_ranges, **context}
    response = request.app.state.templates.TemplateResponse(
        request, name, context, status_code=status
    )
    if getattr(request.state, "csrf_fresh", False):
        response.set_cookie(
            auth.CSRF_COOKIE, request.state.csrf_cookie, httponly=True, samesite="lax"
        )
    return response


def error_page(request: Request, status: int, message: str) -> Response:
    return render(request, "error.html", {"status": status, "message": message}, status)


async def form_data(request: Request) -> dict[str, Any]:
    length = int(request.headers.get("content-length") or 0)
    if length > MAX_FORM:
        raise HTTPException(413, "upload too large: a scenario file may be at most 1 MB")
    form = await request.form(max_files=1, max_fields=200, max_part_size=MAX_FORM)
    auth.check_csrf(request, form.get("csrf"))  # type: ignore[arg-type]
    return dict(form)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    return render(request, "home.html", {"scenarios": services.bundled()})


# --------------------------------------------------------------------------- explorer
def _explore_context(name: str, text: str | None, values: dict[str, Any]) -> dict[str, Any]:
    sc = services.load(name, text)
    fields = services.explorer_fields(sc)
    for f in fields:
        if f["path"] in values:
            f["value"] = values[f["path"]]
    groups: dict[str, list[dict[str, Any]]] = {}
    for f in fields:
        groups.setdefault(f.get("group", "other"), []).append(f)
    return {"scenario_name": name, "scenario_title": sc.meta.title, "groups": groups}


@router.get("/explore", response_class=HTMLResponse)
def explore(request: Request, scenario: str = "sma-2019") -> Response:
    names = [n for n, _ in services.bundled()]
    if scenario not in names:
        scenario = names[0]
    ctx = _explore_context(scenario, None, {})
    return render(request, "explore.html", {**ctx, "scenarios": services.bundled(), "errors": {}})


@router.post("/explore", response_class=HTMLResponse)
async def explore_run(request: Request) -> Response:
    form = await form_data(request)
    name = str(form.get("scenario", "sma-2019"))
    upload = form.get("upload")
    text = None
    errors: dict[str, list[str]] = {}
    if upload is not None and getattr(upload, "filename", ""):
        raw = await upload.read(services.MAX_UPLOAD + 1)
        if len(raw) > services.MAX_UPLOAD:
            errors["upload"] = ["upload.toml: file too large (expected at most 1 MB)"]
        else:
            text = raw.decode("utf-8", "replace")
            name = "upload"
    inputs = {k: v for k, v in form.items() if isinstance(v, str) and "." in k}
    if not errors:
        try:
            sc = services.load(name, text)
        except services.BurdenshareError as exc:
            errors["upload" if text is not None else "scenario"] = services.problems(exc)
    if not errors:
        try:
            values = services.coerce_inputs(sc, inputs)
            run_id = request.app.state.jobs.submit(name, text, values, int(form.get("seed") or 0))
            return RedirectResponse(request.url_for("run_page", run_id=run_id), 303)
        except services.BurdenshareError as exc:
            for p in exc.problems:
                errors.setdefault(p.path or "form", []).append(str(p))
        except ValueError:
            errors["seed"] = ["seed: expected a whole number"]
    try:
        ctx = _explore_context(name, text, inputs)
    except services.BurdenshareError:
        ctx = _explore_context("sma-2019", None, {})
    return render(
        request,
        "explore.html",
        {**ctx, "scenarios": services.bundled(), "errors": errors, "uploaded": text is not None},
        status=400,
    )


@router.get("/runs/{run_id}", response_class=HTMLResponse, name="run_page")
def run_page(request: Request, run_id: str) -> Response:
    data = api.run_json(request, run_id)
    return render(request, "run.html", {"run": data})


@router.get("/runs/{run_id}.json")
def run_page_json(request: Request, run_id: str) -> Any:
    return api.run_json(request, run_id)


def _run_file(request: Request, run_id: str, *parts: str) -> Any:
    data = api.run_json(request, run_id)  # 404 for an unknown id: only our own ids reach here
    if data["status"] != "done":
        raise HTTPException(404, "the run has not finished")
    path = request.app.state.jobs.run_dir(data["run_id"]).joinpath(*parts)
    if not path.is_file():
        raise HTTPException(404, "no such file")
    return path


@router.get("/runs/{run_id}/report.html")
def run_report(request: Request, run_id: str) -> Response:
    path = _run_file(request, run_id, "report.html")
    return FileResponse(
        path,
        media_type="text/html",
        headers={"Content-Security-Policy": REPORT_CSP},
        filename=f"report-{run_id}.html",
        content_disposition_type="inline",
    )


@router.get("/runs/{run_id}/results.duckdb")
def run_duckdb(request: Request, run_id: str) -> Response:
    path = _run_file(request, run_id, "results.duckdb")
    return FileResponse(path, filename=f"results-{run_id}.duckdb")


@router.get("/runs/{run_id}/csv/{table}.csv")
def run_csv(request: Request, run_id: str, table: str) -> Response:
    data = api.run_json(request, run_id)
    known = {t: t for t in data["tables"]}
    if table not in known:  # the file name comes from the run's own table list
        raise HTTPException(404, "no such table")
    path = _run_file(request, run_id, "csv", f"{known[table]}.csv")
    return FileResponse(path, media_type="text/csv", filename=f"{known[table]}-{run_id}.csv")


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request, a: str = "", b: str = "") -> Response:
    runs = [api.run_json(request, x) for x in (a, b) if x]
    if len(runs) != 2:
        raise HTTPException(400, "compare needs two run ids: /compare?a=RUN&b=RUN")
    return render(request, "compare.html", {"runs": runs})


# --------------------------------------------------------------------------- role-play
@router.get("/play", response_class=HTMLResponse)
def play_new(request: Request) -> Response:
    return render(
        request,
        "play_new.html",
        {"scenarios": services.bundled(), "strategies": services.strategies(), "errors": []},
    )


def _seats_from_form(form: dict[str, Any]) -> dict[str, str]:
    return {
        k.removeprefix("seat_"): str(v)
        for k, v in form.items()
        if k.startswith("seat_") and isinstance(v, str)
    }


@router.post("/play", response_class=HTMLResponse)
async def play_create(request: Request) -> Response:
    form = await form_data(request)
    try:
        rounds = int(form.get("rounds") or 10)
        game_id, tokens = auth.store(request).create_game(
            str(form.get("scenario", "sma-2019")), _seats_from_form(form), rounds=rounds
        )
    except (services.BurdenshareError, ValueError) as exc:
        lines = (
            services.problems(exc)
            if isinstance(exc, services.BurdenshareError)
            else ["rounds: expected a whole number"]
        )
        return render(
            request,
            "play_new.html",
            {"scenarios": services.bundled(), "strategies": services.strategies(), "errors": lines},
            400,
        )
    links = [(p, str(request.url_for("join", token=t))) for p, t in tokens.items()]
    return render(request, "invite.html", {"game_id": game_id, "links": links})


@router.get("/join/{token}", name="join")
def join(request: Request, token: str) -> Response:
    row = auth.store(request).token_row(token)
    if row is None or row.role != "seat":
        raise auth.forbidden()
    response = RedirectResponse(request.url_for("game_page", game_id=row.game_id), 303)
    response.set_cookie(
        auth.seat_cookie(row.game_id), token, httponly=True, samesite="lax", max_age=30 * 86400
    )
    return response


@router.get("/games/{game_id}", response_class=HTMLResponse, name="game_page")
def game_page(request: Request, game_id: str) -> Response:
    party, _ = auth.seat(request, game_id)
    try:
        row, setup, state = auth.store(request).state(game_id)
    except NotFound:
        raise auth.forbidden() from None
    view = game_view(game_id, row, setup, state, party)
    error = request.query_params.get("error")
    return render(request, "game.html", {"g": view, "error": error if error in ERRORS else None})


ERRORS = {
    "turn": "It is not your turn (the page was out of date); here is the game now.",
    "race": "Another move was recorded for this turn first; here is the game now.",
}


@router.post("/games/{game_id}/move", name="game_move")
async def game_move(request: Request, game_id: str) -> Response:
    party, _ = auth.seat(request, game_id)
    form = await form_data(request)
    action = str(form.get("action", ""))
    values = {k.removeprefix("issue_"): v for k, v in form.items() if k.startswith("issue_")}
    try:
        auth.store(request).act(game_id, party, action, values if action == "offer" else None)
    except NotFound:
        raise auth.forbidden() from None
    except Conflict:
        return RedirectResponse(
            str(request.url_for("game_page", game_id=game_id)) + "?error=race", 303
        )
    except services.MoveError as exc:
        if any("not your turn" in x for x in services.problems(exc)):
            url = str(request.url_for("game_page", game_id=game_id)) + "?error=turn"
            return RedirectResponse(url, 303)
        row, setup, state = auth.store(request).state(game_id)
        view = game_view(game_id, row, setup, state, party)
        return render(request, "game.html", {"g": view, "move_errors": services.problems(exc)}, 400)
    return RedirectResponse(request.url_for("game_page", game_id=game_id), 303)


# --------------------------------------------------------------------------- classroom
@router.get("/classroom", response_class=HTMLResponse)
def classroom_new(request: Request) -> Response:
    return render(
        request,
        "classroom_new.html",
        {"scenarios": services.bundled(), "strategies": services.strategies(), "errors": []},
    )


@router.post("/classroom", response_class=HTMLResponse)
async def classroom_create(request: Request) -> Response:
    form = await form_data(request)
    try:
        n = int(form.get("games") or 0)
        rounds = int(form.get("rounds") or 10)
        if not 1 <= n <= api.MAX_GAMES:
            raise ValueError
        _, instructor, _ = auth.store(request).create_classroom(
            str(form.get("scenario", "sma-2019")),
            _seats_from_form(form),
            n,
            rounds=rounds,
            title=str(form.get("title", ""))[:200],
        )
    except (services.BurdenshareError, ValueError) as exc:
        lines = (
            services.problems(exc)
            if isinstance(exc, services.BurdenshareError)
            else [f"games: expected a whole number from 1 to {api.MAX_GAMES}"]
        )
        return render(
            request,
            "classroom_new.html",
            {"scenarios": services.bundled(), "strategies": services.strategies(), "errors": lines},
            400,
        )
    return RedirectResponse(request.url_for("teach", token=instructor), 303)


@router.get("/teach/{token}", name="teach")
def teach(request: Request, token: str) -> Response:
    row = auth.store(request).token_row(token)
    if row is None or row.role != "instructor":
        raise auth.forbidden()
    response = RedirectResponse(
        request.url_for("classroom_page", classroom_id=row.classroom_id), 303
    )
    response.set_cookie(
        auth.teach_cookie(row.classroom_id),
        token,
        httponly=True,
        samesite="lax",
        max_age=30 * 86400,
    )
    return response


@router.get("/classrooms/{classroom_id}", response_class=HTMLResponse, name="classroom_page")
def classroom_page(request: Request, classroom_id: str) -> Response:
    auth.instructor(request, classroom_id)
    return render(request, "classroom.html", {"d": api.dashboard(request, classroom_id)})


@router.get("/classrooms/{classroom_id}/links.csv")
def classroom_links(request: Request, classroom_id: str) -> Response:
    token = auth.instructor(request, classroom_id)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["game", "seat", "join_url"])
    for label, party, tok in auth.store(request).classroom_links(classroom_id, token):
        w.writerow([label, party, str(request.url_for("join", token=tok))])
    return Response(
        out.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="seats-{classroom_id}.csv"'},
    )


def _export_frames(request: Request, classroom_id: str) -> tuple[Any, Any]:
    import pandas as pd

    d = api.dashboard(request, classroom_id)
    games = pd.DataFrame(
        [
            {
                "game": g["label"],
                "game_id": g["game_id"],
                "status": g["status"],
                "turns": g["turns"],
                **{f"seat_{p}": s for p, s in g["seats"].items()},
                **{f"deal_{k}": v for k, v in (g["agreement"] or {}).items()},
            }
            for g in d["games"]
        ]
    )
    rows = auth.store(request).classroom_moves(classroom_id)
    moves = pd.DataFrame(
        [
            {
                "game": r.label,
                "game_id": r.game_id,
                "turn": r.turn,
                "round": r.turn // 2 + 1,
                "party": r.party,
                "action": r.action,
                "outcome": r.outcome,
                "at": r.created_at,
            }
            for r in rows
        ],
        columns=["game", "game_id", "turn", "round", "party", "action", "outcome", "at"],
    )
    return games, moves


@router.get("/classrooms/{classroom_id}/{what}.csv")
def classroom_csv(request: Request, classroom_id: str, what: str) -> Response:
    auth.instructor(request, classroom_id)
    if what not in ("games", "moves"):
        raise HTTPException(404, "no such export")
    games, moves = _export_frames(request, classroom_id)
    frame = games if what == "games" else moves
    return Response(
        frame.to_csv(index=False),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{what}-{classroom_id}.csv"'},
    )


@router.get("/classrooms/{classroom_id}/export.duckdb")
def classroom_duckdb(request: Request, classroom_id: str) -> Response:
    auth.instructor(request, classroom_id)
    games, moves = _export_frames(request, classroom_id)
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.duckdb"
        con = duckdb.connect(str(path))
        con.register("g", games)
        con.register("m", moves)
        con.execute("CREATE TABLE games AS SELECT * FROM g")
        con.execute("CREATE TABLE moves AS SELECT * FROM m")
        con.close()
        data = path.read_bytes()
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="classroom-{classroom_id}.duckdb"'},
    )
