"""Curves over attempts and days: the "fifth call" curve (share of prospects first reached
by the N-th attempt) and meetings booked day by day.

Every line keeps its strategy's colour and marker (``sim.viz.palette``); strategies that are
not highlighted are thin grey lines. A strategy that stops touching (one-and-done) ends where
it stops instead of running flat to the last attempt. Curves that are identical are drawn
dashed over each other, so both colours show, and the legend says which equals which.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from sim.results.aggregate import StrategyStats
from sim.viz.options import ChartOptions
from sim.viz.palette import GREY, strategy_marker
from sim.viz.style import colours_for, new_axes, set_title

DODGE = 0.16
"""Sideways shift between highlighted lines on an attempt axis (in attempts)."""


def groups(prospects: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The outcome table split by strategy, in order of first appearance."""
    names = prospects["strategy"].astype(str)
    return [(str(s), rows) for s, rows in prospects.groupby(names, sort=False, observed=True)]


def reach_curve(prospects: pd.DataFrame, max_attempt: int = 12) -> pd.DataFrame:
    """Share of prospects (0 to 1) whose first two-way contact came by attempt N, for N = 1 to
    ``max_attempt`` (rows) and each strategy (columns). Contacts before the first touch (an
    inbound call, attempt 0) count from N = 1; prospects never reached never count. NaN past
    the strategy's last attempt (the most touches any of its prospects got): it stopped."""
    attempts = np.arange(1, max_attempt + 1)
    curves = {}
    for name, rows in groups(prospects):
        first = rows["first_contact_attempt"].to_numpy(float)
        reached = np.sort(first[~np.isnan(first)])
        counts = np.searchsorted(reached, attempts, side="right") / max(len(rows), 1)
        last = max(int(np.nan_to_num(rows["touches"].to_numpy(float)).max(initial=0)), 1)
        curves[name] = np.where(attempts <= last, counts, np.nan)
    return pd.DataFrame(curves, index=pd.Index(attempts, name="attempt"))


def last_attempt(st: StrategyStats) -> int | None:
    """The highest attempt any prospect got, from the touch counts (None without them)."""
    if not st.has_touches or not len(st.touch_counts):
        return None
    sent = st.touch_counts[..., 0].sum(axis=1)
    hit = np.flatnonzero(sent)
    return int(hit[-1]) if len(hit) else 0


def reach_curve_from_stats(
    by_strategy: Mapping[str, StrategyStats], max_attempt: int = 12
) -> pd.DataFrame:
    """``reach_curve`` from per-strategy sufficient statistics (their histograms of the
    attempt of first contact, and the touch counts for where a strategy stops), so that a
    streamed run, which keeps no outcome table, draws the same curve."""
    attempts = np.arange(1, max_attempt + 1)
    curves = {}
    for name, st in by_strategy.items():
        cum = np.cumsum(np.r_[st.first_contact, 0])
        counts = cum[np.minimum(attempts, len(cum) - 1)] / max(st.n, 1)
        last = last_attempt(st)
        if last is not None:
            counts = np.where(attempts <= max(last, 1), counts, np.nan)
        curves[name] = counts
    return pd.DataFrame(curves, index=pd.Index(attempts, name="attempt"))


def meeting_curve(
    prospects: pd.DataFrame | Mapping[str, StrategyStats], horizon: int
) -> pd.DataFrame:
    """Cumulative meetings per 100 prospects at the end of each business day ``0 .. horizon-1``
    (rows), per strategy (columns), from the outcome table or per-strategy statistics."""
    days = np.arange(horizon)
    curves = {}
    if not isinstance(prospects, pd.DataFrame):
        for name, st in prospects.items():
            booked = np.zeros(horizon)
            upto = min(horizon, len(st.meeting_days))
            booked[:upto] = st.meeting_days[:upto]
            curves[name] = 100 * np.cumsum(booked) / max(st.n, 1)
        return pd.DataFrame(curves, index=pd.Index(days, name="day"))
    for name, rows in groups(prospects):
        booked = rows["meeting_day"].to_numpy(float)
        booked = np.sort(booked[~np.isnan(booked)])
        curves[name] = 100 * np.searchsorted(booked, days, side="right") / max(len(rows), 1)
    return pd.DataFrame(curves, index=pd.Index(days, name="day"))


