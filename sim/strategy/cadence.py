"""Declarative cadences: phases of touch steps, compiled into a small vectorized state machine.

A cadence is a list of phases. A phase holds steps (business-day offset from the phase's
start, time of day, channel, template, options), may repeat every N business days, and says
where to go when its steps are done (``then``), on a positive reply and on an explicit no
(``on_positive``, ``on_no``: a phase name, ``stop`` or ``continue``). Compiled, a cadence is a
few integer tables indexed by each prospect's (phase, step, cycle), so deciding a day's
touches for a million prospects is a handful of array operations.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from sim.io.errors import did_you_mean
from sim.model.channels import Channel
from sim.model.clock import NEVER, parse_time
from sim.model.scenario import quoted_time
from sim.strategy.base import Observations, Opt, Strategy, TouchPlan

STOP, CONTINUE = -1, -2
FAVORED = -2
"""Step channel code: the prospect's favoured venue, once learnt through ground rules."""
VENUE_CHANNEL = np.array([Channel.email, Channel.call_cell, Channel.text, Channel.social])
"""The channel used for each favoured venue (0 email, 1 phone, 2 text, 3 social)."""
LAST_MINUTE = 1438
"""The latest minute a touch can be made (the day ends at 23:59)."""
NOT_DUE = np.iinfo(np.int64).max // 4
"""The due day of a stopped prospect: after every day."""
Memory = dict[str, NDArray[Any]]
ChannelName = Annotated[str, Field(description="a channel of the model")]


class StepSpec(BaseModel):
    """One touch of a phase. ``time`` may be a list: cycle c uses ``time[c % len(time)]``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    day: int = Field(ge=0, le=2000)
    time: str | list[str] = "10:00"
    channel: ChannelName
    """A channel, or ``favored``: the venue the prospect named when ground rules were set
    (email, a cell call, text or social), and ``fallback`` until the rep knows it."""
    fallback: ChannelName = "email"
    template: str = "default"
    value: bool = False
    leave_voicemail: bool = False
    block_caller_id: bool = False
    promise_next_call: bool = False
    breakup: bool = False
    ground_rules: bool = False
    permission: bool = False
    vary_template: bool = False
    withhold_info: bool = False
    wait_if_away: bool = False
    after: int | None = Field(default=None, ge=0, le=1440)
    """Minutes after the prospect's arrival (inquiry) instead of ``time``: speed to lead. Only
    for a step on the first day of the first phase (``day: 0``)."""

    @field_validator("channel", "fallback")
    @classmethod
    def _channel(cls, v: str, info: ValidationInfo) -> str:
        allowed = [*Channel.__members__, *(["favored"] if info.field_name == "channel" else [])]
        if v not in allowed:
            raise ValueError(f"must be one of: {', '.join(allowed)}{did_you_mean(v, allowed)}")
        if info.field_name == "fallback" and v == "favored":
            raise ValueError("the fallback must be a channel")
        return v

    @field_validator("time", mode="before")
    @classmethod
    def _quoted(cls, v: Any) -> Any:
        for t in v if isinstance(v, list) else [v]:
            quoted_time(t)
        return v

    @field_validator("time")
    @classmethod
    def _time(cls, v: str | list[str]) -> str | list[str]:
        times = [v] if isinstance(v, str) else v
        if not times:
            raise ValueError("needs at least one time of day")
        for t in times:
            minute = parse_time(t)
            if not 5 <= minute <= 1430:
                raise ValueError(f"touches happen between 00:05 and 23:50, got {t}")
        return v

    @model_validator(mode="after")
    def _after_first_day(self) -> StepSpec:
        if self.after is not None and self.day != 0:
            raise ValueError("after (minutes after the arrival) is for a step on day 0")
        return self

    @property
    def minutes(self) -> list[int]:
        return [parse_time(t) for t in ([self.time] if isinstance(self.time, str) else self.time)]

    @property
    def flags(self) -> int:
        bits = 0
        for opt in Opt:
            if opt.name and getattr(self, opt.name):
                bits |= int(opt)
        return bits

    def __repr__(self) -> str:
        opts = [o.name for o in Opt if o.name and getattr(self, o.name)]
        extra = f", {'+'.join(opts)}" if opts else ""
        return f"Step(day {self.day}, {self.time}, {self.channel}, {self.template!r}{extra})"


class PhaseSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    steps: list[StepSpec] = Field(min_length=1)
    repeat_every: int | None = Field(default=None, ge=1, le=2000)
    """Run the steps again every N business days (until the horizon, or ``cycles`` times)."""
    cycles: int | None = Field(default=None, ge=1, le=10_000)
    then: str = "stop"
    on_positive: str = "stop"
    on_no: str = "stop"
    on_open: str = "continue"
    """Where to go when the rep's tracking shows an email opened (without a reply yet)."""
    on_not_now: str = "continue"
    """Where to go when the prospect says "not now, call me later": by default the cadence goes
    on (a "not now" is not an answer)."""
    start: Literal["entry", "callback"] = "entry"
    """``callback``: entering this phase puts its day 0 on the day the prospect asked to be
    called back (``Observations.callback_day``; the entry day when later or unknown)."""

    @model_validator(mode="after")
    def _order(self) -> PhaseSpec:
        problem = order_problem([s.day for s in self.steps], self.repeat_every)
        if problem:
            raise ValueError(problem)
        return self


