"""A week in the life of one prospect, as the discrete-event engine traced it: data, not pixels.

``Week`` holds everything the week-in-the-life chart draws (working hours, each day's meetings,
interruptions and whereabouts, the inbox loads, the touches and what became of them, and the
story's events), so charts only draw and a saved run (``week.json``) can be re-drawn without
simulating again.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd


class TraceEvent(NamedTuple):
    """One entry of a prospect's story: business day, minute of the day (None for the day's
    notes), kind, the sentence, and the facts behind it (for charts)."""

    day: int
    minute: float | None
    kind: str
    text: str
    data: dict[str, Any] | None = None


@dataclass(frozen=True)
class WeekDay:
    """One business day of the traced prospect."""

    in_office: bool
    away: bool
    meetings: list[tuple[float, float]] = field(default_factory=list)
    """Meetings (start, end) that overlap working hours, clipped to them, in order."""
    interruptions: list[float] = field(default_factory=list)
    """Start minutes of interruptions within working hours."""


TOUCH_FIELDS = (
    "day",
    "minute",
    "channel",
    "template",
    "result",
    "voicemail_heard",
    "read_day",
    "response",
)
"""The touch-log columns a week keeps."""


@dataclass
class Week:
    """One prospect's first business days under one strategy."""

    strategy: str
    prospect: int
    days: int
    work_start: float
    work_end: float
    evening: tuple[float, float] | None
    """The evening reading window (start, end minutes) of an always-on prospect, else None."""
    day: list[WeekDay]
    emails: float
    voicemails: float
    events: list[TraceEvent]
    touches: pd.DataFrame
    """The prospect's touches of those days (``TOUCH_FIELDS``)."""

    def to_json(self) -> str:
        data = asdict(self) | {
            "events": [list(e) for e in self.events],
            "touches": json.loads(self.touches.to_json(orient="records")),
        }
        return json.dumps(data, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Week:
        data = json.loads(text)
        evening = data["evening"]
        return cls(
            strategy=str(data["strategy"]),
            prospect=int(data["prospect"]),
            days=int(data["days"]),
            work_start=float(data["work_start"]),
            work_end=float(data["work_end"]),
            evening=None if evening is None else (float(evening[0]), float(evening[1])),
            day=[
                WeekDay(
                    bool(d["in_office"]),
                    bool(d["away"]),
                    [(float(a), float(b)) for a, b in d["meetings"]],
                    [float(t) for t in d["interruptions"]],
                )
                for d in data["day"]
            ],
            emails=float(data["emails"]),
            voicemails=float(data["voicemails"]),
            events=[
                TraceEvent(int(e[0]), e[1], str(e[2]), str(e[3]), e[4]) for e in data["events"]
            ],
            touches=pd.DataFrame(data["touches"], columns=list(TOUCH_FIELDS)),
        )

    def save(self, path: Path) -> None:
        path.write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Week:
        return cls.from_json(path.read_text(encoding="utf-8"))


__all__ = ["TOUCH_FIELDS", "TraceEvent", "Week", "WeekDay"]
