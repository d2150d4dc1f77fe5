"""The engine-agreement framework: known answers on hand-made frames, and a DES-vs-DES run
with two seeds on the ``baseline`` validation scenario that must agree on every row."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.engines.des.engine import run_des
from sim.model.outcomes import PROSPECT_COLUMNS, TOUCH_COLUMNS
from sim.strategy.library import get_strategy
from sim.validation.agreement import (
    AGREEMENT_COLUMNS,
    TOUCH_METRICS,
    combined_se,
    compare_engines,
    format_agreement,
    mean,
    proportion,
    z_score,
)
from sim.validation.scenarios import validation_scenarios

N_METRICS = 9 + 8  # eight proportions, mean touches, first reached at 1..8


def prospects(
    n: int,
    strategy: str = "s",
    *,
    meetings: int = 0,
    first: list[float] | None = None,
    touches: list[int] | None = None,
) -> pd.DataFrame:
    """A per-prospect table: the first ``meetings`` prospects booked a meeting."""
    attempt = np.full(n, np.nan) if first is None else np.asarray(first, dtype=float)
    return pd.DataFrame(
        {
            "strategy": strategy,
            "prospect": np.arange(n, dtype=np.int64),
            "meeting": np.arange(n) < meetings,
            "reached": ~np.isnan(attempt),
            "said_no": np.zeros(n, dtype=bool),
            "opted_out": np.zeros(n, dtype=bool),
            "said_not_now": np.zeros(n, dtype=bool),
            "inbound": np.zeros(n, dtype=bool),
            "discovery": np.zeros(n, dtype=bool),
            "won": np.zeros(n, dtype=bool),
            "first_contact_attempt": attempt,
            "touches": np.ones(n, dtype=np.int32) if touches is None else np.asarray(touches),
        }
    )


def no_touches() -> pd.DataFrame:
    return pd.DataFrame(columns=TOUCH_COLUMNS)


def row(df: pd.DataFrame, metric: str, strategy: str = "s") -> pd.Series:
    hit = df[(df["strategy"] == strategy) & (df["metric"] == metric)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_identical_frames_agree_with_zero_difference() -> None:
    a = prospects(50, meetings=7, first=[1, 2, 3, 9, np.nan] * 10, touches=list(range(50)))
    df = compare_engines(a, a.copy(), no_touches(), no_touches())
    assert list(df.columns) == AGREEMENT_COLUMNS
    assert len(df) == N_METRICS
    assert (df["diff"] == 0).all()
    assert (df["z"] == 0).all()
    assert df["agree"].all()
    assert df["agree"].dtype == bool


def test_meeting_rate_se_and_z_unpooled() -> None:
    a = prospects(1000, meetings=100)
    b = prospects(1000, meetings=200)
    df = compare_engines(a, b, no_touches(), no_touches(), pooled=False)
    r = row(df, "meeting_rate")
    se = math.sqrt(0.1 * 0.9 / 1000 + 0.2 * 0.8 / 1000)
    assert r["value_a"] == pytest.approx(0.1)
    assert r["value_b"] == pytest.approx(0.2)
    assert r["diff"] == pytest.approx(-0.1)
    assert r["se"] == pytest.approx(se)  # 0.01581
    assert r["z"] == pytest.approx(-0.1 / se)  # -6.32
    assert not r["agree"]


def test_meeting_rate_se_and_z_pooled() -> None:
    """The default: both se terms at the pooled share 0.15 (the two-proportion z-test)."""
    a = prospects(1000, meetings=100)
    b = prospects(1000, meetings=200)
    r = row(compare_engines(a, b, no_touches(), no_touches()), "meeting_rate")
    se = math.sqrt(0.15 * 0.85 / 1000 + 0.15 * 0.85 / 1000)
    assert r["diff"] == pytest.approx(-0.1)
    assert r["se"] == pytest.approx(se)  # 0.01597
    assert r["z"] == pytest.approx(-0.1 / se)  # -6.26
    assert not r["agree"]


def test_pooling_protects_a_small_run_that_sees_no_rare_event() -> None:
    """2,000 prospects with no meeting against 200,000 with 0.2%: 4 were expected, seeing 0
    happens 1.8% of the time. Unpooled, the small run's se is 0 and z is about -20."""
    a = prospects(2_000, meetings=0)
    b = prospects(200_000, meetings=400)
    pooled = row(compare_engines(a, b, no_touches(), no_touches()), "meeting_rate")
    p = 400 / 202_000
    assert pooled["se"] == pytest.approx(math.sqrt(p * (1 - p) * (1 / 2_000 + 1 / 200_000)))
    assert pooled["agree"]
    unpooled = row(compare_engines(a, b, no_touches(), no_touches(), pooled=False), "meeting_rate")
    assert unpooled["se"] == pytest.approx(math.sqrt(0.002 * 0.998 / 200_000))
    assert not unpooled["agree"]


def test_small_difference_agrees() -> None:
    a = prospects(1000, meetings=100)
    b = prospects(1000, meetings=110)
    r = row(compare_engines(a, b, no_touches(), no_touches()), "meeting_rate")
    assert abs(r["z"]) < 1
    assert r["agree"]


def test_first_reached_shares() -> None:
    a = prospects(10, first=[1, 1, 1, 2, 3, 3, 8, 9, 0, np.nan])
    b = prospects(10, first=[1, 1, 1, 2, 3, 3, 8, 9, 0, np.nan])
    df = compare_engines(a, b, no_touches(), no_touches(), max_attempt=8)
    expected = {1: 0.3, 2: 0.1, 3: 0.2, 4: 0.0, 5: 0.0, 6: 0.0, 7: 0.0, 8: 0.1}
    for k, share in expected.items():
        assert row(df, f"first_reached_at_{k}")["value_a"] == pytest.approx(share)
    assert row(df, "reach_rate")["value_a"] == pytest.approx(0.9)
    short = compare_engines(a, b, no_touches(), no_touches(), max_attempt=3)
    assert [m for m in short["metric"] if m.startswith("first_reached")] == [
        "first_reached_at_1",
        "first_reached_at_2",
        "first_reached_at_3",
    ]


