"""What comes out of a run: status, touch-result and response codes, and the columns of the
per-prospect table and the touch log (``sim.results.frames`` builds the tables)."""

from __future__ import annotations

from enum import IntEnum

from sim.model.behaviour import RESPONSE_NAMES


class Status(IntEnum):
    """A prospect's status; the last three are absorbing."""

    open = 0
    conversing = 1
    """Talked (an info seeker took the information)."""
    nurture = 2
    """A buyer who talked but is not in market yet: 'not now'."""
    said_no = 3
    meeting = 4
    opted_out = 5
    bought_elsewhere = 6


class Result(IntEnum):
    """How far a touch got. Calls: reachability, then free, then the pick-up; messages: the
    delivery, then the read."""

    not_reachable = 0
    busy = 1
    screened = 2
    picked_up = 3
    undeliverable = 4
    unread = 5
    read = 6
    away_reported = 7
    in_reported = 8
    escalated = 9


PROSPECT_COLUMNS = [
    "strategy",
    "prospect",
    "segment",
    "outcome",
    "meeting",
    "won",
    "reached",
    "said_no",
    "opted_out",
    "bought_elsewhere",
    "inbound",
    "first_response_day",
    "first_contact_attempt",
    "meeting_day",
    "meeting_attempt",
    "discovery",
    "said_not_now",
    "touches",
    "rep_minutes",
    "cost",
    "annoyance",
    "recall",
    "arrival_day",
    "rep",
    "rep_weeks",
]
"""Per-prospect outcome table. Days and attempts are NaN when it never happened; days count
from the start of the run (``arrival_day``: when the prospect reached the rep, 0 unless the
scenario's ``rep`` block sets arrivals); ``rep`` is the rep's book (-1 without books) and
``rep_weeks`` the prospect's share of that rep's weeks (see ``sim.model.capacity``). A
meeting's source: ``inbound`` (the prospect called when the need arose), else the cadence's
touch number ``meeting_attempt`` booked it (for an inbound meeting, the touches made before);
``discovery``: booked while the buyer's need was below the threshold (won only if the need
rises within the sales cycle). ``said_not_now``: the prospect asked to be called back later."""

TOUCH_COLUMNS = [
    "strategy",
    "prospect",
    "attempt",
    "day",
    "minute",
    "channel",
    "template",
    "result",
    "voicemail_left",
    "voicemail_heard",
    "read_day",
    "response",
    "opted_out",
    "rep_minutes",
    "cost",
]
"""Touch log: one row per touch, in order of prospect and attempt. ``response`` is none,
ignore, positive, no (or lost)."""

RESPONSE_LABELS = ("none", *RESPONSE_NAMES)
"""Response codes in the touch log: -1 none, 0 ignore (no decision), 1 positive, 2 no, 3 lost
(the prospect says they bought elsewhere), 4 not now (call me later)."""
