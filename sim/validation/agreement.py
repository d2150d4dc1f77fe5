"""Do two independent runs agree? Per-strategy metrics compared with a two-sample z statistic.

The two runs are independent samples of prospects: two engines, or one engine with two seeds
(or disjoint prospect ids). For each strategy and metric the difference of the estimates is
divided by its combined standard error ``sqrt(se_a^2 + se_b^2)``:

- proportions (a share of prospects): binomial ``se = sqrt(p (1 - p) / n)``;
- means per prospect: ``se = sd / sqrt(n)``, with the sample standard deviation (``ddof=1``).

By default the variance in both terms is estimated from the two runs pooled (the tested
hypothesis is that they sample the same distribution; see ``combined_se``), which keeps rare
events from raising false alarms when one run is much smaller than the other, as in a
2,000-prospect DES run against a 200,000-prospect vectorized run. ``pooled=False`` gives each
run its own variance.

A row agrees when ``|z| < AGREE_Z`` (4). With a few dozen rows and no real difference, a false
alarm is rare (``P(|Z| >= 4) ~ 6.3e-5`` per row), so a disagreement points at a real difference
between the engines (or at a metric too rare for the normal approximation: a handful of events).

Everything here is deterministic: no resampling, no randomness.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

AGREE_Z = 4.0
"""A row agrees when ``|z|`` is below this."""

AGREEMENT_COLUMNS = ["strategy", "metric", "value_a", "value_b", "diff", "se", "z", "agree"]

PROPORTION_METRICS = {
    "meeting_rate": "meeting",
    "reach_rate": "reached",
    "no_rate": "said_no",
    "opt_out_rate": "opted_out",
    "not_now_rate": "said_not_now",
    "inbound_rate": "inbound",
    "discovery_rate": "discovery",
    "win_rate": "won",
}
"""Shares of prospects, by metric, with the boolean prospect column they count."""

MEAN_METRICS = {"touches_per_prospect": "touches"}
"""Means per prospect, by metric, with the prospect column they average."""

TOUCH_METRICS = ("pickups_per_prospect", "reads_per_prospect")
"""Means per prospect counted from the touch logs (only when both logs have rows): calls and
pages picked up, and messages read (a voicemail heard counts as a read)."""


@dataclass(frozen=True)
class Sample:
    """One run's sample of a metric: its size, mean and sum of squared deviations.

    For a proportion the values are 0 or 1, so ``mean`` is the share ``p`` and
    ``m2 = n p (1 - p)``.
    """

    kind: Literal["proportion", "mean"]
    n: int
    value: float
    m2: float

    @property
    def variance(self) -> float:
        """Per-prospect variance: ``p (1 - p)`` (binomial) or the sample variance (``ddof=1``)."""
        if self.kind == "proportion":
            return self.m2 / self.n if self.n > 0 else math.nan
        return self.m2 / (self.n - 1) if self.n > 1 else math.nan

    @property
    def se(self) -> float:
        """Standard error of ``value``: ``sqrt(p (1 - p) / n)`` or ``sd / sqrt(n)``."""
        return math.sqrt(self.variance / self.n) if self.n > 0 else math.nan


def proportion(flags: NDArray[np.bool_]) -> Sample:
    """The share of ``True`` (NaN for an empty sample)."""
    n = int(flags.size)
    p = float(np.count_nonzero(flags)) / n if n else math.nan
    return Sample("proportion", n, p, n * p * (1.0 - p) if n else math.nan)


def mean(values: NDArray[np.float64]) -> Sample:
    """The sample mean (NaN for an empty sample)."""
    n = int(values.size)
    if n == 0:
        return Sample("mean", 0, math.nan, math.nan)
    m = float(values.mean())
    return Sample("mean", n, m, float(np.sum((values - m) ** 2)))


def combined_se(a: Sample, b: Sample, pooled: bool = True) -> float:
    """Standard error of ``a.value - b.value`` for independent samples: ``sqrt(se_a^2 + se_b^2)``.

    Unpooled, each run's se comes from its own variance. Pooled (the default), both use the
    variance of the two runs taken together, ``se_x^2 = var / n_x``: the right estimate under
    the hypothesis being tested (both runs sample the same distribution). For a proportion this
    is the textbook two-proportion z-test, with ``var = p (1 - p)`` at the pooled share. It
    matters when one run is much smaller and the event is rare: a small run that happens to see
    no event has an unpooled se of 0, and ``z`` would explode though nothing is wrong.
    """
    if not pooled:
        return math.sqrt(a.se**2 + b.se**2)
    n = a.n + b.n
    if a.n == 0 or b.n == 0:
        return math.nan
    center = (a.n * a.value + b.n * b.value) / n
    m2 = a.m2 + b.m2 + a.n * (a.value - center) ** 2 + b.n * (b.value - center) ** 2
    var = m2 / n if a.kind == "proportion" else (m2 / (n - 1) if n > 1 else math.nan)
    return math.sqrt(max(var, 0.0) * (1 / a.n + 1 / b.n))


def z_score(diff: float, se: float) -> float:
    """``diff / se``; 0 when both are 0, signed infinity when only ``se`` is 0, NaN if either is."""
    if math.isnan(diff) or math.isnan(se):
        return math.nan
    if se == 0.0:
        return 0.0 if diff == 0.0 else math.copysign(math.inf, diff)
    return diff / se


def _strategies(frame: pd.DataFrame) -> list[str]:
    return [str(s) for s in pd.unique(frame["strategy"].astype(str))]


def _rows(frame: pd.DataFrame, strategy: str) -> pd.DataFrame:
    return frame[(frame["strategy"].astype(str) == strategy).to_numpy()]


def _touch_counts(prospects: pd.DataFrame, touches: pd.DataFrame) -> dict[str, NDArray[np.float64]]:
    """Per-prospect counts (in the order of ``prospects``) of pick-ups and reads."""
    result = touches["result"].astype(str)
    picked = (result == "picked_up").to_numpy(dtype=bool)
    read = (result == "read").to_numpy(dtype=bool) | touches["voicemail_heard"].to_numpy(dtype=bool)
    ids = prospects["prospect"].to_numpy()
    per = (
        pd.DataFrame({"prospect": touches["prospect"].to_numpy(), "picked": picked, "read": read})
        .groupby("prospect")[["picked", "read"]]
        .sum()
    )
    per = per.reindex(ids, fill_value=0)
    return {
        "pickups_per_prospect": per["picked"].to_numpy(dtype=float),
        "reads_per_prospect": per["read"].to_numpy(dtype=float),
    }


def strategy_metrics(
    prospects: pd.DataFrame, touches: pd.DataFrame | None, max_attempt: int = 8
) -> Iterator[tuple[str, Sample]]:
    """Every metric of one strategy's prospects (and its touch log, if given), in order.

    Proportions (``meeting_rate``, ``reach_rate``, ``no_rate``, ``opt_out_rate``), the mean
    ``touches_per_prospect``, the shares ``first_reached_at_k`` for ``k = 1..max_attempt``
    (share of all prospects whose ``first_contact_attempt`` is ``k``; NaN = never reached),
    then, when ``touches`` is given, ``TOUCH_METRICS``.
    """
    for metric, column in PROPORTION_METRICS.items():
        yield metric, proportion(prospects[column].to_numpy(dtype=bool))
    for metric, column in MEAN_METRICS.items():
        yield metric, mean(prospects[column].to_numpy(dtype=float))
    first = prospects["first_contact_attempt"].to_numpy(dtype=float)
    for k in range(1, max_attempt + 1):
        yield f"first_reached_at_{k}", proportion(first == k)
    if touches is not None:
        for metric, values in _touch_counts(prospects, touches).items():
            yield metric, mean(values)


def compare_engines(
    a: pd.DataFrame,
    b: pd.DataFrame,
    touches_a: pd.DataFrame,
    touches_b: pd.DataFrame,
    max_attempt: int = 8,
    *,
    pooled: bool = True,
) -> pd.DataFrame:
    """Compare two independent runs strategy by strategy.

    ``a`` and ``b`` are per-prospect tables (``PROSPECT_COLUMNS``), ``touches_a`` and
    ``touches_b`` their touch logs (``TOUCH_COLUMNS``). Both runs must hold the same strategies;
    rows follow the order of first appearance in ``a``, metrics the order of
    ``strategy_metrics``. The touch-log metrics are included only when both logs have rows
    (an engine run without its touch log gives an empty one).

    Returns one row per strategy and metric with columns ``strategy, metric, value_a, value_b,
    diff, se, z, agree``: ``diff = value_a - value_b``, ``se = sqrt(se_a^2 + se_b^2)``
    (``combined_se``: binomial for proportions, ``sd / sqrt(n)`` for means; from the pooled
    variance of both runs unless ``pooled=False``), ``z = diff / se`` (0 when both are 0,
    infinite when only ``se`` is), and ``agree = |z| < AGREE_Z``. NaN (an empty sample, a
    one-prospect mean) never agrees.
    """
    if max_attempt < 1:
        raise ValueError(f"max_attempt must be >= 1, got {max_attempt}")
    names = _strategies(a)
    missing_b = [s for s in names if s not in set(_strategies(b))]
    missing_a = [s for s in _strategies(b) if s not in set(names)]
    if missing_a or missing_b:
        raise ValueError(
            f"the runs hold different strategies: only in a {missing_b}, only in b {missing_a}"
        )
    with_touches = len(touches_a) > 0 and len(touches_b) > 0
    rows: list[tuple[str, str, float, float, float, float, float, bool]] = []
    for name in names:
        pa, pb = _rows(a, name), _rows(b, name)
        ta = _rows(touches_a, name) if with_touches else None
        tb = _rows(touches_b, name) if with_touches else None
        metrics_b = dict(strategy_metrics(pb, tb, max_attempt))
        for metric, ea in strategy_metrics(pa, ta, max_attempt):
            eb = metrics_b[metric]
            diff = ea.value - eb.value
            se = combined_se(ea, eb, pooled)
            z = z_score(diff, se)
            rows.append((name, metric, ea.value, eb.value, diff, se, z, bool(abs(z) < AGREE_Z)))
    frame = pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
    frame["agree"] = frame["agree"].astype(bool)
    return frame


def _number(x: float, digits: int = 4) -> str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:.{digits}f}"


def format_agreement(df: pd.DataFrame) -> str:
    """A plain-text table of a ``compare_engines`` frame, the strategy named once per block,
    disagreements marked ``NO``, and a last line counting the rows that agree."""
    header = ["strategy", "metric", "value_a", "value_b", "diff", "se", "z", "agree"]
    body: list[list[str]] = []
    previous = None
    numbers = [df[c].to_numpy(dtype=float) for c in ("value_a", "value_b", "diff", "se", "z")]
    columns = zip(
        df["strategy"].astype(str),
        df["metric"].astype(str),
        df["agree"].to_numpy(dtype=bool),
        strict=True,
    )
    for i, (name, metric, agree) in enumerate(columns):
        cells = [_number(float(x[i]), 2 if x is numbers[-1] else 4) for x in numbers]
        body.append([name if name != previous else "", metric, *cells, "yes" if agree else "NO"])
        previous = name
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        left = [c.ljust(w) for c, w in zip(cells[:2], widths[:2], strict=True)]
        right = [c.rjust(w) for c, w in zip(cells[2:], widths[2:], strict=True)]
        return "  ".join([*left, *right]).rstrip()

    agree = int(df["agree"].sum()) if len(df) else 0
    lines = [line(header), line(["-" * w for w in widths]), *(line(r) for r in body)]
    lines.append(f"{agree} of {len(df)} rows agree (|z| < {AGREE_Z:g})")
    return "\n".join(lines)


__all__ = [
    "AGREEMENT_COLUMNS",
    "AGREE_Z",
    "Sample",
    "combined_se",
    "compare_engines",
    "format_agreement",
    "mean",
    "proportion",
    "strategy_metrics",
    "z_score",
]
