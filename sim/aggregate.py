"""Sufficient statistics of a strategy's outcomes: mergeable, so large runs stream.

A ``StrategyStats`` holds counts, sums, sums of squares and cross-products, a histogram of
days to first response, and dials and pick-ups. Summing the stats of two sets of prospects
gives the stats of their union, so a run of any size keeps one small object per strategy
per chunk instead of a row per prospect; the summary's estimates and intervals are computed
from these statistics alone (``sim.summary``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd
from numpy.typing import NDArray

FLAGS = (
    "meeting",
    "won",
    "reached",
    "positive",
    "said_no",
    "opted_out",
    "ghost",
    "bought_elsewhere",
)
"""Boolean outcomes counted per prospect."""
VALUES = ("touches", "rep_minutes", "cost")
"""Per-prospect quantities with means and (against meetings) ratios."""
POSITIVE_OUTCOMES = ("meeting", "nurture", "conversing")
DIAL_CHANNELS = ("call_desk", "call_cell")


@dataclass
class StrategyStats:
    """Sufficient statistics of one strategy's prospects (and, optionally, its touch log)."""

    n: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FLAGS, 0))
    sums: dict[str, float] = field(default_factory=lambda: dict.fromkeys(VALUES, 0.0))
    squares: dict[str, float] = field(default_factory=lambda: dict.fromkeys(VALUES, 0.0))
    with_meeting: dict[str, float] = field(default_factory=lambda: dict.fromkeys(VALUES, 0.0))
    """Sum over prospects of value * meeting (the cross-product for per-meeting ratios)."""
    first_response: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    """Histogram of days to first response (index = day)."""
    dials: int = 0
    pickups: int = 0
    has_touches: bool = False

    def __add__(self, other: StrategyStats) -> StrategyStats:
        size = max(len(self.first_response), len(other.first_response))
        hist = np.zeros(size, dtype=np.int64)
        hist[: len(self.first_response)] += self.first_response
        hist[: len(other.first_response)] += other.first_response
        return StrategyStats(
            n=self.n + other.n,
            counts={k: self.counts[k] + other.counts[k] for k in FLAGS},
            sums={k: self.sums[k] + other.sums[k] for k in VALUES},
            squares={k: self.squares[k] + other.squares[k] for k in VALUES},
            with_meeting={k: self.with_meeting[k] + other.with_meeting[k] for k in VALUES},
            first_response=hist,
            dials=self.dials + other.dials,
            pickups=self.pickups + other.pickups,
            has_touches=self.has_touches or other.has_touches,
        )

    @classmethod
    def of(cls, prospects: pd.DataFrame, touches: pd.DataFrame | None = None) -> StrategyStats:
        """The statistics of one strategy's rows of the outcome table (and touch log)."""
        meeting = prospects["meeting"].to_numpy(dtype=bool)
        reached = prospects["reached"].to_numpy(dtype=bool)
        opted = prospects["opted_out"].to_numpy(dtype=bool)
        outcome = prospects["outcome"].astype(str)
        flags = {
            "meeting": meeting,
            "won": prospects["won"].to_numpy(dtype=bool),
            "reached": reached,
            "positive": outcome.isin(POSITIVE_OUTCOMES).to_numpy(dtype=bool) | meeting,
            "said_no": prospects["said_no"].to_numpy(dtype=bool),
            "opted_out": opted,
            "ghost": ~reached & ~opted & ~meeting,
            "bought_elsewhere": prospects["bought_elsewhere"].to_numpy(dtype=bool),
        }
        values = {k: prospects[k].to_numpy(dtype=float) for k in VALUES}
        days = prospects["first_response_day"].to_numpy(dtype=float)
        days = days[~np.isnan(days)].astype(np.int64)
        stats = cls(
            n=len(prospects),
            counts={k: int(v.sum()) for k, v in flags.items()},
            sums={k: float(v.sum()) for k, v in values.items()},
            squares={k: float((v * v).sum()) for k, v in values.items()},
            with_meeting={k: float(v[meeting].sum()) for k, v in values.items()},
            first_response=np.bincount(days) if len(days) else np.zeros(0, np.int64),
        )
        if touches is not None:
            dials = touches["channel"].astype(str).isin(DIAL_CHANNELS).to_numpy(dtype=bool)
            picked = (touches["result"].astype(str) == "picked_up").to_numpy(dtype=bool)
            stats.dials = int(dials.sum())
            stats.pickups = int((dials & picked).sum())
            stats.has_touches = True
        return stats


def stats_by_strategy(
    prospects: pd.DataFrame, touches: pd.DataFrame | None = None
) -> dict[str, StrategyStats]:
    """``StrategyStats`` per strategy, in order of first appearance."""
    names = list(dict.fromkeys(prospects["strategy"].astype(str)))
    p_name = prospects["strategy"].astype(str).to_numpy()
    t_name = None if touches is None else touches["strategy"].astype(str).to_numpy()
    out = {}
    for name in names:
        t = None if touches is None or t_name is None else touches[t_name == name]
        out[name] = StrategyStats.of(prospects[p_name == name], t)
    return out


def merge(parts: list[dict[str, StrategyStats]]) -> dict[str, StrategyStats]:
    """Merge per-chunk statistics (strategies in order of first appearance)."""
    out: dict[str, StrategyStats] = {}
    for part in parts:
        for name, stats in part.items():
            out[name] = out[name] + stats if name in out else stats
    return out


__all__ = ["StrategyStats", "fields", "merge", "stats_by_strategy"]
