"""Bargaining on a scenario: its domain, its two ratifiers, and one negotiation between them.

No I/O. ``bargain_scenario`` maps a validated scenario to a :class:`~.domain.Domain` (issues and
preferences), builds each party's ratifier from ``[parties.<id>.ratifier]`` (two-level game: a
tentative agreement stands only if both ratifiers accept it; otherwise it is voided and talks go
on), and runs the reference engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from burdenshare.bargaining.domain import Domain, domain_from_scenario
from burdenshare.bargaining.engine import Negotiation, negotiate
from burdenshare.bargaining.ratification import Ratifier, ratifier_from_spec, tied_hands_utility
from burdenshare.errors import BurdenshareError, Problem
from burdenshare.scenario import Scenario

__all__ = [
    "ScenarioBargain",
    "bargain_scenario",
    "ratifier_limits",
    "ratifier_mask",
    "reservation_mask",
    "scenario_ratifiers",
    "two_level_win_set",
]


def scenario_ratifiers(scenario: Scenario, domain: Domain) -> dict[str, Ratifier]:
    """Each party's ratifier over ``domain``'s outcomes (parties in domain order)."""
    space = domain.space
    ids = [issue.name for issue in space.issues]
    ranges, categories = [], {}
    for iid in ids:
        issue = scenario.issues[iid]
        if issue.type in ("continuous", "integer"):
            ranges.append((float(issue.min), float(issue.max)))
        elif issue.type == "categorical":
            categories[iid] = list(issue.values)
            ranges.append((0.0, float(len(issue.values) - 1)))
        else:
            ranges.append((0.0, 1.0))
    out = {}
    for p, party in enumerate(domain.parties):
        pref = scenario.preferences.get(party)
        out[party] = ratifier_from_spec(
            scenario.parties[party].ratifier,
            ids,
            space.values,
            ranges,
            party_utility=domain.utilities[p],
            party_reservation=float(domain.reserved[p]),
            party_weights=dict(pref.weights) if pref else None,
            categories=categories,
            path=f"parties.{party}.ratifier",
        )
    return out


def ratifier_limits(scenario: Scenario, party: str) -> dict[str, object]:
    """The worst value per issue ``party``'s ratifier accepts: its ``limits``, else the party's
    per-issue ``reservation`` values (none for a party without preferences)."""
    limits = scenario.parties[party].ratifier.limits
    if limits:
        return dict(limits)
    pref = scenario.preferences.get(party)
    return dict(pref.reservation) if pref else {}


def reservation_mask(
    scenario: Scenario, domain: Domain, party: str, limits: Mapping[str, object] | None = None
) -> np.ndarray:
    """Outcomes within every per-issue limit (worst acceptable value) of ``party``: ``limits``,
    by default the party's ``reservation`` values.

    A numeric issue is acceptable on the ideal's side of the limit; a
    boolean or categorical one only at the ideal or the limit value. A ratifier that must
    consent treats its limits as hard: the ROK National Assembly rejects any amount above the
    ceiling Seoul could sell to it, whatever the other terms.
    """
    space = domain.space
    mask = np.ones(space.n_outcomes, dtype=bool)
    pref = scenario.preferences.get(party)
    if pref is None:
        return mask
    names = [issue.name for issue in space.issues]
    table = pref.reservation if limits is None else limits
    for iid, worst in table.items():
        k = names.index(iid)
        issue = space.issues[k]
        column = space.values[:, k]
        ideal = pref.ideal.get(iid)
        if issue.kind in ("continuous", "integer") and ideal is not None:
            # everything on the ideal's side of the worst acceptable value
            if float(ideal) <= float(worst):
                mask &= column <= float(worst)
            else:
                mask &= column >= float(worst)
        else:
            allowed = {worst} if ideal is None else {worst, ideal}
            codes = [issue.values.index(v) for v in allowed if v in issue.values]
            mask &= np.isin(space.indices[:, k], codes)
    return mask


def round_dates(scenario: Scenario, n_steps: int) -> list[dt.date] | None:
    """Calendar date of each round, spread evenly over ``[bargaining] first_round..last_round``."""
    spec = scenario.bargaining
    if spec is None or spec.first_round is None or spec.last_round is None:
        return None
    span = (spec.last_round - spec.first_round).days
    return [
        spec.first_round + dt.timedelta(days=round(span * s / max(n_steps - 1, 1)))
        for s in range(n_steps)
    ]


def reserved_path(scenario: Scenario, domain: Domain, party: str, n_steps: int) -> np.ndarray:
    """The party's no-deal utility in each round: its ``reservation_value`` until its outside
    option becomes available (``available_from``, by the round's calendar date), then the outside
    option's utility — e.g. Seoul's position worsens once USFK furloughs Korean employees."""
    base = float(domain.reserved[domain.parties.index(party)])
    path = np.full(n_steps, base)
    pref = scenario.preferences.get(party)
    dates = round_dates(scenario, n_steps)
    option = pref.outside_option if pref else None
    if option is not None and option.available_from is not None and dates is not None:
        switch = np.array([d >= option.available_from for d in dates])
        path[switch] = option.utility
    return path


def two_level_win_set(
    scenario: Scenario, domain: Domain, ratifiers: Mapping[str, Ratifier] | None = None
) -> np.ndarray:
    """Outcomes both sides' ratifiers accept; a ratifier also holds its party to its per-issue
    limits (:func:`ratifier_limits`, :func:`reservation_mask`)."""
    ratifiers = ratifiers if ratifiers is not None else scenario_ratifiers(scenario, domain)
    mask = np.ones(domain.space.n_outcomes, dtype=bool)
    for party in (scenario.party_id("sending"), scenario.party_id("host")):
        mask &= ratifier_mask(scenario, domain, party, ratifiers[party])
    return mask


def ratifier_mask(
    scenario: Scenario, domain: Domain, party: str, ratifier: Ratifier | None = None
) -> np.ndarray:
    """Outcomes ``party``'s ratifier accepts, within its limits (all outcomes for kind none)."""
    if ratifier is None:
        ratifier = scenario_ratifiers(scenario, domain)[party]
    mask = ratifier.win_set().copy()
    if scenario.parties[party].ratifier.kind != "none":
        mask &= reservation_mask(scenario, domain, party, ratifier_limits(scenario, party))
    return mask


@dataclass(frozen=True)
class ScenarioBargain:
    """One negotiation on a scenario, with what the report and the CLI need to describe it."""

    domain: Domain
    opener: str
    responder: str
    strategies: dict[str, str]
    ratified: bool
    result: Negotiation
    #: two-level win-set (both ratifiers accept), or None without ratification
    win_set: np.ndarray | None

    def agreement(self) -> dict[str, object] | None:
        a = self.result.agreement
        return None if a is None else self.domain.space.outcome(a)


def bargain_scenario(
    scenario: Scenario,
    strategies: Mapping[str, str],
    *,
    n_steps: int = 100,
    ratification: bool = True,
    tied_hands: bool = False,
    seed: int = 0,
    domain: Domain | None = None,
    win_set: np.ndarray | None = None,
) -> ScenarioBargain:
    """Run one negotiation: the sending party opens; ``strategies`` maps party id → strategy.

    With ``tied_hands`` each negotiator whose ratifier must consent knows its own win-set
    (Putnam's "tied hands"): its strategy sees outcomes outside it as worse than no deal, so it
    neither offers nor accepts them. Utilities reported for the deal are the true ones.
    """
    domain = domain if domain is not None else domain_from_scenario(scenario)
    opener = scenario.party_id("sending")
    responder = scenario.party_id("host")
    unknown = [p for p in strategies if p not in scenario.parties]
    missing = [p for p in (opener, responder) if p not in strategies]
    if unknown or missing:
        raise BurdenshareError(
            [
                Problem(
                    f"unknown party '{p}' in --strategy",
                    expected="one of " + ", ".join(scenario.parties),
                    found=p,
                )
                for p in unknown
            ]
            + [
                Problem(f"no strategy for party '{p}'", expected=f"--strategy {p}=NAME")
                for p in missing
            ]
        )
    i, j = domain.parties.index(opener), domain.parties.index(responder)
    ratify = None
    if not ratification:
        win_set = None
    else:
        ratifiers = scenario_ratifiers(scenario, domain)
        if win_set is None:  # callers running many negotiations pass it in
            win_set = two_level_win_set(scenario, domain, ratifiers)

        def ratify(outcome: int) -> bool:
            return bool(win_set[outcome])

    u_open, u_resp = domain.utilities[i], domain.utilities[j]
    if tied_hands:
        if not ratification:
            raise BurdenshareError(
                [Problem("tied hands needs ratification", expected="--ratify with --tied-hands")]
            )
        own = {p: ratifier_mask(scenario, domain, p, ratifiers[p]) for p in (opener, responder)}
        u_open = tied_hands_utility(u_open, own[opener], float(domain.reserved[i]))
        u_resp = tied_hands_utility(u_resp, own[responder], float(domain.reserved[j]))
    result = negotiate(
        u_open,
        u_resp,
        strategies[opener],
        strategies[responder],
        n_steps,
        reserved=(
            reserved_path(scenario, domain, opener, n_steps),
            reserved_path(scenario, domain, responder, n_steps),
        ),
        ratify=ratify,
        seed=seed,
    )
    return ScenarioBargain(
        domain, opener, responder, dict(strategies), ratification, result, win_set
    )


@dataclass(frozen=True)
class ScenarioBargainingResults:
    """What `analyze` computes for the ``[bargaining]`` section of a scenario."""

    domain: Domain
    #: two-level win-set (both ratifiers, incl. the host's hard per-issue limits)
    win_set: np.ndarray
    free: object  # BargainingAnalysis without ratification
    ratified: object  # BargainingAnalysis on the two-level win-set
    tournament: object  # pd.DataFrame, one row per negotiation
    summary: object  # pd.DataFrame per (ratified, opener, responder)
    #: (opener strategy, responder strategy, ratified) → result with its trace
    traces: dict[tuple[str, str, bool], Negotiation]
    #: the same traces' pairs with the sending party's no-floor outside option (ratified), or {}
    no_floor: dict[tuple[str, str], Negotiation]


def scenario_bargaining(scenario: Scenario, *, seed: int = 0) -> ScenarioBargainingResults:
    """Run the scenario's ``[bargaining]`` section: analysis, tournament and traces."""
    from burdenshare.bargaining.analysis import BargainingAnalysis
    from burdenshare.bargaining.tournament import summarise, tournament

    spec = scenario.bargaining
    if spec is None:
        raise ValueError("scenario has no [bargaining] section")
    domain = domain_from_scenario(scenario, grid=dict(spec.grid) or None)
    opener, responder = scenario.party_id("sending"), scenario.party_id("host")
    i, j = domain.parties.index(opener), domain.parties.index(responder)
    two = domain.select([opener, responder])
    win_set = two_level_win_set(scenario, domain)
    reserved = (
        reserved_path(scenario, domain, opener, spec.steps),
        reserved_path(scenario, domain, responder, spec.steps),
    )
    games = tournament(
        domain.utilities[i], domain.utilities[j], spec.strategies, n_steps=spec.steps,
        seeds=spec.seeds, reserved=reserved, ratifiable=win_set, seed=seed,
    )  # fmt: skip
    traces = {}
    for a, b in spec.pairs:
        for rat in (False, True):
            run = bargain_scenario(
                scenario,
                {opener: a, responder: b},
                n_steps=spec.steps,
                ratification=rat,
                seed=seed,
                domain=domain,
                win_set=win_set,
            )
            traces[(a, b, rat)] = run.result
    no_floor: dict[tuple[str, str], Negotiation] = {}
    if spec.no_floor_outside_option is not None:
        # Without the floor the withdrawal threat is credible: the sending side's no-deal
        # utility rises; everything else is unchanged.
        alt = (np.full(spec.steps, float(spec.no_floor_outside_option)), reserved[1])
        for a, c in spec.pairs:
            no_floor[(a, c)] = negotiate(
                domain.utilities[i], domain.utilities[j], a, c, spec.steps, reserved=alt,
                ratify=lambda o: bool(win_set[o]), seed=seed,
            )  # fmt: skip
    return ScenarioBargainingResults(
        domain=two,
        win_set=win_set,
        free=BargainingAnalysis.from_domain(two),
        ratified=BargainingAnalysis.from_domain(two, win_set),
        tournament=games,
        summary=summarise(games),
        traces=traces,
        no_floor=no_floor,
    )
