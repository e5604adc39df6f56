"""NegMAS 0.16.0 and burdenshare side by side: negotiations per second, and the batch engine's
memory for one million negotiations.

Run: ``.venv/bin/python benchmarks/bench_bargaining.py`` (needs ``pip install negmas==0.16.0``
for the NegMAS column; without it only burdenshare is timed). The table goes into
``docs/performance.md``.

Both reference domains (single_100, multi_3x10), Boulware vs Boulware and Conceder vs Conceder,
100 rounds, one process. burdenshare runs in ``compat="negmas"`` mode, and the script checks that
all three engines reach NegMAS's agreement and step before timing. NegMAS is timed per
negotiation the way one uses it: a fresh ``SAOMechanism`` and two fresh negotiators on
utility functions built once. The batch engine is timed twice: identical rows (the benchmark as
specified; rows with equal inputs share their precomputed schedules) and heterogeneous rows (a
different reserved value and exponent in every row, so nothing is shared).
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np

from burdenshare.bargaining.batch import StrategyBatch, negotiate_batch
from burdenshare.bargaining.engine import negotiate

N_STEPS = 100
PAIRS = {"boulware": "BoulwareTBNegotiator", "conceder": "ConcederTBNegotiator"}
EXPONENT = {"boulware": 4.0, "conceder": 0.25}


def single_100() -> tuple[np.ndarray, np.ndarray, list[tuple[int, ...]]]:
    x = np.arange(100, dtype=np.float64) * (1 / 99)
    return x, 1.0 - x, [(i,) for i in range(100)]


def multi_3x10() -> tuple[np.ndarray, np.ndarray, list[tuple[int, ...]]]:
    outcomes = list(itertools.product(range(10), repeat=3))
    values = np.array(outcomes, dtype=np.float64) * (1 / 9)
    u0, u1 = np.zeros(1000), np.zeros(1000)
    for k, (w0, w1) in enumerate(zip((0.515, 0.325, 0.160), (0.160, 0.325, 0.515), strict=True)):
        u0 = u0 + w0 * values[:, k]
        u1 = u1 + w1 * (1.0 - values[:, k])
    return u0, u1, outcomes


DOMAINS = {"single_100": single_100, "multi_3x10": multi_3x10}


def rate(fn: Callable[[], object], per_call: int = 1, min_seconds: float = 1.0) -> float:
    """Negotiations per second from as many calls as fit in ``min_seconds`` (after a warm-up)."""
    fn()
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < min_seconds or n < 2:
        fn()
        n += 1
    return n * per_call / elapsed


def negmas_runner(domain: str, strategy: str) -> tuple[Callable[[], tuple[int, int]], str]:
    import negmas
    from negmas import SAOMechanism, make_issue
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.value_fun import TableFun

    _u0, _u1, outcomes = DOMAINS[domain]()
    sizes = [max(o[k] for o in outcomes) + 1 for k in range(len(outcomes[0]))]
    issues = [make_issue(s, f"x{k}") for k, s in enumerate(sizes)]
    # The reference domains as NegMAS tables: value functions v(x) = x/(n−1) and 1 − x/(n−1)
    if len(sizes) == 1:
        weights0 = weights1 = [1.0]
    else:
        weights0, weights1 = [0.515, 0.325, 0.160], [0.160, 0.325, 0.515]
    tables0 = [TableFun({x: x * (1 / (s - 1)) for x in range(s)}) for s in sizes]
    tables1 = [TableFun({x: 1.0 - x * (1 / (s - 1)) for x in range(s)}) for s in sizes]
    f0 = LinearAdditiveUtilityFunction(tables0, weights=weights0, issues=issues)
    f1 = LinearAdditiveUtilityFunction(tables1, weights=weights1, issues=issues)
    index = {o: i for i, o in enumerate(outcomes)}
    cls = getattr(negmas.sao, PAIRS[strategy])

    def run() -> tuple[int, int]:
        mechanism = SAOMechanism(issues=issues, n_steps=N_STEPS)
        mechanism.add(cls(), ufun=f0)
        mechanism.add(cls(), ufun=f1)
        state = mechanism.run()
        return index[tuple(state.agreement)], state.step

    return run, negmas.__version__


def time_pair(domain: str, strategy: str, have_negmas: bool, repeats: int = 3) -> dict:
    """Rates for one domain and pair. The engines are timed in alternation, ``repeats`` times,
    and each ratio is the median of the per-repeat ratios, so a busy machine slows both sides of
    a ratio alike."""
    u0, u1, _ = DOMAINS[domain]()
    single = negotiate(u0, u1, strategy, strategy, N_STEPS, compat="negmas")
    rows = 100_000
    batch = negotiate_batch(u0, u1, strategy, strategy, N_STEPS, compat="negmas", size=rows)
    assert (batch.agreement == single.agreement).all() and (batch.step == single.step).all()
    rng = np.random.default_rng(0)
    mixed = StrategyBatch.time_dependent(EXPONENT[strategy] * rng.uniform(0.8, 1.25, rows))
    reserved = (rng.uniform(0.0, 0.3, rows), rng.uniform(0.0, 0.3, rows))
    engines: dict[str, Callable[[], object]] = {}
    per_call = {"negmas": 1, "single": 1, "batch": rows, "mixed": rows}
    if have_negmas:
        run, _ = negmas_runner(domain, strategy)
        assert run() == (single.agreement, single.step), "NegMAS and burdenshare disagree"
        engines["negmas"] = run
    engines["single"] = lambda: negotiate(u0, u1, strategy, strategy, N_STEPS, compat="negmas")
    engines["batch"] = lambda: negotiate_batch(
        u0, u1, strategy, strategy, N_STEPS, compat="negmas", size=rows
    )
    engines["mixed"] = lambda: negotiate_batch(
        u0, u1, mixed, mixed, N_STEPS, reserved=reserved, compat="negmas"
    )
    seconds = {"negmas": 1.5, "single": 0.5, "batch": 0.1, "mixed": 0.1}
    rates: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(repeats):
        for name, fn in engines.items():
            rates[name].append(rate(fn, per_call[name], seconds[name]))
    row = {"domain": domain, "pair": f"{strategy} v {strategy}"}
    row.update({name: float(np.median(r)) for name, r in rates.items()})
    for name in ("single", "batch", "mixed"):
        if have_negmas:
            ratios = np.array(rates[name]) / np.array(rates["negmas"])
            row[f"{name}_ratio"] = float(np.median(ratios))
    return row


def memory_child(rows: int) -> None:
    """One million multi_3x10 negotiations in one call, every row different (one of the four
    time-based strategies per side and its own reserved values, so no two rows share a
    schedule); prints JSON (time, peak resident memory) to stdout."""
    u0, u1, _ = multi_3x10()
    rng = np.random.default_rng(1)
    names = np.array(["boulware", "linear", "conceder", "aspiration"])
    opener = list(names[rng.integers(4, size=rows)])
    responder = list(names[rng.integers(4, size=rows)])
    reserved = (rng.uniform(0.0, 0.3, rows), rng.uniform(0.0, 0.3, rows))
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    result = negotiate_batch(u0, u1, opener, responder, N_STEPS, reserved=reserved, compat="negmas")
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": seconds,
                "rss_before": base * 1024,
                "rss_peak": peak * 1024,
                "agreed": int((result.agreement >= 0).sum()),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--memory-rows", type=int, default=1_000_000)
    parser.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_rows)
        return
    try:
        import negmas

        have_negmas, version = True, negmas.__version__
    except ImportError:
        have_negmas, version = False, "not installed (pip install negmas==0.16.0)"
    print(f"NegMAS {version}; {N_STEPS} rounds; burdenshare in compat='negmas' mode")
    rows = [time_pair(d, s, have_negmas) for d in DOMAINS for s in PAIRS]
    head = (
        "| domain | pair | NegMAS /s | single /s | batch /s | batch, mixed rows /s "
        "| single ÷ NegMAS | batch ÷ NegMAS | mixed ÷ NegMAS |"
    )
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for r in rows:
        ratios = [
            f"{r[k]:,.0f}×" if k in r else "n/a"
            for k in ("single_ratio", "batch_ratio", "mixed_ratio")
        ]
        negmas_rate = f"{r['negmas']:.1f}" if "negmas" in r else "n/a"
        print(
            f"| {r['domain']} | {r['pair']} | {negmas_rate} | {r['single']:,.0f} "
            f"| {r['batch']:,.0f} | {r['mixed']:,.0f} | " + " | ".join(ratios) + " |"
        )
    out = subprocess.run(
        [sys.executable, __file__, "--memory-child", "--memory-rows", str(args.memory_rows)],
        capture_output=True,
        text=True,
        check=True,
    )
    mem = json.loads(out.stdout)
    gib = 1 << 30
    print(
        f"\nbatch engine, {mem['rows']:,} multi_3x10 negotiations in one call (every row its own "
        f"strategies and reserved values): {mem['seconds']:.1f} s "
        f"({mem['rows'] / mem['seconds']:,.0f}/s); process peak RSS {mem['rss_peak'] / gib:.3f} "
        f"GiB, of which {mem['rss_before'] / gib:.3f} GiB before the call; "
        f"{mem['agreed']:,} agreements"
    )


if __name__ == "__main__":
    main()
