"""Strategies compared over a calibration's posterior: which cadence wins in every market
consistent with what is known (``followup run SCENARIO --posterior FILE --draws K``).

K parameter sets are drawn from ``posterior.parquet`` (by weight, with a generator seeded by
the run's seed); each is set on the scenario (``sim.calibrate.space.apply_values``) and every
strategy runs on the same prospects (common random numbers within a draw; draw k has its own
seed, ``draw_seed``). Per strategy and metric, ``posterior_summary.csv`` gives the mean over
the draws and the 2.5% and 97.5% quantiles across them: an interval that holds the parameters'
uncertainty as well as the simulation's. ``posterior_best.csv`` gives, per strategy, the
probability that it books the most meetings (the share of draws where it does; ties go to the
strategy listed first) and the probability that it books fewer than the best strategy (the one
with the highest mean meeting rate over the draws), the share of draws where it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.random import SeedSequence
from tqdm import tqdm

from sim.calibrate.space import apply_values, read_value
from sim.io.atomic import write_atomic
from sim.io.errors import Problem, ScenarioError
from sim.io.loader import scenario_from_dict
from sim.model.scenario import Scenario
from sim.model.streams import name_key, stream
from sim.results.summary import summarize_stats
from sim.run.simulate import simulate

SUMMARY_COLUMNS = ["strategy", "metric", "mean", "ci_low", "ci_high", "draws"]
BEST_COLUMNS = ["strategy", "meeting_rate", "p_best", "p_worse_than_best"]
LEVEL = 0.95


@dataclass(frozen=True)
class PosteriorComparison:
    strategies: list[str]
    draws: pd.DataFrame
    """The parameter sets drawn, one row per draw."""
    per_draw: pd.DataFrame
    """``draw, strategy, metric, mean``."""
    summary: pd.DataFrame
    best: pd.DataFrame


def read_posterior(path: Path, scenario: Scenario) -> pd.DataFrame:
    """The posterior sample: its parameter columns (each a field of ``scenario``) and
    ``weight``; problems name the file and the column."""
    source = str(path)
    if not path.is_file():
        raise ScenarioError(source, [Problem("", None, "no such posterior file")])
    try:
        frame = pd.read_parquet(path, engine="pyarrow")
    except (OSError, ValueError) as exc:
        raise ScenarioError(source, [Problem("", None, f"not a parquet file: {exc}")]) from None
    problems = []
    if "weight" not in frame or len(frame) == 0:
        problems.append(Problem("", None, "needs a weight column and at least one row"))
    elif (frame["weight"] < 0).any() or not np.isfinite(frame["weight"]).all():
        problems.append(Problem("weight", None, "weights must be finite and >= 0"))
    data = scenario.model_dump(mode="json")
    for column in frame.columns:
        if column == "weight":
            continue
        _, why = read_value(data, str(column))
        if why:
            problems.append(
                Problem(str(column), "column", f"not a parameter of the scenario: {why}")
            )
    if problems:
        raise ScenarioError(source, problems)
    return frame


def draw_seed(seed: int, draw: int) -> int:
    ss = SeedSequence(entropy=seed, spawn_key=(name_key("posterior:draw"), draw))
    return int(ss.generate_state(1, np.uint64)[0]) >> 1


def draw_rows(frame: pd.DataFrame, draws: int, seed: int) -> pd.DataFrame:
    """``draws`` rows by weight (without replacement while the sample is large enough)."""
    weights = frame["weight"].to_numpy(dtype=float)
    p = weights / weights.sum()
    replace = draws > int(np.count_nonzero(p))
    rng = stream(seed, "posterior:rows")
    picked = rng.choice(len(frame), size=draws, replace=replace, p=p)
    return frame.iloc[picked].drop(columns=["weight"]).reset_index(drop=True)


def compare_over_posterior(
    scenario: Scenario,
    strategies: list[str],
    posterior: Path,
    *,
    draws: int = 20,
    prospects: int = 20_000,
    seed: int = 0,
    workers: int = 1,
    progress: bool = False,
) -> PosteriorComparison:
    frame = read_posterior(posterior, scenario)
    rows = draw_rows(frame, draws, seed)
    base = scenario.model_dump(mode="json")
    records = []
    names: list[str] = []
    bar = tqdm(total=draws, desc="posterior draws", unit="draw", disable=not progress)
    try:
        for k, values in enumerate(rows.to_dict(orient="records")):
            data = apply_values(base, {str(p): float(v) for p, v in values.items()})
            sc = scenario_from_dict(data, f"{posterior} (draw {k})")
            result = simulate(sc, strategies, prospects=prospects, seed=draw_seed(seed, k),
                              engine="vector", workers=workers, touch_log=False)  # fmt: skip
            names = result.strategies
            summary = summarize_stats(result.stats)
            for s, m, mean in zip(summary["strategy"], summary["metric"], summary["mean"],
                                  strict=True):  # fmt: skip
                records.append({"draw": k, "strategy": s, "metric": m, "mean": float(mean)})
            bar.update()
    finally:
        bar.close()
    per_draw = pd.DataFrame(records)
    return PosteriorComparison(names, rows, per_draw, summarize(per_draw, names),
                               best_table(per_draw, names))  # fmt: skip


def summarize(per_draw: pd.DataFrame, strategies: list[str]) -> pd.DataFrame:
    tail = (1 - LEVEL) / 2
    out = []
    order = {s: i for i, s in enumerate(strategies)}
    grouped = per_draw.groupby(["strategy", "metric"], sort=False)["mean"]
    for (s, m), x in grouped:
        v = x.to_numpy(dtype=float)
        v = v[np.isfinite(v)]
        low, high = np.quantile(v, [tail, 1 - tail]) if len(v) else (np.nan, np.nan)
        out.append({"strategy": s, "metric": m, "mean": float(v.mean()) if len(v) else np.nan,
                    "ci_low": float(low), "ci_high": float(high), "draws": len(x)})  # fmt: skip
    frame = pd.DataFrame(out, columns=SUMMARY_COLUMNS)
    frame["_o"] = frame["strategy"].map(order)
    return frame.sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)


def best_table(per_draw: pd.DataFrame, strategies: list[str]) -> pd.DataFrame:
    rates = per_draw[per_draw["metric"] == "meeting_rate"].pivot(
        index="draw", columns="strategy", values="mean"
    )[strategies]
    values = rates.to_numpy(dtype=float)
    winner = np.argmax(np.nan_to_num(values, nan=-np.inf), axis=1)
    means = np.nanmean(values, axis=0)
    best = int(np.argmax(np.nan_to_num(means, nan=-np.inf)))
    rows = []
    for j, s in enumerate(strategies):
        worse = np.nan if j == best else float(np.mean(values[:, j] < values[:, best]))
        p_best = float(np.mean(winner == j))
        rows.append({"strategy": s, "meeting_rate": float(means[j]), "p_best": p_best,
                     "p_worse_than_best": worse})  # fmt: skip
    frame = pd.DataFrame(rows, columns=BEST_COLUMNS)
    return frame.sort_values("meeting_rate", ascending=False, kind="stable").reset_index(drop=True)


def write_comparison(result: PosteriorComparison, out: Path) -> list[Path]:
    """``posterior_summary.csv``, ``posterior_best.csv`` and ``posterior_draws.csv``."""
    return [
        write_atomic(
            out / "posterior_summary.csv", lambda p: result.summary.to_csv(p, index=False)
        ),
        write_atomic(out / "posterior_best.csv", lambda p: result.best.to_csv(p, index=False)),
        write_atomic(out / "posterior_draws.csv", lambda p: result.draws.to_csv(p, index=False)),
    ]


__all__ = [
    "BEST_COLUMNS",
    "SUMMARY_COLUMNS",
    "PosteriorComparison",
    "compare_over_posterior",
    "read_posterior",
    "write_comparison",
]
