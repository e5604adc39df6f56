"""The scenario file's schema: one pydantic model per section.

A scenario is one TOML file. Its top-level tables are the sections of :class:`Scenario`: ``meta``,
``sources``, ``parties``, ``issues``, ``preferences``, ``agreement``, ``schedules``,
``events``, ``indices``, ``ledger``, ``bargaining``, ``actors``, ``uncertainty`` and ``hindsight``.
Every model inherits
:class:`~burdenshare.spec_base.Strict` (an unknown key is an error) or
:class:`~burdenshare.spec_base.Sourced` (figures cite ``[sources]`` ids or say ``estimate =
true``). Checks across sections (a preference for an issue that does not exist, a source id that is
not in ``[sources]``) live in :mod:`burdenshare.scenario.checks`.

Adding a section is one model here and one field on :class:`Scenario` (plus, if it refers to other
sections, one check function registered in ``checks.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainValidator,
    PrivateAttr,
    StrictBool,
    StrictInt,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from burdenshare.money import Currency
from burdenshare.scenario.agreement import AgreementSpec, Year
from burdenshare.scenario.checks import run_checks
from burdenshare.scenario.findings import Finding, check_error, raise_findings
from burdenshare.scenario.raw import content_hash, merge_schedules
from burdenshare.scenario.render import toml_value
from burdenshare.scenario.uncertainty import UncertaintySpec
from burdenshare.spec_base import Sourced, Strict

__all__ = [
    "ActorDimension",
    "ActorSpec",
    "ActorsSection",
    "BargainingSpec",
    "BooleanIssue",
    "CategoricalIssue",
    "ContinuousIssue",
    "Event",
    "ForecastNoise",
    "Hindsight",
    "HindsightFact",
    "IndexSeries",
    "IntegerIssue",
    "Issue",
    "IssueValue",
    "LedgerSpec",
    "Member",
    "Meta",
    "Negotiator",
    "OutsideOption",
    "Party",
    "Preference",
    "RatifierSpec",
    "Scenario",
    "Source",
    "Troops",
    "TypeDoc",
]


# --------------------------------------------------------------------------- value types
@dataclass(frozen=True)
class TypeDoc:
    """Annotation marker: how the field reference (docs/scenario.md) names a custom type."""

    text: str


def _number_only(value: Any, info: ValidationInfo) -> Any:
    """Refuse text and booleans where a number is wanted ("5" is a string in TOML).

    JSON input may carry decimals as text (that is how pydantic dumps them), so there text passes.
    """
    if info.mode == "json" and isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise PydanticCustomError("number_type", "Input should be a number")
    return value


#: A finite number (TOML integer or float).
Number = Annotated[float, BeforeValidator(_number_only), Field(allow_inf_nan=False)]
#: A finite number in [0, 1].
Unit = Annotated[float, BeforeValidator(_number_only), Field(ge=0, le=1, allow_inf_nan=False)]


def _date_only(value: Any, info: ValidationInfo) -> Any:
    """A TOML date only: text ("2019-11-19" in quotes) and date-times are mistakes.

    JSON input carries dates as ISO text (that is how pydantic dumps them), so there text passes.
    """
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if info.mode == "json" and isinstance(value, str):
        return value
    raise PydanticCustomError("date_type", "Input should be a valid date")


#: A TOML date (``2019-11-19``, unquoted).
Date = Annotated[dt.date, BeforeValidator(_date_only)]

_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _id(value: str) -> str:
    if not _ID.match(value):
        raise check_error(
            "invalid id",
            expected="letters, digits, '_' and '-' (a bare TOML key)",
            found=toml_value(value),
        )
    return value


#: An identifier: a key of ``[sources]``, ``[parties]``, ``[issues]``, ``[schedules]``, ...
Id = Annotated[str, AfterValidator(_id), TypeDoc("id")]


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise check_error(
            "invalid id",
            expected="a slug: lowercase letters and digits, single hyphens (e.g. sma-2019)",
            found=toml_value(value),
        )
    return value


def _http_url(value: str) -> str:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.netloc
        or any(c.isspace() for c in value)
    ):
        raise check_error(
            "not a web address", expected="an http:// or https:// URL", found=toml_value(value)
        )
    return value


_PARTIAL_DATE = re.compile(r"^(\d{4}(-(0[1-9]|1[0-2]))?|n\.d\.)$")


def _publication_date(value: Any, info: ValidationInfo) -> dt.date | str:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _PARTIAL_DATE.match(value):
        return value
    if info.mode == "json" and isinstance(value, str):  # a dumped date
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError(
        "publication_date",
        "Input should be a date",
        {
            "expected": 'a TOML date such as 2019-11-19, or "2019-11" / "2019" when only the '
            'month or year is known, or "n.d." (no date)'
        },
    )


#: A publication date: a TOML date, "YYYY-MM" / "YYYY" text when only that is known, or "n.d."
PublicationDate = Annotated[
    dt.date | str,
    PlainValidator(_publication_date),
    TypeDoc('date, or "YYYY-MM" / "YYYY" / "n.d."'),
]


def _issue_value(value: Any) -> bool | int | float | str:
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float | Decimal):
        return float(value)
    raise PydanticCustomError(
        "issue_value_type",
        "Input should be a number, boolean or text",
        {"expected": "a number, true/false or text, as the issue's type requires"},
    )


#: A value on an issue: a number (continuous, integer), text (categorical) or true/false.
IssueValue = Annotated[
    bool | int | float | str,
    PlainValidator(_issue_value),
    TypeDoc("number | integer | text | boolean (per the issue's type)"),
]


def _threshold(value: Any) -> str | float:
    if value in ("simple_majority", "two_thirds") and isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = float(value)
        if 0 < number <= 1:
            return number
    raise PydanticCustomError(
        "threshold",
        "Input should be a threshold",
        {"expected": '"simple_majority", "two_thirds" or a fraction in (0, 1]'},
    )


Threshold = Annotated[
    str | float,
    PlainValidator(_threshold),
    TypeDoc('"simple_majority" | "two_thirds" | number in (0, 1]'),
]

_ISSUE_DOC = TypeDoc("table: issue id → value")


def _fmt(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,g}"


# --------------------------------------------------------------------------- [meta]
class Meta(Strict):
    """What the scenario is: a title, a short id, the date it describes and its main currency."""

    title: str = Field(min_length=1, description="Title.", examples=["11th SMA talks, Nov 2019"])
    id: Annotated[str, AfterValidator(_slug), TypeDoc("slug")] = Field(
        description="Short id: lowercase letters, digits and hyphens.", examples=["sma-2019"]
    )
    as_of: Date = Field(
        description="The date the scenario describes (facts after it are out of scope).",
        examples=[dt.date(2019, 11, 19)],
    )
    base_currency: Currency = Field(
        default="KRW", description="Currency of the analysis: KRW, USD or JPY.", examples=["KRW"]
    )
    description: str = Field(
        default="",
        description="A paragraph on the situation.",
        examples=["The US asks about $5 bn a year; Seoul insists on the existing framework."],
    )


# --------------------------------------------------------------------------- [sources]
class Source(Strict):
    """A publication that figures in the scenario cite by its id."""

    title: str = Field(min_length=1, description="Title or headline.", examples=["DeHart remarks"])
    url: Annotated[str, AfterValidator(_http_url), TypeDoc("http(s) URL")] = Field(
        description="Where to read it.",
        examples=[
            "https://kr.usembassy.gov/111919-senior-advisor-james-deharts-remarks-to-the-press/"
        ],
    )
    date: PublicationDate = Field(
        description='Publication date; "YYYY-MM" or "YYYY" (text) if only that is known, '
        '"n.d." for undated pages (reference works, data tables).',
        examples=[dt.date(2019, 11, 19)],
    )
    accessed: Date | None = Field(
        default=None, description="When it was last checked.", examples=[dt.date(2025, 12, 1)]
    )
    note: str = Field(
        default="",
        description="What the source supports; caveats.",
        examples=["States the ~$5 bn demand."],
    )


# --------------------------------------------------------------------------- [parties]
class Negotiator(Sourced):
    """The party's chief negotiator."""

    name: str = Field(min_length=1, description="Name.", examples=["James DeHart"])
    title: str = Field(default="", description="Position.", examples=["Senior Advisor"])


