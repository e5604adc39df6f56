"""The bundled scenarios: they load, every figure is sourced or flagged, and they say what the
reference notes say (/work/shared/reference/sma/NOTES.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel

import burdenshare
from burdenshare.agreement import schedule
from burdenshare.scenario import (
    Scenario,
    bundled_names,
    bundled_path,
    load_scenario,
    load_scenario_text,
)
from burdenshare.scenario.agreement import AgreementSpec
from burdenshare.scenario.checks import walk_models
from burdenshare.spec_base import Sourced

NAMES = ["sma-2019", "sma-2021-signed"]
BN = Decimal(10) ** 9


@pytest.fixture(scope="module", params=NAMES)
def scenario(request: pytest.FixtureRequest) -> Scenario:
    return load_scenario(request.param)


def test_bundled_names() -> None:
    assert bundled_names() == NAMES
    for name in NAMES:
        assert bundled_path(name).is_file()


def test_loads_by_name_and_path(scenario: Scenario) -> None:
    path = bundled_path(scenario.meta.id)
    assert scenario.source_path == path
    again = load_scenario(path)
    assert again == scenario and again.content_hash == scenario.content_hash
    assert burdenshare.load_scenario(scenario.meta.id) == scenario


def _numeric(value: Any) -> bool:
    """True if ``value`` holds a number (directly or in plain containers, not in models)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | Decimal):
        return True
    if isinstance(value, dict):
        return any(_numeric(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_numeric(v) for v in value if not isinstance(v, BaseModel))
    return False


def _figures(model: BaseModel) -> list[str]:
    """The fields the file sets explicitly on ``model`` that hold numbers."""
    return [
        name
        for name in model.model_fields_set
        if name not in Sourced.model_fields and _numeric(getattr(model, name))
    ]


def _unsourced(scenario: Scenario) -> list[tuple[tuple[str | int, ...], list[str]]]:
    return [
        (path, _figures(model))
        for path, model in walk_models(scenario)
        if isinstance(model, Sourced)
        and _figures(model)
        and not model.source
        and not model.estimate
    ]


def test_every_figure_has_a_source_or_is_an_estimate(scenario: Scenario) -> None:
    assert _unsourced(scenario) == []


def test_the_sourcing_check_catches_a_bare_figure() -> None:
    text = bundled_path("sma-2019").read_text(encoding="utf-8")
    share = 'name = "rotational_deployment"\nshare = 0.822\nnew = true\n'
    assert share in text
    text = text.replace(
        'source = ["koreaherald-2019-11-17"]\nestimate = true\nnote = "The items', 'note = "'
    )
    sc = load_scenario_text(text)
    assert _unsourced(sc) == [(("schedules", "us_demand", "categories", 3), ["share"])]


def test_estimates_explain_themselves(scenario: Scenario) -> None:
    """An estimate's reasoning is in its note, or (for plain shares) in a comment in the file."""
    for path, model in walk_models(scenario):
        if isinstance(model, Sourced) and model.estimate and path[:1] == ("preferences",):
            assert model.note, path


def test_sources_are_cited_and_complete(scenario: Scenario) -> None:
    cited = {sid for _, m in walk_models(scenario) if isinstance(m, Sourced) for sid in m.source}
    assert cited == set(scenario.sources)  # every cited id exists; no source goes unused
    for sid, source in scenario.sources.items():
        assert source.url.startswith(("http://", "https://")), sid
        assert source.title and source.date, sid


def test_sma_2019_facts() -> None:
    sc = load_scenario("sma-2019")
    assert sc.meta.as_of == dt.date(2019, 11, 19)
    us, rok = sc.parties["us"], sc.parties["rok"]
    assert (us.role, rok.role) == ("sending", "host")
    assert (us.opening, rok.opening) == ("us_demand", "rok_offer")  # stated once
    assert us.negotiator.name == "James DeHart" and rok.negotiator.name == "Jeong Eun-bo"
    # no Congress vote: the President is the US side's only veto player, with his own floor
    assert us.ratifier.kind == "veto_players" and us.ratifier.veto_players == ["President Trump"]
    assert us.ratifier.limits == {"contribution": 1_200 * BN}
    # the Assembly's limits are Seoul's red lines, written once in [preferences.rok]
    assert rok.ratifier.limits == {}
    assert sc.preferences["rok"].reservation == {
        "contribution": Decimal("1142.8") * BN,
        "new_category": False,
    }
    assert sc.preferences["us"].reservation == {"contribution": 1_122 * BN}
    # the law in force on 19 Nov 2019 was the FY2019 NDAA (22,000), not the FY2020 one
    assert us.troops is not None and us.troops.legal_floor == 22_000
    assert us.troops.current == 28_500
    assert rok.ratifier.kind == "legislature" and rok.ratifier.consent_required
    assert rok.ratifier.seats == 300 and rok.ratifier.threshold == "simple_majority"
    assert {i: x.type for i, x in sc.issues.items()} == {
        "contribution": "continuous",
        "duration": "integer",
        "new_category": "boolean",
    }
    # the 10th SMA framework: 1,038.9 bn won, split as in 2018 (the 2019 split came later)
    a = sc.agreement
    assert (a.currency, a.first_year, a.first_year_total) == ("KRW", 2020, Decimal("1038.9") * BN)
    assert a.rounding == Decimal(100_000_000)
    assert [(c.name, c.share) for c in a.categories] == [
        ("labor", Decimal("0.386")),
        ("construction", Decimal("0.463")),
        ("logistics", Decimal("0.151")),
    ]
    demand, offer = sc.schedules["us_demand"], sc.schedules["rok_offer"]
    assert (demand.currency, demand.first_year_total) == ("USD", Decimal(5_000_000_000))
    assert [c.name for c in demand.categories if c.new] == ["rotational_deployment"]
    assert (demand.first_year, demand.duration) == (2020, 1)
    assert offer.currency == "KRW" and offer.first_year_total == Decimal("1115.8") * BN
    assert offer.duration == 5
    assert offer.categories == a.categories  # inherited
    # the ideals follow the openings
    assert sc.preferences["us"].ideal["new_category"] is True
    assert sc.preferences["rok"].ideal["new_category"] is False
    assert (sc.preferences["us"].ideal["duration"], sc.preferences["rok"].ideal["duration"]) == (
        1,
        5,
    )
    events = {e.id: e for e in sc.events}
    assert (events["round3"].date, events["round3"].kind) == (dt.date(2019, 11, 18), "meeting")
    assert (events["lapse"].date, events["lapse"].kind) == (dt.date(2019, 12, 31), "lapse")
    furlough = events["furlough"]
    assert furlough.date == dt.date(2020, 4, 1) and furlough.estimate
    assert furlough.set == {"preferences.rok.reservation_value": 0.02}
    election = events["us_election"]
    assert (election.date, election.effective) == (dt.date(2020, 11, 3), dt.date(2021, 1, 20))
    assert election.uncertain and election.probability == 0.55
    assert election.set["parties.us.ratifier.limits.contribution"] == 1_038_900_000_000
    assert sc.bargaining is not None
    assert (sc.bargaining.first_round, sc.bargaining.last_round) == (
        dt.date(2019, 11, 19),
        dt.date(2021, 12, 31),
    )
    assert sc.ledger.compare == ["us_demand", "rok_offer"]
    assert sc.hindsight is not None and sc.hindsight.deal_date == dt.date(2021, 3, 7)


def _cited_outside_hindsight(scenario: Scenario) -> set[str]:
    return {
        sid
        for path, model in walk_models(scenario)
        if isinstance(model, Sourced) and path[:1] != ("hindsight",)
        for sid in model.source
    }


def _published(source: object) -> dt.date | None:
    """The last day a source's date could mean ("2019-11" → 30 Nov 2019); None for "n.d."."""
    date = source.date  # type: ignore[attr-defined]
    if isinstance(date, dt.date):
        return date
    if date == "n.d.":
        return None
    parts = [int(x) for x in date.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 12, 31)
    nxt = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def test_sma_2019_inputs_cite_only_sources_public_by_as_of() -> None:
    """Everything a model reads cites sources dated on or before 19 Nov 2019 (a month or year
    counts by its last day; undated pages are not allowed); later ones only in [hindsight]."""
    sc = load_scenario("sma-2019")
    late = {
        sid: str(sc.sources[sid].date)
        for sid in _cited_outside_hindsight(sc)
        if (_published(sc.sources[sid]) or dt.date.max) > sc.meta.as_of
    }
    assert late == {}
    hindsight = {sid for f in sc.hindsight.facts for sid in f.source}  # type: ignore[union-attr]
    assert any((_published(sc.sources[s]) or dt.date.max) > sc.meta.as_of for s in hindsight)


def test_the_as_of_rule_catches_a_late_source() -> None:
    text = bundled_path("sma-2019").read_text(encoding="utf-8")
    old = 'source = ["kbs-2019-08-21", "yonhap-2019-10-24"]'
    assert "reservation = { contribution = 1_142_800_000_000, new_category = false }" in text
    text = text.replace(
        "reservation = { contribution = 1_142_800_000_000, new_category = false }",
        "reservation = { contribution = 1_174_000_000_000, new_category = false }\n"
        'source = ["koreaherald-2020-06-03"]',
        1,
    ).replace(
        'source = ["yonhap-2019-10-24", "japantimes-2019-11-19", "kbs-2019-08-21", '
        '"koreaherald-2019-02-07", "mofa-2019-02-10"]\n',
        "",
        1,
    )
    del old
    sc = load_scenario_text(text)
    late = {
        sid
        for sid in _cited_outside_hindsight(sc)
        if (_published(sc.sources[sid]) or dt.date.max) > sc.meta.as_of
    }
    assert late == {"koreaherald-2020-06-03"}


def test_sma_2021_signed_reproduces_the_published_amounts() -> None:
    sc = load_scenario("sma-2021-signed")
    spec = sc.agreement
    assert (spec.first_year, spec.duration, spec.last_year) == (2020, 6, 2025)
    esc = spec.escalation
    assert esc.kind == "index" and esc.index == "rok_defense_budget" and esc.lag == 1
    assert esc.cap_percent is None and esc.year_percent == {2021: Decimal("13.9")}
    totals = schedule(spec, sc.indices_map()).totals
    published = {2020: "1038.9", 2021: "1183.3", 2022: "1247.2", 2025: "1402.8"}  # [V]
    for year, amount in published.items():
        assert totals[year] == Decimal(amount) * BN, year
    assert totals[2023] == Decimal("1289.6") * BN and totals[2024] == Decimal("1346.3") * BN  # [D]


def test_sma_2021_schedules_merge_as_documented() -> None:
    sc = load_scenario("sma-2021-signed")
    old = sc.schedules["old_cpi_rule"]
    assert isinstance(old, AgreementSpec)
    assert old.escalation.index == "rok_cpi" and old.escalation.lag == 2
    assert old.escalation.cap_percent == Decimal(4)
    assert old.escalation.year_percent == {}  # cleared by `year_percent = {}`
    plan = sc.schedules["budget_plan"]
    assert plan.escalation.index == "rok_defense_budget_plan"
    assert plan.escalation.year_percent == {2021: Decimal("13.9")}  # inherited
    assert sc.indices_map()["rok_defense_budget_plan"][2022] == Decimal("6.1")
    totals = schedule(plan, sc.indices_map()).totals
    assert totals[2023] == Decimal("1323.3") * BN  # 1,247.2 x 1.061


def test_bundled_scenarios_pass_the_cli() -> None:
    from typer.testing import CliRunner

    from burdenshare.cli import app

    paths = [str(bundled_path(n)) for n in NAMES]
    result = CliRunner().invoke(app, ["validate", *paths])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"ok: {p}" for p in paths]
