"""Free parameters and the scenario: a point of the parameter space becomes a validated scenario.

A free parameter is a dotted scenario path (``population.loads.email.median``) set on the
scenario's JSON dump, which is then validated again, so every rule of the scenario holds for
every candidate. A few *compound* parameters move several fields at once and keep the
scenario's rules true:

- ``population.segments.fit``: the share of the list that fits (buyers plus information
  seekers); their ratio is kept and ``non_fit`` takes the rest, so the shares add up to 1;
- ``response.b_pos.all`` and ``response.b_no.all``: the buyers' intercept of the positive (or
  the no) reply, with info seekers and non-fits moved by the same amount (their distance to the
  buyers is kept), so one number sets the level of replies across segments;
- ``habituation``: habituation to a repeated message, ``salience.habituation`` and
  ``response.w_habituation`` set to one number (MODEL.md: each repeat lowers the template's
  salience and its reply logit "by the same").

Compound values are absolute (setting ``response.b_pos.all`` to -1 on the calibrated scenario
or on its base gives the same scenario), so posterior draws can be applied to either.

Each dimension has a prior, uniform or log-uniform on ``[low, high]``; samplers work in the
unit cube (``to_unit`` / ``from_unit``), where both priors are uniform.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from sim.calibrate.levers import (
    B_NO,
    B_POS,
    EMAIL_LOAD,
    FIT,
    PICKUP,
    PICKUP_KNOWN,
    RECALL_RIVALS,
    TOLERANCE,
    VOICEMAIL_LOAD,
)
from sim.io.loader import scenario_from_dict
from sim.model.scenario import Scenario
from sim.sweep.design import walk_path

Prior = Literal["uniform", "log-uniform"]
SEGMENTS = ("buyer", "info_seeker", "non_fit")

DEFAULT_RANGES: dict[str, tuple[float, float, Prior]] = {
    EMAIL_LOAD: (20.0, 1000.0, "log-uniform"),
    VOICEMAIL_LOAD: (5.0, 300.0, "log-uniform"),
    PICKUP: (0.02, 0.95, "uniform"),
    PICKUP_KNOWN: (0.01, 0.9, "uniform"),
    FIT: (0.02, 0.9, "uniform"),
    B_POS: (-6.0, 2.0, "uniform"),
    B_NO: (-6.0, 3.0, "uniform"),
    TOLERANCE: (0.5, 50.0, "log-uniform"),
    RECALL_RIVALS: (0.05, 20.0, "log-uniform"),
}
"""Bounds and prior of the level-setting parameters, used when a targets file names one
without bounds, and for the default free set."""


# -- dotted paths ------------------------------------------------------------------------------


def walk(data: dict[str, Any], path: str) -> tuple[Any, str | None]:
    """The number at a dotted path of a scenario's JSON dump, or ``(None, why not)`` (the
    sweep's ``walk_path``, which also says where a path breaks, and then: a number)."""
    current, why = walk_path(data, path)
    if why is not None:
        return None, why
    if isinstance(current, bool) or not isinstance(current, int | float):
        return None, f"holds {current!r}, not a number"
    return current, None


def set_path(data: dict[str, Any], path: str, value: float) -> None:
    *parents, last = path.split(".")
    current = data
    for part in parents:
        current = current[part]
    current[last] = round(value) if isinstance(current[last], int) else value


# -- compound parameters -----------------------------------------------------------------------


@dataclass(frozen=True)
class Compound:
    """A parameter that moves several scenario fields: how to read it, and how to set it."""

    description: str
    read: Callable[[dict[str, Any]], float]
    write: Callable[[dict[str, Any], float], None]


def _read_fit(data: dict[str, Any]) -> float:
    seg = data["population"]["segments"]
    return float(seg["buyer"] + seg["info_seeker"])


def _write_fit(data: dict[str, Any], value: float) -> None:
    seg = data["population"]["segments"]
    fits = seg["buyer"] + seg["info_seeker"]
    buyer_part = seg["buyer"] / fits if fits > 0 else 0.5
    seg["buyer"] = value * buyer_part
    seg["info_seeker"] = value - seg["buyer"]
    seg["non_fit"] = 1.0 - value


