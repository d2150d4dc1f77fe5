"""The chart options shared by ``followup run`` and ``followup charts``: which charts and
strategies, the highlights, the headline comparison, the slide size and the week's strategy
(``sim.viz.options.ChartOptions``)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sim.viz.options import ChartOptions

SlideSize = StrEnum("SlideSize", {"16:9": "16:9", "4:3": "4:3"})
"""The ``--size`` choices, listed by ``--help``."""

CHART_LIST = (
    "ranking, reached_by_attempt, touch_value, cumulative_meetings, pest_frontier, "
    "cost_per_meeting, outcome_mix, week_in_the_life"
)
"""``sim.viz.options.CHART_NAMES`` for the help text (a test keeps them equal); the command
line does not import the charts to say it."""

ChartsOpt = Annotated[
    str | None,
    typer.Option(
        "--charts", help=f"Comma-separated charts to draw, of: {CHART_LIST}.", show_default="all"
    ),
]
OnlyOpt = Annotated[
    str | None,
    typer.Option(help="Comma-separated strategies the charts show.", show_default="all run"),
]
HighlightOpt = Annotated[
    str | None,
    typer.Option(
        help="Comma-separated strategies drawn in colour in every chart; the rest are grey.",
        show_default="all, or the 6 with the most meetings when more than 8",
    ),
]
CompareOpt = Annotated[
    str | None,
    typer.Option(
        help="Two strategies a,b: the headline comparison; chart titles state its result "
        "(otherwise titles stay neutral). Both are highlighted.",
        show_default="none",
    ),
]
SizeOpt = Annotated[
    SlideSize | None,
    typer.Option(help="Draw every chart at a slide's size.", show_default="each chart's own"),
]


def chart_options(
    charts: str | None,
    only: str | None,
    highlight: str | None,
    compare: str | None,
    size: SlideSize | None,
    week_strategy: str | None = None,
) -> ChartOptions:
    """The options as a ``ChartOptions`` (raises ``OptionError`` on a bad value: run it
    inside ``common.user_errors``)."""
    from sim.viz.options import ChartOptions

    return ChartOptions.from_text(
        charts=charts,
        only=only,
        highlight=highlight,
        compare=compare,
        size=None if size is None else size.value,
        week_strategy=week_strategy,
    )


__all__ = [
    "CHART_LIST",
    "ChartsOpt",
    "CompareOpt",
    "HighlightOpt",
    "OnlyOpt",
    "SizeOpt",
    "SlideSize",
    "chart_options",
]
