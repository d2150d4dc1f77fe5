"""One evaluation: simulate a parameter set under the targets' strategies and compute the
targets' statistics; and the evaluator that runs many of them (cached, in parallel).

**Seeds come from the calibration's seed, never from a worker.** Every evaluation of a
calibration simulates with the same seed (``simulation_seed``): candidate parameter sets are
compared on common random numbers, and a cheap evaluation (fewer prospects) sees the first
prospects of an expensive one. An evaluation's key is the SHA-256 of everything that decides
its numbers (the whole scenario, the strategies, the targets' statistics, the prospects, the
seed and the package version), so the store (``sim.calibrate.store``) replays it when a
deterministic search asks for it again: that is how ``--resume`` continues, and why the result
does not depend on the number of workers.

The evaluator runs the evaluations a search asks for at once (a batch of Optuna trials, half
of emcee's walkers) on the sweep's executor (``sim.sweep.execute.runner``: local processes or a
Dask scheduler), stores them as one atomic file, and returns them in order.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.random import SeedSequence

from sim.calibrate.problem import CalibrationProblem, Target
from sim.calibrate.statistics import CATALOGUE, UNDEFINED, Args, Estimate
from sim.calibrate.store import Outcome, Store
from sim.io.errors import ScenarioError
from sim.io.loader import scenario_from_dict
from sim.model.streams import name_key
from sim.results.manifest import package_version
from sim.run.simulate import simulate
from sim.sweep.execute import Runner
from sim.sweep.tasks import canonical

ENGINE = "vector"


def simulation_seed(seed: int) -> int:
    """The ``simulate`` seed of every evaluation of a calibration with ``seed``."""
    ss = SeedSequence(entropy=seed, spawn_key=(name_key("calibrate:simulate"),))
    return int(ss.generate_state(1, np.uint64)[0]) >> 1


@dataclass(frozen=True)
class TargetRef:
    """What a worker needs of a target: the statistic, its arguments and the strategy."""

    statistic: str
    args: dict[str, Any]
    strategy: str
    versus: tuple[str, dict[str, Any]] | None = None
    """A contrast's other side (strategy, arguments); None for a plain target."""
    contrast: str = "ratio"
    part: int = 0
    """The scenario it runs on: 0 the job's, ``i`` the ``i``-th of its ``others``."""


Part = tuple[dict[str, Any], tuple[str, ...]]
"""Another scenario of a job, with the strategies to run on it."""


@dataclass(frozen=True)
class Job:
    """One evaluation, as sent to a worker (picklable)."""

    key: str
    scenario: dict[str, Any]
    strategies: tuple[str, ...]
    targets: tuple[TargetRef, ...]
    prospects: int
    seed: int
    others: tuple[Part, ...] = ()


def refs(targets: Sequence[Target]) -> tuple[TargetRef, ...]:
    return tuple(_ref(t) for t in targets)


def _ref(t: Target) -> TargetRef:
    versus = None if t.versus is None else (t.versus[0], t.versus[1].given())
    return TargetRef(t.statistic, t.args.given(), t.strategy, versus, t.contrast, t.part)


def contrast(a: Estimate, b: Estimate, kind: str) -> Estimate:
    """The ratio (or odds ratio) of two estimates, with its delta-method standard error
    (the two taken as independent: for the same prospects under common random numbers the
    covariance is positive, so the SE errs on the wide side). Undefined when either side is,
    or when the denominator (or a share of 0 or 1 for odds) leaves it without a finite value."""
    if not (a.defined and b.defined):
        return UNDEFINED
    n = min(a.n, b.n)
    if kind == "odds_ratio":
        if not (0 < a.value < 1 and 0 < b.value < 1):
            return UNDEFINED
        value = (a.value / (1 - a.value)) / (b.value / (1 - b.value))
        rel = math.hypot(a.se / (a.value * (1 - a.value)), b.se / (b.value * (1 - b.value)))
    else:
        if not (a.value > 0 and b.value > 0):
            return UNDEFINED
        value = a.value / b.value
        rel = math.hypot(a.se / a.value, b.se / b.value)
    return Estimate(value, value * rel, n)


def make_job(
    scenario: dict[str, Any],
    strategies: Sequence[str],
    targets: tuple[TargetRef, ...],
    prospects: int,
    seed: int,
    others: tuple[Part, ...] = (),
) -> Job:
    identity: dict[str, Any] = {
        "scenario": scenario,
        "strategies": list(strategies),
        "targets": [
            [
                t.statistic,
                t.args,
                t.strategy,
                *([[*t.versus, t.contrast]] if t.versus else []),
                *([t.part] if t.part else []),
            ]
            for t in targets
        ],
        "prospects": prospects,
        "seed": seed,
        "engine": ENGINE,
        "version": package_version(),
    }
    if others:  # a job of one scenario keeps the key it had before other scenarios existed
        identity["others"] = [
            {"scenario": data, "strategies": list(names)} for data, names in others
        ]
    key = hashlib.sha256(canonical(identity).encode("utf-8")).hexdigest()
    return Job(key, scenario, tuple(strategies), targets, prospects, seed, others)