class Member(Strict):
    """One bloc of a legislature (a party group), for later vote models."""

    name: str = Field(min_length=1, description="Bloc name.", examples=["Democratic Party"])
    seats: StrictInt = Field(ge=1, description="Seats held.", examples=[129])
    ideal: Annotated[dict[str, IssueValue], _ISSUE_DOC] = Field(
        default_factory=dict,
        description="The bloc's preferred value per issue.",
        examples=[{"contribution": 1_100_000_000_000}],
    )
    tolerance: Number | None = Field(
        default=None,
        ge=0,
        description="How far from its ideal the bloc still votes yes.",
        examples=[0.1],
    )
    position: str = Field(
        default="",
        description="Stance in words.",
        examples=["governing party; backs the government's line"],
    )


class RatifierSpec(Sourced):
    """Who must approve a deal at home before it takes effect."""

    kind: Literal["none", "legislature", "veto_players"] = Field(
        description="none (the executive decides), legislature, or a set of veto players.",
        examples=["legislature"],
    )
    name: str = Field(default="", description="Name of the body.", examples=["National Assembly"])
    consent_required: StrictBool = Field(
        default=False,
        description="True when the deal cannot take effect without consent.",
        examples=[True],
    )
    threshold: Threshold = Field(
        default="simple_majority",
        description="Votes needed: simple_majority, two_thirds or a fraction of seats.",
        examples=["simple_majority"],
    )
    seats: StrictInt | None = Field(
        default=None, ge=1, description="Seats (required for a legislature).", examples=[300]
    )
    members: list[Member] = Field(
        default_factory=list,
        description="Blocs of the legislature (optional).",
        examples=[[{"name": "Democratic Party", "seats": 129}]],
    )
    limits: Annotated[dict[str, IssueValue], _ISSUE_DOC] = Field(
        default_factory=dict,
        description="Worst value per issue the ratifier accepts (e.g. the legislature's "
        "ceiling on a payment); a numeric limit bounds the issue on the party's ideal side. "
        "Without it, the party's `[preferences].reservation` values are the limits.",
        examples=[{"contribution": 1_174_000_000_000}],
    )
    veto_players: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list,
        description="Names of the veto players (kind veto_players).",
        examples=[["President", "Senate"]],
    )

    @model_validator(mode="after")
    def _fits_kind(self) -> RatifierSpec:
        found: list[Finding] = []
        if self.kind == "legislature" and self.seats is None:
            found.append(
                Finding(
                    ("seats",),
                    "a legislature needs its number of seats",
                    expected="an integer >= 1",
                )
            )
        if self.kind != "legislature":
            for name in ("seats", "members"):
                if getattr(self, name):
                    found.append(
                        Finding(
                            (name,),
                            f"only a legislature has {name}",
                            expected='kind = "legislature"',
                            found=self.kind,
                        )
                    )
        if self.kind == "veto_players" and not self.veto_players:
            found.append(
                Finding(("veto_players",), "no veto players named", expected="at least one name")
            )
        if self.kind != "veto_players" and self.veto_players:
            found.append(
                Finding(
                    ("veto_players",),
                    "only kind veto_players has veto_players",
                    expected='kind = "veto_players"',
                    found=self.kind,
                )
            )
        if self.kind == "none" and self.consent_required:
            found.append(
                Finding(
                    ("consent_required",),
                    "no ratifier cannot require consent",
                    expected="false, or a kind other than none",
                    found="true",
                )
            )
        if len(set(self.veto_players)) != len(self.veto_players):
            found.append(Finding(("veto_players",), "veto players repeat"))
        names = [m.name for m in self.members]
        for i, name in enumerate(names):
            if name in names[:i]:
                found.append(Finding(("members", i, "name"), f"member '{name}' repeats"))
        total = sum(m.seats for m in self.members)
        if self.seats is not None and total > self.seats:
            found.append(
                Finding(
                    ("members",),
                    "members hold more seats than the legislature",
                    expected=f"at most {self.seats} in all",
                    found=str(total),
                )
            )
        raise_findings("Ratifier", found)
        return self


