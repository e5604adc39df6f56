"""As-of scenarios for past SMA rounds, each built by one rule from a dated facts table.

The facts (``sma_facts.csv``, package data) are one row per fact: ``round``, ``field``,
``value``, ``unit``, ``source_date``, ``source_url``, ``source_title``, ``status`` (verified /
derived / estimate) and ``note``. Fields named ``actual_*`` are what happened (the deal) and are
kept apart as the *actual* record: :func:`scenario_for_round` never reads them. Every other row
is an input, and its source must be dated on or before the round's ``as_of`` (a test enforces
it).

**The rule** (the same for every round; ``sq`` = the status quo, ``r`` = the previous round's
first-year rise, all amounts in the host's currency, rounded to 100 million):

* status quo (``[agreement]``): the previous agreement's amount for its last year in force,
  carried one more year (what a rollover gives); first year = the year after the lapse;
* sending state's ask (``opening``): its demand as public on ``as_of``, dollars converted at the
  average rate of the year before ``as_of``; if none was public, ``sq · (1 + 4r)`` (estimate);
  its term as public, else five years (estimate);
* host's offer: its figure as public; else ``sq`` raised by the host's latest announced
  defence-budget growth (the 10th SMA's logic), else ``sq``; its term as public, else five years;
* host's red line (= its legislature's ceiling): its stated limit when public, else the offer's
  rise plus 2.5 points; drawn triangular from just above the offer to the red line + 10 points;
* sending negotiators' red line: ``sq · (1 + r)`` (last round's rise again), drawn PERT on
  ``[sq, min(ask, sq · (1 + 4r))]``; the sending state's ratifier (the President) holds a floor
  of ``sq · (1 + 2r)``, drawn PERT on ``[sq, min(ask, sq · (1 + 8r))]`` (all below the ask);
* no-deal values, concession exponents and issue weights as in ``sma-2019`` (estimates);
* deadlines: the lapse of the previous agreement; each side concedes by the lapse, or by 90 days
  after ``as_of`` when the talks already run past it; horizon: 31 December two years after the
  lapse year;
* actors (for the forecasting models): the sending executive and the host government voice
  their openings; the sending negotiators sit at their red line, the host legislature at its
  red line (capabilities 100, 35, 70, 30; estimates).

No I/O beyond reading the package's own facts file; the result is a validated
:class:`~burdenshare.scenario.Scenario` (built from a dict through the same validation as a file).
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources
from typing import Any

from burdenshare.errors import ScenarioError

__all__ = [
    "FACT_FIELDS",
    "Fact",
    "RoundInputs",
    "facts",
    "round_ids",
    "round_inputs",
    "scenario_for_round",
]

FACT_FIELDS = (
    "round",
    "field",
    "value",
    "unit",
    "source_date",
    "source_url",
    "source_title",
    "status",
    "note",
)
#: rounds in the facts table, oldest first, with their host
_HOSTS = {"9": "rok", "10": "rok", "11": "rok", "12": "rok", "japan-2022": "japan"}
_LABELS = {
    "9": "9th SMA (ROK, 2014-18)",
    "10": "10th SMA (ROK, 2019)",
    "11": "11th SMA (ROK, 2020-25)",
    "12": "12th SMA (ROK, 2026-30)",
    "japan-2022": "Japan HNS SMA (FY2022-26)",
}
_HOST_PARTY = {
    "rok": ("Republic of Korea", "National Assembly", 300, "KRW"),
    "japan": ("Japan", "National Diet (House of Representatives)", 465, "JPY"),
}
_ROUNDING = Decimal("100000000")  # 100 million of the host's currency
_MARGIN = 0.025  # host red line: the offer's rise plus 2.5 points
_DEFAULT_TERM = 5  # the usual SMA / HNS term (8th, 9th SMA; Japan since 2011)


@dataclass(frozen=True)
class Fact:
    """One row of the facts table."""

    round: str
    field: str
    value: str
    unit: str
    source_date: str
    source_url: str
    source_title: str
    status: str
    note: str

    @property
    def is_actual(self) -> bool:
        """Part of the actual record (after ``as_of``), never a model input."""
        return self.field.startswith("actual_")

    @property
    def source_id(self) -> str:
        return f"r{self.round}-{self.field}".replace("_", "-")

    @property
    def published_by(self) -> dt.date:
        """The latest day the source can have appeared: the date, or the end of its month or
        year when only those are given."""
        return period_end(self.source_date)

    def number(self) -> float:
        return float(self.value)

    def amount(self) -> Decimal:
        """The value in major units of the unit's currency (``bn KRW`` → won)."""
        scale = Decimal("1e9") if self.unit.startswith("bn ") else Decimal(1)
        return Decimal(self.value) * scale

    @property
    def currency(self) -> str:
        return self.unit.split()[-1]


