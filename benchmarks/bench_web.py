"""Load test of the web app: N concurrent games of M moves each against a local server.

Starts ``burdenshare serve`` on 127.0.0.1 (SQLite in a temporary folder, or ``--database-url``)
unless ``--url`` names a running server, creates N two-human games, and plays them all at once
with an asyncio/httpx client: each game's two seats alternate offers (one move per turn), each
player thinking ``--think`` seconds on average before a move (0 = as fast as possible). Reports
the latency of a move (POST /api/games/{id}/offer, until its response, i.e. after the commit)
as p50/p95/p99, the errors, and checks in the database that every move was recorded exactly once.

    python benchmarks/bench_web.py                     # 200 games x 20 moves, SQLite
    python benchmarks/bench_web.py --database-url postgresql://u:p@127.0.0.1/db
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir: Path, database_url: str | None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "burdenshare",
        "serve",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
    ]
    if database_url:
        cmd += ["--database-url", database_url]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(url + "/api/strategies", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def server_cpu(proc: subprocess.Popen | None) -> float:
    """User + system CPU seconds of the server process so far (Linux /proc)."""
    if proc is None:
        return 0.0
    fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def offer(k: int) -> dict:
    # the US comes down from 1,500 bn, Seoul goes up from 1,040 bn: never the same package twice
    if k % 2 == 0:
        amount = 1_500_000_000_000 - (k // 2) * 10_000_000_000
    else:
        amount = 1_040_000_000_000 + (k // 2) * 5_000_000_000
    return {"contribution": amount, "duration": 1 + k % 5, "new_category": False}


async def play(
    client: httpx.AsyncClient, game: dict, moves: int, think: float, lat: list, errors: list
) -> None:
    tokens = [game["seats"]["us"]["token"], game["seats"]["rok"]["token"]]
    rng = random.Random(game["game_id"])
    await asyncio.sleep(rng.uniform(0, think))  # players arrive over the first think time
    for k in range(moves):
        if think:
            await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
        t0 = time.perf_counter()
        try:
            r = await client.post(
                f"/api/games/{game['game_id']}/offer",
                headers={"Authorization": f"Bearer {tokens[k % 2]}"},
                json={"offer": offer(k)},
            )
            ok = r.status_code == 200
        except httpx.HTTPError as exc:
            ok, r = False, exc
        lat.append(time.perf_counter() - t0)
        if not ok:
            errors.append(f"{game['game_id']} move {k}: {getattr(r, 'status_code', r)}")


async def run(url: str, games: int, moves: int, think: float) -> dict:
    limits = httpx.Limits(max_connections=games, max_keepalive_connections=games)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        made = []
        for _ in range(games):
            r = await client.post(
                "/api/games",
                json={
                    "scenario": "sma-2019",
                    "seats": {"us": "human", "rok": "human"},
                    "rounds": (moves + 1) // 2,
                },
            )
            r.raise_for_status()
            made.append(r.json())
        lat: list[float] = []
        errors: list[str] = []
        t0 = time.perf_counter()
        await asyncio.gather(*(play(client, g, moves, think, lat, errors) for g in made))
        wall = time.perf_counter() - t0
    return {"games": made, "lat": lat, "errors": errors, "wall": wall}


def recorded(database_url: str, game_ids: list[str]) -> dict[str, list[int]]:
    from sqlalchemy import select

    from burdenshare.web.db import Database, moves

    db = Database(database_url)
    out: dict[str, list[int]] = {g: [] for g in game_ids}
    with db.read() as c:
        for gid, turn in c.execute(select(moves.c.game_id, moves.c.turn).order_by(moves.c.turn)):
            if gid in out:
                out[gid].append(turn)
    db.dispose()
    return out


def quantile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--games", type=int, default=200)
    ap.add_argument("--moves", type=int, default=20)
    ap.add_argument("--think", type=float, default=5.0, help="mean seconds between a seat's moves")
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--url", default=None, help="a running server (then no database check)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc = None
        url = args.url
        db_url = args.database_url
        if url is None:
            if db_url and db_url.startswith("postgresql"):
                from burdenshare.web.db import Database, metadata

                d = Database(db_url)
                metadata.drop_all(d.engine)
                d.dispose()
            proc, url = start_server(Path(tmp), db_url)
            db_url = db_url or f"sqlite:///{Path(tmp) / 'web.sqlite3'}"
        cpu0 = server_cpu(proc), client_cpu()
        try:
            res = asyncio.run(run(url, args.games, args.moves, args.think))
            cpu = server_cpu(proc) - cpu0[0], client_cpu() - cpu0[1]
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(10)
        lat = res["lat"]
        backend = "postgresql" if db_url and db_url.startswith("postgresql") else "sqlite"
        print(f"backend {backend}: {args.games} games x {args.moves} moves, think {args.think} s")
        print(
            f"moves sent {len(lat)}, errors {len(res['errors'])}, wall {res['wall']:.1f} s, "
            f"{len(lat) / res['wall']:.0f} moves/s"
        )
        print(
            f"move latency ms: p50 {1000 * quantile(lat, 0.5):.1f}  "
            f"p95 {1000 * quantile(lat, 0.95):.1f}  p99 {1000 * quantile(lat, 0.99):.1f}  "
            f"mean {1000 * statistics.fmean(lat):.1f}  max {1000 * max(lat):.1f}"
        )
        if proc is not None:
            print(
                f"CPU: server {cpu[0]:.1f} s ({1000 * cpu[0] / max(len(lat), 1):.1f} ms a "
                f"move, game creation excluded), client {cpu[1]:.1f} s"
            )
        for e in res["errors"][:5]:
            print("error:", e)
        if proc is not None or args.database_url:
            turns = recorded(db_url, [g["game_id"] for g in res["games"]])
            exact = sum(1 for t in turns.values() if t == list(range(args.moves)))
            total = sum(len(t) for t in turns.values())
            print(
                f"moves recorded {total} (expected {args.games * args.moves}); games with every "
                f"move exactly once: {exact}/{args.games}"
            )
            if exact != args.games or res["errors"]:
                raise SystemExit(1)


if __name__ == "__main__":
    main()
