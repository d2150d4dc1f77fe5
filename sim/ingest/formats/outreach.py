"""``outreach``: Outreach's mailings export with its calls export (either may be missing).

**Mailings** (told apart by ``deliveredAt``): ``prospectId``, ``sequenceId``,
``sequenceStepId``, ``state``, ``deliveredAt``, ``openedAt``, ``repliedAt``, ``bouncedAt``,
``unsubscribedAt`` and, where the team tracks it, ``replySentiment``. A mailing is a touch at
``deliveredAt`` (a bounce at ``bouncedAt``); its outcome is the furthest event it has: an
unsubscribe, else a reply (its sentiment says which kind, ``REPLY_SENTIMENTS``; a reply
without one counts as a negative reply, and the import says how many), else a bounce, an
open, or sent. A mailing never delivered nor bounced (``state`` scheduled, drafted, failed) is
left out, and counted. The reply's time is the touch's ``responded_at``.

**Calls** (told apart by ``answeredAt`` or ``callDisposition``): ``prospectId``,
``sequenceId``, ``sequenceStepId``, ``direction`` (outbound, inbound), ``outcome``
(answered or not), ``callDisposition`` (the team's disposition: it decides when given,
``CALL_DISPOSITIONS``), ``dialedAt``, ``answeredAt``, ``completedAt`` (the call's time is the
first of these; its length ``completedAt - answeredAt``). Calls are desk calls (the export
does not say which number was dialled).

Steps: Outreach names a step by its id; the ids of a sequence are numbered by their median
time after the prospect's first touch (``rank_steps``). Sequence: ``sequenceId``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.ingest.formats.base import Adapter, Synthetic
from sim.ingest.formats.common import (
    Kind,
    classify,
    first_present,
    iso,
    personal,
    rank_steps,
    required_values,
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
from sim.ingest.vocab import DIRECTIONS, OUTCOME_TARGETS, OUTCOMES, Mapping, Vocabulary
from sim.io.atomic import write_atomic

KINDS = (Kind("mailings", ("deliveredAt", "bouncedAt")),
         Kind("calls", ("answeredAt", "callDisposition", "dialedAt")))  # fmt: skip
MAILINGS = (
    Column("prospect_id", ("prospectId", "prospect_id")),
    Column("sequence", ("sequenceId", "sequence_id"), required=False),
    Column("step_id", ("sequenceStepId", "sequence_step_id"), required=False),
    Column("state", ("state",), required=False),
    Column("deliveredAt", ("deliveredAt",)),
    Column("openedAt", ("openedAt",), required=False),
    Column("repliedAt", ("repliedAt",), required=False),
    Column("bouncedAt", ("bouncedAt",), required=False),
    Column("unsubscribedAt", ("unsubscribedAt",), required=False),
    Column("replySentiment", ("replySentiment", "sentiment"), required=False),
)
CALLS = (
    Column("prospect_id", ("prospectId", "prospect_id")),
    Column("sequence", ("sequenceId", "sequence_id"), required=False),
    Column("step_id", ("sequenceStepId", "sequence_step_id"), required=False),
    Column("direction", ("direction",), required=False),
    Column("outcome", ("outcome",), required=False),
    Column("callDisposition", ("callDisposition", "disposition"), required=False),
    Column("dialedAt", ("dialedAt",), required=False),
    Column("answeredAt", ("answeredAt",), required=False),
    Column("completedAt", ("completedAt",), required=False),
)
VOCABULARIES = (
    Vocabulary("outcome", "a call's outcome", OUTCOME_TARGETS, {
        "answered": "connected", "not answered": "no_answer", "no answer": "no_answer",
        "voicemail": "voicemail_left", "left voicemail": "voicemail_left", "busy": "busy",
        "failed": "skip", "canceled": "skip",
    }, blank="no_answer"),
    Vocabulary("callDisposition", "a call's disposition", OUTCOME_TARGETS, CALL_DISPOSITIONS),
    Vocabulary("replySentiment", "a reply's sentiment", OUTCOME_TARGETS, REPLY_SENTIMENTS),
    Vocabulary("direction", "a call's direction", DIRECTIONS, {"outbound": "outbound",
               "inbound": "inbound", "outgoing": "outbound", "incoming": "inbound"},
               blank="outbound"),
)  # fmt: skip


def _mailings(table: Table, mapping: Mapping, tz: str, i: int) -> tuple[pd.DataFrame, list[str]]:
    required_values(table, "prospect_id", "the prospect id")
    delivered = parse_times(table, "deliveredAt", tz)
    bounced = parse_times(table, "bouncedAt", tz)
    replied = parse_times(table, "repliedAt", tz)
    unsubscribed = parse_times(table, "unsubscribedAt", tz)
    opened = present(table, "openedAt")
    parse_times(table, "openedAt", tz)  # checked, not used: an open has no time in the model
    sent = delivered.notna().to_numpy() | bounced.notna().to_numpy()
    has_sentiment = present(table, "replySentiment")
    sentiment = mapping.apply(table, "replySentiment", "replySentiment", has_sentiment)
    outcome = np.full(len(table.frame), "sent", dtype=object)
    outcome[opened] = "opened"
    outcome[bounced.notna().to_numpy()] = "bounced"
    did_reply = replied.notna().to_numpy().copy()
    said = np.where(has_sentiment, np.asarray(sentiment.astype(object)), "replied_negative")
    did_reply &= ~np.isin(said, NO_REPLY)  # an auto-reply is no reply
    outcome[did_reply] = said[did_reply]
    outcome[unsubscribed.notna().to_numpy()] = "opted_out"
    notes = []
    unsure = int((did_reply & ~has_sentiment).sum())
    if unsure:
        notes.append(f"{table.path.name}: {unsure:,} replies without a replySentiment counted "
                     "as negative replies")  # fmt: skip
    keep = sent & (outcome != "skip")
    if (~sent).any():
        notes.append(f"{table.path.name}: {int((~sent).sum()):,} mailings never delivered (no "
                     "deliveredAt or bouncedAt) left out")  # fmt: skip
    log = make_log(
        prospect_id=text(table, "prospect_id")[keep], at=delivered.fillna(bounced)[keep],
        channel="email", outcome=outcome[keep], file=i,
        row=table.rows(np.flatnonzero(keep)), sequence=text(table, "sequence")[keep],
        responded_at=replied.fillna(unsubscribed)[keep],
    )  # fmt: skip
    log["step_id"] = text(table, "step_id")[keep]
    return log, notes


def _calls(table: Table, mapping: Mapping, tz: str, i: int) -> pd.DataFrame:
    required_values(table, "prospect_id", "the prospect id")
    at = first_present(table, ("dialedAt", "answeredAt", "completedAt"), tz)
    missing = at.isna().to_numpy()
    if missing.any():
        raise table.fail("prospect_id", np.flatnonzero(missing),
                         "a call without a time (dialedAt, answeredAt or completedAt)")  # fmt: skip
    answered = parse_times(table, "answeredAt", tz)
    duration = (parse_times(table, "completedAt", tz) - answered).dt.total_seconds()
    has_disposition = present(table, "callDisposition")
    disposition = mapping.apply(table, "callDisposition", "callDisposition", has_disposition)
    base = mapping.apply(table, "outcome", "outcome")
    outcome = np.where(has_disposition, np.asarray(disposition.astype(object)),
                       np.asarray(base.astype(object)))  # fmt: skip
    keep = outcome != "skip"
    log = make_log(
        prospect_id=text(table, "prospect_id")[keep], at=at[keep], channel="call_desk",
        outcome=outcome[keep], file=i, row=table.rows(np.flatnonzero(keep)),
        sequence=text(table, "sequence")[keep],
        direction=np.asarray(mapping.apply(table, "direction", "direction").astype(object))[keep],
        duration_s=duration.to_numpy()[keep],
    )  # fmt: skip
    log["step_id"] = text(table, "step_id")[keep]
    return log


def read(files: list[Path], mapping: Mapping, tz: str) -> Export:
    kinds = classify(files, KINDS, "Outreach")
    frames, notes = [], []
    index = {p: i for i, p in enumerate(files)}
    for path in kinds["mailings"]:
        log, more = _mailings(read_table(path, MAILINGS), mapping, tz, index[path])
        frames.append(log)
        notes += more
    for path in kinds["calls"]:
        frames.append(_calls(read_table(path, CALLS), mapping, tz, index[path]))
    ids: NDArray[np.object_] = np.concatenate(
        [f["step_id"].to_numpy(dtype=object) for f in frames] or [np.zeros(0, dtype=object)]
    )
    log = concat([f.drop(columns="step_id") for f in frames])
    if len(log):
        log["step"] = rank_steps(names(log["prospect_id"]),
                                 names(log["sequence"]), log["at"],
                                 np.asarray(ids, dtype=object))  # fmt: skip
    return Export("outreach", list(files), log, mapping, notes=notes)


def step_ids(log: pd.DataFrame) -> np.ndarray:
    """Opaque step ids for a synthetic export, in no particular order of the steps."""
    step = log["step"].to_numpy(dtype=float)
    return np.where(np.isnan(step), "", (90_000 - 37 * np.nan_to_num(step)).astype(int).astype(str))


def write(run: Synthetic, folder: Path, tz: str) -> list[Path]:
    log = run.log
    seq_ids = {s: str(4700 + i) for i, s in enumerate(sorted(set(log["sequence"].astype(str))))}
    seq_ids[""] = ""
    seq = log["sequence"].astype(str).map(seq_ids).to_numpy()
    steps = step_ids(log)
    outcome = names(log["outcome"])
    at = pd.to_datetime(log["at"], utc=True)
    later = pd.to_datetime(log["responded_at"], utc=True).fillna(at + pd.Timedelta(hours=1))
    fmt = "%Y-%m-%dT%H:%M:%S.000Z"
    people = personal(log["prospect_id"].to_numpy(dtype=object))
    mail = (log["channel"].astype(str) == "email").to_numpy()

    def m(col: Any) -> NDArray[Any]:
        return np.asarray(col)[mail]

    reply = np.isin(outcome, ["replied_positive", "replied_negative", "not_now", "meeting_booked"])
    mailings = pd.DataFrame({
        "id": np.arange(mail.sum()) + 1,
        "prospectId": m(log["prospect_id"].to_numpy()),
        "sequenceId": m(seq), "sequenceStepId": m(steps), "mailingType": "sequence",
        "state": m(np.where(outcome == "bounced", "bounced", np.where(reply, "replied",
                                                                      "delivered"))),
        "deliveredAt": m(np.where(outcome == "bounced", "", iso(at, "UTC", fmt))),
        "openedAt": m(np.where(np.isin(outcome, ["sent", "bounced"]), "",
                               iso(at + pd.Timedelta(minutes=30), "UTC", fmt))),
        "repliedAt": m(np.where(reply, iso(later, "UTC", fmt), "")),
        "bouncedAt": m(np.where(outcome == "bounced", iso(at, "UTC", fmt), "")),
        "unsubscribedAt": m(np.where(outcome == "opted_out", iso(later, "UTC", fmt), "")),
        "replySentiment": m(np.array([SENTIMENT_OF.get(o, "") for o in outcome], dtype=object)),
        "subject": "Quick question",
        "toRecipients": m(people["email"].to_numpy()),
    })  # fmt: skip
    call = np.isin(names(log["channel"]), CALL_CHANNELS)

    def c(col: Any) -> NDArray[Any]:
        return np.asarray(col)[call]

    picked = ~np.isin(outcome, ["no_answer", "busy", "voicemail_left"])
    duration = pd.to_timedelta(log["duration_s"].fillna(120).to_numpy(), unit="s")
    answered = at + pd.Timedelta(seconds=10)
    calls = pd.DataFrame({
        "id": np.arange(call.sum()) + 1,
        "prospectId": c(log["prospect_id"].to_numpy()), "sequenceId": c(seq),
        "sequenceStepId": c(steps), "direction": c(names(log["direction"])),
        "outcome": c(np.where(picked, "Answered", "Not Answered")),
        "callDisposition": c(np.array([DISPOSITION_OF.get(o, "") for o in outcome], dtype=object)),
        "dialedAt": c(iso(at, "UTC", fmt).to_numpy()),
        "answeredAt": c(np.where(picked, iso(answered, "UTC", fmt), "")),
        "completedAt": c(iso(answered + duration, "UTC", fmt).to_numpy()),
        "to": c(people["phone"].to_numpy()),
    })  # fmt: skip
    return [
        write_atomic(folder / "mailings.csv", lambda p: mailings.to_csv(p, index=False)),
        write_atomic(folder / "calls.csv", lambda p: calls.to_csv(p, index=False)),
    ]


ADAPTER = Adapter(
    "outreach",
    "Outreach's mailings export (prospectId, sequenceStepId, state, deliveredAt, openedAt, "
    "repliedAt, bouncedAt, unsubscribedAt) with its calls export",
    VOCABULARIES, read, write,
)  # fmt: skip

__all__ = ["ADAPTER", "OUTCOMES"]
