"""summarize, paired_difference and format_table against hand counts and textbook formulas."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.model.outcomes import PROSPECT_COLUMNS, TOUCH_COLUMNS, Status
from sim.results.summary import (
    METRICS,
    SUMMARY_COLUMNS,
    format_table,
    mean_ci,
    median_ci,
    paired_difference,
    ratio_ci,
    summarize,
)

OUTCOMES = [s.name for s in Status]


def rng(seed: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))


def prospects(strategy: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    """A prospects frame with every column of PROSPECT_COLUMNS; unspecified values neutral."""
    base: dict[str, object] = {
        "segment": "buyer",
        "outcome": "open",
        "meeting": False,
        "won": False,
        "reached": False,
        "said_no": False,
        "opted_out": False,
        "bought_elsewhere": False,
        "inbound": False,
        "first_response_day": math.nan,
        "first_contact_attempt": math.nan,
        "meeting_day": math.nan,
        "touches": 0,
        "rep_minutes": 0.0,
        "cost": 0.0,
        "annoyance": 0.0,
        "recall": 0.0,
        "arrival_day": 0,
        "rep": -1,
        "rep_weeks": 0.0,
    }
    records = [{"strategy": strategy, "prospect": i, **base, **r} for i, r in enumerate(rows)]
    df = pd.DataFrame(records, columns=PROSPECT_COLUMNS)
    df["outcome"] = pd.Categorical(df["outcome"], categories=OUTCOMES)
    return df


def touches(strategy: str, rows: list[tuple[str, str]]) -> pd.DataFrame:
    """A touch log from (channel, result) pairs."""
    df = pd.DataFrame(
        [
            {c: 0 for c in TOUCH_COLUMNS} | {"strategy": strategy, "channel": ch, "result": res}
            for ch, res in rows
        ],
        columns=TOUCH_COLUMNS,
    )
    df["channel"] = df["channel"].astype("category")
    df["result"] = df["result"].astype("category")
    return df


def wilson(k: int, n: int, level: float) -> tuple[float, float]:
    """The Wilson score interval from its textbook formula."""
    z = stats.norm.ppf((1 + level) / 2)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def row(summary: pd.DataFrame, strategy: str, metric: str) -> pd.Series:
    sel = summary[(summary["strategy"] == strategy) & (summary["metric"] == metric)]
    assert len(sel) == 1, (strategy, metric)
    return sel.iloc[0]


# A hand-made strategy of 10 prospects whose every count is known.
HAND: list[dict[str, object]] = [
    {
        "outcome": "meeting",
        "meeting": True,
        "won": True,
        "reached": True,
        "first_response_day": 2.0,
        "touches": 3,
        "rep_minutes": 12.0,
        "cost": 1.0,
    },
    {
        "outcome": "meeting",
        "meeting": True,
        "reached": True,
        "first_response_day": 5.0,
        "touches": 5,
        "rep_minutes": 20.0,
        "cost": 0.0,
    },
    {
        "outcome": "nurture",
        "reached": True,
        "first_response_day": 1.0,
        "touches": 2,
        "rep_minutes": 8.0,
    },
    {
        "outcome": "conversing",
        "reached": True,
        "first_response_day": 9.0,
        "touches": 4,
        "rep_minutes": 10.0,
    },
    {
        "outcome": "said_no",
        "said_no": True,
        "reached": True,
        "first_response_day": 3.0,
        "touches": 6,
        "rep_minutes": 18.0,
    },
    {"outcome": "opted_out", "opted_out": True, "touches": 7, "rep_minutes": 21.0, "cost": 2.0},
    {"outcome": "bought_elsewhere", "bought_elsewhere": True, "touches": 8, "rep_minutes": 24.0},
    {"touches": 8, "rep_minutes": 24.0},
    {"touches": 8, "rep_minutes": 24.0},
    {"touches": 8, "rep_minutes": 24.0},
]


@pytest.fixture
def hand() -> pd.DataFrame:
    return prospects("hand", HAND)


def test_columns_rows_and_order(hand: pd.DataFrame) -> None:
    other = prospects("zeta", HAND[:4])
    alpha = prospects("alpha", HAND[4:])
    s = summarize(pd.concat([other, hand, alpha], ignore_index=True))
    assert list(s.columns) == SUMMARY_COLUMNS
    assert list(pd.unique(s["strategy"])) == ["zeta", "hand", "alpha"]
    # no touch log: no connect rate; no reps' books: no meetings per rep week
    absent = {"connect_rate_per_dial", "meetings_per_rep_week"}
    assert list(s.loc[s["strategy"] == "hand", "metric"]) == [m for m in METRICS if m not in absent]
    assert set(s.loc[s["strategy"] == "zeta", "n_prospects"]) == {4}
    assert set(s.loc[s["strategy"] == "alpha", "n_prospects"]) == {6}


@pytest.mark.parametrize(
    ("metric", "k"),
    [
        ("meeting_rate", 2),
        ("win_rate", 1),
        ("reach_rate", 5),
        ("positive_rate", 3),  # meeting or conversing (a nurture is a "not now")
        ("no_rate", 1),
        ("opt_out_rate", 1),
        ("ghost_rate", 4),  # bought_elsewhere (never reached) and the three silent ones
        ("bought_elsewhere_rate", 1),
    ],
)
def test_proportions_are_hand_counts_with_wilson_intervals(
    hand: pd.DataFrame, metric: str, k: int
) -> None:
    for level in (0.95, 0.8):
        r = row(summarize(hand, level=level), "hand", metric)
        assert r["mean"] == pytest.approx(k / 10)
        low, high = wilson(k, 10, level)
        assert r["ci_low"] == pytest.approx(low, abs=1e-9)
        assert r["ci_high"] == pytest.approx(high, abs=1e-9)


def test_means_use_a_t_interval(hand: pd.DataFrame) -> None:
    s = summarize(hand)
    x = np.array([3, 5, 2, 4, 6, 7, 8, 8, 8, 8], dtype=float)  # touches in HAND
    half = stats.t.ppf(0.975, 9) * x.std(ddof=1) / math.sqrt(10)
    r = row(s, "hand", "touches_per_prospect")
    assert r["mean"] == pytest.approx(5.9)
    assert r["ci_low"] == pytest.approx(5.9 - half)
    assert r["ci_high"] == pytest.approx(5.9 + half)
    assert row(s, "hand", "rep_minutes_per_prospect")["mean"] == pytest.approx(185 / 10)
    assert row(s, "hand", "cost_per_prospect")["mean"] == pytest.approx(0.3)


def test_per_meeting_ratios_are_totals_over_meetings(hand: pd.DataFrame) -> None:
    s = summarize(hand)
    r = row(s, "hand", "rep_minutes_per_meeting")
    assert r["mean"] == pytest.approx(185 / 2)
    assert r["ci_low"] < 185 / 2 < r["ci_high"]
    assert row(s, "hand", "cost_per_meeting")["mean"] == pytest.approx(3 / 2)


def test_per_meeting_is_nan_without_meetings() -> None:
    s = summarize(prospects("none", [{"touches": 2, "rep_minutes": 5.0}] * 5))
    for metric in ("rep_minutes_per_meeting", "cost_per_meeting"):
        r = row(s, "none", metric)
        assert np.isnan([r["mean"], r["ci_low"], r["ci_high"]]).all()
    assert row(s, "none", "meeting_rate")["mean"] == 0.0
    assert row(s, "none", "meeting_rate")["ci_high"] > 0.0


def test_ratio_delta_method_matches_a_large_sample() -> None:
    """The delta-method standard error agrees with the spread of the ratio over many
    replications, and the 95% interval covers the true ratio about 95% of the time."""
    g = rng(7)
    n, reps, p_meet = 400, 2000, 0.2
    true_ratio = (20.0 + 30.0 * p_meet) / p_meet  # E[minutes] / E[meetings]
    ratios, halves, covered = [], [], 0
    for _ in range(reps):
        meet = (g.random(n) < p_meet).astype(float)
        minutes = g.gamma(4.0, 5.0, n) + 30.0 * meet  # meetings cost extra time
        est, low, high = ratio_ci(minutes, meet)
        ratios.append(est)
        halves.append((high - low) / 2)
        covered += low <= true_ratio <= high
    z = stats.norm.ppf(0.975)
    assert np.mean(halves) / z == pytest.approx(np.std(ratios, ddof=1), rel=0.06)
    assert 0.93 <= covered / reps <= 0.97


def test_connect_rate_counts_only_calls() -> None:
    p = prospects("s", [{}] * 3)
    t = touches(
        "s",
        [
            ("call_desk", "picked_up"),
            ("call_cell", "picked_up"),
            ("call_desk", "screened"),
            ("call_cell", "busy"),
            ("call_desk", "not_reachable"),
            ("email", "read"),
            ("text", "read"),
            ("page", "picked_up"),
        ],
    )
    r = row(summarize(p, t), "s", "connect_rate_per_dial")
    assert r["mean"] == pytest.approx(2 / 5)
    low, high = wilson(2, 5, 0.95)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((low, high))


def test_connect_rate_is_nan_without_dials_and_split_by_strategy() -> None:
    p = pd.concat([prospects("mail", [{}]), prospects("call", [{}])], ignore_index=True)
    t = pd.concat(
        [
            touches("mail", [("email", "read")]),
            touches("call", [("call_desk", "busy"), ("call_desk", "picked_up")]),
        ],
        ignore_index=True,
    )
    s = summarize(p, t)
    assert math.isnan(row(s, "mail", "connect_rate_per_dial")["mean"])
    assert row(s, "call", "connect_rate_per_dial")["mean"] == pytest.approx(0.5)


def test_median_interval_uses_order_statistics() -> None:
    # n = 10 at 95%: the classic table gives ranks 2 and 9 (coverage 97.9%).
    x = np.array([7.0, 1.0, 9.0, 3.0, 10.0, 2.0, 8.0, 4.0, 6.0, 5.0])
    est, low, high = median_ci(np.append(x, [np.nan, np.nan]))
    assert (est, low, high) == (5.5, 2.0, 9.0)
    coverage = 1 - 2 * stats.binom.cdf(1, 10, 0.5)
    assert coverage == pytest.approx(0.978515625)
    # Too few values to reach 95%: no interval (1 - 2 / 2**5 = 0.9375 < 0.95).
    assert np.isnan(median_ci([1.0, 2.0, 3.0, 4.0, 5.0])[1:]).all()
    assert median_ci([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])[1:] == (1.0, 6.0)


def test_median_interval_covers_at_least_its_level() -> None:
    """For every n, the ranks chosen give an exact coverage >= level, and the next
    narrower ranks would not."""
    for n in range(6, 200):
        rank = int(stats.binom.ppf(0.025, n, 0.5))
        assert 1 - 2 * stats.binom.cdf(rank - 1, n, 0.5) >= 0.95
        assert 1 - 2 * stats.binom.cdf(rank, n, 0.5) < 0.95
        x = np.arange(1.0, n + 1)
        assert median_ci(x)[1:] == (float(rank), float(n + 1 - rank))


def test_summary_median_is_over_responders(hand: pd.DataFrame) -> None:
    r = row(summarize(hand), "hand", "days_to_first_response_median")
    assert r["mean"] == 3.0  # of 1, 2, 3, 5, 9
    assert np.isnan([r["ci_low"], r["ci_high"]]).all()  # five values cannot reach 95%


def test_mean_ci_edge_cases() -> None:
    assert np.isnan(mean_ci([])).all()
    est, low, high = mean_ci([4.0])
    assert est == 4.0 and math.isnan(low) and math.isnan(high)
    assert mean_ci([2.0, 2.0, 2.0]) == (2.0, 2.0, 2.0)


def test_level_is_validated(hand: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="level"):
        summarize(hand, level=95)


# -- paired differences --------------------------------------------------------------------


def pair(a_values: list[float], b_values: list[float], column: str = "rep_minutes") -> pd.DataFrame:
    a = prospects("a", [{column: v} for v in a_values])
    b = prospects("b", [{column: v} for v in b_values])
    return pd.concat([a, b], ignore_index=True)


def test_paired_difference_known_values() -> None:
    b = [10.0, 20.0, 5.0, 7.0, 3.0]
    d = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    res = paired_difference(pair(list(np.add(b, d)), b), "a", "b", "rep_minutes")
    se = math.sqrt(2.5 / 5)  # sd of 1..5 is sqrt(2.5)
    half = stats.t.ppf(0.975, 4) * se
    assert res.diff == pytest.approx(3.0)
    assert (res.ci_low, res.ci_high) == pytest.approx((3.0 - half, 3.0 + half))
    assert res.p_value == pytest.approx(2 * stats.t.sf(3.0 / se, 4))
    assert res.n == 5


def test_paired_difference_pairs_by_prospect_not_by_row() -> None:
    frame = pair([11.0, 22.0, 8.0, 11.0, 8.0], [10.0, 20.0, 5.0, 7.0, 3.0])
    shuffled = frame.iloc[[0, 1, 2, 3, 4, 9, 7, 5, 8, 6]].reset_index(drop=True)
    a = paired_difference(frame, "a", "b", "rep_minutes")
    b = paired_difference(shuffled, "a", "b", "rep_minutes")
    assert a == b
    assert a.diff == pytest.approx(3.0)


def test_paired_difference_zero_and_constant() -> None:
    same = paired_difference(pair([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]), "a", "b", "rep_minutes")
    assert (same.diff, same.ci_low, same.ci_high, same.p_value) == (0.0, 0.0, 0.0, 1.0)
    shifted = paired_difference(pair([2.0, 3.0, 4.0], [1.0, 2.0, 3.0]), "a", "b", "rep_minutes")
    assert (shifted.diff, shifted.ci_low, shifted.ci_high, shifted.p_value) == (1.0, 1.0, 1.0, 0.0)


def test_paired_difference_on_booleans() -> None:
    frame = pd.concat(
        [
            prospects("a", [{"meeting": m} for m in (True, True, False, True)]),
            prospects("b", [{"meeting": m} for m in (False, True, False, False)]),
        ],
        ignore_index=True,
    )
    res = paired_difference(frame, "a", "b", "meeting")
    assert res.diff == pytest.approx(0.5)
    assert res.p_value == pytest.approx(stats.ttest_rel([1, 1, 0, 1], [0, 1, 0, 0]).pvalue)


def test_paired_difference_rejects_unpaired_input() -> None:
    frame = pair([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="same prospects"):
        paired_difference(frame, "a", "b", "rep_minutes")
    with pytest.raises(ValueError, match="no prospects"):
        paired_difference(frame, "a", "missing", "rep_minutes")
    with pytest.raises(ValueError, match="no column"):
        paired_difference(frame, "a", "b", "nope")


# -- the table -----------------------------------------------------------------------------


def test_format_table_ranks_by_meeting_rate(hand: pd.DataFrame) -> None:
    low = prospects("low-meetings", [{"touches": 1}] * 10)
    high = prospects("high-meetings", [{"outcome": "meeting", "meeting": True}] * 4 + [{}] * 6)
    text = format_table(summarize(pd.concat([low, hand, high], ignore_index=True)))
    lines = text.splitlines()
    assert lines[0].split()[:2] == ["strategy", "meetings/100"]
    order = [line.split()[0] for line in lines[2:5]]
    assert order == ["high-meetings", "hand", "low-meetings"]
    lo, hi = wilson(4, 10, 0.95)
    assert f"40.0 [{100 * lo:.1f}, {100 * hi:.1f}]" in lines[2]
    assert "20.0 [" in lines[3]  # hand: 2 meetings in 10
    # the widest cells there are (intervals of 10 prospects) still fit a 125-column terminal
    assert all(len(line) <= 125 for line in lines)
    assert "95% CI" in lines[-1]
