"""``prospects``: one row per prospect, for teams (and public data sets) that keep only how
many times each prospect was contacted and how it ended.

Columns: ``prospect_id``, ``attempts`` (touches made, a whole number up to 1,000),
``outcome`` (how it ended: ``meeting``, ``won``, ``no``, ``not_now``, ``opted_out`` or
``no_response``), and
optionally ``channel`` (the channel of the touches; default email), ``first_contact_attempt``
(the touch that brought the first two-way contact) and ``arrived_at`` (when the prospect was
added). Without a touch log only the prospect-level statistics can be computed (the meeting,
reach and opt-out rates, where meetings came); ``sim.ingest.prospect_tables`` says how
the rows become the run's tables.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.ingest.formats.base import Adapter, Synthetic
from sim.ingest.formats.common import integers, personal, required_values, text
from sim.ingest.formats.labels import CHANNEL_WORDS
from sim.ingest.log import Export, empty_log
from sim.ingest.source import Column, read_table
from sim.ingest.times import parse_times
from sim.ingest.vocab import Mapping, Vocabulary
from sim.io.atomic import write_atomic
from sim.model.channels import Channel

ENDINGS = ("meeting", "won", "no", "not_now", "opted_out", "no_response")
COLUMNS = (
    Column("prospect_id", ("prospect_id", "id")),
    Column("attempts", ("attempts", "touches")),
    Column("outcome", ("outcome",)),
    Column("channel", ("channel",), required=False),
    Column("first_contact_attempt", ("first_contact_attempt",), required=False),
    Column("arrived_at", ("arrived_at",), required=False),
)
VOCABULARIES = (
    Vocabulary("outcome", "how it ended", ENDINGS, {
        **{e: e for e in ENDINGS}, "meeting booked": "meeting", "closed won": "won",
        "not interested": "no", "lost": "no", "later": "not_now", "unsubscribed": "opted_out",
        "opt out": "opted_out", "no reply": "no_response", "none": "no_response",
        "ghosted": "no_response",
    }),
    Vocabulary("channel", "the channel", tuple(c.name for c in Channel),
               {**{c.name: c.name for c in Channel}, **CHANNEL_WORDS}, blank="email"),
)  # fmt: skip
MAX_ATTEMPTS = 1000
"""The most touches a row may count (the import writes a touch log of them)."""
OUTCOME_COLUMNS = [
    "prospect_id", "attempts", "outcome", "channel", "first_contact_attempt", "arrived_at",
    "file", "row",
]  # fmt: skip


def read(files: list[Path], mapping: Mapping, tz: str) -> Export:
    frames = []
    for i, path in enumerate(files):
        table = read_table(path, COLUMNS)
        required_values(table, "prospect_id", "the prospect id")
        required_values(table, "attempts", "the number of attempts")
        attempts = integers(table, "attempts", high=MAX_ATTEMPTS)
        first = integers(table, "first_contact_attempt", low=1, high=MAX_ATTEMPTS)
        late = first > attempts
        if late.any():
            raise table.fail("first_contact_attempt", np.flatnonzero(late),
                             "is after the prospect's last attempt (attempts)")  # fmt: skip
        frames.append(pd.DataFrame({
            "prospect_id": text(table, "prospect_id"),
            "attempts": attempts.astype(np.int64),
            "outcome": mapping.apply(table, "outcome", "outcome").astype(object),
            "channel": mapping.apply(table, "channel", "channel").astype(object),
            "first_contact_attempt": first,
            "arrived_at": parse_times(table, "arrived_at", tz).to_numpy(),
            "file": i,
            "row": table.rows(np.arange(len(table.frame))),
        }))  # fmt: skip
    outcomes = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=OUTCOME_COLUMNS)  # fmt: skip
    outcomes["arrived_at"] = pd.to_datetime(outcomes["arrived_at"], utc=True)
    return Export("prospects", list(files), empty_log(), mapping, outcomes=outcomes)


def write(run: Synthetic, folder: Path, tz: str) -> list[Path]:
    rows = run.outcomes
    out = pd.DataFrame({
        "prospect_id": rows["prospect_id"].to_numpy(),
        "attempts": rows["attempts"].to_numpy(),
        "outcome": rows["outcome"].to_numpy(),
        "channel": rows["channel"].to_numpy(),
        "first_contact_attempt": rows["first_contact_attempt"].astype("Int64").to_numpy(),
        "arrived_at": pd.to_datetime(rows["arrived_at"], utc=True).dt.tz_convert(tz)
        .dt.strftime("%Y-%m-%d %H:%M").to_numpy(),
    })  # fmt: skip
    people = personal(out["prospect_id"].to_numpy(dtype=object))
    out.insert(1, "name", (people["first_name"] + " " + people["last_name"]).to_numpy())
    out.insert(2, "phone", people["phone"].to_numpy())
    return [write_atomic(folder / "prospects.csv", lambda p: out.to_csv(p, index=False))]


ADAPTER = Adapter(
    "prospects",
    "one row per prospect: prospect_id, attempts, outcome (a CRM's or a public data set's "
    "summary, without a touch log)",
    VOCABULARIES, read, write,
)  # fmt: skip

__all__ = ["ADAPTER", "ENDINGS", "MAX_ATTEMPTS", "OUTCOME_COLUMNS"]
