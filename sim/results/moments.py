"""Means, variances and covariances that merge exactly: (n, mean, co-moment) per set of values.

One-pass sums of squares lose precision when the mean is large against the spread (rep
minutes per prospect in the hundreds, varying by a few): ``sum(x^2) - n mean^2`` cancels.
Keeping the count, the means and the co-moment matrix ``M = sum (x - mean)(x - mean)^T`` and
merging two sets with Chan, Golub and LeVeque's pairwise rule (1979) is exact in real
arithmetic and stable in floating point:

    n = na + nb,  d = mean_b - mean_a,  mean = mean_a + d nb / n,
    M = Ma + Mb + d d^T na nb / n
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class Moments:
    """Count, means and co-moment matrix of the variables ``names`` over a set of units."""

    names: tuple[str, ...]
    n: int
    mean: F64
    comoment: F64

    @classmethod
    def empty(cls, names: Sequence[str]) -> Moments:
        k = len(names)
        return cls(tuple(names), 0, np.zeros(k), np.zeros((k, k)))

    @classmethod
    def of(cls, columns: Mapping[str, ArrayLike]) -> Moments:
        """The moments of equally long columns, one variable each."""
        names = tuple(columns)
        x = (
            np.stack([np.asarray(columns[k], dtype=float) for k in names])
            if names
            else np.zeros((0, 0))
        )
        n = x.shape[1] if names else 0
        if n == 0:
            return cls.empty(names)
        mean = x.mean(axis=1)
        centred = x - mean[:, None]
        return cls(names, int(n), mean, centred @ centred.T)

    def __add__(self, other: Moments) -> Moments:
        if self.names != other.names:
            raise ValueError(f"cannot merge moments of {self.names} and {other.names}")
        if other.n == 0:
            return self
        if self.n == 0:
            return other
        n = self.n + other.n
        delta = other.mean - self.mean
        mean = self.mean + delta * (other.n / n)
        comoment = self.comoment + other.comoment + np.outer(delta, delta) * (self.n * other.n / n)
        return Moments(self.names, n, mean, comoment)

    def _at(self, name: str) -> int:
        return self.names.index(name)

    def mean_of(self, name: str) -> float:
        return float(self.mean[self._at(name)]) if self.n else 0.0

    def total(self, name: str) -> float:
        """The sum of the variable over the units."""
        return self.n * self.mean_of(name)

    def cov(self, a: str, b: str) -> float:
        """Sample covariance (``n - 1`` in the denominator); NaN for fewer than two units."""
        if self.n < 2:
            return float("nan")
        return float(self.comoment[self._at(a), self._at(b)]) / (self.n - 1)

    def var(self, name: str) -> float:
        return max(self.cov(name, name), 0.0) if self.n >= 2 else float("nan")


__all__ = ["Moments"]
