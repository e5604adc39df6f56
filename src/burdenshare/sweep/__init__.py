"""Uncertainty sweeps: distributions on scenario fields, counter-based draws, applied scenarios.

Only the light modules are imported here (the scenario schema imports :mod:`.spec`); use
``burdenshare.sweep.draws.draw_parameters`` and ``burdenshare.sweep.apply.apply_draw`` directly.
"""

from burdenshare.sweep.distributions import DISTRIBUTIONS, Distribution
from burdenshare.sweep.spec import UncertaintySpec, check_against

__all__ = ["DISTRIBUTIONS", "Distribution", "UncertaintySpec", "check_against"]
