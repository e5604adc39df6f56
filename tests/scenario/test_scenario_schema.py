"""The scenario schema, loader, locator and generated docs."""

from __future__ import annotations

import difflib
import re
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import burdenshare
from burdenshare.agreement import schedule
from burdenshare.errors import ScenarioError
from burdenshare.scenario import (
    IndexSeries,
    Scenario,
    bundled_path,
    load_scenario,
    load_scenario_text,
    parse_toml,
    schema_reference,
)
from burdenshare.scenario import loader as loader_module
from burdenshare.scenario.docs import update_docs
from burdenshare.scenario.locate import line_index, line_of
from burdenshare.scenario.raw import content_hash, deep_merge, merge_schedules

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "scenario.md"
BAD = Path(__file__).parents[1] / "data" / "bad"


def example_text() -> str:
    """The complete example in docs/scenario.md."""
    match = re.search(r"## A complete small example\n\n```toml\n(.*?)```", DOC.read_text(), re.S)
    assert match
    return match.group(1)


EXAMPLE = example_text()


def problems(text: str | bytes) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "x.toml")
    assert info.value.problems
    return [str(p) for p in info.value.problems]


def edit(old: str, new: str, text: str = EXAMPLE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# --------------------------------------------------------------------------- the example
def test_docs_example_is_valid() -> None:
    sc = load_scenario_text(EXAMPLE)
    assert sc.party_id("sending") == "us" and sc.party_id("host") == "rok"
    assert list(sc.agreements()) == ["agreement", "demand", "offer"]
    assert sc.source_path is None


def test_bad_files_are_small_variations_of_the_example() -> None:
    for path in BAD.glob("*.toml"):
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            text = path.read_bytes().decode("latin-1")
        if not text or "\x00" in text:
            continue
        diff = [
            line
            for line in difflib.unified_diff(EXAMPLE.splitlines(), text.splitlines(), n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))
        ]
        assert 1 <= len(diff) <= 8, (path.name, diff)


# --------------------------------------------------------------------------- schedules
def test_schedules_merge_over_the_template() -> None:
    sc = load_scenario_text(EXAMPLE)
    demand, offer = sc.schedules["demand"], sc.schedules["offer"]
    # inherited from [agreement]
    assert (demand.first_year, demand.duration) == (2020, 1)
    assert offer.currency == "KRW" and offer.rounding == Decimal(100_000_000)
    assert [c.name for c in offer.categories] == ["labor", "construction", "logistics"]
    # overridden
    assert (demand.currency, demand.first_year_total, demand.rounding) == (
        "USD",
        Decimal(5_000_000_000),
        Decimal(1),
    )
    assert demand.categories == []  # arrays replace
    assert offer.duration == 3 and offer.escalation.kind == "index"
    assert offer.escalation.index == "cpi_projection" and offer.escalation.cap_percent == 4
    # provenance is not inherited
    assert sc.agreement.source == ["mofa"]
    assert demand.source == ["dehart"] and not demand.estimate
    assert offer.source == [] and offer.estimate


def test_deep_merge_rules() -> None:
    escalation = {
        "kind": "index",
        "index": "rok_cpi",
        "cap_percent": 4,
        "year_percent": {"2021": 1},
    }
    template = {
        "name": "T",
        "escalation": escalation,
        "categories": [{"name": "a", "share": 1}],
        "source": ["s"],
    }
    assert deep_merge(template, {"escalation": {"cap_percent": 5}})["escalation"] == {
        "kind": "index", "index": "rok_cpi", "cap_percent": 5, "year_percent": {"2021": 1},
    }  # fmt: skip
    assert deep_merge(template, {"escalation": {"kind": "fixed", "percent": 3}})["escalation"] == {
        "kind": "fixed", "percent": 3,
    }  # fmt: skip
    cleared = deep_merge(template, {"escalation": {"year_percent": {}}})
    assert cleared["escalation"]["year_percent"] == {}
    assert deep_merge(template, {"categories": []})["categories"] == []
    assert template["escalation"]["cap_percent"] == 4  # inputs untouched
    merged = merge_schedules({"agreement": template, "schedules": {"x": {"name": "X"}, "y": 3}})
    assert merged["schedules"]["x"]["name"] == "X" and "source" not in merged["schedules"]["x"]
    assert merged["schedules"]["y"] == 3  # not a table: left for validation to report


def test_template_mistake_is_reported_once() -> None:
    lines = problems(
        edit('currency = "KRW"\nfirst_year_total', 'currency = "EUR"\nfirst_year_total')
    )
    assert len(lines) == 1 and "agreement.currency" in lines[0]  # not again for schedules.offer


