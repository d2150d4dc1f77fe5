"""How far a simulation is from the targets, accounting for both kinds of noise.

Each target i was observed as ``y_i`` with standard error ``s_i``; a simulation gives ``m_i``
with its own standard error ``sigma_i`` (from the same statistic's formula, at the simulated
size). Their difference has variance ``s_i^2 + sigma_i^2``, so

- ``z_i = (m_i - y_i) / sqrt(s_i^2 + sigma_i^2)``;
- the distance (the point fit's objective) is ``sum z_i^2``;
- a contrast (a ratio or an odds ratio: "N times as likely") is compared in logs, where its
  precision is symmetric: ``log m`` against ``log y``, SEs ``sigma / m`` (the delta method) and
  the band's width in logs over 3.92 (a band of 5 to 50 around 21 is multiplicative);
- a **bound** (a fact that is an inequality: "at most 0.95") has no SE of its own: its z is
  how far the simulation lies on the wrong side, in the simulation's SEs (0 inside), and its
  log-likelihood is ``log Phi((bound - m) / sigma)`` (at most; mirrored for at least): the
  chance that the statistic satisfies the fact, given the simulated value and its SE;
- the synthetic log-likelihood (Wood 2010, with the observed precision added to the
  simulation's variance, targets taken as independent) is
  ``-1/2 sum z_i^2 - 1/2 sum log(2 pi (s_i^2 + sigma_i^2))``.

A parameter set whose scenario does not validate, or whose run cannot produce a target's
statistic, is infinitely far (log-likelihood minus infinity).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy import special

from sim.calibrate.problem import Target
from sim.calibrate.store import Outcome

FAR = 1e12
"""The distance Optuna is told for a parameter set that cannot be evaluated."""


def _scaled(
    targets: Sequence[Target], outcome: Outcome
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Observed values, their SEs, simulated values and their SEs, each on its target's
    compared scale (contrasts in logs)."""
    observed, s = np.array([t.scaled_observed for t in targets], dtype=float).reshape(-1, 2).T
    sim = [
        t.scaled(float(v), float(e)) for t, v, e in zip(targets, outcome.values, outcome.ses,
                                                         strict=True)
    ]  # fmt: skip
    m, sigma = np.array(sim, dtype=float).reshape(-1, 2).T
    return observed, s, m, sigma


def _bounds(targets: Sequence[Target]) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Which targets are upper bounds (``at_most``) and which lower bounds (``at_least``)."""
    kinds = np.array([t.bound or "" for t in targets])
    return kinds == "at_most", kinds == "at_least"


def z_scores(targets: Sequence[Target], outcome: Outcome) -> NDArray[np.float64]:
    """Each target's z-score; NaN where the simulation cannot produce the statistic. A bound's
    is how far the simulation lies on its wrong side, in the simulation's SEs (0 inside)."""
    observed, s, m, sigma = _scaled(targets, outcome)
    defined = np.array(outcome.ns) > 0
    at_most, at_least = _bounds(targets)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (m - observed) / np.sqrt(s**2 + np.nan_to_num(sigma) ** 2)
    # a contrast of 0 has no log (m is NaN): below any bound, so inside an upper one and
    # infinitely far outside a lower one
    below = np.isnan(m)
    z = np.where(at_most & (below | ~(m > observed)), 0.0, z)
    z = np.where(at_least & below, -np.inf, np.where(at_least & ~(m < observed), 0.0, z))
    return np.where(defined, z, np.nan)


def distance(targets: Sequence[Target], outcome: Outcome) -> float:
    """``sum z^2``, or ``FAR`` when the outcome is an error or a statistic is undefined."""
    if outcome.error is not None:
        return FAR
    z = z_scores(targets, outcome)
    if not np.all(np.isfinite(z)):
        return FAR
    return float(np.sum(z**2))


def log_likelihood(targets: Sequence[Target], outcome: Outcome) -> float:
    """The synthetic log-likelihood (minus infinity when it cannot be computed): Gaussian for
    a value with its SE; for a bound, the log of the chance that the statistic lies on the
    bound's side given the simulated value and its SE (``log Phi``)."""
    if outcome.error is not None:
        return -math.inf
    z = z_scores(targets, outcome)
    if not np.all(np.isfinite(z)):
        return -math.inf
    observed, s, m, sigma = _scaled(targets, outcome)
    at_most, at_least = _bounds(targets)
    bound = at_most | at_least
    var = s**2 + sigma**2
    gauss = ~bound
    total = -0.5 * np.sum(z[gauss] ** 2) - 0.5 * np.sum(np.log(2 * math.pi * var[gauss]))
    if bound.any():
        with np.errstate(invalid="ignore", divide="ignore"):
            side = np.where(at_most, observed - m, m - observed)[bound] / sigma[bound]
        side = np.where(np.isnan(side), np.where(z[bound] > 0, -np.inf, np.inf), side)
        total += float(np.sum(special.log_ndtr(side)))
    return float(total)


__all__ = ["FAR", "distance", "log_likelihood", "z_scores"]
