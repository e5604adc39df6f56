"""One negotiation (``bargain``) and a tournament of strategies, on a scenario or a GENIUS
domain, as result objects (no printing)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from burdenshare.bargaining.domain import domain_from_scenario
from burdenshare.bargaining.engine import Negotiation, negotiate
from burdenshare.bargaining.genius import load_genius
from burdenshare.bargaining.strategies import STRATEGIES
from burdenshare.bargaining.talks import bargain_scenario, round_dates, scenario_win_set
from burdenshare.bargaining.tournament import summarise, tournament
from burdenshare.errors import BurdenshareError, Problem
from burdenshare.scenario import Scenario

__all__ = [
    "Bargain",
    "Tournament",
    "bargain",
    "bargain_domain",
    "check_strategy",
    "run_tournament",
    "strategy_names",
    "tournament_strategies",
]


def strategy_names() -> list[str]:
    """Every registered strategy name, in registration order."""
    return list(STRATEGIES)


def check_strategy(name: str) -> None:
    """A user error listing the valid names unless ``name`` is a registered strategy."""
    STRATEGIES.get(name)


@dataclass(frozen=True)
class Bargain:
    """One negotiation's result, its parties (opener, responder) and the agreed terms."""

    result: Negotiation
    names: tuple[str, str]
    agreement: dict[str, Any] | None
    #: what the JSON adds for this kind of run (parties, ratification, segments, end date...)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self, *, trace: bool = False) -> dict[str, Any]:
        """The ``bargain --json`` payload (``trace``: with the full trace)."""
        data = self.result.to_dict()
        ended_by = self.result.ended_by
        payload = {
            "agreement": self.agreement,
            "step": data["step"],
            "timedout": data["timedout"],
            "reason": data["reason"],
            "ended_by": None if ended_by is None else self.names[ended_by],
            "utilities": data["utilities"],
            "n_offers": data["n_offers"],
            **self.extra,
        }
        if trace:
            payload["trace"] = data["trace"]
        return payload


def _load_domain(domain_dir: Path) -> Any:
    domain = load_genius(domain_dir)
    if domain.n_parties < 2:
        raise BurdenshareError(
            [Problem("the domain has fewer than two profiles", file=str(domain_dir))]
        )
    return domain


def bargain_domain(
    domain_dir: Path,
    opener: str,
    responder: str,
    *,
    steps: int = 100,
    compat: str | None = None,
    seed: int = 0,
) -> Bargain:
    """One negotiation on a GENIUS domain: the first two profiles by file name are the opener
    and the responder; ``compat="negmas"`` uses NegMAS 0.16.0 semantics (no discount)."""
    if not opener or not responder:
        raise BurdenshareError(
            [Problem("--domain needs --opener and --responder", expected="strategy names")]
        )
    domain = _load_domain(domain_dir)
    result = negotiate(
        domain.utilities[0], domain.utilities[1], opener, responder, steps,
        reserved=(float(domain.reserved[0]), float(domain.reserved[1])),
        discount=None if compat else (float(domain.discount[0]), float(domain.discount[1])),
        compat=compat, seed=seed,
    )  # fmt: skip
    names = (domain.parties[0], domain.parties[1])
    agreement = None if result.agreement is None else domain.space.outcome(result.agreement)
    return Bargain(result, names, agreement, {"parties": list(names)})


def bargain(
    scenario: Scenario,
    strategies: Mapping[str, str],
    *,
    steps: int | None = None,
    ratification: bool = True,
    tied_hands: bool = False,
    seed: int = 0,
    events: Mapping[str, bool] | None = None,
) -> Bargain:
    """One negotiation on ``scenario`` (party id → strategy; ``events``: uncertain event id →
    happens); ``steps`` defaults to the scenario's ``[bargaining] steps``, else 100."""
    if steps is None:
        steps = scenario.bargaining.steps if scenario.bargaining else 100
    run = bargain_scenario(
        scenario, strategies, n_steps=steps, ratification=ratification, tied_hands=tied_hands,
        seed=seed, events=dict(events or {}),
    )  # fmt: skip
    result, domain = run.result, run.domain
    names = (run.opener, run.responder)
    extra: dict[str, Any] = {
        "parties": list(names),
        "ratification": ratification,
        "voided": [domain.space.outcome(o) for o in result.voided],
        "win_set_size": None if run.win_set is None else int(run.win_set.sum()),
        "segments": [
            {"first_round": seg.first, "stop": seg.stop, "events": list(seg.events)}
            for seg, _ in run.runs
        ],
    }
    dates = round_dates(scenario, steps)
    if dates is not None:  # calendar date of the round the talks ended in
        extra["end_date"] = dates[max(min(result.step, steps), 1) - 1].isoformat()
    return Bargain(result, names, run.agreement(), extra)


@dataclass(frozen=True)
class Tournament:
    """Every negotiation of a tournament (``games``), its summary per (ratified, opener,
    responder), and the two parties (opener first)."""

    games: pd.DataFrame
    summary: pd.DataFrame
    parties: tuple[str, str]


def tournament_strategies(strategies: str) -> list[str]:
    """'all' (every named strategy but the configurable ``time-dependent``) or a
    comma-separated list of names, each checked against the registry."""
    names = (
        [n for n in STRATEGIES if n != "time-dependent"]
        if strategies == "all"
        else [n.strip() for n in strategies.split(",") if n.strip()]
    )
    for n in names:
        STRATEGIES.get(n)
    return names


def run_tournament(
    scenario: Scenario | None,
    domain_dir: Path | None,
    names: list[str],
    *,
    seeds: int = 10,
    steps: int = 100,
    seed: int = 0,
) -> Tournament:
    """Every ordered pair of the strategies ``names`` over ``seeds`` runs, on a scenario (its
    [bargaining] grid, both ratifiers) or a GENIUS domain (no ratification)."""
    mask: np.ndarray | None = None
    if domain_dir is not None:
        domain = load_genius(domain_dir)
        u0, u1 = domain.utilities[0], domain.utilities[1]
        reserved = (float(domain.reserved[0]), float(domain.reserved[1]))
        parties = (domain.parties[0], domain.parties[1])
    else:
        assert scenario is not None
        grid = dict(scenario.bargaining.grid) if scenario.bargaining else None
        domain = domain_from_scenario(scenario, grid=grid or None)
        parties = (scenario.party_id("sending"), scenario.party_id("host"))
        i, j = (domain.parties.index(p) for p in parties)
        u0, u1 = domain.utilities[i], domain.utilities[j]
        reserved = (float(domain.reserved[i]), float(domain.reserved[j]))
        mask = scenario_win_set(scenario, domain)
    games = tournament(u0, u1, names, n_steps=steps, seeds=seeds, reserved=reserved,
                       ratifiable=mask, seed=seed)  # fmt: skip
    return Tournament(games, summarise(games), parties)
