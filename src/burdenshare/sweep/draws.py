"""Counter-based parameter draws: draw ``i`` depends only on the master seed and ``i``.

Draws are made in fixed blocks of :data:`BLOCK` indices. Block ``b`` has its own Philox stream,
keyed by the master seed (through ``SeedSequence(seed)``) with counter ``(0, 0, 0, b)``: streams of
different blocks start 2^192 steps apart, so they never overlap. Within a block every uncertain
field is sampled for all ``BLOCK`` draws, in the spec's order, then the strategy mixes. A range
``[start, stop)`` computes the blocks it touches and slices them, so any chunking of the draws gives
bit-identical values.

Grids are not random: the grids form a full factorial, enumerated in the spec's order with the
last grid varying fastest, and draw ``i`` takes combination ``i mod (number of combinations)``.

Uncertain ``[[events]]`` (probability below 1, or drawn) come last in each block: one uniform
``U`` per event and draw, in the scenario's event order; the event happens in draw ``i`` when
``U < p``, with ``p`` its probability (or the draw's value of ``events.<id>.probability``).
Adding an uncertain event therefore leaves every other draw as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from burdenshare.errors import ProgrammerError
from burdenshare.scenario.distributions import Grid
from burdenshare.scenario.uncertainty import UncertaintySpec, is_numeric, resolve

if TYPE_CHECKING:
    from burdenshare.scenario.schema import Scenario

__all__ = [
    "BLOCK",
    "EVENT_PREFIX",
    "STRATEGY_PREFIX",
    "block_generator",
    "draw_parameters",
    "uncertain_events",
]

#: Draws per block (part of the definition of the draws: changing it changes every draw).
BLOCK = 4096
#: Column prefix of drawn strategies: ``strategy.<party id>``.
STRATEGY_PREFIX = "strategy."
#: Column prefix of uncertain events: ``event.<event id>`` is True in draws where it happens.
EVENT_PREFIX = "event."


def block_generator(seed: int, block: int) -> np.random.Generator:
    """The generator of block ``block`` under master ``seed``."""
    key = np.random.SeedSequence(seed).generate_state(2, np.uint64)
    return np.random.Generator(np.random.Philox(key=key, counter=[0, 0, 0, block]))


def uncertain_events(scenario: Scenario) -> list[str]:
    """Ids of the events a sweep draws: probability below 1, or a drawn probability."""
    spec = scenario.uncertainty
    drawn = set(spec.params) if spec is not None else set()
    return [
        e.id
        for e in scenario.events
        if e.set and (e.uncertain or f"events.{e.id}.probability" in drawn)
    ]


def _block(
    spec: UncertaintySpec, integer: dict[str, bool], seed: int, block: int, events: list[str]
) -> dict:
    rng = block_generator(seed, block)
    columns: dict[str, np.ndarray] = {}
    for path, dist in spec.params.items():
        if isinstance(dist, Grid):
            continue
        values = dist.sample(rng, BLOCK)
        columns[path] = np.rint(values).astype(np.int64) if integer[path] else values
    for pid, mix in spec.strategies.items():
        names = np.array(list(mix), dtype=object)
        p = np.array(list(mix.values()), dtype=float)
        columns[STRATEGY_PREFIX + pid] = names[rng.choice(len(names), BLOCK, p=p / p.sum())]
    for eid in events:
        columns[EVENT_PREFIX + eid] = rng.random(BLOCK)
    return columns


def _grid_columns(spec: UncertaintySpec, index: np.ndarray, integer: dict[str, bool]) -> dict:
    grids = [(path, d) for path, d in spec.params.items() if isinstance(d, Grid)]
    columns: dict[str, np.ndarray] = {}
    stride = 1
    for path, grid in reversed(grids):  # last grid fastest
        values = grid.at(index // stride)
        columns[path] = np.rint(values).astype(np.int64) if integer[path] else values
        stride *= len(grid.values)
    return columns


def draw_parameters(
    spec: UncertaintySpec, scenario: Scenario, seed: int, start: int, stop: int
) -> pd.DataFrame:
    """One row per draw index in ``[start, stop)``: column ``draw`` and one per uncertain field.

    Columns follow the spec's order (parameters, then ``strategy.<party>``, then
    ``event.<id>`` for each uncertain event, True where it happens). A field whose current
    value is an integer (``bargaining.steps``, a seat count, an amount written as an integer) gets
    draws rounded to the nearest integer.
    """
    if not 0 <= start <= stop:
        raise ProgrammerError(f"need 0 <= start <= stop, got [{start}, {stop})")
    integer = {}
    for path in spec.params:
        value = resolve(scenario, path)[1]
        integer[path] = is_numeric(value) and isinstance(value, int)
    index = np.arange(start, stop, dtype=np.int64)
    events = uncertain_events(scenario)
    parts: list[dict] = []
    first = start // BLOCK
    for b in range(first, max(-(-stop // BLOCK), first + 1)):  # an empty range keeps dtypes
        lo, hi = max(start, b * BLOCK) - b * BLOCK, min(stop, (b + 1) * BLOCK) - b * BLOCK
        parts.append({k: v[lo:hi] for k, v in _block(spec, integer, seed, b, events).items()})
    random = {k: np.concatenate([part[k] for part in parts]) for k in parts[0]}
    grid = _grid_columns(spec, index, integer)
    ordered = {"draw": index}
    for path in spec.params:
        ordered[path] = grid[path] if path in grid else random[path]
    for pid in spec.strategies:
        ordered[STRATEGY_PREFIX + pid] = random[STRATEGY_PREFIX + pid]
    by_id = {e.id: e for e in scenario.events}
    for eid in events:
        drawn = f"events.{eid}.probability"
        p = ordered[drawn] if drawn in ordered else by_id[eid].probability
        ordered[EVENT_PREFIX + eid] = random[EVENT_PREFIX + eid] < p
    return pd.DataFrame(ordered)
