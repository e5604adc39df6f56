"""burdenshare: simulate, analyse and forecast alliance cost-sharing negotiations.

The top-level names are imported on first use, so ``import burdenshare`` stays light:

- ``burdenshare.load_scenario(path_or_name)`` → :class:`burdenshare.scenario.Scenario`
- ``burdenshare.analyze(scenario, seed=0)`` → :class:`burdenshare.app.AnalysisResults`
- ``burdenshare.Agreement`` (with ``burdenshare.agreement.schedule(Agreement(...))``),
  ``burdenshare.ledger``
- ``burdenshare.data`` (the bundled, sourced datasets)
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("burdenshare")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"

_LAZY = {
    "load_scenario": ("burdenshare.scenario", "load_scenario"),
    "analyze": ("burdenshare.app", "analyze"),
    "Agreement": ("burdenshare.agreement", "Agreement"),
    "ledger": ("burdenshare.agreement", "ledger"),
    "compare": ("burdenshare.agreement", "compare"),
    "build_report": ("burdenshare.report", "build_report"),
}
_SUBMODULES = {"data", "scenario", "agreement", "app", "report", "store"}

__all__ = ["__version__", *_LAZY, *sorted(_SUBMODULES)]


def __getattr__(name: str) -> object:
    if name in _LAZY:
        module, attr = _LAZY[name]
        return getattr(import_module(module), attr)
    if name in _SUBMODULES:
        return import_module(f"burdenshare.{name}")
    raise AttributeError(f"module 'burdenshare' has no attribute {name!r}")
