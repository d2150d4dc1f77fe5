"""The confirmation run: the pick against the best library strategies, on fresh prospects.

The pick (``optimized``), the five best library strategies that meet the constraints (by the
goal at the search's full size; the best of the rest fill in when fewer than five do) and the
team's baseline run on the same fresh prospects: a seed the search never used
(``optimize:confirm``) and, over a posterior, fresh draws of it. Then:

- ``summary``: per strategy, each metric with its 95% interval (Wilson for shares, t for means
  per prospect, the delta method for meetings per rep hour), pooled over the draws;
- ``comparisons``: the pick minus each other strategy, prospect by prospect (the paired
  t-test, ``sim.results.summary.paired_difference_arrays``; for meetings per rep hour, a ratio,
  the delta method on the paired per-prospect terms), with Benjamini-Hochberg adjusted
  p-values over the strategies compared on each metric (``sim.results.tables.fdr_adjust``),
  a verdict on the goal: ``better``, ``worse`` or ``not significantly different``
  (adjusted p at or above ``ALPHA``), and whether the other strategy itself meets the
  constraints in this run (``b_meets_constraints``: a strategy over a cap is no option for
  the team, whatever it books);
- ``constraints``: each of the pick's constraints with its estimate and interval: ``met``
  (the interval under the cap), ``met on the estimate`` (the estimate under the cap, the
  interval reaching over it) or ``violated``; the cap on touches per prospect against the most
  any prospect received;
- over a posterior, how often the pick beats the runner-up (the best other strategy) across
  the draws.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.calibrate.compare import draw_seed
from sim.io.loader import scenario_from_dict
from sim.optimize.evaluate import derived_seed
from sim.optimize.objective import (
    GOAL_METRIC,
    LABELS,
    MEANS,
    METRICS,
    SHARES,
    Goal,
    measure,
    show,
)
from sim.optimize.problem import PICK, OptimizeProblem
from sim.optimize.space import spec_mapping
from sim.results.summary import mean_ci, paired_difference_arrays, proportion_ci, ratio_ci
from sim.results.tables import fdr_adjust
from sim.run.simulate import simulate
from sim.strategy.cadence import CadenceSpec

ALPHA = 0.05
LEVEL = 0.95
LIBRARY_SHOWN = 5
SUMMARY_COLUMNS = ["strategy", "role", "metric", "mean", "ci_low", "ci_high", "n_prospects"]
COMPARISON_COLUMNS = [
    "strategy_a", "strategy_b", "metric", "diff", "ci_low", "ci_high", "p_value", "p_adjusted",
    "verdict", "b_meets_constraints",
]  # fmt: skip
CONSTRAINT_COLUMNS = ["constraint", "cap", "value", "ci_low", "ci_high", "status"]


@dataclass(frozen=True)
class Confirmation:
    strategies: list[str]
    roles: dict[str, str]
    """``pick``, ``library`` or ``baseline``."""
    summary: pd.DataFrame
    comparisons: pd.DataFrame
    constraints: pd.DataFrame
    per_draw: pd.DataFrame
    """``draw, strategy, <goal metric>``."""
    prospects: int
    draws: int
    seed: int
    runner_up: str | None
    beats_runner_up: float | None
    """Over a posterior: the share of draws where the pick beats the runner-up."""

    def goal_rows(self, goal: Goal) -> pd.DataFrame:
        return self.comparisons[self.comparisons["metric"] == GOAL_METRIC[goal]]

    def not_better(self, goal: Goal, feasible_only: bool = False) -> list[str]:
        """The strategies the pick is not significantly better than (only those meeting the
        constraints, with ``feasible_only``)."""
        rows = records(self.goal_rows(goal))
        return [
            str(r["strategy_b"])
            for r in rows
            if r["verdict"] != "better" and (r["b_meets_constraints"] or not feasible_only)
        ]

    def violated(self) -> list[str]:
        rows = self.constraints
        return [str(c) for c, s in zip(rows["constraint"], rows["status"], strict=True)
                if s == "violated"]  # fmt: skip


def confirmation_set(ranked: Sequence[tuple[str, bool]], shown: int = LIBRARY_SHOWN) -> list[str]:
    """The library strategies of the confirmation: of ``ranked`` (name, meets the
    constraints), best first, the ``shown`` best that meet them, filled up with the best of
    the rest."""
    met = [n for n, ok in ranked if ok][:shown]
    rest = [n for n, ok in ranked if not ok][: shown - len(met)]
    order = [n for n, _ in ranked]
    return sorted(met + rest, key=order.index)


def confirm(
    problem: OptimizeProblem,
    pick: CadenceSpec,
    library: Sequence[str],
    *,
    prospects: int,
    seed: int,
    workers: int = 1,
) -> Confirmation:
    """Run the confirmation (see the module's docstring) on ``prospects`` per strategy (per
    draw over a posterior)."""
    confirm_seed = derived_seed(seed, "optimize:confirm")
    markets = problem.markets(confirm_seed)
    extra = {PICK: spec_mapping(pick)}
    names = [PICK, *library]
    roles = {PICK: "pick", **{n: "library" for n in library}}
    if problem.baseline is not None:
        extra[problem.baseline.name] = spec_mapping(problem.baseline.spec)
        if problem.baseline.name not in names:
            names.append(problem.baseline.name)
        roles[problem.baseline.name] = "baseline"
    frames = []
    for k, data in enumerate(markets):
        data = {**data, "custom_strategies": {**data.get("custom_strategies", {}), **extra}}
        scenario = scenario_from_dict(data, "<confirmation>")
        seed_k = confirm_seed if len(markets) == 1 else draw_seed(confirm_seed, k)
        result = simulate(scenario, names, prospects=prospects, seed=seed_k, engine="vector",
                          workers=workers, touch_log=False)  # fmt: skip
        frame = result.prospects
        frame.insert(0, "draw", k)
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    by = {n: _aligned(table, n) for n in names}
    goal_metric = GOAL_METRIC[problem.goal]
    per_draw = _per_draw(table, names, goal_metric)
    summary = _summary(by, roles)
    limits = problem.constraints.limits
    compared = list(dict.fromkeys([goal_metric, *limits, "touches_per_prospect"]))
    ok = {n: _meets(problem, by[n]) for n in names}
    comparisons = _comparisons(by, names, compared, goal_metric, ok)
    constraints = _constraints(problem, by[PICK], pick)
    runner_up, beats = None, None
    others = [n for n in names if n != PICK]
    if others:
        means = {n: _goal(by[n], goal_metric) for n in others}
        runner_up = max(others, key=lambda n: (_finite(means[n]), -others.index(n)))
        if len(markets) > 1:
            wide = per_draw.pivot(index="draw", columns="strategy", values=goal_metric)
            beats = float(np.mean(wide[PICK].to_numpy() > wide[runner_up].to_numpy()))
    return Confirmation(names, roles, summary, comparisons, constraints, per_draw, prospects,
                        len(markets), confirm_seed, runner_up, beats)  # fmt: skip


def _finite(x: float) -> float:
    return x if math.isfinite(x) else -math.inf


def _aligned(table: pd.DataFrame, name: str) -> pd.DataFrame:
    rows = table[(table["strategy"].astype(str) == name).to_numpy()]
    return rows.sort_values(["draw", "prospect"], kind="stable").reset_index(drop=True)


def _per_draw(table: pd.DataFrame, names: list[str], metric: str) -> pd.DataFrame:
    out = []
    for draw in sorted(set(table["draw"].astype(int))):
        part = table[(table["draw"] == draw).to_numpy()]
        for name in names:
            values, _ = measure(part[(part["strategy"].astype(str) == name).to_numpy()])
            out.append({"draw": draw, "strategy": name, metric: values[metric]})
    return pd.DataFrame(out, columns=["draw", "strategy", metric])


def _interval(rows: pd.DataFrame, metric: str) -> tuple[float, float, float]:
    if metric in SHARES:
        x = rows[SHARES[metric]].to_numpy(dtype=float)
        return proportion_ci(int(x.sum()), len(x), LEVEL)
    if metric in MEANS:
        return mean_ci(rows[MEANS[metric]].to_numpy(dtype=float), LEVEL)
    ratio = ratio_ci(rows["meeting"].to_numpy(dtype=float),
                     rows["rep_minutes"].to_numpy(dtype=float), LEVEL)  # fmt: skip
    return 60 * ratio[0], 60 * ratio[1], 60 * ratio[2]


def _goal(rows: pd.DataFrame, metric: str) -> float:
    return _interval(rows, metric)[0]


def _summary(by: dict[str, pd.DataFrame], roles: dict[str, str]) -> pd.DataFrame:
    out = []
    for name, rows in by.items():
        for metric in METRICS:
            est, low, high = _interval(rows, metric)
            out.append({"strategy": name, "role": roles[name], "metric": metric, "mean": est,
                        "ci_low": low, "ci_high": high, "n_prospects": len(rows)})  # fmt: skip
    return pd.DataFrame(out, columns=SUMMARY_COLUMNS)


def paired_ratio_difference(
    ma: np.ndarray, ta: np.ndarray, mb: np.ndarray, tb: np.ndarray, level: float = LEVEL
) -> tuple[float, float, float, float]:
    """``60 sum(ma)/sum(ta) - 60 sum(mb)/sum(tb)`` over paired prospects, its delta-method
    interval and two-sided p-value: (diff, low, high, p)."""
    n = len(ma)
    if n < 2 or ta.sum() <= 0 or tb.sum() <= 0:
        return math.nan, math.nan, math.nan, math.nan
    ra, rb = ma.sum() / ta.sum(), mb.sum() / tb.sum()
    psi = (ma - ra * ta) / ta.mean() - (mb - rb * tb) / tb.mean()
    diff = 60 * float(ra - rb)
    se = 60 * float(psi.std(ddof=1)) / math.sqrt(n)
    if se == 0:
        return diff, diff, diff, 1.0 if diff == 0 else 0.0
    z = float(stats.norm.ppf((1 + level) / 2))
    p = float(2 * stats.norm.sf(abs(diff) / se))
    return diff, diff - z * se, diff + z * se, p


def _difference(a: pd.DataFrame, b: pd.DataFrame, metric: str) -> tuple[float, float, float, float]:
    if metric == "meetings_per_rep_hour":
        cols = [a["meeting"], a["rep_minutes"], b["meeting"], b["rep_minutes"]]
        ma, ta, mb, tb = (c.to_numpy(dtype=float) for c in cols)
        return paired_ratio_difference(ma, ta, mb, tb)
    column = {**SHARES, **MEANS}[metric]
    d = paired_difference_arrays(a[column].to_numpy(dtype=float),
                                 b[column].to_numpy(dtype=float), LEVEL)  # fmt: skip
    return d.diff, d.ci_low, d.ci_high, d.p_value


def _meets(problem: OptimizeProblem, rows: pd.DataFrame) -> bool:
    """Whether a strategy meets the constraints in the confirmation (on the estimates)."""
    limits = problem.constraints.limits
    if any(_interval(rows, metric)[0] > cap for metric, cap in limits.items()):
        return False
    cap = problem.space.max_touches
    return cap is None or float(rows["touches"].max()) <= cap


def _comparisons(
    by: dict[str, pd.DataFrame],
    names: list[str],
    metrics: list[str],
    goal_metric: str,
    ok: dict[str, bool],
) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for metric in metrics:
        block: list[dict[str, Any]] = []
        for other in names[1:]:
            diff, low, high, p = _difference(by[PICK], by[other], metric)
            block.append({"strategy_a": PICK, "strategy_b": other, "metric": metric,
                          "diff": diff, "ci_low": low, "ci_high": high, "p_value": p,
                          "b_meets_constraints": ok[other]})  # fmt: skip
        adjusted = fdr_adjust([float(r["p_value"]) for r in block])
        for r, q in zip(block, adjusted, strict=True):
            r["p_adjusted"] = float(q)
            r["verdict"] = _verdict(float(r["diff"]), float(q)) if metric == goal_metric else ""
        rows += block
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def _verdict(diff: float, p_adjusted: float) -> str:
    if not math.isfinite(p_adjusted) or p_adjusted >= ALPHA:
        return "not significantly different"
    return "better" if diff > 0 else "worse"


def _constraints(problem: OptimizeProblem, rows: pd.DataFrame, pick: CadenceSpec) -> pd.DataFrame:
    out = []
    for metric, cap in problem.constraints.limits.items():
        est, low, high = _interval(rows, metric)
        status = "met" if high <= cap else "met on the estimate" if est <= cap else "violated"
        out.append({"constraint": metric, "cap": cap, "value": est, "ci_low": low,
                    "ci_high": high, "status": status})  # fmt: skip
    cap_touches = problem.space.max_touches
    if cap_touches is not None:
        most = float(rows["touches"].max())
        out.append({"constraint": "touches_per_prospect_max", "cap": float(cap_touches),
                    "value": most, "ci_low": most, "ci_high": most,
                    "status": "met" if most <= cap_touches else "violated"})  # fmt: skip
    used = sorted({s.channel for p in pick.phases for s in p.steps})
    allowed = set(problem.space.channels)
    out.append({"constraint": "channels: " + ",".join(used), "cap": math.nan,
                "value": math.nan, "ci_low": math.nan, "ci_high": math.nan,
                "status": "met" if set(used) <= allowed else "violated"})  # fmt: skip
    return pd.DataFrame(out, columns=CONSTRAINT_COLUMNS)


def verdict_lines(c: Confirmation, goal: Goal) -> list[str]:
    """The confirmation in sentences: the pick's goal, each comparison on it, the summary
    (which strategies the pick is not significantly better than) and the constraints."""
    metric = GOAL_METRIC[goal]
    label = LABELS[metric]
    s = {str(r["strategy"]): r for r in records(c.summary) if r["metric"] == metric}
    over = f" over {c.draws} posterior draws" if c.draws > 1 else ""
    lines = [f"confirmation on {c.prospects:,} fresh prospects per strategy{over} (seed "
             f"{c.seed}): {label}"]  # fmt: skip
    for name in c.strategies:
        r = s[name]
        lines.append(f"  {name:<24} {show(metric, r['mean'])} [{show(metric, r['ci_low'])}, "
                     f"{show(metric, r['ci_high'])}]  ({c.roles[name]})")  # fmt: skip
    rows = c.goal_rows(goal)
    for r in records(rows):
        breaks = "" if r["b_meets_constraints"] else " (it breaks a constraint)"
        lines.append(f"  {PICK} - {r['strategy_b']}: {_signed(metric, r['diff'])} "
                     f"[{_signed(metric, r['ci_low'])}, {_signed(metric, r['ci_high'])}], "
                     f"BH-adjusted p {_p(r['p_adjusted'])}: {r['verdict']}{breaks}")  # fmt: skip
    behind = c.not_better(goal)
    options = c.not_better(goal, feasible_only=True)
    if not len(rows):
        lines.append("nothing to compare the pick with")
    elif options:
        lines.append("the pick is NOT significantly better than these strategies that meet "
                     f"the constraints: {', '.join(options)}")  # fmt: skip
    elif behind:
        lines.append("the pick is significantly better than every strategy compared that "
                     "meets the constraints (Benjamini-Hochberg adjusted p < 0.05); NOT than "
                     f"these, which break one: {', '.join(behind)}")  # fmt: skip
    else:
        lines.append("the pick is significantly better than every strategy it was compared "
                     "with (Benjamini-Hochberg adjusted p < 0.05)")  # fmt: skip
    if c.beats_runner_up is not None:
        share = f"{100 * c.beats_runner_up:.0f}%"
        lines.append(f"the pick beats the runner-up ({c.runner_up}) in {share} of the "
                     f"{c.draws} posterior draws")  # fmt: skip
    for r in records(c.constraints):
        name = str(r["constraint"])
        if math.isfinite(r["cap"]) and name in LABELS:
            lines.append(f"constraint {LABELS[name]} <= {show(name, r['cap'])}: "
                         f"{show(name, r['value'])} [{show(name, r['ci_low'])}, "
                         f"{show(name, r['ci_high'])}]: {r['status']}")  # fmt: skip
        elif math.isfinite(r["cap"]):
            lines.append(f"constraint at most {r['cap']:.0f} touches per prospect: the most "
                         f"was {r['value']:.0f}: {r['status']}")  # fmt: skip
        else:
            lines.append(f"constraint {name}: {r['status']}")
    return lines


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as mappings by column name."""
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict(orient="records")]


def _signed(metric: str, x: float) -> str:
    text = show(metric, x)
    return text if text.startswith("-") or text == "-" else f"+{text}"


def _p(p: float) -> str:
    if not math.isfinite(p):
        return "-"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


__all__ = [
    "ALPHA",
    "COMPARISON_COLUMNS",
    "CONSTRAINT_COLUMNS",
    "SUMMARY_COLUMNS",
    "Confirmation",
    "confirm",
    "confirmation_set",
    "paired_ratio_difference",
    "verdict_lines",
]
