"""Tasks of a sweep: a cell's identity and seeds, batches of cells, and running one batch.

**Seeds come from identities, never from a worker.** Replication ``r`` of a cell runs
``simulate`` with seed ``replication_seed(spec.seed, r)``: one 64-bit integer drawn from
``SeedSequence(spec.seed, spawn_key=(crc32("sweep:replication"), r))``. With
``common_random_numbers: true`` (the default) every cell uses the same seed for a given
replication, so all cells of the design see the same prospects (same draws, where the swept
parameter does not change them): differences between neighbouring cells are not drowned in
sampling noise, and a parameter that does not touch the model gives exactly the same numbers in
every cell (a sensitivity index of exactly zero). With ``false`` the seed's spawn key also
holds a 32-bit token of the cell's scenario (``scenario_token``), so cells are independent
samples. Either way the seed depends on nothing but the spec and the cell, so the results are
identical whatever the executor, the batching and the number of workers.

**A cell's key** is the SHA-256 of the canonical JSON of everything that decides its numbers:
the cell's whole scenario, the strategies, the prospects, the replications' seeds, the engine
and the package version. The store (``sim.sweep.store``) keys shards by it, so resuming after
the spec changed re-runs exactly the cells whose key changed.

Inside a task each cell runs on the vectorized engine in the task's own process
(``workers=1``): the parallelism is the executor's. Replications are pooled: their per-strategy
sufficient statistics are merged (``sim.results.aggregate.merge``), so a cell of R replications of N
prospects has the intervals of one run of R * N prospects; the paired differences between
strategies concatenate the replications' prospects.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.random import SeedSequence

from sim.model.scenario import Scenario
from sim.model.streams import name_key
from sim.results.aggregate import StrategyStats, merge
from sim.results.manifest import package_version
from sim.results.paired import PairedStats
from sim.results.summary import summarize_stats
from sim.run.options import MAX_SEED
from sim.run.simulate import simulate
from sim.sweep.design import Cell
from sim.sweep.spec import Scalar, SweepSpec

ENGINE = "vector"
PAIR_METRICS = {"meeting_rate": "meeting"}
"""Metrics compared between every two strategies of a cell, paired on the same prospects, with
the prospect column they average."""

SHARD_COLUMNS = [
    "key",
    "cell",
    "strategy",
    "versus",
    "metric",
    "mean",
    "ci_low",
    "ci_high",
    "p_value",
    "n_prospects",
]
"""A shard's rows: a strategy's metric (``versus`` empty, ``p_value`` NaN) or the paired
difference ``strategy - versus`` (``mean`` is the mean difference per prospect). The cell's
parameter values follow as one column each, named by their path."""


def replication_seed(seed: int, replication: int, token: int | None = None) -> int:
    """The ``simulate`` seed of a replication (and, without common random numbers, a cell):
    63 bits, the range ``simulate`` takes (the top bit of the 64 drawn is dropped)."""
    keys = (name_key("sweep:replication"), replication, *(() if token is None else (token,)))
    state = int(SeedSequence(entropy=seed, spawn_key=keys).generate_state(1, np.uint64)[0])
    return state & MAX_SEED


def canonical(data: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, no NaN."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False)


def scenario_json(scenario: Scenario) -> str:
    return canonical(scenario.model_dump(mode="json"))


def scenario_token(scenario: Scenario) -> int:
    """A 32-bit token of a scenario, for the seeds of cells without common random numbers."""
    return zlib.crc32(scenario_json(scenario).encode("utf-8"))


@dataclass(frozen=True)
class CellTask:
    """A cell as a task sees it: its scenario, seeds and key."""

    index: int
    key: str
    values: dict[str, Scalar]
    scenario: Scenario
    seeds: tuple[int, ...]


def cell_tasks(spec: SweepSpec, cells: list[Cell]) -> list[CellTask]:
    """Each cell's seeds (one per replication) and key."""
    out = []
    for cell in cells:
        token = None if spec.common_random_numbers else scenario_token(cell.scenario)
        seeds = tuple(replication_seed(spec.seed, r, token) for r in range(spec.replications))
        identity = {
            "scenario": cell.scenario.model_dump(mode="json"),
            "strategies": spec.strategies,
            "prospects": spec.prospects,
            "seeds": list(seeds),
            "engine": ENGINE,
            "version": package_version(),
        }
        key = hashlib.sha256(canonical(identity).encode("utf-8")).hexdigest()
        out.append(CellTask(cell.index, key, cell.values, cell.scenario, seeds))
    return out


@dataclass(frozen=True)
class Batch:
    """Cells run by one task; its shard is named after its cells' keys."""

    cells: tuple[CellTask, ...]
    strategies: tuple[str, ...]
    prospects: int

    @property
    def name(self) -> str:
        digest = hashlib.sha256("\n".join(c.key for c in self.cells).encode("utf-8"))
        return digest.hexdigest()[:24]

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.cells]


