"""The search's charts:

- ``charts/front.png``: every trial at the cheapest size, the goal against the rep's minutes
  per prospect (hollow grey: over a cap), the front of the trials meeting the constraints
  (no other trial books more for fewer minutes), the library strategies at the same size and
  the pick;
- ``charts/timeline.png``: the pick drawn as a timeline of touches for a prospect who never
  answers (business days across, one row per channel; a voicemail, value and a break-up
  marked), over the scenario's horizon;
- ``charts/progress.png``: the goal of each trial in the order run, the best so far among
  those meeting the constraints, and the best library strategy, at the cheapest size.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.optimize.objective import GOAL_METRIC, LABELS, PERCENT, Measured
from sim.optimize.result import Optimization
from sim.optimize.space import silent_schedule
from sim.strategy.base import Opt
from sim.viz.palette import GREY
from sim.viz.style import BLACK, BLUE, ORANGE, VERMILLION, house_style, save_figure

CHARTS = ("front", "timeline", "progress")


def _scale(metric: str) -> float:
    return 100.0 if metric in PERCENT else 1.0


def _goal(m: Measured, metric: str) -> float:
    return _scale(metric) * m.values[metric]


def front_chart(opt: Optimization, front: pd.DataFrame) -> Figure:
    metric = GOAL_METRIC[opt.problem.goal]
    constraints = opt.problem.constraints
    fig = Figure(figsize=(9, 6), layout="constrained")
    ax = fig.subplots()
    cheap = opt.sizes[0]
    ok = [r.cheap for r in opt.trials if constraints.met(r.cheap)]
    over = [r.cheap for r in opt.trials if not constraints.met(r.cheap)]
    x_of = "rep_minutes_per_prospect"
    if over:
        ax.scatter([m.values[x_of] for m in over], [_goal(m, metric) for m in over], s=18,
                   facecolors="none", edgecolors=GREY, label="trial over a cap")  # fmt: skip
    if ok:
        ax.scatter([m.values[x_of] for m in ok], [_goal(m, metric) for m in ok], s=18,
                   color=BLUE, alpha=0.6, label="trial meeting the constraints")  # fmt: skip
    if len(front):
        two = front.sort_values("rep_minutes_per_prospect")
        best = np.maximum.accumulate(two["goal"].to_numpy(dtype=float)) * _scale(metric)
        ax.step(two["rep_minutes_per_prospect"], best, where="post", color=BLUE, lw=1.5,
                label="front (most for the minutes)")  # fmt: skip
    shown = [n for n, _ in opt.library_ranked[:5]]
    for i, (name, by_size) in enumerate(opt.library.items()):
        m = by_size[cheap]
        label = None if i else "library strategy"
        ax.scatter([m.values[x_of]], [_goal(m, metric)], marker="x", s=36, color=BLACK,
                   label=label)  # fmt: skip
        if name in shown:
            ax.annotate(name, (m.values[x_of], _goal(m, metric)), xytext=(4, 4),
                        textcoords="offset points", fontsize=8)  # fmt: skip
    if opt.pick is not None:
        m = opt.pick.record.cheap
        ax.scatter([m.values[x_of]], [_goal(m, metric)], marker="*", s=260, color=ORANGE,
                   edgecolors=BLACK, zorder=5, label="the pick")  # fmt: skip
    cap = constraints.max_rep_minutes
    if cap is not None:
        ax.axvline(cap, color=VERMILLION, ls="--", lw=1, label="rep minutes cap")
    ax.set_xlabel("rep minutes per prospect")
    ax.set_ylabel(LABELS[metric])
    ax.set_title(f"{LABELS[metric].capitalize()} against rep minutes, {len(opt.trials)} trials "
                 f"at {cheap:,} prospects", loc="left", fontsize=11)  # fmt: skip
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    return fig


CHANNEL_ORDER = ("call_desk", "call_cell", "email", "text", "social", "letter", "fedex",
                 "fax", "gift", "page", "referral", "escalation")  # fmt: skip


def timeline_chart(opt: Optimization) -> Figure:
    assert opt.pick is not None
    horizon = opt.problem.scenario.calendar.horizon_days
    touches = silent_schedule(opt.pick.record.spec, horizon)
    used = [c for c in CHANNEL_ORDER if any(t.channel == c for t in touches)]
    used += sorted({t.channel for t in touches} - set(used))
    fig = Figure(figsize=(10, 1.2 + 0.6 * max(1, len(used))), layout="constrained")
    ax = fig.subplots()
    row = {c: i for i, c in enumerate(used)}
    for t in touches:
        y = row[t.channel]
        colour = BLUE
        if t.flags & Opt.breakup:
            colour = VERMILLION
        elif t.template == "nurture":
            colour = ORANGE
        filled = bool(t.flags & Opt.value)
        ax.scatter([t.day], [y], s=70, color=colour if filled else "white", edgecolors=colour,
                   linewidths=1.5, zorder=3)  # fmt: skip
        mark = "vm" if t.flags & Opt.leave_voicemail else ""
        ax.annotate(f"{t.time}{' ' + mark if mark else ''}", (t.day, y), xytext=(0, 8),
                    textcoords="offset points", ha="center", fontsize=7)  # fmt: skip
    ax.set_yticks(range(len(used)), used)
    ax.set_ylim(-0.7, len(used) - 0.3)
    ax.set_xlim(-1, horizon)
    ax.set_xlabel("business day (day 0: the prospect reaches the rep)")
    ax.grid(axis="x", color=GREY, alpha=0.3)
    ax.set_title(f"The pick for a prospect who never answers: {len(touches)} touches in "
                 f"{horizon} business days\nfilled: carries value; red: the break-up; orange: "
                 "nurture; vm: a voicemail left", loc="left", fontsize=10)  # fmt: skip
    return fig


def progress_chart(opt: Optimization) -> Figure:
    metric = GOAL_METRIC[opt.problem.goal]
    constraints = opt.problem.constraints
    fig = Figure(figsize=(9, 5), layout="constrained")
    ax: Axes = fig.subplots()
    numbers = np.array([r.number for r in opt.trials])
    values = np.array([_goal(r.cheap, metric) for r in opt.trials])
    ok = np.array([constraints.met(r.cheap) for r in opt.trials], dtype=bool)
    ax.scatter(numbers[~ok], values[~ok], s=14, facecolors="none", edgecolors=GREY,
               label="trial over a cap")  # fmt: skip
    ax.scatter(numbers[ok], values[ok], s=14, color=BLUE, alpha=0.5,
               label="trial meeting the constraints")  # fmt: skip
    best = np.maximum.accumulate(np.where(ok, values, -np.inf))
    seen = np.isfinite(best)
    ax.step(numbers[seen], best[seen], where="post", color=BLUE, lw=2, label="best so far")
    cheap = opt.sizes[0]
    feasible = [(n, by[cheap]) for n, by in opt.library.items() if constraints.met(by[cheap])]
    if feasible:
        name, m = max(feasible, key=lambda x: x[1].values[metric])
        ax.axhline(_goal(m, metric), color=BLACK, ls="--", lw=1,
                   label=f"best library strategy ({name})")  # fmt: skip
    ax.set_xlabel("trial")
    ax.set_ylabel(LABELS[metric])
    ax.set_title(f"The search, trial by trial, at {cheap:,} prospects", loc="left", fontsize=11)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    return fig


def draw_charts(opt: Optimization, front: pd.DataFrame, out: Path) -> list[Path]:
    folder = out / "charts"
    with house_style():
        files = [save_figure(front_chart(opt, front), folder / "front.png")]
        if opt.pick is not None:
            files.append(save_figure(timeline_chart(opt), folder / "timeline.png"))
        files.append(save_figure(progress_chart(opt), folder / "progress.png"))
    return files


__all__ = ["CHARTS", "draw_charts", "front_chart", "progress_chart", "timeline_chart"]
