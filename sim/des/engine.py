"""The discrete-event engine (``engine="des"``): SimPy, a minute clock, one process per prospect.

Processes are plain generator functions:

- ``prospect_days``: each prospect lives through its business days (00:00 day start: decay,
  urgency, need arising; 23:59 day end: competitors).
- ``rep``: at 00:01 of each business day the strategy decides the day's touches from what the
  rep has observed; each touch becomes a ``touch`` process at its minute.
- ``touch``: a call plays out against the prospect's day (working hours, away, office, the
  meetings and interruptions of that day, caller-ID screening); a message goes to its inbox.
- ``triage``: at the inbox's next triage session the competitors that arrived in the window
  are drawn item by item and ranked against yours; the prospect reads the top ``attention``.

State changes are the shared ``sim.dynamics`` functions; the DES decides when they happen.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Generator as Gen
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import simpy
from numpy.random import Generator

from ..behaviour import in_working_hours, load_per_window, p_pickup, salience, session_minutes
from ..capacity import Books, plan_day
from ..channels import CALLS, INBOX_OF, MESSAGES, Channel, Inbox
from ..clock import (
    DAY_END_MINUTE,
    DAY_START_MINUTE,
    PLAN_MINUTE,
    absolute_minute,
    format_time,
    parse_time,
)
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
from ..outcomes import TOUCH_COLUMNS, Result, Status, prospects_frame, touches_frame
from ..population import SEGMENT_NAMES, DayLife, draw_population
from ..scenario import Scenario
from ..strategy.base import Observations, Opt, Strategy
from ..streams import stream
from .day import DaySchedule, draw_day

Events = Gen[simpy.Event, Any, None]

# Touch-log record fields (a record is a list, filled in as the touch resolves).
R_RESULT, R_VM_LEFT, R_VM_HEARD, R_READ_DAY, R_RESPONSE, R_OPTED_OUT, R_MINUTES, R_COST = range(
    6, 14
)


@dataclass(frozen=True)
class Touch:
    day: int
    minute: int
    channel: Channel
    template: int
    """Template index for habituation, -1 when varied."""
    template_name: str
    flags: int


@dataclass(frozen=True)
class Item:
    """A message waiting in an inbox."""

    channel: Channel
    touch: Touch
    record: list[Any]
    attempt: int
    blocked: bool = False


@dataclass
class World:
    """What the processes of one strategy run share."""

    sc: Scenario
    strategy: Strategy
    seed: int
    first_id: int
    n: int
    trace_ids: Sequence[int] = ()
    env: simpy.Environment = field(default_factory=simpy.Environment)
    log: list[list[Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.traits, self.life = draw_population(
            self.sc, self.seed, self.first_id, self.first_id + self.n
        )
        self.state = State(self.traits, len(self.strategy.templates))
        self.obs = Observations(self.n)
        self.ids = np.arange(self.first_id, self.first_id + self.n, dtype=np.int64)
        self.books = Books.observed(self.sc, self.obs, self.ids)
        self.hours = self.sc.calendar.workday_hours
        cal = self.sc.calendar
        self.evening = cal.evening_session
        self.traces: dict[int, list[tuple[Any, ...]]] = {i: [] for i in self.trace_ids}
        self._rngs: dict[tuple[int, str], Generator] = {}
        self._days: dict[tuple[int, int], DaySchedule] = {}
        self._today = (-1, self.life.day(0))

    def rng(self, i: int, name: str) -> Generator:
        """Prospect ``i``'s sequential stream for one kind of decision."""
        key = (i, name)
        if key not in self._rngs:
            self._rngs[key] = stream(self.seed, f"des:{name}", self.first_id + i)
        return self._rngs[key]

    def today(self, day: int) -> DayLife:
        """The day's exogenous life (views into ``life``), shared by all prospects."""
        if self._today[0] != day:
            self._today = (day, self.life.day(day))
        return self._today[1]

    def day(self, i: int, day: int) -> DaySchedule:
        key = (i, day)
        if key not in self._days:
            ws = float(self.traits.work_start[i])
            self._days[key] = draw_day(self.sc, self.seed, self.first_id + i, day, ws)
        return self._days[key]

    def sessions(self, i: int, inbox: Inbox) -> list[float]:
        habits = self.sc.inboxes.of(inbox)
        return session_minutes(
            float(self.traits.work_start[i]),
            self.hours,
            habits.triage_per_day,
            bool(self.traits.always_on[i]) and habits.evening,
            self.evening,
        )

    def working(self, i: int, minute: float) -> bool:
        return bool(in_working_hours(minute, self.traits.work_start[i], self.hours))

    def note(self, i: int, day: int, minute: float | None, kind: str, text: str) -> None:
        if i in self.traces:
            self.traces[i].append((day, minute, kind, text))

    def wait_until(self, day: int, minute: float) -> simpy.Timeout:
        return self.env.timeout(absolute_minute(day, minute) - self.env.now)


