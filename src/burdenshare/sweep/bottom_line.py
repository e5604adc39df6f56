"""The bottom line of a scenario sweep: what deal, when, how likely, and why.

Computed from the per-draw table of a bargaining sweep with both ratifiers voting (no I/O):

* **When and how likely**: P(ratified deal) by each dated event after ``as_of`` (the lapse, a
  furlough, an election and the day its winner takes office) and by the horizon (the last round),
  and the whole curve of P(deal by date).
* **What deal**: over the draws with a deal, the first-year amount (the issue ``[bargaining]
  terms`` names ``first_year_total``) as a median with 50% and 90% intervals, in the scenario's
  currency, in US dollars (bundled yearly average of the ``as_of`` year) and in % over the last
  agreement (``[agreement] first_year_total``); the duration; the deal date.
* **Why**: how often a two-level zone of agreement exists when the talks start (an outcome both
  negotiators prefer to no deal and both ratifiers accept), which side's ratifier voted deals
  down, where offers stall in the draws without a deal (each side's last offer), what each
  uncertain event changes (P(deal) when it happens and when not), and the inputs that move
  P(deal) most (the sweep's sensitivity table).

Every statistic carries the number of events (draws) behind it; below :data:`MIN_EVENTS` it is
flagged ``small`` and the report shows it with a warning or not at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from burdenshare.sweep.draws import EVENT_PREFIX
from burdenshare.sweep.workload import DEAL_PREFIX, LAST_PREFIX, VETOED_PREFIX

if TYPE_CHECKING:
    from burdenshare.scenario.schema import Scenario
    from burdenshare.sweep.summary import SweepSummary

__all__ = ["MIN_EVENTS", "BottomLine", "Milestone", "Share", "bottom_line"]

#: Fewer events than this behind a statistic: it is flagged as a small sample.
MIN_EVENTS = 200


@dataclass(frozen=True)
class Share:
    """A probability estimated from draws: ``p = events / n``."""

    p: float
    events: int
    n: int

    @property
    def small(self) -> bool:
        return self.events < MIN_EVENTS

    def to_dict(self) -> dict[str, Any]:
        return {"p": self.p, "events": self.events, "n": self.n, "small_sample": self.small}


@dataclass(frozen=True)
class Milestone:
    """P(ratified deal) by a date: an event's, or the horizon."""

    label: str
    date: dt.date
    share: Share


@dataclass(frozen=True)
class Amount:
    """Quantiles of an amount over the deals (``None`` without deals)."""

    n: int
    median: float
    q25: float
    q75: float
    q05: float
    q95: float

    @property
    def small(self) -> bool:
        return self.n < MIN_EVENTS

    def scaled(self, factor: float, offset: float = 0.0) -> Amount:
        f = lambda x: x * factor + offset  # noqa: E731
        return Amount(self.n, f(self.median), f(self.q25), f(self.q75), f(self.q05), f(self.q95))

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "median": self.median,
            "q25": self.q25,
            "q75": self.q75,
            "q05": self.q05,
            "q95": self.q95,
            "small_sample": self.small,
        }


@dataclass(frozen=True)
class BottomLine:
    """What deal, when, how likely and why (module docstring)."""

    scenario_id: str
    as_of: dt.date
    n_draws: int
    horizon: dt.date | None
    #: P(ratified deal by the horizon)
    deal: Share
    #: by each dated event after as_of, then the horizon
    milestones: tuple[Milestone, ...]
    #: cumulative P(deal) by round date: columns date, p
    curve: pd.DataFrame
    #: the amount issue and its unit
    amount_issue: str | None
    currency: str
    last_amount: float | None
    amount: Amount | None
    amount_usd: Amount | None
    amount_pct: Amount | None
    duration_issue: str | None
    duration: Amount | None
    duration_mode: float | None
    deal_date: tuple[dt.date, dt.date, dt.date] | None  # q25, median, q75
    #: a two-level zone of agreement when the talks start
    overlap: Share
    #: per party: share of draws where its ratifier voted at least one tentative deal down
    vetoed: dict[str, Share]
    #: among draws without a deal: each party's median last offer on the amount
    stall: dict[str, float]
    no_deal: int
    #: per uncertain event: (label, P(deal | happens), P(deal | not))
    branches: tuple[tuple[str, Share, Share], ...]
    #: inputs that move P(deal) most: (input, P(deal) in its lowest fifth, in its highest)
    drivers: tuple[tuple[str, float, float], ...]
    sentences: tuple[str, ...] = field(default=())

    @property
    def likely_deal(self) -> bool:
        return self.deal.p >= 0.5

    def headline(self) -> str:
        """One sentence: the likeliest outcome by the horizon, with its probability."""
        by = f" by {_day(self.horizon)}" if self.horizon is not None else ""
        if self.likely_deal:
            return f"A ratified deal{by} is likelier than not: {_pct(self.deal.p)} of draws."
        return (
            f"No ratified deal{by} is the likelier outcome: a deal in {_pct(self.deal.p)} of draws."
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario_id,
            "as_of": self.as_of.isoformat(),
            "n_draws": self.n_draws,
            "horizon": None if self.horizon is None else self.horizon.isoformat(),
            "headline": self.headline(),
            "deal": self.deal.to_dict(),
            "milestones": [
                {"label": m.label, "date": m.date.isoformat(), **m.share.to_dict()}
                for m in self.milestones
            ],
            "amount": None if self.amount is None else {
                "issue": self.amount_issue,
                "currency": self.currency,
                "last_agreement": self.last_amount,
                **self.amount.to_dict(),
                "usd": None if self.amount_usd is None else self.amount_usd.to_dict(),
                "pct_over_last": None if self.amount_pct is None else self.amount_pct.to_dict(),
            },
            "duration": None if self.duration is None else {
                "issue": self.duration_issue, "mode": self.duration_mode, **self.duration.to_dict()
            },
            "deal_date": None if self.deal_date is None else {
                "q25": self.deal_date[0].isoformat(),
                "median": self.deal_date[1].isoformat(),
                "q75": self.deal_date[2].isoformat(),
            },
            "why": {
                "overlap_at_start": self.overlap.to_dict(),
                "vetoed": {k: v.to_dict() for k, v in self.vetoed.items()},
                "stall": self.stall,
                "branches": [
                    {"event": label, "if_happens": a.to_dict(), "if_not": b.to_dict()}
                    for label, a, b in self.branches
                ],
                "drivers": [
                    {"input": name, "p_low": lo, "p_high": hi} for name, lo, hi in self.drivers
                ],
                "sentences": list(self.sentences),
            },
        }  # fmt: skip


