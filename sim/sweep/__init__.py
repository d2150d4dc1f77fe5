"""Scenario sweeps and sensitivity analysis: many scenarios, each a cell of a design, run as
batches of tasks on any ``concurrent.futures`` executor (local processes or a Dask cluster),
every finished task saved at once so that an interrupted sweep resumes where it stopped.

- ``spec``: the sweep file (``SweepSpec``), validated like a scenario;
- ``design``: the cells (grid, list, Latin hypercube, Sobol; Saltelli and Morris samples for
  the sensitivity analysis), each cell's scenario validated before anything runs;
- ``tasks``: a cell's identity and seeds, batches of cells, running one batch;
- ``store``: shards and their manifests on disk, resume, the final tables;
- ``execute``: the executor (processes or Dask) and the progress bar;
- ``sensitivity``: Sobol and Morris indices through SALib;
- ``charts``: who wins where, a metric along a parameter, the sensitivity indices;
- ``cli``: ``followup sweep`` and ``followup sensitivity``.

The Python API: ``load_spec`` then ``run_sweep`` (or ``run_sensitivity``).
"""

from sim.sweep.api import SweepResult, run_sensitivity, run_sweep
from sim.sweep.spec import SweepSpec, load_spec

__all__ = ["SweepResult", "SweepSpec", "load_spec", "run_sensitivity", "run_sweep"]
