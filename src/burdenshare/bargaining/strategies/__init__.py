"""Negotiation strategies and their registry, :data:`STRATEGIES`.

``make_strategy("boulware")`` builds a named strategy; ``list(STRATEGIES)`` lists the names.
Registration order (and so the order of every table and CLI choice) is the import order below.
"""

from burdenshare.bargaining.strategies.base import (
    STRATEGIES,
    Act,
    Action,
    Reason,
    SideView,
    Strategy,
    StrategyEntry,
    make_strategy,
)
from burdenshare.bargaining.strategies.concession import NashSeeker, TimeDependent, WalkOut
from burdenshare.bargaining.strategies.reactive import RandomOffers, RelativeTitForTat

__all__ = [
    "STRATEGIES",
    "Act",
    "Action",
    "NashSeeker",
    "RandomOffers",
    "Reason",
    "RelativeTitForTat",
    "SideView",
    "Strategy",
    "StrategyEntry",
    "TimeDependent",
    "WalkOut",
    "make_strategy",
]
