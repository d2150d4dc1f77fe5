"""The calibration's charts: observed against simulated values, and each parameter's marginal.

- ``charts/fit.png``: one row per target, on its own scale: the observed value with its 95%
  interval, the simulated value at the calibrated parameters, and the 90% interval of the
  simulated value over the posterior sample;
- ``charts/marginals.png``: one panel per free parameter over its prior's range (a log axis
  for a log-uniform prior): the posterior's histogram, its 90% interval and median, and the
  point fit.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from sim.calibrate.result import Calibration
from sim.viz.palette import GREY
from sim.viz.style import BLUE, ORANGE, VERMILLION, house_style, save_figure

CHARTS = ("fit", "marginals")


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict(orient="records")]


def fit_chart(fit: pd.DataFrame) -> Figure:
    n = len(fit)
    fig = Figure(figsize=(10, 1.1 * n + 1.2), layout="constrained")
    axes = fig.subplots(n, 1, squeeze=False)[:, 0]
    for ax, row in zip(axes, records(fit), strict=True):
        obs, se = float(row["observed"]), float(row["observed_se"])
        bound = str(row.get("bound") or "")
        if bound in ("at_most", "at_least"):
            arrow = "<" if bound == "at_most" else ">"
            ax.plot([obs], [1], marker=arrow, color=BLUE, linestyle="none",
                    label="bound (the fact's side)")  # fmt: skip
            ax.axvline(obs, color=BLUE, linestyle="--", linewidth=1)
        else:
            ax.errorbar([obs], [1], xerr=[[1.96 * se], [1.96 * se]], fmt="o", color=BLUE,
                        capsize=4, label="observed (95%)")  # fmt: skip
        sim = float(row["simulated"])
        low, high = float(row["sim_ci_low"]), float(row["sim_ci_high"])
        if math.isfinite(low):
            spread = [[max(sim - low, 0)], [max(high - sim, 0)]]
            ax.errorbar([sim], [0], xerr=spread, fmt="s", color=ORANGE, capsize=4,
                        label="simulated (90% over the posterior)")  # fmt: skip
        elif math.isfinite(sim):
            ax.plot([sim], [0], "s", color=ORANGE, label="simulated")
        colour = VERMILLION if row["note"] else "black"
        fact = f", {bound.replace('_', ' ')} {obs:g}" if bound else ""
        ax.set_title(f"{row['target']} ({row['strategy']}{fact}): z = {row['z']:+.1f}",
                     fontsize=10, loc="left", color=colour)  # fmt: skip
        ax.set_yticks([0, 1], ["simulated", "observed"])
        ax.set_ylim(-0.7, 1.7)
        ax.grid(axis="x", color=GREY, alpha=0.4)
    axes[0].legend(loc="upper right", fontsize=8, frameon=False)
    fig.suptitle("Observed against simulated, target by target", fontsize=12)
    return fig


def marginals_chart(cal: Calibration, params: pd.DataFrame) -> Figure:
    dims = cal.problem.space.dims
    cols = min(3, len(dims))
    rows = math.ceil(len(dims) / cols)
    fig = Figure(figsize=(4.2 * cols, 3.2 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, d, p in zip(axes, dims, records(params), strict=False):
        x = cal.posterior[d.path].to_numpy(dtype=float)
        bins = np.geomspace(d.low, d.high, 31) if d.log else np.linspace(d.low, d.high, 31)
        ax.hist(x, bins=bins, color=BLUE, alpha=0.75)
        ax.axvspan(float(p["ci_low"]), float(p["ci_high"]), color=BLUE, alpha=0.12, label="90%")
        ax.axvline(float(p["median"]), color="black", lw=1.5, label="median")
        ax.axvline(float(p["point_fit"]), color=ORANGE, lw=1.2, ls="--", label="point fit")
        if d.log:
            ax.set_xscale("log")
            ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlim(d.low, d.high)
        ax.set_title(d.path, fontsize=9, loc="left")
        ax.set_yticks([])
    for ax in axes[len(dims) :]:
        ax.set_visible(False)
    axes[0].legend(fontsize=8, frameon=False)
    fig.suptitle("Posterior of each free parameter, over its prior's range", fontsize=12)
    return fig


def draw_charts(cal: Calibration, fit: pd.DataFrame, params: pd.DataFrame, out: Path) -> list[Path]:
    folder = out / "charts"
    with house_style():
        return [
            save_figure(fit_chart(fit), folder / "fit.png"),
            save_figure(marginals_chart(cal, params), folder / "marginals.png"),
        ]


__all__ = ["CHARTS", "draw_charts", "fit_chart", "marginals_chart"]