def test_mean_touches_uses_sample_sd() -> None:
    a = prospects(4, touches=[1, 2, 3, 4])
    b = prospects(4, touches=[2, 2, 2, 2])
    unpooled = compare_engines(a, b, no_touches(), no_touches(), pooled=False)
    r = row(unpooled, "touches_per_prospect")
    se = float(np.std([1, 2, 3, 4], ddof=1)) / 2
    assert r["value_a"] == pytest.approx(2.5)
    assert r["diff"] == pytest.approx(0.5)
    assert r["se"] == pytest.approx(se)
    assert r["z"] == pytest.approx(0.5 / se)
    pooled = row(compare_engines(a, b, no_touches(), no_touches()), "touches_per_prospect")
    sd = float(np.std([1, 2, 3, 4, 2, 2, 2, 2], ddof=1))
    assert pooled["se"] == pytest.approx(sd * math.sqrt(1 / 4 + 1 / 4))


def test_zero_se_gives_zero_or_infinite_z() -> None:
    assert z_score(0.0, 0.0) == 0.0
    assert z_score(0.2, 0.0) == math.inf
    assert z_score(-0.2, 0.0) == -math.inf
    assert math.isnan(z_score(0.1, math.nan))
    a = prospects(20, touches=[3] * 20)
    b = prospects(20, touches=[4] * 20)
    r = row(compare_engines(a, b, no_touches(), no_touches(), pooled=False), "touches_per_prospect")
    assert r["se"] == 0
    assert r["z"] == -math.inf
    assert not r["agree"]
    same = row(compare_engines(a, a.copy(), no_touches(), no_touches()), "touches_per_prospect")
    assert same["se"] == 0
    assert same["z"] == 0
    assert same["agree"]


def test_proportion_samples() -> None:
    s = proportion(np.array([True, False, False, False]))
    assert (s.n, s.value, s.variance) == (4, 0.25, pytest.approx(0.1875))
    assert s.se == pytest.approx(math.sqrt(0.25 * 0.75 / 4))
    m = mean(np.array([1.0]))
    assert m.value == 1.0
    assert math.isnan(m.se)
    assert math.isnan(combined_se(m, m, pooled=False))


def test_strategies_compared_separately_in_order() -> None:
    a = pd.concat([prospects(100, "x", meetings=10), prospects(100, "y", meetings=50)])
    b = pd.concat([prospects(100, "y", meetings=50), prospects(100, "x", meetings=10)])
    df = compare_engines(a, b, no_touches(), no_touches())
    assert list(pd.unique(df["strategy"])) == ["x", "y"]
    assert df["agree"].all()
    assert row(df, "meeting_rate", "y")["value_a"] == pytest.approx(0.5)


def test_different_strategies_are_an_error() -> None:
    with pytest.raises(ValueError, match="different strategies"):
        compare_engines(prospects(5, "x"), prospects(5, "y"), no_touches(), no_touches())


def test_touch_metrics_only_when_both_logs_have_rows() -> None:
    a = prospects(4)
    log = pd.DataFrame(
        {
            "strategy": "s",
            "prospect": [0, 0, 1, 3],
            "result": ["picked_up", "read", "screened", "read"],
            "voicemail_heard": [False, False, True, False],
        }
    )
    df = compare_engines(a, a.copy(), log, log.copy())
    assert len(df) == N_METRICS + len(TOUCH_METRICS)
    assert row(df, "pickups_per_prospect")["value_a"] == pytest.approx(1 / 4)
    assert row(df, "reads_per_prospect")["value_a"] == pytest.approx(3 / 4)
    assert len(compare_engines(a, a.copy(), log, no_touches())) == N_METRICS


def test_format_agreement_is_readable() -> None:
    a = prospects(1000, meetings=100)
    b = prospects(1000, meetings=200)
    text = format_agreement(compare_engines(a, b, no_touches(), no_touches()))
    assert "-6.26" in text
    lines = text.splitlines()
    assert lines[0].split() == AGREEMENT_COLUMNS
    assert "NO" in text
    assert lines[-1] == f"{N_METRICS - 1} of {N_METRICS} rows agree (|z| < 4)"


def test_des_agrees_with_itself_across_seeds() -> None:
    """Two DES runs on disjoint random numbers: every metric of every strategy agrees.

    About 40 rows at |z| < 4: a false alarm on a correct engine is very unlikely, and the seeds
    are fixed, so this is a check that the framework's standard errors are not too small.
    """
    v = validation_scenarios(horizon_days=40)["baseline"]
    sc = v.scenario
    runs = []
    for seed in (11, 12):
        outs = [run_des(sc, get_strategy(name, sc), 700, seed) for name in v.strategies]
        runs.append(
            (
                pd.concat([o.prospects for o in outs], ignore_index=True),
                pd.concat([o.touches for o in outs], ignore_index=True),
            )
        )
    (pa, ta), (pb, tb) = runs
    assert list(pa.columns) == PROSPECT_COLUMNS
    df = compare_engines(pa, pb, ta, tb)
    assert len(df) == len(v.strategies) * (N_METRICS + len(TOUCH_METRICS))
    assert df["agree"].all(), "\n" + format_agreement(df)
    assert (df["value_a"] != df["value_b"]).any()  # the two runs really differ
