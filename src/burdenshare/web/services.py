"""The web app's one door into the burdenshare library.

Every call the web app makes into the library — loading and checking a scenario, setting
inputs, running an analysis, building a report, writing the run to the DuckDB store, and the
role-play — goes through this module, so it can be re-pointed at a new application layer
without touching the views. Errors come back as :class:`~burdenshare.errors.BurdenshareError`
with the same one-line problems the CLI prints.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from burdenshare import __version__
from burdenshare.errors import BurdenshareError, Problem
from burdenshare.roleplay import game as _game
from burdenshare.roleplay.brief import brief as _brief_of
from burdenshare.roleplay.brief import format_value, outcome_text, public_facts, secret_values
from burdenshare.roleplay.brief import round_label as _round_label
from burdenshare.scenario import Scenario

__all__ = [
    "BurdenshareError",
    "Problem",
    "analyze_run",
    "bundled",
    "explorer_fields",
    "load",
    "with_inputs",
]

MAX_UPLOAD = 1_000_000  # bytes
MoveError = _game.MoveError
Move = _game.Move
GameState = _game.GameState
Setup = _game.Setup
agent_names = _game.agent_names
format_value = format_value
outcome_text = outcome_text
public_facts = public_facts
secret_values = secret_values


def problems(exc: BurdenshareError) -> list[str]:
    """One line per problem, as the CLI prints them (without the ``error:`` prefix)."""
    return [str(p) for p in exc.problems]


def bundled() -> list[tuple[str, str]]:
    """(name, title) of every bundled scenario."""
    from burdenshare.scenario.bundled import bundled_names

    out = []
    for name in bundled_names():
        out.append((name, _load_bundled(name).meta.title))
    return out


@lru_cache(maxsize=16)
def _load_bundled(name: str) -> Scenario:
    from burdenshare.scenario import load_scenario
    from burdenshare.scenario.bundled import bundled_names

    if name not in bundled_names():  # never a path: only names from the package's own list
        raise BurdenshareError(
            [Problem(f"unknown scenario '{name}'", expected=", ".join(bundled_names()))]
        )
    return load_scenario(name)


@lru_cache(maxsize=32)
def _load_text(text: str) -> Scenario:
    from burdenshare.scenario.loader import load_scenario_text

    return load_scenario_text(text, "upload.toml")


def load(name: str, text: str | None = None) -> Scenario:
    """A bundled scenario by name, or uploaded TOML text (validated as data only)."""
    if text is not None:
        if len(text.encode("utf-8", "replace")) > MAX_UPLOAD:
            raise BurdenshareError(
                [Problem("file too large", expected="at most 1 MB", path="upload")]
            )
        return _load_text(text)
    return _load_bundled(name)


def with_inputs(scenario: Scenario, values: Mapping[str, Any]) -> Scenario:
    """``scenario`` with each dotted path set; one problem per refused value."""
    if not values:
        return scenario
    from pydantic import ValidationError

    from burdenshare.scenario.paths import PathError, resolve, with_fields

    bad = []
    for path in values:
        try:
            resolve(scenario, path)
        except PathError as exc:
            bad.append(Problem(exc.message, path=path))
    if bad:
        raise BurdenshareError(bad)
    try:
        return with_fields(scenario, dict(values))
    except ValidationError as exc:
        raise BurdenshareError(
            [
                Problem(
                    str(e.get("msg", "invalid value")).removeprefix("Value error, "),
                    path=".".join(str(x) for x in e.get("loc", ())) or None,
                )
                for e in exc.errors(include_url=False)
            ]
        ) from None
    except (BurdenshareError, ValueError, TypeError) as exc:
        if isinstance(exc, BurdenshareError):
            raise
        raise BurdenshareError([Problem(str(exc))]) from None


# --------------------------------------------------------------------------- explorer
def _num(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def explorer_fields(scenario: Scenario) -> list[dict[str, Any]]:
    """The key inputs as form fields: path, label, current value, unit, kind (number/date)."""
    out: list[dict[str, Any]] = []

    def add(path: str, label: str, value: Any, unit: str = "", kind: str = "number", **kw: Any):
        out.append({"path": path, "label": label, "value": value, "unit": unit, "kind": kind, **kw})

    sc = scenario
    for party in sc.parties.values():
        if party.opening and party.opening in sc.schedules:
            sched = sc.schedules[party.opening]
            total = sched.first_year_total
            cur = sched.currency or sc.agreement.currency if sc.agreement else ""
            if total is not None:
                what = "ask" if party.role == "sending" else "offer"
                add(
                    f"schedules.{party.opening}.first_year_total",
                    f"{party.name}: {what} (first-year total)",
                    float(total),
                    cur or "",
                    group="positions",
                )
    for pid, party in sc.parties.items():
        for issue, v in (party.ratifier.limits or {}).items():
            if _num(v) is not None:
                unit = getattr(sc.issues.get(issue), "unit", "") or ""
                add(
                    f"parties.{pid}.ratifier.limits.{issue}",
                    f"{party.ratifier.name or pid}'s limit on {issue}",
                    float(v),
                    unit,
                    group="ratifiers",
                )
        pref = sc.preferences.get(pid)
        for issue, v in pref.reservation.items() if pref else []:
            if _num(v) is not None and not isinstance(v, bool):
                unit = getattr(sc.issues.get(issue), "unit", "") or ""
                add(
                    f"preferences.{pid}.reservation.{issue}",
                    f"{party.name} red line on {issue}",
                    float(v),
                    unit,
                    group="ratifiers",
                )
    if sc.bargaining is not None:
        b = sc.bargaining
        if b.last_round is not None:
            add(
                "bargaining.last_round",
                "Horizon (last round)",
                b.last_round.isoformat(),
                "",
                "date",
                group="deadlines",
            )
        for pid, day in (b.concede_by or {}).items():
            add(
                f"bargaining.concede_by.{pid}",
                f"{sc.parties[pid].name} concedes by",
                day.isoformat(),
                "",
                "date",
                group="deadlines",
            )
    for e in sc.events:
        if e.kind == "lapse":
            add(
                f"events.{e.id}.date",
                f"Date: {e.label or e.id}",
                e.date.isoformat(),
                "",
                "date",
                group="deadlines",
            )
    if sc.uncertainty is not None:
        add(
            "uncertainty.draws", "Draws", int(sc.uncertainty.draws), "", group="uncertainty", step=1
        )
        from burdenshare.scenario.paths import describe_path

        for key, dist in sc.uncertainty.params.items():
            try:
                words = describe_path(sc, key)
            except Exception:  # a path the describer does not know: show it as written
                words = key
            words = words[:1].upper() + words[1:]
            for part in ("low", "mode", "high"):
                v = getattr(dist, part, None)
                if _num(v) is not None:
                    add(
                        f"uncertainty.params.{key}.{part}",
                        part,
                        float(v),
                        "",
                        group="uncertainty",
                        param=words,
                        dist=getattr(dist, "dist", ""),
                    )
    return out


def coerce_inputs(scenario: Scenario, form: Mapping[str, str]) -> dict[str, Any]:
    """Form strings → typed values for the fields that changed; unknown paths are ignored."""
    fields = {f["path"]: f for f in explorer_fields(scenario)}
    out: dict[str, Any] = {}
    bad: list[Problem] = []
    for path, raw in form.items():
        f = fields.get(path)
        if f is None or raw is None or str(raw).strip() == "":
            continue
        raw = str(raw).strip()
        if f["kind"] == "date":
            try:
                value: Any = dt.date.fromisoformat(raw)
            except ValueError:
                bad.append(Problem("expected a date (YYYY-MM-DD)", path=path, found=raw[:40]))
                continue
            if value.isoformat() != f["value"]:
                out[path] = value
        else:
            x = _num(raw.replace(",", "").replace("_", ""))
            if x is None:
                bad.append(Problem("expected a number", path=path, found=raw[:40]))
                continue
            if x != float(f["value"]):
                out[path] = int(x) if f.get("step") == 1 else x
    if bad:
        raise BurdenshareError(bad)
    return out


def analyze_run(
    scenario: Scenario,
    *,
    seed: int,
    out_dir: Path,
    store_path: Path,
    progress: Callable[[str, float], None] = lambda stage, p: None,
) -> dict[str, Any]:
    """Run ``analyze``, write the report and CSVs under ``out_dir`` and the run to the DuckDB
    store the CLI uses (``kind = web-analyze``); return what the page shows (JSON-able)."""
    from burdenshare.app import analyze
    from burdenshare.report import build_report
    from burdenshare.store import RunRecord, write_run
    from burdenshare.store.duckdb_store import utc_now

    progress("running the analyses (bargaining, forecasts, Monte Carlo sweep)", 0.1)
    results = analyze(scenario, seed=seed)
    progress("writing the report", 0.8)
    page = build_report(results)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.html").write_text(page, encoding="utf-8")
    tables = results.tables()
    csv_dir = out_dir / "csv"
    csv_dir.mkdir(exist_ok=True)
    for name, frame in tables.items():
        frame.to_csv(csv_dir / f"{name}.csv", index=False)
    progress("storing the run", 0.9)
    record = RunRecord(
        command="web-analyze",
        scenario_id=scenario.meta.id,
        scenario_title=scenario.meta.title,
        scenario_hash=scenario.content_hash,
        seed=seed,
        version=__version__,
        started_at=results.started_at,
        finished_at=utc_now(),
        parameters={"source": "web"},
    )
    store_run_id = write_run(store_path, record, tables)
    # the run's own DuckDB file, for download
    write_run(out_dir / "results.duckdb", record, tables)
    return {"store_run_id": store_run_id, "summary": summarise(results), "tables": sorted(tables)}


def _plain(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    if isinstance(x, dt.date):
        return x.isoformat()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if hasattr(x, "item"):
        return _plain(x.item())
    return x


def summarise(results: Any) -> dict[str, Any]:
    """The page's view of an analysis: bottom line, P(deal) by date, bargaining, forecasts."""
    from burdenshare.report.bottom_line_section import bottom_line_section

    sc = results.scenario
    out: dict[str, Any] = {"scenario": {"id": sc.meta.id, "title": sc.meta.title}}
    line = results.bottom_line
    if line is not None:
        out["headline"] = line.headline()
        out["bottom_line"] = _plain(line.to_dict())
        curve = line.curve
        out["curve"] = {
            "dates": [pd.Timestamp(d).date().isoformat() for d in curve["date"]],
            "p": [round(float(p), 4) for p in curve["p"]],
        }
        section = bottom_line_section(results)
        # the page states the headline once, above the chart
        html = section.html if section is not None else ""
        out["bottom_line_html"] = re.sub(r'<p class="headline">.*?</p>', "", html, count=1)
    b = results.bargaining
    if b is not None:
        rows = []
        for (a, c, rat), neg in b.traces.items():
            agreed = neg.agreement is not None
            rows.append(
                {
                    "pair": f"{a} vs {c}",
                    "ratified": rat,
                    "outcome": _outcome_words(sc, b.domain, neg.agreement) if agreed else "no deal",
                    "reason": neg.reason.label,
                    "round": int(neg.step),
                }
            )
        out["bargaining"] = rows
        nash = b.ratified.nash if hasattr(b.ratified, "nash") else None
        if nash is not None:
            out["nash"] = _outcome_words(sc, b.domain, nash)
    fc = results.forecast
    if fc is not None:
        rows = []
        dims = list(fc.table.dimensions)
        units = {d: (sc.actors.dimensions[d].unit or "") for d in dims} if sc.actors else {}
        for name, run in fc.runs.items():
            row: dict[str, Any] = {"model": name}
            for k, d in enumerate(dims):
                row[f"{d} ({units.get(d, '')})".replace(" ()", "")] = float(run.forecast[k])
            rows.append(row)
        out["forecasts"] = rows
    return _plain(out)


