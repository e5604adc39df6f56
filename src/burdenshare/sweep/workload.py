"""The bargaining sweep: each draw of ``[uncertainty]`` is one negotiation of its scenario.

Draw i describes a scenario — the bundled one with the drawn fields set
(:func:`~burdenshare.sweep.apply.apply_draw`) — and its row is what
:func:`~burdenshare.bargaining.talks.bargain_scenario` gives on that scenario with ratification:
the sending party opens with its strategy (drawn from ``[uncertainty.strategies]`` or its side
of ``[bargaining].pairs[0]``, with ``[bargaining].exponents`` as the concession exponent), both
ratifiers must accept a tentative deal, and each side's no-deal utility follows its
``reservation_value`` and outside option by round date. Every draw is played on **one outcome
space** (the scenario's issues on the ``[bargaining].grid``), so drawn ideal or reservation
amounts move value functions and limits but not the grid.

Speed comes from not rebuilding scenarios. Drawn fields are split in two:

* *row fields*, applied to arrays row by row in numpy: a party's ``reservation_value``, its
  outside option's ``utility``, its ``weights``, its numeric ``ideal`` and ``reservation``
  amounts, and ``bargaining.exponents``. The party's ratifier follows when it judges by the
  party's own utility (a legislature without blocs, veto players);
* *structural fields*, everything else (a bloc's tolerance, ``bargaining.steps``, issue bounds,
  dates, …): rows are grouped by their values, and each distinct combination builds its
  scenario, domain and ratifiers once (cached across chunks).

Drawn ``actors.*`` fields (positions, saliences, capabilities) feed only the forecasting models:
each draw also gets ``forecast.<model>.<dimension>`` from every model of ``[actors].models`` on
its drawn actor table, one model run per distinct combination (a BDM or SMP run costs
milliseconds, so sweep actors over thousands of draws, not millions).

A chunk's rows are then run in lock-step by :func:`~burdenshare.bargaining.batch.negotiate_batch`,
with row seeds keyed by draw index. Nothing depends on the chunking, so the stored table is the
same for every executor and worker count.

**Events.** Rows are also grouped by which uncertain ``[[events]]`` happen in them
(``event.<id>`` columns). Each group plays the segments
:func:`~burdenshare.bargaining.talks.segments` gives its scenario, as
``bargain_scenario`` does: rows without a deal move on to the next segment, their struck outcomes
carried over except those the new ratifiers accept. In a segment, a drawn row field that an event
in force sets takes the event's value (or the draw of ``events.<id>.set.<field>``).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from burdenshare.bargaining.batch import BatchResult, StrategyBatch, negotiate_batch
from burdenshare.bargaining.strategies.base import Reason
from burdenshare.bargaining.strategies.concession import KIND_TIME_DEPENDENT
from burdenshare.bargaining.utility import overshoot
from burdenshare.errors import BurdenshareError, Problem
from burdenshare.scenario.uncertainty import is_numeric
from burdenshare.sweep.draws import (
    EVENT_PREFIX,
    STRATEGY_PREFIX,
    draw_parameters,
    uncertain_events,
)
from burdenshare.sweep.interp import interp_rows

if TYPE_CHECKING:
    from burdenshare.bargaining.domain import Domain
    from burdenshare.bargaining.outcomes import OutcomeSpace
    from burdenshare.scenario.schema import Scenario

__all__ = [
    "DEAL_PREFIX",
    "LAST_PREFIX",
    "OVERLAP_COLUMNS",
    "UTILITY_PREFIX",
    "VETOED_PREFIX",
    "BargainingWorkload",
    "row_fields",
]

#: Result columns: agreed value of each issue, and each party's utility of the deal.
DEAL_PREFIX = "deal."
UTILITY_PREFIX = "u."
#: Each deal's cost over the agreement's life (with ``[bargaining].terms``): agreement currency
#: nominal, real at the ledger's base year, and USD.
COST_COLUMNS = ("cost.nominal", "cost.real", "cost.usd")
#: Forecast columns (when actor fields are drawn): ``forecast.<model>.<dimension>``.
FORECAST_PREFIX = "forecast."
#: Each party's number of tentative deals its ratifier rejected: ``vetoed.<party>``.
VETOED_PREFIX = "vetoed."
#: The last offer each party made, per numeric issue: ``last.<party>.<issue>``.
LAST_PREFIX = "last."
#: Whether a two-level zone of agreement exists (an outcome both negotiators prefer to no deal
#: and both ratifiers accept) when the talks start, and in the last segment a draw played.
OVERLAP_COLUMNS = ("overlap.start", "overlap.end")
#: Rows per negotiate_batch call: bounds the [rows, outcomes] masks and utilities (each side's
#: per-row utilities and their sort are kept across a batch's segments).
_BATCH = 2048
_CACHE = 64

_ROW_PATTERNS = {
    "reservation_value": re.compile(r"^preferences\.([^.]+)\.reservation_value$"),
    "option": re.compile(r"^preferences\.([^.]+)\.outside_option\.utility$"),
    "weight": re.compile(r"^preferences\.([^.]+)\.weights\.([^.]+)$"),
    "ideal": re.compile(r"^preferences\.([^.]+)\.ideal\.([^.]+)$"),
    "limit": re.compile(r"^preferences\.([^.]+)\.reservation\.([^.]+)$"),
    "ratifier_limit": re.compile(r"^parties\.([^.]+)\.ratifier\.limits\.([^.]+)$"),
    "exponent": re.compile(r"^bargaining\.exponents\.([^.]+)$"),
}
#: Row fields that change a party's utility function.
_UTILITY = ("weight", "ideal", "limit")


def _party_view(scenario: Scenario, party: str) -> bool:
    """Whether the party's ratifier judges by the party's own utility and reservation value
    (no blocs with their own ideals)."""
    spec = scenario.parties[party].ratifier
    return spec.kind == "veto_players" or (spec.kind == "legislature" and not spec.members)


def row_fields(scenario: Scenario, paths: Sequence[str]) -> dict[str, tuple[str, str, str]]:
    """The drawn paths applied row by row: path → (kind, party, issue or "")."""
    out: dict[str, tuple[str, str, str]] = {}
    for path in paths:
        for kind, pattern in _ROW_PATTERNS.items():
            m = pattern.match(path)
            if m is None:
                continue
            party = m.group(1)
            issue = m.group(2) if m.lastindex == 2 else ""
            if party not in scenario.parties:
                break
            ratifier = scenario.parties[party].ratifier
            if kind in ("reservation_value", *_UTILITY) and ratifier.members:
                break  # blocs use the party's weights and reservation: rebuild the ratifier
            if kind in ("ideal", "limit", "ratifier_limit"):
                spec = scenario.issues.get(issue)
                pref = scenario.preferences.get(party)
                if spec is None or spec.type not in ("continuous", "integer"):
                    break
                if pref is None or not is_numeric(pref.ideal.get(issue)):
                    break
            out[path] = (kind, party, issue)
            break
    return out


@dataclass
class _Side:
    """One party's inputs in one structural group."""

    party: str
    weights: dict[str, float]
    ideal: dict[str, Any]
    reservation: dict[str, Any]  # per-issue reservation amounts (value functions)
    limits: dict[str, Any]  # the ratifier's per-issue limits (explicit or the reservations)
    explicit_limits: bool
    utility: np.ndarray
    reservation_value: float
    option: float | None  # outside option utility once available (None: never)
    switch: np.ndarray | None  # [n_steps] rounds where the outside option applies
    ratifier: str  # "none", "party" (votes u >= reservation value) or "fixed" (blocs)
    win_set: np.ndarray  # the ratifier's own vote, without limits
    mask: np.ndarray | None  # win_set within the limits; None for kind none
    other_limits: np.ndarray  # [n] the limits a row cannot move (non-numeric issues)
    strategy: str
    exponent: float | None


