"""Bars per strategy from the summary: meetings per 100 prospects (the ranking), and the rep's
minutes and money per meeting.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from sim.results.summary import best_strategy, metric_table, ranked
from sim.viz.style import (
    BLUE,
    MUTED,
    bar_height,
    error_bars,
    n_note,
    new_axes,
    set_title,
    value_grid,
)


def ranking(summary: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Meetings per 100 prospects with 95% intervals, best at the top."""
    order = ranked(summary)
    table = metric_table(summary, "meeting_rate").loc[order]
    ax = new_axes(ax, (11, bar_height(len(order))))
    mean = table["mean"].to_numpy(float) * 100
    y = np.arange(len(order))[::-1]
    colours = [BLUE if i == 0 else MUTED for i in range(len(order))]
    ax.barh(
        y,
        np.nan_to_num(mean),
        xerr=error_bars(table, 100),
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
    ax.set_xlabel(f"meetings per 100 prospects (bars: 95% CI; {n_note(summary)})")
    ax.set_ylabel("strategy (most meetings first)")
    value_grid(ax, "x")
    best = order[0]
    set_title(ax, f"{best} books the most meetings: {mean[0]:.1f} per 100 prospects")
    return ax


def cost_per_meeting(summary: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Rep minutes per meeting with 95% intervals, cheapest at the top, money per meeting
    written beside each bar."""
    minutes = metric_table(summary, "rep_minutes_per_meeting")
    money = metric_table(summary, "cost_per_meeting").reindex(minutes.index)
    order = list(minutes["mean"].sort_values(kind="stable", na_position="last").index)
    minutes, money = minutes.loc[order], money.loc[order]
    best = best_strategy(summary)
    ax = new_axes(ax, (11, bar_height(len(order))))
    y = np.arange(len(order))[::-1]
    mean = minutes["mean"].to_numpy(float)
    colours = [BLUE if s == best else MUTED for s in order]
    ax.barh(
        y,
        np.nan_to_num(mean),
        xerr=error_bars(minutes),
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
    value_grid(ax, "x")
    if not order or math.isnan(mean[0]):
        set_title(ax, "No strategy booked a meeting")
        return ax
    cheap = str(order[0])
    text = f"{cheap} books meetings with the least rep time: {mean[0]:,.0f} min per meeting"
    if best != cheap and best in minutes.index:
        needs = float(minutes["mean"].to_numpy(float)[order.index(best)])
        text += f"; {best}, which books the most, needs {needs:,.0f} min"
    set_title(ax, text)
    return ax
