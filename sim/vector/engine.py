"""The vectorized engine (``engine="vector"``): the same model, arrays over prospects.

One business day per step. Within a day each prospect's events (the touches the strategy
planned, and the triage sessions of items waiting in its inboxes) are taken in time order,
one per prospect per pass, so a day costs a few array passes whatever the number of
prospects. Where the DES plays a mechanism out event by event, this engine draws from its
exact marginal: being free at a call's minute (the stationary meeting and interruption
occupancy at that minute), reading an item (P(K < A), K Poisson). State changes, strategy
decisions and the population are the same code as the DES (``sim.dynamics``,
``sim.strategy``, ``sim.population``). Results do not depend on the chunk size or the number
of worker processes.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..aggregate import StrategyStats
from ..behaviour import (
    in_working_hours,
    load_per_window,
    next_session,
    p_pickup,
    salience,
)
from ..capacity import Books, plan_day
from ..channels import FAVORED_CODE, INBOX_CODE, Channel, Inbox
from ..clock import parse_time
from ..dynamics import (
    State,
    charge,
    charge_voicemail,
    end_day,
    engage,
    perceive,
    start_day,
    track_open,
)
from ..outcomes import TOUCH_COLUMNS, Result, prospects_frame, touches_frame
from ..population import DayLife, LifeStream, draw_traits
from ..scenario import Scenario
from ..strategy.base import Observations, Opt, Strategy, TouchPlan
from .draws import DayDraws
from .heap import keep_freed_memory
from .queue import Queue
from .sameday import SameDayCalls, SameSession
from .slots import min_slot

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
B = NDArray[np.bool_]
DEFAULT_CHUNK = 65_536
_CALL = np.array([c in (Channel.call_desk, Channel.call_cell) for c in Channel])
_MESSAGE = np.array([code >= 0 for code in INBOX_CODE])
_INBOX = np.array(INBOX_CODE, dtype=np.int64)
_FAVORED = np.array(FAVORED_CODE, dtype=np.int64)


class Tables:
    """Per-channel and per-inbox parameters as arrays, for lookups by code."""

    def __init__(self, sc: Scenario) -> None:
        specs = [sc.channels.of(c) for c in Channel]
        self.minutes = np.array([s.rep_minutes for s in specs])
        self.cost = np.array([s.cost for s in specs])
        self.annoyance = np.array([s.annoyance for s in specs])
        self.recall = np.array([s.recall for s in specs])
        self.salience = np.array([s.salience for s in specs])
        self.delay = np.array([s.delay_days for s in specs], dtype=np.int64)
        habits = [sc.inboxes.of(b) for b in Inbox]
        self.triage = np.array([h.triage_per_day for h in habits], dtype=np.int64)
        self.attention = np.array([h.attention for h in habits], dtype=np.int64)
        self.evening = np.array([h.evening for h in habits])


class TouchLog:
    """The touch log as growing column arrays; later stages update rows by record id."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.parts: dict[str, list[NDArray[Any]]] = {}
        self.updates: dict[str, list[tuple[I64, NDArray[Any]]]] = {}
        self.size = 0

    def add(self, **columns: NDArray[Any]) -> I64:
        n = len(next(iter(columns.values())))
        ids = np.arange(self.size, self.size + n)
        self.size += n
        if self.enabled:
            for name, values in columns.items():
                self.parts.setdefault(name, []).append(np.asarray(values))
        return ids

    def set(self, name: str, ids: I64, values: object) -> None:
        if self.enabled and len(ids):
            vals = np.broadcast_to(np.asarray(values), ids.shape).copy()
            self.updates.setdefault(name, []).append((ids, vals))

    def columns(self) -> dict[str, NDArray[Any]]:
        cols = {name: np.concatenate(parts) for name, parts in self.parts.items()}
        for name, updates in self.updates.items():
            for ids, values in updates:
                cols[name][ids] = values
        return cols


