"""Applying one draw to a scenario: a validated copy with the drawn field values set."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from burdenshare.sweep.draws import STRATEGY_PREFIX
from burdenshare.sweep.spec import resolve

if TYPE_CHECKING:
    from burdenshare.scenario.schema import Scenario

__all__ = ["apply_draw"]


def _set(data: Any, loc: tuple[str | int, ...], value: Any) -> None:
    for key in loc[:-1]:
        data = data[key]
    data[loc[-1]] = value


def apply_draw(scenario: Scenario, row: Mapping[str, Any]) -> Scenario:
    """A copy of ``scenario`` with each field named in ``row`` set to its drawn value, validated.

    ``row`` is one row of :func:`~burdenshare.sweep.draws.draw_parameters` (a pandas Series or a
    dict). ``draw`` and ``strategy.<party>`` columns are not scenario fields and are skipped (the
    sweep engine reads the strategies). Values keep the field's kind: integers stay integers,
    index percents become Decimals. A drawn value the scenario refuses (a weight made negative)
    raises the scenario's validation error.
    """
    from burdenshare.scenario.schema import Scenario

    data = scenario.model_dump()
    for path, value in row.items():
        if path == "draw" or str(path).startswith(STRATEGY_PREFIX):
            continue
        loc, old = resolve(scenario, str(path))
        if isinstance(old, Decimal):
            new: Any = Decimal(repr(float(value)))
        elif isinstance(old, int):
            new = round(float(value))
        else:
            new = float(value)
        _set(data, loc, new)
    return Scenario.model_validate(data)
