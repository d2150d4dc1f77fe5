"""Engine agreement: the DES against the vectorized engine on every validation scenario.

    python benchmarks/validate.py --des-prospects 2000 --vector-prospects 200000 --seed 1

For each scenario of ``sim.validation.scenarios`` and each of its strategies, runs the DES
(``--seed``) and the vectorized engine (``--seed + 1``, so the samples are independent),
prints ``sim.validation.agreement.format_agreement`` per scenario and a final count of rows
that agree, and exits with status 1 if any row disagrees (``|z| >= 4``). While
``sim.engines.vector.engine`` cannot be imported, the second run is the DES again, with the
other seed and ``--des-prospects`` prospects (the script says so): a check of the framework itself.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.engines.des.engine import run_des
from sim.strategy.library import get_strategy
from sim.validation.agreement import compare_engines, format_agreement
from sim.validation.scenarios import validation_scenarios

Runner = Callable[..., Any]


@dataclass(frozen=True)
class Job:
    """One engine run of one strategy on one scenario."""

    scenario: str
    strategy: str
    engine: str
    n: int
    seed: int
    horizon_days: int | None


@dataclass
class Run:
    prospects: pd.DataFrame
    touches: pd.DataFrame
    seconds: float


def load_vector(against: str) -> tuple[Runner | None, str]:
    """``run_vector`` if it is wanted and importable, else ``None`` and the reason."""
    if against == "des":
        return None, "--against des"
    try:
        from sim.engines.vector.engine import run_vector
    except ImportError as exc:
        if against == "vector":
            raise
        return None, f"sim.engines.vector.engine is not importable ({exc})"
    return run_vector, ""


def run_des_job(job: Job) -> Run:
    """A DES run (top level, so that a process pool can run it)."""
    sc = validation_scenarios(job.horizon_days)[job.scenario].scenario
    start = time.perf_counter()
    out = run_des(sc, get_strategy(job.strategy, sc), job.n, job.seed)
    return Run(out.prospects, out.touches, time.perf_counter() - start)


def run_vector_job(job: Job, run_vector: Runner, workers: int, touch_log: bool) -> Run:
    sc = validation_scenarios(job.horizon_days)[job.scenario].scenario
    start = time.perf_counter()
    out = run_vector(
        sc, get_strategy(job.strategy, sc), job.n, job.seed, workers=workers, touch_log=touch_log
    )
    return Run(out.prospects, out.touches, time.perf_counter() - start)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Check that the two engines agree on every validation scenario."
    )
    parser.add_argument("--des-prospects", type=int, default=2000)
    parser.add_argument("--vector-prospects", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1, help="DES seed; the other run uses +1")
    parser.add_argument(
        "--against",
        choices=("auto", "vector", "des"),
        default="auto",
        help="second engine: the vectorized one if importable (auto), or force one",
    )
    parser.add_argument("--scenarios", nargs="*", help="only these validation scenarios")
    parser.add_argument("--horizon-days", type=int, help="override every scenario's horizon")
    parser.add_argument("--jobs", type=int, default=1, help="DES runs in parallel processes")
    parser.add_argument("--workers", type=int, default=1, help="vector engine worker processes")
    parser.add_argument(
        "--no-touch-log",
        action="store_true",
        help="run the vector engine without its touch log (drops the touch-log metrics)",
    )
    parser.add_argument(
        "--unpooled", action="store_true", help="each run's own variance in the standard error"
    )
    args = parser.parse_args(argv)
    if args.des_prospects < 2 or args.vector_prospects < 2:
        parser.error("each run needs at least 2 prospects")
    if args.jobs < 1 or args.workers < 1:
        parser.error("--jobs and --workers must be >= 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    specs = validation_scenarios(args.horizon_days)
    names = args.scenarios or list(specs)
    unknown = [n for n in names if n not in specs]
    if unknown:
        print(f"unknown scenarios {unknown}; known: {', '.join(specs)}", file=sys.stderr)
        return 2
    run_vector, why = load_vector(args.against)
    seed_b = args.seed + 1
    if run_vector is None:
        engine_b, n_b = "des", args.des_prospects
        print(f"NOTE: {why}: comparing the DES with itself, seed {args.seed} against seed "
              f"{seed_b}, {n_b} prospects each.")  # fmt: skip
    else:
        engine_b, n_b = "vector", args.vector_prospects
    print(
        f"a = DES, seed {args.seed}, {args.des_prospects} prospects; "
        f"b = {engine_b}, seed {seed_b}, {n_b} prospects; "
        f"agree when |z| < 4 ({'unpooled' if args.unpooled else 'pooled'} standard errors)"
    )

    start = time.perf_counter()
    jobs_a = [
        Job(s, strategy, "des", args.des_prospects, args.seed, args.horizon_days)
        for s in names
        for strategy in specs[s].strategies
    ]
    jobs_b = [Job(j.scenario, j.strategy, engine_b, n_b, seed_b, j.horizon_days) for j in jobs_a]
    des_jobs = jobs_a + (jobs_b if engine_b == "des" else [])
    if args.jobs > 1:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            runs = dict(zip(des_jobs, pool.map(run_des_job, des_jobs), strict=True))
    else:
        runs = {j: run_des_job(j) for j in des_jobs}
    if run_vector is not None:
        for job in jobs_b:
            runs[job] = run_vector_job(job, run_vector, args.workers, not args.no_touch_log)

    total = agree = 0
    for name in names:
        pairs = [(a, b) for a, b in zip(jobs_a, jobs_b, strict=True) if a.scenario == name]
        ra = [runs[a] for a, _ in pairs]
        rb = [runs[b] for _, b in pairs]
        df = compare_engines(
            pd.concat([r.prospects for r in ra], ignore_index=True),
            pd.concat([r.prospects for r in rb], ignore_index=True),
            pd.concat([r.touches for r in ra], ignore_index=True),
            pd.concat([r.touches for r in rb], ignore_index=True),
            pooled=not args.unpooled,
        )
        total += len(df)
        agree += int(df["agree"].sum())
        sc = specs[name].scenario
        timing = ", ".join(
            f"{a.strategy} {runs[a].seconds:.1f}s / {runs[b].seconds:.1f}s" for a, b in pairs
        )
        print(f"\n== {name} ({sc.horizon} business days) ==")
        print(f"run time a / b: {timing}")
        print(format_agreement(df))
    seconds = time.perf_counter() - start
    print(f"\n{agree} of {total} rows agree across {len(names)} scenarios ({seconds:.0f} s)")
    if agree < total:
        print(f"{total - agree} rows DISAGREE (|z| >= 4)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
