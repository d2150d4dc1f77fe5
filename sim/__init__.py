"""followup-sim: a Monte Carlo simulator of sales follow-up strategies against busy prospects.

The Python API in five names: ``load_scenario`` reads and validates a scenario file,
``simulate`` runs strategies on the same prospects, ``summarize`` turns the per-prospect
outcomes into metrics with confidence intervals, ``Scenario`` is the validated parameter set
and ``ScenarioError`` carries every problem of a bad file.
"""

from .errors import ScenarioError
from .loader import load_scenario
from .run import RunResult, simulate
from .scenario import Scenario
from .summary import summarize

__version__ = "0.1.0"
__all__ = ["RunResult", "Scenario", "ScenarioError", "load_scenario", "simulate", "summarize"]
