"""Per-strategy metrics with confidence intervals, paired comparisons, and a plain-text table.

Every interval is computed without randomness, so a summary is a pure function of the run:

- proportions: Wilson score interval (``scipy.stats.binomtest(...).proportion_ci``);
- means per prospect: Student t interval from the sample standard deviation;
- totals per meeting (total rep minutes / total meetings): delta method for a ratio of means;
- the median day of first response: the exact order-statistic (binomial) interval.

All of them are computed from mergeable sufficient statistics (``sim.results.aggregate``), so a run
streamed chunk by chunk gets exactly the summary of the whole.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from sim.results.aggregate import StrategyStats, stats_by_strategy
from sim.results.moments import Moments

SUMMARY_COLUMNS = ["strategy", "metric", "mean", "ci_low", "ci_high", "n_prospects"]

PROPORTIONS = (
    "meeting_rate",
    "win_rate",
    "reach_rate",
    "positive_rate",
    "no_rate",
    "opt_out_rate",
    "ghost_rate",
    "bought_elsewhere_rate",
    "inbound_meeting_rate",
    "discovery_meeting_rate",
    "not_now_rate",
)
"""Shares of prospects (Wilson intervals)."""

MEANS = {
    "touches_per_prospect": "touches",
    "rep_minutes_per_prospect": "rep_minutes",
    "cost_per_prospect": "cost",
}
"""Means per prospect (t intervals), by metric, with the prospect column they average."""

RATIOS = {"rep_minutes_per_meeting": "rep_minutes", "cost_per_meeting": "cost"}
"""Totals per meeting (delta-method intervals), with the prospect column in the numerator."""

METRICS = (
    *PROPORTIONS,
    *MEANS,
    *RATIOS,
    "cadence_meeting_rate",
    "inbound_share",
    "connect_rate_per_dial",
    "days_to_first_response_median",
    "meetings_per_rep_hour",
    "meetings_per_rep_week",
)
"""Every metric of ``summarize``, in the order of its rows."""


Interval = tuple[float, float, float]
"""(estimate, low, high); NaN where undefined."""

NAN3: Interval = (math.nan, math.nan, math.nan)


# -- intervals ---------------------------------------------------------------------------------


def proportion_ci(k: int, n: int, level: float = 0.95) -> Interval:
    """Share ``k / n`` with its Wilson score interval; NaN when ``n == 0``."""
    if n <= 0:
        return NAN3
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=level, method="wilson")
    return k / n, float(ci.low), float(ci.high)


def mean_ci(values: ArrayLike, level: float = 0.95) -> Interval:
    """Mean with a Student t interval; the interval is NaN for fewer than two values."""
    return mean_ci_moments(Moments.of({"x": np.asarray(values, dtype=float)}), "x", level)


def mean_ci_moments(m: Moments, name: str, level: float = 0.95) -> Interval:
    """``mean_ci`` of variable ``name`` from its moments (mergeable statistics)."""
    if m.n == 0:
        return NAN3
    mean = m.mean_of(name)
    if m.n < 2:
        return mean, math.nan, math.nan
    half = float(stats.t.ppf((1 + level) / 2, m.n - 1)) * math.sqrt(m.var(name) / m.n)
    return mean, mean - half, mean + half


def ratio_ci(numerator: ArrayLike, denominator: ArrayLike, level: float = 0.95) -> Interval:
    """``sum(numerator) / sum(denominator)`` with a delta-method normal interval.

    For paired samples (x_i, m_i), R = mean(x) / mean(m) and
    Var(R) ~ (s_x^2 - 2 R s_xm + R^2 s_m^2) / (n mean(m)^2). NaN when the denominator sums
    to zero (no meetings); the interval is NaN for fewer than two prospects.
    """
    columns = {"x": np.asarray(numerator, dtype=float), "m": np.asarray(denominator, dtype=float)}
    return ratio_ci_moments(Moments.of(columns), "x", "m", level)


def ratio_ci_moments(m: Moments, x: str, d: str, level: float = 0.95) -> Interval:
    """``ratio_ci`` of ``sum(x) / sum(d)`` from the moments of ``x`` and ``d`` (mergeable)."""
    if m.n == 0 or m.total(d) <= 0:
        return NAN3
    ratio = m.total(x) / m.total(d)
    if m.n < 2:
        return ratio, math.nan, math.nan
    mean_d = m.mean_of(d)
    var = (m.var(x) - 2 * ratio * m.cov(x, d) + ratio**2 * m.var(d)) / (m.n * mean_d**2)
    half = float(stats.norm.ppf((1 + level) / 2)) * math.sqrt(max(float(var), 0.0))
    return ratio, ratio - half, ratio + half


def median_ci(values: ArrayLike, level: float = 0.95) -> Interval:
    """Median with the exact distribution-free interval [x_(l), x_(n+1-l)] (1-based ranks).

    ``l = binom.ppf((1 - level) / 2, n, 1/2)``, so the coverage
    ``1 - 2 * binom.cdf(l - 1, n, 1/2)`` is at least ``level``. NaN values are dropped; the
    interval is NaN when the sample is too small to reach ``level`` (``l < 1``).
    """
    x = np.sort(np.asarray(values, dtype=float))
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return NAN3
    median = float(np.median(x))
    rank = int(stats.binom.ppf((1 - level) / 2, n, 0.5))
    if rank < 1:
        return median, math.nan, math.nan
    return median, float(x[rank - 1]), float(x[n - rank])


def median_ci_histogram(counts: ArrayLike, level: float = 0.95) -> Interval:
    """``median_ci`` of whole-number values given as a histogram (index = value)."""
    hist = np.asarray(counts, dtype=np.int64)
    n = int(hist.sum())
    if n == 0:
        return NAN3
    cum = np.cumsum(hist)

    def order_stat(k: int) -> float:  # the k-th smallest value, 1-based
        return float(np.searchsorted(cum, k))

    median = (order_stat((n + 1) // 2) + order_stat(n // 2 + 1)) / 2
    rank = int(stats.binom.ppf((1 - level) / 2, n, 0.5))
    if rank < 1:
        return median, math.nan, math.nan
    return median, order_stat(rank), order_stat(n + 1 - rank)


# -- the summary -------------------------------------------------------------------------------


def stats_metrics(st: StrategyStats, level: float) -> dict[str, Interval]:
    """Every summary metric of one strategy, from its sufficient statistics."""
    out = {
        name: proportion_ci(st.counts[flag], st.n, level)
        for name, flag in zip(PROPORTIONS, _FLAG_OF, strict=True)
    }
    cadence = st.counts["meeting"] - st.counts["inbound_meeting"]
    out["cadence_meeting_rate"] = proportion_ci(cadence, st.n, level)
    out["inbound_share"] = proportion_ci(st.counts["inbound_meeting"], st.counts["meeting"], level)
    v = st.values
    for name, column in MEANS.items():
        out[name] = mean_ci_moments(v, column, level)
    for name, column in RATIOS.items():
        out[name] = ratio_ci_moments(v, column, "meeting", level)
    if st.has_touches:
        out["connect_rate_per_dial"] = proportion_ci(st.pickups, st.dials, level)
    out["days_to_first_response_median"] = median_ci_histogram(st.first_response, level)
    per_minute = ratio_ci_moments(v, "meeting", "rep_minutes", level)
    out["meetings_per_rep_hour"] = (
        (60 * per_minute[0], 60 * per_minute[1], 60 * per_minute[2])
        if v.total("rep_minutes") > 0
        else NAN3
    )
    if st.books.n > 0:
        out["meetings_per_rep_week"] = ratio_ci_moments(st.books, "meetings", "rep_weeks", level)
    return out


_FLAG_OF = (
    "meeting", "won", "reached", "positive", "said_no", "opted_out", "ghost", "bought_elsewhere",
    "inbound_meeting", "discovery", "not_now",
)  # fmt: skip
"""The counted flag behind each of ``PROPORTIONS``, in order."""


def strategies_in_order(frame: pd.DataFrame) -> list[str]:
    """Strategy names in order of first appearance."""
    return [str(s) for s in pd.unique(frame["strategy"].astype(str))]


def summarize(
    prospects: pd.DataFrame, touches: pd.DataFrame | None = None, level: float = 0.95
) -> pd.DataFrame:
    """One row per strategy and metric: ``strategy, metric, mean, ci_low, ci_high, n_prospects``.

    ``mean`` is the estimate (a share, a mean, a ratio or a median); intervals are at ``level``.
    Metrics (in ``METRICS`` order):

    - shares of prospects: ``meeting_rate``, ``win_rate``, ``reach_rate`` (any two-way contact),
      ``positive_rate`` (ended conversing, in nurture or with a meeting), ``no_rate`` (said no),
      ``opt_out_rate``, ``ghost_rate`` (never reached, no opt-out, no meeting),
      ``bought_elsewhere_rate``;
    - means per prospect: ``touches_per_prospect``, ``rep_minutes_per_prospect``,
      ``cost_per_prospect``;
    - per meeting: ``rep_minutes_per_meeting``, ``cost_per_meeting`` (NaN without meetings);
    - ``connect_rate_per_dial``: desk and cell calls picked up over all such calls (NaN without
      calls); only when ``touches`` is given, otherwise the row is left out;
    - ``days_to_first_response_median``: over the prospects who responded, counted from
      each prospect's arrival in the rep's book;
    - ``meetings_per_rep_hour``: meetings per 60 rep minutes (delta-method interval);
    - ``meetings_per_rep_week``: meetings per rep per week of the horizon, only when the
      scenario splits prospects into reps' books (``rep`` block); its interval treats each
      book as one observation, since a rep's budget couples the book's prospects.

    Strategies keep their order of first appearance in ``prospects``.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    return summarize_stats(stats_by_strategy(prospects, touches), level)


