"""Evaluating cadences on common random numbers, cached and in parallel.

**Seeds come from the search's seed, never from a worker.** Every evaluation of a search
simulates with the same seed (``simulation_seed``; over a posterior, draw ``k`` with
``draw_seed(simulation_seed, k)`` for every candidate): candidates meet the same prospects,
so their differences are not drowned in sampling noise, and a cheap evaluation (fewer
prospects) sees the first prospects of an expensive one. An evaluation's key is the SHA-256 of
everything that decides its numbers (the scenario of each draw, the cadence but its words, the
prospects, the seeds, the engine and the package version); the calibration's store
(``sim.calibrate.store``) keeps each batch of evaluations in one atomic file and replays them
by key, which is how ``--resume`` continues and why the results do not depend on the number of
workers.

A stored ``Outcome`` holds the metrics of ``sim.optimize.objective.METRICS`` for each draw in
turn (draw-major), their standard errors, and the prospects per draw.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.random import PCG64, Generator, SeedSequence

from sim.calibrate.compare import draw_seed
from sim.calibrate.store import Outcome, Store
from sim.io.errors import Problem, ScenarioError
from sim.io.loader import scenario_from_dict
from sim.model.scenario import Scenario
from sim.model.streams import name_key
from sim.optimize.objective import METRICS, Measured, measure, pool
from sim.results.manifest import package_version
from sim.run.simulate import simulate
from sim.strategy.cadence import Cadence, CadenceSpec
from sim.sweep.execute import Runner
from sim.sweep.tasks import canonical

ENGINE = "vector"


def derived_seed(seed: int, name: str) -> int:
    """A 63-bit seed for one purpose of a search (``optimize:search``, ``optimize:confirm``)."""
    ss = SeedSequence(entropy=seed, spawn_key=(name_key(name),))
    return int(ss.generate_state(1, np.uint64)[0]) >> 1


def derived_generator(seed: int, name: str) -> Generator:
    """A generator for one purpose of a search (``optimize:posterior``), keyed like a seed."""
    return Generator(PCG64(SeedSequence(entropy=seed, spawn_key=(name_key(name),))))


@dataclass(frozen=True)
class Market:
    """The scenario(s) a cadence is evaluated on: the scenario itself, or one per posterior
    draw, each with its simulation seed."""

    scenarios: tuple[dict[str, Any], ...]
    seeds: tuple[int, ...]
    digest: str

    @classmethod
    def of(cls, scenarios: Sequence[dict[str, Any]], seeds: Sequence[int]) -> Market:
        text = canonical({"scenarios": list(scenarios), "seeds": list(seeds)})
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return cls(tuple(scenarios), tuple(seeds), digest)

    @classmethod
    def single(cls, scenario: Scenario, seed: int) -> Market:
        return cls.of([scenario.model_dump(mode="json")], [seed])

    @classmethod
    def posterior(cls, scenarios: Sequence[dict[str, Any]], seed: int) -> Market:
        return cls.of(scenarios, [draw_seed(seed, k) for k in range(len(scenarios))])

    @property
    def draws(self) -> int:
        return len(self.scenarios)


@dataclass(frozen=True)
class Job:
    """One evaluation, as sent to a worker (picklable)."""

    key: str
    name: str
    spec: dict[str, Any]
    scenarios: tuple[dict[str, Any], ...]
    seeds: tuple[int, ...]
    prospects: int


WORDS = {"description", "source", "claim", "mechanisms"}
"""Fields of a cadence that change nothing it does (left out of an evaluation's key)."""


def make_job(name: str, spec: CadenceSpec, market: Market, prospects: int) -> Job:
    data = spec.model_dump(mode="json")
    identity = {
        "spec": spec.model_dump(mode="json", exclude=WORDS), "market": market.digest,
        "prospects": prospects, "engine": ENGINE, "version": package_version(),
    }  # fmt: skip
    key = hashlib.sha256(canonical(identity).encode("utf-8")).hexdigest()
    return Job(key, name, data, market.scenarios, market.seeds, prospects)


def run_job(job: Job) -> Outcome:
    """Simulate the cadence on each draw's scenario and measure it (a module-level function
    of picklable arguments, so that any executor can run it)."""
    start = time.perf_counter()
    values: list[float] = []
    ses: list[float] = []
    cadence = Cadence(job.name, CadenceSpec.model_validate(job.spec))
    for data, seed in zip(job.scenarios, job.seeds, strict=True):
        try:
            scenario = scenario_from_dict(data, "<draw>")
        except ScenarioError as exc:
            nan = (math.nan,) * (len(METRICS) * len(job.seeds))
            n = (0,) * len(nan)
            return Outcome(job.key, nan, nan, n, exc.lines()[0], time.perf_counter() - start)
        result = simulate(scenario, [cadence], prospects=job.prospects, seed=seed,
                          engine=ENGINE, workers=1, touch_log=False)  # fmt: skip
        v, s = measure(result.prospects)
        values += [v[m] for m in METRICS]
        ses += [s[m] for m in METRICS]
    ns = (job.prospects,) * len(values)
    return Outcome(job.key, tuple(values), tuple(ses), ns, None, time.perf_counter() - start)


def measured(outcome: Outcome, prospects: int) -> Measured:
    """The ``Measured`` of a stored outcome (pooled over its draws)."""
    k = len(METRICS)
    draws = [
        (dict(zip(METRICS, outcome.values[i : i + k], strict=True)),
         dict(zip(METRICS, outcome.ses[i : i + k], strict=True)))
        for i in range(0, len(outcome.values), k)
    ]  # fmt: skip
    return pool(draws, prospects)


class Evaluator:
    """Evaluations of cadences at a number of prospects: from the store when done before,
    else on the runner; each batch stored atomically as it finishes."""

    def __init__(
        self,
        market: Market,
        store: Store,
        runner: Runner,
        on_done: Callable[[int], object] | None = None,
    ) -> None:
        self.market = market
        self.store = store
        self.runner = runner
        self.on_done = on_done
        self.ran = 0
        self.replayed = 0
        self.seconds = 0.0
        self.inflight: dict[str, Future[Outcome] | None] = {}

    def evaluate(
        self, cadences: Sequence[tuple[str, CadenceSpec]], prospects: int
    ) -> list[Measured]:
        """The measures of ``cadences`` at ``prospects``, in order."""
        return self.submit(cadences, prospects)()

    def submit(
        self, cadences: Sequence[tuple[str, CadenceSpec]], prospects: int
    ) -> Callable[[], list[Measured]]:
        """Start the evaluations of ``cadences`` (on the executor; in this process they run
        when the result is asked for) and return the function that waits for their measures.
        Results must be asked for in the order of the submissions; an evaluation already
        submitted and not yet stored is not submitted again."""
        jobs = [make_job(name, spec, self.market, prospects) for name, spec in cadences]
        new = [j for j in {j.key: j for j in jobs}.values()
               if self.store.get(j.key) is None and j.key not in self.inflight]  # fmt: skip
        self.replayed += len(jobs) - len(new)
        executor = self.runner.executor
        for j in new:
            self.inflight[j.key] = executor.submit(run_job, j) if executor is not None else None

        def result() -> list[Measured]:
            outcomes = []
            try:
                for j in new:
                    future = self.inflight.pop(j.key)
                    outcomes.append(future.result() if future is not None else run_job(j))
            finally:
                for j in new:
                    future = self.inflight.pop(j.key, None)
                    if future is not None:
                        future.cancel()
            if outcomes:
                self.store.put(outcomes)
                self.ran += len(outcomes)
                self.seconds += sum(o.seconds for o in outcomes)
            if self.on_done is not None:
                self.on_done(len(jobs))
            out = []
            for job in jobs:
                found = self.store.get(job.key)
                assert found is not None
                if found.error is not None:
                    raise ScenarioError("<market>", [Problem("", None, found.error)])
                out.append(measured(found, prospects))
            return out

        return result


__all__ = [
    "ENGINE",
    "Evaluator",
    "Job",
    "Market",
    "derived_seed",
    "make_job",
    "measured",
    "run_job",
]
