"""The tidy activity log: every format's files become this one table, then the import works on
it alone.

One row per activity (``LOG_COLUMNS``):

- ``prospect_id``: the prospect (a contact, a person; never written to any output);
- ``at``: when (UTC); ``responded_at``: when the prospect's reply came, when the export
  says (else missing: the touch's own time is used);
- ``channel``: one of the model's channels (``sim.model.channels.Channel``);
- ``step``: the sequence step (1 is the first; missing for a touch outside the steps, such as
  a manual call); ``sequence``: the sequence (cadence) it belongs to ("" when none);
- ``direction``: ``outbound`` (a touch by the rep) or ``inbound`` (the prospect called or
  wrote: a callback, a reply that came as its own record, an inbound call);
- ``outcome``: how far the touch got or what the prospect said (``sim.ingest.vocab.OUTCOMES``);
- ``duration_s``: a call's length in seconds (missing when unknown);
- ``file``, ``row``: where it was read (the index of the file in the import's list, and the
  row number), for error messages.

Beside it, ``Enrolment`` rows (a prospect added to a sequence, when) say who was in a
sequence even if never touched, and when they arrived.

``check`` finds what no export should hold: an outcome the channel cannot have (a call
"opened", an email "no_answer"), an inbound record of what only a touch can do (an inbound
"bounced"), and duplicate rows (every column equal), which are an error unless
``drop_duplicates`` (then dropped and counted). ``choose_sequence`` keeps one sequence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.ingest.source import MAX_LISTED, DataError
from sim.ingest.vocab import DIRECTIONS, OUTCOMES, Mapping
from sim.io.errors import OptionError, Problem, did_you_mean
from sim.model.channels import Channel

LOG_COLUMNS = [
    "prospect_id",
    "at",
    "channel",
    "step",
    "sequence",
    "direction",
    "outcome",
    "duration_s",
    "responded_at",
    "file",
    "row",
]
CALL_CHANNELS = ("call_desk", "call_cell", "page")
"""Channels that ring: their touches are dialled, not sent."""
RESPONSES = ("replied_positive", "replied_negative", "not_now", "opted_out", "meeting_booked")
"""Outcomes that are something the prospect said or did."""
CALL_OUTCOMES = ("no_answer", "busy", "voicemail_left", "connected", *RESPONSES)
MESSAGE_OUTCOMES = ("sent", "bounced", "opened", *RESPONSES)
INBOUND_OUTCOMES = ("connected", "opened", *RESPONSES)
CHANNEL_NAMES = tuple(c.name for c in Channel)
KEY = ["prospect_id", "at", "channel", "step", "sequence", "direction", "outcome"]
"""The columns that make two rows duplicates when all are equal."""
ALL = "all"


@dataclass
class Export:
    """An export read by a format: the tidy log and what came with it."""

    format: str
    files: list[Path]
    log: pd.DataFrame
    mapping: Mapping
    enrolments: pd.DataFrame | None = None
    """``prospect_id, sequence, arrived_at``: who was in a sequence, from when."""
    outcomes: pd.DataFrame | None = None
    """The ``prospects`` format's table (one row per prospect), when that is all there is."""
    notes: list[str] = field(default_factory=list)


def empty_log() -> pd.DataFrame:
    return make_log(
        prospect_id=np.zeros(0, dtype=object), at=pd.Series([], dtype="datetime64[ns, UTC]"),
        channel=np.zeros(0, dtype=object), outcome=np.zeros(0, dtype=object), file=0,
        row=np.zeros(0, dtype=np.int64),
    )  # fmt: skip


def names(column: pd.Series | pd.Categorical | pd.Index) -> NDArray[np.object_]:
    """A column's values as Python strings ("" where missing) without pandas' per-element
    string conversion, slow on a million rows: a categorical's labels indexed by its codes."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        cat = pd.Categorical(column)
        labels = np.append(np.asarray(cat.categories, dtype=object).astype(str), "")
        return np.asarray(labels[cat.codes], dtype=object)
    values = np.array(column, dtype=object)
    values[pd.isna(values)] = ""
    return values


def make_log(
    *,
    prospect_id: object,
    at: pd.Series,
    channel: object,
    outcome: object,
    file: int,
    row: NDArray[np.int64],
    step: object = np.nan,
    sequence: object = "",
    direction: object = "outbound",
    duration_s: object = np.nan,
    responded_at: object = pd.NaT,
) -> pd.DataFrame:
    """A log frame from its columns (scalars are broadcast), with the log's types."""
    n = len(row)
    frame = pd.DataFrame({
        "prospect_id": _strings(prospect_id, n),
        "at": _utc(pd.Series(at).reset_index(drop=True)),
        "channel": _coded(channel, n, CHANNEL_NAMES),
        "step": pd.to_numeric(pd.Series(_broadcast(step, n)), errors="coerce").astype(float),
        "sequence": _strings(sequence, n, fill=""),
        "direction": _coded(direction, n, DIRECTIONS),
        "outcome": _coded(outcome, n, OUTCOMES),
        "duration_s": pd.to_numeric(pd.Series(_broadcast(duration_s, n)), errors="coerce"),
        "responded_at": _utc(pd.Series(_broadcast(responded_at, n))),
        "file": np.full(n, file, dtype=np.int16),
        "row": np.asarray(row, dtype=np.int64),
    })  # fmt: skip
    return frame[LOG_COLUMNS]


