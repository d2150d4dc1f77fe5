"""The tidy log as a run's two tables, the outcome table and the touch log
(``sim.model.outcomes.PROSPECT_COLUMNS`` / ``TOUCH_COLUMNS``), so that the calibration
catalogue's own functions (``sim.calibrate.statistics``) compute every statistic of the
export exactly as they compute it for a simulated run. ``docs/guide/own-data.md`` states the
rules; in short:

- **Touches** are the outbound rows, numbered per prospect in time order (``attempt``), on
  the team's business days (``sim.ingest.times``). A call's outcome gives its result
  (``no_answer`` and ``voicemail_left``: rang out, ``screened``; ``busy``; anything the
  prospect said: ``picked_up``, a live conversation); a message's gives its delivery
  (``bounced``: ``undeliverable``; ``sent``: ``unread``; ``opened`` or a reply: ``read``).
  What the prospect said is the touch's ``response`` (``replied_positive`` and
  ``meeting_booked``: positive; ``replied_negative``: no; ``not_now``; a connected call or
  an opened message with nothing said: ``ignore``, no decision), ``opted_out`` marks the
  touch that made the prospect opt out.
- **Inbound records** answer a touch when they can: an inbound call within ``CALLBACK_DAYS``
  of a call that left a voicemail (and no other call in between, the voicemail still
  unanswered) is the callback of that voicemail (``voicemail_heard``, its response on the
  call's row, as the model logs it); an inbound message is the reply to the latest touch on
  its channel; a meeting booked by message or link (an inbound ``meeting_booked`` not on a
  call: a meetings-tool record) was booked by the latest touch, whatever its channel, unless
  that touch already had a no or a "not now" (a positive reply becomes the meeting).
  Otherwise the prospect came in on their own: an inbound
  contact (``inbound``; a meeting booked then is an inbound meeting, counting the touches
  made before, as the model does).
- **Prospects**: everyone touched or enrolled; ``meeting`` and ``meeting_attempt`` from the
  first meeting booked; ``reached`` (a two-way contact: a live conversation, a reply or an
  inbound call), ``first_response_day`` and ``first_contact_attempt`` from the first one;
  ``said_no``, ``said_not_now``, ``opted_out`` if it ever happened; ``arrival_day`` the
  enrolment (else the first touch). What an export cannot tell is missing (``segment``
  ``unknown``, ``annoyance`` and ``recall`` NaN, ``cost`` 0, ``rep_minutes`` the calls' talk
  time).

The ``prospects`` format (one row per prospect, no touch log) has its own tables
(``sim.ingest.prospect_tables``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.ingest.log import CALL_CHANNELS, Chosen, names
from sim.ingest.times import business_days, epoch_monday, local_parts
from sim.ingest.vocab import DIRECTIONS, OUTCOMES
from sim.model.channels import Channel
from sim.model.outcomes import PROSPECT_COLUMNS, RESPONSE_LABELS, Result, Status

CALL_RESULT = {
    "no_answer": ("screened", False, "none", False),
    "busy": ("busy", False, "none", False),
    "voicemail_left": ("screened", True, "none", False),
    "connected": ("picked_up", False, "ignore", False),
    "replied_positive": ("picked_up", False, "positive", False),
    "replied_negative": ("picked_up", False, "no", False),
    "not_now": ("picked_up", False, "not_now", False),
    "opted_out": ("picked_up", False, "none", True),
    "meeting_booked": ("picked_up", False, "positive", False),
}
"""A call's outcome: (result, voicemail left, response, opted out)."""
MESSAGE_RESULT = {
    "sent": ("unread", False, "none", False),
    "bounced": ("undeliverable", False, "none", False),
    "opened": ("read", False, "ignore", False),
    "replied_positive": ("read", False, "positive", False),
    "replied_negative": ("read", False, "no", False),
    "not_now": ("read", False, "not_now", False),
    "opted_out": ("read", False, "none", True),
    "meeting_booked": ("read", False, "positive", False),
    "connected": ("read", False, "ignore", False),
}
"""A message's outcome, likewise."""
PRIORITY = ("meeting_booked", "replied_positive", "not_now", "replied_negative", "opted_out",
            "connected", "opened")  # fmt: skip