def _pct(p: float) -> str:
    if np.isnan(p):
        return "n/a"
    return f"{100 * p:.1f}%" if p < 0.995 or p == 1 else f"{100 * p:.2f}%"


def _day(d: dt.date | None) -> str:
    return "" if d is None else f"{d.day} {d:%b %Y}"


def _share(mask: np.ndarray) -> Share:
    n = int(mask.shape[0])
    events = int(mask.sum())
    return Share(events / n if n else float("nan"), events, n)


def _amount(values: np.ndarray) -> Amount | None:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    q05, q25, q50, q75, q95 = np.quantile(values, [0.05, 0.25, 0.5, 0.75, 0.95])
    return Amount(int(values.size), float(q50), float(q25), float(q75), float(q05), float(q95))


def _usd_rate(scenario: Scenario, currency: str) -> float | None:
    from burdenshare.scenario.derive import convert_amount

    return convert_amount(1.0, currency, "USD", scenario.meta.as_of.year)


def _event_label(scenario: Scenario, eid: str) -> str:
    event = next(e for e in scenario.events if e.id == eid)
    return event.outcome or event.description or eid


def bottom_line(
    scenario: Scenario, results: pd.DataFrame, summary: SweepSummary | None = None
) -> BottomLine:
    """The bottom line of ``results`` (a bargaining sweep of ``scenario`` with ratification)."""
    n = len(results)
    deal = results["agreement"].to_numpy(dtype=bool)
    dates = pd.to_datetime(results["date"])
    spec = scenario.bargaining
    horizon = spec.last_round if spec is not None else None

    def by(day: dt.date) -> Share:
        when = (dates.dt.date <= day).to_numpy(dtype=bool)
        return _share(deal & when)

    milestones = []
    later = [e for e in scenario.events if e.kind != "meeting"]
    for event in sorted(later, key=lambda e: e.date):
        entries = [(event.date, event.name)]
        if event.effective is not None and event.effective > event.date:
            entries.append((event.effective, event.effective_label or f"{event.name} in force"))
        for day, label in entries:
            if day <= scenario.meta.as_of or (horizon is not None and day > horizon):
                continue
            milestones.append(Milestone(f"{label} ({_day(day)})", day, by(day)))
    if horizon is not None:
        milestones.append(Milestone(f"the horizon ({_day(horizon)})", horizon, _share(deal)))

    curve = pd.DataFrame({"date": dates[deal]}).groupby("date").size().sort_index().cumsum()
    curve = pd.DataFrame({"date": curve.index, "p": curve.to_numpy() / max(n, 1)})

    terms = dict(spec.terms) if spec is not None else {}
    amount_issue = terms.get("first_year_total")
    duration_issue = terms.get("duration")
    currency = scenario.agreement.currency
    last = float(scenario.agreement.first_year_total)
    amount = amount_usd = amount_pct = None
    if amount_issue is not None and DEAL_PREFIX + amount_issue in results:
        values = results[DEAL_PREFIX + amount_issue].to_numpy(dtype=np.float64)[deal]
        amount = _amount(values)
        unit = getattr(scenario.issues[amount_issue], "unit", "") or currency
        currency = unit
        rate = _usd_rate(scenario, unit)
        if amount is not None:
            amount_usd = amount.scaled(rate) if rate is not None else None
            amount_pct = amount.scaled(100.0 / last, -100.0)
    duration = duration_mode = None
    if duration_issue is not None and DEAL_PREFIX + duration_issue in results:
        values = results[DEAL_PREFIX + duration_issue].to_numpy(dtype=np.float64)[deal]
        duration = _amount(values)
        if values.size:
            counts = pd.Series(values).value_counts()
            duration_mode = float(counts.index[0])
    deal_date = None
    if deal.any():
        ordinals = np.array([d.toordinal() for d in dates[deal].dt.date])
        q25, q50, q75 = np.quantile(ordinals, [0.25, 0.5, 0.75], method="nearest")
        deal_date = tuple(dt.date.fromordinal(int(x)) for x in (q25, q50, q75))

    overlap = _share(results["overlap.start"].to_numpy(dtype=bool))
    parties = [scenario.party_id("sending"), scenario.party_id("host")]
    vetoed = {p: _share(results[VETOED_PREFIX + p].to_numpy() > 0) for p in parties}
    stall: dict[str, float] = {}
    if amount_issue is not None and (~deal).any():
        for p in parties:
            column = f"{LAST_PREFIX}{p}.{amount_issue}"
            if column in results:
                stall[p] = float(np.nanmedian(results[column].to_numpy(dtype=np.float64)[~deal]))
    branches = []
    for column in results.columns:
        if column.startswith(EVENT_PREFIX):
            happens = results[column].to_numpy(dtype=bool)
            eid = column.removeprefix(EVENT_PREFIX)
            branches.append(
                (
                    _event_label(scenario, eid),
                    _share(deal[happens]) if happens.any() else Share(float("nan"), 0, 0),
                    _share(deal[~happens]) if (~happens).any() else Share(float("nan"), 0, 0),
                )
            )
    drivers: list[tuple[str, float, float]] = []
    if summary is not None and len(summary.sensitivity):
        for row in summary.sensitivity.head(3).itertuples(index=False):
            drivers.append((row.input, float(row.p_agreement_low), float(row.p_agreement_high)))
    line = BottomLine(
        scenario_id=scenario.meta.id,
        as_of=scenario.meta.as_of,
        n_draws=n,
        horizon=horizon,
        deal=_share(deal),
        milestones=tuple(milestones),
        curve=curve,
        amount_issue=amount_issue,
        currency=currency,
        last_amount=last,
        amount=amount,
        amount_usd=amount_usd,
        amount_pct=amount_pct,
        duration_issue=duration_issue,
        duration=duration,
        duration_mode=duration_mode,
        deal_date=deal_date,  # type: ignore[arg-type]
        overlap=overlap,
        vetoed=vetoed,
        stall=stall,
        no_deal=int((~deal).sum()),
        branches=tuple(branches),
        drivers=tuple(drivers),
    )
    return _with_sentences(scenario, line)