@dataclass
class Chunk:
    """One chunk of prospects being simulated under one strategy."""

    sc: Scenario
    strategy: Strategy
    seed: int
    start: int
    stop: int
    touch_log: bool
    n: int = field(init=False)

    def __post_init__(self) -> None:
        self.n = self.stop - self.start
        self.traits = draw_traits(self.sc, self.seed, self.start, self.stop)
        self.life = LifeStream(self.sc, self.seed, self.start, self.stop)
        self.today: DayLife = self.life.next_day()
        self.state = State(self.traits, len(self.strategy.templates))
        self.obs = Observations(self.n)
        self.ids = np.arange(self.start, self.stop, dtype=np.int64)
        self.books = Books.observed(self.sc, self.obs, self.ids)
        self.draws = DayDraws(self.seed, self.start, self.stop)
        self.queue = Queue(self.n)
        self.calls = SameDayCalls(self.sc, self.n)
        self.sessions = SameSession(len(Inbox), self.n)
        self.log = TouchLog(self.touch_log)
        self.t = Tables(self.sc)
        self.all = np.arange(self.n)
        self.hours = self.sc.calendar.workday_hours
        self.evening = self.sc.calendar.evening_session

    # -- the day loop -----------------------------------------------------------------------

    def run(self) -> None:
        sc, st, obs = self.sc, self.state, self.obs
        for day in range(sc.horizon):
            self.draws.new_day(day)
            due = self.queue.start_day(day)
            if day > 0:
                self.today = self.life.next_day()
            here = self._arrived(day)
            start_day(sc, st, obs, self.today, day, here)
            plan = plan_day(sc, self.strategy, day, obs, self.ids, self.books)
            self._events(day, plan, due)
            end_day(sc, st, day, here)

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
                cols, minute, t_touch, slot = cols[keep], minute[:, keep], t_touch[keep], slot[keep]
                t_item, qslot, item, touch = t_item[keep], qslot[keep], item[keep], touch[keep]
            if touch.any():
                j = np.flatnonzero(touch)
                who, s = cols[j], slot[j]
                minute[s, j] = np.inf
                at = s * plan.channel.shape[1] + who
                self._touch(day, who, *(a.take(at).astype(np.int64) for a in (
                    plan.channel, plan.minute, plan.template, plan.flags)))  # fmt: skip
            if item.any():
                j = np.flatnonzero(item)
                who, q = cols[j], qslot[j]
                batch = Batch.of_queue(self.queue, q, who)
                self.queue.pop(who, q)
                self._triage(day, batch, touch_now=t_touch[j] == t_item[j])

    # -- touches ----------------------------------------------------------------------------

    def _touch(self, d: int, idx: I64, ch: I64, minute: I64, tpl: I64, flags: I64) -> None:
        obs, st, t = self.obs, self.state, self.t
        go = obs.may_touch(d, idx)
        idx, ch, minute, tpl, flags = idx[go], ch[go], minute[go], tpl[go], flags[go]
        if not len(idx):
            return
        charge(st, obs, idx, d, t.minutes[ch], t.cost[ch])
        attempt = obs.attempts[idx].astype(np.int64)
        varied = (flags & Opt.vary_template) != 0
        rec = self._record(d, idx, attempt, minute, ch, np.where(varied, -1 - tpl, tpl))
        tpl_key = np.where(varied, -1, tpl)
        args = (minute, ch, tpl_key, flags, attempt, rec)
        for mask, fn in (
            (_CALL[ch], self._call),
            (_MESSAGE[ch], self._send),
            (ch == Channel.page, self._page),
            (ch == Channel.receptionist, self._receptionist),
            (ch == Channel.escalation, self._escalate),
        ):
            if mask.all():
                fn(d, idx, *args)
            elif mask.any():
                fn(d, idx[mask], *(a[mask] for a in args))

    def _record(self, d: int, idx: I64, attempt: I64, minute: I64, ch: I64, tpl: I64) -> I64:
        """New touch-log rows (ids only when the log is off)."""
        k = len(idx)
        if not self.log.enabled:
            return self.log.add(prospect=idx)
        t = self.t
        return self.log.add(
            prospect=self.start + idx, attempt=attempt, day=np.full(k, d), minute=minute,
            channel=ch, template=tpl, result=np.full(k, int(Result.not_reachable)),
            voicemail_left=np.zeros(k, bool), voicemail_heard=np.zeros(k, bool),
            read_day=np.full(k, np.nan), response=np.full(k, -1), opted_out=np.zeros(k, bool),
            rep_minutes=t.minutes[ch], cost=t.cost[ch],
        )  # fmt: skip

    def _call(self, d: int, idx: I64, minute: I64, ch: I64, tpl: I64, flags: I64,
              attempt: I64, rec: I64) -> None:  # fmt: skip
        sc, st, t = self.sc, self.state, self.t
        blocked = (flags & Opt.block_caller_id) != 0
        reach = in_working_hours(minute, self.traits.work_start[idx], self.hours)
        reach &= ~self.today.away(idx) & ((ch == Channel.call_cell) | self.today.in_office(idx))
        kept = reach & ~blocked & (st.promised_day[idx] == d) & (st.promised_minute[idx] == minute)
        st.reciprocity[idx[kept]] += 1
        st.promised_day[idx[kept]] = -1
        free = np.zeros(len(idx), dtype=bool)
        if reach.any():
            who, at = idx[reach], minute[reach]
            free[reach] = self.calls.free(d, who, at, self.draws.take(who))
        ring = reach & free
        result = np.where(
            ~reach, Result.not_reachable, np.where(~free, Result.busy, Result.screened)
        )
        visible = ring & ~blocked
        st.primed_day[idx[visible]] = d
        opted = np.zeros(len(idx), dtype=bool)
        if visible.any():
            opted[visible] = perceive(sc, st, self.obs, idx[visible], d,
                                      annoyance=t.annoyance[ch[visible]],
                                      recall=t.recall[ch[visible]])  # fmt: skip
        self.log.set("opted_out", rec[opted], True)
        cand = ring & ~opted
        picked = np.zeros(len(idx), dtype=bool)
        if cand.any():
            c = idx[cand]
            p = p_pickup(
                sc.population.screening,
                known=st.known[c] & ~blocked[cand],
                annoyance_ratio=st.a[c] / self.traits.tolerance[c],
                promise_kept=kept[cand],
                reciprocity=st.reciprocity[c],
                favored_phone=self.traits.favored[c] == 1,
            )
            picked[cand] = self.draws.take(c) < p
        result = np.where(picked, Result.picked_up, result)
        self.log.set("result", rec, result)
        if picked.any():
            sel = picked
            self._converse(d, idx[sel], minute[sel], ch[sel], flags[sel], attempt[sel],
                           rec[sel], blocked=blocked[sel], shown=~blocked[sel])  # fmt: skip
        vm = ~picked & ~opted & ((flags & Opt.leave_voicemail) != 0)
        if vm.any():
            who = idx[vm]
            charge_voicemail(sc, st, self.obs, who, d)
            st_minutes = t.minutes[Channel.voicemail]
            self.log.set("voicemail_left", rec[vm], True)
            self.log.set("rep_minutes", rec[vm], t.minutes[ch[vm]] + st_minutes)
            self.log.set("cost", rec[vm], t.cost[ch[vm]] + t.cost[Channel.voicemail])
            self._enqueue(d, who, np.full(len(who), int(Channel.voicemail)), minute[vm],
                          tpl[vm], flags[vm], attempt[vm], rec[vm], blocked[vm],
                          np.full(len(who), d), minute[vm].astype(float))  # fmt: skip

    def _converse(self, d: int, idx: I64, minute: I64, ch: I64, flags: I64, attempt: I64,
                  rec: I64, *, blocked: B, shown: B) -> None:  # fmt: skip
        sc, st, obs, t = self.sc, self.state, self.obs, self.t
        obs.last_pickup_day[idx] = d
        extra = np.where(blocked, t.annoyance[ch], 0.0)
        recall = sc.channels.live_recall + np.where(blocked, t.recall[ch], 0.0)
        opted = perceive(sc, st, obs, idx, d, annoyance=extra, recall=recall, flags=flags)
        self.log.set("opted_out", rec[opted], True)
        ok = ~opted
        idx, minute, ch, flags, attempt, rec = (
            idx[ok], minute[ok], ch[ok], flags[ok], attempt[ok], rec[ok])  # fmt: skip
        st.known[idx[shown[ok]]] = True
        rules = (flags & Opt.ground_rules) != 0
        st.permission[idx[rules]] = True
        obs.favored_known[idx[rules]] = self.traits.favored[idx[rules]]
        promise = (flags & Opt.promise_next_call) != 0
        st.promised_day[idx[promise]] = d + 1
        st.promised_minute[idx[promise]] = minute[promise]
        self._engage(d, idx, ch, flags, np.full(len(idx), -1), attempt, rec, live=True)

    def _engage(self, d: int, idx: I64, ch: I64, flags: I64, tpl: I64, attempt: I64,
                rec: I64, *, live: bool) -> None:  # fmt: skip
        if not len(idx):
            return
        code = engage(
            self.sc, self.state, self.obs, idx, d, channel=ch, flags=flags, live=int(live),
            template=tpl, attempt=attempt, u_response=self.draws.take(idx),
        )  # fmt: skip
        self.log.set("response", rec, code)

    def _send(self, d: int, idx: I64, minute: I64, ch: I64, tpl: I64, flags: I64,
              attempt: I64, rec: I64) -> None:  # fmt: skip
        nofax = (ch == Channel.fax) & ~self.traits.has_fax[idx]
        if nofax.any():
            self.log.set("result", rec[nofax], int(Result.undeliverable))
            ok = ~nofax
            idx, minute, ch, tpl, flags, attempt, rec = (
                a[ok] for a in (idx, minute, ch, tpl, flags, attempt, rec)
            )
        self.log.set("result", rec, int(Result.unread))
        delay = self.t.delay[ch]
        arrival_minute = np.where(delay > 0, 0.0, minute.astype(float))
        self._enqueue(d, idx, ch, minute, tpl, flags, attempt, rec, np.zeros(len(idx), bool),
                      d + delay, arrival_minute)  # fmt: skip

    def _enqueue(self, d: int, idx: I64, ch: I64, touch_minute: I64, tpl: I64, flags: I64,
                 attempt: I64, rec: I64, blocked: B, arrival_day: I64,
                 arrival_minute: F64) -> None:  # fmt: skip
        if not len(idx):
            return
        inbox = _INBOX[ch]
        session_day = np.empty(len(idx), dtype=np.int64)
        session_minute = np.empty(len(idx))
        boxes = np.flatnonzero(np.bincount(inbox))
        for b in boxes:
            m = slice(None) if len(boxes) == 1 else inbox == b
            later, when = next_session(
                arrival_minute[m], self.traits.work_start[idx[m]], self.hours,
                int(self.t.triage[b]), self.traits.always_on[idx[m]] & self.t.evening[b],
                self.evening,
            )  # fmt: skip
            session_day[m] = arrival_day[m] + later
            session_minute[m] = when
        self.queue.push(
            idx, channel=ch, flags=flags, template=tpl, attempt=attempt, record=rec,
            blocked=blocked, touch_day=np.full(len(idx), d), touch_minute=touch_minute,
            day=session_day, minute=session_minute,
        )  # fmt: skip

    def _page(self, d: int, idx: I64, minute: I64, ch: I64, tpl: I64, flags: I64,
              attempt: I64, rec: I64) -> None:  # fmt: skip
        sc, st, t = self.sc, self.state, self.t
        reach = in_working_hours(minute, self.traits.work_start[idx], self.hours)
        reach &= self.today.in_office(idx) & ~self.today.away(idx)
        idx, minute, ch, flags, attempt, rec = (
            a[reach] for a in (idx, minute, ch, flags, attempt, rec)
        )
        if not len(idx):
            return
        self.log.set("result", rec, int(Result.screened))
        opted = perceive(sc, st, self.obs, idx, d, annoyance=t.annoyance[ch], recall=t.recall[ch])
        self.log.set("opted_out", rec[opted], True)
        ok = ~opted
        comes = np.zeros(len(idx), dtype=bool)
        comes[ok] = self.draws.take(idx[ok]) < sc.population.screening.page_answer
        self.log.set("result", rec[comes], int(Result.picked_up))
        none = np.zeros(int(comes.sum()), dtype=bool)
        self._converse(d, idx[comes], minute[comes], ch[comes], flags[comes], attempt[comes],
                       rec[comes], blocked=none, shown=none)  # fmt: skip

    def _receptionist(self, d: int, idx: I64, minute: I64, ch: I64, tpl: I64, flags: I64,
                      attempt: I64, rec: I64) -> None:  # fmt: skip
        cal = self.sc.calendar
        open_ = (minute >= parse_time(cal.reception_open)) & (
            minute < parse_time(cal.reception_close)
        )
        away = self.today.away(idx)
        self.obs.away_until[idx[open_]] = np.where(
            away[open_], self.today.away_until(idx[open_]), -1
        )
        result = np.where(away, Result.away_reported, Result.in_reported)
        self.log.set("result", rec[open_], result[open_])

    def _escalate(self, d: int, idx: I64, minute: I64, ch: I64, tpl: I64, flags: I64,
                  attempt: I64, rec: I64) -> None:  # fmt: skip
        st, t = self.state, self.t
        self.log.set("result", rec, int(Result.escalated))
        opted = perceive(self.sc, st, self.obs, idx, d, annoyance=t.annoyance[ch],
                         recall=t.recall[ch])  # fmt: skip
        self.log.set("opted_out", rec[opted], True)
        st.escalated[idx[~opted]] = True

    # -- reading ----------------------------------------------------------------------------

    def _triage(self, d: int, it: Batch, touch_now: B) -> None:
        """Triage sessions: each due item is read with chance P(K < A), then perceived.
        ``touch_now``: the prospect has a touch planned at the session's minute (run after
        it), whose item may join the session."""
        sc, st, t = self.sc, self.state, self.t
        open_ = ~st.closed(it.idx)
        it, touch_now = it.where(open_), touch_now[open_]
        if not len(it.idx):
            return
        away = self.today.away(it.idx)
        who, ch, flags = it.idx, it.channel, it.flags
        inbox = _INBOX[ch]
        since = d - st.primed_day[who]
        s = salience(
            t.salience[ch], sc.salience,
            value=(flags & Opt.value) != 0,
            referral=ch == Channel.referral,
            favored=_FAVORED[ch] == self.traits.favored[who],
            recall=st.r[who],
            primed=(since >= 0) & (since <= sc.salience.priming_days),
            habituation_count=st.habituation_count(it.template, who),
        )  # fmt: skip
        evening = self.traits.always_on[who] & t.evening[inbox]
        lam = load_per_window(self.traits.load[inbox, who], t.triage[inbox], evening)
        u = self.draws.take(who)
        more = touch_now | (self.queue.first[who] == it.minute)  # more for this session?
        read = ~away & self.sessions.read(
            d, who, inbox, it.minute, lam, s, t.attention[inbox], u, more
        )  # fmt: skip
        email = ch == Channel.email
        if sc.tracking.enabled and email.any():
            track_open(sc, self.obs, who[email], d, read[email], self.draws.take(who[email]))
        it = it.where(read)
        if not len(it.idx):
            return
        vm = it.channel == Channel.voicemail
        self.log.set("voicemail_heard", it.record[vm], True)
        self.log.set("result", it.record[~vm], int(Result.read))
        self.log.set("read_day", it.record, d)
        opted = perceive(sc, st, self.obs, it.idx, d, annoyance=t.annoyance[it.channel],
                         recall=t.recall[it.channel], flags=it.flags)  # fmt: skip
        self.log.set("opted_out", it.record[opted], True)
        it, vm = it.where(~opted), vm[~opted]
        who, flags = it.idx, it.flags
        st.primed_day[who[vm]] = d
        st.known[who[vm & ~it.blocked]] = True
        promise = vm & ((flags & Opt.promise_next_call) != 0)
        st.promised_day[who[promise]] = it.touch_day[promise] + 1
        st.promised_minute[who[promise]] = it.touch_minute[promise]
        st.reciprocity[who[it.channel == Channel.gift]] += 1
        self._engage(d, who, it.channel, flags, it.template, it.attempt, it.record, live=False)
        st.u[who[(flags & Opt.value) != 0]] += sc.urgency.value_boost


