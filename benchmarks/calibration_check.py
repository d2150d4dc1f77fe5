"""Simulation-based calibration check (``make calibration-check``): plant known parameter
values, simulate what a team would observe, calibrate, and count how often the 90% posterior
intervals hold the planted values. Over R recoveries of D parameters the coverage should be
within binomial error of 90% (a two-sided binomial test at 5%).

Each recovery draws its truth uniformly from the middle 80% of each prior (in the prior's own
scale: never the defaults), simulates the targets' statistics under the cadence with
``--observed`` prospects and an observation seed that the calibration never uses, writes a
targets file with those values and their standard errors, and calibrates it with its own seed.

    python benchmarks/calibration_check.py [--recoveries 20] [--observed 2000] [--budget N]
        [--workers 2] [--out reports/calibration-check]  (budget: the calibration's default)

Prints one line per recovery and the coverage; exits 1 when the coverage is outside binomial
error (so the small version in the tests can assert it).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from scipy import stats

from sim.calibrate.api import calibrate
from sim.calibrate.evaluate import make_job, refs, run_job
from sim.calibrate.outputs import LEVEL, parameter_table
from sim.calibrate.problem import load_problem
from sim.model.streams import stream

ROOT = Path(__file__).resolve().parent.parent
FREE = {
    "population.loads.email.median": {"low": 30, "high": 500, "prior": "log-uniform"},
    "population.screening.unknown": {"low": 0.05, "high": 0.9},
    "response.b_pos.all": {"low": -4.0, "high": 1.0},
}
MARKET = {
    "first_email_reply_rate": ("reply_rate", {"channel": "email", "attempt": 1}),
    "connect_rate_per_dial": ("connect_rate_per_dial", {}),
    "meeting_rate": ("meeting_rate", {}),
}
STRATEGY = "channel-mix"
HORIZON = 20


def targets_file(folder: Path, truth_seed: int, observed: int) -> tuple[Path, dict[str, float]]:
    """A targets file whose values were simulated at planted parameter values."""
    base = {"name": "planted", "scenario": str(ROOT / "scenarios" / "cold-outbound.yaml"),
            "strategy": STRATEGY, "free": FREE}  # fmt: skip
    rng = stream(truth_seed, "calibration-check:truth")
    truth = {}
    for path, spec in FREE.items():
        u = rng.uniform(0.1, 0.9)
        low, high = float(spec["low"]), float(spec["high"])
        log = spec.get("prior") == "log-uniform"
        truth[path] = (
            float(np.exp(np.log(low) + u * np.log(high / low))) if log else low + u * (high - low)
        )
    draft = folder / "draft.yaml"
    draft.write_text(yaml.safe_dump({**base, "targets": [
        {"statistic": s, "value": 0.5, "se": 0.1, **a} for s, a in MARKET.values()
    ], "fit": {"prospects": 1024}}), encoding="utf-8")  # fmt: skip
    problem = load_problem(draft)
    data = problem.space.scenario_data(truth)
    data["calendar"]["horizon_days"] = HORIZON
    seed = int(stream(truth_seed, "calibration-check:observation").integers(2**62))
    outcome = run_job(make_job(data, [STRATEGY], refs(problem.targets), observed, seed))
    targets = [
        {"statistic": s, "label": name, "value": float(v), "se": float(se), **a}
        for (name, (s, a)), v, se in zip(MARKET.items(), outcome.values, outcome.ses, strict=True)
    ]
    path = folder / "planted.yaml"
    path.write_text(yaml.safe_dump({**base, "targets": targets}), encoding="utf-8")
    return path, truth


def shortened(path: Path) -> Path:
    """The targets file with its scenario at the check's horizon."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    scenario = yaml.safe_load(Path(data["scenario"]).read_text(encoding="utf-8"))
    scenario["calendar"]["horizon_days"] = HORIZON
    (path.parent / "scenario.yaml").write_text(yaml.safe_dump(scenario), encoding="utf-8")
    data["scenario"] = "scenario.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def recovery(index: int, args: argparse.Namespace) -> dict[str, Any]:
    folder = Path(args.out) / f"recovery-{index:02d}"
    folder.mkdir(parents=True, exist_ok=True)
    path, truth = targets_file(folder, 1000 + index, args.observed)
    path = shortened(path)
    start = time.perf_counter()
    cal = calibrate(load_problem(path), folder, budget=args.budget, workers=args.workers,
                    seed=index, overwrite=True)  # fmt: skip
    params = parameter_table(cal)
    inside = {}
    for row in params.itertuples(index=False):
        inside[row.parameter] = bool(row.ci_low <= truth[row.parameter] <= row.ci_high)
    intervals = params[["parameter", "ci_low", "median", "ci_high"]].to_dict("records")
    return {"recovery": index, "truth": truth, "inside": inside,
            "seconds": round(time.perf_counter() - start, 1), "intervals": intervals}  # fmt: skip


def save(out: str, results: list[dict[str, Any]], **extra: object) -> None:
    hits = sum(ok for r in results for ok in r["inside"].values())
    total = sum(len(r["inside"]) for r in results)
    Path(out).mkdir(parents=True, exist_ok=True)
    (Path(out) / "coverage.json").write_text(json.dumps(
        {"hits": hits, "total": total, "coverage": hits / max(total, 1), **extra,
         "recoveries": results}, indent=1), encoding="utf-8")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recoveries", type=int, default=20)
    parser.add_argument("--observed", type=int, default=2000)
    parser.add_argument("--budget", type=int, default=None, help="default: the calibration's")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default="reports/calibration-check")
    args = parser.parse_args(argv)
    results: list[dict[str, Any]] = []
    for i in range(args.recoveries):
        r = recovery(i, args)
        results.append(r)
        save(args.out, results)
        marks = " ".join(f"{p.split('.')[-2]}.{p.split('.')[-1]}:{'in' if ok else 'OUT'}"
                         for p, ok in r["inside"].items())  # fmt: skip
        print(f"recovery {i:2d}: {marks}  ({r['seconds']:.0f} s)", flush=True)
    hits = sum(ok for r in results for ok in r["inside"].values())
    total = sum(len(r["inside"]) for r in results)
    test = stats.binomtest(hits, total, LEVEL)
    low, high = stats.binom.ppf([0.025, 0.975], total, LEVEL) / total
    print(f"coverage of the {LEVEL:.0%} intervals: {hits}/{total} = {hits / total:.3f} "
          f"(binomial 95% range at {LEVEL:.0%}: {low:.3f} to {high:.3f}; "
          f"p = {test.pvalue:.3f})")  # fmt: skip
    per = {p: sum(r["inside"][p] for r in results) for p in FREE}
    for p, k in per.items():
        print(f"  {p}: {k}/{len(results)}")
    save(args.out, results, p_value=test.pvalue)
    return 0 if test.pvalue >= 0.05 else 1


if __name__ == "__main__":
    sys.exit(main())
