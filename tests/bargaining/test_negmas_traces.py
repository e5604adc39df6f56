"""The 32 NegMAS 0.16.0 reference negotiations, reproduced exactly in ``compat="negmas"`` mode.

Data: ``tests/data/negmas/negmas_0.16.0_outcomes.json`` (see PROVENANCE.md there).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from burdenshare.bargaining.batch import negotiate_batch
from burdenshare.bargaining.engine import negotiate

DATA = Path(__file__).parents[1] / "data" / "negmas" / "negmas_0.16.0_outcomes.json"
REFERENCE: dict[str, dict] = json.loads(DATA.read_text())
NAMES = {
    "Boulware": "boulware",
    "Linear": "linear",
    "Conceder": "conceder",
    "Aspiration": "aspiration",
}


def single_100() -> tuple[np.ndarray, np.ndarray, list[tuple[int, ...]]]:
    x = np.arange(100, dtype=np.float64) * (1 / 99)
    return x, 1.0 - x, [(i,) for i in range(100)]


def multi_3x10() -> tuple[np.ndarray, np.ndarray, list[tuple[int, ...]]]:
    outcomes = list(itertools.product(range(10), repeat=3))  # last issue fastest
    values = np.array(outcomes, dtype=np.float64) * (1 / 9)
    seller, buyer = (0.515, 0.325, 0.160), (0.160, 0.325, 0.515)
    u0, u1 = np.zeros(1000), np.zeros(1000)
    for k in range(3):
        u0 = u0 + seller[k] * values[:, k]
        u1 = u1 + buyer[k] * (1.0 - values[:, k])
    return u0, u1, outcomes


DOMAINS = {"single_100": single_100(), "multi_3x10": multi_3x10()}


def test_reference_has_all_32_pairs() -> None:
    assert len(REFERENCE) == 32
    keys = {tuple(k.split("|")) for k in REFERENCE}
    assert keys == set(itertools.product(DOMAINS, NAMES, NAMES))


@pytest.mark.parametrize("key", sorted(REFERENCE))
def test_reference_negotiation(key: str) -> None:
    ref = REFERENCE[key]
    domain, opener, responder = key.split("|")
    u0, u1, outcomes = DOMAINS[domain]
    result = negotiate(u0, u1, NAMES[opener], NAMES[responder], 100, compat="negmas")
    assert result.agreement is not None
    assert list(outcomes[result.agreement]) == ref["agreement"]
    assert result.step == ref["step"]
    assert result.timedout is ref["timedout"] is False
    assert result.n_offers == ref["n_offers"]
    # utilities bit for bit
    assert result.utilities == (ref["u_seller"], ref["u_buyer"])
    offers = [[s, side, list(outcomes[o])] for s, side, o in result.offers]
    assert offers[:6] == ref["first_offers"]
    assert offers[-3:] == ref["last_offers"]
    # the agreement is the last offer, accepted by the other side in the step's round
    last = result.trace[-1]
    assert last.action == "accept" and last.round == result.step - 1
    assert last.side != result.trace[-2].side and last.outcome == result.trace[-2].outcome


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_batch_reproduces_reference(domain: str) -> None:
    u0, u1, outcomes = DOMAINS[domain]
    pairs = list(itertools.product(NAMES, repeat=2))
    result = negotiate_batch(
        u0, u1, [NAMES[a] for a, _ in pairs], [NAMES[b] for _, b in pairs], 100, compat="negmas"
    )
    for k, (a, b) in enumerate(pairs):
        ref = REFERENCE[f"{domain}|{a}|{b}"]
        assert list(outcomes[result.agreement[k]]) == ref["agreement"]
        assert result.step[k] == ref["step"]
        assert result.n_offers[k] == ref["n_offers"]
        assert (result.u_opener[k], result.u_responder[k]) == (ref["u_seller"], ref["u_buyer"])


def test_default_semantics_differ_from_negmas_on_reference() -> None:
    """The default mode is a different (documented) protocol: same domain, other numbers."""
    u0, u1, _ = DOMAINS["single_100"]
    default = negotiate(u0, u1, "boulware", "boulware", 100)
    compat = negotiate(u0, u1, "boulware", "boulware", 100, compat="negmas")
    assert (compat.agreement, compat.step) == (49, 86)
    # By hand: T_s = 1 − (s/99)^4 for both sides. In round 83 (T = 0.5060) the responder offers
    # x = 48, its lowest outcome with 1 − x/99 ≥ T; worth 48/99 = 0.4848 to the opener, which
    # reaches the opener's T_84 = 0.4817, so the opener accepts in round 84: step 85.
    assert (default.agreement, default.step, default.ended_by) == (48, 85, 0)
    assert default.offers[-1] == (83, 1, 48)
    # default: t = 0 in round 0, so both open with their best outcome
    assert default.offers[:2] == [(0, 0, 99), (0, 1, 0)]
