"""The shared registry: order kept, duplicates refused, unknown names are user errors."""

from __future__ import annotations

import pytest

from burdenshare.errors import BurdenshareError
from burdenshare.registry import Registry


def test_registry_round_trip() -> None:
    reg: Registry[type] = Registry("strategy")

    @reg.register("b")
    class B: ...

    reg.add("a", int)
    assert list(reg) == ["b", "a"] and len(reg) == 2 and "a" in reg
    assert reg.get("b") is B
    with pytest.raises(ValueError, match="registered twice"):
        reg.add("a", str)
    with pytest.raises(BurdenshareError) as info:
        reg.get("c")
    assert str(info.value) == "unknown strategy 'c' (expected one of b, a, found c)"
