"""``activities``: the project's own tidy touch log, one row per activity.

Columns (any order; other columns are ignored):

- ``prospect_id`` (required): who;
- ``timestamp`` (required): when (``sim.ingest.times``: with an offset, epoch, or local);
- ``channel`` (required): one of the model's channels (``call_desk``, ``call_cell``,
  ``email``, ``text``, ``social``, ``letter``, ...);
- ``step``: the sequence step, a whole number from 1 to 1,000 (empty: a touch outside the
  steps);
- ``outcome`` (required): ``no_answer, busy, voicemail_left, connected`` (calls), ``sent,
  bounced, opened`` (messages), or what the prospect said: ``replied_positive,
  replied_negative, not_now, opted_out, meeting_booked``;
- ``sequence``: the sequence (cadence) the touch belongs to;
- ``direction``: ``outbound`` (the default) or ``inbound`` (the prospect called or wrote:
  ``sim.ingest.tables`` says what an inbound row answers);
- ``duration_s``: a call's length in seconds;
- ``responded_at``: when the prospect replied to this touch, if later than the touch.

A row is one touch with its furthest outcome (an email opened then answered is one row,
``replied_positive``), so several files of one export may simply be concatenated.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.ingest.formats.base import Adapter, Synthetic
from sim.ingest.formats.common import iso, numbers, personal, required_values, steps, text
from sim.ingest.log import Export, concat, make_log, names
from sim.ingest.source import Column, read_table
from sim.ingest.times import parse_times
from sim.ingest.vocab import DIRECTIONS, OUTCOMES, Mapping, Vocabulary
from sim.io.atomic import write_atomic
from sim.model.channels import Channel

COLUMNS = (
    Column("prospect_id", ("prospect_id",)),
    Column("timestamp", ("timestamp",)),
    Column("channel", ("channel",)),
    Column("step", ("step",), required=False),
    Column("outcome", ("outcome",)),
    Column("sequence", ("sequence",), required=False),
    Column("direction", ("direction",), required=False),
    Column("duration_s", ("duration_s",), required=False),
    Column("responded_at", ("responded_at",), required=False),
)
VOCABULARIES = (
    Vocabulary("outcome", "the outcome", OUTCOMES, {o: o for o in OUTCOMES}),
    Vocabulary("channel", "the channel", tuple(c.name for c in Channel),
               {c.name: c.name for c in Channel}),
    Vocabulary("direction", "the direction", DIRECTIONS, {d: d for d in DIRECTIONS},
               blank="outbound"),
)  # fmt: skip


def read(files: list[Path], mapping: Mapping, tz: str) -> Export:
    frames = []
    for i, path in enumerate(files):
        table = read_table(path, COLUMNS)
        required_values(table, "prospect_id", "the prospect id")
        required_values(table, "timestamp", "the timestamp")
        frames.append(make_log(
            prospect_id=text(table, "prospect_id"),
            at=parse_times(table, "timestamp", tz),
            channel=mapping.apply(table, "channel", "channel"),
            outcome=mapping.apply(table, "outcome", "outcome"),
            file=i, row=table.rows(np.arange(len(table.frame))), step=steps(table, "step"),
            sequence=text(table, "sequence"),
            direction=mapping.apply(table, "direction", "direction"),
            duration_s=numbers(table, "duration_s"),
            responded_at=parse_times(table, "responded_at", tz),
        ))  # fmt: skip
    return Export("activities", list(files), concat(frames), mapping)


def write(run: Synthetic, folder: Path, tz: str) -> list[Path]:
    log = run.log
    out = log[["prospect_id"]].copy()
    out["timestamp"] = iso(log["at"], tz).to_numpy()
    out["channel"] = names(log["channel"])
    out["step"] = log["step"].astype("Int64").to_numpy()
    out["outcome"] = names(log["outcome"])
    out["sequence"] = names(log["sequence"])
    out["direction"] = names(log["direction"])
    out["duration_s"] = log["duration_s"].round().astype("Int64").to_numpy()
    out["responded_at"] = iso(log["responded_at"], tz).to_numpy()
    people = personal(out["prospect_id"].to_numpy(dtype=object))
    out["contact_name"] = (people["first_name"] + " " + people["last_name"]).to_numpy()
    out["contact_email"] = people["email"].to_numpy()
    path = folder / "activities.csv"
    return [write_atomic(path, lambda p: out.to_csv(p, index=False))]


ADAPTER = Adapter(
    "activities",
    "the project's tidy touch log: prospect_id, timestamp, channel, step, outcome (one file or "
    "several)",
    VOCABULARIES, read, write,
)  # fmt: skip

__all__ = ["ADAPTER", "COLUMNS"]
