"""The strategy extension point: one method, ``decide``, vectorized over prospects.

Each business day, before any touch, an engine hands the strategy what the rep can observe
about every prospect (``Observations``) and receives the day's touches (``TouchPlan``). Both
engines run the very same strategy object, so strategy logic can never drift between them.
A strategy never sees hidden state (urgency, annoyance, segment).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import IntFlag
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sim.model.clock import NEVER


class Opt(IntFlag):
    """Options of a touch, as bits of ``TouchPlan.flags``."""

    value = 1
    """The message carries value (a resource, an insight): salience, reply and urgency."""
    leave_voicemail = 2
    """Leave a voicemail when a call is not picked up."""
    block_caller_id = 4
    """Call from a blocked number: screened as unknown, never becomes known, no annoyance
    from a ring."""
    promise_next_call = 8
    """Promise to call again at the same time on the next business day."""
    breakup = 16
    """A break-up message: 'I'll close your file'. Grants permission to say no."""
    ground_rules = 32
    """Set ground rules at a live conversation: permission to say no, favoured channel asked."""
    permission = 64
    """'Fall on your sword': grants permission to say no and halves annoyance when perceived."""
    vary_template = 128
    """A new template each time: no habituation builds up."""
    withhold_info = 256
    """Information only once a meeting is agreed (info seekers must meet or go)."""
    wait_if_away = 512
    """The rep holds this touch while the receptionist has reported the prospect away, and
    makes it the first business day after the reported return (engines ignore the bit)."""


OPTION_NAMES = tuple(o.name for o in Opt if o.name)


@dataclass
class Observations:
    """What the rep knows about each prospect, arrays of length ``n``; days are ``NEVER``
    (``sim.model.clock``: far below any real day, so ``obs.last_open_day == day - 1`` is false
    on day 0) until the event happens.

    Engines update it as touches resolve; ``memory`` is the strategy's own per-prospect state
    (arrays of length ``n``, so an engine can restore a morning's memory when the rep's
    budget runs out; see ``sim.model.capacity.plan_day``).
    """

    n: int
    attempts: NDArray[np.int32] = field(init=False)
    last_touch_day: NDArray[np.int32] = field(init=False)
    unanswered: NDArray[np.int32] = field(init=False)
    """Touches since the last two-way contact."""
    last_pickup_day: NDArray[np.int32] = field(init=False)
    last_voicemail_day: NDArray[np.int32] = field(init=False)
    last_positive_day: NDArray[np.int32] = field(init=False)
    last_no_day: NDArray[np.int32] = field(init=False)
    last_not_now_day: NDArray[np.int32] = field(init=False)
    """Last day the prospect said "not now, call me later"."""
    callback_day: NDArray[np.int32] = field(init=False)
    """The business day the prospect asked to be called back (after "not now")."""
    last_open_day: NDArray[np.int32] = field(init=False)
    """Last day an email showed as opened (tracking: misses some reads, invents some opens)."""
    closed: NDArray[np.bool_] = field(init=False)
    """Meeting booked, opted out, or told they bought elsewhere: no more touches."""
    away_until: NDArray[np.int32] = field(init=False)
    """Last business day of an away period the receptionist reported (else ``NEVER``)."""
    favored_known: NDArray[np.int8] = field(init=False)
    """Favoured venue learnt through ground rules (0 email, 1 phone, 2 text, 3 social; -1)."""
    arrival_day: NDArray[np.int32] = field(init=False)
    """Business day the prospect reached the rep's book (0 unless the scenario's ``rep``
    block makes prospects arrive day by day); a cadence starts there."""
    arrival_minute: NDArray[np.float64] = field(init=False)
    """Minute of the arrival day the prospect arrived (inquired): 0 unless the scenario's
    ``leads`` block gives inquiries an hour profile; a step with ``after`` counts from it."""
    available: NDArray[np.bool_] = field(init=False)
    """Whether the rep can work the prospect today: arrived, and within the day's budget.
    A strategy plans no touch for an unavailable prospect (engines drop such touches)."""
    memory: dict[str, NDArray[Any]] = field(default_factory=dict)
    staggered: bool = False
    """Whether prospects arrive day by day (``arrival_day`` not all 0); set by the engines."""

    def __post_init__(self) -> None:
        n = self.n
        never = np.full(n, NEVER, dtype=np.int32)
        self.attempts = np.zeros(n, dtype=np.int32)
        self.last_touch_day = never.copy()
        self.unanswered = np.zeros(n, dtype=np.int32)
        self.last_pickup_day = never.copy()
        self.last_voicemail_day = never.copy()
        self.last_positive_day = never.copy()
        self.last_no_day = never.copy()
        self.last_not_now_day = never.copy()
        self.callback_day = never.copy()
        self.last_open_day = never.copy()
        self.closed = np.zeros(n, dtype=bool)
        self.away_until = never.copy()
        self.favored_known = np.full(n, -1, dtype=np.int8)
        self.arrival_day = np.zeros(n, dtype=np.int32)
        self.arrival_minute = np.zeros(n)
        self.available = np.ones(n, dtype=bool)

    def may_touch(self, day: int, idx: int | NDArray[np.int64]) -> NDArray[np.bool_]:
        """Whether a planned touch is still made: not once the file is closed, nor after the
        prospect replied (positive, no or not now) earlier that day. Both engines apply this
        rule."""
        heard = (
            (self.last_positive_day[idx] == day)
            | (self.last_no_day[idx] == day)
            | (self.last_not_now_day[idx] == day)
        )
        return np.asarray(~(self.closed[idx] | heard))


@dataclass
class TouchPlan:
    """A day's touches: arrays of shape (slots, prospects); ``channel`` -1 is no touch."""

    channel: NDArray[np.int8]
    minute: NDArray[np.int16]
    template: NDArray[np.int16]
    flags: NDArray[np.uint16]
    who: NDArray[np.int64] | None = None
    """Optional: the prospects with at least one touch, in increasing order (a strategy that
    knows them saves the engine a pass over every prospect; engines compute it otherwise)."""

    def touched(self) -> NDArray[np.int64]:
        """The prospects with at least one touch, in increasing order."""
        if self.who is not None:
            return self.who
        return np.flatnonzero((self.channel >= 0).any(axis=0))

    @classmethod
    def empty(cls, slots: int, n: int) -> TouchPlan:
        return cls(
            channel=np.full((slots, n), -1, dtype=np.int8),
            minute=np.zeros((slots, n), dtype=np.int16),
            template=np.full((slots, n), -1, dtype=np.int16),
            flags=np.zeros((slots, n), dtype=np.uint16),
        )

    @property
    def slots(self) -> int:
        return int(self.channel.shape[0])


class Strategy(ABC):
    """A follow-up strategy. Implement ``decide``; declare ``templates`` and ``max_per_day``."""

    name: str = "unnamed"
    description: str = ""
    source: str = ""
    templates: tuple[str, ...] = ()
    """Template names; ``TouchPlan.template`` indexes into this tuple."""
    max_per_day: int = 2
    """Upper bound on touches a prospect receives in one day (the plan's slots)."""
    priority: str = "follow_ups"
    """Under a daily budget of rep minutes, who is served first: ``follow_ups`` (prospects
    touched before) or ``new`` (prospects never touched); see ``sim.model.capacity``."""

    @abstractmethod
    def decide(self, day: int, obs: Observations) -> TouchPlan:
        """The touches of business day ``day`` for every prospect, from what the rep knows."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"
