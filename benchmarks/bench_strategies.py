"""Benchmark: every library strategy's rate in one process, against a bare NumPy step.

Run on demand (``make bench-strategies``); prints a table, asserts nothing. For each library
strategy, the vectorized engine runs the baseline scenario on ``--prospects`` prospects with one
worker and no touch log (the best of ``--repeat`` runs), and right before it a bare NumPy step
runs over the same prospect-days in the same chunks: per prospect-day two uniforms and a
logistic (``bare_step``). The bare step is this machine's practical limit for the engine's
design (a business day at a time over arrays of prospects); its rate, measured next to each
strategy, makes the ratio robust to the load of a shared machine. Issue 20's target: every
strategy at least 1.2e7 prospect-days/s.

    python benchmarks/bench_strategies.py --prospects 262144 --repeat 2
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable

import numpy as np
from numpy.random import PCG64, Generator, SeedSequence

from sim.engines.vector.engine import DEFAULT_CHUNK, run_vector
from sim.io.loader import load_scenario
from sim.model.scenario import Scenario
from sim.strategy.library import get_strategy, library_names

TARGET = 1.2e7
"""Prospect-days per second every strategy should reach (issue 20)."""


def bare_step(n: int, days: int, chunk: int, seed: int) -> int:
    """Per prospect-day of ``n`` prospects over ``days`` days in chunks of ``chunk``: two
    uniforms and a logistic (a pickup-like decision). Returns the count of successes, so the
    work cannot be skipped."""
    hits = 0
    for start in range(0, n, chunk):
        size = min(chunk, n - start)
        logit = np.linspace(-2.0, 1.0, size)
        for day in range(days):
            g = Generator(PCG64(SeedSequence(seed, spawn_key=(start, day))))
            u1 = g.random(size)
            u2 = g.random(size)
            p = 1.0 / (1.0 + np.exp(-(logit + u1)))
            hits += int(np.count_nonzero(u2 < p))
    return hits


def best_seconds(fn: object, repeat: int, clock: Callable[[], float]) -> float:
    """The shortest of ``repeat`` timed calls of ``fn`` (no arguments)."""
    assert callable(fn)
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        fn()
        best = min(best, clock() - start)
    return best


def bench(sc: Scenario, names: list[str], args: argparse.Namespace) -> None:
    days, n, chunk = sc.horizon, args.prospects, args.chunk
    clock = time.process_time if args.cpu else time.perf_counter
    pd_ = n * days
    print(f"{'strategy':<22} {'prospect-days/s':>16} {'bare step/s':>14} {'ratio':>7}  target")
    misses = 0
    for name in names:
        strategy = get_strategy(name, sc)
        t_bare = best_seconds(lambda: bare_step(n, days, chunk, args.seed), args.repeat, clock)
        t_run = best_seconds(
            lambda s=strategy: run_vector(  # type: ignore[misc]
                sc, s, n, args.seed, chunk=chunk, workers=1, touch_log=False
            ),
            args.repeat,
            clock,
        )
        rate, bare = pd_ / t_run, pd_ / t_bare
        ok = rate >= TARGET
        misses += not ok
        print(
            f"{name:<22} {rate:>16,.0f} {bare:>14,.0f} {rate / bare:>7.3f}  "
            f"{'ok' if ok else 'MISS'}",
            flush=True,
        )
    print(f"\n{len(names) - misses} of {len(names)} strategies at or above {TARGET:,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Each library strategy's prospect-days/s and its ratio to a bare NumPy step."
    )
    parser.add_argument("--prospects", type=int, default=262_144)
    parser.add_argument("--chunk", type=int, default=DEFAULT_CHUNK, help="vector chunk size")
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time by this process's CPU time, not wall time (steadier on a shared machine)",
    )
    parser.add_argument("--strategy", action="append", help="only these (repeatable)")
    args = parser.parse_args()
    if min(args.prospects, args.chunk, args.repeat) < 1:
        parser.error("--prospects, --chunk and --repeat must be at least 1")
    sc = load_scenario("baseline")
    names = args.strategy or library_names()
    unknown = sorted(set(names) - set(library_names()))
    if unknown:
        parser.error(f"unknown strategy {unknown[0]!r}; one of: {', '.join(library_names())}")
    print(
        f"baseline scenario, {sc.horizon} business days | vector, workers=1, touch_log=False | "
        f"{args.prospects:,} prospects in chunks of {args.chunk:,} | best of {args.repeat} | "
        f"seed {args.seed} | {'CPU' if args.cpu else 'wall'} time"
    )
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"{os.cpu_count()} CPUs reported\n")  # fmt: skip
    bench(sc, names, args)


if __name__ == "__main__":
    main()
