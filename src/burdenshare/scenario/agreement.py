"""What an agreement is: categories, a first-year amount, an escalation rule, a duration.

These pydantic models are the single schema for agreements: the scenario file's ``[agreement]``
and ``[schedules.*]`` tables, the Python API and the web forms all use them. They are section
models of the scenario layer; :mod:`burdenshare.agreement` turns them into schedules and
ledgers. Amounts are Decimal in major currency units; percentages are Decimal percent (``13.9``
means +13.9 %).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from burdenshare.money import Currency
from burdenshare.spec_base import Sourced, Strict

Percent = Annotated[Decimal, Field(ge=Decimal(-100), le=Decimal(1000))]
NonNegativeAmount = Annotated[Decimal, Field(ge=0)]
Year = Annotated[int, Field(ge=1900, le=2200)]

#: Index series the package ships (see ``burdenshare.data``); scenarios may add their own.
BUILTIN_INDICES: tuple[str, ...] = ("rok_cpi", "rok_defense_budget")


class Category(Sourced):
    """One cost category of the first-year total (labor, construction, logistics, or any new one).

    Give either ``share`` (fraction of the first-year total) or ``amount`` (in the agreement's
    currency); within one agreement all categories use the same form.
    """

    name: str = Field(min_length=1, description="Category name.", examples=["labor"])
    share: Annotated[Decimal, Field(ge=0, le=1)] | None = Field(
        default=None, description="Fraction of the first-year total (0-1).", examples=["0.48"]
    )
    amount: NonNegativeAmount | None = Field(
        default=None, description="First-year amount in the agreement's currency."
    )
    description: str = ""
    new: bool = Field(
        default=False,
        description="True for a category outside the existing framework (e.g. rotational forces).",
    )

    @model_validator(mode="after")
    def _one_of_share_or_amount(self) -> Category:
        if (self.share is None) == (self.amount is None):
            raise ValueError("give exactly one of 'share' or 'amount'")
        return self


class _EscalationBase(Strict):
    """Fields every escalation rule has: year-specific exceptions to the rule."""

    frozen_years: list[Year] = Field(
        default_factory=list,
        description="Years whose amount equals the previous year's (no escalation).",
        examples=[[2020]],
    )
    year_percent: dict[Year, Percent] = Field(
        default_factory=dict,
        description="Explicit change over the previous year for given years, in percent.",
        examples=[{2021: "13.9"}],
    )
    year_amounts: dict[Year, NonNegativeAmount] = Field(
        default_factory=dict,
        description="Explicit total for given years, in the agreement's currency.",
    )


class NoEscalation(_EscalationBase):
    """Flat: every year equals the first year (unless an exception says otherwise)."""

    kind: Literal["none"] = "none"


class FixedEscalation(_EscalationBase):
    """amount[y] = amount[y-1] × (1 + percent/100)."""

    kind: Literal["fixed"] = "fixed"
    percent: Percent = Field(description="Yearly change in percent.", examples=["10"])


class IndexEscalation(_EscalationBase):
    """amount[y] = amount[y-1] × (1 + clip(index[y-lag] + plus_percent, floor, cap)/100).

    ``index`` names a yearly percent-change series: ``rok_cpi`` (ROK consumer prices),
    ``rok_defense_budget`` (ROK main defence budget growth), or one in the scenario's ``[indices]``.
    Years without data use ``assumed_percent`` if set (flagged as an assumption in the ledger),
    otherwise they are an error.
    """

    kind: Literal["index"] = "index"
    index: str = Field(min_length=1, examples=["rok_cpi"])
    lag: Annotated[int, Field(ge=0, le=10)] = Field(
        default=0, description="Use the index of this many years before.", examples=[2]
    )
    plus_percent: Percent = Field(
        default=Decimal(0), description="Added to the index (5th SMA: +8.8 %).", examples=["8.8"]
    )
    floor_percent: Percent | None = Field(default=None, description="Lowest yearly change, %.")
    cap_percent: Percent | None = Field(
        default=None, description="Highest yearly change, %.", examples=["5"]
    )
    assumed_percent: Percent | None = Field(
        default=None, description="Index value assumed for years the data do not cover, %."
    )

    @model_validator(mode="after")
    def _cap_not_below_floor(self) -> IndexEscalation:
        if (
            self.floor_percent is not None
            and self.cap_percent is not None
            and self.cap_percent < self.floor_percent
        ):
            raise ValueError(
                f"cap_percent ({self.cap_percent}) is below floor_percent ({self.floor_percent})"
            )
        return self


Escalation = Annotated[
    NoEscalation | FixedEscalation | IndexEscalation, Field(discriminator="kind")
]


class AgreementSpec(Sourced):
    """A cost-sharing agreement: who pays how much, in what currency, for how long."""

    name: str = Field(min_length=1, examples=["11th SMA (signed 2021)"])
    first_year: Year = Field(examples=[2020])
    duration: Annotated[int, Field(ge=1, le=100)] = Field(description="Years.", examples=[6])
    currency: Currency = Field(examples=["KRW"])
    first_year_total: NonNegativeAmount = Field(
        description="Total for the first year, in `currency` major units.",
        examples=["1038900000000"],
    )
    rounding: Annotated[Decimal, Field(gt=0)] = Field(
        default=Decimal(1),
        description=(
            "Each year's total is rounded half-up to a multiple of this (SMA: 100 million won)."
        ),
        examples=["100000000"],
    )
    categories: list[Category] = Field(default_factory=list)
    escalation: Escalation = Field(default_factory=NoEscalation)
    troops: Annotated[int, Field(ge=0)] | dict[Year, Annotated[int, Field(ge=0)]] = Field(
        default=28_500,
        description="Stationed troops: one number, or a path {year: troops} (held between years).",
    )

    @property
    def last_year(self) -> int:
        return self.first_year + self.duration - 1

    @property
    def years(self) -> range:
        return range(self.first_year, self.first_year + self.duration)

    @model_validator(mode="after")
    def _consistent(self) -> AgreementSpec:
        problems: list[str] = []
        shares = [c.share for c in self.categories if c.share is not None]
        amounts = [c.amount for c in self.categories if c.amount is not None]
        if shares and amounts:
            problems.append("categories mix 'share' and 'amount'; use one form")
        elif shares and abs(sum(shares) - 1) > Decimal("0.0005"):
            problems.append(f"category shares sum to {sum(shares)}, expected 1")
        elif amounts and sum(amounts) != self.first_year_total:
            problems.append(
                f"category amounts sum to {sum(amounts)}, expected first_year_total "
                f"{self.first_year_total}"
            )
        names = [c.name for c in self.categories]
        if len(set(names)) != len(names):
            problems.append("category names repeat")
        esc = self.escalation
        for label, years in (
            ("frozen_years", esc.frozen_years),
            ("year_percent", list(esc.year_percent)),
            ("year_amounts", list(esc.year_amounts)),
        ):
            outside = [y for y in years if y not in self.years]
            if outside:
                problems.append(
                    f"escalation.{label} has years {outside} outside "
                    f"{self.first_year}-{self.last_year}"
                )
            if label != "year_amounts" and self.first_year in years:
                problems.append(f"escalation.{label} cannot apply to the first year")
        if problems:
            raise ValueError("; ".join(problems))
        return self
