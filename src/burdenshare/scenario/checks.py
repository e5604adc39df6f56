"""Checks across sections of a scenario, run after every section has validated.

Each check is a function ``Scenario -> Iterable[Finding]`` registered with :func:`check`; the
scenario's validator runs them all (:func:`run_checks`) and raises the findings as one validation
error. A new section that refers to others adds one function here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from burdenshare.scenario.agreement import BUILTIN_INDICES, IndexEscalation
from burdenshare.scenario.findings import Finding, one_of, suggest
from burdenshare.scenario.names import known_names
from burdenshare.scenario.render import format_path, toml_value
from burdenshare.spec_base import Sourced

if TYPE_CHECKING:
    from burdenshare.scenario.schema import Scenario

__all__ = ["CHECKS", "check", "run_checks", "walk_models"]

Loc = tuple[str | int, ...]
Check = Callable[["Scenario"], Iterable[Finding]]

#: Registered checks, in order.
CHECKS: list[Check] = []


def check(fn: Check) -> Check:
    """Register a cross-section check."""
    CHECKS.append(fn)
    return fn


def run_checks(scenario: Scenario) -> list[Finding]:
    """Every finding of every registered check."""
    return [finding for fn in CHECKS for finding in fn(scenario)]


def walk_models(value: Any, path: Loc = ()) -> Iterator[tuple[Loc, BaseModel]]:
    """Every pydantic model inside ``value`` (itself included), with its path."""
    if isinstance(value, BaseModel):
        yield path, value
        for name in type(value).model_fields:
            yield from walk_models(getattr(value, name), (*path, name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from walk_models(item, (*path, key))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from walk_models(item, (*path, i))


# --------------------------------------------------------------------------- the checks
@check
def _one_party_per_role(sc: Scenario) -> Iterator[Finding]:
    for role in ("sending", "host"):
        ids = [pid for pid, party in sc.parties.items() if party.role == role]
        if len(ids) != 1:
            yield Finding(
                ("parties",),
                f"{len(ids)} parties have role '{role}'" + (f" ({', '.join(ids)})" if ids else ""),
                expected=f'exactly one party with role = "{role}"',
                found=str(len(ids)),
            )


def _issue_ref(sc: Scenario, loc: Loc, iid: str) -> Finding | None:
    if iid in sc.issues:
        return None
    return Finding(
        loc, f"unknown issue '{iid}'" + suggest(iid, sc.issues), expected=one_of(sc.issues)
    )


@check
def _preferences_refer_to_parties_and_issues(sc: Scenario) -> Iterator[Finding]:
    for pid, pref in sc.preferences.items():
        base: Loc = ("preferences", pid)
        if pid not in sc.parties:
            yield Finding(
                base,
                f"unknown party '{pid}'" + suggest(pid, sc.parties),
                expected=one_of(sc.parties),
            )
        for iid in pref.weights:
            finding = _issue_ref(sc, (*base, "weights", iid), iid)
            if finding:
                yield finding
        missing = [
            iid
            for iid, w in pref.weights.items()
            if w > 0 and iid in sc.issues and iid not in pref.ideal
        ]
        if missing:
            yield Finding(
                (*base, "ideal"),
                "no ideal value for weighted issue"
                + ("s " if len(missing) > 1 else " ")
                + ", ".join(f"'{m}'" for m in missing),
                expected="an ideal value for every issue with a weight > 0",
            )


@check
def _issue_values_fit_their_issue(sc: Scenario) -> Iterator[Finding]:
    for loc, iid, value in sc.iter_issue_values():
        finding = _issue_ref(sc, loc, iid)
        if finding:
            yield finding
            continue
        expected = sc.issues[iid].check_value(value)
        if expected is not None:
            yield Finding(
                loc,
                f"value outside issue '{iid}'",
                expected=expected,
                found=toml_value(value),
                value=value,
            )


@check
def _sources_exist(sc: Scenario) -> Iterator[Finding]:
    for path, model in walk_models(sc):
        if not isinstance(model, Sourced):
            continue
        for i, sid in enumerate(model.source):
            if sid not in sc.sources:
                yield Finding(
                    (*path, "source", i),
                    f"unknown source '{sid}'" + suggest(sid, sc.sources),
                    expected="an id in [sources]: " + one_of(sc.sources).removeprefix("one of "),
                    found=toml_value(sid),
                    value=sid,
                )


@check
def _indices_exist(sc: Scenario) -> Iterator[Finding]:
    known = [*BUILTIN_INDICES, *(k for k in sc.indices if k not in BUILTIN_INDICES)]
    for sid, spec in sc.agreements().items():
        esc = spec.escalation
        if isinstance(esc, IndexEscalation) and esc.index not in known:
            base: Loc = ("agreement",) if sid == "agreement" else ("schedules", sid)
            yield Finding(
                (*base, "escalation", "index"),
                f"unknown index series '{esc.index}'" + suggest(esc.index, known),
                expected=one_of(known) + " (built-in, or a key of [indices])",
                found=toml_value(esc.index),
                value=esc.index,
            )


@check
def _ledger_compares_schedules(sc: Scenario) -> Iterator[Finding]:
    known = list(sc.agreements())
    for i, sid in enumerate(sc.ledger.compare):
        if sid not in known:
            yield Finding(
                ("ledger", "compare", i),
                f"unknown schedule '{sid}'" + suggest(sid, known),
                expected=one_of(known),
                found=toml_value(sid),
                value=sid,
            )


@check
def _event_ids_unique(sc: Scenario) -> Iterator[Finding]:
    seen: set[str] = set()
    for i, event in enumerate(sc.events):
        if event.id in seen:
            yield Finding(
                ("events", i, "id"),
                f"event id '{event.id}' repeats",
                expected="a unique id",
                found=toml_value(event.id),
            )
        seen.add(event.id)


@check
def _events_set_existing_fields(sc: Scenario) -> Iterator[Finding]:
    """Each path an event sets leads to a field of the same kind, and the scenario with the
    event's values is valid (checked without its events, so no event checks itself)."""
    from pydantic import ValidationError

    from burdenshare.scenario.paths import PathError, is_numeric, resolve, with_fields

    if not any(e.set for e in sc.events):
        return
    plain = sc.model_copy(update={"events": [], "uncertainty": None, "hindsight": None})
    base_errors: set[tuple] | None = None
    for i, event in enumerate(sc.events):
        good: dict[str, object] = {}
        for path, value in event.set.items():
            loc = ("events", i, "set", path)
            if path.startswith(("events.", "uncertainty.", "hindsight.", "meta.")):
                yield Finding(
                    loc,
                    "an event cannot change events, uncertainty, hindsight or meta",
                    expected="a field of the negotiation (parties, preferences, bargaining, ...)",
                    found=path,
                )
                continue
            try:
                _, old = resolve(plain, path)
            except PathError as exc:
                yield Finding(loc, f"unknown field path: {exc.message}", found=path)
                continue
            same = (
                (is_numeric(old) and is_numeric(value))
                or (old is None and not isinstance(value, dict))
                or type(old) is type(value)
            )
            if not same or isinstance(old, dict | list):
                yield Finding(
                    loc,
                    "the value does not fit the field",
                    expected="a " + ("number" if is_numeric(old) else type(old).__name__),
                    found=toml_value(value),
                )
                continue
            if is_numeric(value) and not math.isfinite(float(value)):
                yield Finding(loc, "the value must be a finite number", found=toml_value(value))
                continue
            good[path] = value
        if not good:
            continue
        try:
            with_fields(plain, good)
        except ValidationError as exc:
            if base_errors is None:
                base_errors = _errors_of(plain)
            fresh = [e for e in exc.errors(include_url=False) if _error_key(e) not in base_errors]
            if fresh:  # problems the scenario has anyway are reported once, by their own check
                error = fresh[0]
                yield Finding(
                    ("events", i, "set"),
                    "the scenario with this event's values is invalid: "
                    + str(error.get("msg", "")).removeprefix("Value error, "),
                    found=".".join(str(k) for k in error.get("loc", ())),
                )


