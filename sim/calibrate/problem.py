"""A targets file resolved against its scenario: the calibration problem.

``load_problem`` reads and validates the file (``sim.calibrate.targets``), loads the base
scenario, checks every strategy (a name the scenario knows, or an inline cadence, added to the
scenario's ``custom_strategies`` as ``observed`` or ``observed-<i>``), checks every free
parameter (its path names one number of the scenario, or a compound parameter; its bounds; the
scenario still validates at each bound) and expands the market card into targets. Every problem
names the file, the field path, the bad value and what is allowed (``ScenarioError``).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.calibrate.space import COMPOUND, DEFAULT_RANGES, Dimension, Space, apply_values, walk
from sim.calibrate.statistics import CATALOGUE, Z95, Args, share_se
from sim.calibrate.targets import (
    MARKET,
    MIN_SE,
    RELATIVE_SE,
    Precision,
    StrategyRef,
    TargetsFile,
    resolved_bounds,
)
from sim.io.errors import Problem, ScenarioError
from sim.io.loader import (
    SCENARIO_DIR,
    load_scenario,
    read_yaml,
    resolve,
    scenario_from_dict,
    validate_mapping,
)
from sim.io.problems import problems_from
from sim.strategy.cadence import CadenceSpec
from sim.strategy.library import library_names

TARGETS_DIR = SCENARIO_DIR / "targets"
"""Where targets files shipped with the project live (``followup calibrate acme``)."""


@dataclass(frozen=True)
class Target:
    """One resolved target: a statistic under a strategy, observed with a standard error."""

    label: str
    statistic: str
    args: Args
    strategy: str
    observed: float
    se: float
    source: str
    """Where it came from in the file (``market.connect_rate_per_dial``, ``targets.0``)."""
    versus: tuple[str, Args] | None = None
    """A contrast's other side: its strategy and arguments."""
    contrast: str = "ratio"
    log_se: float | None = None
    """A contrast's standard error on the log scale, where it is compared (None: not a
    contrast, compared as it is)."""
    bound: str | None = None
    """``at_most`` or ``at_least``: the fact is an inequality, ``observed`` its bound (``se``
    0); None: a value with its standard error."""
    part: int = 0
    """The scenario it is observed on: 0 the file's, ``i`` the ``i``-th of the problem's
    ``others`` (a target with its own ``scenario``)."""

    @property
    def unit(self) -> str:
        return "ratio" if self.versus is not None else CATALOGUE[self.statistic].unit

    def scaled(self, value: float, se: float) -> tuple[float, float]:
        """A simulated value and its SE on the scale the target is compared on: a contrast (a
        ratio or an odds ratio, positive, its precision multiplicative) as ``log(value)`` with
        SE ``se / value`` (the delta method); any other statistic as it is."""
        if self.log_se is None:
            return value, se
        if not value > 0:
            return math.nan, math.nan
        return math.log(value), se / value

    @property
    def scaled_observed(self) -> tuple[float, float]:
        """The observed value and its SE on the compared scale."""
        if self.log_se is None:
            return self.observed, self.se
        return math.log(self.observed), self.log_se


@dataclass(frozen=True)
class OtherScenario:
    """A scenario some targets are observed on besides the file's (their ``scenario``): the
    free parameters are set on it as on the file's."""

    name: str
    """As the targets file gives it."""
    base: dict[str, Any]


@dataclass(frozen=True)
class CalibrationProblem:
    """Everything a calibration needs from its file."""

    name: str
    file: Path
    scenario_name: str
    space: Space
    targets: tuple[Target, ...]
    prospects: int | None
    budget: int | None
    defaulted_free: bool
    """True when the free parameters are the default set (the file has no ``free``)."""
    others: tuple[OtherScenario, ...] = ()

    @property
    def strategies(self) -> list[str]:
        """The strategies run on the file's scenario."""
        return self.strategies_on(0)

    def strategies_on(self, part: int) -> list[str]:
        mine = [t for t in self.targets if t.part == part]
        both = [(t.strategy, *([t.versus[0]] if t.versus else [])) for t in mine]
        return list(dict.fromkeys(name for pair in both for name in pair))

    def scenario_of(self, target: Target) -> str:
        """The name of the scenario ``target`` is observed on."""
        return self.others[target.part - 1].name if target.part else self.scenario_name

    def other_parts(
        self, values: dict[str, float]
    ) -> tuple[tuple[dict[str, Any], tuple[str, ...]], ...]:
        """Each other scenario with ``values`` set, and the strategies run on it."""
        return tuple(
            (apply_values(o.base, values), tuple(self.strategies_on(i)))
            for i, o in enumerate(self.others, start=1)
        )


