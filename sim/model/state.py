"""A set of prospects' dynamic state, as arrays: what the model's transitions change.

``State`` holds every dynamic quantity of the model for ``n`` prospects (with their static
traits): urgency, annoyance, recall, status, permission, reciprocity, habituation, the promise
of a call, and the bookkeeping of the per-prospect outcome table. Days are ``NEVER`` before
the event first happens (``sim.model.clock``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.model.clock import NEVER
from sim.model.outcomes import Status
from sim.model.population import BUYER, Traits
from sim.model.scenario import Scenario

Index = int | NDArray[np.int64] | slice
_CLOSED_STATUS = np.array([s in (Status.meeting, Status.opted_out) for s in Status])


@dataclass
class State:
    """Dynamic state of ``n`` prospects (with their static traits)."""

    traits: Traits
    n_templates: int
    buyer: NDArray[np.bool_] = field(init=False)
    buyers: NDArray[np.int64] = field(init=False)
    u: NDArray[np.float64] = field(init=False)
    was_in_market: NDArray[np.bool_] = field(init=False)
    a: NDArray[np.float64] = field(init=False)
    r: NDArray[np.float64] = field(init=False)
    known: NDArray[np.bool_] = field(init=False)
    status: NDArray[np.int8] = field(init=False)
    won: NDArray[np.bool_] = field(init=False)
    reciprocity: NDArray[np.float64] = field(init=False)
    permission: NDArray[np.bool_] = field(init=False)
    escalated: NDArray[np.bool_] = field(init=False)
    primed_day: NDArray[np.int32] = field(init=False)
    promised_day: NDArray[np.int32] = field(init=False)
    promised_minute: NDArray[np.int32] = field(init=False)
    habituation: NDArray[np.int16] = field(init=False)
    touches: NDArray[np.int32] = field(init=False)
    rep_minutes: NDArray[np.float64] = field(init=False)
    cost: NDArray[np.float64] = field(init=False)
    reached: NDArray[np.bool_] = field(init=False)
    said_no: NDArray[np.bool_] = field(init=False)
    opted_out: NDArray[np.bool_] = field(init=False)
    inbound: NDArray[np.bool_] = field(init=False)
    first_response_day: NDArray[np.float64] = field(init=False)
    first_contact_attempt: NDArray[np.float64] = field(init=False)
    meeting_day: NDArray[np.float64] = field(init=False)
    meeting_attempt: NDArray[np.float64] = field(init=False)
    discovery: NDArray[np.bool_] = field(init=False)
    win_deadline: NDArray[np.int32] = field(init=False)
    said_not_now: NDArray[np.bool_] = field(init=False)
    u_competitor: NDArray[np.float64] = field(init=False)

    def __post_init__(self) -> None:
        t = self.traits
        n = len(t)
        self.buyer = t.segment == BUYER
        self.buyers = np.flatnonzero(self.buyer)
        self.u = t.urgency0.astype(float).copy()
        self.was_in_market = np.zeros(n, dtype=bool)
        self.a = np.zeros(n)
        self.r = t.recall0.astype(float).copy()
        self.known = t.known0.copy()
        self.status = np.full(n, Status.open, dtype=np.int8)
        self.won = np.zeros(n, dtype=bool)
        self.reciprocity = np.zeros(n)
        self.permission = np.zeros(n, dtype=bool)
        self.escalated = np.zeros(n, dtype=bool)
        self.primed_day = np.full(n, NEVER, dtype=np.int32)
        self.promised_day = np.full(n, NEVER, dtype=np.int32)
        self.promised_minute = np.full(n, -1, dtype=np.int32)
        self.habituation = np.zeros((max(self.n_templates, 1), n), dtype=np.int16)
        self.touches = np.zeros(n, dtype=np.int32)
        self.rep_minutes = np.zeros(n)
        self.cost = np.zeros(n)
        self.reached = np.zeros(n, dtype=bool)
        self.said_no = np.zeros(n, dtype=bool)
        self.opted_out = np.zeros(n, dtype=bool)
        self.inbound = np.zeros(n, dtype=bool)
        self.first_response_day = np.full(n, np.nan)
        self.first_contact_attempt = np.full(n, np.nan)
        self.meeting_day = np.full(n, np.nan)
        self.meeting_attempt = np.full(n, np.nan)
        self.discovery = np.zeros(n, dtype=bool)
        self.win_deadline = np.full(n, NEVER, dtype=np.int32)
        self.said_not_now = np.zeros(n, dtype=bool)
        self.u_competitor = np.ones(n)

    def outcome_columns(self, first_id: int) -> dict[str, NDArray[np.generic]]:
        """The per-prospect outcome table's columns (``sim.model.outcomes.PROSPECT_COLUMNS``)."""
        n = len(self.status)
        return {
            "prospect": np.arange(first_id, first_id + n, dtype=np.int64),
            "segment": self.traits.segment,
            "outcome": self.status,
            "meeting": self.status == Status.meeting,
            "won": self.won,
            "reached": self.reached,
            "said_no": self.said_no,
            "opted_out": self.opted_out,
            "bought_elsewhere": self.status == Status.bought_elsewhere,
            "inbound": self.inbound,
            "first_response_day": self.first_response_day,
            "first_contact_attempt": self.first_contact_attempt,
            "meeting_day": self.meeting_day,
            "meeting_attempt": self.meeting_attempt,
            "discovery": self.discovery,
            "said_not_now": self.said_not_now,
            "touches": self.touches,
            "rep_minutes": self.rep_minutes,
            "cost": self.cost,
            "annoyance": self.a,
            "recall": self.r,
        }

    def buyers_in(self, idx: Index) -> NDArray[np.int64]:
        """The buyers among ``idx``, as an index array (the only prospects with a market)."""
        if isinstance(idx, slice):
            if idx == slice(None):
                return self.buyers
            return np.asarray(np.arange(len(self.buyer))[idx][self.buyer[idx]], dtype=np.int64)
        who = np.atleast_1d(np.asarray(idx, dtype=np.int64))
        return who[self.buyer[who]]

    def habituation_at(self, template: ArrayLike, idx: Index) -> Any:
        """Flat positions in ``habituation`` (templates x prospects) of each prospect's
        template (the first row for a varied template, -1: count it as 0, never add to it)."""
        n = self.habituation.shape[1]
        who = np.arange(n)[idx] if isinstance(idx, slice) else idx
        return np.maximum(np.asarray(template, dtype=np.int64), 0) * n + who

    def habituation_count(self, template: ArrayLike, idx: Index) -> Any:
        """Times each prospect has engaged with ``template`` before (0 for a varied one)."""
        tpl = np.asarray(template, dtype=np.int64)
        return np.where(tpl >= 0, self.habituation.reshape(-1)[self.habituation_at(tpl, idx)], 0)

    def in_market(self, scenario: Scenario, idx: Index) -> NDArray[np.bool_]:
        return np.asarray(self.buyer[idx] & (self.u[idx] >= scenario.urgency.theta))

    def closed(self, idx: Index) -> NDArray[np.bool_]:
        """Meeting booked or opted out: nothing reaches the prospect any more."""
        return np.asarray(_CLOSED_STATUS[self.status[idx]])

    def absorbed(self, idx: Index) -> NDArray[np.bool_]:
        return np.asarray(self.status[idx] >= Status.meeting)


__all__ = ["Index", "State"]