def _union(a: I64, b: I64, n: int) -> I64:
    """Sorted union of two sets of prospects out of ``n`` (a mask: no sort, no hashing)."""
    mask = np.zeros(n, dtype=bool)
    mask[a] = True
    mask[b] = True
    return np.flatnonzero(mask)


@dataclass(frozen=True)
class Batch:
    """Items taken out of the queue for triage: one entry per prospect in ``idx``."""

    idx: I64
    channel: I64
    flags: I64
    template: I64
    attempt: I64
    record: I64
    blocked: B
    touch_day: I64
    touch_minute: I64
    minute: F64
    """The minute of the triage session."""

    @classmethod
    def of_queue(cls, qu: Queue, q: I64, idx: I64) -> Batch:
        at = qu.at(q, idx)
        return cls(idx, *(getattr(qu, f.name).take(at) for f in fields(cls)[1:]))

    def where(self, mask: B) -> Batch:
        if mask.all():
            return self
        return Batch(*(getattr(self, f.name)[mask] for f in fields(self)))


@dataclass
class VectorOutput:
    """A run's per-prospect outcomes and touch log, or (streamed) only their statistics."""

    prospects: pd.DataFrame
    touches: pd.DataFrame
    stats: StrategyStats


ChunkTask = tuple[Scenario, Strategy, int, int, int, bool, bool]
ChunkResult = tuple[dict[str, Any], dict[str, Any], StrategyStats | None]