class CadenceSpec(BaseModel):
    """A declarative strategy, as written in the library or in a scenario file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str = ""
    source: str = ""
    claim: str = ""
    mechanisms: list[str] = Field(default_factory=list)
    max_touches: int | None = Field(default=None, ge=1, le=10_000)
    priority: Literal["follow_ups", "new"] = "follow_ups"
    """Under a daily budget of rep minutes: follow-ups first, or new prospects first."""
    phases: list[PhaseSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _targets(self) -> CadenceSpec:
        problems = target_problems([p.model_dump() for p in self.phases])
        if problems:
            raise ValueError("; ".join(message for _, _, message in problems))
        return self


TARGET_KEYS = ("then", "on_positive", "on_no", "on_open", "on_not_now")
CONTINUING = ("on_open", "on_not_now")
"""Transitions whose default is ``continue`` (the others default to ``stop``)."""


def order_problem(days: list[int], repeat_every: int | None) -> str | None:
    """What is wrong with a phase's step days and its ``repeat_every``, if anything."""
    if days != sorted(days):
        return "steps must be in order of their day (the values are the steps' days)"
    span = days[-1] - days[0] if days else 0
    if repeat_every is not None and repeat_every <= span:
        return f"repeat_every ({repeat_every}) must exceed the span of the steps ({span})"
    return None


Located = tuple[str, Any, str]
"""A problem of a cadence: its path, the value there, and the message."""


def target_problems(phases: list[dict[str, Any]]) -> list[Located]:
    """Each phase transition that names no phase, and repeated phase names; ``phases`` as
    plain mappings (raw or validated)."""
    names = [p.get("name") for p in phases]
    out: list[Located] = []
    if len(set(map(str, names))) != len(names):
        out.append(("phases", names, "phase names must be unique"))
    for i, p in enumerate(phases):
        for key in TARGET_KEYS:
            target = p.get(key, "continue" if key in CONTINUING else "stop")
            allowed = {*map(str, names), "stop"} | ({"continue"} if key != "then" else set())
            if target not in allowed:
                out.append(
                    (f"phases.{i}.{key}", target,
                     f"phase {p.get('name')!r}: {key} must be one of {sorted(allowed)}")
                )  # fmt: skip
    return out


