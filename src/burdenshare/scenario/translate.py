"""From pydantic's validation errors to :class:`~burdenshare.errors.Problem` objects.

Each entry of a :class:`pydantic.ValidationError` becomes one problem:

* ``loc`` becomes the dotted path the user wrote: union member names pydantic inserts (``"fixed"``,
  ``"constrained-int"``) are dropped by walking the validated data alongside the location;
  alternatives of one union collapse into one problem (``expected an integer or a table``);
* the error type becomes the expectation (``>= 0``, ``one of 'KRW', 'USD' or 'JPY'``,
  ``an integer``), the input becomes what was found (a short TOML rendering);
* an unknown key gets the allowed keys and a close match (``did you mean 'weights'?``);
* the line is the line of the path, or of its nearest written ancestor, in the source text.

A schedule inherits the template's mistakes; they are reported once, at ``agreement``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel, ValidationError

from burdenshare.errors import Problem
from burdenshare.scenario.findings import CHECK_ERROR, one_of, suggest
from burdenshare.scenario.introspect import (
    describe_type,
    discriminant,
    field_at,
    model_at,
    strip_annotated,
    union_members,
)
from burdenshare.scenario.locate import LineIndex, line_index, line_of
from burdenshare.scenario.render import format_path, toml_value

__all__ = ["problems_from_validation_error"]

Key = str | int

_DISCRIMINATORS = ("kind", "type", "dist")

#: Error types meaning "this is not the right kind of value at all".
_TYPE_ERRORS = {
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "number_type": "a number",
    "decimal_type": "a number",
    "decimal_parsing": "a number",
    "string_type": "text (a quoted string)",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "date_type": "a TOML date such as 2019-11-19 (unquoted)",
    "date_parsing": "a TOML date such as 2019-11-19 (unquoted)",
    "date_from_datetime_inexact": "a TOML date such as 2019-11-19 (no time)",
    "date_from_datetime_parsing": "a TOML date such as 2019-11-19",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "list_type": "an array",
    "publication_date": None,  # expected text comes from the error's context
    "issue_value_type": None,
    "threshold": None,
}
_TABLE_TYPES = {"dict_type", "model_type", "model_attributes_type"}
_BOUNDS = {
    "greater_than": (">", "gt"),
    "greater_than_equal": (">=", "ge"),
    "less_than": ("<", "lt"),
    "less_than_equal": ("<=", "le"),
}


@dataclass
class _Entry:
    """One pydantic error on its way to becoming a problem."""

    path: list[Key]
    error: Mapping[str, Any]
    is_key: bool = False
    union_at: tuple[Key, ...] | None = None  # path where a union member name was dropped


def _lookup(data: Any, key: Key) -> tuple[bool, Any]:
    if isinstance(data, Mapping):
        for k in (key, str(key)):
            if k in data:
                return True, data[k]
        return False, None
    if isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
        return True, data[key]
    return False, None


def _tagged_union_at(root: type[BaseModel], path: Sequence[Key], data: Any) -> bool:
    """True when the schema has a discriminated union (kind/type) at ``path``."""
    tp, _ = field_at(root, path, data)
    members = union_members(strip_annotated(tp)[0]) or []
    tagged = [
        m
        for m in (strip_annotated(m)[0] for m in members)
        if isinstance(m, type) and issubclass(m, BaseModel) and discriminant(m) is not None
    ]
    return len(tagged) >= 2


def _user_path(error: Mapping[str, Any], data: Any, root: type[BaseModel]) -> _Entry:
    """Walk ``data`` along the error's location, keeping only keys the user wrote."""
    loc = list(error.get("loc", ()))
    kind = error.get("type")
    # A finding's own path (the last `tail` elements) is already what the user wrote.
    tail = int((error.get("ctx") or {}).get("tail") or 0) if kind == CHECK_ERROR else 0
    verbatim_from = len(loc) - tail
    entry = _Entry(path=[], error=error)
    cur: Any = data
    left = False  # the walk has left the data (a missing key)
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if part == "[key]":
            entry.is_key = True
            continue
        if left:
            entry.path.append(part)
            continue
        if (
            i < verbatim_from
            and isinstance(cur, Mapping)
            and any(cur.get(d) == part for d in _DISCRIMINATORS)
            and _tagged_union_at(root, entry.path, data)
        ):
            continue  # a discriminated union's tag: the user wrote it as kind/type
        found, value = _lookup(cur, part)
        if found:
            entry.path.append(str(part) if isinstance(cur, Mapping) else part)
            cur = value
            continue
        if (kind == "missing" and last) or kind == CHECK_ERROR:
            entry.path.append(part)
            left = True
            continue
        if entry.union_at is None:  # a plain union's member name
            entry.union_at = tuple(entry.path)
    return entry


