"""A week in the life of one prospect, drawn from the discrete-event engine's trace
(``sim.results.week.Week``): working hours, meetings, interruptions, the inbox flood and
where the rep's touches landed.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.model.clock import WEEKDAYS
from sim.results.week import Week
from sim.viz.style import (
    BLACK,
    BLUE,
    GREEN,
    ORANGE,
    PURPLE,
    SKY,
    VERMILLION,
    legend_below,
    new_axes,
    set_title,
    value_grid,
)

CALL_MARKS: dict[str, tuple[str, str, str]] = {
    "picked_up": ("o", GREEN, "call picked up"),
    "screened": ("o", ORANGE, "call seen, not answered"),
    "busy": ("X", VERMILLION, "call while in a meeting / interrupted"),
    "not_reachable": ("x", "#666666", "call not reachable (not at the desk, away)"),
}
"""Marker, colour and legend text of a call by how far it got."""
MESSAGE_MARKS: dict[str, tuple[str, str, str]] = {
    "send": (">", PURPLE, "message sent"),
    "read": ("*", GREEN, "your message read"),
    "heard": ("P", GREEN, "your voicemail heard"),
    "buried": ("s", "#777777", "your message buried in the inbox"),
}
"""Marker, colour and legend text of a message event of the trace."""
OTHER_MARK = ("D", BLACK, "other touch (page, receptionist, escalation)")
OPT_OUT_MARK = ("X", BLACK, "opts out")
RESPONSE_WORDS = {
    "positive": ("yes!", GREEN),
    "not_now": ("not now", BLUE),
    "no": ("no", VERMILLION),
    "lost": ("bought elsewhere", ORANGE),
    "ignore": ("ignored", "#555555"),
}
"""What the prospect decides (the ``response`` fact of a ``decides`` event), as a word and
its colour, most important first; a response not listed here is written as it is named."""


def _hour_ticks(ax: Axes, lo: float, hi: float) -> None:
    hours = np.arange(math.ceil(lo / 60), math.floor(hi / 60) + 1)
    step = 1 if len(hours) <= 12 else 2
    ticks = hours[hours % step == 0] * 60
    ax.set_xticks(ticks, [f"{int(t // 60):02d}:00" for t in ticks])


def _day_label(day: int, week: Week) -> str:
    where = "away" if week.day[day].away else ("in office" if week.day[day].in_office else "remote")
    return f"{WEEKDAYS[day % 5]} (day {day})\n{where}"


def _draw_day_row(ax: Axes, week: Week, day: int, row: float) -> None:
    """Working hours, meetings, interruptions (or the away note) of one day."""
    ws, we = week.work_start, week.work_end
    if week.day[day].away:
        ax.barh(
            row,
            we - ws,
            left=ws,
            height=0.8,
            color="#F4F4F4",
            hatch="//",
            edgecolor="#C8C8C8",
            linewidth=0,
        )
        ax.text(
            (ws + we) / 2,
            row,
            "away (travel, holiday): calls go unanswered, mail unread",
            ha="center",
            va="center",
            fontsize=12,
            color="#555555",
        )
        return
    ax.barh(row, we - ws, left=ws, height=0.8, color="#EAF2FA", zorder=0)
    if week.evening is not None:
        start, end = week.evening
        ax.barh(row, end - start, left=start, height=0.5, color=SKY, alpha=0.3, zorder=0)
    plan = week.day[day]
    for start, end in plan.meetings:
        ax.barh(
            row + 0.08,
            end - start,
            left=start,
            height=0.42,
            color=BLUE,
            alpha=0.55,
            linewidth=0,
            zorder=1,
        )
    ax.vlines(plan.interruptions, row - 0.38, row - 0.22, color="#444444", lw=0.8, zorder=1)
    ax.text(
        we + 8,
        row + 0.08,
        f"inbox: +{week.emails:.0f} emails,\n+{week.voicemails:.0f} voicemails",
        va="center",
        ha="left",
        fontsize=11,
        color="#555555",
    )


def _marks(week: Week) -> list[tuple[int, float, str]]:
    """Every marker of the week as (day, minute, key of ``CALL_MARKS``, ``MESSAGE_MARKS``,
    ``other`` or ``opt-out``): calls and pages by result from the touch log, the rest from the
    trace."""
    marks: list[tuple[int, float, str]] = []
    t = week.touches
    rings = t[t["channel"].astype(str).isin(["call_desk", "call_cell", "page"]).to_numpy()]
    for day, minute, result in zip(
        rings["day"], rings["minute"], rings["result"].astype(str), strict=True
    ):
        marks.append((int(day), float(minute), result if result in CALL_MARKS else "not_reachable"))
    for day, minute, kind, _, data in week.events:
        if minute is None:
            continue
        if kind == "read":
            heard = (data or {}).get("channel") == "voicemail"
            marks.append((day, minute, "heard" if heard else "read"))
        elif kind in ("send", "buried"):
            marks.append((day, minute, kind))
        elif kind in ("receptionist", "escalation"):
            marks.append((day, minute, "other"))
        elif kind == "opt-out":
            marks.append((day, minute, "opt-out"))
    return marks


def _mark_style(key: str) -> tuple[str, str, str]:
    if key == "other":
        return OTHER_MARK
    if key == "opt-out":
        return OPT_OUT_MARK
    return {**CALL_MARKS, **MESSAGE_MARKS}[key]


def _draw_touches(ax: Axes, week: Week, rows: dict[int, float]) -> set[str]:
    """Markers where your touches landed (side by side when they share a minute) and the
    prospect's responses written beside them; returns the legend keys used."""
    marks = _marks(week)
    spot: dict[tuple[int, float], int] = {}
    for day, minute, _ in marks:
        spot[(day, minute)] = spot.get((day, minute), 0) + 1
    seen: dict[tuple[int, float], int] = {}
    for day, minute, key in marks:
        k = seen.get((day, minute), 0)
        seen[(day, minute)] = k + 1
        x = minute + (k - (spot[(day, minute)] - 1) / 2) * 11
        marker, colour, _ = _mark_style(key)
        big = marker in ("*", "P")
        ax.plot(
            x,
            rows[day] + 0.12,
            marker=marker,
            color=colour,
            ms=16 if big else 13,
            mec="white" if marker in ("o", "*", "P", "s", ">") else colour,
            mew=1.0,
            zorder=4,
        )
    for (day, minute), (word, colour) in _responses(week).items():
        right = minute + (spot.get((day, minute), 1) - 1) / 2 * 11 + 9
        ax.text(
            right,
            rows[day] + 0.12,
            word,
            ha="left",
            va="center",
            fontsize=11,
            color=colour,
            fontweight="bold",
            zorder=6,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
        )
    for day, _, kind, text, _ in week.events:
        if kind in ("inbound", "competitor"):
            ax.text(
                week.work_start + 5,
                rows[day] + 0.33,
                text,
                fontsize=11,
                va="center",
                color=BLACK,
                zorder=6,
            )
    return {key for _, _, key in marks}


