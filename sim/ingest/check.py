"""``followup validate``: the held-out prospects' statistics against what the calibrated model
predicts for them, with the posterior carried into the prediction.

From a calibration's folder: ``calibrated.yaml`` (the scenario, the team's cadence among its
strategies), ``posterior.parquet`` (the posterior sample) and ``manifest.json`` (the strategy
the targets were observed under). ``K`` parameter sets are drawn from the posterior
(``sim.calibrate.compare.draw_rows``); each is simulated under that strategy, for the holdout's
follow-up window (``holdout.csv``'s ``window_days``), with ``prospects`` prospects and a seed
of its own, and every held-out statistic is computed on the simulated tables by the
catalogue's function. The prediction is the mean over the draws, its interval the 2.5% and
97.5% quantiles across them (the parameters' uncertainty and the simulation's noise), and

    z = (observed - predicted) / sqrt(observed_se^2 + sd over the draws^2).

``validation.csv`` (``VALIDATION_COLUMNS``), ``charts/validation.png`` (each statistic on its
own scale: observed with its 95% interval, predicted with its interval) and a verdict: the
model predicts the held-out prospects when every ``|z|`` is below ``Z_LIMIT`` (4, the
project's tolerance for sampling error), and the line says how many are within 2.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from pydantic import ValidationError
from tqdm import tqdm

from sim.calibrate.compare import draw_rows, draw_seed, read_posterior
from sim.calibrate.space import apply_values
from sim.calibrate.statistics import CATALOGUE, Args
from sim.ingest.measure import HOLDOUT_COLUMNS
from sim.ingest.source import Column, DataError, Table, read_table
from sim.io.atomic import write_atomic
from sim.io.errors import Problem, ScenarioError, did_you_mean
from sim.io.loader import load_scenario, scenario_from_dict
from sim.run.simulate import simulate
from sim.viz.palette import GREY
from sim.viz.style import BLUE, ORANGE, VERMILLION, house_style, save_figure

VALIDATION_COLUMNS = [
    "statistic", "observed", "observed_se", "predicted", "pred_ci_low", "pred_ci_high", "z",
]  # fmt: skip
Z_LIMIT = 4.0
LEVEL = 0.95
REQUIRED = ("statistic", "value", "se")


@dataclass(frozen=True)
class HeldOut:
    """One held-out statistic."""

    label: str
    statistic: str
    args: Args
    value: float
    se: float


@dataclass(frozen=True)
class Validation:
    table: pd.DataFrame
    draws: int
    prospects: int
    window: int
    strategy: str
    verdict: str
    passed: bool


def read_holdout(path: Path) -> tuple[list[HeldOut], int | None]:
    """The rows of a ``holdout.csv`` and its follow-up window; problems name the file, the
    row, the column and the value."""
    table = read_table(path, [Column(c, (c,), required=c in REQUIRED) for c in HOLDOUT_COLUMNS])
    frame = table.frame
    out: list[HeldOut] = []
    problems: list[Problem] = []
    for i in range(len(frame)):
        row: dict[str, object] = {
            c: frame[c].iat[i] if c in frame else None for c in HOLDOUT_COLUMNS
        }
        name = str(row["statistic"])
        if name not in CATALOGUE:
            known = ", ".join(CATALOGUE)
            problems += table.problems("statistic", np.array([i]), (
                f"unknown statistic{did_you_mean(name, CATALOGUE)}; known: {known}"
            ))  # fmt: skip
            continue
        given = {k: str(row[k]) for k in ("attempt", "channel", "response")
                 if isinstance(row[k], str)}  # fmt: skip
        args, bad = _arguments(table, i, given)
        if args is None:
            problems += bad
            continue
        numbers = {}
        for column in ("value", "se"):
            try:
                numbers[column] = float(str(row[column]))
            except ValueError:
                numbers[column] = math.nan
            if not math.isfinite(numbers[column]) or (column == "se" and numbers[column] <= 0):
                what = "a number" if column == "value" else "a number > 0"
                problems += table.problems(column, np.array([i]), f"must be {what}")
        label = str(row["label"]) if isinstance(row["label"], str) else name
        out.append(HeldOut(label, name, args, numbers["value"], numbers["se"]))
    if problems:
        raise DataError(table.source, problems)
    if not out:
        raise DataError(table.source, [Problem("", None, "holds no statistics")])
    windows = (
        pd.to_numeric(frame["window_days"], errors="coerce") if "window_days" in frame else None
    )
    window = (
        None if windows is None or windows.isna().all() else int(windows.dropna().to_numpy()[0])
    )
    return out, window


def _arguments(table: Table, i: int, given: dict[str, str]) -> tuple[Args | None, list[Problem]]:
    """A holdout row's statistic arguments, or one problem per bad cell."""
    values: dict[str, object] = dict(given)
    if "attempt" in given:
        number = pd.to_numeric(given["attempt"], errors="coerce")
        if not (math.isfinite(number) and number == round(number)):
            return None, table.problems("attempt", np.array([i]), "must be a whole number")
        values["attempt"] = int(number)
    try:
        return Args.model_validate(values), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "statistic"
            message = str(error["msg"]).removeprefix("Value error, ")
            column = field if field in table.frame else "statistic"
            problems += table.problems(column, np.array([i]), message)
        return None, problems


