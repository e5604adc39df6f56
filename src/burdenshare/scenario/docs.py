"""The scenario field reference, generated from the pydantic models.

:func:`schema_reference` renders every section and nested table of :class:`Scenario` as Markdown
(key, type, required/default, description, example). ``docs/scenario.md`` holds it between two
marker lines; a test checks that the committed copy is current. Regenerate with::

    python -m burdenshare.scenario.docs docs/scenario.md
"""

from __future__ import annotations

import re
import sys
import typing
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from burdenshare.scenario.introspect import (
    describe_type,
    discriminant,
    strip_annotated,
    union_members,
)
from burdenshare.scenario.render import toml_value
from burdenshare.spec_base import Sourced

__all__ = ["BEGIN", "END", "main", "schema_reference", "update_docs"]

BEGIN = "<!-- BEGIN GENERATED FIELD REFERENCE (python -m burdenshare.scenario.docs) -->"
END = "<!-- END GENERATED FIELD REFERENCE -->"

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")

#: Descriptions for fields of models outside this package that have none of their own; a
#: description on the field itself takes precedence.
_FALLBACK: dict[tuple[str, str], str] = {
    ("AgreementSpec", "name"): "Name of the agreement or variant.",
    ("AgreementSpec", "first_year"): "First calendar year covered.",
    ("AgreementSpec", "currency"): "Currency of all amounts: KRW, USD or JPY.",
    ("AgreementSpec", "categories"): "Cost categories splitting the first-year total.",
    ("AgreementSpec", "escalation"): "How later years follow from the first (default: flat).",
    ("Category", "description"): "What the category covers.",
    ("NoEscalation", "kind"): '"none".',
    ("FixedEscalation", "kind"): '"fixed".',
    ("IndexEscalation", "kind"): '"index".',
    ("IndexEscalation", "index"): "Index series: rok_cpi, rok_defense_budget or a key of "
    "[indices].",
}


def _models_in(tp: Any) -> tuple[str, list[type[BaseModel]]]:
    """(container, models) of a field type: container is "", "dict" or "list"."""
    tp, _ = strip_annotated(tp)
    container = ""
    members = union_members(tp)
    if members is not None and len(members) == 1:
        tp, _ = strip_annotated(members[0])
    origin = typing.get_origin(tp)
    if origin is dict:
        container, tp = "dict", typing.get_args(tp)[1]
    elif origin is list:
        container, tp = "list", typing.get_args(tp)[0]
    tp, _ = strip_annotated(tp)
    members = union_members(tp) or [tp]
    models = [
        strip_annotated(m)[0]
        for m in members
        if isinstance(strip_annotated(m)[0], type) and issubclass(strip_annotated(m)[0], BaseModel)
    ]
    return container, models


def _field_type(field: FieldInfo) -> Any:
    if field.metadata:
        return typing.Annotated[(field.annotation, *field.metadata)]
    return field.annotation


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _numbers(value: Any) -> Any:
    """Numeric strings in examples (Decimal fields take "0.48") shown as the numbers they are."""
    if isinstance(value, str) and _NUMBER.match(value):
        return Decimal(value)
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    return value


#: Examples for fields of models outside this package that have none of their own.
_FALLBACK_EXAMPLES: dict[tuple[str, str], Any] = {
    ("Sourced", "estimate"): True,
    ("Sourced", "note"): "Share assumed equal to the 2019 split.",
    ("AgreementSpec", "categories"): [{"name": "labor", "share": "0.48"}],
    ("AgreementSpec", "escalation"): {"kind": "fixed", "percent": "4"},
    ("AgreementSpec", "troops"): 28_500,
    ("Category", "amount"): "500500000000",
    ("Category", "description"): "Wages of Korean employees of USFK.",
    ("Category", "new"): True,
    ("NoEscalation", "kind"): "none",
    ("FixedEscalation", "kind"): "fixed",
    ("IndexEscalation", "kind"): "index",
    ("IndexEscalation", "floor_percent"): "0",
    ("IndexEscalation", "assumed_percent"): "2",
    ("_EscalationBase", "year_amounts"): {"2022": "1247200000000"},
}


def _example(model: type[BaseModel], name: str, field: FieldInfo, type_text: str) -> str:
    if field.examples:
        example = field.examples[0]
    else:
        owners = [model.__name__] + [b.__name__ for b in model.__mro__[1:]]
        keys = [(owner, name) for owner in owners if (owner, name) in _FALLBACK_EXAMPLES]
        if not keys:
            return ""
        example = _FALLBACK_EXAMPLES[keys[0]]
    if "text" not in type_text:
        example = _numbers(example)
    return f"`{toml_value(example, limit=None)}`"


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "yes"
    factory = field.default_factory
    value = factory() if factory is not None else field.default  # type: ignore[call-arg]
    if value is None:
        return "no"
    if isinstance(value, BaseModel):
        disc = discriminant(type(value))
        value = value.model_dump(exclude_defaults=True, mode="json")
        if disc is not None:
            value = {disc[0]: disc[1], **value}
    return f"no, default `{toml_value(value, limit=None)}`"