def _describe_expected(entry: _Entry, root: type[BaseModel], data: Any) -> str | None:
    kind = entry.error["type"]
    ctx = entry.error.get("ctx") or {}
    if ctx.get("expected") is not None and kind not in ("literal_error", "union_tag_invalid"):
        return str(ctx["expected"])
    if kind in _TABLE_TYPES:
        return "a table"
    if kind in _TYPE_ERRORS and not entry.is_key and not kind.startswith("date"):
        tp, _ = field_at(root, entry.path, data)
        if tp is not None and entry.union_at is None:
            described = describe_type(tp)
            if "table (" not in described:
                return described
        return _TYPE_ERRORS[kind]
    if kind in _TYPE_ERRORS:
        return _TYPE_ERRORS[kind]
    if kind in _BOUNDS:
        op, name = _BOUNDS[kind]
        return f"{op} {ctx.get(name)}"
    if kind == "literal_error":
        return f"one of {ctx.get('expected')}"
    if kind in ("too_short", "string_too_short"):
        n = ctx.get("min_length")
        if kind == "string_too_short":
            return "non-empty text" if n == 1 else f"at least {n} characters"
        return f"at least {n} entr{'y' if n == 1 else 'ies'}"
    if kind in ("too_long", "string_too_long"):
        return f"at most {ctx.get('max_length')}"
    if kind == "finite_number":
        return "a finite number"
    return None


def _tags(root: type[BaseModel], path: Sequence[Key], data: Any) -> list[str]:
    """The discriminator values allowed at ``path`` (``none``, ``fixed``, ``index``)."""
    tp, _ = field_at(root, path, data)
    tp, _ = strip_annotated(tp)
    tags: list[str] = []
    for member in union_members(tp) or []:
        member, _ = strip_annotated(member)
        if isinstance(member, type) and issubclass(member, BaseModel):
            disc = discriminant(member)
            if disc is not None:
                tags.append(str(disc[1]))
    return tags


def _message(entry: _Entry, root: type[BaseModel], data: Any) -> tuple[str, str | None, str | None]:
    """(message, expected, found) for one entry; may extend ``entry.path``."""
    err = entry.error
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    found = None if kind == "missing" else toml_value(value, 40)
    path = entry.path
    if entry.is_key:
        key = path[-1] if path else "?"
        expected = _describe_expected(entry, root, data)
        return f"invalid key {_quote(key)}", expected or "a valid key", toml_value(key, 40)
    if kind == CHECK_ERROR:
        return str(ctx.get("message") or err.get("msg")), ctx.get("expected"), ctx.get("found")
    if kind == "missing":
        name = path[-1] if path else "?"
        tp, _ = field_at(root, path, data)
        expected = describe_type(tp) if tp is not None else None
        if expected and "table (" in expected:
            expected = "a table"
        if len(path) == 1:
            return f"missing required section [{name}]", expected, None
        return f"missing required field '{name}'", expected, None
    if kind == "extra_forbidden":
        name = str(path[-1]) if path else "?"
        model = model_at(root, path[:-1], data)
        allowed = list(model.model_fields) if model is not None else []
        what = "section" if len(path) == 1 else "field"
        return (
            f"unknown {what} {_quote(name)}" + suggest(name, allowed),
            one_of(allowed, limit=12) if allowed else None,
            None,
        )
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        disc = str(ctx.get("discriminator", "'kind'")).strip("'\"")
        tags = _tags(root, path, data)
        expected = one_of(f'"{t}"' for t in tags) if tags else None
        entry.path = [*path, disc]
        if kind == "union_tag_invalid":
            tag = ctx.get("tag")
            return f"unknown {disc} {_quote(tag)}", expected, toml_value(tag, 40)
        return f"missing '{disc}' (it selects which fields apply)", expected, None
    if kind in ("value_error", "assertion_error"):
        text = str(ctx.get("error") or err.get("msg", ""))
        text = re.sub(r"^(Value error|Assertion failed), ", "", text)
        return text, None, None
    if kind in _TYPE_ERRORS:
        return "wrong type", _describe_expected(entry, root, data), found
    if kind in _BOUNDS or kind == "finite_number":
        return "out of range", _describe_expected(entry, root, data), found
    if kind == "literal_error":
        return "not an allowed value", _describe_expected(entry, root, data), found
    if kind in ("too_short", "string_too_short"):
        what = "empty" if kind == "string_too_short" or not value else "too few entries"
        return what, _describe_expected(entry, root, data), found
    expected = _describe_expected(entry, root, data)
    return str(err.get("msg", "invalid value")), expected, found