def _responses(week: Week) -> dict[tuple[int, float], tuple[str, str]]:
    """The prospect's decisions by (day, minute): the words joined, coloured by the most
    important one."""
    found: dict[tuple[int, float], list[str]] = {}
    for day, minute, kind, _, data in week.events:
        if kind == "decides" and minute is not None:
            key = str((data or {}).get("response", "ignore"))
            found.setdefault((day, minute), []).append(key)
    order = list(RESPONSE_WORDS)
    out = {}
    for spot, keys in found.items():
        keys = sorted(keys, key=lambda k: order.index(k) if k in order else len(order))
        counts = {k: keys.count(k) for k in keys}
        words = " / ".join(_word(k)[0] + (f" ×{n}" if n > 1 else "") for k, n in counts.items())
        out[spot] = (words, _word(keys[0])[1])
    return out


def _word(response: str) -> tuple[str, str]:
    return RESPONSE_WORDS.get(response, (response.replace("_", " "), "#555555"))


def _week_legend(ax: Axes, used: set[str], evening: bool) -> None:
    handles: list[Patch | Line2D] = [
        Patch(color="#EAF2FA", label="working hours"),
        Patch(color=BLUE, alpha=0.55, label="meeting"),
        Line2D([], [], color="#444444", lw=0, marker="|", ms=10, label="interruption"),
    ]
    if evening:
        handles.append(Patch(color=SKY, alpha=0.25, label="reads mail in the evening"))
    for key in [*CALL_MARKS, *MESSAGE_MARKS, "other", "opt-out"]:
        if key in used:
            marker, colour, text = _mark_style(key)
            handles.append(Line2D([], [], color=colour, lw=0, marker=marker, ms=11, label=text))
    legend_below(ax, handles, ncol=3)


def draw_week(week: Week, ax: Axes | None = None) -> Axes:
    """A week in the life of one prospect (``sim.results.week.Week``, traced by the
    discrete-event engine): working hours, meetings, interruptions, the inbox flood, and where
    your touches landed (calls by result, messages sent, read or buried, the responses)."""
    ax = new_axes(ax, (13, 1.25 * week.days + 3.4))
    rows = {d: float(week.days - 1 - d) for d in range(week.days)}
    for day, row in rows.items():
        _draw_day_row(ax, week, day, row)
    used = _draw_touches(ax, week, rows)
    times = [e.minute for e in week.events if e.minute is not None]
    lo = min([week.work_start - 45, *times]) - 15
    hi = max([week.work_end + 125, *times, *([week.evening[1]] if week.evening else [])]) + 15
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.6, week.days - 0.3)
    _hour_ticks(ax, lo, hi)
    ax.set_yticks(list(rows.values()), [_day_label(d, week) for d in rows])
    ax.set_xlabel("time of day (prospect's clock)")
    ax.set_ylabel("business day")
    value_grid(ax, "x")
    _week_legend(ax, used, week.evening is not None)
    set_title(ax, _week_finding(week))
    return ax


def landed(week: Week) -> int:
    """Touches of the week that got through within it: a call picked up, or a message or
    voicemail read before the week's end."""
    t = week.touches
    picked = t["result"].astype(str).eq("picked_up").to_numpy()
    read = (t["result"].astype(str).eq("read") | t["voicemail_heard"].astype(bool)).to_numpy()
    in_week = t["read_day"].to_numpy(float) < week.days
    return int((picked | (read & in_week)).sum())


def _week_finding(week: Week) -> str:
    meetings = sum(len(d.meetings) for d in week.day)
    breaks = sum(len(d.interruptions) for d in week.day)
    made = len(week.touches)
    emails = week.emails * sum(not d.away for d in week.day)
    touches = f"your {made} touch" + ("" if made == 1 else "es")
    return (
        f"Prospect {week.prospect}'s first {week.days} days under {week.strategy}: "
        f"{meetings} meetings, {breaks} interruptions and ~{emails:,.0f} emails compete "
        f"with {touches}; {landed(week)} got through"
    )
