"""Reading the schema itself: which model sits at a path, and a field's type in words.

Used for error messages (the fields allowed where an unknown key was written, the type a missing
field needs) and for the generated field reference in ``docs/scenario.md``.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal

import annotated_types as at
from pydantic import BaseModel
from pydantic.fields import FieldInfo

__all__ = [
    "describe_type",
    "discriminant",
    "field_at",
    "model_at",
    "strip_annotated",
    "union_members",
]

Key = str | int


def strip_annotated(tp: Any) -> tuple[Any, list[Any]]:
    """``Annotated[T, *meta]`` -> ``(T, meta)`` (nested Annotated flattened)."""
    meta: list[Any] = []
    while typing.get_origin(tp) is typing.Annotated:
        args = typing.get_args(tp)
        tp, meta = args[0], [*args[1:], *meta]
    return tp, meta


def union_members(tp: Any) -> list[Any] | None:
    """Members of a union type (``None`` excluded), or ``None`` if ``tp`` is not a union."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(tp) if a is not type(None)]
    return None


def discriminant(model: type[BaseModel]) -> tuple[str, Any] | None:
    """``("kind", "fixed")`` for a union member model with a one-value Literal kind/type."""
    for name in ("kind", "type", "dist"):
        field = model.model_fields.get(name)
        if field is not None and typing.get_origin(field.annotation) is Literal:
            values = typing.get_args(field.annotation)
            if len(values) == 1:
                return name, values[0]
    return None


def _pick(tp: Any, data: Any) -> Any:
    """Strip annotations and choose the union member that ``data`` would be validated as."""
    tp, _ = strip_annotated(tp)
    members = union_members(tp)
    while members is not None:
        chosen = None
        models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
        if isinstance(data, Mapping):
            for m in models:
                disc = discriminant(m)
                if disc and data.get(disc[0]) == disc[1]:
                    chosen = m
            if chosen is None:
                chosen = next(
                    (m for m in members if typing.get_origin(strip_annotated(m)[0]) is dict),
                    models[0] if models else None,
                )
        elif isinstance(data, list):
            chosen = next(
                (m for m in members if typing.get_origin(strip_annotated(m)[0]) is list), None
            )
        if chosen is None:
            chosen = members[0]
        tp, _ = strip_annotated(chosen)
        members = union_members(tp)
    return tp


def _step(tp: Any, key: Key) -> tuple[Any, FieldInfo | None] | None:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        field = tp.model_fields.get(str(key))
        if field is None:
            return None
        return _annotation(field), field
    origin = typing.get_origin(tp)
    if origin is dict:
        return typing.get_args(tp)[1], None
    if origin is list and isinstance(key, int):
        return typing.get_args(tp)[0], None
    return None


def _annotation(field: FieldInfo) -> Any:
    """The field's type with its constraints, as one Annotated type."""
    if field.metadata:
        return typing.Annotated[(field.annotation, *field.metadata)]
    return field.annotation


def _walk(root: type[BaseModel], path: Sequence[Key], data: Any) -> tuple[Any, FieldInfo | None]:
    tp: Any = root
    field: FieldInfo | None = None
    for key in path:
        tp = _pick(tp, data)
        step = _step(tp, key)
        if step is None:
            return None, None
        tp, field = step
        if isinstance(data, Mapping):
            data = data.get(key, data.get(str(key)))
        elif isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
            data = data[key]
        else:
            data = None
    return tp, field


def model_at(root: type[BaseModel], path: Sequence[Key], data: Any) -> type[BaseModel] | None:
    """The model validating the table at ``path`` of ``data`` (``None`` if not a model)."""
    tp, _ = _walk(root, path, data)
    if tp is None:
        return None
    inner = _pick(tp, _data_at(data, path))
    return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None


def _data_at(data: Any, path: Sequence[Key]) -> Any:
    for key in path:
        if isinstance(data, Mapping):
            data = data.get(key, data.get(str(key)))
        elif isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
            data = data[key]
        else:
            return None
    return data


def field_at(root: type[BaseModel], path: Sequence[Key], data: Any) -> tuple[Any, FieldInfo | None]:
    """The type (with constraints) and field info at ``path``; ``(None, None)`` if unknown."""
    return _walk(root, path, data)


# --------------------------------------------------------------------------- types in words
_SCALARS: dict[Any, str] = {
    int: "integer",
    float: "number",
    Decimal: "number",
    str: "text",
    bool: "boolean",
    dt.date: "date",
    dt.datetime: "date-time",
}


_BOUNDS: tuple[tuple[type, str, str], ...] = (
    (at.Ge, "ge", ">="),
    (at.Gt, "gt", ">"),
    (at.Le, "le", "<="),
    (at.Lt, "lt", "<"),
)


def _constraints(meta: Sequence[Any]) -> str:
    """`` >= 0``, `` in [0, 1]``, `` (at least 2)`` from annotated-types metadata."""
    low: tuple[str, Any] | None = None
    high: tuple[str, Any] | None = None
    notes: list[str] = []
    for m in meta:
        for item in m.metadata if isinstance(m, FieldInfo) else [m]:
            for cls, attr, op in _BOUNDS:
                if isinstance(item, cls):
                    if op.startswith(">"):
                        low = (op, getattr(item, attr))
                    else:
                        high = (op, getattr(item, attr))
            if isinstance(item, at.MinLen) and item.min_length > 0:
                notes.append(f"at least {item.min_length}")
    text = ""
    if low and high:
        left = "[" if low[0] == ">=" else "("
        right = "]" if high[0] == "<=" else ")"
        text = f" in {left}{low[1]}, {high[1]}{right}"
    elif low or high:
        op, value = low or high  # type: ignore[misc]
        text = f" {op} {value}"
    if notes:
        text += f" ({', '.join(notes)})"
    return text


def describe_type(tp: Any, link: Any = None) -> str:
    """A type in words: ``integer >= 1``, ``"sending" | "host"``, ``table: id → Party``.

    ``link(model)`` may return how to name a model (e.g. a Markdown link); default: its name.
    """
    from burdenshare.scenario.schema import TypeDoc

    name = link or (lambda model: model.__name__)
    tp, meta = strip_annotated(tp)
    for m in meta:
        if isinstance(m, TypeDoc):
            return m.text
    members = union_members(tp)
    if members is not None:
        parts = [describe_type(m, link) for m in members]
        return " | ".join(dict.fromkeys(parts)) + _constraints(meta)
    origin = typing.get_origin(tp)
    if origin is Literal:
        return " | ".join(f'"{v}"' if isinstance(v, str) else str(v) for v in typing.get_args(tp))
    if origin is list:
        return f"array of {describe_type(typing.get_args(tp)[0], link)}" + _constraints(meta)
    if origin is dict:
        key, value = typing.get_args(tp)
        return f"table: {describe_type(key, link)} → {describe_type(value, link)}" + _constraints(
            meta
        )
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return f"table ({name(tp)})"
    if tp is str and any(
        isinstance(item, at.MinLen) and item.min_length == 1
        for m in meta
        for item in (m.metadata if isinstance(m, FieldInfo) else [m])
    ):
        return "non-empty text"
    return _SCALARS.get(tp, getattr(tp, "__name__", str(tp))) + _constraints(meta)
