"""Live cross-check against NegMAS 0.16.0 itself (a test dependency; the package never imports it).

Random GENIUS-style linear-additive domains (1–5 discrete issues, at most 2,000 outcomes; each
issue's evaluations divided by its maximum, weights summing to one; no two outcomes tie for either
side) are built directly with NegMAS's Python API. For all 16 ordered pairs of its four time-based
negotiators, NegMAS's ``SAOMechanism`` and ``negotiate(..., compat="negmas")`` must agree on the
agreement, the step and every offer. The utilities we feed our engine are NegMAS's own
evaluations of each outcome, enumerated in NegMAS's order (last issue fastest).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import negmas
import numpy as np
import pytest
from negmas import SAOMechanism, make_issue
from negmas.preferences import LinearAdditiveUtilityFunction
from negmas.preferences.value_fun import TableFun
from negmas.sao import (
    AspirationNegotiator,
    BoulwareTBNegotiator,
    ConcederTBNegotiator,
    LinearTBNegotiator,
)

from burdenshare.bargaining.batch import negotiate_batch
from burdenshare.bargaining.engine import negotiate

N_DOMAINS = 50
MAX_OUTCOMES = 2000

PEERS = {
    "boulware": lambda: BoulwareTBNegotiator(),
    "linear": lambda: LinearTBNegotiator(),
    "conceder": lambda: ConcederTBNegotiator(),
    "aspiration": lambda: AspirationNegotiator(stochastic=False),
}
PAIRS = list(itertools.product(PEERS, repeat=2))


@dataclass
class Domain:
    issues: list
    ufuns: tuple
    utilities: tuple[np.ndarray, np.ndarray]
    reserved: tuple[float, float]
    outcomes: list[tuple[int, ...]]
    n_steps: int


def _sizes(rng: np.random.Generator) -> list[int]:
    while True:
        k = int(rng.integers(1, 6))
        top = {1: MAX_OUTCOMES, 2: 45, 3: 13, 4: 7, 5: 5}[k]
        sizes = [int(rng.integers(2, top + 1)) for _ in range(k)]
        if np.prod(sizes) <= MAX_OUTCOMES:
            return sizes


def _ufun(rng, issues, sizes, reserved):
    weights = rng.dirichlet(np.ones(len(sizes)))
    values = []
    for size in sizes:
        raw = rng.uniform(0.05, 1.0, size)
        values.append(TableFun({v: float(x) for v, x in enumerate(raw / raw.max())}))
    return LinearAdditiveUtilityFunction(
        values, weights=weights.tolist(), issues=issues, reserved_value=reserved
    )


def make_domain(seed: int) -> Domain:
    rng = np.random.default_rng([2024, seed])
    while True:
        sizes = _sizes(rng)
        issues = [make_issue(size, f"issue{i}") for i, size in enumerate(sizes)]
        outcomes = list(itertools.product(*(range(s) for s in sizes)))
        # half the domains have outside options; the rest reserve 0 as the reference runs do
        reserved = (
            (0.0, 0.0) if seed % 2 == 0 else tuple(float(x) for x in rng.uniform(0.0, 0.6, 2))
        )
        ufuns = tuple(_ufun(rng, issues, sizes, r) for r in reserved)
        utilities = tuple(np.array([float(f(o)) for o in outcomes]) for f in ufuns)
        tie_free = all(np.unique(u).shape[0] == len(outcomes) for u in utilities)
        if len(outcomes) >= 2 and tie_free:
            n_steps = int(rng.choice([10, 25, 60, 100, 150]))
            return Domain(issues, ufuns, utilities, reserved, outcomes, n_steps)  # type: ignore[arg-type]


def run_negmas(domain: Domain, opener: str, responder: str) -> tuple[int, int, list]:
    mechanism = SAOMechanism(issues=domain.issues, n_steps=domain.n_steps)
    sides = {}
    for name, ufun in zip((opener, responder), domain.ufuns, strict=True):
        agent = PEERS[name]()
        mechanism.add(agent, ufun=ufun)
        sides[agent.id] = len(sides)
    state = mechanism.run()
    index = {o: i for i, o in enumerate(domain.outcomes)}
    agreement = -1 if state.agreement is None else index[tuple(state.agreement)]
    offers = [(s, sides[who], index[tuple(o)]) for s, who, o in mechanism.extended_trace]
    return agreement, state.step, offers


DOMAINS = [make_domain(i) for i in range(N_DOMAINS)]


def test_negmas_version_and_domain_spread() -> None:
    assert negmas.__version__ == "0.16.0"
    assert len(DOMAINS) >= 50
    sizes = [len(d.outcomes) for d in DOMAINS]
    n_issues = {len(d.issues) for d in DOMAINS}
    assert max(sizes) <= MAX_OUTCOMES and max(sizes) > 500
    assert n_issues == {1, 2, 3, 4, 5}
    assert any(r > 0 for d in DOMAINS for r in d.reserved)


@pytest.mark.parametrize("i", range(N_DOMAINS))
def test_all_time_based_pairs_match_negmas(i: int) -> None:
    domain = DOMAINS[i]
    mismatches = []
    batch = negotiate_batch(
        domain.utilities[0],
        domain.utilities[1],
        [o for o, _ in PAIRS],
        [r for _, r in PAIRS],
        domain.n_steps,
        reserved=domain.reserved,
        compat="negmas",
    )
    for k, (opener, responder) in enumerate(PAIRS):
        agreement, step, offers = run_negmas(domain, opener, responder)
        ours = negotiate(
            domain.utilities[0],
            domain.utilities[1],
            opener,
            responder,
            domain.n_steps,
            reserved=domain.reserved,
            compat="negmas",
        )
        got = (-1 if ours.agreement is None else ours.agreement, ours.step, ours.offers)
        if got != (agreement, step, offers):
            mismatches.append((opener, responder, got[:2], (agreement, step)))
        # the batch engine gives the same agreement and step
        assert (int(batch.agreement[k]), int(batch.step[k])) == got[:2]
        assert int(batch.n_offers[k]) == len(offers)
    assert mismatches == []


def _single_issue(u: np.ndarray) -> tuple[list, LinearAdditiveUtilityFunction]:
    issues = [make_issue(len(u), "x")]
    table = TableFun({i: float(x) for i, x in enumerate(u)})
    return issues, LinearAdditiveUtilityFunction([table], weights=[1.0], issues=issues)


@pytest.mark.parametrize(
    ("below", "above", "nearer"), [(0.8e-6, 0.3e-6, "above"), (0.3e-6, 0.8e-6, "below")]
)
def test_nearest_outcome_rule_matches_negmas(below: float, above: float, nearer: str) -> None:
    """Two outcomes straddle the Linear opener's round-40 threshold lo, both within NegMAS's
    1e-6: NegMAS offers the nearer one (not simply the lowest ≥ lo − 1e-6)."""
    n_steps, s = 100, 40
    lo = (1.0 - 0.0) * (1.0 - (s + 1) / (n_steps + 1)) + 0.0 - 1e-4
    grid = np.linspace(0.0, 1.0, 50)
    u0 = np.sort(np.concatenate([grid[np.abs(grid - lo) > 0.01], [lo - below, lo + above]]))
    u1 = 1.0 - 0.999 * u0**1.3
    issues, f0 = _single_issue(u0)
    _, f1 = _single_issue(u1)
    f1 = LinearAdditiveUtilityFunction(f1.values, weights=[1.0], issues=issues)
    mechanism = SAOMechanism(issues=issues, n_steps=n_steps)
    opener, responder = LinearTBNegotiator(), BoulwareTBNegotiator()
    mechanism.add(opener, ufun=f0)
    mechanism.add(responder, ufun=f1)
    state = mechanism.run()
    theirs = [(r, 0 if who == opener.id else 1, o[0]) for r, who, o in mechanism.extended_trace]
    ours = negotiate(u0, u1, "linear", "boulware", n_steps, compat="negmas")
    assert ours.offers == theirs
    assert (ours.agreement, ours.step) == (state.agreement[0], state.step)
    expected = int(np.flatnonzero(u0 == lo + above)[0]) - (1 if nearer == "below" else 0)
    assert (s, 0, expected) in ours.offers