"""When several inbound records answer one touch, the first of these counts."""
REPLY = ("positive", "no", "lost", "not_now")
CONTACTS = ("connected", "meeting_booked", "replied_positive", "replied_negative", "not_now")
"""Inbound records that are a two-way contact (an opt-out alone is not)."""
CALLBACK_DAYS = 1
"""An inbound call is the callback of the latest call's voicemail within this many business
days: a voicemail is heard at the inbox's next session, the same or the next business day,
or never (``docs/model.md`` 4.9)."""
UNKNOWN = "unknown"
STATUS_NAMES = pd.Index([s.name for s in Status], dtype=object)
CHANNEL_NAMES = tuple(c.name for c in Channel)
RESULT_NAMES = tuple(r.name for r in Result)


@dataclass
class Tables:
    """The export as a run's tables, and the calendar they were placed on."""

    strategy: str
    prospects: pd.DataFrame
    touches: pd.DataFrame
    """``TOUCH_COLUMNS`` plus ``step`` (the sequence step; NaN outside the steps)."""
    epoch: np.datetime64
    """Business day 0 (a Monday)."""
    last_day: int
    """The export's last business day."""
    ids: pd.Index
    """The prospects' ids (position = the ``prospect`` code): for the holdout's split only;
    never written."""
    touch_level: bool = True

    @property
    def window(self) -> int:
        """The median prospect's business days from arrival to the export's end."""
        days = self.last_day + 1 - self.prospects["arrival_day"].to_numpy(dtype=float)
        return int(np.median(days)) if len(days) else 0


