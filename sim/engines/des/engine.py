"""The discrete-event engine (``engine="des"``): SimPy, a minute clock, one process per prospect.

Processes are plain generator functions; they decide *when* things happen, and the model's
shared code decides *what* happens (``sim.model.touches``, ``calls``, ``messages``,
``dynamics``):

- ``prospect_days``: each prospect lives through its business days (00:00 day start: decay,
  urgency, need arising; 23:59 day end: competitors).
- ``rep``: at 00:01 of each business day the strategy decides the day's touches from what the
  rep has observed; each touch becomes a ``touch`` process at its minute.
- ``touch``: the touch is made at its minute (``make_touches``), against the prospect's day
  (the meetings and interruptions of ``World.day``, drawn as intervals).
- ``triage_at_session``: a message waits for its inbox's next triage session, where the
  competitors that arrived in the window are drawn item by item and ranked against yours.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.engines.base import EngineOutput, StrategyTask
from sim.engines.des.world import Events, World
from sim.model.capacity import plan_day
from sim.model.channels import Inbox
from sim.model.clock import (
    DAY_END_MINUTE,
    DAY_START_MINUTE,
    PLAN_MINUTE,
    absolute_minute,
    format_time,
)
from sim.model.dynamics import end_day, start_day
from sim.model.messages import triage
from sim.model.outcomes import Status
from sim.model.population import SEGMENT_NAMES
from sim.model.scenario import Scenario
from sim.model.touches import make_touches
from sim.model.touching import INBOX, Items, Touching
from sim.results.aggregate import StrategyStats
from sim.results.frames import log_frame, prospects_frame
from sim.results.touch_store import write_part
from sim.results.week import TraceEvent
from sim.strategy.base import Strategy

# --- processes -----------------------------------------------------------------------------


def rep(w: World, ctx: Touching) -> Events:
    """The rep: each business day, the strategy plans the touches; each becomes a process."""
    for day in range(w.sc.horizon):
        yield w.wait_until(day, PLAN_MINUTE)
        ctx.today = w.today(day)
        plan = plan_day(w.sc, w.strategy, day, w.obs, w.ids, w.books)
        for slot in range(plan.slots):
            for i in np.flatnonzero(plan.channel[slot] >= 0):
                planned = (
                    a[slot, i] for a in (plan.channel, plan.minute, plan.template, plan.flags)
                )
                w.env.process(touch(w, ctx, day, int(i), *(int(x) for x in planned)))


def touch(w: World, ctx: Touching, day: int, i: int, channel: int, minute: int, template: int,
          flags: int) -> Events:  # fmt: skip
    """One planned touch, made at its minute."""
    yield w.wait_until(day, minute)
    make_touches(ctx, day, *(np.array([x]) for x in (i, channel, minute, template, flags)))


def prospect_days(w: World, i: int) -> Events:
    """One prospect's business days from its arrival in the rep's book: the day's start and
    end updates."""
    st = w.state
    for day in range(int(w.obs.arrival_day[i]), w.sc.horizon):
        yield w.wait_until(day, DAY_START_MINUTE)
        if len(start_day(w.sc, st, w.obs, w.today(day), day, i)):
            w.note(i, day, None, "inbound", "their need arises and they call you: meeting booked")
        if i in w.traces:
            _note_day(w, i, day)
        yield w.wait_until(day, DAY_END_MINUTE)
        before = st.status[i]
        end_day(w.sc, st, day, i)
        if st.status[i] != before:
            w.note(i, day, None, "competitor", "buys from a competitor")


def triage_at_session(w: World, item: Items) -> Events:
    """A message waits for its inbox's first triage session at or after its arrival (the next
    business day's first when the day's are over), then is triaged there."""
    i = int(item.idx[0])
    day, minute = int(item.day[0]), float(item.minute[0])
    sessions = w.sessions(i, Inbox(int(INBOX[item.channel[0]])))
    k = bisect_left(sessions, minute)
    if k == len(sessions):
        day, k = day + 1, 0
    if day >= w.sc.horizon:
        return
    yield w.wait_until(day, sessions[k])
    at_session = Items(
        item.idx, item.channel, item.flags, item.template, item.attempt, item.record,
        item.blocked, item.touch_day, item.touch_minute, np.array([day]), np.array([sessions[k]]),
        label=item.label,
    )  # fmt: skip
    assert w.ctx is not None
    triage(w.ctx, day, at_session)


def _note_day(w: World, i: int, day: int) -> None:
    st, tr, life = w.state, w.traits, w.life
    theta = w.sc.urgency.theta
    where = (
        f"away until day {life.away_until[day, i]}"
        if life.away[day, i]
        else ("in the office" if life.in_office(day, i) else "working remotely")
    )
    market = ", in market" if st.in_market(w.sc, i) else ""
    segment = SEGMENT_NAMES[tr.segment[i]].replace("_", " ")
    urgency = f"urgency {st.u[i]:.2f} (threshold {theta:.2f}{market})" if st.buyer[i] else (
        f"{segment}, never in market")  # fmt: skip
    mood = (
        f"{urgency}, annoyance {st.a[i]:.1f} of {tr.tolerance[i]:.1f}, recall {st.r[i]:.2f}, "
        f"status {Status(st.status[i]).name}"
    )  # fmt: skip
    w.note(i, day, None, "day", f"{where}; works from {format_time(tr.work_start[i])}; {mood}")
    if not life.away[day, i]:
        sched = w.day(i, day)
        ws = float(tr.work_start[i])
        end = ws + w.hours * 60
        meetings = ", ".join(
            f"{format_time(a)}-{format_time(b)}" for a, b in sched.meetings() if b > ws and a < end
        )
        w.note(i, day, None, "schedule", f"meetings {meetings or 'none'}; "
               f"{len(sched.interruption_start)} interruptions; about "
               f"{tr.load[Inbox.email, i]:.0f} emails, {tr.load[Inbox.voicemail, i]:.0f} "
               "voicemails arrive")  # fmt: skip


# --- running -------------------------------------------------------------------------------


@dataclass
class DesOutput:
    prospects: pd.DataFrame
    touches: pd.DataFrame
    traces: dict[int, list[TraceEvent]]


def run_des(
    scenario: Scenario,
    strategy: Strategy,
    n: int,
    seed: int,
    *,
    first_id: int = 0,
    trace: Sequence[int] = (),
) -> DesOutput:
    """Run one strategy on prospects ``first_id`` to ``first_id + n - 1``; ``trace`` lists
    prospects (0 to n - 1) whose story is recorded."""
    return run_world(World(scenario, strategy, seed, first_id, n, trace_ids=tuple(trace)))


def run_world(w: World) -> DesOutput:
    """Run a prepared world to the end of the horizon (tests prepare hand-made prospects)."""
    ctx = w.ctx = w.touching(triage_at_session)
    for i in range(w.n):
        w.env.process(prospect_days(w, i))
    w.env.process(rep(w, ctx))
    w.env.run(until=absolute_minute(w.sc.horizon - 1, DAY_END_MINUTE) + 1)
    columns = w.state.outcome_columns(w.first_id) | w.books.columns(w.ids)
    prospects = prospects_frame(w.strategy.name, columns)
    touches = log_frame(w.strategy.name, w.strategy.templates, w.log.columns())
    traces = {w.first_id + i: events for i, events in w.traces.items()}
    return DesOutput(prospects, touches, traces)


class DesEngine:
    """The discrete-event engine as an ``Engine``: the reference, and the one that traces."""

    name = "des"
    default_prospects = 2_000
    streams = False
    traces = True
    default_chunk = None

    def run(self, task: StrategyTask) -> EngineOutput:
        out = run_des(
            task.scenario, task.strategy, task.prospects, task.seed,
            first_id=task.first_id, trace=task.trace,
        )  # fmt: skip
        stats = StrategyStats.of(out.prospects, out.touches)
        touches = out.touches
        if task.touch_path is not None:
            write_part(touches, task.touch_path)
            touches = touches.iloc[:0]
        return EngineOutput(out.prospects, touches, stats, out.traces)


__all__ = ["DesEngine", "DesOutput", "World", "run_des", "run_world"]
