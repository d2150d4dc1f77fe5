"""How many trials, and how many minutes on this machine, a search on ``cold-outbound`` with
the default constraints (at most 2 opt-outs per 100 prospects) needs to find a pick that
beats every library strategy (``make bench-optimize``).

For each number of trials in ``--ladder`` (default 25, 50, 100, 200), a fresh search (its own
folder: nothing replayed) with the command's defaults (65,536 prospects at the full size,
100,000 fresh ones per strategy in the confirmation), timed from start to end. For each it
prints the pick's meetings per 100 prospects in the confirmation, the best library strategy's
that meets the constraints, their paired difference with its 95% interval, and whether the
pick is significantly better (Benjamini-Hochberg adjusted p < 0.05) than every library
strategy of the confirmation that meets the constraints; the five best of those are in the
confirmation (the rest book fewer meetings in the search, on the same prospects). It stops at
the first number of trials that finds such a pick (``--all``: runs the whole ladder) and
says so, or says that none did. ``--cold``: the search does not start from the library's
shapes (``sim.optimize.search.STARTS``, one of which is the knowledge broker's). Asserts
nothing.

    python benchmarks/bench_optimize.py [--ladder 25,50,100,200] [--workers 2] [--all] [--cold]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from sim.io.loader import load_scenario
from sim.optimize.api import DEFAULT_CONFIRM, DEFAULT_PROSPECTS, optimize
from sim.optimize.objective import GOAL_METRIC, show
from sim.optimize.problem import PICK, OptimizeProblem
from sim.optimize.result import Optimization


def verdict(result: Optimization) -> tuple[str, bool]:
    """One line of figures and whether the pick beats every library strategy that meets the
    constraints."""
    c = result.confirmation
    if result.pick is None or c is None:
        return "no cadence met the constraints", False
    goal = result.problem.goal
    metric = GOAL_METRIC[goal]
    rows = c.goal_rows(goal)
    feasible = rows[rows["b_meets_constraints"].astype(bool)]
    summary = c.summary[c.summary["metric"] == metric].set_index("strategy")["mean"]
    pick = show(metric, float(summary[PICK]))
    if not len(feasible):
        return f"pick {pick}; no library strategy in the confirmation meets the constraints", True
    best = max(feasible["strategy_b"], key=lambda s: float(summary[s]))
    row = feasible[feasible["strategy_b"] == best].iloc[0]
    beats = not c.not_better(goal, feasible_only=True)
    text = (
        f"pick {pick} vs {best} {show(metric, float(summary[best]))}: "
        f"{show(metric, float(row['diff']))} [{show(metric, float(row['ci_low']))}, "
        f"{show(metric, float(row['ci_high']))}]; beats every library strategy meeting the "
        f"constraints: {'yes' if beats else 'no, not ' + ', '.join(c.not_better(goal, True))}"
    )
    return text, beats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="cold-outbound")
    parser.add_argument("--ladder", default="25,50,100,200")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--prospects", type=int, default=DEFAULT_PROSPECTS)
    parser.add_argument("--confirm-prospects", type=int, default=DEFAULT_CONFIRM)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--all", action="store_true", help="run every budget of the ladder")
    parser.add_argument(
        "--cold", action="store_true", help="do not start from the library's shapes"
    )
    args = parser.parse_args(argv)
    ladder = [int(x) for x in args.ladder.split(",")]
    problem = OptimizeProblem(load_scenario(args.scenario))
    print(f"{args.scenario}: goal meetings, at most 2 opt-outs per 100 prospects; "
          f"{args.prospects:,} prospects at the full size, {args.confirm_prospects:,} in the "
          f"confirmation; {args.workers} workers; seed {args.seed}"
          f"{'; no start from the library' if args.cold else ''}", flush=True)  # fmt: skip
    found = None
    with tempfile.TemporaryDirectory() as scratch:
        for trials in ladder:
            start = time.perf_counter()
            result = optimize(problem, Path(scratch) / f"t{trials}", trials=trials,
                              prospects=args.prospects, confirm_prospects=args.confirm_prospects,
                              workers=args.workers, seed=args.seed, write=False,
                              warm=not args.cold)  # fmt: skip
            minutes = (time.perf_counter() - start) / 60
            text, beats = verdict(result)
            print(f"{trials:>5} trials  {minutes:5.1f} min  ({result.ran} evaluations)  {text}",
                  flush=True)  # fmt: skip
            if beats and found is None:
                found = (trials, minutes)
                if not args.all:
                    break
    if found is None:
        print(f"no search of up to {ladder[-1]} trials found a pick that beats every library "
              "strategy meeting the constraints")  # fmt: skip
    else:
        print(f"first pick that beats every library strategy meeting the constraints: "
              f"{found[0]} trials, {found[1]:.1f} minutes")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
