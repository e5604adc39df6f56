"""The literal oracle for the expected utility model, and the fast model checked against it.

:func:`literal_run` transcribes the equations of ``burdenshare.forecast.bdm`` (Scholz, Calbert &
Smith 2011, with the same switches) one actor and one pair at a time in plain Python: no arrays,
no prefix sums, no sorting tricks. It is slow on purpose (O(N³) Python operations per round) and
is what ``benchmarks/bench_forecast.py`` times beside the vectorised model.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burdenshare.forecast.actors import ActorTable, read_bdm_csv
from burdenshare.forecast.bdm import ExpectedUtilityModel

DATA = Path(__file__).parents[1] / "data" / "bdm"
DATASETS = ["emission_standards_bdm1994_s01", "greece_eu_2015_thirdwave", "sultan_bdm1997_jmckib"]


@dataclass(frozen=True)
class Switches:
    probability: str = "all-pairs"  # or "pairwise"
    opponent_risk: str = "receiver"  # or "own"
    offer_rule: str = "code"  # or "least-move"
    capitulation: bool = False
    q: float = 1.0
    t_term: str = "omit"  # or "indicator", "fixed"
    t: float = 1.0
    position_range: str = "fixed"  # or "current"

    @classmethod
    def of(cls, model: ExpectedUtilityModel) -> Switches:
        return cls(
            probability=str(model.probability),
            opponent_risk=str(model.opponent_risk),
            offer_rule=str(model.offer_rule),
            capitulation=model.capitulation,
            q=model.q,
            t_term=str(model.t_term),
            t=model.t,
            position_range=str(model.position_range),
        )


def literal_median(x: list[float], w: list[float]) -> float:
    """Brute-force Condorcet winner: the smallest position that no other position beats."""
    for p in sorted(set(x)):
        if all(
            sum(w[k] * (abs(x[k] - q) - abs(x[k] - p)) for k in range(len(x))) >= 0 for q in set(x)
        ):
            return p
    raise AssertionError("no Condorcet winner")


def literal_round(
    x: list[float], c: list[float], s: list[float], span: float, sw: Switches
) -> tuple[list[float], list[float], list[tuple[int, str, int, float]]]:
    """One round: (new positions, risk exponents, [(receiver, kind, proposer, new position)])."""
    n = len(x)
    w = [c[k] * s[k] for k in range(n)]
    if span == 0:
        return list(x), [1.0] * n, []
    mu = literal_median(x, w)

    def dist(k: int, y: float, rho: float) -> float:
        return (abs(x[k] - y) / span) ** rho

    def vote(k: int, a: float, b: float, rho: list[float]) -> float:
        # voter k's vote for a against b
        return w[k] * (dist(k, b, rho[k]) - dist(k, a, rho[k]))

    def denominator_all_pairs(rho: list[float]) -> float:
        return sum(
            abs(vote(k, x[a], x[b], rho)) for k in range(n) for a in range(n) for b in range(n)
        )

    def prob(a: int, b: int, rho: list[float], den_all: float) -> float:
        if x[a] == x[b]:
            return 0.0
        top = sum(max(0.0, vote(k, x[a], x[b], rho)) for k in range(n))
        if sw.probability == "all-pairs":
            return top / den_all
        den = sum(abs(vote(k, x[a], x[b], rho)) for k in range(n))
        return top / den if den > 0 else 0.5

    def eu(a: int, b: int, rho_self: float, rho: list[float], den_all: float) -> float:
        """Expected utility of a challenging b, seen with exponent rho_self."""
        d = abs(x[a] - x[b]) / span
        u_s = 2 - 4 * (0.5 - 0.5 * d) ** rho_self
        u_f = 2 - 4 * (0.5 + 0.5 * d) ** rho_self
        u_sq = 2 - 4 * 0.5**rho_self
        p = prob(a, b, rho, den_all)
        value = s[b] * (p * u_s + (1 - p) * u_f) + (1 - s[b]) * u_s - sw.q * u_sq
        if sw.t_term != "omit":
            gap = 0.25 * (abs(x[a] - mu) + abs(x[a] - x[b])) / span
            u_b = 2 - 4 * max(0.5 - gap, 0.0) ** rho_self
            u_w = 2 - 4 * (0.5 + gap) ** rho_self
            if sw.t_term == "indicator":
                t = 1.0 if abs(x[a] - mu) >= abs(x[a] - x[b]) else 0.0
            else:
                t = sw.t
            value -= (1 - sw.q) * (t * u_b + (1 - t) * u_w)
        return value

    # risk exponents from a first pass with r = 1
    ones = [1.0] * n
    den1 = denominator_all_pairs(ones) if sw.probability == "all-pairs" else 0.0
    danger = [sum(eu(j, i, 1.0, ones, den1) for j in range(n) if j != i) for i in range(n)]
    hi, lo = max(danger), min(danger)
    r = []
    for i in range(n):
        big_r = (2 * danger[i] - hi - lo) / (hi - lo) if hi > lo else 0.0
        r.append((1 - big_r / 3) / (1 + big_r / 3))

    den = denominator_all_pairs(r) if sw.probability == "all-pairs" else 0.0
    new = list(x)
    moves = []
    for i in range(n):
        offers = []  # (kind, j, position, e_ij, e_ji)
        for j in range(n):
            if j == i or x[j] == x[i]:
                continue
            e_ij = eu(i, j, r[i], r, den)
            e_ji = eu(j, i, r[i] if sw.opponent_risk == "receiver" else r[j], r, den)
            if e_ji > e_ij > 0:
                offers.append(("confrontation", j, x[j], e_ij, e_ji))
            elif e_ji > 0 > e_ij and e_ji > abs(e_ij):
                offers.append(
                    ("compromise", j, x[i] + (x[j] - x[i]) * abs(e_ij / e_ji), e_ij, e_ji)
                )
            elif sw.capitulation and e_ji > 0 > e_ij and e_ji < abs(e_ij):
                offers.append(("capitulation", j, x[j], e_ij, e_ji))
        if not offers:
            continue
        if sw.offer_rule == "code":
            best = None
            for kind in ("confrontation", "compromise", "capitulation"):
                mine = [o for o in offers if o[0] == kind]
                if not mine:
                    continue
                if kind == "compromise":
                    best = min(
                        mine,
                        key=lambda o: (
                            (abs(o[3]) * x[i] + abs(o[4]) * x[o[1]]) / (abs(o[3]) + abs(o[4]))
                        ),
                    )
                else:
                    best = min(mine, key=lambda o: abs(x[i] - o[2]))
                break
        else:
            order = {"confrontation": 0, "compromise": 1, "capitulation": 2}
            best = min(offers, key=lambda o: (abs(o[2] - x[i]), order[o[0]], o[1]))
        assert best is not None
        new[i] = best[2]
        moves.append((i, best[0], best[1], best[2]))
    return new, r, moves


def literal_run(table: ActorTable, sw: Switches, rounds: int) -> list[dict[str, object]]:
    """Rounds 0..rounds of dimension 0: positions, median, mean, r and moves."""
    x = [float(v) for v in table.position[:, 0]]
    c = [float(v) for v in table.capability]
    s = [float(v) for v in table.salience[:, 0]]
    w = [c[k] * s[k] for k in range(len(x))]
    span0 = max(x) - min(x)
    out: list[dict[str, object]] = []
    for t in range(rounds + 1):
        row: dict[str, object] = {
            "positions": list(x),
            "median": literal_median(x, w),
            "mean": sum(w[k] * x[k] for k in range(len(x))) / sum(w),
        }
        out.append(row)
        if t == rounds:
            break
        span = span0 if sw.position_range == "fixed" else max(x) - min(x)
        x, r, moves = literal_round(x, c, s, span, sw)
        out[-1]["next_r"] = r
        out[-1]["next_moves"] = moves
    return out


# ---------------------------------------------------------------------------------------------
# the oracle against the published replication's numbers


@pytest.mark.parametrize("name", DATASETS)
def test_oracle_reproduces_the_replication(name: str) -> None:
    """The literal transcription alone (scholz-code switches) gives the expected JSON."""
    table = read_bdm_csv(DATA / f"{name}.csv")
    expected = json.loads((DATA / f"{name}.expected.json").read_text())["rows"]
    rows = literal_run(table, Switches(), 10)
    for exp, got in zip(expected, rows, strict=True):
        assert got["median"] == pytest.approx(exp["median"], abs=1e-9)
        assert got["mean"] == pytest.approx(exp["mean"], abs=1e-9)
        assert got["positions"] == pytest.approx(list(exp["positions"].values()), abs=1e-9)


# ---------------------------------------------------------------------------------------------
# the fast model against the oracle


def _compare(model: ExpectedUtilityModel, table: ActorTable, rounds: int) -> None:
    sw = Switches.of(model)
    oracle = literal_run(table, sw, rounds)
    fast = model.with_options(detect_cycles=False, median_tol=None).run(table, max_rounds=rounds)
    for t, row in enumerate(oracle):
        np.testing.assert_allclose(fast.positions[t, :, 0], row["positions"], rtol=0, atol=1e-9)
        assert fast.median[t, 0] == pytest.approx(row["median"], abs=1e-9)
        assert fast.mean[t, 0] == pytest.approx(row["mean"], abs=1e-9)
        if t < rounds:
            np.testing.assert_allclose(fast.risk[t + 1, :, 0], row["next_r"], atol=1e-9)
            got = [(m.actor, m.kind, m.by) for m in fast.moves if m.round == t + 1]
            want = [(table.names[i], k, table.names[j]) for i, k, j, _ in row["next_moves"]]
            assert got == want


@pytest.mark.parametrize("preset", ["scholz-code", "scholz-paper"])
@pytest.mark.parametrize("name", DATASETS)
def test_fast_model_equals_oracle_on_reference_data(preset: str, name: str) -> None:
    table = read_bdm_csv(DATA / f"{name}.csv")
    _compare(ExpectedUtilityModel.preset(preset), table, 6)


def generic_table(seed: int, n: int) -> ActorTable:
    """A table without structure (no ties), positions on 0–10 rounded to 1e-3 so that some
    actors share a position."""
    rng = np.random.default_rng(seed)
    return ActorTable.from_arrays(
        [f"a{i}" for i in range(n)],
        rng.uniform(0.05, 2.0, n),
        np.round(rng.uniform(0.0, 10.0, n), 3 if n < 6 else 0),
        rng.uniform(0.05, 1.0, n),
    )


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 7),
    probability=st.sampled_from(["all-pairs", "pairwise"]),
    opponent_risk=st.sampled_from(["receiver", "own"]),
    offer_rule=st.sampled_from(["code", "least-move"]),
    capitulation=st.booleans(),
    q=st.sampled_from([1.0, 0.5, 0.0]),
    t_term=st.sampled_from(["omit", "indicator", "fixed"]),
    position_range=st.sampled_from(["fixed", "current"]),
)
def test_fast_model_equals_oracle_on_random_tables(
    seed: int,
    n: int,
    probability: str,
    opponent_risk: str,
    offer_rule: str,
    capitulation: bool,
    q: float,
    t_term: str,
    position_range: str,
) -> None:
    model = ExpectedUtilityModel(
        probability=probability,  # type: ignore[arg-type]
        opponent_risk=opponent_risk,  # type: ignore[arg-type]
        offer_rule=offer_rule,  # type: ignore[arg-type]
        capitulation=capitulation,
        q=q,
        t_term=t_term,  # type: ignore[arg-type]
        t=0.3,
        position_range=position_range,  # type: ignore[arg-type]
    )
    _compare(model, generic_table(seed, n), 4)


def test_oracle_median_is_the_weighted_median() -> None:
    # 4 and 10 have 3 of 7 each; 7 carries the balance
    assert literal_median([4.0, 7.0, 10.0, 4.0], [2.0, 1.0, 3.0, 1.0]) == 7.0
    assert math.isclose(literal_median([0.0, 1.0], [1.0, 1.0]), 0.0)
