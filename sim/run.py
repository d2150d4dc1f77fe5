"""Running strategies on a scenario: the one entry point both the CLI and the Python API use."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pandas as pd
from tqdm import tqdm

from .aggregate import StrategyStats
from .scenario import Scenario
from .strategy.base import Strategy
from .strategy.library import expand, get_strategy
from .touch_store import part_path, write_part

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
    """Worker processes."""
    touch_parts: list[Path] = field(default_factory=list)
    """With ``simulate(..., touch_dir=...)``: the touch log's part files, in strategy order
    (``touches`` is then empty)."""


class StrategyTask(NamedTuple):
    """One strategy's whole run on one engine, for a worker process."""

    engine: str
    scenario: Scenario
    strategy: Strategy
    prospects: int
    seed: int
    chunk: int
    touch_log: bool
    stream: bool
    touch_path: Path | None = None
    """Write the touch log here (a parquet part) instead of returning it."""
    trace: tuple[int, ...] = ()
    """Prospects whose story the DES records."""


Traces = dict[int, list[tuple[object, ...]]]
Frames = tuple[pd.DataFrame, pd.DataFrame, StrategyStats, Traces]


def _run_task(task: StrategyTask, workers: int = 1) -> Frames:
    """Simulate one strategy (``workers``: chunk processes, vector engine)."""
    if task.engine == "des":
        from .des.engine import run_des

        des = run_des(task.scenario, task.strategy, task.prospects, task.seed, trace=task.trace)
        stats = StrategyStats.of(des.prospects, des.touches)
        frames = des.prospects, des.touches, stats, des.traces
    else:
        from .vector.engine import run_vector

        out = run_vector(
            task.scenario, task.strategy, task.prospects, task.seed, chunk=task.chunk,
            workers=workers, touch_log=task.touch_log, stream=task.stream,
        )  # fmt: skip
        frames = out.prospects, out.touches, out.stats, {}
    if task.touch_path is None:
        return frames
    write_part(frames[1], task.touch_path)
    return frames[0], frames[1].iloc[:0], frames[2], frames[3]


def _in_parallel(
    tasks: list[StrategyTask], workers: int, done: Callable[[], object]
) -> list[Frames]:
    """Whole strategies on ``workers`` processes (each runs its strategy's chunks in turn), in
    the order of ``tasks``; ``done()`` after each finished strategy. One pool for the run:
    its processes start while the parent is still small, and each strategy's tables are built
    in the worker that simulated it."""
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_run_task, task) for task in tasks]
        for _ in as_completed(futures):
            done()
        return [f.result() for f in futures]


def simulate(
    scenario: Scenario,
    strategies: Sequence[str | Strategy] | None = None,
    *,
    prospects: int = 2000,
    seed: int = 0,
    engine: str = "vector",
    progress: bool = False,
    trace: Sequence[int] = (),
    workers: int = 1,
    chunk: int | None = None,
    touch_log: bool = True,
    stream: bool = False,
    touch_dir: Path | None = None,
) -> RunResult:
    """Run each strategy on the same ``prospects`` prospects (common random numbers).

    ``strategies``: names from the library or the scenario's ``custom_strategies``, or
    ``Strategy`` objects (a researcher's own Python strategy); default the scenario's list.

    ``engine``: ``vector`` (arrays, in chunks of ``chunk`` prospects; the default, as on the
    command line) or ``des`` (discrete-event, prospect by prospect: the reference, and the
    one that tells a prospect's story with ``trace``). With ``workers`` > 1 whole strategies
    run side by side on that many processes (one strategy alone on the vector engine: its
    chunks); the results do not depend on ``chunk`` or ``workers``. ``trace`` lists prospect
    indices whose day-by-day story is recorded (DES only). ``stream`` (vector engine) keeps only
    per-strategy statistics, so memory stays flat for any number of prospects; the outcome
    table and touch log are then empty. ``touch_dir``: each strategy's touch log goes to a
    parquet part file in that folder (``sim.touch_store``; listed in ``touch_parts``, in
    strategy order) instead of into ``touches``, so large runs do not hold it in memory.
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
    from .vector.engine import DEFAULT_CHUNK

    start = time.perf_counter()
    p_frames, t_frames = [], []
    traces: dict[tuple[str, int], list[tuple[object, ...]]] = {}
    stats: dict[str, StrategyStats] = {}
    strategy_objects = [objects.get(name) or get_strategy(name, scenario) for name in names]
    bar = tqdm(total=len(names), desc="strategies", unit="strategy", disable=not progress)
    parts: list[Path] = (
        [part_path(Path(touch_dir), k) for k in range(len(names))]
        if touch_dir is not None and touch_log and not stream
        else []
    )
    chunk = chunk or DEFAULT_CHUNK
    slots: list[Path | None] = list(parts) if parts else [None] * len(names)
    tasks = [
        StrategyTask(
            engine, scenario, s, prospects, seed, chunk, touch_log, stream, part, tuple(trace)
        )
        for s, part in zip(strategy_objects, slots, strict=True)
    ]
    if parts:
        Path(touch_dir or ".").mkdir(parents=True, exist_ok=True)
    if workers > 1 and len(names) > 1:
        outputs = _in_parallel(tasks, min(workers, len(tasks)), bar.update)
    else:
        outputs = []
        for task in tasks:
            outputs.append(_run_task(task, workers))
            bar.update()
    for name, (p_frame, t_frame, st, story) in zip(names, outputs, strict=True):
        p_frames.append(p_frame)
        t_frames.append(t_frame)
        stats[name] = st
        traces.update({(name, i): events for i, events in story.items()})
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
        chunk=chunk if engine == "vector" else None,
        workers=workers,
        touch_parts=parts,
    )