def test_schedule_mistakes_are_reported_at_the_schedule() -> None:
    lines = problems(edit("duration = 3", "duration = 0"))
    assert lines == ["x.toml:93: schedules.offer.duration: out of range (expected >= 1, found 0)"]


# --------------------------------------------------------------------------- hashing
def test_content_hash_is_stable() -> None:
    a = load_scenario_text(EXAMPLE)
    assert re.fullmatch(r"[0-9a-f]{64}", a.content_hash)
    assert load_scenario_text(EXAMPLE).content_hash == a.content_hash
    # comments, blank lines, key order and number formatting do not matter ...
    reformatted = "# another comment\n\n" + edit(
        'title = "SMA talks, November 2019 (small example)"\nid = "sma-example"',
        'id = "sma-example"   # moved\ntitle = "SMA talks, November 2019 (small example)"',
    ).replace("first_year_total = 1_038_900_000_000", "first_year_total = 1038900000000")
    assert load_scenario_text(reformatted).content_hash == a.content_hash
    # ... any value does
    changed = edit("seats = 300", "seats = 299")
    assert load_scenario_text(changed).content_hash != a.content_hash
    # the same content from Python gives the same hash
    assert Scenario.model_validate(parse_toml(EXAMPLE)).content_hash == a.content_hash
    assert content_hash({"b": 1, "a": [1.5, None]}) == content_hash({"a": [1.5, None], "b": 1})


def test_bundled_hash_is_pinned_to_its_content() -> None:
    sc = load_scenario("sma-2019")
    raw = parse_toml(bundled_path("sma-2019").read_text(encoding="utf-8"))
    assert sc.content_hash == content_hash(raw)


# --------------------------------------------------------------------------- models
def test_scenario_is_immutable() -> None:
    sc = load_scenario_text(EXAMPLE)
    with pytest.raises(ValidationError):
        sc.meta = sc.meta  # type: ignore[misc]


def test_indices_map_and_series_mapping() -> None:
    sc = load_scenario_text(EXAMPLE)
    assert sc.indices_map() == {"cpi_projection": {2021: Decimal("1.0"), 2022: Decimal("1.5")}}
    series = sc.indices["cpi_projection"]
    assert isinstance(series, IndexSeries)
    assert dict(series) == {2021: Decimal("1.0"), 2022: Decimal("1.5")}
    assert {**series} == dict(series) and series[2022] == Decimal("1.5") and 2021 in series
    totals = schedule(sc.schedules["offer"], sc.indices_map()).totals
    assert totals[2021] == Decimal("1127000000000")  # 1,115.8 bn x 1.01 = 1,126.958 bn
    assert totals[2022] == Decimal("1143900000000")  # 1,127.0 bn x 1.015 = 1,143.905 bn


def test_python_api_raises_validation_error_with_paths() -> None:
    raw = parse_toml(edit("duration = 0.1 }", "duraton = 0.1 }"))
    with pytest.raises(ValidationError) as info:
        Scenario.model_validate(raw)
    errors = info.value.errors()
    assert [(e["type"], e["loc"]) for e in errors] == [
        ("scenario_check", ("preferences", "us", "weights", "duraton"))
    ]
    assert "did you mean 'duration'?" in errors[0]["msg"]


def test_load_scenario_reexported() -> None:
    assert burdenshare.load_scenario is load_scenario


