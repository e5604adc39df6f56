"""Operations on the raw scenario content (the dict TOML gives): schedule merging and hashing.

Schedules are partial agreements: each ``[schedules.<id>]`` table is deep-merged over the raw
``[agreement]`` table and only then validated, so a schedule states only what differs.
Merge rules (:func:`deep_merge`):

* tables merge key by key, recursively;
* a table whose ``kind`` (or ``type``) differs from the template's replaces it whole (an
  ``escalation = { kind = "fixed", percent = 5 }`` does not inherit the template's ``index``);
* an empty table replaces (clears) the template's: ``year_percent = {}``;
* arrays (``categories``, ``frozen_years``, ``source``) and plain values replace;
* the template's own ``source``, ``estimate`` and ``note`` are not inherited: a schedule states
  where its figures come from (nested tables it does not override keep theirs).

The content hash is the SHA-256 of a canonical JSON form of the raw content (keys sorted, dates
as ISO text), so comments, key order and formatting do not change it; any value does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

__all__ = ["canonical_json", "content_hash", "deep_merge", "merge_schedules"]

_DISCRIMINATORS = ("kind", "type")
_PROVENANCE = ("source", "estimate", "note")


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` merged over ``base`` (neither is modified); see the module docstring."""
    merged: dict[str, Any] = dict(base)
    for key, value in override.items():
        old = merged.get(key)
        if (
            isinstance(old, Mapping)
            and isinstance(value, Mapping)
            and value
            and not _kind_changes(old, value)
        ):
            merged[key] = deep_merge(old, value)
        else:
            merged[key] = value
    return merged


def _kind_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    return any(d in new and d in old and new[d] != old[d] for d in _DISCRIMINATORS)


def merge_schedules(data: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the raw scenario with each schedule merged over the raw ``agreement`` table.

    Anything that is not a table (a malformed file) is left as it is, for validation to report.
    """
    out = dict(data)
    template = data.get("agreement")
    schedules = data.get("schedules")
    if isinstance(template, Mapping) and isinstance(schedules, Mapping):
        template = {k: v for k, v in template.items() if k not in _PROVENANCE}
        out["schedules"] = {
            sid: deep_merge(template, partial) if isinstance(partial, Mapping) else partial
            for sid, partial in schedules.items()
        }
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date | dt.time):
        return {"$" + type(value).__name__: value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, float) and value != value:  # NaN: JSON has none
        return {"$float": "nan"}
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 60:
        return {"$int": hex(value)}  # hex: no digit limit, exact
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return {"$" + type(value).__name__: repr(value)}


def canonical_json(data: Any) -> str:
    """A canonical JSON text for raw TOML content (sorted keys, tagged dates and decimals)."""
    return json.dumps(
        _plain(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=True
    )


def content_hash(data: Any) -> str:
    """SHA-256 hex digest of :func:`canonical_json`."""
    return hashlib.sha256(canonical_json(data).encode("utf-8", "surrogatepass")).hexdigest()
