"""Running and writing: ``simulate`` runs strategies on the same prospects, ``write_run`` writes
everything ``followup run`` writes, ``RunOptions`` says how."""

from sim.results.result import RunResult
from sim.run.executor import Runner, runner
from sim.run.options import RunOptions
from sim.run.simulate import simulate
from sim.run.write import WrittenRun, write_run

__all__ = ["RunOptions", "RunResult", "Runner", "WrittenRun", "runner", "simulate", "write_run"]