class Troops(Sourced):
    """Troops the sending party stations in the host country, and the legal floor on them."""

    current: StrictInt = Field(ge=0, description="Troops stationed now.", examples=[28_500])
    legal_floor: StrictInt = Field(
        default=0,
        ge=0,
        description="Level the law forbids going below (0: none).",
        examples=[28_500],
    )


class Party(Strict):
    """One government at the table: the sending state (troops abroad) or the host."""

    name: str = Field(min_length=1, description="Name.", examples=["United States"])
    role: Literal["sending", "host"] = Field(
        description="sending (stations troops) or host.", examples=["sending"]
    )
    negotiator: Negotiator = Field(
        description="Chief negotiator.",
        examples=[{"name": "James DeHart", "source": ["usembassy-2019-11-19"]}],
    )
    ratifier: RatifierSpec = Field(
        default_factory=lambda: RatifierSpec(kind="none"),
        description="Domestic approval step (default: none).",
        examples=[{"kind": "none"}],
    )
    troops: Troops | None = Field(
        default=None,
        description="Sending party only.",
        examples=[{"current": 28_500, "legal_floor": 28_500}],
    )
    opening: Id | None = Field(
        default=None,
        description="The schedule (`[schedules.<id>]`) that states this party's opening position "
        "(the sending state's ask, the host's offer), once: `[bargaining] terms` carries it onto "
        "the issues, where it is the party's ideal unless `[preferences]` says otherwise, and "
        "actors that voice the party take it as their position.",
        examples=["us_demand"],
    )

    @model_validator(mode="after")
    def _troops_for_sender(self) -> Party:
        if self.troops is not None and self.role != "sending":
            raise_findings(
                "Party",
                [
                    Finding(
                        ("troops",),
                        "only the sending party has troops",
                        expected='role = "sending"',
                        found=self.role,
                    )
                ],
            )
        return self


# --------------------------------------------------------------------------- [issues]
class _IssueBase(Sourced):
    description: str = Field(
        default="",
        description="What is being decided.",
        examples=["ROK contribution for 2020, in won."],
    )

    def check_value(self, value: object) -> str | None:
        """``None`` when ``value`` lies in the issue's domain, else the expected domain."""
        raise NotImplementedError

    def domain(self) -> str:
        """The issue's domain in words."""
        raise NotImplementedError


class ContinuousIssue(_IssueBase):
    """A quantity on a continuous scale (an amount of money)."""

    type: Literal["continuous"] = Field(description='"continuous".', examples=["continuous"])
    min: Number = Field(description="Lowest value considered.", examples=[900_000_000_000])
    max: Number = Field(description="Highest value considered.", examples=[6_000_000_000_000])
    unit: str = Field(default="", description="Unit of min, max and values.", examples=["KRW"])
    step: Number | None = Field(
        default=None,
        gt=0,
        description="Grid step for discrete analyses (optional).",
        examples=[100_000_000],
    )

    @field_validator("max")
    @classmethod
    def _above_min(cls, value: float, info: ValidationInfo) -> float:
        low = info.data.get("min")
        if low is not None and not value > low:
            raise check_error(
                "range is empty or reversed",
                expected=f"a number greater than min ({_fmt(low)})",
                found=_fmt(value),
            )
        return value

    @field_validator("step")
    @classmethod
    def _step_fits(cls, value: float | None, info: ValidationInfo) -> float | None:
        low, high = info.data.get("min"), info.data.get("max")
        if value is not None and low is not None and high is not None and value > high - low:
            raise check_error(
                "step is wider than the range",
                expected=f"at most max - min ({_fmt(high - low)})",
                found=_fmt(value),
            )
        return value

    def check_value(self, value: object) -> str | None:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok and self.min <= value <= self.max:  # type: ignore[operator]
            return None
        return f"a number from {_fmt(self.min)} to {_fmt(self.max)}" + (
            f" {self.unit}" if self.unit else ""
        )

    def domain(self) -> str:
        return f"{_fmt(self.min)} – {_fmt(self.max)}" + (f" {self.unit}" if self.unit else "")