def calibration_strategy(folder: Path) -> str:
    """The strategy the calibration's targets were observed under (its manifest's)."""
    path = folder / "manifest.json"
    try:
        strategies = json.loads(path.read_text(encoding="utf-8"))["strategies"]
    except (OSError, ValueError, KeyError) as exc:
        raise ScenarioError(str(path), [Problem("", None, (
            f"cannot read the calibration's manifest ({exc}); is {folder} the folder of a "
            "`followup calibrate`?"
        ))]) from None  # fmt: skip
    if len(strategies) != 1:
        raise ScenarioError(
            str(path),
            [
                Problem(
                    "strategies",
                    strategies,
                    ("a validation needs a calibration to one strategy's numbers (an import's)"),
                )
            ],
        )
    return str(strategies[0])


def validate(
    folder: Path,
    holdout: Path,
    *,
    draws: int = 20,
    prospects: int = 8192,
    seed: int = 0,
    workers: int = 1,
    progress: bool = False,
) -> Validation:
    """Predict every held-out statistic over ``draws`` posterior draws (see the module's
    docstring)."""
    rows, window = read_holdout(holdout)
    scenario = load_scenario(folder / "calibrated.yaml")
    strategy = calibration_strategy(folder)
    posterior = read_posterior(folder / "posterior.parquet", scenario)
    picked = draw_rows(posterior, draws, seed)
    base = scenario.model_dump(mode="json")
    horizon = window or scenario.calendar.horizon_days
    values = np.full((draws, len(rows)), np.nan)
    bar = tqdm(total=draws, desc="validate", unit="draw", disable=not progress)
    try:
        for k, point in enumerate(picked.to_dict(orient="records")):
            data = apply_values(base, {str(p): float(v) for p, v in point.items()})
            data["calendar"]["horizon_days"] = horizon
            sc = scenario_from_dict(data, f"{folder / 'posterior.parquet'} (draw {k})")
            run = simulate(sc, [strategy], prospects=prospects, seed=draw_seed(seed, k),
                           engine="vector", workers=workers, touch_log=True)  # fmt: skip
            for j, r in enumerate(rows):
                values[k, j] = CATALOGUE[r.statistic](run.prospects, run.touches, r.args).value
            bar.update()
    finally:
        bar.close()
    table = comparison(rows, values)
    passed = bool((table["z"].abs() < Z_LIMIT).all())
    return Validation(table, draws, prospects, horizon, strategy, verdict(table), passed)


