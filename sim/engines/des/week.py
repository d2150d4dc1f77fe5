"""A week in the life: one eventful prospect traced by the discrete-event engine.

The prospect is the lowest id with at least three touches in its first five business days
(``eventful_prospect``), found in a small run of the first 60 prospects; then that prospect is
run again with a trace, and its days' meetings, interruptions and whereabouts are read off the
engine's own draws, so the chart shows exactly what the engine played out.
"""

from __future__ import annotations

import pandas as pd

from sim.engines.des.day import draw_day
from sim.engines.des.engine import run_des
from sim.model.channels import Inbox
from sim.model.clock import parse_time
from sim.model.population import draw_population
from sim.model.scenario import Scenario
from sim.results.week import TOUCH_FIELDS, Week, WeekDay
from sim.strategy.base import Strategy

WEEK_DAYS = 5
AMONG = 60
"""Prospects searched for an eventful week."""


def eventful_prospect(
    touches: pd.DataFrame, strategy: str, days: int = WEEK_DAYS, min_touches: int = 3
) -> int | None:
    """The lowest prospect id with at least ``min_touches`` touches in the first ``days``
    business days under ``strategy``; failing that, the lowest id with the most such touches;
    None when the touch log has none."""
    rows = touches[
        ((touches["strategy"].astype(str) == strategy) & (touches["day"] < days)).to_numpy()
    ]
    if rows.empty:
        return None
    counts = rows.groupby("prospect", sort=True).size()
    enough = counts[counts >= min_touches]
    if len(enough):
        return int(enough.index.min())
    return int(counts[counts == counts.max()].index.min())


def week_prospect(scenario: Scenario, strategy: Strategy, seed: int, among: int = AMONG) -> int:
    """A prospect whose first week is eventful under ``strategy``, from a small discrete-event
    run of the first ``among`` prospects."""
    run = run_des(scenario, strategy, among, seed)
    found = eventful_prospect(run.touches, strategy.name, min(WEEK_DAYS, scenario.horizon))
    return 0 if found is None else found


def trace_week(
    scenario: Scenario, strategy: Strategy, seed: int, prospect: int | None = None,
    days: int = WEEK_DAYS,
) -> Week:  # fmt: skip
    """Trace ``prospect`` (default: an eventful one, ``week_prospect``) under ``strategy`` for
    its first ``days`` business days."""
    if prospect is None:
        prospect = week_prospect(scenario, strategy, seed)
    days = max(1, min(days, scenario.horizon))
    run = run_des(scenario, strategy, 1, seed, first_id=prospect, trace=[0])
    traits, life = draw_population(scenario, seed, prospect, prospect + 1)
    start = float(traits.work_start[0])
    end = start + scenario.calendar.workday_hours * 60
    cal = scenario.calendar
    evening = (float(parse_time(cal.evening_start)), float(parse_time(cal.evening_end)))
    week_days = []
    for d in range(days):
        away = bool(life.away[d, 0])
        meetings: list[tuple[float, float]] = []
        interruptions: list[float] = []
        if not away:
            sched = draw_day(scenario, seed, prospect, d, start)
            meetings = [
                (max(a, start), min(b, end)) for a, b in sched.meetings() if b > start and a < end
            ]
            interruptions = [float(t) for t in sorted(sched.interruption_start) if t < end]
        week_days.append(WeekDay(bool(life.in_office(d, 0)), away, meetings, interruptions))
    touches = run.touches[(run.touches["day"] < days).to_numpy()]
    return Week(
        strategy=strategy.name,
        prospect=prospect,
        days=days,
        work_start=start,
        work_end=end,
        evening=evening if bool(traits.always_on[0]) else None,
        day=week_days,
        emails=float(traits.load[Inbox.email, 0]),
        voicemails=float(traits.load[Inbox.voicemail, 0]),
        events=[e for e in run.traces.get(prospect, []) if e.day < days],
        touches=touches[list(TOUCH_FIELDS)].reset_index(drop=True),
    )


__all__ = ["WEEK_DAYS", "eventful_prospect", "trace_week", "week_prospect"]
