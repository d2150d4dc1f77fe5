"""Assumptions a ranking may depend on: the mechanisms by which a touch raises a buyer's need.

A buyer's need is its urgency ``u`` (``docs/model.md`` 4.1). Day by day it follows the
Ornstein-Uhlenbeck step (``sim.model.dynamics``), which no touch changes; the one place a
touch raises it is ``sim.model.messages.read``: a read message with ``value`` adds
``urgency.value_boost``. No published figure fixes how much, so the report treats it as an
assumption: each entry here names the scenario field, the documented range (``docs/model.md``
4.1 and 8) and why, and ``followup run`` re-runs the leading strategies at both ends of the
range (``sim.report.dependence_sweep``) to say whether the ranking depends on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel

from sim.model.scenario import Scenario


@dataclass(frozen=True)
class Assumption:
    """A scenario field no data fixes, with the range the report checks the ranking over.

    ``name``: the short name used in sentences; ``path``: the dotted scenario field;
    ``low``..``high``: the documented range; ``low_means``/``high_means``: what each end
    stands for, in a few words; ``mechanism``: what the field does; ``why``: why this range."""

    name: str
    path: str
    low: float
    high: float
    low_means: str
    high_means: str
    mechanism: str
    why: str

    def __post_init__(self) -> None:
        if not self.name or not self.path:
            raise ValueError("an assumption needs a name and a scenario path")
        if not (math.isfinite(self.low) and math.isfinite(self.high)) or self.low >= self.high:
            raise ValueError(f"{self.name}: low ({self.low:g}) must be below high ({self.high:g})")
        lowest, highest = field_bounds(self.path)
        if not lowest <= self.low < self.high <= highest:
            raise ValueError(
                f"{self.name}: range {self.low:g} to {self.high:g} is outside the field's "
                f"bounds {lowest:g} to {highest:g}"
            )

    @property
    def default(self) -> float:
        """The field's default in a scenario that does not set it."""
        return scenario_value(default_scenario(), self.path)

    def meaning(self, value: float) -> str:
        """What ``value`` stands for when it is an end of the range, else ''."""
        if value == self.low:
            return self.low_means
        if value == self.high:
            return self.high_means
        return ""


@cache
def default_scenario() -> Scenario:
    return Scenario()


def scenario_value(scenario: Scenario, path: str) -> float:
    """The number at a dotted path of ``scenario`` (``urgency.value_boost``)."""
    current: Any = scenario
    for part in path.split("."):
        if not isinstance(current, BaseModel) or part not in type(current).model_fields:
            raise KeyError(f"no scenario field {path!r}")
        current = getattr(current, part)
    if isinstance(current, bool) or not isinstance(current, int | float):
        raise KeyError(f"scenario field {path!r} is not a number")
    return float(current)


def field_bounds(path: str) -> tuple[float, float]:
    """The bounds the scenario's validation puts on the field at ``path`` (its ``ge``/``gt``
    and ``le``/``lt`` constraints; infinite where it has none)."""
    model: type[BaseModel] = Scenario
    *parents, last = path.split(".")
    for part in parents:
        annotation = model.model_fields[part].annotation
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            raise KeyError(f"no scenario field {path!r}")
        model = annotation
    if last not in model.model_fields:
        raise KeyError(f"no scenario field {path!r}")
    low, high = -math.inf, math.inf
    for item in model.model_fields[last].metadata:
        if isinstance(item, Ge | Gt):
            low = float(item.ge if isinstance(item, Ge) else item.gt)  # type: ignore[arg-type]
        if isinstance(item, Le | Lt):
            high = float(item.le if isinstance(item, Le) else item.lt)  # type: ignore[arg-type]
    return low, high


VALUE_BOOST = Assumption(
    name="value_boost",
    path="urgency.value_boost",
    low=0.0,
    high=0.3,
    low_means="touches never create need",
    high_means="twice the default",
    mechanism="a read message of value raises the buyer's urgency by this much (docs/model.md "
    "4.1); a live call never does",
    why="no published figure fixes how much a useful message raises a buyer's need: 0 is the "
    "conservative view that touches only find need, never create it; 0.3 doubles the default "
    "0.15 (of urgency's stationary sd of 1)",
)

ASSUMPTIONS: tuple[Assumption, ...] = (VALUE_BOOST,)
"""Every mechanism by which a touch raises need; the report checks the ranking over each."""


def assumption(name: str) -> Assumption:
    """The registered assumption called ``name``."""
    for a in ASSUMPTIONS:
        if a.name == name:
            return a
    known = ", ".join(a.name for a in ASSUMPTIONS)
    raise KeyError(f"unknown assumption {name!r}; known: {known}")


__all__ = [
    "ASSUMPTIONS",
    "VALUE_BOOST",
    "Assumption",
    "assumption",
    "field_bounds",
    "scenario_value",
]
