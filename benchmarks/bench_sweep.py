"""Sweeps of the SMA scenario: one million draws per executor, memory against draw count, Dask
scaling, and the same workload through NegMAS 0.16.0 extrapolated from a measured sample.

Run: ``.venv/bin/python benchmarks/bench_sweep.py`` (about 4½ minutes on 2 cores; ``--quick``
for a smoke test with small sizes). The NegMAS column needs ``pip install negmas==0.16.0``; the
Dask rows need ``pip install 'burdenshare[dask]'``. The table goes into ``docs/performance.md``.

The workload is ``sweep_scenario(load_scenario("sma-2019"), db, draws=N, ...)``: every draw sets
both sides' reservation values and outside-option utilities, both ratifier limits and both
concession exponents, and plays one negotiation of 100 rounds over 5,140 outcomes with both
ratifiers (a void outcome is struck and the talks go on). Every sweep runs in a fresh
subprocess into a temporary DuckDB file, so its time and peak resident memory are its own; the
results are only counted afterwards (never loaded or summarised inside the measurement).

The NegMAS and reference-engine samples replay the first segment of the talks (from the
scenario's date to its first event, the lapse): the reference engine must reproduce the batch
engine's agreement and step on every sampled draw. NegMAS cannot express ratification or a
reserved value that changes by round, so its sample emulates them (see :func:`negmas_sample`):
a time-based negotiator with the draw's exponent and utilities whose floor follows the draw's
reserved-value path and which turns an acceptance into a rejection outside the draw's joint
win-set. That is cheaper than burdenshare's strike-and-reveal semantics, so the
NegMAS/burdenshare ratio is conservative. Outcomes need not match: this times the same amount
of work per draw, not the same results.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

SCENARIO = "sma-2019"
TARGET_SECONDS = 60.0  # local executor, 1,000,000 draws
TARGET_SPEEDUP = 1.6  # dask, 2 workers over 1
MEMORY_RATIO = 1.2  # peak RSS, 10× the draws over 1×: flat up to noise
FULL = {"draws": 1_000_000, "small": 100_000, "dask": 500_000, "sample": 300}
QUICK = {"draws": 20_000, "small": 4_000, "dask": 20_000, "sample": 20}


# -- one sweep, in a child process ------------------------------------------------------------
def sweep_child(draws: int, executor: str, workers: int | None, chunk_size: int) -> dict:
    """Sweep ``draws`` draws into a temporary DuckDB file; time, peak RSS and a row count."""
    import duckdb

    from burdenshare.scenario.loader import load_scenario
    from burdenshare.sweep.scenario_sweep import sweep_scenario
    from burdenshare.sweep.store import results_table

    scenario = load_scenario(SCENARIO)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "sweep.duckdb"
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        run_id = sweep_scenario(
            scenario,
            db,
            draws=draws,
            chunk_size=chunk_size,
            executor=executor,
            workers=workers,
            progress=False,
        )
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        # workers of the processes/dask executors have exited and been waited for by now
        peak_workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        size = db.stat().st_size
        # checked after the measurement: every draw stored exactly once
        with duckdb.connect(str(db), read_only=True) as con:
            rows, distinct, agreed = con.execute(
                f"SELECT count(*), count(DISTINCT draw), sum(agreement::INT) "
                f"FROM {results_table(run_id)}"
            ).fetchone()
    if rows != draws or distinct != draws:
        raise SystemExit(f"sweep stored {rows} rows ({distinct} distinct) for {draws} draws")
    return {
        "executor": executor,
        "workers": workers,
        "draws": draws,
        "chunk_size": chunk_size,
        "seconds": seconds,
        "rss_before": before * 1024,
        "rss_peak": peak * 1024,
        "rss_peak_workers": peak_workers * 1024,
        "db_bytes": size,
        "agreed": int(agreed or 0),
        "load_after": os.getloadavg()[0],  # other processes on the machine skew the timings
    }


def run_child(draws: int, executor: str, workers: int | None, chunk_size: int) -> dict:
    command = [
        sys.executable,
        __file__,
        "--child",
        "--draws",
        str(draws),
        "--executor",
        executor,
        "--chunk-size",
        str(chunk_size),
    ]
    if workers is not None:
        command += ["--workers", str(workers)]
    start = time.perf_counter()
    out = subprocess.run(command, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"child {' '.join(command[2:])} failed:\n{out.stderr}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - start  # with interpreter start and imports
    return result


# -- the same draws through NegMAS and the reference engine -----------------------------------
def row_inputs(n: int) -> dict[str, Any]:
    """The sweep's own inputs for draws 0..n-1, taken from its workload: per side the utility
    of every outcome, the reserved value by round and the concession exponent, and the joint
    win-set of both ratifiers; also the sweep's own rows for those draws."""
    from burdenshare.bargaining.strategies.concession import KIND_TIME_DEPENDENT
    from burdenshare.scenario.loader import load_scenario
    from burdenshare.sweep.draws import draw_parameters
    from burdenshare.sweep.workload import BargainingWorkload, _pair

    scenario = load_scenario(SCENARIO)
    workload = BargainingWorkload(scenario, seed=scenario.uncertainty.seed)
    params = draw_parameters(workload.spec, scenario, workload.seed, 0, n)
    t = workload._base()
    space = t.domain.space
    sides = []
    masks = []
    for side in t.sides:  # opener (sending), responder (host): as in BargainingWorkload._run
        u = workload._utilities(t, side, params)
        r = workload._column(params, side, "reservation_value", side.reservation_value)
        path = np.repeat(r[:, None], t.n_steps, axis=1)
        if side.switch is not None and side.option is not None:
            option = workload._column(params, side, "option", side.option)
            path[:, side.switch] = option[:, None]
        strategy = workload._strategies(side, params, n)
        sides.append(
            {
                "utility": np.broadcast_to(u, (n, len(space))),
                "reserved": path,
                "e": strategy.e,
                "eps": strategy.eps,
                "pick": np.where(strategy.pareto, "pareto", "lowest"),
                "walks": bool(np.isfinite(strategy.walk_below).any()),
                "time_dependent": bool((strategy.kind == KIND_TIME_DEPENDENT).all()),
            }
        )
        masks.append(workload._mask(t, side, params, u, r))
    outcomes = [
        tuple(issue.values[k] for issue, k in zip(space.issues, idx, strict=True))
        for idx in space.indices.tolist()
    ]
    assert all(s["time_dependent"] for s in sides), "the sample assumes time-dependent sides"
    assert not any(s["walks"] for s in sides), "the sample assumes no walk-out rule"
    return {
        "sides": sides,
        "mask": _joint(_pair(masks, len(space))),
        "pair": _pair(masks, len(space)),
        "times": t.times,
        "reveal": bool(t.scenario.bargaining and t.scenario.bargaining.veto_reveals),
        "outcomes": outcomes,
        "issues": [(issue.name, list(issue.values)) for issue in space.issues],
        "n_steps": t.n_steps,
        # the batch engine on the same segment (the talks up to the scenario's first event)
        "rows": workload._run(t, params)[0],
    }


