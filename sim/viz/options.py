"""What a trainer chooses about a run's charts, in one value object: ``ChartOptions``.

Which charts (``charts``), which strategies appear (``only``), which are drawn in colour
(``highlight``; the rest grey), the headline comparison (``compare``: titles state its
result; without it titles stay neutral), the slide size (``size``: ``16:9`` or ``4:3``) and
whose week in the life is drawn (``week_strategy``). ``render_all``, ``write_run``,
``followup run`` and ``followup charts`` all take it. It validates itself on creation, and
``check`` validates the strategy names against a run's, so a misspelt name fails with a
"did you mean" before anything is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sim.io.errors import OptionError, unknown_names

CHART_NAMES = (
    "ranking",
    "reached_by_attempt",
    "touch_value",
    "cumulative_meetings",
    "pest_frontier",
    "cost_per_meeting",
    "outcome_mix",
    "week_in_the_life",
)
"""Every chart ``render_all`` can write, in the report's order (``charts/<name>.png``)."""

SIZES: dict[str, tuple[float, float]] = {"16:9": (40 / 3, 7.5), "4:3": (10.0, 7.5)}
"""Slide sizes in inches (2000 x 1125 and 1500 x 1125 pixels at 150 dpi)."""
MAX_COLOURED = 8
"""Without ``highlight`` or ``compare``, a run of up to this many strategies has them all
in colour; a larger run colours the ``MAX_COLOURED - 2`` with the most meetings."""


def split_names(text: str | None) -> tuple[str, ...] | None:
    """A comma-separated option as names (None when not given)."""
    if text is None:
        return None
    return tuple(n.strip() for n in text.split(",") if n.strip())


@dataclass(frozen=True)
class ChartOptions:
    """Choices about a run's charts; every field optional (the defaults draw every chart of
    every strategy at its natural size, with neutral titles)."""

    charts: tuple[str, ...] | None = None
    only: tuple[str, ...] | None = None
    highlight: tuple[str, ...] = ()
    compare: tuple[str, str] | None = None
    size: str | None = None
    week_strategy: str | None = None

    def __post_init__(self) -> None:
        for name in ("charts", "only", "highlight", "compare"):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, str):
                value = split_names(value)
            value = tuple(dict.fromkeys(str(v) for v in value))
            if not value and name != "highlight":
                raise OptionError(name, "no names given")
            object.__setattr__(self, name, value)
        if self.charts is not None:
            unknown = [c for c in self.charts if c not in CHART_NAMES]
            if unknown:
                raise OptionError("charts", unknown_names("chart", unknown, CHART_NAMES))
        if self.compare is not None and len(self.compare) != 2:
            raise OptionError(
                "compare", f"give two different strategies, a,b; got {','.join(self.compare)}"
            )
        if self.size is not None and self.size not in SIZES:
            raise OptionError("size", f"must be one of {', '.join(SIZES)}; got {self.size!r}")

    @classmethod
    def from_text(
        cls,
        *,
        charts: str | None = None,
        only: str | None = None,
        highlight: str | None = None,
        compare: str | None = None,
        size: str | None = None,
        week_strategy: str | None = None,
    ) -> ChartOptions:
        """From the command line's comma-separated options."""
        return cls(
            charts=split_names(charts),
            only=split_names(only),
            highlight=split_names(highlight) or (),
            compare=split_names(compare),  # type: ignore[arg-type]  # checked: two names
            size=size,
            week_strategy=week_strategy,
        )

    def check(self, strategies: Sequence[str]) -> None:
        """Raise ``OptionError`` (with "did you mean") for a name that is not among the run's
        ``strategies``, or for highlighted or compared strategies that ``only`` leaves out."""
        known = list(strategies)
        for option in ("only", "highlight", "compare"):
            names = getattr(self, option) or ()
            unknown = [n for n in names if n not in known]
            if unknown:
                raise OptionError(option, unknown_names("strategy", unknown, known))
        if self.week_strategy is not None and self.week_strategy not in known:
            raise OptionError(
                "week_strategy", unknown_names("strategy", [self.week_strategy], known)
            )
        if self.only is not None:
            for option in ("highlight", "compare"):
                left = [n for n in getattr(self, option) or () if n not in self.only]
                if left:
                    raise OptionError(option, f"{', '.join(left)} not among --only")

    def shown(self, strategies: Sequence[str]) -> list[str]:
        """The strategies the charts draw, in the run's order."""
        if self.only is None:
            return list(strategies)
        return [s for s in strategies if s in self.only]

    def coloured(self, ranked: Sequence[str]) -> list[str]:
        """The strategies drawn in colour: ``highlight``, else the two compared, else every
        strategy of a small run, else the leaders by meetings (``ranked``: best first)."""
        if self.highlight:
            return [s for s in self.highlight if s in ranked]
        if self.compare is not None:
            return list(self.compare)
        if len(ranked) <= MAX_COLOURED:
            return list(ranked)
        return list(ranked[: MAX_COLOURED - 2])

    def wants(self, chart: str) -> bool:
        return self.charts is None or chart in self.charts

    def figsize(self, natural: tuple[float, float]) -> tuple[float, float]:
        """The slide size when one was chosen, else the chart's natural size."""
        return SIZES[self.size] if self.size is not None else natural


__all__ = ["CHART_NAMES", "MAX_COLOURED", "SIZES", "ChartOptions", "split_names"]
