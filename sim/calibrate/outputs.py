"""The files of a calibration, and what they say: the fit table, the warnings, the parameters.

Written into the output folder, each to a temporary name and renamed into place:

- ``calibrated.yaml``: the base scenario with every free parameter at its posterior
  **median**, complete and loadable by ``followup run``;
- ``fit.csv``: ``FIT_COLUMNS``: per target the observed value and its SE, the simulated value
  at the calibrated parameters and its SE, the 90% interval of the simulated value over the
  posterior sample, the z-score, a note when the fit cannot reach the target
  (``|z| > UNREACHED_Z``) and ``bound`` (``at_most`` or ``at_least`` when the target is an
  inequality: ``observed`` is then the bound, its SE 0 and z 0 on the bound's side) and
  ``scenario`` (the scenario the target was observed on: the file's, or the target's own);
- ``parameters.csv``: per free parameter its prior, the posterior median, mean, 90% interval
  and the point fit;
- ``posterior.parquet``: the posterior sample: a column per free parameter (its path) and
  ``weight`` (equal weights summing to 1);
- ``charts/fit.png``, ``charts/marginals.png``, ``report.html`` and ``manifest.json``.

Warnings: a parameter the targets do not identify (its 90% posterior interval covers more
than ``FLAT_SHARE`` of its prior's, in the prior's own scale), two parameters strongly
correlated in the posterior (Spearman ``|rho| > CORRELATED``: the targets fix a combination
of them), a parameter pressed against a bound, a target the fit cannot reach, a sampler that
accepted few moves.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import platform
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.calibrate.charts import draw_charts, records
from sim.calibrate.evaluate import simulation_seed
from sim.calibrate.objective import z_scores
from sim.calibrate.report import write_report
from sim.calibrate.result import Calibration
from sim.io.atomic import write_atomic, write_text_atomic
from sim.io.jsonable import json_ready
from sim.io.loader import scenario_from_dict, scenario_to_yaml
from sim.results.manifest import git_commit, library_versions, package_version, scenario_hash

FIT_COLUMNS = [
    "target", "observed", "observed_se", "simulated", "sim_ci_low", "sim_ci_high", "z",
    "sim_se", "statistic", "strategy", "note", "bound", "scenario",
]  # fmt: skip
PARAMETER_COLUMNS = [
    "parameter", "prior", "low", "high", "median", "mean", "ci_low", "ci_high", "point_fit",
]  # fmt: skip
LEVEL = 0.90
"""Posterior intervals (parameters, simulated values) are 90% intervals."""
UNREACHED_Z = 3.0
FLAT_SHARE = 0.75
CORRELATED = 0.9
AT_BOUND = 0.02
LOW_ACCEPTANCE = 0.1
OUTPUT_FILES = (
    "calibrated.yaml", "fit.csv", "parameters.csv", "posterior.parquet", "report.html",
    "manifest.json",
)  # fmt: skip


def _quantiles(x: np.ndarray) -> tuple[float, float]:
    x = x[np.isfinite(x)]
    if not len(x):
        return math.nan, math.nan
    tail = (1 - LEVEL) / 2
    return float(np.quantile(x, tail)), float(np.quantile(x, 1 - tail))


def fit_table(cal: Calibration) -> pd.DataFrame:
    """``fit.csv``: one row per target (see the module's docstring)."""
    targets = cal.problem.targets
    z = z_scores(targets, cal.final)
    rows = []
    for i, t in enumerate(targets):
        low, high = _quantiles(cal.predictive[:, i]) if len(cal.predictive) else (math.nan,) * 2
        note = ""
        if cal.final.ns[i] == 0:
            note = "the calibrated scenario cannot produce this statistic"
        elif abs(z[i]) > UNREACHED_Z:
            side = "above" if z[i] > 0 else "below"
            what = "its bound" if t.bound else "the observed value"
            note = (f"not reached: the fit stays {abs(z[i]):.1f} SE {side} {what} "
                    "within the free parameters' bounds")  # fmt: skip
        rows.append({
            "target": t.label, "observed": t.observed, "observed_se": t.se,
            "simulated": cal.final.values[i], "sim_ci_low": low, "sim_ci_high": high,
            "z": float(z[i]), "sim_se": cal.final.ses[i], "statistic": t.statistic,
            "strategy": t.strategy, "note": note, "bound": t.bound or "",
            "scenario": cal.problem.scenario_of(t),
        })  # fmt: skip
    return pd.DataFrame(rows, columns=FIT_COLUMNS)


def parameter_table(cal: Calibration) -> pd.DataFrame:
    rows = []
    for d in cal.problem.space.dims:
        x = cal.posterior[d.path].to_numpy(dtype=float)
        low, high = _quantiles(x)
        rows.append({
            "parameter": d.path, "prior": d.prior, "low": d.low, "high": d.high,
            "median": float(np.median(x)), "mean": float(np.mean(x)), "ci_low": low,
            "ci_high": high, "point_fit": cal.point.best[d.path],
        })  # fmt: skip
    return pd.DataFrame(rows, columns=PARAMETER_COLUMNS)


def warnings_of(cal: Calibration, fit: pd.DataFrame) -> list[str]:
    """Every warning, one sentence each (see the module's docstring)."""
    out = []
    space = cal.problem.space
    unit = np.array([space.unit(v) for v in records(cal.posterior)])
    for j, d in enumerate(space.dims):
        low, high = _quantiles(unit[:, j])
        if high - low > FLAT_SHARE * LEVEL:
            out.append(
                f"{d.path} is not identified by the targets: its {LEVEL:.0%} posterior interval "
                f"covers {(high - low) / LEVEL:.0%} of its prior's; the calibrated value is "
                "little more than the prior's middle"
            )
        median = float(np.median(unit[:, j]))
        for bound, edge in (("low", median < AT_BOUND), ("high", median > 1 - AT_BOUND)):
            if edge:
                value = d.low if bound == "low" else d.high
                out.append(f"{d.path} is pressed against its {bound} bound ({value:g}): the "
                           "targets ask for more; consider widening it")  # fmt: skip
    if len(space.dims) > 1 and len(unit) > 2:
        for a, b in itertools.combinations(range(len(space.dims)), 2):
            rho = float(stats.spearmanr(unit[:, a], unit[:, b]).statistic)
            if abs(rho) > CORRELATED:
                out.append(
                    f"{space.dims[a].path} and {space.dims[b].path} are strongly correlated in "
                    f"the posterior (Spearman rho {rho:+.2f}): the targets fix a combination "
                    "of them, not each one"
                )
    for row in records(fit):
        if row["note"]:
            out.append(f"target {row['target']}: {row['note']}")
    acceptance = float(np.mean(cal.chain.acceptance))
    if acceptance < LOW_ACCEPTANCE:
        out.append(f"the sampler accepted {acceptance:.0%} of its moves: the posterior may be "
                   "rough; a larger --budget helps")  # fmt: skip
    return out


def calibrated_yaml(cal: Calibration) -> str:
    problem = cal.problem
    data = problem.space.scenario_data(cal.calibrated)
    data["name"] = problem.name
    data["description"] = (
        f"The scenario {problem.scenario_name!r} calibrated to {problem.file.name} by followup "
        f"calibrate (seed {cal.seed}): the free parameters at their posterior medians."
    )
    scenario = scenario_from_dict(data, "calibrated.yaml")
    values = ", ".join(f"{p} = {v:.4g}" for p, v in cal.calibrated.items())
    header = (
        f"# Calibrated by `followup calibrate {problem.file.name} --seed {cal.seed}`.\n"
        f"# Posterior medians: {values}.\n"
        "# Every other parameter is the base scenario's. Unknown keys are errors.\n"
    )
    return header + scenario_to_yaml(scenario)


def posterior_frame(cal: Calibration) -> pd.DataFrame:
    frame = cal.posterior.copy()
    frame["weight"] = 1.0 / len(frame)
    return frame


def manifest(cal: Calibration, calibrated_text: str) -> dict[str, Any]:
    problem = cal.problem
    base = scenario_from_dict(problem.space.base, "<base>")
    try:
        chain_tau = [float(t) for t in cal.chain.autocorrelation()]
    except ValueError:  # a chain too short to estimate anything
        chain_tau = []
    return {
        "package": "followup-sim",
        "version": package_version(),
        "git_commit": git_commit(),
        "python": platform.python_version(),
        **library_versions("numpy", "pandas", "scipy", "optuna", "emcee"),
        "platform": platform.platform(),
        "targets_file": str(problem.file),
        "targets_sha256": hashlib.sha256(problem.file.read_bytes()).hexdigest(),
        "scenario": problem.scenario_name,
        "scenario_hash": scenario_hash(base),
        "calibrated_hash": hashlib.sha256(calibrated_text.encode("utf-8")).hexdigest(),
        "seed": cal.seed,
        "simulation_seed": simulation_seed(cal.seed),
        "engine": "vector",
        "free": [d.path for d in problem.space.dims],
        "free_defaulted": problem.defaulted_free,
        "targets": [t.label for t in problem.targets],
        "strategies": problem.strategies,
        "plan": {
            "budget": cal.plan.budget,
            "trials": cal.plan.trials,
            "finalists": cal.plan.finalists,
            "walkers": cal.plan.walkers,
            "steps": cal.plan.steps,
            "burn_in": cal.chain.burn,
            "prospects": cal.plan.prospects,
            "cheap_prospects": cal.plan.cheap_prospects,
        },
        "point_estimate": "posterior median",
        "posterior_rows": len(cal.posterior),
        "acceptance": round(float(np.mean(cal.chain.acceptance)), 4),
        "autocorrelation_steps": chain_tau,
        "executor": cal.executor,
        "evaluations_run": cal.ran,
        "evaluations_replayed": cal.replayed,
        "wall_time_s": round(cal.wall_time, 3),
        "status": "complete",
    }


def write_outputs(cal: Calibration, out: Path) -> list[Path]:
    """Every file of the calibration (see the module's docstring); returns their paths."""
    fit = fit_table(cal)
    params = parameter_table(cal)
    warnings = warnings_of(cal, fit)
    text = calibrated_yaml(cal)
    files = [
        write_text_atomic(out / "calibrated.yaml", text),
        write_atomic(out / "fit.csv", lambda p: fit.to_csv(p, index=False)),
        write_atomic(out / "parameters.csv", lambda p: params.to_csv(p, index=False)),
        write_atomic(
            out / "posterior.parquet",
            lambda p: posterior_frame(cal).to_parquet(p, engine="pyarrow", index=False),
        ),
    ]
    charts = draw_charts(cal, fit, params, out)
    info = manifest(cal, text)
    info["warnings"] = warnings
    files += charts
    files.append(write_report(cal, fit, params, warnings, charts, info, text, out))
    body = json.dumps(json_ready(info), indent=2, allow_nan=False)
    files.append(write_text_atomic(out / "manifest.json", body + "\n"))
    return files


__all__ = [
    "FIT_COLUMNS",
    "LEVEL",
    "OUTPUT_FILES",
    "PARAMETER_COLUMNS",
    "fit_table",
    "parameter_table",
    "warnings_of",
    "write_outputs",
]
