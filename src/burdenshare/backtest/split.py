"""The train/test split of DEU proposals, declared before any fitting.

Issues of one proposal are never split: proposals are shuffled with a fixed seed and the first
:data:`TRAIN_SHARE` of them (rounded down) are the training split. Any parameter is fitted on
the training issues only and scored once on the test issues (``docs/backtests.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["SPLIT_SEED", "TRAIN_SHARE", "Split", "split_proposals"]

#: the seed of the shuffle, declared before fitting and never changed since
SPLIT_SEED = 20210
#: share of proposals in the training split
TRAIN_SHARE = 0.7


@dataclass(frozen=True)
class Split:
    """Proposal ids in the training and test splits (each in file order)."""

    train: tuple[str, ...]
    test: tuple[str, ...]
    seed: int = SPLIT_SEED

    def of(self, proposal: str) -> str:
        """``"train"`` or ``"test"``."""
        return "train" if proposal in self._train else "test"

    @property
    def _train(self) -> frozenset[str]:
        return frozenset(self.train)


def split_proposals(
    proposals: Sequence[str], seed: int = SPLIT_SEED, share: float = TRAIN_SHARE
) -> Split:
    """Shuffle the sorted unique proposal ids with ``seed``; the first ``⌊share·P⌋`` train.

    Sorting first makes the split independent of the file's row order.

    >>> s = split_proposals(["a", "b", "c", "d"], seed=1, share=0.5)
    >>> sorted(s.train + s.test)
    ['a', 'b', 'c', 'd']
    """
    ids = sorted(set(proposals))
    order = np.random.default_rng(seed).permutation(len(ids))
    n_train = int(np.floor(share * len(ids)))
    train = {ids[i] for i in order[:n_train]}
    in_order = list(dict.fromkeys(proposals))
    return Split(
        train=tuple(p for p in in_order if p in train),
        test=tuple(p for p in in_order if p not in train),
        seed=seed,
    )
