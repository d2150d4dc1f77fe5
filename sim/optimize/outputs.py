"""The files of a search, each written to a temporary name and renamed into place:

- ``scenario.yaml``: the input scenario with the pick added to ``custom_strategies`` as
  ``optimized`` (``followup run DIR/scenario.yaml --strategies optimized,...`` runs it);
- ``best.yaml``: the pick alone, a cadence as written under ``custom_strategies`` (and a file
  ``--baseline`` accepts);
- ``trials.parquet``: ``TRIAL_COLUMNS``, one row per trial: its parameters (JSON), the cadence
  in one line, the largest size it reached and its metrics there, its goal at the cheapest
  size, whether it meets the constraints, whether it was a finalist, and the pick;
- ``pareto.csv``: ``PARETO_COLUMNS``: the trials no other trial beats on the goal, the rep's
  minutes per prospect and the opt-out rate at once (among those meeting the constraints,
  measured at the cheapest size, where every trial was), by rep minutes;
- ``library.csv``: every library strategy's metrics at the largest size it reached;
- ``confirmation.csv`` (``sim.optimize.confirm.COMPARISON_COLUMNS``),
  ``confirmation_summary.csv`` and ``constraints.csv``: the confirmation run;
- ``charts/front.png``, ``charts/timeline.png``, ``charts/progress.png``, ``report.html`` and
  ``manifest.json``.

Without a pick (no cadence met the constraints) only the trials, the front, the library, the
charts of the search, the report and the manifest are written. Files of an earlier search in the
same folder that this one does not write are removed.
"""

from __future__ import annotations

import json
import platform
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.io.atomic import write_atomic, write_text_atomic
from sim.io.jsonable import json_ready
from sim.io.loader import scenario_from_dict, scenario_to_yaml
from sim.optimize.charts import CHARTS, draw_charts
from sim.optimize.confirm import verdict_lines
from sim.optimize.evaluate import derived_seed
from sim.optimize.objective import GOAL_METRIC, METRICS, Measured
from sim.optimize.problem import PICK, cadence_yaml
from sim.optimize.report import write_report
from sim.optimize.result import Optimization
from sim.optimize.space import spec_mapping
from sim.results.manifest import git_commit, library_versions, package_version, scenario_hash

TRIAL_COLUMNS = [
    "trial", "cadence", "prospects", "goal", "goal_cheap", *METRICS, "meets_constraints",
    "finalist", "pick", "params",
]  # fmt: skip
PARETO_COLUMNS = ["trial", "goal", "rep_minutes_per_prospect", "opt_out_rate",
                  "touches_per_prospect", "prospects", "cadence"]  # fmt: skip
LIBRARY_COLUMNS = ["strategy", "prospects", "goal", *METRICS, "meets_constraints"]
OUTPUT_FILES = (
    "scenario.yaml", "best.yaml", "trials.parquet", "pareto.csv", "library.csv",
    "confirmation.csv", "confirmation_summary.csv", "constraints.csv", "report.html",
    "manifest.json",
)  # fmt: skip


def trials_table(opt: Optimization) -> pd.DataFrame:
    goal, constraints = opt.problem.goal, opt.problem.constraints
    picked = opt.pick.record.number if opt.pick is not None else -1
    rows = []
    for s in sorted(opt.standings, key=lambda s: s.record.number):
        m = s.last
        rows.append({
            "trial": s.record.number, "cadence": s.record.text, "prospects": s.size,
            "goal": m.goal(goal), "goal_cheap": s.record.cheap.goal(goal),
            **{k: m.values[k] for k in METRICS}, "meets_constraints": constraints.met(m),
            "finalist": opt.full in s.measures, "pick": s.record.number == picked,
            "params": json.dumps(s.record.params, sort_keys=True),
        })  # fmt: skip
    return pd.DataFrame(rows, columns=TRIAL_COLUMNS)


def dominated(points: np.ndarray) -> np.ndarray:
    """Which rows are dominated by another (every column minimised, one strictly)."""
    n = len(points)
    out = np.zeros(n, dtype=bool)
    for i in range(n):
        le = np.all(points <= points[i], axis=1)
        lt = np.any(points < points[i], axis=1)
        out[i] = bool(np.any(le & lt))
    return out


def pareto_table(opt: Optimization) -> pd.DataFrame:
    goal, constraints = opt.problem.goal, opt.problem.constraints
    seen: set[str] = set()
    rows = []
    for r in opt.trials:
        m = r.cheap
        key = r.spec.model_dump_json(exclude={"description"})
        if key in seen or not constraints.met(m) or not np.isfinite(m.goal(goal)):
            continue
        seen.add(key)
        rows.append({"trial": r.number, "goal": m.goal(goal),
                     "rep_minutes_per_prospect": m.values["rep_minutes_per_prospect"],
                     "opt_out_rate": m.values["opt_out_rate"],
                     "touches_per_prospect": m.values["touches_per_prospect"],
                     "prospects": m.prospects, "cadence": r.text})  # fmt: skip
    frame = pd.DataFrame(rows, columns=PARETO_COLUMNS)
    if len(frame):
        points = np.column_stack([-frame["goal"], frame["rep_minutes_per_prospect"],
                                  frame["opt_out_rate"]]).astype(float)  # fmt: skip
        frame = frame[~dominated(points)]
    return frame.sort_values(["rep_minutes_per_prospect", "trial"]).reset_index(drop=True)


