"""Declarative distributions for the population: small value objects that validate themselves.

Each one samples with a caller-supplied ``numpy.random.Generator`` (never global state) and
has a readable ``repr``, in the manner of Ciw's distributions.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from numpy.random import Generator
from pydantic import BaseModel, ConfigDict, Field, model_validator

FloatArray = np.ndarray


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.model_dump(exclude={"kind"}).items())
        return f"{type(self).__name__}({fields})"

    __str__ = __repr__


class Lognormal(_Dist):
    """Lognormal across prospects, given by its median and the sd of its log."""

    kind: Literal["lognormal"] = "lognormal"
    median: float = Field(gt=0)
    sigma: float = Field(default=0.5, ge=0, le=5)

    def transform(self, z: FloatArray) -> FloatArray:
        """Map standard normal draws to this distribution (keeps draws common across params)."""
        return self.median * np.exp(self.sigma * z)

    def sample(self, rng: Generator, n: int) -> FloatArray:
        return self.transform(rng.standard_normal(n))

    @property
    def mean(self) -> float:
        return float(self.median * np.exp(self.sigma**2 / 2))


class Uniform(_Dist):
    """Uniform on [low, high]."""

    kind: Literal["uniform"] = "uniform"
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) must be >= low ({self.low})")
        return self

    def transform(self, u: FloatArray) -> FloatArray:
        """Map uniform(0, 1) draws to this distribution."""
        return self.low + (self.high - self.low) * u

    def sample(self, rng: Generator, n: int) -> FloatArray:
        return self.transform(rng.random(n))

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2


class Constant(_Dist):
    """The same value for every prospect."""

    kind: Literal["constant"] = "constant"
    value: float

    def transform(self, z: FloatArray) -> FloatArray:
        return np.full(np.shape(z), self.value)

    def sample(self, rng: Generator, n: int) -> FloatArray:
        return np.full(n, self.value)

    @property
    def mean(self) -> float:
        return self.value


Distribution = Annotated[Lognormal | Uniform | Constant, Field(discriminator="kind")]
