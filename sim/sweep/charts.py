"""Charts of a sweep, in the house style (``sim.viz.style``): who wins where, a metric along a
swept parameter, and the sensitivity indices.

Every plot function takes its table and ``ax=None`` (a new figure when None), draws, and returns
the Axes; its title states the finding computed from the data. ``render_sweep_charts`` writes
them all as PNG files into ``<out>/charts/``.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter, NullLocator

from sim.results.summary import MEANS, PROPORTIONS
from sim.sweep.sensitivity import index_column, rank_warning, targets
from sim.sweep.spec import Parameter
from sim.sweep.store import ALPHA
from sim.viz.palette import GREY, strategy_colour
from sim.viz.style import (
    BLUE,
    ORANGE,
    house_style,
    legend_below,
    new_axes,
    save_figure,
    set_title,
)

if TYPE_CHECKING:
    from sim.sweep.api import SweepResult

HATCH = "///"
NUMBER_BOX = {"boxstyle": "round,pad=0.2", "facecolor": "#00000055", "linewidth": 0}
NEGLIGIBLE = 0.05
"""A parameter whose total Sobol index stays below this, interval included, is negligible."""


def metric_label(metric: str) -> tuple[str, float]:
    """An axis label with its unit for a metric, and the factor its values are shown at."""
    if metric == "meeting_rate":
        return "meetings per 100 prospects", 100.0
    if metric in PROPORTIONS:
        return f"{metric.removesuffix('_rate').replace('_', ' ')} (% of prospects)", 100.0
    if metric in MEANS:
        return metric.replace("_", " "), 1.0
    return metric.replace("_", " "), 1.0


def strategy_colours(strategies: Sequence[str]) -> dict[str, str]:
    """Each strategy's colour: the same as in a run's charts (``sim.viz.palette``)."""
    return {s: strategy_colour(s) for s in strategies}


def _fmt(value: object) -> str:
    """A plain number for a tick or a title: ``400``, ``0.05``, ``1.5e+06`` only when huge."""
    if isinstance(value, float | np.floating):
        v = float(value)
        if v != 0 and (abs(v) >= 1e6 or abs(v) < 1e-4):
            return f"{v:.3g}"
        return f"{v:,.6g}" if abs(v) >= 1000 else f"{v:.4g}"
    return str(value)


PLAIN = FuncFormatter(lambda v, _: _fmt(float(v)))
"""Tick labels as plain numbers (``400``, not ``4x10^2``) on any scale."""


def plain_log(axis: Axis) -> None:
    """Plain major tick labels at 1, 2 and 5 times the powers of ten, and no minor ones, on
    a log axis (a range inside one decade would otherwise get a single labelled tick)."""
    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(PLAIN)
    axis.set_minor_formatter(NullFormatter())


def is_grid(frame: pd.DataFrame, parameters: Sequence[str]) -> bool:
    """Do the cells form a full grid (every combination of the parameters' values, once)?
    Sampled designs (Latin hypercube, Sobol, SALib's samples) do not."""
    points = frame[list(parameters)].drop_duplicates()
    combinations = int(np.prod([points[p].nunique() for p in parameters]))
    return combinations == len(points)


def _slice(
    frame: pd.DataFrame, keep: Sequence[str], parameters: Sequence[str]
) -> tuple[pd.DataFrame, dict[str, object]]:
    """Rows where every parameter not in ``keep`` is at its middle value (design order)."""
    fixed: dict[str, object] = {}
    for p in parameters:
        if p in keep:
            continue
        values = list(pd.unique(frame[p]))
        fixed[p] = values[len(values) // 2]
        frame = frame[frame[p] == fixed[p]]
    return frame, fixed


def short(label: str) -> str:
    """A label without its trailing unit in brackets, for titles."""
    return re.sub(r"\s*\([^()]*\)$", "", label) or label


def _fixed_note(fixed: dict[str, object], labels: dict[str, str]) -> str:
    return "; ".join(f"{short(labels.get(p, p))} = {_fmt(v)}" for p, v in fixed.items())


# -- who wins where ----------------------------------------------------------------------------


def winner_map(
    summary: pd.DataFrame,
    x: str,
    y: str,
    strategies: Sequence[str],
    *,
    labels: dict[str, str] | None = None,
    parameters: Sequence[str] | None = None,
    log: tuple[bool, bool] = (False, False),
    ax: Axes | None = None,
) -> Axes:
    """The best strategy by meeting rate in each cell over parameters ``x`` and ``y``; cells
    where the runner-up is statistically indistinguishable are hatched. A full grid is drawn as
    tiles (each with the best meeting rate per 100 prospects), other designs as points. Other
    swept parameters are held at their middle value on a grid; on a sampled design every cell
    is shown (``log``: log scales for x and y)."""
    labels = labels or {}
    ax = new_axes(ax, (11, 7.5))
    params = list(parameters or [x, y])
    frame, fixed = _slice(summary, [x, y], params) if is_grid(summary, params) else (summary, {})
    colours = strategy_colours(strategies)
    xs, ys = list(pd.unique(frame[x])), list(pd.unique(frame[y]))
    grid = len(xs) * len(ys) == len(frame) and not frame[[x, y]].duplicated().any()
    if grid:
        xs_sorted, ys_sorted = sorted(xs), sorted(ys)
        for row in frame.to_dict(orient="records"):
            i, j = xs_sorted.index(row[x]), ys_sorted.index(row[y])
            tied = bool(row["indistinguishable"])
            ax.add_patch(
                Rectangle((i - 0.5, j - 0.5), 1, 1, facecolor=colours[str(row["best"])],
                          edgecolor="white", linewidth=2, hatch=HATCH if tied else None,
                          alpha=0.9)
            )  # fmt: skip
            ax.text(i, j, f"{100 * float(row['best_meeting_rate']):.1f}", ha="center", va="center",
                    fontsize=12, color="white", fontweight="bold", bbox=NUMBER_BOX)  # fmt: skip
        ax.set_xlim(-0.5, len(xs_sorted) - 0.5)
        ax.set_ylim(-0.5, len(ys_sorted) - 0.5)
        ax.set_xticks(range(len(xs_sorted)), [_fmt(v) for v in xs_sorted])
        ax.set_yticks(range(len(ys_sorted)), [_fmt(v) for v in ys_sorted])
        ax.grid(False)
    else:
        for row in frame.to_dict(orient="records"):
            colour = colours[str(row["best"])]
            ax.scatter([row[x]], [row[y]], s=140, marker="s", linewidth=2.5, edgecolor=colour,
                       facecolor="white" if row["indistinguishable"] else colour)  # fmt: skip
        ax.grid(True)
        if log[0]:
            ax.set_xscale("log")
            plain_log(ax.xaxis)
        if log[1]:
            ax.set_yscale("log")
            plain_log(ax.yaxis)
    ax.set_xlabel(labels.get(x, x))
    ax.set_ylabel(labels.get(y, y))
    present = [s for s in strategies if s in set(frame["best"].astype(str))]
    handles: list[Patch | Line2D] = [Patch(facecolor=colours[s], label=s) for s in present]
    if grid:
        handles.append(
            Patch(facecolor=GREY, hatch=HATCH, label=f"top two indistinguishable (p ≥ {ALPHA:g})")
        )
        handles.append(
            Line2D([], [], linestyle="", label="number: the best's meetings per 100 prospects")
        )
    else:
        handles.append(Line2D([], [], marker="s", linestyle="", markerfacecolor="white",
                              markeredgecolor=GREY, markersize=11,
                              label=f"top two indistinguishable (p ≥ {ALPHA:g})"))  # fmt: skip
    legend_below(ax, handles, ncol=2)
    set_title(ax, _winner_finding(frame, fixed, labels))
    return ax


def _winner_finding(frame: pd.DataFrame, fixed: dict[str, object], labels: dict[str, str]) -> str:
    if frame.empty:
        return "No cells to show."
    counts = frame["best"].astype(str).value_counts()
    leader, wins = str(counts.index[0]), int(counts.iloc[0])
    tied = int(frame["indistinguishable"].sum())
    text = f"{leader} books the most meetings in {wins} of {len(frame)} cells"
    if len(counts) > 1:
        text += f"; {counts.index[1]} in {int(counts.iloc[1])}"
    text += f"; the top two are indistinguishable in {tied}"
    if fixed:
        text += f" ({_fixed_note(fixed, labels)})"
    return text


# -- a metric along a parameter ----------------------------------------------------------------


def metric_along(
    results: pd.DataFrame,
    parameter: str,
    metric: str,
    strategies: Sequence[str],
    *,
    labels: dict[str, str] | None = None,
    parameters: Sequence[str] | None = None,
    log: bool = False,
    ax: Axes | None = None,
) -> Axes:
    """``metric`` of each strategy against ``parameter``, with its 95% interval as a band (a
    light fill for up to two strategies; for more, only the band's edges, dotted, so that
    overlapping bands stay readable). On a grid, the other swept parameters are held at their
    middle value; on a sampled design (Latin hypercube, Sobol) every cell is a point with its
    interval."""
    labels = labels or {}
    ax = new_axes(ax, (11, 6.5))
    rows = results[results["metric"] == metric]
    params = list(parameters or [parameter])
    sampled = not is_grid(rows, params)
    frame, fixed = (rows, {}) if sampled else _slice(rows, [parameter], params)
    ylabel, scale = metric_label(metric)
    colours = strategy_colours(strategies)
    column = frame[parameter]
    numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    categories = list(pd.unique(column))
    for name in strategies:
        part = frame[frame["strategy"] == name]
        if numeric:
            part = part.sort_values(parameter)
            x = part[parameter].to_numpy(dtype=float)
        else:  # text or true/false: one position per value, in design order
            x = np.array([categories.index(v) for v in part[parameter]], dtype=float)
        mean = part["mean"].to_numpy(dtype=float) * scale
        low = part["ci_low"].to_numpy(dtype=float) * scale
        high = part["ci_high"].to_numpy(dtype=float) * scale
        if sampled:
            err = np.vstack([np.maximum(mean - low, 0), np.maximum(high - mean, 0)])
            ax.errorbar(x, mean, yerr=np.nan_to_num(err), fmt="o", color=colours[name],
                        label=name, alpha=0.6, markersize=5, capsize=0,
                        elinewidth=1.0)  # fmt: skip
        else:
            ax.plot(x, mean, marker="o", color=colours[name], label=name)
            if len(strategies) <= 2:
                ax.fill_between(x, low, high, color=colours[name], alpha=0.13, linewidth=0)
            else:
                ax.plot(x, low, color=colours[name], lw=1.0, ls=":")
                ax.plot(x, high, color=colours[name], lw=1.0, ls=":")
    if not numeric:
        ax.set_xticks(range(len(categories)), [_fmt(v) for v in categories])
    elif log:
        ax.set_xscale("log")
        plain_log(ax.xaxis)
        ax.xaxis.set_minor_locator(NullLocator())
        if not sampled:
            ticks = sorted(frame[parameter].unique())
            ax.set_xticks(ticks, [_fmt(v) for v in ticks])
    else:
        ax.xaxis.set_major_formatter(PLAIN)
    ax.set_xlabel(labels.get(parameter, parameter))
    ax.set_ylabel(f"{ylabel} ({'band' if not sampled else 'bars'}: 95% CI)")
    legend_below(ax, ncol=min(3, len(strategies)))
    set_title(ax, _along_finding(frame, parameter, metric, labels, fixed))
    return ax


def _along_finding(
    frame: pd.DataFrame,
    parameter: str,
    metric: str,
    labels: dict[str, str],
    fixed: dict[str, object],
) -> str:
    if frame.empty:
        return "No cells to show."
    label = short(labels.get(parameter, parameter))
    values = list(pd.unique(frame[parameter]))
    lo, hi = (min(values), max(values)) if len(values) > 1 else (values[0], values[0])
    ends = []
    for end in (lo, hi):
        at = frame[(frame[parameter] == end).to_numpy() & frame["mean"].notna().to_numpy()]
        if at.empty:
            return f"{metric.replace('_', ' ')} along {label}"
        ends.append(str(at["strategy"].iloc[int(np.argmax(at["mean"].to_numpy(dtype=float)))]))
    name = metric.replace("_", " ")
    if ends[0] == ends[1]:
        text = f"{ends[0]} has the highest {name} at both ends of {label}"
    else:
        text = f"{ends[0]} leads on {name} at {label} = {_fmt(lo)}, {ends[1]} at {_fmt(hi)}"
    if fixed:
        text += f" ({_fixed_note(fixed, labels)})"
    return text


# -- sensitivity -------------------------------------------------------------------------------


def sensitivity_bars(
    table: pd.DataFrame,
    target: str,
    method: str,
    *,
    labels: dict[str, str] | None = None,
    samples: int | None = None,
    ax: Axes | None = None,
) -> Axes:
    """The sensitivity indices of one target (a strategy or ``a - b``), one row per parameter:
    Sobol ``ST`` as bars and ``S1`` as dots, or Morris ``mu_star`` as bars and ``sigma`` as
    dots (in the metric's display units: per 100 prospects for rates), with their confidence
    intervals. With ``samples`` (the spec's base sample size), a note in the chart when the
    intervals are too wide to rank the parameters (``rank_warning``)."""
    labels = labels or {}
    rows = table[table["strategy"] == target].reset_index(drop=True)
    ax = new_axes(ax, (11, max(4.8, 0.7 * len(rows) + 3)))
    main, conf = index_column(method)
    second, second_conf = ("S1", "S1_conf") if method == "sobol" else ("sigma", None)
    order = rows.sort_values(main, ascending=True, kind="stable")
    metric = str(rows["metric"].iloc[0]) if len(rows) else ""
    scale = 1.0 if method == "sobol" else metric_label(metric)[1]
    y = np.arange(len(order))
    value = order[main].to_numpy(dtype=float) * scale
    half = np.nan_to_num(order[conf].to_numpy(dtype=float)) * scale
    ax.barh(y - 0.14, value, xerr=half, color=BLUE, alpha=0.85, height=0.42,
            label=f"{main} (total)" if method == "sobol" else main,
            error_kw={"ecolor": "#333333", "capsize": 4, "elinewidth": 1.5})  # fmt: skip
    dots = order[second].to_numpy(dtype=float) * scale
    dots_err = (
        None if second_conf is None else np.nan_to_num(order[second_conf].to_numpy(float)) * scale
    )
    ax.errorbar(dots, y + 0.24, xerr=dots_err, fmt="D", color=ORANGE, markersize=8,
                label=f"{second} (first order)" if method == "sobol" else second, capsize=3,
                elinewidth=1.5)  # fmt: skip
    ax.set_yticks(y, [labels.get(p, p) for p in order["parameter"]])
    ax.axvline(0, color="#555555", linewidth=1)
    ax.grid(False)
    ax.grid(True, axis="x")
    ax.xaxis.set_major_formatter(PLAIN)
    if method == "sobol":
        ax.set_xlabel("sensitivity index (share of the variance; bars: 95% CI)")
    else:
        ax.set_xlabel(
            f"mean absolute effect across the range, in {metric_label(metric)[0]} (95% CI)"
        )
    legend_below(ax, ncol=2)
    warning = None if samples is None else rank_warning(table, method, target, samples)
    if warning is not None:
        ax.text(0.99, 0.02, "\n".join(_wrap(warning.removeprefix("warning: "), 60)),
                transform=ax.transAxes, ha="right", va="bottom", fontsize=11, color="#A50026",
                bbox={"boxstyle": "round,pad=0.4", "fc": "#FFF4F0", "ec": "#A50026"})  # fmt: skip
        set_title(ax, f"{target}: the intervals are too wide to rank the parameters")
        return ax
    set_title(ax, _sensitivity_finding(rows, target, method, labels))
    return ax


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width)


def _sensitivity_finding(
    rows: pd.DataFrame, target: str, method: str, labels: dict[str, str]
) -> str:
    main, conf = index_column(method)
    if rows.empty or rows[main].isna().all():
        return f"No sensitivity indices for {target}"
    top = rows.iloc[int(np.nanargmax(rows[main].to_numpy(dtype=float)))]
    name = short(labels.get(str(top["parameter"]), str(top["parameter"])))
    negligible = (
        rows[(rows[main] + rows[conf].fillna(np.inf)) < NEGLIGIBLE]
        if method == "sobol"
        else rows.iloc[:0]
    )
    text = f"{target}: {name} matters most ({main} {float(top[main]):.2f} ± {float(top[conf]):.2f})"
    if len(negligible):
        names = ", ".join(short(labels.get(str(p), str(p))) for p in negligible["parameter"])
        text += f"; negligible (ST + interval < {NEGLIGIBLE:g}): {names}"
    return text


# -- files -------------------------------------------------------------------------------------


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()


def render_sweep_charts(result: SweepResult, design_kind: str) -> list[Path]:
    """Every chart of a finished sweep as ``<out>/charts/<name>.png``: ``winner_map`` (two or
    more parameters), ``<metric>_by_<parameter>`` for each parameter (at most four) and, for a
    sensitivity analysis, ``sensitivity_<target>`` for each strategy and the difference."""
    spec = result.spec
    folder = result.out / "charts"
    labels = {p.name: p.label or p.path for p in spec.parameters}
    params = [p.name for p in spec.parameters]
    plan: dict[str, tuple[tuple[float, float], Callable[[Axes], Axes]]] = {}

    def winners(ax: Axes) -> Axes:
        logs = (spec.parameters[0].log, spec.parameters[1].log)
        return winner_map(result.summary, params[0], params[1], spec.strategies, labels=labels,
                          parameters=params, log=logs, ax=ax)  # fmt: skip

    def along(p: Parameter) -> Callable[[Axes], Axes]:
        def draw(ax: Axes) -> Axes:
            return metric_along(result.results, p.name, spec.metric, spec.strategies,
                                labels=labels, parameters=params, log=p.log, ax=ax)  # fmt: skip

        return draw

    def indices(table: pd.DataFrame, target: str) -> Callable[[Axes], Axes]:
        method, samples = spec.sensitivity.method, spec.sensitivity.samples
        return lambda ax: sensitivity_bars(
            table, target, method, labels=labels, samples=samples, ax=ax
        )

    if len(params) >= 2:
        plan["winner_map"] = ((11, 8), winners)
    for p in spec.parameters[:4]:
        plan[f"{slug(spec.metric)}_by_{slug(p.name)}"] = ((11, 7), along(p))
    if result.sensitivity is not None:
        height = max(5.5, 0.8 * len(params) + 3.5)
        for target in targets(spec):
            plan[f"sensitivity_{slug(target)}"] = (
                (11, height),
                indices(result.sensitivity, target),
            )
    written = []
    with house_style():
        for name, (size, draw) in plan.items():
            fig = Figure(figsize=size, layout="constrained")
            draw(fig.add_subplot())
            written.append(save_figure(fig, folder / f"{name}.png"))
    return written


__all__ = [
    "metric_along",
    "metric_label",
    "render_sweep_charts",
    "sensitivity_bars",
    "slug",
    "strategy_colours",
    "winner_map",
]