def _error_key(error: Any) -> tuple:
    return (tuple(error.get("loc", ())), str(error.get("msg", "")))


def _errors_of(sc: Scenario) -> set[tuple]:
    """The validation errors of ``sc`` as it is (empty when it validates)."""
    from pydantic import ValidationError

    from burdenshare.scenario.paths import with_fields

    try:
        with_fields(sc, {})
    except ValidationError as exc:
        return {_error_key(e) for e in exc.errors(include_url=False)}
    return set()


@check
def _openings_and_links_exist(sc: Scenario) -> Iterator[Finding]:
    known = list(sc.agreements())
    for pid, party in sc.parties.items():
        if party.opening is not None and party.opening not in known:
            yield Finding(
                ("parties", pid, "opening"),
                f"unknown schedule '{party.opening}'" + suggest(party.opening, known),
                expected=one_of(known),
                found=toml_value(party.opening),
            )
        if party.opening is not None and (sc.bargaining is None or not sc.bargaining.terms):
            yield Finding(
                ("parties", pid, "opening"),
                "an opening schedule needs [bargaining] terms to say which issue carries which "
                "of its terms",
                expected='[bargaining] terms = { first_year_total = "<issue>", ... }',
            )
    if sc.actors is not None:
        for did, dim in sc.actors.dimensions.items():
            if dim.issue is not None and dim.issue not in sc.issues:
                yield Finding(
                    ("actors", "dimensions", did, "issue"),
                    f"unknown issue '{dim.issue}'" + suggest(dim.issue, sc.issues),
                    expected=one_of(sc.issues),
                    found=toml_value(dim.issue),
                )
        for aid, actor in sc.actors.table.items():
            if actor.voices is not None and actor.voices not in sc.parties:
                yield Finding(
                    ("actors", "table", aid, "voices"),
                    f"unknown party '{actor.voices}'" + suggest(actor.voices, sc.parties),
                    expected=one_of(sc.parties),
                    found=toml_value(actor.voices),
                )
    if sc.hindsight is not None:
        # what happened may lie outside the modelled range (a six-year deal when the issue runs
        # to five): only the issue and the kind of value are checked
        for iid, value in sc.hindsight.terms.items():
            finding = _issue_ref(sc, ("hindsight", "terms", iid), iid)
            if finding:
                yield finding
                continue
            numeric = sc.issues[iid].type in ("continuous", "integer")
            if numeric != (isinstance(value, int | float) and not isinstance(value, bool)):
                yield Finding(
                    ("hindsight", "terms", iid),
                    f"value of the wrong kind for issue '{iid}'",
                    expected="a number" if numeric else sc.issues[iid].domain(),
                    found=toml_value(value),
                )
        ids = [e.id for e in sc.events]
        for i, fact in enumerate(sc.hindsight.facts):
            if fact.event is not None and fact.event not in ids:
                yield Finding(
                    ("hindsight", "facts", i, "event"),
                    f"unknown event '{fact.event}'" + suggest(fact.event, ids),
                    expected=one_of(ids),
                    found=toml_value(fact.event),
                )