def period_end(text: str) -> dt.date:
    """``2019-02-10`` → that day; ``2018-12`` → 2018-12-31; ``2018`` → 2018-12-31."""
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        return dt.date(*parts)
    if len(parts) == 2:
        return dt.date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return dt.date(parts[0], 12, 31)


@cache
def facts() -> tuple[Fact, ...]:
    """Every row of the bundled facts table, in file order."""
    text = resources.files("burdenshare.backtest").joinpath("sma_facts.csv").read_text("utf-8")
    return tuple(Fact(**row) for row in csv.DictReader(io.StringIO(text)))


def round_ids() -> list[str]:
    """The rounds with as-of scenarios, oldest first."""
    return list(_HOSTS)


def round_label(round_id: str) -> str:
    return _LABELS[round_id]


def check_round(round_id: str) -> str:
    """``round_id`` if the table has it, else a user error naming the field."""
    if round_id not in _HOSTS:
        raise ScenarioError.single(
            "no backtest round with this id",
            path="--round",
            expected="one of " + ", ".join(_HOSTS),
            found=repr(round_id),
        )
    return round_id


def _round_facts(round_id: str) -> dict[str, Fact]:
    return {f.field: f for f in facts() if f.round == check_round(round_id)}


def actual_facts(round_id: str) -> dict[str, Fact]:
    """The actual record of ``round_id`` (``actual_*`` rows, prefix removed)."""
    return {
        f.field.removeprefix("actual_"): f for f in _round_facts(round_id).values() if f.is_actual
    }


def input_facts(round_id: str) -> dict[str, Fact]:
    """The rows :func:`round_inputs` may read: everything but the actual record."""
    return {k: f for k, f in _round_facts(round_id).items() if not f.is_actual}


