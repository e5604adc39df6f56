"""Uncertainty sweeps: counter-based draws, applied scenarios, one negotiation per draw.

The ``[uncertainty]`` section itself (distributions, paths) is part of the scenario schema:
:mod:`burdenshare.scenario.uncertainty` and :mod:`burdenshare.scenario.distributions`.
"""
