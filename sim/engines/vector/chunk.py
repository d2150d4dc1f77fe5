"""One chunk of prospects under one strategy, a business day per step (the vectorized engine).

Within a day each prospect's events (the touches the strategy planned, and the triage sessions
of items waiting in its inboxes) are taken in time order, one per prospect per pass, so a day
costs a few array passes whatever the number of prospects. What an event does is the model's
shared code (``sim.model.touches``, ``calls``, ``messages``); this module only orders the
events and draws their outcomes from the exact marginals the DES produces (``VectorDraws``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from sim.engines.vector.draws import DayDraws
from sim.engines.vector.queue import Queue
from sim.engines.vector.sameday import SameDayCalls, SameSession
from sim.engines.vector.slots import min_slot
from sim.model.behaviour import in_working_hours, next_session
from sim.model.capacity import Books, plan_day
from sim.model.channels import Inbox
from sim.model.dynamics import end_day, start_day
from sim.model.messages import triage
from sim.model.population import DayLife, LifeStream, Traits, draw_traits
from sim.model.scenario import Scenario
from sim.model.state import State
from sim.model.touches import make_touches
from sim.model.touching import INBOX, ChannelTables, Items, Touching
from sim.model.touchlog import STATS_COLUMNS, TouchLog
from sim.strategy.base import Observations, Strategy, TouchPlan

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
B = NDArray[np.bool_]


class VectorDraws:
    """Chance events from exact marginals: free at a call's minute (``SameDayCalls``), read at
    a session (``SameSession``); every decision takes the prospect's next uniform of the day
    from its own stream (``DayDraws``)."""

    def __init__(self, sc: Scenario, seed: int, start: int, stop: int) -> None:
        n = stop - start
        self.day = DayDraws(seed, start, stop)
        self.calls = SameDayCalls(sc, n)
        self.sessions = SameSession(len(Inbox), n)

    def new_day(self, day: int) -> None:
        self.day.new_day(day)

    def free(self, day: int, idx: I64, minute: I64, channel: I64) -> B:
        return self.calls.free(day, idx, minute, self.day.take("free", idx))

    def uniform(self, decision: str, idx: I64) -> F64:
        return self.day.take(decision, idx)

    def read(self, day: int, items: Items, load: F64, s: F64, attention: I64, away: B) -> B:
        u = self.day.take("read", items.idx)
        more = np.zeros(len(items.idx), dtype=bool) if items.more is None else items.more
        inbox = INBOX[items.channel]
        read = self.sessions.read(day, items.idx, inbox, items.minute, load, s, attention, u, more)
        return np.asarray(~away & read)


@dataclass
class VectorMail:
    """Items go into the inbox queue, due at their inbox's first triage session at or after
    their arrival (the next business day's first when the day's are over)."""

    queue: Queue
    sc: Scenario
    traits: Traits
    tables: ChannelTables = field(init=False)

    def __post_init__(self) -> None:
        self.tables = ChannelTables(self.sc)

    def post(self, items: Items) -> None:
        if not len(items.idx):
            return
        traits, tab, cal = self.traits, self.tables, self.sc.calendar
        idx = items.idx
        inbox = INBOX[items.channel]
        session_day = np.empty(len(idx), dtype=np.int64)
        session_minute = np.empty(len(idx))
        boxes = np.flatnonzero(np.bincount(inbox))
        for b in boxes:
            m = slice(None) if len(boxes) == 1 else inbox == b
            later, when = next_session(
                items.minute[m], traits.work_start[idx[m]], cal.workday_hours, int(tab.triage[b]),
                traits.always_on[idx[m]] & tab.evening[b], cal.evening_session,
            )  # fmt: skip
            session_day[m] = items.day[m] + later
            session_minute[m] = when
        self.queue.push(
            idx, channel=items.channel, flags=items.flags, template=items.template,
            attempt=items.attempt, record=items.record, blocked=items.blocked,
            touch_day=items.touch_day, touch_minute=items.touch_minute, day=session_day,
            minute=session_minute,
        )  # fmt: skip


class Chunk:
    """One chunk of prospects (``start`` to ``stop - 1``) being simulated under one strategy.
    ``draws``: how chance events are decided (``VectorDraws`` unless given: tests feed both
    engines the same scripted draws)."""

    def __init__(self, sc: Scenario, strategy: Strategy, seed: int, start: int, stop: int,
                 touch_log: bool, draws: VectorDraws | None = None,
                 stats_only: bool = False) -> None:  # fmt: skip
        self.sc, self.strategy, self.start, self.stop = sc, strategy, start, stop
        self.n = stop - start
        self.traits = draw_traits(sc, seed, start, stop)
        self.life = LifeStream(sc, seed, start, stop)
        self.today: DayLife = self.life.next_day()
        self.state = State(self.traits, len(strategy.templates))
        self.obs = Observations(self.n)
        self.ids = np.arange(start, stop, dtype=np.int64)
        self.books = Books.observed(sc, self.obs, self.ids, self.traits.arrival_minute)
        self.queue = Queue(self.n)
        self.draws = draws or VectorDraws(sc, seed, start, stop)
        self.log = TouchLog(touch_log, STATS_COLUMNS if stats_only else None)
        mail = VectorMail(self.queue, sc, self.traits)
        self.touching = Touching(sc, self.state, self.obs, self.log, self.draws, mail, start)

    def run(self) -> None:
        sc, st, obs, w = self.sc, self.state, self.obs, self.touching
        for day in range(sc.horizon):
            self.draws.new_day(day)
            due = self.queue.start_day(day)
            if day > 0:
                self.today = self.life.next_day()
            w.today = self.today
            here = self._arrived(day)
            if sc.leads.arrival_hours:
                self._inquiries(day)
            start_day(sc, st, obs, self.today, day, here)
            plan = plan_day(sc, self.strategy, day, obs, self.ids, self.books)
            self._events(day, plan, due)
            end_day(sc, st, day, here)

    def _inquiries(self, day: int) -> None:
        """Leads who inquire today during working hours were free at that minute."""
        new = np.flatnonzero(self.obs.arrival_day == day)
        at = self.traits.arrival_minute[new]
        work = in_working_hours(at, self.traits.work_start[new], self.sc.calendar.workday_hours)
        self.draws.calls.inquired(day, new[work], at[work])

    def _arrived(self, day: int) -> slice | I64:
        """The prospects in the rep's book by ``day`` (all, as a slice, unless they arrive
        day by day)."""
        if not self.books.staggered:
            return slice(None)
        return np.flatnonzero(self.obs.arrival_day <= day)

    def _events(self, day: int, plan: TouchPlan, due: I64) -> None:
        """The day's touches and triage sessions, each prospect's in time order (sessions
        first on a tie); only prospects with something to do take part."""
        touched = plan.touched()
        cols = _union(touched, due, self.n) if len(due) else touched
        planned = plan.channel.take(cols, axis=1) >= 0
        minute = np.where(planned, plan.minute.take(cols, axis=1).astype(float), np.inf)
        while len(cols):
            t_touch, slot = min_slot(minute)
            t_item, qslot = self.queue.next_due(cols)
            item = (t_item < np.inf) & (t_item <= t_touch)
            touch = ~item & (t_touch < np.inf)
            live = item | touch
            if not live.all():
                keep = np.flatnonzero(live)
                cols, t_touch, slot = cols.take(keep), t_touch.take(keep), slot.take(keep)
                minute = minute.take(keep, axis=1)
                t_item, qslot, item, touch = t_item[keep], qslot[keep], item[keep], touch[keep]
            if touch.any():
                j = np.flatnonzero(touch)
                who, s = cols[j], slot[j]
                minute.reshape(-1)[s * minute.shape[1] + j] = np.inf  # flat: no 2-D fancy index
                at = s * plan.channel.shape[1] + who
                ch, when, tpl, flags = (a.take(at).astype(np.int64) for a in (
                    plan.channel, plan.minute, plan.template, plan.flags))  # fmt: skip
                make_touches(self.touching, day, who, ch, when, tpl, flags)
            if item.any():
                j = np.flatnonzero(item)
                who, q = cols[j], qslot[j]
                batch = self._items(q, who)
                self.queue.pop(who, q)
                # another item of the prospect may join this session: one is due at its minute,
                # or a touch at that minute may send one (the session runs first)
                more = (t_touch[j] == t_item[j]) | (self.queue.first[who] == batch.minute)
                triage(self.touching, day, _with_more(batch, more))

    def _items(self, q: I64, idx: I64) -> Items:
        """The queue's items at slots ``q`` of prospects ``idx``, as a batch."""
        at = self.queue.at(q, idx)
        return Items(idx, *(getattr(self.queue, name).take(at) for name in _ITEM_FIELDS))

    def outcome_columns(self) -> dict[str, NDArray[np.generic]]:
        return self.state.outcome_columns(self.start) | self.books.columns(self.ids)


_ITEM_FIELDS = (
    "channel", "flags", "template", "attempt", "record", "blocked", "touch_day", "touch_minute",
    "day", "minute",
)  # fmt: skip
"""The queue's columns, in the order of ``Items``' fields after ``idx``."""


def _with_more(items: Items, more: B) -> Items:
    return Items(
        items.idx, items.channel, items.flags, items.template, items.attempt, items.record,
        items.blocked, items.touch_day, items.touch_minute, items.day, items.minute, more,
    )  # fmt: skip


def _union(a: I64, b: I64, n: int) -> I64:
    """Sorted union of two sets of prospects out of ``n`` (a mask: no sort, no hashing)."""
    mask = np.zeros(n, dtype=bool)
    mask[a] = True
    mask[b] = True
    return np.flatnonzero(mask)


__all__ = ["Chunk", "VectorDraws", "VectorMail"]
