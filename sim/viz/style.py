"""The house style: colours, the style sheet, and the small helpers every chart shares
(axes, titles that fit, legends below, value grids, error bars), and saving a figure.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import matplotlib.style
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import offset_copy

from sim.io.atomic import write_atomic
from sim.viz.options import ChartOptions
from sim.viz.palette import GREY, strategy_colour

STYLE_FILE = "followup.mplstyle"

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
"""The house colour cycle (Okabe & Ito 2008), in the order the style sheet uses it."""
BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW, BLACK = OKABE_ITO
MUTED = "#C8C8C8"
"""Bars that are not highlighted (a lighter grey than lines, since bars are large)."""
DPI = 150
LINE_COLOURS = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, BLACK)
"""Line charts colour the leading strategies in these (yellow is too pale for a line on
white); the rest are thin grey lines."""


# -- style -------------------------------------------------------------------------------------


@contextmanager
def house_style() -> Iterator[None]:
    """Apply the house style sheet for the duration of the block (``matplotlib.style.context``)."""
    sheet = resources.files("sim").joinpath("style", STYLE_FILE)
    with resources.as_file(sheet) as path, matplotlib.style.context(str(path)):
        yield


def new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """``ax``, or the Axes of a new pyplot figure of ``figsize`` inches."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.figure(figsize=figsize, layout="constrained").add_subplot()


def set_title(ax: Axes, text: str) -> None:
    """Set a finding as the title, wrapped so that it stays inside the figure: after a layout
    pass the title is measured and re-wrapped narrower until it fits."""
    width = 100
    fig = ax.get_figure(root=True)
    for _ in range(5):
        lines = textwrap.wrap(text, width=width, break_on_hyphens=False)
        title = ax.set_title("\n".join(lines))
        if fig is None:
            return
        fig.draw_without_rendering()
        box, page = title.get_window_extent(), fig.bbox
        if box.x0 >= page.x0 and box.x1 <= page.x1 - 4:
            return
        room = page.x1 - 4 - max(box.x0, page.x0)
        longest = max(len(line) for line in lines)
        width = max(24, min(longest - 1, int(longest * room / max(box.width, 1.0))))


def legend_below(ax: Axes, handles: Sequence[Artist] | None = None, ncol: int = 4) -> None:
    """A legend under the x-axis label (anchored in points below the axes, so that it clears
    the tick labels and the axis label whatever the figure's size)."""
    fig = ax.get_figure(root=True)
    below = offset_copy(ax.transAxes, fig=fig, x=0, y=-58, units="points")
    kwargs = {"handles": list(handles)} if handles is not None else {}
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(0, 0),
        bbox_transform=below,
        ncol=ncol,
        fontsize=12,
        handlelength=1.4,
        columnspacing=1.4,
        **kwargs,
    )


def bar_height(n: int) -> float:
    """Figure height in inches for horizontal bars of ``n`` strategies."""
    return max(4.8, 0.42 * n + 2.4)


def value_grid(ax: Axes, axis: str) -> None:
    """Grid lines on the value axis only."""
    ax.grid(False)
    ax.grid(True, axis="x" if axis == "x" else "y")


# -- data from a summary -----------------------------------------------------------------------


def error_bars(frame: pd.DataFrame, scale: float = 1.0) -> np.ndarray:
    """Asymmetric error bar lengths (2 x n) from ``mean, ci_low, ci_high``; 0 where NaN."""
    mean = frame["mean"].to_numpy(float) * scale
    low = np.nan_to_num(mean - frame["ci_low"].to_numpy(float) * scale, nan=0.0)
    high = np.nan_to_num(frame["ci_high"].to_numpy(float) * scale - mean, nan=0.0)
    return np.vstack([np.maximum(low, 0.0), np.maximum(high, 0.0)])


def colours_for(
    names: Sequence[str], ranked: Sequence[str], options: ChartOptions | None, grey: str = GREY
) -> dict[str, str]:
    """Each strategy's colour in a chart: its own (``palette.strategy_colour``) when it is
    highlighted (``ChartOptions.coloured``), else ``grey``."""
    coloured = set((options or ChartOptions()).coloured(list(ranked)))
    return {s: strategy_colour(s) if s in coloured else grey for s in names}


def n_note(summary: pd.DataFrame) -> str:
    n = int(summary["n_prospects"].max()) if len(summary) else 0
    return f"{n:,} prospects each"


def save_figure(fig: Figure, path: Path) -> Path:
    """Save as PNG, atomically."""
    return write_atomic(path, lambda p: fig.savefig(p, format="png", dpi=DPI, facecolor="white"))
