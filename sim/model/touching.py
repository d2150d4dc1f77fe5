"""The context the touch functions work on, and the batches and hooks an engine supplies.

``Touching`` binds the scenario, the prospects' state, the rep's observations and the touch
log to an engine's ``Draws`` (how chance events are decided), ``Mail`` (how an item reaches its
inbox's next triage session) and ``Tracer`` (where a traced prospect's story is told).
``Touches`` and ``Items`` are batches of touches being made and of messages in inboxes, one
entry per prospect. The functions themselves are in ``sim.model.touches`` (making a touch, the
receptionist, escalation), ``sim.model.calls`` (calls, pages, live conversations, responses)
and ``sim.model.messages`` (sending, triage, reading).
"""

from dataclasses import dataclass, field, fields
from typing import Any, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.model.behaviour import fading, in_working_hours, present, since_inquiry
from sim.model.channels import FAVORED_CODE, INBOX_CODE, Channel, Inbox
from sim.model.clock import format_time, parse_time
from sim.model.population import DayLife
from sim.model.scenario import Scenario
from sim.model.state import State
from sim.model.touchlog import TouchLog
from sim.strategy.base import Observations

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
B = NDArray[np.bool_]

IS_CALL = np.array([c in (Channel.call_desk, Channel.call_cell) for c in Channel])
IS_MESSAGE = np.array([code >= 0 for code in INBOX_CODE])
INBOX = np.array(INBOX_CODE, dtype=np.int64)
"""Inbox of each channel (-1: not a message)."""
FAVORED = np.array(FAVORED_CODE, dtype=np.int64)
"""Favoured venue each channel belongs to (-1: none)."""


class ChannelTables:
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


@dataclass(frozen=True)
class Batch:
    """Arrays with one entry per prospect of ``idx`` (each prospect at most once)."""

    idx: I64

    def where(self, mask: B) -> Any:
        """The entries where ``mask`` holds (the batch itself when it holds everywhere)."""
        if mask.all():
            return self
        at = np.flatnonzero(mask)  # one pass over the mask, then a gather per field
        kept: list[Any] = [
            None if v is None else v.take(at) for v in (getattr(self, f.name) for f in fields(self))
        ]
        return type(self)(*kept)


@dataclass(frozen=True)
class Touches(Batch):
    """Touches being made: one per prospect of ``idx``."""

    channel: I64
    minute: I64
    template: I64
    """Template code, -1 for a varied template (no habituation)."""
    flags: I64
    attempt: I64
    record: I64
    """Row of the touch in the log."""
    label: I64
    """The strategy's template index (for stories; a varied template keeps its name)."""


@dataclass(frozen=True)
class Items(Batch):
    """Messages (a voicemail, an email...) on their way to, or in, an inbox: one per prospect.

    ``day`` and ``minute``: when the item arrives (posted), or the triage session it is in."""

    channel: I64
    flags: I64
    template: I64
    attempt: I64
    record: I64
    blocked: B
    """A voicemail left from a blocked number (does not make the number known)."""
    touch_day: I64
    touch_minute: I64
    day: I64
    minute: F64
    more: B | None = None
    """Whether another item of the prospect may be triaged at the same minute (the
    vectorized engine's same-session draws; None: the engine does not say)."""
    label: I64 | None = None
    """The strategy's template index (for stories; None when nobody tells them)."""


class Draws(Protocol):
    """How an engine decides the chance events."""

    def free(self, day: int, idx: I64, minute: I64, channel: I64) -> B:
        """Whether prospects ``idx``, reachable by a call on ``channel``, are free (no
        meeting, no interruption)."""
        ...

    def uniform(self, decision: str, idx: I64) -> F64:
        """One uniform per prospect for ``decision``: ``pickup``, ``page``, ``response``,
        ``tracking``."""
        ...

    def read(self, day: int, items: Items, load: F64, s: F64, attention: I64, away: B) -> B:
        """Whether each item, of salience ``s`` against ``load`` competitors per window, is
        among the ``attention`` read (always False where ``away``)."""
        ...


class Mail(Protocol):
    """How an engine delivers an item to its inbox's next triage session."""

    def post(self, items: Items) -> None: ...


class Tracer(Protocol):
    """Where a traced prospect's story is told (the discrete-event engine)."""

    def note(
        self, idx: I64, day: int, minute: ArrayLike | None, kind: str, text: str, **data: Any
    ) -> None:
        """An event of prospects ``idx``: ``text`` is formatted with the prospect's entry of
        each of ``data`` (arrays or scalars), which is kept with the event."""
        ...


