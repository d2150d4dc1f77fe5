"""The ``prospects`` format's rows (one per prospect: how many touches, how it ended; no touch
log) as a run's two tables (``sim.ingest.tables.Tables``).

The outcome table comes from the rows directly: ``meeting`` (and ``won``), ``reached`` (a
meeting, a no, a "not now", or a first contact given), ``said_no``, ``said_not_now``,
``opted_out``, ``first_contact_attempt`` (given, else the last touch of a prospect reached),
``meeting_attempt`` (the last touch: the cadence stops at a meeting), ``arrival_day`` (from
``arrived_at``). A touch log is written from them: each prospect's ``attempts`` touches on its
channel, ``SPACING`` business days apart at 10:00, the ending on the touch of first contact (a
pick-up or a read, with the answer) and an opt-out on the last; so only prospect-level
statistics are taken from it (``Tables.touch_level`` is False).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.ingest.log import CALL_CHANNELS, names
from sim.ingest.tables import (
    CHANNEL_NAMES,
    RESULT_NAMES,
    STATUS_NAMES,
    UNKNOWN,
    Tables,
    from_codes,
    templates,
)
from sim.ingest.times import business_days, epoch_monday, local_parts
from sim.model.outcomes import PROSPECT_COLUMNS, RESPONSE_LABELS, Status

SPACING = 3
"""Business days between touches when the export does not say."""


def coded(values: NDArray[np.object_], categories: Sequence[str]) -> pd.Categorical:
    """Text values as a categorical over known categories."""
    return pd.Categorical(values, categories=pd.Index(list(categories), dtype=object))


def from_outcomes(outcomes: pd.DataFrame, strategy: str, tz: str) -> Tables:
    """The tables of the ``prospects`` format's rows (see the module's docstring)."""
    n = len(outcomes)
    ids = pd.Index(names(outcomes["prospect_id"]))
    end = names(outcomes["outcome"])
    attempts = outcomes["attempts"].to_numpy(dtype=np.int64)
    first_contact = outcomes["first_contact_attempt"].to_numpy(dtype=float)
    arrived = outcomes["arrived_at"]
    if arrived.notna().any():
        dates, _ = local_parts(arrived.fillna(arrived.min()), tz)
        epoch = epoch_monday(dates)
        arrival = business_days(dates, epoch)
    else:
        epoch, arrival = np.datetime64("2024-01-01", "D"), np.zeros(n, dtype=np.int64)
    met = np.isin(end, ["meeting", "won"])
    reached = met | np.isin(end, ["no", "not_now"]) | ~np.isnan(first_contact)
    contact_at = np.where(np.isnan(first_contact), np.where(reached, attempts, np.nan),
                          first_contact)  # fmt: skip
    channel = np.where(outcomes["channel"].isna(), "email", names(outcomes["channel"]))
    p = np.repeat(np.arange(n), attempts)
    attempt = np.concatenate([np.arange(1, k + 1) for k in attempts]) if n else np.zeros(0, int)
    ending = attempt == np.repeat(np.where(np.isnan(contact_at), -1, contact_at), attempts)
    last = attempt == np.repeat(attempts, attempts)
    said = {"meeting": "positive", "won": "positive", "no": "no", "not_now": "not_now"}
    resp_of = np.array([said.get(e, "none") for e in end], dtype=object)
    response = np.where(ending, resp_of[p], "none")
    ch = channel[p]
    call = np.isin(ch, CALL_CHANNELS)
    result = np.where(call, np.where(ending, "picked_up", "screened"),
                      np.where(ending, "read", "unread"))  # fmt: skip
    opted = last & (end[p] == "opted_out")
    day = arrival[p] + (attempt - 1) * SPACING
    touches = pd.DataFrame({
        "strategy": strategy, "prospect": p.astype(np.int64), "attempt": attempt.astype(np.int64),
        "day": day.astype(np.int64), "minute": 600, "channel": coded(ch, CHANNEL_NAMES),
        "template": templates(attempt.astype(float)),
        "result": coded(result, RESULT_NAMES), "voicemail_left": False, "voicemail_heard": False,
        "read_day": np.where(result == "read", day, np.nan).astype(float),
        "response": coded(response, RESPONSE_LABELS), "opted_out": opted, "rep_minutes": 0.0,
        "cost": 0.0,
        "step": attempt.astype(float),
    })  # fmt: skip
    status = np.full(n, Status.open.value)
    for name, s in (("no", Status.said_no), ("not_now", Status.nurture),
                    ("opted_out", Status.opted_out), ("meeting", Status.meeting),
                    ("won", Status.meeting)):  # fmt: skip
        status[end == name] = s
    prospects = pd.DataFrame({
        "strategy": strategy, "prospect": np.arange(n, dtype=np.int64),
        "segment": from_codes(np.zeros(n, dtype=np.int8), [UNKNOWN]),
        "outcome": pd.Categorical.from_codes(status, categories=STATUS_NAMES),
        "meeting": met, "won": end == "won", "reached": reached, "said_no": end == "no",
        "opted_out": end == "opted_out", "bought_elsewhere": False, "inbound": False,
        "first_response_day": np.nan, "first_contact_attempt": contact_at,
        "meeting_day": np.nan, "meeting_attempt": np.where(met, attempts, np.nan),
        "discovery": False, "said_not_now": end == "not_now",
        "touches": attempts.astype(np.int32), "rep_minutes": 0.0, "cost": 0.0,
        "annoyance": np.nan, "recall": np.nan, "arrival_day": arrival.astype(np.int32),
        "rep": np.int64(-1), "rep_weeks": np.nan,
    })[PROSPECT_COLUMNS]  # fmt: skip
    last_day = int((arrival + attempts * SPACING).max()) if n else 0
    return Tables(strategy, prospects, touches, epoch, last_day, ids, touch_level=False)


__all__ = ["SPACING", "from_outcomes"]
