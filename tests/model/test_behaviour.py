"""The shared behaviour functions: probabilities in range, and the DES's day agrees with them."""

from __future__ import annotations

from bisect import bisect_left

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engines.des.day import draw_day
from sim.model.behaviour import (
    interruption_busy,
    meeting_occupancy,
    next_session,
    ou_step,
    p_pickup,
    p_read,
    response_probs,
    session_minutes,
    stationary_sd,
)
from sim.model.scenario import Scenario, Screening

finite = st.floats(-50, 50)
prob = st.floats(0, 1)


@settings(max_examples=300, deadline=None)
@given(st.floats(0, 1e4), finite, st.integers(1, 50))
def test_p_read_is_a_probability_and_falls_with_load(load: float, s: float, attention: int) -> None:
    p = float(p_read(load, s, attention))
    assert 0 <= p <= 1
    assert float(p_read(load * 2 + 1, s, attention)) <= p + 1e-12


@settings(max_examples=300, deadline=None)
@given(prob, prob, st.booleans(), st.floats(0, 100), st.booleans(), st.floats(0, 20))
def test_p_pickup_is_a_probability(
    known_p: float, unknown_p: float, known: bool, ratio: float, kept: bool, recip: float
) -> None:
    scr = Screening(known_sales=known_p, unknown=unknown_p)
    p = float(
        p_pickup(scr, known=known, annoyance_ratio=ratio, promise_kept=kept, reciprocity=recip)
    )
    assert 0 <= p <= 1


@settings(max_examples=300, deadline=None)
@given(prob, st.integers(0, 2), st.booleans(), finite, st.floats(0, 100), st.floats(0, 100))
def test_response_probabilities_are_a_distribution(
    say_no: float, segment: int, in_market: bool, recall: float, annoy: float, habit: float
) -> None:
    for live in (0, 1):
        p_pos, p_no, p_not_now = response_probs(
            Scenario().response,
            say_no,
            segment=segment,
            in_market=in_market,
            recall=recall,
            annoyance_ratio=annoy,
            habituation_count=habit,
            live=live,
        )
        assert min(p_pos, p_no, p_not_now) >= 0 and p_pos + p_no + p_not_now <= 1 + 1e-12
    if say_no == 0:
        assert p_no == 0


def test_ou_step_keeps_the_stationary_law() -> None:
    sd = stationary_sd(0.3, 0.5)
    u = np.linspace(-4, 4, 100_001) * sd
    z = np.zeros_like(u)
    # the exact transition's variance: a^2 var + step^2 = var when var is stationary
    a = np.exp(-0.3)
    step_sd = 0.5 * np.sqrt((1 - np.exp(-0.6)) / 0.6)
    assert np.isclose(a**2 * sd**2 + step_sd**2, sd**2)
    assert np.allclose(ou_step(u, z, 0.0, 0.3, 0.5), a * u)


def test_next_session_agrees_with_the_session_list() -> None:
    rng_minutes = np.arange(0, 1440, 7)
    for ws in (450.0, 512.0, 570.0):
        for triage in (1, 2, 6, 8):
            for on in (False, True):
                sessions = session_minutes(ws, 9, triage, on, 1230.0)
                later, minute = next_session(
                    rng_minutes,
                    np.full(len(rng_minutes), ws),
                    9,
                    triage,
                    np.full(len(rng_minutes), on),
                    1230.0,
                )
                for m, lat, got in zip(rng_minutes, later, minute, strict=True):
                    k = bisect_left(sessions, m)
                    expected = (0, sessions[k]) if k < len(sessions) else (1, sessions[0])
                    assert (lat, got) == expected


def test_drawn_days_match_the_occupancy_formulas() -> None:
    """Meetings and interruptions drawn day by day cover a minute with the formula's chance."""
    sc = Scenario()
    occ = meeting_occupancy(sc)
    busy_i = interruption_busy(sc)
    minutes = [540, 600, 690, 780, 900, 990]
    days = 3000
    hits_m = np.zeros(len(minutes))
    hits_i = np.zeros(len(minutes))
    for d in range(days):
        day = draw_day(sc, 123, prospect=d % 50, day=d // 50, work_start=500.0)
        for j, m in enumerate(minutes):
            hits_m[j] += day.in_meeting(m)
            hits_i[j] += day.interrupted(m)
    for j, m in enumerate(minutes):
        se = np.sqrt(occ[m] * (1 - occ[m]) / days)
        assert abs(hits_m[j] / days - occ[m]) < 4 * se, (m, hits_m[j] / days, occ[m])
        se_i = np.sqrt(busy_i * (1 - busy_i) / days)
        assert abs(hits_i[j] / days - busy_i) < 4 * se_i
    work = slice(510, 1050)
    assert abs(occ[work].mean() - sc.population.meetings.share) < 1e-6


def test_the_short_poisson_sum_is_scipys_poisson_cdf() -> None:
    from scipy.stats import poisson

    from sim.model.behaviour import poisson_cdf_below

    lam = np.concatenate([np.linspace(0, 80, 4001), [1e-12, 300.0]])
    for attention in (1, 2, 6, 8, 15, 24):
        got = poisson_cdf_below(lam, np.full(lam.shape, attention))
        assert np.allclose(got, poisson.cdf(attention - 1, lam), rtol=0, atol=1e-12)
    mixed = np.array([1, 8, 3, 24, 6])
    got = poisson_cdf_below(np.full(5, 4.2), mixed)
    assert np.allclose(got, poisson.cdf(mixed - 1, 4.2), rtol=0, atol=1e-12)
