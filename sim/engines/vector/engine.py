"""The vectorized engine (``engine="vector"``): the model over arrays of prospects, in chunks.

Prospects are split into chunks (``sim.engines.vector.chunk``), each simulated over the whole
horizon on its own, optionally on worker processes. Every draw depends only on the seed and
the prospect's id, and prospects do not interact (but through a rep's budget, whose book
never straddles two chunks), so results are bit-identical for any chunk size and worker
count. ``stream`` keeps only each chunk's mergeable statistics, so memory stays flat.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.engines.base import EngineOutput, StrategyTask
from sim.engines.registry import DEFAULT_CHUNK
from sim.engines.vector.chunk import Chunk
from sim.engines.vector.heap import keep_freed_memory
from sim.model.capacity import Books
from sim.model.scenario import Scenario
from sim.results.aggregate import StrategyStats
from sim.results.frames import log_frame, no_prospects, prospects_frame
from sim.results.paired import paired_values
from sim.results.touch_store import write_part
from sim.run.pool import worker_pool
from sim.strategy.base import Strategy


@dataclass
class VectorOutput:
    """A run's per-prospect outcomes and touch log, or (streamed) only their statistics."""

    prospects: pd.DataFrame
    touches: pd.DataFrame
    stats: StrategyStats
    values: dict[str, NDArray[np.float64]]
    """Streamed: the compared per-prospect columns in prospect order (``paired_values``)."""


@dataclass(frozen=True)
class ChunkTask:
    """One chunk's work, for a worker process."""

    scenario: Scenario
    strategy: Strategy
    seed: int
    start: int
    stop: int
    touch_log: bool
    stream: bool


@dataclass
class ChunkResult:
    """A chunk's outcome and touch-log columns, or (streamed) only its statistics."""

    prospects: dict[str, NDArray[Any]]
    log: dict[str, NDArray[Any]]
    stats: StrategyStats | None = None
    values: dict[str, NDArray[np.float64]] | None = None


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Simulate one chunk; when streaming, return only its statistics (tables dropped here)."""
    keep_freed_memory()
    chunk = Chunk(
        task.scenario, task.strategy, task.seed, task.start, task.stop,
        task.touch_log or task.stream, stats_only=task.stream,
    )  # fmt: skip
    chunk.run()
    prospect_cols = chunk.outcome_columns()
    log_cols = chunk.log.columns()
    if not task.stream:
        return ChunkResult(prospect_cols, log_cols)
    prospects = prospects_frame(task.strategy.name, prospect_cols)
    return ChunkResult({}, {}, StrategyStats.of_log(prospects, log_cols), paired_values(prospects))


def run_vector(
    scenario: Scenario,
    strategy: Strategy,
    n: int,
    seed: int,
    *,
    first_id: int = 0,
    chunk: int = DEFAULT_CHUNK,
    workers: int = 1,
    touch_log: bool = True,
    stream: bool = False,
) -> VectorOutput:
    """Run one strategy on prospects ``first_id`` to ``first_id + n - 1`` in chunks.

    ``stream``: keep only each chunk's sufficient statistics (``sim.results.aggregate``), so
    memory does not grow with ``n``; the outcome table and touch log are then empty.
    """
    if chunk < 1:
        raise ValueError("chunk must be >= 1")
    chunk = Books.of(scenario).align_chunk(chunk, first_id)
    tasks = [
        ChunkTask(scenario, strategy, seed, s, min(s + chunk, first_id + n), touch_log, stream)
        for s in range(first_id, first_id + n, chunk)
    ]
    results: Iterable[ChunkResult]
    if workers > 1 and len(tasks) > 1:
        with worker_pool(min(workers, len(tasks))) as pool:
            results = list(pool.map(run_chunk, tasks))
    else:
        results = map(run_chunk, tasks)
    name, templates = strategy.name, strategy.templates
    if stream:
        total = StrategyStats()
        values: list[dict[str, NDArray[np.float64]]] = []
        for part in results:
            assert part.stats is not None and part.values is not None
            total = total + part.stats
            values.append(part.values)
        joined = {k: np.concatenate([v[k] for v in values]) for k in values[0]}
        return VectorOutput(no_prospects(name), log_frame(name, templates, {}), total, joined)
    done = list(results)
    prospects = prospects_frame(
        name, {k: np.concatenate([r.prospects[k] for r in done]) for k in done[0].prospects}
    )
    logs = [r.log for r in done if r.log]
    cols = (
        {k: np.concatenate([log[k] for log in logs]) for k in logs[0]} if touch_log and logs else {}
    )
    touches = log_frame(name, templates, cols)
    return VectorOutput(
        prospects, touches, StrategyStats.of(prospects, touches if touch_log else None), {}
    )


class VectorEngine:
    """The vectorized engine as an ``Engine``: arrays over prospects, in chunks."""

    name = "vector"
    default_prospects = 50_000
    streams = True
    traces = False
    default_chunk = DEFAULT_CHUNK

    def run(self, task: StrategyTask) -> EngineOutput:
        out = run_vector(
            task.scenario, task.strategy, task.prospects, task.seed,
            first_id=task.first_id, chunk=task.chunk or DEFAULT_CHUNK, workers=task.workers,
            touch_log=task.touch_log, stream=task.stream,
        )  # fmt: skip
        touches = out.touches
        if task.touch_path is not None and not task.stream:
            write_part(touches, task.touch_path)
            touches = touches.iloc[:0]
        return EngineOutput(out.prospects, touches, out.stats, values=out.values)


__all__ = ["DEFAULT_CHUNK", "ChunkTask", "VectorEngine", "VectorOutput", "run_chunk", "run_vector"]
