"""Negotiation role-play: seats (human or agent), turns, private briefs, debrief. No I/O."""

from burdenshare.roleplay.brief import brief, format_value, outcome_text, public_facts
from burdenshare.roleplay.game import GameState, Move, MoveError, Setup, play, replay, solutions

__all__ = [
    "GameState",
    "Move",
    "MoveError",
    "Setup",
    "brief",
    "format_value",
    "outcome_text",
    "play",
    "public_facts",
    "replay",
    "solutions",
]