class IntegerIssue(_IssueBase):
    """A whole number (a duration in years)."""

    type: Literal["integer"] = Field(description='"integer".', examples=["integer"])
    min: StrictInt = Field(description="Lowest value.", examples=[1])
    max: StrictInt = Field(description="Highest value.", examples=[6])
    unit: str = Field(default="", description="Unit.", examples=["years"])

    @field_validator("max")
    @classmethod
    def _above_min(cls, value: int, info: ValidationInfo) -> int:
        low = info.data.get("min")
        if low is not None and not value > low:
            raise check_error(
                "range is empty or reversed",
                expected=f"an integer greater than min ({low})",
                found=str(value),
            )
        return value

    def check_value(self, value: object) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool) and self.min <= value <= self.max:
            return None
        return f"an integer from {self.min} to {self.max}"

    def domain(self) -> str:
        return f"{self.min} – {self.max}" + (f" {self.unit}" if self.unit else "")


class CategoricalIssue(_IssueBase):
    """One of a list of named options."""

    type: Literal["categorical"] = Field(description='"categorical".', examples=["categorical"])
    values: list[Annotated[str, Field(min_length=1)]] = Field(
        min_length=2,
        description="The options (at least two, distinct).",
        examples=[["none", "fixed", "cpi", "defense_budget"]],
    )

    @field_validator("values")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        repeated = sorted({v for v in value if value.count(v) > 1})
        if repeated:
            raise check_error(
                "options repeat", expected="distinct values", found=", ".join(repeated)
            )
        return value

    def check_value(self, value: object) -> str | None:
        if isinstance(value, str) and value in self.values:
            return None
        return "one of " + ", ".join(f'"{v}"' for v in self.values)

    def domain(self) -> str:
        return ", ".join(self.values)


class BooleanIssue(_IssueBase):
    """Yes or no (is a new cost category accepted?)."""

    type: Literal["boolean"] = Field(description='"boolean".', examples=["boolean"])

    def check_value(self, value: object) -> str | None:
        return None if isinstance(value, bool) else "true or false"

    def domain(self) -> str:
        return "yes / no"


Issue = Annotated[
    ContinuousIssue | IntegerIssue | CategoricalIssue | BooleanIssue, Field(discriminator="type")
]


# --------------------------------------------------------------------------- [preferences]
class OutsideOption(Sourced):
    """What the party does if there is no deal, and what that is worth to it."""

    description: str = Field(
        min_length=1,
        description="The alternative to a deal.",
        examples=["cut troops toward the legal floor"],
    )
    utility: Unit = Field(description="Its utility on the 0-1 scale.", examples=[0.3])
    available_from: Date | None = Field(
        default=None, description="From when it can be used.", examples=[dt.date(2020, 4, 1)]
    )


class Preference(Sourced):
    """How a party values outcomes: weights, ideal points and what it gets without a deal."""

    weights: Annotated[dict[str, Number], TypeDoc("table: issue id → number >= 0")] = Field(
        description="Importance per issue (>= 0, not all 0; normalised by their sum).",
        examples=[{"contribution": 0.6, "duration": 0.1, "new_category": 0.3}],
    )
    ideal: Annotated[dict[str, IssueValue], _ISSUE_DOC] = Field(
        default_factory=dict,
        description="Best value per issue (required for each issue with a weight > 0).",
        examples=[{"duration": 1, "new_category": True}],
    )
    reservation: Annotated[dict[str, IssueValue], _ISSUE_DOC] = Field(
        default_factory=dict,
        description="Worst acceptable value per issue (optional).",
        examples=[{"contribution": 1_174_000_000_000, "new_category": False}],
    )
    reservation_value: Unit = Field(
        default=0.0, description="Utility of no deal, 0-1.", examples=[0.35]
    )
    outside_option: OutsideOption | None = Field(
        default=None,
        description="What no deal means for the party.",
        examples=[{"description": "the agreement lapses", "utility": 0.35}],
    )

    @field_validator("weights")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        negative = [k for k, w in value.items() if w < 0]
        if negative:
            raise check_error("negative weight", expected="weights >= 0", found=", ".join(negative))
        if not sum(value.values()) > 0:
            raise check_error("weights sum to 0", expected="at least one weight > 0")
        return value


# --------------------------------------------------------------------------- [[events]]
def _set_value(value: Any, info: ValidationInfo) -> Any:
    if isinstance(value, bool | int | float | str | Decimal):
        return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if info.mode == "json" and isinstance(value, str):
        return value
    raise PydanticCustomError(
        "set_value_type",
        "Input should be a number, boolean, text or date",
        {"expected": "the value the field takes from the event's date on"},
    )