def summarize_stats(by_strategy: dict[str, StrategyStats], level: float = 0.95) -> pd.DataFrame:
    """The summary table from per-strategy sufficient statistics (e.g. a streamed run's)."""
    rows: list[tuple[str, str, float, float, float, int]] = []
    for name, st in by_strategy.items():
        found = stats_metrics(st, level)
        for metric in METRICS:
            if metric in found:
                est, low, high = found[metric]
                rows.append((name, metric, est, low, high, st.n))
    frame = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    frame["n_prospects"] = frame["n_prospects"].astype(np.int64)
    frame.attrs["level"] = level
    return frame


# -- ranking and precision ---------------------------------------------------------------------


def metric_table(summary: pd.DataFrame, metric: str) -> pd.DataFrame:
    """One metric of a ``summarize`` frame: ``mean, ci_low, ci_high`` indexed by strategy, in
    the summary's order (an empty frame when the metric is missing)."""
    rows = summary[(summary["metric"].astype(str) == metric).to_numpy()]
    frame = rows[["mean", "ci_low", "ci_high"]].astype(float)
    frame.index = pd.Index(rows["strategy"].astype(str).to_list(), name="strategy")
    return frame


def ranked(summary: pd.DataFrame) -> list[str]:
    """Strategies by meeting rate, best first (ties keep the summary's order, NaN last)."""
    rate = metric_table(summary, "meeting_rate")["mean"]
    names = [s for s in strategies_in_order(summary) if s in rate.index]

    def key(name: str) -> float:
        value = float(rate[name])
        return math.inf if math.isnan(value) else -value

    return sorted(names, key=key)