def targets_path(name_or_path: str | Path) -> Path:
    """A targets file by path, or by name from ``scenarios/targets/``."""
    return resolve(name_or_path, TARGETS_DIR)


def load_problem(name_or_path: str | Path) -> CalibrationProblem:
    path = targets_path(name_or_path)
    source = str(path)
    if not path.is_file():
        raise ScenarioError(source, [Problem("", None, "no such targets file")])
    spec = validate_mapping(TargetsFile, read_yaml(path), source, "targets file")
    base = _base(spec.scenario, "scenario", path, source)
    problems: list[Problem] = []
    _fixed(spec, base, problems)
    if problems:
        raise ScenarioError(source, problems)
    others, parts = _others(spec, path, source)
    bases = [base, *(o.base for o in others)]
    names = _strategies(spec, bases, parts, problems)
    versus = _versus_strategies(spec, bases, parts, names, problems)
    targets = _targets(spec, names, versus, parts)
    dims, defaulted = _free(spec, targets, bases, problems)
    if problems:
        raise ScenarioError(source, problems)
    space = Space(tuple(dims), base)
    _check_bounds(space, problems)
    for other in others:
        _check_bounds(Space(tuple(dims), other.base), problems, other.name)
    if problems:
        raise ScenarioError(source, problems)
    return CalibrationProblem(
        name=spec.name or path.stem,
        file=path,
        scenario_name=str(base.get("name", "")),
        space=space,
        targets=tuple(targets),
        prospects=spec.fit.prospects,
        budget=spec.fit.budget,
        defaulted_free=defaulted,
        others=tuple(others),
    )


# -- the scenario and the strategies -----------------------------------------------------------


def _base(ref: str, field: str, file: Path, source: str) -> dict[str, Any]:
    near = file.parent / ref
    where = near if near.is_file() else resolve(ref)
    if not where.is_file():
        raise ScenarioError(
            source, [Problem(field, ref, "no such scenario file or name in scenarios/")]
        )
    return load_scenario(where).model_dump(mode="json")


def _others(spec: TargetsFile, file: Path, source: str) -> tuple[list[OtherScenario], list[int]]:
    """The scenarios targets name besides the file's (each loaded once; the file's ``set``
    is not applied to them), and each target's part (0: the file's scenario)."""
    others: dict[str, OtherScenario] = {}
    parts = []
    for i, t in enumerate(spec.targets):
        if t.scenario is None or t.scenario == spec.scenario:
            parts.append(0)
            continue
        if t.scenario not in others:
            base = _base(t.scenario, f"targets.{i}.scenario", file, source)
            others[t.scenario] = OtherScenario(t.scenario, base)
        parts.append(list(others).index(t.scenario) + 1)
    return list(others.values()), parts


def _fixed(spec: TargetsFile, base: dict[str, Any], problems: list[Problem]) -> None:
    """Apply the file's ``set`` to ``base`` (each path must name one field of the scenario,
    and the scenario must still validate)."""
    for path, value in (spec.set or {}).items():
        *parents, last = path.split(".")
        current: Any = base
        for part in parents:
            current = current.get(part) if isinstance(current, dict) else None
        if not isinstance(current, dict) or last not in current or isinstance(current[last], dict):
            _, why = walk(base, path)
            problems.append(Problem(f"set.{path}", value, why or "not one field of the scenario"))
            continue
        current[last] = value
    if spec.set and not problems:
        try:
            scenario_from_dict(base, "<set>")
        except ScenarioError as exc:
            for p in exc.problems:
                where = f"set.{p.path}" if p.path in spec.set else f"set (then {p.path})"
                problems.append(Problem(where, p.value, p.message))