@dataclass
class Touching:
    """What the touch functions work on: the scenario, the prospects' state and the rep's
    observations, the touch log, and the engine's ``Draws``, ``Mail`` and ``Tracer``.
    ``today`` (the day's exogenous life) is set by the engine each business day."""

    sc: Scenario
    state: State
    obs: Observations
    log: TouchLog
    draws: Draws
    mail: Mail
    first_id: int = 0
    tracer: Tracer | None = None
    templates: tuple[str, ...] = ()
    """The strategy's template names (for stories)."""
    today: DayLife | None = None
    tables: ChannelTables = field(init=False)

    def __post_init__(self) -> None:
        self.tables = ChannelTables(self.sc)
        self.traits = self.state.traits
        cal = self.sc.calendar
        self.hours = cal.workday_hours
        self.reception = (parse_time(cal.reception_open), parse_time(cal.reception_close))

    @property
    def life(self) -> DayLife:
        assert self.today is not None, "the engine sets today's life before any touch"
        return self.today

    def note(
        self, idx: I64, day: int, minute: ArrayLike | None, kind: str, text: str, **data: Any
    ) -> None:
        if self.tracer is not None and len(idx):
            self.tracer.note(idx, day, minute, kind, text, **data)

    def pickup_bonus(self, idx: I64, day: int, minute: ArrayLike) -> F64:
        """Logit terms on picking up beyond screening: the weekday's, and a fresh inquirer's
        attention (``leads.attention_pickup``, fading over minutes since the inquiry)."""
        bonus = np.full(len(idx), self.sc.population.screening.weekday.values()[day % 5])
        leads = self.sc.leads
        if leads.attention_pickup:
            elapsed = since_inquiry(
                self.obs.arrival_day[idx], self.traits.arrival_minute[idx], day, minute
            )
            bonus += fading(leads.attention_pickup, elapsed, leads.attention_minutes)
        return bonus

    def present(self, idx: I64, day: int, minute: ArrayLike) -> B:
        """Leads still at the screen after their inquiry (``leads.presence_minutes``): reachable
        by a cell phone and free, whatever their day's meetings, interruptions or hours."""
        if not self.sc.leads.presence_minutes:
            return np.zeros(len(idx), dtype=bool)
        elapsed = since_inquiry(
            self.obs.arrival_day[idx], self.traits.arrival_minute[idx], day, minute
        )
        return present(elapsed, self.traits.presence[idx])

    def interest(self, idx: I64, day: int, minute: ArrayLike) -> F64 | float:
        """A fresh inquirer's interest: a logit term on a positive response
        (``leads.interest_positive``, fading over the hours since the inquiry)."""
        leads = self.sc.leads
        if not leads.interest_positive:
            return 0.0
        elapsed = since_inquiry(
            self.obs.arrival_day[idx], self.traits.arrival_minute[idx], day, minute
        )
        return fading(leads.interest_positive, elapsed, 60 * leads.interest_hours)

    def whereabouts(self, idx: I64, day: int, minute: I64) -> list[str]:
        """Why prospects ``idx`` could not be reached (for stories)."""
        life = self.life
        away, until = life.away(idx), life.away_until(idx)
        working = in_working_hours(minute, self.traits.work_start[idx], self.hours)
        return [
            f"away until day {u}"
            if a
            else f"outside working hours (from {format_time(ws)})"
            if not w
            else "not at the desk today"
            for a, u, w, ws in zip(away, until, working, self.traits.work_start[idx], strict=True)
        ]


def opted_out(w: Touching, day: int, t: Touches) -> None:
    w.log.set("opted_out", t.record, True)
    w.note(t.idx, day, t.minute, "opt-out", "has had enough of you: opts out")


_CHANNEL_NAMES = np.array([c.name for c in Channel])
_ARTICLES = np.array(["an" if c.name[0] in "aeiou" else "a" for c in Channel])


def channel_names(channel: I64) -> NDArray[np.str_]:
    return np.asarray(_CHANNEL_NAMES[channel])


def articles(channel: I64) -> NDArray[np.str_]:
    return np.asarray(_ARTICLES[channel])


def template_names(w: Touching, t: Touches) -> list[str]:
    return [w.templates[k] if 0 <= k < len(w.templates) else "" for k in t.label]
