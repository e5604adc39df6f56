"""One source of truth per fact: values a scenario derives from what it states once.

A party's opening position (the sending state's ask, the host's offer) is a schedule, named by
``[parties.<id>] opening``; ``[bargaining] terms`` says which issue carries which of its terms:

* ``first_year_total`` — the schedule's first-year amount, converted to the issue's unit when that
  unit is another currency (at the bundled yearly average for the ``as_of`` year, or the latest
  earlier year);
* ``duration`` — the schedule's duration in years;
* ``new_category`` — whether the schedule has a category marked ``new``.

From it the scenario derives, unless it states them itself:

* ``[preferences.<party>] ideal`` on each such issue;
* the position of every actor that ``voices`` the party, on each ``[actors.dimensions]`` linked to
  such an issue (position = value × the dimension's ``scale``).

Derived values are written into the validated scenario (so every model reads them as usual) and
listed in ``Scenario.derived``; a variant made with
:func:`~burdenshare.scenario.paths.with_fields` derives them again from its own content, so a
changed ask moves every number that follows it. A stated value that contradicts the stated
opening is a plausibility warning (:mod:`.plausibility_checks`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from burdenshare.money import CURRENCIES

if TYPE_CHECKING:
    from burdenshare.scenario.schema import Scenario

__all__ = ["convert_amount", "derive_positions", "opening_position"]


def convert_amount(amount: Decimal | float, currency: str, unit: str, year: int) -> float | None:
    """``amount`` of ``currency`` in ``unit`` (a currency code) at the bundled yearly average
    for ``year`` (or the latest earlier year); the amount itself when the units agree or the
    issue's unit is not a currency; None when no rate is known."""
    if unit == currency or unit not in CURRENCIES:
        return float(amount)
    from burdenshare.data import fx_table

    table = fx_table()

    def per_usd(code: str) -> Decimal | None:
        rates = table.get(code, {})
        years = [y for y in rates if y <= year]
        return rates[max(years)] if years else None

    have, want = per_usd(currency), per_usd(unit)
    if have is None or want is None:
        return None
    return float(Decimal(amount) / have * want)


def opening_position(sc: Scenario, party: str) -> dict[str, Any]:
    """``{issue: value}``: the party's opening schedule's terms on the issues ``terms`` links."""
    p = sc.parties.get(party)
    if p is None or p.opening is None or sc.bargaining is None:
        return {}
    spec = sc.agreement if p.opening == "agreement" else sc.schedules.get(p.opening)
    if spec is None:
        return {}
    out: dict[str, Any] = {}
    for term, iid in sc.bargaining.terms.items():
        issue = sc.issues.get(iid)
        if issue is None:
            continue
        if term == "first_year_total":
            unit = getattr(issue, "unit", "")
            value = convert_amount(spec.first_year_total, spec.currency, unit, sc.meta.as_of.year)
            if value is not None:
                out[iid] = value
        elif term == "duration":
            out[iid] = spec.duration
        else:
            out[iid] = any(c.new for c in spec.categories)
    return out


def derive_positions(sc: Scenario) -> list[str]:
    """Fill in derived ideals and actor positions (see the module docstring); their paths."""
    paths: list[str] = []
    openings = {pid: opening_position(sc, pid) for pid in sc.parties}
    for pid, position in openings.items():
        pref = sc.preferences.get(pid)
        if pref is None:
            continue
        for iid, value in position.items():
            if iid not in pref.ideal:
                pref.ideal[iid] = value
                paths.append(f"preferences.{pid}.ideal.{iid}")
    if sc.actors is not None:
        for aid, actor in sc.actors.table.items():
            position = openings.get(actor.voices or "", {})
            for did, dim in sc.actors.dimensions.items():
                if dim.issue in position and did not in actor.position:
                    # 12 significant digits: 1,115.8 bn won x 1e-9 is 1115.8, not 1115.8000000000002
                    actor.position[did] = float(f"{float(position[dim.issue]) * dim.scale:.12g}")
                    paths.append(f"actors.table.{aid}.position.{did}")
    return paths