def _known(base: dict[str, Any]) -> list[str]:
    return [*library_names(), *base.get("custom_strategies", {})]


def _strategies(
    spec: TargetsFile, bases: list[dict[str, Any]], parts: list[int], problems: list[Problem]
) -> list[str]:
    """Each target's strategy name (in ``spec.targets`` order; the file's own strategy last),
    resolved on the target's scenario, with inline cadences added to its custom strategies."""
    refs: list[tuple[str, StrategyRef | None, str, int]] = [
        (f"targets.{i}.strategy", t.strategy, f"observed-{i}", parts[i])
        for i, t in enumerate(spec.targets)
    ]
    refs.append(("strategy", spec.strategy, "observed", 0))
    names = [
        "" if ref is None else _resolve(ref, where, inline, _known(bases[k]), bases[k], problems)
        for where, ref, inline, k in refs
    ]
    default = names[-1]
    out = [n or (default if parts[i] == 0 else "") for i, n in enumerate(names[:-1])]
    for i, name in enumerate(out):
        if not name and parts[i]:
            problems.append(
                Problem(
                    f"targets.{i}.strategy",
                    None,
                    "a target on another scenario names its own strategy",
                )
            )
        elif not name:
            problems.append(
                Problem(
                    f"targets.{i}.strategy",
                    None,
                    "no strategy: give one here or a top-level strategy",
                )
            )
    return [*out, default]


def _versus_strategies(
    spec: TargetsFile,
    bases: list[dict[str, Any]],
    parts: list[int],
    names: list[str],
    problems: list[Problem],
) -> list[str | None]:
    """Each contrast's other strategy (its target's own when not given; None for a target that
    is no contrast), on the target's scenario, inline cadences added as
    ``observed-<i>-versus``."""
    out: list[str | None] = []
    for i, t in enumerate(spec.targets):
        if t.versus is None:
            out.append(None)
            continue
        ref = t.versus.strategy
        where = f"targets.{i}.versus.strategy"
        base = bases[parts[i]]
        out.append(
            names[i]
            if ref is None
            else _resolve(ref, where, f"observed-{i}-versus", _known(base), base, problems)
        )
    return out


def _resolve(
    ref: StrategyRef,
    where: str,
    inline_name: str,
    known: list[str],
    base: dict[str, Any],
    problems: list[Problem],
) -> str:
    """A strategy reference's name: a known name as it is (an unknown one is a problem at
    ``where``), an inline cadence validated and added to ``base``'s custom strategies as
    ``inline_name``."""
    if isinstance(ref, str):
        if ref not in known:
            problems.append(Problem(where, ref, f"unknown strategy; known: {', '.join(known)}"))
        return ref
    try:
        CadenceSpec.model_validate(ref)
    except ValidationError as exc:
        for p in problems_from(exc, CadenceSpec):
            problems.append(Problem(f"{where}.{p.path}".rstrip("."), p.value, p.message))
    base.setdefault("custom_strategies", {})[inline_name] = ref
    return inline_name


# -- the targets -------------------------------------------------------------------------------


def _label(statistic: str, args: Args) -> str:
    given = args.given()
    inner = ", ".join(f"{k}={v}" for k, v in given.items())
    return f"{statistic}[{inner}]" if inner else statistic


def _market_se(entry: Precision, scale: float, unit: str) -> float:
    observed = entry.value * scale
    if entry.se is not None:
        return entry.se * scale
    if entry.band is not None:
        return (entry.band[1] - entry.band[0]) * scale / (2 * Z95)
    if entry.n is not None:
        return share_se(observed * entry.n, entry.n)
    return max(RELATIVE_SE * abs(observed), MIN_SE[unit])


