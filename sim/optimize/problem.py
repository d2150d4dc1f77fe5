"""What to optimise: the market, the goal, the constraints, the space, and what to beat.

``OptimizeProblem`` is a declarative value object that validates itself: a bad option is an
``OptionError`` naming it (``--max-opt-out``, ``--channels``, ...), a bad file a
``ScenarioError`` naming the file, the field and what is allowed, so the command line turns
both into one line each and exit code 2.

- **The market**: the scenario; with a posterior (``posterior.parquet`` of ``followup
  calibrate``), ``draws`` parameter sets drawn from it by weight, each set on the scenario
  (the search's objective is then the mean over those markets).
- **The baseline** (``--baseline``): the team's current cadence, a strategy's name (the
  library or the scenario's own) or a YAML file holding one cadence (``phases:``, as under
  ``custom_strategies``; ``best.yaml`` of an earlier search is one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from pydantic import ValidationError

from sim.calibrate.compare import read_posterior
from sim.calibrate.space import apply_values
from sim.io.errors import OptionError, Problem, ScenarioError, unknown_names
from sim.io.loader import read_yaml, scenario_from_dict
from sim.io.problems import problems_from
from sim.model.scenario import Scenario
from sim.optimize.evaluate import derived_generator
from sim.optimize.objective import Constraints, Goal
from sim.optimize.space import SearchSpace, spec_mapping
from sim.strategy.cadence import CadenceSpec, structure_problems
from sim.strategy.library import library_specs

PICK = "optimized"
"""The pick's name in ``scenario.yaml`` and in the confirmation."""
DEFAULT_MAX_OPT_OUT = 0.02
"""The opt-out cap unless one is given: 2 prospects in 100."""


@dataclass(frozen=True)
class Baseline:
    name: str
    spec: CadenceSpec
    source: str


@dataclass(frozen=True)
class OptimizeProblem:
    scenario: Scenario
    goal: Goal = Goal.meetings
    constraints: Constraints = field(
        default_factory=lambda: Constraints(max_opt_out=DEFAULT_MAX_OPT_OUT)
    )
    space: SearchSpace = field(default_factory=SearchSpace)
    baseline: Baseline | None = None
    posterior: Path | None = None
    draws: int = 8
    pareto: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.draws <= 1000:
            raise OptionError("draws", f"must be between 1 and 1,000, got {self.draws}")

    @property
    def name(self) -> str:
        return self.scenario.name

    def markets(self, seed: int) -> list[dict[str, Any]]:
        """The scenario of each market the objective averages over (one without a
        posterior); each is validated, and a draw that does not validate is an error naming
        the posterior file and the draw."""
        base = self.scenario.model_dump(mode="json")
        if self.posterior is None:
            return [base]
        frame = read_posterior(self.posterior, self.scenario)
        rows = posterior_rows(frame, self.draws, seed)
        out = []
        for k, values in enumerate(rows.to_dict(orient="records")):
            data = apply_values(base, {str(p): float(v) for p, v in values.items()})
            scenario_from_dict(data, f"{self.posterior} (draw {k})")
            out.append(data)
        return out

    def library(self) -> dict[str, CadenceSpec]:
        """The strategies the pick is proved against: the library and the scenario's own
        cadences (by name, library first; a scenario's cadence named ``optimized`` is an
        earlier pick and is left out)."""
        out = dict(library_specs())
        for name, raw in self.scenario.custom_strategies.items():
            if name != PICK:
                out[name] = CadenceSpec.model_validate(raw)
        return out


def posterior_rows(frame: pd.DataFrame, draws: int, seed: int) -> pd.DataFrame:
    """``draws`` parameter sets of a posterior sample, by weight (without replacement while
    the sample has enough rows of positive weight), drawn with a generator of ``seed``'s own
    (``optimize:posterior``): the search and the confirmation each draw their markets."""
    weights = frame["weight"].to_numpy(dtype=float)
    p = weights / weights.sum()
    replace = draws > int(np.count_nonzero(p))
    rng = derived_generator(seed, "optimize:posterior")
    picked = rng.choice(len(frame), size=draws, replace=replace, p=p)
    return frame.iloc[picked].drop(columns=["weight"]).reset_index(drop=True)


def space_for(
    scenario: Scenario, channels: tuple[str, ...] | None, max_touches: int | None
) -> SearchSpace:
    """The search space for a scenario: ``after`` is searched for web leads only."""
    leads = bool(scenario.leads.arrival_hours)
    if channels is None:
        return SearchSpace(max_touches=max_touches, leads=leads)
    return SearchSpace(channels=channels, max_touches=max_touches, leads=leads)


def parse_channels(option: str | None) -> tuple[str, ...] | None:
    """The ``--channels`` option (``a,b,...``) as names; problems are ``OptionError``."""
    if option is None:
        return None
    names = tuple(n.strip() for n in option.split(",") if n.strip())
    if not names:
        raise OptionError("channels", "give at least one channel (for example email,call_cell)")
    return names


def load_baseline(option: str, scenario: Scenario) -> Baseline:
    """A strategy's name, or a YAML file holding one cadence."""
    path = Path(option)
    if path.suffix in (".yaml", ".yml") or path.is_file():
        return _baseline_file(path, scenario)
    known = {**library_specs()}
    for name, raw in scenario.custom_strategies.items():
        known[name] = CadenceSpec.model_validate(raw)
    if option not in known:
        raise OptionError(
            "baseline",
            f"{unknown_names('strategy', [option], known)}; or give a YAML file holding a cadence",
        )
    return Baseline(option, known[option], option)


def _baseline_file(path: Path, scenario: Scenario) -> Baseline:
    source = str(path)
    if not path.is_file():
        raise ScenarioError(source, [Problem("", None, "no such cadence file")])
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        message = "must be a mapping of cadence fields (phases:)"
        raise ScenarioError(source, [Problem("(top level)", raw, message)])
    try:
        spec = CadenceSpec.model_validate(raw)
    except ValidationError as exc:
        found = [Problem(*located) for located in structure_problems(raw)]
        said = {p.message for p in found}
        found = [p for p in problems_from(exc, CadenceSpec) if p.message not in said] + found
        raise ScenarioError(source, found) from None
    name = path.stem
    taken = set(library_specs()) | set(scenario.custom_strategies) | {PICK}
    if name in taken:
        name = f"{name}-baseline"
    return Baseline(name, spec, source)


def cadence_yaml(spec: CadenceSpec) -> str:
    """A cadence as YAML, defaults left out (as a ``custom_strategies`` entry reads)."""
    return yaml.safe_dump(spec_mapping(spec), sort_keys=False, default_flow_style=None,
                          width=100)  # fmt: skip


__all__ = [
    "DEFAULT_MAX_OPT_OUT",
    "PICK",
    "Baseline",
    "OptimizeProblem",
    "cadence_yaml",
    "load_baseline",
    "parse_channels",
    "space_for",
]
