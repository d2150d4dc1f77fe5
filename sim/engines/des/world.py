"""What the discrete-event processes of one strategy run share, and how the DES draws.

``World`` holds the SimPy environment, the prospects (traits and the whole horizon's life),
their state and the rep's observations, and the ``Touching`` context through which every
touch is played out by the model's shared code. The DES decides chance events its own way
(``DesDraws``): a day's meetings and interruptions are drawn as intervals (``day.draw_day``)
and a call is busy when its minute falls in one; competing inbox items are drawn one by one
and ranked against yours; pick-ups, responses and tracking take each prospect's next number
from a sequential stream per decision. ``DesMail`` gives each message a process that waits for
its triage session; ``StoryTracer`` records the stories of traced prospects.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from collections.abc import Generator as Gen
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy
from numpy.random import Generator
from numpy.typing import ArrayLike, NDArray

from sim.engines.des.day import DaySchedule, draw_day, draw_day_free_at
from sim.model.behaviour import in_working_hours, session_minutes
from sim.model.capacity import Books
from sim.model.channels import Channel, Inbox
from sim.model.clock import absolute_minute
from sim.model.population import DayLife, draw_population
from sim.model.scenario import Scenario
from sim.model.state import State
from sim.model.streams import stream
from sim.model.touching import INBOX, Draws, Items, Touching
from sim.model.touchlog import TouchLog
from sim.results.week import TraceEvent
from sim.strategy.base import Observations, Strategy

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
B = NDArray[np.bool_]

Events = Gen[simpy.Event, Any, None]

STREAM_OF = {"pickup": "pickup", "page": "pickup", "response": "response", "tracking": "tracking"}
"""The DES's sequential stream (``des:<name>``, per prospect) for each decision; a page's
answer is a pick-up through the operator and draws from the pick-up stream."""


@dataclass
class World:
    """One strategy's run on prospects ``first_id`` to ``first_id + n - 1``."""

    sc: Scenario
    strategy: Strategy
    seed: int
    first_id: int
    n: int
    trace_ids: Sequence[int] = ()
    env: simpy.Environment = field(default_factory=simpy.Environment)
    ctx: Touching | None = None
    """The shared touch functions' context, once the run starts (``engine.run_world``)."""
    draws: Draws | None = None
    """How chance events are decided: the DES's own (``DesDraws``) unless given (tests feed
    both engines the same scripted draws)."""

    def __post_init__(self) -> None:
        self.traits, self.life = draw_population(
            self.sc, self.seed, self.first_id, self.first_id + self.n
        )
        self.state = State(self.traits, len(self.strategy.templates))
        self.obs = Observations(self.n)
        self.ids = np.arange(self.first_id, self.first_id + self.n, dtype=np.int64)
        self.books = Books.observed(self.sc, self.obs, self.ids, self.traits.arrival_minute)
        self.hours = self.sc.calendar.workday_hours
        self.evening = self.sc.calendar.evening_session
        self.traces: dict[int, list[TraceEvent]] = {i: [] for i in self.trace_ids}
        self.log = TouchLog()
        self._rngs: dict[tuple[int, str], Generator] = {}
        self._days: dict[tuple[int, int], DaySchedule] = {}
        self._today = (-1, self.life.day(0))

    def touching(self, triage: Callable[[World, Items], Events]) -> Touching:
        """The context of the shared touch functions for this world; ``triage`` is the process
        a message waits in for its session."""
        return Touching(
            self.sc,
            self.state,
            self.obs,
            self.log,
            self.draws or DesDraws(self),
            DesMail(self, triage),
            first_id=self.first_id,
            tracer=StoryTracer(self) if self.traces else None,
            templates=self.strategy.templates,
            today=self.today(0),
        )

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
        """Prospect ``i``'s meetings and interruptions of business day ``day``."""
        key = (i, day)
        if key not in self._days:
            ws = float(self.traits.work_start[i])
            who = self.first_id + i
            at = float(self.traits.arrival_minute[i])
            if self.inquired_at_work(i, day):
                self._days[key] = draw_day_free_at(self.sc, self.seed, who, day, ws, at)
            else:
                self._days[key] = draw_day(self.sc, self.seed, who, day, ws)
        return self._days[key]

    def inquired_at_work(self, i: int, day: int) -> bool:
        """Whether prospect ``i`` inquired during working hours of ``day`` (so was free then)."""
        return (
            bool(self.sc.leads.arrival_hours)
            and day == int(self.obs.arrival_day[i])
            and self.working(i, float(self.traits.arrival_minute[i]))
        )

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

    def note(self, i: int, day: int, minute: float | None, kind: str, text: str,
             data: dict[str, Any] | None = None) -> None:  # fmt: skip
        if i in self.traces:
            self.traces[i].append(TraceEvent(day, minute, kind, text, data))

    def wait_until(self, day: int, minute: float) -> simpy.Timeout:
        return self.env.timeout(absolute_minute(day, minute) - self.env.now)


