"""A prospect's working day in the DES: the meetings and interruptions that keep them busy.

Both are drawn from the prospect's own stream for that day, so they are the same whichever
strategy the prospect faces. They are materialised as intervals, generated the first time a
call needs them; their processes are exactly those whose marginals ``sim.model.behaviour`` gives:
meetings start as a Poisson process on the clock (the hour-of-day profile) and last a whole
number of minutes uniform on [min, max]; interruptions are a stationary M/M/infinity process
through working hours (ongoing ones at the start drawn from the stationary law).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.model.meetings import meeting_start_rates
from sim.model.scenario import Scenario
from sim.model.streams import stream

F = NDArray[np.float64]


@dataclass(frozen=True)
class DaySchedule:
    meeting_start: F
    meeting_end: F
    interruption_start: F
    interruption_end: F

    def in_meeting(self, minute: float) -> bool:
        return bool(np.any((self.meeting_start <= minute) & (minute < self.meeting_end)))

    def interrupted(self, minute: float) -> bool:
        return bool(np.any((self.interruption_start <= minute) & (minute < self.interruption_end)))

    def meetings(self) -> list[tuple[float, float]]:
        order = np.argsort(self.meeting_start)
        return [(float(self.meeting_start[i]), float(self.meeting_end[i])) for i in order]


def draw_day_free_at(
    scenario: Scenario, seed: int, prospect: int, day: int, work_start: float, minute: float
) -> DaySchedule:
    """The day's schedule given that the prospect is free at ``minute`` (a lead who has just
    inquired): redrawn until free then, which draws from the exact conditional law."""
    k = 0
    while True:
        sched = draw_day(scenario, seed, prospect, day, work_start, k)
        if not (sched.in_meeting(minute) or sched.interrupted(minute)):
            return sched
        k += 1


def draw_day(
    scenario: Scenario, seed: int, prospect: int, day: int, work_start: float, redraw: int = 0
) -> DaySchedule:
    """The meetings and interruptions of ``prospect`` on business day ``day`` (``redraw`` k > 0:
    the k-th independent redraw, for drawing a day given what is known of it)."""
    keys = (prospect, day) if redraw == 0 else (prospect, day, redraw)
    rng = stream(seed, "des:day", *keys)
    cal = scenario.calendar
    pop = scenario.population
    rates = meeting_start_rates(pop.meetings, cal.workday_start.mean, cal.workday_hours)
    total = float(rates.sum())
    n_meet = int(rng.poisson(total)) if total > 0 else 0
    starts = rng.choice(1440, size=n_meet, p=rates / total).astype(float) if n_meet else np.empty(0)
    lengths = rng.integers(pop.meetings.min_minutes, pop.meetings.max_minutes + 1, size=n_meet)
    hours = cal.workday_hours * 60
    intr = pop.interruptions
    rate = intr.per_day / hours
    ongoing = int(rng.poisson(rate * intr.mean_minutes))
    arriving = int(rng.poisson(rate * hours))
    i_start = np.concatenate(
        [np.full(ongoing, work_start), work_start + hours * rng.random(arriving)]
    )
    i_end = i_start + rng.exponential(intr.mean_minutes, size=ongoing + arriving)
    return DaySchedule(starts, starts + lengths, i_start, i_end)
