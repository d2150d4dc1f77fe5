"""Per-prospect uniforms for the vectorized engine's decisions, independent of chunking.

On business day ``d`` prospect ``i`` draws its k-th uniform of the day from row k of the
stream keyed by (seed, block of i, d). Rows are drawn lazily, a whole block at a time, so
every prospect has the same numbers whatever chunk it is simulated in, however many workers
run, and whichever strategy it faces (until the strategies make it draw differently).
"""

from __future__ import annotations

import numpy as np
from numpy.random import Generator
from numpy.typing import NDArray

from ..streams import BLOCK, blocks_of, stream


class DayDraws:
    """Uniforms for one chunk of prospects ``start`` to ``stop - 1`` on one day at a time."""

    def __init__(self, seed: int, start: int, stop: int) -> None:
        self.seed = seed
        self.start = start
        self.stop = stop
        self.blocks = list(blocks_of(start, stop))
        n = stop - start
        self.counter = np.zeros(n, dtype=np.int64)
        self.rows: list[NDArray[np.float64]] = []
        self._gens: list[Generator] = []
        self.day = -1

    def new_day(self, day: int) -> None:
        self.day = day
        self.counter[:] = 0
        self.rows = []
        self._gens = []

    def _draw_row(self) -> None:
        if not self._gens:
            self._gens = [stream(self.seed, "vec:day", b, self.day) for b in self.blocks]
        parts = [g.random(BLOCK) for g in self._gens]
        row = np.concatenate(parts)
        lo = self.start - self.blocks[0] * BLOCK
        self.rows.append(row[lo : lo + (self.stop - self.start)])

    def take(self, idx: NDArray[np.int64]) -> NDArray[np.float64]:
        """The next uniform of each prospect in ``idx`` (chunk-local indices, distinct)."""
        if len(idx) == 0:
            return np.empty(0)
        k = self.counter[idx]
        need = int(k.max()) + 1
        while len(self.rows) < need:
            self._draw_row()
        self.counter[idx] += 1
        table = np.stack(self.rows[:need]) if need > 1 else self.rows[0][None, :]
        return np.asarray(table[k, idx], dtype=float)