@dataclass
class _Template:
    """What every draw of one structural group shares."""

    domain: Domain
    n_steps: int
    dates: list | None
    sides: tuple[_Side, _Side]  # opener (sending), responder (host)
    scenario: Scenario  # the group's scenario (drawn structural fields set)
    times: tuple[np.ndarray, np.ndarray] | None  # each side's clock (None: the default)
    #: (amount, duration) → (nominal, real, usd) cost over the agreement's life
    costs: dict = field(default_factory=dict)


def _template(scenario: Scenario, space: OutcomeSpace | None) -> _Template:
    from burdenshare.bargaining.domain import domain_from_scenario
    from burdenshare.bargaining.talks import (
        clocks,
        ratifier_limits,
        ratifier_mask,
        reservation_mask,
        round_dates,
        scenario_ratifiers,
    )
    from burdenshare.scenario.checks import _sweep_strategy

    spec = scenario.bargaining
    grid = dict(spec.grid) if spec is not None and spec.grid else None
    domain = domain_from_scenario(scenario, grid=grid, space=space)
    n_steps = spec.steps if spec is not None else 100
    dates = round_dates(scenario, n_steps)
    ratifiers = scenario_ratifiers(scenario, domain)
    sides = []
    for role in ("sending", "host"):
        party = scenario.party_id(role)
        p = domain.parties.index(party)
        pref = scenario.preferences[party]
        utility = domain.utilities[p]
        option = pref.outside_option
        # the same rule as reserved_path: the option applies from the round its date is reached
        if option is not None and option.available_from is not None and dates is not None:
            switch = np.array([d >= option.available_from for d in dates])
        else:
            switch = None
        kind = scenario.parties[party].ratifier.kind
        win_set = ratifiers[party].win_set()
        limits = ratifier_limits(scenario, party)
        numeric = {k for k, v in limits.items() if _numeric_issue(domain, k, pref.ideal.get(k))}
        if kind == "none":
            view = "none"
        elif _party_view(scenario, party):
            view = "party"
            # the vote must be the party's own {u >= r}; else rebuild per row (structural)
            assert np.array_equal(win_set, utility >= float(domain.reserved[p]))
        else:
            view = "fixed"
        sides.append(
            _Side(
                party=party,
                weights={k: float(v) for k, v in pref.weights.items()},
                ideal=dict(pref.ideal),
                reservation=dict(pref.reservation),
                limits=limits,
                explicit_limits=bool(scenario.parties[party].ratifier.limits),
                utility=utility,
                reservation_value=float(domain.reserved[p]),
                option=None if option is None else float(option.utility),
                switch=switch,
                ratifier=view,
                win_set=win_set,
                mask=None
                if kind == "none"
                else ratifier_mask(scenario, domain, party, ratifiers[party]),
                other_limits=reservation_mask(
                    scenario, domain, party, {k: v for k, v in limits.items() if k not in numeric}
                ),
                strategy=_sweep_strategy(scenario, party),
                exponent=None if spec is None else spec.exponents.get(party),
            )
        )
    times = clocks(scenario, n_steps)
    return _Template(domain, n_steps, dates, (sides[0], sides[1]), scenario, times)


