"""What the N-th touch adds: meetings booked by each touch, per 100 prospects, from the
funnel (``sim.results.funnel``), with 95% intervals for the highlighted strategies."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from sim.results.funnel import ALL
from sim.viz.curves import DODGE, draw_curves
from sim.viz.options import ChartOptions
from sim.viz.palette import GREY
from sim.viz.style import colours_for, new_axes, set_title


def touch_value_curves(table: pd.DataFrame, max_attempt: int = 12) -> pd.DataFrame:
    """Meetings booked by the N-th touch per 100 prospects: attempts 1 to ``max_attempt``
    (rows) by strategy (columns, in the table's order); NaN where a strategy made no N-th
    touch."""
    rows = table[(table["channel"] == ALL).to_numpy() & (table["attempt"] >= 1).to_numpy()]
    names = list(dict.fromkeys(table["strategy"].astype(str)))
    wide = rows.pivot(index="attempt", columns="strategy", values="meetings_per_100")
    index = pd.Index(np.arange(1, max_attempt + 1), name="attempt")
    return wide.reindex(index=index, columns=names).astype(float)


def touch_value(
    table: pd.DataFrame,
    ax: Axes | None = None,
    *,
    options: ChartOptions | None = None,
    ranked: Sequence[str] | None = None,
    max_attempt: int = 12,
) -> Axes:
    """Meetings booked by the N-th touch per 100 prospects, one line per strategy (``table``:
    ``funnel.csv``). Meetings of prospects who called in are booked by no touch and are left
    out (the funnel lists them as ``inbound``)."""
    options = options or ChartOptions()
    curves = touch_value_curves(table, max_attempt)
    curves = curves[options.shown([str(c) for c in curves.columns])]
    order = list(ranked) if ranked is not None else list(curves.columns)
    colours = colours_for(list(curves.columns), order, options)
    ax = new_axes(ax, (12, 6.5))
    draw_curves(ax, curves, 1.0, step=False, markers=True, colours=colours, legend_order=order)
    bright = [s for s in curves.columns if colours[s] != GREY]
    rows = table[(table["channel"] == ALL).to_numpy()].set_index(["strategy", "attempt"])
    for k, name in enumerate(bright):
        dodge = DODGE * (k - (len(bright) - 1) / 2)
        x = curves.index.to_numpy()[curves[name].notna().to_numpy()]
        if not len(x):
            continue
        part = rows.loc[[(name, int(a)) for a in x]]
        mean = part["meetings_per_100"].to_numpy(float)
        err = np.vstack(
            [
                np.maximum(mean - part["meetings_per_100_low"].to_numpy(float), 0),
                np.maximum(part["meetings_per_100_high"].to_numpy(float) - mean, 0),
            ]
        )
        ax.errorbar(x + dodge, mean, yerr=err, fmt="none", ecolor=colours[name], elinewidth=1.2,
                    capsize=3, alpha=0.8, zorder=1)  # fmt: skip
    ax.set_xticks(curves.index.to_numpy())
    ax.set_xlim(0.7, max_attempt + 0.3)
    top = float(np.nanmax(table.loc[table["channel"] == ALL, "meetings_per_100_high"], initial=0.0))
    ax.set_ylim(0, max(top * 1.1, 0.5))
    ax.set_xlabel("touch N (the N-th touch to a prospect)")
    ax.set_ylabel("meetings booked by touch N, per 100 prospects")
    set_title(ax, _title(table, options, max_attempt))
    return ax


def _title(table: pd.DataFrame, options: ChartOptions, max_attempt: int) -> str:
    if options.compare is None:
        return (
            "Meetings booked by the N-th touch, per 100 prospects (95% CI; prospects who "
            "called in are not counted)"
        )
    parts = []
    for name in options.compare:
        rows = table[
            (table["strategy"] == name).to_numpy()
            & (table["channel"] == ALL).to_numpy()
            & (table["attempt"] >= 2).to_numpy()
        ]
        if not len(rows):
            parts.append(f"{name} makes no second touch")
            continue
        meetings = float(rows["meetings_per_100"].sum())
        minutes = float(rows["rep_minutes_per_prospect"].sum())
        last = int(rows["attempt"].max())
        parts.append(
            f"{name}'s touches 2 to {last} book {meetings:.1f} meetings per 100 prospects "
            f"for {minutes:.0f} rep minutes per prospect"
        )
    return "; ".join(parts)


__all__ = ["touch_value", "touch_value_curves"]
