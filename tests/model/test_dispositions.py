"""Conversations that settle, meetings the cadence earns, and callbacks: the response logit's
four outcomes, discovery meetings and their sales cycle, and "not now" with the day the
prospect names, checked against their closed forms on hand-made prospects."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit, logit

from sim.model.behaviour import (
    IGNORE,
    NO,
    NOT_NOW,
    POSITIVE,
    choose_response,
    p_discovery,
    response_probs,
)
from sim.model.clock import NEVER
from sim.model.dynamics import engage, resolve_wins
from sim.model.outcomes import Status
from sim.model.population import BUYER, draw_traits
from sim.model.scenario import Scenario
from sim.model.state import State
from sim.strategy.base import Observations
from tests.conftest import make_scenario


def test_a_live_conversation_settles_and_the_four_outcomes_add_up() -> None:
    resp = Scenario().response
    seg = np.array([0, 1, 2])
    read = response_probs(resp, 0.15, segment=seg, live=0)
    live = response_probs(resp, 0.15, segment=seg, live=1)
    for probs in (read, live):
        total = sum(probs)
        assert np.all(total < 1) and np.all(total > 0)
    undecided_read = 1 - sum(read)
    undecided_live = 1 - sum(live)
    assert np.all(undecided_live < 0.25) and np.all(undecided_live < undecided_read)
    # the closed form of one prospect: eta_ignore = -w_settle on a live call
    e_pos = np.exp(resp.b_pos.non_fit + resp.w_live)
    e_no = np.exp(resp.b_no.non_fit + logit(0.15))
    e_nn = np.exp(resp.b_not_now.non_fit + resp.w_live_not_now)
    e_ign = np.exp(-resp.w_settle)
    total = e_pos + e_no + e_nn + e_ign
    np.testing.assert_allclose([p[2] for p in live], [e_pos / total, e_no / total, e_nn / total])


def test_a_known_sender_is_owed_an_answer_of_any_kind() -> None:
    """``acquainted`` lowers the logit of no decision by ``w_acquainted``: the odds of an
    answer grow by exp(w_acquainted), and the answers keep their proportions (closed form)."""
    resp = Scenario().response.model_copy(update={"w_acquainted": 2.0})
    seg = np.array([0, 1, 2])
    stranger = np.array(response_probs(resp, 0.15, segment=seg, acquainted=0))
    known = np.array(response_probs(resp, 0.15, segment=seg, acquainted=1))
    odds = lambda p: p.sum(axis=0) / (1 - p.sum(axis=0))  # noqa: E731
    np.testing.assert_allclose(odds(known) / odds(stranger), np.exp(2.0))
    np.testing.assert_allclose(known / known.sum(axis=0), stranger / stranger.sum(axis=0))
    off = resp.model_copy(update={"w_acquainted": 0.0})
    np.testing.assert_array_equal(
        response_probs(off, 0.15, segment=seg, acquainted=1),
        response_probs(off, 0.15, segment=seg, acquainted=0),
    )


def test_acquaintance_is_drawn_at_its_share_on_its_own_stream() -> None:
    """The share of acquainted prospects is ``population.acquainted`` within 4 SE, and
    changing it leaves every other trait's draws as they were (one stream per trait)."""
    n = 40_000
    base = Scenario()
    some = base.model_copy(
        update={"population": base.population.model_copy(update={"acquainted": 0.3})}
    )
    a, b = draw_traits(base, 7, 0, n), draw_traits(some, 7, 0, n)
    assert a.acquainted.all()
    assert abs(b.acquainted.mean() - 0.3) < 4 * np.sqrt(0.3 * 0.7 / n)
    np.testing.assert_array_equal(a.segment, b.segment)
    np.testing.assert_array_equal(a.u_win, b.u_win)
    np.testing.assert_array_equal(a.known0, b.known0)


def test_a_prospects_own_readiness_to_answer() -> None:
    """``population.responsiveness`` is the sd of a prospect's offset on answering: drawn at
    that sd (within 4 SE), the same standard normal whatever the sd (a prospect keeps their
    rank), and in the logit it acts as ``acquainted`` does, with the prospect's own weight."""
    n = 40_000
    base = Scenario()

    def with_sd(sd: float) -> Scenario:
        pop = base.population.model_copy(update={"responsiveness": sd})
        return base.model_copy(update={"population": pop})

    assert not draw_traits(base, 3, 0, n).propensity.any()
    one, two = (draw_traits(with_sd(sd), 3, 0, n).propensity for sd in (1.0, 2.0))
    assert abs(one.std() - 1.0) < 4 / np.sqrt(2 * n) and abs(one.mean()) < 4 / np.sqrt(n)
    np.testing.assert_allclose(two, 2 * one)
    resp = base.response.model_copy(update={"w_acquainted": 1.3})
    seg = np.zeros(3, int)
    np.testing.assert_allclose(
        response_probs(resp, 0.15, segment=seg, propensity=np.array([1.3, 0.0, -0.4])),
        response_probs(resp, 0.15, segment=seg, acquainted=np.array([1, 0, 0]),
                       propensity=np.array([0.0, 0.0, -0.4])),
    )  # fmt: skip


