"""Paired comparisons from mergeable statistics: every strategy's outcome on the same prospects.

A paired t-test of strategy ``a`` against ``b`` on a per-prospect value needs only the mean of
the differences and their variance, and ``var(a - b) = var(a) + var(b) - 2 cov(a, b)``. So the
count, means and co-moment matrix of the strategies' values over the prospects
(``sim.results.moments.Moments``, one variable per strategy, one set per compared column)
carry every comparison, and merge exactly across chunks of prospects: a run of any size
compares strategies without holding a row per prospect and strategy. ``paired_test`` is
``scipy.stats.ttest_rel`` written on these moments (equal up to floating-point summation order;
a test checks it against ``ttest_rel``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from sim.results.moments import Moments

PAIRED_COLUMNS = ("meeting", "reached", "said_no", "opted_out", "touches", "rep_minutes")
"""Per-prospect outcome columns whose differences between strategies are kept."""
CONSTANT = 1e-12
"""A difference whose variance is below this share of the values' variances is constant (the
two strategies differ by the same amount, usually 0, on every prospect)."""


@dataclass(frozen=True)
class PairedTest:
    """Mean of ``a - b`` over the same prospects, its t interval and two-sided p-value."""

    diff: float
    ci_low: float
    ci_high: float
    p_value: float
    n: int


def paired_test(m: Moments, a: str, b: str, level: float = 0.95) -> PairedTest:
    """The paired t-test of ``a - b`` from the moments of the strategies' values: ``diff`` the
    mean difference, its ``level`` t interval with ``n - 1`` degrees of freedom and two-sided
    p-value (as ``scipy.stats.ttest_rel``). A constant difference has the interval ``[diff,
    diff]`` and p-value 1 when it is 0, else 0; fewer than two prospects have no interval."""
    n = m.n
    if n == 0:
        return PairedTest(math.nan, math.nan, math.nan, math.nan, 0)
    diff = m.mean_of(a) - m.mean_of(b)
    if n < 2:
        return PairedTest(diff, math.nan, math.nan, math.nan, n)
    i, j = m.names.index(a), m.names.index(b)
    c = m.comoment
    spread = c[i, i] + c[j, j]
    ss = max(c[i, i] + c[j, j] - 2 * c[i, j], 0.0)
    if ss <= CONSTANT * spread or spread == 0:
        return PairedTest(diff, diff, diff, 1.0 if diff == 0 else 0.0, n)
    se = math.sqrt(ss / (n - 1) / n)
    t = diff / se
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * se
    p = float(2 * stats.t.sf(abs(t), n - 1))
    return PairedTest(diff, diff - half, diff + half, p, n)


@dataclass(frozen=True)
class PairedStats:
    """Moments of every compared column across strategies, over the same prospects."""

    columns: Mapping[str, Moments]

    @classmethod
    def of(cls, values: Mapping[str, Mapping[str, ArrayLike]]) -> PairedStats:
        """From ``values[strategy][column]``: each strategy's per-prospect values, aligned
        prospect by prospect (the same prospects in the same order for every strategy)."""
        names = list(values)
        return cls(
            {
                column: Moments.of({name: values[name][column] for name in names})
                for column in PAIRED_COLUMNS
            }
        )

    @classmethod
    def of_table(cls, prospects: pd.DataFrame) -> PairedStats:
        """From an outcome table (``strategy``, ``prospect`` and the compared columns);
        raises ``ValueError`` unless every strategy ran on the same prospects."""
        return cls.of({name: paired_values(part) for name, part in aligned(prospects).items()})

    @property
    def strategies(self) -> tuple[str, ...]:
        first = next(iter(self.columns.values()), None)
        return () if first is None else first.names

    @property
    def n(self) -> int:
        first = next(iter(self.columns.values()), None)
        return 0 if first is None else first.n

    def __add__(self, other: PairedStats) -> PairedStats:
        return PairedStats({c: self.columns[c] + other.columns[c] for c in self.columns})

    def test(self, column: str, a: str, b: str, level: float = 0.95) -> PairedTest:
        """``a - b`` on ``column`` (``paired_test``)."""
        return paired_test(self.columns[column], a, b, level)


def paired_values(prospects: pd.DataFrame) -> dict[str, NDArray[np.float64]]:
    """The compared columns of one strategy's outcome table, as floats, in its row order."""
    return {c: prospects[c].to_numpy(dtype=np.float64) for c in PAIRED_COLUMNS}


def aligned(prospects: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The outcome table split by strategy (in order of first appearance), each part sorted by
    prospect id; raises ``ValueError`` unless every strategy ran on the same prospects."""
    names = prospects["strategy"].astype(str)
    parts: dict[str, pd.DataFrame] = {}
    ids: NDArray[np.int64] | None = None
    for key, group in prospects.groupby(names, sort=False, observed=True):
        name = str(key)
        rows = group.sort_values("prospect", kind="stable")
        these = rows["prospect"].to_numpy(dtype=np.int64)
        if ids is None:
            ids = these
            if np.any(np.diff(ids) == 0):
                raise ValueError(f"strategy {name!r} has duplicate prospect ids")
        elif not np.array_equal(ids, these):
            raise ValueError(f"strategy {name!r} did not run on the same prospects as the others")
        parts[name] = rows
    return parts


__all__ = [
    "PAIRED_COLUMNS",
    "PairedStats",
    "PairedTest",
    "aligned",
    "paired_test",
    "paired_values",
]
