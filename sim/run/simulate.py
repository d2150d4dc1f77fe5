"""Running strategies on a scenario: the one entry point of the command line and the Python API.

``simulate(scenario, strategies, options)`` runs each strategy on the same prospects (common
random numbers) on one engine and returns a ``RunResult``; with ``options.precision`` it grows
the run until the meeting rates are as precise as asked (``sim.run.precision``), on one pool
of workers for all its rounds. A caller making many runs passes its own pool
(``with sim.run.runner(2) as pool: simulate(..., pool=pool)``) so that workers start once.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from sim.engines.des.week import trace_week
from sim.engines.registry import get_engine
from sim.model.scenario import Scenario
from sim.results.frames import log_frame, no_prospects
from sim.results.result import RunResult
from sim.run.chunked import collect, plan_run
from sim.run.executor import Runner, ordered, runner
from sim.run.options import RunOptions
from sim.run.precision import grow_to_precision
from sim.strategy.base import Strategy
from sim.strategy.library import expand, get_strategy


def simulate(
    scenario: Scenario,
    strategies: Sequence[str | Strategy] | None = None,
    options: RunOptions | None = None,
    /,
    *,
    pool: Runner | None = None,
    **changes: Any,
) -> RunResult:
    """Run each strategy on the same prospects (common random numbers).

    ``strategies``: names from the library or the scenario's ``custom_strategies``, or
    ``Strategy`` objects (a researcher's own Python strategy); default the scenario's list;
    ``all`` stands for the library plus the scenario's own. ``options``: a ``RunOptions``;
    keyword arguments change its fields (``simulate(sc, ["one-and-done"], prospects=5000)``).
    ``pool``: a ``sim.run.runner`` to run the tasks on instead of starting one (its workers
    then stand for ``workers`` and ``scheduler``). The results do not depend on ``chunk``,
    ``workers`` or the pool.
    """
    opts = (options or RunOptions()).replace(**changes) if changes else options or RunOptions()
    names, objects = _strategies(scenario, strategies)
    if opts.precision is None:
        return _run(scenario, names, objects, opts, pool)
    rounds = nullcontext(pool) if pool is not None else runner(opts.workers, opts.scheduler)
    with rounds as shared:
        return grow_to_precision(
            lambda n: _run(scenario, names, objects, opts.replace(prospects=n), shared), opts
        )


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
    scenario: Scenario,
    names: list[str],
    objects: list[Strategy],
    opts: RunOptions,
    pool: Runner | None,
) -> RunResult:
    """One run; on ``pool``, or on a runner of its own sized to its tasks (a run of one task
    stays in this process)."""
    engine = get_engine(opts.engine)
    start = time.perf_counter()
    tables = not opts.stream
    touch_dir = Path(opts.touch_dir) if opts.touch_dir is not None else None
    if touch_dir is not None and tables:
        touch_dir.mkdir(parents=True, exist_ok=True)
    plan = plan_run(
        engine, scenario, objects, prospects=opts.prospects, seed=opts.seed, chunk=opts.chunk,
        tables=tables, touch_log=opts.touch_log, touch_dir=touch_dir, trace=opts.trace,
    )  # fmt: skip
    bar = tqdm(
        total=opts.prospects * len(names), desc="simulating", unit="prospect",
        unit_scale=True, disable=not opts.progress,
    )  # fmt: skip
    try:
        if pool is not None:
            kept = collect(plan, ordered(pool, engine.run, plan.tasks), bar.update)
        else:
            with runner(min(opts.workers, len(plan.tasks)), opts.scheduler) as run:
                kept = collect(plan, ordered(run, engine.run, plan.tasks), bar.update)
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
        prospects=kept.table(names, "prospects")
        if tables and not plan.ordered_prospect_parts
        else _empty(names, "prospects"),
        touches=kept.table(names, "touches")
        if tables and not plan.touch_parts
        else _empty(names, "touches"),
        wall_time=time.perf_counter() - start,
        traces=kept.traces,
        stats={name: kept.stats[name] for name in names},
        paired=kept.paired,
        streamed=opts.stream,
        chunk=opts.chunk or engine.default_chunk,
        workers=opts.workers if pool is None else pool.slots,
        scheduler=opts.scheduler,
        touch_parts=plan.touch_parts,
        prospect_parts=plan.ordered_prospect_parts,
        week=week,
    )


def _empty(names: list[str], which: str) -> pd.DataFrame:
    """An empty outcome table or touch log with its columns (a run that kept none)."""
    return no_prospects(names[0]) if which == "prospects" else log_frame(names[0], (), {})


__all__ = ["RunOptions", "RunResult", "simulate"]