# --- processes -----------------------------------------------------------------------------


def rep(w: World) -> Events:
    """The rep: each business day, the strategy plans the touches; each becomes a process."""
    for day in range(w.sc.horizon):
        yield w.wait_until(day, PLAN_MINUTE)
        plan = plan_day(w.sc, w.strategy, day, w.obs, w.ids, w.books)
        for slot in range(plan.slots):
            for i in np.flatnonzero(plan.channel[slot] >= 0):
                tpl = int(plan.template[slot, i])
                flags = int(plan.flags[slot, i])
                varied = bool(flags & Opt.vary_template)
                name = w.strategy.templates[tpl] if tpl >= 0 else ""
                t = Touch(
                    day=day,
                    minute=int(plan.minute[slot, i]),
                    channel=Channel(int(plan.channel[slot, i])),
                    template=-1 if varied else tpl,
                    template_name=name,
                    flags=flags,
                )
                w.env.process(touch(w, int(i), t))


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


def touch(w: World, i: int, t: Touch) -> Events:
    """One touch at its minute: cancelled if the rep has heard back today or the file is closed."""
    yield w.wait_until(t.day, t.minute)
    obs = w.obs
    if not obs.may_touch(t.day, i):
        w.note(i, t.day, t.minute, "cancelled", f"{t.channel.name} not made: already heard back")
        return
    spec = w.sc.channels.of(t.channel)
    charge(w.state, obs, i, t.day, spec.rep_minutes, spec.cost)
    attempt = int(obs.attempts[i])
    name = t.template_name + (f"#{attempt}" if t.flags & Opt.vary_template else "")
    record: list[Any] = [w.first_id + i, attempt, t.day, t.minute, int(t.channel), name]
    record += [Result.not_reachable, False, False, np.nan, -1, False, spec.rep_minutes, spec.cost]
    w.log.append(record)
    if t.channel in CALLS:
        _call(w, i, t, record, attempt)
    elif t.channel in MESSAGES:
        _send(w, i, t, record, attempt)
    elif t.channel is Channel.page:
        _page(w, i, t, record, attempt)
    elif t.channel is Channel.receptionist:
        _receptionist(w, i, t, record)
    else:
        _escalate(w, i, t, record)


