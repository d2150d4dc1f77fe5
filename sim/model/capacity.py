"""The rep's capacity: books of prospects, their arrival, and the daily budget of minutes.

Both engines plan each business day through ``plan_day``, so the rule that decides which
touches wait is written once. Without a ``rep`` block in the scenario it only asks the
strategy for the day's touches.

The budget couples the prospects of one rep (who is served first depends on who else is
due), so a rep's book never straddles two chunks of the vector engine (``align_chunk``);
results stay independent of the chunk size and of the number of worker processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from sim.model.channels import Channel
from sim.model.scenario import Scenario
from sim.strategy.base import Observations, Opt, Strategy, TouchPlan

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
Priority = Literal["follow_ups", "new"]
PRIORITIES: tuple[Priority, ...] = ("follow_ups", "new")
WEEK = 5
"""Business days per week."""


@dataclass(frozen=True)
class Books:
    """How prospects are assigned to reps: ``size`` prospects per book (None: one pool),
    ``new_per_day`` arriving each business day (None: all on day 0), and the budget."""

    size: int | None
    new_per_day: int | None
    minutes_per_day: float | None
    horizon: int

    @classmethod
    def of(cls, sc: Scenario) -> Books:
        rep = sc.rep
        return cls(rep.book_size(sc.horizon), rep.new_per_day, rep.minutes_per_day, sc.horizon)

    @classmethod
    def observed(cls, sc: Scenario, obs: Observations, ids: I64, arrival_minute: F64) -> Books:
        """The scenario's books, with the rep's knowledge of prospects ``ids`` (the rows of
        ``obs``) set from them: arrival days and minutes (the traits'), and whether arrivals
        are staggered."""
        books = cls.of(sc)
        obs.arrival_day[:] = books.arrival_day(ids)
        obs.arrival_minute[:] = arrival_minute
        obs.staggered = books.staggered
        return books

    @property
    def limited(self) -> bool:
        return self.size is not None

    @property
    def staggered(self) -> bool:
        """Whether prospects arrive day by day."""
        return self.size is not None and self.new_per_day is not None

    def arrival_day(self, ids: I64) -> NDArray[np.int32]:
        """Business day each prospect reaches its rep (never after the horizon: those that
        would arrive later stay out of the simulation's reach and are never touched)."""
        if self.new_per_day is None or self.size is None:
            return np.zeros(len(ids), dtype=np.int32)
        return ((ids % self.size) // self.new_per_day).astype(np.int32)

    def rep(self, ids: I64) -> I64:
        """The rep (book) of each prospect; -1 when prospects are not split into books."""
        if self.size is None:
            return np.full(len(ids), -1, dtype=np.int64)
        return ids // self.size

    def rep_weeks(self, ids: I64) -> NDArray[np.float64]:
        """Each prospect's share of its rep's working weeks over the horizon (a full book
        adds up to horizon / 5); zero without books."""
        if self.size is None:
            return np.zeros(len(ids))
        return np.full(len(ids), self.horizon / WEEK / self.size)

    def columns(self, ids: I64) -> dict[str, NDArray[np.generic]]:
        """The outcome table's columns about the rep: ``arrival_day``, ``rep``, ``rep_weeks``."""
        return {
            "arrival_day": self.arrival_day(ids),
            "rep": self.rep(ids),
            "rep_weeks": self.rep_weeks(ids),
        }

    def align_chunk(self, chunk: int, first_id: int) -> int:
        """A chunk size holding whole books (``first_id`` must start a book)."""
        if self.size is None:
            return chunk
        if first_id % self.size:
            raise ValueError(
                f"first_id {first_id} must start a rep's book (a multiple of {self.size})"
            )
        return max(1, chunk // self.size) * self.size


def planned_minutes(sc: Scenario, plan: TouchPlan) -> NDArray[np.float64]:
    """Rep minutes of each prospect's planned touches of the day (a call that leaves a
    voicemail when unanswered is budgeted with the voicemail)."""
    table = np.array([sc.channels.of(c).rep_minutes for c in Channel] + [0.0])
    ch = plan.channel.astype(np.int64)
    minutes = table[np.where(ch >= 0, ch, len(Channel))]
    call = (ch == Channel.call_desk) | (ch == Channel.call_cell)
    vm = call & ((plan.flags & Opt.leave_voicemail) != 0)
    minutes = minutes + np.where(vm, sc.channels.voicemail.rep_minutes, 0.0)
    return np.asarray(minutes.sum(axis=0), dtype=np.float64)


def over_budget(
    minutes: NDArray[np.float64],
    obs: Observations,
    ids: I64,
    books: Books,
    priority: str,
) -> NDArray[np.bool_]:
    """Prospects whose day's touches do not fit in their rep's budget.

    In each book the rep takes the prospects with planned touches in order: the class the
    strategy puts first (follow-ups: prospects touched before; new: never touched), then by
    arrival (prospect number). Everyone from the first prospect whose minutes overrun the
    budget onwards waits, except the first in line, who is always served (so one long touch
    cannot block a book for ever).
    """
    out = np.zeros(obs.n, dtype=bool)
    if books.minutes_per_day is None or books.size is None:
        return out
    who = np.flatnonzero(minutes > 0)
    if not len(who):
        return out
    new = obs.attempts[who] == 0
    later = new if priority == "follow_ups" else ~new
    book = books.rep(ids[who])
    order = np.lexsort((ids[who], later, book))
    who, book, spent = who[order], book[order], minutes[who][order]
    cum = np.cumsum(spent)
    first = np.r_[True, book[1:] != book[:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(len(who)), 0))
    before = np.r_[0.0, cum][start]
    out[who] = ((cum - before) > books.minutes_per_day) & ~first
    return out


def plan_day(
    sc: Scenario, strategy: Strategy, day: int, obs: Observations, ids: I64, books: Books
) -> TouchPlan:
    """The touches the rep makes on ``day``: the strategy's plan, within the rep's capacity.

    Prospects not yet arrived are unavailable. With a budget, the strategy plans once; the
    prospects that do not fit are then marked unavailable and the strategy plans again from
    its memory of the morning, so a touch that waits is not lost but made late (a cadence
    moves the rest of its phase with it). Strategies keep their state in ``obs.memory``.
    """
    if not books.limited:
        return strategy.decide(day, obs)
    np.less_equal(obs.arrival_day, day, out=obs.available)
    budget = books.minutes_per_day is not None
    saved = {k: v.copy() for k, v in obs.memory.items()} if budget else {}
    plan = strategy.decide(day, obs)
    if budget:
        over = over_budget(planned_minutes(sc, plan), obs, ids, books, strategy.priority)
        if over.any():
            obs.memory.clear()
            obs.memory.update(saved)
            obs.available[over] = False
            plan = strategy.decide(day, obs)
    plan.channel[:, ~obs.available] = -1
    if plan.who is not None:
        plan.who = plan.who[obs.available[plan.who]]
    return plan


__all__ = ["PRIORITIES", "Books", "over_budget", "plan_day", "planned_minutes"]
