"""The size of the vectorized engine's approximations (docs/model.md 10.5), measured.

    python benchmarks/approximations.py --des-prospects 20000 --vector-prospects 400000

Runs the stress strategies of ``sim.validation.approximations`` (three desk calls in one
morning; two emails in one triage window) on both engines, independent seeds, and prints for each:

- how a touch fares given the touch(es) before it on the same day (``pair_shares``): the DES
  plays the day's events out on one schedule and one set of competitors; the vectorized engine
  draws each from its law given the previous one, so the shares after one miss or success
  check that draw and the share after two misses measures what conditioning on one leaves out;
- the per-prospect metrics of ``sim.validation.agreement`` (meeting, reach, no, opt-out rates,
  touches, pick-ups, reads): what the difference does to the results a user reads.

It measures; it does not judge. ``diff`` is DES minus vector, with its standard error
(unpooled) and ``z``.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor

import pandas as pd

from sim.engines.des.engine import run_des
from sim.engines.vector.engine import run_vector
from sim.strategy.library import get_strategy
from sim.validation.agreement import compare_engines
from sim.validation.approximations import STRESS_CHANNELS, compare_pairs, stress_scenario

Frames = tuple[pd.DataFrame, pd.DataFrame, float]


def des_job(task: tuple[str, int, int, int | None]) -> Frames:
    name, n, seed, horizon = task
    sc = stress_scenario(horizon)
    start = time.perf_counter()
    out = run_des(sc, get_strategy(name, sc), n, seed)
    return out.prospects, out.touches, time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--des-prospects", type=int, default=20_000)
    parser.add_argument("--vector-prospects", type=int, default=400_000)
    parser.add_argument("--seed", type=int, default=1, help="DES seed; the vector run uses +1")
    parser.add_argument("--horizon-days", type=int, help="override the 60-day horizon")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the DES and vector")
    args = parser.parse_args(argv)
    sc = stress_scenario(args.horizon_days)
    names = list(STRESS_CHANNELS)
    tasks = [(name, args.des_prospects, args.seed, args.horizon_days) for name in names]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        des = dict(zip(names, pool.map(des_job, tasks), strict=True))
    pd.set_option("display.width", 120)
    for name, channel in STRESS_CHANNELS.items():
        start = time.perf_counter()
        vec = run_vector(
            sc, get_strategy(name, sc), args.vector_prospects, args.seed + 1, workers=args.jobs
        )
        seconds = time.perf_counter() - start
        d_prospects, d_touches, d_seconds = des[name]
        print(f"== {name} ({channel}; DES {args.des_prospects:,} prospects in {d_seconds:.0f} s, "
              f"vector {args.vector_prospects:,} in {seconds:.0f} s) ==")  # fmt: skip
        print("a touch given the previous one on the same day:")
        print(compare_pairs(d_touches, vec.touches, channel).to_string(index=False))
        rows = compare_engines(d_prospects, vec.prospects, d_touches, vec.touches, pooled=False)
        rows = rows[~rows["metric"].str.startswith("first_reached_at_")]
        print("per prospect (value_a = DES, value_b = vector):")
        print(rows.drop(columns=["strategy", "agree"]).to_string(index=False))
        print()


if __name__ == "__main__":
    main()
