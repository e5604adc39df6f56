"""Text for users: TOML-style values and dotted field paths.

Used in error messages (``found "300"``) and in the generated field reference. Never raises, never
returns a line break: every value is rendered on one line and long ones are cut short.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal

__all__ = ["format_path", "toml_key", "toml_value"]

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def toml_key(key: object) -> str:
    """A key as it would be written in TOML: bare when possible, else quoted."""
    text = str(key)
    return text if _BARE_KEY.match(text) else json.dumps(text, ensure_ascii=False)


def format_path(path: Iterable[str | int]) -> str:
    """``("events", 0, "date")`` -> ``events[0].date``; odd keys are quoted."""
    out = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + toml_key(part)
    return out


def _number(value: int | float | Decimal) -> str:
    if isinstance(value, int):
        if value.bit_length() > 100:  # str() of very long ints is slow or refused
            return (
                f"{'-' if value < 0 else ''}a {int(value.bit_length() * 0.30103) + 1}-digit integer"
            )
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    return str(value)


def _render(value: object, budget: int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return _number(value)
    if isinstance(value, str):
        return json.dumps(value[: budget + 1], ensure_ascii=False)
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, Mapping):
        parts: list[str] = []
        used = 4
        for k, v in value.items():
            if used > budget:
                parts.append("…")
                break
            part = f"{toml_key(k)} = {_render(v, budget - used)}"
            parts.append(part)
            used += len(part) + 2
        return "{ " + ", ".join(parts) + " }" if parts else "{}"
    if isinstance(value, list | tuple):
        items: list[str] = []
        used = 2
        for v in value:
            if used > budget:
                items.append("…")
                break
            item = _render(v, budget - used)
            items.append(item)
            used += len(item) + 2
        return "[" + ", ".join(items) + "]"
    if value is None:
        return "nothing"
    return type(value).__name__


def toml_value(value: object, limit: int | None = 60) -> str:
    """``value`` written as in a TOML file, on one line, cut to ``limit`` characters."""
    budget = limit if limit is not None else 10**9
    try:
        text = _render(value, budget)
    except (RecursionError, ValueError, TypeError, OverflowError):
        text = type(value).__name__
    text = text.replace("\n", "\\n").replace("\r", "\\r")
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text
