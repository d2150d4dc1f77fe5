"""The sweep file: a base scenario, the parameters to vary and how, the strategies, the sizes.

A sweep file is YAML validated like a scenario: unknown keys are rejected and every problem
is one line naming the file, the dotted field path, the bad value and what is allowed
(``ScenarioError``). The checks that need the scenario (does a parameter's path exist, does
every cell's scenario validate) are in ``sim.sweep.design``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.io.errors import Problem, ScenarioError
from sim.io.loader import SCENARIO_DIR, read_yaml, resolve, validate_mapping
from sim.results.summary import METRICS

SWEEP_DIR = SCENARIO_DIR / "sweeps"
"""Where sweep files shipped with the project live (``followup sweep persistence``)."""

Scalar = float | int | bool | str
DESIGNS = ("grid", "list", "lhs", "sobol")


class SpecModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Parameter(SpecModel):
    """One scenario field to vary: a list of ``values``, or a range ``low``..``high``."""

    path: str = Field(min_length=1, description="dotted scenario path, e.g. response.p_win")
    label: str | None = None
    """Axis label for the charts, with its unit (default: the path)."""
    values: list[Scalar] | None = Field(default=None, min_length=1)
    low: float | None = None
    high: float | None = None
    log: bool = False
    """Sample the range uniformly in log space (``low`` must be > 0)."""
    steps: int | None = Field(default=None, ge=2, le=1000)
    """Grid design over a range: this many points from ``low`` to ``high``."""
    balance: str | None = None
    """A dotted path that absorbs the change, so that a group of shares keeps its total:
    sweeping ``population.segments.buyer`` with ``balance: population.segments.non_fit``
    moves non-fits to buyers and back."""

    @model_validator(mode="after")
    def _range(self) -> Parameter:
        has_range = self.low is not None or self.high is not None
        if self.values is not None and has_range:
            raise ValueError("give either values or low/high, not both")
        if self.values is None and not has_range:
            raise ValueError("give values (a list) or a range (low and high)")
        if has_range:
            if self.low is None or self.high is None:
                raise ValueError("a range needs both low and high")
            if not (math.isfinite(self.low) and math.isfinite(self.high)) or self.low >= self.high:
                raise ValueError(f"low ({self.low:g}) must be below high ({self.high:g})")
            if self.log and self.low <= 0:
                raise ValueError(f"a log range needs low > 0, got {self.low:g}")
        elif self.steps is not None or self.log:
            raise ValueError("steps and log apply to a range (low/high), not to values")
        return self

    @property
    def is_range(self) -> bool:
        return self.values is None

    @property
    def name(self) -> str:
        """The column of this parameter in the result tables: its path."""
        return self.path


class Sensitivity(SpecModel):
    """How ``followup sensitivity`` samples and analyses the parameters' ranges."""

    method: Literal["sobol", "morris"] = "sobol"
    """Sobol indices (Saltelli's scheme, ``samples * (D + 2)`` cells, or ``samples * (2D + 2)``
    with second-order indices) or Morris elementary effects (``samples * (D + 1)`` cells; for
    many parameters)."""
    samples: int = Field(default=32, ge=2, le=1_000_000)
    """Sobol: the base sample size N (a power of 2); Morris: the number of trajectories."""
    second_order: bool = False
    levels: int = Field(default=4, ge=2, le=100)
    """Morris: grid levels."""
    resamples: int = Field(default=500, ge=10, le=100_000)
    """Bootstrap resamples for the confidence intervals of the indices."""
    conf_level: float = Field(default=0.95, gt=0, lt=1)

    @model_validator(mode="after")
    def _power_of_two(self) -> Sensitivity:
        if self.method == "sobol" and self.samples & (self.samples - 1):
            raise ValueError(f"sobol samples must be a power of 2, got {self.samples}")
        return self


