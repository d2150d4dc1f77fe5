"""The cells of a sweep: design points, and each point's scenario, validated before anything runs.

A design point gives each swept parameter a value. ``grid`` is the Cartesian product of the
parameters' values (a range with ``steps`` is spaced evenly, in log space with ``log``);
``list`` takes the i-th value of every parameter; ``lhs`` and ``sobol`` draw ``samples`` points
of the unit cube (``scipy.stats.qmc``: Latin hypercube, scrambled Sobol) and scale them to the
ranges. The sensitivity analysis has its own points: Saltelli's scheme for Sobol indices
(``SALib.sample.sobol``) or Morris trajectories (``SALib.sample.morris``). Every draw comes
from a generator seeded by the spec's ``seed`` (``design_seed``), so the same file always gives
the same cells.

A field that holds a whole number in the base scenario (``calendar.horizon_days``) gets its
sampled values rounded to whole numbers.
"""

from __future__ import annotations

import copy
import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.stats import qmc

from sim.io.errors import Problem, ScenarioError
from sim.io.loader import deep_update, load_scenario, resolve, scenario_from_dict
from sim.model.scenario import Scenario
from sim.model.streams import stream
from sim.strategy.library import library_names
from sim.sweep.spec import Parameter, Scalar, SweepSpec, design_problems, sensitivity_problems

MAX_PROBLEMS = 20
"""At most this many problems of the cells' scenarios are listed (then a count of the rest)."""
MAX_CELLS = 100_000
"""The most cells a sweep may have (each is a validated scenario held in memory)."""


@dataclass(frozen=True)
class Cell:
    """One design point and its validated scenario."""

    index: int
    values: dict[str, Scalar]
    scenario: Scenario


@dataclass(frozen=True)
class Design:
    """The cells of a sweep, in design order; ``unit`` is the sensitivity sample in the space
    SALib analyses (log space for ``log`` parameters), ``None`` for a plain sweep."""

    kind: str
    cells: list[Cell]
    unit: NDArray[np.float64] | None = None

    @property
    def parameters(self) -> list[str]:
        return list(self.cells[0].values) if self.cells else []


# -- the base scenario -------------------------------------------------------------------------


def base_path(spec: SweepSpec, spec_file: Path | None) -> Path:
    """The base scenario file: relative to the sweep file first, then as ``load_scenario``."""
    if spec_file is not None:
        near = spec_file.parent / spec.base
        if near.is_file():
            return near
    return resolve(spec.base)


def base_scenario(spec: SweepSpec, spec_file: Path | None, source: str) -> dict[str, Any]:
    """The base scenario with the spec's ``overrides``, validated, as a JSON-ready mapping.

    Every problem names the sweep file and its field: ``base`` (a file that is missing or
    cannot be read, or a problem inside it, told with the base file's own field path) or
    ``overrides.<path>``."""
    path = base_path(spec, spec_file)
    if not path.exists():
        raise ScenarioError(source, [Problem("base", spec.base, "no such scenario file")])
    try:
        scenario = load_scenario(path)
    except ScenarioError as exc:
        problems = [Problem("base", spec.base, p.format("")) for p in exc.problems]
        raise ScenarioError(source, problems) from None
    data = scenario.model_dump(mode="json")
    if not spec.overrides:
        return data
    merged = deep_update(data, spec.overrides)
    try:
        scenario_from_dict(merged, source)
    except ScenarioError as exc:
        problems = [
            Problem(f"overrides.{p.path}" if p.path else "overrides", p.value, p.message)
            for p in exc.problems
        ]
        raise ScenarioError(source, problems) from None
    return merged


# -- paths -------------------------------------------------------------------------------------


def walk_path(data: dict[str, Any], path: str) -> tuple[Any, str | None]:
    """The value at a dotted path, or ``(None, message)`` saying where the path breaks."""
    current: Any = data
    parts = path.split(".")
    for depth, part in enumerate(parts):
        where = ".".join(parts[:depth]) or "the scenario's top level"
        if not isinstance(current, dict):
            return None, f"{where} is a value, it has no field {part!r}"
        if part not in current:
            keys = ", ".join(str(k) for k in current)
            return None, f"no such scenario field; {where} has: {keys}"
        current = current[part]
    if isinstance(current, dict):
        keys = ", ".join(str(k) for k in current)
        return None, f"is a group of fields, not one value; it has: {keys}"
    return current, None


def path_problems(spec: SweepSpec, base: dict[str, Any]) -> list[Problem]:
    """Every parameter (and ``balance``) path must name one value of the scenario."""
    out: list[Problem] = []
    for i, p in enumerate(spec.parameters):
        for field, path in (("path", p.path), ("balance", p.balance)):
            if path is None:
                continue
            _, message = walk_path(base, path)
            if message:
                out.append(Problem(f"parameters.{i}.{field}", path, message))
    return out


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    current = data
    for part in parents:
        current = current[part]
    current[last] = value