def _targets(
    spec: TargetsFile, names: list[str], versus: list[str | None], parts: list[int]
) -> list[Target]:
    out: list[Target] = []
    default = names[-1]
    for field, (statistic, args, scale, _) in MARKET.items():
        entry = getattr(spec.market, field)
        if entry is None:
            continue
        precise = entry if isinstance(entry, Precision) else Precision(value=float(entry))
        unit: str = CATALOGUE[statistic].unit
        out.append(
            Target(
                field,
                statistic,
                Args(**args),
                default,
                precise.value * scale,
                _market_se(precise, scale, unit),
                f"market.{field}",
            )
        )
    for i, t in enumerate(spec.targets):
        other = versus[i]
        unit = "ratio" if t.versus is not None else CATALOGUE[t.statistic].unit
        label = t.label or _label(t.statistic, t.args)
        pair = None
        if t.versus is not None and other is not None:
            pair = (other, t.versus.args_over(t.args))
            label = t.label or f"{t.contrast}({label}, {_label(t.statistic, pair[1])} of {other})"
        if parts[i] and not t.label:
            label = f"{label} on {t.scenario}"
        out.append(
            Target(
                label,
                t.statistic,
                t.args,
                names[i],
                t.value,
                0.0 if t.bound else t.standard_error(unit),
                f"targets.{i}",
                pair,
                t.contrast,
                (0.0 if t.bound else t.log_standard_error()) if t.versus is not None else None,
                t.bound,
                parts[i],
            )
        )
    seen: dict[str, int] = {}
    unique = []
    for target in out:
        count = seen.get(target.label, 0)
        seen[target.label] = count + 1
        label = target.label if not count else f"{target.label}#{count + 1}"
        unique.append(dataclasses.replace(target, label=label))
    return unique


# -- the free parameters -----------------------------------------------------------------------


def _free(
    spec: TargetsFile, targets: list[Target], bases: list[dict[str, Any]], problems: list[Problem]
) -> tuple[list[Dimension], bool]:
    """The free parameters; each must name one number of every scenario of the file."""
    base = bases[0]
    if spec.free is None:
        levers = dict.fromkeys(p for t in targets for p in CATALOGUE[t.statistic].levers)
        dims = []
        for path in levers:
            if path in COMPOUND or walk(base, path)[1] is None:
                low, high, prior = DEFAULT_RANGES[path]
                dims.append(Dimension(path, low, high, prior))
        return dims, True
    dims = []
    for path, free in spec.free.items():
        where = f"free.{path}"
        if path not in COMPOUND:
            _, message = walk(base, path)
            if message:
                problems.append(Problem(where, path, message))
                continue
            missing = [o for o in bases[1:] if walk(o, path)[1]]
            if missing:
                names = ", ".join(str(o.get("name", "")) for o in missing)
                problems.append(Problem(where, path, f"not one number of scenario {names}"))
                continue
        low, high, prior = resolved_bounds(path, free)
        if low != low or high != high:
            problems.append(Problem(where, free.model_dump(exclude_none=True),
                                    "needs low and high (defaults exist for: "
                                    f"{', '.join(DEFAULT_RANGES)})"))  # fmt: skip
            continue
        if not low < high:
            problems.append(Problem(f"{where}.low", low, f"must be below high ({high:g})"))
            continue
        if prior == "log-uniform" and low <= 0:
            problems.append(Problem(f"{where}.low", low, "must be > 0 for a log-uniform prior"))
            continue
        dims.append(Dimension(path, low, high, prior))
    return dims, False


def _check_bounds(space: Space, problems: list[Problem], scenario: str = "") -> None:
    """The scenario must validate at each bound of each parameter, the others at their base
    values (clipped into their bounds)."""
    which = f"scenario {scenario}" if scenario else "the scenario"
    start = {}
    for d in space.dims:
        value = space.base_values()[d.path]
        start[d.path] = min(max(value, d.low), d.high) if value == value else d.low
    for d in space.dims:
        for bound, value in (("low", d.low), ("high", d.high)):
            try:
                scenario_from_dict(apply_values(space.base, {**start, d.path: value}), "")
            except ScenarioError as exc:
                first = exc.problems[0]
                detail = f"{first.path} = {first.value!r}: " if first.path else ""
                problems.append(
                    Problem(f"free.{d.path}.{bound}", value,
                            f"{which} does not validate there ({detail}{first.message})")
                )  # fmt: skip


__all__ = [
    "TARGETS_DIR", "CalibrationProblem", "OtherScenario", "Target", "load_problem", "targets_path",
]  # fmt: skip
