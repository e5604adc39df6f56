"""The plausibility checks (see :mod:`.plausibility`), each yielding findings for warnings."""

from __future__ import annotations

import math
from collections.abc import Iterator
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
