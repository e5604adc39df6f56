"""Applying one draw to a scenario: a validated copy with the drawn field values set."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from burdenshare.scenario.paths import with_fields
from burdenshare.sweep.draws import EVENT_PREFIX, STRATEGY_PREFIX

if TYPE_CHECKING:
    from burdenshare.scenario.schema import Scenario

__all__ = ["apply_draw"]


def apply_draw(scenario: Scenario, row: Mapping[str, Any]) -> Scenario:
    """A copy of ``scenario`` with each field named in ``row`` set to its drawn value, validated.

    ``row`` is one row of :func:`~burdenshare.sweep.draws.draw_parameters` (a pandas Series or a
    dict). ``draw``, ``strategy.<party>`` and ``event.<id>`` columns are not scenario fields and
    are skipped (the sweep engine reads them). Values keep the field's kind: integers stay
    integers, index percents become Decimals (:func:`~burdenshare.scenario.paths.with_fields`). A
    drawn value the scenario refuses (a weight made negative) raises its validation error.
    """
    fields = {
        str(path): value
        for path, value in row.items()
        if path != "draw" and not str(path).startswith((STRATEGY_PREFIX, EVENT_PREFIX))
    }
    return with_fields(scenario, fields)
