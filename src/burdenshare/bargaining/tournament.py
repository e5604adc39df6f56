"""Round-robin tournaments: every ordered pair of strategies, many seeds, with and without
ratification, run in lock-step by the batch engine.

Rows are tagged like Mesa's batch runs (opener, responder, seed, ratified), so the result is a
flat table that pandas can pivot. No I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from burdenshare.bargaining.batch import negotiate_batch
from burdenshare.bargaining.strategies import Strategy, make_strategy
from burdenshare.bargaining.strategies.concession import TimeDependent, WalkOut

__all__ = ["summarise", "tournament", "with_pick"]


def tournament(
    u_opener: ArrayLike,
    u_responder: ArrayLike,
    strategies: Sequence[str],
    *,
    n_steps: int = 100,
    seeds: int = 10,
    reserved: tuple[ArrayLike, ArrayLike] = (0.0, 0.0),
    ratifiable: ArrayLike | None = None,
    compat: str | None = None,
    seed: int = 0,
    pick: str = "lowest",
) -> pd.DataFrame:
    """One row per negotiation: every (opener, responder) pair × ``seeds`` runs, once without
    ratification and, when ``ratifiable`` (a boolean mask over outcomes) is given, once with it.
    ``pick`` is how the time-dependent strategies choose their offers ("lowest" or "pareto").

    Run ``k`` of a pair uses ``SeedSequence(seed).spawn(seeds)[k]``, so the same seed index gives
    the same stochastic draws to every pair (common random numbers). ``reserved`` gives each
    side a number or one no-deal utility per round (``[n_steps]``), shared by every run.
    """
    per_round = [np.ndim(r) == 1 for r in reserved]
    pairs = list(product(strategies, strategies))
    players = {name: with_pick(name, pick) for name in strategies}
    modes = [False] if ratifiable is None else [False, True]
    frames = []
    for ratified in modes:
        openers = [o for o, _ in pairs for _ in range(seeds)]
        responders = [r for _, r in pairs for _ in range(seeds)]
        # one seed stream per run index, shared across pairs
        run_seeds = np.random.SeedSequence(seed).spawn(seeds)
        rows = []
        for k in range(seeds):
            idx = [p * seeds + k for p in range(len(pairs))]
            rows_reserved = tuple(
                np.broadcast_to(np.asarray(r, dtype=float), (len(idx), n_steps)) if pr else r
                for r, pr in zip(reserved, per_round, strict=True)
            )
            result = negotiate_batch(
                u_opener, u_responder,
                [players[openers[i]] for i in idx], [players[responders[i]] for i in idx],
                n_steps, reserved=rows_reserved,
                ratifiable=ratifiable if ratified else None,
                compat=compat, seed=run_seeds[k],
            )  # fmt: skip
            frame = result.to_frame().reset_index(drop=True)
            frame.insert(0, "opener", [openers[i] for i in idx])
            frame.insert(1, "responder", [responders[i] for i in idx])
            frame.insert(2, "seed", k)
            frame.insert(3, "ratified", ratified)
            rows.append(frame)
        frames.append(pd.concat(rows, ignore_index=True))
    out = pd.concat(frames, ignore_index=True)
    out["agreed"] = out["agreement"] >= 0
    return out.sort_values(["ratified", "opener", "responder", "seed"], kind="stable").reset_index(
        drop=True
    )


def with_pick(name: str, pick: str) -> str | Strategy:
    """The named strategy choosing its offers by ``pick`` when it is time-dependent."""
    if pick == "lowest":
        return name
    made = make_strategy(name)
    if isinstance(made, TimeDependent | WalkOut):
        return make_strategy(made, pick=pick)
    return name


def summarise(results: pd.DataFrame) -> pd.DataFrame:
    """Per (ratified, opener, responder): agreement rate, mean step, mean utilities (NaN-free
    means over agreements only) and mean payoffs (outside options count when there is no deal)."""
    grouped = results.groupby(["ratified", "opener", "responder"], sort=False)
    return grouped.agg(
        runs=("agreed", "size"),
        agreement_rate=("agreed", "mean"),
        mean_step=("step", "mean"),
        u_opener=("u_opener", "mean"),
        u_responder=("u_responder", "mean"),
        payoff_opener=("payoff_opener", "mean"),
        payoff_responder=("payoff_responder", "mean"),
        voided=("n_voided", "mean"),
    ).reset_index()
