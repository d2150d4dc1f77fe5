"""The search space: the library's own cadence language, as Optuna parameters.

A candidate is a number of touches (1 to ``MAX_TOUCHES``) made by a pattern of 1 to
``MAX_STEPS`` touches (each with its gap in business days after the one before, its channel,
its time of day, value or not, a voicemail or not for a call), repeated with a pause between
cycles until that many touches are made (the last cycle cut short); new words at every touch
or the same ones each cycle; the caller ID shown or blocked; an optional break-up message
after the last touch; and what happens next: stop, or a slow nurture touch every N business
days. The touches are written out as the steps of one phase (``sequence``), so the number of
touches is one parameter the search can learn directly (on a log scale: 2 or 3 touches are
as plausible a start as 20 or 30). Stop rules: a
positive reply always stops the cadence; an explicit no stops it or sends the prospect to the
nurture touch; a "not now" goes on, stops, or books a call on the day the prospect named
(``start: callback``). With web leads (the scenario's ``leads`` block) the first touch may come
a few minutes after the inquiry (``after``). The team's cap on touches becomes the cadence's
``max_touches``.

``suggest(trial, space)`` asks a trial for its parameters (define-by-run: a parameter is asked
only where it matters, so the voicemail of an email is never asked); ``build(params, space)``
turns them into a ``CadenceSpec``, a pure function, so the parameters stored with a trial
always give the same cadence. ``silent_schedule`` plays a cadence for a prospect who never
answers (the touches ``followup run`` would make), for the timeline chart and the tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from sim.io.errors import OptionError, unknown_names
from sim.model.channels import CALLS, MESSAGES, Channel
from sim.model.clock import format_time, parse_time
from sim.strategy.base import Observations
from sim.strategy.cadence import Cadence, CadenceSpec

MAX_STEPS = 5
"""Touches in one cycle of the pattern."""
MAX_GAP = 6
"""Business days between two touches of a cycle (0: the same day, later in the day)."""
MAX_TOUCHES = 40
"""Touches of the sequence (before a break-up and the nurture touches)."""
MAX_CYCLE_GAP = 10
"""Business days between the last touch of a cycle and the first of the next."""
NURTURE_EVERY = (5, 30)
"""Business days between nurture touches (bounds)."""
TIMES = ("08:30", "10:00", "11:30", "13:00", "14:30", "16:30", "17:30")
"""Times of day a touch may take."""
AFTER = (0, 5, 30, 120)
"""Minutes after a web lead's inquiry the first touch may come (0: at a time of day)."""
DEFAULT_CHANNELS = ("email", "call_desk", "call_cell", "text", "social", "letter")
"""The channels searched unless ``--channels`` says otherwise."""
SEARCHABLE = tuple(c.name for c in Channel if c not in (Channel.voicemail, Channel.receptionist))
"""Channels a cadence step may use (a voicemail is an option of a call; the receptionist
answers no question of this search)."""
CALL_NAMES = frozenset(c.name for c in CALLS)
MESSAGE_NAMES = frozenset(c.name for c in MESSAGES)


class Trial(Protocol):
    """The part of ``optuna.Trial`` the space uses (so this module needs no Optuna import)."""

    def suggest_int(self, name: str, low: int, high: int, *, log: bool = False) -> int: ...

    def suggest_categorical(self, name: str, choices: Sequence[Any]) -> Any: ...


@dataclass(frozen=True)
class SearchSpace:
    """What may be searched: the channels, the team's cap on touches per prospect, and
    whether prospects arrive as web leads (so that ``after`` is worth searching)."""

    channels: tuple[str, ...] = DEFAULT_CHANNELS
    max_touches: int | None = None
    leads: bool = False
    times: tuple[str, ...] = field(default=TIMES)

    def __post_init__(self) -> None:
        if not self.channels:
            raise OptionError("channels", "give at least one channel")
        unknown = [c for c in self.channels if c not in SEARCHABLE]
        if unknown:
            raise OptionError("channels", unknown_names("channel", unknown, SEARCHABLE))
        if len(set(self.channels)) != len(self.channels):
            raise OptionError("channels", f"a channel is named twice: {','.join(self.channels)}")
        if self.max_touches is not None and not 1 <= self.max_touches <= 500:
            raise OptionError("max_touches", f"must be between 1 and 500, got {self.max_touches}")

    @property
    def calls(self) -> tuple[str, ...]:
        return tuple(c for c in self.channels if c in CALL_NAMES)

    @property
    def messages(self) -> tuple[str, ...]:
        """Channels for a break-up or a nurture touch: messages when there are any."""
        found = tuple(c for c in self.channels if c in MESSAGE_NAMES)
        return found or self.channels

    @property
    def max_steps(self) -> int:
        return min(MAX_STEPS, self.max_touches or MAX_STEPS)

    @property
    def most_touches(self) -> int:
        return min(MAX_TOUCHES, self.max_touches or MAX_TOUCHES)