SetValue = Annotated[
    bool | int | float | str | dt.date,
    PlainValidator(_set_value),
    TypeDoc("number | boolean | text | date (per the field)"),
]


class Event(Sourced):
    """A dated event: a meeting or a deadline, and optionally a change to the game.

    ``set`` gives scenario fields (dotted paths, as in ``[uncertainty.params]``) their value from
    ``effective`` (default: ``date``) on, e.g. a furlough lowering the host's no-deal value or a
    new president changing the sending party's ratifier. Bargaining runs play the talks in
    segments between the dates where the game changes. An event with ``probability`` < 1 may not
    happen: sweeps draw it in each draw; single runs take it when the probability is at least
    one half (``burdenshare bargain --event ID=yes|no`` chooses).
    """

    id: Id = Field(description="Short unique id.", examples=["round3"])
    date: Date = Field(
        description="When it happens (or is decided).", examples=[dt.date(2019, 11, 19)]
    )
    kind: Literal[
        "meeting", "lapse", "furlough", "ratification", "election", "handover", "other"
    ] = Field(
        description="meeting, lapse, furlough, ratification, election, handover (a new "
        "government takes office) or other.",
        examples=["lapse"],
    )
    description: str = Field(
        default="", description="What happens.", examples=["The 10th SMA expires."]
    )
    label: str = Field(
        default="",
        description="A short name for tables and charts (default: the id).",
        examples=["US presidential election"],
    )
    effective_label: str = Field(
        default="",
        description="A short name for the `effective` date (default: the label, 'takes effect').",
        examples=["a new president takes office"],
    )
    probability: Unit = Field(
        default=1.0,
        description="Chance that the event happens (and its `set` applies); 1 = certain.",
        examples=[0.55],
    )
    outcome: str = Field(
        default="",
        description="What happening means, in a few words (for reports): e.g. 'the incumbent "
        "loses'.",
        examples=["the incumbent loses"],
    )
    effective: Date | None = Field(
        default=None,
        description="When `set` takes effect, if later than `date` (an election's winner takes "
        "office at the inauguration).",
        examples=[dt.date(2021, 1, 20)],
    )
    set: Annotated[dict[str, SetValue], TypeDoc("table: dotted field path → value")] = Field(
        default_factory=dict,
        description="Scenario fields and their values from `effective` on (quoted dotted paths).",
        examples=[{"preferences.rok.reservation_value": 0.25}],
    )

    @model_validator(mode="after")
    def _effective_after_date(self) -> Event:
        if self.effective is not None and self.effective < self.date:
            raise_findings(
                "Event",
                [
                    Finding(
                        ("effective",),
                        "takes effect before it happens",
                        expected=f"a date on or after {self.date}",
                        found=str(self.effective),
                    )
                ],
            )
        return self

    @property
    def starts(self) -> dt.date:
        """The date its ``set`` takes effect."""
        return self.effective or self.date

    @property
    def name(self) -> str:
        """Its label, or its id in words."""
        return self.label or self.id.replace("_", " ")

    @property
    def uncertain(self) -> bool:
        return self.probability < 1.0


# --------------------------------------------------------------------------- [indices]
IndexPercent = Annotated[
    Decimal, BeforeValidator(_number_only), Field(ge=Decimal(-100), le=Decimal(1000))
]


class IndexSeries(Sourced):
    """A yearly percent-change series for escalation rules (adds to or overrides a built-in one).

    Behaves as a read-only mapping ``{year: percent}`` (``series[2021]``, ``dict(series)``).
    """

    description: str = Field(
        default="",
        description="What the series measures.",
        examples=["ROK defence budget growth, planned."],
    )
    unit: Literal["percent"] = Field(
        default="percent", description='Always "percent".', examples=["percent"]
    )
    values: Annotated[dict[Year, IndexPercent], TypeDoc("table: year → percent")] = Field(
        min_length=1, description="Percent change per year.", examples=[{"2021": 5.4, "2022": 6.1}]
    )

    def keys(self) -> Any:
        return self.values.keys()

    def items(self) -> Any:
        return self.values.items()

    def __getitem__(self, year: int) -> Decimal:
        return self.values[year]

    def __contains__(self, year: object) -> bool:
        return year in self.values


# --------------------------------------------------------------------------- [ledger]
class LedgerSpec(Sourced):
    """Defaults for the ledger: price base year, currencies, which schedules to compare, and the
    inflation assumed for years a currency's consumer-price data do not cover yet."""

    base_year: Year | None = Field(
        default=None,
        description="Prices of the real column (default: first year).",
        examples=[2019],
    )
    currencies: list[Currency] = Field(
        default_factory=lambda: ["KRW", "USD", "JPY"],
        min_length=1,
        description="Currency columns.",
        examples=[["KRW", "USD"]],
    )
    compare: list[Id] = Field(
        default_factory=list,
        description='Schedule ids to compare (or "agreement").',
        examples=[["us_demand", "rok_offer"]],
    )
    assumed_inflation: dict[Currency, IndexPercent] = Field(
        default_factory=dict,
        description="Consumer-price inflation (% a year) assumed for the years after a "
        "currency's CPI data end (each currency deflates with its own country's CPI: ROK, "
        "Japan, US); real amounts of those years are marked 'CPI assumed' and the ledger and "
        "the report say so. Without a rate for a currency, a year its CPI lacks is an error. "
        "A judgement: cite a source or mark the section an estimate.",
        examples=[{"KRW": 2.0, "USD": 2.0, "JPY": 2.0}],
    )

    @field_validator("currencies")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise check_error("currencies repeat", expected="each currency once")
        return value


