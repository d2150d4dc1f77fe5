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

from sim.model.channels import Channel
from sim.model.clock import NEVER, parse_time
from sim.model.scenario import quoted_time
from sim.strategy.base import Observations, Opt, Strategy, TouchPlan

STOP, CONTINUE = -1, -2
FAVORED = -2
"""Step channel code: the prospect's favoured venue, once learnt through ground rules."""
VENUE_CHANNEL = np.array([Channel.email, Channel.call_cell, Channel.text, Channel.social])
"""The channel used for each favoured venue (0 email, 1 phone, 2 text, 3 social)."""
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

    @field_validator("channel", "fallback")
    @classmethod
    def _channel(cls, v: str, info: ValidationInfo) -> str:
        allowed = [*Channel.__members__, *(["favored"] if info.field_name == "channel" else [])]
        if v not in allowed:
            raise ValueError(f"must be one of: {', '.join(allowed)}")
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

    @model_validator(mode="after")
    def _order(self) -> PhaseSpec:
        days = [s.day for s in self.steps]
        if days != sorted(days):
            raise ValueError("steps must be in order of their day")
        span = days[-1] - days[0]
        if self.repeat_every is not None and self.repeat_every <= span:
            raise ValueError(
                f"repeat_every ({self.repeat_every}) must exceed the span of the steps ({span})"
            )
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
        names = [p.name for p in self.phases]
        if len(set(names)) != len(names):
            raise ValueError(f"phase names must be unique: {names}")
        for p in self.phases:
            for key in ("then", "on_positive", "on_no", "on_open"):
                target = getattr(p, key)
                allowed = {*names, "stop"} | ({"continue"} if key != "then" else set())
                if target not in allowed:
                    raise ValueError(
                        f"phase {p.name!r}: {key} = {target!r} must be one of {sorted(allowed)}"
                    )
        return self


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
        self, mem: Memory, idx: NDArray[np.int64], target: NDArray[np.int64], day: int
    ) -> None:
        """Send prospects ``idx`` to phase ``target`` (or stop them) from ``day``."""
        mem["stopped"][idx[target == STOP]] = True
        go = target >= 0
        who = idx[go]
        mem["phase"][who] = target[go]
        mem["step"][who] = 0
        mem["cycle"][who] = 0
        mem["entry"][who] = day
        self._due(mem, idx)

    def decide(self, day: int, obs: Observations) -> TouchPlan:
        mem = self._memory(obs)
        for last, seen, table in self._signals(obs):
            fresh = np.flatnonzero(last > mem[seen])
            fresh = fresh[~mem["stopped"][fresh]]
            if len(fresh):
                mem[seen][fresh] = last[fresh]
                self._enter(mem, fresh, table[mem["phase"][fresh]], day)
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
            plan.minute[slot, cand] = self.step_minutes[g, cycle % self.step_ntimes[g]]
            plan.template[slot, cand] = self.step_template[g]
            plan.flags[slot, cand] = self.step_flags[g]
            # a touch made late (held, or delayed) moves the rest of the phase with it
            mem["entry"][cand] += day - mem["due"][cand]
            self._advance(mem, cand, day)
            cand = cand[mem["due"][cand] <= day]
        return plan

    def _signals(self, obs: Observations) -> list[tuple[NDArray[np.int32], str, NDArray[np.int64]]]:
        """What the cadence reacts to: (the day it was last seen, memory key, the phase
        transition table); opens only when some phase has an ``on_open`` transition."""
        signals = [
            (obs.last_positive_day, "seen_pos", self.phase_on_pos),
            (obs.last_no_day, "seen_no", self.phase_on_no),
        ]
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