def _run_chunk(task: ChunkTask) -> ChunkResult:
    """Simulate one chunk; when streaming, return only its statistics (frames dropped here)."""
    sc, strategy, seed, start, stop, touch_log, streaming = task
    keep_freed_memory()
    chunk = Chunk(sc, strategy, seed, start, stop, touch_log or streaming)
    chunk.run()
    prospect_cols = chunk.state.outcome_columns(start) | chunk.books.columns(chunk.ids)
    log_cols = chunk.log.columns()
    if not streaming:
        return prospect_cols, log_cols, None
    prospects = prospects_frame(strategy.name, prospect_cols)
    return {}, {}, StrategyStats.of_log(prospects, log_cols)


def _touch_frame(strategy: Strategy, cols: dict[str, NDArray[Any]]) -> pd.DataFrame:
    if not cols:
        return touches_frame(strategy.name, pd.DataFrame(columns=TOUCH_COLUMNS[1:]))
    cols = dict(cols)
    cols["template"] = template_names(strategy.templates, cols["template"], cols["attempt"])
    return touches_frame(strategy.name, cols)


def template_names(templates: tuple[str, ...], code: I64, attempt: I64) -> NDArray[np.object_]:
    """Template names of the log: ``code`` indexes ``templates``; a varied template is
    ``-1 - code`` and is named ``name#attempt``. Strings are built once per distinct (code,
    attempt), not per touch."""
    width = int(attempt.max()) + 2 if len(attempt) else 1
    key = np.where(code < 0, code * width - attempt, code)
    uniq, inverse = np.unique(key, return_inverse=True)

    def name(i: int) -> str:
        return templates[i] if 0 <= i < len(templates) else ""

    labels = [
        name(k) if k >= 0 else f"{name((-k) // width - 1)}#{(-k) % width}" for k in uniq.tolist()
    ]
    return np.asarray(labels, dtype=object)[inverse]