def best_strategy(summary: pd.DataFrame) -> str:
    """The strategy with the highest meeting rate."""
    order = ranked(summary)
    if not order:
        raise ValueError("the summary has no meeting_rate rows")
    return order[0]


def half_widths(summary: pd.DataFrame, metric: str = "meeting_rate") -> dict[str, float]:
    """Half the width of each strategy's interval on ``metric`` (``(ci_high - ci_low) / 2``,
    in the metric's units: a share for rates), by strategy in the summary's order; NaN where
    the interval is undefined."""
    table = metric_table(summary, metric)
    width = (table["ci_high"] - table["ci_low"]).to_numpy(float) / 2
    return {str(s): float(w) for s, w in zip(table.index, width, strict=True)}


def prospects_for_precision(
    n: int, half_width: float, target: float, *, multiple: int = 4096, cap: int | None = None
) -> int:
    """Prospects per strategy expected to bring an interval of half-width ``half_width`` at
    ``n`` prospects down to ``target``: half-widths shrink as ``1 / sqrt(n)``, so
    ``n * (half_width / target) ** 2``, rounded up to a multiple of ``multiple`` and at most
    ``cap``. ``n`` itself when the interval is already narrow enough."""
    if n < 1 or target <= 0 or multiple < 1:
        raise ValueError("n and multiple must be >= 1 and target > 0")
    if not half_width > target:  # already there (or NaN: nothing to estimate from)
        return n
    needed = math.ceil(n * (half_width / target) ** 2 / multiple) * multiple
    return needed if cap is None else min(needed, cap)


# -- paired comparisons ------------------------------------------------------------------------


@dataclass(frozen=True)
class PairedDifference:
    """Mean of ``a - b`` over the same prospects, its t interval and two-sided p-value."""

    diff: float
    ci_low: float
    ci_high: float
    p_value: float
    n: int


def _per_prospect(prospects: pd.DataFrame, strategy: str, column: str) -> pd.Series:
    rows = prospects[(prospects["strategy"].astype(str) == strategy).to_numpy()]
    if rows.empty:
        raise ValueError(f"no prospects for strategy {strategy!r}")
    if rows["prospect"].duplicated().any():
        raise ValueError(f"strategy {strategy!r} has duplicate prospect ids")
    values = rows[column].astype(float).to_numpy()
    return pd.Series(values, index=rows["prospect"].to_numpy(), name=strategy)


def paired_difference(
    prospects: pd.DataFrame, a: str, b: str, metric_column: str, level: float = 0.95
) -> PairedDifference:
    """Strategy ``a`` minus strategy ``b`` on ``metric_column``, paired by ``prospect``.

    Both strategies must have run on the same prospects (common random numbers). Uses the
    paired t-test (``scipy.stats.ttest_rel``). When every difference is the same the interval
    is that value and ``p_value`` is 1 if it is zero, else 0.
    """
    if metric_column not in prospects.columns:
        raise ValueError(f"no column {metric_column!r} in the prospects frame")
    xa = _per_prospect(prospects, a, metric_column)
    xb = _per_prospect(prospects, b, metric_column)
    if set(xa.index) != set(xb.index):
        raise ValueError(f"strategies {a!r} and {b!r} were not run on the same prospects")
    xb = xb.reindex(xa.index)
    return paired_difference_arrays(xa.to_numpy(), xb.to_numpy(), level)