# --------------------------------------------------------------------------- [actors]
Positive = Annotated[float, BeforeValidator(_number_only), Field(gt=0, allow_inf_nan=False)]


class ActorDimension(Strict):
    """One issue dimension of the forecasting models, with its scale."""

    description: str = Field(default="", description="What a position on it means.")
    unit: str = Field(default="", description="Unit of positions.", examples=["bn KRW"])
    min: Number = Field(description="Lowest position on the scale.", examples=[900])
    max: Number = Field(description="Highest position on the scale.", examples=[6000])
    issue: Id | None = Field(
        default=None,
        description="The negotiation issue this dimension measures; with `scale`, positions of "
        "actors that voice a party derive from that party's opening position on the issue.",
        examples=["contribution"],
    )
    scale: Positive = Field(
        default=1.0,
        description="Position = issue value × scale (e.g. 1e-9 from won to bn won).",
        examples=[1e-9],
    )

    @model_validator(mode="after")
    def _ordered(self) -> ActorDimension:
        if not self.min < self.max:
            raise check_error(
                "min must be below max", expected="min < max", found=f"{self.min} >= {self.max}"
            )
        return self


class ActorSpec(Sourced):
    """One actor of the forecasting models: its clout and, per dimension, position and salience.

    Salience is on 0-1 (how much the actor cares, relative to its other concerns); capability is
    on any positive scale (only ratios matter).
    """

    name: str = Field(min_length=1, description="Display name.", examples=["US President"])
    capability: Annotated[
        float, BeforeValidator(_number_only), Field(gt=0, allow_inf_nan=False)
    ] = Field(description="Power or clout (> 0; only ratios matter).", examples=[100])
    position: Annotated[dict[str, Number], TypeDoc("table: dimension id → number")] = Field(
        default_factory=dict,
        description="Position per dimension, on the dimension's scale (derived for linked "
        "dimensions of an actor that `voices` a party).",
        examples=[{"contribution": 5830, "duration": 1}],
    )
    salience: Annotated[dict[str, Unit], TypeDoc("table: dimension id → number in 0-1")] = Field(
        description="Salience per dimension, 0-1.",
        examples=[{"contribution": 0.9, "duration": 0.3}],
    )
    description: str = Field(default="", description="Who this is.")
    voices: Id | None = Field(
        default=None,
        description="A party whose stated opening position this actor holds: on dimensions "
        "linked to an issue, its position is that party's opening unless `position` gives one.",
        examples=["us"],
    )


class ForecastNoise(Strict):
    """Monte Carlo perturbation of the actor table (normal noise, seeded by --seed)."""

    position: Annotated[float, Field(ge=0)] = Field(
        default=0.0, description="Std of position noise, as a fraction of each dimension's range."
    )
    salience: Annotated[float, Field(ge=0)] = Field(
        default=0.0, description="Std of salience noise (absolute, clipped to 0-1)."
    )
    capability: Annotated[float, Field(ge=0)] = Field(
        default=0.0, description="Std of capability noise (relative, lognormal)."
    )
    runs: Annotated[int, Field(ge=1, le=100_000)] = Field(
        default=200, description="Number of perturbed runs.", examples=[200]
    )


class ActorsSection(Strict):
    """The field of players for the multi-actor forecasting models."""

    dimensions: dict[Id, ActorDimension] = Field(
        min_length=1, description="Issue dimensions with their scales, by id."
    )
    models: list[str] = Field(
        default_factory=lambda: ["median", "mean", "bdm"],
        description="Forecasting models `analyze` runs (see `burdenshare forecast --help`).",
        examples=[["median", "bdm", "smp"]],
    )
    preset: str = Field(default="scholz-code", description="BDM preset.", examples=["scholz-code"])
    rounds: Annotated[int, Field(ge=1, le=1000)] = Field(
        default=10, description="Rounds for the iterative models.", examples=[10]
    )
    noise: ForecastNoise | None = Field(
        default=None, description="Monte Carlo noise; the report shows the forecast distribution."
    )
    table: dict[Id, ActorSpec] = Field(min_length=2, description="The actors, by id.")


