"""Dotted paths to scenario fields, and scenario variants with some fields set.

A path walks the validated :class:`~burdenshare.scenario.schema.Scenario`: model fields, table
keys and list items (``indices.rok_cpi.values.2021``, ``parties.rok.ratifier.limits.contribution``).
A list item is named by its position or, for lists of items with an ``id`` (``[[events]]``), by
that id (``events.us_election.probability``); a table key that itself contains dots (an event's
``set`` table is keyed by paths) is matched whole. Sweeps ([uncertainty]) and dated events
([[events]] ``set``) both name fields this way and make variants with :func:`with_fields`.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from burdenshare.scenario.schema import Scenario

__all__ = [
    "Key",
    "PathError",
    "describe_path",
    "is_numeric",
    "resolve",
    "split_path",
    "with_fields",
]

Key = str | int


class PathError(Exception):
    """A dotted path does not lead to a field (the message says why)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def split_path(path: str) -> list[str]:
    """``"a.b.2021"`` → ``["a", "b", "2021"]``."""
    return path.split(".")


def is_numeric(value: object) -> bool:
    """A number a distribution or an event may replace (booleans are not numbers here)."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return False
    return isinstance(value, numbers.Real | Decimal)


def _step(node: Any, parts: list[str], i: int, done: str) -> tuple[Key, Any, int]:
    """The key, value and number of path parts consumed at ``parts[i]``."""
    from burdenshare.scenario.findings import suggest

    part = parts[i]
    where = f" in '{done}'" if done else ""
    if isinstance(node, BaseModel):
        fields = list(type(node).model_fields)
        if part not in fields:
            raise PathError(f"no field '{part}'{where}" + suggest(part, fields))
        return part, getattr(node, part), 1
    if isinstance(node, dict):
        # the longest run of parts that is a key: "set" tables are keyed by dotted paths
        for k in range(len(parts) - i, 0, -1):
            name = ".".join(parts[i : i + k])
            for key in node:
                if str(key) == name:
                    return key, node[key], k
        raise PathError(f"no key '{part}'{where}" + suggest(part, [str(k) for k in node]))
    if isinstance(node, list | tuple):
        if part.isdigit() and int(part) < len(node):
            return int(part), node[int(part)], 1
        ids = [getattr(item, "id", None) for item in node]
        if part in ids:
            return ids.index(part), node[ids.index(part)], 1
        named = [str(x) for x in ids if x is not None]
        raise PathError(
            f"no item '{part}'{where} (items are numbered from 0"
            + (f", or named {', '.join(named[:6])}" if named else "")
            + ")"
            + suggest(part, named)
        )
    raise PathError(f"'{done}' is a value, not a table, so it has no '{part}'")


def resolve(scenario: Scenario | BaseModel, path: str) -> tuple[tuple[Key, ...], Any]:
    """The location (real keys; ints for list items and integer table keys) and current value.

    Raises :class:`PathError` when the path leads nowhere.
    """
    node: Any = scenario
    loc: list[Key] = []
    parts = split_path(path)
    i = 0
    while i < len(parts):
        key, node, used = _step(node, parts, i, ".".join(str(k) for k in loc))
        loc.append(key)
        i += used
    return tuple(loc), node


def _set(data: Any, loc: tuple[Key, ...], value: Any) -> None:
    for key in loc[:-1]:
        data = data[key]
    data[loc[-1]] = value


def _drop(data: Any, loc: tuple[Key, ...]) -> None:
    for key in loc[:-1]:
        data = data.get(key) if isinstance(data, dict) else data[key]
        if data is None:
            return
    if isinstance(data, dict):
        data.pop(loc[-1], None)


def with_fields(scenario: Scenario, values: Mapping[str, Any]) -> Scenario:
    """A validated copy of ``scenario`` with each dotted path in ``values`` set.

    Numbers keep the field's kind (integers stay integers, Decimals stay Decimals); other values
    are set as given. Values the scenario derived rather than stated (an ideal taken from the
    party's stated opening position, see ``Scenario.derived``) are derived again from the new
    content unless ``values`` sets them. A value the scenario refuses raises its validation error.
    """
    from burdenshare.scenario.schema import Scenario

    data = scenario.model_dump()
    for path in scenario.derived:
        if path not in values:
            _drop(data, resolve(scenario, path)[0])
    for path, value in values.items():
        loc, old = resolve(scenario, str(path))
        if isinstance(old, Decimal) and is_numeric(value):
            new: Any = Decimal(repr(float(value)))
        elif isinstance(old, int) and not isinstance(old, bool) and is_numeric(value):
            new = round(float(value))
        elif isinstance(old, float) and is_numeric(value):
            new = float(value)
        else:
            new = value
        _set(data, loc, new)
    out = Scenario.model_validate(data)
    out._source_path = scenario.source_path
    return out


def describe_path(scenario: Scenario, path: str) -> str:
    """A field path in words for reports: ``preferences.rok.reservation.contribution`` →
    "Republic of Korea's red line on contribution"; unknown shapes come back as the path."""
    parts = path.split(".")

    def party(pid: str) -> str:
        p = scenario.parties.get(pid)
        return p.name if p is not None else pid

    def whose(pid: str) -> str:
        name = party(pid)
        return name + ("'" if name.endswith("s") else "'s")

    if parts[0] == "events" and len(parts) >= 3:
        event = next((e for e in scenario.events if e.id == parts[1]), None)
        name = event.name if event is not None else parts[1]
        if parts[2] == "probability":
            what = event.outcome if event is not None and event.outcome else f"{name} happens"
            return f"the chance that {what}"
        if parts[2] == "set" and len(parts) > 3:
            return f"{describe_path(scenario, '.'.join(parts[3:]))} after the {name}"
    if parts[0] == "preferences" and len(parts) >= 3:
        who = whose(parts[1])
        if parts[2] == "reservation" and len(parts) == 4:
            return f"{who} red line on {parts[3]}"
        if parts[2] == "ideal" and len(parts) == 4:
            return f"{who} ideal {parts[3]}"
        if parts[2] == "weights" and len(parts) == 4:
            return f"{who} weight on {parts[3]}"
        if parts[2] == "reservation_value":
            return f"{who} no-deal value"
        if parts[2:] == ["outside_option", "utility"]:
            return f"{who} outside option"
    if parts[0] == "parties" and len(parts) == 5 and parts[2:4] == ["ratifier", "limits"]:
        p = scenario.parties.get(parts[1])
        body = p.ratifier.name if p is not None and p.ratifier.name else "ratifier"
        return f"the {body}'s limit on {parts[4]} ({party(parts[1])})"
    if parts[:2] == ["bargaining", "exponents"] and len(parts) == 3:
        return f"{whose(parts[2])} concession exponent"
    return path
