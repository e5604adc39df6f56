"""The plausibility checks (see :mod:`.plausibility`), each yielding findings for warnings."""

from __future__ import annotations

import math
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from burdenshare.scenario.findings import Finding
from burdenshare.scenario.plausibility import plausibility

if TYPE_CHECKING:
    from burdenshare.scenario.schema import Scenario


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:,.4g}"


@plausibility
def _no_red_line_where_the_far_end_beats_no_deal(sc: Scenario) -> Iterator[Finding]:
    """A party that states an ideal on a continuous issue (an amount of money) but no red line
    (``reservation``) may prefer the far end of the issue's range to no deal: with every other
    issue at its ideal, the far end scores ``1 − w`` (normalised weight ``w``), and if that beats
    the party's worst no-deal value the models let it concede all the way (a host paying five
    times its offer). Integer and discrete issues are left alone: trading them is the point."""
    for pid, pref in sc.preferences.items():
        total = math.fsum(pref.weights.values())
        if total <= 0:
            continue
        # the worst no-deal value it can have: after its outside option or any event
        no_deal = pref.reservation_value
        if pref.outside_option is not None:
            no_deal = min(no_deal, pref.outside_option.utility)
        for event in sc.events:
            for key in (f"preferences.{pid}.reservation_value",
                        f"preferences.{pid}.outside_option.utility"):  # fmt: skip
                value = event.set.get(key)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    no_deal = min(no_deal, float(value))
        for iid, weight in pref.weights.items():
            issue = sc.issues.get(iid)
            if issue is None or issue.type != "continuous":
                continue
            if iid in pref.reservation or iid not in pref.ideal or weight <= 0:
                continue
            ideal = float(pref.ideal[iid])
            low, high = float(issue.min), float(issue.max)
            far = low if abs(ideal - low) > abs(high - ideal) else high
            if far == ideal:
                continue
            score = 1.0 - weight / total
            if score > no_deal:
                yield Finding(
                    ("preferences", pid, "reservation", iid),
                    f"'{pid}' has no red line on {iid}, so it prefers {iid} = {_fmt(far)} (the "
                    "far end of the range) to no deal: "
                    f"with every other issue at its ideal that outcome is worth {score:.2f}, "
                    f"above its no-deal value {no_deal:.2f}",
                    expected=f"a red line: preferences.{pid}.reservation.{iid} = the worst "
                    "value it accepts",
                )


@plausibility
def _stated_values_contradict_the_opening(sc: Scenario) -> Iterator[Finding]:
    """A party's opening schedule states its position once; an ideal written by hand, or the
    position of an actor that voices the party, that differs from it is probably stale (the ask
    was changed in one place but not the other)."""
    derived = set(sc.derived)
    for pid, party in sc.parties.items():
        opening = sc.opening(pid)
        if not opening:
            continue
        pref = sc.preferences.get(pid)
        for iid, value in opening.items():
            if pref is None or iid not in pref.ideal:
                continue
            if f"preferences.{pid}.ideal.{iid}" in derived:
                continue
            if not _same(pref.ideal[iid], value):
                yield Finding(
                    ("preferences", pid, "ideal", iid),
                    f"'{pid}' states an ideal {iid} that contradicts its opening position "
                    f"(schedules.{party.opening}): remove it to follow the opening, or change "
                    "the opening",
                    expected=_show(value),
                    found=_show(pref.ideal[iid]),
                )
    if sc.actors is None:
        return
    for aid, actor in sc.actors.table.items():
        opening = sc.opening(actor.voices) if actor.voices else {}
        for did, dim in sc.actors.dimensions.items():
            if dim.issue not in opening or f"actors.table.{aid}.position.{did}" in derived:
                continue
            want = float(opening[dim.issue]) * dim.scale
            have = actor.position.get(did)
            if have is not None and not _same(have, want):
                yield Finding(
                    ("actors", "table", aid, "position", did),
                    f"actor '{aid}' voices '{actor.voices}' but states a different position on "
                    f"{did}: remove it to follow the opening, or drop `voices`",
                    expected=_show(want),
                    found=_show(have),
                )


def _same(a: object, b: object) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def _show(x: object) -> str:
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int | float):
        return _fmt(float(x))
    return str(x)


def _money(value: Decimal) -> str:
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,}"


@plausibility
def _amounts_too_small_for_their_currency(sc: Scenario) -> Iterator[Finding]:
    """A warning, not an error: a yearly amount below $1 million (``MIN_USD``) is implausibly
    small for an alliance cost-sharing agreement, and usually a slip of units (1038.9 meant as
    1,038.9 bn won, since amounts are in whole won). It stays legal because a teaching or toy
    scenario may count in abstract units, and the numbers still compute; the warning names the
    reading that would make the amount plausible."""
    from burdenshare.scenario.amounts import MAX_USD, MIN_USD, money_amounts, usd

    for amount in money_amounts(sc):
        if amount.value <= 0:
            continue
        dollars = usd(amount)
        if dollars >= MIN_USD:
            continue
        meant = ""
        for factor, word in ((Decimal("1e9"), "bn"), (Decimal("1e6"), "M")):
            if MIN_USD <= dollars * factor <= MAX_USD:
                meant = (
                    f"; if it means {_money(amount.value)} {word} {amount.currency}, write "
                    f"{_money(amount.value * factor).replace(',', '_')}"
                )
                break
        yield Finding(
            amount.loc,
            f"{_money(amount.value)} {amount.currency} is about ${dollars:,.2f} a year, "
            "implausibly small for an alliance cost-sharing amount; amounts are in whole units "
            f"of the currency{meant}",
            expected=f"at least ${MIN_USD:,.0f} a year in US dollars",
            found=_money(amount.value),
        )


@plausibility
def _lapse_after_as_of(sc: Scenario) -> Iterator[Finding]:
    """A warning, not an error: a ``lapse`` deadline before ``as_of`` means the agreement had
    already lapsed on the scenario's date. Talks can go on after a lapse (the 11th SMA was
    signed 14 months after the 10th lapsed), so it may be meant; but the forecast then starts
    after the lapse, P(deal by the lapse) is zero by construction, and a lapse typed a year too
    early (2018-12-31 for 2019-12-31) would pass unnoticed."""
    for i, deadline in enumerate(sc.events):
        if deadline.kind == "lapse" and deadline.date < sc.meta.as_of:
            yield Finding(
                ("events", i, "date"),
                f"the lapse '{deadline.id}' ({deadline.date}) is before as_of "
                f"({sc.meta.as_of}): the agreement had already lapsed on the scenario's date, "
                "so no deal can come before the lapse",
                expected=f"a lapse on or after as_of ({sc.meta.as_of}), unless the talks "
                "really continue after it",
                found=str(deadline.date),
            )