# --------------------------------------------------------------------------- messages
@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("first_year = 2020", "frist_year = 2020",
         "x.toml:70: agreement.frist_year: unknown field 'frist_year'; did you mean 'first_year'?"),
        ("cap_percent = 4 }", "cap_percnt = 4 }",
         "schedules.offer.escalation.cap_percnt: unknown field 'cap_percnt'; did you mean "
         "'cap_percent'?"),
        ("[ledger]", "[ledgr]", "unknown section 'ledgr'; did you mean 'ledger'?"),
        ('kind = "meeting"', 'kind = "meting"',
         "x.toml:100: events[0].kind: not an allowed value (expected one of 'meeting', "
         "'lapse', 'furlough', 'ratification', 'election', 'handover' or 'other', "
         "found \"meting\")"),
        ("rounding = 100_000_000", 'rounding = 100_000_000\ntroops = "many"',
         'x.toml:75: agreement.troops: wrong type (expected an integer or a table, '
         'found "many")'),
        ("rounding = 100_000_000", "rounding = 100_000_000\ntroops = { 2020 = -1 }",
         "x.toml:75: agreement.troops.2020: out of range (expected >= 0, found -1)"),
        ("rounding = 100_000_000", "rounding = 100_000_000\ntroops = { soon = 1 }",
         "x.toml:75: agreement.troops.soon: invalid key 'soon' (expected an integer, found "
         '"soon")'),
        ('type = "boolean"', 'type = "bool"',
         "x.toml:51: issues.new_category.type: unknown type 'bool' (expected one of "
         '"continuous", "integer", "categorical", "boolean", found "bool")'),
        ('type = "boolean"\n', "",
         "x.toml:50: issues.new_category.type: missing 'type'"),
        ("[parties.us]", '[parties."u s"]',
         "x.toml:18: parties.\"u s\": invalid key \"u s\" (expected letters, digits, '_' and "
         "'-' (a bare TOML key), found \"u s\")"),
        ("kind = \"legislature\"", "kind = \"veto_players\"",
         "x.toml:34: parties.rok.ratifier.seats: only a legislature has seats"),
        ("reservation_value = 0.35", "reservation_value = 1.5",
         "x.toml:65: preferences.rok.reservation_value: out of range (expected <= 1, found 1.5)"),
        ("values = { 2021 = 1.0, 2022 = 1.5 }", "values = { 2021 = 1.0, 2022 = \"1.5\" }",
         "x.toml:111: indices.cpi_projection.values.2022: wrong type (expected number in [-100, "
         "1000], "
         'found "1.5")'),
        ("date = 2019-02-10", 'date = "Feb 2019"', "sources.mofa.date: wrong type (expected a "
         'TOML date such as 2019-11-19, or "2019-11" / "2019"'),
        ("as_of = 2019-11-19", "as_of = 2019-11-19T10:00:00",
         "x.toml:5: meta.as_of: wrong type (expected a TOML date such as 2019-11-19 (unquoted), "
         "found 2019-11-19T10:00:00)"),
        ("ideal = { contribution = 5_800_000_000_000", "ideal = { contribution = [1]",
         "x.toml:56: preferences.us.ideal.contribution: wrong type (expected a number, "
         "true/false or text, as the issue's type requires, found [1])"),
        ("duration = 1 }", 'duration = "one" }',
         "x.toml:56: preferences.us.ideal.duration: value outside issue 'duration' (expected "
         'an integer from 1 to 5, found "one")'),
    ],
)  # fmt: skip
def test_problem_messages(old: str, new: str, expected: str) -> None:
    lines = problems(edit(old, new))
    assert any(expected in line for line in lines), "\n".join(lines)


def test_problem_fields_are_structured() -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(edit("seats = 300", 'seats = "300"'), "x.toml")
    (p,) = info.value.problems
    assert (p.file, p.line, p.path, p.message, p.expected, p.found) == (
        "x.toml", 34, "parties.rok.ratifier.seats", "wrong type", "integer >= 1", '"300"',
    )  # fmt: skip


def test_problems_are_sorted_by_line() -> None:
    text = edit("seats = 300", "seats = 0")
    text = edit('compare = ["demand", "offer"]', 'compare = ["demand", "x"]', text)
    text = edit('id = "sma-example"', 'id = "Bad Id"', text)
    lines = [p.line for p in _raised(text).problems]
    assert lines == sorted(lines) and len(lines) == 2  # cross-checks wait for valid fields


def _raised(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "x.toml")
    return info.value


# --------------------------------------------------------------------------- reading
def test_text_and_bytes_inputs() -> None:
    data = EXAMPLE.encode()
    assert load_scenario_text(data) == load_scenario_text(EXAMPLE)
    assert load_scenario_text(b"\xef\xbb\xbf" + data) == load_scenario_text(EXAMPLE)  # BOM
    crlf = EXAMPLE.replace("\n", "\r\n")
    assert load_scenario_text(crlf) == load_scenario_text(EXAMPLE)
    assert problems(edit("seats = 300", 'seats = "300"').replace("\n", "\r\n"))[0].startswith(
        "x.toml:34: "
    )


def test_reading_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert problems(" \n\t\n") == [
        "x.toml: empty file (expected a TOML scenario with at least [meta], [parties], [issues] "
        "and [agreement])"
    ]
    assert problems("# only a comment\n")[0].startswith("x.toml: meta: missing required section")
    assert problems('[meta]\ntitle = "x"\nid = [1,\n')[0].startswith("x.toml:3: malformed TOML")
    big = tmp_path / "big.toml"
    big.write_text(EXAMPLE)
    monkeypatch.setattr(loader_module, "MAX_BYTES", 100)
    with pytest.raises(ScenarioError, match="file too large"):
        load_scenario(big)


