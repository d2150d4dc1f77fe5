"""The tables a run writes beside ``summary.csv``, with the exact columns other tools read.

- ``comparisons.csv`` (``comparisons``): every strategy against the best (highest meeting
  rate), paired on the same prospects, on six metrics, with Benjamini-Hochberg adjusted
  p-values;
- ``touch_stats.csv`` (``touch_stats``): what the touches did, by strategy, attempt and
  channel;
- ``by_attempt.csv`` (``by_attempt``): at which attempt prospects were first reached;
- ``funnel.csv`` (``sim.results.funnel.funnel``): per strategy, touch and channel, what the
  touches did, with rates and intervals, and what the N-th touch added.

Every table is built from mergeable statistics: the per-strategy ``StrategyStats``
(``sim.results.aggregate``) and, for ``comparisons``, the strategies' joint moments over the same
prospects (``sim.results.paired.PairedStats``), so a run of any size writes them all without an
outcome table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from sim.results.aggregate import CHANNEL_NAMES, TOUCH_COUNTS, StrategyStats
from sim.results.funnel import funnel
from sim.results.paired import PairedStats
from sim.results.summary import best_strategy, ranked

COMPARISON_COLUMNS = [
    "strategy_a",
    "strategy_b",
    "metric",
    "diff",
    "ci_low",
    "ci_high",
    "p_value",
    "p_adjusted",
]
COMPARISON_METRICS = {
    "meeting_rate": "meeting",
    "reach_rate": "reached",
    "no_rate": "said_no",
    "opt_out_rate": "opted_out",
    "touches_per_prospect": "touches",
    "rep_minutes_per_prospect": "rep_minutes",
}
"""Metrics compared pairwise (named as in ``summary.csv``), with the outcome-table column
whose per-prospect difference is tested."""
TOUCH_STATS_COLUMNS = ["strategy", "attempt", "channel", *TOUCH_COUNTS]
BY_ATTEMPT_COLUMNS = ["strategy", "attempt", "first_contact", "first_contact_meeting"]


# -- comparisons -------------------------------------------------------------------------------


def fdr_adjust(p_values: ArrayLike) -> NDArray[np.float64]:
    """Benjamini-Hochberg adjusted p-values (``scipy.stats.false_discovery_control``); NaN
    p-values stay NaN and do not count among the tests."""
    ps = np.asarray(p_values, dtype=float)
    adjusted = np.full(ps.shape, math.nan)
    ok = ~np.isnan(ps)
    if ok.any():
        adjusted[ok] = stats.false_discovery_control(np.clip(ps[ok], 0.0, 1.0), method="bh")
    return adjusted


def comparisons(
    prospects: pd.DataFrame,
    best: str,
    order: list[str] | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """``compare`` on the outcome table's paired statistics (``PairedStats.of_table``); raises
    ``ValueError`` unless every strategy ran on the same prospects."""
    return compare(PairedStats.of_table(prospects), best, order, level)


def compare(
    paired: PairedStats, best: str, order: list[str] | None = None, level: float = 0.95
) -> pd.DataFrame:
    """Every other strategy (``strategy_a``) against ``best`` (``strategy_b``), paired on the
    same prospects, for each metric of ``COMPARISON_METRICS``: ``diff`` is the mean of
    ``a - b`` per prospect (a share for rates: -0.01 is one meeting fewer per 100 prospects),
    ``ci_low, ci_high`` its ``level`` interval and ``p_value`` the paired t-test's
    (``sim.results.paired.paired_test``). ``p_adjusted``: Benjamini-Hochberg over all rows of
    the same metric (``fdr_adjust``). Rows by metric, then strategies in ``order`` (default:
    the statistics' order)."""
    names = paired.strategies
    if best not in names:
        raise ValueError(f"no prospects for strategy {best!r}")
    others = [s for s in (order or list(names)) if s != best and s in names]
    if not others:
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    frames = []
    for metric, column in COMPARISON_METRICS.items():
        rows = []
        for name in others:
            d = paired.test(column, name, best, level)
            rows.append((name, best, metric, d.diff, d.ci_low, d.ci_high, d.p_value))
        frame = pd.DataFrame(rows, columns=COMPARISON_COLUMNS[:-1])
        frame["p_adjusted"] = fdr_adjust(frame["p_value"].to_numpy(dtype=float))
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


# -- from the sufficient statistics ------------------------------------------------------------


def touch_stats(by_strategy: Mapping[str, StrategyStats]) -> pd.DataFrame:
    """``strategy, attempt, channel, sent, reached, read, positive, no, opted_out``: counts of
    touches by strategy, attempt (the n-th touch to a prospect, from 1) and channel, one row per
    combination with at least one touch sent, by strategy, attempt, then channel code.

    ``sent``: touches made. ``reached``: touches that got to the prospect: a call picked up
    (``result == picked_up``), a message read (``result == read``) or a voicemail heard
    (``voicemail_heard``); a one-way read counts, so this is wider than a prospect's
    ``reached`` (two-way contact). ``read``: a message read or a voicemail heard (``reached``
    without the pick-ups). ``positive``, ``no``: the prospect's ``response`` to the touch (a
    ``lost``, bought elsewhere, is neither). ``opted_out``: the touch made the prospect opt
    out. Strategies whose statistics hold no touch log have no rows."""
    frames = []
    for name, st in by_strategy.items():
        counts = st.touch_counts
        attempt, channel = np.nonzero(counts[..., 0])
        if not len(attempt):
            continue
        frame = pd.DataFrame(counts[attempt, channel], columns=list(TOUCH_COUNTS))
        frame.insert(0, "strategy", name)
        frame.insert(1, "attempt", attempt.astype(np.int64))
        frame.insert(2, "channel", np.asarray(CHANNEL_NAMES, dtype=object)[channel])
        frames.append(frame)
    if not frames:
        return _empty(TOUCH_STATS_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    out["channel"] = out["channel"].astype(str)
    return out


def by_attempt(by_strategy: Mapping[str, StrategyStats]) -> pd.DataFrame:
    """``strategy, attempt, first_contact, first_contact_meeting``: for each strategy and each
    attempt from 1 (or 0 when some contact came before the first touch, e.g. an inbound
    call) to the last attempt that brought anyone's first contact in the run, the number of
    prospects whose first two-way contact came at that attempt (``first_contact_attempt``), and
    among them those who went on to book a meeting. Every strategy has the same attempts
    (zeros included); prospects never reached are in no row."""
    hists = {name: (st.first_contact, st.first_contact_meeting) for name, st in by_strategy.items()}
    top = max((len(h) for pair in hists.values() for h in pair), default=0)
    if top == 0:
        return _empty(BY_ATTEMPT_COLUMNS)
    inbound = any(len(contact) and contact[0] > 0 for contact, _ in hists.values())
    start = 0 if inbound else 1
    attempts = np.arange(start, top, dtype=np.int64)
    frames = []
    for name, (contact, met) in hists.items():
        frames.append(
            pd.DataFrame(
                {
                    "strategy": name,
                    "attempt": attempts,
                    "first_contact": _padded(contact, top)[start:],
                    "first_contact_meeting": _padded(met, top)[start:],
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out["strategy"] = out["strategy"].astype(str)
    return out


def _padded(hist: NDArray[np.int64], size: int) -> NDArray[np.int64]:
    out = np.zeros(size, dtype=np.int64)
    out[: len(hist)] = hist
    return out


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object if c in TEXT else np.int64) for c in columns})


TEXT = frozenset({"strategy", "channel"})


# -- all of a run's tables ---------------------------------------------------------------------


def run_tables(
    paired: PairedStats | pd.DataFrame | None,
    by_strategy: Mapping[str, StrategyStats],
    summary: pd.DataFrame,
) -> dict[str, pd.DataFrame]:
    """The tables of a run by file name: ``comparisons.csv`` (from the run's paired statistics,
    or an outcome table; left out without either or with one strategy), ``touch_stats.csv``,
    ``by_attempt.csv`` and ``funnel.csv``. The best strategy is the summary's highest meeting
    rate."""
    tables: dict[str, pd.DataFrame] = {}
    if isinstance(paired, pd.DataFrame):
        paired = PairedStats.of_table(paired) if len(paired) else None
    if paired is not None and paired.n:
        order = ranked(summary)
        tables["comparisons.csv"] = compare(paired, best_strategy(summary), order)
    tables["touch_stats.csv"] = touch_stats(by_strategy)
    tables["by_attempt.csv"] = by_attempt(by_strategy)
    tables["funnel.csv"] = funnel(by_strategy)
    return tables


__all__ = [
    "BY_ATTEMPT_COLUMNS",
    "COMPARISON_COLUMNS",
    "COMPARISON_METRICS",
    "TOUCH_STATS_COLUMNS",
    "by_attempt",
    "compare",
    "comparisons",
    "fdr_adjust",
    "run_tables",
    "touch_stats",
]
