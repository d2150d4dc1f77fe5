"""What every engine takes and gives: one strategy's run as a task, its outputs as one type.

An engine is any object with a ``name``, a ``default_prospects`` and a ``run(task)`` method
(``Engine``); the built-in ones are looked up by name in ``sim.engines.registry``, and a
researcher's own is passed to ``simulate`` as an object. Engines differ only in how they time
events and draw outcomes; the model's mechanisms are the shared code of ``sim.model``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from numpy.typing import NDArray

    from sim.model.scenario import Scenario
    from sim.results.aggregate import StrategyStats
    from sim.results.week import TraceEvent
    from sim.strategy.base import Strategy

Traces = dict[int, list["TraceEvent"]]
"""Prospect id to its story (discrete-event engine only)."""


@dataclass(frozen=True)
class StrategyTask:
    """One strategy's whole run on one engine (picklable, for a worker process)."""

    scenario: Scenario
    strategy: Strategy
    prospects: int
    seed: int
    first_id: int = 0
    chunk: int | None = None
    """Prospects per chunk (vector engine; None: its default)."""
    workers: int = 1
    """Processes for this strategy's chunks (vector engine)."""
    touch_log: bool = True
    stream: bool = False
    """Keep only mergeable statistics (flat memory; no tables)."""
    touch_path: Path | None = None
    """Write the touch log here (a parquet part) instead of returning it."""
    trace: tuple[int, ...] = ()
    """Prospects whose story is recorded (discrete-event engine)."""


@dataclass
class EngineOutput:
    """One strategy's outcomes: the per-prospect table and touch log (empty when streamed, or
    written to ``StrategyTask.touch_path``), their statistics, and traced stories. ``values``:
    when streamed, the compared per-prospect columns (``sim.results.paired.PAIRED_COLUMNS``) in
    prospect order, for the paired comparisons (empty when the table is there)."""

    prospects: pd.DataFrame
    touches: pd.DataFrame
    stats: StrategyStats
    traces: Traces = field(default_factory=dict)
    values: dict[str, NDArray[np.float64]] = field(default_factory=dict)


@runtime_checkable
class Engine(Protocol):
    """A simulation engine: runs one strategy on a range of prospects."""

    name: str
    default_prospects: int
    """Prospects per strategy when a run does not say (a run of every strategy in a minute or
    two on 2 cores)."""
    streams: bool
    """Whether ``StrategyTask.stream`` is supported."""
    traces: bool
    """Whether ``StrategyTask.trace`` is supported."""
    default_chunk: int | None
    """Prospects per chunk when the task does not say (None: the engine does not chunk)."""

    def run(self, task: StrategyTask) -> EngineOutput: ...


__all__ = ["Engine", "EngineOutput", "StrategyTask", "Traces"]
