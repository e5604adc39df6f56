"""Names a scenario may use that an engine defines: strategies and forecasting models.

The scenario layer imports no engine. Each kind of name lives in a registry that its engine
package owns; :data:`PROVIDERS` names that registry by its import path (``module:attribute``,
like a plug-in entry point) and :func:`known_names` loads it only when a check needs the names,
so ``import burdenshare.scenario`` stays free of numpy engines while ``validate`` still reports an
unknown strategy or model. A new engine with names of its own adds one line here.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module

__all__ = ["PROVIDERS", "known_names"]

#: kind of name → the registry holding them (``module:attribute``); a callable attribute is
#: called to get the registry (it imports the modules that register themselves)
PROVIDERS: dict[str, str] = {
    "strategy": "burdenshare.bargaining.strategies:STRATEGIES",
    "forecasting model": "burdenshare.forecast.registry:load_models",
}


@cache
def _registry(kind: str) -> object:
    module, attr = PROVIDERS[kind].split(":")
    found = getattr(import_module(module), attr)
    return found() if callable(found) else found


def known_names(kind: str) -> list[str]:
    """Every registered name of ``kind`` (``"strategy"`` or ``"forecasting model"``), in
    registration order."""
    return list(_registry(kind))  # type: ignore[call-overload]