class DesDraws:
    """The DES's chance events: a call is busy when its minute falls in one of the day's
    meetings or interruptions; an item is read when fewer than ``attention`` of the session's
    competing items (a Poisson number of standard-normal saliences, drawn from the prospect's
    stream for that day, inbox and session) outrank it; other decisions take the prospect's
    next number from its stream for the decision."""

    def __init__(self, world: World) -> None:
        self.w = world

    def free(self, day: int, idx: I64, minute: I64, channel: I64) -> B:
        out = np.ones(len(idx), dtype=bool)
        for j, (i, m) in enumerate(zip(idx.tolist(), minute.tolist(), strict=True)):
            sched = self.w.day(i, day)
            meeting = sched.in_meeting(m)
            if meeting or sched.interrupted(m):
                out[j] = False
                doing = "in a meeting" if meeting else "interrupted"
                name = Channel(int(channel[j])).name
                self.w.note(i, day, float(m), "call", f"{name} rings while they are {doing}",
                            {"channel": name, "result": "busy"})  # fmt: skip
        return out

    def uniform(self, decision: str, idx: I64) -> F64:
        name = STREAM_OF[decision]
        return np.array([self.w.rng(i, name).random() for i in idx.tolist()])

    def read(self, day: int, items: Items, load: F64, s: F64, attention: I64, away: B) -> B:
        w = self.w
        out = np.zeros(len(items.idx), dtype=bool)
        for j, i in enumerate(items.idx.tolist()):
            if away[j]:
                continue
            inbox = Inbox(int(INBOX[items.channel[j]]))
            k = bisect_left(w.sessions(i, inbox), float(items.minute[j]))
            rng = stream(w.seed, "des:inbox", w.first_id + i, day, inbox, k)
            competitors = rng.standard_normal(rng.poisson(float(load[j])))
            above = int(np.count_nonzero(competitors > s[j]))
            out[j] = above < attention[j]
            channel = Channel(int(items.channel[j])).name
            data = {"channel": channel, "outranked": above, "competitors": len(competitors)}
            minute = float(items.minute[j])
            if out[j]:
                label = -1 if items.label is None else int(items.label[j])
                name = w.strategy.templates[label] if label >= 0 else ""
                text = (f"reads your {channel} '{name}' ({above} of {len(competitors)} new "
                        "items ranked higher)")  # fmt: skip
                w.note(i, day, minute, "read", text, data)
            else:
                text = (f"{channel} from you buried: {above} of {len(competitors)} new items "
                        f"rank higher (reads {attention[j]})")  # fmt: skip
                w.note(i, day, minute, "buried", text, data)
        return out


class DesMail:
    """Each message gets a process (``triage``) that waits for its inbox's first triage
    session at or after its arrival, then is triaged there."""

    def __init__(self, world: World, triage: Callable[[World, Items], Events]) -> None:
        self.w = world
        self.triage = triage

    def post(self, items: Items) -> None:
        for j in range(len(items.idx)):
            one = items.where(np.arange(len(items.idx)) == j)
            self.w.env.process(self.triage(self.w, one))


class StoryTracer:
    """Records the events of traced prospects, the sentence and its facts."""

    def __init__(self, world: World) -> None:
        self.w = world

    def note(self, idx: I64, day: int, minute: ArrayLike | None, kind: str, text: str,
             **data: Any) -> None:  # fmt: skip
        w = self.w
        minutes = None if minute is None else np.broadcast_to(np.asarray(minute, float), idx.shape)
        for j, i in enumerate(idx.tolist()):
            if i not in w.traces:
                continue
            mine = {k: (v[j] if isinstance(v, np.ndarray | list) else v) for k, v in data.items()}
            facts = {k: _plain(v) for k, v in mine.items()}
            at = None if minutes is None else float(minutes[j])
            w.note(i, day, at, kind, text.format(**mine), facts)


def _plain(value: Any) -> Any:
    """A JSON-friendly fact (numpy scalars to Python)."""
    return value.item() if isinstance(value, np.generic) else value


__all__ = ["DesDraws", "DesMail", "StoryTracer", "World"]
