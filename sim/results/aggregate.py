"""Sufficient statistics of a strategy's outcomes: mergeable, so large runs stream.

A ``StrategyStats`` holds counts; the moments (count, means, co-moments:
``sim.results.moments``) of meetings, touches, rep minutes and cost per prospect, and of
meetings and rep weeks per book; a histogram of days to first response; dials and pick-ups;
histograms of the attempt that brought the first two-way contact (all prospects, and those who
went on to a meeting); counts of touches by attempt and channel (``TOUCH_COUNTS``); the meetings
each touch booked and its rep minutes (by attempt and channel: the funnel,
``sim.results.funnel``); and inbound meetings by the touches made before them. Adding
the stats of two sets of prospects gives the stats of their union (the moments merge by Chan et
al.'s rule), so a run of any size keeps one small object per strategy per chunk instead of a
row per prospect; the summary's estimates and intervals are computed from these statistics
alone (``sim.results.summary``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.model.channels import Channel
from sim.model.outcomes import RESPONSE_LABELS, Result, Status
from sim.results.moments import Moments

FLAGS = (
    "meeting",
    "won",
    "reached",
    "positive",
    "said_no",
    "opted_out",
    "ghost",
    "bought_elsewhere",
    "inbound_meeting",
    "discovery",
    "not_now",
)
"""Boolean outcomes counted per prospect."""
VALUES = ("touches", "rep_minutes", "cost")
"""Per-prospect quantities with means and (against meetings) ratios."""
MOMENT_VALUES = ("meeting", *VALUES)
"""The per-prospect variables of ``StrategyStats.values`` (meeting as 0/1)."""
BOOK_VALUES = ("meetings", "rep_weeks")
"""The per-book variables of ``StrategyStats.books``."""
POSITIVE_OUTCOMES = ("meeting", "conversing")
DIAL_CHANNELS = ("call_desk", "call_cell")
CHANNEL_NAMES = tuple(c.name for c in Channel)
RESULT_NAMES = tuple(r.name for r in Result)
STATUS_NAMES = tuple(s.name for s in Status)
TOUCH_COUNTS = ("sent", "reached", "read", "positive", "no", "not_now", "opted_out")
"""What ``StrategyStats.touch_counts`` counts per attempt and channel, last axis in this order.

- ``sent``: touches made;
- ``reached``: touches that got to the prospect: a call picked up (result ``picked_up``), a
  message read (result ``read``) or a voicemail heard (``voicemail_heard``). One-way reads
  count, so this is wider than a prospect's ``reached`` (a two-way contact);
- ``read``: a message read or a voicemail heard (``reached`` but pick-ups);
- ``positive``, ``no``, ``not_now``: the prospect's response to the touch (``response``);
  the rare ``lost`` (bought elsewhere) is none of them;
