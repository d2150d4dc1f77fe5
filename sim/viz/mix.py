"""How each strategy leaves its prospects: the outcome mix at the end of the horizon."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from sim.model.outcomes import Status
from sim.results.aggregate import StrategyStats
from sim.viz.curves import groups
from sim.viz.options import ChartOptions
from sim.viz.palette import strategy_colour
from sim.viz.style import (
    BLACK,
    BLUE,
    GREEN,
    ORANGE,
    SKY,
    VERMILLION,
    bar_height,
    legend_below,
    new_axes,
    set_title,
    value_grid,
)

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


def outcome_shares(prospects: pd.DataFrame | Mapping[str, StrategyStats]) -> pd.DataFrame:
    """Share (0 to 1) of each final outcome (columns, ``Status`` names) per strategy (rows),
    strategies in order of first appearance, from the outcome table or per-strategy
    statistics."""
    names = [s.name for s in Status]
    rows = {}
    if not isinstance(prospects, pd.DataFrame):
        for name, st in prospects.items():
            rows[name] = list(st.outcomes / max(st.n, 1))
        return pd.DataFrame.from_dict(rows, orient="index", columns=names)
    for name, group in groups(prospects):
        counts = group["outcome"].astype(str).value_counts()
        rows[name] = [float(counts.get(s, 0)) / max(len(group), 1) for s in names]
    return pd.DataFrame.from_dict(rows, orient="index", columns=names)


def _segment_label(status: Status, width: float) -> str:
    """The percentage written in a stacked segment: meetings with a decimal (they are the
    point), others rounded; nothing where it would not fit."""
    if status is Status.meeting and width >= 3.8:
        return f"{width:.1f}"
    return f"{width:.0f}" if width >= 5 else ""


def outcome_mix(
    prospects: pd.DataFrame | Mapping[str, StrategyStats],
    ax: Axes | None = None,
    *,
    options: ChartOptions | None = None,
    horizon: int | None = None,
) -> Axes:
    """Stacked bars of final outcomes per strategy, most meetings at the top (``horizon``:
    business days, for the title)."""
    options = options or ChartOptions()
    shares = outcome_shares(prospects) * 100
    shares = shares.loc[options.shown(list(shares.index.astype(str)))]
    shares = shares.sort_values("meeting", ascending=False, kind="stable")
    ax = new_axes(ax, (12, bar_height(len(shares)) + 0.8))
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
    if options.highlight or options.compare:
        chosen = set(options.coloured(list(shares.index.astype(str))))
        for tick in ax.get_yticklabels():
            if tick.get_text() in chosen:
                tick.set_color(strategy_colour(tick.get_text()))
                tick.set_fontweight("bold")
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.6, len(shares) - 0.4)
    ax.set_xlabel("share of prospects at the end of the horizon (%)")
    ax.set_ylabel("strategy (most meetings first)")
    value_grid(ax, "x")
    legend_below(ax, ncol=4)
    after = f" after {horizon} business days" if horizon else " at the end"
    if options.compare is not None:
        silent, opted = shares["open"].to_dict(), shares["opted_out"].to_dict()
        parts = [
            f"{s}: {float(silent[s]):.0f}% silent, {float(opted[s]):.1f}% opted out"
            for s in options.compare
        ]
        text = f"How prospects ended{after}; " + "; ".join(parts)
    else:
        text = f"How prospects ended{after}, by strategy"
    set_title(ax, text)
    return ax