def build(chosen: Chosen, strategy: str, tz: str) -> Tables:
    """The tables of a chosen sequence's log (see the module's docstring)."""
    log = chosen.log.sort_values(["prospect_id", "at", "direction"], kind="stable")
    log = log.reset_index(drop=True)
    enrol = chosen.enrolments
    pid = names(log["prospect_id"])
    ids = pd.Index(pd.unique(np.concatenate([
        pid, np.asarray([] if enrol is None else names(enrol["prospect_id"]), dtype=object),
    ])))  # fmt: skip
    code = ids.get_indexer(pid)
    del pid
    dates, minutes = local_parts(log["at"], tz)
    arrivals = None
    if enrol is not None and len(enrol) and enrol["arrived_at"].notna().any():
        arrivals = enrol.dropna(subset=["arrived_at"])
        arrival_dates, _ = local_parts(arrivals["arrived_at"].reset_index(drop=True), tz)
        all_dates = np.concatenate([dates, arrival_dates]) if len(dates) else arrival_dates
    else:
        all_dates = dates
    if not len(all_dates):
        all_dates = np.array(["2024-01-01"], dtype="datetime64[D]")
    epoch = epoch_monday(all_dates)
    day = business_days(dates, epoch) if len(dates) else np.zeros(0, np.int64)
    replied = log["responded_at"]
    reply_day = np.full(len(log), -1, dtype=np.int64)
    has_reply = replied.notna().to_numpy()
    if has_reply.any():
        rd, _ = local_parts(replied[has_reply], tz)
        reply_day[has_reply] = np.maximum(business_days(rd, epoch), day[has_reply])
    out = _codes(log["direction"], DIRECTIONS) == DIRECTIONS.index("outbound")
    touches = _touches(log[out], code[out], day[out], minutes[out], reply_day[out], strategy)
    inbound = log[~out]
    contacts = _answer(touches, inbound, code[~out], day[~out], minutes[~out])
    last_day = int(day.max()) if len(day) else 0
    arrival = np.full(len(ids), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(arrival, code, day)
    if arrivals is not None:
        a_code = ids.get_indexer(names(arrivals["prospect_id"]))
        np.minimum.at(arrival, a_code, business_days(arrival_dates, epoch))
    arrival = np.where(arrival == np.iinfo(np.int64).max, 0, arrival)
    prospects = _prospects(strategy, len(ids), touches, contacts, arrival)
    touches = touches.drop(columns=["contact", "response_day", "meeting_booked"])
    return Tables(strategy, prospects, touches, epoch, last_day, ids)


def _touches(
    log: pd.DataFrame, code: NDArray[np.int64], day: NDArray[np.int64],
    minute: NDArray[np.int64], reply_day: NDArray[np.int64], strategy: str,
) -> pd.DataFrame:  # fmt: skip
    n = len(log)
    channel = _codes(log["channel"], CHANNEL_NAMES)
    outcome = _codes(log["outcome"], OUTCOMES)
    call = np.isin(channel, [CHANNEL_NAMES.index(c) for c in CALL_CHANNELS])
    result = np.full(n, -1, dtype=np.int8)
    vm = np.zeros(n, dtype=bool)
    response = np.full(n, -1, dtype=np.int8)
    opted = np.zeros(n, dtype=bool)
    for table, rows in ((CALL_RESULT, call), (MESSAGE_RESULT, ~call)):
        for name, (res, left, resp, opt) in table.items():
            sel = rows & (outcome == OUTCOMES.index(name))
            result[sel], vm[sel] = RESULT_NAMES.index(res), left
            response[sel], opted[sel] = RESPONSE_LABELS.index(resp), opt
    attempt = pd.Series(code).groupby(code).cumcount().to_numpy() + 1
    said = np.isin(response, [RESPONSE_LABELS.index(r) for r in REPLY])
    response_day = np.where(said & (reply_day >= 0), reply_day, day)
    read = result == RESULT_NAMES.index("read")
    duration = log["duration_s"].to_numpy(dtype=float)
    step = log["step"].to_numpy(dtype=float)
    frame = pd.DataFrame({
        "strategy": from_codes(np.zeros(n, dtype=np.int8), [strategy]),
        "prospect": code.astype(np.int64),
        "attempt": attempt.astype(np.int64),
        "day": day.astype(np.int64),
        "minute": minute.astype(np.int64),
        "channel": from_codes(channel, CHANNEL_NAMES),
        "template": templates(step),
        "result": from_codes(result, RESULT_NAMES),
        "voicemail_left": vm,
        "voicemail_heard": np.zeros(n, dtype=bool),
        "read_day": np.where(read, response_day, np.nan).astype(float),
        "response": from_codes(response, RESPONSE_LABELS),
        "opted_out": opted,
        "rep_minutes": np.where(call, np.nan_to_num(duration) / 60, 0.0),
        "cost": 0.0,
        "step": step,
        "contact": (result == RESULT_NAMES.index("picked_up")) | said,
        "response_day": response_day.astype(np.int64),
        "meeting_booked": outcome == OUTCOMES.index("meeting_booked"),
    }, copy=False)  # fmt: skip
    return frame


def _codes(column: pd.Series, categories: Sequence[str]) -> NDArray[np.int8]:
    """A categorical column's codes over ``categories`` (-1: missing, or none of them)."""
    cat = pd.Categorical(column)
    if list(cat.categories) != list(categories):
        cat = cat.set_categories(list(categories))
    return np.asarray(cat.codes, dtype=np.int8)


def from_codes(codes: NDArray[np.int8], categories: Sequence[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=pd.Index(list(categories), dtype=object))


def templates(step: NDArray[np.float64]) -> pd.Categorical:
    """``step-N`` per touch ("" outside the steps), built per distinct step."""
    uniq, inverse = np.unique(np.nan_to_num(step, nan=0).astype(np.int64), return_inverse=True)
    labels = [f"step-{k}" if k > 0 else "" for k in uniq.tolist()]
    return pd.Categorical.from_codes(inverse.ravel(), categories=pd.Index(labels, dtype=object))


def _answer(
    touches: pd.DataFrame, inbound: pd.DataFrame, code: NDArray[np.int64],
    day: NDArray[np.int64], minute: NDArray[np.int64],
) -> pd.DataFrame:  # fmt: skip
    """Attach inbound records to the touches they answer (in place); returns the rest as
    inbound contacts: ``prospect, day, before`` (touches made before), ``outcome``."""
    columns = ["prospect", "day", "before", "outcome"]
    if not len(inbound):
        return pd.DataFrame({c: pd.Series(dtype=np.int64) for c in columns})
    outcome = names(inbound["outcome"])
    ins = pd.DataFrame({
        "prospect": code.astype(np.int64),
        "day": day.astype(np.int64),
        "t": day.astype(np.int64) * 1440 + minute.astype(np.int64),
        "channel": names(inbound["channel"]),
        "outcome": outcome,
        "rank": [PRIORITY.index(o) if o in PRIORITY else len(PRIORITY) for o in outcome],
        "n": np.arange(len(inbound)),
    }).sort_values("t", kind="stable")  # fmt: skip
    outs = pd.DataFrame(
        {
            "prospect": touches["prospect"].to_numpy(dtype=np.int64),
            "attempt": touches["attempt"].to_numpy(dtype=np.int64),
            "channel": names(touches["channel"]),
            "t": touches["day"].to_numpy(dtype=np.int64) * 1440
            + touches["minute"].to_numpy(np.int64),
            "touch": np.arange(len(touches)),
        }
    ).sort_values("t", kind="stable")
    # the latest call, the latest touch on the record's channel and the latest of all
    calls = outs[np.isin(outs["channel"].to_numpy(dtype=object), CALL_CHANNELS)]
    latest = {
        key: pd.merge_asof(ins, frame[["t", "prospect", *by, "touch"]], on="t",
                           by=["prospect", *by], direction="backward").sort_values("n")
        for key, frame, by in (("call", calls, []), ("same", outs, ["channel"]),
                               ("any", outs, []))
    }  # fmt: skip
    ins = ins.sort_values("n")
    idx = {k: np.nan_to_num(v["touch"].to_numpy(dtype=float), nan=-1).astype(np.int64)
           for k, v in latest.items()}  # fmt: skip
    is_call = np.isin(ins["channel"].to_numpy(), CALL_CHANNELS)
    meeting = ins["outcome"].to_numpy() == "meeting_booked"
    vm = touches["voicemail_left"].to_numpy(dtype=bool)
    response = names(touches["response"])
    silent = np.isin(response, ["none", "ignore"])
    open_ = silent | (response == "positive")
    t_day = touches["day"].to_numpy(dtype=np.int64)
    call = idx["call"]
    soon = ins["day"].to_numpy(dtype=np.int64) - t_day[np.maximum(call, 0)] <= CALLBACK_DAYS
    callback = is_call & (call >= 0) & vm[call] & silent[call] & soon
    reply = ~is_call & ~meeting & (idx["same"] >= 0) & silent[idx["same"]]
    booked = ~is_call & meeting & (idx["any"] >= 0) & open_[idx["any"]]
    target = np.where(
        callback, call, np.where(reply, idx["same"], np.where(booked, idx["any"], -1))
    )
    answered = ins.assign(touch=target)[target >= 0].sort_values(["touch", "rank"], kind="stable")
    _apply_answers(touches, answered.drop_duplicates("touch", keep="first"))
    rest = ins[target < 0].sort_values("t", kind="stable")
    found = pd.merge_asof(
        rest,
        outs[["t", "prospect", "attempt"]],
        on="t",
        by="prospect",
        direction="backward",
        allow_exact_matches=False,
    ).sort_values("n")
    before = np.nan_to_num(found["attempt"].to_numpy(dtype=float)).astype(np.int64)
    rest = rest.sort_values("n")
    return pd.DataFrame({"prospect": rest["prospect"].to_numpy(), "day": rest["day"].to_numpy(),
                         "before": before, "outcome": rest["outcome"].to_numpy()})  # fmt: skip


def _apply_answers(touches: pd.DataFrame, answered: pd.DataFrame) -> None:
    """Each answered touch takes its answer: a callback marks the voicemail heard, a reply
    marks the message read; the response, its day and an opt-out or a meeting go on the
    touch's row."""
    idx = answered["touch"].to_numpy(dtype=np.int64)
    outcome = answered["outcome"].to_numpy()
    day = answered["day"].to_numpy(dtype=np.int64)
    is_call = np.isin(names(touches["channel"])[idx], CALL_CHANNELS)
    resp = np.array([MESSAGE_RESULT[o][2] if o in MESSAGE_RESULT else "ignore" for o in outcome],
                    dtype=object)  # fmt: skip

    def put(column: str, rows: NDArray[np.int64], value: object, dtype: object) -> None:
        series = touches[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            codes = np.asarray(series.cat.codes).copy()
            wanted = np.broadcast_to(np.asarray(value, dtype=object), rows.shape)
            codes[rows] = series.cat.categories.get_indexer(pd.Index(wanted))
            touches[column] = pd.Categorical.from_codes(codes, dtype=series.dtype)
            return
        col = series.to_numpy(dtype=dtype).copy()  # type: ignore[call-overload]
        col[rows] = value
        touches[column] = col

    put("voicemail_heard", idx[is_call], True, bool)
    put("response", idx, resp, object)
    put("result", idx[~is_call], "read", object)
    put("read_day", idx, day, float)
    put("response_day", idx, day, np.int64)
    for name, value in (
        ("opted_out", outcome == "opted_out"),
        ("meeting_booked", outcome == "meeting_booked"),
        ("contact", np.isin(resp, REPLY) | (is_call & (outcome != "opted_out"))),
    ):
        put(name, idx, touches[name].to_numpy(dtype=bool)[idx] | value, bool)


def _prospects(
    strategy: str, n: int, touches: pd.DataFrame, contacts: pd.DataFrame,
    arrival: NDArray[np.int64],
) -> pd.DataFrame:  # fmt: skip
    p = touches["prospect"].to_numpy(dtype=np.int64)
    attempt = touches["attempt"].to_numpy(dtype=float)
    rday = touches["response_day"].to_numpy(dtype=float)
    response = touches["response"].to_numpy(dtype=object)
    c_p = contacts["prospect"].to_numpy(dtype=np.int64)
    c_day = contacts["day"].to_numpy(dtype=float)
    c_before = contacts["before"].to_numpy(dtype=float)
    c_out = contacts["outcome"].to_numpy(dtype=object)

    def first(mask: NDArray[np.bool_], cmask: NDArray[np.bool_]) -> tuple[NDArray[np.float64], ...]:
        """The earliest event per prospect: its day and attempt, and whether it was inbound."""
        days = np.concatenate([rday[mask], c_day[cmask]])
        att = np.concatenate([attempt[mask], c_before[cmask]])
        who = np.concatenate([p[mask], c_p[cmask]])
        inb = np.concatenate([np.zeros(int(mask.sum()), bool), np.ones(int(cmask.sum()), bool)])
        order = np.lexsort((att, days, who))
        who, days, att, inb = who[order], days[order], att[order], inb[order]
        head = np.r_[True, who[1:] != who[:-1]] if len(who) else np.zeros(0, bool)
        d = np.full(n, np.nan)
        a = np.full(n, np.nan)
        i = np.zeros(n, dtype=bool)
        d[who[head]], a[who[head]], i[who[head]] = days[head], att[head], inb[head]
        return d, a, i.astype(float)

    booked = touches["meeting_booked"].to_numpy(dtype=bool)
    c_contact = np.isin(c_out, CONTACTS)
    meet_day, meet_attempt, meet_inbound = first(booked, c_out == "meeting_booked")
    contact_day, contact_attempt, _ = first(touches["contact"].to_numpy(dtype=bool), c_contact)

    def ever(mask: NDArray[np.bool_], cmask: NDArray[np.bool_]) -> NDArray[np.bool_]:
        out = np.zeros(n, dtype=bool)
        out[p[mask]] = True
        out[c_p[cmask]] = True
        return out

    meeting = ~np.isnan(meet_day)
    said_no = ever(response == "no", c_out == "replied_negative")
    not_now = ever(response == "not_now", c_out == "not_now")
    opted = ever(touches["opted_out"].to_numpy(dtype=bool), c_out == "opted_out")
    status = np.full(n, Status.open.value, dtype=np.int64)
    last = pd.DataFrame({"p": p, "a": attempt, "r": response})
    last = last[last["r"].isin(["positive", "no", "not_now"])].sort_values(["p", "a"])
    last = last.drop_duplicates("p", keep="last")
    code = {"positive": Status.conversing, "no": Status.said_no, "not_now": Status.nurture}
    status[last["p"].to_numpy()] = [int(code[r]) for r in last["r"]]
    status[opted] = Status.opted_out
    status[meeting] = Status.meeting
    counts = np.bincount(p, minlength=n)
    minutes = np.bincount(p, weights=touches["rep_minutes"].to_numpy(dtype=float), minlength=n)
    frame = pd.DataFrame({
        "strategy": strategy,
        "prospect": np.arange(n, dtype=np.int64),
        "segment": from_codes(np.zeros(n, dtype=np.int8), [UNKNOWN]),
        "outcome": pd.Categorical.from_codes(status, categories=STATUS_NAMES),
        "meeting": meeting,
        "won": np.zeros(n, dtype=bool),
        "reached": ~np.isnan(contact_day),
        "said_no": said_no,
        "opted_out": opted,
        "bought_elsewhere": np.zeros(n, dtype=bool),
        "inbound": meeting & (meet_inbound > 0),
        "first_response_day": contact_day,
        "first_contact_attempt": contact_attempt,
        "meeting_day": meet_day,
        "meeting_attempt": meet_attempt,
        "discovery": np.zeros(n, dtype=bool),
        "said_not_now": not_now,
        "touches": counts.astype(np.int32),
        "rep_minutes": minutes,
        "cost": 0.0,
        "annoyance": np.nan,
        "recall": np.nan,
        "arrival_day": arrival.astype(np.int32),
        "rep": np.int64(-1),
        "rep_weeks": np.nan,
    })  # fmt: skip
    return frame[PROSPECT_COLUMNS]


def categorize(tables: Tables) -> None:
    """Code the touch log's channel, result and response as the run's categoricals do."""
    t = tables.touches
    for column, categories in (("channel", CHANNEL_NAMES), ("result", RESULT_NAMES),
                               ("response", RESPONSE_LABELS)):  # fmt: skip
        t[column] = from_codes(_codes(t[column], categories), categories)


__all__ = [
    "CHANNEL_NAMES",
    "RESULT_NAMES",
    "STATUS_NAMES",
    "UNKNOWN",
    "Tables",
    "build",
    "categorize",
    "from_codes",
    "templates",
]
