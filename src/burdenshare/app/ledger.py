"""Ledgers and comparisons of a scenario's agreements, as ``ledger``, ``compare`` and ``validate``
ask for them (no printing)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from burdenshare.agreement import compare
from burdenshare.agreement.ledger import cpi_label, missing_cpi_error
from burdenshare.agreement.projection import effective_indices, scenario_ledgers, schedule_problems
from burdenshare.errors import BurdenshareError, DataError, Problem, ScenarioError
from burdenshare.money import CURRENCIES
from burdenshare.scenario import Scenario, load_scenario
from burdenshare.scenario.agreement import AgreementSpec
from burdenshare.scenario.plausibility import scenario_warnings

__all__ = [
    "LedgerResult",
    "agreement",
    "check_scenario",
    "compare_agreements",
    "cpi_label",
    "currency_code",
    "ledger",
    "missing_cpi_error",
]


@dataclass(frozen=True)
class LedgerResult:
    """The ledger of each schedule asked for (id → frame), their specs, and the currencies in
    the order asked (the first leads the table)."""

    frames: dict[str, pd.DataFrame]
    specs: dict[str, AgreementSpec]
    currencies: tuple[str, ...]

    def combined(self) -> pd.DataFrame:
        """Every frame in one, with a ``schedule`` column first (``--csv`` / ``--json``)."""
        return pd.concat(
            [f.assign(schedule=sid)[["schedule", *f.columns]] for sid, f in self.frames.items()],
            ignore_index=True,
        )


def ledger(
    scenario: Scenario,
    *,
    schedule_ids: list[str] | None = None,
    base_year: int | None = None,
    currencies: list[str] | None = None,
    assumed_inflation: float | None = None,
) -> LedgerResult:
    """The year-by-year ledger of ``scenario``'s agreement and schedules (or of
    ``schedule_ids``); the options win over the scenario's ``[ledger]`` defaults."""
    if base_year is None:
        base_year = scenario.ledger.base_year
    curs = tuple(dict.fromkeys(c.upper() for c in currencies or scenario.ledger.currencies))
    specs = scenario.agreements()  # "agreement" (the template), then every merged schedule
    if schedule_ids:
        unknown = [s for s in schedule_ids if s not in specs]
        if unknown:
            raise ScenarioError(
                [
                    Problem(
                        f"no schedule '{s}'",
                        path="schedules",
                        expected="one of " + ", ".join(specs),
                        found=s,
                    )
                    for s in unknown
                ]
            )
        specs = {s: specs[s] for s in dict.fromkeys(schedule_ids)}
    inflation = None if assumed_inflation is None else Decimal(str(assumed_inflation))
    frames = scenario_ledgers(
        scenario, base_year=base_year, currencies=curs, assumed_inflation=inflation,
        ids=list(specs),
    )  # fmt: skip
    return LedgerResult(frames=frames, specs=specs, currencies=curs)


def agreement(scenario: Scenario, sid: str, source: str) -> AgreementSpec:
    """The agreement ``sid`` of ``scenario`` (``agreement``, the template, or a schedule id)."""
    specs = scenario.agreements()
    if sid not in specs:
        raise ScenarioError(
            [
                Problem(
                    f"no schedule '{sid}' in {source}",
                    path="schedules",
                    expected="one of " + ", ".join(specs),
                    found=sid,
                )
            ]
        )
    return specs[sid]


def currency_code(currency: str) -> str:
    """``currency`` in capitals, or a user error naming the currencies there are."""
    code = currency.upper()
    if code not in CURRENCIES:
        raise DataError(
            [Problem("unknown currency", path="--currency", expected=", ".join(CURRENCIES),
                     found=code)]
        )  # fmt: skip
    return code


def compare_agreements(
    a: tuple[Scenario, AgreementSpec],
    b: tuple[Scenario, AgreementSpec],
    *,
    currency: str,
    extend: str,
) -> pd.DataFrame:
    """Two agreements (each with its scenario, whose index series it escalates by) in one
    currency, year by year; ``extend`` (rule, flat or none) extends the one that ends sooner."""
    indices = effective_indices(a[0])
    for name, series in effective_indices(b[0]).items():
        if name in indices and indices[name] != series:
            raise DataError(
                [
                    Problem(
                        f"the two scenarios define index '{name}' differently",
                        path=f"indices.{name}",
                        expected="the same series in both",
                    )
                ]
            )
        indices[name] = series
    how = None if extend == "none" else extend
    return compare(a[1], b[1], currency=currency, indices=indices, extend=how)


def check_scenario(source: str) -> tuple[list[Problem], list[Any]]:
    """Every problem of the scenario file or bundled name ``source`` (schema, checks, and the
    schedules computed: index years the data lack) and its plausibility warnings."""
    warnings: list[Any] = []
    try:
        scenario = load_scenario(source)
        problems = schedule_problems(scenario)
        warnings = scenario_warnings(scenario)
    except BurdenshareError as exc:
        problems = exc.problems
    return problems, warnings
