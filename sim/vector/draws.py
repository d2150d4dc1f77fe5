"""Per-prospect uniforms for the vectorized engine's decisions, independent of chunking.

On business day ``d`` prospect ``i`` draws its k-th uniform of the day from row k of the
stream keyed by (seed, block of i, d): a Philox counter-based generator whose key comes from
the block's ``SeedSequence`` and whose counter starts at the day, so a day's stream costs no
hashing to open. Rows are drawn lazily, a whole block at a time, so
every prospect has the same numbers whatever chunk it is simulated in, however many workers
run, and whichever strategy it faces (until the strategies make it draw differently).
"""

from __future__ import annotations

import numpy as np
from numpy.random import Generator, Philox, SeedSequence
from numpy.typing import NDArray

from ..streams import BLOCK, blocks_of, name_key


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
        self._keys = [
            SeedSequence(seed, spawn_key=(name_key("vec:day"), b)).generate_state(2, np.uint64)
            for b in self.blocks
        ]
        self.day = -1

    def new_day(self, day: int) -> None:
        self.day = day
        self.counter[:] = 0
        self.used = 0
        self._gens = []

    def _draw_row(self) -> None:
        if not self._gens:
            counter = np.array([0, 0, 0, self.day], dtype=np.uint64)
            self._gens = [Generator(Philox(key=k, counter=counter)) for k in self._keys]
        if self.used == len(self.table):
            grown = np.empty((max(4, 2 * len(self.table)), self.stop - self.start))
            grown[: self.used] = self.table[: self.used]
            self.table = grown
        lo = self.start - self.blocks[0] * BLOCK
        row = np.concatenate([g.random(BLOCK) for g in self._gens])
        self.table[self.used] = row[lo : lo + (self.stop - self.start)]
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
