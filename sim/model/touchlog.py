"""The touch log as the engines build it: growing integer-coded columns, rows updated by id.

A touch gets its row when it is made (``add`` returns the row ids); what becomes of it later
(the result, a voicemail left or heard, the day it was read, the response, an opt-out) is
written by row id (``set``), in order, and applied when the columns are taken. Both engines
use it through the shared touch functions (``sim.model.touches``); with ``enabled`` False
only the ids are kept (a run without a touch log). ``STATS_COLUMNS`` keeps only what the
mergeable statistics read, in compact types (about 20 bytes a touch instead of 120): a run
that keeps no tables holds a chunk's log that way, so an event-heavy cadence's chunk stays
a few hundred megabytes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

I64 = NDArray[np.int64]

STATS_COLUMNS: dict[str, type[np.generic]] = {
    "prospect": np.int32,
    "attempt": np.int16,
    "channel": np.int8,
    "result": np.int8,
    "voicemail_heard": np.bool_,
    "response": np.int8,
    "opted_out": np.bool_,
    "rep_minutes": np.float64,
}
"""The columns ``sim.results.aggregate.StrategyStats.of_log`` reads, with the types they keep."""


class TouchLog:
    """Integer-coded touch-log columns (``sim.model.outcomes.TOUCH_COLUMNS`` but ``strategy``;
    template as a code, ``-1 - code`` for a varied template)."""

    def __init__(
        self, enabled: bool = True, keep: dict[str, type[np.generic]] | None = None
    ) -> None:
        self.enabled = enabled
        self.keep = keep
        """Only these columns, in these types (None: every column as given)."""
        self.parts: dict[str, list[NDArray[Any]]] = {}
        self.updates: dict[str, list[tuple[I64, NDArray[Any]]]] = {}
        self.size = 0

    def add(self, **columns: NDArray[Any]) -> I64:
        """Append rows (every column the same length); returns their ids."""
        n = len(next(iter(columns.values())))
        ids = np.arange(self.size, self.size + n)
        self.size += n
        if self.enabled:
            keep = self.keep
            for name, values in columns.items():
                if keep is None:
                    self.parts.setdefault(name, []).append(np.asarray(values))
                elif name in keep:
                    self.parts.setdefault(name, []).append(np.asarray(values, dtype=keep[name]))
        return ids

    def set(self, name: str, ids: I64, values: object) -> None:
        """Write ``values`` (one per id, or one for all) into column ``name`` of rows ``ids``."""
        if self.enabled and len(ids):
            if self.keep is not None and name not in self.keep:
                return
            dtype = None if self.keep is None else self.keep[name]
            vals = np.broadcast_to(np.asarray(values, dtype=dtype), ids.shape).copy()
            self.updates.setdefault(name, []).append((ids, vals))

    def columns(self) -> dict[str, NDArray[Any]]:
        """The columns with every update applied (empty when the log is off or empty)."""
        cols = {name: np.concatenate(parts) for name, parts in self.parts.items()}
        for name, updates in self.updates.items():
            for ids, values in updates:
                cols[name][ids] = values
        return cols


__all__ = ["STATS_COLUMNS", "TouchLog"]
