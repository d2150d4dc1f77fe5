"""The finding of a run in plain sentences: the best strategy, and which cannot be told from it.

Differences are paired on the same prospects with Benjamini-Hochberg adjusted p-values, from
``comparisons.csv`` when the run wrote one, else from the outcome table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from sim.results.result import RunResult
from sim.results.summary import best_strategy, metric_table, paired_difference, ranked
from sim.results.tables import compare, fdr_adjust

ALPHA = 0.05
"""Adjusted p-values at or above this: a strategy is indistinguishable from the best."""

# -- the finding -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersusBest:
    """A strategy against the best on meetings per prospect: ``diff`` = this minus the best,
    paired on the same prospects, with its interval and raw and adjusted p-values."""

    strategy: str
    diff: float
    ci_low: float
    ci_high: float
    p_value: float
    p_adjusted: float

    @property
    def indistinguishable(self) -> bool:
        """Not significantly different from the best after the false-discovery correction."""
        return math.isnan(self.p_adjusted) or self.p_adjusted >= ALPHA


def compare_to_best(
    result: RunResult, summary: pd.DataFrame, comparisons: pd.DataFrame | None = None
) -> list[VersusBest] | None:
    """Every other strategy against the best on the ``meeting`` column: from ``comparisons``
    (``strategy_a, strategy_b, metric, diff, ci_low, ci_high, p_value[, p_adjusted]``) when
    given, else paired differences computed from the outcome table, with Benjamini-Hochberg
    adjusted p-values (``scipy.stats.false_discovery_control``); without either, from the
    run's paired statistics. None when none is available (a run saved without them)."""
    best = best_strategy(summary)
    others = [s for s in ranked(summary) if s != best]
    if (comparisons is None or not len(comparisons)) and result.paired is not None and others:
        comparisons = compare(result.paired, best, others)
    if comparisons is not None and len(comparisons):
        found = _from_comparisons(comparisons, best, others)
        if found is not None:
            return found
    if result.streamed or result.prospects.empty:
        return None
    pairs = [paired_difference(result.prospects, s, best, "meeting") for s in others]
    raw = [
        VersusBest(s, d.diff, d.ci_low, d.ci_high, d.p_value, math.nan)
        for s, d in zip(others, pairs, strict=True)
    ]
    return _adjusted(raw)


def _adjusted(rows: list[VersusBest]) -> list[VersusBest]:
    """The rows with Benjamini-Hochberg adjusted p-values (NaN p-values stay NaN)."""
    adjusted = fdr_adjust([r.p_value for r in rows])
    return [
        VersusBest(r.strategy, r.diff, r.ci_low, r.ci_high, r.p_value, float(a))
        for r, a in zip(rows, adjusted, strict=True)
    ]


def _from_comparisons(
    comparisons: pd.DataFrame, best: str, others: list[str]
) -> list[VersusBest] | None:
    """Rows of a comparisons table between the best and each other strategy on meetings,
    oriented as other minus best; None unless every other strategy has one."""
    metric = comparisons["metric"].astype(str)
    rows = comparisons[metric.isin(["meeting_rate", "meeting"]).to_numpy()]
    has_adjusted = "p_adjusted" in rows.columns
    found: list[VersusBest] = []
    for other in others:
        a, b = rows["strategy_a"].astype(str), rows["strategy_b"].astype(str)
        match = rows[((a == other) & (b == best)).to_numpy()]
        sign = 1.0
        if match.empty:
            match, sign = rows[((a == best) & (b == other)).to_numpy()], -1.0
        if match.empty:
            return None
        r = match.iloc[0]
        low, high = sign * float(r["ci_low"]), sign * float(r["ci_high"])
        adjusted = float(r["p_adjusted"]) if has_adjusted else math.nan
        found.append(
            VersusBest(
                other,
                sign * float(r["diff"]),
                min(low, high),
                max(low, high),
                float(r["p_value"]),
                adjusted,
            )
        )
    return found if has_adjusted else _adjusted(found)


def _rate(summary: pd.DataFrame, strategy: str) -> tuple[float, float, float]:
    """Meetings per 100 prospects of a strategy with its interval."""
    mean, low, high = interval_of(metric_table(summary, "meeting_rate"), strategy)
    return 100 * mean, 100 * low, 100 * high


def interval_of(table: pd.DataFrame, strategy: str) -> tuple[float, float, float]:
    """``(mean, ci_low, ci_high)`` of a strategy in a ``metric_table``; NaN when missing."""
    if strategy not in table.index:
        return math.nan, math.nan, math.nan
    mean, low, high = table.loc[[strategy], ["mean", "ci_low", "ci_high"]].to_numpy(float)[0]
    return float(mean), float(low), float(high)


def finding_sentences(summary: pd.DataFrame, versus: list[VersusBest] | None) -> list[str]:
    """The finding in plain sentences: the best strategy and its meeting rate, then which
    strategies are statistically indistinguishable from it."""
    best = best_strategy(summary)
    mean, low, high = _rate(summary, best)
    n = int(summary["n_prospects"].max())
    first = (
        f"{best} books the most meetings: {mean:.1f} per 100 prospects "
        f"(95% CI {low:.1f} to {high:.1f}; {n:,} prospects per strategy)."
    )
    if versus is None:
        return [
            first,
            "Paired comparisons need the run's comparisons.csv or per-prospect outcomes, "
            "which this run does not have: rerun it to test the differences.",
        ]
    if not versus:
        return [first]
    method = "paired differences in meetings on the same prospects, Benjamini-Hochberg adjusted p"
    same = [v for v in versus if v.indistinguishable]
    if not same:
        return [
            first,
            f"Every other strategy books significantly fewer meetings ({method} < {ALPHA:g}).",
        ]
    names = ", ".join(v.strategy for v in same)
    rest = len(versus) - len(same)
    tail = ""
    if rest:
        tail = " The other one books" if rest == 1 else f" The other {rest} book"
        tail += " significantly fewer."
    return [
        first,
        f"Statistically indistinguishable from {best} ({method} ≥ {ALPHA:g}): {names}.{tail}",
    ]


__all__ = ["ALPHA", "VersusBest", "compare_to_best", "finding_sentences", "interval_of"]