def apply(base: dict[str, Any], spec: SweepSpec, values: dict[str, Scalar]) -> dict[str, Any]:
    """The base scenario with one design point's values set (and their ``balance`` fields
    moved by the opposite amount)."""
    data = copy.deepcopy(base)
    for p in spec.parameters:
        value = values[p.name]
        if p.balance is not None:
            old, _ = walk_path(base, p.path)
            other, _ = walk_path(data, p.balance)
            if isinstance(value, int | float) and isinstance(old, int | float):
                _set(data, p.balance, _tidy(float(other) - (float(value) - float(old))))
        _set(data, p.path, value)
    return data


# -- design points -----------------------------------------------------------------------------


def design_seed(spec: SweepSpec, what: str) -> int:
    """A seed for the design's own draws (LHS, Sobol, SALib samples and bootstraps)."""
    return int(stream(spec.seed, f"sweep:design:{what}").integers(2**32))


def _tidy(x: float) -> float:
    """A float without the tail of binary rounding (0.30000000000000004 -> 0.3)."""
    return float(f"{x:.12g}")


def _grid_values(p: Parameter) -> list[Scalar]:
    if p.values is not None:
        return list(p.values)
    assert p.low is not None and p.high is not None and p.steps is not None
    space = np.geomspace if p.log else np.linspace
    raw = space(p.low, p.high, p.steps)
    return [_tidy(float(x)) for x in raw]


def _scale(p: Parameter, u: NDArray[np.float64]) -> NDArray[np.float64]:
    """Unit-cube coordinates to a parameter's range (log-uniform with ``log``)."""
    assert p.low is not None and p.high is not None
    if p.log:
        out = np.exp(np.log(p.low) + u * (np.log(p.high) - np.log(p.low)))
    else:
        out = p.low + u * (p.high - p.low)
    return np.asarray(out, dtype=np.float64)


def sweep_points(spec: SweepSpec) -> list[dict[str, Scalar]]:
    """The design points of ``followup sweep``, in design order."""
    params = spec.parameters
    if spec.design == "grid":
        names = [p.name for p in params]
        grids = [_grid_values(p) for p in params]
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*grids)]
    if spec.design == "list":
        names = [p.name for p in params]
        columns = [list(p.values or []) for p in params]
        return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]
    assert spec.samples is not None
    d, seed = len(params), design_seed(spec, spec.design)
    if spec.design == "lhs":
        unit = qmc.LatinHypercube(d=d, rng=np.random.default_rng(seed)).random(spec.samples)
    else:
        sampler = qmc.Sobol(d=d, scramble=True, rng=np.random.default_rng(seed))
        unit = sampler.random_base2(int(math.log2(spec.samples)))
    scaled = [_scale(p, unit[:, j]) for j, p in enumerate(params)]
    return [
        {p.name: _tidy(float(col[i])) for p, col in zip(params, scaled, strict=True)}
        for i in range(unit.shape[0])
    ]


def salib_problem(spec: SweepSpec) -> dict[str, Any]:
    """SALib's problem: the parameters' names and bounds (log bounds for ``log`` ranges)."""
    bounds = []
    for p in spec.parameters:
        assert p.low is not None and p.high is not None
        bounds.append([math.log(p.low), math.log(p.high)] if p.log else [p.low, p.high])
    return {"num_vars": len(spec.parameters), "names": [p.name for p in spec.parameters],
            "bounds": bounds}  # fmt: skip


def sensitivity_sample(spec: SweepSpec) -> NDArray[np.float64]:
    """The sensitivity design in SALib's space (rows: points; log space for ``log`` ranges)."""
    from SALib.sample import morris, sobol

    problem = salib_problem(spec)
    s = spec.sensitivity
    seed = design_seed(spec, s.method)
    if s.method == "sobol":
        x = sobol.sample(problem, s.samples, calc_second_order=s.second_order, seed=seed)
    else:
        x = morris.sample(problem, s.samples, num_levels=s.levels, seed=seed)
    return np.asarray(x, dtype=np.float64)


def sensitivity_points(spec: SweepSpec, unit: NDArray[np.float64]) -> list[dict[str, Scalar]]:
    """SALib's sample rows as design points (exponentiated for ``log`` ranges)."""
    out = []
    for row in unit:
        point: dict[str, Scalar] = {}
        for p, x in zip(spec.parameters, row, strict=True):
            point[p.name] = _tidy(math.exp(x) if p.log else float(x))
        out.append(point)
    return out


# -- cells -------------------------------------------------------------------------------------


