"""Benchmark: the vectorized engine against the DES on the baseline scenario.

Run on demand (``make bench-vector``); prints figures, asserts nothing. For each strategy,
in one run: the DES on ``--des-prospects`` prospects, then the vectorized engine on
``--prospects`` prospects without its touch log, with one worker and with two. Prints wall
times, prospect-days per second, the ratio vector / DES and the speed-up of two workers over
one, then the peak resident memory of this process and, separately, of its worker
processes. ``--profile`` adds one vectorized run under cProfile (top 20 functions by
internal time).

    python benchmarks/bench_vector.py --prospects 262144 --des-prospects 300
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import resource
import sys
import time

from sim.engines.des.engine import run_des
from sim.engines.vector.engine import DEFAULT_CHUNK, run_vector
from sim.io.loader import load_scenario
from sim.model.scenario import Scenario
from sim.strategy.library import get_strategy, library_names


def peak_rss_mib(who: int) -> float:
    """Peak resident set size in MiB (``ru_maxrss`` is in KiB on Linux, bytes on macOS)."""
    rss = resource.getrusage(who).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 2**10


def rate(prospects: int, days: int, seconds: float) -> float:
    return prospects * days / seconds if seconds > 0 else float("inf")


def time_des(sc: Scenario, name: str, n: int, seed: int) -> float:
    start = time.perf_counter()
    run_des(sc, get_strategy(name, sc), n, seed)
    return time.perf_counter() - start


def time_vector(sc: Scenario, name: str, n: int, seed: int, chunk: int, workers: int) -> float:
    start = time.perf_counter()
    run_vector(sc, get_strategy(name, sc), n, seed, chunk=chunk, workers=workers, touch_log=False)
    return time.perf_counter() - start


def bench_strategy(sc: Scenario, name: str, args: argparse.Namespace) -> None:
    days = sc.horizon
    print(f"\n== {name} ==")
    rows: list[tuple[str, int, float]] = []
    t_des = time_des(sc, name, args.des_prospects, args.seed)
    rows.append(("des", args.des_prospects, t_des))
    t_v1 = time_vector(sc, name, args.prospects, args.seed, args.chunk, 1)
    rows.append(("vector, workers=1", args.prospects, t_v1))
    t_v2 = time_vector(sc, name, args.prospects, args.seed, args.chunk, 2)
    rows.append(("vector, workers=2", args.prospects, t_v2))
    for label, n, seconds in rows:
        print(
            f"  {label:<18} {n:>9,} prospects  {seconds:8.2f} s  "
            f"{rate(n, days, seconds):>12,.0f} prospect-days/s"
        )
    des_rate = rate(args.des_prospects, days, t_des)
    print(f"  vector / DES: {rate(args.prospects, days, t_v1) / des_rate:,.0f}x (workers=1), "
          f"{rate(args.prospects, days, t_v2) / des_rate:,.0f}x (workers=2)")  # fmt: skip
    print(f"  2 workers over 1: {t_v1 / t_v2:.2f}x")
    print(f"  peak RSS of this process so far: {peak_rss_mib(resource.RUSAGE_SELF):,.0f} MiB")


def profile(sc: Scenario, name: str, args: argparse.Namespace) -> None:
    n = args.profile_prospects
    print(f"\n== cProfile: vector, {name}, {n:,} prospects, workers=1, touch_log=False ==")
    strategy = get_strategy(name, sc)
    profiler = cProfile.Profile()
    profiler.enable()
    run_vector(sc, strategy, n, args.seed, chunk=args.chunk, workers=1, touch_log=False)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(20)
    print(out.getvalue().rstrip())


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Prospect-days per second of the vectorized engine against the DES."
    )
    parser.add_argument("--prospects", type=int, default=1_000_000, help="vector engine")
    parser.add_argument("--des-prospects", type=int, default=500)
    parser.add_argument("--strategy", default="persistent-until-no")
    parser.add_argument(
        "--all-strategies", action="store_true", help="every strategy of the library in turn"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--chunk", type=int, default=DEFAULT_CHUNK, help="vector chunk size")
    parser.add_argument(
        "--profile", action="store_true", help="also profile one vector run with cProfile"
    )
    parser.add_argument("--profile-prospects", type=int, default=131_072)
    args = parser.parse_args()
    if min(args.prospects, args.des_prospects, args.chunk, args.profile_prospects) < 1:
        parser.error("prospect counts and --chunk must be at least 1")
    sc = load_scenario("baseline")
    names = library_names() if args.all_strategies else [args.strategy]
    print(
        f"baseline scenario, {sc.horizon} business days | DES {args.des_prospects:,} prospects | "
        f"vector {args.prospects:,} prospects in chunks of {args.chunk:,}, touch_log=False | "
        f"seed {args.seed}"
    )
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs reported")
    for name in names:
        bench_strategy(sc, name, args)
    print(
        f"\npeak RSS, this process: {peak_rss_mib(resource.RUSAGE_SELF):,.0f} MiB "
        "(the main process: DES, vector with workers=1, and gathering the workers' results)"
    )
    print(
        f"peak RSS, child processes: {peak_rss_mib(resource.RUSAGE_CHILDREN):,.0f} MiB "
        "(RUSAGE_CHILDREN, reported separately and not included above: the largest single "
        "worker that has ended; a forked worker also counts pages it shares with this process)"
    )
    if args.profile:
        profile(sc, names[0], args)


if __name__ == "__main__":
    main()
