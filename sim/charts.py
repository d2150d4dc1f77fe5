"""Charts for trainers: what a run found, in pictures that stay readable on a projector.

Every plot function follows matplotlib's convention: it takes the data and ``ax=None``, draws
on ``ax`` (a new figure when it is None) and returns the Axes. Titles state the finding
computed from the data; axes carry units. ``house_style()`` applies the package's style sheet
(``sim/style/followup.mplstyle``); ``render_all`` writes every chart as a PNG.

Nothing here selects a backend: ``render_all`` draws on ``matplotlib.figure.Figure`` objects,
which need no pyplot, and only the ``ax=None`` path of a plot function goes through pyplot.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib.style
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import offset_copy

from .aggregate import StrategyStats
from .atomic import write_atomic
from .outcomes import Status
from .summary import best_strategy, metric_table, ranked, strategies_in_order

if TYPE_CHECKING:
    from .des.day import DaySchedule
    from .run import RunResult
    from .scenario import Scenario
    from .strategy.base import Strategy

STYLE_FILE = "followup.mplstyle"

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
"""The house colour cycle (Okabe & Ito 2008), in the order the style sheet uses it."""
BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW, BLACK = OKABE_ITO
MUTED = "#A9BCD0"
"""Bars and lines that are not the point of the chart."""
GREY = "#B0B0B0"
DPI = 150
LINE_COLOURS = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, BLACK)
"""Line charts colour the leading strategies in these (yellow is too pale for a line on
white); the rest are thin grey lines."""


# -- style -------------------------------------------------------------------------------------


@contextmanager
def house_style() -> Iterator[None]:
    """Apply the house style sheet for the duration of the block (``matplotlib.style.context``)."""
    sheet = resources.files("sim").joinpath("style", STYLE_FILE)
    with resources.as_file(sheet) as path, matplotlib.style.context(str(path)):
        yield


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """``ax``, or the Axes of a new pyplot figure of ``figsize`` inches."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.figure(figsize=figsize, layout="constrained").add_subplot()


def _title(ax: Axes, text: str) -> None:
    """Set a finding as the title, wrapped so that it stays inside the figure: after a layout
    pass the title is measured and re-wrapped narrower until it fits."""
    width = 100
    fig = ax.get_figure(root=True)
    for _ in range(5):
        lines = textwrap.wrap(text, width=width, break_on_hyphens=False)
        title = ax.set_title("\n".join(lines))
        if fig is None:
            return
        fig.draw_without_rendering()
        box, page = title.get_window_extent(), fig.bbox
        if box.x0 >= page.x0 and box.x1 <= page.x1 - 4:
            return
        room = page.x1 - 4 - max(box.x0, page.x0)
        longest = max(len(line) for line in lines)
        width = max(24, min(longest - 1, int(longest * room / max(box.width, 1.0))))


def _legend_below(ax: Axes, handles: Sequence[Artist] | None = None, ncol: int = 4) -> None:
    """A legend under the x-axis label (anchored in points below the axes, so that it clears
    the tick labels and the axis label whatever the figure's size)."""
    fig = ax.get_figure(root=True)
    below = offset_copy(ax.transAxes, fig=fig, x=0, y=-58, units="points")
    kwargs = {"handles": list(handles)} if handles is not None else {}
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(0, 0),
        bbox_transform=below,
        ncol=ncol,
        fontsize=12,
        handlelength=1.4,
        columnspacing=1.4,
        **kwargs,
    )


def _bar_height(n: int) -> float:
    """Figure height in inches for horizontal bars of ``n`` strategies."""
    return max(4.8, 0.42 * n + 2.4)


def _value_grid(ax: Axes, axis: str) -> None:
    """Grid lines on the value axis only."""
    ax.grid(False)
    ax.grid(True, axis="x" if axis == "x" else "y")


# -- data from a summary -----------------------------------------------------------------------


def _errors(frame: pd.DataFrame, scale: float = 1.0) -> np.ndarray:
    """Asymmetric error bar lengths (2 x n) from ``mean, ci_low, ci_high``; 0 where NaN."""
    mean = frame["mean"].to_numpy(float) * scale
    low = np.nan_to_num(mean - frame["ci_low"].to_numpy(float) * scale, nan=0.0)
    high = np.nan_to_num(frame["ci_high"].to_numpy(float) * scale - mean, nan=0.0)
    return np.vstack([np.maximum(low, 0.0), np.maximum(high, 0.0)])


def _n_note(summary: pd.DataFrame) -> str:
    n = int(summary["n_prospects"].max()) if len(summary) else 0
    return f"{n:,} prospects each"


# -- data from the outcome table ---------------------------------------------------------------