def batch_segment(n: int) -> dict:
    """The batch engine alone on the sample's segment (the talks up to the first event) for
    draws 0..n-1, in this process: the like-for-like baseline of the per-draw samples."""
    from burdenshare.scenario.loader import load_scenario
    from burdenshare.sweep.draws import draw_parameters
    from burdenshare.sweep.workload import BargainingWorkload

    scenario = load_scenario(SCENARIO)
    workload = BargainingWorkload(scenario, seed=scenario.uncertainty.seed)
    params = draw_parameters(workload.spec, scenario, workload.seed, 0, n)
    t = workload._base()
    workload._run(t, params.iloc[:100])  # first-call costs
    start = time.perf_counter()
    frame, _ = workload._run(t, params)
    return {
        "draws": n,
        "seconds": time.perf_counter() - start,
        "agreed": int(frame["agreement"].sum()),
    }


def _joint(pair: tuple[np.ndarray, np.ndarray] | None) -> np.ndarray | None:
    return None if pair is None else pair[0] & pair[1]


def reference_sample(inputs: dict[str, Any]) -> dict:
    """burdenshare's reference engine (``negotiate``, one negotiation per call) on each draw;
    checks that it reproduces the sweep's rows (agreement and step), so the extracted inputs
    are the sweep's."""
    from burdenshare.bargaining.engine import negotiate
    from burdenshare.bargaining.strategies.concession import TimeDependent

    a, b = inputs["sides"]
    rows = inputs["rows"]
    n = len(rows)
    pair = inputs["pair"]
    warm = a["utility"][0], b["utility"][0], "boulware", "conceder", inputs["n_steps"]
    negotiate(*warm)  # first-call costs (imports, caches) are not per draw
    start = time.perf_counter()
    results = []
    for i in range(n):
        mask = inputs["mask"][i]
        results.append(
            negotiate(
                a["utility"][i],
                b["utility"][i],
                TimeDependent(float(a["e"][i]), float(a["eps"][i]), str(a["pick"][i])),
                TimeDependent(float(b["e"][i]), float(b["eps"][i]), str(b["pick"][i])),
                inputs["n_steps"],
                reserved=(a["reserved"][i], b["reserved"][i]),
                ratify=lambda o, m=mask: bool(m[o]),
                times=inputs["times"],
                reveal=(pair[0][i], pair[1][i]) if inputs["reveal"] else None,
            )
        )
    seconds = time.perf_counter() - start
    agreed = np.array([r.agreement is not None for r in results])
    steps = np.array([r.step for r in results])
    assert (agreed == rows["agreement"].to_numpy()).all(), "reference engine and sweep disagree"
    assert (steps == rows["step"].to_numpy()).all(), "reference engine and sweep disagree"
    return {"draws": n, "seconds": seconds, "mean_steps": float(steps.mean())}


