"""What a search found: the trials, their standings, the pick, the library's measures and the
confirmation (the files are written by ``sim.optimize.outputs``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sim.optimize.confirm import Confirmation
from sim.optimize.halving import Standing
from sim.optimize.objective import Measured
from sim.optimize.problem import OptimizeProblem
from sim.optimize.search import TrialRecord


@dataclass
class Optimization:
    """What a search found (the files are written by ``sim.optimize.outputs``)."""

    problem: OptimizeProblem
    seed: int
    sizes: tuple[int, ...]
    trials: list[TrialRecord]
    standings: list[Standing]
    pick: Standing | None
    library: dict[str, dict[int, Measured]]
    """Each library strategy's measures by size."""
    library_ranked: list[tuple[str, bool]]
    """Library strategies evaluated at the full size, best first, and whether each meets the
    constraints (on the estimate)."""
    confirmation: Confirmation | None
    executor: str
    confirm_prospects: int
    ran: int = 0
    replayed: int = 0
    wall_time: float = 0.0
    search_time: float = 0.0
    files: list[Path] = field(default_factory=list)

    @property
    def full(self) -> int:
        return self.sizes[-1]


__all__ = ["Optimization"]