def money(x: float, currency: str) -> str:
    """``1,142.8 bn KRW`` / ``$0.98 bn`` / ``2.3 trn KRW`` for an amount in major units."""
    if currency == "USD":
        return f"${x / 1e9:,.2f} bn"
    if abs(x) >= 1e12 and currency != "KRW":
        return f"{x / 1e12:,.2f} trn {currency}"
    return f"{x / 1e9:,.1f} bn {currency}"


def _with_sentences(scenario: Scenario, line: BottomLine) -> BottomLine:
    """The "why" in words a reader can check against the figures."""
    from dataclasses import replace

    parties = {pid: p.name for pid, p in scenario.parties.items()}
    out: list[str] = []
    ov = line.overlap
    out.append(
        f"When the talks start, an outcome both negotiators prefer to no deal and both "
        f"ratifiers accept exists in {_pct(ov.p)} of draws ({ov.events:,} of {ov.n:,}); "
        + (
            "in the others no deal can be ratified until an event changes the game."
            if ov.p < 1
            else "so a ratified deal is possible from the start."
        )
    )
    vetoes = sorted(line.vetoed.items(), key=lambda kv: -kv[1].p)
    if vetoes and vetoes[0][1].events:
        words = []
        for pid, share in vetoes:
            ratifier = scenario.parties[pid].ratifier.name or "ratifier"
            who = f"the {ratifier} ({parties[pid]})"
            words.append(
                f"{who} votes a tentative deal down in {_pct(share.p)} of draws"
                if share.events
                else f"{who} never does (its limits are its negotiators' red lines)"
            )
        out.append("Who vetoes: " + "; ".join(words) + ".")
    if line.stall and line.amount_issue is not None:
        parts = [f"{parties[p]} {money(x, line.currency)}" for p, x in line.stall.items()]
        out.append(
            f"Where offers stall (the {line.no_deal:,} draws without a deal), the last offers "
            "on the amount are, at the median: " + ", ".join(parts) + "."
        )
    for label, yes, no in line.branches:
        if yes.n and no.n:
            out.append(
                f"If {label}: P(deal) {_pct(yes.p)} ({yes.n:,} draws); otherwise {_pct(no.p)} "
                f"({no.n:,} draws)."
            )
    from burdenshare.scenario.paths import describe_path

    for name, lo, hi in line.drivers[:3]:
        out.append(
            f"What moves the answer: {describe_path(scenario, name)} (P(deal) {_pct(lo)} when it "
            f"is in its lowest fifth of draws, {_pct(hi)} in its highest)."
        )
    return replace(line, sentences=tuple(out))
