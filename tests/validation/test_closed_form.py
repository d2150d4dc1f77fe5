"""Closed-form checks: with the other mechanisms switched off, answers are known exactly."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy import stats
from scipy.special import pdtr

from sim.engines.des.engine import run_des
from sim.engines.vector.engine import run_vector
from sim.model.behaviour import p_free
from sim.strategy.library import get_strategy
from tests.conftest import deep_update, make_scenario, quiet_patch

N = 2000
ENGINES = {"des": run_des, "vector": run_vector}


def _daily(channel: str, time: str = "12:00") -> dict[str, Any]:
    return {
        "phases": [
            {
                "name": "daily",
                "steps": [{"day": 0, "time": time, "channel": channel}],
                "repeat_every": 1,
                "on_not_now": "stop",  # a buyer's positive is a "not now" (never in market here)
            }
        ]
    }


def _geometric_check(attempts: np.ndarray, p: float, horizon: int) -> None:
    """Attempt of first reply ~ Geometric(p), truncated at the horizon: chi-square and cells."""
    k = np.arange(1, horizon + 1)
    probs = (1 - p) ** (k - 1) * p
    never = (1 - p) ** horizon
    observed = np.array([np.sum(attempts == j) for j in k] + [np.sum(np.isnan(attempts))])
    expected = np.append(probs, never) * len(attempts)
    # pool the sparse tail so every expected count is at least 5
    keep = expected >= 5
    obs_pooled = np.append(observed[keep], observed[~keep].sum())
    exp_pooled = np.append(expected[keep], expected[~keep].sum())
    if exp_pooled[-1] == 0:
        obs_pooled, exp_pooled = obs_pooled[:-1], exp_pooled[:-1]
    chi2 = stats.chisquare(obs_pooled, exp_pooled)
    assert chi2.pvalue > 1e-3, (obs_pooled, exp_pooled)
    n = len(attempts)
    for j in range(1, 6):
        se = np.sqrt(n * probs[j - 1] * (1 - probs[j - 1]))
        assert abs(observed[j - 1] - expected[j - 1]) < 4 * se


@pytest.mark.parametrize("engine", ["des", "vector"])
@pytest.mark.parametrize(("channel", "p"), [("email", 0.2), ("call_cell", 0.15)])
def test_first_reply_attempt_is_geometric(engine: str, channel: str, p: float) -> None:
    """A constant chance per touch of a two-way contact gives a geometric attempt number."""
    patch = quiet_patch(p_positive=p if channel == "email" else 0.999999)
    horizon = 30
    if channel == "call_cell":
        # every call rings at a free moment; the pick-up chance is p whoever calls
        patch = deep_update(
            patch,
            {
                "population": {
                    "screening": {
                        "known_sales": p,
                        "unknown": p,
                        "annoyance_weight": 0.0,
                        "reciprocity_weight": 0.0,
                        "favored_bonus": 0.0,
                        "weekday": {d: 0.0 for d in ("mon", "tue", "wed", "thu", "fri")},
                    }
                }
            },
        )
    patch = deep_update(
        patch,
        {"calendar": {"horizon_days": horizon}, "custom_strategies": {"daily": _daily(channel)}},
    )
    sc = make_scenario(patch)
    n = N if engine == "des" else 20 * N
    out = ENGINES[engine](sc, get_strategy("daily", sc), n, seed=11)
    attempts = out.prospects["first_contact_attempt"].to_numpy()
    _geometric_check(attempts, p, horizon)
    # one touch per day until the first reply, none after it
    touches = out.prospects["touches"].to_numpy()
    reached = ~np.isnan(attempts)
    assert np.array_equal(touches[reached], attempts[reached])
    assert np.all(touches[~reached] == horizon)


@pytest.mark.parametrize("engine", ["des", "vector"])
def test_reading_matches_the_poisson_marginal(engine: str) -> None:
    """Item-by-item ranking in the DES gives P(read) = P(K < A), K ~ Poisson(load/T (1-Phi(s)))."""
    load, triage, attention = 60.0, 6, 8
    patch = deep_update(
        quiet_patch(p_positive=0.999999),
        {
            "calendar": {"always_on_share": 0.0},
            "population": {"loads": {"email": {"kind": "constant", "value": load}}},
            "inboxes": {"email": {"triage_per_day": triage, "attention": attention}},
        },
    )
    sc = make_scenario(patch)
    n = 4000 if engine == "des" else 100_000
    out = ENGINES[engine](sc, get_strategy("no-follow-up", sc), n, seed=5)
    read = (out.touches["result"] == "read").to_numpy()
    expected = float(pdtr(attention - 1, load / triage * 0.5))  # salience 0: 1 - Phi(0) = 1/2
    se = np.sqrt(expected * (1 - expected) / n)
    assert abs(read.mean() - expected) < 4 * se
    assert 0.8 < expected < 0.9  # the test is informative: far from 0 and 1


@pytest.mark.parametrize("engine", ["des", "vector"])
def test_free_at_a_minute_matches_meetings_and_interruptions(engine: str) -> None:
    """A call at 10:00 finds the prospect free with the marginal chance of sim.model.behaviour."""
    base = quiet_patch(p_positive=0.999999)
    patch = deep_update(
        base,
        {
            "population": {
                "meetings": {"share": 0.35},
                "interruptions": {"per_day": 56.0},
                "screening": {"known_sales": 1.0, "unknown": 1.0},
            },
            "custom_strategies": {
                "one-cell-call": {
                    "phases": [
                        {
                            "name": "call",
                            "steps": [{"day": 0, "time": "10:00", "channel": "call_cell"}],
                        }
                    ]
                }
            },
        },
    )
    sc = make_scenario(patch)
    n = 4000 if engine == "des" else 100_000
    out = ENGINES[engine](sc, get_strategy("one-cell-call", sc), n, seed=9)
    free = (out.touches["result"] == "picked_up").to_numpy()
    busy = (out.touches["result"] == "busy").to_numpy()
    assert np.all(free | busy)  # everyone is at work at 10:00, in reach, and picks up if free
    expected = float(p_free(sc, 600))
    se = np.sqrt(expected * (1 - expected) / n)
    assert abs(free.mean() - expected) < 4 * se
    assert 0.3 < expected < 0.6
