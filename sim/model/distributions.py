"""Declarative distributions for the population: small value objects that validate themselves.

Each one samples with a caller-supplied ``numpy.random.Generator`` (never global state) and
has a readable ``repr``, in the manner of Ciw's distributions. Every parameter is a finite
number of at most ``LIMIT`` in size; what a field of the scenario allows on top of that (loads
and tolerances positive, recall within its scale) is said by ``Within`` on the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

import numpy as np
from numpy.random import Generator
from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, model_validator
from pydantic_core import core_schema

FloatArray = np.ndarray
LIMIT = 1e9
"""The largest size of any distribution's parameter (a tolerance of 1e9 switches opting out
off)."""


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @property
    def span(self) -> tuple[float, float]:
        """The lowest and highest of the values its parameters put in play (a lognormal's:
        its median), what ``Within`` checks."""
        raise NotImplementedError

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.model_dump(exclude={"kind"}).items())
        return f"{type(self).__name__}({fields})"

    __str__ = __repr__


class Lognormal(_Dist):
    """Lognormal across prospects, given by its median and the sd of its log."""

    kind: Literal["lognormal"] = "lognormal"
    median: float = Field(gt=0, le=LIMIT)
    sigma: float = Field(default=0.5, ge=0, le=5)

    @property
    def span(self) -> tuple[float, float]:
        return (self.median, self.median)

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
    low: float = Field(ge=-LIMIT, le=LIMIT)
    high: float = Field(ge=-LIMIT, le=LIMIT)

    @property
    def span(self) -> tuple[float, float]:
        return (self.low, self.high)

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
    value: float = Field(ge=-LIMIT, le=LIMIT)

    @property
    def span(self) -> tuple[float, float]:
        return (self.value, self.value)

    def transform(self, z: FloatArray) -> FloatArray:
        return np.full(np.shape(z), self.value)

    def sample(self, rng: Generator, n: int) -> FloatArray:
        return np.full(n, self.value)

    @property
    def mean(self) -> float:
        return self.value


Distribution = Annotated[Lognormal | Uniform | Constant, Field(discriminator="kind")]


def _num(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() and abs(x) < 1e15 else f"{x:g}"


@dataclass(frozen=True)
class Within:
    """What a distribution field allows: its values (``span``) within ``low`` to ``high``
    (``low`` itself excluded with ``above``). Used as ``Annotated[Distribution, Within(...)]``;
    the field reference shows ``allowed``."""

    low: float
    high: float
    above: bool = False

    @property
    def allowed(self) -> str:
        return f"values {'>' if self.above else '>='} {_num(self.low)} and <= {_num(self.high)}"

    def check(self, dist: Any) -> Any:
        lo, hi = dist.span
        too_low = lo <= self.low if self.above else lo < self.low
        if too_low or hi > self.high:
            what = {"lognormal": "its median", "uniform": "low and high",
                    "constant": "its value"}.get(dist.kind, "its values")  # fmt: skip
            raise ValueError(f"{what} must be {self.allowed.removeprefix('values ')}")
        return dist

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))
