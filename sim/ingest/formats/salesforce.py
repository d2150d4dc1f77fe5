"""``salesforce``: Salesforce's Task export (one file or several).

Columns: ``WhoId`` (the lead or contact), ``Type`` (the team's picklist), ``TaskSubtype``
(Call, Email, ListEmail, LinkedIn, Task), ``Status`` (only completed tasks count),
``CompletedDateTime`` (else ``ActivityDate``, a date, at noon), ``CallType`` (Inbound,
Outbound), ``CallDisposition``, ``CallDurationInSeconds``, and from Sales Engagement
``ActionCadenceName`` (the sequence) and ``ActionCadenceStepId`` (the step, by id: numbered
by median time, ``rank_steps``).

A task's channel is its ``TaskSubtype`` (a ``Task`` or an empty subtype: its ``Type``). A
call's outcome is its ``CallDisposition`` (``CALL_DISPOSITIONS``; without one it is connected
when it lasted, else unanswered). An email's is its ``Type``, as teams log email events as
tasks: ``Email`` (sent), ``Email - Bounced``; and, as their own tasks when they happen (inbound
records: the reply to the latest email), ``Email - Opened``, ``Email - Reply`` (a negative
reply unless the type says more: ``Email - Positive Reply``, ``Email - Not Now``),
``Email - Unsubscribe``; ``Meeting`` (a meeting booked, by the latest touch). Tasks of other
types (``Other``, ``To Do``) are left out. Calls are desk calls.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.ingest.formats.base import Adapter, Synthetic
from sim.ingest.formats.common import (
    first_present,
    iso,
    numbers,
    personal,
    rank_steps,
    required_values,
    text,
)
from sim.ingest.formats.labels import CALL_DISPOSITIONS, DISPOSITION_OF
from sim.ingest.log import CALL_CHANNELS, Export, concat, make_log, names
from sim.ingest.source import Column, Table, present, read_table
from sim.ingest.times import parse_times
from sim.ingest.vocab import DIRECTIONS, OUTCOME_TARGETS, Mapping, Vocabulary
from sim.io.atomic import write_atomic

KIND_TARGETS = ("call_desk", "call_cell", "email", "social", "text", "letter", "type", "skip")
COLUMNS = (
    Column("prospect_id", ("WhoId", "Who.Id", "LeadId", "ContactId")),
    Column("Type", ("Type",), required=False),
    Column("TaskSubtype", ("TaskSubtype",), required=False),
    Column("Status", ("Status",), required=False),
    Column("CompletedDateTime", ("CompletedDateTime",), required=False),
    Column("ActivityDate", ("ActivityDate",), required=False),
    Column("CallType", ("CallType",), required=False),
    Column("CallDisposition", ("CallDisposition",), required=False),
    Column("CallDurationInSeconds", ("CallDurationInSeconds",), required=False),
    Column("sequence", ("ActionCadenceName", "ActionCadenceId"), required=False),
    Column("step_id", ("ActionCadenceStepId",), required=False),
)
EMAIL_TYPES = {
    "email": "sent", "list email": "sent", "email sent": "sent", "email bounced": "bounced",
    "bounced": "bounced", "email opened": "opened", "email reply": "replied_negative",
    "email replied": "replied_negative", "email negative reply": "replied_negative",
    "email positive reply": "replied_positive", "email not now": "not_now",
    "email unsubscribe": "opted_out", "unsubscribed": "opted_out", "meeting": "meeting_booked",
    "meeting booked": "meeting_booked", "call": "connected", "other": "skip", "to do": "skip",
}  # fmt: skip
VOCABULARIES = (
    Vocabulary("CallDisposition", "a call's disposition", OUTCOME_TARGETS, CALL_DISPOSITIONS),
    Vocabulary("Type", "a task's type", OUTCOME_TARGETS, EMAIL_TYPES, blank="skip"),
    Vocabulary("TaskSubtype", "a task's subtype", KIND_TARGETS, {
        "call": "call_desk", "email": "email", "list email": "email", "linkedin": "social",
        "task": "type", "cadence": "type",
    }, blank="type"),
    Vocabulary("Status", "a task's status", ("done", "skip"), {
        "completed": "done", "not started": "skip", "in progress": "skip",
        "waiting on someone else": "skip", "deferred": "skip", "open": "skip",
    }, blank="done"),
    Vocabulary("CallType", "a call's type", (*DIRECTIONS, "skip"), {
        "outbound": "outbound", "inbound": "inbound", "internal": "skip",
    }, blank="outbound"),
)  # fmt: skip
EVENTS = ("opened", "replied_positive", "replied_negative", "not_now", "opted_out",
          "meeting_booked")  # fmt: skip
"""Email outcomes logged as their own task when they happen: inbound records."""


def _tasks(table: Table, mapping: Mapping, tz: str, i: int) -> pd.DataFrame:
    required_values(table, "prospect_id", "the WhoId")
    at = first_present(table, ("CompletedDateTime",), tz)
    dated = parse_times(table, "ActivityDate", tz) + pd.Timedelta(hours=12)
    at = at.fillna(dated)
    missing = at.isna().to_numpy()
    if missing.any():
        raise table.fail("prospect_id", np.flatnonzero(missing),
                         "a task without a time (CompletedDateTime or ActivityDate)")  # fmt: skip
    done = np.asarray(mapping.apply(table, "Status", "Status").astype(object)) == "done"
    kind = np.asarray(mapping.apply(table, "TaskSubtype", "TaskSubtype").astype(object))
    typed = np.asarray(mapping.apply(table, "Type", "Type").astype(object))
    words = text(table, "Type").astype(str)
    by_type = np.where(pd.Series(words).str.lower().str.startswith("call").to_numpy(),
                       "call_desk", "email")  # fmt: skip
    kind = np.where(kind == "type", np.where(typed == "skip", "skip", by_type), kind)
    call = np.isin(kind, CALL_CHANNELS)
    duration = numbers(table, "CallDurationInSeconds")
    has = call & present(table, "CallDisposition")
    said = np.asarray(mapping.apply(table, "CallDisposition", "CallDisposition", has)
                      .astype(object))  # fmt: skip
    lasted = np.where(duration > 0, "connected", "no_answer")
    outcome = np.where(call, np.where(has, said, lasted), typed)
    way = np.asarray(mapping.apply(table, "CallType", "CallType", call).astype(object))
    direction = np.where(call, way, np.where(np.isin(outcome, EVENTS), "inbound", "outbound"))
    keep = done & (kind != "skip") & (outcome != "skip") & (direction != "skip")
    log = make_log(
        prospect_id=text(table, "prospect_id")[keep], at=at[keep], channel=kind[keep],
        outcome=outcome[keep], file=i, row=table.rows(np.flatnonzero(keep)),
        sequence=text(table, "sequence")[keep], direction=direction[keep],
        duration_s=duration[keep],
    )  # fmt: skip
    log["step_id"] = text(table, "step_id")[keep]
    return log


def read(files: list[Path], mapping: Mapping, tz: str) -> Export:
    frames = [_tasks(read_table(p, COLUMNS), mapping, tz, i) for i, p in enumerate(files)]
    ids = np.concatenate([f["step_id"].to_numpy(dtype=object) for f in frames])
    log = concat([f.drop(columns="step_id") for f in frames])
    if len(log):
        log["step"] = rank_steps(names(log["prospect_id"]),
                                 names(log["sequence"]), log["at"],
                                 np.asarray(ids, dtype=object))  # fmt: skip
    return Export("salesforce", list(files), log, mapping)


TYPE_OF = {
    "sent": "Email", "opened": "Email", "bounced": "Email - Bounced",
    "replied_positive": "Email - Positive Reply", "replied_negative": "Email - Reply",
    "not_now": "Email - Not Now", "opted_out": "Email - Unsubscribe", "meeting_booked": "Meeting",
}  # fmt: skip


def write(run: Synthetic, folder: Path, tz: str) -> list[Path]:
    log = run.log
    outcome = names(log["outcome"])
    at = pd.to_datetime(log["at"], utc=True)
    later = pd.to_datetime(log["responded_at"], utc=True).fillna(at + pd.Timedelta(hours=1))
    call = np.isin(names(log["channel"]), CALL_CHANNELS)
    steps = log["step"].to_numpy(dtype=float)
    step_id = np.where(
        np.isnan(steps), "", "a1B" + (7000 - 11 * np.nan_to_num(steps)).astype(int).astype(str)
    )
    base = pd.DataFrame({
        "Id": [f"00T{i:012d}" for i in range(len(log))],
        "WhoId": log["prospect_id"].to_numpy(),
        "Subject": np.where(call, "Call", "Email: Following up"),
        "Status": "Completed",
        "ActivityDate": at.dt.tz_convert(tz).dt.strftime("%Y-%m-%d").to_numpy(),
        "CompletedDateTime": iso(at, tz, "%Y-%m-%dT%H:%M:%S.000%z").to_numpy(),
        "TaskSubtype": np.where(call, "Call", "Email"),
        "Type": np.where(call, "Call", "Email"),
        "CallType": np.where(call, np.char.capitalize(log["direction"].astype(str).to_numpy(
            dtype=str)), ""),
        "CallDisposition": np.where(call, [DISPOSITION_OF.get(o, "") for o in outcome], ""),
        "CallDurationInSeconds": np.where(call, log["duration_s"].fillna(0).round(), np.nan),
        "ActionCadenceName": names(log["sequence"]),
        "ActionCadenceStepId": step_id,
        "Description": "Spoke with " + personal(log["prospect_id"].to_numpy(dtype=object))[
            "first_name"].to_numpy(),
    })  # fmt: skip
    mail = ~call
    base.loc[mail & (outcome == "bounced"), "Type"] = "Email - Bounced"
    event = mail & np.isin(outcome, EVENTS[1:])
    events = base[event].copy()
    events["Type"] = [TYPE_OF[o] for o in outcome[event]]
    events["TaskSubtype"] = "Task"
    events["CompletedDateTime"] = iso(later, tz, "%Y-%m-%dT%H:%M:%S.000%z").to_numpy()[event]
    events["ActionCadenceName"] = ""
    events["ActionCadenceStepId"] = ""
    opened = mail & (outcome == "opened")
    opens = base[opened].copy()
    opens["Type"] = "Email - Opened"
    opens["TaskSubtype"] = "Task"
    opens["CompletedDateTime"] = iso(at + pd.Timedelta(minutes=30), tz,
                                     "%Y-%m-%dT%H:%M:%S.000%z").to_numpy()[opened]  # fmt: skip
    opens["ActionCadenceName"] = ""
    opens["ActionCadenceStepId"] = ""
    tasks = pd.concat([base, events, opens], ignore_index=True)
    tasks["Id"] = [f"00T{i:012d}" for i in range(len(tasks))]
    return [write_atomic(folder / "tasks.csv", lambda p: tasks.to_csv(p, index=False))]


ADAPTER = Adapter(
    "salesforce",
    "Salesforce's Task export (WhoId, Type, TaskSubtype, Status, ActivityDate, "
    "CompletedDateTime, CallType, CallDisposition, CallDurationInSeconds)",
    VOCABULARIES, read, write,
)  # fmt: skip

__all__ = ["ADAPTER"]