@check
def _actors_fill_every_dimension(sc: Scenario) -> Iterator[Finding]:
    if sc.actors is None:
        return
    dims = sc.actors.dimensions
    for aid, actor in sc.actors.table.items():
        for table in ("position", "salience"):
            given = getattr(actor, table)
            for dim in given:
                if dim not in dims:
                    yield Finding(
                        ("actors", "table", aid, table, dim),
                        f"unknown dimension '{dim}'" + suggest(dim, dims),
                        expected=one_of(dims),
                        found=toml_value(dim),
                    )
            for dim in dims:
                if dim not in given:
                    yield Finding(
                        ("actors", "table", aid, table),
                        f"no {table} for dimension '{dim}'",
                        expected=f"a value for every dimension ({', '.join(dims)})",
                    )
        for dim, x in actor.position.items():
            spec = dims.get(dim)
            if spec is not None and not spec.min <= x <= spec.max:
                yield Finding(
                    ("actors", "table", aid, "position", dim),
                    f"position outside dimension '{dim}'",
                    expected=f"{spec.min:g} <= value <= {spec.max:g}",
                    found=toml_value(x),
                )
    models = known_names("forecasting model")
    for i, name in enumerate(sc.actors.models):
        if name not in models:
            yield Finding(
                ("actors", "models", i),
                f"unknown forecasting model '{name}'" + suggest(name, list(models)),
                expected=one_of(list(models)),
                found=toml_value(name),
            )


