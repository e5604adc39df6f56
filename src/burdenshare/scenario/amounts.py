"""The money amounts a scenario states, with their currency and year, and their size in US dollars.

Used by the checks on amounts whose size gives away a unit slip: 1,038.9 written for 1,038.9 bn
won (:mod:`.plausibility_checks`), $5 trillion for $5 bn (:mod:`.checks`). Amounts are compared
in US dollars at the bundled yearly average rate of their year (the nearest year the data have).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from burdenshare.money import CURRENCIES

if TYPE_CHECKING:
    from burdenshare.scenario.schema import Scenario

__all__ = ["MAX_USD", "MIN_USD", "Amount", "money_amounts", "usd"]

#: Below this many US dollars a year, an alliance cost-sharing amount is implausibly small.
MIN_USD = Decimal(1_000_000)
#: Above this many US dollars a year, an amount exceeds the largest defence budget in the world
#: (the US budget, about $0.9 trn in FY2024): no host nation can pay it toward stationing costs.
MAX_USD = Decimal(1_000_000_000_000)


@dataclass(frozen=True)
class Amount:
    """A money amount the scenario states: where, how much, in what currency, for what year."""

    loc: tuple[str | int, ...]
    value: Decimal
    currency: str
    year: int


def money_amounts(sc: Scenario) -> Iterator[Amount]:
    """The yearly totals of ``[agreement]`` and of each schedule that states its own
    (``first_year_total``, ``year_amounts`` of an escalation), and the bounds of every
    continuous issue whose unit is a currency code."""
    template = sc.agreement
    for sid, spec in sc.agreements().items():
        base: tuple[str | int, ...] = ("agreement",) if sid == "agreement" else ("schedules", sid)
        inherited = sid != "agreement" and (
            spec.first_year_total == template.first_year_total
            and spec.currency == template.currency
        )
        if not inherited:
            yield Amount(
                (*base, "first_year_total"),
                Decimal(spec.first_year_total),
                spec.currency,
                spec.first_year,
            )
        esc = spec.escalation
        amounts = getattr(esc, "year_amounts", None) or {}
        for year, value in amounts.items():
            if sid != "agreement" and spec.escalation == template.escalation:
                continue
            yield Amount((*base, "escalation", "year_amounts", year), Decimal(value),
                         spec.currency, int(year))  # fmt: skip
    year = sc.meta.as_of.year
    for iid, issue in sc.issues.items():
        unit = str(getattr(issue, "unit", "") or "")
        if issue.type == "continuous" and unit in CURRENCIES:
            for bound in ("min", "max"):
                value = getattr(issue, bound)
                if value is not None:
                    yield Amount(("issues", iid, bound), Decimal(str(value)), unit, year)


def usd(amount: Amount) -> Decimal:
    """``amount`` in US dollars at the bundled yearly average rate of its year (the last
    earlier year the data have, or the first one for a year before them)."""
    from burdenshare import data

    if amount.currency == "USD":
        return amount.value
    rates = data.fx_table()[amount.currency]
    earlier = [y for y in rates if y <= amount.year]
    rate = rates[max(earlier)] if earlier else rates[min(rates)]
    return amount.value / rate