def structure_problems(raw: Any) -> list[Located]:
    """The rules across fields of a cadence written as a mapping: step
    order, repeats and phase transitions, checked on the raw data so that they are reported
    together with the field errors instead of after them. Parts too broken to read are
    skipped (their field errors say why)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("phases"), list):
        return []
    phases = [p for p in raw["phases"] if isinstance(p, dict)]
    out: list[Located] = []
    for i, phase in enumerate(raw["phases"]):
        if not isinstance(phase, dict) or not isinstance(phase.get("steps"), list):
            continue
        days = [s.get("day") for s in phase["steps"] if isinstance(s, dict)]
        repeat = phase.get("repeat_every")
        if all(isinstance(d, int) for d in days) and (repeat is None or isinstance(repeat, int)):
            problem = order_problem([int(d) for d in days if d is not None], repeat or None)
            if problem:
                out.append((f"phases.{i}.steps", days, problem))
    if len(phases) == len(raw["phases"]):
        out += target_problems(phases)
    return out


class Cadence(Strategy):
    """A compiled ``CadenceSpec``: runs over arrays of prospects."""

    def __init__(self, name: str, spec: CadenceSpec) -> None:
        self.name = name
        self.spec = spec
        self.description = spec.description
        self.source = spec.source
        phases = spec.phases
        index = {p.name: i for i, p in enumerate(phases)}

        def target(name: str) -> int:
            return {"stop": STOP, "continue": CONTINUE}.get(name, index.get(name, STOP))

        steps = [s for p in phases for s in p.steps]
        templates = sorted({s.template for s in steps})
        self.templates = tuple(templates)
        lens = [len(p.steps) for p in phases]
        self.phase_first = np.cumsum([0, *lens[:-1]]).astype(np.int64)
        self.phase_len = np.array(lens, dtype=np.int64)
        self.phase_repeat = np.array([p.repeat_every or 0 for p in phases], dtype=np.int64)
        self.phase_cycles = np.array([p.cycles or -1 for p in phases], dtype=np.int64)
        self.phase_then = np.array([target(p.then) for p in phases], dtype=np.int64)
        self.phase_on_pos = np.array([target(p.on_positive) for p in phases], dtype=np.int64)
        self.phase_on_no = np.array([target(p.on_no) for p in phases], dtype=np.int64)
        self.phase_on_open = np.array([target(p.on_open) for p in phases], dtype=np.int64)
        self.phase_on_not_now = np.array([target(p.on_not_now) for p in phases], dtype=np.int64)
        self.phase_at_callback = np.array([p.start == "callback" for p in phases])
        width = max(len(s.minutes) for s in steps)
        self.step_offset = np.array([s.day for s in steps], dtype=np.int64)
        self.step_channel = np.array(
            [FAVORED if s.channel == "favored" else Channel[s.channel] for s in steps],
            dtype=np.int8,
        )
        self.step_fallback = np.array([Channel[s.fallback] for s in steps], dtype=np.int8)
        self.step_ntimes = np.array([len(s.minutes) for s in steps], dtype=np.int64)
        self.step_minutes = np.array(
            [s.minutes + [0] * (width - len(s.minutes)) for s in steps], dtype=np.int16
        )
        self.step_template = np.array([templates.index(s.template) for s in steps], dtype=np.int16)
        self.step_flags = np.array([s.flags for s in steps], dtype=np.uint16)
        self.step_after = np.array([-1 if s.after is None else s.after for s in steps])
        per_day = [sum(1 for s in p.steps if s.day == d) for p in phases for d in range(2001)]
        self.max_per_day = max(2, max(per_day) + 1)
        self.max_touches = spec.max_touches
        self.priority = spec.priority

    # -- the state machine -------------------------------------------------------------------

    def _memory(self, obs: Observations) -> Memory:
        mem = obs.memory
        if "phase" not in mem:
            n = obs.n
            for name in ("phase", "step", "cycle", "entry", "due"):
                mem[name] = np.zeros(n, dtype=np.int64)
            mem["stopped"] = np.zeros(n, dtype=bool)
            mem["seen_pos"] = np.full(n, NEVER, dtype=np.int32)
            mem["seen_no"] = np.full(n, NEVER, dtype=np.int32)
            mem["seen_open"] = np.full(n, NEVER, dtype=np.int32)
            mem["seen_not_now"] = np.full(n, NEVER, dtype=np.int32)
            mem["entry"][:] = obs.arrival_day
            self._due(mem, np.arange(n))
        return mem

    def _due(self, mem: Memory, idx: NDArray[np.int64]) -> None:
        """Recompute the day each of ``idx`` is next due for a touch (never once stopped)."""
        phase, step = mem["phase"][idx], mem["step"][idx]
        g = np.minimum(self.phase_first[phase] + step, len(self.step_offset) - 1)
        due = mem["entry"][idx] + mem["cycle"][idx] * self.phase_repeat[phase] + self.step_offset[g]
        mem["due"][idx] = np.where(mem["stopped"][idx], NOT_DUE, due)

    def _enter(
        self, mem: Memory, idx: NDArray[np.int64], target: NDArray[np.int64], day: int,
        callback: NDArray[np.int32] | None = None,
    ) -> None:  # fmt: skip
        """Send prospects ``idx`` to phase ``target`` (or stop them) from ``day`` (a phase that
        starts at the callback: from the prospect's ``callback`` day when later)."""
        mem["stopped"][idx[target == STOP]] = True
        go = target >= 0
        who = idx[go]
        mem["phase"][who] = target[go]
        mem["step"][who] = 0
        mem["cycle"][who] = 0
        mem["entry"][who] = day
        if callback is not None:
            at = self.phase_at_callback[target[go]]
            mem["entry"][who[at]] = np.maximum(day, callback[who[at]])
        self._due(mem, idx)

    def decide(self, day: int, obs: Observations) -> TouchPlan:
        mem = self._memory(obs)
        for last, seen, table in self._signals(obs):
            fresh = np.flatnonzero(last > mem[seen])
            fresh = fresh[~mem["stopped"][fresh]]
            if len(fresh):
                mem[seen][fresh] = last[fresh]
                self._enter(mem, fresh, table[mem["phase"][fresh]], day, obs.callback_day)
        plan = TouchPlan.empty(self.max_per_day, obs.n)
        cand = np.flatnonzero(mem["due"] <= day)
        cand = cand[~obs.closed[cand] & obs.available[cand]]
        held = self.step_flags & Opt.wait_if_away
        if held.any():  # the rep holds these touches while the prospect is reported away
            g = self.phase_first[mem["phase"][cand]] + mem["step"][cand]
            cand = cand[~((held[g] != 0) & (obs.away_until[cand] >= day))]
        for slot in range(self.max_per_day):
            if self.max_touches is not None:
                cand = cand[obs.attempts[cand] + slot < self.max_touches]
            if slot == 0:
                plan.who = cand.copy()
            if not len(cand):
                break
            phase, cycle = mem["phase"][cand], mem["cycle"][cand]
            g = self.phase_first[phase] + mem["step"][cand]
            channel = self.step_channel[g]
            venue = obs.favored_known[cand]
            channel = np.where(
                channel == FAVORED,
                np.where(venue >= 0, VENUE_CHANNEL[np.maximum(venue, 0)], self.step_fallback[g]),
                channel,
            )
            plan.channel[slot, cand] = channel
            plan.minute[slot, cand] = self._minutes(obs, cand, g, cycle, day)
            plan.template[slot, cand] = self.step_template[g]
            plan.flags[slot, cand] = self.step_flags[g]
            # a touch made late (held, or delayed) moves the rest of the phase with it
            mem["entry"][cand] += day - mem["due"][cand]
            self._advance(mem, cand, day)
            cand = cand[mem["due"][cand] <= day]
        return plan

    def _minutes(
        self, obs: Observations, cand: NDArray[np.int64], g: NDArray[np.int64],
        cycle: NDArray[np.int64], day: int,
    ) -> NDArray[np.int64]:  # fmt: skip
        """The touches' minutes: the step's time (cycling through a list of times), or
        ``after`` minutes after the prospect's arrival; on the arrival day, never before the
        prospect arrived (the rep cannot call a lead before the inquiry)."""
        minute = self.step_minutes[g, cycle % self.step_ntimes[g]].astype(np.int64)
        after = self.step_after[g]
        arrival = obs.arrival_minute[cand]
        if (after >= 0).any():
            minute = np.where(after >= 0, np.ceil(arrival) + after, minute).astype(np.int64)
        first_day = obs.arrival_day[cand] == day
        minute = np.where(first_day, np.maximum(minute, np.ceil(arrival)), minute)
        return np.asarray(np.minimum(minute, LAST_MINUTE), dtype=np.int64)

    def _signals(self, obs: Observations) -> list[tuple[NDArray[np.int32], str, NDArray[np.int64]]]:
        """What the cadence reacts to: (the day it was last seen, memory key, the phase
        transition table); opens and "not now" only when some phase has such a transition."""
        signals = [
            (obs.last_positive_day, "seen_pos", self.phase_on_pos),
            (obs.last_no_day, "seen_no", self.phase_on_no),
        ]
        if (self.phase_on_not_now != CONTINUE).any():
            signals.append((obs.last_not_now_day, "seen_not_now", self.phase_on_not_now))
        if (self.phase_on_open != CONTINUE).any():
            signals.append((obs.last_open_day, "seen_open", self.phase_on_open))
        return signals

    def _advance(self, mem: Memory, idx: NDArray[np.int64], day: int) -> None:
        """Prospects ``idx`` had their step fired: next step, next cycle, or the next phase."""
        mem["step"][idx] += 1
        phase = mem["phase"][idx]
        done = mem["step"][idx] >= self.phase_len[phase]
        if done.any():
            who, ph = idx[done], phase[done]
            cycles = self.phase_cycles[ph]
            again = (self.phase_repeat[ph] > 0) & ((cycles < 0) | (mem["cycle"][who] + 1 < cycles))
            mem["cycle"][who[again]] += 1
            mem["step"][who[again]] = 0
            self._enter(mem, who[~again], self.phase_then[ph[~again]], day)
        self._due(mem, idx)
