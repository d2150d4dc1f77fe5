"""Time within the day and the week: inquiry minutes from the hour profile, the fresh
inquirer's fading attention to the phone, and the weekday's pick-up and desk effects, checked
against their closed forms on both engines (|difference| < 4 SE)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy.special import expit, logit

from sim.engines.des.engine import run_des
from sim.engines.vector.engine import run_vector
from sim.engines.vector.sameday import SameDayCalls
from sim.model.behaviour import p_free, p_free_after
from sim.model.population import draw_traits
from sim.strategy.library import get_strategy
from tests.conftest import deep_update, make_scenario, quiet_patch

RUNS = {"des": (run_des, 1500), "vector": (run_vector, 30_000)}


def test_inquiries_arrive_by_the_hour_profile() -> None:
    sc = make_scenario({"leads": {"arrival_hours": {9: 1.0, 14: 3.0}}})
    minutes = draw_traits(sc, 1, 0, 40_000).arrival_minute
    hours = np.floor(minutes / 60)
    assert set(np.unique(hours)) == {9.0, 14.0}
    share = float((hours == 14).mean())
    assert abs(share - 0.75) < 4 * np.sqrt(0.75 * 0.25 / len(minutes))
    assert np.all(minutes == np.floor(minutes))
    assert not draw_traits(make_scenario(), 1, 0, 100).arrival_minute.any()  # no profile: 00:00


def _scenario(leads: dict[str, Any], extra: dict[str, Any] | None = None, after: int = 5) -> Any:
    cadence = {
        "phases": [
            {"name": "p", "steps": [{"day": 0, "after": after, "channel": "call_cell"}]}
        ]
    }  # fmt: skip
    patch = deep_update(
        quiet_patch(0.2),
        {
            "calendar": {"horizon_days": 1, "workday_start": {"low": 450, "high": 480}},
            "population": {"number_known": 0.0, "screening": {"favored_bonus": 0.0}},
            "leads": {"arrival_hours": {10: 1.0}, **leads},
            "custom_strategies": {"call": cadence},
        },
    )
    return make_scenario(deep_update(patch, extra or {}))


@pytest.mark.parametrize("engine", ["des", "vector"])
@pytest.mark.parametrize("after", [5, 30])
def test_a_fresh_inquirer_picks_up_with_the_fading_bonus(engine: str, after: int) -> None:
    """Free (no meetings or interruptions), at the desk: P(pick up) = expit(logit(unknown) +
    bonus * exp(-t / minutes)) at t minutes after the inquiry."""
    sc = _scenario({"attention_pickup": 3.0, "attention_minutes": 10.0}, after=after)
    run, n = RUNS[engine]
    out = run(sc, get_strategy("call", sc), n, 5)
    picked = (out.touches["result"].astype(str) == "picked_up").to_numpy()
    assert len(picked) == n  # one call each, all reachable
    p = float(expit(logit(sc.population.screening.unknown) + 3.0 * np.exp(-after / 10.0)))
    assert abs(picked.mean() - p) < 4 * np.sqrt(p * (1 - p) / n)


@pytest.mark.parametrize("engine", ["des", "vector"])
def test_the_weekday_shifts_pick_up_and_presence_at_the_desk(engine: str) -> None:
    """A desk call on Thursday (day 3): at the desk with in_office x Thursday's multiplier, and
    picking up with Thursday's logit offset."""
    step = {"day": 3, "time": "11:00", "channel": "call_desk"}
    cadence = {"phases": [{"name": "p", "steps": [step]}]}
    patch = deep_update(
        quiet_patch(0.2),
        {
            "calendar": {"horizon_days": 4},
            "population": {
                "number_known": 0.0,
                "in_office": 0.5,
                "in_office_weekday": {"thu": 1.6},
                "screening": {"weekday": {"thu": 0.8}, "favored_bonus": 0.0},
            },
            "custom_strategies": {"thu": cadence},
        },
    )
    sc = make_scenario(patch)
    run, n = RUNS[engine]
    out = run(sc, get_strategy("thu", sc), n, 2)
    result = out.touches["result"].astype(str).to_numpy()
    at_desk = result != "not_reachable"
    assert abs(at_desk.mean() - 0.8) < 4 * np.sqrt(0.8 * 0.2 / n)
    p = float(expit(logit(sc.population.screening.unknown) + 0.8))
    picked = (result[at_desk] == "picked_up").mean()
    assert abs(picked - p) < 4 * np.sqrt(p * (1 - p) / at_desk.sum())


def test_an_inquiry_during_work_is_a_free_moment_for_the_next_call() -> None:
    sc = make_scenario()
    calls = SameDayCalls(sc, 4)
    calls.inquired(2, np.arange(4), np.full(4, 600.0))
    u = np.array([0.1, 0.5, 0.8, 0.95])
    free = calls.free(2, np.arange(4), np.full(4, 605, dtype=np.int64), u)
    p = float(p_free_after(sc, np.array([600]), np.array([True]), np.array([605]))[0])
    assert free.tolist() == (u < p).tolist()
    assert p > float(p_free(sc, np.array([605]))[0])  # free then: likelier free now


# -- the spell at the screen after the inquiry (leads.presence_minutes) ----------------------