class _Reference:
    def __init__(self) -> None:
        self.headers: dict[type[BaseModel], str] = {}
        self.order: list[tuple[str, type[BaseModel], str]] = []

    def collect(self, model: type[BaseModel], header: str, required: bool, note: str = "") -> None:
        if model in self.headers:
            return
        self.headers[model] = header
        self.order.append((header, model, note if note else ("required" if required else "")))
        for name, field in model.model_fields.items():
            if issubclass(model, Sourced) and name in Sourced.model_fields:
                continue
            container, models = _models_in(_field_type(field))
            if not models:
                continue
            inner = header.strip("[]")
            if container == "dict":
                path, brackets = f"{inner}.{name}.<id>", "[{}]"
            elif container == "list":
                path, brackets = f"{inner}.{name}", "[[{}]]"
            else:
                path, brackets = f"{inner}.{name}", "[{}]"
            for m in models:
                disc = discriminant(m) if len(models) > 1 else None
                sub = f'{disc[0]} = "{disc[1]}"' if disc else ""
                self.collect(m, brackets.format(path), field.is_required(), sub)

    def link(self, model: type[BaseModel]) -> str:
        header = self.headers.get(model)
        return f"see {header}" if header else model.__name__

    def table(self, model: type[BaseModel]) -> list[str]:
        rows = [
            "| key | type | required | description | example |",
            "|---|---|---|---|---|",
        ]
        for name, field in model.model_fields.items():
            if issubclass(model, Sourced) and name in Sourced.model_fields:
                continue
            type_text = describe_type(_field_type(field), self.link)
            rows.append(
                "| "
                + " | ".join(
                    _cell(c)
                    for c in (
                        f"`{name}`",
                        type_text,
                        _default(field),
                        field.description or _FALLBACK.get((model.__name__, name), ""),
                        _example(model, name, field, type_text),
                    )
                )
                + " |"
            )
        return rows


def _doc(model: type[BaseModel]) -> str:
    text = (model.__doc__ or "").strip()
    return " ".join(text.split("\n\n")[0].split())


def schema_reference(root: type[BaseModel] | None = None) -> str:
    """Markdown reference of every table and key of the scenario schema."""
    if root is None:
        from burdenshare.scenario.schema import Scenario

        root = Scenario
    ref = _Reference()
    ref.headers[root] = ""
    sections: list[tuple[str, str, type[BaseModel] | None, str]] = []
    for name, field in root.model_fields.items():
        container, models = _models_in(_field_type(field))
        if name == "schedules":
            sections.append((f"[{name}.<id>]", field.description or "", None, "optional"))
            continue
        header = {"dict": f"[{name}.<id>]", "list": f"[[{name}]]"}.get(container, f"[{name}]")
        for m in models:
            disc = discriminant(m) if len(models) > 1 else None
            note = f'{disc[0]} = "{disc[1]}"' if disc else ""
            if field.is_required():
                note = ", ".join(filter(None, ["required", note]))
            ref.collect(m, header, field.is_required(), note)

    sourced = Sourced.model_fields
    lines = [
        "### Sections",
        "",
        "| section | required | what |",
        "|---|---|---|",
    ]
    for name, field in root.model_fields.items():
        lines.append(
            f"| `{name}` | {'yes' if field.is_required() else 'no'} | "
            f"{_cell(field.description or '')} |"
        )
    lines += [
        "",
        "### Sourced tables: `source`, `estimate`, `note`",
        "",
        "Tables marked *sourced* below also take these keys. Every figure cites at least one id "
        "of `[sources]` or says `estimate = true` (with the reasoning in `note`).",
        "",
        "| key | type | required | description | example |",
        "|---|---|---|---|---|",
    ]
    for name, field in sourced.items():
        type_text = describe_type(_field_type(field))
        lines.append(
            "| "
            + " | ".join(
                _cell(c)
                for c in (
                    f"`{name}`",
                    type_text,
                    _default(field),
                    field.description or "",
                    _example(Sourced, name, field, type_text),
                )
            )
            + " |"
        )
    schedules_done = False
    for header, model, note in ref.order:
        if model is root:
            continue
        if not schedules_done and header.startswith("[[events"):
            lines += _schedules_section(sections)
            schedules_done = True
        tags = [t for t in (note, "sourced" if issubclass(model, Sourced) else "") if t]
        lines += ["", f"### `{header}`" + (f" ({', '.join(tags)})" if tags else ""), ""]
        doc = _doc(model)
        if doc:
            lines += [doc, ""]
        lines += ref.table(model)
    if not schedules_done:
        lines += _schedules_section(sections)
    return "\n".join(lines) + "\n"


def _schedules_section(sections: list[tuple[str, str, Any, str]]) -> list[str]:
    header, description, _, _ = next(s for s in sections if s[0].startswith("[schedules"))
    return [
        "",
        f"### `{header}` (optional, sourced)",
        "",
        description,
        "Every key of `[agreement]` is allowed and none is required: the schedule is merged over "
        "`[agreement]` (tables key by key; a table whose `kind` changes, arrays and values "
        "replace) and the result is validated as an agreement. Problems are reported at "
        "`schedules.<id>.<key>`.",
    ]


def update_docs(path: str | Path, check: bool = False) -> bool:
    """Write the reference between the markers in ``path``; return True if it changed.

    With ``check=True`` nothing is written.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    new = text[:start] + "\n\n" + schema_reference() + "\n" + text[end:]
    if new == text:
        return False
    if not check:
        path.write_text(new, encoding="utf-8")
    return True


def main(argv: list[str] | None = None, write: Callable[[str], Any] = print) -> int:
    """``python -m burdenshare.scenario.docs [--check] FILE``."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    files = [a for a in args if a != "--check"]
    if not files:
        write(schema_reference())
        return 0
    stale = [f for f in files if update_docs(f, check=check)]
    for f in stale:
        write(f"{'stale' if check else 'updated'}: {f}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