# --------------------------------------------------------------------------- [bargaining]
class BargainingSpec(Strict):
    """Bilateral bargaining runs for `analyze`: a tournament and the pairs whose traces to show."""

    @model_validator(mode="after")
    def _dates_together(self) -> BargainingSpec:
        if (self.first_round is None) != (self.last_round is None):
            raise check_error(
                "give both first_round and last_round, or neither",
                expected="first_round and last_round",
            )
        if self.first_round is not None and not self.first_round < self.last_round:  # type: ignore[operator]
            raise check_error(
                "first_round must be before last_round",
                expected="first_round < last_round",
                found=f"{self.first_round} >= {self.last_round}",
            )
        return self

    steps: Annotated[int, Field(ge=1, le=100_000)] = Field(
        default=100, description="Deadline in rounds.", examples=[100]
    )
    seeds: Annotated[int, Field(ge=1, le=100_000)] = Field(
        default=20, description="Runs per strategy pair in the tournament.", examples=[20]
    )
    strategies: list[str] = Field(
        default_factory=lambda: ["boulware", "linear", "conceder", "hardliner", "aspiration"],
        description="Strategies in the tournament (see `burdenshare bargain --opener help`).",
        examples=[["boulware", "conceder"]],
    )
    pairs: list[Annotated[list[str], Field(min_length=2, max_length=2)]] = Field(
        default_factory=lambda: [["boulware", "conceder"]],
        description="(sending party's, host's) strategy pairs whose offer traces the report shows.",
        examples=[[["boulware", "conceder"]]],
    )
    grid: dict[
        str,
        Annotated[float, Field(gt=0)]
        | list[Annotated[list[Annotated[float, Field(ge=0)]], Field(min_length=2, max_length=2)]],
    ] = Field(
        default_factory=dict,
        description="Grid per continuous issue for bargaining runs (coarser = faster): a step, "
        "or piecewise steps [[from, step], ...] (fine where deals happen, coarse elsewhere).",
        examples=[{"contribution": 10_000_000_000}],
    )
    first_round: Date | None = Field(
        default=None,
        description="Calendar date of round 0; with `last_round`, rounds are spread evenly "
        "between them and outside options switch on at their `available_from` dates.",
        examples=[dt.date(2019, 9, 24)],
    )
    last_round: Date | None = Field(
        default=None,
        description="Calendar date of the last round: the horizon of the simulated talks.",
        examples=[dt.date(2021, 12, 31)],
    )
    exponents: dict[Id, Annotated[float, Field(ge=0)]] = Field(
        default_factory=dict,
        description="Concession exponent e per party for sweeps: replaces the exponent of the "
        "party's time-dependent strategy (boulware, linear, conceder, hardliner, walk-out, "
        "time-dependent), so it can be given a distribution in `[uncertainty.params]`.",
        examples=[{"us": 4.0, "rok": 1.0}],
    )
    terms: dict[Literal["first_year_total", "duration", "new_category"], Id] = Field(
        default_factory=dict,
        description="Which issue carries which term of an agreement: `first_year_total` (an "
        "amount), `duration` (years), `new_category` (true when the agreement has a category "
        "marked `new`). A deal sets them on `[agreement]` to cost sweep outcomes; a party's "
        "`opening` schedule sets them as its ideal.",
        examples=[{"first_year_total": "contribution", "duration": "duration"}],
    )
    offers: Literal["lowest", "pareto"] = Field(
        default="lowest",
        description="How time-dependent negotiators choose an offer at their target utility: "
        "`lowest`, the lowest-utility outcome at or above it (NegMAS), or `pareto`, among "
        "those the one the other side values most (complete information).",
        examples=["pareto"],
    )
    veto_reveals: StrictBool = Field(
        default=False,
        description="A ratifier's rejection is public: when it votes a tentative deal down, "
        "every outcome it would also reject comes off the table with it (false: only the "
        "rejected deal does, so negotiators learn a ratifier's limit one deal at a time).",
        examples=[True],
    )
    concede_by: dict[Id, Date] = Field(
        default_factory=dict,
        description="Per party, the date by which its time-dependent strategy has conceded to its "
        "floor (relative time t = 1); later rounds it plays at the floor. Default: the last "
        "round.",
        examples=[{"us": dt.date(2019, 12, 31)}],
    )
    no_floor_outside_option: Unit | None = Field(
        default=None,
        description="Sending party's no-deal utility if no legal troop floor bound its threat "
        "of withdrawal (counterfactual; the report compares it with the scenario's).",
        examples=[0.45],
    )


# --------------------------------------------------------------------------- [hindsight]
class HindsightFact(Sourced):
    """One thing that happened after ``as_of``."""

    date: Date = Field(description="When.", examples=[dt.date(2020, 4, 1)])
    description: str = Field(min_length=1, description="What happened.")
    event: Id | None = Field(
        default=None,
        description="The `[[events]]` id this fact settles (an uncertain event that happened or "
        "not).",
        examples=["us_election"],
    )
    happened: StrictBool | None = Field(
        default=None,
        description="With `event`: whether that event happened as the scenario describes it.",
        examples=[True],
    )


class Hindsight(Sourced):
    """What happened after ``as_of``, to set beside the forecast. No model reads this section:
    reports show it in a labelled "what happened" panel, backtests score against it."""

    deal_date: Date | None = Field(
        default=None, description="When the deal was struck (None: no deal).",
        examples=[dt.date(2021, 3, 7)],
    )  # fmt: skip
    terms: Annotated[dict[str, IssueValue], _ISSUE_DOC] = Field(
        default_factory=dict,
        description="The deal's value per issue, in the issues' units.",
        examples=[{"contribution": 1_183_300_000_000, "duration": 6, "new_category": False}],
    )
    summary: str = Field(default="", description="The outcome in a sentence or two.")
    facts: list[HindsightFact] = Field(
        default_factory=list, description="Dated facts after as_of ([[hindsight.facts]])."
    )


