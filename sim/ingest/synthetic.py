"""A simulated run written as an export: the planted truth of the import, and the example.

``synthetic_export`` turns one strategy's outcome table and touch log into what a sales
engagement tool would have recorded (``Synthetic``): a row per touch with its furthest
outcome, on calendar dates from ``start`` in a time zone; the replies that come back as their
own records (a callback after a voicemail, a prospect who calls in) as inbound rows; and the
enrolments. Each format's writer (``sim.ingest.formats``) then lays it out as that tool does.
Importing the files gives back the run's statistics (the tests check it), so a calibration on
them must recover the parameters the run was simulated with.

What an export cannot hold is lost as it would be in a real one: tracking is taken at its
word (a read message is ``opened``), a ring that made the prospect opt out becomes the
prospect calling in to opt out, and replies carry the day they came on.

``python -m sim.ingest.synthetic`` is not provided: ``benchmarks/planted_import.py`` writes the
planted exports and the example (``--example``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.ingest.formats.base import Synthetic
from sim.ingest.log import CALL_CHANNELS, LOG_COLUMNS, names

START = "2024-03-04"
"""A Monday: business day 0 of a synthetic export."""
REPLY_AFTER = 60
"""Minutes after the touch a same-day reply is stamped (the model does not log the read's
minute); a reply on a later day is stamped at ``LATER_REPLY``."""
LATER_REPLY = 7 * 60
INBOUND_MINUTE = 12 * 60
OUTCOME_OF_RESPONSE = {
    "positive": "replied_positive",
    "no": "replied_negative",
    "lost": "replied_negative",
    "not_now": "not_now",
}


def stamps(day: np.ndarray, minute: np.ndarray, start: str, tz: str) -> pd.Series:
    """Business days (from ``start``, a Monday) and minutes as UTC timestamps."""
    dates = np.busday_offset(np.datetime64(start, "D"), day.astype(np.int64), roll="forward")
    local = pd.to_datetime(dates) + pd.to_timedelta(np.minimum(minute, 1439), unit="m")
    return pd.Series(local.tz_localize(tz, ambiguous=False, nonexistent="shift_forward")
                     .tz_convert("UTC"))  # fmt: skip


def step_numbers(templates: pd.Series, order: list[str] | None) -> np.ndarray:
    """Each touch's step: its template's place in ``order`` (the cadence's templates, one per
    step), 1-based; NaN for a template not there."""
    names = templates.astype(str).str.replace(r"#\d+$", "", regex=True)
    if order is None:
        order = list(dict.fromkeys(names))
    place = {t: i + 1 for i, t in enumerate(order)}
    return names.map(place).to_numpy(dtype=float)


def synthetic_export(
    prospects: pd.DataFrame,
    touches: pd.DataFrame,
    *,
    sequence: str,
    steps: list[str] | None = None,
    start: str = START,
    tz: str = "America/New_York",
    prefix: str = "P",
) -> Synthetic:
    """One strategy's run as an export would record it (see the module's docstring);
    ``steps``: the cadence's templates in step order (default: in order of first use)."""
    ids = np.array([f"{prefix}{int(p):06d}" for p in prospects["prospect"]], dtype=object)
    id_of = pd.Series(ids, index=prospects["prospect"].to_numpy())
    t = touches.sort_values(["prospect", "attempt"], kind="stable").reset_index(drop=True)
    pid = id_of.reindex(t["prospect"].to_numpy()).to_numpy(dtype=object)
    channel = names(t["channel"])
    result = names(t["result"])
    response = names(t["response"])
    call = np.isin(channel, CALL_CHANNELS)
    left = t["voicemail_left"].to_numpy(dtype=bool)
    heard = t["voicemail_heard"].to_numpy(dtype=bool)
    opted = t["opted_out"].to_numpy(dtype=bool)
    meta = prospects.set_index("prospect")
    booked_at = meta["meeting_attempt"].reindex(t["prospect"]).to_numpy(dtype=float)
    inbound_meeting = meta["inbound"].reindex(t["prospect"]).to_numpy(dtype=bool)
    books = (booked_at == t["attempt"].to_numpy(dtype=float)) & ~inbound_meeting
    said = np.array([OUTCOME_OF_RESPONSE.get(r, "") for r in response], dtype=object)
    said = np.where(books, "meeting_booked", said)
    picked = result == "picked_up"
    outcome = np.where(call, np.where(left, "voicemail_left",
                                      np.where(result == "busy", "busy", "no_answer")),
                       np.where(result == "undeliverable", "bounced",
                                np.where(result == "read", "opened", "sent")))  # fmt: skip
    outcome = np.where(call & picked, np.where(said != "", said, "connected"), outcome)
    direct = ~call & (result == "read")
    outcome = np.where(direct & (said != ""), said, outcome)
    outcome = np.where(direct & opted, "opted_out", outcome)
    outcome = np.where(call & picked & opted, "opted_out", outcome)
    day = t["day"].to_numpy(dtype=np.int64)
    minute = t["minute"].to_numpy(dtype=np.int64)
    read_day = t["read_day"].to_numpy(dtype=float)
    reply_day = np.where(np.isnan(read_day), day, read_day).astype(np.int64)
    reply_minute = np.where(reply_day == day, np.minimum(minute + REPLY_AFTER, 1439), LATER_REPLY)
    replies = direct & (said != "")
    responded = stamps(reply_day, reply_minute, start, tz).where(replies)
    touch_rows = pd.DataFrame({
        "prospect_id": pid, "at": stamps(day, minute, start, tz), "channel": channel,
        "step": step_numbers(t["template"], steps), "sequence": sequence,
        "direction": "outbound", "outcome": outcome,
        "duration_s": np.where(call & picked, 60.0 * t["rep_minutes"].to_numpy(float), np.nan),
        "responded_at": responded,
    })  # fmt: skip
    # callbacks after a voicemail, and rings that made the prospect opt out
    callback = call & ~picked & heard & (said != "")
    quit_ring = call & ~picked & opted
    back = callback | quit_ring
    back_day = np.where(callback, reply_day, day)
    back_minute = np.where(back_day == day, np.minimum(minute + REPLY_AFTER, 1439), LATER_REPLY)
    callbacks = pd.DataFrame({
        "prospect_id": pid[back], "at": stamps(back_day[back], back_minute[back], start, tz),
        "channel": channel[back], "step": np.nan, "sequence": "", "direction": "inbound",
        "outcome": np.where(quit_ring[back], "opted_out", said[back]), "duration_s": np.nan,
        "responded_at": pd.NaT,
    })  # fmt: skip
    came_in = prospects[prospects["meeting"].to_numpy(bool) & prospects["inbound"].to_numpy(bool)]
    inbound = pd.DataFrame({
        "prospect_id": id_of.reindex(came_in["prospect"].to_numpy()).to_numpy(dtype=object),
        "at": stamps(came_in["meeting_day"].to_numpy(dtype=np.int64),
                     np.full(len(came_in), INBOUND_MINUTE), start, tz),
        "channel": "call_desk", "step": np.nan, "sequence": "", "direction": "inbound",
        "outcome": "meeting_booked", "duration_s": np.nan, "responded_at": pd.NaT,
    })  # fmt: skip
    parts = [f for f in (touch_rows, callbacks, inbound) if len(f)]
    log = pd.concat(parts, ignore_index=True).sort_values(["prospect_id", "at"], kind="stable")
    log = log.reset_index(drop=True)[[c for c in LOG_COLUMNS if c not in ("file", "row")]]
    for column in ("at", "responded_at"):
        log[column] = pd.to_datetime(log[column], utc=True)
    arrival = prospects["arrival_day"].to_numpy(dtype=np.int64)
    enrolments = pd.DataFrame({
        "prospect_id": ids, "sequence": sequence,
        "arrived_at": stamps(arrival, np.full(len(ids), 8 * 60), start, tz),
    })  # fmt: skip
    return Synthetic(log, enrolments, outcome_rows(prospects, touches, ids, enrolments))


def outcome_rows(
    prospects: pd.DataFrame, touches: pd.DataFrame, ids: np.ndarray, enrolments: pd.DataFrame
) -> pd.DataFrame:
    """The ``prospects`` format's rows: each prospect's touches, how it ended, the channel
    the cadence used most, the attempt of first contact and the arrival."""
    end = np.full(len(prospects), "no_response", dtype=object)
    for column, name in (
        ("said_not_now", "not_now"),
        ("said_no", "no"),
        ("opted_out", "opted_out"),
        ("meeting", "meeting"),
        ("won", "won"),
    ):
        end[prospects[column].to_numpy(dtype=bool)] = name  # fmt: skip
    channels = touches["channel"].astype(str)
    main = channels.mode().iat[0] if len(channels) else "email"
    return pd.DataFrame({
        "prospect_id": ids, "attempts": prospects["touches"].to_numpy(dtype=np.int64),
        "outcome": end, "channel": main,
        "first_contact_attempt": prospects["first_contact_attempt"].to_numpy(dtype=float),
        "arrived_at": enrolments["arrived_at"].to_numpy(),
    })  # fmt: skip


__all__ = ["START", "Synthetic", "stamps", "step_numbers", "synthetic_export"]
