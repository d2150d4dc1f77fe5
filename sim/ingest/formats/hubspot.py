"""``hubspot``: HubSpot's call, email and meeting engagements (one file or several; each row is
a call, an email or a meeting by the properties it has).

Columns: the contact (``associations.contacts``, ``contact_id`` or ``Associated Contact
IDs``; the first id when several), ``hs_timestamp`` (ISO 8601 or epoch milliseconds),
``hs_sequence_id`` and ``hs_sequence_step_order`` when the engagement came from a sequence,
and

- **calls** (``hs_call_status`` or ``hs_call_disposition``): ``hs_call_direction`` (INBOUND,
  OUTBOUND), ``hs_call_status`` (COMPLETED, BUSY, NO_ANSWER; failed, canceled and queued calls
  are left out), ``hs_call_disposition`` (HubSpot's call outcome: its id, as the API exports
  it, or its label; it decides when given; a completed call without one is connected when it
  lasted, ``hs_call_duration`` in milliseconds, else unanswered);
- **emails** (``hs_email_status`` or ``hs_email_direction``): ``hs_email_direction``
  (``EMAIL``: a touch; ``INCOMING_EMAIL``: the prospect's reply, an inbound record;
  forwarded emails are left out), ``hs_email_status`` (SENT, BOUNCED; failed and scheduled
  emails are left out), ``hs_email_open_count``, and for replies ``reply_sentiment`` (a
  property teams add: ``REPLY_SENTIMENTS``; a reply without one counts as negative);
- **meetings** (``hs_meeting_outcome``): a meeting booked (scheduled, completed, rescheduled or
  no-show; canceled ones are left out), an inbound record booked by the latest touch.

Calls are desk calls. Sequence: ``hs_sequence_id``; without steps, the import numbers the
touches. A step order that counts from 0 (a file holding a step 0) is counted from 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.ingest.formats.base import Adapter, Synthetic
from sim.ingest.formats.common import (
    MAX_STEP,
    counts,
    integers,
    iso,
    numbers,
    personal,
    required_values,
    steps,
    text,
)
from sim.ingest.formats.labels import (
    CALL_DISPOSITIONS,
    DISPOSITION_OF,
    NO_REPLY,
    REPLY_SENTIMENTS,
    SENTIMENT_OF,
)
from sim.ingest.log import CALL_CHANNELS, Export, concat, make_log, names
from sim.ingest.source import Column, Table, present, read_table
from sim.ingest.times import parse_times
from sim.ingest.vocab import DIRECTIONS, OUTCOME_TARGETS, Mapping, Vocabulary
from sim.io.atomic import write_atomic

DISPOSITION_IDS = {
    "f240bbac-87c9-4f6e-bf70-924b57d47db7": "connected",
    "a4c4c377-d246-4b32-a13b-75a56a4cd0ff": "connected",
    "b2cf5968-551e-4856-9783-52b3da59a7d0": "voicemail_left",
    "73a0d17f-1163-4015-bdd5-ec830791da20": "no_answer",
    "9d9162e7-6cf3-4944-bf63-4dff82258764": "busy",
    "17b47fee-58de-441e-a44c-c6300d46f273": "no_answer",
}
"""HubSpot's default call outcomes by id: connected, left live message, left voicemail, no
answer, busy, wrong number."""
COLUMNS = (
    Column("prospect_id", ("associations.contacts", "contact_id", "Associated Contact IDs",
                           "associatedContactIds", "hs_contact_id")),
    Column("hs_timestamp", ("hs_timestamp", "Activity date")),
    Column("sequence", ("hs_sequence_id",), required=False),
    Column("step", ("hs_sequence_step_order", "hs_sequence_step"), required=False),
    Column("hs_call_direction", ("hs_call_direction",), required=False),
    Column("hs_call_status", ("hs_call_status",), required=False),
    Column("hs_call_disposition", ("hs_call_disposition",), required=False),
    Column("hs_call_duration", ("hs_call_duration",), required=False),
    Column("hs_email_direction", ("hs_email_direction",), required=False),
    Column("hs_email_status", ("hs_email_status",), required=False),
    Column("hs_email_open_count", ("hs_email_open_count",), required=False),
    Column("reply_sentiment", ("reply_sentiment", "hs_email_reply_sentiment"), required=False),
    Column("hs_meeting_outcome", ("hs_meeting_outcome",), required=False),
)  # fmt: skip
VOCABULARIES = (
    Vocabulary("hs_call_disposition", "a call's outcome", OUTCOME_TARGETS,
               {**CALL_DISPOSITIONS, **DISPOSITION_IDS}),
    Vocabulary("hs_call_status", "a call's status", OUTCOME_TARGETS, {
        "completed": "connected", "busy": "busy", "no answer": "no_answer", "failed": "skip",
        "canceled": "skip", "queued": "skip", "ringing": "skip", "in progress": "skip",
        "connecting": "skip", "calling crm user": "skip", "missed": "no_answer",
    }, blank="connected"),
    Vocabulary("hs_call_direction", "a call's direction", DIRECTIONS,
               {"outbound": "outbound", "inbound": "inbound"}, blank="outbound"),
    Vocabulary("hs_email_direction", "an email's direction", (*DIRECTIONS, "skip"), {
        "email": "outbound", "incoming email": "inbound", "forwarded email": "skip",
    }, blank="outbound"),
    Vocabulary("hs_email_status", "an email's status", OUTCOME_TARGETS, {
        "sent": "sent", "bounced": "bounced", "failed": "skip", "scheduled": "skip",
        "sending": "skip",
    }, blank="sent"),
    Vocabulary("reply_sentiment", "a reply's sentiment", OUTCOME_TARGETS, REPLY_SENTIMENTS),
    Vocabulary("hs_meeting_outcome", "a meeting's outcome", OUTCOME_TARGETS, {
        "scheduled": "meeting_booked", "completed": "meeting_booked",
        "rescheduled": "meeting_booked", "no show": "meeting_booked", "canceled": "skip",
    }, blank="meeting_booked"),
)  # fmt: skip


def _objects(table: Table, mapping: Mapping, tz: str, i: int) -> tuple[pd.DataFrame, list[str]]:
    required_values(table, "prospect_id", "the contact")
    required_values(table, "hs_timestamp", "the time")
    n = len(table.frame)
    is_call = present(table, "hs_call_status") | present(table, "hs_call_disposition")
    is_mail = ~is_call & (present(table, "hs_email_status") | present(table, "hs_email_direction"))
    is_meeting = ~is_call & ~is_mail & present(table, "hs_meeting_outcome")
    other = ~(is_call | is_mail | is_meeting)
    if other.any():
        raise table.fail("prospect_id", np.flatnonzero(other), (
            "neither a call (hs_call_status, hs_call_disposition), an email (hs_email_status, "
            "hs_email_direction) nor a meeting (hs_meeting_outcome)"))  # fmt: skip
    outcome = np.full(n, "skip", dtype=object)
    direction = np.full(n, "outbound", dtype=object)
    channel = np.where(is_call, "call_desk", "email").astype(object)
    # calls: the disposition decides, else the status (a completed call that lasted: connected)
    status = np.asarray(mapping.apply(table, "hs_call_status", "hs_call_status", is_call)
                        .astype(object))  # fmt: skip
    duration = numbers(table, "hs_call_duration") / 1000
    status = np.where((status == "connected") & ~(duration > 0), "no_answer", status)
    has = is_call & present(table, "hs_call_disposition")
    said = np.asarray(mapping.apply(table, "hs_call_disposition", "hs_call_disposition", has)
                      .astype(object))  # fmt: skip
    outcome[is_call] = np.where(has, said, status)[is_call]
    calls_dir = mapping.apply(table, "hs_call_direction", "hs_call_direction", is_call)
    direction[is_call] = np.asarray(calls_dir.astype(object))[is_call]
    # emails: a touch (its status, opened when opened) or a reply (its sentiment)
    way = np.asarray(mapping.apply(table, "hs_email_direction", "hs_email_direction", is_mail)
                     .astype(object))  # fmt: skip
    sent = np.asarray(mapping.apply(table, "hs_email_status", "hs_email_status", is_mail)
                      .astype(object))  # fmt: skip
    opened = counts(table, "hs_email_open_count") > 0
    sent = np.where((sent == "sent") & opened, "opened", sent)
    reply = is_mail & (way == "inbound")
    has_sentiment = reply & present(table, "reply_sentiment")
    sentiment = np.asarray(mapping.apply(table, "reply_sentiment", "reply_sentiment",
                                         has_sentiment).astype(object))  # fmt: skip
    touch = is_mail & (way == "outbound")
    outcome[touch] = sent[touch]
    said = np.where(has_sentiment, sentiment, "replied_negative")
    outcome[reply] = np.where(np.isin(said, NO_REPLY), "skip", said)[reply]  # auto-replies
    direction[reply] = "inbound"
    # meetings: booked by the latest touch
    met = np.asarray(mapping.apply(table, "hs_meeting_outcome", "hs_meeting_outcome",
                                   is_meeting).astype(object))  # fmt: skip
    outcome[is_meeting] = met[is_meeting]
    direction[is_meeting] = "inbound"
    keep = (outcome != "skip") & ~(is_mail & (way == "skip"))
    notes = []
    unsure = int((reply & ~has_sentiment).sum())
    if unsure:
        notes.append(f"{table.path.name}: {unsure:,} replies without a reply_sentiment counted "
                     "as negative replies")  # fmt: skip
    first = integers(table, "step", low=0, high=MAX_STEP)
    zero_based = bool((first == 0).any())
    step = steps(table, "step", first=0 if zero_based else 1)
    if zero_based:
        notes.append(f"{table.path.name}: {table.columns['step']} counts from 0; steps are "
                     "numbered from 1 (its 0 is step 1)")  # fmt: skip
    log = make_log(
        prospect_id=_first_id(text(table, "prospect_id"))[keep],
        at=parse_times(table, "hs_timestamp", tz)[keep], channel=channel[keep],
        outcome=outcome[keep], file=i, row=table.rows(np.flatnonzero(keep)),
        step=step[keep], sequence=text(table, "sequence")[keep], direction=direction[keep],
        duration_s=duration[keep],
    )  # fmt: skip
    return log, notes


def _first_id(ids: np.ndarray) -> np.ndarray:
    """The first contact of an engagement associated with several (``101;102``)."""
    return np.asarray(pd.Series(ids).str.split(r"[;,]", regex=True).str[0].str.strip(),
                      dtype=object)  # fmt: skip


def read(files: list[Path], mapping: Mapping, tz: str) -> Export:
    frames, notes = [], []
    for i, path in enumerate(files):
        log, more = _objects(read_table(path, COLUMNS), mapping, tz, i)
        frames.append(log)
        notes += more
    return Export("hubspot", list(files), concat(frames), mapping, notes=notes)


def write(run: Synthetic, folder: Path, tz: str) -> list[Path]:
    log = run.log
    outcome = names(log["outcome"])
    at = pd.to_datetime(log["at"], utc=True)
    later = pd.to_datetime(log["responded_at"], utc=True).fillna(at + pd.Timedelta(hours=1))

    def millis(t: pd.Series) -> NDArray[Any]:
        return np.asarray((t.astype("int64") // 1_000_000).astype(str).to_numpy())

    seq_ids = {s: str(880 + i) for i, s in enumerate(sorted(set(log["sequence"].astype(str))))}
    seq_ids[""] = ""
    seq = log["sequence"].astype(str).map(seq_ids).to_numpy()
    step = log["step"].astype("Int64").astype(object).to_numpy()
    pid = log["prospect_id"].to_numpy(dtype=object)
    call = np.isin(names(log["channel"]), CALL_CHANNELS)
    picked = ~np.isin(outcome, ["no_answer", "busy", "voicemail_left"])
    disposition = [DISPOSITION_OF.get(o, "") for o in outcome]
    calls = pd.DataFrame({
        "hs_object_id": np.arange(call.sum()) + 1, "associations.contacts": pid[call],
        "hs_timestamp": iso(at, tz).to_numpy()[call], "hs_sequence_id": seq[call],
        "hs_sequence_step_order": step[call],
        "hs_call_direction": np.char.upper(names(log["direction"]).astype(str))[call],
        "hs_call_status": np.where(outcome == "busy", "BUSY", np.where(
            picked | (outcome == "voicemail_left"), "COMPLETED", "NO_ANSWER"))[call],
        "hs_call_disposition": np.asarray(disposition, dtype=object)[call],
        "hs_call_duration": (log["duration_s"].fillna(0) * 1000).astype(int).to_numpy()[call],
        "hs_call_to_number": personal(pid)["phone"].to_numpy()[call],
    })  # fmt: skip
    mail = (log["channel"].astype(str) == "email").to_numpy() & ~call
    touch = mail & (names(log["direction"]) == "outbound")
    said = touch & np.isin(outcome, ["replied_positive", "replied_negative", "not_now",
                                     "opted_out"])  # fmt: skip
    booked = touch & (outcome == "meeting_booked")
    emails = pd.DataFrame({
        "associations.contacts": pid[touch], "hs_timestamp": millis(at)[touch],
        "hs_sequence_id": seq[touch], "hs_sequence_step_order": step[touch],
        "hs_email_direction": "EMAIL",
        "hs_email_status": np.where(outcome == "bounced", "BOUNCED", "SENT")[touch],
        "hs_email_open_count": (~np.isin(outcome, ["sent", "bounced"])).astype(int)[touch],
        "reply_sentiment": "",
    })  # fmt: skip
    replies = pd.DataFrame({
        "associations.contacts": pid[said], "hs_timestamp": millis(later)[said],
        "hs_sequence_id": "", "hs_sequence_step_order": "",
        "hs_email_direction": "INCOMING_EMAIL", "hs_email_status": "", "hs_email_open_count": "",
        "reply_sentiment": np.asarray([SENTIMENT_OF.get(o, "") for o in outcome],
                                      dtype=object)[said],
    })  # fmt: skip
    meetings = pd.DataFrame({
        "associations.contacts": pid[booked], "hs_timestamp": iso(later, tz).to_numpy()[booked],
        "hs_meeting_outcome": "SCHEDULED", "hs_meeting_title": "Intro call",
    })  # fmt: skip
    everything = pd.concat([emails, replies, meetings], ignore_index=True)
    everything["hs_email_to_email"] = personal(
        everything["associations.contacts"].to_numpy(dtype=object)
    )["email"].to_numpy()
    return [
        write_atomic(folder / "calls.csv", lambda p: calls.to_csv(p, index=False)),
        write_atomic(folder / "emails_and_meetings.csv",
                     lambda p: everything.to_csv(p, index=False)),
    ]  # fmt: skip


ADAPTER = Adapter(
    "hubspot",
    "HubSpot's call and email engagements (hs_timestamp, hs_call_disposition, hs_call_status, "
    "hs_call_duration, hs_email_status, hs_sequence_id) and meetings",
    VOCABULARIES, read, write,
)  # fmt: skip

__all__ = ["ADAPTER", "DISPOSITION_IDS"]
