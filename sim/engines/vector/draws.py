"""Per-prospect uniforms for the vectorized engine's decisions, independent of chunking.

On business day ``d`` prospect ``i`` draws its k-th uniform of the day from row k of the
stream keyed by (seed, block of i, d): PCG64 from a ``SeedSequence`` (measured here, opening
one per block and day is cheaper overall than drawing from a counter-based Philox stream).
Rows are drawn lazily, a whole block at a time, so every prospect has the same numbers
whatever chunk it is simulated in, however many workers run, and whichever strategy it faces
(until the strategies make it draw differently).
"""

from __future__ import annotations

import numpy as np
from numpy.random import Generator
from numpy.typing import NDArray

from sim.model.streams import BLOCK, blocks_of, stream


class DayDraws:
    """Uniforms for one chunk of prospects ``start`` to ``stop - 1`` on one day at a time."""

    def __init__(self, seed: int, start: int, stop: int) -> None:
        self.seed = seed
        self.start = start
        self.stop = stop
        self.blocks = list(blocks_of(start, stop))
        n = stop - start
        self.counter = np.zeros(n, dtype=np.int64)
        self.table = np.empty((0, n))
        self.used = 0
        self._gens: list[Generator] = []
        self.day = -1

    def new_day(self, day: int) -> None:
        self.day = day
        self.counter[:] = 0
        self.used = 0
        self._gens = []

    def _draw_row(self) -> None:
        if not self._gens:
            self._gens = [stream(self.seed, "vec:day", b, self.day) for b in self.blocks]
        if self.used == len(self.table):
            grown = np.empty((max(4, 2 * len(self.table)), self.stop - self.start))
            grown[: self.used] = self.table[: self.used]
            self.table = grown
        row = self.table[self.used]
        n = self.stop - self.start
        for b, g in zip(self.blocks, self._gens, strict=True):
            first = b * BLOCK - self.start  # the block's first prospect, chunk-local
            lo, hi = max(first, 0), min(first + BLOCK, n)
            if hi - lo == BLOCK:
                g.random(out=row[lo:hi])
            else:  # a block the chunk only partly covers: draw it whole, keep our part
                row[lo:hi] = g.random(BLOCK)[lo - first : hi - first]
        self.used += 1

    def take(self, idx: NDArray[np.int64]) -> NDArray[np.float64]:
        """The next uniform of each prospect in ``idx`` (chunk-local indices, distinct)."""
        if len(idx) == 0:
            return np.empty(0)
        k = self.counter[idx]
        while self.used <= int(k.max()):
            self._draw_row()
        self.counter[idx] += 1
        return np.asarray(self.table[k, idx], dtype=float)
