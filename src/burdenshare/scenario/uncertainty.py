"""The ``[uncertainty]`` section: distributions on numeric scenario fields and strategy mixes.

```toml
[uncertainty.params]
"preferences.us.reservation_value" = { dist = "uniform", low = 0.2, high = 0.4 }
"bargaining.steps" = { dist = "grid", values = [50, 100, 200] }

[uncertainty.strategies]
us = { boulware = 0.5, conceder = 0.5 }
```

A path is dotted: model fields and table keys (``indices.cpi.values.2021``,
``parties.rok.ratifier.members.0.tolerance``). It is resolved by walking the validated
:class:`~burdenshare.scenario.schema.Scenario` (:func:`resolve`), so every numeric field of every
section can be made uncertain without a list of them here. Checks against the scenario (the path
exists and holds a number, the party exists) are :func:`uncertainty_findings`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, Field, model_validator

from burdenshare.errors import Problem
from burdenshare.scenario.distributions import Distribution, distribution_union
from burdenshare.scenario.paths import PathError, is_numeric, resolve, split_path
from burdenshare.spec_base import Strict

if TYPE_CHECKING:
    from burdenshare.scenario.findings import Finding
    from burdenshare.scenario.schema import Scenario

__all__ = [
    "PathError",
    "UncertaintySpec",
    "check_against",
    "is_numeric",
    "resolve",
    "split_path",
    "uncertainty_findings",
    "uncertainty_problems",
]

AnyDistribution = distribution_union()


class UncertaintySpec(Strict):
    """Distributions over numeric scenario fields, and per-party strategy mixes, for sweeps."""

    draws: Annotated[int, Field(ge=1, le=1_000_000_000)] = Field(
        default=10_000,
        description="Draws for `analyze` and the default of `burdenshare sweep --draws`.",
        examples=[10_000],
    )
    seed: Annotated[int, Field(ge=0)] = Field(
        default=0,
        description="Master seed: draw i depends only on (seed, i).",
        examples=[0],
    )
    params: dict[str, AnyDistribution] = Field(  # type: ignore[valid-type]
        default_factory=dict,
        description='Dotted field path → distribution, e.g. "preferences.us.reservation_value" '
        '= { dist = "uniform", low = 0.2, high = 0.4 }.',
    )
    strategies: dict[str, dict[str, float]] = Field(
        default_factory=dict,
        description="Party id → strategy name → probability (summing to 1).",
        examples=[{"us": {"boulware": 0.5, "conceder": 0.5}}],
    )

    @model_validator(mode="after")
    def _mixes(self) -> UncertaintySpec:
        from burdenshare.scenario.findings import Finding, one_of, raise_findings, suggest
        from burdenshare.scenario.names import known_names

        strategies = known_names("strategy")

        found: list[Finding] = []
        for pid, mix in self.strategies.items():
            for name, w in mix.items():
                if name not in strategies:
                    found.append(
                        Finding(
                            ("strategies", pid, name),
                            f"unknown strategy '{name}'" + suggest(name, list(strategies)),
                            expected=one_of(list(strategies)),
                            found=name,
                        )
                    )
                if w < 0:
                    found.append(
                        Finding(
                            ("strategies", pid, name), "negative weight", "weights >= 0", f"{w:g}"
                        )
                    )
            total = sum(mix.values())
            if mix and abs(total - 1.0) > 1e-9:
                found.append(
                    Finding(
                        ("strategies", pid),
                        f"strategy weights sum to {total:g}",
                        expected="weights summing to 1",
                        found=f"{total:g}",
                    )
                )
            if not mix:
                found.append(
                    Finding(
                        ("strategies", pid), "empty strategy mix", expected="at least one strategy"
                    )
                )
        raise_findings("UncertaintySpec", found)
        return self

    def distributions(self) -> dict[str, Distribution]:
        """The ``params`` table (typed)."""
        return dict(self.params)


def uncertainty_findings(spec: UncertaintySpec, scenario: Scenario) -> Iterator[Finding]:
    """Problems with ``spec`` given ``scenario``; locations are relative to the scenario."""
    from burdenshare.scenario.findings import Finding, one_of, suggest
    from burdenshare.scenario.render import toml_value

    for path in spec.params:
        loc = ("uncertainty", "params", path)
        try:
            _, value = resolve(scenario, path)
        except PathError as exc:
            yield Finding(
                loc,
                f"unknown field path: {exc.message}",
                expected="a dotted path to a numeric scenario field",
                found=path,
            )
            continue
        if value is None:
            yield Finding(
                loc,
                "the field is not set in the scenario, so there is no value to draw; give it a "
                "value first (its kind and bounds come from the scenario)",
                expected="a numeric field with a value",
                found="(not set)",
            )
            continue
        if not is_numeric(value):
            kind = "a table" if isinstance(value, dict | BaseModel) else "not a number"
            yield Finding(
                loc,
                f"a distribution on a non-numeric field ({kind})",
                expected="a numeric field",
                found=toml_value(value) if kind == "not a number" else kind,
            )
    yield from _support_findings(spec, scenario)
    parties = list(scenario.parties)
    for pid in spec.strategies:
        if pid not in scenario.parties:
            yield Finding(
                ("uncertainty", "strategies", pid),
                f"unknown party '{pid}'" + suggest(pid, parties),
                expected=one_of(parties),
                found=pid,
            )


def check_against(spec: UncertaintySpec, scenario: Scenario) -> list[Problem]:
    """:func:`uncertainty_findings` as user-facing problems (dotted path, expected, found)."""
    return [
        Problem(
            f.message,
            path=".".join(str(k) for k in f.loc[:2]) + (f'."{f.loc[2]}"' if f.loc[2:] else "")
            if f.loc[:2] == ("uncertainty", "params")
            else ".".join(str(k) for k in f.loc),
            expected=f.expected,
            found=f.found,
        )
        for f in uncertainty_findings(spec, scenario)
    ]


def uncertainty_problems(raw: Any, scenario: Scenario) -> list[Problem]:
    """Every problem with a raw ``[uncertainty]`` table (schema, then against ``scenario``)."""
    from pydantic import ValidationError

    from burdenshare.scenario.translate import problems_from_validation_error

    try:
        spec = UncertaintySpec.model_validate(raw)
    except ValidationError as exc:
        return problems_from_validation_error(exc, raw, None, None, root=UncertaintySpec)
    return check_against(spec, scenario)


def _support_findings(spec: UncertaintySpec, scenario: Scenario) -> Iterator[Finding]:
    """Draws the scenario would refuse: a distribution whose support leaves the field's range
    (a reservation value above 1, an amount outside its issue, an unbounded normal on a
    bounded field), or a per-issue limit that can cross the party's ideal (the ideal decides
    which side of the limit is acceptable, so crossing it would flip the preference)."""
    import math
    import re

    from pydantic import ValidationError

    from burdenshare.scenario.findings import Finding
    from burdenshare.scenario.paths import with_fields

    numeric = {}
    for path, dist in spec.params.items():
        try:
            _, value = resolve(scenario, path)
        except PathError:
            continue
        if is_numeric(value):
            numeric[path] = dist.support()
    # validated without [uncertainty]: these checks run while validating it
    plain = scenario.model_copy(update={"uncertainty": None})

    def refused(row: dict[str, float]) -> str | None:
        try:
            with_fields(plain, row)
        except ValidationError as exc:
            return str(exc.errors(include_url=False)[0]["msg"]).removeprefix("Value error, ")
        except (ValueError, OverflowError) as exc:
            return str(exc)
        return None

    def finite(x: float) -> float:
        return x if math.isfinite(x) else math.copysign(1e300, x)

    if refused({}) is not None:
        return  # the scenario itself is invalid: its own checks say why, once
    for end in (0, 1):
        row = {path: finite(support[end]) for path, support in numeric.items()}
        if not row or refused(row) is None:
            continue
        for path, support in numeric.items():
            value = support[end]
            message = refused({path: finite(value)})
            if message is not None:
                yield Finding(
                    ("uncertainty", "params", path),
                    f"draws can reach {value:g}, which the scenario refuses: {message}",
                    expected="a distribution within the field's range (truncate it with low/high)",
                    found=f"support {support[0]:g} .. {support[1]:g}",
                )
    limit = re.compile(r"^(?:preferences\.([^.]+)\.reservation|parties\.([^.]+)\.ratifier\.limits)"
                       r"\.([^.]+)$")  # fmt: skip
    for path, (low, high) in numeric.items():
        m = limit.match(path)
        if m is None:
            continue
        party, issue = m.group(1) or m.group(2), m.group(3)
        pref = scenario.preferences.get(party)
        ideal = pref.ideal.get(issue) if pref is not None else None
        if is_numeric(ideal) and low <= float(ideal) <= high:
            yield Finding(
                ("uncertainty", "params", path),
                f"draws can cross {party}'s ideal {issue} ({float(ideal):g}), which decides the "
                "acceptable side of the limit",
                expected=f"a support entirely above or below {float(ideal):g}",
                found=f"support {low:g} .. {high:g}",
            )