def run_vector(
    scenario: Scenario,
    strategy: Strategy,
    n: int,
    seed: int,
    *,
    first_id: int = 0,
    chunk: int = DEFAULT_CHUNK,
    workers: int = 1,
    touch_log: bool = True,
    stream: bool = False,
) -> VectorOutput:
    """Run one strategy on prospects ``first_id`` to ``first_id + n - 1`` in chunks.

    ``stream``: keep only each chunk's sufficient statistics (``sim.aggregate``), so memory
    does not grow with ``n``; the outcome table and touch log are then empty.
    """
    if chunk < 1:
        raise ValueError("chunk must be >= 1")
    chunk = Books.of(scenario).align_chunk(chunk, first_id)
    bounds = [(s, min(s + chunk, first_id + n)) for s in range(first_id, first_id + n, chunk)]
    tasks = [(scenario, strategy, seed, a, b, touch_log, stream) for a, b in bounds]
    results: Iterable[ChunkResult]
    if workers > 1 and len(tasks) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_run_chunk, tasks))
    else:
        results = map(_run_chunk, tasks)
    if stream:
        total = StrategyStats()
        for _, _, part in results:
            assert part is not None
            total = total + part
        empty = _touch_frame(strategy, {})
        return VectorOutput(prospects_frame(strategy.name, _no_prospects()), empty, total)
    done = list(results)
    prospect_cols = {k: np.concatenate([r[0][k] for r in done]) for k in done[0][0]}
    prospects = prospects_frame(strategy.name, prospect_cols)
    log_cols: dict[str, NDArray[Any]] = {}
    if touch_log and any(r[1] for r in done):
        keys = next(r[1] for r in done if r[1]).keys()
        log_cols = {k: np.concatenate([r[1][k] for r in done if r[1]]) for k in keys}
    touches = _touch_frame(strategy, log_cols)
    return VectorOutput(
        prospects, touches, StrategyStats.of(prospects, touches if touch_log else None)
    )


def _no_prospects() -> dict[str, NDArray[Any]]:
    from ..outcomes import PROSPECT_COLUMNS

    return {c: np.zeros(0) for c in PROSPECT_COLUMNS[1:]}


__all__ = ["DEFAULT_CHUNK", "Chunk", "VectorOutput", "run_vector"]
