"""Currencies and exact money arithmetic.

Amounts are :class:`decimal.Decimal` in major units (won, dollars, yen). Arithmetic runs in a local
decimal context with 34 significant digits, so rounding happens only where a rule says so (an
agreement's published rounding quantum) or for display.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Literal

from burdenshare.errors import ProgrammerError

Currency = Literal["KRW", "USD", "JPY"]
CURRENCIES: tuple[str, ...] = ("KRW", "USD", "JPY")
#: ISO 4217 minor units: KRW and JPY have none, USD has cents.
MINOR_UNITS: dict[str, int] = {"KRW": 0, "USD": 2, "JPY": 0}

MONEY_CONTEXT = Context(prec=34, rounding=ROUND_HALF_UP)


def money_context() -> localcontext:  # type: ignore[valid-type]
    """Context manager for exact money arithmetic."""
    return localcontext(MONEY_CONTEXT)


def quantize(amount: Decimal, quantum: Decimal) -> Decimal:
    """Round ``amount`` half-up to a multiple of ``quantum`` (e.g. 100,000,000 won)."""
    if quantum <= 0:
        raise ProgrammerError("quantum must be positive")
    with money_context():
        steps = (amount / quantum).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return steps * quantum


def to_minor_units(amount: Decimal, currency: str) -> int:
    """Integer minor units (won, cents, yen), rounded half-up."""
    with money_context():
        scaled = amount.scaleb(MINOR_UNITS[currency])
        return int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_amount(amount: Decimal | float, currency: str) -> str:
    """Human-readable amount: 1.0389 trillion won -> '1,038.9 bn KRW'."""
    value = float(amount)
    mag = abs(value)
    if mag >= 1e12:
        return f"{value / 1e12:,.4f} trn {currency}"
    if mag >= 1e9:
        return f"{value / 1e9:,.1f} bn {currency}"
    if mag >= 1e6:
        return f"{value / 1e6:,.1f} M {currency}"
    return f"{value:,.{MINOR_UNITS.get(currency, 2)}f} {currency}"
