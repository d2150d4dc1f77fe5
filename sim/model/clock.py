"""Time: a minute clock from Monday 00:00 of week 1; business days are Monday to Friday."""

from __future__ import annotations

import re

MINUTES_PER_DAY = 1440
DAY_START_MINUTE = 0
"""Prospects' day-start updates (decay, urgency, away, inbound) happen at 00:00."""
PLAN_MINUTE = 1
"""The rep plans the day's touches at 00:01, after the prospects' day-start updates."""
DAY_END_MINUTE = 1439
"""The competitor's daily chance is drawn at 23:59, after the day's touches."""

NEVER = -(2**30)
"""The day of an event that has not happened (yet): far below any real day, so that no day
arithmetic (``day - 1`` on day 0, ``day - 30``) can reach it, and small enough that ``day -
NEVER`` fits in 32 bits. ``ever(days)`` tells which happened; compare days with ``>=`` or ``>``
(never is before every day) and never with ``== day - k`` without ``ever``."""


def ever(days: object) -> object:
    """Whether each day is a real day, not ``NEVER`` (works on arrays and on ints)."""
    return days > NEVER // 2  # type: ignore[operator]


_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def parse_time(text: str) -> int:
    """Minute of the day of an ``HH:MM`` string."""
    m = _TIME.match(str(text))
    if not m:
        raise ValueError(f"must be a time of day HH:MM (00:00 to 23:59), got {text!r}")
    return int(m.group(1)) * 60 + int(m.group(2))


def format_time(minute: float) -> str:
    m = round(minute) % MINUTES_PER_DAY
    return f"{m // 60:02d}:{m % 60:02d}"


def calendar_day(business_day: int) -> int:
    """Calendar day (0 = Monday of week 1) of a business-day index."""
    return 7 * (business_day // 5) + business_day % 5


def absolute_minute(business_day: int, minute_of_day: float) -> float:
    return calendar_day(business_day) * MINUTES_PER_DAY + minute_of_day


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri")


def label(business_day: int, minute_of_day: float | None = None) -> str:
    """``W1 Mon 08:15``: a readable stamp for traces."""
    week, dow = divmod(business_day, 5)
    text = f"W{week + 1} {WEEKDAYS[dow]} (day {business_day})"
    return text if minute_of_day is None else f"{text} {format_time(minute_of_day)}"