@check
def _bargaining_names_exist(sc: Scenario) -> Iterator[Finding]:
    if sc.bargaining is None:
        return
    strategies = known_names("strategy")
    spec = sc.bargaining
    named = [(("bargaining", "strategies", i), n) for i, n in enumerate(spec.strategies)]
    named += [
        (("bargaining", "pairs", i, j), n) for i, pair in enumerate(spec.pairs)
        for j, n in enumerate(pair)
    ]  # fmt: skip
    for loc, name in named:
        if name not in strategies:
            yield Finding(
                loc,
                f"unknown strategy '{name}'" + suggest(name, list(strategies)),
                expected=one_of(list(strategies)),
                found=toml_value(name),
            )
    for iid in spec.grid:
        issue = sc.issues.get(iid)
        if issue is None or issue.type != "continuous":
            yield Finding(
                ("bargaining", "grid", iid),
                f"'{iid}' is not a continuous issue" + suggest(iid, sc.issues),
                expected="the id of a continuous issue",
                found=toml_value(iid),
            )
    time_dependent = {"boulware", "linear", "conceder", "hardliner", "walk-out", "time-dependent"}
    for pid in spec.exponents:
        if pid not in sc.parties:
            yield Finding(
                ("bargaining", "exponents", pid),
                f"unknown party '{pid}'" + suggest(pid, sc.parties),
                expected=one_of(list(sc.parties)),
                found=toml_value(pid),
            )
            continue
        mix = sc.uncertainty.strategies.get(pid) if sc.uncertainty else None
        names = list(mix) if mix else [_sweep_strategy(sc, pid)]
        other = [n for n in names if n not in time_dependent]
        if other:
            yield Finding(
                ("bargaining", "exponents", pid),
                f"an exponent for '{pid}', whose strategy '{other[0]}' has none",
                expected="a time-dependent strategy: " + one_of(sorted(time_dependent)),
                found=toml_value(other[0]),
            )
    for field, iid in spec.terms.items():
        issue = sc.issues.get(iid)
        kinds = ("boolean",) if field == "new_category" else ("continuous", "integer")
        if issue is None or issue.type not in kinds:
            yield Finding(
                ("bargaining", "terms", field),
                f"'{iid}' is not a {' or '.join(kinds)} issue" + suggest(iid, sc.issues),
                expected=f"the id of a {' or '.join(kinds)} issue",
                found=toml_value(iid),
            )
    for pid, date in spec.concede_by.items():
        if pid not in sc.parties:
            yield Finding(
                ("bargaining", "concede_by", pid),
                f"unknown party '{pid}'" + suggest(pid, sc.parties),
                expected=one_of(list(sc.parties)),
                found=toml_value(pid),
            )
        elif spec.first_round is None:
            yield Finding(
                ("bargaining", "concede_by", pid),
                "a concession date needs calendar rounds",
                expected="[bargaining] first_round and last_round",
            )
        elif not spec.first_round < date:
            yield Finding(
                ("bargaining", "concede_by", pid),
                "concedes before the talks start",
                expected=f"a date after first_round ({spec.first_round})",
                found=str(date),
            )