# --------------------------------------------------------------------------- line locator
def test_line_index() -> None:
    text = '''# comment [not.a.table]
title = "a # not a comment"
a.b = 1
[t]
x = { y = 1, "z w" = { q = [1, 2] } }
arr = [
  { name = "n" },  # first
  { name = "m", share = 0.5 },
]
s = """multi
line [x]"""
after = 2
[[events]]
id = "a"
[[events]]
id = "b"
[events.sub]
k = 'v'
[[events.items]]
n = 1
'''
    idx = line_index(text)
    expect: dict[tuple[Any, ...], int] = {
        ("title",): 2, ("a", "b"): 3, ("t",): 4, ("t", "x", "y"): 5, ("t", "x", "z w", "q"): 5,
        ("t", "x", "z w", "q", 1): 5, ("t", "arr", 0): 7, ("t", "arr", 1, "share"): 8,
        ("t", "s"): 10, ("t", "after"): 12, ("events", 0): 13, ("events", 1, "id"): 16,
        ("events", 1, "sub", "k"): 18, ("events", 1, "items", 0, "n"): 20,
    }  # fmt: skip
    for path, line in expect.items():
        assert idx.get(path) == line, path
    assert ("not",) not in idx and ("events", 0, "sub") not in idx
    assert line_of(idx, ("t", "x", "missing")) == 5  # nearest written ancestor
    assert line_of(idx, ("nothing",)) is None


def test_line_index_never_raises_on_odd_text() -> None:
    for text in ['a = "unterminated', "[[", "= = =", 'x = """', "[a.b\n", "{", "a = [1, {"]:
        assert isinstance(line_index(text), dict)


# --------------------------------------------------------------------------- docs
def test_docs_reference_is_current() -> None:
    assert not update_docs(DOC, check=True), (
        "docs/scenario.md is stale: run python -m burdenshare.scenario.docs docs/scenario.md"
    )


def test_reference_documents_every_field() -> None:
    reference = schema_reference()
    seen: set[type] = set()

    def visit(model: type) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, field in model.model_fields.items():  # type: ignore[attr-defined]
            assert f"| `{name}` |" in reference, (model.__name__, name)
            for sub in _models(field.annotation):
                visit(sub)

    visit(Scenario)
    assert len(seen) >= 20
    for header in [
        "### `[meta]` (required)",
        "### `[[events]]`",
        "### `[schedules.<id>]`",
        '### `[agreement.escalation]` (kind = "index")',
        "### `[indices.<id>]`",
    ]:
        assert header in reference, header  # fmt: skip


def _models(tp: Any) -> list[type]:
    """The pydantic models inside a type annotation (unions, containers, Annotated)."""
    from pydantic import BaseModel

    found: list[type] = []
    stack = [tp]
    while stack:
        t = stack.pop()
        if isinstance(t, type) and issubclass(t, BaseModel):
            found.append(t)
        else:
            stack.extend(typing.get_args(t))
    return found


def test_round_trips_through_python_and_json() -> None:
    for name in ["sma-2019", "sma-2021-signed"]:
        sc = load_scenario(name)
        assert Scenario.model_validate(sc.model_dump()) == sc
        assert Scenario.model_validate_json(sc.model_dump_json()) == sc
    assert load_scenario("sma-2019") != load_scenario("sma-2021-signed")


def test_safety_net_reports_a_broken_validator(monkeypatch: pytest.MonkeyPatch) -> None:
    from burdenshare.scenario import checks

    def broken(_: Scenario) -> list[Any]:
        raise TypeError("a bug in a check")

    monkeypatch.setattr(checks, "CHECKS", [*checks.CHECKS, broken])
    assert problems(EXAMPLE) == ["x.toml: internal validation error: TypeError: a bug in a check"]


def test_docs_python_snippet_runs() -> None:
    (block,) = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    namespace: dict[str, Any] = {}
    exec(compile(block, str(DOC), "exec"), namespace)
    assert namespace["scenario"].meta.id == "sma-2019"


def test_docs_error_examples_are_what_validate_prints() -> None:
    section = DOC.read_text(encoding="utf-8").split("## Errors", 1)[1]
    block = re.search(r"For example.*?```text\n(.*?)```", section, re.S)
    assert block
    lines = block.group(1).splitlines()
    assert len(lines) >= 5
    for line in lines:
        name = line.split(":", 1)[0]
        with pytest.raises(ScenarioError) as info:
            load_scenario_text((BAD / name).read_bytes(), name)
        assert line in [str(p) for p in info.value.problems], line
