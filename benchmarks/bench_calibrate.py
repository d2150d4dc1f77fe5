"""How long a calibration of 6 free parameters to 8 targets takes with the default budget
(``make bench-calibrate``; the issue's target: under 10 minutes on a 2-core machine).

The targets: the analyst's market card (seven numbers) under ``channel-mix`` and a meeting
rate measured on 5,000 prospects; the free parameters: the email load, both pick-up chances,
the share of the list that fits, the level of positive replies and the tolerance. Prints the
plan of the budget, the evaluations run and the wall time; asserts nothing.

    python benchmarks/bench_calibrate.py [--workers 2] [--budget N] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import yaml

from sim.calibrate.api import calibrate, default_budget
from sim.calibrate.problem import load_problem

TARGETS = {
    "name": "bench",
    "scenario": "cold-outbound",
    "strategy": "channel-mix",
    "free": {
        "population.loads.email.median": {},
        "population.screening.unknown": {},
        "population.screening.known_sales": {},
        "population.segments.fit": {},
        "response.b_pos.all": {},
        "population.tolerance.median": {},
    },
    "market": {
        "first_email_reply_rate": {"value": 0.05, "n": 2000},
        "positive_reply_rate": {"value": 0.01, "n": 4000},
        "connect_rate_per_dial": {"value": 0.04, "n": 5000},
        "voicemail_callback_rate": {"value": 0.02, "n": 2000},
        "unsubscribe_rate": {"value": 0.004, "n": 4000},
        "fit_share": {"value": 0.15, "n": 500},
        "median_days_to_first_response": {"value": 6, "se": 1},
    },
    "targets": [{"statistic": "meeting_rate", "value": 0.012, "n": 5000}],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--budget", type=int, default=None)
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "bench.yaml"
        path.write_text(yaml.safe_dump(TARGETS, sort_keys=False), encoding="utf-8")
        problem = load_problem(path)
        out = Path(args.out) if args.out else Path(scratch) / "out"
        dims, targets = len(problem.space.dims), len(problem.targets)
        budget = args.budget or default_budget(dims)
        print(f"{dims} free parameters, {targets} targets, budget {budget}, "
              f"{args.workers} workers", flush=True)  # fmt: skip
        start = time.perf_counter()
        cal = calibrate(problem, out, budget=args.budget, workers=args.workers, overwrite=True,
                        progress=True)  # fmt: skip
        wall = time.perf_counter() - start
    p = cal.plan
    print(f"plan: {p.trials} trials at {p.cheap_prospects} prospects, {p.finalists} finalists "
          f"and {p.walkers} walkers x {p.steps} steps at {p.prospects} prospects")  # fmt: skip
    print(f"{cal.ran} evaluations in {wall:.0f} s ({wall / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
