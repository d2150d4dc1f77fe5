"""The funnel (``funnel.csv``): its counts agree with the outcome table and the touch log, its
statistics merge exactly (so streamed runs have it), its intervals are Wilson's, and
``followup funnel`` prints it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.results.aggregate import StrategyStats, stats_by_strategy
from sim.results.funnel import ALL, FUNNEL_COLUMNS, INBOUND, funnel, funnel_text, wilson
from sim.run import RunResult, simulate
from tests.conftest import make_scenario
from tests.helpers import followup

STRATEGIES = ["one-and-done", "five-to-one", "breakup-after-two"]


@pytest.fixture(scope="module")
def run() -> RunResult:
    scenario = make_scenario({"calendar": {"horizon_days": 30}})
    return simulate(scenario, STRATEGIES, prospects=3000, seed=2, engine="vector")


@pytest.fixture(scope="module")
def table(run: RunResult) -> pd.DataFrame:
    return funnel(run.stats)


def test_columns_and_order(table: pd.DataFrame) -> None:
    assert list(table.columns) == FUNNEL_COLUMNS
    assert list(dict.fromkeys(table["strategy"])) == STRATEGIES
    assert (table["sent"] >= table["reached"]).all()
    assert (table["positive"] + table["negative"] <= table["sent"]).all()


def test_meetings_add_up_to_the_outcome_table(run: RunResult, table: pd.DataFrame) -> None:
    p = run.prospects
    for name in STRATEGIES:
        rows = p[p["strategy"] == name]
        mine = table[table["strategy"] == name]
        by_touch = int(mine.loc[mine["channel"] == ALL, "meetings"].sum())
        inbound = int(mine.loc[mine["channel"] == INBOUND, "meetings"].sum())
        assert inbound == int((rows["meeting"] & rows["inbound"]).sum())
        assert by_touch + inbound == int(rows["meeting"].sum())
        booked = rows[rows["meeting"] & ~rows["inbound"]]
        expected = booked["meeting_attempt"].value_counts()
        got = mine[mine["channel"] == ALL].set_index("attempt")["meetings"]
        for attempt, count in expected.items():
            assert got.loc[int(attempt)] == count


def test_counts_match_the_touch_log(run: RunResult, table: pd.DataFrame) -> None:
    t = run.touches
    name = "five-to-one"
    log = t[t["strategy"] == name]
    mine = table[(table["strategy"] == name) & ~table["channel"].isin([ALL, INBOUND])]
    sent = log.groupby(["attempt", "channel"], observed=True).size()
    for row in mine.itertuples():
        assert sent.loc[(row.attempt, row.channel)] == row.sent
    minutes = log.groupby("attempt")["rep_minutes"].sum()
    totals = table[(table["strategy"] == name) & (table["channel"] == ALL)].set_index("attempt")
    assert np.allclose(totals["rep_minutes"], minutes.loc[totals.index])
    assert totals["sent"].iloc[0] == 3000  # every prospect gets a first touch
    assert np.allclose(totals["meetings_per_100"], 100 * totals["meetings"] / 3000)


def test_stats_merge_exactly(run: RunResult) -> None:
    p, t = run.prospects, run.touches
    name = "breakup-after-two"
    rows, log = p[p["strategy"] == name], t[t["strategy"] == name]
    ids = rows["prospect"].to_numpy()
    cut = ids[len(ids) // 3]
    parts = [
        StrategyStats.of(rows[rows["prospect"] < cut], log[log["prospect"] < cut]),
        StrategyStats.of(rows[rows["prospect"] >= cut], log[log["prospect"] >= cut]),
    ]
    whole = StrategyStats.of(rows, log)
    merged = parts[0] + parts[1]
    for field in ("touch_counts", "touch_meetings", "inbound_meetings"):
        assert np.array_equal(getattr(merged, field), getattr(whole, field)), field
    assert np.allclose(merged.touch_minutes, whole.touch_minutes)
    assert whole.touch_meetings.sum() > 0  # not a comparison of zeros


def test_a_streamed_run_has_the_same_funnel(table: pd.DataFrame) -> None:
    scenario = make_scenario({"calendar": {"horizon_days": 30}})
    streamed = simulate(
        scenario, STRATEGIES, prospects=3000, seed=2, engine="vector", stream=True, chunk=700
    )
    pd.testing.assert_frame_equal(funnel(streamed.stats), table)


def test_wilson_is_scipys_interval() -> None:
    k = np.array([0, 1, 7, 50, 99, 100])
    n = np.array([10, 10, 40, 100, 100, 100])
    p, low, high = wilson(k, n)
    for i in range(len(k)):
        ci = stats.binomtest(int(k[i]), int(n[i])).proportion_ci(method="wilson")
        assert p[i] == pytest.approx(k[i] / n[i])
        assert low[i] == pytest.approx(ci.low, abs=1e-12)
        assert high[i] == pytest.approx(ci.high, abs=1e-12)
    assert np.isnan(wilson([0], [0])[0]).all()


def test_without_a_touch_log_only_inbound_rows(run: RunResult) -> None:
    bare = stats_by_strategy(run.prospects)
    out = funnel(bare)
    assert set(out["channel"]) <= {INBOUND}


def test_funnel_text_and_command(run: RunResult, table: pd.DataFrame, tmp_path: Path) -> None:
    text = funnel_text(table, "five-to-one")
    assert text.splitlines()[0] == "five-to-one (3,000 prospects)"
    assert "meetings/100" in text and "inbound:" in text.splitlines()[-1]
    table.to_csv(tmp_path / "funnel.csv", index=False)
    r = followup("funnel", str(tmp_path), "--strategies", "five-to-one,one-and-done")
    assert r.returncode == 0, r.stderr
    assert "five-to-one (3,000 prospects)" in r.stdout and "one-and-done" in r.stdout
    r = followup("funnel", str(tmp_path), "--strategies", "fve-to-one")
    assert r.returncode == 2 and "did you mean 'five-to-one'" in r.stderr
    r = followup("funnel", str(tmp_path / "nowhere"))
    assert r.returncode == 2 and "funnel.csv: not found" in r.stderr
