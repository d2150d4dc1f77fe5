"""Benchmark: how much common random numbers buy, strategy against strategy.

Runs strategies on the same prospects and prints, for meetings, reach and opt-outs, the ratio
of the unpaired variance ``Var(a) + Var(b)`` to the paired ``Var(a - b)`` of the per-prospect
outcomes, over every pair of strategies (median and range, and the two pairs at each end). A
ratio of 1 means pairing gains nothing; 9 means a paired comparison needs a ninth of the
prospects for the same precision. docs/model.md 10.3 has the figures.

    python benchmarks/pairing.py --prospects 40000             # vectorized engine
    python benchmarks/pairing.py --prospects 2500 --engine des
"""

from __future__ import annotations

import argparse
import itertools
import time

import numpy as np
import pandas as pd

from sim.io.loader import load_scenario
from sim.run import simulate

STRATEGIES = (
    "one-and-done",
    "persistent-until-no",
    "breakup-after-two",
    "five-to-one",
    "knowledge-broker",
    "channel-mix",
    "overkill",
    "no-follow-up",
)
METRICS = {"meeting": "meeting", "reach": "reached", "opt-out": "opted_out"}


def ratios(table: pd.DataFrame, names: list[str], column: str) -> list[tuple[float, str, str]]:
    """(unpaired / paired variance, a, b) for every pair with a nonzero paired variance."""
    out = []
    for a, b in itertools.combinations(names, 2):
        xa = table.loc[table.strategy == a, column].to_numpy(float)
        xb = table.loc[table.strategy == b, column].to_numpy(float)
        paired = float(np.var(xa - xb, ddof=1))
        if paired > 0:
            out.append(((np.var(xa, ddof=1) + np.var(xb, ddof=1)) / paired, a, b))
    return sorted(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prospects", type=int, default=40_000)
    parser.add_argument("--engine", default="vector")
    parser.add_argument("--scenario", default="baseline")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    names = list(STRATEGIES)
    start = time.perf_counter()
    run = simulate(
        load_scenario(args.scenario), names, prospects=args.prospects, seed=args.seed,
        engine=args.engine, workers=args.workers, touch_log=False,
    )  # fmt: skip
    print(f"{args.engine}, {args.scenario}, {args.prospects:,} prospects, "
          f"{len(names)} strategies: {time.perf_counter() - start:.1f} s")  # fmt: skip
    for label, column in METRICS.items():
        found = ratios(run.prospects, names, column)
        r = np.array([x[0] for x in found])
        print(f"{label:8s} unpaired / paired variance: median {np.median(r):.2f}, "
              f"range {r.min():.2f} to {r.max():.2f} over {len(r)} pairs")  # fmt: skip
        for value, a, b in [*found[:2], *found[-2:]]:
            print(f"    {a} vs {b}: {value:.2f}")


if __name__ == "__main__":
    main()
