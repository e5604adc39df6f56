"""Run every registered forecasting model, and the baselines, on every DEU issue (no I/O).

The models are the forecast registry's entries (:func:`burdenshare.forecast.registry.load_models`)
with their default options, plus the named variants in :data:`VARIANTS`. A model whose factory
has ``issue_fields`` (e.g. the procedural model) is given those of the issue's facts (voting
rule, procedure, reference point), never its outcome. Each model's seed is spawned from the
master seed; every model here is deterministic, so the seed changes nothing but is recorded.
A model that refuses an issue is a bug, not a gap: the error is raised.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from burdenshare.backtest.deu import DeuData, DeuIssue
from burdenshare.backtest.split import Split, split_proposals
from burdenshare.forecast.registry import load_models

__all__ = ["BASELINE", "VARIANTS", "ModelSpec", "RunTable", "model_specs", "run_models"]

#: the model every other is compared with
BASELINE = "mean"
#: registered models also run with other options, as (name, registry entry, options)
VARIANTS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("bdm-paper", "bdm", {"preset": "scholz-paper"}),
)


@dataclass(frozen=True)
class ModelSpec:
    """A model to run: display name, registry entry, options."""

    name: str
    entry: str
    options: dict[str, Any] = field(default_factory=dict)


def model_specs(names: Sequence[str] | None = None) -> list[ModelSpec]:
    """Every registered model (default options) and every variant, or those named."""
    registry = load_models()
    specs = [ModelSpec(n, n) for n in registry]
    specs += [ModelSpec(n, e, dict(o)) for n, e, o in VARIANTS if e in registry]
    if names is not None:
        wanted = set(names)
        specs = [s for s in specs if s.name in wanted]
    return specs


@dataclass(frozen=True, eq=False)
class RunTable:
    """One row per (issue, model): ``issue, proposal, name, voting_rule, procedure, split,
    outcome, model, forecast, error, seconds, notes`` (``error = |forecast − outcome|``)."""

    rows: pd.DataFrame
    models: tuple[str, ...]
    split: Split
    seed: int


def _factory(registry: Any, spec: ModelSpec) -> Callable[..., Any]:
    return registry.get(spec.entry)


def run_models(
    data: DeuData,
    specs: Sequence[ModelSpec] | None = None,
    *,
    seed: int = 0,
    split: Split | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> RunTable:
    """Each model on each issue of ``data``; seconds are per issue (the clock is injectable)."""
    registry = load_models()
    specs = list(specs) if specs is not None else model_specs()
    split = split or split_proposals([i.proposal for i in data.issues])
    children = np.random.SeedSequence(seed).spawn(len(specs))
    records: list[dict[str, Any]] = []
    for spec, child in zip(specs, children, strict=True):
        factory = _factory(registry, spec)
        fields = tuple(getattr(factory, "issue_fields", ()))
        model_seed = int(child.generate_state(1)[0])
        shared = factory(**spec.options) if not fields else None
        for issue in data.issues:
            model = (
                shared if shared is not None else factory(**spec.options, **_facts(issue, fields))
            )
            start = clock()
            result = model.run(issue.table, seed=model_seed)
            seconds = clock() - start
            fc = float(np.asarray(result.forecast).reshape(-1)[0])
            records.append(
                {
                    "issue": issue.issue,
                    "proposal": issue.proposal,
                    "name": issue.name,
                    "voting_rule": issue.voting_rule,
                    "procedure": issue.procedure,
                    "split": split.of(issue.proposal),
                    "outcome": issue.outcome,
                    "model": spec.name,
                    "forecast": fc,
                    "error": abs(fc - issue.outcome),
                    "seconds": seconds,
                    "notes": "; ".join(_own_notes(result.notes, issue)),
                }
            )
    return RunTable(
        rows=pd.DataFrame.from_records(records),
        models=tuple(s.name for s in specs),
        split=split,
        seed=seed,
    )


def _facts(issue: DeuIssue, fields: Sequence[str]) -> dict[str, Any]:
    return {k: v for k, v in issue.context.items() if k in fields}


def _own_notes(notes: Sequence[str], issue: DeuIssue) -> list[str]:
    """A result's notes without those every table carries (the salience scale)."""
    common = set(issue.table.notes)
    return [n for n in notes if n not in common]
