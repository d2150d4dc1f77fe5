"""Per-prospect uniforms for the vectorized engine's decisions, keyed as the DES keys them.

Each decision (``sim.model.streams.VECTOR_DECISIONS``) has its own streams, so strategies are
compared on common random numbers decision by decision, not only until their days differ:

- what belongs to a prospect's day (being ``free`` at a call's minute, an item ``read`` at a
  session) takes row k of the decision's stream keyed by (seed, block, day): the k-th such
  event of the prospect that day, as the DES draws a day's meetings and a session's
  competitors per prospect-day;
- what belongs to the prospect (``pickup``, ``page`` answered, ``response``, email
  ``tracking``) takes row k of the stream keyed by (seed, block, k): the prospect's k-th such
  decision over the run, as the DES draws them in order from one stream per prospect. A
  prospect's first response is the same number under every strategy, whenever it comes.

Rows are drawn lazily, a whole block at a time, so every prospect has the same numbers
whatever chunk it is simulated in and however many workers run.
"""

from __future__ import annotations

import numpy as np
from numpy.random import Generator
from numpy.typing import NDArray

from sim.model.streams import BLOCK, VECTOR_DECISIONS, blocks_of, stream

PAGE = 8
"""Rows per page of a decision's table (8 rows of a 65,536-prospect chunk: 4 MiB). The table
grew by doubling and copying, which cost more than drawing at 32 rows and more (issue 20)."""


class DecisionDraws:
    """One decision's uniforms for a chunk of prospects ``start`` to ``stop - 1``: row k holds
    every prospect's k-th uniform of the day (``daily``) or of the run."""

    def __init__(self, name: str, seed: int, start: int, stop: int, daily: bool) -> None:
        self.daily = daily
        self.name = f"vec:{name}"
        self.seed = seed
        self.start = start
        self.stop = stop
        self.blocks = list(blocks_of(start, stop))
        n = stop - start
        self.counter = np.zeros(n, dtype=np.int64)
        self.pages: list[NDArray[np.float64]] = []
        """The rows drawn, ``PAGE`` to a page: growing adds a page and copies nothing."""
        self.used = 0
        self._gens: list[Generator] = []
        self.day = -1
        self.dirty = False

    def new_day(self, day: int) -> None:
        if not self.daily:
            return
        self.day = day
        if self.dirty:
            self.counter[:] = 0
            self.dirty = False
        self.used = 0
        self._gens = []

    def _generators(self) -> list[Generator]:
        """The row's stream per block: keyed by the day (a daily decision), or by the row."""
        if self.daily:
            if not self._gens:
                self._gens = [stream(self.seed, self.name, b, self.day) for b in self.blocks]
            return self._gens
        return [stream(self.seed, self.name, b, self.used) for b in self.blocks]

    def _draw_row(self) -> None:
        gens = self._generators()
        n = self.stop - self.start
        if self.used == PAGE * len(self.pages):
            self.pages.append(np.empty((PAGE, n)))
        row = self.pages[self.used // PAGE][self.used % PAGE]
        for b, g in zip(self.blocks, gens, strict=True):
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
        top = int(k.max())
        while self.used <= top:
            self._draw_row()
        self.counter[idx] += 1
        self.dirty = True
        n = self.stop - self.start
        if top < PAGE:  # the common case: one flat gather (cheaper than 2-D fancy indexing)
            return np.asarray(self.pages[0].reshape(-1).take(k * n + idx))
        out = np.empty(len(idx))
        page = k // PAGE
        for p in range(int(page.min()), top // PAGE + 1):
            on = np.flatnonzero(page == p)
            if len(on):
                at = (k[on] - p * PAGE) * n + idx[on]
                out[on] = self.pages[p].reshape(-1).take(at)
        return out


DAILY = ("free", "read")
"""Decisions keyed by the day; the others are keyed by their rank over the run."""


class DayDraws:
    """Every decision's uniforms for one chunk, one business day at a time."""

    def __init__(self, seed: int, start: int, stop: int) -> None:
        self.decisions = {
            name: DecisionDraws(name, seed, start, stop, daily=name in DAILY)
            for name in VECTOR_DECISIONS
        }

    def new_day(self, day: int) -> None:
        for d in self.decisions.values():
            d.new_day(day)

    def take(self, decision: str, idx: NDArray[np.int64]) -> NDArray[np.float64]:
        """The next uniform for ``decision`` of each prospect in ``idx``."""
        return self.decisions[decision].take(idx)


__all__ = ["DayDraws", "DecisionDraws"]