def triage(w: World, i: int, item: Item, day: int, minute: float) -> Events:
    """The message waits for its inbox's next triage session, then is ranked and maybe read."""
    inbox = INBOX_OF[item.channel]
    sessions = w.sessions(i, inbox)
    k = bisect_left(sessions, minute)
    if k == len(sessions):
        day, k = day + 1, 0
    if day >= w.sc.horizon:
        return
    yield w.wait_until(day, sessions[k])
    sc, st, tr = w.sc, w.state, w.traits
    if st.closed(i):
        return
    if w.life.away[day, i]:
        _track(w, i, item, day, read=False)
        return
    habits = sc.inboxes.of(inbox)
    t = item.touch
    spec = sc.channels.of(item.channel)
    count = int(st.habituation_count(t.template, i))
    s = salience(
        spec.salience,
        sc.salience,
        value=bool(t.flags & Opt.value),
        referral=item.channel is Channel.referral,
        favored=_favored(w, i, item.channel),
        recall=st.r[i],
        primed=0 <= day - st.primed_day[i] <= sc.salience.priming_days,
        habituation_count=count,
    )
    evening = bool(tr.always_on[i]) and habits.evening
    lam = load_per_window(tr.load[inbox, i], habits.triage_per_day, evening)
    rng = stream(w.seed, "des:inbox", w.first_id + i, day, inbox, k)
    competitors = rng.standard_normal(rng.poisson(float(lam)))
    outranked_by = int(np.count_nonzero(competitors > s))
    at = sessions[k]
    if outranked_by >= habits.attention:
        text = f"{item.channel.name} from you buried: {outranked_by} of {len(competitors)}"
        w.note(i, day, at, "buried", f"{text} new items rank higher (reads {habits.attention})")
        _track(w, i, item, day, read=False)
        return
    _track(w, i, item, day, read=True)
    w.note(i, day, at, "read", f"reads your {item.channel.name} '{t.template_name}' "
           f"({outranked_by} of {len(competitors)} new items ranked higher)")  # fmt: skip
    rec = item.record
    rec[R_VM_HEARD if item.channel is Channel.voicemail else R_RESULT] = (
        True if item.channel is Channel.voicemail else Result.read
    )
    rec[R_READ_DAY] = day
    if perceive(sc, st, w.obs, i, day, annoyance=spec.annoyance, recall=spec.recall, flags=t.flags):
        _opted_out(w, i, day, at, rec)
        return
    if item.channel is Channel.voicemail:
        st.primed_day[i] = day
        if not item.blocked:
            st.known[i] = True
        if t.flags & Opt.promise_next_call:
            st.promised_day[i], st.promised_minute[i] = t.day + 1, t.minute
    if item.channel is Channel.gift:
        st.reciprocity[i] += 1
    _respond(w, i, t, rec, item.channel, day, at, live=False, attempt=item.attempt)
    if t.flags & Opt.value:
        st.u[i] += sc.urgency.value_boost


def _track(w: World, i: int, item: Item, day: int, *, read: bool) -> None:
    """The rep's email tracking sees the session's outcome (with misses and false opens)."""
    shown = (
        item.channel is Channel.email
        and w.sc.tracking.enabled
        and track_open(w.sc, w.obs, i, day, read, w.rng(i, "tracking").random())
    )
    if shown:
        w.note(i, day, None, "tracking", "your tracking shows the email as opened")


# --- touch kinds ---------------------------------------------------------------------------


def _call(w: World, i: int, t: Touch, rec: list[Any], attempt: int) -> None:
    sc, st, life = w.sc, w.state, w.life
    d, m = t.day, t.minute
    blocked = bool(t.flags & Opt.block_caller_id)
    reach = w.working(i, m) and not life.away[d, i]
    reach &= t.channel is Channel.call_cell or bool(life.in_office(d, i))
    kept = reach and not blocked and st.promised_day[i] == d and st.promised_minute[i] == m
    if kept:
        st.reciprocity[i] += 1
        st.promised_day[i] = -1
        w.note(i, d, m, "promise", "you call exactly when you promised")
    result = Result.not_reachable
    if not reach:
        w.note(i, d, m, "call", f"{t.channel.name} rings out: {_whereabouts(w, i, d, m)}")
    else:
        sched = w.day(i, d)
        if sched.in_meeting(m) or sched.interrupted(m):
            result = Result.busy
            doing = "in a meeting" if sched.in_meeting(m) else "interrupted"
            w.note(i, d, m, "call", f"{t.channel.name} rings while they are {doing}")
        else:
            result = Result.screened
            spec = sc.channels.of(t.channel)
            if not blocked:
                st.primed_day[i] = d
                if perceive(sc, st, w.obs, i, d, annoyance=spec.annoyance, recall=spec.recall):
                    rec[R_RESULT] = result
                    _opted_out(w, i, d, m, rec)
                    return
            p = p_pickup(
                sc.population.screening,
                known=bool(st.known[i]) and not blocked,
                annoyance_ratio=st.a[i] / w.traits.tolerance[i],
                promise_kept=kept,
                reciprocity=st.reciprocity[i],
                favored_phone=w.traits.favored[i] == 1,
            )
            if w.rng(i, "pickup").random() < p:
                rec[R_RESULT] = Result.picked_up
                w.note(i, d, m, "call", f"picks up the {t.channel.name} (chance {float(p):.2f})")
                _converse(w, i, t, rec, attempt, blocked=blocked, number_shown=not blocked)
                return
            w.note(i, d, m, "call", f"sees the call and lets it ring (chance {float(p):.2f})")
    rec[R_RESULT] = result
    if t.flags & Opt.leave_voicemail:
        charge_voicemail(sc, st, w.obs, i, d)
        rec[R_VM_LEFT] = True
        rec[R_MINUTES] += sc.channels.voicemail.rep_minutes
        rec[R_COST] += sc.channels.voicemail.cost
        item = Item(Channel.voicemail, t, rec, attempt, blocked=blocked)
        w.env.process(triage(w, i, item, d, m))


