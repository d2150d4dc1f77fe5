"""``salesloft``: Salesloft's emails, calls and cadence memberships exports (any of them; the
files are told apart by their columns).

- **Emails** (``sentAt``): ``personId``, ``cadence``, ``step`` (the cadence step's number),
  ``sentAt``, ``status`` (sent, delivered, bounced; failed, pending and scheduled emails are
  left out), ``bounced`` (true or false), ``views`` and ``replies`` (counts), and where the
  team has them ``repliedAt``, ``replySentiment`` (``REPLY_SENTIMENTS``; a reply without one
  counts as negative) and ``unsubscribed`` (true or false). The outcome is the furthest: an
  unsubscribe, a reply, a bounce, a view (opened), else sent.
- **Calls** (``disposition``): ``personId``, ``cadence``, ``step``, ``createdAt``,
  ``disposition`` (what became of the dial, ``CALL_DISPOSITIONS``), ``sentiment`` (what the
  conversation settled, on connected calls: it decides when given), ``duration`` (seconds),
  and optionally ``direction``. Calls are desk calls.
- **Cadence memberships** (``addedAt``): ``personId``, ``cadence``, ``addedAt``,
  ``currentState``: who was in a cadence and from when, touched or not (the prospects a rate
  is a share of). ``counts`` is not read.

Sequence: the ``cadence`` (its name or id).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.ingest.formats.base import Adapter, Synthetic
from sim.ingest.formats.common import (
    Kind,
    classify,
    counts,
    flags,
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

KINDS = (Kind("memberships", ("addedAt", "currentState")), Kind("calls", ("disposition",)),
         Kind("emails", ("sentAt",)))  # fmt: skip
PERSON = Column("prospect_id", ("personId", "person_id", "Person ID"))
CADENCE = Column("sequence", ("cadence", "cadenceName", "cadence_name", "Cadence"), required=False)
STEP = Column("step", ("step", "stepNumber", "step_number", "Step"), required=False)
EMAILS = (
    PERSON, CADENCE, STEP,
    Column("sentAt", ("sentAt", "sent_at")),
    Column("status", ("status",)),
    Column("bounced", ("bounced",), required=False),
    Column("views", ("views", "counts.views", "opens"), required=False),
    Column("replies", ("replies", "counts.replies"), required=False),
    Column("repliedAt", ("repliedAt", "replied_at"), required=False),
    Column("replySentiment", ("replySentiment", "reply_sentiment"), required=False),
    Column("unsubscribed", ("unsubscribed",), required=False),
)  # fmt: skip
CALLS = (
    PERSON, CADENCE, STEP,
    Column("createdAt", ("createdAt", "created_at", "calledAt")),
    Column("disposition", ("disposition",)),
    Column("sentiment", ("sentiment",), required=False),
    Column("duration", ("duration",), required=False),
    Column("direction", ("direction",), required=False),
)  # fmt: skip
MEMBERSHIPS = (
    PERSON, CADENCE,
    Column("addedAt", ("addedAt", "added_at")),
    Column("currentState", ("currentState", "current_state"), required=False),
)  # fmt: skip
VOCABULARIES = (
    Vocabulary("disposition", "a call's disposition", OUTCOME_TARGETS, CALL_DISPOSITIONS),
    Vocabulary("sentiment", "a conversation's sentiment", OUTCOME_TARGETS, CALL_DISPOSITIONS),
    Vocabulary("status", "an email's status", OUTCOME_TARGETS, {
        "sent": "sent", "delivered": "sent", "bounced": "bounced", "failed": "skip",
        "pending": "skip", "scheduled": "skip", "canceled": "skip", "replied": "sent",
        "opened": "sent",
    }),
    Vocabulary("replySentiment", "a reply's sentiment", OUTCOME_TARGETS, REPLY_SENTIMENTS),
    Vocabulary("direction", "a call's direction", DIRECTIONS, {"outbound": "outbound",
               "inbound": "inbound", "outgoing": "outbound", "incoming": "inbound"},
               blank="outbound"),
)  # fmt: skip


def _emails(table: Table, mapping: Mapping, tz: str, i: int) -> tuple[pd.DataFrame, list[str]]:
    required_values(table, "prospect_id", "the person id")
    required_values(table, "sentAt", "the time sent")
    outcome = np.asarray(mapping.apply(table, "status", "status").astype(object))
    outcome[flags(table, "bounced")] = "bounced"
    delivered = outcome != "bounced"
    outcome[delivered & (counts(table, "views") > 0) & (outcome == "sent")] = "opened"
    replied = delivered & (counts(table, "replies") > 0)
    has_sentiment = present(table, "replySentiment")
    sentiment = np.asarray(mapping.apply(table, "replySentiment", "replySentiment",
                                         has_sentiment).astype(object))  # fmt: skip
    said = np.where(has_sentiment, sentiment, "replied_negative")
    replied &= ~np.isin(said, NO_REPLY)  # an auto-reply is no reply
    outcome[replied] = said[replied]
    outcome[delivered & flags(table, "unsubscribed")] = "opted_out"
    notes = []
    unsure = int((replied & ~has_sentiment).sum())
    if unsure:
        notes.append(f"{table.path.name}: {unsure:,} replies without a replySentiment counted "
                     "as negative replies")  # fmt: skip
    keep = outcome != "skip"
    log = make_log(
        prospect_id=text(table, "prospect_id")[keep], at=parse_times(table, "sentAt", tz)[keep],
        channel="email", outcome=outcome[keep], file=i, row=table.rows(np.flatnonzero(keep)),
        step=steps(table, "step")[keep], sequence=text(table, "sequence")[keep],
        responded_at=parse_times(table, "repliedAt", tz)[keep],
    )  # fmt: skip
    return log, notes


def _calls(table: Table, mapping: Mapping, tz: str, i: int) -> pd.DataFrame:
    required_values(table, "prospect_id", "the person id")
    required_values(table, "createdAt", "the time of the call")
    outcome = np.asarray(mapping.apply(table, "disposition", "disposition").astype(object))
    has = present(table, "sentiment") & (outcome == "connected")
    said = np.asarray(mapping.apply(table, "sentiment", "sentiment", has).astype(object))
    outcome[has] = said[has]
    keep = outcome != "skip"
    direction = np.asarray(mapping.apply(table, "direction", "direction").astype(object))
    return make_log(
        prospect_id=text(table, "prospect_id")[keep],
        at=parse_times(table, "createdAt", tz)[keep], channel="call_desk", outcome=outcome[keep],
        file=i, row=table.rows(np.flatnonzero(keep)), step=steps(table, "step")[keep],
        sequence=text(table, "sequence")[keep], direction=direction[keep],
        duration_s=numbers(table, "duration")[keep],
    )  # fmt: skip


def read(files: list[Path], mapping: Mapping, tz: str) -> Export:
    kinds = classify(files, KINDS, "Salesloft")
    index = {p: i for i, p in enumerate(files)}
    frames, notes = [], []
    for path in kinds["emails"]:
        log, more = _emails(read_table(path, EMAILS), mapping, tz, index[path])
        frames.append(log)
        notes += more
    for path in kinds["calls"]:
        frames.append(_calls(read_table(path, CALLS), mapping, tz, index[path]))
    members = []
    for path in kinds["memberships"]:
        table = read_table(path, MEMBERSHIPS)
        required_values(table, "prospect_id", "the person id")
        members.append(pd.DataFrame({
            "prospect_id": text(table, "prospect_id"), "sequence": text(table, "sequence"),
            "arrived_at": parse_times(table, "addedAt", tz).to_numpy(),
        }))  # fmt: skip
    enrolments = pd.concat(members, ignore_index=True) if members else None
    if enrolments is not None:
        enrolments["arrived_at"] = pd.to_datetime(enrolments["arrived_at"], utc=True)
    return Export("salesloft", list(files), concat(frames), mapping, enrolments, notes=notes)


def write(run: Synthetic, folder: Path, tz: str) -> list[Path]:
    log = run.log
    outcome = names(log["outcome"])
    at = iso(log["at"], tz)
    step = log["step"].astype("Int64").astype(object).to_numpy()
    people = personal(log["prospect_id"].to_numpy(dtype=object))
    mail = (log["channel"].astype(str) == "email").to_numpy()
    reply = np.isin(outcome, ["replied_positive", "replied_negative", "not_now", "meeting_booked"])
    emails = pd.DataFrame({
        "id": np.arange(mail.sum()) + 1,
        "personId": log["prospect_id"].to_numpy()[mail],
        "cadence": names(log["sequence"])[mail], "step": step[mail],
        "sentAt": at.to_numpy()[mail],
        "status": np.where(outcome == "bounced", "bounced", "delivered")[mail],
        "bounced": np.where(outcome == "bounced", "true", "false")[mail],
        "views": (~np.isin(outcome, ["sent", "bounced"])).astype(int)[mail],
        "replies": reply.astype(int)[mail],
        "repliedAt": iso(log["responded_at"], tz).where(reply, "").to_numpy()[mail],
        "replySentiment": np.array([SENTIMENT_OF.get(o, "") if r else "" for o, r in
                                    zip(outcome, reply, strict=True)], dtype=object)[mail],
        "unsubscribed": np.where(outcome == "opted_out", "true", "false")[mail],
        "to": people["email"].to_numpy()[mail],
        "subject": "Following up",
    })  # fmt: skip
    call = np.isin(names(log["channel"]), CALL_CHANNELS)
    conversation = ~np.isin(outcome, ["no_answer", "busy", "voicemail_left"])
    calls = pd.DataFrame({
        "id": np.arange(call.sum()) + 1,
        "personId": log["prospect_id"].to_numpy()[call],
        "cadence": names(log["sequence"])[call], "step": step[call],
        "createdAt": at.to_numpy()[call],
        "disposition": np.where(conversation, "Connected",
                                [DISPOSITION_OF.get(o, "") for o in outcome])[call],
        "sentiment": np.where(conversation & (outcome != "connected"),
                              [DISPOSITION_OF.get(o, "") for o in outcome], "")[call],
        "duration": log["duration_s"].fillna(0).round().astype(int).to_numpy()[call],
        "direction": names(log["direction"])[call],
        "to": people["phone"].to_numpy()[call],
    })  # fmt: skip
    enrol = run.enrolments
    memberships = pd.DataFrame({
        "id": np.arange(len(enrol)) + 1, "personId": enrol["prospect_id"].to_numpy(),
        "cadence": enrol["sequence"].to_numpy(), "addedAt": iso(enrol["arrived_at"], tz),
        "currentState": "finished", "counts": '{"calls": 0}',
    })  # fmt: skip
    return [
        write_atomic(folder / "emails.csv", lambda p: emails.to_csv(p, index=False)),
        write_atomic(folder / "calls.csv", lambda p: calls.to_csv(p, index=False)),
        write_atomic(folder / "cadence_memberships.csv",
                     lambda p: memberships.to_csv(p, index=False)),
    ]  # fmt: skip


ADAPTER = Adapter(
    "salesloft",
    "Salesloft's emails (status, bounced, sentAt, cadence, step), calls (disposition, "
    "sentiment, duration) and cadence memberships (addedAt, currentState) exports",
    VOCABULARIES, read, write,
)  # fmt: skip

__all__ = ["ADAPTER"]