def library_table(opt: Optimization) -> pd.DataFrame:
    goal, constraints = opt.problem.goal, opt.problem.constraints
    rows = []
    for name, by_size in opt.library.items():
        size = max(by_size)
        m: Measured = by_size[size]
        rows.append({"strategy": name, "prospects": size, "goal": m.goal(goal),
                     **{k: m.values[k] for k in METRICS},
                     "meets_constraints": constraints.met(m)})  # fmt: skip
    frame = pd.DataFrame(rows, columns=LIBRARY_COLUMNS)
    return frame.sort_values(["prospects", "goal"], ascending=False, kind="stable").reset_index(
        drop=True
    )


def scenario_text(opt: Optimization) -> str:
    problem = opt.problem
    assert opt.pick is not None
    data = problem.scenario.model_dump(mode="json")
    pick = spec_mapping(opt.pick.record.spec)
    data["custom_strategies"] = {**data["custom_strategies"], PICK: pick}
    scenario = scenario_from_dict(data, "scenario.yaml")
    header = (
        f"# The scenario {problem.name!r} with the cadence found by `followup optimize` (seed "
        f"{opt.seed}) added to custom_strategies as '{PICK}'.\n"
        f"# Run it: followup run scenario.yaml --strategies {PICK},"
        f"{','.join(n for n, _ in opt.library_ranked[:2])}\n"
    )
    return header + scenario_to_yaml(scenario)


def best_text(opt: Optimization) -> str:
    assert opt.pick is not None
    problem = opt.problem
    limits = ", ".join(f"{k} <= {v:g}" for k, v in problem.constraints.limits.items())
    header = (
        f"# The cadence found by `followup optimize {problem.name} --objective "
        f"{problem.goal.value} --seed {opt.seed}`"
        f"{' (' + limits + ')' if limits else ''}.\n"
        "# Paste it under custom_strategies: in a scenario file, or give the file to\n"
        "# `followup optimize --baseline`.\n"
    )
    return header + cadence_yaml(opt.pick.record.spec)


def manifest(opt: Optimization) -> dict[str, Any]:
    problem = opt.problem
    c = opt.confirmation
    info: dict[str, Any] = {
        "package": "followup-sim",
        "version": package_version(),
        "git_commit": git_commit(),
        "python": platform.python_version(),
        **library_versions("numpy", "pandas", "scipy", "optuna"),
        "platform": platform.platform(),
        "scenario": problem.name,
        "scenario_hash": scenario_hash(problem.scenario),
        "goal": problem.goal.value,
        "goal_metric": GOAL_METRIC[problem.goal],
        "constraints": problem.constraints.limits,
        "max_touches": problem.space.max_touches,
        "channels": list(problem.space.channels),
        "sampler": "NSGA-II (goal, rep minutes, opt-outs)" if problem.pareto else "TPE",
        "posterior": str(problem.posterior) if problem.posterior else None,
        "draws": problem.draws if problem.posterior else 1,
        "baseline": problem.baseline.source if problem.baseline else None,
        "seed": opt.seed,
        "search_seed": derived_seed(opt.seed, "optimize:search"),
        "engine": "vector",
        "trials": len(opt.trials),
        "sizes": list(opt.sizes),
        "finalists": sum(1 for s in opt.standings if opt.full in s.measures),
        "pick_trial": opt.pick.record.number if opt.pick else None,
        "confirmation": None if c is None else {
            "prospects": c.prospects, "draws": c.draws, "seed": c.seed,
            "strategies": c.strategies, "not_better_than": c.not_better(problem.goal),
            "constraints_violated": c.violated(), "runner_up": c.runner_up,
            "beats_runner_up": c.beats_runner_up,
        },
        "executor": opt.executor,
        "evaluations_run": opt.ran,
        "evaluations_replayed": opt.replayed,
        "search_time_s": round(opt.search_time, 3),
        "wall_time_s": round(opt.wall_time, 3),
    }  # fmt: skip
    return info


def write_outputs(opt: Optimization, out: Path) -> list[Path]:
    """Every file of the search (see the module's docstring); returns their paths."""
    trials = trials_table(opt)
    front = pareto_table(opt)
    library = library_table(opt)
    files = [
        write_atomic(out / "trials.parquet",
                     lambda p: trials.to_parquet(p, engine="pyarrow", index=False)),
        write_atomic(out / "pareto.csv", lambda p: front.to_csv(p, index=False)),
        write_atomic(out / "library.csv", lambda p: library.to_csv(p, index=False)),
    ]  # fmt: skip
    c = opt.confirmation
    texts: dict[str, str] = {}
    if opt.pick is not None and c is not None:
        texts = {"scenario.yaml": scenario_text(opt), "best.yaml": best_text(opt)}
        files += [write_text_atomic(out / name, text) for name, text in texts.items()]
        files += [
            write_atomic(out / "confirmation.csv", lambda p: c.comparisons.to_csv(p, index=False)),
            write_atomic(out / "confirmation_summary.csv",
                         lambda p: c.summary.to_csv(p, index=False)),
            write_atomic(out / "constraints.csv", lambda p: c.constraints.to_csv(p, index=False)),
        ]  # fmt: skip
    charts = draw_charts(opt, front, out)
    files += charts
    info = manifest(opt)
    lines = verdict_lines(c, opt.problem.goal) if c is not None else []
    files.append(write_report(opt, front, library, lines, charts, info, texts, out))
    body = json.dumps(json_ready(info), indent=2, allow_nan=False)
    files.append(write_text_atomic(out / "manifest.json", body + "\n"))
    stale = [out / n for n in OUTPUT_FILES] + [out / "charts" / f"{c}.png" for c in CHARTS]
    for path in stale:
        if path not in files:
            path.unlink(missing_ok=True)
    return files


__all__ = [
    "LIBRARY_COLUMNS",
    "OUTPUT_FILES",
    "PARETO_COLUMNS",
    "TRIAL_COLUMNS",
    "pareto_table",
    "trials_table",
    "write_outputs",
]
