"""Agreements, escalation rules and the year-by-year ledger.

``Agreement`` is an alias of :class:`AgreementSpec`; ``schedule(Agreement(...))`` gives the exact
yearly amounts and :func:`ledger` the nominal/real/currency/per-troop table.
"""

from burdenshare.agreement.ledger import compare, convert, fx_rate, ledger, price_ratio, troops_in
from burdenshare.agreement.schedule import BASES, Schedule, YearRow, allocate, schedule
from burdenshare.scenario.agreement import (
    BUILTIN_INDICES,
    AgreementSpec,
    Category,
    Escalation,
    FixedEscalation,
    IndexEscalation,
    NoEscalation,
)

Agreement = AgreementSpec

__all__ = [
    "BASES",
    "BUILTIN_INDICES",
    "Agreement",
    "AgreementSpec",
    "Category",
    "Escalation",
    "FixedEscalation",
    "IndexEscalation",
    "NoEscalation",
    "Schedule",
    "YearRow",
    "allocate",
    "compare",
    "convert",
    "fx_rate",
    "ledger",
    "price_ratio",
    "schedule",
    "troops_in",
]