- ``opted_out``: the touch made the prospect opt out.
"""


def _zeros_touch_counts() -> NDArray[np.int64]:
    return np.zeros((0, len(CHANNEL_NAMES), len(TOUCH_COUNTS)), dtype=np.int64)


def _zeros_by_channel(dtype: type[np.generic] = np.int64) -> NDArray[Any]:
    return np.zeros((0, len(CHANNEL_NAMES)), dtype=dtype)


def _add_padded(a: NDArray[Any], b: NDArray[Any]) -> NDArray[Any]:
    """``a + b`` for arrays that differ only in their first dimension, zero-padded."""
    out = np.zeros((max(len(a), len(b)), *a.shape[1:]), dtype=np.result_type(a, b))
    out[: len(a)] += a
    out[: len(b)] += b
    return out


def _codes(column: pd.Series, names: tuple[str, ...]) -> NDArray[np.int64]:
    """Integer codes of a column of names (a categorical in ``names`` order, or plain text)."""
    if isinstance(column.dtype, pd.CategoricalDtype) and tuple(column.cat.categories) == names:
        return np.asarray(column.cat.codes, dtype=np.int64)
    index = {name: i for i, name in enumerate(names)}
    return np.asarray(column.astype(str).map(index).fillna(-1), dtype=np.int64)


@dataclass
class StrategyStats:
    """Sufficient statistics of one strategy's prospects (and, optionally, its touch log)."""

    n: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FLAGS, 0))
    values: Moments = field(default_factory=lambda: Moments.empty(MOMENT_VALUES))
    """Moments of meeting (0/1), touches, rep minutes and cost over prospects."""
    first_response: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    """Histogram of days to first response (index = day)."""
    dials: int = 0
    pickups: int = 0
    has_touches: bool = False
    first_contact: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    """Histogram of the attempt that brought the first two-way contact (index = attempt; 0 =
    before the first touch); prospects never reached are not counted."""
    first_contact_meeting: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    """``first_contact`` over the prospects who went on to book a meeting."""
    touch_counts: NDArray[np.int64] = field(default_factory=_zeros_touch_counts)
    """Touches by attempt (index, 1-based as in the touch log), channel (``Channel`` order) and
    counter (``TOUCH_COUNTS`` order); empty without a touch log."""
    touch_meetings: NDArray[np.int64] = field(default_factory=_zeros_by_channel)
    """Meetings booked by a touch (the prospect's ``meeting_attempt``, not inbound), by that
    touch's attempt and channel; empty without a touch log."""
    touch_minutes: NDArray[np.float64] = field(
        default_factory=lambda: _zeros_by_channel(np.float64)
    )
    """Rep minutes of the touches, by attempt and channel; empty without a touch log."""
    inbound_meetings: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    """Meetings the prospect booked by calling in, by the touches made before (index)."""
    books: Moments = field(default_factory=lambda: Moments.empty(BOOK_VALUES))
    """Moments of a book's meetings and rep weeks over reps' books (books never straddle
    chunks, so these merge)."""
    meeting_days: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    """Histogram of the business day meetings were booked on (index = day): the cumulative
    meetings chart."""
    outcomes: NDArray[np.int64] = field(
        default_factory=lambda: np.zeros(len(STATUS_NAMES), np.int64)
    )
    """Prospects by final outcome (``Status`` order): the outcome-mix chart."""

    def __add__(self, other: StrategyStats) -> StrategyStats:
        hist = _add_padded(self.first_response, other.first_response)
        return StrategyStats(
            n=self.n + other.n,
            counts={k: self.counts[k] + other.counts[k] for k in FLAGS},
            values=self.values + other.values,
            first_response=hist,
            dials=self.dials + other.dials,
            pickups=self.pickups + other.pickups,
            has_touches=self.has_touches or other.has_touches,
            first_contact=_add_padded(self.first_contact, other.first_contact),
            first_contact_meeting=_add_padded(
                self.first_contact_meeting, other.first_contact_meeting
            ),
            touch_counts=_add_padded(self.touch_counts, other.touch_counts),
            touch_meetings=_add_padded(self.touch_meetings, other.touch_meetings),
            touch_minutes=_add_padded(self.touch_minutes, other.touch_minutes),
            inbound_meetings=_add_padded(self.inbound_meetings, other.inbound_meetings),
            books=self.books + other.books,
            meeting_days=_add_padded(self.meeting_days, other.meeting_days),
            outcomes=self.outcomes + other.outcomes,
        )

    @classmethod
    def of(cls, prospects: pd.DataFrame, touches: pd.DataFrame | None = None) -> StrategyStats:
        """The statistics of one strategy's rows of the outcome table (and touch log)."""
        meeting = prospects["meeting"].to_numpy(dtype=bool)
        reached = prospects["reached"].to_numpy(dtype=bool)
        opted = prospects["opted_out"].to_numpy(dtype=bool)
        outcome = prospects["outcome"]
        flags = {
            "meeting": meeting,
            "won": prospects["won"].to_numpy(dtype=bool),
            "reached": reached,
            "positive": outcome.isin(POSITIVE_OUTCOMES).to_numpy(dtype=bool) | meeting,
            "said_no": prospects["said_no"].to_numpy(dtype=bool),
            "opted_out": opted,
            "ghost": ~reached & ~opted & ~meeting,
            "bought_elsewhere": prospects["bought_elsewhere"].to_numpy(dtype=bool),
            "inbound_meeting": meeting & _flag(prospects, "inbound"),
            "discovery": meeting & _flag(prospects, "discovery"),
            "not_now": _flag(prospects, "said_not_now"),
        }
        values = {"meeting": meeting.astype(float)}
        values.update({k: prospects[k].to_numpy(dtype=float) for k in VALUES})
        days = prospects["first_response_day"].to_numpy(dtype=float)
        if "arrival_day" in prospects:
            days = days - prospects["arrival_day"].to_numpy(dtype=float)
        days = days[~np.isnan(days)].astype(np.int64)
        attempt = prospects["first_contact_attempt"].to_numpy(dtype=float)
        contacted = ~np.isnan(attempt)
        first = attempt[contacted].astype(np.int64)
        first_met = attempt[contacted & meeting].astype(np.int64)
        has_inbound = "inbound" in prospects and "meeting_attempt" in prospects
        inbound = (prospects["inbound"].to_numpy(dtype=bool) if has_inbound else ~meeting) & meeting
        before = (
            np.nan_to_num(prospects["meeting_attempt"].to_numpy(dtype=float)[inbound])
            if has_inbound
            else np.zeros(0)
        )
        stats = cls(
            n=len(prospects),
            counts={k: int(v.sum()) for k, v in flags.items()},
            values=Moments.of(values),
            first_response=_histogram(days),
            first_contact=_histogram(first),
            first_contact_meeting=_histogram(first_met),
            inbound_meetings=_histogram(before.astype(np.int64)),
            books=_book_moments(prospects, meeting),
            meeting_days=_histogram(
                _whole(prospects["meeting_day"])
                if "meeting_day" in prospects
                else np.zeros(0, np.int64)
            ),
            outcomes=np.bincount(_known(outcome), minlength=len(STATUS_NAMES)).astype(np.int64),
        )
        if touches is not None:
            stats._add_touches(
                booked=_booked(prospects, touches["prospect"], touches["attempt"]),
                minutes=touches["rep_minutes"].to_numpy(dtype=float),
                attempt=touches["attempt"].to_numpy(dtype=np.int64),
                channel=_codes(touches["channel"], CHANNEL_NAMES),
                result=_codes(touches["result"], RESULT_NAMES),
                voicemail_heard=touches["voicemail_heard"].to_numpy(dtype=bool),
                response=_codes(touches["response"], RESPONSE_LABELS),
                opted_out=touches["opted_out"].to_numpy(dtype=bool),
            )
        return stats

    @classmethod
    def of_log(cls, prospects: pd.DataFrame, log: dict[str, NDArray[Any]]) -> StrategyStats:
        """``of`` with the touch log as the engine's raw columns (integer codes: channel and
        result in model order, response -1 none to 3 lost), without building its table."""
        stats = cls.of(prospects)
        if log:
            stats._add_touches(
                booked=_booked(prospects, log["prospect"], log["attempt"]),
                minutes=np.asarray(log["rep_minutes"], dtype=float),
                attempt=np.asarray(log["attempt"], dtype=np.int64),
                channel=np.asarray(log["channel"], dtype=np.int64),
                result=np.asarray(log["result"], dtype=np.int64),
                voicemail_heard=np.asarray(log["voicemail_heard"], dtype=bool),
                response=np.asarray(log["response"], dtype=np.int64) + 1,
                opted_out=np.asarray(log["opted_out"], dtype=bool),
            )
        else:
            stats.has_touches = True
        return stats

    def _add_touches(
        self,
        *,
        booked: NDArray[np.bool_],
        minutes: NDArray[np.float64],
        attempt: NDArray[np.int64],
        channel: NDArray[np.int64],
        result: NDArray[np.int64],
        voicemail_heard: NDArray[np.bool_],
        response: NDArray[np.int64],
        opted_out: NDArray[np.bool_],
    ) -> None:
        """Dials, pick-ups and ``touch_counts`` from the touch log's columns (``response`` as
        an index into ``RESPONSE_LABELS``)."""
        picked = result == Result.picked_up
        dials = np.isin(channel, [Channel[c].value for c in DIAL_CHANNELS])
        self.dials = int(dials.sum())
        self.pickups = int((dials & picked).sum())
        read = (result == Result.read) | voicemail_heard
        self.touch_counts = _touch_counts(attempt, channel, picked, read, response, opted_out)
        shape = self.touch_counts.shape[:2]
        known = channel >= 0
        key = (attempt * len(CHANNEL_NAMES) + channel)[known]
        size = shape[0] * shape[1]
        self.touch_meetings = (
            np.bincount(key[booked[known]], minlength=size).reshape(shape).astype(np.int64)
        )
        self.touch_minutes = np.asarray(
            np.bincount(key, weights=minutes[known], minlength=size), dtype=np.float64
        ).reshape(shape)
        self.has_touches = True


