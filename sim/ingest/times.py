"""Timestamps: parsed in any time zone, then placed on the team's business days.

Exports mix conventions: ISO 8601 with an offset or ``Z`` (Outreach, Salesloft), epoch
milliseconds (HubSpot's API exports), dates without a time (Salesforce's ``ActivityDate``),
local times without a zone (spreadsheet exports). A value with an offset is converted to UTC;
digits alone are epoch seconds (10 digits) or milliseconds (13); a value without a zone is
taken in the team's time zone (``--timezone``, an IANA name, default UTC). A value that
parses none of these ways is an error naming the file, the row, the column and the value.

The model counts business days (Monday to Friday, ``docs/model.md`` section 2) and minutes
after midnight. ``business_days`` gives each timestamp's business day, counted from the
Monday on or before the earliest one, in the team's time zone; a touch on a Saturday or
Sunday falls on the next Monday's index (the model has no weekends).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.ingest.source import Table, distinct, per_row
from sim.io.errors import OptionError

ZONED = r"(?:[zZ]|[+-]\d\d:?\d\d)$"
EPOCH = r"^\d{10}(?:\d{3})?(?:\.\d+)?$"
EXAMPLES = "ISO 8601 like 2024-03-05T14:30:00-05:00 or 2024-03-05 14:30, or epoch milliseconds"
FIRST_YEAR, LAST_YEAR = 1900, 2199
"""Timestamps outside these years are errors (a typo like 9999-03-04 would otherwise overflow
the nanosecond timestamps the tables use)."""
LOW = pd.Timestamp(f"{FIRST_YEAR}-01-01")
HIGH = pd.Timestamp(f"{LAST_YEAR + 1}-01-01")


def check_timezone(tz: str) -> str:
    """An IANA time-zone name, or an ``OptionError`` naming ``--timezone``."""
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise OptionError(
            "timezone", f"{tz!r} is not a time zone; give an IANA name like UTC, Europe/Berlin "
            "or America/New_York"
        ) from None  # fmt: skip
    return tz


def parse_times(
    table: Table, column: str, tz: str, rows: NDArray[np.bool_] | None = None
) -> pd.Series:
    """The ``column`` of ``table`` as UTC timestamps (missing where the cell is empty or the
    row is outside ``rows``); a value that is no timestamp is an error. Each distinct value is
    parsed once (an export's sends share their times)."""
    n = len(table.frame)
    if column not in table.frame:
        return pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns, UTC]")
    values, codes = distinct(table.frame[column])
    keep = codes >= 0
    if rows is not None:
        keep &= rows
    used = np.zeros(len(values), dtype=bool)
    used[codes[keep]] = True
    parsed = np.full(len(values), np.datetime64("NaT", "ns"), dtype="datetime64[ns]")
    if used.any():
        at = _parse(values[used].astype("string").reset_index(drop=True), tz)
        bad = at.isna().to_numpy()
        if bad.any():
            wrong = np.flatnonzero(used)[bad]
            rows_bad = np.flatnonzero(keep & np.isin(codes, wrong))
            raise table.fail(column, rows_bad, (
                f"not a timestamp of the years {FIRST_YEAR} to {LAST_YEAR} ({EXAMPLES})"
            ))  # fmt: skip
        parsed[used] = at.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    out = per_row(parsed, np.where(keep, codes, -1), np.datetime64("NaT", "ns"))
    return pd.Series(pd.DatetimeIndex(out).tz_localize("UTC"), index=range(n))


def _parse(values: pd.Series, tz: str) -> pd.Series:
    """Text as UTC timestamps (see the module's docstring); missing where a value parses no
    way or falls outside the years allowed."""
    zoned = values.str.contains(ZONED, regex=True).to_numpy(dtype=bool)
    epoch = values.str.fullmatch(EPOCH).to_numpy(dtype=bool)
    naive = ~zoned & ~epoch
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    if zoned.any():
        at = pd.to_datetime(values[zoned], utc=True, format="ISO8601", errors="coerce")
        parsed[zoned] = _bounded(at, LOW.tz_localize("UTC"), HIGH.tz_localize("UTC"))
    if epoch.any():
        digits = values[epoch].astype(float)
        seconds: pd.Series = digits * np.where(digits > 1e11, 1e-3, 1.0)
        inside = (seconds >= LOW.timestamp()) & (seconds < HIGH.timestamp())
        parsed[epoch] = pd.to_datetime(seconds.where(inside), unit="s", utc=True)
    if naive.any():
        local = _bounded(_naive(values[naive]), LOW, HIGH)
        ambiguous = np.zeros(len(local), dtype=bool)
        parsed[naive] = local.dt.tz_localize(
            tz, ambiguous=ambiguous, nonexistent="shift_forward"
        ).dt.tz_convert("UTC")
    return parsed


def _bounded(at: pd.Series, low: pd.Timestamp, high: pd.Timestamp) -> pd.Series:
    """Parsed timestamps (pandas may give them in any unit) in nanoseconds, missing outside
    ``[low, high)``."""
    inside = at.notna() & (at >= low) & (at < high)
    kept = at.where(inside)
    if getattr(at.dt, "tz", None) is not None:
        return kept.astype("datetime64[ns, UTC]")
    return kept.astype("datetime64[ns]")


def _naive(values: pd.Series) -> pd.Series:
    """Zone-less text as naive timestamps: ISO 8601 first, other layouts (``03/05/2024
    2:30 PM``) for what that leaves unparsed."""
    first = _bounded(pd.to_datetime(values, format="ISO8601", errors="coerce"), LOW, HIGH)
    rest = first.isna().to_numpy()
    if rest.any():
        more = pd.to_datetime(values[rest], format="mixed", errors="coerce")
        first[rest] = _bounded(more, LOW, HIGH)
    return first


def local_parts(at: pd.Series, tz: str) -> tuple[NDArray[np.datetime64], NDArray[np.int64]]:
    """Each UTC timestamp's date and minute after midnight in the team's time zone."""
    local = at.dt.tz_convert(tz)
    dates = local.dt.tz_localize(None).to_numpy().astype("datetime64[D]")
    minutes = (local.dt.hour * 60 + local.dt.minute).to_numpy(dtype=np.int64)
    return dates, minutes


def epoch_monday(dates: NDArray[np.datetime64]) -> np.datetime64:
    """The Monday on or before the earliest date."""
    first = np.datetime64(dates.min(), "D")
    weekday = (int(first.astype(np.int64)) - 4) % 7  # 1970-01-05 was a Monday
    return np.datetime64(int(first.astype(np.int64)) - weekday, "D")


def business_days(dates: NDArray[np.datetime64], epoch: np.datetime64) -> NDArray[np.int64]:
    """Business days from ``epoch`` (a Monday) to each date; weekends count as the next
    Monday."""
    return np.asarray(np.busday_count(epoch, dates.astype("datetime64[D]")), dtype=np.int64)


__all__ = [
    "business_days",
    "check_timezone",
    "epoch_monday",
    "local_parts",
    "parse_times",
]