def negmas_sample(inputs: dict[str, Any]) -> dict:
    """Each draw as one NegMAS ``SAOMechanism`` (fresh mechanism, negotiators and utility
    functions per draw; the outcome-to-utility tables are built once, as they do not vary).

    Emulated, as NegMAS 0.16.0 has neither: the outside option switching on at its date (the
    negotiator sets its floor to the round's reserved value before each move) and ratification
    (an acceptance outside the joint win-set becomes a rejection; nothing is struck, so the
    negotiator may offer the same unratifiable outcome again: less work than burdenshare's)."""
    from negmas import ResponseType, SAOMechanism, make_issue
    from negmas.common import PreferencesChange
    from negmas.negotiators.helpers import PolyAspiration
    from negmas.preferences import MappingUtilityFunction
    from negmas.sao import TimeBasedConcedingNegotiator

    class Ratified(TimeBasedConcedingNegotiator):
        """NegMAS's time-based concession (a = 1 − t^e, as burdenshare's) with a floor by round
        and a ratification check on acceptance."""

        def __init__(
            self, *, exponent: float, floors: list[float], ok: frozenset, worst: float
        ) -> None:
            super().__init__(offering_curve=PolyAspiration(1.0, exponent), stochastic=False)
            self._floors, self._ok, self._worst = floors, ok, worst

        def _set_floor(self, state: Any) -> None:
            rec = self._inverter.recommender
            if rec.min is None:
                rec.on_preferences_changed([PreferencesChange()])
            rec.min = max(self._worst, self._floors[min(state.step, len(self._floors) - 1)])

        def respond(self, state: Any, source: str | None = None) -> Any:
            self._set_floor(state)
            answer = super().respond(state, source)
            if answer == ResponseType.ACCEPT_OFFER and state.current_offer not in self._ok:
                return ResponseType.REJECT_OFFER  # the ratifiers would void it
            return answer

        def propose(self, state: Any, dest: str | None = None) -> Any:
            self._set_floor(state)
            return super().propose(state, dest)

    sides, outcomes = inputs["sides"], inputs["outcomes"]
    issues = [make_issue(values, name) for name, values in inputs["issues"]]
    n = len(inputs["rows"])

    def one(i: int) -> Any:
        # drawn red lines give every draw its own utilities: one table per draw and side
        tables = [dict(zip(outcomes, s["utility"][i].tolist(), strict=True)) for s in sides]
        worst = [float(s["utility"][i].min()) for s in sides]
        ok = frozenset(outcomes[k] for k in np.flatnonzero(inputs["mask"][i]))
        mechanism = SAOMechanism(issues=issues, n_steps=inputs["n_steps"])
        for side, table, low in zip(sides, tables, worst, strict=True):
            path = side["reserved"][i]
            ufun = MappingUtilityFunction(table, reserved_value=float(path[0]), issues=issues)
            negotiator = Ratified(
                exponent=float(side["e"][i]), floors=path.tolist(), ok=ok, worst=low
            )
            mechanism.add(negotiator, ufun=ufun)
        return mechanism.run()

    one(0)  # first-call costs are not per draw
    start = time.perf_counter()
    states = [one(i) for i in range(n)]
    seconds = time.perf_counter() - start
    steps = [s.step for s in states]
    agreed = sum(s.agreement is not None for s in states)
    return {"draws": n, "seconds": seconds, "mean_steps": float(np.mean(steps)), "agreed": agreed}