def _converse(
    w: World, i: int, t: Touch, rec: list[Any], attempt: int, *, blocked: bool, number_shown: bool
) -> None:
    """A live conversation (a call picked up, a page answered). A call from a visible number
    makes the number known; a blocked call is perceived only now, when they hear who it is."""
    sc, st, obs = w.sc, w.state, w.obs
    d, m = t.day, t.minute
    obs.last_pickup_day[i] = d
    spec = sc.channels.of(t.channel)
    extra = spec.annoyance if blocked else 0.0
    recall = sc.channels.live_recall + (spec.recall if blocked else 0.0)
    if perceive(sc, st, obs, i, d, annoyance=extra, recall=recall, flags=t.flags):
        _opted_out(w, i, d, m, rec)
        return
    if number_shown:
        st.known[i] = True
    if t.flags & Opt.ground_rules:
        st.permission[i] = True
        obs.favored_known[i] = w.traits.favored[i]
    if t.flags & Opt.promise_next_call:
        st.promised_day[i], st.promised_minute[i] = d + 1, m
    _respond(w, i, t, rec, t.channel, d, m, live=True, attempt=attempt)  # no habituation


def _respond(
    w: World, i: int, t: Touch, rec: list[Any], channel: Channel, day: int, minute: float,
    *, live: bool, attempt: int,
) -> None:  # fmt: skip
    st = w.state
    before = Status(st.status[i])
    code = engage(
        w.sc, st, w.obs, i, day,
        channel=int(channel), flags=t.flags, live=int(live), template=-1 if live else t.template,
        attempt=attempt, u_response=w.rng(i, "response").random(),
    )  # fmt: skip
    rec[R_RESPONSE] = int(code)
    after = Status(st.status[i])
    words = ("ignores it", "responds positively", "says no", "says they bought elsewhere")
    change = f" (status {before.name} -> {after.name})" if after is not before else ""
    w.note(i, day, minute, "decides", f"{words[int(code)]}{change}")


def _send(w: World, i: int, t: Touch, rec: list[Any], attempt: int) -> None:
    if t.channel is Channel.fax and not w.traits.has_fax[i]:
        rec[R_RESULT] = Result.undeliverable
        w.note(i, t.day, t.minute, "send", "fax undeliverable: they have no fax")
        return
    rec[R_RESULT] = Result.unread
    delay = w.sc.channels.of(t.channel).delay_days
    day, minute = (t.day + delay, 0.0) if delay else (t.day, float(t.minute))
    w.note(i, t.day, t.minute, "send", f"you send a {t.channel.name}: '{t.template_name}'")
    w.env.process(triage(w, i, Item(t.channel, t, rec, attempt), day, minute))


