"""Reductions down the slot axis of ``(slots, prospects)`` arrays (plans, inbox queues).

``np.argmin(a, axis=0)`` runs an inner loop per prospect over a handful of slots, which costs
tens of nanoseconds per prospect; a loop over the few slots, each step a couple of passes over
all the prospects, is ten to twenty times faster (``np.where`` rather than a masked write,
whose unpredictable branches cost more than the pass). Same results, ties to the first slot.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


def min_slot(a: F64) -> tuple[F64, I64]:
    """Each column's minimum and the first slot holding it (``a`` without NaN)."""
    best = a[0].copy()
    slot = np.zeros(a.shape[1], dtype=np.int64)
    for k in range(1, a.shape[0]):
        slot = np.where(a[k] < best, k, slot)
        np.minimum(best, a[k], out=best)
    return best, slot


def first_true(mask: NDArray[np.bool_]) -> tuple[NDArray[np.bool_], I64]:
    """Whether each column has a True, and the first slot that has (0 where none)."""
    found = mask[0].copy()
    slot = np.zeros(mask.shape[1], dtype=np.int64)
    for k in range(1, mask.shape[0]):
        slot = np.where(mask[k] & ~found, k, slot)
        found |= mask[k]
    return found, slot
