"""Forecasting models by name: ``MODELS.get("bdm")(**options).run(table)``.

An entry is a factory (usually the model class) taking keyword options; its instances have
``run(table: ActorTable, *, max_rounds: int | None = None, seed=None)`` returning a result with
``frame()`` (tidy: round, actor, dimension, value) and ``to_rounds()`` (the CLI's JSON dict).
Models register themselves when their module is imported; :func:`load_models` imports them all.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from burdenshare.registry import Registry

__all__ = ["MODELS", "load_models"]

MODELS: Registry[Callable[..., Any]] = Registry("forecasting model")

_MODULES = (
    "burdenshare.forecast.baselines",
    "burdenshare.forecast.bdm",
    "burdenshare.forecast.smp",
    "burdenshare.forecast.compromise",
    "burdenshare.forecast.procedural",
    "burdenshare.forecast.nash",
)


def load_models() -> Registry[Callable[..., Any]]:
    """The registry with every model module imported (registration happens on import)."""
    for name in _MODULES:
        importlib.import_module(name)
    return MODELS