DAY_SECONDS = 1.5e-3
PROSPECT_DAY_SECONDS = 3e-7
"""Rough cost of one strategy's run on the vectorized engine (with its touch log, one core):
``horizon * (DAY_SECONDS + prospects * PROSPECT_DAY_SECONDS)``. Sizes batches only, never
results."""
TASK_SECONDS = 2.0
"""A batch should take at least about this long, so that task overhead stays small."""
TASKS_PER_SLOT = 4
"""...and there should be at least this many batches per worker, to share the load evenly and
lose little when interrupted."""
MAX_BATCH = 64


def cell_seconds(cell: CellTask, strategies: int, prospects: int) -> float:
    """Estimated seconds to run one cell on one core."""
    day = DAY_SECONDS + prospects * PROSPECT_DAY_SECONDS
    return len(cell.seeds) * strategies * cell.scenario.horizon * day


def batch_size(cells: list[CellTask], strategies: int, prospects: int, slots: int) -> int:
    """Cells per task: enough for about ``TASK_SECONDS`` of work, but at most
    ``len(cells) / (TASKS_PER_SLOT * slots)`` (and ``MAX_BATCH``), at least 1."""
    if not cells:
        return 1
    seconds = cell_seconds(cells[0], strategies, prospects)
    wanted = int(np.ceil(TASK_SECONDS / max(seconds, 1e-9)))
    spread = int(np.ceil(len(cells) / (TASKS_PER_SLOT * max(slots, 1))))
    return max(1, min(wanted, spread, MAX_BATCH))


def batches(cells: list[CellTask], spec: SweepSpec, size: int) -> list[Batch]:
    """Consecutive cells (design order) in batches of ``size``."""
    strategies = tuple(spec.strategies)
    return [
        Batch(tuple(cells[i : i + size]), strategies, spec.prospects)
        for i in range(0, len(cells), size)
    ]


# -- running -----------------------------------------------------------------------------------


def run_cell(cell: CellTask, strategies: tuple[str, ...], prospects: int) -> pd.DataFrame:
    """One cell, every replication, pooled: ``SHARD_COLUMNS`` rows (parameters not added).
    Runs keep no tables: the paired differences come from the strategies' joint moments
    (``sim.results.paired``), merged over the replications, so a cell's memory does not grow
    with its prospects."""
    stats: list[dict[str, StrategyStats]] = []
    paired: PairedStats | None = None
    for seed in cell.seeds:
        result = simulate(
            cell.scenario, list(strategies), prospects=prospects, seed=seed, engine=ENGINE,
            workers=1, stream=True,
        )  # fmt: skip
        stats.append(result.stats)
        assert result.paired is not None  # every run merges its chunks' joint moments
        paired = result.paired if paired is None else paired + result.paired
    summary = summarize_stats(merge(stats))
    rows: list[dict[str, Any]] = [
        {"strategy": s, "versus": None, "metric": m, "mean": mean, "ci_low": lo, "ci_high": hi,
         "p_value": np.nan, "n_prospects": n}
        for s, m, mean, lo, hi, n in summary.itertuples(index=False, name=None)
    ]  # fmt: skip
    assert paired is not None  # a cell has at least one seed
    for metric, column in PAIR_METRICS.items():
        for a, b in itertools.combinations(strategies, 2):
            d = paired.test(column, a, b)
            rows.append(
                {"strategy": a, "versus": b, "metric": metric, "mean": d.diff, "ci_low": d.ci_low,
                 "ci_high": d.ci_high, "p_value": d.p_value, "n_prospects": d.n}
            )  # fmt: skip
    frame = pd.DataFrame(rows)
    frame.insert(0, "cell", cell.index)
    frame.insert(0, "key", cell.key)
    return frame[SHARD_COLUMNS]


def run_batch(batch: Batch) -> pd.DataFrame:
    """Every cell of a batch: the shard's table (``SHARD_COLUMNS``, then the parameters).

    A module-level function of picklable arguments, so that any executor can run it: a
    process pool, or a Dask worker that imports ``sim``."""
    frames = []
    for cell in batch.cells:
        frame = run_cell(cell, batch.strategies, batch.prospects)
        for name, value in cell.values.items():
            frame[name] = value
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out["n_prospects"] = out["n_prospects"].astype(np.int64)
    out["versus"] = out["versus"].astype(object)
    return out


__all__ = [
    "ENGINE",
    "PAIR_METRICS",
    "SHARD_COLUMNS",
    "Batch",
    "CellTask",
    "batch_size",
    "batches",
    "canonical",
    "cell_tasks",
    "replication_seed",
    "run_batch",
    "run_cell",
    "scenario_token",
]
