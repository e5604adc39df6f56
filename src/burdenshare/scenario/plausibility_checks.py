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
        no_deal = pref.reservation_value
        if pref.outside_option is not None:
            no_deal = min(no_deal, pref.outside_option.utility)
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
                    ("preferences", pid, "ideal", iid),
                    f"'{pid}' has no red line on {iid}, so it prefers {iid} = {_fmt(far)} (the "
                    "far end of the range) to no deal: "
                    f"with every other issue at its ideal that outcome is worth {score:.2f}, "
                    f"above its no-deal value {no_deal:.2f}",
                    expected=f"a red line: preferences.{pid}.reservation.{iid} = the worst "
                    "value it accepts",
                )
