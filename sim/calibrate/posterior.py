"""The posterior: emcee's ensemble sampler on the Gaussian synthetic likelihood.

Why emcee on a synthetic likelihood (Wood 2010), not ABC-SMC (pyabc) or neural posterior
estimation (sbi): each evaluation already yields every statistic with its standard error, so
the likelihood of the observed values is available in closed form up to the simulation's
noise, which is added to the observed variance (``sim.calibrate.objective``). With common
random numbers that noise is nearly the same offset for every parameter set, so the chain
moves on a deterministic surface and the posterior's width is that of the observed precision
plus the simulation's, which is what the coverage check (``make calibration-check``) asks for.
An ABC-SMC run needs thousands of simulations per generation to shrink its tolerance; sbi
needs a neural network trained per problem and torch. emcee needs neither, is small, and its
sampler is affine-invariant, so parameters on very different scales need no tuning.

The walkers work in the unit cube (uniform and log-uniform priors are both flat there) and
start over-dispersed: at the point fit and the best other trials of the point fit, so they
begin spread along the directions the targets do not pin down. Moves: half stretch moves
(emcee's default, robust with few walkers) and half differential evolution (for posteriors
that are narrow in some directions); on a correlated Gaussian this mix put more of the
posterior inside the sampled 90% intervals than either alone, or than adding snooker moves.
The first half of the chain is burn-in; the second half, every walker, is the posterior
sample (equal weights). Its random numbers come from a generator seeded by the calibration,
so the chain is a function of the seed and the evaluations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.model.streams import stream

LogProb = Callable[[NDArray[np.float64]], NDArray[np.float64]]
"""Log-posteriors of points of the unit cube, shape (m, d) -> (m,) (evaluated together)."""
EDGE = 1e-3


@dataclass(frozen=True)
class Chain:
    unit: NDArray[np.float64]
    """Walker positions in the unit cube, (steps, walkers, d)."""
    log_prob: NDArray[np.float64]
    """(steps, walkers)."""
    acceptance: NDArray[np.float64]
    """Each walker's acceptance fraction."""

    @property
    def burn(self) -> int:
        return int(self.unit.shape[0]) // 2

    def samples(self) -> NDArray[np.float64]:
        """The posterior sample: every walker after burn-in, (n, d)."""
        kept = self.unit[self.burn :]
        return kept.reshape(-1, kept.shape[-1])

    def autocorrelation(self) -> NDArray[np.float64]:
        """emcee's integrated autocorrelation time per parameter, after burn-in (in steps; an
        estimate only, and a lower bound when the chain is short)."""
        import emcee

        kept = self.unit[self.burn :]
        return np.asarray(emcee.autocorr.integrated_time(kept, tol=0), dtype=float)


def minimum_walkers(dims: int) -> int:
    """Walkers for ``dims`` parameters: at least 8, at least 2 d + 2, an even number."""
    n = max(8, 2 * dims + 2)
    return n + n % 2


def initial_walkers(
    center: NDArray[np.float64], spread: NDArray[np.float64], walkers: int, seed: int
) -> NDArray[np.float64]:
    """A cloud of ``walkers`` points around ``center`` (unit cube), ``spread`` wide per
    dimension, kept inside the cube."""
    rng = stream(seed, "calibrate:walkers")
    cloud = center + spread * rng.standard_normal((walkers, len(center)))
    return np.clip(cloud, EDGE, 1 - EDGE)


def sample(
    log_prob: LogProb,
    start: NDArray[np.float64],
    steps: int,
    seed: int,
    skipped: Callable[[int], object] | None = None,
) -> Chain:
    """Run emcee for ``steps`` from ``start`` (walkers, d); out-of-cube proposals get minus
    infinity without an evaluation (``skipped`` is told how many)."""
    import emcee

    walkers, dims = start.shape

    def bounded(points: NDArray[np.float64]) -> NDArray[np.float64]:
        out = np.full(len(points), -np.inf)
        inside = np.all((points > 0) & (points < 1), axis=1)
        if inside.any():
            out[inside] = log_prob(points[inside])
        if skipped is not None and not inside.all():
            skipped(int((~inside).sum()))
        return out

    sampler = emcee.EnsembleSampler(
        walkers, dims, bounded, vectorize=True,
        moves=[(emcee.moves.StretchMove(), 0.5), (emcee.moves.DEMove(), 0.5)],
    )  # fmt: skip
    legacy = np.random.RandomState(int(stream(seed, "calibrate:emcee").integers(2**32)))
    sampler.random_state = legacy.get_state()
    sampler.run_mcmc(start, steps, progress=False)
    return Chain(
        np.asarray(sampler.get_chain(), dtype=float),
        np.asarray(sampler.get_log_prob(), dtype=float),
        np.asarray(sampler.acceptance_fraction, dtype=float),
    )


__all__ = ["Chain", "initial_walkers", "minimum_walkers", "sample"]