# -- report -----------------------------------------------------------------------------------
def gib(n: float) -> str:
    return f"{n / (1 << 30):.3f} GiB"


def best(runs: list[dict]) -> dict:
    """The fastest run: other work on a shared machine only ever slows a run down."""
    return min(runs, key=lambda r: r["seconds"])


def times(runs: list[dict]) -> str:
    return ", ".join(f"{r['seconds']:.1f}" for r in runs)


def main() -> None:
    from burdenshare.sweep.scenario_sweep import DEFAULT_CHUNK

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    parser.add_argument("--draws", type=int, help="draws of the local sweep (default 1,000,000)")
    parser.add_argument("--small", type=int, help="draws of the memory comparison (100,000)")
    parser.add_argument("--dask-draws", type=int, help="draws of the scaling runs (500,000)")
    parser.add_argument("--sample", type=int, help="draws timed through NegMAS (300)")
    parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK)
    parser.add_argument("--repeats", type=int, help="timed runs per configuration (2; quick: 1)")
    parser.add_argument("--no-dask", action="store_true", help="skip the dask/processes runs")
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--executor", default="local", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(sweep_child(args.draws, args.executor, args.workers, args.chunk_size)))
        return
    sizes = dict(QUICK if args.quick else FULL)
    for key, value in (
        ("draws", args.draws),
        ("small", args.small),
        ("dask", args.dask_draws),
        ("sample", args.sample),
    ):
        if value is not None:
            sizes[key] = value
    chunk = args.chunk_size
    if args.repeats is None:
        args.repeats = 1 if args.quick else 2
    print(
        f"scenario {SCENARIO}; {os.cpu_count()} cores; chunk size {chunk:,}; "
        f"load average {os.getloadavg()[0]:.2f} at start"
    )
    report: dict[str, Any] = {"sizes": sizes, "chunk_size": chunk, "cores": os.cpu_count()}

    # 1 + 2: local executor, full size and the small size (same chunk size) for memory
    locals_ = [run_child(sizes["draws"], "local", None, chunk) for _ in range(args.repeats)]
    local = best(locals_)
    small = run_child(sizes["small"], "local", None, chunk)
    report["local"], report["local_small"] = locals_, small
    rate = local["draws"] / local["seconds"]
    verdict = "PASS" if local["seconds"] <= TARGET_SECONDS else "FAIL"
    print(
        f"\nlocal, {local['draws']:,} draws: {local['seconds']:.1f} s ({rate:,.0f} draws/s; "
        f"{local['process_seconds']:.1f} s with interpreter start; all runs {times(locals_)}), "
        f"peak RSS {gib(local['rss_peak'])}, DuckDB file {local['db_bytes'] / 1e6:.0f} MB, "
        f"{local['agreed']:,} agreements"
    )
    if local["draws"] == 1_000_000:
        print(f"  target ≤ {TARGET_SECONDS:.0f} s for 1,000,000 draws: {verdict}")
        report["local_target"] = verdict
    peak = max(r["rss_peak"] for r in locals_)
    ratio = peak / small["rss_peak"]
    grew = [small["rss_peak"] - small["rss_before"], peak - local["rss_before"]]
    verdict = "PASS" if ratio <= MEMORY_RATIO else "FAIL"
    print(
        f"memory, chunk {chunk:,}: {small['draws']:,} draws peak RSS {gib(small['rss_peak'])} "
        f"(+{gib(grew[0])} during the sweep); {local['draws']:,} draws {gib(peak)} "
        f"(+{gib(grew[1])}); ratio {ratio:.2f} for {local['draws'] / small['draws']:.0f}× the "
        f"draws (target: bounded by the chunk size, ratio ≤ {MEMORY_RATIO}): {verdict}"
    )
    report["memory_target"] = verdict
    report["memory_ratio"] = ratio

    # 3: dask with 1 and 2 workers (alternating, best of the repeats), processes with 2
    if not args.no_dask:
        runs: dict[tuple[str, int], list[dict]] = {("dask", 1): [], ("dask", 2): []}
        for k in range(args.repeats):
            for workers in (1, 2) if k % 2 == 0 else (2, 1):
                runs["dask", workers].append(run_child(sizes["dask"], "dask", workers, chunk))
        runs["processes", 2] = [run_child(sizes["dask"], "processes", 2, chunk)]
        report["scaling"] = {f"{e}-{w}": r for (e, w), r in runs.items()}
        one = best(runs["dask", 1])
        speedup = one["seconds"] / best(runs["dask", 2])["seconds"]
        report["dask_speedup"] = speedup
        head = (
            "| executor | workers | draws | s (best) | all runs, s | draws/s | throughput ÷ "
            "dask, 1 worker | peak RSS: parent (workers) |"
        )
        print("\n" + head + "\n" + "|---" * (head.count("|") - 1) + "|")
        rows = [("local", 1, locals_), *((e, w, r) for (e, w), r in runs.items())]
        for executor, workers, rs in rows:
            r = best(rs)
            rate = r["draws"] / r["seconds"]
            print(
                f"| {executor} | {workers} | {r['draws']:,} | {r['seconds']:.1f} | {times(rs)} "
                f"| {rate:,.0f} | {rate / (one['draws'] / one['seconds']):.2f} "
                f"| {gib(r['rss_peak'])} ({gib(r['rss_peak_workers'])}) |"
            )
        verdict = "PASS" if speedup >= TARGET_SPEEDUP else "FAIL"
        print(
            f"dask 2 workers ÷ 1 worker, {sizes['dask']:,} draws: {speedup:.2f}× "
            f"(target ≥ {TARGET_SPEEDUP}×): {verdict}"
        )
        report["dask_target"] = verdict

    # 4: the same draws through NegMAS and burdenshare's reference engine, extrapolated
    inputs = row_inputs(sizes["sample"])
    ref = reference_sample(inputs)
    report["reference"] = ref
    per_draw = local["seconds"] / local["draws"]
    projected = 1_000_000
    print(
        f"\nsample: draws 0–{sizes['sample'] - 1} of the sweep (mean {ref['mean_steps']:.1f} "
        f"rounds, {int(inputs['rows']['agreement'].sum())} agreements, "
        f"{inputs['rows']['n_voided'].mean():.1f} voided per draw in burdenshare)"
    )
    print("| engine | s per draw | 1,000,000 draws (extrapolated) | ÷ sweep, local |")
    print("|---|---|---|---|")
    print(
        f"| sweep, local (measured) | {per_draw * 1e6:.1f} µs | {per_draw * projected:,.0f} s |",
        "1× |",
    )
    seg = batch_segment(sizes["small"])
    report["batch_segment"] = seg
    seg_draw = seg["seconds"] / seg["draws"]
    print(
        f"| batch engine, first segment only ({seg['draws']:,} draws, measured) "
        f"| {seg_draw * 1e6:.1f} µs | {seg_draw * projected:,.0f} s | – (÷ this: 1×) |"
    )
    ref_draw = ref["seconds"] / ref["draws"]
    print(
        f"| burdenshare reference engine, first segment | {ref_draw * 1e3:.2f} ms "
        f"| {ref_draw * projected:,.0f} s | {ref_draw / seg_draw:,.0f}× the batch engine |"
    )
    try:
        import negmas
    except ImportError:
        print("| NegMAS | not installed (pip install negmas==0.16.0) | | |")
    else:
        neg = negmas_sample(inputs)
        neg["version"] = negmas.__version__
        report["negmas"] = neg
        neg_draw = neg["seconds"] / neg["draws"]
        hours = neg_draw * projected / 3600
        report["negmas_ratio"] = neg_draw / per_draw
        report["negmas_ratio_segment"] = neg_draw / seg_draw
        print(
            f"| NegMAS {negmas.__version__} (ratification emulated), first segment "
            f"| {neg_draw * 1e3:.1f} ms | {neg_draw * projected:,.0f} s ({hours:.1f} h) "
            f"| {neg_draw / seg_draw:,.0f}× the batch engine |"
        )
        print(
            f"NegMAS sample: mean {neg['mean_steps']:.1f} rounds, {neg['agreed']} agreements "
            "(a speed comparison of the same work per draw, not of outcomes)"
        )
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