def _whole(column: pd.Series | NDArray[Any]) -> NDArray[np.int64]:
    """The whole numbers of a float column with NaN for none (NaN dropped)."""
    values = np.asarray(column, dtype=float)
    return np.asarray(values[~np.isnan(values)], dtype=np.int64)


def _known(outcome: pd.Series) -> NDArray[np.int64]:
    """``Status`` codes of an outcome column (names not in ``Status`` dropped)."""
    codes = _codes(outcome, STATUS_NAMES)
    return np.asarray(codes[codes >= 0], dtype=np.int64)


def _flag(prospects: pd.DataFrame, column: str) -> NDArray[np.bool_]:
    """A boolean column (all False in a table saved before the column existed)."""
    if column not in prospects:
        return np.zeros(len(prospects), dtype=bool)
    return np.asarray(prospects[column].to_numpy(dtype=bool))


def _booked(prospects: pd.DataFrame, prospect: Any, attempt: Any) -> NDArray[np.bool_]:
    """For each touch (its prospect id and attempt), whether it booked the prospect's meeting:
    its attempt is the prospect's ``meeting_attempt`` and the meeting was not inbound (none,
    for an outcome table without those columns)."""
    if "meeting_attempt" not in prospects or "inbound" not in prospects:
        return np.zeros(len(np.asarray(prospect)), dtype=bool)
    ids = prospects["prospect"].to_numpy(dtype=np.int64)
    at = prospects["meeting_attempt"].to_numpy(dtype=float)
    booked_by_touch = prospects["meeting"].to_numpy(dtype=bool) & ~prospects["inbound"].to_numpy(
        dtype=bool
    )
    at = np.where(booked_by_touch, at, np.nan)
    who = np.asarray(prospect, dtype=np.int64)
    attempt = np.asarray(attempt, dtype=np.int64)
    if not len(who) or not len(ids):
        return np.zeros(len(who), dtype=bool)
    order = np.argsort(ids, kind="stable")
    pos = np.clip(np.searchsorted(ids[order], who), 0, len(ids) - 1)
    row = order[pos]
    found = ids[row] == who
    return np.asarray(found & (at[row] == attempt), dtype=bool)