def comparison(rows: list[HeldOut], values: np.ndarray) -> pd.DataFrame:
    """``validation.csv`` from the held-out rows and the statistics over the draws."""
    tail = (1 - LEVEL) / 2
    out = []
    for j, r in enumerate(rows):
        v = values[:, j][np.isfinite(values[:, j])]
        predicted = float(v.mean()) if len(v) else math.nan
        low, high = np.quantile(v, [tail, 1 - tail]) if len(v) else (math.nan, math.nan)
        sd = float(v.std(ddof=1)) if len(v) > 1 else 0.0
        z = (r.value - predicted) / math.sqrt(r.se**2 + sd**2)
        out.append({"statistic": r.label, "observed": r.value, "observed_se": r.se,
                    "predicted": predicted, "pred_ci_low": float(low), "pred_ci_high": float(high),
                    "z": z})  # fmt: skip
    return pd.DataFrame(out, columns=VALIDATION_COLUMNS)


def verdict(table: pd.DataFrame) -> str:
    z = table["z"].to_numpy(dtype=float)
    n = len(z)
    finite = np.isfinite(z)
    if not finite.any():
        return "verdict: nothing to compare (the model produced none of the held-out statistics)"
    worst = int(np.nanargmax(np.abs(z)))
    within2 = int((np.abs(z[finite]) < 2).sum())
    largest = f"largest |z| {abs(z[worst]):.1f} ({table['statistic'].iat[worst]})"
    if finite.all() and (np.abs(z) < Z_LIMIT).all():
        return (f"verdict: the calibrated model predicts the held-out prospects: all {n} "
                f"statistics within {Z_LIMIT:g} SE, {within2} within 2; {largest}")  # fmt: skip
    off = [str(s) for s, x in zip(table["statistic"], z, strict=True) if not abs(x) < Z_LIMIT]
    return (f"verdict: the calibrated model does NOT predict the held-out prospects: "
            f"{len(off)} of {n} statistics {Z_LIMIT:g} SE or more from their prediction "
            f"({', '.join(off)}); {largest}")  # fmt: skip


def validation_chart(table: pd.DataFrame) -> Figure:
    n = len(table)
    fig = Figure(figsize=(10, 1.1 * n + 1.2), layout="constrained")
    axes = fig.subplots(n, 1, squeeze=False)[:, 0]
    for ax, row in zip(axes, table.to_dict(orient="records"), strict=True):
        obs, se = float(row["observed"]), float(row["observed_se"])
        ax.errorbar([obs], [1], xerr=[[1.96 * se], [1.96 * se]], fmt="o", color=BLUE,
                    capsize=4, label="held out (95%)")  # fmt: skip
        pred = float(row["predicted"])
        low, high = float(row["pred_ci_low"]), float(row["pred_ci_high"])
        if math.isfinite(pred):
            spread = [[max(pred - low, 0)], [max(high - pred, 0)]]
            ax.errorbar([pred], [0], xerr=spread, fmt="s", color=ORANGE, capsize=4,
                        label="predicted (95% over the posterior)")  # fmt: skip
        z = float(row["z"])
        colour = VERMILLION if not abs(z) < Z_LIMIT else "black"
        ax.set_title(f"{row['statistic']}: z = {z:+.1f}", fontsize=10, loc="left", color=colour)
        ax.set_yticks([0, 1], ["predicted", "held out"])
        ax.set_ylim(-0.7, 1.7)
        ax.grid(axis="x", color=GREY, alpha=0.4)
    axes[0].legend(loc="upper right", fontsize=8, frameon=False)
    fig.suptitle("Held-out prospects against the calibrated model's prediction", fontsize=12)
    return fig


def write_validation(result: Validation, folder: Path) -> list[Path]:
    """``validation.csv`` and ``charts/validation.png`` into the calibration's folder."""
    files = [write_atomic(folder / "validation.csv",
                          lambda p: result.table.to_csv(p, index=False))]  # fmt: skip
    with house_style():
        files.append(
            save_figure(validation_chart(result.table), folder / "charts" / "validation.png")
        )
    return files


__all__ = [
    "VALIDATION_COLUMNS",
    "Z_LIMIT",
    "HeldOut",
    "Validation",
    "comparison",
    "read_holdout",
    "validate",
    "verdict",
    "write_validation",
]