def test_one_uniform_picks_the_outcome_in_order() -> None:
    u = np.array([0.05, 0.15, 0.35, 0.95])
    codes = choose_response(u, np.full(4, 0.1), np.full(4, 0.2), np.full(4, 0.3))
    assert codes.tolist() == [POSITIVE, NO, NOT_NOW, IGNORE]


def test_discovery_chance_rises_with_urgency_to_its_value_at_the_threshold() -> None:
    disc = Scenario().response.discovery
    u = np.array([-1.0, 0.0, 1.0, 1.405])
    p = p_discovery(disc, u, 1.405)
    assert np.all(np.diff(p) > 0) and p[-1] == pytest.approx(disc.at_threshold)
    assert p[1] == pytest.approx(expit(logit(0.5) + 2.0 * (0.0 - 1.405)))


def _buyers(sc: Scenario, n: int) -> tuple[State, Observations]:
    traits = draw_traits(sc, 3, 0, n)
    traits.segment[:] = BUYER
    return State(traits, 1), Observations(n)


def test_a_positive_buyer_below_the_threshold_books_discovery_or_says_not_now() -> None:
    """Given positive, u / P(pos) is uniform: a discovery meeting with chance p_discovery(u),
    else "not now" with a callback day uniform on [min_days, max_days]."""
    sc = make_scenario({"response": {"callback": {"min_days": 5, "max_days": 14}}})
    n = 40_000
    st, obs = _buyers(sc, n)
    st.u[:] = 0.5  # below the threshold 1.405
    st.traits.favored[:] = 0  # email: no favoured-venue bonus on a call
    idx = np.arange(n)
    p_pos = response_probs(
        sc.response, 0.15, segment=np.zeros(n, int), live=1, recall=st.r,
        acquainted=st.traits.acquainted,
    )[0]  # fmt: skip
    u = np.linspace(0, 1, n, endpoint=False) * p_pos  # every response positive
    code = engage(
        sc, st, obs, idx, 7, channel=np.zeros(n, int), flags=np.zeros(n, int), live=1,
        template=np.full(n, -1), attempt=np.ones(n, int), u_response=u,
    )  # fmt: skip
    disc = float(p_discovery(sc.response.discovery, np.array([0.5]), sc.urgency.theta)[0])
    booked = st.status == Status.meeting
    assert booked.mean() == pytest.approx(disc, abs=4 * np.sqrt(disc * (1 - disc) / n))
    assert np.all(st.discovery == booked) and not st.won.any()  # wins wait for the need
    assert np.all(code[~booked] == NOT_NOW) and np.all(st.status[~booked] == Status.nurture)
    delay = obs.callback_day[~booked] - 7
    counts = np.bincount(delay, minlength=15)[5:15]
    expected = (~booked).sum() / 10
    assert counts.min() > 0 and np.all(np.abs(counts - expected) < 4 * np.sqrt(expected))
    assert np.all(obs.last_not_now_day[~booked] == 7) and np.all(st.win_deadline[booked] == 67)


def test_a_discovery_meeting_is_won_only_if_the_need_rises_within_the_cycle() -> None:
    sc = make_scenario({"response": {"p_win": 1.0, "sales_cycle_days": 10}})
    st, _ = _buyers(sc, 3)
    idx = np.arange(3)
    st.status[:] = Status.meeting
    st.discovery[:] = True
    st.win_deadline[:] = 10
    st.u[:] = [2.0, 0.0, 0.0]  # the first one's need has risen
    resolve_wins(sc, st, 5, idx)
    assert st.won.tolist() == [True, False, False]
    assert st.win_deadline.tolist() == [NEVER, 10, 10]
    st.u[1] = 2.0
    resolve_wins(sc, st, 10, idx)  # on the deadline: still in time
    resolve_wins(sc, st, 11, idx)  # past it: lost
    assert st.won.tolist() == [True, True, False] and (st.win_deadline == NEVER).all()
