"""Bars per strategy from the summary: meetings per 100 prospects (the ranking), and the rep's
minutes and money per meeting.

Bars take the strategy's own colour when it is highlighted, grey otherwise. Titles state the
headline comparison when one was chosen (``ChartOptions.compare``), else they describe the
chart and never crown a strategy the data cannot tell from the next: strategies tied with the
top are marked "≈ top".
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from sim.results.paired import PairedStats
from sim.results.summary import metric_table, ranked
from sim.viz.headline import difference, difference_sentence, tied_with_top
from sim.viz.options import ChartOptions
from sim.viz.style import (
    MUTED,
    bar_height,
    colours_for,
    error_bars,
    n_note,
    new_axes,
    set_title,
    value_grid,
)

ERROR_KW = {"ecolor": "#333333", "elinewidth": 1.5}


def _shown(summary: pd.DataFrame, options: ChartOptions | None) -> list[str]:
    order = ranked(summary)
    return (options or ChartOptions()).shown(order)


def _tick_size(n: int, ax: Axes) -> float:
    """Tick label size for ``n`` bars: smaller when they are crowded on a fixed-size slide."""
    fig = ax.get_figure(root=True)
    height = fig.get_size_inches()[1] if fig is not None else bar_height(n)
    per_bar = height / max(n, 1)
    return 13.0 if per_bar >= 0.4 else max(8.5, 13.0 * per_bar / 0.4)


def ranking(
    summary: pd.DataFrame,
    ax: Axes | None = None,
    *,
    options: ChartOptions | None = None,
    prospects: pd.DataFrame | PairedStats | None = None,
    comparisons: pd.DataFrame | None = None,
) -> Axes:
    """Meetings per 100 prospects with 95% intervals, most at the top. ``prospects`` (the
    run's paired statistics or outcome table) makes the headline comparison paired;
    ``comparisons`` (``comparisons.csv``) says which strategies are tied with the top."""
    options = options or ChartOptions()
    order = _shown(summary, options)
    table = metric_table(summary, "meeting_rate").loc[order]
    ax = new_axes(ax, (11, bar_height(len(order))))
    mean = table["mean"].to_numpy(float) * 100
    y = np.arange(len(order))[::-1]
    colours = colours_for(order, ranked(summary), options, grey=MUTED)
    ax.barh(
        y,
        np.nan_to_num(mean),
        xerr=error_bars(table, 100),
        color=[colours[s] for s in order],
        height=0.68,
        error_kw=ERROR_KW,
    )
    tied = set(tied_with_top(summary, order, comparisons))
    size = min(12.0, _tick_size(len(order), ax))
    high = np.nan_to_num(table["ci_high"].to_numpy(float) * 100, nan=0.0)
    for name, yi, m, (lo, hi) in zip(
        order, y, mean, table[["ci_low", "ci_high"]].to_numpy(float) * 100, strict=True
    ):
        text = "no data" if math.isnan(m) else f"{m:.1f}  [{lo:.1f}, {hi:.1f}]"
        if name in tied:
            text += "  ≈ top"
        ax.text(
            max(np.nan_to_num(hi), np.nan_to_num(m)),
            yi,
            "  " + text,
            va="center",
            fontsize=size,
            color="#333333",
        )
    ax.set_yticks(y, order, fontsize=_tick_size(len(order), ax))
    ax.set_xlim(0, max(float(np.max(high, initial=0.0)), 1e-9) * 1.45)
    ax.set_ylim(-0.6, len(order) - 0.4)
    ax.set_xlabel(f"meetings per 100 prospects (bars: 95% CI; {n_note(summary)})")
    ax.set_ylabel("strategy (most meetings first)")
    value_grid(ax, "x")
    set_title(ax, _ranking_title(summary, order, tied, options, prospects))
    return ax


def _ranking_title(
    summary: pd.DataFrame,
    order: list[str],
    tied: set[str],
    options: ChartOptions,
    prospects: pd.DataFrame | PairedStats | None,
) -> str:
    if options.compare is not None:
        a, b = options.compare
        d = difference(summary, a, b, "meeting_rate", prospects)
        return difference_sentence(d, what="meetings", unit="per 100 prospects")
    text = "Meetings booked per 100 prospects, by strategy"
    if tied:
        k = len(tied) + 1
        text += f"; the top {k} cannot be told apart (≈ top)"
    return text


def cost_per_meeting(
    summary: pd.DataFrame,
    ax: Axes | None = None,
    *,
    options: ChartOptions | None = None,
) -> Axes:
    """Rep minutes per meeting with 95% intervals, cheapest at the top, money per meeting
    written beside each bar."""
    options = options or ChartOptions()
    shown = _shown(summary, options)
    minutes = metric_table(summary, "rep_minutes_per_meeting").reindex(shown)
    money = metric_table(summary, "cost_per_meeting").reindex(shown)
    order = list(minutes["mean"].sort_values(kind="stable", na_position="last").index)
    minutes, money = minutes.loc[order], money.loc[order]
    ax = new_axes(ax, (11, bar_height(len(order))))
    y = np.arange(len(order))[::-1]
    mean = minutes["mean"].to_numpy(float)
    colours = colours_for(order, ranked(summary), options, grey=MUTED)
    ax.barh(
        y,
        np.nan_to_num(mean),
        xerr=error_bars(minutes),
        color=[colours[s] for s in order],
        height=0.68,
        error_kw=ERROR_KW,
    )
    ends = np.nan_to_num(np.fmax(minutes["ci_high"].to_numpy(float), mean))
    spends = bool(np.nansum(np.abs(money["mean"].to_numpy(float))) > 0)
    size = min(12.0, _tick_size(len(order), ax))
    for yi, m, c, end in zip(y, mean, money["mean"].to_numpy(float), ends, strict=True):
        text = "no meetings" if math.isnan(m) else f"{m:,.0f} min"
        if spends and not math.isnan(m):
            text += f" · cost {c:,.2f}"
        ax.text(end, yi, "  " + text, va="center", fontsize=size, color="#333333")
    ax.set_yticks(y, order, fontsize=_tick_size(len(order), ax))
    ax.set_xlim(0, max(float(np.max(ends, initial=0.0)), 1.0) * (1.5 if spends else 1.3))
    ax.set_ylim(-0.6, len(order) - 0.4)
    money_note = "cost = money per meeting" if spends else "no strategy here spends money"
    ax.set_xlabel(f"rep minutes per meeting booked (bars: 95% CI); {money_note}")
    ax.set_ylabel("strategy (cheapest first)")
    value_grid(ax, "x")
    if options.compare is not None:
        a, b = options.compare
        d = difference(summary, a, b, "rep_minutes_per_meeting")
        title = difference_sentence(d, what="rep minutes", unit="per meeting", scale=1.0)
    elif not order or math.isnan(mean[0]):
        title = "No strategy booked a meeting"
    else:
        title = "Rep minutes per meeting booked, the fewest first"
    set_title(ax, title)
    return ax
