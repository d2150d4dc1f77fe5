"""The registry of assumptions a ranking may depend on: value_boost with its documented range,
every range inside its scenario field's bounds, and no touch that raises need left out."""

from __future__ import annotations

import re

import pytest

from sim.io.errors import ScenarioError
from sim.model.scenario import URGENCY_BOUND, Scenario
from sim.report.assumptions import (
    ASSUMPTIONS,
    VALUE_BOOST,
    Assumption,
    assumption,
    field_bounds,
    scenario_value,
)
from tests.conftest import make_scenario
from tests.helpers import ROOT


def test_the_registry_lists_value_boost_with_its_range() -> None:
    assert VALUE_BOOST in ASSUMPTIONS and assumption("value_boost") is VALUE_BOOST
    assert VALUE_BOOST.path == "urgency.value_boost"
    assert (VALUE_BOOST.low, VALUE_BOOST.high) == (0.0, 0.3)
    assert VALUE_BOOST.default == Scenario().urgency.value_boost == 0.15
    assert VALUE_BOOST.low <= VALUE_BOOST.default <= VALUE_BOOST.high
    assert VALUE_BOOST.meaning(0.0) == "touches never create need"
    assert VALUE_BOOST.meaning(0.15) == ""


@pytest.mark.parametrize("a", ASSUMPTIONS, ids=lambda a: a.name)
def test_every_range_is_inside_the_fields_bounds(a: Assumption) -> None:
    low, high = field_bounds(a.path)
    assert low <= a.low < a.high <= high
    for end in (a.low, a.high):  # each end is a valid scenario
        *parents, last = a.path.split(".")
        patch: dict[str, object] = {last: end}
        for part in reversed(parents):
            patch = {part: patch}
        assert scenario_value(make_scenario(patch), a.path) == end


def test_field_bounds_are_the_scenarios_validation() -> None:
    assert field_bounds("urgency.value_boost") == (0.0, 10.0)
    with pytest.raises(ScenarioError):
        make_scenario({"urgency": {"value_boost": 10.5}})
    assert field_bounds("urgency.mu") == (-URGENCY_BOUND, URGENCY_BOUND)
    with pytest.raises(KeyError):
        field_bounds("urgency.no_such_field")


def test_an_assumption_validates_itself() -> None:
    fields = {"name": "x", "path": "urgency.value_boost", "low_means": "", "high_means": "",
              "mechanism": "", "why": ""}  # fmt: skip
    with pytest.raises(ValueError, match="outside the field's bounds 0 to 10"):
        Assumption(low=-0.5, high=0.3, **fields)
    with pytest.raises(ValueError, match="outside the field's bounds"):
        Assumption(low=0.0, high=11.0, **fields)
    with pytest.raises(ValueError, match="must be below"):
        Assumption(low=0.3, high=0.3, **fields)
    with pytest.raises(KeyError):
        Assumption(low=0.0, high=1.0, **{**fields, "path": "urgency.nothing"})
    with pytest.raises(KeyError):
        assumption("nothing")


WRITE_TO_NEED = re.compile(r"\bst\.u\[.*\]\s*[-+*/]?=(?!=)")
"""An assignment to a buyer's urgency (``st.u[...] = ...``, ``+=`` ...) in the package."""


def test_every_write_to_need_is_the_daily_step_or_a_registered_assumption() -> None:
    """The daily Ornstein-Uhlenbeck step changes urgency by itself; any other write is a touch
    raising need and must name a registered assumption's field (a new mechanism would fail
    here until it is registered and its range documented)."""
    leaves = {a.path.rsplit(".", 1)[1] for a in ASSUMPTIONS}
    writes = []
    for path in sorted((ROOT / "sim").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if WRITE_TO_NEED.search(line):
                writes.append((path.relative_to(ROOT).as_posix(), number, line.strip()))
    assert writes, "the pattern finds nothing: has the state been renamed?"
    step = [w for w in writes if w[0] == "sim/model/dynamics.py" and "ou_step(" in w[2]]
    touches = [w for w in writes if w not in step]
    assert len(step) == 1
    assert touches and all(any(leaf in w[2] for leaf in leaves) for w in touches), touches
    assert [w[0] for w in touches] == ["sim/model/messages.py"]


@pytest.mark.parametrize("a", ASSUMPTIONS, ids=lambda a: a.name)
def test_the_model_documents_each_range(a: Assumption) -> None:
    """docs/model.md states each range where the field is defined and in its table of
    defaults."""
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    assert f"**{a.low:g} to {a.high:g}**" in text
    row = next(line for line in text.splitlines() if line.startswith("|") and a.name in line)
    assert f"{a.low:g} ({a.low_means}) to {a.high:g} ({a.high_means})" in row