def _intercepts(block: str) -> Compound:
    def read(data: dict[str, Any]) -> float:
        return float(data["response"][block]["buyer"])

    def write(data: dict[str, Any], value: float) -> None:
        weights = data["response"][block]
        shift = value - weights["buyer"]
        for segment in SEGMENTS:
            weights[segment] = weights[segment] + shift

    return Compound(
        f"the buyers' response.{block} intercept, the other segments kept at the same "
        "distance from it",
        read,
        write,
    )


HABITUATION = "habituation"
"""The compound parameter of habituation to a repeated message (below)."""


def _read_habituation(data: dict[str, Any]) -> float:
    return float(data["salience"]["habituation"])


def _write_habituation(data: dict[str, Any], value: float) -> None:
    data["salience"]["habituation"] = value
    data["response"]["w_habituation"] = value


COMPOUND: dict[str, Compound] = {
    FIT: Compound(
        "the share of the list that fits (buyers plus info seekers, their ratio kept; "
        "non_fit takes the rest)",
        _read_fit,
        _write_fit,
    ),
    B_POS: _intercepts("b_pos"),
    B_NO: _intercepts("b_no"),
    "response.b_not_now.all": _intercepts("b_not_now"),
    HABITUATION: Compound(
        "habituation to a repeated message: salience.habituation and response.w_habituation, "
        "one number (each read of a template lowers both by it)",
        _read_habituation,
        _write_habituation,
    ),
}


def read_value(data: dict[str, Any], path: str) -> tuple[float | None, str | None]:
    """A free parameter's value in a scenario's dump, or ``(None, why not)``."""
    if path in COMPOUND:
        return COMPOUND[path].read(data), None
    value, problem = walk(data, path)
    return (None, problem) if problem else (float(value), None)


def apply_values(data: dict[str, Any], values: dict[str, float]) -> dict[str, Any]:
    """A copy of a scenario's dump with ``values`` set (compound parameters first, so that a
    plain path set alongside one wins)."""
    out = copy.deepcopy(data)
    for path in sorted(values, key=lambda p: p not in COMPOUND):
        if path in COMPOUND:
            COMPOUND[path].write(out, float(values[path]))
        else:
            set_path(out, path, float(values[path]))
    return out


# -- the space ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dimension:
    """One free parameter with its prior on ``[low, high]``."""

    path: str
    low: float
    high: float
    prior: Prior = "uniform"

    @property
    def log(self) -> bool:
        return self.prior == "log-uniform"

    def from_unit(self, u: float) -> float:
        if self.log:
            return math.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        return self.low + u * (self.high - self.low)

    def to_unit(self, x: float) -> float:
        if self.log:
            return (math.log(x) - math.log(self.low)) / (math.log(self.high) - math.log(self.low))
        return (x - self.low) / (self.high - self.low)


@dataclass(frozen=True)
class Space:
    """The free parameters and the base scenario they are set on."""

    dims: tuple[Dimension, ...]
    base: dict[str, Any]
    """The base scenario's JSON dump (with any inline strategies of the targets file)."""

    @property
    def paths(self) -> list[str]:
        return [d.path for d in self.dims]

    def values(self, unit: NDArray[np.float64] | list[float]) -> dict[str, float]:
        """A point of the unit cube as parameter values, by path."""
        return {d.path: d.from_unit(float(u)) for d, u in zip(self.dims, unit, strict=True)}

    def unit(self, values: dict[str, float]) -> NDArray[np.float64]:
        return np.array([d.to_unit(values[d.path]) for d in self.dims])

    def scenario_data(self, values: dict[str, float]) -> dict[str, Any]:
        return apply_values(self.base, values)

    def scenario(self, values: dict[str, float], source: str = "<calibration>") -> Scenario:
        """The validated scenario at ``values`` (``ScenarioError`` when a rule breaks)."""
        return scenario_from_dict(self.scenario_data(values), source)

    def base_values(self) -> dict[str, float]:
        """The base scenario's values of the free parameters (not clipped to the bounds)."""
        out = {}
        for d in self.dims:
            value, _ = read_value(self.base, d.path)
            out[d.path] = float("nan") if value is None else value
        return out


__all__ = [
    "COMPOUND",
    "DEFAULT_RANGES",
    "Dimension",
    "Prior",
    "Space",
    "apply_values",
    "read_value",
    "walk",
]
