"""Curves over attempts and days: the "fifth call" curve (share of prospects first reached
by the N-th attempt) and meetings booked day by day.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from sim.results.aggregate import StrategyStats
from sim.viz.style import GREY, LINE_COLOURS, new_axes, set_title


def groups(prospects: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The outcome table split by strategy, in order of first appearance."""
    names = prospects["strategy"].astype(str)
    return [(str(s), rows) for s, rows in prospects.groupby(names, sort=False, observed=True)]


def reach_curve(prospects: pd.DataFrame, max_attempt: int = 12) -> pd.DataFrame:
    """Share of prospects (0 to 1) whose first two-way contact came by attempt N, for N = 1 to
    ``max_attempt`` (rows) and each strategy (columns). Contacts before the first touch (an
    inbound call, attempt 0) count from N = 1; prospects never reached never count."""
    attempts = np.arange(1, max_attempt + 1)
    curves = {}
    for name, rows in groups(prospects):
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
    for name, rows in groups(prospects):
        booked = rows["meeting_day"].to_numpy(float)
        booked = np.sort(booked[~np.isnan(booked)])
        curves[name] = 100 * np.searchsorted(booked, days, side="right") / max(len(rows), 1)
    return pd.DataFrame(curves, index=pd.Index(days, name="day"))


def highlights(final: pd.Series) -> dict[str, str | None]:
    """Colours (``LINE_COLOURS``, by rank) for the strategies with the highest final value,
    None (grey) for the rest."""
    order = final.sort_values(ascending=False, kind="stable").index.astype(str)
    n = len(LINE_COLOURS)
    return {s: (LINE_COLOURS[i] if i < n else None) for i, s in enumerate(order)}


def draw_curves(ax: Axes, curves: pd.DataFrame, scale: float, *, step: bool, markers: bool) -> None:
    """One line per strategy: the leaders (highest final value) in colour and named in the
    legend, in rank order; the others as thin grey lines under one legend entry."""
    colours = highlights(curves.iloc[-1])
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


def reached_by_attempt(
    data: pd.DataFrame | Mapping[str, StrategyStats], max_attempt: int = 12, ax: Axes | None = None
) -> Axes:
    """The "fifth call" curve: share of prospects first reached (two-way) by attempt N, from
    the outcome table or from per-strategy statistics (a streamed run's ``result.stats``)."""
    if isinstance(data, pd.DataFrame):
        curves = reach_curve(data, max_attempt)
    else:
        curves = reach_curve_from_stats(data, max_attempt)
    ax = new_axes(ax, (12, 6.5))
    draw_curves(ax, curves, 100, step=False, markers=True)
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
    set_title(
        ax,
        f"{top} reaches the most prospects: {at.iloc[-1]:.0f}% by attempt {max_attempt}"
        f" ({at.loc[1]:.0f}% at the first{by5})",
    )
    return ax


def cumulative_meetings(prospects: pd.DataFrame, horizon: int, ax: Axes | None = None) -> Axes:
    """Meetings booked per 100 prospects, cumulative over business days."""
    curves = meeting_curve(prospects, horizon)
    ax = new_axes(ax, (12, 6.5))
    draw_curves(ax, curves, 1.0, step=True, markers=False)
    ax.set_xlim(0, max(horizon - 1, 1))
    ax.set_ylim(0, max(float(curves.to_numpy().max()) * 1.12, 1.0))
    ax.set_xlabel("business day")
    ax.set_ylabel("meetings per 100 prospects (cumulative)")
    final = curves.iloc[-1]
    top = str(final.idxmax())
    if final[top] <= 0:
        set_title(ax, f"No meetings booked in {horizon} business days")
        return ax
    half = int(np.argmax(curves[top].to_numpy(float) >= final[top] / 2))
    set_title(
        ax,
        f"{top} books {final[top]:.1f} meetings per 100 prospects in {horizon} business"
        f" days, half of them by day {half}",
    )
    return ax