@dataclass(frozen=True)
class Value:
    """One input of the rule: its value, the sources it rests on, and whether it is a judgement."""

    value: Any
    sources: tuple[str, ...]
    estimate: bool
    note: str

    def sourced(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": list(self.sources)} if self.sources else {}
        if self.estimate:
            out["estimate"] = True
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class RoundInputs:
    """What the rule makes of one round's input facts (amounts in the host's major units)."""

    round: str
    label: str
    host: str
    currency: str
    as_of: dt.date
    previous: str
    status_quo: Value
    lapse: Value
    last_rise: Value
    ask: Value
    ask_duration: Value
    offer: Value
    offer_duration: Value
    host_red_line: Value
    us_red_line: Value
    president_floor: Value
    #: (low, mode, high) of the drawn red lines and floor
    host_red_line_range: tuple[int, int, int]
    us_red_line_range: tuple[int, int, int]
    president_floor_range: tuple[int, int, int]
    concede_by: dt.date
    horizon: dt.date
    first_year: int
    facts: dict[str, Fact]

    def rise(self, amount: float) -> float:
        """``amount``'s change over the status quo, in per cent."""
        return (float(amount) / float(self.status_quo.value) - 1.0) * 100.0


def _round(x: Decimal | float) -> int:
    q = (Decimal(str(x)) / _ROUNDING).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(q * _ROUNDING)


def _to_host(fact: Fact, currency: str, as_of: dt.date) -> tuple[Decimal, str]:
    """A fact's amount in the host currency: dollars at the yearly average of the year before
    ``as_of`` (final by then); the note says so."""
    amount = fact.amount()
    if fact.currency == currency:
        return amount, ""
    from burdenshare.data import fx_table

    table = fx_table()
    year = as_of.year - 1
    rate = table[currency][year] / table[fact.currency][year]
    note = (
        f"{fact.value} {fact.unit} at the {year} average of {float(rate):,.2f} {currency} "
        f"per {fact.currency}"
    )
    return amount * rate, note


def round_inputs(round_id: str) -> RoundInputs:
    """Apply the rule (module docstring) to the input facts of ``round_id``."""
    f = input_facts(round_id)
    host = _HOSTS[round_id]
    currency = _HOST_PARTY[host][3]
    as_of = dt.date.fromisoformat(f["as_of"].value)

    def fact(name: str, value: Any) -> Value:
        row = f[name]
        return Value(value, (row.source_id,), row.status == "estimate", row.note)

    sq_amount = _round(f["status_quo"].amount())
    sq = fact("status_quo", sq_amount)
    r = f["last_rise"].number() / 100.0
    last = fact("last_rise", f["last_rise"].number())
    lapse = fact("lapse", dt.date.fromisoformat(f["lapse"].value))
    basis = (f["status_quo"].source_id, f["last_rise"].source_id)

    if "ask_amount" in f:
        amount, how = _to_host(f["ask_amount"], currency, as_of)
        ask = Value(
            _round(amount),
            (f["ask_amount"].source_id,),
            f["ask_amount"].status == "estimate",
            "; ".join(x for x in (f["ask_amount"].note, how) if x),
        )
    else:
        ask = Value(
            _round(sq_amount * (1 + 4 * r)),
            basis,
            True,
            "No figure was public by as_of: status quo x (1 + four times last round's rise) "
            "(rule).",
        )
    ask_term = (
        fact("ask_duration", int(f["ask_duration"].value))
        if "ask_duration" in f
        else Value(_DEFAULT_TERM, (), True, "No term was public by as_of: the usual five years.")
    )
    if "offer_amount" in f:
        offer = Value(
            _round(f["offer_amount"].amount()),
            (f["offer_amount"].source_id,),
            f["offer_amount"].status == "estimate",
            f["offer_amount"].note,
        )
    elif "host_budget_growth" in f:
        g = f["host_budget_growth"].number()
        offer = Value(
            _round(sq_amount * (1 + g / 100.0)),
            (f["status_quo"].source_id, f["host_budget_growth"].source_id),
            True,
            f"No figure was public by as_of: the status quo raised by the host's latest "
            f"defence-budget growth (+{g}%), the 10th SMA's logic.",
        )
    else:
        offer = Value(sq_amount, basis[:1], True, "No figure was public: the status quo.")
    offer_term = (
        fact("offer_duration", int(f["offer_duration"].value))
        if "offer_duration" in f
        else Value(_DEFAULT_TERM, (), True, "No term was public by as_of: the usual five years.")
    )

    unit = int(_ROUNDING)
    # Red lines lie strictly beyond the other side's opening and short of one's own: a drawn
    # limit must never cross the party's ideal (a check of the scenario schema).
    if "host_limit" in f:
        limit = _round(f["host_limit"].amount())
        red = Value(
            max(limit, offer.value + unit),
            (f["host_limit"].source_id,),
            False,
            f["host_limit"].note,
        )
    else:
        red = Value(
            _round(sq_amount * (1 + (offer.value / sq_amount - 1) + _MARGIN)),
            offer.sources,
            True,
            "The host's red line: its offer's rise plus 2.5 points (rule).",
        )
    host_range = (offer.value + unit, red.value, _round(red.value + 0.10 * sq_amount))

    cap = ask.value - unit  # the sending side's limits stay below its ask

    def sending(mode: int, high: int) -> tuple[int, int, int]:
        mode = min(mode, cap)
        return sq_amount, mode, max(min(high, cap), mode)

    us_range = sending(_round(sq_amount * (1 + r)), _round(sq_amount * (1 + 4 * r)))
    us_red = Value(
        us_range[1],
        basis,
        True,
        "The sending negotiators' red line: last round's rise again (rule).",
    )
    floor_range = sending(_round(sq_amount * (1 + 2 * r)), _round(sq_amount * (1 + 8 * r)))
    floor = Value(
        floor_range[1], basis, True, "The President's floor: twice last round's rise (rule)."
    )

    lapse_date = lapse.value
    concede_by = max(lapse_date, as_of + dt.timedelta(days=90))
    horizon = dt.date(lapse_date.year + 2, 12, 31)
    first_year = (lapse_date + dt.timedelta(days=1)).year
    return RoundInputs(
        round=round_id,
        label=_LABELS[round_id],
        host=host,
        currency=currency,
        as_of=as_of,
        previous=f["previous"].value,
        status_quo=sq,
        lapse=lapse,
        last_rise=last,
        ask=ask,
        ask_duration=ask_term,
        offer=offer,
        offer_duration=offer_term,
        host_red_line=red,
        us_red_line=us_red,
        president_floor=floor,
        host_red_line_range=host_range,
        us_red_line_range=us_range,
        president_floor_range=floor_range,
        concede_by=concede_by,
        horizon=horizon,
        first_year=first_year,
        facts=f,
    )


def _assumed_cpi(first_year: int) -> dict[str, Any]:
    from burdenshare.data import index_series

    known = index_series("rok_cpi")
    future = {str(y): 2.0 for y in range(first_year, first_year + 7) if y not in known}
    if not future:
        return {}
    return {
        "rok_cpi": {
            "description": "ROK CPI after the bundled data: the Bank of Korea's 2% target",
            "values": future,
            "estimate": True,
            "note": "Only costs the deals in real terms; no forecast reads it.",
        }
    }


def _publication(text: str) -> dt.date | str:
    """A full date as a date (TOML's own type); a month or year stays text."""
    return dt.date.fromisoformat(text) if len(text) == 10 else text


def _sources(inputs: RoundInputs) -> dict[str, Any]:
    return {
        row.source_id: {
            "title": row.source_title,
            "url": row.source_url,
            "date": _publication(row.source_date),
            **({"note": row.note} if row.note else {}),
        }
        for row in inputs.facts.values()
    }


def scenario_dict(inputs: RoundInputs) -> dict[str, Any]:
    """The scenario the rule builds, as the dict a TOML file would parse to."""
    i = inputs
    sq = int(i.status_quo.value)
    name, legislature, seats, cur = _HOST_PARTY[i.host]
    host = i.host
    top = max(int(i.ask.value), int(sq * 1.6), i.host_red_line_range[2], i.president_floor_range[2])
    issue_min, issue_max = _round(sq * 0.9), _round(top * 1.05)
    step_fine, step_coarse = max(_round(sq * 0.01), int(_ROUNDING)), _round(sq * 0.1)
    fine_end = _round(sq * 1.5)
    rule = "estimate by the backtest rule (burdenshare.backtest.sma_rules)"
    concede = {"us": i.concede_by, host: i.concede_by}
    return {
        "meta": {
            "title": f"{i.label} as of {i.as_of} (backtest)",
            "id": f"backtest-sma-{i.round}",
            "as_of": i.as_of,
            "base_currency": cur,
            "description": f"Built by one rule from facts public on {i.as_of}; the previous "
            f"agreement is the {i.previous}.",
        },
        "sources": _sources(i),
        "parties": {
            "us": {
                "name": "United States",
                "role": "sending",
                "opening": "us_ask",
                "negotiator": {"name": "US chief SMA negotiator", "title": "State Department"},
                "ratifier": {
                    "kind": "veto_players",
                    "name": "President",
                    "veto_players": ["President"],
                    "consent_required": True,
                    "limits": {"contribution": i.president_floor.value},
                    **i.president_floor.sourced(),
                },
            },
            host: {
                "name": name,
                "role": "host",
                "opening": "host_offer",
                "negotiator": {"name": f"{name} chief negotiator", "title": "Foreign ministry"},
                "ratifier": {
                    "kind": "legislature",
                    "name": legislature,
                    "consent_required": True,
                    "threshold": "simple_majority",
                    "seats": seats,
                    "estimate": True,
                    "note": f"Consent as for every agreement of the series; {rule}.",
                },
            },
        },
        "issues": {
            "contribution": {
                "type": "continuous",
                "min": issue_min,
                "max": issue_max,
                "unit": cur,
                "step": int(_ROUNDING),
                "description": "Host contribution in the first year of the new terms.",
                "estimate": True,
                "note": "Bounds: 90% of the status quo to above the ask (rule).",
            },
            "duration": {
                "type": "integer",
                "min": 1,
                "max": 6,
                "unit": "years",
                "description": "Length of the new agreement.",
                "estimate": True,
                "note": "SMAs have run one to six years.",
            },
        },
        "preferences": {
            "us": {
                "weights": {"contribution": 0.8, "duration": 0.2},
                "reservation": {"contribution": i.us_red_line.value},
                "reservation_value": 0.05,
                **i.us_red_line.sourced(),
            },
            host: {
                "weights": {"contribution": 0.8, "duration": 0.2},
                "reservation": {"contribution": i.host_red_line.value},
                "reservation_value": 0.10,
                **i.host_red_line.sourced(),
            },
        },
        "agreement": {
            "name": f"{i.previous} rolled over to {i.first_year}",
            "first_year": i.first_year,
            "duration": 1,
            "currency": cur,
            "first_year_total": sq,
            "rounding": int(_ROUNDING),
            **i.status_quo.sourced(),
        },
        "schedules": {
            "us_ask": {
                "name": "Sending state's ask",
                "first_year_total": i.ask.value,
                "duration": i.ask_duration.value,
                **i.ask.sourced(),
            },
            "host_offer": {
                "name": "Host's offer",
                "first_year_total": i.offer.value,
                "duration": i.offer_duration.value,
                **i.offer.sourced(),
            },
        },
        "events": [
            {
                "id": "lapse",
                "date": i.lapse.value,
                "kind": "lapse",
                "label": f"lapse of the {i.previous}",
                "description": "The previous agreement expires.",
                **i.lapse.sourced(),
            }
        ],
        # The sweep costs each deal in real won through ROK CPI; years beyond the bundled data
        # take the central bank's 2% target (a judgement, as in sma-2019's [ledger]).
        "indices": _assumed_cpi(i.first_year),
        "ledger": {
            "base_year": i.as_of.year,
            "currencies": [cur, "USD"],
            "assumed_inflation": {"KRW": 2.0, "USD": 2.0, "JPY": 2.0},
            "estimate": True,
            "note": "Central banks' 2% targets for years without CPI data.",
        },
        "bargaining": {
            "first_round": i.as_of,
            "last_round": i.horizon,
            "steps": 100,
            "seeds": 5,
            "strategies": ["boulware", "linear", "conceder"],
            "pairs": [["boulware", "linear"]],
            "grid": {
                "contribution": [
                    [issue_min, max(sq - issue_min, int(_ROUNDING))],
                    [sq, step_fine],
                    [fine_end, max(step_coarse, step_fine)],
                ]
            },
            "concede_by": concede,
            "veto_reveals": True,
            "offers": "pareto",
            "exponents": {"us": 4.0, host: 1.0},
            "terms": {"first_year_total": "contribution", "duration": "duration"},
        },
        "uncertainty": {
            "draws": 400,
            "seed": 0,
            "params": {
                f"preferences.{host}.reservation.contribution": dict(
                    zip(("low", "mode", "high"), i.host_red_line_range, strict=True),
                    dist="triangular",
                ),
                "preferences.us.reservation.contribution": dict(
                    zip(("low", "mode", "high"), i.us_red_line_range, strict=True), dist="pert"
                ),
                "parties.us.ratifier.limits.contribution": dict(
                    zip(("low", "mode", "high"), i.president_floor_range, strict=True),
                    dist="pert",
                ),
                "preferences.us.reservation_value": {
                    "dist": "pert",
                    "low": 0.0,
                    "mode": 0.05,
                    "high": 0.15,
                },
                f"preferences.{host}.reservation_value": {
                    "dist": "pert",
                    "low": 0.02,
                    "mode": 0.10,
                    "high": 0.20,
                },
                "bargaining.exponents.us": {"dist": "lognormal", "mu": 1.386, "sigma": 0.5},
                f"bargaining.exponents.{host}": {"dist": "lognormal", "mu": 0.0, "sigma": 0.5},
            },
        },
        "actors": {
            "models": ["median", "mean", "bdm", "smp"],
            "preset": "scholz-code",
            "rounds": 10,
            "dimensions": {
                "contribution": {
                    "description": "Host contribution in the first year",
                    "unit": f"bn {cur}",
                    "min": issue_min / 1e9,
                    "max": issue_max / 1e9,
                    "issue": "contribution",
                    "scale": 1e-9,
                },
                "duration": {
                    "description": "agreement duration",
                    "unit": "years",
                    "min": 1,
                    "max": 6,
                    "issue": "duration",
                },
            },
            "table": {
                "us_executive": {
                    "name": "US President",
                    "capability": 100,
                    "voices": "us",
                    "salience": {"contribution": 0.9, "duration": 0.4},
                    "estimate": True,
                    "note": rule,
                },
                "us_negotiators": {
                    "name": "US negotiators",
                    "capability": 35,
                    "position": {
                        "contribution": i.us_red_line.value / 1e9,
                        "duration": i.ask_duration.value,
                    },
                    "salience": {"contribution": 0.8, "duration": 0.5},
                    "estimate": True,
                    "note": f"At their red line; {rule}.",
                },
                f"{host}_government": {
                    "name": f"{name} government",
                    "capability": 70,
                    "voices": host,
                    "salience": {"contribution": 0.8, "duration": 0.5},
                    "estimate": True,
                    "note": rule,
                },
                f"{host}_legislature": {
                    "name": legislature,
                    "capability": 30,
                    "position": {
                        "contribution": i.host_red_line.value / 1e9,
                        "duration": i.offer_duration.value,
                    },
                    "salience": {"contribution": 0.7, "duration": 0.3},
                    "estimate": True,
                    "note": f"At the host's red line; {rule}.",
                },
            },
        },
    }


@cache
def scenario_for_round(round_id: str) -> Any:
    """The validated as-of scenario of ``round_id`` (see the rule in the module docstring)."""
    from burdenshare.scenario import Scenario

    return Scenario.model_validate(scenario_dict(round_inputs(round_id)))
