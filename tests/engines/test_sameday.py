"""Events of one prospect-day are correlated in the DES; the vectorized engine draws them from
the exact conditionals (sim/vector/sameday.py). Checked against the DES's own mechanisms by
Monte Carlo, then engine against engine on the stress strategies of sim/approximations.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.engines.des.day import draw_day
from sim.engines.des.engine import run_des
from sim.engines.vector.engine import run_vector
from sim.model.behaviour import outranked_count, outranked_count_after, p_free, p_free_after
from sim.model.scenario import Scenario
from sim.strategy.library import get_strategy
from sim.validation.approximations import (
    STRESS_CHANNELS,
    compare_pairs,
    pair_shares,
    stress_scenario,
)


def _within(observed: np.ndarray, expected: float) -> None:
    se = np.sqrt(expected * (1 - expected) / len(observed))
    assert abs(observed.mean() - expected) <= 4 * se, (observed.mean(), expected, se)


@pytest.mark.parametrize(("first", "second"), [(600, 620), (600, 690), (840, 845)])
def test_p_free_after_matches_the_des_day_schedule(first: int, second: int) -> None:
    sc = Scenario()
    n = 8000
    days = [draw_day(sc, 5, i, 3, 540.0) for i in range(n)]

    def free(m: int) -> np.ndarray:
        return np.array([not (d.in_meeting(m) or d.interrupted(m)) for d in days])

    f1, f2 = free(first), free(second)
    after_free, after_busy = p_free_after(sc, [first] * 2, [True, False], [second] * 2)
    _within(f2[f1], float(after_free))
    _within(f2[~f1], float(after_busy))
    assert after_busy < float(p_free(sc, second)) < after_free  # the correlation is real
    # the same minute again: the same state
    assert np.allclose(p_free_after(sc, [first] * 2, [True, False], [first] * 2), [1.0, 0.0])


@pytest.mark.parametrize(("s1", "s2"), [(0.5, 1.2), (1.2, 0.5), (0.8, 0.8)])
def test_outranked_count_after_matches_shared_competitors(s1: float, s2: float) -> None:
    """Two items ranked against the same Poisson number of N(0, 1) competitors (the DES's
    triage) against the conditional draw."""
    rng = np.random.default_rng(11)
    load, attention, n = 12.0, 3, 40_000
    counts = rng.poisson(load, n)
    comp = [rng.standard_normal(c) for c in counts]
    read1 = np.array([np.count_nonzero(c > s1) < attention for c in comp])
    read2 = np.array([np.count_nonzero(c > s2) < attention for c in comp])
    u1, u2 = rng.random(n), rng.random(n)
    k1 = outranked_count(u1, load, s1)
    k2 = outranked_count_after(u2, load, s1, k1, s2)
    _within((k1 < attention), float(read1.mean()))
    _within((k2 < attention)[k1 < attention], float(read2[read1].mean()))
    _within((k2 < attention)[k1 >= attention], float(read2[~read1].mean()))
    if s1 == s2:
        assert np.array_equal(k1, k2)


def test_pair_shares_on_a_hand_made_log() -> None:
    rows = [  # prospect, day, minute, result
        (0, 0, 600, "busy"), (0, 0, 620, "busy"), (0, 0, 640, "picked_up"),
        (0, 5, 600, "screened"), (0, 5, 620, "picked_up"),
        (1, 0, 600, "not_reachable"), (1, 0, 620, "busy"),
    ]  # fmt: skip
    log = pd.DataFrame(rows, columns=["prospect", "day", "minute", "result"])
    log["channel"] = "call_desk"
    shares = pair_shares(log, "call_desk")
    assert shares["through"].value == pytest.approx(3 / 6)
    assert shares["through"].touches == 6  # the unreachable call takes no part
    assert shares["through_after_miss"].value == pytest.approx(1 / 2)  # 620 busy, 640 free
    assert shares["through_after_through"].value == pytest.approx(1.0)  # day 5: 620 after 600
    assert shares["through_after_two_misses"].value == pytest.approx(1.0)  # day 0: 640
    assert shares["through_after_two_misses"].touches == 1


@pytest.fixture(scope="module")
def stress_runs() -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    sc = stress_scenario(horizon_days=30)
    runs = {}
    for name in STRESS_CHANNELS:
        strategy = get_strategy(name, sc)
        runs[name] = (run_des(sc, strategy, 1500, 3).touches,
                      run_vector(sc, strategy, 30_000, 4).touches)  # fmt: skip
    return runs


@pytest.mark.parametrize("name", list(STRESS_CHANNELS))
def test_engines_agree_on_same_day_pairs(
    stress_runs: dict[str, tuple[pd.DataFrame, pd.DataFrame]], name: str
) -> None:
    des, vector = stress_runs[name]
    table = compare_pairs(des, vector, STRESS_CHANNELS[name])
    assert (table["touches_des"] > 500).all()
    assert (table["z"].abs() < 4).all(), table.to_string()
    # the correlation both engines show: through after through well above through after a miss
    after = table.set_index("metric")["vector"]
    assert after["through_after_through"] > after["through_after_miss"] + 0.1