def _page(w: World, i: int, t: Touch, rec: list[Any], attempt: int) -> None:
    sc, st, life = w.sc, w.state, w.life
    d, m = t.day, t.minute
    if not (w.working(i, m) and life.in_office(d, i) and not life.away[d, i]):
        w.note(i, d, m, "page", f"the operator cannot page them: {_whereabouts(w, i, d, m)}")
        return
    spec = sc.channels.page
    rec[R_RESULT] = Result.screened
    if perceive(sc, st, w.obs, i, d, annoyance=spec.annoyance, recall=spec.recall):
        _opted_out(w, i, d, m, rec)
        return
    if w.rng(i, "pickup").random() < sc.population.screening.page_answer:
        rec[R_RESULT] = Result.picked_up
        w.note(i, d, m, "page", "paged by the operator, comes to the phone")
        _converse(w, i, t, rec, attempt, blocked=False, number_shown=False)
    else:
        w.note(i, d, m, "page", "paged by the operator, does not come to the phone")


def _receptionist(w: World, i: int, t: Touch, rec: list[Any]) -> None:
    d, m = t.day, t.minute
    cal = w.sc.calendar
    if not parse_time(cal.reception_open) <= m < parse_time(cal.reception_close):
        w.note(i, d, m, "receptionist", "nobody at the front desk")
        return
    away = bool(w.life.away[d, i])
    w.obs.away_until[i] = w.life.away_until[d, i] if away else -1
    rec[R_RESULT] = Result.away_reported if away else Result.in_reported
    text = f"away until day {w.life.away_until[d, i]}" if away else "in today"
    w.note(i, d, m, "receptionist", f"the receptionist says they are {text}")


def _escalate(w: World, i: int, t: Touch, rec: list[Any]) -> None:
    sc, st = w.sc, w.state
    spec = sc.channels.escalation
    rec[R_RESULT] = Result.escalated
    w.note(i, t.day, t.minute, "escalation", "your manager calls their boss")
    if perceive(sc, st, w.obs, i, t.day, annoyance=spec.annoyance, recall=spec.recall):
        _opted_out(w, i, t.day, t.minute, rec)
        return
    st.escalated[i] = True


def _opted_out(w: World, i: int, day: int, minute: float, rec: list[Any]) -> None:
    rec[R_OPTED_OUT] = True
    w.note(i, day, minute, "opt-out", "has had enough of you: opts out")


def _favored(w: World, i: int, channel: Channel) -> bool:
    from ..channels import favored_code

    return favored_code(channel) == int(w.traits.favored[i])


def _whereabouts(w: World, i: int, day: int, minute: float) -> str:
    if w.life.away[day, i]:
        return f"away until day {w.life.away_until[day, i]}"
    if not w.working(i, minute):
        return f"outside working hours (from {format_time(w.traits.work_start[i])})"
    return "not at the desk today"


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
    traces: dict[int, list[tuple[Any, ...]]]


def run_des(
    scenario: Scenario,
    strategy: Strategy,
    n: int,
    seed: int,
    *,
    first_id: int = 0,
    trace: Sequence[int] = (),
) -> DesOutput:
    """Run one strategy on prospects ``first_id`` to ``first_id + n - 1``."""
    return run_world(World(scenario, strategy, seed, first_id, n, trace_ids=tuple(trace)))


def run_world(w: World) -> DesOutput:
    """Run a prepared world to the end of the horizon (tests prepare hand-made prospects)."""
    scenario, strategy, first_id, n = w.sc, w.strategy, w.first_id, w.n
    for i in range(n):
        w.env.process(prospect_days(w, i))
    w.env.process(rep(w))
    w.env.run(until=absolute_minute(scenario.horizon - 1, DAY_END_MINUTE) + 1)
    columns = w.state.outcome_columns(first_id) | w.books.columns(w.ids)
    prospects = prospects_frame(strategy.name, columns)
    touches = touches_frame(strategy.name, pd.DataFrame(w.log, columns=TOUCH_COLUMNS[1:]))
    traces = {w.first_id + i: events for i, events in w.traces.items()}
    return DesOutput(prospects, touches, traces)


__all__ = ["DesOutput", "World", "run_des", "run_world"]