def _groups(prospects: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The outcome table split by strategy, in order of first appearance."""
    names = prospects["strategy"].astype(str)
    return [(str(s), rows) for s, rows in prospects.groupby(names, sort=False, observed=True)]


def reach_curve(prospects: pd.DataFrame, max_attempt: int = 12) -> pd.DataFrame:
    """Share of prospects (0 to 1) whose first two-way contact came by attempt N, for N = 1 to
    ``max_attempt`` (rows) and each strategy (columns). Contacts before the first touch (an
    inbound call, attempt 0) count from N = 1; prospects never reached never count."""
    attempts = np.arange(1, max_attempt + 1)
    curves = {}
    for name, rows in _groups(prospects):
        first = rows["first_contact_attempt"].to_numpy(float)
        reached = np.sort(first[~np.isnan(first)])
        counts = np.searchsorted(reached, attempts, side="right")
        curves[name] = counts / max(len(rows), 1)
    return pd.DataFrame(curves, index=pd.Index(attempts, name="attempt"))


def reach_curve_from_stats(
    by_strategy: Mapping[str, StrategyStats], max_attempt: int = 12
) -> pd.DataFrame:
    """``reach_curve`` from per-strategy sufficient statistics (their histograms of the
    attempt of first contact), so that a streamed run, which keeps no outcome table, draws
    the same curve."""
    attempts = np.arange(1, max_attempt + 1)
    curves = {}
    for name, st in by_strategy.items():
        cum = np.cumsum(np.r_[st.first_contact, 0])
        counts = cum[np.minimum(attempts, len(cum) - 1)]
        curves[name] = counts / max(st.n, 1)
    return pd.DataFrame(curves, index=pd.Index(attempts, name="attempt"))


def meeting_curve(prospects: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Cumulative meetings per 100 prospects at the end of each business day ``0 .. horizon-1``
    (rows), per strategy (columns)."""
    days = np.arange(horizon)
    curves = {}
    for name, rows in _groups(prospects):
        booked = rows["meeting_day"].to_numpy(float)
        booked = np.sort(booked[~np.isnan(booked)])
        curves[name] = 100 * np.searchsorted(booked, days, side="right") / max(len(rows), 1)
    return pd.DataFrame(curves, index=pd.Index(days, name="day"))


OUTCOME_ORDER = (
    Status.meeting,
    Status.nurture,
    Status.conversing,
    Status.open,
    Status.said_no,
    Status.bought_elsewhere,
    Status.opted_out,
)
"""Outcomes from the best (left) to the worst (right) in the stacked bars."""
OUTCOME_LABELS = {
    Status.meeting: "meeting",
    Status.nurture: "talked, not now",
    Status.conversing: "talked, took the info",
    Status.open: "silent",
    Status.said_no: "said no",
    Status.bought_elsewhere: "bought elsewhere",
    Status.opted_out: "opted out",
}
OUTCOME_COLORS = {
    Status.meeting: GREEN,
    Status.nurture: BLUE,
    Status.conversing: SKY,
    Status.open: "#DDDDDD",
    Status.said_no: VERMILLION,
    Status.bought_elsewhere: ORANGE,
    Status.opted_out: BLACK,
}


def outcome_shares(prospects: pd.DataFrame) -> pd.DataFrame:
    """Share (0 to 1) of each final outcome (columns, ``Status`` names) per strategy (rows),
    strategies in order of first appearance."""
    names = [s.name for s in Status]
    rows = {}
    for name, group in _groups(prospects):
        counts = group["outcome"].astype(str).value_counts()
        rows[name] = [float(counts.get(s, 0)) / max(len(group), 1) for s in names]
    return pd.DataFrame.from_dict(rows, orient="index", columns=names)


def _highlights(final: pd.Series) -> dict[str, str | None]:
    """Colours (``LINE_COLOURS``, by rank) for the strategies with the highest final value,
    None (grey) for the rest."""
    order = final.sort_values(ascending=False, kind="stable").index.astype(str)
    n = len(LINE_COLOURS)
    return {s: (LINE_COLOURS[i] if i < n else None) for i, s in enumerate(order)}


def _draw_curves(
    ax: Axes, curves: pd.DataFrame, scale: float, *, step: bool, markers: bool
) -> None:
    """One line per strategy: the leaders (highest final value) in colour and named in the
    legend, in rank order; the others as thin grey lines under one legend entry."""
    colours = _highlights(curves.iloc[-1])
    x = curves.index.to_numpy()
    style = "steps-post" if step else "default"
    grey: Line2D | None = None
    lines: dict[str, Line2D] = {}
    for name in curves.columns.astype(str):
        y = curves[name].to_numpy(float) * scale
        colour = colours[name]
        if colour is None:
            (grey,) = ax.plot(x, y, color=GREY, lw=1.2, drawstyle=style, zorder=1)
        else:
            (lines[name],) = ax.plot(
                x, y, color=colour, drawstyle=style, marker="o" if markers else "", zorder=2
            )
    names = [s for s in colours if s in lines]
    handles: list[Artist] = [lines[s] for s in names]
    if grey is not None:
        handles.append(grey)
        names.append("other strategies")
    ax.legend(handles, names, loc="center left", bbox_to_anchor=(1.01, 0.5))


# -- charts from the summary -------------------------------------------------------------------


def ranking(summary: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Meetings per 100 prospects with 95% intervals, best at the top."""
    order = ranked(summary)
    table = metric_table(summary, "meeting_rate").loc[order]
    ax = _axes(ax, (11, _bar_height(len(order))))
    mean = table["mean"].to_numpy(float) * 100
    y = np.arange(len(order))[::-1]
    colours = [BLUE if i == 0 else MUTED for i in range(len(order))]
    ax.barh(
        y,
        np.nan_to_num(mean),
        xerr=_errors(table, 100),
        color=colours,
        height=0.68,
        error_kw={"ecolor": "#333333", "elinewidth": 1.5},
    )
    high = np.nan_to_num(table["ci_high"].to_numpy(float) * 100, nan=0.0)
    for yi, m, (lo, hi) in zip(
        y, mean, table[["ci_low", "ci_high"]].to_numpy(float) * 100, strict=True
    ):
        text = "no data" if math.isnan(m) else f"{m:.1f}  [{lo:.1f}, {hi:.1f}]"
        ax.text(
            max(np.nan_to_num(hi), np.nan_to_num(m)),
            yi,
            "  " + text,
            va="center",
            fontsize=12,
            color="#333333",
        )
    ax.set_yticks(y, order)
    ax.set_xlim(0, max(float(np.max(high, initial=0.0)), 1e-9) * 1.38)
    ax.set_ylim(-0.6, len(order) - 0.4)
    ax.set_xlabel(f"meetings per 100 prospects (bars: 95% CI; {_n_note(summary)})")
    ax.set_ylabel("strategy (most meetings first)")
    _value_grid(ax, "x")
    best = order[0]
    _title(ax, f"{best} books the most meetings: {mean[0]:.1f} per 100 prospects")
    return ax


def pest_frontier(summary: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Reach (x) against burned prospects (y: opt-outs), one labelled point per strategy."""
    reach = metric_table(summary, "reach_rate")
    burn = metric_table(summary, "opt_out_rate").reindex(reach.index)
    ax = _axes(ax, (11, 8))
    best = best_strategy(summary)
    names = list(reach.index)
    x = reach["mean"].to_numpy(float) * 100
    y = burn["mean"].to_numpy(float) * 100
    for i, name in enumerate(names):
        colour = BLUE if name == best else "#555555"
        ax.errorbar(
            x[i],
            y[i],
            xerr=_errors(reach.iloc[[i]], 100),
            yerr=_errors(burn.iloc[[i]], 100),
            fmt="o",
            color=colour,
            ms=9 if name == best else 7,
            elinewidth=1.2,
            capsize=3,
            zorder=3,
        )
    _frontier_limits(ax, reach, burn)
    ax.set_xlabel("reach: prospects with a two-way contact (%, 95% CI)")
    ax.set_ylabel("burned: prospects who opted out (%)")
    ax.grid(True, axis="both")
    top = names[int(np.nanargmax(x))]
    worst = names[int(np.nanargmax(y))]
    text = f"{top} reaches the most prospects ({np.nanmax(x):.0f}%)"
    text += f" and burns {y[names.index(top)]:.1f}%"
    if worst != top and np.nanmax(y) > 0:
        text += f"; {worst} burns the most ({np.nanmax(y):.1f}%)"
    if best not in (top, worst):
        text += f"; {best} (most meetings) burns {y[names.index(best)]:.1f}%"
    _title(ax, text)
    _label_points(ax, x, y, names, highlight=best)  # last: it measures the final layout
    return ax


def _frontier_limits(ax: Axes, reach: pd.DataFrame, burn: pd.DataFrame) -> None:
    """Axis limits around the points and their intervals, with a little room for labels."""
    lo = float(np.nanmin(reach["ci_low"].fillna(reach["mean"]).to_numpy(float))) * 100
    hi = float(np.nanmax(reach["ci_high"].fillna(reach["mean"]).to_numpy(float))) * 100
    span = max(hi - lo, 5.0)
    ax.set_xlim(max(lo - 0.06 * span, 0.0), hi + 0.10 * span)
    top = float(np.nanmax(burn["ci_high"].fillna(burn["mean"]).to_numpy(float))) * 100
    top = max(top * 1.2, 0.5)
    ax.set_ylim(-0.1 * top, top)


Box = tuple[float, float, float, float]
"""A rectangle in display pixels: left, bottom, right, top."""

_DIRECTIONS = (0, 180, 20, -20, 160, -160, 40, -40, 140, -140, 65, -65, 115, -115, 90, -90)
"""Directions (degrees) tried for a label around its point, in order of preference."""


def _overlaps(a: Box, b: Box, pad: float = 2.0) -> bool:
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def _candidate(px: float, py: float, w: float, h: float, r: float, deg: float) -> Box:
    """A ``w`` x ``h`` label box at distance ``r`` from the point in direction ``deg``, its
    near edge facing the point."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    x, y = px + r * c, py + r * s
    left = x if c > 0.3 else (x - w if c < -0.3 else x - w / 2)
    bottom = y if s > 0.3 else (y - h if s < -0.3 else y - h / 2)
    return left, bottom, left + w, bottom + h


def _label_points(
    ax: Axes, x: np.ndarray, y: np.ndarray, labels: Sequence[str], *, highlight: str
) -> None:
    """Name each point without overlaps: each label takes the nearest free spot around its
    point (right first, then left, diagonals, above, below, further out), clear of the other
    labels, their leader lines, the markers and error bars, inside the axes; a thin leader
    line joins a label set apart from its point. Crowded points are placed first. Sizes are
    measured after a layout pass (``Figure.draw_without_rendering``), so the labels match the
    saved image."""
    fig = ax.get_figure(root=True)
    if fig is None or len(labels) == 0:
        return
    fig.draw_without_rendering()
    scale = fig.dpi / 72
    frame = ax.get_window_extent()
    inner: Box = (frame.x0 + 2, frame.y0 + 2, frame.x1 - 2, frame.y1 - 2)
    ok = ~(np.isnan(x) | np.isnan(y))
    pts = ax.transData.transform(np.column_stack([np.nan_to_num(x), np.nan_to_num(y)]))
    marker = 6 * scale
    room = _Room(
        inner,
        [
            (px - marker, py - marker, px + marker, py + marker)
            for (px, py), good in zip(pts, ok, strict=True)
            if good
        ],
    )
    room.fixed += _errorbar_boxes(ax, scale)
    dist = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1))
    crowd = (dist < 80 * scale).sum(axis=1)
    order = sorted((int(i) for i in np.flatnonzero(ok)), key=lambda i: (-crowd[i], i))
    radii = [r * scale for r in (5, 10, 18, 28, 40, 55, 72, 92, 115, 140, 170, 205, 245, 290)]
    for i in order:
        bold = labels[i] == highlight
        probe = ax.text(0, 0, labels[i], fontsize=12, fontweight="bold" if bold else "normal")
        ext = probe.get_window_extent()
        probe.remove()
        box, leader = room.place(pts[i], ext.width + 4, ext.height + 2, radii, radii[0])
        centre = ax.transData.inverted().transform(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2))
        arrow = (
            {"arrowstyle": "-", "color": "#8A8A8A", "lw": 0.9, "shrinkA": 1, "shrinkB": 6}
            if leader
            else None
        )
        ax.annotate(
            labels[i],
            (float(x[i]), float(y[i])),
            xytext=(centre[0], centre[1]),
            ha="center",
            va="center",
            fontsize=12,
            fontweight="bold" if bold else "normal",
            color=BLUE if bold else "#222222",
            arrowprops=arrow,
            zorder=4,
        )


def _hits(box: Box, a: np.ndarray, b: np.ndarray, pad: float = 1.0) -> bool:
    """Whether the segment ``a``-``b`` passes through ``box`` (sampled along its length)."""
    t = np.linspace(0.0, 1.0, 24)[:, None]
    p = a[None, :] * (1 - t) + b[None, :] * t
    inside = (
        (p[:, 0] > box[0] - pad)
        & (p[:, 0] < box[2] + pad)
        & (p[:, 1] > box[1] - pad)
        & (p[:, 1] < box[3] + pad)
    )
    return bool(inside.any())


def _contains(box: Box, p: np.ndarray) -> bool:
    return bool(box[0] <= p[0] <= box[2] and box[1] <= p[1] <= box[3])


def _crosses(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> bool:
    """Whether segments ``a``-``b`` and ``c``-``d`` properly intersect."""

    def turn(p: np.ndarray, q: np.ndarray, r: np.ndarray) -> float:
        return float((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]))

    return turn(a, b, c) * turn(a, b, d) < 0 and turn(c, d, a) * turn(c, d, b) < 0


@dataclass
class _Room:
    """The free space of an axes for point labels: fixed obstacles (markers, error bars), the
    labels placed so far and their leader lines, in display pixels."""

    inner: Box
    fixed: list[Box]
    labels: list[Box] = field(default_factory=list)
    leaders: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)

    def clashes(self, box: Box, point: np.ndarray, leader: bool) -> int:
        """How many things a label at ``box`` (with a leader line to ``point``) would cross;
        another label counts three times."""
        n = sum(_overlaps(box, o) for o in self.fixed)
        n += 3 * sum(_overlaps(box, o) for o in self.labels)
        n += sum(_hits(box, a, b) for a, b in self.leaders)
        if leader:
            end = np.array([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2])
            n += sum(_hits(o, point, end) for o in self.labels)
            n += sum(_hits(o, point, end) for o in self.fixed if not _contains(o, point))
            n += sum(_crosses(point, end, a, b) for a, b in self.leaders)
        return n

    def inside(self, box: Box) -> bool:
        i = self.inner
        return box[0] >= i[0] and box[2] <= i[2] and box[1] >= i[1] and box[3] <= i[3]

    def place(
        self, point: np.ndarray, w: float, h: float, radii: Sequence[float], near: float
    ) -> tuple[Box, bool]:
        """The nearest free box for a ``w`` x ``h`` label of ``point`` (failing that, the one
        with the fewest clashes), recorded as taken; and whether it needs a leader line."""
        px, py = float(point[0]), float(point[1])
        best: tuple[int, Box, bool] = (10**9, _candidate(px, py, w, h, radii[0], 0), False)
        for r in radii:
            for deg in _DIRECTIONS:
                box = _candidate(px, py, w, h, r, deg)
                if not self.inside(box):
                    continue
                n = self.clashes(box, point, r > near)
                if n < best[0]:
                    best = (n, box, r > near)
                if n == 0:
                    break
            if best[0] == 0:
                break
        _, box, leader = best
        self.labels.append(box)
        if leader:
            end = np.array([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2])
            self.leaders.append((np.asarray(point, float), end))
        return box, leader


def _errorbar_boxes(ax: Axes, scale: float) -> list[Box]:
    """Thin boxes around the error bar segments drawn so far, as obstacles for labels."""
    from matplotlib.collections import LineCollection

    boxes: list[Box] = []
    for coll in ax.collections:
        if not isinstance(coll, LineCollection):
            continue
        for seg in coll.get_segments():
            (x0, y0), (x1, y1) = ax.transData.transform(np.asarray(seg)[[0, -1]])
            boxes.append(
                (min(x0, x1) - scale, min(y0, y1) - scale, max(x0, x1) + scale, max(y0, y1) + scale)
            )
    return boxes


def cost_per_meeting(summary: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Rep minutes per meeting with 95% intervals, cheapest at the top, money per meeting
    written beside each bar."""
    minutes = metric_table(summary, "rep_minutes_per_meeting")
    money = metric_table(summary, "cost_per_meeting").reindex(minutes.index)
    order = list(minutes["mean"].sort_values(kind="stable", na_position="last").index)
    minutes, money = minutes.loc[order], money.loc[order]
    best = best_strategy(summary)
    ax = _axes(ax, (11, _bar_height(len(order))))
    y = np.arange(len(order))[::-1]
    mean = minutes["mean"].to_numpy(float)
    colours = [BLUE if s == best else MUTED for s in order]
    ax.barh(
        y,
        np.nan_to_num(mean),
        xerr=_errors(minutes),
        color=colours,
        height=0.68,
        error_kw={"ecolor": "#333333", "elinewidth": 1.5},
    )
    ends = np.nan_to_num(np.fmax(minutes["ci_high"].to_numpy(float), mean))
    spends = bool(np.nansum(np.abs(money["mean"].to_numpy(float))) > 0)
    for yi, m, c, end in zip(y, mean, money["mean"].to_numpy(float), ends, strict=True):
        text = "no meetings" if math.isnan(m) else f"{m:,.0f} min"
        if spends and not math.isnan(m):
            text += f" · cost {c:,.2f}"
        ax.text(end, yi, "  " + text, va="center", fontsize=12, color="#333333")
    ax.set_yticks(y, order)
    ax.set_xlim(0, max(float(np.max(ends, initial=0.0)), 1.0) * (1.45 if spends else 1.25))
    ax.set_ylim(-0.6, len(order) - 0.4)
    money_note = "cost = money per meeting" if spends else "no strategy here spends money"
    ax.set_xlabel(f"rep minutes per meeting booked (bars: 95% CI); {money_note}")
    ax.set_ylabel("strategy (cheapest first)")
    _value_grid(ax, "x")
    if not order or math.isnan(mean[0]):
        _title(ax, "No strategy booked a meeting")
        return ax
    cheap = str(order[0])
    text = f"{cheap} books meetings with the least rep time: {mean[0]:,.0f} min per meeting"
    if best != cheap and best in minutes.index:
        needs = float(minutes["mean"].to_numpy(float)[order.index(best)])
        text += f"; {best}, which books the most, needs {needs:,.0f} min"
    _title(ax, text)
    return ax


# -- charts from the outcome table -------------------------------------------------------------


def reached_by_attempt(
    data: pd.DataFrame | Mapping[str, StrategyStats], max_attempt: int = 12, ax: Axes | None = None
) -> Axes:
    """The "fifth call" curve: share of prospects first reached (two-way) by attempt N, from
    the outcome table or from per-strategy statistics (a streamed run's ``result.stats``)."""
    if isinstance(data, pd.DataFrame):
        curves = reach_curve(data, max_attempt)
    else:
        curves = reach_curve_from_stats(data, max_attempt)
    ax = _axes(ax, (12, 6.5))
    _draw_curves(ax, curves, 100, step=False, markers=True)
    if max_attempt >= 5:
        ax.axvline(5, color="#777777", ls=":", lw=1.5, zorder=0)
        ax.text(
            5,
            1.0,
            " 5th attempt",
            transform=ax.get_xaxis_transform(),
            va="top",
            fontsize=12,
            color="#555555",
        )
    ax.set_xticks(curves.index.to_numpy())
    ax.set_xlim(0.7, max_attempt + 0.3)
    ax.set_ylim(0, min(100, max(float(curves.to_numpy().max()) * 100 * 1.12, 5.0)))
    ax.set_xlabel("attempt N (touches made so far)")
    ax.set_ylabel("prospects reached by attempt N (%)")
    final = curves.iloc[-1]
    top = str(final.idxmax())
    at = curves[top] * 100
    by5 = f", {at.loc[5]:.0f}% by the fifth" if max_attempt >= 5 else ""
    _title(
        ax,
        f"{top} reaches the most prospects: {at.iloc[-1]:.0f}% by attempt {max_attempt}"
        f" ({at.loc[1]:.0f}% at the first{by5})",
    )
    return ax


def cumulative_meetings(prospects: pd.DataFrame, horizon: int, ax: Axes | None = None) -> Axes:
    """Meetings booked per 100 prospects, cumulative over business days."""
    curves = meeting_curve(prospects, horizon)
    ax = _axes(ax, (12, 6.5))
    _draw_curves(ax, curves, 1.0, step=True, markers=False)
    ax.set_xlim(0, max(horizon - 1, 1))
    ax.set_ylim(0, max(float(curves.to_numpy().max()) * 1.12, 1.0))
    ax.set_xlabel("business day")
    ax.set_ylabel("meetings per 100 prospects (cumulative)")
    final = curves.iloc[-1]
    top = str(final.idxmax())
    if final[top] <= 0:
        _title(ax, f"No meetings booked in {horizon} business days")
        return ax
    half = int(np.argmax(curves[top].to_numpy(float) >= final[top] / 2))
    _title(
        ax,
        f"{top} books {final[top]:.1f} meetings per 100 prospects in {horizon} business"
        f" days, half of them by day {half}",
    )
    return ax


def _segment_label(status: Status, width: float) -> str:
    """The percentage written in a stacked segment: meetings with a decimal (they are the
    point), others rounded; nothing where it would not fit."""
    if status is Status.meeting and width >= 3.8:
        return f"{width:.1f}"
    return f"{width:.0f}" if width >= 5 else ""


def outcome_mix(prospects: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Stacked bars of final outcomes per strategy, most meetings at the top."""
    shares = outcome_shares(prospects) * 100
    shares = shares.sort_values("meeting", ascending=False, kind="stable")
    ax = _axes(ax, (12, _bar_height(len(shares)) + 0.8))
    y = np.arange(len(shares))[::-1]
    left = np.zeros(len(shares))
    for status in OUTCOME_ORDER:
        width = shares[status.name].to_numpy(float)
        ax.barh(
            y,
            width,
            left=left,
            color=OUTCOME_COLORS[status],
            height=0.7,
            label=OUTCOME_LABELS[status],
            edgecolor="white",
            linewidth=0.6,
        )
        dark = status in (Status.nurture, Status.said_no, Status.opted_out, Status.meeting)
        for yi, x0, w in zip(y, left, width, strict=True):
            text = _segment_label(status, float(w))
            if text:
                colour = "white" if dark else "#222222"
                ax.text(x0 + w / 2, yi, text, ha="center", va="center", fontsize=11, color=colour)
        left += width
    ax.set_yticks(y, shares.index.astype(str))
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.6, len(shares) - 0.4)
    ax.set_xlabel("share of prospects at the end of the horizon (%)")
    ax.set_ylabel("strategy (most meetings first)")
    _value_grid(ax, "x")
    _legend_below(ax, ncol=4)
    silent = shares["open"]
    most, least = str(silent.idxmax()), str(silent.idxmin())
    text = f"{most} leaves {silent[most]:.0f}% of prospects silent"
    if least != most:
        text += f", {least} only {silent[least]:.0f}%"
    _title(ax, text)
    return ax


# -- a week in the life of a prospect ----------------------------------------------------------

Event = tuple[int, float | None, str, str]
"""A trace entry: business day, minute of the day (None for the day's notes), kind, text."""


@dataclass
class Week:
    """What ``week_in_the_life`` draws: one prospect's first business days under one strategy."""

    strategy: str
    prospect: int
    days: int
    work_start: float
    work_end: float
    evening: tuple[float, float] | None
    """The evening reading window (start, end minutes) of an always-on prospect, else None."""
    in_office: list[bool]
    away: list[bool]
    schedules: list[DaySchedule | None]
    emails: float
    voicemails: float
    events: list[Event]
    touches: pd.DataFrame


def week_data(
    scenario: Scenario, strategy_name: str | Strategy, prospect: int, seed: int, days: int = 5
) -> Week:
    """Run the discrete-event engine for one prospect with a trace and gather its week: the
    trace, the touch log, the day schedules (meetings, interruptions) and the inbox loads.
    ``strategy_name``: a strategy of the library or the scenario, or a ``Strategy`` object."""
    from .channels import Inbox
    from .des.day import draw_day
    from .population import draw_population
    from .run import simulate

    days = max(1, min(days, scenario.horizon))
    run = simulate(
        scenario, [strategy_name], prospects=prospect + 1, seed=seed, engine="des", trace=[prospect]
    )
    name = strategy_name if isinstance(strategy_name, str) else strategy_name.name
    raw = run.traces.get((name, prospect), [])
    events = [_event(e) for e in raw]
    traits, life = draw_population(scenario, seed, prospect, prospect + 1)
    start = float(traits.work_start[0])
    away = [bool(life.away[d, 0]) for d in range(days)]
    rows = run.touches[(run.touches["prospect"] == prospect).to_numpy()]
    return Week(
        strategy=name,
        prospect=prospect,
        days=days,
        work_start=start,
        work_end=start + scenario.calendar.workday_hours * 60,
        evening=_evening(scenario) if bool(traits.always_on[0]) else None,
        in_office=[bool(np.asarray(life.in_office(d, 0))) for d in range(days)],
        away=away,
        schedules=[
            None if away[d] else draw_day(scenario, seed, prospect, d, start) for d in range(days)
        ],
        emails=float(traits.load[Inbox.email, 0]),
        voicemails=float(traits.load[Inbox.voicemail, 0]),
        events=[e for e in events if e[0] < days],
        touches=rows[(rows["day"] < days).to_numpy()],
    )


def _evening(scenario: Scenario) -> tuple[float, float]:
    from .clock import parse_time

    cal = scenario.calendar
    return float(parse_time(cal.evening_start)), float(parse_time(cal.evening_end))


def _event(raw: tuple[object, ...]) -> Event:
    day, minute, kind, text = raw[:4]
    if not isinstance(day, int | float) or not (minute is None or isinstance(minute, int | float)):
        raise TypeError(f"malformed trace entry {raw!r}")
    return int(day), None if minute is None else float(minute), str(kind), str(text)


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
    "responds positively": ("yes!", GREEN),
    "says no": ("no", VERMILLION),
    "says they bought elsewhere": ("bought elsewhere", ORANGE),
    "ignores it": ("ignored", "#555555"),
}
"""What the prospect decides (trace text prefix), as a word and its colour, most important
first."""


def _hour_ticks(ax: Axes, lo: float, hi: float) -> None:
    hours = np.arange(math.ceil(lo / 60), math.floor(hi / 60) + 1)
    step = 1 if len(hours) <= 12 else 2
    ticks = hours[hours % step == 0] * 60
    ax.set_xticks(ticks, [f"{int(t // 60):02d}:00" for t in ticks])


def _day_label(day: int, week: Week) -> str:
    from .clock import WEEKDAYS

    where = "away" if week.away[day] else ("in office" if week.in_office[day] else "remote")
    return f"{WEEKDAYS[day % 5]} (day {day})\n{where}"


def _draw_day_row(ax: Axes, week: Week, day: int, row: float) -> None:
    """Working hours, meetings, interruptions (or the away note) of one day."""
    ws, we = week.work_start, week.work_end
    if week.away[day]:
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
    sched = week.schedules[day]
    if sched is None:
        return
    for start, end in _working_meetings(week, sched):
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
    ticks = sched.interruption_start[(sched.interruption_start < we)]
    ax.vlines(ticks, row - 0.38, row - 0.22, color="#444444", lw=0.8, zorder=1)
    ax.text(
        we + 8,
        row + 0.08,
        f"inbox: +{week.emails:.0f} emails,\n+{week.voicemails:.0f} voicemails",
        va="center",
        ha="left",
        fontsize=11,
        color="#555555",
    )


def _working_meetings(week: Week, sched: DaySchedule) -> list[tuple[float, float]]:
    """The day's meetings within working hours (clipped to them), in order of start."""
    ws, we = week.work_start, week.work_end
    return [(max(a, ws), min(b, we)) for a, b in sched.meetings() if b > ws and a < we]


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
    for day, minute, kind, text in week.events:
        if minute is None:
            continue
        if kind == "read":
            marks.append((day, minute, "heard" if "your voicemail" in text else "read"))
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
    for day, _, kind, text in week.events:
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
    for day, minute, kind, text in week.events:
        if kind == "decides" and minute is not None:
            key = next((k for k in RESPONSE_WORDS if text.startswith(k)), "ignores it")
            found.setdefault((day, minute), []).append(key)
    order = list(RESPONSE_WORDS)
    out = {}
    for spot, keys in found.items():
        keys = sorted(keys, key=order.index)
        counts = {k: keys.count(k) for k in keys}
        words = " / ".join(
            RESPONSE_WORDS[k][0] + (f" ×{n}" if n > 1 else "") for k, n in counts.items()
        )
        out[spot] = (words, RESPONSE_WORDS[keys[0]][1])
    return out


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
    _legend_below(ax, handles, ncol=3)


def week_in_the_life(
    scenario: Scenario,
    strategy_name: str | Strategy,
    prospect: int,
    seed: int,
    days: int = 5,
    ax: Axes | None = None,
) -> Axes:
    """One prospect's first ``days`` business days under a strategy, from a discrete-event
    trace: working hours, meetings, interruptions, the inbox flood, and where your touches
    landed (calls by result, messages sent, read or buried, the prospect's responses)."""
    week = week_data(scenario, strategy_name, prospect, seed, days)
    return draw_week(week, ax=ax)


def draw_week(week: Week, ax: Axes | None = None) -> Axes:
    """Draw a ``Week`` (see ``week_in_the_life``)."""
    ax = _axes(ax, (13, 1.25 * week.days + 3.4))
    rows = {d: float(week.days - 1 - d) for d in range(week.days)}
    for day, row in rows.items():
        _draw_day_row(ax, week, day, row)
    used = _draw_touches(ax, week, rows)
    times = [m for _, m, _, _ in week.events if m is not None]
    lo = min([week.work_start - 45, *times]) - 15
    hi = max([week.work_end + 125, *times, *([week.evening[1]] if week.evening else [])]) + 15
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.6, week.days - 0.3)
    _hour_ticks(ax, lo, hi)
    ax.set_yticks(list(rows.values()), [_day_label(d, week) for d in rows])
    ax.set_xlabel("time of day (prospect's clock)")
    ax.set_ylabel("business day")
    _value_grid(ax, "x")
    _week_legend(ax, used, week.evening is not None)
    _title(ax, _week_finding(week))
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
    meetings = sum(len(_working_meetings(week, s)) for s in week.schedules if s is not None)
    breaks = sum(
        int((s.interruption_start < week.work_end).sum()) for s in week.schedules if s is not None
    )
    made = len(week.touches)
    emails = week.emails * sum(not a for a in week.away)
    touches = f"your {made} touch" + ("" if made == 1 else "es")
    return (
        f"Prospect {week.prospect}'s first {week.days} days under {week.strategy}: "
        f"{meetings} meetings, {breaks} interruptions and ~{emails:,.0f} emails compete "
        f"with {touches}; {landed(week)} got through"
    )


# -- rendering every chart ---------------------------------------------------------------------

CHART_NAMES = (
    "ranking",
    "reached_by_attempt",
    "cumulative_meetings",
    "pest_frontier",
    "cost_per_meeting",
    "outcome_mix",
    "week_in_the_life",
)
"""Every chart ``render_all`` can write, in the report's order (``charts/<name>.png``)."""

WEEK_DAYS = 5


def eventful_prospect(
    touches: pd.DataFrame, strategy: str, days: int = WEEK_DAYS, min_touches: int = 3
) -> int | None:
    """The lowest prospect id with at least ``min_touches`` touches in the first ``days``
    business days under ``strategy``; failing that, the lowest id with the most such touches;
    None when the touch log has none."""
    rows = touches[
        ((touches["strategy"].astype(str) == strategy) & (touches["day"] < days)).to_numpy()
    ]
    if rows.empty:
        return None
    counts = rows.groupby("prospect", sort=True).size()
    enough = counts[counts >= min_touches]
    if len(enough):
        return int(enough.index.min())
    return int(counts[counts == counts.max()].index.min())


def week_prospect(scenario: Scenario, strategy: str | Strategy, seed: int, among: int = 60) -> int:
    """A prospect whose first week is eventful under ``strategy``, chosen from a small
    discrete-event run of the first ``among`` prospects (the engine the chart uses)."""
    from .run import simulate

    name = strategy if isinstance(strategy, str) else strategy.name
    run = simulate(scenario, [strategy], prospects=among, seed=seed, engine="des")
    found = eventful_prospect(run.touches, name, min(WEEK_DAYS, scenario.horizon))
    return 0 if found is None else found


def save_figure(fig: Figure, path: Path) -> Path:
    """Save as PNG, atomically."""
    return write_atomic(path, lambda p: fig.savefig(p, format="png", dpi=DPI, facecolor="white"))


def _chart_plan(
    result: RunResult, summary: pd.DataFrame
) -> dict[str, tuple[tuple[float, float], Callable[[Axes], Axes]]]:
    """Each chart's figure size and drawing function; charts that need the outcome table are
    left out of a streamed run, which keeps none."""
    n = len(strategies_in_order(summary))
    plan: dict[str, tuple[tuple[float, float], Callable[[Axes], Axes]]] = {
        "ranking": ((11, _bar_height(n)), lambda ax: ranking(summary, ax=ax)),
    }
    prospects = result.prospects
    has_table = not result.streamed and len(prospects) > 0
    if has_table or result.stats:
        source = prospects if has_table else result.stats
        plan["reached_by_attempt"] = ((12, 6.5), lambda ax: reached_by_attempt(source, ax=ax))
    if has_table:
        plan["cumulative_meetings"] = (
            (12, 6.5),
            lambda ax: cumulative_meetings(prospects, result.scenario.horizon, ax=ax),
        )
    plan["pest_frontier"] = ((11, max(7.0, 0.28 * n + 3)), lambda ax: pest_frontier(summary, ax=ax))
    plan["cost_per_meeting"] = ((11, _bar_height(n)), lambda ax: cost_per_meeting(summary, ax=ax))
    if has_table:
        plan["outcome_mix"] = ((12, _bar_height(n) + 0.8), lambda ax: outcome_mix(prospects, ax=ax))
    return plan


def render_all(
    result: RunResult,
    summary: pd.DataFrame,
    out_dir: Path | str,
    *,
    week_strategy: str | Strategy | None = None,
) -> list[Path]:
    """Write every chart as ``out_dir/charts/<name>.png`` (150 dpi) and return the paths in
    ``CHART_NAMES`` order. The week in the life follows ``week_strategy`` (default: the run's
    first strategy) and the lowest prospect id with at least 3 touches in its first 5 days, in
    a small discrete-event run whatever the run's engine; it is left out when that strategy
    cannot be found by name (a ``Strategy`` object passed to ``simulate``: give it as
    ``week_strategy``). Charts of earlier runs that this run cannot draw (a streamed run keeps
    no outcome table) are removed."""
    folder = Path(out_dir) / "charts"
    plan = _chart_plan(result, summary)
    written: list[Path] = []
    with house_style():
        for name, (size, draw) in plan.items():
            fig = Figure(figsize=size, layout="constrained")
            draw(fig.add_subplot())
            written.append(save_figure(fig, folder / f"{name}.png"))
        strategy = week_strategy or (result.strategies[0] if result.strategies else None)
        week = _week_or_none(result, strategy)
        if week is not None:
            fig = Figure(figsize=(13, 1.25 * week.days + 3.4), layout="constrained")
            draw_week(week, ax=fig.add_subplot())
            written.append(save_figure(fig, folder / "week_in_the_life.png"))
    for stale in set(CHART_NAMES) - {p.stem for p in written}:
        (folder / f"{stale}.png").unlink(missing_ok=True)
    order = {name: i for i, name in enumerate(CHART_NAMES)}
    return sorted(written, key=lambda p: order[p.stem])


def _week_or_none(result: RunResult, strategy: str | Strategy | None) -> Week | None:
    """The week in the life under ``strategy`` (None without one, or for a name the library
    and the scenario do not know)."""
    if strategy is None:
        return None
    try:
        prospect = week_prospect(result.scenario, strategy, result.seed)
        return week_data(result.scenario, strategy, prospect, result.seed, WEEK_DAYS)
    except KeyError:
        return None


__all__ = [
    "CHART_NAMES",
    "best_strategy",
    "cost_per_meeting",
    "cumulative_meetings",
    "draw_week",
    "eventful_prospect",
    "house_style",
    "outcome_mix",
    "pest_frontier",
    "ranked",
    "ranking",
    "reach_curve",
    "reached_by_attempt",
    "render_all",
    "week_data",
    "week_in_the_life",
    "week_prospect",
]
