"""A run's results: every strategy's outcomes on the same prospects, with how they were made."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sim.model.scenario import Scenario
from sim.results.aggregate import StrategyStats
from sim.results.paired import PairedStats

if TYPE_CHECKING:
    from sim.results.week import TraceEvent, Week


@dataclass(frozen=True)
class PrecisionStep:
    """One run of a run grown to a precision: its size and its meeting-rate CI half-widths."""

    prospects: int
    half_widths: dict[str, float]
    wall_time: float

    @property
    def widest(self) -> float:
        """The largest half-width (infinite when one is undefined)."""
        values = [float("inf") if w != w else w for w in self.half_widths.values()]
        return max(values, default=float("inf"))


@dataclass
class RunResult:
    """Per-prospect outcomes and the touch log of every strategy, on the same prospects."""

    scenario: Scenario
    engine: str
    seed: int
    n_prospects: int
    strategies: list[str]
    prospects: pd.DataFrame
    touches: pd.DataFrame
    wall_time: float
    traces: dict[tuple[str, int], list[TraceEvent]] = field(default_factory=dict)
    """(strategy, prospect) to the prospect's story (discrete-event engine, ``trace``)."""
    stats: dict[str, StrategyStats] = field(default_factory=dict)
    """Per-strategy sufficient statistics; the only output of a streamed run."""
    paired: PairedStats | None = None
    """Every strategy's outcomes over the same prospects, jointly (the paired comparisons);
    None when the run kept none (then an outcome table carries them)."""
    streamed: bool = False
    chunk: int | None = None
    """Prospects per chunk (vector engine; None for the DES)."""
    workers: int = 1
    """Worker processes."""
    scheduler: str | None = None
    """The Dask scheduler the chunks ran on (None: this machine)."""
    prospect_parts: list[Path] = field(default_factory=list)
    """With ``touch_dir``: the outcome table's part files, in strategy order (``prospects`` is
    then empty)."""
    touch_parts: list[Path] = field(default_factory=list)
    """With ``touch_dir``: the touch log's part files, in strategy order (``touches`` is then
    empty)."""
    precision: tuple[float, int, list[PrecisionStep]] | None = None
    """A run grown to a precision: (target half-width, cap on prospects, every step)."""
    week: Week | None = None
    """A week in the life of one prospect under one strategy (discrete-event trace), for the
    charts; None unless asked for."""


__all__ = ["PrecisionStep", "RunResult"]
