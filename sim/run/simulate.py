"""Running strategies on a scenario: the one entry point of the command line and the Python API.

``simulate(scenario, strategies, options)`` runs each strategy on the same prospects (common
random numbers) on one engine and returns a ``RunResult``; with ``options.precision`` it grows
the run until the meeting rates are as precise as asked (``sim.run.precision``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import as_completed
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from sim.engines.base import EngineOutput, StrategyTask
from sim.engines.des.week import trace_week
from sim.engines.registry import get_engine
from sim.model.scenario import Scenario
from sim.results.result import RunResult
from sim.results.touch_store import part_path
from sim.run.options import RunOptions
from sim.run.pool import worker_pool
from sim.run.precision import grow_to_precision
from sim.strategy.base import Strategy
from sim.strategy.library import expand, get_strategy


def simulate(
    scenario: Scenario,
    strategies: Sequence[str | Strategy] | None = None,
    options: RunOptions | None = None,
    /,
    **changes: Any,
) -> RunResult:
    """Run each strategy on the same prospects (common random numbers).

    ``strategies``: names from the library or the scenario's ``custom_strategies``, or
    ``Strategy`` objects (a researcher's own Python strategy); default the scenario's list;
    ``all`` stands for the library plus the scenario's own. ``options``: a ``RunOptions``;
    keyword arguments change its fields (``simulate(sc, ["one-and-done"], prospects=5000)``).
    The results do not depend on ``chunk`` or ``workers``.
    """
    opts = (options or RunOptions()).replace(**changes) if changes else options or RunOptions()
    names, objects = _strategies(scenario, strategies)
    if opts.precision is not None:
        return grow_to_precision(
            lambda n: _run(scenario, names, objects, opts.replace(prospects=n)), opts
        )
    return _run(scenario, names, objects, opts)


def _strategies(
    scenario: Scenario, strategies: Sequence[str | Strategy] | None
) -> tuple[list[str], list[Strategy]]:
    chosen = list(strategies if strategies is not None else scenario.strategies)
    if not chosen:
        raise ValueError("no strategies to run")
    given = {s.name: s for s in chosen if isinstance(s, Strategy)}
    names = expand([s if isinstance(s, str) else s.name for s in chosen], scenario)
    return names, [given.get(name) or get_strategy(name, scenario) for name in names]


def _run(
    scenario: Scenario, names: list[str], objects: list[Strategy], opts: RunOptions
) -> RunResult:
    engine = get_engine(opts.engine)
    start = time.perf_counter()
    parts: list[Path] = []
    if opts.touch_dir is not None and opts.touch_log and not opts.stream:
        Path(opts.touch_dir).mkdir(parents=True, exist_ok=True)
        parts = [part_path(Path(opts.touch_dir), k) for k in range(len(names))]
    side_by_side = opts.workers > 1 and len(names) > 1
    tasks = [
        StrategyTask(
            scenario,
            strategy,
            opts.prospects,
            opts.seed,
            chunk=opts.chunk,
            workers=1 if side_by_side else opts.workers,
            touch_log=opts.touch_log,
            stream=opts.stream,
            touch_path=parts[k] if parts else None,
            trace=opts.trace,
        )
        for k, strategy in enumerate(objects)
    ]
    bar = tqdm(total=len(names), desc="strategies", unit="strategy", disable=not opts.progress)
    try:
        if side_by_side:
            outputs = _in_parallel(engine.run, tasks, min(opts.workers, len(tasks)), bar.update)
        else:
            outputs = []
            for task in tasks:
                outputs.append(engine.run(task))
                bar.update()
    finally:
        bar.close()
    week = None
    if opts.week:
        strategy = opts.week_strategy or names[0]
        obj = (
            objects[names.index(strategy)]
            if strategy in names
            else get_strategy(strategy, scenario)
        )
        week = trace_week(scenario, obj, opts.seed)
    return RunResult(
        scenario=scenario,
        engine=engine.name,
        seed=opts.seed,
        n_prospects=opts.prospects,
        strategies=names,
        prospects=pd.concat([o.prospects for o in outputs], ignore_index=True),
        touches=pd.concat([o.touches for o in outputs], ignore_index=True),
        wall_time=time.perf_counter() - start,
        traces={
            (name, i): story
            for name, o in zip(names, outputs, strict=True)
            for i, story in o.traces.items()
        },
        stats={name: o.stats for name, o in zip(names, outputs, strict=True)},
        streamed=opts.stream,
        chunk=opts.chunk or engine.default_chunk,
        workers=opts.workers,
        touch_parts=parts,
        week=week,
    )


def _in_parallel(
    run: Callable[[StrategyTask], EngineOutput],
    tasks: list[StrategyTask],
    workers: int,
    done: Callable[[], object],
) -> list[EngineOutput]:
    """Whole strategies on ``workers`` processes, in the order of ``tasks``; ``done()`` after
    each finished strategy. One pool for the run: its processes start while the parent is
    still small, and each strategy's tables are built in the worker that simulated it. The
    workers die with the parent, and at once when this ends with an error or Ctrl-C
    (``sim.run.pool``)."""
    with worker_pool(workers) as pool:
        futures = [pool.submit(run, task) for task in tasks]
        for _ in as_completed(futures):
            done()
        return [f.result() for f in futures]


__all__ = ["RunOptions", "RunResult", "simulate"]
