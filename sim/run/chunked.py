"""Chunk-major runs: each chunk of prospects runs every strategy, and only statistics travel.

A run is cut into chunks of prospects (the engine's chunk size, aligned to reps' books so a
book never straddles two chunks; one chunk for an engine that does not chunk). Each
(chunk, strategy) pair is one task for a worker; its result is the strategy's mergeable
statistics on the chunk (``StrategyStats``) and the compared per-prospect columns, which the
parent turns into the chunk's joint moments across strategies (``PairedStats``) as soon as
every strategy of the chunk is in, then drops. Statistics are merged in chunk order whichever
worker finishes first, so a run gives the same figures, bit for bit, on any number of workers
(or a Dask cluster). The per-prospect table and the touch log are kept only when asked
(``tables``); with a folder for parts, each task's outcome table and touch log then go to
parquet part files there (merged into one file each when the run is written), so even a
run that keeps its tables holds no more than a chunk in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.engines.base import Engine, EngineOutput, StrategyTask
from sim.model.capacity import Books
from sim.model.scenario import Scenario
from sim.results.aggregate import StrategyStats
from sim.results.paired import PairedStats, paired_values
from sim.results.touch_store import part_path, prospect_part_path, write_part
from sim.results.week import TraceEvent
from sim.strategy.base import Strategy


@dataclass(frozen=True)
class Plan:
    """A run cut into tasks: ``chunks`` prospect ranges, each under every strategy, in
    chunk-major order (``tasks[c * len(strategies) + k]`` is chunk ``c`` under strategy ``k``)."""

    chunks: list[tuple[int, int]]
    strategies: list[Strategy]
    tasks: list[StrategyTask]
    prospect_parts: list[Path | None]
    """Per task (task order), where its outcome table goes (None: kept in memory)."""

    def _by_strategy(self, paths: list[Path | None]) -> list[Path]:
        """Per-task paths in strategy-major order (the order of the merged file)."""
        k = len(self.strategies)
        return [p for j in range(k) for p in paths[j::k] if p is not None]

    @property
    def touch_parts(self) -> list[Path]:
        """The touch log's part files, strategy by strategy (none: not written)."""
        return self._by_strategy([t.touch_path for t in self.tasks])

    @property
    def ordered_prospect_parts(self) -> list[Path]:
        """The outcome table's part files, strategy by strategy (none: kept in memory)."""
        return self._by_strategy(self.prospect_parts)


def chunk_ranges(
    engine: Engine, scenario: Scenario, n: int, chunk: int | None
) -> list[tuple[int, int]]:
    """Prospect ranges ``[start, stop)`` covering ``0 .. n-1``: ``chunk`` (default the
    engine's) prospects each, aligned to reps' books; one range when the engine does not
    chunk."""
    size = chunk or engine.default_chunk
    if size is None or size >= n:
        return [(0, n)]
    size = Books.of(scenario).align_chunk(size, 0)
    return [(s, min(s + size, n)) for s in range(0, n, size)]


def plan_run(
    engine: Engine,
    scenario: Scenario,
    strategies: list[Strategy],
    *,
    prospects: int,
    seed: int,
    chunk: int | None,
    tables: bool,
    touch_log: bool,
    touch_dir: Path | None = None,
    trace: tuple[int, ...] = (),
) -> Plan:
    """The tasks of a run (``tables``: keep the outcome table and touch log; ``touch_dir``:
    write the touch log there, one part per task)."""
    chunks = chunk_ranges(engine, scenario, prospects, chunk)
    write_log = tables and touch_log and touch_dir is not None
    tasks = []
    for c, (start, stop) in enumerate(chunks):
        for k, strategy in enumerate(strategies):
            tasks.append(
                StrategyTask(
                    scenario,
                    strategy,
                    stop - start,
                    seed,
                    first_id=start,
                    chunk=stop - start,
                    workers=1,
                    touch_log=touch_log,
                    stream=not tables,
                    touch_path=part_path(touch_dir, k, c) if write_log and touch_dir else None,
                    trace=tuple(i for i in trace if start <= i < stop),
                )
            )
    prospect_parts: list[Path | None] = [
        prospect_part_path(touch_dir, i % len(strategies), i // len(strategies))
        if tables and touch_dir is not None
        else None
        for i in range(len(tasks))
    ]
    return Plan(chunks, strategies, tasks, prospect_parts)


@dataclass
class Collected:
    """What a run keeps: per-strategy statistics, the paired statistics, and (``tables``) the
    outcome table and touch log per strategy, and traced stories."""

    stats: dict[str, StrategyStats]
    paired: PairedStats | None = None
    prospects: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    touches: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    traces: dict[tuple[str, int], list[TraceEvent]] = field(default_factory=dict)

    def table(self, names: list[str], which: str) -> pd.DataFrame:
        """The outcome table (``which="prospects"``) or touch log, strategy by strategy."""
        parts = [f for name in names for f in getattr(self, which).get(name, [])]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def collect(
    plan: Plan, outputs: Iterator[EngineOutput], done: Callable[[int], object] = lambda n: None
) -> Collected:
    """Merge the tasks' outputs (in task order) into a run's statistics, chunk by chunk;
    ``done(prospects)`` after each task."""
    names = [s.name for s in plan.strategies]
    k_count = len(names)
    kept = Collected({})
    chunk_values: dict[str, dict[str, NDArray[np.float64]]] = {}
    for i, out in enumerate(outputs):
        task = plan.tasks[i]
        name = names[i % k_count]
        kept.stats[name] = kept.stats[name] + out.stats if name in kept.stats else out.stats
        chunk_values[name] = out.values or _values_of(out.prospects)
        if not task.stream:
            target = plan.prospect_parts[i] if plan.prospect_parts else None
            if target is not None:
                write_part(out.prospects, target)
            else:
                kept.prospects.setdefault(name, []).append(out.prospects)
            kept.touches.setdefault(name, []).append(out.touches)
        kept.traces.update({(name, p): story for p, story in out.traces.items()})
        if i % k_count == k_count - 1:
            part = PairedStats.of(chunk_values)
            kept.paired = part if kept.paired is None else kept.paired + part
            chunk_values = {}
        done(task.prospects)
    return kept


def _values_of(prospects: pd.DataFrame) -> dict[str, NDArray[np.float64]]:
    """``paired_values`` of an outcome table, in prospect order."""
    ids = prospects["prospect"].to_numpy()
    if len(ids) > 1 and np.any(np.diff(ids) < 0):
        prospects = prospects.sort_values("prospect", kind="stable")
    return paired_values(prospects)


__all__ = [
    "Collected",
    "Plan",
    "chunk_ranges",
    "collect",
    "plan_run",
]