def _book_moments(prospects: pd.DataFrame, meeting: NDArray[np.bool_]) -> Moments:
    """``StrategyStats.books`` of an outcome table (none when prospects have no rep)."""
    if "rep" not in prospects or not len(prospects):
        return Moments.empty(BOOK_VALUES)
    rep = prospects["rep"].to_numpy(dtype=np.int64)
    has = rep >= 0
    if not has.any():
        return Moments.empty(BOOK_VALUES)
    _, book = np.unique(rep[has], return_inverse=True)
    x = np.bincount(book, weights=meeting[has].astype(float))
    m = np.bincount(book, weights=prospects["rep_weeks"].to_numpy(dtype=float)[has])
    return Moments.of({"meetings": x, "rep_weeks": m})


def _histogram(values: NDArray[np.int64]) -> NDArray[np.int64]:
    """Counts of each whole number ``0 .. max(values)``."""
    if not len(values):
        return np.zeros(0, np.int64)
    return np.bincount(values).astype(np.int64)


def _touch_counts(
    attempt: NDArray[np.int64],
    channel: NDArray[np.int64],
    picked: NDArray[np.bool_],
    read: NDArray[np.bool_],
    response: NDArray[np.int64],
    opted_out: NDArray[np.bool_],
) -> NDArray[np.int64]:
    """``StrategyStats.touch_counts`` of a touch log's columns (see ``TOUCH_COUNTS``)."""
    n_channels = len(CHANNEL_NAMES)
    if not len(attempt):
        return _zeros_touch_counts()
    size = (int(attempt.max()) + 1) * n_channels
    key = attempt * n_channels + channel
    flags = (
        np.ones(len(attempt), dtype=bool),
        picked | read,
        read,
        response == RESPONSE_LABELS.index("positive"),
        response == RESPONSE_LABELS.index("no"),
        response == RESPONSE_LABELS.index("not_now"),
        opted_out,
    )
    known = channel >= 0
    counts = [np.bincount(key[flag & known], minlength=size) for flag in flags]
    return np.stack(counts, axis=-1).reshape(-1, n_channels, len(TOUCH_COUNTS)).astype(np.int64)


def stats_by_strategy(
    prospects: pd.DataFrame, touches: pd.DataFrame | None = None
) -> dict[str, StrategyStats]:
    """``StrategyStats`` per strategy, in order of first appearance."""
    names = list(dict.fromkeys(prospects["strategy"].astype(str)))
    p_name = prospects["strategy"].astype(str).to_numpy()
    t_name = None if touches is None else touches["strategy"].astype(str).to_numpy()
    out = {}
    for name in names:
        t = None if touches is None or t_name is None else touches[t_name == name]
        out[name] = StrategyStats.of(prospects[p_name == name], t)
    return out


def merge(parts: list[dict[str, StrategyStats]]) -> dict[str, StrategyStats]:
    """Merge per-chunk statistics (strategies in order of first appearance)."""
    out: dict[str, StrategyStats] = {}
    for part in parts:
        for name, stats in part.items():
            out[name] = out[name] + stats if name in out else stats
    return out


__all__ = ["CHANNEL_NAMES", "TOUCH_COUNTS", "StrategyStats", "fields", "merge", "stats_by_strategy"]