def _outcome_words(scenario: Scenario, domain: Any, index: int | None) -> str:
    if index is None:
        return "none"
    values = domain.space.outcome(int(index))
    parts = []
    for k, v in values.items():
        issue = scenario.issues.get(k)
        unit = getattr(issue, "unit", "") or ""
        if isinstance(v, bool):
            parts.append(f"{k.replace('_', ' ')} {'yes' if v else 'no'}")
        elif unit in ("KRW", "USD", "JPY") and abs(float(v)) >= 1e9:
            parts.append(f"{k} {float(v) / 1e9:,.1f} bn {unit}")
        else:
            parts.append(f"{k} {v:g} {unit}".strip() if isinstance(v, float) else f"{k} {v}")
    return "; ".join(parts)


# --------------------------------------------------------------------------- role-play
def strategies() -> list[str]:
    return _game.agent_names()


@lru_cache(maxsize=512)
def _setup(
    scenario: str, text: str | None, overrides: str, seats: str, rounds: int, seed: int
) -> _game.Setup:
    sc = with_inputs(load(scenario, text), json.loads(overrides))
    setup = _game.Setup.create(sc, json.loads(seats), rounds, seed)
    setup.segments  # noqa: B018 - build once, here, not on the first move
    return setup


def setup_for(
    scenario: str,
    text: str | None,
    overrides: Mapping[str, Any],
    seats: Mapping[str, str],
    rounds: int | None,
    seed: int = 0,
) -> _game.Setup:
    """The role-play setup (cached: games of one configuration share it)."""
    if rounds is None:
        sc = load(scenario, text)
        rounds = min(10, sc.bargaining.steps) if sc.bargaining else 10
    return _setup(
        scenario,
        text,
        json.dumps(dict(overrides), sort_keys=True, default=str),
        json.dumps(dict(seats), sort_keys=True),
        int(rounds),
        int(seed),
    )


