"""What the search maximises and what it must respect, measured on a run's outcome table.

- **Goals** (``Goal``): ``meetings`` (the meeting rate), ``wins`` (the win rate) or
  ``meetings_per_rep_hour`` (60 x meetings / rep minutes). Every goal is maximised.
- **Constraints** (``Constraints``): the opt-out rate at most ``max_opt_out`` (a share of
  prospects), the rep's minutes per prospect at most ``max_rep_minutes``; the cap on touches
  per prospect and the channels are part of the search space (``sim.optimize.space``), so
  every candidate meets them by construction.
- **Measures** (``measure``): each metric of ``METRICS`` with its standard error, from the
  per-prospect table of one run (binomial SEs for shares, the sample SD for means per
  prospect, the delta method for meetings per rep hour). Over posterior draws each draw is one
  run, and a candidate's value is the mean over the draws (``pool``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from sim.io.errors import OptionError


class Goal(StrEnum):
    meetings = "meetings"
    wins = "wins"
    meetings_per_rep_hour = "meetings_per_rep_hour"


GOAL_METRIC = {
    Goal.meetings: "meeting_rate",
    Goal.wins: "win_rate",
    Goal.meetings_per_rep_hour: "meetings_per_rep_hour",
}
GOAL_COLUMN = {Goal.meetings: "meeting", Goal.wins: "won"}
"""The outcome-table column whose mean is the goal (meetings per rep hour is a ratio)."""
METRICS = (
    "meeting_rate",
    "win_rate",
    "meetings_per_rep_hour",
    "opt_out_rate",
    "rep_minutes_per_prospect",
    "touches_per_prospect",
    "cost_per_prospect",
    "reach_rate",
)
"""Every metric a candidate is measured on, in the order stored with each evaluation."""
SHARES = {"meeting_rate": "meeting", "win_rate": "won", "opt_out_rate": "opted_out",
          "reach_rate": "reached"}  # fmt: skip
MEANS = {"rep_minutes_per_prospect": "rep_minutes", "touches_per_prospect": "touches",
         "cost_per_prospect": "cost"}  # fmt: skip
LABELS = {
    "meeting_rate": "meetings per 100 prospects",
    "win_rate": "wins per 100 prospects",
    "meetings_per_rep_hour": "meetings per rep hour",
    "opt_out_rate": "opt-outs per 100 prospects",
    "rep_minutes_per_prospect": "rep minutes per prospect",
    "touches_per_prospect": "touches per prospect",
    "cost_per_prospect": "cost per prospect",
    "reach_rate": "reached per 100 prospects",
}
PERCENT = frozenset(SHARES)
"""Metrics shown as per 100 prospects."""


def show(metric: str, value: float, digits: int = 2) -> str:
    """A metric's value as people read it: per 100 prospects for shares."""
    if not math.isfinite(value):
        return "-"
    return f"{100 * value:.{digits}f}" if metric in PERCENT else f"{value:.{digits}f}"


@dataclass(frozen=True)
class Constraints:
    """The team's limits a cadence must respect (``None``: no limit)."""

    max_opt_out: float | None = None
    max_rep_minutes: float | None = None

    def __post_init__(self) -> None:
        if self.max_opt_out is not None and not 0 < self.max_opt_out < 1:
            raise OptionError(
                "max_opt_out",
                f"a share of prospects, above 0 and below 1 (0.02 is 2 in 100), got "
                f"{self.max_opt_out}",
            )
        if self.max_rep_minutes is not None and not 0 < self.max_rep_minutes <= 10_000:
            raise OptionError(
                "max_rep_minutes",
                f"minutes per prospect, above 0 and at most 10,000, got {self.max_rep_minutes}",
            )

    @property
    def limits(self) -> dict[str, float]:
        """The constrained metrics and their caps."""
        out = {}
        if self.max_opt_out is not None:
            out["opt_out_rate"] = self.max_opt_out
        if self.max_rep_minutes is not None:
            out["rep_minutes_per_prospect"] = self.max_rep_minutes
        return out

    def excess(self, m: Measured) -> list[float]:
        """Each constraint's value minus its cap (feasible when every one is <= 0); the form
        Optuna's ``constraints_func`` takes."""
        return [m.values[k] - cap for k, cap in self.limits.items()]

    def met(self, m: Measured, z: float = 0.0) -> bool:
        """Whether every constrained metric is at most its cap, ``z`` standard errors above
        the estimate (``z`` > 0: with a margin for the noise of the estimate)."""
        return all(m.values[k] + z * m.ses[k] <= cap for k, cap in self.limits.items())

    def plausible(self, m: Measured, z: float) -> bool:
        """Whether the caps are within ``z`` standard errors of reach (worth a second look)."""
        return all(m.values[k] - z * m.ses[k] <= cap for k, cap in self.limits.items())