# -- asking a trial ----------------------------------------------------------------------------


def suggest(trial: Trial, space: SearchSpace) -> dict[str, Any]:
    """The parameters of one candidate, asked of ``trial`` (define-by-run)."""
    p: dict[str, Any] = {}
    p["touches"] = trial.suggest_int("touches", 1, space.most_touches, log=True)
    p["steps"] = trial.suggest_int("steps", 1, space.max_steps)
    for i in range(min(p["steps"], p["touches"])):
        if i:
            p[f"s{i}_gap"] = trial.suggest_int(f"s{i}_gap", 0, MAX_GAP)
        channel = p[f"s{i}_channel"] = trial.suggest_categorical(f"s{i}_channel", space.channels)
        p[f"s{i}_time"] = trial.suggest_categorical(f"s{i}_time", space.times)
        p[f"s{i}_value"] = trial.suggest_categorical(f"s{i}_value", (False, True))
        if channel in CALL_NAMES:
            p[f"s{i}_voicemail"] = trial.suggest_categorical(f"s{i}_voicemail", (False, True))
    if space.leads:
        p["first_after"] = trial.suggest_categorical("first_after", AFTER)
    if p["touches"] > p["steps"]:
        p["cycle_gap"] = trial.suggest_int("cycle_gap", 1, MAX_CYCLE_GAP)
    p["vary"] = trial.suggest_categorical("vary", (False, True))
    if any(p[f"s{i}_channel"] in CALL_NAMES for i in range(pattern_size(p))):
        p["caller_id"] = trial.suggest_categorical("caller_id", ("shown", "blocked"))
    p["breakup"] = trial.suggest_categorical("breakup", ("none", "after"))
    if p["breakup"] == "after":
        p["breakup_gap"] = trial.suggest_int("breakup_gap", 1, MAX_CYCLE_GAP)
        p["breakup_channel"] = trial.suggest_categorical("breakup_channel", space.messages)
    p["then"] = trial.suggest_categorical("then", ("stop", "nurture"))
    p["on_no"] = trial.suggest_categorical("on_no", ("stop", "nurture"))
    if "nurture" in (p["then"], p["on_no"]):
        p["nurture_channel"] = trial.suggest_categorical("nurture_channel", space.messages)
        p["nurture_every"] = trial.suggest_int("nurture_every", *NURTURE_EVERY)
    p["on_not_now"] = trial.suggest_categorical("on_not_now", ("continue", "stop", "callback"))
    if p["on_not_now"] == "callback":
        p["callback_channel"] = trial.suggest_categorical(
            "callback_channel", space.calls or space.channels
        )
    return p


# -- parameters to a cadence -------------------------------------------------------------------


def pattern_size(params: dict[str, Any]) -> int:
    """Touches of the pattern (no more than the touches of the sequence)."""
    return min(int(params["steps"]), int(params.get("touches", params["steps"])))


def _step_days(params: dict[str, Any], times: Sequence[str]) -> list[tuple[int, str]]:
    """(day, time) of each step of a cycle. A step the same day as the one before but not
    later in the day moves to the next business day."""
    out: list[tuple[int, str]] = []
    for i in range(pattern_size(params)):
        time = str(params[f"s{i}_time"])
        if not i:
            out.append((0, time))
            continue
        day = out[-1][0] + int(params[f"s{i}_gap"])
        if day == out[-1][0] and parse_time(time) <= parse_time(out[-1][1]):
            day += 1
        out.append((day, time))
    return out


