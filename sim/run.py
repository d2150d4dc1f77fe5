"""Running strategies on a scenario: the one entry point both the CLI and the Python API use."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import NamedTuple

import pandas as pd
from tqdm import tqdm

from .aggregate import StrategyStats
from .scenario import Scenario
from .strategy.base import Strategy
from .strategy.library import expand, get_strategy

ENGINES: tuple[str, ...] = ("des", "vector")


@dataclass
class RunResult:
    """Per-prospect outcomes and the touch log of every strategy, on the same prospects."""

    scenario: Scenario
    engine: str
    seed: int
    n_prospects: int
    strategies: list[str]
    prospects: pd.DataFrame
    touches: pd.DataFrame
    wall_time: float
    traces: dict[tuple[str, int], list[tuple[object, ...]]] = field(default_factory=dict)
    stats: dict[str, StrategyStats] = field(default_factory=dict)
    """Per-strategy sufficient statistics; the only output of a streamed run."""
    streamed: bool = False
    chunk: int | None = None
    """Prospects per chunk (vector engine; None for the DES)."""
    workers: int = 1
    """Worker processes (vector engine)."""


class VectorTask(NamedTuple):
    """One strategy's whole vector-engine run, for a worker process."""

    scenario: Scenario
    strategy: Strategy
    prospects: int
    seed: int
    chunk: int
    touch_log: bool
    stream: bool


VectorFrames = tuple[pd.DataFrame, pd.DataFrame, StrategyStats]


def _run_vector_task(task: VectorTask) -> VectorFrames:
    from .vector.engine import run_vector

    out = run_vector(
        task.scenario, task.strategy, task.prospects, task.seed, chunk=task.chunk,
        touch_log=task.touch_log, stream=task.stream,
    )  # fmt: skip
    return out.prospects, out.touches, out.stats


def _vector_in_parallel(
    tasks: list[VectorTask], workers: int, done: Callable[[], object]
) -> list[VectorFrames]:
    """Whole strategies on ``workers`` processes (each runs its strategy's chunks in turn), in
    the order of ``tasks``; ``done()`` after each finished strategy. One pool for the run:
    its processes start while the parent is still small, and each strategy's tables are built
    in the worker that simulated it."""
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_run_vector_task, task) for task in tasks]
        for _ in as_completed(futures):
            done()
        return [f.result() for f in futures]


def simulate(
    scenario: Scenario,
    strategies: Sequence[str | Strategy] | None = None,
    *,
    prospects: int = 2000,
    seed: int = 0,
    engine: str = "des",
    progress: bool = False,
    trace: Sequence[int] = (),
    workers: int = 1,
    chunk: int | None = None,
    touch_log: bool = True,
    stream: bool = False,
) -> RunResult:
    """Run each strategy on the same ``prospects`` prospects (common random numbers).

    ``strategies``: names from the library or the scenario's ``custom_strategies``, or
    ``Strategy`` objects (a researcher's own Python strategy); default the scenario's list.

    ``engine``: ``des`` (discrete-event, prospect by prospect) or ``vector`` (arrays, in
    chunks of ``chunk`` prospects). With ``workers`` > 1 the vector engine runs whole
    strategies side by side on that many processes (one strategy alone: its chunks); the
    results do not depend on ``chunk`` or ``workers``. ``trace`` lists prospect indices whose
    day-by-day story is recorded (DES only). ``stream`` (vector engine) keeps only
    per-strategy statistics, so memory stays flat for any number of prospects; the outcome
    table and touch log are then empty.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if prospects < 1:
        raise ValueError("prospects must be >= 1")
    chosen = list(strategies or scenario.strategies)
    objects = {s.name: s for s in chosen if isinstance(s, Strategy)}
    names = expand([s if isinstance(s, str) else s.name for s in chosen], scenario)
    if stream and engine != "vector":
        raise ValueError("streaming aggregates chunks of the vector engine: use engine='vector'")
    if trace and engine != "des":
        raise ValueError("traces are told by the discrete-event engine: use engine='des'")
    if workers < 1:
        raise ValueError("workers must be >= 1")
    from .des.engine import run_des
    from .vector.engine import DEFAULT_CHUNK, run_vector

    start = time.perf_counter()
    p_frames, t_frames = [], []
    traces: dict[tuple[str, int], list[tuple[object, ...]]] = {}
    stats: dict[str, StrategyStats] = {}
    strategy_objects = [objects.get(name) or get_strategy(name, scenario) for name in names]
    bar = tqdm(total=len(names), desc="strategies", unit="strategy", disable=not progress)
    if engine == "vector" and workers > 1 and len(names) > 1:
        tasks = [
            VectorTask(scenario, s, prospects, seed, chunk or DEFAULT_CHUNK, touch_log, stream)
            for s in strategy_objects
        ]
        outputs = _vector_in_parallel(tasks, min(workers, len(tasks)), bar.update)
        for name, (p_frame, t_frame, st) in zip(names, outputs, strict=True):
            p_frames.append(p_frame)
            t_frames.append(t_frame)
            stats[name] = st
    for name, strategy in zip(names, strategy_objects, strict=True):
        if name in stats:
            continue
        if engine == "des":
            des = run_des(scenario, strategy, prospects, seed, trace=trace)
            traces.update({(name, i): events for i, events in des.traces.items()})
            frames = des.prospects, des.touches
            stats[name] = StrategyStats.of(*frames)
        else:
            vec = run_vector(scenario, strategy, prospects, seed, chunk=chunk or DEFAULT_CHUNK,
                             workers=workers, touch_log=touch_log, stream=stream)  # fmt: skip
            frames = vec.prospects, vec.touches
            stats[name] = vec.stats
        p_frames.append(frames[0])
        t_frames.append(frames[1])
        bar.update()
    bar.close()
    return RunResult(
        scenario=scenario,
        engine=engine,
        seed=seed,
        n_prospects=prospects,
        strategies=names,
        prospects=pd.concat(p_frames, ignore_index=True),
        touches=pd.concat(t_frames, ignore_index=True),
        wall_time=time.perf_counter() - start,
        traces=traces,
        stats=stats,
        streamed=stream,
        chunk=(chunk or DEFAULT_CHUNK) if engine == "vector" else None,
        workers=workers if engine == "vector" else 1,
    )
