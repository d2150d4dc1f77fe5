"""Charts: pictures of what a run found, one module per job (``style``, ``ranking``,
``curves``, ``frontier``, ``mix``, ``week``) and ``render`` to write them all."""

from sim.viz.curves import (
    cumulative_meetings,
    meeting_curve,
    reach_curve,
    reach_curve_from_stats,
    reached_by_attempt,
)
from sim.viz.frontier import pest_frontier
from sim.viz.mix import outcome_mix, outcome_shares
from sim.viz.ranking import cost_per_meeting, ranking
from sim.viz.render import CHART_NAMES, render_all
from sim.viz.style import house_style, save_figure
from sim.viz.week import draw_week, landed

__all__ = [
    "CHART_NAMES",
    "cost_per_meeting",
    "cumulative_meetings",
    "draw_week",
    "house_style",
    "landed",
    "meeting_curve",
    "outcome_mix",
    "outcome_shares",
    "pest_frontier",
    "ranking",
    "reach_curve",
    "reach_curve_from_stats",
    "reached_by_attempt",
    "render_all",
    "save_figure",
]