def build(params: dict[str, Any], space: SearchSpace, description: str = "") -> CadenceSpec:
    """The cadence of a trial's parameters (see the module's docstring)."""
    blocked = params.get("caller_id") == "blocked"
    vary = bool(params.get("vary", False))
    after = int(params.get("first_after", 0) or 0)
    pattern = _step_days(params, space.times)
    period = pattern[-1][0] + int(params.get("cycle_gap", 1))
    steps = []
    for k in range(int(params.get("touches", len(pattern)))):
        cycle, i = divmod(k, len(pattern))
        day, time = pattern[i]
        channel = str(params[f"s{i}_channel"])
        step: dict[str, Any] = {
            "day": cycle * period + day, "time": time, "channel": channel,
            "template": f"touch-{i + 1}",
        }  # fmt: skip
        if params.get(f"s{i}_value"):
            step["value"] = True
        if vary:
            step["vary_template"] = True
        if channel in CALL_NAMES:
            if params.get(f"s{i}_voicemail"):
                step["leave_voicemail"] = True
            if blocked:
                step["block_caller_id"] = True
        if k == 0 and after:
            step["after"] = after
        steps.append(step)
    nurture = "nurture" in (params.get("then"), params.get("on_no"))
    after_sequence = "breakup" if params.get("breakup") == "after" else str(params["then"])
    sequence: dict[str, Any] = {
        "name": "sequence", "steps": steps, "then": after_sequence, "on_positive": "stop",
        "on_no": params.get("on_no", "stop"), "on_not_now": params.get("on_not_now", "continue"),
    }  # fmt: skip
    phases = [sequence]
    if params.get("breakup") == "after":
        phases.append({
            "name": "breakup",
            "steps": [{"day": int(params["breakup_gap"]), "time": "10:00",
                       "channel": str(params["breakup_channel"]), "template": "breakup",
                       "breakup": True}],
            "then": params["then"], "on_positive": "stop", "on_no": params.get("on_no", "stop"),
        })  # fmt: skip
    if nurture:
        every = int(params["nurture_every"])
        phases.append({
            "name": "nurture",
            "steps": [{"day": every, "time": "10:00", "channel": str(params["nurture_channel"]),
                       "template": "nurture", "value": True, "vary_template": True}],
            "repeat_every": every, "on_positive": "stop", "on_no": "stop",
        })  # fmt: skip
    if params.get("on_not_now") == "callback":
        channel = str(params["callback_channel"])
        step = {"day": 0, "time": "10:00", "channel": channel, "template": "as-agreed"}
        if channel in CALL_NAMES:
            step["leave_voicemail"] = True
        phases.append({
            "name": "callback", "start": "callback", "steps": [step], "then": "sequence",
            "on_positive": "stop", "on_no": params.get("on_no", "stop"),
        })  # fmt: skip
    spec: dict[str, Any] = {"description": description or describe_params(params, space),
                            "source": "followup optimize", "phases": phases}  # fmt: skip
    if space.max_touches is not None:
        spec["max_touches"] = space.max_touches
    return CadenceSpec.model_validate(spec)


def describe_params(params: dict[str, Any], space: SearchSpace) -> str:
    """One line: the pattern, its repeats and what follows (for tables and charts)."""
    parts = []
    for i, (day, time) in enumerate(_step_days(params, space.times)):
        channel = str(params[f"s{i}_channel"])
        extra = "+vm" if params.get(f"s{i}_voicemail") else ""
        extra += "+value" if params.get(f"s{i}_value") else ""
        parts.append(f"d{day} {time} {channel}{extra}")
    text = f"{params.get('touches', len(parts))} touches: " + "; ".join(parts)
    if "cycle_gap" in params:
        text += f" | again after {params['cycle_gap']}d"
    if params.get("first_after"):
        text += f" | first {params['first_after']} min after the inquiry"
    if params.get("caller_id") == "blocked":
        text += " | caller ID blocked"
    if params.get("vary"):
        text += " | new words each touch"
    if params.get("breakup") == "after":
        text += f" | break-up {params['breakup_channel']} +{params['breakup_gap']}d"
    when = [w for w, key in (("the sequence", "then"), ("a no", "on_no"))
            if params.get(key) == "nurture"]  # fmt: skip
    if when:
        text += f" | nurture {params['nurture_channel']} every {params['nurture_every']}d"
        text += f" after {' or '.join(when)}"
    if params.get("on_not_now") != "continue":
        text += f" | on not now: {params.get('on_not_now')}"
    return text


def spec_mapping(spec: CadenceSpec) -> dict[str, Any]:
    """A cadence as a ``custom_strategies`` entry: defaults left out, so that it reads like
    the library's entries and loads back into the same ``CadenceSpec``."""
    return spec.model_dump(mode="json", exclude_defaults=True)


# -- the touches a silent prospect receives ----------------------------------------------------


@dataclass(frozen=True)
class Touch:
    """One touch of a cadence's schedule for a prospect who never answers."""

    day: int
    time: str
    channel: str
    template: str
    flags: int


def silent_schedule(spec: CadenceSpec, horizon: int) -> list[Touch]:
    """The touches the cadence makes over ``horizon`` business days to one prospect who never
    answers (no reply, no open, never away), computed by the cadence's own ``decide``."""
    cadence = Cadence("schedule", spec)
    obs = Observations(1)
    out: list[Touch] = []
    for day in range(horizon):
        plan = cadence.decide(day, obs)
        for slot in range(plan.slots):
            code = int(plan.channel[slot, 0])
            if code < 0:
                continue
            out.append(Touch(day, format_time(int(plan.minute[slot, 0])), Channel(code).name,
                             cadence.templates[int(plan.template[slot, 0])],
                             int(plan.flags[slot, 0])))  # fmt: skip
            obs.attempts += 1
            obs.last_touch_day[:] = np.int32(day)
    return out


__all__ = [
    "DEFAULT_CHANNELS",
    "SEARCHABLE",
    "SearchSpace",
    "Touch",
    "build",
    "describe_params",
    "silent_schedule",
    "spec_mapping",
    "suggest",
]
