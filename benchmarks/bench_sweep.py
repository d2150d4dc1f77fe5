"""Benchmark: a 100-cell sweep on local worker processes.

Run on demand (``make bench-sweep``); prints figures, asserts nothing. A 10 x 10 grid over the
median email inbox load and the median annoyance tolerance of ``scenarios/baseline.yaml``,
three strategies, ``--prospects`` prospects per strategy and cell, run by ``sim.sweep.run_sweep``
into a temporary folder (shards, final tables, no charts) with ``--workers`` processes. Prints
the wall time, cells per minute, the tasks and cells per task, and the simulated
prospect-days per second (every strategy counted).

    python benchmarks/bench_sweep.py --workers 2 --prospects 2000
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from sim.io.loader import load_scenario
from sim.sweep import run_sweep
from sim.sweep.spec import spec_from_dict


def spec_data(side: int, prospects: int, seed: int) -> dict[str, object]:
    return {
        "name": "bench",
        "base": "baseline",
        "parameters": [
            {
                "path": "population.loads.email.median",
                "low": 30,
                "high": 480,
                "steps": side,
                "log": True,
            },
            {
                "path": "population.tolerance.median",
                "low": 1.5,
                "high": 24,
                "steps": side,
                "log": True,
            },
        ],
        "strategies": ["one-and-done", "breakup-after-two", "persistent-until-no"],
        "prospects": prospects,
        "seed": seed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=10, help="grid side: side^2 cells")
    parser.add_argument("--prospects", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=None, help="cells per task (default auto)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    spec = spec_from_dict(spec_data(args.side, args.prospects, args.seed), "<bench>")
    cells = args.side**2
    print(f"followup-sim sweep benchmark | {platform.python_version()} | {os.cpu_count()} CPUs")
    print(
        f"{cells} cells x {len(spec.strategies)} strategies x {args.prospects} prospects, "
        f"{args.workers} local workers"
    )
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        start = time.perf_counter()
        result = run_sweep(
            spec, None, Path(tmp) / "out", workers=args.workers, batch=args.batch, charts=False
        )
        wall = time.perf_counter() - start
    per_task = cells / max(result.tasks, 1)
    print(f"wall time        {wall:8.1f} s")
    print(f"cells per minute {60 * cells / wall:8.1f}")
    print(f"tasks            {result.tasks:8d} ({per_task:.1f} cells per task)")
    print(f"executor         {result.executor}")
    days = load_scenario("baseline").horizon
    rate = cells * len(spec.strategies) * args.prospects * days / wall
    print(f"prospect-days/s  {rate:8.3g} (every strategy, {days} business days)")


if __name__ == "__main__":
    main()
