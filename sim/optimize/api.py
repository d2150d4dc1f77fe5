"""A whole search: the trials, successive halving, the library, the confirmation, the files.

1. **Search** (``sim.optimize.search``): ``trials`` cadences proposed by Optuna, each evaluated
   on the cheapest size of ``rungs(prospects)``.
2. **Successive halving** (``sim.optimize.halving``): the promising ones again on more
   prospects, up to ``prospects``; the pick is the best at the full size whose constraints
   hold with a margin.
3. **The library**: every library strategy and the scenario's own, cheaply, the best ones
   again at the full size, on the same prospects as the trials.
4. **Confirmation** (``sim.optimize.confirm``): the pick against the five best library
   strategies (and the baseline) on ``confirm_prospects`` fresh prospects.
5. **Files** (``sim.optimize.outputs``).

Every evaluation of steps 1 to 3 goes through one store (``out/evaluations/``, the
calibration's), so ``resume`` replays what an interrupted search had done; the results do not
depend on ``workers`` or on a Dask ``scheduler``.
"""

from __future__ import annotations

import time
from pathlib import Path

from tqdm import tqdm

from sim.calibrate.compare import draw_seed
from sim.calibrate.store import Store
from sim.io.errors import OptionError, Problem, ScenarioError
from sim.optimize.confirm import confirm, confirmation_set
from sim.optimize.evaluate import Evaluator, Market, derived_seed
from sim.optimize.halving import ETA, FINALISTS, choose, rank_key, rungs, successive_halving
from sim.optimize.objective import Measured
from sim.optimize.outputs import write_outputs
from sim.optimize.problem import OptimizeProblem
from sim.optimize.result import Optimization
from sim.optimize.search import run_search
from sim.strategy.cadence import CadenceSpec
from sim.sweep.execute import runner

DEFAULT_TRIALS = 200
DEFAULT_PROSPECTS = 65_536
"""Prospects of an evaluation at the full size (per posterior draw)."""
DEFAULT_CONFIRM = 100_000
MIN_PROSPECTS = 256
LIBRARY_FULL = 10
"""Library strategies evaluated again at the full size (the best at the cheapest)."""


def check_sizes(trials: int, prospects: int, confirm_prospects: int) -> None:
    for option, value, least in (
        ("trials", trials, 1),
        ("prospects", prospects, MIN_PROSPECTS),
        ("confirm_prospects", confirm_prospects, MIN_PROSPECTS),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= 10**8:
            raise OptionError(option, f"must be a whole number from {least:,} to "
                                      f"100,000,000, got {value!r}")  # fmt: skip


def market_of(problem: OptimizeProblem, seed: int) -> Market:
    search_seed = derived_seed(seed, "optimize:search")
    scenarios = problem.markets(search_seed)
    if problem.posterior is None:
        return Market.of(scenarios, [search_seed])
    return Market.of(scenarios, [draw_seed(search_seed, k) for k in range(len(scenarios))])


def optimize(
    problem: OptimizeProblem,
    out: Path,
    *,
    trials: int = DEFAULT_TRIALS,
    prospects: int = DEFAULT_PROSPECTS,
    confirm_prospects: int = DEFAULT_CONFIRM,
    workers: int = 1,
    scheduler: str | None = None,
    resume: bool = False,
    overwrite: bool = False,
    seed: int = 0,
    progress: bool = False,
    write: bool = True,
    warm: bool = True,
) -> Optimization:
    """Search ``problem`` into ``out`` (see the module's docstring); ``warm``: start from the
    library's shapes (``sim.optimize.search.STARTS``); ``write``: write the files."""
    started = time.perf_counter()
    check_sizes(trials, prospects, confirm_prospects)
    store = Store(out)
    if store.exists() and not (resume or overwrite):
        raise ScenarioError(str(out), [Problem("", None, (
            "holds the evaluations of an earlier search: pass --resume to continue it or "
            "--overwrite to start again"))])  # fmt: skip
    if overwrite and not resume:
        store.clear()
    store.load()
    market = market_of(problem, seed)
    sizes = rungs(prospects)
    library_specs = problem.library()
    estimate = trials + sum(max(FINALISTS, trials // ETA**k) for k in range(1, len(sizes)))
    with runner(workers, scheduler) as run:
        bar = tqdm(total=estimate + len(library_specs) + LIBRARY_FULL, desc="optimize",
                   unit="eval", disable=not progress, smoothing=0.05,
                   dynamic_ncols=True)  # fmt: skip
        try:
            ev = Evaluator(market, store, run, on_done=bar.update)
            goal, constraints = problem.goal, problem.constraints
            records = run_search(problem.space, goal, constraints,
                                 lambda c: ev.submit(c, sizes[0]), trials, seed,
                                 problem.pareto, warm)  # fmt: skip
            standings = successive_halving(records, goal, constraints, ev.evaluate, sizes)
            pick = choose(standings, goal, constraints, sizes[-1])
            library, ranked = _library(ev, library_specs, problem, sizes)
        finally:
            bar.close()
        executor = run.description
    search_time = time.perf_counter() - started
    confirmation = None
    if pick is not None:
        chosen = confirmation_set(ranked)
        confirmation = confirm(problem, pick.record.spec, chosen, prospects=confirm_prospects,
                               seed=seed, workers=workers)  # fmt: skip
    result = Optimization(
        problem, seed, sizes, records, standings, pick, library, ranked, confirmation, executor,
        confirm_prospects, ev.ran, ev.replayed,
    )  # fmt: skip
    result.search_time = search_time
    result.wall_time = time.perf_counter() - started
    if write:
        result.files = write_outputs(result, out)
    return result


def _library(
    ev: Evaluator, specs: dict[str, CadenceSpec], problem: OptimizeProblem, sizes: tuple[int, ...]
) -> tuple[dict[str, dict[int, Measured]], list[tuple[str, bool]]]:
    """Every library strategy at the cheapest size, the best ``LIBRARY_FULL`` at the full
    size; the latter ranked, with whether each meets the constraints."""
    names = list(specs)
    cheap = ev.evaluate(list(specs.items()), sizes[0])
    found = {n: {sizes[0]: m} for n, m in zip(names, cheap, strict=True)}
    goal, constraints = problem.goal, problem.constraints
    order = sorted(names, key=lambda n: (rank_key(found[n][sizes[0]], goal, constraints),
                                         names.index(n)))  # fmt: skip
    best = order[:LIBRARY_FULL]
    full = sizes[-1]
    if full != sizes[0]:
        for n, m in zip(best, ev.evaluate([(n, specs[n]) for n in best], full), strict=True):
            found[n][full] = m
    ranked = sorted(best, key=lambda n: (-_value(found[n][full], problem), names.index(n)))
    return found, [(n, constraints.met(found[n][full])) for n in ranked]


def _value(m: Measured, problem: OptimizeProblem) -> float:
    v = m.goal(problem.goal)
    return v if v == v else float("-inf")


__all__ = [
    "DEFAULT_CONFIRM",
    "DEFAULT_PROSPECTS",
    "DEFAULT_TRIALS",
    "Optimization",
    "check_sizes",
    "optimize",
]