def replay(setup: _game.Setup, moves: list[_game.Move]) -> _game.GameState:
    return _game.replay(setup, moves)


def play(
    setup: _game.Setup,
    moves: list[_game.Move],
    party: str,
    action: str,
    values: Any,
    state: _game.GameState | None = None,
) -> tuple[list[_game.Move], _game.GameState]:
    return _game.play(setup, moves, party, action, values, state)


def _memo(setup: _game.Setup, key: Any, make: Callable[[], Any]) -> Any:
    """Per-setup cache (a setup is immutable; games of one configuration share it)."""
    memo = setup.__dict__.setdefault("_web_memo", {})
    if key not in memo:
        memo[key] = make()
    return memo[key]


def brief(setup: _game.Setup, party: str) -> dict[str, Any]:
    return copy.deepcopy(_memo(setup, ("brief", party), lambda: _brief_of(setup, party)))


def public(setup: _game.Setup) -> dict[str, Any]:
    return _memo(setup, "public", lambda: public_facts(setup))


def round_label(state: _game.GameState, s: int) -> str:
    return _round_label(state, s)


def own_utility(setup: _game.Setup, party: str, outcome: int | None, s: int = 0) -> float | None:
    """The seat's own score (0 = worst acceptable, 1 = opening) of a package in round s."""
    if outcome is None:
        return None
    seg = setup.segment_at(min(s, setup.rounds - 1))
    return float(seg.domain.utilities[seg.domain.parties.index(party)][outcome])


