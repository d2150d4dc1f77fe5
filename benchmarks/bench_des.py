"""Benchmark: prospect-days per second of the discrete-event engine on the baseline scenario.

Run on demand (``make bench``); prints figures, asserts nothing. The issue's target: 2,000
prospects over 60 business days with one strategy in 60 s or less on one core.
"""

from __future__ import annotations

import argparse
import time

from sim.engines.des.engine import run_des
from sim.io.loader import load_scenario
from sim.strategy.library import get_strategy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prospects", type=int, default=2000)
    parser.add_argument("--strategy", default="persistent-until-no")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    sc = load_scenario("baseline")
    strategy = get_strategy(args.strategy, sc)
    start = time.perf_counter()
    out = run_des(sc, strategy, args.prospects, args.seed)
    seconds = time.perf_counter() - start
    prospect_days = args.prospects * sc.horizon
    print(f"des  {args.strategy}: {args.prospects} prospects x {sc.horizon} days")
    print(
        f"     {seconds:.2f} s, {prospect_days / seconds:,.0f} prospect-days/s, "
        f"{len(out.touches) / seconds:,.0f} touches/s"
    )


if __name__ == "__main__":
    main()
