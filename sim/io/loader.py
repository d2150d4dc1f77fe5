"""Reading scenario files: YAML (the safe loader only, read defensively by
``sim.io.yamlfile``) into a validated ``Scenario``.

Every problem becomes one line naming the file, the dotted path, the bad value and what is
allowed; malformed YAML gets its line and column. The Python API raises ``ScenarioError``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from sim.io.errors import Problem, ScenarioError
from sim.io.problems import problems_from
from sim.io.yamlfile import read_yaml_file
from sim.model.scenario import Scenario
from sim.strategy.library import check_strategies

M = TypeVar("M", bound=BaseModel)

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"


def read_yaml(path: Path, noun: str = "scenario") -> Any:
    """A user's YAML file, read defensively (``sim.io.yamlfile``: regular files of limited size,
    UTF-8, bounded nesting and aliases, no key given twice); a file with no content is an
    error saying what a ``noun`` file holds."""
    data = read_yaml_file(path)
    if data is None:
        raise ScenarioError(str(path), [Problem("", None, EMPTY.get(noun, EMPTY["scenario"]))])
    return data


EMPTY = {
    "scenario": "the file is empty; a scenario is a YAML mapping of fields, at least its name "
    "(name: my-market), every field left out taking its default (see docs/guide/scenario-file.md)",
    "sweep": "the file is empty; a sweep needs at least parameters (a list of path and values, "
    "or path, low and high) and strategies (see docs/guide/sweeps.md)",
}
"""What an empty file is told, by kind of file."""


def deep_update(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``patch`` merged in, mapping by mapping (neither is modified); a
    distribution (a mapping with ``kind``) or any other value replaces what was there."""
    out = dict(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and "kind" not in value:
            out[key] = deep_update(out[key], value)
        else:
            out[key] = value
    return out


def validate_mapping(
    model: type[M],
    data: Any,
    source: str,
    noun: str,
    mend: Callable[[Problem], Problem] = lambda p: p,
) -> M:
    """Validate a mapping (as read from YAML) into ``model``; every problem names ``source``,
    the field's path, the value and what is allowed (``mend`` may add to a problem)."""
    if not isinstance(data, dict):
        raise ScenarioError(
            source, [Problem("(top level)", data, f"must be a mapping of {noun} fields")]
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(source, [mend(p) for p in problems_from(exc, model)]) from None


def scenario_from_dict(data: Any, source: str = "<scenario>") -> Scenario:
    """Validate a mapping (as read from YAML) into a Scenario, strategies included."""
    scenario = validate_mapping(Scenario, {} if data is None else data, source, "scenario")
    problems = check_strategies(scenario)
    if problems:
        raise ScenarioError(source, problems)
    return scenario


def resolve(name_or_path: str | Path, folder: Path = SCENARIO_DIR) -> Path:
    """A file by path, or by name from ``folder`` (default: the project's ``scenarios/``)."""
    path = Path(name_or_path)
    if path.exists() or path.suffix in (".yaml", ".yml"):
        return path
    candidate = folder / f"{name_or_path}.yaml"
    return candidate if candidate.exists() else path


def load_scenario(name_or_path: str | Path = "baseline") -> Scenario:
    """Load and validate a scenario file (or a scenario shipped in ``scenarios/`` by name)."""
    path = resolve(name_or_path)
    if not path.exists():
        raise ScenarioError(str(path), [Problem("", None, "no such scenario file")])
    return scenario_from_dict(read_yaml(path), str(path))


def scenario_to_yaml(scenario: Scenario) -> str:
    """Every parameter spelled out, in the order the model declares them."""
    data = scenario.model_dump(mode="json")
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=None, width=100)
