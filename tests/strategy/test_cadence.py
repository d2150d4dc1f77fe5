"""Cadences touch on the days, at the times, on the channels they declare; stop rules hold."""

from __future__ import annotations

import numpy as np

from sim.model.channels import Channel
from sim.strategy.base import Observations, Opt
from sim.strategy.library import get_strategy, library_specs


def _schedule(
    name: str, days: int, no_on: int | None = None
) -> list[tuple[int, str, int, str, int]]:
    s = get_strategy(name)
    obs = Observations(1)
    out = []
    for d in range(days):
        if no_on is not None and d == no_on + 1:
            obs.last_no_day[0] = no_on
        plan = s.decide(d, obs)
        for k in range(plan.slots):
            if plan.channel[k, 0] >= 0:
                out.append(
                    (
                        d,
                        Channel(int(plan.channel[k, 0])).name,
                        int(plan.minute[k, 0]),
                        s.templates[plan.template[k, 0]],
                        int(plan.flags[k, 0]),
                    )
                )
    return out


def test_persistent_until_no_calls_every_three_days_at_varied_times() -> None:
    sched = _schedule("persistent-until-no", 20)
    assert [d for d, *_ in sched] == [0, 3, 6, 9, 12, 15, 18]
    assert {c for _, c, *_ in sched} == {"call_desk"}
    assert [m for _, _, m, *_ in sched][:4] == [600, 870, 990, 600]
    assert all(f & Opt.leave_voicemail for *_, f in sched)


def test_persistent_until_no_switches_to_monthly_email_after_a_no() -> None:
    sched = _schedule("persistent-until-no", 80, no_on=7)
    calls = [d for d, c, *_ in sched if c == "call_desk"]
    emails = [d for d, c, *_ in sched if c == "email"]
    assert calls == [0, 3, 6]
    assert emails == [38, 68]


def test_breakup_after_two_sequence_then_drip() -> None:
    sched = _schedule("breakup-after-two", 45)
    assert [(d, t) for d, _, _, t, _ in sched[:4]] == [
        (0, "opener"),
        (3, "follow-up-1"),
        (6, "follow-up-2"),
        (10, "breakup"),
    ]
    assert sched[3][4] & Opt.breakup
    assert [d for d, *_ in sched[4:]] == [20, 30, 40]
    assert all(f & Opt.vary_template and f & Opt.value for *_, f in sched[4:])


def test_one_touch_strategies_touch_once() -> None:
    for name in ("no-follow-up", "one-and-done"):
        assert len(_schedule(name, 60)) == 1


def test_closed_prospects_get_no_touches() -> None:
    s = get_strategy("persistent-until-no")
    obs = Observations(2)
    obs.closed[1] = True
    plan = s.decide(0, obs)
    assert plan.channel[0, 0] >= 0
    assert np.all(plan.channel[:, 1] == -1)


def test_library_entries_name_their_source() -> None:
    for name, spec in library_specs().items():
        assert spec.source, name
        assert spec.description, name