PRESENCE = {"attention_pickup": 3.0, "attention_minutes": 10.0, "presence_minutes": 15.0}
BUSY_DAY = {"population": {"meetings": {"share": 0.35}, "interruptions": {"per_day": 56.0}}}
"""Meetings and interruptions at their defaults (the quiet scenario switches them off)."""


def _presence_closed_form(sc: Any, after: int) -> float:
    """P(contact) on a first cell call ``after`` minutes after an inquiry at 10:00-10:59 (all
    within working hours): the lead is present with chance S = exp(-t / P), else free with the
    chance given being free at the inquiry minute (``p_free_after``); then picks up with the
    fading attention bonus."""
    m0 = np.arange(600, 660)
    free_after = p_free_after(sc, m0, np.ones(60, dtype=bool), m0 + after).mean()
    s = np.exp(-after / sc.leads.presence_minutes)
    pick = expit(logit(sc.population.screening.unknown) + 3.0 * np.exp(-after / 10.0))
    return float(pick * (s + (1 - s) * free_after))


@pytest.fixture(scope="module")
def presence_runs() -> dict[tuple[str, int], tuple[float, int]]:
    """First-call contact rate and calls, per engine and minutes after the inquiry."""
    out = {}
    for after in (5, 30):
        sc = _scenario(PRESENCE, BUSY_DAY, after=after)
        for engine, (run, n) in RUNS.items():
            touches = run(sc, get_strategy("call", sc), 2 * n, 11).touches
            picked = (touches["result"].astype(str) == "picked_up").to_numpy()
            out[(engine, after)] = (float(picked.mean()), len(picked))
    return out


@pytest.mark.parametrize("after", [5, 30])
def test_a_lead_at_the_screen_is_free_and_both_engines_agree(
    presence_runs: dict[tuple[str, int], tuple[float, int]], after: int
) -> None:
    """With a spell at the screen (mean 15 minutes) on a day of meetings and interruptions, the
    first call's contact rate at 5 and at 30 minutes is the closed form in both engines, and the
    engines agree (|difference| < 4 SE)."""
    sc = _scenario(PRESENCE, BUSY_DAY, after=after)
    p = _presence_closed_form(sc, after)
    (des, n_des), (vec, n_vec) = presence_runs[("des", after)], presence_runs[("vector", after)]
    assert n_des == 3000 and n_vec == 60_000  # one call each
    for rate, n in ((des, n_des), (vec, n_vec)):
        assert abs(rate - p) < 4 * np.sqrt(p * (1 - p) / n), (rate, p)
    se = np.sqrt(des * (1 - des) / n_des + vec * (1 - vec) / n_vec)
    assert abs(des - vec) < 4 * se
    without = _scenario({**PRESENCE, "presence_minutes": 0.0}, BUSY_DAY, after=after)
    assert p > _presence_closed_form_without(without, after) + 0.02  # the spell matters here


def _presence_closed_form_without(sc: Any, after: int) -> float:
    m0 = np.arange(600, 660)
    free_after = p_free_after(sc, m0, np.ones(60, dtype=bool), m0 + after).mean()
    pick = expit(logit(sc.population.screening.unknown) + 3.0 * np.exp(-after / 10.0))
    return float(pick * free_after)


@pytest.mark.parametrize("engine", ["des", "vector"])
def test_a_lead_at_the_screen_answers_outside_working_hours(engine: str) -> None:
    """An inquiry at 06:00-06:59, before a working day that starts at 07:30-08:00: a cell call 5
    minutes later reaches the lead only while they are still at the screen, P = exp(-5 / 15),
    and finds them free."""
    sc = _scenario({**PRESENCE, "arrival_hours": {6: 1.0}}, BUSY_DAY, after=5)
    run, n = RUNS[engine]
    result = run(sc, get_strategy("call", sc), n, 3).touches["result"].astype(str).to_numpy()
    s = float(np.exp(-5 / 15))
    reached = result != "not_reachable"
    assert abs(reached.mean() - s) < 4 * np.sqrt(s * (1 - s) / n)
    assert not (result == "busy").any()
    pick = float(expit(logit(sc.population.screening.unknown) + 3.0 * np.exp(-0.5)))
    picked = (result[reached] == "picked_up").mean()
    assert abs(picked - pick) < 4 * np.sqrt(pick * (1 - pick) / reached.sum())


def test_presence_spells_are_exponential_and_leave_other_traits_alone() -> None:
    on = make_scenario({"leads": {"arrival_hours": {9: 1.0}, "presence_minutes": 20.0}})
    off = make_scenario({"leads": {"arrival_hours": {9: 1.0}}})
    t_on, t_off = draw_traits(on, 4, 0, 40_000), draw_traits(off, 4, 0, 40_000)
    assert abs(t_on.presence.mean() - 20.0) < 4 * 20.0 / np.sqrt(40_000)
    assert abs(np.median(t_on.presence) - 20.0 * np.log(2)) < 0.5
    assert not t_off.presence.any()
    assert np.array_equal(t_on.arrival_minute, t_off.arrival_minute)
    assert np.array_equal(t_on.work_start, t_off.work_start)


def test_presence_needs_an_arrival_profile() -> None:
    with pytest.raises(ValueError, match="presence_minutes 15 needs arrival_hours"):
        make_scenario({"leads": {"presence_minutes": 15.0}})
