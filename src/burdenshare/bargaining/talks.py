"""Bargaining on a scenario: its domain, its two ratifiers, and one negotiation between them.

No I/O. ``bargain_scenario`` maps a validated scenario to a :class:`~.domain.Domain` (issues and
preferences), builds each party's ratifier from ``[parties.<id>.ratifier]`` (two-level game: a
tentative agreement stands only if both ratifiers accept it; otherwise it is voided and talks go
on), and runs the reference engine.

**Calendar and events.** With ``[bargaining] first_round/last_round`` rounds have dates, spread
evenly. Each party's time-dependent strategy concedes on its own clock: relative time
``t_s = min(1, s / s_c)`` where ``s_c`` is the first round on or after its ``concede_by`` date
(default: the last round), so a side whose date has passed sits at its floor. The ``[[events]]``
that change the game (their ``set`` table) cut the rounds into **segments**
(:func:`segments`): each segment plays on the scenario with every event in force by its first
round, on the same outcome space. A segment starts with an empty table; outcomes voided by
ratification stay off the agenda unless the new segment's ratifiers accept them (a new president
may sign what the old one vetoed); talks that ended without a deal (a walk-out, an exhausted
agenda) resume when the next segment starts — the game changed, so the parties meet again.
Uncertain events happen in a single run when their probability is at least one half, unless
``events`` says otherwise; sweeps draw them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from burdenshare.bargaining.domain import Domain, domain_from_scenario
from burdenshare.bargaining.engine import Negotiation, negotiate
from burdenshare.bargaining.ratification import Ratifier, ratifier_from_spec, tied_hands_utility
from burdenshare.bargaining.strategies import Strategy
from burdenshare.errors import BurdenshareError, Problem, ProgrammerError
from burdenshare.scenario import Scenario

__all__ = [
    "Branch",
    "ScenarioBargain",
    "Segment",
    "bargain_scenario",
    "base_runs",
    "clocks",
    "events_happening",
    "ratifier_limits",
    "ratifier_mask",
    "reservation_mask",
    "round_of",
    "scenario_ratifiers",
    "scenario_win_set",
    "segments",
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


def round_of(dates: list[dt.date], day: dt.date) -> int:
    """The first round on or after ``day`` (``len(dates)`` when every round is earlier)."""
    return next((s for s, d in enumerate(dates) if d >= day), len(dates))


def clocks(scenario: Scenario, n_steps: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Each side's relative time per round (sending party first), or None for the engines'
    default clock: ``t_s = min(1, s / s_c)`` with ``s_c`` the round of the party's
    ``[bargaining] concede_by`` date."""
    from burdenshare.bargaining.strategies import kernels

    spec = scenario.bargaining
    dates = round_dates(scenario, n_steps)
    if spec is None or not spec.concede_by or dates is None:
        return None
    out = []
    for role in ("sending", "host"):
        day = spec.concede_by.get(scenario.party_id(role))
        if day is None:
            out.append(kernels.relative_times(n_steps, False))
            continue
        end = min(round_of(dates, day), n_steps - 1)
        t = np.ones(n_steps) if end == 0 else np.minimum(np.arange(n_steps) / end, 1.0)
        out.append(t)
    return out[0], out[1]


def events_happening(scenario: Scenario, choices: Mapping[str, bool] | None = None) -> set[str]:
    """Ids of the events that happen: certain ones, and uncertain ones as ``choices`` says or,
    where it says nothing, when their probability is at least one half."""
    choices = dict(choices or {})
    unknown = [k for k in choices if k not in {e.id for e in scenario.events}]
    if unknown:
        raise BurdenshareError(
            [
                Problem(
                    f"unknown event '{k}'",
                    path="events",
                    expected="one of " + ", ".join(e.id for e in scenario.events),
                    found=k,
                )
                for k in unknown
            ]
        )
    return {
        e.id
        for e in scenario.events
        if (not e.uncertain) or choices.get(e.id, e.probability >= 0.5)
    }


@dataclass(frozen=True)
class Segment:
    """Rounds ``first … stop − 1`` played on ``scenario``: the base scenario with ``values`` set
    by the events in ``events``, in force by round ``first``."""

    first: int
    stop: int
    scenario: Scenario
    events: tuple[str, ...]
    values: Mapping[str, object] = field(default_factory=dict)


def segments(scenario: Scenario, n_steps: int, happened: set[str] | None = None) -> list[Segment]:
    """The rounds cut where a happening event changes the game (its ``set`` takes effect).

    ``happened``: ids of the events that happen (default :func:`events_happening`). An event
    that takes effect after the last round changes nothing; one on or before the first round
    applies from round 0. Later events override earlier ones on the same field.
    """
    from burdenshare.scenario.paths import with_fields

    happened = events_happening(scenario) if happened is None else happened
    dates = round_dates(scenario, n_steps)
    changing = [e for e in scenario.events if e.set and e.id in happened]
    if not changing or dates is None:
        return [Segment(0, n_steps, scenario, ())]
    start = {e.id: round_of(dates, e.starts) for e in changing}
    cuts = sorted({0, *(r for r in start.values() if r < n_steps)})
    out = []
    for k, first in enumerate(cuts):
        stop = cuts[k + 1] if k + 1 < len(cuts) else n_steps
        active = sorted(
            (e for e in changing if start[e.id] <= first), key=lambda e: (e.starts, e.date)
        )
        values: dict[str, object] = {}
        for e in active:
            values.update(e.set)
        variant = with_fields(scenario, values) if values else scenario
        out.append(Segment(first, stop, variant, tuple(e.id for e in active), values))
    return out


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


