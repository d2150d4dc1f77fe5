"""Every chart of a run, as PNG files: ``render_all`` draws what the run's data allows, as
the ``ChartOptions`` say (which charts and strategies, highlights, the headline comparison,
the slide size)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.results.aggregate import StrategyStats, stats_by_strategy
from sim.results.funnel import funnel
from sim.results.paired import PairedStats
from sim.results.result import RunResult
from sim.results.summary import ranked
from sim.viz.curves import cumulative_meetings, reached_by_attempt
from sim.viz.frontier import pest_frontier
from sim.viz.funnel import touch_value
from sim.viz.mix import outcome_mix
from sim.viz.options import CHART_NAMES, ChartOptions
from sim.viz.ranking import cost_per_meeting, ranking
from sim.viz.style import bar_height, house_style, save_figure
from sim.viz.week import draw_week

Plan = dict[str, tuple[tuple[float, float], Callable[[Axes], Axes]]]


def _chart_plan(
    result: RunResult,
    summary: pd.DataFrame,
    options: ChartOptions,
    tables: Mapping[str, pd.DataFrame],
) -> Plan:
    """Each chart's natural figure size and drawing function; charts that need the outcome
    table are left out of a streamed run, which keeps none."""
    order = ranked(summary)
    n = len(options.shown(order))
    prospects = result.prospects
    has_table = not result.streamed and len(prospects) > 0
    table: pd.DataFrame | PairedStats | None = (
        result.paired if result.paired is not None else prospects if has_table else None
    )
    by_strategy: pd.DataFrame | Mapping[str, StrategyStats] | None = (
        result.stats if result.stats else prospects if has_table else None
    )
    comparisons = tables.get("comparisons.csv")
    funnel_table = tables.get("funnel.csv")
    if funnel_table is None and result.stats:
        funnel_table = funnel(result.stats)
    elif funnel_table is None and has_table and len(result.touches):
        funnel_table = funnel(stats_by_strategy(prospects, result.touches))
    plan: Plan = {
        "ranking": (
            (11, bar_height(n)),
            lambda ax: ranking(
                summary, ax=ax, prospects=table, comparisons=comparisons, options=options
            ),
        ),
    }
    if has_table or result.stats:
        source = prospects if has_table else result.stats
        plan["reached_by_attempt"] = (
            (12, 6.5),
            lambda ax: reached_by_attempt(source, ax=ax, ranked=order, options=options),
        )
    if funnel_table is not None and len(funnel_table):
        plan["touch_value"] = (
            (12, 6.5),
            lambda ax: touch_value(funnel_table, ax=ax, ranked=order, options=options),
        )
    if by_strategy is not None:
        source_ = by_strategy
        plan["cumulative_meetings"] = (
            (12, 6.5),
            lambda ax: cumulative_meetings(
                source_, result.scenario.horizon, ax=ax, ranked=order, options=options
            ),
        )
    plan["pest_frontier"] = (
        (11, max(7.0, 0.28 * n + 3)),
        lambda ax: pest_frontier(summary, ax=ax, prospects=table, options=options),
    )
    plan["cost_per_meeting"] = (
        (11, bar_height(n)),
        lambda ax: cost_per_meeting(summary, ax=ax, options=options),
    )
    if by_strategy is not None:
        mix_source = by_strategy
        plan["outcome_mix"] = (
            (12, bar_height(n) + 0.8),
            lambda ax: outcome_mix(
                mix_source, ax=ax, horizon=result.scenario.horizon, options=options
            ),
        )
    week = result.week
    if week is not None:
        plan["week_in_the_life"] = ((13, 1.25 * week.days + 3.4), lambda ax: draw_week(week, ax))
    return {name: plan[name] for name in CHART_NAMES if name in plan and options.wants(name)}


def render_all(
    result: RunResult,
    summary: pd.DataFrame,
    out_dir: Path | str,
    options: ChartOptions | None = None,
    *,
    tables: Mapping[str, pd.DataFrame] | None = None,
    prune: bool = True,
) -> list[Path]:
    """Write the charts as ``out_dir/charts/<name>.png`` (150 dpi) and return the paths in
    ``CHART_NAMES`` order. ``options`` choose the charts, strategies, highlights, headline
    comparison and size (``ChartOptions``; its names are checked against the run's
    strategies). ``tables``: the run's tables by file name (``run_tables``):
    ``comparisons.csv`` marks strategies tied with the top, ``funnel.csv`` feeds the
    touch-value chart (else it is computed from ``result.stats``). The week in the life is
    drawn when the run traced one (``result.week``). ``prune``: remove the other charts of
    ``CHART_NAMES`` from the folder (those of an earlier run), so it never mixes two runs."""
    options = options or ChartOptions()
    options.check(ranked(summary))
    folder = Path(out_dir) / "charts"
    plan = _chart_plan(result, summary, options, tables or {})
    written: list[Path] = []
    with house_style():
        for name, (size, draw) in plan.items():
            fig = Figure(figsize=options.figsize(size), layout="constrained")
            draw(fig.add_subplot())
            written.append(save_figure(fig, folder / f"{name}.png"))
    if prune:
        for stale in set(CHART_NAMES) - {p.stem for p in written}:
            (folder / f"{stale}.png").unlink(missing_ok=True)
    return written


__all__ = ["CHART_NAMES", "render_all"]