def _numeric_issue(domain: Domain, iid: str, ideal: object) -> bool:
    issue = domain.space.issues[domain.space.names.index(iid)]
    return issue.kind in ("continuous", "integer") and is_numeric(ideal)


@dataclass
class BargainingWorkload:
    """``run_chunk(start, stop)`` for :func:`~burdenshare.sweep.runner.run_sweep`.

    Picklable (the scenario travels; caches are rebuilt in each worker). ``ratification=False``
    drops both ratifiers (the negotiators alone). ``seed`` is the master seed of the draws and of
    any random strategy.
    """

    scenario: Scenario
    seed: int
    ratification: bool = True

    def __post_init__(self) -> None:
        if self.scenario.uncertainty is None:
            raise BurdenshareError(
                [
                    Problem(
                        "the scenario has no [uncertainty] section to sweep over",
                        path="uncertainty",
                        expected="[uncertainty.params] or [uncertainty.strategies]",
                    )
                ]
            )
        self.spec = self.scenario.uncertainty
        self.rows = row_fields(self.scenario, list(self.spec.params))
        # actors.* fields feed only the forecasting models: they never rebuild the bargaining
        self.actor_fields = [p for p in self.spec.params if p.startswith("actors.")]
        # events.<id>.probability only decides the event draw; events.<id>.set.<row field>
        # replaces that row field where the event is in force; other event values are structural
        self.pinned: dict[str, str] = {}
        skip: set[str] = set()
        for path in self.spec.params:
            parts = path.split(".")
            if parts[0] != "events" or len(parts) < 3:
                continue
            if parts[2] == "probability":
                skip.add(path)
            elif parts[2] == "set" and len(parts) > 3:
                target = ".".join(parts[3:])
                if row_fields(self.scenario, [target]):
                    self.pinned[path] = target
                    skip.add(path)
        self.structural = [
            p
            for p in self.spec.params
            if p not in self.rows and p not in self.actor_fields and p not in skip
        ]
        self.events = [EVENT_PREFIX + e for e in uncertain_events(self.scenario)]
        # one group's segments and one actor table's forecasts, each computed once per worker
        self._chain = functools.lru_cache(maxsize=_CACHE)(self._build_chain)
        self._forecast_row = functools.lru_cache(maxsize=4 * _BATCH)(self._run_forecasts)
        # apply_draw validates each variant; without [uncertainty] it skips the draw checks
        self.plain = self.scenario.model_copy(update={"uncertainty": None})

    def __getstate__(self) -> dict[str, Any]:
        return {"scenario": self.scenario, "seed": self.seed, "ratification": self.ratification}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)  # type: ignore[misc]

    # -- structure -----------------------------------------------------------------------
    def _base(self) -> _Template:
        return self._chain(())[0][1]

    def _build_chain(self, key: tuple) -> list[tuple[Any, _Template]]:
        """The segments of one group (structural values + uncertain events' outcomes), each
        with its template (``self._chain``: the same, cached)."""
        from burdenshare.bargaining.talks import events_happening, segments
        from burdenshare.sweep.apply import apply_draw

        n = len(self.structural)
        drawn, outcomes = key[:n], key[n:]
        variant = self.scenario
        if drawn:
            variant = apply_draw(self.plain, dict(zip(self.structural, drawn, strict=True)))
        choices = {
            col.removeprefix(EVENT_PREFIX): bool(v)
            for col, v in zip(self.events, outcomes, strict=False)
        }
        spec = variant.bargaining
        n_steps = spec.steps if spec is not None else 100
        parts = segments(variant, n_steps, events_happening(variant, choices))
        issues_changed = any(p.startswith("issues.") for p in self.structural)
        base_space = None if (not key or issues_changed) else self._base().domain.space
        chain = []
        for seg in parts:
            space = (
                base_space
                if base_space is not None
                else (chain[0][1].domain.space if chain else None)
            )
            chain.append((seg, _template(seg.scenario, space)))
        return chain

    # -- one chunk -----------------------------------------------------------------------
    def __call__(self, start: int, stop: int) -> pd.DataFrame:
        params = draw_parameters(self.spec, self.scenario, self.seed, start, stop)
        outcome = self.outcome_columns()
        parts = []
        keys_cols = self.structural + self.events
        if keys_cols:
            keys = list(params[keys_cols].itertuples(index=False, name=None))
            groups: dict[tuple, list[int]] = {}
            for i, key in enumerate(keys):
                groups.setdefault(tuple(key), []).append(i)
        else:
            groups = {(): list(range(len(params)))}
        for key, index in groups.items():
            chain = self._chain(key)
            for lo in range(0, len(index), _BATCH):
                rows = np.asarray(index[lo : lo + _BATCH])
                frame = self._play(chain, params.iloc[rows])
                frame.index = rows
                parts.append(frame)
        results = pd.concat(parts).sort_index() if parts else pd.DataFrame(columns=outcome)
        results.index = params.index
        columns = [params, results[outcome]]
        if self.actor_fields:
            columns.append(self._forecast_columns(params))
        return pd.concat(columns, axis=1)

    def _play(self, chain: list[tuple[Any, _Template]], params: pd.DataFrame) -> pd.DataFrame:
        """Rows through the group's segments: a deal ends a row; the others move on."""
        single = len(chain) == 1
        frame: pd.DataFrame | None = None
        open_rows = np.arange(len(params))
        struck: np.ndarray | None = None
        counters: dict[str, np.ndarray] = {}
        cache: dict[tuple, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for seg, template in chain:
            sub = self._pinned(params.iloc[open_rows], seg)
            pinned = {path for path in self.rows if path in seg.values and path in params}
            part, struck_out = self._run(
                template,
                sub,
                None if single else (seg.first, seg.stop),
                struck,
                cache=cache,
                rows=open_rows,
                pinned=pinned,
            )
            part.index = open_rows
            for col in ["n_voided", *(c for c in part.columns if c.startswith(VETOED_PREFIX))]:
                acc = counters.setdefault(col, np.zeros(len(params), dtype=np.int32))
                acc[open_rows] += part[col].to_numpy(dtype=np.int32)
            if frame is None:
                part["overlap.start"] = part["overlap.end"]
                frame = part
            else:
                part["overlap.start"] = frame.loc[open_rows, "overlap.start"].to_numpy()
                # a side that made no offer in this segment keeps its last one from before
                for col in (c for c in part.columns if c.startswith(LAST_PREFIX)):
                    earlier = frame.loc[open_rows, col].to_numpy()
                    part[col] = np.where(np.isnan(part[col].to_numpy()), earlier, part[col])
                frame = pd.concat([frame.drop(index=open_rows), part]).sort_index()
            agreed = part["agreement"].to_numpy(dtype=bool)
            open_rows = open_rows[~agreed]
            struck = None if struck_out is None else struck_out[~agreed]
            if open_rows.size == 0:
                break
        assert frame is not None
        for col, acc in counters.items():
            frame[col] = acc
        return frame

    def _pinned(self, params: pd.DataFrame, seg: Any) -> pd.DataFrame:
        """``params`` with each row field an event in force sets replaced by the event's value
        (or the draw of that event's value)."""
        if not seg.values:
            return params
        out = params
        for path in self.rows:
            # a field no draw moves already has the event's value in the segment's template
            if path not in seg.values or path not in params.columns:
                continue
            value: Any = seg.values[path]
            for eid in reversed(seg.events):  # the last event in force that sets it
                drawn = f"events.{eid}.set.{path}"
                if drawn in self.pinned and drawn in params:
                    value = params[drawn].to_numpy()
                    break
            if out is params:
                out = params.copy()
            out[path] = value
        return out

    def forecast_columns(self) -> list[str]:
        """``forecast.<model>.<dimension>`` columns, present when actor fields are drawn."""
        actors = self.scenario.actors
        if not self.actor_fields or actors is None:
            return []
        return [
            f"{FORECAST_PREFIX}{model}.{dim}"
            for model in actors.models
            for dim in actors.dimensions
        ]

    def _forecast_columns(self, params: pd.DataFrame) -> pd.DataFrame:
        """Each draw's forecast by every model of ``[actors]``, on the drawn actor table: one
        model run per distinct combination of drawn actor values (cached across chunks)."""
        names = self.forecast_columns()
        keys = list(params[self.actor_fields].itertuples(index=False, name=None))
        out = np.empty((len(params), len(names)))
        for i, key in enumerate(keys):
            out[i] = self._forecast_row(key)
        return pd.DataFrame(out, columns=names, index=params.index)

    def _run_forecasts(self, key: tuple) -> np.ndarray:
        """Every ``[actors]`` model's forecast on the actor table with the drawn values ``key``
        (``self._forecast_row``: the same, cached)."""
        from burdenshare.forecast.scenario_actors import actor_table_from_scenario, run_model
        from burdenshare.sweep.apply import apply_draw

        actors = self.scenario.actors
        assert actors is not None
        variant = apply_draw(self.plain, dict(zip(self.actor_fields, key, strict=True)))
        table = actor_table_from_scenario(variant)
        return np.concatenate(
            [
                run_model(
                    model, table, variant, rounds=actors.rounds, seed=self.seed,
                    preset=actors.preset,
                ).forecast
                for model in actors.models
            ]
        )  # fmt: skip

    def outcome_columns(self) -> list[str]:
        """Result columns after the drawn parameters, in order."""
        base = self._base()
        issues = [i.name for i in base.domain.space.issues]
        parties = [s.party for s in base.sides]
        numeric = [i.name for i in base.domain.space.issues if i.kind in ("continuous", "integer")]
        return [
            "agreement",
            "step",
            "date",
            "reason",
            "ended_by",
            "n_voided",
            *(DEAL_PREFIX + i for i in issues),
            *(UTILITY_PREFIX + p for p in parties),
            *(VETOED_PREFIX + p for p in parties),
            *(f"{LAST_PREFIX}{p}.{i}" for p in parties for i in numeric),
            *OVERLAP_COLUMNS,
            *(COST_COLUMNS if self._costed() else ()),
        ]

    def _costed(self) -> bool:
        spec = self.scenario.bargaining
        return spec is not None and bool(spec.terms)

    def _run(
        self,
        t: _Template,
        params: pd.DataFrame,
        rounds: tuple[int, int] | None = None,
        struck: np.ndarray | None = None,
        *,
        cache: dict | None = None,
        rows: np.ndarray | None = None,
        pinned: set[str] | None = None,
    ) -> tuple[pd.DataFrame, np.ndarray | None]:
        """One segment for ``params``' rows: the result frame and the struck outcomes after it
        (None without ratification). Outcomes struck earlier stay struck unless this segment's
        ratifiers accept them.

        ``cache`` keeps each side's per-row utilities and their sort across the segments of one
        batch (``rows``: positions of ``params``' rows in the batch), unless an event changes
        that side's preferences or a drawn field of them (``pinned``)."""
        m = len(params)
        draws = params["draw"].to_numpy()
        utilities, reserved, masks, strategies = [], [], [], []
        presorted: list[tuple[np.ndarray, np.ndarray] | None] = []
        for side in t.sides:
            u, order = self._sorted_utilities(t, side, params, cache, rows, pinned or set())
            presorted.append(order)
            r = self._column(params, side, "reservation_value", side.reservation_value)
            path = np.repeat(r[:, None], t.n_steps, axis=1)
            if side.switch is not None and side.option is not None:
                opt = self._column(params, side, "option", side.option)
                path[:, side.switch] = opt[:, None]
            utilities.append(u)
            reserved.append(path)
            masks.append(self._mask(t, side, params, u, r) if self.ratification else None)
            strategies.append(self._strategies(side, params, m))
        ratifiable = _pair(masks, t.domain.n_outcomes)
        # a two-level zone of agreement at the segment's start: both negotiators prefer the
        # outcome to no deal, both ratifiers accept it
        zone = (utilities[0] >= reserved[0][:, :1]) & (utilities[1] >= reserved[1][:, :1])
        if ratifiable is not None:
            zone = zone & ratifiable[0] & ratifiable[1]
        overlap = np.broadcast_to(zone, (m, zone.shape[-1])).any(axis=1)
        carried = None
        if struck is not None and ratifiable is not None:
            carried = struck & ~(ratifiable[0] & ratifiable[1])
        result = negotiate_batch(
            utilities[0],
            utilities[1],
            strategies[0],
            strategies[1],
            t.n_steps,
            reserved=(reserved[0], reserved[1]),
            ratifiable=ratifiable,
            seed=self.seed,
            size=m,
            row_ids=draws,
            times=t.times,
            rounds=rounds,
            struck=carried,
            return_struck=rounds is not None and ratifiable is not None,
            reveal=ratifiable is not None and _reveals(t.scenario),
            presorted=(presorted[0], presorted[1]),
        )
        frame = self._frame(t, result)
        frame["overlap.end"] = overlap
        if self._costed():
            frame = frame.join(self._costs(t, frame))
        return frame, result.struck

    def _sorted_utilities(
        self,
        t: _Template,
        side: _Side,
        params: pd.DataFrame,
        cache: dict | None,
        rows: np.ndarray | None,
        pinned: set[str],
    ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
        """The side's utilities for ``params``' rows and, when they are per row, their sort
        (from ``cache`` when an earlier segment of the same rows computed them)."""
        from burdenshare.bargaining.engine import sort_utilities

        moved = any(self.rows[p][1] == side.party and self.rows[p][0] in _UTILITY for p in pinned)
        key = (
            side.party,
            tuple(sorted(side.weights.items())),
            repr(sorted(side.ideal.items())),
            repr(sorted(side.reservation.items())),
        )
        if cache is not None and rows is not None and not moved and key in cache:
            u_all, order_all, sorted_all = cache[key]
            return u_all[rows], (order_all[rows], sorted_all[rows])
        u = self._utilities(t, side, params)
        if u.ndim == 1:
            return u, None
        order, sorted_u = sort_utilities(u)
        # the first segment has every row of the batch (positions 0 … n−1): reusable later
        first = rows is not None and rows.size > 0 and rows[-1] == rows.size - 1
        if cache is not None and not moved and first:
            cache[key] = (u, order, sorted_u)
        return u, (order, sorted_u)

    def _costs(self, t: _Template, frame: pd.DataFrame) -> pd.DataFrame:
        """Each deal's cost over the agreement's life through the ledger, on the group's
        scenario (so drawn CPI or escalation indices count): ``[bargaining].terms`` says which
        issues set ``first_year_total`` and ``duration`` of ``[agreement]``."""
        from burdenshare.agreement import ledger
        from burdenshare.agreement.projection import effective_indices

        sc = t.scenario
        terms = dict(sc.bargaining.terms)  # type: ignore[union-attr]
        # the amount and the term set the cost; a new category changes no amount
        fields = [f for f in terms if f in ("first_year_total", "duration")]
        out = np.full((len(frame), 3), np.nan)
        deals = np.flatnonzero(frame["agreement"].to_numpy(dtype=bool))
        if deals.size:
            keys = frame.iloc[deals][[DEAL_PREFIX + terms[f] for f in fields]]
            indices = None
            for i, key in zip(deals, keys.itertuples(index=False, name=None), strict=True):
                cost = t.costs.get(key)
                if cost is None:
                    if indices is None:
                        indices = effective_indices(sc)
                    update = {
                        f: round(v) if f == "duration" else Decimal(repr(v))
                        for f, v in zip(fields, key, strict=True)
                    }
                    sheet = ledger(
                        sc.agreement.model_copy(update=update),
                        indices=indices,
                        cpi=indices["rok_cpi"],
                        base_year=sc.ledger.base_year,
                        currencies=("USD",),
                    )
                    cost = (
                        float(sheet["nominal"].sum()),
                        float(sheet["real"].sum()),
                        float(sheet["nominal_usd"].sum()),
                    )
                    t.costs[key] = cost
                out[i] = cost
        return pd.DataFrame(out, columns=list(COST_COLUMNS), index=frame.index)

    def _column(
        self, params: pd.DataFrame, side: _Side, kind: str, default: float, issue: str = ""
    ) -> np.ndarray:
        """The side's drawn row field ``kind`` (of ``issue``), or ``default`` in every row."""
        for path, (k, party, iid) in self.rows.items():
            if k == kind and party == side.party and iid == issue:
                return params[path].to_numpy(dtype=np.float64)
        return np.full(len(params), default)

    def _utilities(self, t: _Template, side: _Side, params: pd.DataFrame) -> np.ndarray:
        """The party's utility per row ``[rows, n]``, or the shared ``[n]`` when nothing moves it.

        Same arithmetic as :class:`~burdenshare.bargaining.utility.LinearAdditiveUtility` on the
        drawn preferences: weights over their ``fsum``, values by ``numpy.interp``, issue terms
        added in the space's issue order.
        """
        drawn = {
            path: spec
            for path, spec in self.rows.items()
            if spec[1] == side.party and spec[0] in _UTILITY
        }
        if not drawn:
            return side.utility
        m = len(params)
        space = t.domain.space
        weights = {k: np.full(m, w) for k, w in side.weights.items()}
        ideal = {k: np.full(m, float(v)) for k, v in side.ideal.items() if is_numeric(v)}
        limit = {k: np.full(m, float(v)) for k, v in side.reservation.items() if is_numeric(v)}
        moved: set[str] = set()
        for path, (kind, _, issue) in drawn.items():
            column = params[path].to_numpy(dtype=np.float64)
            if kind == "weight":
                weights[issue] = column
            else:
                (ideal if kind == "ideal" else limit)[issue] = column
                moved.add(issue)
        names = list(weights)
        w = np.column_stack([weights[k] for k in names])
        total = np.array([math.fsum(row) for row in w.tolist()])
        norm = {k: np.where(w[:, i] > 0, w[:, i] / total, 0.0) for i, k in enumerate(names)}
        profile = t.domain.profiles[t.domain.parties.index(side.party)]
        total = np.zeros((m, *space.shape))
        for j, issue in enumerate(space.issues):
            wj = norm.get(issue.name)
            if wj is None or not (wj > 0).any():
                continue
            if issue.name in moved:
                values = self._values(space, j, ideal[issue.name], limit.get(issue.name))
            else:
                values = profile.values[issue.name].on(issue)[None, :]
            axis = [m] + [1] * space.n_issues
            axis[1 + j] = len(issue)
            # broadcast like OutcomeSpace.additive: the same sums in the same order
            total += (wj[:, None] * values).reshape(axis)
        if not profile.red_lines:
            return total.reshape(m, -1)
        # red lines: an outcome beyond any scores minus its overshoots (LinearAdditiveUtility)
        over = np.zeros((m, *space.shape))
        for j, issue in enumerate(space.issues):
            line = profile.red_lines.get(issue.name)
            if line is None:
                continue
            if issue.name in moved and line.allowed is None:
                x = np.asarray(issue.values, dtype=np.float64)[None, :]
                o = overshoot(x, limit[issue.name][:, None], ideal[issue.name][:, None])
            else:
                o = line.overshoot(issue)[None, :]
            axis = [o.shape[0]] + [1] * space.n_issues
            axis[1 + j] = len(issue)
            over = over + o.reshape(axis)
        total = np.where(over > 0.0, -over, total)
        return total.reshape(m, -1)

    @staticmethod
    def _values(space: OutcomeSpace, j: int, ideal: np.ndarray, limit: np.ndarray | None):
        """Each row's value function of numeric issue j (see ``domain._value_function``)."""
        issue = space.issues[j]
        x = np.asarray(issue.values, dtype=np.float64)
        m = ideal.shape[0]
        if limit is not None:
            lo_first = limit < ideal
            xp = np.column_stack([np.minimum(limit, ideal), np.maximum(limit, ideal)])
            fp = np.column_stack([np.where(lo_first, 0.0, 1.0), np.where(lo_first, 1.0, 0.0)])
            return interp_rows(x, xp, fp)
        low, high = float(x[0]), float(x[-1])
        lo, hi = ideal > low, ideal < high
        # peak at the ideal, 0 at the issue's ends (a knot is dropped where the ideal sits on it)
        xp = np.column_stack([np.where(lo, low, ideal - 2), ideal, np.where(hi, high, ideal + 2)])
        fp = np.column_stack([np.where(lo, 0.0, 1.0), np.ones(m), np.where(hi, 0.0, 1.0)])
        return interp_rows(x, xp, fp)

    def _mask(
        self, t: _Template, side: _Side, params: pd.DataFrame, u: np.ndarray, r: np.ndarray
    ) -> np.ndarray | None:
        """The party's ratifier per row: its vote within its limits (see ``ratifier_mask``)."""
        if side.ratifier == "none":
            return None
        mine = [spec for spec in self.rows.values() if spec[1] == side.party]
        vote_moves = side.ratifier == "party" and any(
            k in ("reservation_value", *_UTILITY) for k, _, _ in mine
        )
        limit_kind = "ratifier_limit" if side.explicit_limits else "limit"
        limits_move = any(k in (limit_kind, "ideal") for k, _, _ in mine)
        if not (vote_moves or limits_move):
            return side.mask
        ok = (u >= r[:, None]) if vote_moves else side.win_set[None, :]
        if not limits_move:
            return ok & side.mask
        # a fresh [rows, n] array: the per-row limits below are combined into it in place
        ok = np.broadcast_to(ok & side.other_limits, (len(params), u.shape[-1])).copy()
        space = t.domain.space
        for iid, worst in side.limits.items():
            if not _numeric_issue(t.domain, iid, side.ideal.get(iid)):
                continue
            k = space.names.index(iid)
            lim = self._column(params, side, limit_kind, float(worst), iid)[:, None]
            best = self._column(params, side, "ideal", float(side.ideal[iid]), iid)[:, None]
            column = space.values[:, k].astype(np.float64)[None, :]
            ok &= np.where(best <= lim, column <= lim, column >= lim)
        return ok

    def _strategies(self, side: _Side, params: pd.DataFrame, m: int) -> StrategyBatch:
        column = STRATEGY_PREFIX + side.party
        names = params[column].tolist() if column in params else [side.strategy]
        batch = StrategyBatch.build(names if len(names) > 1 else names[0], m)
        spec = self.scenario.bargaining
        if spec is not None and spec.offers == "pareto":
            batch = replace(batch, pareto=batch.kind == KIND_TIME_DEPENDENT)
        exponent = self._column(params, side, "exponent", np.nan)
        if side.exponent is not None:
            exponent = np.where(np.isnan(exponent), side.exponent, exponent)
        if np.isnan(exponent).all():
            return batch
        td = (batch.kind == KIND_TIME_DEPENDENT) & ~np.isnan(exponent)
        return replace(batch, e=np.where(td, exponent, batch.e))

    def _frame(self, t: _Template, result: BatchResult) -> pd.DataFrame:
        space = t.domain.space
        agreed = result.agreement >= 0
        pick = np.where(agreed, result.agreement, 0)
        columns: dict[str, Any] = {
            "agreement": agreed,
            "step": result.step.astype(np.int32),
        }
        if t.dates is not None:
            # the date of the round the talks ended in (round step − 1)
            dates = np.array(t.dates, dtype="datetime64[D]")
            last_round = np.clip(result.step.astype(np.int64) - 1, 0, len(dates) - 1)
            columns["date"] = dates[last_round].astype("datetime64[s]")
        else:
            columns["date"] = np.full(len(result), np.datetime64("NaT"), dtype="datetime64[s]")
        columns["reason"] = pd.Categorical.from_codes(
            result.reason.astype(np.int64), categories=[r.label for r in Reason]
        )
        parties = [s.party for s in t.sides]
        columns["ended_by"] = pd.Categorical.from_codes(
            np.where(result.ended_by < 0, -1, result.ended_by).astype(np.int64),
            categories=parties,
        )
        columns["n_voided"] = result.n_voided.astype(np.int32)
        for k, issue in enumerate(space.issues):
            name = DEAL_PREFIX + issue.name
            codes = space.indices[pick, k]
            if issue.kind in ("continuous", "integer"):
                values = np.asarray(issue.values, dtype=np.float64)[codes]
                columns[name] = np.where(agreed, values, np.nan)
            elif issue.kind == "boolean":
                values = pd.array(np.asarray(issue.values, dtype=bool)[codes], dtype="boolean")
                values[~agreed] = pd.NA
                columns[name] = values
            else:
                columns[name] = pd.Categorical.from_codes(
                    np.where(agreed, codes, -1), categories=[str(v) for v in issue.values]
                )
        columns[UTILITY_PREFIX + parties[0]] = result.u_opener
        columns[UTILITY_PREFIX + parties[1]] = result.u_responder
        columns[VETOED_PREFIX + parties[0]] = result.vetoed_opener.astype(np.int32)
        columns[VETOED_PREFIX + parties[1]] = result.vetoed_responder.astype(np.int32)
        for party, last in zip(parties, (result.last_opener, result.last_responder), strict=True):
            made = last >= 0
            idx = np.where(made, last, 0)
            for k, issue in enumerate(space.issues):
                if issue.kind not in ("continuous", "integer"):
                    continue
                values = np.asarray(issue.values, dtype=np.float64)[space.indices[idx, k]]
                columns[f"{LAST_PREFIX}{party}.{issue.name}"] = np.where(made, values, np.nan)
        return pd.DataFrame(columns)


def _reveals(scenario: Scenario) -> bool:
    spec = scenario.bargaining
    return spec is not None and spec.veto_reveals


def _pair(masks: list[np.ndarray | None], n: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Each side's ratifier mask (all-true for a side without one), or None when neither has
    one: the engine then counts each side's vetoes."""
    if all(m is None for m in masks):
        return None
    full = np.ones(n, dtype=bool)
    a, b = (full if m is None else m for m in masks)
    return a, b