def _utc(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, utc=True).astype("datetime64[ns, UTC]")


def _broadcast(value: object, n: int) -> object:
    if isinstance(value, pd.Series | pd.Categorical | pd.Index | np.ndarray | list):
        return (
            np.asarray(value, dtype=object)
            if not isinstance(value, pd.Series)
            else (value.reset_index(drop=True))
        )
    return [value] * n


def _coded(value: object, n: int, categories: tuple[str, ...]) -> pd.Categorical:
    values = np.asarray(_broadcast(value, n), dtype=object)
    return pd.Categorical(values, categories=pd.Index(list(categories), dtype=object))


def _strings(value: object, n: int, fill: str | None = None) -> pd.Categorical:
    series = pd.Series(_broadcast(value, n), dtype=object)
    if fill is not None:
        series = series.fillna(fill)
    return pd.Categorical(names(series))


def concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Log frames as one, categories united (prospect ids and sequences differ by file)."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_log()
    out = pd.concat(frames, ignore_index=True)
    for col in ("prospect_id", "sequence"):
        out[col] = pd.Categorical(names(out[col]))
    for col, cats in (("channel", CHANNEL_NAMES), ("direction", DIRECTIONS), ("outcome", OUTCOMES)):
        out[col] = pd.Categorical(names(out[col]), categories=list(cats))
    return out


def where(files: list[Path], file: int, row: int) -> str:
    return f"{files[file]}: row {row}"


def check(export: Export, drop_duplicates: bool) -> list[str]:
    """Check the log (see the module's docstring); returns notes on what was dropped."""
    if export.outcomes is not None:
        return _unique_prospects(export, drop_duplicates)
    log = export.log
    problems: list[str] = []
    channel = names(log["channel"])
    outcome = names(log["outcome"])
    inbound = names(log["direction"]) == "inbound"
    calls = np.isin(channel, CALL_CHANNELS)
    bad = (calls & ~np.isin(outcome, CALL_OUTCOMES)) | (
        ~calls & ~np.isin(outcome, MESSAGE_OUTCOMES)
    )
    bad |= inbound & ~np.isin(outcome, INBOUND_OUTCOMES)
    files = log["file"].to_numpy(dtype=np.int64)
    rows = log["row"].to_numpy(dtype=np.int64)
    for i in np.flatnonzero(bad)[:MAX_LISTED]:
        kind = "an inbound record" if inbound[i] else f"{_article(channel[i])} {channel[i]} touch"
        allowed = (
            INBOUND_OUTCOMES if inbound[i] else CALL_OUTCOMES if calls[i] else MESSAGE_OUTCOMES
        )
        at = where(export.files, int(files[i]), int(rows[i]))
        what = (
            f"{at}, column outcome = {outcome[i]!r}: not" if export.format == "activities"
            else f"{at}: the outcome {outcome[i]!r} (as mapped; see --map) is not"
        )  # fmt: skip
        problems.append(f"{what} possible for {kind}; allowed: {', '.join(allowed)}")
    if problems:
        more = int(bad.sum()) - len(problems)
        raise DataError(
            "",
            [Problem("", None, p) for p in problems]
            + ([Problem("", None, f"... and {more} more rows like these")] if more > 0 else []),
        )
    dup = log.duplicated(subset=KEY, keep="first").to_numpy()
    if not dup.any():
        return []
    if not drop_duplicates:
        first = log.drop_duplicates(subset=KEY, keep="first")
        keyed = log[dup].merge(first.reset_index(), on=KEY, how="left", suffixes=("", "_first"))
        lines = []
        for f, r, f0, r0 in (
            keyed[["file", "row", "file_first", "row_first"]]
            .head(MAX_LISTED)
            .to_numpy(dtype=np.int64)
        ):
            a = where(export.files, int(f0), int(r0))
            b = f"row {r}" if f == f0 else where(export.files, int(f), int(r))
            lines.append(Problem("", None, f"{a} and {b} are the same activity (every column "
                                           "equal)"))  # fmt: skip
        n = int(dup.sum())
        where_dup = ", ".join(sorted({str(export.files[f]) for f in log.loc[dup, "file"]}))
        lines.append(Problem("", None, (
            f"{where_dup}: {n} duplicate row{'s' if n != 1 else ''} in all; pass "
            "--drop-duplicates to keep the first of each and drop the rest"
        )))  # fmt: skip
        raise DataError("", lines)
    export.log = log[~dup].reset_index(drop=True)
    n = int(dup.sum())
    return [f"dropped {n:,} duplicate row{'s' if n != 1 else ''} (--drop-duplicates)"]


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _unique_prospects(export: Export, drop_duplicates: bool) -> list[str]:
    """One row per prospect in the ``prospects`` format: a prospect twice is a duplicate."""
    rows = export.outcomes
    assert rows is not None
    dup = rows.duplicated(subset=["prospect_id"], keep="first").to_numpy()
    if not dup.any():
        return []
    if drop_duplicates:
        export.outcomes = rows[~dup].reset_index(drop=True)
        return [f"dropped {int(dup.sum()):,} rows of prospects listed twice (--drop-duplicates)"]
    first = rows.drop_duplicates(subset=["prospect_id"], keep="first").set_index("prospect_id")
    lines = []
    for pid, f, r in rows.loc[dup, ["prospect_id", "file", "row"]].head(MAX_LISTED).to_numpy():
        f0, r0 = first.loc[pid, ["file", "row"]].to_numpy(dtype=np.int64)
        b = f"row {r}" if f == f0 else where(export.files, int(f), int(r))
        lines.append(Problem("", None, f"{where(export.files, int(f0), int(r0))} and {b} are "
                                       "the same prospect"))  # fmt: skip
    n = int(dup.sum())
    where_dup = ", ".join(sorted({str(export.files[f]) for f in rows.loc[dup, "file"]}))
    lines.append(Problem("", None, f"{where_dup}: {n} prospect{'s' if n != 1 else ''} listed "
                                   "twice in all; pass --drop-duplicates to keep the first row "
                                   "of each"))  # fmt: skip
    raise DataError("", lines)