def run_job(job: Job) -> Outcome:
    """Simulate and compute each target's statistic (a module-level function of picklable
    arguments, so that any executor can run it). A parameter set whose scenario does not
    validate gives an outcome with its error and no values."""
    start = time.perf_counter()
    n = len(job.targets)
    tables: dict[tuple[int, str], tuple[pd.DataFrame, pd.DataFrame]] = {}
    for part, (data, names) in enumerate(((job.scenario, job.strategies), *job.others)):
        try:
            scenario = scenario_from_dict(data, "<candidate>")
        except ScenarioError as exc:
            nan = (math.nan,) * n
            why = exc.lines()[0] if not part else f"{data.get('name')}: {exc.lines()[0]}"
            return Outcome(job.key, nan, nan, (0,) * n, why, time.perf_counter() - start)
        if names:  # every target may be on other scenarios
            tables.update(_tables(scenario, names, job, part))
    values, ses, ns = [], [], []
    for t in job.targets:
        statistic = CATALOGUE[t.statistic]
        est = statistic(*tables[t.part, t.strategy], Args(**t.args))
        if t.versus is not None:
            other = statistic(*tables[t.part, t.versus[0]], Args(**t.versus[1]))
            est = contrast(est, other, t.contrast)
        values.append(est.value)
        ses.append(est.se)
        ns.append(est.n)
    return Outcome(job.key, tuple(values), tuple(ses), tuple(ns), None,
                   time.perf_counter() - start)  # fmt: skip


def _tables(
    scenario: Any, names: tuple[str, ...], job: Job, part: int
) -> dict[tuple[int, str], tuple[pd.DataFrame, pd.DataFrame]]:
    """Each strategy's prospects and touches, simulated on ``scenario``."""
    result = simulate(
        scenario, list(names), prospects=job.prospects, seed=job.seed, engine=ENGINE,
        workers=1, touch_log=True,
    )  # fmt: skip
    return {
        (part, name): (
            result.prospects[(result.prospects["strategy"] == name).to_numpy()],
            result.touches[(result.touches["strategy"] == name).to_numpy()],
        )
        for name in names
    }


class Evaluator:
    """Evaluations of parameter sets at a number of prospects: from the store when done
    before, else on the runner; each batch stored atomically as it finishes."""

    def __init__(
        self,
        problem: CalibrationProblem,
        store: Store,
        runner: Runner,
        seed: int,
        on_done: Any = None,
    ) -> None:
        self.problem = problem
        self.store = store
        self.runner = runner
        self.seed = simulation_seed(seed)
        self.refs = refs(problem.targets)
        self.on_done = on_done
        self.ran = 0
        self.replayed = 0

    def job(self, values: dict[str, float], prospects: int) -> Job:
        data = self.problem.space.scenario_data(values)
        others = self.problem.other_parts(values)
        return make_job(data, self.problem.strategies, self.refs, prospects, self.seed, others)

    def lookup(self, values: dict[str, float], prospects: int) -> Outcome | None:
        return self.store.get(self.job(values, prospects).key)

    def evaluate(self, points: Sequence[dict[str, float]], prospects: int) -> list[Outcome]:
        jobs = [self.job(v, prospects) for v in points]
        missing = list({j.key: j for j in jobs if self.store.get(j.key) is None}.values())
        self.replayed += len(jobs) - len(missing)
        if missing:
            self.store.put(self._run(missing))
            self.ran += len(missing)
        if self.on_done is not None:
            self.on_done(len(jobs))
        found = [self.store.get(j.key) for j in jobs]
        assert all(o is not None for o in found)
        return [o for o in found if o is not None]

    def _run(self, jobs: list[Job]) -> list[Outcome]:
        executor = self.runner.executor
        if executor is None or len(jobs) == 1:
            return [run_job(j) for j in jobs]
        futures: list[Future[Outcome]] = [executor.submit(run_job, j) for j in jobs]
        try:
            return [f.result() for f in futures]
        finally:
            for f in futures:
                f.cancel()


__all__ = [
    "Evaluator", "Job", "TargetRef", "contrast", "make_job", "refs", "run_job", "simulation_seed",
]  # fmt: skip
