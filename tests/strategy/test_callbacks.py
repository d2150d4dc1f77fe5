"""Cadences that react to "not now" and to the minute of an inquiry: ``on_not_now``, phases that
start on the callback day, and steps timed minutes after the arrival."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from sim.model.channels import Channel
from sim.strategy.base import Observations
from sim.strategy.cadence import Cadence, CadenceSpec
from sim.strategy.library import get_strategy


def _touches(strategy: Cadence, obs: Observations, days: range) -> list[tuple[int, str, int]]:
    out = []
    for d in days:
        plan = strategy.decide(d, obs)
        for k in range(plan.slots):
            if plan.channel[k, 0] >= 0:
                out.append((d, Channel(int(plan.channel[k, 0])).name, int(plan.minute[k, 0])))
    return out


def test_callback_when_asked_calls_on_the_day_the_prospect_named() -> None:
    s = get_strategy("callback-when-asked")
    obs = Observations(1)
    first = _touches(s, obs, range(0, 4))
    assert [d for d, *_ in first] == [0, 3]
    obs.last_not_now_day[0] = 3  # "not now, call me on day 17"
    obs.callback_day[0] = 17
    later = _touches(s, obs, range(4, 25))
    assert later[0][:2] == (17, "call_cell")  # nothing between the "not now" and the callback
    assert [d for d, *_ in later][1:3] == [17 + 3, 17 + 6]  # then on again, every 3 days


def test_a_cadence_goes_on_through_not_now_unless_its_phase_says_otherwise() -> None:
    for name in ("persistent-until-no", "breakup-after-two", "four-business-days"):
        s = get_strategy(name)
        obs, quiet = Observations(1), Observations(1)
        _touches(s, obs, range(0, 2))
        _touches(get_strategy(name), quiet, range(0, 2))
        obs.last_not_now_day[0] = 1
        assert _touches(s, obs, range(2, 30)) == _touches(get_strategy(name), quiet, range(2, 30))


def _speed(after: int, extra: dict[str, Any] | None = None) -> Cadence:
    step = {"day": 0, "after": after, "channel": "call_cell", **(extra or {})}
    later = {"day": 1, "time": "09:00", "channel": "email"}
    return Cadence(
        "speed", CadenceSpec.model_validate({"phases": [{"name": "p", "steps": [step, later]}]})
    )


def test_a_step_after_the_inquiry_counts_minutes_from_the_arrival() -> None:
    obs = Observations(3)
    obs.arrival_minute[:] = [600.0, 1000.4, 1435.0]  # 10:00, 16:40, 23:55
    plan = _speed(5).decide(0, obs)
    assert plan.minute[0].tolist() == [605, 1006, 1438]  # never after 23:58


def test_on_the_arrival_day_no_touch_comes_before_the_inquiry() -> None:
    spec = {"phases": [{"name": "p", "steps": [{"day": 0, "time": "09:00", "channel": "email"}]}]}
    obs = Observations(2)
    obs.arrival_minute[:] = [480.0, 720.0]  # 08:00 and 12:00
    plan = Cadence("early", CadenceSpec.model_validate(spec)).decide(0, obs)
    assert plan.minute[0].tolist() == [540, 720]


def test_after_is_only_for_the_first_day() -> None:
    with pytest.raises(ValidationError, match="after"):
        CadenceSpec.model_validate(
            {"phases": [{"name": "p", "steps": [{"day": 2, "after": 5, "channel": "email"}]}]}
        )


def test_a_phase_that_starts_at_the_callback_waits_for_it() -> None:
    spec = {
        "phases": [
            {
                "name": "call",
                "steps": [{"day": 0, "time": "10:00", "channel": "call_cell"}],
                "repeat_every": 2,
                "on_not_now": "later",
            },
            {
                "name": "later",
                "start": "callback",
                "steps": [{"day": 0, "time": "15:00", "channel": "email"}],
            },
        ]
    }
    s = Cadence("cb", CadenceSpec.model_validate(spec))
    obs = Observations(2)
    _touches(s, obs, range(0, 1))
    obs.last_not_now_day[:] = 0
    obs.callback_day[:] = [9, -(2**30)]  # the second named no day: the phase starts at once
    plan_days: dict[int, list[int]] = {0: [], 1: []}
    for d in range(1, 12):
        plan = s.decide(d, obs)
        for i in (0, 1):
            if plan.channel[0, i] >= 0:
                plan_days[i].append(d)
    assert plan_days == {0: [9], 1: [1]}
    assert np.all(s.phase_at_callback == [False, True])