@dataclass(frozen=True)
class Measured:
    """A candidate's metrics and their standard errors, at ``prospects`` per draw."""

    values: dict[str, float]
    ses: dict[str, float]
    prospects: int
    draws: int = 1
    per_draw: tuple[dict[str, float], ...] = ()
    """The values of each posterior draw (empty without a posterior)."""

    def goal(self, goal: Goal) -> float:
        return self.values[GOAL_METRIC[goal]]

    def goal_se(self, goal: Goal) -> float:
        return self.ses[GOAL_METRIC[goal]]


def _share(x: np.ndarray) -> tuple[float, float]:
    n = len(x)
    p = float(x.mean()) if n else math.nan
    return p, math.sqrt(p * (1 - p) / n) if n else math.nan


def _mean(x: np.ndarray) -> tuple[float, float]:
    n = len(x)
    if n < 2:
        return (float(x.mean()) if n else math.nan), math.nan
    return float(x.mean()), float(x.std(ddof=1)) / math.sqrt(n)


def per_hour(meetings: np.ndarray, minutes: np.ndarray) -> tuple[float, float]:
    """60 x sum(meetings) / sum(minutes) and its delta-method standard error."""
    n = len(meetings)
    total = float(minutes.sum())
    if n < 2 or total <= 0:
        return math.nan, math.nan
    ratio = float(meetings.sum()) / total
    mean_t = total / n
    resid = meetings - ratio * minutes
    se = float(resid.std(ddof=1)) / (math.sqrt(n) * mean_t)
    return 60 * ratio, 60 * se


def measure(prospects: pd.DataFrame) -> tuple[dict[str, float], dict[str, float]]:
    """Every metric of ``METRICS`` and its SE from one strategy's outcome table."""
    values: dict[str, float] = {}
    ses: dict[str, float] = {}
    for metric, column in SHARES.items():
        values[metric], ses[metric] = _share(prospects[column].to_numpy(dtype=float))
    for metric, column in MEANS.items():
        values[metric], ses[metric] = _mean(prospects[column].to_numpy(dtype=float))
    values["meetings_per_rep_hour"], ses["meetings_per_rep_hour"] = per_hour(
        prospects["meeting"].to_numpy(dtype=float), prospects["rep_minutes"].to_numpy(dtype=float)
    )
    return values, ses


def pool(draws: list[tuple[dict[str, float], dict[str, float]]], prospects: int) -> Measured:
    """A candidate's measure over posterior draws: the mean of each metric over the draws,
    and the SE of that mean (the draws' simulations are independent of each other)."""
    k = len(draws)
    values = {m: float(np.mean([v[m] for v, _ in draws])) for m in METRICS}
    ses = {m: math.sqrt(sum(s[m] ** 2 for _, s in draws)) / k for m in METRICS}
    per_draw = tuple(v for v, _ in draws) if k > 1 else ()
    return Measured(values, ses, prospects, k, per_draw)


__all__ = [
    "GOAL_METRIC",
    "LABELS",
    "METRICS",
    "Constraints",
    "Goal",
    "Measured",
    "measure",
    "per_hour",
    "pool",
    "show",
]
