"""The behaviour functions of the model, written once for NumPy arrays, used by both engines.

Chance of reading, of being free, of picking up, the response probabilities, state decay and
the urgency step all live here. The discrete-event engine calls them with one prospect's
values; the vectorized engine with arrays over prospects. See ``docs/model.md``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit, ndtr, pdtr
from scipy.stats import binom, poisson

from sim.model.meetings import meeting_load, meeting_start_rates, occupancy_from_rates, survival
from sim.model.scenario import Discovery, Response, Salience, Scenario, Screening

Array = NDArray[np.float64]
_EPS = 1e-12

# Response codes (the touch log's ``response``): the logit's outcomes, then "lost" (the
# prospect says they bought elsewhere) and "not now".
IGNORE, POSITIVE, NO, LOST, NOT_NOW = 0, 1, 2, 3, 4
RESPONSE_NAMES = ("ignore", "positive", "no", "lost", "not_now")


def logit(p: ArrayLike) -> Array:
    """Log-odds, with probabilities clipped away from 0 and 1 so that bonuses stay finite."""
    q = np.clip(np.asarray(p, dtype=float), _EPS, 1 - _EPS)
    return np.asarray(np.log(q / (1 - q)), dtype=float)


# --- state dynamics -------------------------------------------------------------------------


def decay_factor(half_life_days: float) -> float:
    """Factor that halves a quantity every ``half_life_days`` business days, applied daily."""
    return float(0.5 ** (1.0 / half_life_days))


def ou_step(u: ArrayLike, z: ArrayLike, mu: float, kappa: float, sigma: float) -> Array:
    """Exact one-day transition of the Ornstein-Uhlenbeck urgency process."""
    a = np.exp(-kappa)
    sd = sigma * np.sqrt((1 - np.exp(-2 * kappa)) / (2 * kappa))
    return np.asarray(mu + (np.asarray(u) - mu) * a + sd * np.asarray(z), dtype=float)


def stationary_sd(kappa: float, sigma: float) -> float:
    return float(sigma / np.sqrt(2 * kappa))


def inbound_chance(recall: ArrayLike, r_competitor: float) -> Array:
    """Chance that a prospect whose need arises calls you rather than a competitor."""
    r = np.maximum(np.asarray(recall, dtype=float), 0.0)
    return np.asarray(r / (r + r_competitor), dtype=float)


def recall_level(recall: ArrayLike) -> Array:
    """Recall on a bounded scale, r / (1 + r), as it enters salience and the response logit."""
    r = np.maximum(np.asarray(recall, dtype=float), 0.0)
    return np.asarray(r / (1 + r), dtype=float)


# --- reading a message ----------------------------------------------------------------------


def salience(
    base: ArrayLike,
    sal: Salience,
    *,
    value: ArrayLike = 0,
    referral: ArrayLike = 0,
    favored: ArrayLike = 0,
    recall: ArrayLike = 0,
    primed: ArrayLike = 0,
    habituation_count: ArrayLike = 0,
) -> Array:
    """Salience of your item on the standard-normal scale of the competing items."""
    return (
        np.asarray(base, dtype=float)
        + sal.value * np.asarray(value)
        + sal.referral * np.asarray(referral)
        + sal.favored * np.asarray(favored)
        + sal.recall * recall_level(recall)
        + sal.priming * np.asarray(primed)
        - sal.habituation * np.asarray(habituation_count)
    )


def outranking_rate(load_per_window: ArrayLike, s: ArrayLike) -> Array:
    """Expected number of competitors in the triage window that outrank an item of salience s."""
    rate = np.asarray(load_per_window, dtype=float) * ndtr(-np.asarray(s, dtype=float))
    return np.asarray(rate, dtype=float)


def p_read(load_per_window: ArrayLike, s: ArrayLike, attention: ArrayLike) -> Array:
    """P(K < A), K ~ Poisson(load per window * (1 - Phi(s))): your item is among the A read."""
    lam = outranking_rate(load_per_window, s)
    a = np.asarray(attention)
    if np.ndim(lam) == 0 or a.max(initial=0) > _SHORT_SUM:
        return np.asarray(pdtr(a - 1, lam), dtype=float)
    return poisson_cdf_below(lam, a)


def outranked_count(u: ArrayLike, load_per_window: ArrayLike, s: ArrayLike) -> Array:
    """The number K of competitors that outrank an item of salience ``s``, drawn from its
    Poisson law by inverse CDF with the uniform ``u`` (so ``K < A`` exactly when
    ``u <= P(K < A)``)."""
    k = poisson.ppf(u, outranking_rate(load_per_window, s))
    return np.asarray(np.maximum(k, 0), dtype=float)


def outranked_count_after(
    u: ArrayLike, load_per_window: ArrayLike, s_prev: ArrayLike, k_prev: ArrayLike, s: ArrayLike
) -> Array:
    """K for an item ranked in the same triage session as an earlier one of salience
    ``s_prev`` that ``k_prev`` competitors outranked: the session's competitors are the same
    (a Poisson process of saliences), so K is drawn from its law given ``k_prev``.

    Higher salience (``s >= s_prev``): each of the ``k_prev`` also outranks ``s`` with chance
    ``(1 - Phi(s)) / (1 - Phi(s_prev))``, a binomial. Lower: ``k_prev`` plus the competitors
    between the two, Poisson with mean ``load * (Phi(s_prev) - Phi(s))``. Inverse CDF in ``u``.
    """
    lam = np.asarray(load_per_window, dtype=float)
    above_prev, above = ndtr(-np.asarray(s_prev, dtype=float)), ndtr(-np.asarray(s, dtype=float))
    k0 = np.asarray(k_prev, dtype=float)
    higher = above <= above_prev
    share = np.divide(above, above_prev, out=np.zeros_like(above), where=above_prev > 0)
    thinned = binom.ppf(u, k0, np.minimum(share, 1.0))
    added = k0 + poisson.ppf(u, lam * np.maximum(above - above_prev, 0.0))
    return np.asarray(np.maximum(np.where(higher, thinned, added), 0), dtype=float)


_SHORT_SUM = 24
"""Attention up to which the Poisson CDF is summed term by term (faster than ``pdtr``)."""


def poisson_cdf_below(lam: Array, attention: NDArray[np.integer]) -> Array:
    """P(K < A) for K ~ Poisson(lam): e^-lam * sum_{k < A} lam^k / k!, term by term."""
    lam = np.asarray(lam, dtype=float)
    a = np.broadcast_to(np.asarray(attention), lam.shape)
    top = int(a.max(initial=0))
    same = top == int(a.min(initial=0))  # one inbox: no per-term mask (adding 0.0 is exact)
    term = np.exp(-lam)
    total = term.copy() if same and top > 0 else np.where(a > 0, term, 0.0)
    for k in range(1, top):
        term = term * lam / k
        total += term if same else np.where(k < a, term, 0.0)
    return np.asarray(np.minimum(total, 1.0), dtype=float)


# --- being free to take a call --------------------------------------------------------------


def meeting_occupancy(scenario: Scenario) -> Array:
    """P(in a meeting) at each minute of the day: 1 - exp(-sum_k rate(t - k) P(D > k)).

    Meetings start as a Poisson process on the clock with the hour-of-day profile and last a
    whole number of minutes uniform on [min, max]; overlapping meetings are allowed.
    """
    m = scenario.population.meetings
    cal = scenario.calendar
    rates = meeting_start_rates(m, cal.workday_start.mean, cal.workday_hours)
    return occupancy_from_rates(rates, m.min_minutes, m.max_minutes)


def interruptions_under_way(scenario: Scenario) -> float:
    """Mean number of interruptions under way at a working minute (M/M/infinity):
    rate * mean duration, the rate spread over the working day."""
    i = scenario.population.interruptions
    return i.per_day / (scenario.calendar.workday_hours * 60) * i.mean_minutes


def interruption_busy(scenario: Scenario) -> float:
    """Stationary chance of being in an interruption: 1 - exp(-rate * mean duration)."""
    return float(1 - np.exp(-interruptions_under_way(scenario)))


def p_free(scenario: Scenario, minute_of_day: ArrayLike) -> Array:
    """Chance of being neither in a meeting nor in an interruption at that minute."""
    occ = meeting_occupancy(scenario)
    idx = np.clip(np.asarray(minute_of_day, dtype=int), 0, 1439)
    return np.asarray((1 - occ[idx]) * (1 - interruption_busy(scenario)), dtype=float)


def p_free_after(
    scenario: Scenario, prev_minute: ArrayLike, prev_free: ArrayLike, minute: ArrayLike
) -> Array:
    """Chance of being free at ``minute`` given being free (``prev_free``) or busy at
    ``prev_minute``, earlier the same working day (both in working hours).

    A day's meetings and interruptions are one schedule, so a prospect in a meeting at 10:00 is
    likely still in it at 10:20. Meetings covering either minute are Poisson with mean
    ``mu1 + mu2 - mu12`` (``mu12 = sum_j rate(m1 - j) P(D > m2 - m1 + j)``: meetings covering
    both); interruptions (M/M/infinity, ``rho = rate * mean``) with mean
    ``rho (2 - exp(-(m2 - m1) / mean))``. So ``P(free at both) = exp(-both means)``, and
    ``P(free at m2 | free at m1) = P(both) / P(free at m1)``,
    ``P(free at m2 | busy at m1) = (P(free at m2) - P(both)) / (1 - P(free at m1))``.
    """
    meet = scenario.population.meetings
    cal = scenario.calendar
    rates = meeting_start_rates(meet, cal.workday_start.mean, cal.workday_hours)
    load = meeting_load(rates, meet.min_minutes, meet.max_minutes)
    surv = survival(meet.min_minutes, meet.max_minutes)
    m1 = np.clip(np.asarray(prev_minute, dtype=np.int64), 0, 1439)
    m2 = np.clip(np.asarray(minute, dtype=np.int64), 0, 1439)
    gap = np.maximum(m2 - m1, 0)
    both = np.zeros(np.broadcast(m1, m2).shape)
    for j in range(meet.max_minutes):
        k = gap + j
        ok = (k < meet.max_minutes) & (m1 >= j)
        both += np.where(ok, rates[np.maximum(m1 - j, 0)] * surv[np.minimum(k, len(surv) - 1)], 0.0)
    rho = interruptions_under_way(scenario)
    mean = scenario.population.interruptions.mean_minutes
    shared = rho * np.exp(-gap / mean) if mean > 0 else 0.0
    free1 = np.exp(-load[m1] - rho)
    free2 = np.exp(-load[m2] - rho)
    joint = np.exp(-(load[m1] + load[m2] - both) - (2 * rho - shared))
    after_free = np.divide(joint, free1, out=free2.copy(), where=free1 > 0)
    after_busy = np.divide(free2 - joint, 1 - free1, out=free2.copy(), where=free1 < 1)
    cond = np.where(np.asarray(prev_free, dtype=bool), after_free, after_busy)
    return np.asarray(np.clip(cond, 0.0, 1.0), dtype=float)


def in_working_hours(
    minute_of_day: ArrayLike, work_start: ArrayLike, hours: float
) -> NDArray[np.bool_]:
    m = np.asarray(minute_of_day, dtype=float)
    ws = np.asarray(work_start, dtype=float)
    return np.asarray((m >= ws) & (m < ws + hours * 60))


# --- picking up a call ----------------------------------------------------------------------


def p_pickup(
    scr: Screening,
    *,
    known: ArrayLike,
    annoyance_ratio: ArrayLike = 0,
    promise_kept: ArrayLike = 0,
    reciprocity: ArrayLike = 0,
    favored_phone: ArrayLike = 0,
    bonus: ArrayLike = 0,
) -> Array:
    """Chance that a free prospect picks up a ringing phone (caller-ID screening).

    ``known``: the number is a known sales number (never true for a blocked number).
    Annoyance lowers the chance only for a known number; a promise kept raises it. ``bonus``:
    further logit terms (the weekday; a fresh inquirer's attention, ``attention``).
    """
    k = np.asarray(known, dtype=bool)
    base = np.where(k, logit(scr.known_sales), logit(scr.unknown))
    eta = (
        base
        - scr.annoyance_weight * k * np.asarray(annoyance_ratio, dtype=float)
        + scr.promise_bonus * np.asarray(promise_kept)
        + scr.reciprocity_weight * np.asarray(reciprocity)
        + scr.favored_bonus * np.asarray(favored_phone)
        + np.asarray(bonus, dtype=float)
    )
    return np.asarray(expit(eta), dtype=float)


def since_inquiry(
    arrival_day: ArrayLike, arrival_minute: ArrayLike, day: int, minute: ArrayLike
) -> Array:
    """Minutes on the clock from a prospect's arrival (inquiry) to ``minute`` of ``day``
    (nights included; negative before the arrival)."""
    days = day - np.asarray(arrival_day, dtype=float)
    return np.asarray(
        days * 1440 + np.asarray(minute, dtype=float) - np.asarray(arrival_minute, dtype=float),
        dtype=float,
    )


def fading(bonus: float, elapsed: ArrayLike, scale: float) -> Array:
    """``bonus * exp(-elapsed / scale)`` after the inquiry (0 before it or without a bonus)."""
    e = np.asarray(elapsed, dtype=float)
    if bonus == 0:
        return np.zeros(e.shape)
    return np.asarray(np.where(e >= 0, bonus * np.exp(-np.maximum(e, 0.0) / scale), 0.0))


def present(elapsed: ArrayLike, spell: ArrayLike) -> NDArray[np.bool_]:
    """Still at the screen after the inquiry: ``0 <= elapsed < spell`` (never without a spell).
    A spell ``L`` exponential with mean ``P`` gives ``P(present at t) = exp(-t / P)``."""
    e = np.asarray(elapsed, dtype=float)
    return np.asarray((e >= 0) & (e < np.asarray(spell, dtype=float)))


def p_discovery(disc: Discovery, urgency: ArrayLike, theta: float) -> Array:
    """Chance that a buyer below the pain threshold who responds positively books a discovery
    meeting: ``expit(logit(at_threshold) + per_unit * (u - theta))``."""
    u = np.asarray(urgency, dtype=float)
    return np.asarray(expit(logit(disc.at_threshold) + disc.per_unit * (u - theta)), dtype=float)


# --- the response decision ------------------------------------------------------------------


def response_probs(
    resp: Response,
    say_no: ArrayLike,
    *,
    segment: ArrayLike,
    in_market: ArrayLike = 0,
    value: ArrayLike = 0,
    recall: ArrayLike = 0,
    reciprocity: ArrayLike = 0,
    favored: ArrayLike = 0,
    live: ArrayLike = 0,
    breakup: ArrayLike = 0,
    annoyance_ratio: ArrayLike = 0,
    escalated: ArrayLike = 0,
    referral: ArrayLike = 0,
    habituation_count: ArrayLike = 0,
    interest: ArrayLike = 0,
    acquainted: ArrayLike = 0,
    propensity: ArrayLike = 0,
) -> tuple[Array, Array, Array]:
    """(P(positive), P(no), P(not now)) of the multinomial logit over {positive, no, not now,
    no decision}.

    ``say_no`` is the chance of saying no out loud (fear, lifted by permission); it enters
    ``eta_no`` as its log-odds, so a prospect with ``say_no = 0`` never says no. A live
    conversation makes "not now" likelier and "no decision" rarer (``w_live_not_now``,
    ``w_settle``). ``interest``: a further logit term on positive (a fresh inquiry).
    ``acquainted``: the prospect has talked with the rep before, so no decision is rarer
    (``w_acquainted``: an answer is owed to a known sender, whatever it says).
    ``propensity``: the prospect's own offset on answering at all (``population.responsiveness``).
    """
    seg = np.asarray(segment, dtype=int)
    b_pos = np.array([resp.b_pos.buyer, resp.b_pos.info_seeker, resp.b_pos.non_fit])[seg]
    b_no = np.array([resp.b_no.buyer, resp.b_no.info_seeker, resp.b_no.non_fit])[seg]
    nn = resp.b_not_now
    b_not_now = np.array([nn.buyer, nn.info_seeker, nn.non_fit])[seg]
    lv = np.asarray(live, dtype=float)
    eta_pos = (
        b_pos
        + resp.w_urgency * np.asarray(in_market)
        + resp.w_value * np.asarray(value)
        + resp.w_recall * recall_level(recall)
        + resp.w_recip * np.asarray(reciprocity)
        + resp.w_favored * np.asarray(favored)
        + resp.w_live * np.asarray(live)
        + resp.w_breakup * np.asarray(breakup)
        - resp.w_annoy * np.asarray(annoyance_ratio, dtype=float)
        + resp.w_escalated * np.asarray(escalated)
        + resp.w_referral * np.asarray(referral)
        - resp.w_habituation * np.asarray(habituation_count)
        + np.asarray(interest, dtype=float)
    )
    q = np.clip(np.asarray(say_no, dtype=float), 0.0, 1 - _EPS)
    with np.errstate(divide="ignore"):
        log_odds_no = np.log(q) - np.log1p(-q)
    eta_no = b_no + log_odds_no + resp.w_breakup_no * np.asarray(breakup)
    eta_not_now = b_not_now + resp.w_live_not_now * lv
    eta_ignore = (
        -resp.w_settle * lv
        - resp.w_acquainted * np.asarray(acquainted, dtype=float)
        - np.asarray(propensity, dtype=float)
    )
    top = np.maximum(np.maximum(np.maximum(eta_pos, eta_no), eta_not_now), eta_ignore)
    e_pos = np.exp(eta_pos - top)
    e_no = np.exp(eta_no - top)
    e_not_now = np.exp(eta_not_now - top)
    total = e_pos + e_no + e_not_now + np.exp(eta_ignore - top)
    return (
        np.asarray(e_pos / total, dtype=float),
        np.asarray(e_no / total, dtype=float),
        np.asarray(e_not_now / total, dtype=float),
    )


def choose_response(
    u: ArrayLike, p_pos: ArrayLike, p_no: ArrayLike, p_not_now: ArrayLike = 0
) -> NDArray[np.int8]:
    """Response code from one uniform: positive below p_pos, then no, then not now, else no
    decision (ignore)."""
    uu = np.asarray(u)
    pp = np.asarray(p_pos)
    pn = pp + np.asarray(p_no)
    out = np.where(
        uu < pp,
        POSITIVE,
        np.where(uu < pn, NO, np.where(uu < pn + np.asarray(p_not_now), NOT_NOW, IGNORE)),
    )
    return out.astype(np.int8)


# --- triage sessions ------------------------------------------------------------------------


def session_minutes(
    work_start: float, hours: float, triage_per_day: int, always_on: bool, evening: float
) -> list[float]:
    """One prospect's triage times of one inbox in a working day (minute of day, sorted).

    Sessions are evenly spaced through working hours, at the middle of each of
    ``triage_per_day`` equal slices; an always-on prospect adds one in the evening.
    """
    step = hours * 60 / triage_per_day
    times = [work_start + step * (k + 0.5) for k in range(triage_per_day)]
    if always_on:
        times.append(evening)
    return times


def next_session(
    arrival: ArrayLike,
    work_start: ArrayLike,
    hours: float,
    triage_per_day: int,
    always_on: ArrayLike,
    evening: float,
) -> tuple[NDArray[np.int64], Array]:
    """(days later: 0 or 1, minute of day) of the first triage session at or after ``arrival``
    (a minute of the day). Past the day's last session, the next business day's first one.
    """
    m = np.asarray(arrival, dtype=float)
    ws = np.asarray(work_start, dtype=float)
    on = np.asarray(always_on, dtype=bool)
    step = hours * 60 / triage_per_day
    k = np.maximum(np.ceil((m - ws) / step - 0.5), 0)
    work = ws + step * (k + 0.5)
    same_day_work = k < triage_per_day
    same_day_evening = ~same_day_work & on & (m <= evening)
    first_tomorrow = ws + step * 0.5
    minute = np.where(same_day_work, work, np.where(same_day_evening, evening, first_tomorrow))
    later = np.where(same_day_work | same_day_evening, 0, 1)
    return later.astype(np.int64), np.asarray(minute, dtype=float)


def load_per_window(
    daily_load: ArrayLike, triage_per_day: ArrayLike, always_on: ArrayLike
) -> Array:
    """Competing items arriving between two triage sessions of an inbox."""
    sessions = np.asarray(triage_per_day) + np.asarray(always_on, dtype=float)
    return np.asarray(np.asarray(daily_load, dtype=float) / sessions, dtype=float)