def paired_difference_arrays(a: ArrayLike, b: ArrayLike, level: float = 0.95) -> PairedDifference:
    """``paired_difference`` of two equally long arrays already aligned prospect by prospect."""
    xa, xb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if xa.shape != xb.shape:
        raise ValueError(f"unpaired arrays of shapes {xa.shape} and {xb.shape}")
    d = xa - xb
    n = d.size
    if n == 0:
        return PairedDifference(math.nan, math.nan, math.nan, math.nan, 0)
    diff = float(d.mean())
    if n < 2:
        return PairedDifference(diff, math.nan, math.nan, math.nan, n)
    if np.all(d == d[0]):
        return PairedDifference(diff, diff, diff, 1.0 if diff == 0 else 0.0, n)
    res = stats.ttest_rel(xa, xb)
    ci = res.confidence_interval(confidence_level=level)
    return PairedDifference(diff, float(ci.low), float(ci.high), float(res.pvalue), n)


# -- the table ---------------------------------------------------------------------------------

PERCENT = -1
"""``TABLE_COLUMNS`` decimals of a percent shown without its interval."""

TABLE_COLUMNS: tuple[tuple[str, str, int | None], ...] = (
    ("meetings/100", "meeting_rate", None),
    ("inbound %", "inbound_share", PERCENT),
    ("reach %", "reach_rate", None),
    ("explicit no %", "no_rate", PERCENT),
    ("opt-out %", "opt_out_rate", None),
    ("touches", "touches_per_prospect", 1),
    ("min/mtg", "rep_minutes_per_meeting", 1),
    ("cost/mtg", "cost_per_meeting", 2),
    ("mtg/rep wk", "meetings_per_rep_week", 2),
)
"""(heading, metric, decimals); ``None`` decimals: a percent with its interval; ``PERCENT``: a
percent alone (its interval is in summary.csv and the report; the terminal keeps the intervals
of meetings, reach and opt-outs, so that the table fits a terminal). A column whose metric no
strategy has (meetings per rep week without reps' books) is left out."""


def _fmt(value: float, digits: int = 1) -> str:
    return "-" if math.isnan(value) else f"{value:.{digits}f}"


def _cell(interval: Interval, digits: int | None) -> str:
    est, low, high = interval
    if math.isnan(est):
        return "-"
    if digits == PERCENT:
        return f"{100 * est:.1f}"
    if digits is not None:
        return _fmt(est, digits)
    return f"{100 * est:.1f} [{_fmt(100 * low)}, {_fmt(100 * high)}]"


def _intervals(summary: pd.DataFrame) -> dict[tuple[str, str], Interval]:
    cols = zip(
        summary["strategy"].astype(str),
        summary["metric"].astype(str),
        summary["mean"].astype(float),
        summary["ci_low"].astype(float),
        summary["ci_high"].astype(float),
        strict=True,
    )
    return {(s, m): (float(e), float(lo), float(hi)) for s, m, e, lo, hi in cols}


def format_table(summary: pd.DataFrame) -> str:
    """A plain-text table of a ``summarize`` frame, one row per strategy, best meeting rate
    first: rates in percent with their interval, the rest as means per prospect."""
    values = _intervals(summary)
    names = strategies_in_order(summary)
    rate = {s: values.get((s, "meeting_rate"), NAN3)[0] for s in names}
    ranked = sorted(names, key=lambda s: -rate[s] if not math.isnan(rate[s]) else math.inf)
    present = set(summary["metric"].astype(str))
    columns = [c for c in TABLE_COLUMNS if c[1] in present]
    header = ["strategy", *(h for h, _, _ in columns)]
    body = [
        [s, *(_cell(values.get((s, metric), NAN3), digits) for _, metric, digits in columns)]
        for s in ranked
    ]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    level = _level_note(summary)
    n = int(summary["n_prospects"].max()) if len(summary) else 0
    lines = [line(header), line(["-" * w for w in widths]), *(line(r) for r in body)]
    lines.append(
        f"{n} prospects per strategy; [{level} CI]; touches per prospect; rep minutes and cost "
        "per meeting"
    )
    return "\n".join(lines)


def _level_note(summary: pd.DataFrame) -> str:
    """The confidence level is not stored in the frame; say what ``summarize`` defaults to
    unless ``summary.attrs['level']`` says otherwise."""
    level = float(summary.attrs.get("level", 0.95))
    return f"{100 * level:g}%"