def slug(name: str) -> str:
    """A sequence's name as a strategy name (lower case, words joined by hyphens)."""
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if not text or text[0].isdigit():
        text = f"sequence-{text}" if text else "observed"
    return text


@dataclass(frozen=True)
class Chosen:
    """The sequence kept: its name, the log rows kept and what was left out."""

    name: str
    log: pd.DataFrame
    enrolments: pd.DataFrame | None
    notes: list[str]


def choose_sequence(export: Export, sequence: str | None) -> Chosen:
    """Keep one sequence (``sequence``; by default the one with the most prospects; ``all``
    keeps every row as one): the prospects enrolled in it or touched in it, with their
    touches in it and those outside any sequence (manual touches, replies, inbound calls);
    touches in other sequences are left out, and counted."""
    log = export.log
    seq = names(log["sequence"])
    pid = names(log["prospect_id"])
    outbound = names(log["direction"]) == "outbound"
    touched = outbound & (seq != "")
    counts = pd.DataFrame({"prospect_id": pid[touched], "sequence": seq[touched]})
    enrolled = export.enrolments
    if enrolled is not None and len(enrolled):
        counts = pd.concat([counts, pd.DataFrame({
            "prospect_id": names(enrolled["prospect_id"]), "sequence": names(enrolled["sequence"]),
        })])  # fmt: skip
    sizes = counts.drop_duplicates().groupby("sequence").size().sort_values(
        ascending=False, kind="stable")  # fmt: skip
    notes: list[str] = []
    if sequence == ALL or not len(sizes):
        name = "observed" if not len(sizes) else ALL
        if len(sizes) > 1:
            notes.append(f"{len(sizes)} sequences kept as one (--sequence all)")
        return Chosen(name, log, enrolled, notes)
    if sequence is None:
        sequence = str(sizes.index[0])
    elif sequence not in sizes.index:
        listed = list(map(str, sizes.index))
        raise OptionError("sequence", f"{sequence!r} is not a sequence of the export"
                                      f"{did_you_mean(sequence, listed)}; it has: "
                                      f"{', '.join(listed[:20])} (or all)")  # fmt: skip
    if len(sizes) > 1:
        shown = ", ".join(f"{s} ({n:,} prospects)" for s, n in sizes.head(6).items())
        notes.append(f"{len(sizes)} sequences in the export: {shown}; kept {sequence} "
                     "(--sequence NAME for another, --sequence all for every row)")  # fmt: skip
    members = pd.Index(counts.loc[counts["sequence"] == sequence, "prospect_id"].unique())
    mine = np.asarray(members.get_indexer(pid) >= 0)
    in_seq = (seq == sequence) | (seq == "")
    elsewhere = mine & ~in_seq
    if elsewhere.any():
        others = log.loc[elsewhere, "prospect_id"].nunique()
        notes.append(f"{others:,} prospects of {sequence} are also in other sequences; their "
                     f"{int(elsewhere.sum()):,} activities there are left out")  # fmt: skip
    kept = log[mine & in_seq].reset_index(drop=True)
    if enrolled is not None:
        enrolled = enrolled[names(enrolled["sequence"]) == sequence].reset_index(drop=True)
    return Chosen(str(sequence), kept, enrolled, notes)


__all__ = [
    "ALL",
    "CALL_CHANNELS",
    "LOG_COLUMNS",
    "RESPONSES",
    "Chosen",
    "Export",
    "check",
    "choose_sequence",
    "concat",
    "empty_log",
    "make_log",
    "names",
    "slug",
]
