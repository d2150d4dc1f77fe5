"""The built-in strategy library and the lookup of a scenario's strategies by name."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from pydantic import ValidationError

from sim.io.errors import Problem
from sim.io.problems import problems_from
from sim.model.scenario import Scenario
from sim.strategy.base import Strategy
from sim.strategy.cadence import Cadence, CadenceSpec, structure_problems


@lru_cache(maxsize=1)
def library_specs() -> dict[str, CadenceSpec]:
    """Every built-in strategy's spec, by name, in library order."""
    text = resources.files("sim").joinpath("data/library.yaml").read_text(encoding="utf-8")
    raw: dict[str, Any] = yaml.safe_load(text)
    return {name: CadenceSpec.model_validate(spec) for name, spec in raw.items()}


def library_names() -> list[str]:
    return list(library_specs())


def check_strategies(scenario: Scenario) -> list[Problem]:
    """Problems with a scenario's strategy list and custom strategy definitions."""
    problems: list[Problem] = []
    for name, spec in scenario.custom_strategies.items():
        try:
            CadenceSpec.model_validate(spec)
        except ValidationError as exc:
            # the rules across fields are checked on the raw mapping instead, so that every
            # problem is reported at once (pydantic checks them once every field is valid)
            found = [p for p in problems_from(exc, CadenceSpec) if not _across(p)]
            found += [Problem(*located) for located in structure_problems(spec)]
            for p in found:
                problems.append(Problem(f"custom_strategies.{name}.{p.path}", p.value, p.message))
    known = set(library_names()) | set(scenario.custom_strategies)
    for i, name in enumerate(scenario.strategies):
        if name not in known and name != "all":
            problems.append(
                Problem(
                    f"strategies.{i}", name, f"unknown strategy; known: {', '.join(sorted(known))}"
                )
            )
    return problems


def _across(problem: Problem) -> bool:
    """A problem from the cadence's rules across fields (reported by ``structure_problems``)."""
    return not problem.path or problem.message.startswith(
        ("steps must be in order", "repeat_every (")
    )


def expand(names: list[str], scenario: Scenario) -> list[str]:
    """Strategy names with ``all`` expanded to the library plus the scenario's own."""
    out: list[str] = []
    for name in names:
        extra = [*library_names(), *scenario.custom_strategies] if name == "all" else [name]
        out.extend(n for n in extra if n not in out)
    return out


def get_strategy(name: str, scenario: Scenario | None = None) -> Strategy:
    """A fresh strategy object by name: the scenario's own definitions first, then the library."""
    if scenario is not None and name in scenario.custom_strategies:
        return Cadence(name, CadenceSpec.model_validate(scenario.custom_strategies[name]))
    specs = library_specs()
    if name not in specs:
        raise KeyError(f"unknown strategy {name!r}; known: {', '.join(specs)}")
    return Cadence(name, specs[name])