# --------------------------------------------------------------------------- the scenario
class Scenario(Strict):
    """A negotiation as it stood on one date: who, over what, wanting what, by when.

    Required sections: ``[meta]``, ``[parties]``, ``[issues]``, ``[agreement]``.
    """

    meta: Meta = Field(description="Title, id, date and currency of the scenario.")
    sources: dict[Id, Source] = Field(
        default_factory=dict, description="Publications cited by id from any `source` list."
    )
    parties: dict[Id, Party] = Field(
        min_length=2, description="Exactly one sending and one host party, by id."
    )
    issues: dict[Id, Issue] = Field(min_length=1, description="What is negotiated, by id.")
    preferences: dict[Id, Preference] = Field(
        default_factory=dict, description="Per party id: how it values outcomes."
    )
    agreement: AgreementSpec = Field(description="The template of the deal under negotiation.")
    schedules: dict[Id, AgreementSpec] = Field(
        default_factory=dict,
        description="Named variants of the agreement (offers, demands): each states only what "
        "differs from [agreement] and is merged over it.",
    )
    events: list[Event] = Field(
        default_factory=list,
        description="Dated events: meetings and deadlines, and changes to the game ([[events]]).",
    )
    indices: dict[Id, IndexSeries] = Field(
        default_factory=dict,
        description="Yearly index series for escalation rules; a built-in name extends and "
        "overrides the bundled series year by year.",
    )
    ledger: LedgerSpec = Field(
        default_factory=LedgerSpec, description="Ledger defaults (base year, currencies)."
    )
    bargaining: BargainingSpec | None = Field(
        default=None, description="Bargaining runs for the report (optional)."
    )
    actors: ActorsSection | None = Field(
        default=None, description="Actors for the multi-actor forecasting models (optional)."
    )
    uncertainty: UncertaintySpec | None = Field(
        default=None,
        description="Distributions on numeric fields and strategy mixes for sweeps (optional).",
    )
    hindsight: Hindsight | None = Field(
        default=None,
        description="What happened after as_of, for comparison only: no model reads it.",
    )

    _source_path: Path | None = PrivateAttr(default=None)
    _content_hash: str | None = PrivateAttr(default=None)
    _derived: tuple[str, ...] = PrivateAttr(default=())

    @model_validator(mode="wrap")
    @classmethod
    def _merge_schedules(cls, data: Any, handler: Any) -> Scenario:
        if not isinstance(data, dict):
            return handler(data)  # type: ignore[no-any-return]
        scenario: Scenario = handler(merge_schedules(data))
        scenario._content_hash = content_hash(data)
        return scenario

    @model_validator(mode="after")
    def _cross_check(self) -> Scenario:
        from burdenshare.scenario.derive import derive_positions

        # derived values first (defensively: a bad reference derives nothing), so that the
        # checks see the positions every model will read
        self._derived = tuple(derive_positions(self))
        raise_findings("Scenario", run_checks(self))
        return self

    def __eq__(self, other: object) -> bool:
        """Equal content (the file it came from and the raw-content hash do not count)."""
        if not isinstance(other, Scenario):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in type(self).model_fields)

    __hash__ = None  # type: ignore[assignment]  # tables inside: not hashable

    # -- what the rest of the package uses -------------------------------------------------
    @property
    def source_path(self) -> Path | None:
        """The file the scenario was loaded from (``None`` when built in Python or from text)."""
        return self._source_path

    @property
    def derived(self) -> tuple[str, ...]:
        """Dotted paths whose values were derived from a stated fact rather than written: ideals
        from a party's ``opening`` schedule, positions of actors that voice a party."""
        return self._derived

    def opening(self, party: str) -> dict[str, Any]:
        """The party's stated opening position on each issue ``[bargaining] terms`` links to its
        ``opening`` schedule (empty without one)."""
        from burdenshare.scenario.derive import opening_position

        return opening_position(self, party)

    @property
    def content_hash(self) -> str:
        """SHA-256 of the canonical raw content (see :mod:`burdenshare.scenario.raw`)."""
        if self._content_hash is None:
            self._content_hash = content_hash(self.model_dump(mode="json"))
        return self._content_hash

    def indices_map(self) -> dict[str, dict[int, Decimal]]:
        """The ``[indices]`` series as plain ``{name: {year: percent}}`` mappings."""
        return {name: dict(series.values) for name, series in self.indices.items()}

    def agreements(self) -> dict[str, AgreementSpec]:
        """The template as ``"agreement"`` followed by every merged schedule."""
        return {"agreement": self.agreement, **self.schedules}

    def party_id(self, role: Literal["sending", "host"]) -> str:
        """Id of the party with ``role``."""
        return next(pid for pid, party in self.parties.items() if party.role == role)

    def iter_issue_values(self) -> Iterator[tuple[tuple[str | int, ...], str, object]]:
        """Every (path, issue id, value) stated in preferences, ratifier limits and members."""
        for pid, pref in self.preferences.items():
            for table in ("ideal", "reservation"):
                for iid, value in getattr(pref, table).items():
                    yield ("preferences", pid, table, iid), iid, value
        for pid, party in self.parties.items():
            for iid, value in party.ratifier.limits.items():
                yield ("parties", pid, "ratifier", "limits", iid), iid, value
            for i, member in enumerate(party.ratifier.members):
                for iid, value in member.ideal.items():
                    yield ("parties", pid, "ratifier", "members", i, "ideal", iid), iid, value
