"""Every chart of a run, as PNG files: ``render_all`` draws what the run's data allows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.results.result import RunResult
from sim.results.summary import strategies_in_order
from sim.viz.curves import cumulative_meetings, reached_by_attempt
from sim.viz.frontier import pest_frontier
from sim.viz.mix import outcome_mix
from sim.viz.ranking import cost_per_meeting, ranking
from sim.viz.style import bar_height, house_style, save_figure
from sim.viz.week import draw_week

CHART_NAMES = (
    "ranking",
    "reached_by_attempt",
    "cumulative_meetings",
    "pest_frontier",
    "cost_per_meeting",
    "outcome_mix",
    "week_in_the_life",
)
"""Every chart ``render_all`` can write, in the report's order (``charts/<name>.png``)."""


def _chart_plan(
    result: RunResult, summary: pd.DataFrame
) -> dict[str, tuple[tuple[float, float], Callable[[Axes], Axes]]]:
    """Each chart's figure size and drawing function; charts that need the outcome table are
    left out of a streamed run, which keeps none."""
    n = len(strategies_in_order(summary))
    plan: dict[str, tuple[tuple[float, float], Callable[[Axes], Axes]]] = {
        "ranking": ((11, bar_height(n)), lambda ax: ranking(summary, ax=ax)),
    }
    prospects = result.prospects
    has_table = not result.streamed and len(prospects) > 0
    if has_table or result.stats:
        source = prospects if has_table else result.stats
        plan["reached_by_attempt"] = ((12, 6.5), lambda ax: reached_by_attempt(source, ax=ax))
    if has_table:
        plan["cumulative_meetings"] = (
            (12, 6.5),
            lambda ax: cumulative_meetings(prospects, result.scenario.horizon, ax=ax),
        )
    plan["pest_frontier"] = ((11, max(7.0, 0.28 * n + 3)), lambda ax: pest_frontier(summary, ax=ax))
    plan["cost_per_meeting"] = ((11, bar_height(n)), lambda ax: cost_per_meeting(summary, ax=ax))
    if has_table:
        plan["outcome_mix"] = ((12, bar_height(n) + 0.8), lambda ax: outcome_mix(prospects, ax=ax))
    return plan


def render_all(result: RunResult, summary: pd.DataFrame, out_dir: Path | str) -> list[Path]:
    """Write every chart as ``out_dir/charts/<name>.png`` (150 dpi) and return the paths in
    ``CHART_NAMES`` order. The week in the life is drawn when the run traced one
    (``result.week``). Charts of earlier runs that this run cannot draw (a streamed run keeps
    no outcome table; a run without a week) are removed."""
    folder = Path(out_dir) / "charts"
    plan = _chart_plan(result, summary)
    written: list[Path] = []
    with house_style():
        for name, (size, draw) in plan.items():
            fig = Figure(figsize=size, layout="constrained")
            draw(fig.add_subplot())
            written.append(save_figure(fig, folder / f"{name}.png"))
        week = result.week
        if week is not None:
            fig = Figure(figsize=(13, 1.25 * week.days + 3.4), layout="constrained")
            draw_week(week, ax=fig.add_subplot())
            written.append(save_figure(fig, folder / "week_in_the_life.png"))
    for stale in set(CHART_NAMES) - {p.stem for p in written}:
        (folder / f"{stale}.png").unlink(missing_ok=True)
    order = {name: i for i, name in enumerate(CHART_NAMES)}
    return sorted(written, key=lambda p: order[p.stem])
