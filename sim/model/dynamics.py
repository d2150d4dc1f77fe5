"""Prospect state and its transitions, as arrays, shared by both engines.

``State`` holds every dynamic quantity of MODEL.md for a set of prospects. The functions
below change it: the day's start (decay, urgency, need arising and inbound calls), its end
(competitors), perceiving a touch (annoyance, recall, opt-out) and engaging with it (the
response decision and its consequences). They take an index: one prospect (the
discrete-event engine, at the event's time) or an array of prospects (the vectorized
engine, a day at a time). The random numbers are passed in, so each engine keeps its own
streams.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.model.behaviour import (
    IGNORE,
    LOST,
    NO,
    NOT_NOW,
    POSITIVE,
    choose_response,
    decay_factor,
    inbound_chance,
    ou_step,
    p_discovery,
    response_probs,
)
from sim.model.channels import FAVORED_CODE, Channel
from sim.model.clock import NEVER
from sim.model.outcomes import Status
from sim.model.population import BUYER, INFO_SEEKER, NON_FIT, DayLife
from sim.model.scenario import Scenario
from sim.model.state import Index, State
from sim.strategy.base import Observations, Opt

# --- the day -------------------------------------------------------------------------------


def start_day(
    sc: Scenario, st: State, obs: Observations, today: DayLife, day: int, idx: Index
) -> NDArray[np.int64]:
    """00:00 of business day ``day``: decay, the urgency step, need arising and inbound calls.

    ``idx``: one prospect, an index array, or ``slice(None)`` for all (in place, fastest); only
    prospects already in the rep's book (``obs.arrival_day``), whose first day it is when
    ``day`` is their arrival day (no step then: their initial state holds). Urgency and the
    market concern buyers only (``in_market`` needs a buyer), so only the buyers among ``idx``
    take the urgency step. ``today`` (the day's exogenous life) is indexed by prospect.
    Returns the prospects who call you today.
    """
    # not the prospect's first day in the book (without staggered arrivals: every day but 0)
    old = np.asarray(obs.arrival_day[idx] < day if obs.staggered else day > 0)
    if np.any(old):
        who = idx if np.all(old) else _select(idx, old, 0)[0]
        st.a[who] *= decay_factor(sc.decay.annoyance_half_life)
        st.r[who] *= decay_factor(sc.decay.recall_half_life)
    b = st.buyers_in(idx)
    old = np.asarray(obs.arrival_day[b] < day if obs.staggered else day > 0)
    ou = sc.urgency
    if np.any(old):
        stepped = b if np.all(old) else b[old]
        st.u[stepped] = ou_step(st.u[stepped], today.z_urgency[stepped], ou.mu, ou.kappa, ou.sigma)
    now = st.u[b] >= ou.theta
    crossed = now & ~st.was_in_market[b] & old
    st.was_in_market[b] = now
    resolve_wins(sc, st, day, b)
    # the day's market uniform decides the competitor; on the day the need arises it first
    # decides the inbound call (below q), and (u - q) / (1 - q), uniform again, the competitor
    u_competitor = today.u_market[b]
    callers = b[:0]
    if np.any(crossed):
        j = np.flatnonzero(crossed)
        who, u = b[j], u_competitor[j]
        q = inbound_chance(st.r[who], sc.competitors.r_competitor)
        call = ~st.absorbed(who) & (u < q)
        u_competitor[j] = np.where(call, u, (u - q) / np.maximum(1 - q, 1e-300))
        callers = who[call]
        if len(callers):
            st.inbound[callers] = True
            _contact(st, obs, callers, day, obs.attempts[callers])
            _book_meeting(sc, st, obs, callers, day, obs.attempts[callers])
    st.u_competitor[b] = u_competitor
    return callers


def end_day(sc: Scenario, st: State, day: int, idx: Index) -> None:
    """23:59: an in-market buyer without a meeting with you may buy elsewhere today."""
    b = st.buyers_in(idx)
    lose = (st.u[b] >= sc.urgency.theta) & (st.u_competitor[b] < sc.competitors.h_competitor)
    if np.any(lose):
        who = b[lose]
        st.status[who] = np.where(st.absorbed(who), st.status[who], Status.bought_elsewhere)


# --- touches -------------------------------------------------------------------------------


def charge(
    st: State, obs: Observations, idx: Index, day: int, minutes: ArrayLike, cost: ArrayLike
) -> None:
    """A touch is made: count it, bill the rep's minutes and the money, tell the rep's records."""
    st.touches[idx] += 1
    st.rep_minutes[idx] += np.asarray(minutes, dtype=float)
    st.cost[idx] += np.asarray(cost, dtype=float)
    obs.attempts[idx] += 1
    obs.last_touch_day[idx] = day
    obs.unanswered[idx] += 1


def charge_voicemail(sc: Scenario, st: State, obs: Observations, idx: Index, day: int) -> None:
    spec = sc.channels.voicemail
    st.rep_minutes[idx] += spec.rep_minutes
    st.cost[idx] += spec.cost
    obs.last_voicemail_day[idx] = day


def perceive(
    sc: Scenario,
    st: State,
    obs: Observations,
    idx: Index,
    day: int,
    *,
    annoyance: ArrayLike,
    recall: ArrayLike,
    flags: ArrayLike = 0,
) -> NDArray[np.bool_]:
    """The prospect notices a touch: annoyance and recall rise; options that act on being
    perceived take effect; above tolerance the prospect opts out. Returns the opt-out mask.
    """
    f = np.asarray(flags, dtype=np.int64)
    a = np.maximum(st.a[idx] + np.asarray(annoyance, dtype=float), 0.0)
    st.r[idx] += np.asarray(recall, dtype=float)
    grant = (f & (Opt.breakup | Opt.permission)) != 0
    if np.any(grant):
        st.permission[idx] |= grant
        apologised = (f & Opt.permission) != 0
        a = np.where(apologised, a * sc.decay.apology_factor, a)
    st.a[idx] = a
    out = (a > st.traits.tolerance[idx]) & ~st.closed(idx)
    if np.any(out):
        st.opted_out[idx] |= out
        st.status[idx] = np.where(out & ~st.absorbed(idx), Status.opted_out, st.status[idx])
        obs.closed[idx] |= out
    return np.asarray(out)


def _contact(st: State, obs: Observations, idx: Index, day: int, attempt: ArrayLike) -> None:
    """A two-way contact: the first one sets the day of first response and its attempt."""
    first = ~st.reached[idx]
    st.first_response_day[idx] = np.where(first, day, st.first_response_day[idx])
    st.first_contact_attempt[idx] = np.where(first, attempt, st.first_contact_attempt[idx])
    st.reached[idx] = True
    obs.unanswered[idx] = 0


def _book_meeting(
    sc: Scenario, st: State, obs: Observations, idx: Index, day: int, attempt: ArrayLike,
    discovery: ArrayLike = False,
) -> None:  # fmt: skip
    """A meeting is booked on ``day`` by touch ``attempt`` (for an inbound call: the touches
    made before it). A buyer's win is decided now, unless it is a ``discovery`` meeting (booked
    while the need is below the threshold): then it waits for the need to rise within the
    sales cycle (``resolve_wins``)."""
    disc = np.asarray(discovery, dtype=bool)
    st.status[idx] = Status.meeting
    st.meeting_day[idx] = day
    st.meeting_attempt[idx] = attempt
    st.discovery[idx] = disc
    buyer_wins = (st.traits.segment[idx] == BUYER) & (st.traits.u_win[idx] < sc.response.p_win)
    st.won[idx] = buyer_wins & ~disc
    st.win_deadline[idx] = np.where(disc, day + sc.response.sales_cycle_days, NEVER)
    obs.closed[idx] = True
    obs.last_positive_day[idx] = day


def resolve_wins(sc: Scenario, st: State, day: int, buyers: NDArray[np.int64]) -> None:
    """Day start, after the urgency step: a discovery meeting is won when the buyer's need
    rises above the threshold within the sales cycle (and ``u_win < p_win``, as for any
    meeting); past the cycle it is lost."""
    pending = buyers[st.win_deadline[buyers] > NEVER]
    if not len(pending):
        return
    arisen = st.u[pending] >= sc.urgency.theta
    st.won[pending] = arisen & (st.traits.u_win[pending] < sc.response.p_win)
    done = arisen | (day > st.win_deadline[pending])
    st.win_deadline[pending[done]] = NEVER


def _say_no(st: State, obs: Observations, idx: Index, day: int) -> None:
    st.said_no[idx] = True
    st.status[idx] = np.where(st.absorbed(idx), st.status[idx], Status.said_no)
    obs.last_no_day[idx] = day


def _not_now(
    sc: Scenario, st: State, obs: Observations, idx: Index, day: int, u: ArrayLike
) -> None:
    """ "Not now": the prospect names a callback day (``u`` uniform picks it) and the rep notes
    it; the status becomes nurture (unless absorbed)."""
    cb = sc.response.callback
    span = cb.max_days - cb.min_days + 1
    delay = cb.min_days + np.minimum((np.asarray(u) * span).astype(np.int64), span - 1)
    st.said_not_now[idx] = True
    st.status[idx] = np.where(st.absorbed(idx), st.status[idx], Status.nurture)
    obs.last_not_now_day[idx] = day
    obs.callback_day[idx] = day + delay


def engage(
    sc: Scenario,
    st: State,
    obs: Observations,
    idx: Index,
    day: int,
    *,
    channel: ArrayLike,
    flags: ArrayLike,
    live: ArrayLike,
    template: ArrayLike,
    attempt: ArrayLike,
    u_response: ArrayLike,
    interest: ArrayLike = 0,
) -> NDArray[np.int8]:
    """The prospect engages (picks up, or reads): the response and what follows.

    The logit (``behaviour.response_probs``) gives positive, no, not now or no decision. A
    positive buyer in market books a meeting; below the threshold, a discovery meeting with
    the chance ``behaviour.p_discovery`` gives, else "not now"; an info seeker talks (or, denied
    information, meets or goes with a no); a non-fit's positive is a no. ``template`` is the
    template index, or -1 for a varied one (no habituation); ``interest``: a further logit
    term on positive. Returns the response code for the touch log (``behaviour.RESPONSE_NAMES``:
    0 no decision, 1 positive, 2 no, 3 lost, 4 not now). The one uniform ``u_response`` picks
    the response, and, rescaled within it, the discovery meeting and the callback day.
    """
    f = np.asarray(flags, dtype=np.int64)
    ch = np.asarray(channel)
    tpl = np.asarray(template, dtype=np.int64)
    u = np.asarray(u_response, dtype=float)
    seg = st.traits.segment[idx]
    counted = tpl >= 0
    fear = sc.population.fear
    say_no = np.where(st.permission[idx], fear.with_permission, fear.say_no)
    in_market = st.in_market(sc, idx)
    fav_code = _FAVORED_CODE[ch]
    p_pos, p_no, p_not_now = response_probs(
        sc.response,
        say_no,
        segment=seg,
        in_market=in_market,
        value=(f & Opt.value) != 0,
        recall=st.r[idx],
        reciprocity=st.reciprocity[idx],
        favored=fav_code == st.traits.favored[idx],
        live=live,
        breakup=(f & Opt.breakup) != 0,
        annoyance_ratio=st.a[idx] / st.traits.tolerance[idx],
        escalated=st.escalated[idx],
        referral=ch == Channel.referral,
        habituation_count=st.habituation_count(tpl, idx),
        interest=interest,
        acquainted=st.traits.acquainted[idx],
        propensity=st.traits.propensity[idx],
    )
    code = choose_response(u, p_pos, p_no, p_not_now)
    lost = st.status[idx] == Status.bought_elsewhere
    code = np.where(lost, LOST, code).astype(np.int8)
    # consequences
    positive = code == POSITIVE
    withheld = (f & Opt.withhold_info) != 0
    # given positive, u / p_pos is uniform: it decides a discovery meeting, and the rest of it
    # the callback day of a buyer who is not ready
    v = np.where(positive, u / np.maximum(p_pos, 1e-300), 0.0)
    disc_p = p_discovery(sc.response.discovery, st.u[idx], sc.urgency.theta)
    below = positive & (seg == BUYER) & ~in_market
    discovery = below & (v < disc_p)
    meet = positive & (
        ((seg == BUYER) & in_market)
        | discovery
        | (
            (seg == INFO_SEEKER)
            & withheld
            & (st.traits.u_withhold[idx] < sc.response.info_seeker_meeting_if_withheld)
        )
    )
    # a non-fit prospect who talks says no; an info seeker denied information who will not
    # meet goes away with a no; a buyer not ready for a meeting says "not now"
    no_after_talk = positive & ~meet & ((seg == NON_FIT) | ((seg == INFO_SEEKER) & withheld))
    not_ready = below & ~discovery
    code = np.where(no_after_talk, NO, np.where(not_ready, NOT_NOW, code)).astype(np.int8)
    conversing = positive & ~meet & (seg == INFO_SEEKER) & ~withheld
    not_now = code == NOT_NOW
    # the uniform that picks the callback day: within not now's own slice of u, or within the
    # part of a positive's slice that did not book a discovery meeting
    u_callback = np.where(
        not_ready,
        (v - disc_p) / np.maximum(1 - disc_p, 1e-300),
        (u - p_pos - p_no) / np.maximum(p_not_now, 1e-300),
    )
    contact = (np.asarray(live) != 0) | (code != IGNORE)
    if np.any(contact):
        who, att = _select(idx, contact, attempt)
        _contact(st, obs, who, day, att)
    _apply(st, obs, idx, lost, lambda w: _lost(obs, w, day))
    _apply(st, obs, idx, code == NO, lambda w: _say_no(st, obs, w, day))
    if np.any(not_now):
        who, uc = _select(idx, not_now, np.clip(u_callback, 0.0, 1.0))
        _not_now(sc, st, obs, who, day, uc)
    if np.any(conversing):
        who, _ = _select(idx, conversing, 0)
        obs.last_positive_day[who] = day
        st.status[who] = np.where(st.absorbed(who), st.status[who], Status.conversing)
    if np.any(meet):
        who, att = _select(idx, meet, attempt)
        _, disc = _select(idx, meet, discovery)
        _book_meeting(sc, st, obs, who, day, att, disc)
    if np.any(counted):
        st.habituation.reshape(-1)[st.habituation_at(tpl, idx)] += counted.astype(np.int16)
    return code


def track_open(
    sc: Scenario, obs: Observations, idx: Index, day: int, read: ArrayLike, u: ArrayLike
) -> NDArray[np.bool_]:
    """The rep's email tracking at a triage session: a read email shows as opened unless the
    tracking misses it; an unread one shows a false open. ``u``: one uniform per email."""
    tr = sc.tracking
    uu = np.asarray(u)
    shown = np.where(np.asarray(read, dtype=bool), uu >= tr.miss, uu < tr.false_open)
    shown &= tr.enabled
    if np.any(shown):
        who, _ = _select(idx, shown, 0)
        obs.last_open_day[who] = day
    return np.asarray(shown)


def _lost(obs: Observations, idx: Index, day: int) -> None:
    obs.closed[idx] = True
    obs.last_no_day[idx] = day


def _select(idx: Index, mask: NDArray[np.bool_], values: ArrayLike) -> tuple[Index, Any]:
    """The members of ``idx`` (and of per-member ``values``) where ``mask`` holds."""
    v = np.asarray(values)
    if isinstance(idx, slice):
        m = np.flatnonzero(mask)
        who = (idx.start or 0) + (idx.step or 1) * m
        return who, (v[m] if v.ndim else v)
    if np.ndim(idx) == 0:
        return idx, values
    m = np.atleast_1d(mask)
    return np.asarray(idx)[m], (v[m] if v.ndim else v)


def _apply(
    st: State, obs: Observations, idx: Index, mask: ArrayLike, fn: Callable[[Index], None]
) -> None:
    m = np.asarray(mask)
    if not np.any(m):
        return
    who, _ = _select(idx, m, 0)
    fn(who)


_FAVORED_CODE = np.array(FAVORED_CODE, dtype=np.int8)