class SweepSpec(SpecModel):
    """Everything that defines a sweep. Every field but ``parameters`` and ``strategies`` has a
    default."""

    name: str = Field(default="", max_length=200)
    """Default: the file's name without its extension; the output folder's name under
    ``reports/sweeps/`` (made safe as a folder name) when ``--out`` is not given."""
    description: str = ""
    base: str = Field(default="baseline", min_length=1)
    """The base scenario: a path (relative to the sweep file, else to the working directory) or
    the name of a file in ``scenarios/``."""
    overrides: dict[str, Any] = Field(default_factory=dict)
    """Scenario fields set in every cell (nested mappings, as in a scenario file)."""
    parameters: list[Parameter] = Field(min_length=1)
    design: Literal["grid", "list", "lhs", "sobol"] = "grid"
    samples: int | None = Field(default=None, ge=1, le=1_000_000)
    """Design points of ``lhs`` and ``sobol`` (a power of 2 for ``sobol``)."""
    strategies: list[str] = Field(min_length=1)
    prospects: int = Field(default=2000, ge=1, le=100_000_000)
    """Prospects per strategy, cell and replication."""
    replications: int = Field(default=1, ge=1, le=10_000)
    """Independent runs per cell (seeds ``replication`` 0, 1, ...), pooled in the results."""
    seed: int = Field(default=0, ge=0, le=2**63 - 1)
    common_random_numbers: bool = True
    """Every cell uses the same seed for a given replication (see ``sim.sweep.tasks``)."""
    metric: str = "meeting_rate"
    """The metric of the sensitivity analysis and of the chart along a parameter."""
    compare: tuple[str, str] | None = None
    """Two strategies whose difference in ``metric`` is analysed too (first minus second)."""
    sensitivity: Sensitivity = Sensitivity()

    @model_validator(mode="after")
    def _consistent(self) -> SweepSpec:
        problems = []
        if self.metric not in METRICS:
            problems.append(
                f"metric {self.metric!r} is unknown; choose one of {', '.join(METRICS)}"
            )
        if self.compare is not None:
            missing = [s for s in self.compare if s not in self.strategies]
            if missing:
                problems.append(f"compare names {missing} not in strategies")
            if self.compare[0] == self.compare[1]:
                problems.append("compare needs two different strategies")
        if len(set(self.strategies)) != len(self.strategies):
            problems.append("strategies are listed twice")
        paths = [p.path for p in self.parameters]
        if len(set(paths)) != len(paths):
            problems.append("a parameter path is listed twice")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def design_problems(spec: SweepSpec) -> list[Problem]:
    """What the chosen ``design`` needs from each parameter (values, ranges, steps, sizes);
    checked by ``followup sweep`` only (``followup sensitivity`` samples the ranges its own
    way: ``sensitivity_problems``)."""
    out: list[Problem] = []
    for i, p in enumerate(spec.parameters):
        where = f"parameters.{i}"
        if spec.design == "grid" and p.is_range and p.steps is None:
            out.append(Problem(where, p.path, "a range in a grid design needs steps (>= 2)"))
        if spec.design == "list" and p.is_range:
            out.append(Problem(where, p.path, "the list design takes values, not a range"))
        if spec.design in ("lhs", "sobol") and not p.is_range:
            out.append(Problem(where, p.path, f"the {spec.design} design needs low and high"))
        if spec.design in ("lhs", "sobol") and p.steps is not None:
            out.append(Problem(f"{where}.steps", p.steps, "only the grid design takes steps"))
    if spec.design == "list":
        lengths = {len(p.values or []) for p in spec.parameters}
        if len(lengths) > 1:
            out.append(
                Problem("parameters", sorted(lengths), "the list design needs equally long values")
            )
    if spec.design in ("lhs", "sobol") and spec.samples is None:
        out.append(Problem("samples", None, f"the {spec.design} design needs samples"))
    if spec.design == "sobol" and spec.samples is not None and spec.samples & (spec.samples - 1):
        out.append(Problem("samples", spec.samples, "the sobol design needs a power of 2"))
    return out


def sensitivity_problems(spec: SweepSpec) -> list[Problem]:
    """The sensitivity analysis samples ranges: every parameter needs ``low`` and ``high``."""
    return [
        Problem(f"parameters.{i}", p.path, "sensitivity analysis needs a range (low and high)")
        for i, p in enumerate(spec.parameters)
        if not p.is_range
    ]


def _allowed(problem: Problem) -> Problem:
    """An unknown key inside a parameter, with the keys a parameter takes."""
    parts = problem.path.split(".")
    if problem.message == "unknown key" and len(parts) == 3 and parts[0] == "parameters":
        allowed = ", ".join(sorted(Parameter.model_fields))
        return Problem(problem.path, problem.value, f"unknown key; allowed: {allowed}")
    return problem


def resolve_spec(name_or_path: str | Path) -> Path:
    """A sweep file by path, or by name from ``scenarios/sweeps/``."""
    return resolve(name_or_path, SWEEP_DIR)


def spec_from_dict(data: Any, source: str = "<sweep>", name: str = "sweep") -> SweepSpec:
    """Validate a mapping (as read from YAML) into a ``SweepSpec``; ``name`` when it has none."""
    spec = validate_mapping(SweepSpec, data, source, "sweep", mend=_allowed)
    return spec if spec.name else spec.model_copy(update={"name": name})


def load_spec(name_or_path: str | Path) -> tuple[SweepSpec, Path]:
    """Read and validate a sweep file; returns the spec and the file's path (the base scenario
    is resolved relative to it)."""
    path = resolve_spec(name_or_path)
    if not path.exists():
        raise ScenarioError(str(path), [Problem("", None, "no such sweep file")])
    return spec_from_dict(read_yaml(path, "sweep"), str(path), path.stem), path


__all__ = [
    "DESIGNS",
    "SWEEP_DIR",
    "Parameter",
    "Sensitivity",
    "SweepSpec",
    "design_problems",
    "load_spec",
    "resolve_spec",
    "sensitivity_problems",
    "spec_from_dict",
]
