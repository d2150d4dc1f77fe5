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


RESERVED = ("all", "scenario")
"""Words the command line's ``--strategies`` gives a meaning; no strategy may take them."""


def name_problems(name: object) -> list[str]:
    """What is wrong with ``name`` as the name of a scenario's own strategy."""
    if not isinstance(name, str) or not name.strip():
        return ["a strategy's name must be non-empty text"]
    out = []
    if name in library_specs():
        out.append("a library strategy has this name; give yours another name")
    if name in RESERVED:
        out.append(f"{name!r} is a word of --strategies; give the strategy another name")
    if "," in name or name != name.strip() or not name.isprintable():
        out.append("a strategy's name may not hold commas, control characters or outer spaces")
    return out


def check_strategies(scenario: Scenario) -> list[Problem]:
    """Problems with a scenario's strategy list and custom strategy definitions: a custom
    strategy may not take a library strategy's name (it would silently replace it) nor a
    word of ``--strategies``."""
    problems: list[Problem] = []
    for name, spec in scenario.custom_strategies.items():
        for message in name_problems(name):
            problems.append(Problem(f"custom_strategies.{name}", name, message))
        try:
            CadenceSpec.model_validate(spec)
        except ValidationError as exc:
            # the rules across fields are checked on the raw mapping instead, so that every
            # problem is reported at once (pydantic checks them once every field is valid)
            found = problems_from(exc, CadenceSpec)
            if isinstance(spec, dict):
                found = [p for p in found if not _across(p)]
                found += [Problem(*located) for located in structure_problems(spec)]
            for p in found:
                path = ".".join(x for x in ("custom_strategies", name, p.path) if x)
                value = p.value if p.path else spec
                problems.append(Problem(path, value, p.message))
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
