"""What the format adapters share: telling a tool's files apart by their columns, parsing
numbers and steps, and the synthetic personal data a written export carries (so that the tests
can check it never reaches an output).

A format with several files (Outreach's mailings and calls, Salesloft's emails, calls and
cadence memberships, HubSpot's calls and emails) tells them apart by their header: each kind
of file has columns only it has (``Kind.signature``). A file that matches no kind is an
error naming the file, the kinds and the columns each needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.ingest.source import DataError, Table, distinct, header, per_row
from sim.ingest.times import parse_times
from sim.io.errors import Problem

PERSONAL = {
    "first_name": ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald"],
    "last_name": ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth"],
}
"""Names a synthetic export puts beside each row (never read by an import)."""


@dataclass(frozen=True)
class Kind:
    """One kind of file of a format, told apart by ``signature`` (any of these columns)."""

    name: str
    signature: tuple[str, ...]


def classify(
    files: Sequence[Path], kinds: Sequence[Kind], format_name: str
) -> dict[str, list[Path]]:
    """The files of each kind (a file matching none is an error)."""
    out: dict[str, list[Path]] = {k.name: [] for k in kinds}
    problems = []
    for path in files:
        found = header(path)
        lower = {h.strip().lower() for h in found}
        kind = next((k for k in kinds if any(s.lower() in lower for s in k.signature)), None)
        if kind is None:
            needs = "; ".join(f"{k.name}: one of {', '.join(k.signature)}" for k in kinds)
            problems.append(Problem("", None, (
                f"{path}: not one of the {format_name} exports ({needs}); the columns found "
                f"are: {', '.join(found) or '(none)'}"
            )))  # fmt: skip
            continue
        out[kind.name].append(path)
    if problems:
        raise DataError("", problems)
    return out


def _numeric(table: Table, column: str) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """A text column as numbers (NaN where empty or not a number; each distinct value parsed
    once), and where it has a value."""
    values, codes = distinct(table.frame[column])
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    return per_row(numbers, codes, np.nan).astype(float), codes >= 0


def integers(
    table: Table, column: str, low: int = 0, high: int | None = None
) -> NDArray[np.float64]:
    """A column of whole numbers from ``low`` (to ``high``; NaN where empty); anything else is
    an error."""
    if column not in table.frame:
        return np.full(len(table.frame), np.nan)
    values, given = _numeric(table, column)
    with np.errstate(invalid="ignore"):
        bad = given & ~(np.isfinite(values) & (values == np.round(values)) & (values >= low))
        if high is not None:
            bad |= given & (values > high)
    if bad.any():
        allowed = f">= {low}" if high is None else f"from {low} to {high}"
        raise table.fail(column, np.flatnonzero(bad), f"must be a whole number {allowed}")
    return values


MAX_STEP = 1000
"""The highest sequence step an export may name (a cadence of more steps is no cadence)."""


def steps(table: Table, column: str, first: int = 1) -> NDArray[np.float64]:
    """A column of sequence steps counted from ``first`` (whole numbers up to ``MAX_STEP``),
    as steps counted from 1 (NaN where empty)."""
    values = integers(table, column, low=first, high=MAX_STEP + first - 1)
    return values - first + 1


def numbers(table: Table, column: str) -> NDArray[np.float64]:
    """A column of numbers >= 0 (NaN where empty); anything else is an error."""
    if column not in table.frame:
        return np.full(len(table.frame), np.nan)
    values, given = _numeric(table, column)
    with np.errstate(invalid="ignore"):
        bad = given & ~(np.isfinite(values) & (values >= 0))
    if bad.any():
        raise table.fail(column, np.flatnonzero(bad), "must be a number >= 0")
    return values


def text(table: Table, column: str, fill: str = "") -> NDArray[np.object_]:
    """A column as text (``fill`` where empty or absent)."""
    if column not in table.frame:
        return np.full(len(table.frame), fill, dtype=object)
    return np.asarray(table.frame[column].to_numpy(dtype=object, na_value=fill), dtype=object)


def required_values(table: Table, column: str, what: str) -> None:
    """Every row must have a value in ``column``."""
    empty = table.frame[column].isna().to_numpy()
    if empty.any():
        raise table.fail(column, np.flatnonzero(empty), f"{what} is missing")


def personal(ids: NDArray[np.object_]) -> pd.DataFrame:
    """Names, email addresses and phone numbers for a synthetic export, one row per id (made
    up from the id: the same person always gets the same ones)."""
    number = np.array([sum(map(ord, str(i))) for i in ids], dtype=np.int64)
    first = np.asarray(PERSONAL["first_name"], dtype=object)[number % 6]
    last = np.asarray(PERSONAL["last_name"], dtype=object)[(number // 6) % 6]
    return pd.DataFrame({
        "first_name": first,
        "last_name": last,
        "email": [f"{f.lower()}.{s.lower()}{i}@example.com" for f, s, i in
                  zip(first, last, number % 997, strict=True)],
        "phone": [f"+1-555-{int(i) % 1000:03d}-{int(i) * 7 % 10000:04d}" for i in number],
    })  # fmt: skip


def iso(at: pd.Series, tz: str, fmt: str = "%Y-%m-%dT%H:%M:%S%z") -> pd.Series:
    """UTC timestamps as text in a time zone (empty where missing)."""
    out = pd.to_datetime(at, utc=True).dt.tz_convert(tz).dt.strftime(fmt)
    if fmt.endswith("%z"):
        out = out.str.replace(r"([+-]\d\d)(\d\d)$", r"\1:\2", regex=True)
    return out.fillna("")


__all__ = [
    "MAX_STEP",
    "Kind",
    "classify",
    "counts",
    "first_present",
    "flags",
    "integers",
    "iso",
    "numbers",
    "personal",
    "rank_steps",
    "required_values",
    "steps",
    "text",
]


def rank_steps(
    prospect: NDArray[np.object_], sequence: NDArray[np.object_], at: pd.Series,
    step_id: NDArray[np.object_],
) -> NDArray[np.float64]:  # fmt: skip
    """Step numbers from step ids (Outreach's ``sequenceStepId``, Salesforce's cadence step
    ids): within each sequence, the ids in order of their median time after the prospect's
    first touch in that sequence (ties by id), numbered from 1; NaN where there is no id."""
    t = pd.to_datetime(at, utc=True).astype("int64").to_numpy() / 6e10  # minutes
    frame = pd.DataFrame({"p": prospect, "s": sequence, "t": t, "id": step_id})
    frame["offset"] = frame["t"] - frame.groupby(["p", "s"])["t"].transform("min")
    has = frame["id"].astype(str) != ""
    med = frame[has].groupby(["s", "id"])["offset"].median().reset_index()
    med = med.sort_values(["s", "offset", "id"], kind="stable")
    med["step"] = med.groupby("s").cumcount() + 1
    found = frame.merge(med[["s", "id", "step"]], on=["s", "id"], how="left")
    return np.where(has, found["step"].to_numpy(dtype=float), np.nan)


def first_present(table: Table, columns: Sequence[str], tz: str) -> pd.Series:
    """The first of several timestamp columns that has a value, row by row."""
    out = pd.Series(pd.NaT, index=range(len(table.frame)), dtype="datetime64[ns, UTC]")
    for column in columns:
        got = parse_times(table, column, tz)
        out = out.fillna(got)
    return out


TRUE = ("true", "t", "yes", "y", "1")
FALSE = ("false", "f", "no", "n", "0")


def flags(table: Table, column: str) -> NDArray[np.bool_]:
    """A column of true/false values (False where empty or absent); anything else is an
    error."""
    if column not in table.frame:
        return np.zeros(len(table.frame), dtype=bool)
    values, codes = distinct(table.frame[column])
    words = values.astype(str).str.strip().str.lower()
    bad = per_row(~words.isin([*TRUE, *FALSE]).to_numpy(), codes, False)
    if bad.any():
        raise table.fail(column, np.flatnonzero(bad), "must be true or false")
    return np.asarray(per_row(words.isin(TRUE).to_numpy(), codes, False), dtype=bool)


def counts(table: Table, column: str) -> NDArray[np.float64]:
    """A column of counts (0 where empty or absent)."""
    return np.nan_to_num(integers(table, column))