def _sweep_strategy(sc: Scenario, pid: str) -> str:
    """The strategy a sweep gives ``pid`` when no mix is drawn: its side of the first pair."""
    spec = sc.bargaining
    pair = spec.pairs[0] if spec is not None and spec.pairs else ["boulware", "conceder"]
    sending = next((k for k, p in sc.parties.items() if p.role == "sending"), None)
    return pair[0] if pid == sending else pair[1]


@check
def _uncertainty_fits_scenario(sc: Scenario) -> Iterator[Finding]:
    if sc.uncertainty is None:
        return
    from burdenshare.scenario.uncertainty import uncertainty_findings

    yield from uncertainty_findings(sc.uncertainty, sc)


def _usd_words(x: Decimal) -> str:
    x = abs(x)
    if x >= Decimal("1e12"):
        return f"${x / Decimal('1e12'):,.1f} trn"
    if x >= Decimal("1e9"):
        return f"${x / Decimal('1e9'):,.1f} bn"
    if x >= Decimal("1e6"):
        return f"${x / Decimal('1e6'):,.1f} M"
    return f"${x:,.2f}"


@check
def _amounts_within_any_defence_budget(sc: Scenario) -> Iterator[Finding]:
    """An error, not a warning: a yearly amount above $1 trillion (``MAX_USD``, more than the
    largest defence budget in the world) cannot be a payment toward stationing troops, so it can
    only be a slip of units (a $5 bn ask written as 5_000_000_000_000), and every result built
    on it — ledger, comparisons, the bargaining range — would be off by a factor of a thousand.
    Unlike a very small amount (a warning: toy scenarios may count in abstract units), no
    reading of such a number is meaningful."""
    from burdenshare.scenario.amounts import MAX_USD, money_amounts, usd

    for amount in money_amounts(sc):
        dollars = usd(amount)
        if dollars > MAX_USD:
            yield Finding(
                amount.loc,
                f"{amount.value:,} {amount.currency} is about {_usd_words(dollars)} a year, more "
                "than the largest defence budget in the world; amounts are in whole units of the "
                "currency (5_000_000_000 for $5 bn)",
                expected=f"at most {_usd_words(MAX_USD)} a year in US dollars",
                found=toml_value(amount.value),
            )


@check
def _as_of_before_the_talks_end(sc: Scenario) -> Iterator[Finding]:
    """An error, not a warning, for a scenario that plays the talks out ([bargaining] or
    [uncertainty]): ``as_of`` is the date of the analyst's knowledge, and the deadlines and
    bargaining rounds are the future being forecast. If ``as_of`` is after every deadline and
    after the last bargaining round, nothing is left to forecast and the scenario contradicts
    its own date (it would have to ignore what it says it knows). A scenario that only records
    an agreement (like ``sma-2021-signed``) may well be dated after all of its events, and so
    may one with only an [actors] table, whose models use no calendar."""
    if sc.bargaining is None and sc.uncertainty is None:
        return
    dates = [(("events", i, "date"), d.date) for i, d in enumerate(sc.events)]
    if sc.bargaining is not None and sc.bargaining.last_round is not None:
        dates.append((("bargaining", "last_round"), sc.bargaining.last_round))
    if not dates:
        return
    last_loc, last = max(dates, key=lambda x: x[1])
    if sc.meta.as_of > last:
        where = format_path(last_loc)
        yield Finding(
            ("meta", "as_of"),
            f"as_of is after every deadline of the talks (the last, {where}, is {last}), so "
            "there is nothing left to forecast",
            expected=f"a date on or before {last} (what was known while the talks ran)",
            found=toml_value(sc.meta.as_of),
        )
