"""Private briefs, public facts, and the numbers of a role-play as people read them.

No I/O. A seat's brief is what a negotiation class hands each side: the scenario's public facts
(issues, both openings, the calendar, the events, who ratifies) and its own confidential part
(goals and weights, red lines, the no-deal value, its ratifier's limit, and the scenario's note on
them). :func:`secret_values` lists a side's private numbers and text, for tests that check they
never reach the other seat.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from burdenshare.bargaining.talks import ratifier_limits
from burdenshare.roleplay.game import GameState, Setup

__all__ = ["brief", "format_value", "outcome_text", "public_facts", "secret_values"]

_MONEY = {"KRW", "USD", "JPY"}


def format_value(setup: Setup, issue: str, value: Any) -> str:
    """One issue value in words: ``1,142.8 bn KRW``, ``3 years``, ``yes``."""
    spec = setup.scenario.issues[issue]
    unit = getattr(spec, "unit", "") or ""
    if spec.type == "boolean" or isinstance(value, bool):
        return "yes" if value else "no"
    if spec.type == "categorical":
        return str(value)
    x = float(value)
    if unit in _MONEY and abs(x) >= 1e9:
        return f"{x / 1e9:,.1f} bn {unit}"
    if spec.type == "integer":
        n = round(x)
        return f"{n} {unit[:-1] if n == 1 and unit.endswith('s') else unit}".strip()
    return f"{x:,.6g} {unit}".strip()


def outcome_text(setup: Setup, outcome: int | None) -> str:
    if outcome is None:
        return "none"
    values = setup.space.outcome(outcome)
    return "; ".join(
        f"{k.replace('_', ' ')} {format_value(setup, k, v)}" for k, v in values.items()
    )


def _party_name(setup: Setup, party: str) -> str:
    return setup.scenario.parties[party].name


def public_facts(setup: Setup) -> dict[str, Any]:
    """What both seats know: the case, the issues, both openings, the calendar, the events,
    who ratifies (not where their limits lie)."""
    sc = setup.scenario
    issues = []
    for iid, spec in sc.issues.items():
        if iid not in [i.name for i in setup.space.issues]:
            continue
        row: dict[str, Any] = {"id": iid, "type": spec.type, "description": spec.description}
        if spec.type in ("continuous", "integer"):
            row["range"] = (
                f"{format_value(setup, iid, spec.min)} to {format_value(setup, iid, spec.max)}"
            )
        issues.append(row)
    openings = {}
    for p in setup.parties:
        pref = sc.preferences.get(p)
        ideal = pref.ideal if pref else {}
        openings[p] = {
            k: format_value(setup, k, v)
            for k, v in ideal.items()
            if k in sc.issues and v is not None
        }
    ratifiers = {
        p: {
            "name": sc.parties[p].ratifier.name or sc.parties[p].ratifier.kind,
            "kind": sc.parties[p].ratifier.kind,
        }
        for p in setup.parties
    }
    dates = setup.dates or []
    events = [
        {
            "date": e.date.isoformat(),
            "label": getattr(e, "label", "") or e.id,
            "description": e.description,
        }
        for e in sc.events
        if not dates or dates[0] <= e.date <= dates[-1]
    ]
    return {
        "title": sc.meta.title,
        "as_of": sc.meta.as_of.isoformat(),
        "description": " ".join(sc.meta.description.split()),
        "parties": {p: _party_name(setup, p) for p in setup.parties},
        "issues": issues,
        "openings": openings,
        "ratifiers": ratifiers,
        "rounds": setup.rounds,
        "round_dates": [d.isoformat() for d in dates],
        "events": events,
    }


def _event_changes(setup: Setup, party: str) -> list[str]:
    """Events in the game's calendar that change this party's own private values."""
    out = []
    prefixes = (f"preferences.{party}.", f"parties.{party}.ratifier.")
    for e in setup.scenario.events:
        if not e.set or e.id not in setup.happened:
            continue
        mine = {k: v for k, v in e.set.items() if k.startswith(prefixes)}
        if not mine:
            continue
        when = (e.starts if hasattr(e, "starts") else e.date).isoformat()
        for path, value in mine.items():
            issue = path.rsplit(".", 1)[-1]
            shown = (
                format_value(setup, issue, value)
                if issue in setup.scenario.issues
                else f"{float(value):.2f}"
            )
            out.append(f"From {when} ({e.label or e.id}): {_describe_path(path)} becomes {shown}.")
    return out


def _describe_path(path: str) -> str:
    parts = path.split(".")
    if "ratifier" in parts:
        return f"your ratifier's limit on {parts[-1].replace('_', ' ')}"
    if parts[-1] == "reservation_value":
        return "your no-deal value"
    if "reservation" in parts:
        return f"your red line on {parts[-1].replace('_', ' ')}"
    return path


def brief(setup: Setup, party: str) -> dict[str, Any]:
    """The seat's brief: public facts and its private instructions."""
    sc = setup.scenario
    pref = sc.preferences.get(party)
    weights = dict(pref.weights) if pref else {}
    total = sum(float(w) for w in weights.values()) or 1.0
    red_lines = {
        k: format_value(setup, k, v)
        for k, v in (pref.reservation.items() if pref else [])
        if k in sc.issues
    }
    limits = {
        k: format_value(setup, k, v)
        for k, v in ratifier_limits(sc, party).items()
        if k in sc.issues
    }
    ratifier = sc.parties[party].ratifier
    other = next(p for p in setup.parties if p != party)
    goals = {
        k: format_value(setup, k, v)
        for k, v in (pref.ideal.items() if pref else [])
        if k in sc.issues and v is not None
    }
    return {
        "party": party,
        "name": _party_name(setup, party),
        "other": other,
        "other_name": _party_name(setup, other),
        "opens": setup.side(party) == 0,
        "goals": goals,
        "weights": {k: f"{100 * float(w) / total:.0f}%" for k, w in weights.items()},
        "red_lines": red_lines,
        "no_deal_value": f"{float(pref.reservation_value):.2f}" if pref else "0.00",
        "ratifier": {
            "name": ratifier.name or ratifier.kind,
            "kind": ratifier.kind,
            "limits": limits,
        },
        "changes": _event_changes(setup, party),
        "note": " ".join((pref.note or "").split()) if pref else "",
        "public": public_facts(setup),
    }


def secret_values(setup: Setup, party: str) -> dict[str, Any]:
    """The party's private numbers (raw) and texts, for privacy checks."""
    sc = setup.scenario
    pref = sc.preferences.get(party)
    numbers: dict[str, float] = {}
    if pref:
        for k, w in pref.weights.items():
            numbers[f"weight.{k}"] = float(w)
        for k, v in pref.reservation.items():
            if (not isinstance(v, bool) and isinstance(v, int | float)) or hasattr(v, "as_tuple"):
                numbers[f"reservation.{k}"] = float(v)
        numbers["reservation_value"] = float(pref.reservation_value)
    for k, v in ratifier_limits(sc, party).items():
        if not isinstance(v, bool):
            numbers[f"limit.{k}"] = float(v)
    texts = [" ".join(pref.note.split())] if pref and pref.note else []
    return {"numbers": numbers, "texts": texts}


def round_label(state: GameState, s: int) -> str:
    d = state.date(s)
    return f"round {s + 1} of {state.setup.rounds}" + (f" ({_day(d)})" if d else "")


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%b} {d.year}"
