"""The point fit: Optuna's TPE sampler on cheap evaluations, the promising sets again on
expensive ones.

Trials are asked for in batches of a fixed size (``BATCH``, whatever the number of workers),
evaluated together and told back in the order they were asked, so the search is a function of
the seed alone: the same trials, in the same order, on 1 worker or 20, and again on
``--resume`` (where the store answers the trials already run). Each trial's value is the
distance (``sim.calibrate.objective``) at the cheap fidelity; the ``finalists`` best trials
are evaluated again with the full number of prospects, and the best of those is the point fit.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sim.calibrate.space import Space

BATCH = 8
"""Trials asked for at once (the same for any number of workers, so results do not depend on
it)."""

Objective = Callable[[Sequence[dict[str, float]]], list[float]]
"""Distances of parameter sets (evaluated together)."""


@dataclass(frozen=True)
class PointFit:
    trials: list[tuple[dict[str, float], float]]
    """Every trial (parameter values, cheap distance), in the order asked."""
    finalists: list[tuple[dict[str, float], float]]
    """The best trials again at full fidelity, best first."""

    @property
    def best(self) -> dict[str, float]:
        return self.finalists[0][0]

    @property
    def best_distance(self) -> float:
        return self.finalists[0][1]


def point_fit(
    space: Space,
    cheap: Objective,
    full: Objective,
    trials: int,
    finalists: int,
    seed: int,
    start: dict[str, float] | None = None,
) -> PointFit:
    """Run ``trials`` TPE trials on ``cheap``, then the ``finalists`` best on ``full``.
    ``start`` (the base scenario's values, when inside the bounds) is the first trial."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        sampler = optuna.samplers.TPESampler(
            seed=seed % 2**32,
            multivariate=True,
            constant_liar=True,
            n_startup_trials=max(10, 2 * len(space.dims) + 2),
        )
    study = optuna.create_study(direction="minimize", sampler=sampler)
    if start is not None:
        study.enqueue_trial(start)
    distributions: dict[str, optuna.distributions.BaseDistribution] = {
        d.path: optuna.distributions.FloatDistribution(d.low, d.high, log=d.log) for d in space.dims
    }
    done: list[tuple[dict[str, float], float]] = []
    while len(done) < trials:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            batch = [study.ask(distributions) for _ in range(min(BATCH, trials - len(done)))]
        points = [{p: float(t.params[p]) for p in space.paths} for t in batch]
        for trial, value, point in zip(batch, cheap(points), points, strict=True):
            study.tell(trial, value)
            done.append((point, value))
    ranked = sorted(range(len(done)), key=lambda i: (done[i][1], i))
    chosen = [done[i][0] for i in ranked[:finalists]]
    again = full(chosen)
    order = sorted(range(len(chosen)), key=lambda i: (again[i], i))
    return PointFit(done, [(chosen[i], again[i]) for i in order])


__all__ = ["BATCH", "PointFit", "point_fit"]
