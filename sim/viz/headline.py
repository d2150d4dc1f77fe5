"""The sentences charts are titled with: the headline comparison a trainer chose
(``--compare a,b``), and the statistical ties a neutral title must not hide.

A difference between two strategies is paired on the same prospects when the run's paired
statistics (``sim.results.paired.PairedStats``) or its outcome table are there, else (a
saved run without them) computed from the two intervals as if independent, which is
conservative under common random numbers (the paired interval is narrower). A title states
a difference only when its 95% interval excludes zero; otherwise it says the two cannot be
told apart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from scipy import stats

from sim.results.paired import PairedStats
from sim.results.summary import metric_table, paired_difference_arrays
from sim.results.tables import COMPARISON_METRICS

Z95 = float(stats.norm.ppf(0.975))
ALPHA = 0.05


@dataclass(frozen=True)
class Difference:
    """``a - b`` on one metric (in the summary's units: a share for rates), with its 95%
    interval, and each strategy's own estimate."""

    a: str
    b: str
    metric: str
    value_a: float
    value_b: float
    diff: float
    low: float
    high: float
    paired: bool

    @property
    def significant(self) -> bool:
        """The interval excludes zero."""
        return bool(self.low > 0 or self.high < 0)


def difference(
    summary: pd.DataFrame,
    a: str,
    b: str,
    metric: str,
    prospects: pd.DataFrame | PairedStats | None = None,
) -> Difference:
    """``a - b`` on ``metric``: paired on the same prospects when ``prospects`` (the run's
    paired statistics, or its outcome table) has both and the metric is a per-prospect one
    (``COMPARISON_METRICS``), else from the summary's intervals as if independent."""
    table = metric_table(summary, metric)
    va = float(table["mean"].get(a, math.nan))
    vb = float(table["mean"].get(b, math.nan))
    column = COMPARISON_METRICS.get(metric)
    if isinstance(prospects, PairedStats) and column is not None:
        if a in prospects.strategies and b in prospects.strategies and prospects.n:
            t = prospects.test(column, a, b)
            return Difference(a, b, metric, va, vb, t.diff, t.ci_low, t.ci_high, True)
        prospects = None
    if isinstance(prospects, pd.DataFrame) and len(prospects) and column is not None:
        names = prospects["strategy"].astype(str)
        ra = prospects[(names == a).to_numpy()].sort_values("prospect", kind="stable")
        rb = prospects[(names == b).to_numpy()].sort_values("prospect", kind="stable")
        same = len(ra) == len(rb) and (ra["prospect"].to_numpy() == rb["prospect"].to_numpy()).all()
        if len(ra) and same:
            pair = paired_difference_arrays(
                ra[column].to_numpy(dtype=float), rb[column].to_numpy(dtype=float)
            )
            return Difference(a, b, metric, va, vb, pair.diff, pair.ci_low, pair.ci_high, True)
    se = [_se(table, s) for s in (a, b)]
    half = Z95 * math.hypot(*se)
    d = va - vb
    return Difference(a, b, metric, va, vb, d, d - half, d + half, False)


def _se(table: pd.DataFrame, name: str) -> float:
    """A standard error read back from a 95% interval."""
    if name not in table.index:
        return math.nan
    low, high = table.loc[name, ["ci_low", "ci_high"]].to_numpy(dtype=float)
    return float((high - low) / (2 * Z95))


def tied_with_top(
    summary: pd.DataFrame, ranked: Sequence[str], comparisons: pd.DataFrame | None = None
) -> list[str]:
    """Strategies (other than the top-ranked of ``ranked``) whose meeting rate cannot be told
    from the top's: by ``comparisons.csv`` (paired, Benjamini-Hochberg adjusted p >= 0.05)
    when it covers them, else by overlapping 95% intervals."""
    if len(ranked) < 2:
        return []
    top, others = ranked[0], list(ranked[1:])
    if comparisons is not None and len(comparisons):
        rows = comparisons[(comparisons["metric"].astype(str) == "meeting_rate").to_numpy()]
        rows = rows[(rows["strategy_b"].astype(str) == top).to_numpy()]
        p = dict(zip(rows["strategy_a"].astype(str), rows["p_adjusted"].astype(float), strict=True))
        if all(s in p for s in others):
            return [s for s in others if math.isnan(p[s]) or p[s] >= ALPHA]
    table = metric_table(summary, "meeting_rate")
    low = table["ci_low"].to_dict()
    high = table["ci_high"].to_dict()
    floor = float(low.get(top, math.nan))
    return [s for s in others if s in high and float(high[s]) >= floor]


def points(x: float) -> str:
    """A share as percentage points with one decimal (``0.0123`` -> ``1.2``)."""
    return f"{100 * x:.1f}"


def difference_sentence(d: Difference, *, what: str, unit: str, scale: float = 100.0) -> str:
    """ "a books 2.1 more meetings per 100 prospects than b (8.2 vs 6.1; 95% CI 1.4 to 2.8)",
    or "a and b cannot be told apart on ..." when the interval holds zero. ``what`` is the
    quantity ("meetings"), ``unit`` its unit after the number ("per 100 prospects")."""
    va, vb = scale * d.value_a, scale * d.value_b
    lo, hi = scale * d.low, scale * d.high
    digits = 1 if scale * abs(d.diff) < 100 else 0
    ci = f"95% CI {lo:+.{digits}f} to {hi:+.{digits}f}"
    if not d.significant:
        return (
            f"{d.a} and {d.b} cannot be told apart on {what}: {va:.{digits}f} vs "
            f"{vb:.{digits}f} {unit} (difference {ci})"
        )
    more = "more" if d.diff > 0 else "fewer"
    return (
        f"{d.a}: {abs(scale * d.diff):.{digits}f} {more} {what} {unit} than {d.b} "
        f"({va:.{digits}f} vs {vb:.{digits}f}; {ci})"
    )


__all__ = ["Difference", "difference", "difference_sentence", "points", "tied_with_top"]
