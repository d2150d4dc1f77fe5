"""The run's tables (comparisons, touch statistics, first contact by attempt), the precision
rule and the manifest: hand counts from the raw outcome table and touch log must match."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.model.scenario import Scenario
from sim.report.findings import compare_to_best
from sim.results.aggregate import TOUCH_COUNTS, StrategyStats, stats_by_strategy
from sim.results.manifest import manifest, scenario_hash
from sim.results.summary import (
    best_strategy,
    half_widths,
    paired_difference,
    prospects_for_precision,
    summarize_stats,
)
from sim.results.tables import (
    BY_ATTEMPT_COLUMNS,
    COMPARISON_COLUMNS,
    COMPARISON_METRICS,
    TOUCH_STATS_COLUMNS,
    by_attempt,
    comparisons,
    fdr_adjust,
    run_tables,
    touch_stats,
)
from sim.run import RunResult, simulate
from tests.conftest import make_scenario

STRATEGIES = ["one-and-done", "persistent-until-no", "channel-mix"]
N = 1500


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return make_scenario({"calendar": {"horizon_days": 30}})


@pytest.fixture(scope="module")
def run(scenario: Scenario) -> RunResult:
    return simulate(scenario, STRATEGIES, prospects=N, seed=3, engine="vector", chunk=700)


@pytest.fixture(scope="module")
def summary(run: RunResult) -> pd.DataFrame:
    return summarize_stats(run.stats)


# -- touch_stats --------------------------------------------------------------------------------


def hand_touch_stats(touches: pd.DataFrame) -> pd.DataFrame:
    """The documented definitions, counted with pandas from the touch log."""
    t = touches.assign(
        channel=touches["channel"].astype(str),
        sent=1,
        read=(touches["result"].astype(str) == "read") | touches["voicemail_heard"],
        positive=touches["response"].astype(str) == "positive",
        no=touches["response"].astype(str) == "no",
        not_now=touches["response"].astype(str) == "not_now",
    )
    t["reached"] = (t["result"].astype(str) == "picked_up") | t["read"]
    counts = (
        t.groupby(["strategy", "attempt", "channel"], sort=False)[list(TOUCH_COUNTS)]
        .sum()
        .astype(np.int64)
        .reset_index()
    )
    return counts


def test_touch_stats_match_the_touch_log(run: RunResult) -> None:
    table = touch_stats(run.stats)
    assert list(table.columns) == TOUCH_STATS_COLUMNS
    hand = hand_touch_stats(run.touches)
    key = ["strategy", "attempt", "channel"]
    merged = table.merge(hand, on=key, how="outer", suffixes=("", "_hand"), indicator=True)
    assert (merged["_merge"] == "both").all(), "combinations differ"
    for column in TOUCH_COUNTS:
        assert (merged[column] == merged[f"{column}_hand"]).all(), column
    sent = table.groupby("strategy")["sent"].sum()
    assert sent.to_dict() == run.touches.groupby("strategy").size().to_dict()
    assert (table["attempt"] >= 1).all()
    assert (table["reached"] >= table["read"]).all() and (table["sent"] >= table["reached"]).all()
    first = table[table["attempt"] == 1].groupby("strategy")["sent"].sum()
    assert (first == N).all()  # every strategy touches every prospect once


def test_streamed_run_keeps_the_same_tables(scenario: Scenario, run: RunResult) -> None:
    streamed = simulate(
        scenario, STRATEGIES, prospects=N, seed=3, engine="vector", chunk=400, stream=True
    )
    assert streamed.prospects.empty
    pd.testing.assert_frame_equal(touch_stats(streamed.stats), touch_stats(run.stats))
    pd.testing.assert_frame_equal(by_attempt(streamed.stats), by_attempt(run.stats))
    tables = run_tables(None, streamed.stats, summarize_stats(streamed.stats))
    assert set(tables) == {"touch_stats.csv", "by_attempt.csv", "funnel.csv"}  # no comparisons


def test_stats_merge_pads_histograms() -> None:
    a, b = StrategyStats(), StrategyStats()
    a.first_contact = np.array([0, 2, 1])
    b.first_contact = np.array([1, 0, 0, 0, 5])
    a.touch_counts = np.ones((2, 14, len(TOUCH_COUNTS)), dtype=np.int64)
    total = a + b
    assert total.first_contact.tolist() == [1, 2, 1, 0, 5]
    assert total.touch_counts.shape == (2, 14, len(TOUCH_COUNTS)) and total.touch_counts.sum() > 0


# -- by_attempt ---------------------------------------------------------------------------------


def test_by_attempt_counts_first_contacts(run: RunResult) -> None:
    table = by_attempt(run.stats)
    assert list(table.columns) == BY_ATTEMPT_COLUMNS
    p = run.prospects
    for name in STRATEGIES:
        rows = table[table["strategy"] == name].set_index("attempt")
        mine = p[p["strategy"] == name]
        first = mine["first_contact_attempt"].dropna().astype(int)
        assert rows["first_contact"].sum() == len(first) == int(mine["reached"].sum())
        counts = first.value_counts()
        for attempt, count in counts.items():
            assert rows.loc[attempt, "first_contact"] == count
        met = mine.loc[mine["meeting"], "first_contact_attempt"].dropna().astype(int)
        assert rows["first_contact_meeting"].sum() == len(met)
        assert (rows["first_contact_meeting"] <= rows["first_contact"]).all()
    per_strategy = table.groupby("strategy")["attempt"].apply(list)
    assert len({tuple(v) for v in per_strategy}) == 1  # the same attempts for every strategy


def test_by_attempt_of_hand_statistics() -> None:
    prospects = pd.DataFrame(
        {
            "strategy": "s",
            "prospect": range(5),
            "outcome": ["meeting", "open", "open", "said_no", "meeting"],
            "meeting": [True, False, False, False, True],
            "won": False,
            "reached": [True, False, True, True, True],
            "said_no": [False, False, False, True, False],
            "opted_out": False,
            "bought_elsewhere": False,
            "touches": 1,
            "rep_minutes": 1.0,
            "cost": 0.0,
            "first_response_day": math.nan,
            "first_contact_attempt": [3.0, math.nan, 1.0, 3.0, 0.0],
        }
    )
    table = by_attempt(stats_by_strategy(prospects))
    assert table["attempt"].tolist() == [0, 1, 2, 3]  # attempt 0: contact before any touch
    assert table["first_contact"].tolist() == [1, 1, 0, 2]
    assert table["first_contact_meeting"].tolist() == [1, 0, 0, 1]


# -- comparisons --------------------------------------------------------------------------------


def test_comparisons_are_paired_differences_against_the_best(
    run: RunResult, summary: pd.DataFrame
) -> None:
    best = best_strategy(summary)
    table = comparisons(run.prospects, best)
    assert list(table.columns) == COMPARISON_COLUMNS
    others = [s for s in STRATEGIES if s != best]
    assert len(table) == len(others) * len(COMPARISON_METRICS)
    assert set(table["metric"]) == set(COMPARISON_METRICS)
    assert (table["strategy_b"] == best).all()
    for metric, column in COMPARISON_METRICS.items():
        rows = table[table["metric"] == metric].set_index("strategy_a")
        assert sorted(rows.index) == sorted(others)
        for other in others:
            d = paired_difference(run.prospects, other, best, column)
            row = rows.loc[other]
            assert row["diff"] == pytest.approx(d.diff)
            assert (row["ci_low"], row["ci_high"]) == pytest.approx((d.ci_low, d.ci_high))
            assert row["p_value"] == pytest.approx(d.p_value)
        adjusted = stats.false_discovery_control(rows["p_value"].to_numpy(), method="bh")
        assert rows["p_adjusted"].to_numpy() == pytest.approx(adjusted)
    meeting = table[table["metric"] == "meeting_rate"]
    means = run.prospects.groupby("strategy")["meeting"].mean()
    for _, row in meeting.iterrows():
        assert row["diff"] == pytest.approx(means[row["strategy_a"]] - means[best])


def test_the_finding_reads_the_comparisons(run: RunResult, summary: pd.DataFrame) -> None:
    table = run_tables(run.prospects, run.stats, summary)["comparisons.csv"]
    from_table = compare_to_best(run, summary, table)
    computed = compare_to_best(run, summary)
    assert from_table is not None and computed is not None
    assert [v.strategy for v in from_table] == [v.strategy for v in computed]
    for a, b in zip(from_table, computed, strict=True):
        assert a.diff == pytest.approx(b.diff) and a.p_adjusted == pytest.approx(b.p_adjusted)


def test_comparisons_need_the_same_prospects(run: RunResult) -> None:
    p = run.prospects
    dropped = p[~((p["strategy"] == "channel-mix") & (p["prospect"] == 7))]
    with pytest.raises(ValueError, match="same prospects"):
        comparisons(dropped, "one-and-done")


def test_fdr_adjust_keeps_nan() -> None:
    out = fdr_adjust([0.01, math.nan, 0.04, 0.03])
    assert math.isnan(out[1])
    assert out[[0, 2, 3]] == pytest.approx(stats.false_discovery_control([0.01, 0.04, 0.03]))


# -- precision ----------------------------------------------------------------------------------


def test_prospects_for_precision() -> None:
    assert prospects_for_precision(2000, 0.011, 0.01) == 4096  # 2420 rounded up
    assert prospects_for_precision(10_000, 0.02, 0.005) == 163_840  # 160,000 rounded up
    assert prospects_for_precision(10_000, 0.02, 0.005, cap=100_000) == 100_000
    assert prospects_for_precision(5000, 0.004, 0.005) == 5000  # already there
    with pytest.raises(ValueError):
        prospects_for_precision(100, 0.1, 0.0)


def test_half_widths(summary: pd.DataFrame) -> None:
    widths = half_widths(summary)
    assert list(widths) == STRATEGIES
    rows = summary[summary["metric"] == "meeting_rate"].set_index("strategy")
    for name, width in widths.items():
        assert width == pytest.approx((rows.loc[name, "ci_high"] - rows.loc[name, "ci_low"]) / 2)
        assert 0 < width < 0.05


# -- manifest -----------------------------------------------------------------------------------


def test_manifest(run: RunResult, scenario: Scenario) -> None:
    info = manifest(run, extra_key="x")
    for key in ("version", "git_commit", "python", "numpy", "platform", "seed_entropy"):
        assert key in info
    assert info["seed_entropy"] == 3 and info["engine"] == "vector"
    assert info["sizes"] == {
        "prospects": N,
        "strategies": len(STRATEGIES),
        "horizon": 30,
        "chunk": 700,
        "workers": 1,
    }
    assert info["extra_key"] == "x"
    canonical = json.dumps(
        scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    assert info["scenario_hash"] == hashlib.sha256(canonical.encode()).hexdigest()
    other = replace(run, scenario=make_scenario({"calendar": {"horizon_days": 31}}))
    assert scenario_hash(other.scenario) != info["scenario_hash"]
    json.dumps(info)  # JSON-ready
