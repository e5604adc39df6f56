"""What one seat may see of a game, as plain data: the JSON API returns it and the game page
renders it, so the two never drift apart.

Before the game ends a seat sees the public facts, its own brief, the moves (packages in words
with its *own* score), the ratifiers' verdicts (who voted a deal down, not where their limits
lie) and the offer form. The other seat's brief, weights, red lines, no-deal value and scores
appear only in the debrief, after the game is over.
"""

from __future__ import annotations

from typing import Any

from burdenshare.web import services

ACTION_WORDS = {
    "offer": "offered",
    "accept": "accepted",
    "walk-out": "walked out",
    "voided": "tentative deal voided",
    "ratified": "tentative deal ratified",
    "timedout": "deadline passed without a deal",
}


def score_words(score: float | None) -> str:
    """A seat's own score in words: below 0 the package crosses one of its red lines."""
    if score is None:
        return ""
    if score < 0:
        return "beyond your red lines (worse than no deal)"
    return f"{score:.2f}"


def _package(setup: services.Setup, outcome: int | None) -> dict[str, str] | None:
    if outcome is None:
        return None
    return {k: services._value_str(v) for k, v in setup.space.outcome(outcome).items()}


def game_view(
    game_id: str, row: Any, setup: services.Setup, state: services.GameState, party: str
) -> dict[str, Any]:
    names = {p: setup.scenario.parties[p].name for p in setup.parties}
    ratifier_names = {
        p: setup.scenario.parties[p].ratifier.name or setup.scenario.parties[p].ratifier.kind
        for p in setup.parties
    }
    history = []
    for e in state.events:
        item: dict[str, Any] = {
            "turn": e.turn,
            "round": e.round + 1,
            "party": e.party,
            "who": names.get(e.party, "") if e.party else "",
            "action": e.kind,
            "words": ACTION_WORDS.get(e.kind, e.kind),
        }
        if e.outcome is not None:
            item["package"] = _package(setup, e.outcome)
            item["text"] = services.outcome_text(setup, e.outcome)
            score = services.own_utility(setup, party, e.outcome, e.round)
            item["your_score"] = round(score, 2) + 0.0
            item["your_score_words"] = score_words(score)
        if e.kind == "phase":
            labels = {ev.id: ev.label or ev.id for ev in setup.scenario.events}
            item["words"] = (
                "the game changes ("
                + ", ".join(labels.get(x, x) for x in e.note.split(",") if x)
                + "): the table is cleared and offers start afresh"
            )
        if e.kind == "voided":
            item["rejected_by"] = [
                f"{ratifier_names[p]} ({names[p]})" for p in e.note.split(",") if p
            ]
        history.append(item)
    table = None
    if state.table is not None and not state.over:
        table = {
            "by": state.table_by,
            "package": _package(setup, state.table),
            "text": services.outcome_text(setup, state.table),
            "your_score": round(services.own_utility(setup, party, state.table, state.round), 2)
            + 0.0,
            "your_score_words": score_words(
                services.own_utility(setup, party, state.table, state.round)
            ),
        }
    over = state.over
    view: dict[str, Any] = {
        "game_id": game_id,
        "label": getattr(row, "label", "") or "",
        "you": party,
        "your_name": names[party],
        "parties": names,
        "seats": {p: ("human" if s is None else f"agent:{s}") for p, s in setup.seats.items()},
        "status": state.status,
        "over": over,
        "round": min(state.round, setup.rounds - 1) + 1,
        "rounds": setup.rounds,
        "round_label": services.round_label(state, min(state.round, setup.rounds - 1)),
        "to_move": state.to_move,
        "your_turn": state.to_move == party,
        "table": table,
        "struck": len(state.struck),
        "round_dates": [services.round_label(state, s) for s in range(setup.rounds)],
        "history": history,
        "brief": services.brief(setup, party),
    }
    view["brief"].pop("public", None)
    view["public"] = services.public(setup)
    if over:
        view["result"] = {
            "status": state.status,
            "agreement": _package(setup, state.agreement),
            "text": services.outcome_text(setup, state.agreement)
            if state.agreement is not None
            else "no deal",
            "ended_by": state.ended_by,
        }
        view["debrief"] = services.debrief(setup, state)
    else:
        view["options"] = services.offer_options(setup)
        view["struck_values"] = _struck_hint(setup, state)
    return view


def _struck_hint(setup: services.Setup, state: services.GameState) -> int:
    return len(state.struck)
