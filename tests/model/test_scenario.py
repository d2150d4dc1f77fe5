"""Scenario files: every default spelled out in baseline.yaml, and clear errors for bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sim.io.errors import ScenarioError
from sim.io.loader import SCENARIO_DIR, load_scenario, scenario_from_dict
from sim.model.scenario import Scenario


def _leaf_paths(data: Any, prefix: str = "") -> set[str]:
    if isinstance(data, dict) and data:
        out: set[str] = set()
        for key, value in data.items():
            out |= _leaf_paths(value, f"{prefix}.{key}" if prefix else str(key))
        return out
    return {prefix}


def test_baseline_spells_out_every_default() -> None:
    raw = yaml.safe_load((SCENARIO_DIR / "baseline.yaml").read_text())
    defaults = Scenario().model_dump(mode="json")
    missing = _leaf_paths(defaults) - _leaf_paths(raw)
    assert not missing, f"baseline.yaml omits {sorted(missing)}"
    loaded = load_scenario("baseline")
    expected = Scenario(name=loaded.name, description=loaded.description)
    assert loaded == expected, "baseline.yaml must hold the model's defaults"


def test_scenario_by_name_and_by_path() -> None:
    assert load_scenario("baseline") == load_scenario(SCENARIO_DIR / "baseline.yaml")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "x.yaml"
    path.write_text(text)
    return path


def test_bad_value_names_file_path_value_and_rule(tmp_path: Path) -> None:
    path = _write(tmp_path, "population:\n  loads:\n    email: {kind: lognormal, median: -3}\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert err.value.lines() == [f"{path}: population.loads.email.median = -3: must be > 0"]


def test_every_problem_is_reported_once(tmp_path: Path) -> None:
    text = "calendar:\n  horizon_days: 0\n  colour: red\nresponse:\n  p_win: 1.5\n"
    with pytest.raises(ScenarioError) as err:
        load_scenario(_write(tmp_path, text))
    lines = err.value.lines()
    assert len(lines) == 3
    assert any("calendar.horizon_days = 0: must be >= 1" in line for line in lines)
    assert any("calendar.colour = 'red': unknown key; allowed: " in line for line in lines)
    assert any("response.p_win = 1.5: must be <= 1" in line for line in lines)


def test_unknown_strategy_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario(_write(tmp_path, "strategies: [one-and-done, fifth-call]\n"))
    (line,) = err.value.lines()
    assert "strategies.1 = 'fifth-call': unknown strategy; known: " in line


def test_custom_strategy_errors_point_into_the_definition(tmp_path: Path) -> None:
    text = (
        "custom_strategies:\n  mine:\n    phases:\n      - name: a\n"
        "        steps: [{day: 0, channel: smoke-signal}]\n"
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(_write(tmp_path, text))
    (line,) = err.value.lines()
    assert "custom_strategies.mine.phases.0.steps.0.channel = 'smoke-signal'" in line
    assert "call_desk" in line


def test_malformed_yaml_gives_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario(_write(tmp_path, "calendar:\n  horizon_days: [60\n  x: 1\n"))
    (line,) = err.value.lines()
    assert line.startswith(f"{tmp_path / 'x.yaml'}: line ")
    assert "column" in line and "malformed YAML" in line


def test_segment_shares_must_add_up() -> None:
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict({"population": {"segments": {"buyer": 0.5}}}, "s.yaml")
    assert "must add up to 1" in err.value.lines()[0]


yaml_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=True)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(yaml_values)
def test_arbitrary_yaml_gives_a_scenario_or_a_clear_error(data: Any) -> None:
    text = yaml.safe_dump(data)
    try:
        scenario_from_dict(yaml.safe_load(text), "fuzz.yaml")
    except ScenarioError as exc:
        assert exc.lines() and all(line.startswith("fuzz.yaml: ") for line in exc.lines())


_paths = sorted(_leaf_paths(Scenario().model_dump(mode="json")))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_paths), yaml_values)
@example(path="calendar.workday_start.high", value=601)  # breaks a rule of the calendar block
def test_any_field_set_to_anything_gives_a_scenario_or_an_error_naming_it(
    path: str, value: Any
) -> None:
    data: dict[str, Any] = Scenario().model_dump(mode="json")
    node = data
    keys = path.split(".")
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value
    try:
        scenario_from_dict(data, "f.yaml")
    except ScenarioError as exc:
        # the field, its block, or an enclosing block whose cross-field rule it broke (e.g.
        # calendar: the working day must end before the evening reading starts)
        blocks = [".".join(keys[:i]) for i in range(1, len(keys) + 1)]
        named = [f"f.yaml: {b}" for b in blocks] + ["top level"]
        assert any(n in line for n in named for line in exc.lines()), exc.lines()


def test_an_unreachable_meeting_share_is_a_clear_error() -> None:
    data = {"population": {"meetings": {"share": 0.5, "hour_profile": {9: 1.0}}}}
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(data, "m.yaml")
    (line,) = err.value.lines()
    assert line.startswith("m.yaml: population.meetings.share = 0.5 cannot be reached")


@pytest.mark.parametrize("name", ["calendar", "cold-outbound", "cold-follow-ups", "baseline"])
def test_fitted_defaults_are_the_recorded_fit(name: str) -> None:
    """The calendar's, the cold list's, its follow-ups' and the warm list's fitted defaults are
    the posterior medians of ``followup calibrate NAME`` (scenarios/fits/NAME.yaml, written by
    scenarios/record_fit.py): never hand-tuned."""
    from sim.calibrate.space import read_value

    fit = yaml.safe_load((SCENARIO_DIR / "fits" / f"{name}.yaml").read_text("utf-8"))
    defaults = Scenario().model_dump(mode="json")
    for path, entry in fit["parameters"].items():
        value, why = read_value(defaults, path)
        assert why is None and value == entry["median"], path
        assert entry["ci90"][0] <= value <= entry["ci90"][1]
