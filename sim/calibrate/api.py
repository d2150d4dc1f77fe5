"""A whole calibration: a pilot run, the point fit, the posterior, and the files.

1. **Pilot**: the base scenario (free parameters clipped into their bounds) with
   ``PILOT_PROSPECTS`` prospects. A target whose statistic the run cannot produce (a connect
   rate under a cadence without calls) is an error. Unless ``prospects`` is given, a full
   evaluation gets enough prospects for the simulation's standard error of every target to be
   at most ``SIM_TO_OBSERVED`` times the observed one (standard errors shrink as
   ``1 / sqrt(n)``), between ``MIN_PROSPECTS`` and ``MAX_PROSPECTS``; a cheap one a quarter.
2. **Point fit** (``sim.calibrate.fit``): ``FIT_SHARE`` of the budget in cheap Optuna trials,
   the best few again at full size.
3. **Posterior** (``sim.calibrate.posterior``): the rest of the budget in emcee steps at full
   size, walkers started around the point fit.
4. **Results** (``sim.calibrate.outputs``): the calibrated values are the posterior
   *medians*; the fit table, the posterior sample, the warnings and every file.

The budget counts parameter sets evaluated (one simulation each, of every target strategy).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from sim.calibrate.evaluate import Evaluator
from sim.calibrate.fit import Objective, PointFit, point_fit
from sim.calibrate.objective import distance, log_likelihood
from sim.calibrate.outputs import write_outputs
from sim.calibrate.posterior import EDGE, Chain, initial_walkers, minimum_walkers, sample
from sim.calibrate.problem import CalibrationProblem
from sim.calibrate.result import MIN_POSTERIOR, Calibration, Plan
from sim.calibrate.store import Outcome, Store
from sim.io.errors import OptionError, Problem, ScenarioError
from sim.sweep.execute import runner

FIT_SHARE = 0.15
PILOT_PROSPECTS = 4096
MIN_PROSPECTS = 2048
MAX_PROSPECTS = 131_072
SIM_TO_OBSERVED = 0.7
CHEAP_FACTOR = 4


def default_budget(dims: int) -> int:
    """The budget when none is given: ``300 + 150 d`` for ``d`` free parameters."""
    return 300 + 150 * dims


def split(dims: int, budget: int) -> tuple[int, int, int, int]:
    """(trials, finalists, walkers, steps) of ``budget`` for ``dims`` free parameters."""
    walkers = minimum_walkers(dims)
    trials = max(16, round(FIT_SHARE * budget))
    finalists = min(walkers, max(2, trials // 10))
    steps = (budget - trials - finalists) // walkers
    return trials, finalists, walkers, steps


def make_plan(dims: int, budget: int, prospects: int) -> Plan:
    """Split ``budget`` between the point fit and the posterior; ``OptionError`` when it is too
    small for ``dims`` free parameters."""
    trials, finalists, walkers, steps = split(dims, budget)
    min_steps = 2 * math.ceil(MIN_POSTERIOR / walkers)
    if steps < min_steps:
        least = next(b for b in itertools.count(budget) if split(dims, b)[3] >= min_steps)
        raise OptionError(
            "budget",
            f"{budget} is too small for {dims} free parameter{'s' if dims != 1 else ''}: at least "
            f"{least} (a posterior "
            f"of {MIN_POSTERIOR} parameter sets after burn-in needs {walkers} walkers x "
            f"{min_steps} steps)",
        )
    cheap = max(MIN_PROSPECTS // 2, prospects // CHEAP_FACTOR)
    return Plan(budget, trials, finalists, walkers, steps, prospects, cheap)


def clipped_base(problem: CalibrationProblem) -> dict[str, float]:
    out = {}
    for d, (path, value) in zip(
        problem.space.dims, problem.space.base_values().items(), strict=True
    ):
        out[path] = min(max(value, d.low), d.high) if value == value else d.from_unit(0.5)
    return out


def auto_prospects(problem: CalibrationProblem, pilot: Outcome) -> int:
    """Prospects for the simulation's SE to be at most ``SIM_TO_OBSERVED`` of the observed (a
    bound has no SE of its own: it does not set the size)."""
    worst = max(
        (
            (t.scaled(value, sigma)[1] / (SIM_TO_OBSERVED * t.scaled_observed[1])) ** 2
            for t, value, sigma in zip(problem.targets, pilot.values, pilot.ses, strict=True)
            if t.bound is None
        ),
        default=1.0,
    )
    n = math.ceil(PILOT_PROSPECTS * worst / 1024) * 1024
    return int(min(max(n, MIN_PROSPECTS), MAX_PROSPECTS))


def check_pilot(problem: CalibrationProblem, pilot: Outcome) -> None:
    if pilot.error is not None:
        raise ScenarioError(str(problem.file), [Problem("scenario", problem.scenario_name,
                                                        pilot.error)])  # fmt: skip
    bad = [
        Problem(t.source, t.strategy,
                f"{t.statistic} cannot be computed under this strategy: a pilot run of "
                f"{PILOT_PROSPECTS} prospects at the base scenario produced nothing to compute "
                "it from (does the cadence use that channel, book meetings, leave voicemails?)")
        for t, n in zip(problem.targets, pilot.ns, strict=True)
        if n == 0
    ]  # fmt: skip
    if bad:
        raise ScenarioError(str(problem.file), bad)


def calibrate(
    problem: CalibrationProblem,
    out: Path,
    *,
    budget: int | None = None,
    prospects: int | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    resume: bool = False,
    overwrite: bool = False,
    seed: int = 0,
    progress: bool = False,
) -> Calibration:
    """Calibrate ``problem`` into ``out`` (see the module's docstring); the files are written
    by ``sim.calibrate.outputs.write_outputs``."""
    started = time.perf_counter()
    budget = budget or problem.budget or default_budget(len(problem.space.dims))
    store = Store(out)
    if store.exists() and not (resume or overwrite):
        raise ScenarioError(str(out), [Problem("", None, (
            "holds the evaluations of an earlier calibration: pass --resume to continue it "
            "or --overwrite to start again"))])  # fmt: skip
    if overwrite and not resume:
        store.clear()
    make_plan(len(problem.space.dims), budget, MIN_PROSPECTS)  # a budget too small fails now
    store.load()
    space = problem.space
    with runner(workers, scheduler) as run:
        bar = tqdm(total=1, desc="calibrate", unit="eval", disable=not progress, smoothing=0.05,
                   dynamic_ncols=True)  # fmt: skip
        try:
            ev = Evaluator(problem, store, run, seed, on_done=bar.update)
            start = clipped_base(problem)
            pilot = ev.evaluate([start], PILOT_PROSPECTS)[0]
            check_pilot(problem, pilot)
            size = prospects or problem.prospects or auto_prospects(problem, pilot)
            plan = make_plan(len(space.dims), budget, size)
            bar.total = plan.evaluations
            bar.refresh()

            def at(n: int) -> Objective:
                def distances(points: Sequence[dict[str, float]]) -> list[float]:
                    return [distance(problem.targets, o) for o in ev.evaluate(points, n)]

                return distances

            point = point_fit(space, at(plan.cheap_prospects), at(plan.prospects), plan.trials,
                              plan.finalists, seed, start)  # fmt: skip
            chain = _posterior(problem, ev, plan, point, seed)
            samples = pd.DataFrame([space.values(u) for u in chain.samples()], columns=space.paths)
            calibrated = {p: float(samples[p].median()) for p in space.paths}
            final = ev.evaluate([calibrated], plan.prospects)[0]
            predictive = _predictive(problem, ev, samples, plan.prospects)
        finally:
            bar.close()
        result = Calibration(
            problem, plan, seed, point, chain, samples, calibrated, final, predictive,
            run.description, ev.ran, ev.replayed,
        )  # fmt: skip
    result.wall_time = time.perf_counter() - started
    result.files = write_outputs(result, out)
    return result


def _posterior(
    problem: CalibrationProblem, ev: Evaluator, plan: Plan, point: PointFit, seed: int
) -> Chain:
    space = problem.space
    units = np.array([space.unit(v) for v, _ in point.trials])
    cheap = np.array([d for _, d in point.trials])
    order = np.argsort(cheap, kind="stable")
    best = space.unit(point.best)
    # over-dispersed start: the point fit and the next best distinct trials, so that walkers
    # begin spread along the directions the targets do not pin down (a ridge), not in a ball
    rows = [best]
    for i in order:
        if len(rows) == plan.walkers:
            break
        if not any(np.allclose(units[i], r) for r in rows):
            rows.append(units[i])
    spread = np.full(len(best), 0.01)
    filler = initial_walkers(best, spread, plan.walkers, seed)[len(rows) :]
    start = np.clip(np.vstack([*rows, *filler]), EDGE, 1 - EDGE)

    def log_prob(points: np.ndarray) -> np.ndarray:
        outcomes = ev.evaluate([space.values(u) for u in points], plan.prospects)
        return np.array([log_likelihood(problem.targets, o) for o in outcomes])

    return sample(log_prob, start, plan.steps, seed, ev.on_done)


def _predictive(
    problem: CalibrationProblem, ev: Evaluator, samples: pd.DataFrame, prospects: int
) -> np.ndarray:
    """The targets' statistics at each posterior row (every row was evaluated by the chain)."""
    rows = []
    memo: dict[tuple[float, ...], tuple[float, ...]] = {}
    nan = (math.nan,) * len(problem.targets)
    for values in samples.to_dict(orient="records"):
        point = tuple(float(values[p]) for p in problem.space.paths)
        if point not in memo:
            found = ev.lookup(dict(zip(problem.space.paths, point, strict=True)), prospects)
            memo[point] = found.values if found is not None and found.error is None else nan
        rows.append(memo[point])
    return np.array(rows, dtype=float)


__all__ = ["Calibration", "Plan", "calibrate", "default_budget", "make_plan"]