def identical_groups(curves: pd.DataFrame, names: Sequence[str]) -> list[list[str]]:
    """Groups of two or more of ``names`` whose curves are equal everywhere (NaN included)."""
    out: list[list[str]] = []
    seen: set[str] = set()
    for i, a in enumerate(names):
        if a in seen:
            continue
        group = [a]
        ya = curves[a].to_numpy(float)
        for b in names[i + 1 :]:
            if b not in seen and np.array_equal(ya, curves[b].to_numpy(float), equal_nan=True):
                group.append(b)
        if len(group) > 1:
            seen.update(group)
            out.append(group)
    return out


def draw_curves(
    ax: Axes,
    curves: pd.DataFrame,
    scale: float,
    *,
    step: bool,
    markers: bool,
    colours: Mapping[str, str],
    legend_order: Sequence[str] | None = None,
    dodge: float = 0.0,
) -> list[list[str]]:
    """One line per strategy (columns of ``curves``) in ``colours``: highlighted ones (not
    grey) with their marker, named in the legend in ``legend_order`` (default: by final
    value); the others thin and grey under one legend entry. Identical highlighted curves
    are dashed over each other and the legend says so; returns those groups. Highlighted
    lines are drawn widest first and narrower on top, so a stretch where two coincide shows
    both colours; ``dodge`` shifts each highlighted line sideways by that much (in x units,
    centred), so markers at the same point sit side by side."""
    x = curves.index.to_numpy()
    style = "steps-post" if step else "default"
    names = [str(c) for c in curves.columns]
    bright = [s for s in names if colours.get(s, GREY) != GREY]
    same = identical_groups(curves, bright)
    position = {s: (k, len(g)) for g in same for k, s in enumerate(g)}
    grey: Line2D | None = None
    lines: dict[str, Line2D] = {}
    rank = {s: i for i, s in enumerate(bright)}
    for name in names:
        y = curves[name].to_numpy(float) * scale
        if name not in bright:
            (grey,) = ax.plot(x, y, color=GREY, lw=1.2, drawstyle=style, zorder=1)
            continue
        k, m = position.get(name, (0, 1))
        dash = "-" if k == 0 else (4.0 * k, (4.0, 4.0 * (m - 1)))
        i, n = rank[name], len(bright)
        width = 2.5 + 2.0 * (n - 1 - i) / max(n - 1, 1) if k == 0 else 2.5
        shift = dodge * (i - (n - 1) / 2)
        (lines[name],) = ax.plot(
            x + shift,
            y,
            color=colours[name],
            drawstyle=style,
            ls=dash,
            lw=width,
            marker=strategy_marker(name) if markers else "",
            ms=8 if k == 0 else 6,
            zorder=2 + i / n + k,
        )
    final = {s: _last_value(curves[s]) for s in lines}
    order = sorted(lines, key=lambda s: -final[s])
    if legend_order is not None:
        order = [s for s in legend_order if s in lines]
    twin = {s: g[0] for g in same for s in g[1:]}
    labels = [f"{s} (= {twin[s]})" if s in twin else s for s in order]
    handles: list[Artist] = [lines[s] for s in order]
    if grey is not None:
        handles.append(grey)
        others = len(names) - len(bright)
        labels.append(f"{others} other {'strategy' if others == 1 else 'strategies'}")
    ax.legend(handles, labels, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return same


def _last_value(curve: pd.Series) -> float:
    values = curve.dropna()
    return float(values.iloc[-1]) if len(values) else 0.0


def _mark_stops(ax: Axes, curves: pd.DataFrame, colours: Mapping[str, str], scale: float) -> None:
    """A note at the end of each highlighted curve that stops before the last attempt."""
    last_x = curves.index[-1]
    for name in curves.columns.astype(str):
        if colours.get(name, GREY) == GREY:
            continue
        values = curves[name].dropna()
        if not len(values) or values.index[-1] == last_x:
            continue
        at = values.index[-1]
        n = int(at)
        ax.annotate(
            f"stops after {n} attempt{'s' if n != 1 else ''}",
            (at, float(values.iloc[-1]) * scale),
            xytext=(10, -4),
            textcoords="offset points",
            va="top",
            fontsize=11,
            color=colours[name],
        )


def reached_by_attempt(
    data: pd.DataFrame | Mapping[str, StrategyStats],
    max_attempt: int = 12,
    ax: Axes | None = None,
    *,
    options: ChartOptions | None = None,
    ranked: Sequence[str] | None = None,
) -> Axes:
    """The "fifth call" curve: share of prospects first reached (two-way) by attempt N, from
    the outcome table or from per-strategy statistics (a streamed run's ``result.stats``).
    ``ranked``: the strategies by meetings, best first (which to colour when there are many;
    default: by final reach)."""
    options = options or ChartOptions()
    if isinstance(data, pd.DataFrame):
        curves = reach_curve(data, max_attempt)
    else:
        curves = reach_curve_from_stats(data, max_attempt)
    curves = curves[options.shown([str(c) for c in curves.columns])]
    order = list(ranked) if ranked is not None else _by_final(curves)
    colours = colours_for(list(curves.columns), order, options)
    ax = new_axes(ax, (12, 6.5))
    draw_curves(ax, curves, 100, step=False, markers=True, colours=colours, dodge=DODGE)
    _mark_stops(ax, curves, colours, 100)
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
    top = float(np.nanmax(curves.to_numpy(float), initial=0.0))
    ax.set_ylim(0, min(100, max(top * 100 * 1.12, 5.0)))
    ax.set_xlabel("attempt N (touches made so far)")
    ax.set_ylabel("prospects reached by attempt N (%)")
    set_title(ax, _reach_title(curves, options, max_attempt))
    return ax


def _by_final(curves: pd.DataFrame) -> list[str]:
    final = {str(s): _last_value(curves[s]) for s in curves.columns}
    return sorted(final, key=lambda s: -final[s])


def _at(curve: pd.Series, n: int) -> tuple[float, int]:
    """The curve's value at attempt ``n``, or at its last attempt when it stops before."""
    values = curve.dropna()
    values = values[values.index <= n]
    if not len(values):
        return 0.0, 0
    return float(values.iloc[-1]) * 100, int(values.index[-1])


def _reach_title(curves: pd.DataFrame, options: ChartOptions, max_attempt: int) -> str:
    if options.compare is None:
        return "Prospects reached (a conversation or a reply) by the N-th attempt"
    n = min(5, max_attempt)
    parts = []
    for name in options.compare:
        value, at = _at(curves[name], n)
        stop = "" if at >= n else f" (it stops after {at})"
        parts.append(f"{name} {value:.0f}%{stop}")
    return f"Reached by attempt {n}: " + "; ".join(parts)


def cumulative_meetings(
    prospects: pd.DataFrame | Mapping[str, StrategyStats],
    horizon: int,
    ax: Axes | None = None,
    *,
    options: ChartOptions | None = None,
    ranked: Sequence[str] | None = None,
) -> Axes:
    """Meetings booked per 100 prospects, cumulative over business days (from the outcome
    table or per-strategy statistics)."""
    options = options or ChartOptions()
    curves = meeting_curve(prospects, horizon)
    curves = curves[options.shown([str(c) for c in curves.columns])]
    order = list(ranked) if ranked is not None else _by_final(curves)
    colours = colours_for(list(curves.columns), order, options)
    ax = new_axes(ax, (12, 6.5))
    draw_curves(ax, curves, 1.0, step=True, markers=False, colours=colours)
    ax.set_xlim(0, max(horizon - 1, 1))
    ax.set_ylim(0, max(float(np.nanmax(curves.to_numpy(float), initial=0.0)) * 1.12, 1.0))
    ax.set_xlabel("business day")
    ax.set_ylabel("meetings per 100 prospects (cumulative)")
    if options.compare is not None:
        parts = [f"{s} {_last_value(curves[s]):.1f}" for s in options.compare]
        title = f"Meetings per 100 prospects by day {horizon}: " + " vs ".join(parts)
    else:
        title = f"Meetings booked per 100 prospects over {horizon} business days"
    set_title(ax, title)
    return ax