def scenario_win_set(
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
    """One negotiation on a scenario, with what the report and the CLI need to describe it.

    ``result`` is the whole negotiation (every segment's moves in one trace, each move's
    utilities those of its segment); ``runs`` holds each segment with its own result.
    """

    domain: Domain
    opener: str
    responder: str
    strategies: dict[str, str]
    ratified: bool
    result: Negotiation
    #: two-level win-set (both ratifiers accept) of the last segment, or None without
    #: ratification
    win_set: np.ndarray | None
    runs: tuple[tuple[Segment, Negotiation], ...] = ()
    dates: tuple[dt.date, ...] | None = None

    def agreement(self) -> dict[str, object] | None:
        a = self.result.agreement
        return None if a is None else self.domain.space.outcome(a)

    @property
    def end_date(self) -> dt.date | None:
        """Date of the round the talks ended in (None without calendar rounds)."""
        if self.dates is None:
            return None
        return self.dates[min(self.result.step, len(self.dates)) - 1]


def _strategy_for(name: str, exponent: float | None, pick: str = "lowest") -> Strategy | str:
    """The named strategy, with the scenario's concession exponent and offer rule when it is
    time-dependent."""
    from burdenshare.bargaining.strategies import make_strategy
    from burdenshare.bargaining.strategies.concession import TimeDependent, WalkOut

    if exponent is None and pick == "lowest":
        return name
    made = make_strategy(name)
    if not isinstance(made, TimeDependent | WalkOut):
        return name
    changes: dict[str, object] = {"pick": pick}
    if exponent is not None:
        changes["e"] = float(exponent)
    return make_strategy(made, **changes)


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
    events: Mapping[str, bool] | None = None,
    exponents: bool = False,
) -> ScenarioBargain:
    """Run one negotiation: the sending party opens; ``strategies`` maps party id → strategy.

    The talks run segment by segment (:func:`segments`; module docstring), on each side's clock
    (:func:`clocks`). ``events`` chooses uncertain events (id → happens); ``exponents`` gives
    time-dependent strategies the scenario's ``[bargaining] exponents`` (as sweeps do).

    With ``tied_hands`` each negotiator whose ratifier must consent knows its own win-set
    (Putnam's "tied hands"): its strategy sees outcomes outside it as worse than no deal, so it
    neither offers nor accepts them. Utilities reported for the deal are the true ones.
    ``domain`` and ``win_set`` (the base scenario's) may be passed in by callers running many
    negotiations; without events they are used as given.
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
    if tied_hands and not ratification:
        raise BurdenshareError(
            [Problem("tied hands needs ratification", expected="--ratify with --tied-hands")]
        )
    i, j = domain.parties.index(opener), domain.parties.index(responder)
    parts = segments(scenario, n_steps, events_happening(scenario, events))
    runs: list[tuple[Segment, Negotiation]] = []
    struck: set[int] = set()
    seg_win: np.ndarray | None = None
    for k, seg in enumerate(parts):
        sc = seg.scenario
        same = k == 0 and sc is scenario
        dom = domain if same else domain_from_scenario(sc, space=domain.space)
        ratify = None
        seg_win = None
        reveal = None
        if ratification:
            ratifiers = scenario_ratifiers(sc, dom)
            seg_win = (
                win_set if (win_set is not None and sc is scenario) else scenario_win_set(
                    sc, dom, ratifiers
                )
            )  # fmt: skip
            struck = {o for o in struck if not seg_win[o]}
            if sc.bargaining is not None and sc.bargaining.veto_reveals:
                reveal = (
                    ratifier_mask(sc, dom, opener, ratifiers[opener]),
                    ratifier_mask(sc, dom, responder, ratifiers[responder]),
                )

            def ratify(outcome: int, w: np.ndarray = seg_win) -> bool:
                return bool(w[outcome])

        u_open, u_resp = dom.utilities[i], dom.utilities[j]
        if tied_hands:
            own = {p: ratifier_mask(sc, dom, p, ratifiers[p]) for p in (opener, responder)}
            u_open = tied_hands_utility(u_open, own[opener], float(dom.reserved[i]))
            u_resp = tied_hands_utility(u_resp, own[responder], float(dom.reserved[j]))
        spec = sc.bargaining
        expo = dict(spec.exponents) if (exponents and spec is not None) else {}
        pick = spec.offers if spec is not None else "lowest"
        result = negotiate(
            u_open,
            u_resp,
            _strategy_for(strategies[opener], expo.get(opener), pick),
            _strategy_for(strategies[responder], expo.get(responder), pick),
            n_steps,
            reserved=(
                reserved_path(sc, dom, opener, n_steps),
                reserved_path(sc, dom, responder, n_steps),
            ),
            ratify=ratify,
            seed=seed,
            times=clocks(sc, n_steps),
            rounds=(seg.first, seg.stop) if len(parts) > 1 else None,
            struck=struck,
            reveal=reveal,
        )
        runs.append((seg, result))
        struck = set(result.struck)
        if result.agreement is not None:
            break
    merged = _merge(runs, n_steps)
    dates = round_dates(scenario, n_steps)
    return ScenarioBargain(
        domain,
        opener,
        responder,
        dict(strategies),
        ratification,
        merged,
        seg_win,
        tuple(runs),
        None if dates is None else tuple(dates),
    )


def _merge(runs: list[tuple[Segment, Negotiation]], n_steps: int) -> Negotiation:
    """One negotiation from its segments: the last segment's ending, every segment's moves."""
    last = runs[-1][1]
    if len(runs) == 1:
        return last
    events = [e for _, r in runs for e in r.events]
    trace = [t for _, r in runs for t in r.trace]
    timedout = last.agreement is None and last.step == n_steps and last.timedout
    merged = Negotiation(
        last.agreement,
        last.step,
        timedout,
        last.ended_by,
        last.reason,
        last.utilities,
        last.payoffs,
        last.note,
        events,
        None,
        set(last.struck),
    )
    merged._trace = trace
    return merged


@dataclass(frozen=True)
class Branch:
    """One combination of the uncertain events, its probability, and the base-case run in it."""

    label: str
    probability: float
    happened: dict[str, bool]
    run: ScenarioBargain


def base_runs(scenario: Scenario, domain: Domain | None = None, *, seed: int = 0) -> list[Branch]:
    """The base case in each branch of the uncertain events (at most 3 events, 8 branches),
    likeliest first: the first ``[bargaining] pairs`` strategies with the scenario's exponents,
    both ratifiers voting — what a sweep draw with every input at its point estimate plays."""
    from itertools import product

    spec = scenario.bargaining
    if spec is None:
        raise ProgrammerError("scenario has no [bargaining] section")
    if domain is None:
        domain = domain_from_scenario(scenario, grid=dict(spec.grid) or None)
    uncertain = [e for e in scenario.events if e.set and e.uncertain][:3]
    opener, responder = scenario.party_id("sending"), scenario.party_id("host")
    a, c = spec.pairs[0] if spec.pairs else ("boulware", "conceder")
    out = []
    for flags in product((True, False), repeat=len(uncertain)):
        happened = {e.id: f for e, f in zip(uncertain, flags, strict=True)}
        p = 1.0
        words = []
        for e, f in zip(uncertain, flags, strict=True):
            p *= e.probability if f else 1.0 - e.probability
            what = e.outcome or e.id
            words.append(what if f else f"not {what}")
        run = bargain_scenario(
            scenario, {opener: a, responder: c}, n_steps=spec.steps, seed=seed, domain=domain,
            events=happened, exponents=True,
        )  # fmt: skip
        out.append(Branch("; ".join(words) or "base case", p, happened, run))
    return sorted(out, key=lambda b: -b.probability)


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

    def tables(self) -> dict[str, Any]:
        """Result tables for the store: the tournament (one row per negotiation, enums as
        text) and its summary per (ratified, opener, responder)."""
        games = self.tournament.copy()  # type: ignore[attr-defined]
        for col in ("ended_by", "reason"):
            games[col] = games[col].astype(str)
        return {"bargaining_tournament": games, "bargaining_summary": self.summary}


def scenario_bargaining(scenario: Scenario, *, seed: int = 0) -> ScenarioBargainingResults:
    """Run the scenario's ``[bargaining]`` section: analysis, tournament and traces."""
    from burdenshare.bargaining.analysis import BargainingAnalysis
    from burdenshare.bargaining.tournament import summarise, tournament

    spec = scenario.bargaining
    if spec is None:
        raise ProgrammerError("scenario has no [bargaining] section")
    domain = domain_from_scenario(scenario, grid=dict(spec.grid) or None)
    opener, responder = scenario.party_id("sending"), scenario.party_id("host")
    i, j = domain.parties.index(opener), domain.parties.index(responder)
    two = domain.select([opener, responder])
    win_set = scenario_win_set(scenario, domain)
    reserved = (
        reserved_path(scenario, domain, opener, spec.steps),
        reserved_path(scenario, domain, responder, spec.steps),
    )
    games = tournament(
        domain.utilities[i], domain.utilities[j], spec.strategies, n_steps=spec.steps,
        seeds=spec.seeds, reserved=reserved, ratifiable=win_set, seed=seed, pick=spec.offers,
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
                domain.utilities[i], domain.utilities[j], _strategy_for(a, None, spec.offers),
                _strategy_for(c, None, spec.offers), spec.steps, reserved=alt,
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
