"""What comes out of a run: status and touch-result codes, and the tidy tables built from them.

Engines append plain tuples to lists as they go; the lists become DataFrames once, at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum

import numpy as np
import pandas as pd

from .behaviour import RESPONSE_NAMES
from .channels import Channel
from .population import SEGMENT_NAMES


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
``rep_weeks`` the prospect's share of that rep's weeks (see ``sim.capacity``)."""

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

RESPONSE_LABELS = ("none", *RESPONSE_NAMES, "lost")
"""Response codes in the touch log: -1 none, 0 ignore, 1 positive, 2 no, 3 lost (the
prospect says they bought elsewhere)."""


def _categorical(codes: pd.Series, names: Sequence[str]) -> pd.Categorical:
    """Integer codes to a categorical with every level, in the model's order."""
    levels: pd.Index = pd.Index(list(names), dtype=object)
    return pd.Categorical.from_codes(codes.to_numpy(dtype=np.int64), categories=levels)


def prospects_frame(strategy: str, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """The outcome table from its columns (``PROSPECT_COLUMNS`` but ``strategy``; codes as ints)."""
    df = pd.DataFrame({c: columns[c] for c in PROSPECT_COLUMNS[1:]})
    df.insert(0, "strategy", strategy)
    df["segment"] = _categorical(df["segment"], SEGMENT_NAMES)
    df["outcome"] = _categorical(df["outcome"], [s.name for s in Status])
    for col in ("meeting", "won", "reached", "said_no", "opted_out", "bought_elsewhere", "inbound"):
        df[col] = df[col].astype(bool)
    for col in ("first_response_day", "first_contact_attempt", "meeting_day"):
        df[col] = df[col].astype(float)
    df["touches"] = df["touches"].astype(np.int32)
    df["prospect"] = df["prospect"].astype(np.int64)
    df["arrival_day"] = df["arrival_day"].astype(np.int32)
    df["rep"] = df["rep"].astype(np.int64)
    df["rep_weeks"] = df["rep_weeks"].astype(float)
    return df


def touches_frame(strategy: str, columns: dict[str, np.ndarray] | pd.DataFrame) -> pd.DataFrame:
    """The touch log from its columns (``TOUCH_COLUMNS`` but ``strategy``; codes as ints)."""
    df = pd.DataFrame({c: columns[c] for c in TOUCH_COLUMNS[1:]})
    df.insert(0, "strategy", strategy)
    df["channel"] = _categorical(df["channel"], [c.name for c in Channel])
    df["result"] = _categorical(df["result"], [r.name for r in Result])
    df["response"] = _categorical(df["response"].astype(int) + 1, RESPONSE_LABELS)
    if "template" in df and len(df):
        df["template"] = df["template"].astype(str)
    for col in ("voicemail_left", "voicemail_heard", "opted_out"):
        df[col] = df[col].astype(bool)
    df["read_day"] = df["read_day"].astype(float)
    df = df.sort_values(["prospect", "attempt"], kind="stable", ignore_index=True)
    return df
