"""Fixtures the sweep tests share."""

from __future__ import annotations

import pytest

from burdenshare.scenario import Scenario, load_scenario


@pytest.fixture(scope="module")
def sma() -> Scenario:
    """The bundled sma-2019 scenario (one per test module)."""
    return load_scenario("sma-2019")
