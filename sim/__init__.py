"""followup-sim: a Monte Carlo simulator of sales follow-up strategies against busy prospects.

The Python API: ``load_scenario`` reads and validates a scenario file, ``simulate`` runs
strategies on the same prospects (``RunOptions`` says how), ``write_run`` writes everything
``followup run`` writes, ``summarize`` turns per-prospect outcomes into metrics with confidence
intervals, ``Scenario`` is the validated parameter set and ``ScenarioError`` carries every
problem of a bad file. The names are imported on first use (``followup --help`` needs none).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_API = {
    "RunOptions": "sim.run.options",
    "RunResult": "sim.results.result",
    "Scenario": "sim.model.scenario",
    "ScenarioError": "sim.io.errors",
    "load_scenario": "sim.io.loader",
    "simulate": "sim.run.simulate",
    "summarize": "sim.results.summary",
    "write_run": "sim.run.write",
}

if TYPE_CHECKING:
    from sim.io.errors import ScenarioError
    from sim.io.loader import load_scenario
    from sim.model.scenario import Scenario
    from sim.results.result import RunResult
    from sim.results.summary import summarize
    from sim.run.options import RunOptions
    from sim.run.simulate import simulate
    from sim.run.write import write_run


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


__all__ = [
    "RunOptions",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "simulate",
    "summarize",
    "write_run",
]
