"""What a calibration found: the plan of its budget, the point fit, the chain, the posterior
sample, the calibrated values and the targets' statistics there and over the posterior."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibrate.fit import PointFit
from sim.calibrate.posterior import Chain
from sim.calibrate.problem import CalibrationProblem
from sim.calibrate.store import Outcome

MIN_POSTERIOR = 100
"""The posterior sample has at least this many parameter sets."""


@dataclass(frozen=True)
class Plan:
    """How the budget is spent."""

    budget: int
    trials: int
    finalists: int
    walkers: int
    steps: int
    prospects: int
    cheap_prospects: int

    @property
    def evaluations(self) -> int:
        """Evaluations the progress bar counts: pilot, trials, finalists, the walkers' start
        and steps, and the final one."""
        return 2 + self.trials + self.finalists + self.walkers * (self.steps + 1)


@dataclass
class Calibration:
    """What a calibration found (the files are written by ``sim.calibrate.outputs``)."""

    problem: CalibrationProblem
    plan: Plan
    seed: int
    point: PointFit
    chain: Chain
    posterior: pd.DataFrame
    """One row per posterior parameter set, a column per free parameter (its path)."""
    calibrated: dict[str, float]
    final: Outcome
    """The targets' statistics at the calibrated values (full size)."""
    predictive: np.ndarray
    """The targets' statistics over the posterior sample, (rows, targets)."""
    executor: str
    ran: int = 0
    replayed: int = 0
    wall_time: float = 0.0
    files: list[Path] = field(default_factory=list)


__all__ = ["MIN_POSTERIOR", "Calibration", "Plan"]