def _round_integers(
    points: list[dict[str, Scalar]], base: dict[str, Any], spec: SweepSpec
) -> list[dict[str, Scalar]]:
    whole = [
        p.name for p in spec.parameters if p.is_range and _is_integer(walk_path(base, p.path)[0])
    ]
    if not whole:
        return points
    return [{k: round(float(v)) if k in whole else v for k, v in pt.items()} for pt in points]


def _cell_problems(
    spec: SweepSpec, index: int, values: dict[str, Scalar], exc: ScenarioError
) -> list[Problem]:
    """A cell's scenario problems, told against the parameter that caused each of them."""
    out = []
    for problem in exc.problems:
        culprit = next(
            (i for i, p in enumerate(spec.parameters) if problem.path in (p.path, p.balance)),
            None,
        )
        if culprit is not None:
            p = spec.parameters[culprit]
            where = f"parameters.{culprit}" + (".values" if not p.is_range else "")
            what = problem.path if problem.path == p.path else f"{problem.path} (balance)"
            out.append(Problem(where, values[p.name], f"{what}: {problem.message}"))
        else:
            field = f"{problem.path} = {problem.value!r}: " if problem.path else ""
            out.append(Problem(f"cell {index}", values, f"{field}{problem.message}"))
    return out


def cells_of(
    spec: SweepSpec, base: dict[str, Any], points: list[dict[str, Scalar]], source: str
) -> list[Cell]:
    """Each point's scenario, validated; every distinct problem of every cell is reported."""
    points = _round_integers(points, base, spec)
    cells: list[Cell] = []
    problems: list[Problem] = []
    for index, values in enumerate(points):
        try:
            scenario = scenario_from_dict(apply(base, spec, values), source)
        except ScenarioError as exc:
            for problem in _cell_problems(spec, index, values, exc):
                if problem not in problems:
                    problems.append(problem)
            continue
        cells.append(Cell(index, values, scenario))
    if problems:
        problems.sort(key=lambda p: p.path)
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            rest = len(problems) - MAX_PROBLEMS
            shown.append(Problem("", None, f"... and {rest} more problems like these"))
        raise ScenarioError(source, shown)
    return cells


def strategy_problems(spec: SweepSpec, base: Scenario) -> list[Problem]:
    """The strategies must be in the library or the base scenario's ``custom_strategies``."""
    known = [*library_names(), *(n for n in base.custom_strategies if n not in library_names())]
    return [
        Problem(f"strategies.{i}", name, f"unknown strategy; known: {', '.join(known)}")
        for i, name in enumerate(spec.strategies)
        if name not in known
    ]


def cell_count(spec: SweepSpec, kind: str = "sweep") -> int:
    """How many cells the design has, counted without making them."""
    params = spec.parameters
    if kind == "sensitivity":
        s, d = spec.sensitivity, len(params)
        per = (2 * d + 2 if s.second_order else d + 2) if s.method == "sobol" else d + 1
        return s.samples * per
    if spec.design == "grid":
        return math.prod(len(p.values) if p.values is not None else (p.steps or 1) for p in params)
    if spec.design == "list":
        return max(len(p.values or []) for p in params)
    return spec.samples or 0


def build_design(spec: SweepSpec, spec_file: Path | None, kind: str = "sweep") -> Design:
    """The validated cells of ``spec``: ``kind`` ``sweep`` (its ``design``) or ``sensitivity``
    (its ``sensitivity.method`` sample). Raises ``ScenarioError`` with every problem."""
    source = str(spec_file) if spec_file is not None else "<sweep>"
    base = base_scenario(spec, spec_file, source)
    problems = path_problems(spec, base)
    problems += strategy_problems(spec, scenario_from_dict(base, source))
    problems += sensitivity_problems(spec) if kind == "sensitivity" else design_problems(spec)
    if not problems and cell_count(spec, kind) > MAX_CELLS:
        what = "sensitivity.samples" if kind == "sensitivity" else "parameters"
        problems.append(
            Problem(what, f"{cell_count(spec, kind):,} cells",
                    f"a sweep may have at most {MAX_CELLS:,} cells; use fewer values, steps "
                    "or samples, or split it")
        )  # fmt: skip
    if problems:
        raise ScenarioError(source, problems)
    unit = None
    name: str = spec.design
    if kind == "sensitivity":
        unit = sensitivity_sample(spec)
        points = sensitivity_points(spec, unit)
        name = spec.sensitivity.method
    else:
        points = sweep_points(spec)
    return Design(name, cells_of(spec, base, points, source), unit)


__all__ = [
    "Cell",
    "Design",
    "apply",
    "base_scenario",
    "build_design",
    "cells_of",
    "design_seed",
    "salib_problem",
    "sensitivity_points",
    "sensitivity_sample",
    "sweep_points",
    "walk_path",
]