def _refine(path: list[Key], message: str, root: type[BaseModel], data: Any) -> list[Key]:
    """Point a whole-model complaint at the field its message names first."""
    head = re.split(r"[ (,;:]", message, maxsplit=1)[0]
    parts = [p for p in head.split(".") if p]
    if parts and parts[0] == "category":
        parts = ["categories"]
    extended = list(path)
    for part in parts:
        model = model_at(root, extended, data)
        if model is None or part not in model.model_fields:
            break
        extended.append(part)
    return extended


def _quote(name: object) -> str:
    """``'weights'`` for a plain name, else a quoted, escaped, shortened rendering."""
    text = str(name)
    if len(text) <= 40 and re.fullmatch(r"[A-Za-z0-9_.-]+", text):
        return f"'{text}'"
    return toml_value(text, 40)


def _one_line(text: str | None) -> str | None:
    if text is None:
        return None
    return text.replace("\r", "\\r").replace("\n", "\\n")


def problems_from_validation_error(
    exc: ValidationError,
    data: Any,
    text: str | None,
    filename: str | None,
    root: type[BaseModel] | None = None,
) -> list[Problem]:
    """One :class:`Problem` per error in ``exc`` (merged union alternatives count once).

    ``data`` is what was validated (schedules already merged), ``text`` the TOML source (for line
    numbers) and ``root`` the model validated (default: :class:`Scenario`).
    """
    if root is None:
        from burdenshare.scenario.schema import Scenario

        root = Scenario
    errors = exc.errors(include_url=False)
    entries = [_user_path(e, data, root) for e in errors]

    # Alternatives of one union: drop shallow "wrong type" errors when another alternative got
    # further into the value; merge the rest at one path into one problem.
    by_union: dict[tuple[Key, ...], list[_Entry]] = {}
    for e in entries:
        if e.union_at is not None:
            by_union.setdefault(e.union_at, []).append(e)
    dropped: set[int] = set()
    for at_path, group in by_union.items():
        deeper = [e for e in group if len(e.path) > len(at_path) or e.is_key]
        if deeper:
            dropped.update(
                id(e) for e in group if e not in deeper and e.error["type"] in _TYPE_ERRORS
            )

    index: LineIndex | None = None

    def line(path: Sequence[Key]) -> int | None:
        nonlocal index
        if text is None:
            return None
        if index is None:
            index = line_index(text)
        return line_of(index, path)

    built: list[tuple[tuple[Key, ...], Problem]] = []
    merged: dict[tuple[tuple[Key, ...], tuple[Key, ...]], int] = {}
    for e in entries:
        if id(e) in dropped:
            continue
        message, expected, found = _message(e, root, data)
        pieces = [message]
        if e.error["type"] in ("value_error", "assertion_error"):
            pieces = [p.strip() for p in message.split("; ") if p.strip()] or [message]
        for piece in pieces:
            path = e.path
            if e.error["type"] in ("value_error", "assertion_error"):
                path = _refine(e.path, piece, root, data)
            key = (tuple(path), e.union_at or ())
            if e.union_at is not None and e.error["type"] in _TYPE_ERRORS and key in merged:
                i = merged[key]
                old_path, old = built[i]
                alts = [a for a in (old.expected or "").split(" or ") if a]
                if expected and expected not in alts:
                    alts.append(expected)
                built[i] = (old_path, replace(old, expected=" or ".join(alts)))
                continue
            problem = Problem(
                message=_one_line(piece) or "invalid value",
                file=filename,
                line=line(path),
                path=_one_line(format_path(path)) or None,
                expected=_one_line(expected),
                found=_one_line(found),
            )
            if e.union_at is not None and e.error["type"] in _TYPE_ERRORS:
                merged[key] = len(built)
            built.append((tuple(path), problem))

    # A schedule inherits the template's mistakes: report each once, at agreement.
    at_agreement = {
        (p[1:], pr.message, pr.expected, pr.found) for p, pr in built if p[:1] == ("agreement",)
    }
    out: list[Problem] = []
    seen: set[str] = set()
    for p, problem in built:
        if (
            p[:1] == ("schedules",)
            and (p[2:], problem.message, problem.expected, problem.found) in at_agreement
        ):
            continue
        if str(problem) in seen:
            continue
        seen.add(str(problem))
        out.append(problem)
    out.sort(key=lambda pr: (pr.line is None, pr.line or 0))
    return out