def offer_options(setup: _game.Setup) -> list[dict[str, Any]]:
    """Per issue: its values as (value, label) for the offer form."""
    return _memo(setup, "options", lambda: _offer_options(setup))


def _offer_options(setup: _game.Setup) -> list[dict[str, Any]]:
    out = []
    for issue in setup.space.issues:
        out.append(
            {
                "id": issue.name,
                "kind": issue.kind,
                "description": setup.scenario.issues[issue.name].description,
                "options": [
                    {"value": _value_str(v), "label": format_value(setup, issue.name, v)}
                    for v in issue.values
                ],
            }
        )
    return out


def _value_str(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _model_game(setup: _game.Setup, pair: tuple[str, str]) -> _game.GameState:
    """Agents in both seats of the same game (same rounds, seed, segments): ``pair`` gives the
    strategy of each seat, in the order of ``setup.parties``."""
    agents = {p: pair[k] for k, p in enumerate(setup.parties)}
    model = _game.Setup(setup.scenario, agents, setup.rounds, setup.seed)
    for key in ("space", "domain", "dates", "happened", "segments"):
        if key in setup.__dict__:
            model.__dict__[key] = setup.__dict__[key]
    return _game.replay(model, [])


def debrief(setup: _game.Setup, state: _game.GameState) -> dict[str, Any]:
    """After the game: the outcome beside the Nash and Kalai–Smorodinsky solutions, what the
    scenario's agents did in the same game, and both briefs."""
    seg = setup.segment_at(min(state.round, setup.rounds - 1))
    dom = seg.domain
    idx = [dom.parties.index(p) for p in setup.parties]
    u, r = dom.utilities[idx], dom.reserved[idx]
    sols = _game.bargaining_solutions(u, r, seg.win_set)
    rows = []
    for label, o in [("Your game", state.agreement), *sols.items()]:
        rows.append(
            {
                "label": label,
                "outcome": outcome_text(setup, o) if o is not None else "no deal",
                "utilities": {
                    p: (None if o is None else round(float(u[k][o]), 3))
                    for k, p in enumerate(setup.parties)
                },
            }
        )
    spec = setup.scenario.bargaining
    pair = spec.pairs[0] if spec and spec.pairs else ("boulware", "conceder")
    ran = _memo(setup, "model", lambda: _model_game(setup, pair))
    model_row = {
        "label": f"Model agents ({pair[0]} vs {pair[1]})",
        "outcome": outcome_text(setup, ran.agreement) if ran.agreement is not None else "no deal",
        "status": ran.status,
        "round": ran.round + 1,
    }
    # a person's seat played by the scenario's agent, against the same agent opponent
    in_seat = []
    for k, party in enumerate(setup.parties):
        other = setup.parties[1 - k]
        if setup.seats[party] is not None or setup.seats[other] is None:
            continue
        seats = [pair[0], pair[1]]
        seats[1 - k] = setup.seats[other]
        alt = _memo(setup, ("in-seat", party), lambda s=tuple(seats): _model_game(setup, s))
        in_seat.append(
            {
                "label": f"{setup.scenario.parties[party].name} played by {pair[k]} against "
                f"the same {setup.seats[other]}",
                "outcome": outcome_text(setup, alt.agreement)
                if alt.agreement is not None
                else "no deal",
                "status": alt.status,
                "round": alt.round + 1,
            }
        )
    return {
        "rows": rows,
        "model": model_row,
        "in_seat": in_seat,
        "briefs": {p: brief(setup, p) for p in setup.parties},
        "segment_events": list(seg.events),
    }
