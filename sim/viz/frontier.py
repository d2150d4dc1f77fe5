"""The pest frontier: reach against prospects burned (opted out), with labels placed so that
they neither overlap nor cross each other's leader lines.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection

from sim.results.paired import PairedStats
from sim.results.summary import metric_table, ranked
from sim.viz.headline import difference
from sim.viz.options import ChartOptions
from sim.viz.palette import GREY, strategy_marker
from sim.viz.style import colours_for, error_bars, new_axes, set_title

DARK = "#555555"
"""Points of strategies that are not highlighted (darker than line grey: points are small)."""


def pest_frontier(
    summary: pd.DataFrame,
    ax: Axes | None = None,
    *,
    options: ChartOptions | None = None,
    prospects: pd.DataFrame | PairedStats | None = None,
) -> Axes:
    """Reach (x) against burned prospects (y: opt-outs), one labelled point per strategy;
    highlighted strategies in their colour and marker."""
    options = options or ChartOptions()
    names = options.shown(ranked(summary))
    reach = metric_table(summary, "reach_rate").reindex(names)
    burn = metric_table(summary, "opt_out_rate").reindex(names)
    ax = new_axes(ax, (11, 8))
    colours = colours_for(names, ranked(summary), options, grey=DARK)
    x = reach["mean"].to_numpy(float) * 100
    y = burn["mean"].to_numpy(float) * 100
    for i, name in enumerate(names):
        bright = colours[name] != DARK
        ax.errorbar(
            x[i],
            y[i],
            xerr=error_bars(reach.iloc[[i]], 100),
            yerr=error_bars(burn.iloc[[i]], 100),
            fmt=strategy_marker(name) if bright else "o",
            color=colours[name],
            ecolor=colours[name] if bright else GREY,
            ms=10 if bright else 6,
            elinewidth=1.2,
            capsize=3,
            zorder=3 if bright else 2,
        )
    _frontier_limits(ax, reach, burn)
    ax.set_xlabel("reach: prospects with a two-way contact (%, 95% CI)")
    ax.set_ylabel("burned: prospects who opted out (%, 95% CI)")
    ax.grid(True, axis="both")
    set_title(ax, _frontier_title(summary, options, prospects))
    _label_points(ax, x, y, names, colours=colours, plain=DARK)  # last: it measures the layout
    return ax


def _frontier_title(
    summary: pd.DataFrame, options: ChartOptions, prospects: pd.DataFrame | PairedStats | None
) -> str:
    if options.compare is None:
        return (
            "Reach against prospects burned (opted out): further right reaches more, "
            "higher burns more"
        )
    a, b = options.compare
    reach = difference(summary, a, b, "reach_rate", prospects)
    burn = difference(summary, a, b, "opt_out_rate", prospects)
    text = (
        f"{a} reaches {100 * reach.value_a:.0f}% and burns {100 * burn.value_a:.1f}%; "
        f"{b} reaches {100 * reach.value_b:.0f}% and burns {100 * burn.value_b:.1f}%"
    )
    if burn.significant:
        text += (
            f" ({abs(100 * burn.diff):.1f} points {'more' if burn.diff > 0 else 'fewer'} burned,"
            f" 95% CI {100 * burn.low:+.1f} to {100 * burn.high:+.1f})"
        )
    else:
        text += " (opt-outs cannot be told apart)"
    return text


def _frontier_limits(ax: Axes, reach: pd.DataFrame, burn: pd.DataFrame) -> None:
    """Axis limits around the points and their intervals, with a little room for labels."""
    lo = float(np.nanmin(reach["ci_low"].fillna(reach["mean"]).to_numpy(float))) * 100
    hi = float(np.nanmax(reach["ci_high"].fillna(reach["mean"]).to_numpy(float))) * 100
    span = max(hi - lo, 5.0)
    ax.set_xlim(max(lo - 0.08 * span, 0.0), hi + 0.16 * span)
    top = float(np.nanmax(burn["ci_high"].fillna(burn["mean"]).to_numpy(float))) * 100
    top = max(top * 1.2, 0.5)
    ax.set_ylim(-0.14 * top, top)
    ax.set_yticks([t for t in ax.get_yticks() if 0 <= t <= top])
    ax.set_ylim(-0.14 * top, top)


Box = tuple[float, float, float, float]
"""A rectangle in display pixels: left, bottom, right, top."""

_DIRECTIONS = (
    0, 180, 20, -20, 160, -160, 40, -40, 140, -140, 65, -65, 115, -115, 90, -90,
    10, -10, 170, -170, 30, -30, 150, -150, 50, -50, 130, -130, 78, -78, 102, -102,
)  # fmt: skip
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
    ax: Axes,
    x: np.ndarray,
    y: np.ndarray,
    labels: Sequence[str],
    *,
    colours: dict[str, str],
    plain: str,
) -> None:
    """Name each point without overlaps: each label takes the cheapest spot around its point
    (right first, then left, diagonals, above, below, further out), inside the axes. A leader
    line never crosses another leader line or runs through a label; labels never overlap;
    running over a marker or an error bar is avoided where possible. A thin leader line joins
    a label set apart from its point. Highlighted labels are placed first, then crowded
    points. Sizes are measured after a layout pass (``Figure.draw_without_rendering``), so
    the labels match the saved image."""
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
        scale,
    )
    room.bars = _errorbar_boxes(ax, scale)
    dist = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1))
    crowd = (dist < 80 * scale).sum(axis=1)
    bright = [colours.get(str(n), plain) != plain for n in labels]
    order = sorted(
        (int(i) for i in np.flatnonzero(ok)), key=lambda i: (not bright[i], -crowd[i], i)
    )
    radii = [r * scale for r in (5, 10, 16, 24, 34, 46, 60, 76, 94, 115, 140, 170, 205, 245,
                                 290, 340, 400)]  # fmt: skip
    for i in order:
        weight = "bold" if bright[i] else "normal"
        probe = ax.text(0, 0, labels[i], fontsize=12, fontweight=weight)
        ext = probe.get_window_extent()
        probe.remove()
        box, leader = room.place(pts[i], ext.width + 4, ext.height + 2, radii, radii[0])
        centre = ax.transData.inverted().transform(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2))
        arrow = (
            {"arrowstyle": "-", "color": "#8A8A8A", "lw": 0.9, "shrinkA": 1, "shrinkB": 6}
            if leader
            else None
        )
        colour = colours.get(str(labels[i]), plain)
        ax.annotate(
            labels[i],
            (float(x[i]), float(y[i])),
            xytext=(centre[0], centre[1]),
            ha="center",
            va="center",
            fontsize=12,
            fontweight=weight,
            color=colour if bright[i] else "#222222",
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


HARD = 1000
"""The cost of a clash that makes a chart unreadable: labels overlapping, a leader line
crossing another or running through a label."""
MARKER_COST = 8
BAR_COST = 1
DISTANCE_COST = 0.04
"""Per point of distance from the point: a near label over an error bar beats a far one."""


@dataclass
class _Room:
    """The free space of an axes for point labels: fixed obstacles (markers; error bars,
    softer), the labels placed so far and their leader lines, in display pixels."""

    inner: Box
    fixed: list[Box]
    scale: float = 1.0
    """Display pixels per point."""
    bars: list[Box] = field(default_factory=list)
    labels: list[Box] = field(default_factory=list)
    leaders: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)

    def cost(self, box: Box, point: np.ndarray, leader: bool) -> int:
        """What a label at ``box`` (with a leader line to ``point``) would clash with:
        ``HARD`` for each label it overlaps or leader line it meets, ``MARKER_COST`` per
        marker and ``BAR_COST`` per error bar it covers."""
        n = HARD * sum(_overlaps(box, o) for o in self.labels)
        n += HARD * sum(_hits(box, a, b) for a, b in self.leaders)
        n += MARKER_COST * sum(_overlaps(box, o) for o in self.fixed)
        n += BAR_COST * sum(_overlaps(box, o, pad=0.0) for o in self.bars)
        if leader:
            end = np.array([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2])
            n += HARD * sum(_hits(o, point, end) for o in self.labels)
            n += HARD * sum(_crosses(point, end, a, b) for a, b in self.leaders)
            n += MARKER_COST * sum(
                _hits(o, point, end) for o in self.fixed if not _contains(o, point)
            )
        return n

    def inside(self, box: Box) -> bool:
        i = self.inner
        return box[0] >= i[0] and box[2] <= i[2] and box[1] >= i[1] and box[3] <= i[3]

    def place(
        self, point: np.ndarray, w: float, h: float, radii: Sequence[float], near: float
    ) -> tuple[Box, bool]:
        """The cheapest box for a ``w`` x ``h`` label of ``point`` (``cost`` plus
        ``DISTANCE_COST`` per point of distance, so the nearest of equally free spots),
        recorded as taken; and whether it needs a leader line."""
        px, py = float(point[0]), float(point[1])
        unit = self.scale
        best: tuple[float, Box, bool] = (1e18, _candidate(px, py, w, h, radii[0], 0), False)
        for r in radii:
            if DISTANCE_COST * r / unit >= best[0]:
                break  # nothing further out can be cheaper
            for deg in _DIRECTIONS:
                box = _candidate(px, py, w, h, r, deg)
                if not self.inside(box):
                    continue
                n = self.cost(box, point, r > near) + DISTANCE_COST * r / unit
                if n < best[0]:
                    best = (n, box, r > near)
        _, box, leader = best
        self.labels.append(box)
        if leader:
            end = np.array([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2])
            self.leaders.append((np.asarray(point, float), end))
        return box, leader


def _errorbar_boxes(ax: Axes, scale: float) -> list[Box]:
    """Thin boxes around the error bar segments drawn so far, as obstacles for labels."""
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
