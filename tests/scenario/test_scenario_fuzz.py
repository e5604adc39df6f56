"""Fuzzing the loader: whatever the input, a scenario either loads or raises ScenarioError whose
problems each carry a message on one line; never another exception, never the safety net.

About 10,500 cases in all: random TOML documents, structural mutations of a valid scenario
(serialised by a small TOML writer below), text and byte mutations of the bundled sma-2019 file,
and random bytes and text.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from burdenshare.errors import ScenarioError
from burdenshare.scenario import bundled_path, load_scenario_text, parse_toml

FILENAME = "fuzz.toml"
BUNDLED = bundled_path("sma-2019").read_text(encoding="utf-8")
SMALL = bundled_path("sma-2021-signed").read_text(encoding="utf-8")
SMALL_RAW = parse_toml(SMALL)

FUZZ = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# `make test` runs a share of each budget (the bundled scenario takes ~60 ms to validate, so
# the full budgets alone would take minutes); RUN_SLOW=1 runs five times the full budgets.
SCALE = 5.0 if os.environ.get("RUN_SLOW") else 0.4


def fuzz(examples: int) -> settings:
    """Fuzz settings with a share of ``examples`` cases (no deadline, no example database)."""
    return settings(FUZZ, max_examples=max(50, round(examples * SCALE)))


def check(content: str | bytes) -> None:
    """The property every input must satisfy."""
    try:
        load_scenario_text(content, FILENAME)
    except ScenarioError as exc:
        assert exc.problems, "a ScenarioError with no problems"
        for problem in exc.problems:
            text = str(problem)
            assert problem.message.strip(), problem
            assert "\n" not in text and "\r" not in text, text
            assert problem.file == FILENAME
            assert problem.line is None or problem.line >= 1
            # the last-resort safety net must not be what real inputs hit
            assert not problem.message.startswith("internal validation error"), text
            assert not problem.message.startswith("invalid scenario"), text


# --------------------------------------------------------------------------- a tiny TOML writer
_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def toml_key(key: str) -> str:
    return key if _BARE.match(key) else toml_string(key)


def toml_string(text: str) -> str:
    out = json.dumps(text, ensure_ascii=False)  # JSON escapes are valid TOML basic-string escapes
    return out.replace("\x7f", "\\u007f")


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        inner = ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(type(value))


def toml_document(doc: dict[str, Any]) -> str:
    """Top-level keys as `key = value` lines; nested tables inline (valid TOML 1.0)."""
    return "".join(f"{toml_key(k)} = {toml_value(v)}\n" for k, v in doc.items())


def test_writer_round_trips() -> None:
    assert parse_toml(toml_document(SMALL_RAW)) == SMALL_RAW


# --------------------------------------------------------------------------- random documents
SCHEMA_WORDS = [
    "meta", "sources", "parties", "issues", "preferences", "agreement", "schedules", "events",
    "indices", "ledger", "title", "id", "as_of", "base_currency", "url", "date", "name", "role",
    "negotiator", "ratifier", "kind", "seats", "members", "troops", "current", "legal_floor",
    "type", "min", "max", "step", "values", "weights", "ideal", "reservation",
    "reservation_value", "outside_option", "utility", "first_year", "duration", "currency",
    "first_year_total", "rounding", "categories", "share", "amount", "escalation", "index", "lag",
    "cap_percent", "floor_percent", "year_percent", "frozen_years", "source", "estimate", "compare",
    "continuous", "integer", "categorical", "boolean", "none", "fixed", "legislature", "sending",
    "host", "KRW", "USD", "2020", "2021", "us", "rok",
]  # fmt: skip

keys = st.one_of(
    st.sampled_from(SCHEMA_WORDS),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz_-0123456789", min_size=1, max_size=8),
    st.text(min_size=0, max_size=6),
)
scalars = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(SCHEMA_WORDS),
    st.text(max_size=12),
    st.dates(),
    st.datetimes(),
    st.times(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=8,
)
documents = st.dictionaries(keys, values, max_size=6)


@fuzz(2_000)
@given(documents)
def test_random_documents(doc: dict[str, Any]) -> None:
    check(toml_document(doc))


# --------------------------------------------------------------------------- structural mutations
def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*path, i))
    return out


SMALL_PATHS = _paths(SMALL_RAW)[1:]


def _mutate(doc: Any, path: tuple[Any, ...], op: str, new: Any, key: str) -> Any:
    """A deep copy of ``doc`` with ``op`` applied at ``path``."""
    if not path:
        if op == "delete":
            return None
        if op == "add" and isinstance(doc, dict):
            return {**doc, key: new}
        return new
    head, rest = path[0], path[1:]
    if isinstance(doc, dict):
        copy = dict(doc)
        child = _mutate(doc[head], rest, op, new, key)
        if child is None and not rest:
            del copy[head]
        else:
            copy[head] = child if child is not None else doc[head]
        return copy
    copy_list = list(doc)
    child = _mutate(doc[head], rest, op, new, key)
    if child is None and not rest:
        del copy_list[head]
    else:
        copy_list[head] = child if child is not None else doc[head]
    return copy_list


@fuzz(3_000)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(SMALL_PATHS),
            st.sampled_from(["delete", "replace", "add"]),
            values,
            keys,
        ),
        min_size=1,
        max_size=3,
    )
)
def test_structural_mutations(edits: list[tuple[tuple[Any, ...], str, Any, str]]) -> None:
    doc: Any = SMALL_RAW
    for path, op, new, key in edits:
        try:
            doc = _mutate(doc, path, op, new, key)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed or replaced this path
    check(toml_document(doc))


# --------------------------------------------------------------------------- text mutations
LINES = BUNDLED.split("\n")
NUMBER = re.compile(r"(?<![\w.\-])\d[\d_]*(\.\d+)?(?![\w\-])")
NUMBER_SPANS = [m.span() for m in NUMBER.finditer(BUNDLED)]
KEY_LINES = [i for i, line in enumerate(LINES) if re.match(r"^[A-Za-z_][\w-]* = ", line)]


@st.composite
def text_mutations(draw: st.DrawFn) -> str | bytes:
    op = draw(
        st.sampled_from(
            ["delete_line", "duplicate_line", "number", "swap_keys", "truncate", "insert_bytes"]
        )
    )
    if op == "delete_line":
        i = draw(st.integers(0, len(LINES) - 1))
        return "\n".join(LINES[:i] + LINES[i + 1 :])
    if op == "duplicate_line":
        i = draw(st.integers(0, len(LINES) - 1))
        return "\n".join(LINES[: i + 1] + LINES[i:])
    if op == "number":
        start, end = draw(st.sampled_from(NUMBER_SPANS))
        token = BUNDLED[start:end]
        new = draw(
            st.sampled_from(
                [f'"{token}"', f"-{token}", token + "0" * 30, "1e400", "-0", "nan", "true", "[]"]
            )
        )
        return BUNDLED[:start] + new + BUNDLED[end:]
    if op == "swap_keys":
        i, j = draw(st.sampled_from(KEY_LINES)), draw(st.sampled_from(KEY_LINES))
        lines = list(LINES)
        ki, vi = lines[i].split(" = ", 1)
        kj, vj = lines[j].split(" = ", 1)
        lines[i], lines[j] = f"{kj} = {vi}", f"{ki} = {vj}"
        return "\n".join(lines)
    data = BUNDLED.encode("utf-8")
    at = draw(st.integers(0, len(data)))
    if op == "truncate":
        return data[:at]
    return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]


@fuzz(4_000)
@given(text_mutations())
def test_bundled_text_mutations(content: str | bytes) -> None:
    check(content)


# --------------------------------------------------------------------------- raw noise
@fuzz(1_000)
@given(st.binary(max_size=400))
def test_random_bytes(content: bytes) -> None:
    check(content)


@fuzz(500)
@given(st.text(max_size=300))
def test_random_text(content: str) -> None:
    check(content)


def test_pathological_inputs() -> None:
    for content in [
        "a = " + "[" * 5000 + "]" * 5000,  # deeper than tomllib's recursion allows
        "x = " + "9" * 5000,  # an integer longer than Python converts by default
        "a = " + "{ b = " * 400 + "1" + " }" * 400,
        '[meta]\ntitle = "' + "x" * 100_000 + '"\n',
        b"\xff\xfe" + "[meta]".encode("utf-16-le"),
        "\ufeff\ufeff[meta]\n",
        "[agreement]\nfirst_year_total = " + "9" * 4000 + "\n",
        '[agreement]\nescalation = { kind = "index", cap_percent = 1e308, floor_percent = -1e308 }',
    ]:
        check(content)
